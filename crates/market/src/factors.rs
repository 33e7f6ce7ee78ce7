//! Price factors by colour and grade, as data: what turns a lot's recorded intakes into the
//! `intakes` of a settlement.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decimal::{DecimalError, format_scaled, parse_scaled};
use crate::intake::{Colour, Intake};
use crate::settlement::{FACTOR_PLACES, KG_PLACES, SettlementIntake};

/// The price factor of one colour and grade, relative to the lot's reference quality (`"1"`).
/// The Agricultural Exchange's 2016 raw prices put light about 1.02 × dark
/// (`domain-facts.md` §1.5); a cooperative sets its own table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceFactor {
    /// Colour class.
    pub colour: Colour,
    /// Grade id.
    pub grade: String,
    /// Decimal string, at most 6 decimal places.
    pub factor: String,
}

/// Why intakes could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactorError {
    /// A factor that is not an exact non-negative decimal.
    #[error("factors[{index}].factor: {source}")]
    Decimal {
        /// Position in the table.
        index: usize,
        /// What is wrong.
        source: DecimalError,
    },
    /// Two factors for one colour and grade.
    #[error("factors[{0}] repeats a colour and grade")]
    Duplicate(usize),
    /// An intake whose colour and grade have no factor.
    #[error("intake '{receipt}': no price factor for {colour} grade '{grade}'")]
    Missing {
        /// Receipt number.
        receipt: String,
        /// Colour.
        colour: &'static str,
        /// Grade.
        grade: String,
    },
}

/// Pairs each intake with its factor, giving the settlement's intakes (`clean_kg` exact from
/// `clean_g`, the factor normalised).
///
/// ```
/// use market::factors::{settlement_intakes, PriceFactor};
/// use market::intake::{record_intake, Colour, DeductionRule, IntakeInput};
/// let intake = record_intake(&IntakeInput {
///     receipt: "R-1".into(), member: "hh-1".into(), date: "2024-04-02".parse().unwrap(),
///     gross_g: 12_345, moisture_pct: "0".into(), impurity_pct: "0".into(),
///     guard_hair_pct: "0".into(), colour: Colour::White, grade: "I".into(),
/// }, &DeductionRule::default()).unwrap();
/// let table = [PriceFactor { colour: Colour::White, grade: "I".into(), factor: "1.020".into() }];
/// let rows = settlement_intakes(&[intake], &table).unwrap();
/// assert_eq!((rows[0].clean_kg.as_str(), rows[0].factor.as_str()), ("12.345", "1.02"));
/// ```
pub fn settlement_intakes(
    intakes: &[Intake],
    factors: &[PriceFactor],
) -> Result<Vec<SettlementIntake>, FactorError> {
    let mut table: BTreeMap<(Colour, &str), String> = BTreeMap::new();
    for (index, f) in factors.iter().enumerate() {
        let units = parse_scaled(&f.factor, FACTOR_PLACES)
            .map_err(|source| FactorError::Decimal { index, source })?;
        let normal = format_scaled(units, FACTOR_PLACES);
        if table.insert((f.colour, f.grade.as_str()), normal).is_some() {
            return Err(FactorError::Duplicate(index));
        }
    }
    intakes
        .iter()
        .map(|i| {
            let factor =
                table
                    .get(&(i.colour, i.grade.as_str()))
                    .ok_or_else(|| FactorError::Missing {
                        receipt: i.receipt.clone(),
                        colour: i.colour.as_str(),
                        grade: i.grade.clone(),
                    })?;
            Ok(SettlementIntake {
                member: i.member.clone(),
                clean_kg: format_scaled(u128::from(i.clean_g), KG_PLACES),
                factor: factor.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::{DeductionRule, IntakeInput, record_intake};

    fn intake(colour: Colour, grade: &str) -> Intake {
        record_intake(
            &IntakeInput {
                receipt: "R-9".into(),
                member: "m".into(),
                date: chrono::NaiveDate::from_ymd_opt(2024, 4, 2).unwrap(),
                gross_g: 1_000,
                moisture_pct: "0".into(),
                impurity_pct: "0".into(),
                guard_hair_pct: "0".into(),
                colour,
                grade: grade.into(),
            },
            &DeductionRule::default(),
        )
        .unwrap()
    }

    fn factor(colour: Colour, grade: &str, factor: &str) -> PriceFactor {
        PriceFactor {
            colour,
            grade: grade.into(),
            factor: factor.into(),
        }
    }

    #[test]
    fn every_error() {
        let i = [intake(Colour::Brown, "II")];
        let e = |t: &[PriceFactor]| settlement_intakes(&i, t).unwrap_err().to_string();
        assert_eq!(
            e(&[factor(Colour::Brown, "II", "x")]),
            "factors[0].factor: 'x' is not a decimal number (expected digits, optionally '.' and more digits)"
        );
        assert_eq!(
            e(&[
                factor(Colour::Brown, "II", "1"),
                factor(Colour::Brown, "II", "1")
            ]),
            "factors[1] repeats a colour and grade"
        );
        assert_eq!(
            e(&[factor(Colour::Brown, "I", "1")]),
            "intake 'R-9': no price factor for brown grade 'II'"
        );
        let ok = settlement_intakes(&i, &[factor(Colour::Brown, "II", "0.98")]).unwrap();
        assert_eq!(ok[0].clean_kg, "1");
    }
}
