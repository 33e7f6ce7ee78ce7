//! The explainable credit scorecard: a versioned TOML file (`scorecards/scorecard-v1.toml`,
//! with the rationale of every factor) and [`score`], which turns a history into points with
//! one reason per component. The reasons' points sum to the total exactly.
//!
//! **Herd size never adds points.** The only factors that read the herd are the stocking ratio
//! (sheep units / the household's share of its soum's carrying capacity), whose points can only
//! fall as the ratio rises and are the same anywhere within capacity, and the species mix,
//! which counts species by share of sheep units (scale-free) and earns points only when the
//! herd is known to be within capacity. [`Scorecard::from_toml`] refuses a file that would
//! break this (bands splitting below capacity, points rising with the ratio), so the property
//! holds for every accepted scorecard, not just v1.

mod score;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decimal::{Rate, Ratio};

pub use score::{Factor, Reason, Score, score, score_summary};

/// The built-in scorecard, version 1.
pub const SCORECARD_V1: &str = include_str!("../../scorecards/scorecard-v1.toml");

/// A loaded, checked scorecard. Field meanings are documented in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    pub format: u32,
    pub name: String,
    pub version: String,
    pub title: String,
    pub status: String,
    pub rationale: String,
    pub window_seasons: u32,
    pub season_end_month: u32,
    pub delivery_regularity: DeliveryRegularity,
    pub quality_trend: QualityTrend,
    pub repayment: Repayment,
    pub verified_income: VerifiedIncome,
    pub diversification: Diversification,
    pub dzud_exposure: DzudExposure,
    pub stocking: Stocking,
}

/// Points for seasons with and without deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRegularity {
    pub rationale: String,
    pub points_per_season: i64,
    pub points_per_missing_season: i64,
}

/// Points for the grade trend and a live certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityTrend {
    pub rationale: String,
    pub grade_ranks: BTreeMap<String, u32>,
    pub tolerance: Ratio,
    pub improving: i64,
    pub steady: i64,
    pub declining: i64,
    pub insufficient: i64,
    pub certified: i64,
}

/// Points per instalment repaid on time or late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repayment {
    pub rationale: String,
    pub on_time: i64,
    pub on_time_cap: i64,
    pub late: i64,
    pub grace_days: u32,
    pub no_record: i64,
}

/// Points by band of verified income per season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifiedIncome {
    pub rationale: String,
    pub bands: Vec<IncomeBand>,
}

/// Income per season from `min_mnt` up to the next band's floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeBand {
    pub min_mnt: u64,
    pub points: i64,
}

/// Points for species mix and several counterparties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diversification {
    pub rationale: String,
    pub species_min_share: Rate,
    pub points_per_extra_species: i64,
    pub species_cap: i64,
    pub points_per_extra_counterparty: i64,
    pub counterparty_cap: i64,
}

/// Points by dzud risk class and for delivering through a dzud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DzudExposure {
    pub rationale: String,
    pub class_points: [i64; 5],
    pub unknown: i64,
    pub resilience_class: u8,
    pub points_per_resilient_season: i64,
    pub resilience_cap: i64,
}

/// Points by stocking ratio band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stocking {
    pub rationale: String,
    pub unknown: i64,
    pub bands: Vec<StockingBand>,
    pub above: AboveBands,
}

/// Ratios up to and including `up_to` (and above the previous band's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockingBand {
    pub up_to: Ratio,
    pub points: i64,
}

/// Ratios above the last band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AboveBands {
    pub points: i64,
}

/// Why a scorecard file was refused. One line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScorecardError {
    /// Not TOML of the scorecard shape.
    #[error("scorecard: {0}")]
    Syntax(String),
    /// A value breaks a rule of the scorecard format.
    #[error("scorecard {field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
}

fn invalid(field: &'static str, problem: impl Into<String>) -> ScorecardError {
    ScorecardError::Invalid {
        field,
        problem: problem.into(),
    }
}

fn check(ok: bool, field: &'static str, problem: &str) -> Result<(), ScorecardError> {
    if ok {
        Ok(())
    } else {
        Err(invalid(field, problem))
    }
}

impl Scorecard {
    /// The built-in version 1 (`scorecards/scorecard-v1.toml`).
    pub fn v1() -> Scorecard {
        // The file is part of the crate and a unit test loads it.
        #[allow(clippy::expect_used)]
        Scorecard::from_toml(SCORECARD_V1).expect("built-in scorecard-v1.toml is valid")
    }

    /// Reads and checks a scorecard file.
    pub fn from_toml(text: &str) -> Result<Scorecard, ScorecardError> {
        let s: Scorecard =
            toml::from_str(text).map_err(|e| ScorecardError::Syntax(one_line(&e.to_string())))?;
        s.validate()?;
        Ok(s)
    }

    /// The rules [`Scorecard::from_toml`] enforces; see the module docs for why.
    pub fn validate(&self) -> Result<(), ScorecardError> {
        check(self.format == 1, "format", "only format 1 is known")?;
        check(!self.version.trim().is_empty(), "version", "is empty")?;
        check(
            (1..=20).contains(&self.window_seasons),
            "window_seasons",
            "must be 1 to 20",
        )?;
        check(
            (1..=12).contains(&self.season_end_month),
            "season_end_month",
            "must be a month, 1 to 12",
        )?;
        let d = &self.delivery_regularity;
        check(
            d.points_per_season >= 0 && d.points_per_missing_season <= 0,
            "delivery_regularity",
            "points_per_season must be ≥ 0 and points_per_missing_season ≤ 0",
        )?;
        let q = &self.quality_trend;
        check(
            !q.grade_ranks.is_empty() && q.grade_ranks.values().all(|&r| (1..=1000).contains(&r)),
            "quality_trend.grade_ranks",
            "must list at least one grade, ranks 1 to 1000",
        )?;
        check(
            q.declining <= q.steady && q.steady <= q.improving,
            "quality_trend",
            "must have declining ≤ steady ≤ improving",
        )?;
        let r = &self.repayment;
        check(
            r.on_time >= 0 && r.on_time_cap >= 0 && r.late <= 0,
            "repayment",
            "on_time and on_time_cap must be ≥ 0, late ≤ 0",
        )?;
        let bands = &self.verified_income.bands;
        check(
            bands.first().is_some_and(|b| b.min_mnt == 0),
            "verified_income.bands",
            "the first band must start at min_mnt = 0",
        )?;
        check(
            bands
                .windows(2)
                .all(|w| w[0].min_mnt < w[1].min_mnt && w[0].points <= w[1].points),
            "verified_income.bands",
            "min_mnt must rise and points must not fall from band to band",
        )?;
        let v = &self.diversification;
        check(
            v.species_min_share > Rate::ZERO,
            "diversification.species_min_share",
            "must be above 0",
        )?;
        check(
            [
                v.points_per_extra_species,
                v.species_cap,
                v.points_per_extra_counterparty,
                v.counterparty_cap,
            ]
            .iter()
            .all(|&p| p >= 0),
            "diversification",
            "points and caps must be ≥ 0",
        )?;
        let z = &self.dzud_exposure;
        check(
            z.class_points.windows(2).all(|w| w[0] >= w[1]),
            "dzud_exposure.class_points",
            "must not rise with the risk class",
        )?;
        check(
            (1..=5).contains(&z.resilience_class)
                && z.points_per_resilient_season >= 0
                && z.resilience_cap >= 0,
            "dzud_exposure",
            "resilience_class must be 1 to 5, its points and cap ≥ 0",
        )?;
        let st = &self.stocking;
        check(
            st.bands.first().is_some_and(|b| b.up_to == Ratio::ONE),
            "stocking.bands",
            "the first band must end exactly at capacity (up_to = \"1\"): herd size within capacity must not change the points",
        )?;
        check(
            st.bands
                .windows(2)
                .all(|w| w[0].up_to < w[1].up_to && w[0].points >= w[1].points),
            "stocking.bands",
            "up_to must rise and points must not rise with the stocking ratio",
        )?;
        check(
            st.bands.last().is_some_and(|b| st.above.points <= b.points),
            "stocking.above",
            "points above the last band must not exceed the last band's",
        )?;
        Ok(())
    }
}

/// toml's messages span lines (they quote the source); the CLI wants one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads() {
        let s = Scorecard::v1();
        assert_eq!(s.version, "1");
        assert_eq!(s.stocking.bands.len(), 3);
        assert_eq!(s.quality_trend.grade_ranks.get("Khaan Shirkhegt"), Some(&4));
    }

    #[test]
    fn refuses_a_scorecard_that_would_reward_herd_size() {
        let split = SCORECARD_V1.replace(
            "[[stocking.bands]]\nup_to = \"1\"\npoints = 10",
            "[[stocking.bands]]\nup_to = \"0.5\"\npoints = 0\n[[stocking.bands]]\nup_to = \"1\"\npoints = 10",
        );
        assert!(matches!(
            Scorecard::from_toml(&split),
            Err(ScorecardError::Invalid {
                field: "stocking.bands",
                ..
            })
        ));
        let rising = SCORECARD_V1.replace(
            "up_to = \"1.5\"\npoints = -25",
            "up_to = \"1.5\"\npoints = 20",
        );
        assert!(Scorecard::from_toml(&rising).is_err());
        let above = SCORECARD_V1.replace(
            "[stocking.above]\npoints = -40",
            "[stocking.above]\npoints = 0",
        );
        assert!(Scorecard::from_toml(&above).is_err());
    }

    #[test]
    fn syntax_errors_are_one_line() {
        let e = Scorecard::from_toml("format = 1\nname = ").expect_err("bad");
        assert!(!e.to_string().contains('\n'), "{e}");
        let e = Scorecard::from_toml(
            &SCORECARD_V1.replace("tolerance = \"0.25\"", "tolerance = \"-1\""),
        )
        .expect_err("negative");
        assert!(e.to_string().contains("negative"), "{e}");
    }
}
