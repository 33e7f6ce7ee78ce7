//! Loans: a lender holding a live grant applies the policy to the household's score (the
//! decision carries the score and both sets of reasons); the schedule puts repayments after
//! combing; the dzud rule defers the next instalment by a season when the household's soum
//! reaches the policy's risk class or an insurance payout is triggered, and tells both sides.

use chrono::NaiveDate;
use finance::loan::{
    Application, Decision, DeferralNotice, DeferralTrigger, LendingPolicy, Outcome, Schedule,
    assess, defer_next,
};
use finance::{Fact, History, LoanEvent, Source};
use serde::{Deserialize, Serialize};
use store::{OrgId, RecordFilter, Role};

use crate::auth::Principal;
use crate::market::registry::{self, Household};
use crate::market::{Kind, Versioned, bad, list, need, new_record, update_record, write};
use crate::{App, AppError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanRecord {
    pub id: String,
    pub household: String,
    pub lender: String,
    pub lender_org: i64,
    pub decided: NaiveDate,
    pub decision: Decision,
    /// The notices of each deferral, to the household and the lender.
    #[serde(default)]
    pub notices: Vec<DeferralNotice>,
}

impl LoanRecord {
    pub fn schedule(&self) -> Option<&Schedule> {
        self.decision.schedule.as_ref()
    }
}

impl Kind for LoanRecord {
    const KIND: &'static str = "loan";
    const WHAT: &'static str = "loan";
}

/// A notice the platform shows a household or an organisation (in-app; households also by text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub message: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Kind for Notice {
    const KIND: &'static str = "notice";
    const WHAT: &'static str = "notice";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanIn {
    pub household: String,
    pub principal_mnt: u64,
    pub instalments: u32,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub due_month: Option<u32>,
}

/// Applies for and decides a loan (a lender with a live grant; the read is logged).
pub async fn apply(app: &App, who: &Principal, req: LoanIn) -> Result<LoanRecord> {
    crate::market::require_role(who, &[Role::Lender], "lend")?;
    let h = registry::household(app, &req.household).await?;
    let credit = super::credit(app, who, &h.id).await?;
    let n = list::<LoanRecord>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .len()
        + 1;
    let id = format!("L-{}-{n}", h.id);
    let today = crate::market::today(app);
    let application = Application {
        id: id.clone(),
        household: h.id.clone(),
        lender: who.org.name.clone(),
        principal_mnt: req.principal_mnt,
        instalments: req.instalments,
        disbursement: today,
        due_month: req.due_month,
        purpose: if req.purpose.trim().is_empty() {
            "herd".into()
        } else {
            req.purpose
        },
    };
    let decision = assess(
        &application,
        &credit.history,
        &finance::Scorecard::v1(),
        &LendingPolicy::v1(),
        today,
    )
    .map_err(|e| bad("loan", e))?;
    let rec = LoanRecord {
        id: id.clone(),
        household: h.id.clone(),
        lender: who.org.name.clone(),
        lender_org: who.id().0,
        decided: today,
        decision,
        notices: Vec::new(),
    };
    write(
        app,
        vec![new_record(&id, Some(&h.id), Some(who.id()), &rec)?],
        vec![],
    )
    .await?;
    Ok(rec)
}

async fn readable(app: &App, who: &Principal, id: &str) -> Result<Versioned<LoanRecord>> {
    let l: Versioned<LoanRecord> = need(app, id).await?;
    let h = registry::household(app, &l.value.household).await?;
    if l.value.lender_org != who.id().0 && h.org != Some(who.id().0) {
        return Err(AppError::Forbidden(format!(
            "loan {id} is between household {} and {}",
            h.id, l.value.lender
        )));
    }
    Ok(l)
}

pub async fn get(app: &App, who: &Principal, id: &str) -> Result<LoanRecord> {
    Ok(readable(app, who, id).await?.value)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepayIn {
    pub number: u32,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The lender records an instalment as paid.
pub async fn repay(app: &App, who: &Principal, id: &str, req: RepayIn) -> Result<LoanRecord> {
    let mut l = readable(app, who, id).await?;
    if l.value.lender_org != who.id().0 {
        return Err(AppError::Forbidden(format!(
            "only {} records repayments of loan {id}",
            l.value.lender
        )));
    }
    let date = req.date.unwrap_or_else(|| crate::market::today(app));
    let Some(s) = l.value.decision.schedule.as_mut() else {
        return Err(AppError::Refused {
            reason: "declined",
            detail: format!("loan {id} was declined"),
        });
    };
    s.record_payment(req.number, date)
        .map_err(|e| bad("number", e))?;
    write(app, vec![], vec![update_record(id, &l)?]).await?;
    Ok(l.value)
}

/// Defers the next instalment of every open loan of the household for `trigger`, and tells
/// the household and each lender. Answers the notices.
pub(crate) async fn defer_all(
    app: &App,
    h: &Household,
    trigger: DeferralTrigger,
) -> Result<Vec<DeferralNotice>> {
    let policy = LendingPolicy::v1();
    let today = crate::market::today(app);
    let mut out = Vec::new();
    for mut l in list::<LoanRecord>(app, &RecordFilter::parent(h.id.clone())).await? {
        if l.value.decision.outcome != Outcome::Approve {
            continue;
        }
        // One deferral per trigger: running the rule again changes nothing.
        if l.value.notices.iter().any(|n| n.trigger == trigger) {
            continue;
        }
        let Some(s) = l.value.schedule() else {
            continue;
        };
        let d = match defer_next(s, today, trigger.clone(), policy.dzud.interest) {
            Ok(d) => d,
            // Everything repaid, or already overdue: nothing to defer.
            Err(_) => continue,
        };
        l.value.decision.schedule = Some(d.schedule);
        l.value.notices.push(d.notice.clone());
        let now = app.clock.now();
        let notices = [
            (format!("household:{}", h.id), d.notice.to_household.clone()),
            (
                format!("org:{}", l.value.lender_org),
                d.notice.to_lender.clone(),
            ),
        ];
        let mut inserts = Vec::new();
        for (k, (to, message)) in notices.into_iter().enumerate() {
            let n = Notice {
                id: format!("N-{}-{}-{k}", l.value.id, l.value.notices.len()),
                to: to.clone(),
                subject: format!(
                    "loan {}: instalment {} deferred",
                    l.value.id, d.notice.instalment
                ),
                message,
                at: now,
            };
            inserts.push(new_record(&n.id, Some(&to), None, &n)?);
        }
        write(app, inserts, vec![update_record(&l.value.id.clone(), &l)?]).await?;
        out.push(d.notice);
    }
    Ok(out)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DzudRuleIn {
    /// The winter's season (the calendar year the winter ends).
    pub season: i32,
}

/// Applies the dzud rule to every household with an open loan: when its soum's outlook risk
/// class for the season reaches the policy's level, the next instalment is deferred (admin,
/// regulator, or a lender for its own loans).
pub async fn run_dzud_rule(
    app: &App,
    who: &Principal,
    req: DzudRuleIn,
) -> Result<Vec<DeferralNotice>> {
    crate::market::require_role(
        who,
        &[Role::Admin, Role::Regulator, Role::Lender],
        "run the dzud rule",
    )?;
    let season = u16::try_from(req.season).map_err(|_| bad("season", "is not a year"))?;
    let policy = LendingPolicy::v1();
    let loans = list::<LoanRecord>(app, &RecordFilter::default()).await?;
    let mut households: Vec<String> = loans
        .iter()
        .filter(|l| who.org.role != Role::Lender || l.value.lender_org == who.id().0)
        .map(|l| l.value.household.clone())
        .collect();
    households.sort();
    households.dedup();
    let mut out = Vec::new();
    for id in households {
        let h = registry::household(app, &id).await?;
        let class = soum_class(app, &h.soum, season).await?;
        if let Some(t) = policy.risk_trigger(&h.soum, req.season, class) {
            out.extend(defer_all(app, &h, t).await?);
        }
    }
    Ok(out)
}

/// The autumn-outlook risk class of a soum for the winter ending in `season` (the app's dzud
/// model: trained on the winters before it, the soum's aimag inputs).
pub async fn soum_class(app: &App, soum: &str, season: u16) -> Result<u8> {
    Ok(
        crate::climate::soum_risk(app, soum, season, climate::Mode::Outlook)
            .await?
            .risk
            .class,
    )
}

/// The notices addressed to a household (to itself) or to the principal's organisation.
pub async fn notices(app: &App, who: &Principal, household: Option<&str>) -> Result<Vec<Notice>> {
    let to = match household {
        Some(id) => {
            let h = registry::household(app, id).await?;
            if h.org != Some(who.id().0) {
                return Err(AppError::Forbidden(format!(
                    "only household {} reads its notices",
                    h.id
                )));
            }
            format!("household:{}", h.id)
        }
        None => format!("org:{}", who.id().0),
    };
    Ok(list::<Notice>(app, &RecordFilter::parent(to))
        .await?
        .into_iter()
        .map(|n| n.value)
        .collect())
}

/// The household's loan events as history lines, linked to the loan's record.
pub(super) async fn history_lines(app: &App, h: &Household, hist: &mut History) -> Result<()> {
    for l in list::<LoanRecord>(app, &RecordFilter::parent(h.id.clone())).await? {
        let l = l.value;
        let Some(s) = l.schedule() else { continue };
        let src = || Source::Record(super::record_url(app, &format!("/loans/{}", l.id)));
        let first_due = s.instalments.first().map(|i| i.due);
        hist.push(
            src(),
            Fact::Loan {
                date: s.disbursed,
                loan: l.id.clone(),
                event: LoanEvent::Disbursement,
                amount_mnt: s.principal_mnt,
                due: first_due,
            },
        );
        for i in &s.instalments {
            if let Some(paid) = i.paid_on {
                let event = if paid > i.due {
                    LoanEvent::Late
                } else {
                    LoanEvent::Repayment
                };
                hist.push(
                    src(),
                    Fact::Loan {
                        date: paid,
                        loan: l.id.clone(),
                        event,
                        amount_mnt: i.payment_mnt,
                        due: Some(i.due),
                    },
                );
            }
        }
        for n in &l.notices {
            hist.push(
                src(),
                Fact::Loan {
                    date: n.from,
                    loan: l.id.clone(),
                    event: LoanEvent::Deferred,
                    amount_mnt: 0,
                    due: Some(n.to),
                },
            );
        }
    }
    let _ = OrgId(0);
    Ok(())
}
