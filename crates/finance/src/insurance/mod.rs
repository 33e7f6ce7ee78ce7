//! Index-based livestock insurance after Mongolia's IBLIP (domain-facts §5).
//!
//! The index is the final mortality rate of the insured species in the herder's soum (or its
//! aimag, when only that exists) for the year: herders are paid on local mortality, not on
//! their own losses. The base layer pays between a trigger T and an exhaustion point E:
//!
//! ```text
//! loss_rate_covered = max(0, min(M, E) − T)
//! payout_mnt        = ⌊sum_insured_mnt × loss_rate_covered⌋
//! disaster layer    = max(0, M − E), reported apart (⌊sum insured × that⌋)
//! ```
//!
//! Rates are exact millionths parsed from decimal strings ([`Rate`]), so the payout is
//! computed in integers and rounded down once. Since `E − T ≤ 1` the payout never exceeds the
//! sum insured, is zero at or below the trigger and never falls as mortality rises. The
//! defaults (T = 0.06, verified; E = 0.30, unverified) are in `config/insurance-v1.toml`.

mod data;
mod policy;

use serde::{Deserialize, Serialize};

use crate::decimal::{DecimalError, Rate, parse_mnt};

pub use data::{aimag_mortality, mortality_series, national_mortality};
pub use policy::{
    Hindcast, HindcastYear, IndexLevel, MortalityPoint, Policy, hindcast, parse_species,
};

/// The built-in defaults file.
pub const INSURANCE_V1: &str = include_str!("../../config/insurance-v1.toml");

/// Why a payout or policy was refused. Every message is one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsuranceError {
    /// A money amount that is negative or not a whole number.
    #[error("{field}: {source}")]
    Amount {
        field: &'static str,
        source: DecimalError,
    },
    /// A rate that is not an exact decimal in [0, 1].
    #[error("{field}: {source}")]
    Rate {
        field: &'static str,
        source: DecimalError,
    },
    /// A rate given as a JSON number or other non-string.
    #[error("{field}: write rates as decimal strings, e.g. \"0.07\"")]
    RateNotString { field: &'static str },
    /// The layer is empty or inverted.
    #[error("trigger {trigger} must be below exhaustion {exhaustion}")]
    TriggerNotBelowExhaustion { trigger: Rate, exhaustion: Rate },
    /// The policy file is not JSON of the policy shape.
    #[error("policy: {0}")]
    Policy(String),
    /// The defaults file is not valid.
    #[error("insurance config: {0}")]
    Config(String),
}

/// A payout: the figures the CLI prints (`payout_mnt`, `trigger`, `exhaustion`,
/// `loss_rate_covered`, rates as decimal strings) and the inputs and disaster layer beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    /// ⌊sum insured × loss_rate_covered⌋.
    pub payout_mnt: u64,
    pub trigger: Rate,
    pub exhaustion: Rate,
    /// max(0, min(mortality, exhaustion) − trigger).
    pub loss_rate_covered: Rate,
    /// The index: the area's mortality rate of the species for the year.
    pub mortality: Rate,
    pub sum_insured_mnt: u64,
    /// max(0, mortality − exhaustion): the loss above the base layer (disaster layer).
    pub disaster_layer_loss_rate: Rate,
    /// ⌊sum insured × disaster_layer_loss_rate⌋, paid (if at all) by the disaster product.
    pub disaster_layer_mnt: u64,
}

/// The base-layer payout for one species and year. Fails only when `trigger ≥ exhaustion`.
///
/// ```
/// use finance::{Rate, insurance::payout};
/// let r = |s| Rate::parse(s).unwrap();
/// let p = payout(10_000_000, r("0.12"), r("0.06"), r("0.30")).unwrap();
/// assert_eq!(p.loss_rate_covered.to_string(), "0.06");
/// assert_eq!(p.payout_mnt, 600_000);
/// let p = payout(10_000_000, r("0.45"), r("0.06"), r("0.30")).unwrap();
/// assert_eq!((p.payout_mnt, p.disaster_layer_mnt), (2_400_000, 1_500_000));
/// ```
pub fn payout(
    sum_insured_mnt: u64,
    mortality: Rate,
    trigger: Rate,
    exhaustion: Rate,
) -> Result<Payout, InsuranceError> {
    if trigger >= exhaustion {
        return Err(InsuranceError::TriggerNotBelowExhaustion {
            trigger,
            exhaustion,
        });
    }
    let loss_rate_covered = mortality.min(exhaustion).saturating_sub(trigger);
    let disaster_layer_loss_rate = mortality.saturating_sub(exhaustion);
    Ok(Payout {
        payout_mnt: loss_rate_covered.floor_of(sum_insured_mnt),
        trigger,
        exhaustion,
        loss_rate_covered,
        mortality,
        sum_insured_mnt,
        disaster_layer_loss_rate,
        disaster_layer_mnt: disaster_layer_loss_rate.floor_of(sum_insured_mnt),
    })
}

/// [`payout`] from command-line text (`--sum-insured`, `--mortality`, optional `--trigger`,
/// `--exhaustion`), the defaults filling what is not given.
pub fn payout_from_text(
    sum_insured: &str,
    mortality: &str,
    trigger: Option<&str>,
    exhaustion: Option<&str>,
    defaults: &Defaults,
) -> Result<Payout, InsuranceError> {
    let sum = parse_mnt(sum_insured).map_err(|source| InsuranceError::Amount {
        field: "sum insured",
        source,
    })?;
    let rate = |field: &'static str, text: &str| {
        Rate::parse(text).map_err(|source| InsuranceError::Rate { field, source })
    };
    let m = rate("mortality", mortality)?;
    let t = trigger.map_or(Ok(defaults.trigger.value), |t| rate("trigger", t))?;
    let e = exhaustion.map_or(Ok(defaults.exhaustion.value), |e| rate("exhaustion", e))?;
    payout(sum, m, t, e)
}

/// The default trigger and exhaustion point, each with whether the value is verified and its
/// source (`config/insurance-v1.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub format: u32,
    pub name: String,
    pub version: String,
    pub trigger: ConfiguredRate,
    pub exhaustion: ConfiguredRate,
}

/// A configured rate and its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfiguredRate {
    pub value: Rate,
    /// `false`: the value is a recollection or inference (domain-facts [U]); check before use.
    pub verified: bool,
    pub source: String,
}

impl Defaults {
    /// The built-in defaults (T = 0.06 verified, E = 0.30 unverified).
    pub fn v1() -> Defaults {
        // The file is part of the crate and a unit test loads it.
        #[allow(clippy::expect_used)]
        Defaults::from_toml(INSURANCE_V1).expect("built-in insurance-v1.toml is valid")
    }

    /// Reads and checks a defaults file.
    pub fn from_toml(text: &str) -> Result<Defaults, InsuranceError> {
        let d: Defaults = toml::from_str(text).map_err(|e| {
            InsuranceError::Config(
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })?;
        if d.format != 1 {
            return Err(InsuranceError::Config("only format 1 is known".into()));
        }
        if d.trigger.value >= d.exhaustion.value {
            return Err(InsuranceError::TriggerNotBelowExhaustion {
                trigger: d.trigger.value,
                exhaustion: d.exhaustion.value,
            });
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Rate {
        Rate::parse(s).expect("rate")
    }

    #[test]
    fn the_layer() {
        let p = |m| payout(1_000_000, r(m), r("0.07"), r("0.30")).expect("payout");
        assert_eq!(p("0").payout_mnt, 0);
        assert_eq!(p("0.07").payout_mnt, 0);
        assert_eq!(p("0.070001").payout_mnt, 1);
        assert_eq!(p("0.30").payout_mnt, 230_000);
        assert_eq!(p("1").payout_mnt, 230_000);
        assert_eq!(p("1").disaster_layer_mnt, 700_000);
        assert_eq!(p("0.2").disaster_layer_mnt, 0);
        // rounding down: 333 × 0.05 = 16.65
        let q = payout(333, r("0.12"), r("0.07"), r("0.30")).expect("payout");
        assert_eq!(q.payout_mnt, 16);
    }

    #[test]
    fn json_shape() {
        let p = payout_from_text("5000000", "0.12", None, None, &Defaults::v1()).expect("payout");
        let v = serde_json::to_value(p).expect("json");
        assert_eq!(v["payout_mnt"], 300_000);
        assert_eq!(v["trigger"], "0.06");
        assert_eq!(v["exhaustion"], "0.3");
        assert_eq!(v["loss_rate_covered"], "0.06");
    }

    #[test]
    fn one_line_errors() {
        let d = Defaults::v1();
        let e = |s: &str, m: &str, t: Option<&str>, x: Option<&str>| {
            payout_from_text(s, m, t, x, &d)
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(e("-5", "0.1", None, None), "sum insured: '-5' is negative");
        assert_eq!(
            e("12abc", "0.1", None, None),
            "sum insured: '12abc' is not a whole number of tögrög"
        );
        assert_eq!(
            e("5", "1.2", None, None),
            "mortality: '1.2' is outside [0, 1] (rates are fractions: 0.12 means 12 %)"
        );
        assert_eq!(
            e("5", "0.1", Some("0.3"), Some("0.3")),
            "trigger 0.3 must be below exhaustion 0.3"
        );
        assert_eq!(
            e("5", "0.1", Some("0.4"), None),
            "trigger 0.4 must be below exhaustion 0.3"
        );
        assert_eq!(
            e("5", "x", None, None),
            "mortality: 'x' is not a decimal number (expected e.g. 0.12)"
        );
    }

    #[test]
    fn defaults_mark_what_is_unverified() {
        let d = Defaults::v1();
        assert_eq!((d.trigger.value, d.trigger.verified), (r("0.06"), true));
        assert_eq!(
            (d.exhaustion.value, d.exhaustion.verified),
            (r("0.3"), false)
        );
        assert!(Defaults::from_toml(&INSURANCE_V1.replace("\"0.06\"", "\"0.5\"")).is_err());
    }
}
