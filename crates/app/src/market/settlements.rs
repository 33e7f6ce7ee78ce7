//! Settlement: a sold lot's proceeds, less the cooperative's fee and listed costs, split among
//! the members whose intakes went into it, pro rata by clean weight × the price factor of each
//! intake's colour and grade (the cooperative's terms), by `market::settle` — integer tögrög,
//! largest remainder, lines summing to the distributable amount exactly. Each member's
//! statement gathers its intakes, settlements and payments; payments are recorded against a
//! settlement line and may not exceed it (checked and written in one compare-and-swap).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use market::settlement::{Settlement, SettlementInput};
use market::statement::{Payment, SaleSettlement, Statement};
use serde::{Deserialize, Serialize};
use store::{OrgId, RecordFilter, Role};

use super::auctions::Auction;
use super::intake::{IntakeRecord, IntakeState};
use super::registry;
use super::{Kind, Versioned, bad, list, need, new_record, update_record, write};
use crate::auth::Principal;
use crate::{App, AppError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub label: String,
    pub amount_mnt: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRecord {
    /// `S-<auction>-<pool>`.
    pub id: String,
    pub auction: String,
    pub pool: String,
    pub cooperative: i64,
    pub date: NaiveDate,
    pub costs: Vec<Cost>,
    pub settlement: Settlement,
    /// Paid so far per member.
    pub paid: BTreeMap<String, u64>,
}

impl Kind for SettlementRecord {
    const KIND: &'static str = "settlement";
    const WHAT: &'static str = "settlement";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    #[serde(flatten)]
    pub payment: Payment,
    pub cooperative: i64,
    #[serde(default)]
    pub reference: String,
}

impl Kind for PaymentRecord {
    const KIND: &'static str = "payment";
    const WHAT: &'static str = "payment";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleIn {
    pub fee_mnt: i64,
    #[serde(default)]
    pub costs: Vec<Cost>,
}

/// Settles a sold lot of an auction (its seller only, once).
pub async fn settle(
    app: &App,
    who: &Principal,
    auction: &str,
    pool: &str,
    req: SettleIn,
) -> Result<SettlementRecord> {
    super::require_role(who, &[Role::Cooperative], "settle sales")?;
    let a: Auction = super::auctions::get(app, auction).await?;
    let lot = a
        .lots
        .iter()
        .find(|l| l.pool == pool)
        .ok_or_else(|| AppError::not_found("auction lot", pool))?;
    if lot.seller != who.id().0 {
        return Err(AppError::Forbidden(format!(
            "lot {pool} is another cooperative's"
        )));
    }
    let result = a
        .results
        .as_ref()
        .and_then(|r| r.iter().find(|r| r.pool == pool));
    let Some(price) = result.and_then(|r| r.price_mnt) else {
        return Err(AppError::Refused {
            reason: "not-sold",
            detail: format!(
                "lot {pool} of auction {auction} is not sold (the auction closes at {})",
                a.closes_at
            ),
        });
    };
    let mut costs_mnt: i64 = 0;
    for (k, c) in req.costs.iter().enumerate() {
        if c.amount_mnt < 0 {
            return Err(bad(
                &format!("costs[{k}].amount_mnt"),
                format!("must not be negative, got {}", c.amount_mnt),
            ));
        }
        costs_mnt = costs_mnt
            .checked_add(c.amount_mnt)
            .ok_or_else(|| bad("costs", "too large"))?;
    }
    let pool_rec: super::pools::Pool = need(app, pool).await?.value;
    let mut intakes = Vec::new();
    for r in &pool_rec.intakes {
        let i: IntakeRecord = need(app, r).await?.value;
        if i.state == IntakeState::Active {
            intakes.push(i.intake);
        }
    }
    let terms = super::intake::terms(app, who.id().0).await?;
    let rows = market::factors::settlement_intakes(&intakes, &terms.factors)
        .map_err(|e| bad("factors", e))?;
    let settlement = market::settle(&SettlementInput {
        proceeds_mnt: i64::try_from(price).map_err(|_| bad("price", "too large"))?,
        fee_mnt: req.fee_mnt,
        costs_mnt,
        intakes: rows,
    })
    .map_err(|e| bad("settlement", e))?;
    let rec = SettlementRecord {
        id: format!("S-{auction}-{pool}"),
        auction: auction.to_owned(),
        pool: pool.to_owned(),
        cooperative: who.id().0,
        date: super::today(app),
        costs: req.costs,
        settlement,
        paid: BTreeMap::new(),
    };
    match write(
        app,
        vec![new_record(
            &rec.id,
            Some(&who.id().0.to_string()),
            Some(who.id()),
            &rec,
        )?],
        vec![],
    )
    .await
    {
        Err(AppError::Refused {
            reason: "duplicate",
            ..
        }) => Err(AppError::Refused {
            reason: "duplicate",
            detail: format!("lot {pool} of auction {auction} is already settled"),
        }),
        r => r.map(|()| rec),
    }
}

pub async fn settlement(app: &App, who: &Principal, id: &str) -> Result<SettlementRecord> {
    let s: SettlementRecord = need(app, id).await?.value;
    if s.cooperative != who.id().0 && !matches!(who.org.role, Role::Admin | Role::Regulator) {
        return Err(AppError::Forbidden(format!(
            "settlement {id} is another cooperative's"
        )));
    }
    Ok(s)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    pub household: String,
    pub amount_mnt: i64,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Records a payment to a member against its settlement line; more than the line's unpaid
/// amount is refused (`overpayment`).
pub async fn pay(
    app: &App,
    who: &Principal,
    settlement_id: &str,
    req: PaymentIn,
) -> Result<PaymentRecord> {
    super::require_role(who, &[Role::Cooperative], "record payments")?;
    let mut s: Versioned<SettlementRecord> = need(app, settlement_id).await?;
    if s.value.cooperative != who.id().0 {
        return Err(AppError::Forbidden(format!(
            "settlement {settlement_id} is another cooperative's"
        )));
    }
    let member = registry::household_key(&req.household).to_owned();
    let Some(line) = s.value.settlement.amount_for(&member) else {
        return Err(bad(
            "household",
            format!("settlement {settlement_id} has no line for {member}"),
        ));
    };
    let amount = u64::try_from(req.amount_mnt)
        .ok()
        .filter(|a| *a > 0)
        .ok_or_else(|| {
            bad(
                "amount_mnt",
                format!("must be positive, got {}", req.amount_mnt),
            )
        })?;
    let paid = s.value.paid.get(&member).copied().unwrap_or(0);
    if paid + amount > line {
        return Err(AppError::Refused {
            reason: "overpayment",
            detail: format!(
                "{member} is owed {line} MNT on {settlement_id}, {paid} MNT paid already; {amount} MNT is more than the {} MNT unpaid",
                line - paid
            ),
        });
    }
    s.value.paid.insert(member.clone(), paid + amount);
    let n = list::<PaymentRecord>(app, &RecordFilter::parent(member.clone()))
        .await?
        .len()
        + 1;
    let p = PaymentRecord {
        payment: Payment {
            id: format!("PAY-{settlement_id}-{member}-{n}"),
            member: member.clone(),
            date: req.date.unwrap_or_else(|| super::today(app)),
            amount_mnt: req.amount_mnt,
            sale: Some(settlement_id.to_owned()),
        },
        cooperative: who.id().0,
        reference: req.reference,
    };
    write(
        app,
        vec![new_record(
            &p.payment.id,
            Some(&member),
            Some(who.id()),
            &p,
        )?],
        vec![update_record(settlement_id, &s)?],
    )
    .await?;
    Ok(p)
}

/// A member's statement at one cooperative: intakes, settlements, payments, balance. To the
/// cooperative, the household's own organisation, admins and regulators.
pub async fn statement(
    app: &App,
    who: &Principal,
    household: &str,
    coop: Option<i64>,
) -> Result<Statement> {
    let h = registry::household(app, household).await?;
    let entitled =
        h.org == Some(who.id().0) || matches!(who.org.role, Role::Admin | Role::Regulator);
    let coop = match coop {
        Some(c) => c,
        None if who.org.role == Role::Cooperative => who.id().0,
        None if entitled => {
            return Err(AppError::QueryParameter(
                "name the cooperative: ?cooperative=ID".into(),
            ));
        }
        None => who.id().0,
    };
    let allowed = entitled || who.id().0 == coop && registry::is_member(app, coop, &h.id).await?;
    if !allowed {
        return Err(AppError::Forbidden(format!(
            "organisation '{}' may not read the statements of household {}",
            who.org.name, h.id
        )));
    }
    let intakes: Vec<_> = super::intake::intakes_of_household(app, &h.id)
        .await?
        .into_iter()
        .filter(|i| i.cooperative == coop && i.state == IntakeState::Active)
        .map(|i| i.intake)
        .collect();
    let sales: Vec<SaleSettlement> =
        list::<SettlementRecord>(app, &RecordFilter::owner(OrgId(coop)))
            .await?
            .into_iter()
            .filter(|s| s.value.settlement.amount_for(&h.id).is_some())
            .map(|s| SaleSettlement {
                sale: s.value.id,
                date: s.value.date,
                settlement: s.value.settlement,
            })
            .collect();
    let payments: Vec<Payment> = list::<PaymentRecord>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .into_iter()
        .filter(|p| p.value.cooperative == coop)
        .map(|p| p.value.payment)
        .collect();
    market::statement(&h.id, &intakes, &sales, &payments)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A cooperative's settlements, newest first.
pub async fn settlements_of(app: &App, who: &Principal) -> Result<Vec<SettlementRecord>> {
    let mut all: Vec<SettlementRecord> =
        list::<SettlementRecord>(app, &RecordFilter::owner(who.id()))
            .await?
            .into_iter()
            .map(|s| s.value)
            .collect();
    all.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.id.cmp(&a.id)));
    Ok(all)
}
