//! Cooperative intake: a member's delivery weighed, sampled and entered in the wool receipt
//! register, with the deductions that turn gross grams into clean grams.
//!
//! # The deduction rule
//!
//! All three sample percentages are shares of the **gross (as-delivered) weight** `G`:
//! moisture content `m` (wet basis), impurity `i` (dirt, vegetable matter) and guard hair `h`.
//!
//! - **Moisture** above the standard regain `r` is deducted. Regain is moisture over *dry*
//!   mass, so the fibre may carry `r × G × (1 − m)` grams of water; what it carries beyond that,
//!   `G × m − r × G × (1 − m)`, is deducted. Fibre drier than standard earns no credit: the
//!   deduction is never negative.
//! - **Impurity**: `G × i` is deducted (unless the rule turns it off).
//! - **Guard hair**: `G × h` is deducted (unless the rule turns it off).
//!
//! Each deduction is rounded **down** to a whole gram — the member's favour — and the clean
//! weight is `G` minus the three deductions, so the four figures always add up to the gross.
//! The arithmetic is on integers: percentages are held in millionths of the whole.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decimal::{DecimalError, Percent};

/// Natural colour classes: the profile's own type (`cm:colour`, spelt `"light-grey"`).
pub use provenance::Colour;

/// How a cooperative turns gross weight into clean weight, as data (see the module docs).
///
/// The default standard regain (17 %) is a placeholder, not a verified Mongolian figure
/// (`domain-facts.md` §1.2 reports "regain ≤ 17 %" only from a weak source): a cooperative sets
/// its own. The ceilings are plausibility limits that catch typing errors, not standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeductionRule {
    /// Moisture allowed per dry mass; moisture beyond it is deducted.
    pub standard_regain_pct: Percent,
    /// Whether the impurity share is deducted.
    pub deduct_impurity: bool,
    /// Whether the guard-hair share is deducted.
    pub deduct_guard_hair: bool,
    /// Highest plausible moisture content.
    pub max_moisture_pct: Percent,
    /// Highest plausible impurity share.
    pub max_impurity_pct: Percent,
    /// Highest plausible guard-hair share.
    pub max_guard_hair_pct: Percent,
    /// Heaviest plausible single delivery, grams.
    pub max_gross_g: u64,
}

impl Default for DeductionRule {
    fn default() -> Self {
        DeductionRule {
            standard_regain_pct: Percent::from_ppm(170_000),
            deduct_impurity: true,
            deduct_guard_hair: true,
            max_moisture_pct: Percent::from_ppm(400_000),
            max_impurity_pct: Percent::from_ppm(500_000),
            max_guard_hair_pct: Percent::from_ppm(700_000),
            max_gross_g: 5_000_000,
        }
    }
}

/// A delivery as the cooperative's clerk enters it. Percentages are decimal strings with at
/// most four decimal places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeInput {
    /// Wool receipt register number.
    pub receipt: String,
    /// Member (household) id.
    pub member: String,
    /// Day of delivery.
    pub date: NaiveDate,
    /// Weight as delivered, grams.
    pub gross_g: i64,
    /// Moisture content of the sample, per cent of its weight.
    pub moisture_pct: String,
    /// Impurity (dirt, vegetable matter), per cent of the sample's weight.
    pub impurity_pct: String,
    /// Guard (coarse) hair, per cent of the sample's weight.
    pub guard_hair_pct: String,
    /// Colour class.
    pub colour: Colour,
    /// Provisional grade (an id of the cooperative's grading scheme).
    pub grade: String,
}

/// Grams deducted from the gross weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deductions {
    /// Moisture beyond the standard regain.
    pub moisture_g: u64,
    /// Impurity.
    pub impurity_g: u64,
    /// Guard hair.
    pub guard_hair_g: u64,
}

impl Deductions {
    /// All three together.
    pub fn total_g(&self) -> u64 {
        self.moisture_g + self.impurity_g + self.guard_hair_g
    }
}

/// A recorded intake: the inputs, the rule applied and what it gave.
/// `gross_g == clean_g + deductions.total_g()` always.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    /// Wool receipt register number.
    pub receipt: String,
    /// Member (household) id.
    pub member: String,
    /// Day of delivery.
    pub date: NaiveDate,
    /// Weight as delivered, grams.
    pub gross_g: u64,
    /// Moisture content of the sample.
    pub moisture_pct: Percent,
    /// Impurity share of the sample.
    pub impurity_pct: Percent,
    /// Guard-hair share of the sample.
    pub guard_hair_pct: Percent,
    /// What was deducted.
    pub deductions: Deductions,
    /// Clean weight, grams.
    pub clean_g: u64,
    /// Colour class.
    pub colour: Colour,
    /// Provisional grade.
    pub grade: String,
    /// The rule that produced the deductions.
    pub rule: DeductionRule,
}

/// Why an intake was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    /// A required id is empty.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// Gross weight zero or negative.
    #[error("gross_g must be positive, got {0}")]
    NonPositiveGross(i64),
    /// Gross weight above the rule's ceiling.
    #[error("gross_g {got} is above the plausible maximum of {max} g for one delivery")]
    GrossTooLarge {
        /// The weight given.
        got: i64,
        /// The rule's ceiling.
        max: u64,
    },
    /// A percentage string that does not parse.
    #[error("{field}: {source}")]
    Decimal {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        source: DecimalError,
    },
    /// A percentage above the rule's ceiling.
    #[error("{field} {got} % is above the plausible maximum of {max} %")]
    Implausible {
        /// The field.
        field: &'static str,
        /// The value given.
        got: Percent,
        /// The rule's ceiling.
        max: Percent,
    },
    /// Moisture, impurity and guard hair together exceed the sample.
    #[error("moisture, impurity and guard hair add up to {0} %, more than the whole sample")]
    SharesExceedWhole(String),
}

const PPM: u128 = 1_000_000;

/// Applies `rule` to a delivery.
///
/// ```
/// use market::intake::{record_intake, DeductionRule, IntakeInput, Colour};
/// let input = IntakeInput {
///     receipt: "R-0001".into(),
///     member: "hh-42".into(),
///     date: "2024-04-02".parse().unwrap(),
///     gross_g: 10_000,
///     moisture_pct: "20".into(),
///     impurity_pct: "2.5".into(),
///     guard_hair_pct: "8".into(),
///     colour: Colour::White,
///     grade: "I".into(),
/// };
/// let rule = DeductionRule { standard_regain_pct: "15".parse().unwrap(), ..Default::default() };
/// let intake = record_intake(&input, &rule).unwrap();
/// // dry 8 000 g may carry 1 200 g of water; it carries 2 000 g → 800 g deducted.
/// assert_eq!(intake.deductions.moisture_g, 800);
/// assert_eq!(intake.deductions.impurity_g, 250);
/// assert_eq!(intake.deductions.guard_hair_g, 800);
/// assert_eq!(intake.clean_g, 8_150);
/// ```
pub fn record_intake(input: &IntakeInput, rule: &DeductionRule) -> Result<Intake, IntakeError> {
    if input.receipt.is_empty() {
        return Err(IntakeError::Empty("receipt"));
    }
    if input.member.is_empty() {
        return Err(IntakeError::Empty("member"));
    }
    if input.grade.is_empty() {
        return Err(IntakeError::Empty("grade"));
    }
    if input.gross_g <= 0 {
        return Err(IntakeError::NonPositiveGross(input.gross_g));
    }
    let gross = input.gross_g.unsigned_abs();
    if gross > rule.max_gross_g {
        return Err(IntakeError::GrossTooLarge {
            got: input.gross_g,
            max: rule.max_gross_g,
        });
    }
    let pct = |field: &'static str, text: &str, max: Percent| {
        let got = Percent::parse(text).map_err(|source| IntakeError::Decimal { field, source })?;
        if got > max {
            return Err(IntakeError::Implausible { field, got, max });
        }
        Ok(got)
    };
    let m = pct("moisture_pct", &input.moisture_pct, rule.max_moisture_pct)?;
    let i = pct("impurity_pct", &input.impurity_pct, rule.max_impurity_pct)?;
    let h = pct(
        "guard_hair_pct",
        &input.guard_hair_pct,
        rule.max_guard_hair_pct,
    )?;
    let shares = m.ppm() + i.ppm() + h.ppm();
    if shares > Percent::HUNDRED.ppm() {
        let sum = crate::decimal::format_scaled(u128::from(shares), Percent::PLACES);
        return Err(IntakeError::SharesExceedWhole(sum));
    }
    let deductions = deductions(gross, m, i, h, rule);
    Ok(Intake {
        receipt: input.receipt.clone(),
        member: input.member.clone(),
        date: input.date,
        gross_g: gross,
        moisture_pct: m,
        impurity_pct: i,
        guard_hair_pct: h,
        clean_g: gross - deductions.total_g(),
        deductions,
        colour: input.colour,
        grade: input.grade.clone(),
        rule: rule.clone(),
    })
}

/// The three deductions, each rounded down; their sum never exceeds `gross` because the shares
/// add up to at most the whole and moisture beyond regain is at most the moisture itself.
fn deductions(gross: u64, m: Percent, i: Percent, h: Percent, rule: &DeductionRule) -> Deductions {
    let g = u128::from(gross);
    let (m, r) = (
        u128::from(m.ppm()),
        u128::from(rule.standard_regain_pct.ppm()),
    );
    // Excess water share of the gross, in 10^-12: m − r × (1 − m).
    let excess = (m * PPM).saturating_sub(r * (PPM - m));
    let share = |ppm: Percent, on: bool| {
        if on {
            g * u128::from(ppm.ppm()) / PPM
        } else {
            0
        }
    };
    // Each quotient is ≤ gross, which is a u64.
    let narrow = |v: u128| u64::try_from(v).unwrap_or(gross);
    Deductions {
        moisture_g: narrow(g * excess / (PPM * PPM)),
        impurity_g: narrow(share(i, rule.deduct_impurity)),
        guard_hair_g: narrow(share(h, rule.deduct_guard_hair)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> IntakeInput {
        IntakeInput {
            receipt: "R-1".into(),
            member: "hh-1".into(),
            date: NaiveDate::from_ymd_opt(2024, 4, 2).unwrap_or_default(),
            gross_g: 1_000,
            moisture_pct: "10".into(),
            impurity_pct: "1".into(),
            guard_hair_pct: "5".into(),
            colour: Colour::Brown,
            grade: "II".into(),
        }
    }

    #[test]
    fn dry_fibre_earns_no_credit() {
        let intake = record_intake(&input(), &DeductionRule::default()).unwrap();
        assert_eq!(intake.deductions.moisture_g, 0);
        assert_eq!(intake.clean_g, 1_000 - 10 - 50);
    }

    #[test]
    fn deductions_round_down_and_add_up() {
        let mut i = input();
        i.gross_g = 999;
        i.moisture_pct = "25".into();
        i.impurity_pct = "0.3333".into();
        let rule = DeductionRule::default();
        let intake = record_intake(&i, &rule).unwrap();
        // 999 × (0.25 − 0.17 × 0.75) = 999 × 0.1225 = 122.3775
        assert_eq!(intake.deductions.moisture_g, 122);
        assert_eq!(intake.deductions.impurity_g, 3);
        assert_eq!(intake.deductions.guard_hair_g, 49);
        assert_eq!(intake.clean_g + intake.deductions.total_g(), intake.gross_g);
    }

    #[test]
    fn switches_turn_deductions_off() {
        let rule = DeductionRule {
            deduct_impurity: false,
            deduct_guard_hair: false,
            ..DeductionRule::default()
        };
        let intake = record_intake(&input(), &rule).unwrap();
        assert_eq!(intake.clean_g, 1_000);
    }

    #[test]
    fn every_error() {
        let rule = DeductionRule::default();
        let check = |f: &dyn Fn(&mut IntakeInput), want: &str| {
            let mut i = input();
            f(&mut i);
            let err = record_intake(&i, &rule).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains('\n'));
        };
        check(&|i| i.receipt.clear(), "receipt is empty");
        check(&|i| i.member.clear(), "member is empty");
        check(&|i| i.grade.clear(), "grade is empty");
        check(&|i| i.gross_g = 0, "must be positive");
        check(&|i| i.gross_g = -5, "must be positive, got -5");
        check(&|i| i.gross_g = 5_000_001, "plausible maximum of 5000000 g");
        check(
            &|i| i.moisture_pct = "-1".into(),
            "moisture_pct: '-1' is negative",
        );
        check(
            &|i| i.impurity_pct = "x".into(),
            "impurity_pct: 'x' is not a decimal",
        );
        check(
            &|i| i.guard_hair_pct = "1.00001".into(),
            "more than 4 decimal places",
        );
        check(&|i| i.moisture_pct = "120".into(), "too large");
        check(
            &|i| i.moisture_pct = "40.5".into(),
            "moisture_pct 40.5 % is above",
        );
        check(
            &|i| i.impurity_pct = "51".into(),
            "impurity_pct 51 % is above",
        );
        check(
            &|i| i.guard_hair_pct = "71".into(),
            "guard_hair_pct 71 % is above",
        );
        check(
            &|i| {
                i.moisture_pct = "40".into();
                i.impurity_pct = "50".into();
                i.guard_hair_pct = "10.5".into();
            },
            "add up to 100.5 %",
        );
    }

    #[test]
    fn rule_reads_from_json() {
        let rule: DeductionRule =
            serde_json::from_str(r#"{"standard_regain_pct": "15", "deduct_guard_hair": false}"#)
                .unwrap();
        assert_eq!(rule.standard_regain_pct.ppm(), 150_000);
        assert!(!rule.deduct_guard_hair && rule.deduct_impurity);
        let bad = serde_json::from_str::<DeductionRule>(r#"{"standard_regain_pct": "1.23456"}"#);
        assert!(bad.is_err());
    }
}
