//! Index insurance after Mongolia's IBLI: an insurer writes policies per household and species
//! with a sum insured; when the year's index (the soum's, else the aimag's, mortality rate of
//! the species) is published, every matching policy pays `⌊sum insured × covered loss⌋` on the
//! layer between trigger and exhaustion, the payout enters the household's history, and its
//! open loans are deferred under the insurance trigger.

use finance::insurance::{Defaults, Payout, Policy, parse_species};
use finance::loan::insurance_trigger;
use finance::{Fact, History, Rate, Source};
use serde::{Deserialize, Serialize};
use store::{RecordFilter, Role};

use crate::auth::Principal;
use crate::market::registry::{self, Household};
use crate::market::{Kind, bad, list, new_record, write};
use crate::{App, AppError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub id: String,
    pub household: String,
    pub insurer: i64,
    pub species: String,
    pub aimag: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soum: Option<u32>,
    pub sum_insured_mnt: u64,
    pub trigger: Rate,
    pub exhaustion: Rate,
}

impl Kind for PolicyRecord {
    const KIND: &'static str = "policy";
    const WHAT: &'static str = "insurance policy";
}

impl PolicyRecord {
    fn policy(&self) -> Result<Policy> {
        let species = parse_species(&self.species).ok_or_else(|| bad("species", "unknown"))?;
        Policy::new(
            Some(self.id.clone()),
            &self.household,
            species,
            self.aimag,
            self.soum,
            self.sum_insured_mnt,
            self.trigger,
            self.exhaustion,
        )
        .map_err(|e| bad("policy", e))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRecord {
    pub policy: String,
    pub household: String,
    pub year: i32,
    pub date: chrono::NaiveDate,
    pub payout: Payout,
}

impl Kind for PayoutRecord {
    const KIND: &'static str = "insurance-payout";
    const WHAT: &'static str = "payout";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyIn {
    pub household: String,
    pub species: String,
    pub sum_insured_mnt: u64,
    #[serde(default)]
    pub trigger: Option<String>,
    #[serde(default)]
    pub exhaustion: Option<String>,
}

fn rate(field: &str, text: Option<&str>, default: Rate) -> Result<Rate> {
    match text {
        Some(t) => Rate::parse(t).map_err(|e| bad(field, e)),
        None => Ok(default),
    }
}

/// An insurer writes a policy (area: the household's soum and aimag).
pub async fn write_policy(app: &App, who: &Principal, req: PolicyIn) -> Result<PolicyRecord> {
    crate::market::require_role(who, &[Role::Insurer], "write insurance policies")?;
    let h = registry::household(app, &req.household).await?;
    let d = Defaults::v1();
    let n = list::<PolicyRecord>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .len()
        + 1;
    let rec = PolicyRecord {
        id: format!("IP-{}-{n}", h.id),
        household: h.id.clone(),
        insurer: who.id().0,
        species: req.species.trim().to_lowercase(),
        aimag: h.aimag.parse().unwrap_or(0),
        soum: h.soum.parse().ok(),
        sum_insured_mnt: req.sum_insured_mnt,
        trigger: rate("trigger", req.trigger.as_deref(), d.trigger.value)?,
        exhaustion: rate("exhaustion", req.exhaustion.as_deref(), d.exhaustion.value)?,
    };
    rec.policy()?;
    write(
        app,
        vec![new_record(&rec.id, Some(&h.id), Some(who.id()), &rec)?],
        vec![],
    )
    .await?;
    Ok(rec)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexIn {
    pub year: i32,
    pub species: String,
    /// Aimag code (2 digits), and the soum when the index is the soum's.
    pub aimag: String,
    #[serde(default)]
    pub soum: Option<String>,
    /// Mortality rate as a decimal fraction (`"0.18"`).
    pub mortality: String,
}

/// The year's published index: pays every matching policy (once) and defers the insured
/// households' open loans. Answers the payouts made.
pub async fn publish_index(app: &App, who: &Principal, req: IndexIn) -> Result<Vec<PayoutRecord>> {
    crate::market::require_role(
        who,
        &[Role::Insurer, Role::Regulator],
        "publish the insurance index",
    )?;
    let mortality = Rate::parse(&req.mortality).map_err(|e| bad("mortality", e))?;
    let species = req.species.trim().to_lowercase();
    parse_species(&species)
        .ok_or_else(|| bad("species", format!("'{}' is not a species", req.species)))?;
    let aimag: u8 = req
        .aimag
        .parse()
        .map_err(|_| bad("aimag", "is not an aimag code"))?;
    let soum: Option<u32> = req
        .soum
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| bad("soum", "is not a soum code"))?;
    let mut out = Vec::new();
    for p in list::<PolicyRecord>(app, &RecordFilter::default()).await? {
        let p = p.value;
        if p.species != species || p.aimag != aimag || soum.is_some() && p.soum != soum {
            continue;
        }
        if who.org.role == Role::Insurer && p.insurer != who.id().0 {
            continue;
        }
        let key = format!("{}/{}", p.id, req.year);
        if crate::market::get::<PayoutRecord>(app, &key)
            .await?
            .is_some()
        {
            continue;
        }
        let payout = p.policy()?.payout(mortality);
        let rec = PayoutRecord {
            policy: p.id.clone(),
            household: p.household.clone(),
            year: req.year,
            date: crate::market::today(app),
            payout,
        };
        write(
            app,
            vec![new_record(
                &key,
                Some(&p.household),
                Some(store::OrgId(p.insurer)),
                &rec,
            )?],
            vec![],
        )
        .await?;
        if let Some(t) = insurance_trigger(&p.id, req.year, &payout) {
            let h = registry::household(app, &p.household).await?;
            super::loans::defer_all(app, &h, t).await?;
        }
        out.push(rec);
    }
    Ok(out)
}

/// A policy's payouts, to its insurer or household.
pub async fn payouts(app: &App, who: &Principal, household: &str) -> Result<Vec<PayoutRecord>> {
    let h = registry::household(app, household).await?;
    let rows: Vec<PayoutRecord> = list::<PayoutRecord>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .into_iter()
        .filter(|r| h.org == Some(who.id().0) || r.owner == Some(who.id()))
        .map(|r| r.value)
        .collect();
    if rows.is_empty() && h.org != Some(who.id().0) && who.org.role != Role::Insurer {
        return Err(AppError::Forbidden(format!(
            "'{}' may not see household {}'s insurance",
            who.org.name, h.id
        )));
    }
    Ok(rows)
}

pub(super) async fn history_lines(app: &App, h: &Household, hist: &mut History) -> Result<()> {
    for r in list::<PayoutRecord>(app, &RecordFilter::parent(h.id.clone())).await? {
        let r = r.value;
        if r.payout.payout_mnt == 0 {
            continue;
        }
        hist.push(
            Source::Record(super::record_url(
                app,
                &format!("/insurance/policies/{}", r.policy),
            )),
            Fact::InsurancePayout {
                date: r.date,
                policy: r.policy.clone(),
                year: r.year,
                amount_mnt: r.payout.payout_mnt,
            },
        );
    }
    Ok(())
}
