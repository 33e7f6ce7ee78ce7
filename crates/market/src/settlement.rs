//! Settlement of a sale to the cooperative's members: what the buyer paid, less the
//! cooperative's fee and costs, split pro rata by clean weight × price factor.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decimal::{DecimalError, parse_scaled};

/// Decimal places of `clean_kg` (grams).
pub const KG_PLACES: u32 = 3;
/// Decimal places of a price `factor` (millionths).
pub const FACTOR_PLACES: u32 = 6;

/// The input of `nooluur coop settle FILE.json`. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementInput {
    /// What the buyer paid for the lot, MNT.
    pub proceeds_mnt: i64,
    /// The cooperative's fee, MNT.
    pub fee_mnt: i64,
    /// Costs charged to the sale (transport, testing, bags), MNT.
    pub costs_mnt: i64,
    /// The intakes that went into the lot; a member may have several.
    pub intakes: Vec<SettlementIntake>,
}

/// One intake's share of a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementIntake {
    /// Member (household) id.
    pub member: String,
    /// Clean weight, kilograms as a decimal string with at most 3 decimal places.
    pub clean_kg: String,
    /// Price factor of the intake's grade and colour, a decimal string with at most 6 decimal
    /// places (1 = the lot's reference quality).
    pub factor: String,
}

/// The result: the inputs' amounts and one line per member, ordered by member id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// What the buyer paid, MNT.
    pub proceeds_mnt: u64,
    /// The cooperative's fee, MNT.
    pub fee_mnt: u64,
    /// Costs charged to the sale, MNT.
    pub costs_mnt: u64,
    /// What each member is owed; they sum to `proceeds_mnt − fee_mnt − costs_mnt`.
    pub lines: Vec<SettlementLine>,
}

impl Settlement {
    /// `proceeds_mnt − fee_mnt − costs_mnt`, the amount the lines share.
    pub fn distributed_mnt(&self) -> u64 {
        self.lines.iter().map(|l| l.amount_mnt).sum()
    }

    /// The amount owed to `member`, if it has a line.
    pub fn amount_for(&self, member: &str) -> Option<u64> {
        self.lines
            .iter()
            .find(|l| l.member == member)
            .map(|l| l.amount_mnt)
    }
}

/// What one member is owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementLine {
    /// Member (household) id.
    pub member: String,
    /// Amount owed, MNT.
    pub amount_mnt: u64,
}

/// Why a settlement was refused. Each message is one line, fit for the CLI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    /// The input is not JSON of the expected shape.
    #[error("invalid settlement input: {0}")]
    Json(String),
    /// A money amount below zero.
    #[error("{field} must not be negative, got {value}")]
    NegativeAmount {
        /// `proceeds_mnt`, `fee_mnt` or `costs_mnt`.
        field: &'static str,
        /// The amount given.
        value: i64,
    },
    /// Fee and costs exceed what the buyer paid.
    #[error("fee_mnt + costs_mnt ({deducted}) exceed proceeds_mnt ({proceeds})")]
    DeductionsExceedProceeds {
        /// Fee plus costs.
        deducted: u64,
        /// Proceeds.
        proceeds: u64,
    },
    /// An intake without a member.
    #[error("intakes[{0}].member is empty")]
    EmptyMember(usize),
    /// A `clean_kg` or `factor` that is not an exact non-negative decimal.
    #[error("{field}: {source}")]
    Decimal {
        /// Where, e.g. `intakes[2].factor`.
        field: String,
        /// What is wrong.
        source: DecimalError,
    },
    /// Every weight is zero (or there are no intakes): nothing to split by.
    #[error("total weight (clean_kg × factor over all intakes) is zero: nothing to split by")]
    ZeroWeight,
    /// The exact products do not fit 128 bits.
    #[error("amounts too large to settle exactly")]
    TooLarge,
}

/// Splits a sale among members. This is `nooluur coop settle FILE.json`.
///
/// **Rule.** Each intake weighs `clean_kg × factor`, computed exactly as grams × millionths;
/// a member's weight is the sum over its intakes. The amount `N = proceeds − fee − costs` is
/// split by the largest-remainder method: member `m` with weight `w_m` out of `W` first gets
/// `⌊N·w_m / W⌋`; the MNT left over (fewer than the number of members) go one each to the
/// members with the **largest remainders** `N·w_m mod W`, and among equal remainders to the
/// **smallest member id** (byte order). Lines are ordered by member id. Nothing depends on the
/// order of the intakes, lines sum exactly to `N`, none is negative, members of equal weight
/// differ by at most 1 MNT, and more weight never gets less.
///
/// ```
/// use market::settlement::{settle, SettlementInput, SettlementIntake};
/// let intake = |member: &str, kg: &str, factor: &str| SettlementIntake {
///     member: member.into(), clean_kg: kg.into(), factor: factor.into(),
/// };
/// let input = SettlementInput {
///     proceeds_mnt: 1_000, fee_mnt: 0, costs_mnt: 0,
///     intakes: vec![intake("a", "1", "1"), intake("b", "1", "1"), intake("c", "1", "1")],
/// };
/// let s = settle(&input).unwrap();
/// let amounts: Vec<u64> = s.lines.iter().map(|l| l.amount_mnt).collect();
/// assert_eq!(amounts, [334, 333, 333]); // equal remainders: the smallest id gets the 1 MNT
/// ```
pub fn settle(input: &SettlementInput) -> Result<Settlement, SettlementError> {
    let proceeds = non_negative("proceeds_mnt", input.proceeds_mnt)?;
    let fee = non_negative("fee_mnt", input.fee_mnt)?;
    let costs = non_negative("costs_mnt", input.costs_mnt)?;
    // Both are below 2^63, so the sum fits a u64.
    let deducted = fee + costs;
    let Some(net) = proceeds.checked_sub(deducted) else {
        return Err(SettlementError::DeductionsExceedProceeds { deducted, proceeds });
    };

    let mut weights: BTreeMap<String, u128> = BTreeMap::new();
    for (k, intake) in input.intakes.iter().enumerate() {
        if intake.member.is_empty() {
            return Err(SettlementError::EmptyMember(k));
        }
        let decimal = |name: &str, text: &str, places: u32| {
            parse_scaled(text, places).map_err(|source| SettlementError::Decimal {
                field: format!("intakes[{k}].{name}"),
                source,
            })
        };
        let grams = decimal("clean_kg", &intake.clean_kg, KG_PLACES)?;
        let factor = decimal("factor", &intake.factor, FACTOR_PLACES)?;
        // Each is below 10^18 (12 integer digits + 6 places), so the product fits.
        let weight = grams * factor;
        let entry = weights.entry(intake.member.clone()).or_default();
        *entry = entry.checked_add(weight).ok_or(SettlementError::TooLarge)?;
    }

    let amounts = apportion(net, &weights).map_err(|e| match e {
        ApportionError::ZeroWeight => SettlementError::ZeroWeight,
        ApportionError::TooLarge => SettlementError::TooLarge,
    })?;
    Ok(Settlement {
        proceeds_mnt: proceeds,
        fee_mnt: fee,
        costs_mnt: costs,
        lines: amounts
            .into_iter()
            .map(|(member, amount_mnt)| SettlementLine { member, amount_mnt })
            .collect(),
    })
}

/// [`settle`] on JSON text, as the CLI reads it. Every error is one line.
///
/// ```
/// let s = market::settlement::settle_json(r#"{"proceeds_mnt": 100, "fee_mnt": 10,
///     "costs_mnt": 0, "intakes": [{"member": "a", "clean_kg": "2.5", "factor": "1.02"}]}"#)
///     .unwrap();
/// assert_eq!(s.lines[0].amount_mnt, 90);
/// ```
pub fn settle_json(text: &str) -> Result<Settlement, SettlementError> {
    let input: SettlementInput =
        serde_json::from_str(text).map_err(|e| SettlementError::Json(e.to_string()))?;
    settle(&input)
}

fn non_negative(field: &'static str, value: i64) -> Result<u64, SettlementError> {
    u64::try_from(value).map_err(|_| SettlementError::NegativeAmount { field, value })
}

/// Why [`apportion`] could not split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    /// The weights sum to zero.
    #[error("the weights sum to zero")]
    ZeroWeight,
    /// `amount × weight` or the sum of weights does not fit 128 bits.
    #[error("amount × weight does not fit 128 bits")]
    TooLarge,
}

/// Splits `amount` in proportion to `weights` by the largest-remainder method, exactly: each
/// key gets `⌊amount·w / W⌋`, then the leftover units go one each to the largest remainders,
/// equal remainders to the smallest key. The result has every key and sums to `amount`.
///
/// ```
/// use std::collections::BTreeMap;
/// let w = BTreeMap::from([("x", 2u128), ("y", 1)]);
/// let split = market::settlement::apportion(10, &w).unwrap();
/// assert_eq!(split, BTreeMap::from([("x", 7), ("y", 3)])); // 6.67 / 3.33
/// ```
pub fn apportion<K: Ord + Clone>(
    amount: u64,
    weights: &BTreeMap<K, u128>,
) -> Result<BTreeMap<K, u64>, ApportionError> {
    let total = weights
        .values()
        .try_fold(0u128, |acc, &w| acc.checked_add(w))
        .ok_or(ApportionError::TooLarge)?;
    if total == 0 {
        return Err(ApportionError::ZeroWeight);
    }
    let mut rows = Vec::with_capacity(weights.len());
    let mut given: u128 = 0;
    for (key, &w) in weights {
        let product = u128::from(amount)
            .checked_mul(w)
            .ok_or(ApportionError::TooLarge)?;
        let floor = product / total;
        given += floor;
        rows.push((key, floor, product % total));
    }
    // Σ floor ≤ amount, and the shortfall is below the number of keys.
    let leftover = (u128::from(amount) - given) as usize;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        rows[b]
            .2
            .cmp(&rows[a].2)
            .then_with(|| rows[a].0.cmp(rows[b].0))
    });
    for &k in order.iter().take(leftover) {
        rows[k].1 += 1;
    }
    // Every share is ≤ amount, a u64.
    Ok(rows
        .into_iter()
        .map(|(key, share, _)| (key.clone(), u64::try_from(share).unwrap_or(amount)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intake(member: &str, kg: &str, factor: &str) -> SettlementIntake {
        SettlementIntake {
            member: member.into(),
            clean_kg: kg.into(),
            factor: factor.into(),
        }
    }

    fn input(intakes: Vec<SettlementIntake>) -> SettlementInput {
        SettlementInput {
            proceeds_mnt: 1_000_000,
            fee_mnt: 50_000,
            costs_mnt: 20_000,
            intakes,
        }
    }

    fn err(i: &SettlementInput) -> String {
        let e = settle(i).unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e}");
        e
    }

    #[test]
    fn several_intakes_per_member_add_up() {
        let s = settle(&input(vec![
            intake("b", "1.5", "1"),
            intake("a", "2", "1"),
            intake("b", "0.5", "1"),
        ]))
        .unwrap();
        assert_eq!(s.amount_for("a"), Some(465_000));
        assert_eq!(s.amount_for("b"), Some(465_000));
        assert_eq!(s.distributed_mnt(), 930_000);
        assert_eq!(s.lines[0].member, "a");
    }

    #[test]
    fn factor_weighs_in() {
        let s = settle(&SettlementInput {
            proceeds_mnt: 203,
            fee_mnt: 0,
            costs_mnt: 0,
            intakes: vec![intake("white", "1", "1.03"), intake("brown", "1", "1")],
        })
        .unwrap();
        assert_eq!(s.amount_for("white"), Some(103));
        assert_eq!(s.amount_for("brown"), Some(100));
    }

    #[test]
    fn zero_weight_member_gets_a_zero_line() {
        let s = settle(&input(vec![intake("a", "1", "1"), intake("z", "0", "1")])).unwrap();
        assert_eq!(s.amount_for("z"), Some(0));
        assert_eq!(s.lines.len(), 2);
    }

    #[test]
    fn remainder_goes_to_larger_remainder_first() {
        // 10 over 1:1:1:0.5 → 2.857, 2.857, 2.857, 1.428 → floors 2,2,2,1 = 7; remainders
        // .857 ×3 get the three leftover units before .428.
        let mut i = input(vec![
            intake("d", "0.5", "1"),
            intake("c", "1", "1"),
            intake("b", "1", "1"),
            intake("a", "1", "1"),
        ]);
        i.proceeds_mnt = 10;
        i.fee_mnt = 0;
        i.costs_mnt = 0;
        let s = settle(&i).unwrap();
        let got: Vec<_> = s
            .lines
            .iter()
            .map(|l| (l.member.as_str(), l.amount_mnt))
            .collect();
        assert_eq!(got, [("a", 3), ("b", 3), ("c", 3), ("d", 1)]);
    }

    #[test]
    fn fee_and_costs_may_take_everything() {
        let mut i = input(vec![intake("a", "1", "1")]);
        i.fee_mnt = 980_000;
        let s = settle(&i).unwrap();
        assert_eq!(s.amount_for("a"), Some(0));
    }

    #[test]
    fn every_error() {
        let ok = || input(vec![intake("a", "1", "1")]);
        let mut i = ok();
        i.proceeds_mnt = -1;
        assert_eq!(err(&i), "proceeds_mnt must not be negative, got -1");
        let mut i = ok();
        i.fee_mnt = -2;
        assert_eq!(err(&i), "fee_mnt must not be negative, got -2");
        let mut i = ok();
        i.costs_mnt = i64::MIN;
        assert!(err(&i).starts_with("costs_mnt must not be negative"));
        let mut i = ok();
        i.fee_mnt = 990_000;
        assert_eq!(
            err(&i),
            "fee_mnt + costs_mnt (1010000) exceed proceeds_mnt (1000000)"
        );
        let mut i = ok();
        i.fee_mnt = i64::MAX;
        i.costs_mnt = i64::MAX;
        assert!(err(&i).contains("exceed proceeds_mnt"));
        let i = input(vec![intake("a", "1", "1"), intake("", "1", "1")]);
        assert_eq!(err(&i), "intakes[1].member is empty");
        let i = input(vec![intake("a", "1.0001", "1")]);
        assert_eq!(
            err(&i),
            "intakes[0].clean_kg: '1.0001' has more than 3 decimal places"
        );
        let i = input(vec![intake("a", "1", "0.0000001")]);
        assert_eq!(
            err(&i),
            "intakes[0].factor: '0.0000001' has more than 6 decimal places"
        );
        let i = input(vec![intake("a", "-1", "1")]);
        assert_eq!(err(&i), "intakes[0].clean_kg: '-1' is negative");
        let i = input(vec![intake("a", "1", "-0.5")]);
        assert_eq!(err(&i), "intakes[0].factor: '-0.5' is negative");
        let i = input(vec![intake("a", "1e3", "1")]);
        assert!(err(&i).starts_with("intakes[0].clean_kg: '1e3' is not a decimal number"));
        let i = input(vec![intake("a", "1000000000000", "1")]);
        assert_eq!(err(&i), "intakes[0].clean_kg: '1000000000000' is too large");
        let i = input(vec![intake("a", "0", "1"), intake("b", "5", "0")]);
        assert_eq!(
            err(&i),
            "total weight (clean_kg × factor over all intakes) is zero: nothing to split by"
        );
        assert_eq!(err(&input(vec![])), SettlementError::ZeroWeight.to_string());
        let mut i = input(vec![intake("a", "999999999999", "999999999999")]);
        i.fee_mnt = 0;
        i.costs_mnt = 0;
        i.proceeds_mnt = i64::MAX;
        assert_eq!(err(&i), "amounts too large to settle exactly");
    }

    #[test]
    fn json_errors_are_one_line() {
        for text in [
            "",
            "{",
            r#"{"proceeds_mnt": 1, "fee_mnt": 0, "costs_mnt": 0}"#,
            r#"{"proceeds_mnt": 1.5, "fee_mnt": 0, "costs_mnt": 0, "intakes": []}"#,
            r#"{"proceeds_mnt": 1, "fee_mnt": 0, "costs_mnt": 0,
                "intakes": [{"member": "a", "clean_kg": 1.5, "factor": "1"}]}"#,
        ] {
            let e = settle_json(text).unwrap_err().to_string();
            assert!(
                e.starts_with("invalid settlement input: ") && !e.contains('\n'),
                "{e}"
            );
        }
    }

    #[test]
    fn extra_fields_are_allowed() {
        let s = settle_json(
            r#"{"sale": "S-1", "proceeds_mnt": 7, "fee_mnt": 1, "costs_mnt": 1,
                "intakes": [{"member": "a", "clean_kg": "1", "factor": "1", "receipt": "R"}]}"#,
        )
        .unwrap();
        assert_eq!(s.distributed_mnt(), 5);
    }
}
