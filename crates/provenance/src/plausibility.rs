//! Plausibility: is a declared harvest possible with the goats behind it, and is a lot what
//! it is claimed to be. Each rule yields [`Finding`]s with the figures that break it.
//!
//! Running totals per household-season and per soum-season are state the caller persists
//! (the ledger returns them in its effects and reads them through its view).
//!
//! A household that combs its herd in several passes declares the same goats on each event,
//! so its goats in a season are the **largest** number any of its events declared, not the
//! sum; a soum's goats are the sum of its households' goats.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::balance::Config;
use crate::finding::{Finding, FindingKind};
use crate::quantity::kg_number;
use crate::shares::{Composition, share};
use crate::terms::Claim;

/// Census goats per soum (NSO). `season` is the combing year; an implementation may ignore
/// it (one census for all seasons) or map it to the preceding year-end count.
pub trait Census {
    fn goats(&self, soum: &str, season: &str) -> Option<u64>;
}

impl Census for HashMap<String, u64> {
    fn goats(&self, soum: &str, _season: &str) -> Option<u64> {
        self.get(soum).copied()
    }
}

impl Census for BTreeMap<String, u64> {
    fn goats(&self, soum: &str, _season: &str) -> Option<u64> {
        self.get(soum).copied()
    }
}

impl<F: Fn(&str, &str) -> Option<u64>> Census for F {
    fn goats(&self, soum: &str, season: &str) -> Option<u64> {
        self(soum, season)
    }
}

/// What a household declared in a season so far.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HouseholdSeason {
    pub household: String,
    pub season: String,
    /// Raw grams declared.
    pub grams: u64,
    /// Largest goats combed declared by any of its events.
    pub goats: u64,
    /// Combing events counted.
    pub events: u64,
}

/// What a soum declared in a season so far.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SoumSeason {
    pub soum: String,
    pub season: String,
    pub grams: u64,
    /// Sum of its households' goats.
    pub goats: u64,
    /// Households that declared a harvest.
    pub households: u64,
}

/// The household rule, on its totals after an event.
pub fn household_harvest(
    config: &Config,
    t: &HouseholdSeason,
    lot: &str,
    event: &str,
) -> Option<Finding> {
    let per_goat = config.per_goat_ceiling_kg.grams();
    let ceiling = u128::from(t.goats) * u128::from(per_goat);
    if u128::from(t.grams) <= ceiling {
        return None;
    }
    let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
    Some(
        Finding::new(
            FindingKind::HouseholdHarvest,
            lot,
            event,
            "a household's raw cashmere declared in a season ≤ goats combed × per-goat ceiling",
        )
        .with("household", t.household.as_str())
        .with("season", t.season.as_str())
        .with("declared_g", t.grams)
        .with("declared_kg", kg_number(t.grams))
        .with("goats_combed", t.goats)
        .with("per_goat_ceiling_kg", kg_number(per_goat))
        .with("ceiling_kg", kg_number(ceiling))
        .with(
            "kg_per_goat",
            if t.goats == 0 {
                None
            } else {
                Some(t.grams as f64 / 1000.0 / t.goats as f64)
            },
        )
        .with("events", t.events),
    )
}

/// The soum rules, on its totals after an event. `census` `None` skips them.
pub fn soum_rules(
    config: &Config,
    t: &SoumSeason,
    census: Option<&dyn Census>,
    lot: &str,
    event: &str,
) -> Vec<Finding> {
    let Some(census) = census else {
        return Vec::new();
    };
    let Some(goats) = census.goats(&t.soum, &t.season) else {
        return vec![
            Finding::new(
                FindingKind::UnknownSoum,
                lot,
                event,
                "the soum of a harvest must be in the census, so that its totals can be checked",
            )
            .with("soum", t.soum.as_str())
            .with("season", t.season.as_str()),
        ];
    };
    let mut out = Vec::new();
    let per_goat = config.per_goat_ceiling_kg.grams();
    let ceiling = u128::from(goats) * u128::from(per_goat);
    if u128::from(t.grams) > ceiling {
        let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
        out.push(
            Finding::new(
                FindingKind::SoumHarvest,
                lot,
                event,
                "a soum's raw cashmere declared in a season ≤ its census goats × per-goat ceiling",
            )
            .with("soum", t.soum.as_str())
            .with("season", t.season.as_str())
            .with("declared_g", t.grams)
            .with("declared_kg", kg_number(t.grams))
            .with("census_goats", goats)
            .with("per_goat_ceiling_kg", kg_number(per_goat))
            .with("ceiling_kg", kg_number(ceiling))
            .with("households", t.households),
        );
    }
    if t.goats > goats {
        out.push(
            Finding::new(
                FindingKind::SoumGoats,
                lot,
                event,
                "goats declared combed in a soum in a season ≤ its census goats",
            )
            .with("soum", t.soum.as_str())
            .with("season", t.season.as_str())
            .with("goats_combed", t.goats)
            .with("census_goats", goats)
            .with("households", t.households),
        );
    }
    out
}

fn claim_evidence(f: Finding, c: &Composition) -> Finding {
    let by_claim: serde_json::Map<String, serde_json::Value> = c
        .tally(|s| s.claim)
        .into_iter()
        .map(|(k, w)| (k.as_str().to_owned(), share(w).into()))
        .collect();
    f.with("by_claim", by_claim)
}

/// The blend rules for a transformation whose inputs had `inputs` compositions and whose
/// outputs have `output`:
/// - `blend`: fibre claimed 100 % `mongolian-cashmere` went in, and what came out is not;
/// - `claim-mismatch`: the event declared its outputs to be `declared`, and they are not all.
pub fn blend_rules(
    inputs: &[&Composition],
    output: &Composition,
    declared: Option<Claim>,
    subject: &str,
    event: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mc = Claim::MongolianCashmere;
    if inputs.iter().any(|c| c.is_all(mc)) && !output.is_all(mc) {
        let f = Finding::new(
            FindingKind::Blend,
            subject,
            event,
            "fibre of other claims was blended into mongolian-cashmere: the output cannot be claimed as such",
        )
        .with("mongolian_cashmere_share", share(output.claim_weight(mc)));
        out.push(claim_evidence(f, output));
    }
    if let Some(claim) = declared
        && !output.is_all(claim)
    {
        let f = Finding::new(
            FindingKind::ClaimMismatch,
            subject,
            event,
            "outputs declared as one fibre must be 100 % that fibre by composition",
        )
        .with("declared", claim.as_str())
        .with("declared_share", share(output.claim_weight(claim)));
        out.push(claim_evidence(f, output));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shares::Source;

    fn hh(grams: u64, goats: u64) -> HouseholdSeason {
        HouseholdSeason {
            household: "https://id.nooluur.org/household/1".into(),
            season: "2024".into(),
            grams,
            goats,
            events: 1,
        }
    }

    #[test]
    fn household_ceiling() {
        let c = Config::default();
        assert!(household_harvest(&c, &hh(60_000, 100), "L", "E").is_none());
        let f = household_harvest(&c, &hh(60_001, 100), "L", "E").unwrap();
        assert_eq!(f.kind, FindingKind::HouseholdHarvest);
        assert_eq!(f.evidence["ceiling_kg"], 60.0);
        assert_eq!(f.evidence["declared_kg"], 60.001);
        assert!(household_harvest(&c, &hh(1, 0), "L", "E").is_some());
    }

    #[test]
    fn soum_rules_use_the_census() {
        let c = Config::default();
        let census: HashMap<String, u64> = [("18101".to_owned(), 1_000)].into();
        let t = SoumSeason {
            soum: "18101".into(),
            season: "2024".into(),
            grams: 600_001,
            goats: 1_001,
            households: 3,
        };
        let fs = soum_rules(&c, &t, Some(&census), "L", "E");
        let kinds: Vec<_> = fs.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![FindingKind::SoumHarvest, FindingKind::SoumGoats]
        );
        let ok = SoumSeason {
            grams: 600_000,
            goats: 1_000,
            ..t.clone()
        };
        assert!(soum_rules(&c, &ok, Some(&census), "L", "E").is_empty());
        assert!(soum_rules(&c, &t, None, "L", "E").is_empty());
        let other = SoumSeason {
            soum: "99999".into(),
            ..t
        };
        assert_eq!(
            soum_rules(&c, &other, Some(&census), "L", "E")[0].kind,
            FindingKind::UnknownSoum
        );
        let by_fn = |s: &str, _: &str| (s == "18101").then_some(5_000);
        assert!(soum_rules(&c, &ok, Some(&by_fn), "L", "E").is_empty());
    }

    #[test]
    fn blends() {
        let src = |lot: &str, claim| Source {
            lot: lot.into(),
            household: None,
            soum: None,
            colour: None,
            claim,
        };
        let mc = Composition::single(src("a", Claim::MongolianCashmere));
        let wool = Composition::single(src("w", Claim::Wool));
        let mix = Composition::mix(&[(800, &mc), (200, &wool)]).unwrap();
        let fs = blend_rules(
            &[&mc, &wool],
            &mix,
            Some(Claim::MongolianCashmere),
            "out",
            "E",
        );
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[0].kind, FindingKind::Blend);
        assert_eq!(fs[0].evidence["mongolian_cashmere_share"], 0.8);
        assert_eq!(fs[1].kind, FindingKind::ClaimMismatch);
        assert!(blend_rules(&[&mc], &mc, Some(Claim::MongolianCashmere), "o", "E").is_empty());
    }
}
