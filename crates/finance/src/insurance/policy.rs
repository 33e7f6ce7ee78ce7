//! Policies (one household, one species, one index area, a sum insured) and hindcasts: what a
//! policy would have paid in each year of a mortality series.
//!
//! **Policy file** (`nooluur insurance hindcast --policy FILE.json`), one JSON object:
//!
//! ```json
//! {
//!   "id": "pol-2024-17",          // optional
//!   "household": "hh-1",          // required
//!   "aimag": "Arkhangai",         // NSO 2-digit code (65 or "65") or English/Mongolian name
//!   "soum": "65101",              // optional 5-digit soum code; must lie in the aimag, and
//!                                 //   then the aimag may be left out
//!   "species": "goat",            // camel | cattle | goat | horse | sheep (plural and "yak" →
//!                                 //   cattle accepted)
//!   "sum_insured_mnt": 5000000,   // whole tögrög, a JSON integer or a digit string — or
//!   "heads": 100, "value_per_head_mnt": 50000,   // whose product is the sum insured
//!   "trigger": "0.07",            // optional decimal string, default from the config
//!   "exhaustion": "0.30"          // optional decimal string
//! }
//! ```
//!
//! Unknown fields are refused (a misspelt `"triger"` must not silently fall back to the
//! default). The index is the soum's mortality when the series has it for the year, else the
//! aimag's, else the national figure; each year of a hindcast says which it used.

use std::collections::BTreeMap;

use mongolia::Species;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Defaults, InsuranceError, Payout, payout};
use crate::decimal::Rate;

/// A livestock index-insurance policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub household: String,
    pub species: Species,
    /// 2-digit NSO aimag code.
    pub aimag: u8,
    /// 5-digit soum code, when the policy is indexed on a soum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soum: Option<u32>,
    pub sum_insured_mnt: u64,
    pub trigger: Rate,
    pub exhaustion: Rate,
}

/// Which area a mortality figure is for; finer areas come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexLevel {
    Soum,
    Aimag,
    National,
}

/// One year's mortality of the policy's species in an area: the caller picks the series for
/// the policy's species, soum and aimag (see [`super::mortality_series`] for the built-in one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MortalityPoint {
    pub year: i32,
    pub level: IndexLevel,
    pub mortality: Rate,
}

/// One year of a hindcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HindcastYear {
    pub year: i32,
    /// The area whose mortality was the index this year.
    pub index: IndexLevel,
    #[serde(flatten)]
    pub payout: Payout,
}

/// What a policy would have paid in each year of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hindcast {
    pub policy: Policy,
    pub years: Vec<HindcastYear>,
    /// Years with a payout above zero.
    pub years_paid: u32,
    pub total_payout_mnt: u64,
    pub total_disaster_layer_mnt: u64,
}

/// Runs `policy` over `series`, one result per year in year order, the finest area of each
/// year as the index.
pub fn hindcast(policy: &Policy, series: &[MortalityPoint]) -> Hindcast {
    let mut chosen: BTreeMap<i32, MortalityPoint> = BTreeMap::new();
    for p in series {
        match chosen.get(&p.year) {
            Some(c) if c.level <= p.level => {}
            _ => {
                chosen.insert(p.year, *p);
            }
        }
    }
    let years: Vec<HindcastYear> = chosen
        .into_values()
        .map(|p| HindcastYear {
            year: p.year,
            index: p.level,
            payout: policy.payout(p.mortality),
        })
        .collect();
    Hindcast {
        policy: policy.clone(),
        years_paid: years.iter().filter(|y| y.payout.payout_mnt > 0).count() as u32,
        total_payout_mnt: years
            .iter()
            .fold(0u64, |a, y| a.saturating_add(y.payout.payout_mnt)),
        total_disaster_layer_mnt: years
            .iter()
            .fold(0u64, |a, y| a.saturating_add(y.payout.disaster_layer_mnt)),
        years,
    }
}

impl Policy {
    /// The payout for a year whose index is `mortality`.
    pub fn payout(&self, mortality: Rate) -> Payout {
        // A Policy is only built with trigger < exhaustion (checked in `from_json`/`new`).
        payout(
            self.sum_insured_mnt,
            mortality,
            self.trigger,
            self.exhaustion,
        )
        .unwrap_or(Payout {
            payout_mnt: 0,
            trigger: self.trigger,
            exhaustion: self.exhaustion,
            loss_rate_covered: Rate::ZERO,
            mortality,
            sum_insured_mnt: self.sum_insured_mnt,
            disaster_layer_loss_rate: Rate::ZERO,
            disaster_layer_mnt: 0,
        })
    }

    /// A policy from its parts; checks the household, the area and the layer.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: Option<String>,
        household: &str,
        species: Species,
        aimag: u8,
        soum: Option<u32>,
        sum_insured_mnt: u64,
        trigger: Rate,
        exhaustion: Rate,
    ) -> Result<Policy, InsuranceError> {
        let bad = |m: String| Err(InsuranceError::Policy(m));
        if household.trim().is_empty() {
            return bad("household is empty".into());
        }
        if mongolia::aimag(aimag).is_none() {
            return bad(format!("aimag {aimag:02} is not an NSO aimag code"));
        }
        if let Some(code) = soum {
            match mongolia::soum(code) {
                None => return bad(format!("soum {code:05} is not an NSO soum code")),
                Some(s) if s.aimag_code != aimag => {
                    return bad(format!("soum {code:05} is not in aimag {aimag:02}"));
                }
                Some(_) => {}
            }
        }
        if trigger >= exhaustion {
            return Err(InsuranceError::TriggerNotBelowExhaustion {
                trigger,
                exhaustion,
            });
        }
        Ok(Policy {
            id,
            household: household.to_owned(),
            species,
            aimag,
            soum,
            sum_insured_mnt,
            trigger,
            exhaustion,
        })
    }

    /// Reads a policy file (see the module docs); `defaults` fill a missing trigger or
    /// exhaustion. Every error is one line naming the field.
    pub fn from_json(text: &str, defaults: &Defaults) -> Result<Policy, InsuranceError> {
        let bad = |m: String| InsuranceError::Policy(m);
        let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let Value::Object(obj) = value else {
            return Err(bad("expected a JSON object".into()));
        };
        const KNOWN: [&str; 10] = [
            "id",
            "household",
            "aimag",
            "soum",
            "species",
            "sum_insured_mnt",
            "heads",
            "value_per_head_mnt",
            "trigger",
            "exhaustion",
        ];
        if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(bad(format!("unknown field \"{k}\"")));
        }
        let text_field = |k: &str| -> Result<Option<String>, InsuranceError> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(_) => Err(bad(format!("{k} must be a string"))),
            }
        };
        let id = text_field("id")?;
        let household =
            text_field("household")?.ok_or_else(|| bad("household is missing".into()))?;
        let species_text =
            text_field("species")?.ok_or_else(|| bad("species is missing".into()))?;
        let species = parse_species(&species_text).ok_or_else(|| {
            bad(format!(
                "species \"{species_text}\" is not camel, cattle, goat, horse or sheep"
            ))
        })?;
        let soum = match text_field("soum")? {
            None => None,
            Some(s) => Some(
                mongolia::soum_by_str(&s)
                    .map_err(|e| bad(format!("soum: {e}")))?
                    .code,
            ),
        };
        let aimag = match (text_field("aimag")?, soum) {
            (Some(a), _) => parse_aimag(&a)
                .ok_or_else(|| bad(format!("aimag \"{a}\" is not an NSO aimag code or name")))?,
            (None, Some(code)) => mongolia::aimag_of_soum(code)
                .map(|a| a.code)
                .ok_or_else(|| bad(format!("soum {code:05} has no aimag")))?,
            (None, None) => return Err(bad("aimag (or soum) is missing".into())),
        };
        let sum_insured_mnt = sum_insured(&obj)?;
        let rate = |field: &'static str, default: Rate| match obj.get(field) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::String(s)) => {
                Rate::parse(s).map_err(|source| InsuranceError::Rate { field, source })
            }
            Some(_) => Err(InsuranceError::RateNotString { field }),
        };
        let trigger = rate("trigger", defaults.trigger.value)?;
        let exhaustion = rate("exhaustion", defaults.exhaustion.value)?;
        Policy::new(
            id,
            &household,
            species,
            aimag,
            soum,
            sum_insured_mnt,
            trigger,
            exhaustion,
        )
    }
}

/// A whole non-negative number of tögrög from a JSON integer or digit string.
fn amount(obj: &Map<String, Value>, field: &'static str) -> Result<Option<u64>, InsuranceError> {
    let err = |source| InsuranceError::Amount { field, source };
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) => Ok(Some(v)),
            None => crate::decimal::parse_mnt(&n.to_string())
                .map(Some)
                .map_err(err),
        },
        Some(Value::String(s)) => crate::decimal::parse_mnt(s).map(Some).map_err(err),
        Some(other) => Err(err(crate::decimal::DecimalError::NotWholeMnt(
            other.to_string(),
        ))),
    }
}

fn sum_insured(obj: &Map<String, Value>) -> Result<u64, InsuranceError> {
    let sum = amount(obj, "sum_insured_mnt")?;
    let heads = amount(obj, "heads")?;
    let per_head = amount(obj, "value_per_head_mnt")?;
    let product = match (heads, per_head) {
        (Some(h), Some(v)) => Some(h.checked_mul(v).ok_or_else(|| {
            InsuranceError::Policy("heads × value_per_head_mnt is too large".into())
        })?),
        (None, None) => None,
        _ => {
            return Err(InsuranceError::Policy(
                "heads and value_per_head_mnt go together".into(),
            ));
        }
    };
    match (sum, product) {
        (Some(s), Some(p)) if s != p => Err(InsuranceError::Policy(format!(
            "sum_insured_mnt {s} differs from heads × value_per_head_mnt = {p}"
        ))),
        (Some(s), _) => Ok(s),
        (None, Some(p)) => Ok(p),
        (None, None) => Err(InsuranceError::Policy(
            "sum_insured_mnt (or heads and value_per_head_mnt) is missing".into(),
        )),
    }
}

/// `goat`, `goats`, `Goat`; `yak` is cattle (as the NSO counts it).
pub fn parse_species(text: &str) -> Option<Species> {
    let t = text.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "camel" | "camels" => Species::Camel,
        "cattle" | "cow" | "cows" | "yak" | "yaks" => Species::Cattle,
        "goat" | "goats" => Species::Goat,
        "horse" | "horses" => Species::Horse,
        "sheep" => Species::Sheep,
        _ => return None,
    })
}

/// A 2-digit NSO code (`"65"`, `"065"` is refused) or an English/Mongolian name.
fn parse_aimag(text: &str) -> Option<u8> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok().and_then(mongolia::aimag).map(|a| a.code);
    }
    mongolia::aimag_by_name(t).map(|a| a.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Rate {
        Rate::parse(s).expect("rate")
    }

    fn arkhangai() -> u8 {
        mongolia::aimag_by_name("Arkhangai").expect("aimag").code
    }

    #[test]
    fn reads_a_policy() {
        let d = Defaults::v1();
        let p = Policy::from_json(
            r#"{"household":"hh-1","aimag":"Arkhangai","species":"goats",
                "sum_insured_mnt":5000000,"trigger":"0.07","exhaustion":"0.30"}"#,
            &d,
        )
        .expect("policy");
        assert_eq!(p.aimag, arkhangai());
        assert_eq!((p.trigger, p.exhaustion), (r("0.07"), r("0.3")));
        assert_eq!(p.species, Species::Goat);
        let code = format!("{}", arkhangai());
        let q = Policy::from_json(
            &format!(r#"{{"household":"hh-1","aimag":{code},"species":"sheep","heads":10,"value_per_head_mnt":"70000"}}"#),
            &d,
        )
        .expect("policy");
        assert_eq!((q.sum_insured_mnt, q.trigger), (700_000, d.trigger.value));
    }

    #[test]
    fn refusals_are_one_line_and_name_the_field() {
        let d = Defaults::v1();
        let e = |body: &str| {
            Policy::from_json(body, &d)
                .expect_err("refused")
                .to_string()
        };
        let base = r#""household":"h","aimag":"Arkhangai","species":"goat""#;
        assert_eq!(
            e(&format!("{{{base},\"sum_insured_mnt\":-5}}")),
            "sum_insured_mnt: '-5' is negative"
        );
        assert_eq!(
            e(&format!("{{{base},\"sum_insured_mnt\":1.5}}")),
            "sum_insured_mnt: '1.5' is not a whole number of tögrög"
        );
        assert_eq!(
            e(&format!(
                "{{{base},\"sum_insured_mnt\":5,\"trigger\":0.07}}"
            )),
            "trigger: write rates as decimal strings, e.g. \"0.07\""
        );
        assert_eq!(
            e(&format!(
                "{{{base},\"sum_insured_mnt\":5,\"trigger\":\"0.3\",\"exhaustion\":\"0.2\"}}"
            )),
            "trigger 0.3 must be below exhaustion 0.2"
        );
        assert_eq!(
            e(&format!(
                "{{{base},\"sum_insured_mnt\":5,\"exhaustion\":\"1.5\"}}"
            )),
            "exhaustion: '1.5' is outside [0, 1] (rates are fractions: 0.12 means 12 %)"
        );
        assert_eq!(
            e(&format!(
                "{{{base},\"sum_insured_mnt\":5,\"triger\":\"0.1\"}}"
            )),
            "policy: unknown field \"triger\""
        );
        assert!(
            e(r#"{"household":"h","aimag":"Atlantis","species":"goat","sum_insured_mnt":5}"#)
                .contains("Atlantis")
        );
        assert!(
            e(r#"{"household":"h","aimag":"Arkhangai","species":"llama","sum_insured_mnt":5}"#)
                .contains("llama")
        );
        for msg in [e("[1]"), e("{"), e(&format!("{{{base}}}"))] {
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn a_soum_must_lie_in_its_aimag() {
        let d = Defaults::v1();
        let soum = mongolia::soums()
            .iter()
            .find(|s| s.aimag_code != arkhangai() && !s.is_ub_district())
            .expect("a soum");
        let body = format!(
            r#"{{"household":"h","aimag":"Arkhangai","soum":"{}","species":"goat","sum_insured_mnt":5}}"#,
            soum.code_str()
        );
        assert!(Policy::from_json(&body, &d).is_err());
        let body = format!(
            r#"{{"household":"h","soum":"{}","species":"goat","sum_insured_mnt":5}}"#,
            soum.code_str()
        );
        let p = Policy::from_json(&body, &d).expect("policy");
        assert_eq!((p.aimag, p.soum), (soum.aimag_code, Some(soum.code)));
    }

    #[test]
    fn hindcast_prefers_the_finest_area() {
        let p = Policy::new(
            None,
            "h",
            Species::Goat,
            arkhangai(),
            None,
            1_000_000,
            r("0.06"),
            r("0.3"),
        )
        .expect("policy");
        let pt = |year, level, m| MortalityPoint {
            year,
            level,
            mortality: r(m),
        };
        let h = hindcast(
            &p,
            &[
                pt(2010, IndexLevel::National, "0.2"),
                pt(2010, IndexLevel::Aimag, "0.4"),
                pt(2011, IndexLevel::National, "0.05"),
                pt(2009, IndexLevel::Aimag, "0.1"),
            ],
        );
        let got: Vec<_> = h
            .years
            .iter()
            .map(|y| (y.year, y.index, y.payout.payout_mnt))
            .collect();
        assert_eq!(
            got,
            [
                (2009, IndexLevel::Aimag, 40_000),
                (2010, IndexLevel::Aimag, 240_000),
                (2011, IndexLevel::National, 0)
            ]
        );
        assert_eq!(
            (h.years_paid, h.total_payout_mnt, h.total_disaster_layer_mnt),
            (2, 280_000, 100_000)
        );
    }
}
