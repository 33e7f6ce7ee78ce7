//! A member's statement: its intakes, what each sale settled to it, what it was paid, and
//! what the cooperative still owes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::intake::Intake;
use crate::settlement::Settlement;

/// A sale's settlement as the cooperative keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleSettlement {
    /// Sale (or auction) id, unique within the cooperative.
    pub sale: String,
    /// Day of the settlement.
    pub date: NaiveDate,
    /// The settlement.
    pub settlement: Settlement,
}

/// Money paid to a member. A negative balance means the member was paid more than it was
/// settled (an advance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id (voucher or bank reference).
    pub id: String,
    /// Member (household) id.
    pub member: String,
    /// Day paid.
    pub date: NaiveDate,
    /// Amount, MNT, positive.
    pub amount_mnt: i64,
    /// The sale it pays against; `None` for an advance or a general payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale: Option<String>,
}

/// One sale on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSale {
    /// Sale id.
    pub sale: String,
    /// Day of the settlement.
    pub date: NaiveDate,
    /// What the sale settled to the member, MNT.
    pub amount_mnt: u64,
    /// Payments recorded against this sale, MNT.
    pub paid_mnt: u64,
    /// `amount_mnt − paid_mnt` (negative when overpaid).
    pub outstanding_mnt: i64,
}

/// A member's statement. Lists are ordered by date, then id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Member (household) id.
    pub member: String,
    /// The member's intakes.
    pub intakes: Vec<Intake>,
    /// Their clean weight, grams.
    pub clean_g: u64,
    /// Sales with a line for the member.
    pub sales: Vec<StatementSale>,
    /// Payments to the member.
    pub payments: Vec<Payment>,
    /// Sum of the sales' amounts, MNT.
    pub settled_mnt: u64,
    /// Sum of the payments, MNT.
    pub paid_mnt: u64,
    /// `settled_mnt − paid_mnt`: owed to the member when positive.
    pub balance_mnt: i64,
}

/// Why a statement could not be drawn up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// No member id.
    #[error("member is empty")]
    EmptyMember,
    /// Two settlements with one sale id.
    #[error("sale '{0}' is settled twice")]
    DuplicateSale(String),
    /// A payment of zero or less.
    #[error("payment '{id}' must be positive, got {amount}")]
    NonPositivePayment {
        /// Payment id.
        id: String,
        /// Amount given.
        amount: i64,
    },
    /// A payment against a sale that settled nothing to the member.
    #[error("payment '{id}' is against sale '{sale}', which has no line for the member")]
    UnknownSale {
        /// Payment id.
        id: String,
        /// Sale id.
        sale: String,
    },
    /// Sums beyond 64 bits.
    #[error("amounts too large")]
    TooLarge,
}

/// Draws up `member`'s statement from the cooperative's records; records of other members are
/// skipped, so the caller may pass everything it holds.
///
/// ```
/// use market::settlement::{Settlement, SettlementLine};
/// use market::statement::{statement, Payment, SaleSettlement};
/// let sale = SaleSettlement {
///     sale: "S-1".into(),
///     date: "2024-05-01".parse().unwrap(),
///     settlement: Settlement { proceeds_mnt: 900, fee_mnt: 0, costs_mnt: 0, lines: vec![
///         SettlementLine { member: "hh-1".into(), amount_mnt: 600 },
///         SettlementLine { member: "hh-2".into(), amount_mnt: 300 },
///     ]},
/// };
/// let paid = Payment { id: "P-1".into(), member: "hh-1".into(),
///     date: "2024-05-02".parse().unwrap(), amount_mnt: 500, sale: Some("S-1".into()) };
/// let s = statement("hh-1", &[], &[sale], &[paid]).unwrap();
/// assert_eq!((s.settled_mnt, s.paid_mnt, s.balance_mnt), (600, 500, 100));
/// assert_eq!(s.sales[0].outstanding_mnt, 100);
/// ```
pub fn statement(
    member: &str,
    intakes: &[Intake],
    sales: &[SaleSettlement],
    payments: &[Payment],
) -> Result<Statement, StatementError> {
    if member.is_empty() {
        return Err(StatementError::EmptyMember);
    }
    let mut intakes: Vec<Intake> = intakes
        .iter()
        .filter(|i| i.member == member)
        .cloned()
        .collect();
    intakes.sort_by(|a, b| (a.date, &a.receipt).cmp(&(b.date, &b.receipt)));
    let clean_g = checked_sum(intakes.iter().map(|i| i.clean_g))?;

    let mut lines: BTreeMap<&str, (NaiveDate, u64, u64)> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for s in sales {
        if !seen.insert(s.sale.as_str()) {
            return Err(StatementError::DuplicateSale(s.sale.clone()));
        }
        if let Some(amount) = s.settlement.amount_for(member) {
            lines.insert(&s.sale, (s.date, amount, 0));
        }
    }

    let mut mine: Vec<Payment> = Vec::new();
    for p in payments.iter().filter(|p| p.member == member) {
        let Ok(amount) = u64::try_from(p.amount_mnt) else {
            return Err(non_positive(p));
        };
        if amount == 0 {
            return Err(non_positive(p));
        }
        if let Some(sale) = &p.sale {
            let line = lines
                .get_mut(sale.as_str())
                .ok_or_else(|| StatementError::UnknownSale {
                    id: p.id.clone(),
                    sale: sale.clone(),
                })?;
            line.2 = line.2.checked_add(amount).ok_or(StatementError::TooLarge)?;
        }
        mine.push(p.clone());
    }
    mine.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));

    let mut sales: Vec<StatementSale> = lines
        .into_iter()
        .map(|(sale, (date, amount, paid))| StatementSale {
            sale: sale.to_owned(),
            date,
            amount_mnt: amount,
            paid_mnt: paid,
            outstanding_mnt: difference(amount, paid),
        })
        .collect();
    sales.sort_by(|a, b| (a.date, &a.sale).cmp(&(b.date, &b.sale)));

    let settled_mnt = checked_sum(sales.iter().map(|s| s.amount_mnt))?;
    let paid_mnt = checked_sum(mine.iter().map(|p| p.amount_mnt.unsigned_abs()))?;
    let balance = i128::from(settled_mnt) - i128::from(paid_mnt);
    Ok(Statement {
        member: member.to_owned(),
        intakes,
        clean_g,
        sales,
        payments: mine,
        settled_mnt,
        paid_mnt,
        balance_mnt: i64::try_from(balance).map_err(|_| StatementError::TooLarge)?,
    })
}

fn checked_sum(mut it: impl Iterator<Item = u64>) -> Result<u64, StatementError> {
    it.try_fold(0u64, u64::checked_add)
        .ok_or(StatementError::TooLarge)
}

fn non_positive(p: &Payment) -> StatementError {
    StatementError::NonPositivePayment {
        id: p.id.clone(),
        amount: p.amount_mnt,
    }
}

/// `a − b`, saturating at the ends of i64 (only reachable with absurd amounts).
fn difference(a: u64, b: u64) -> i64 {
    let d = i128::from(a) - i128::from(b);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::{Colour, DeductionRule, IntakeInput, record_intake};
    use crate::settlement::SettlementLine;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, d).unwrap()
    }

    fn sale(id: &str, d: u32, lines: &[(&str, u64)]) -> SaleSettlement {
        SaleSettlement {
            sale: id.into(),
            date: day(d),
            settlement: Settlement {
                proceeds_mnt: lines.iter().map(|l| l.1).sum(),
                fee_mnt: 0,
                costs_mnt: 0,
                lines: lines
                    .iter()
                    .map(|&(m, a)| SettlementLine {
                        member: m.into(),
                        amount_mnt: a,
                    })
                    .collect(),
            },
        }
    }

    fn pay(id: &str, member: &str, d: u32, amount: i64, sale: Option<&str>) -> Payment {
        Payment {
            id: id.into(),
            member: member.into(),
            date: day(d),
            amount_mnt: amount,
            sale: sale.map(Into::into),
        }
    }

    fn intake(receipt: &str, member: &str, d: u32) -> Intake {
        record_intake(
            &IntakeInput {
                receipt: receipt.into(),
                member: member.into(),
                date: day(d),
                gross_g: 2_000,
                moisture_pct: "10".into(),
                impurity_pct: "0".into(),
                guard_hair_pct: "0".into(),
                colour: Colour::White,
                grade: "I".into(),
            },
            &DeductionRule::default(),
        )
        .unwrap()
    }

    #[test]
    fn collects_the_members_records_in_order() {
        let intakes = [
            intake("R-2", "a", 2),
            intake("R-1", "a", 2),
            intake("R-3", "b", 1),
        ];
        let sales = [
            sale("S-2", 20, &[("a", 300), ("b", 100)]),
            sale("S-1", 10, &[("a", 700)]),
            sale("S-3", 5, &[("b", 50)]),
        ];
        let payments = [
            pay("P-2", "a", 21, 300, Some("S-2")),
            pay("P-1", "a", 1, 1_000, None),
            pay("P-9", "b", 1, 5, None),
        ];
        let s = statement("a", &intakes, &sales, &payments).unwrap();
        let receipts: Vec<_> = s.intakes.iter().map(|i| i.receipt.as_str()).collect();
        assert_eq!(receipts, ["R-1", "R-2"]);
        assert_eq!(s.clean_g, 4_000);
        let sales: Vec<_> = s
            .sales
            .iter()
            .map(|l| (l.sale.as_str(), l.outstanding_mnt))
            .collect();
        assert_eq!(sales, [("S-1", 700), ("S-2", 0)]);
        assert_eq!(s.payments[0].id, "P-1");
        assert_eq!(
            (s.settled_mnt, s.paid_mnt, s.balance_mnt),
            (1_000, 1_300, -300)
        );
    }

    #[test]
    fn every_error() {
        let sales = [sale("S-1", 1, &[("a", 10)]), sale("S-2", 1, &[("b", 10)])];
        let e = |member: &str, sales: &[SaleSettlement], payments: &[Payment]| {
            statement(member, &[], sales, payments)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(e("", &sales, &[]), "member is empty");
        assert_eq!(
            e("a", &[sales[0].clone(), sales[0].clone()], &[]),
            "sale 'S-1' is settled twice"
        );
        assert_eq!(
            e("a", &sales, &[pay("P", "a", 1, 0, None)]),
            "payment 'P' must be positive, got 0"
        );
        assert_eq!(
            e("a", &sales, &[pay("P", "a", 1, -3, None)]),
            "payment 'P' must be positive, got -3"
        );
        assert_eq!(
            e("a", &sales, &[pay("P", "a", 1, 3, Some("S-2"))]),
            "payment 'P' is against sale 'S-2', which has no line for the member"
        );
        assert_eq!(
            e("a", &sales, &[pay("P", "a", 1, 3, Some("S-9"))]),
            "payment 'P' is against sale 'S-9', which has no line for the member"
        );
        let big = [
            pay("P", "a", 1, i64::MAX, None),
            pay("Q", "a", 1, i64::MAX, None),
        ];
        assert_eq!(e("a", &sales, &big), "amounts too large");
    }
}
