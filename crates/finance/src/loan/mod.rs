//! Loans: the lending policy (`config/lending-v1.toml`), applications, decisions with the
//! score and its reasons, season-aligned schedules and the dzud deferral ([`schedule`]).
//!
//! **Decision.** The highest score band the score reaches sets the rate and a ceiling; the
//! limit is the lower of that ceiling and `income_multiple` × verified income per season
//! (income, never herd size, sizes the loan). Below every band, or with no verified income,
//! the application is declined. A request above the limit is approved at the limit and says
//! so. Every decision carries the score's reasons and its own, with codes.

mod schedule;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decimal::{Rate, Ratio};
use crate::history::History;
use crate::insurance::Payout;
use crate::scorecard::{Reason, Score, Scorecard, score_summary};
use crate::summary::{Summary, summarize};

pub use schedule::{
    DAY_COUNT, Deferral, DeferralInterest, DeferralNotice, DeferralTrigger, DueDates, Instalment,
    LoanParties, Schedule, defer_next, interest_mnt, schedule,
};

/// The built-in lending policy.
pub const LENDING_V1: &str = include_str!("../../config/lending-v1.toml");

/// Why a loan operation was refused. One line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoanError {
    /// The lending policy file is not valid.
    #[error("lending policy: {0}")]
    Config(String),
    /// The application (or a schedule request) is not valid.
    #[error("loan application: {0}")]
    Application(String),
    /// Every instalment is paid.
    #[error("every instalment is paid: nothing to defer")]
    NothingToDefer,
    /// The next unpaid instalment is past due.
    #[error(
        "instalment {number} was due on {due} and is overdue: a deferral must come before the due date"
    )]
    Overdue { number: u32, due: NaiveDate },
}

/// The lending policy. Field meanings are documented in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LendingPolicy {
    pub format: u32,
    pub name: String,
    pub version: String,
    pub due_months: Vec<u32>,
    pub due_month: u32,
    pub due_day: u32,
    pub min_days_to_first_due: u32,
    pub max_instalments: u32,
    pub income_multiple: Ratio,
    pub dzud: DzudRule,
    pub bands: Vec<Band>,
}

/// When to defer and how interest is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DzudRule {
    pub defer_at_risk_class: u8,
    pub interest: DeferralInterest,
}

/// A score band: from `min_score` up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min_score: i64,
    pub annual_rate: Rate,
    pub max_principal_mnt: u64,
}

impl LendingPolicy {
    /// The built-in version 1.
    pub fn v1() -> LendingPolicy {
        // The file is part of the crate and a unit test loads it.
        #[allow(clippy::expect_used)]
        LendingPolicy::from_toml(LENDING_V1).expect("built-in lending-v1.toml is valid")
    }

    /// Reads and checks a lending policy.
    pub fn from_toml(text: &str) -> Result<LendingPolicy, LoanError> {
        let p: LendingPolicy = toml::from_str(text).map_err(|e| {
            LoanError::Config(
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })?;
        let bad = |m: &str| Err(LoanError::Config(m.to_owned()));
        if p.format != 1 {
            return bad("only format 1 is known");
        }
        if p.due_months.is_empty() || p.due_months.iter().any(|m| !(1..=12).contains(m)) {
            return bad("due_months must list months 1 to 12");
        }
        if !p.due_months.contains(&p.due_month) {
            return bad("due_month must be one of due_months");
        }
        // A day valid in a common year is valid in every year.
        if NaiveDate::from_ymd_opt(2001, p.due_month, p.due_day).is_none() {
            return bad("due_day does not exist in due_month every year");
        }
        if !(1..=30).contains(&p.max_instalments) {
            return bad("max_instalments must be 1 to 30");
        }
        if !(1..=5).contains(&p.dzud.defer_at_risk_class) {
            return bad("dzud.defer_at_risk_class must be 1 to 5");
        }
        if p.bands.is_empty() || p.bands.windows(2).any(|w| w[0].min_score <= w[1].min_score) {
            return bad("bands must be listed best first with falling min_score");
        }
        Ok(p)
    }

    /// The schedule terms for a preferred due month (or the default).
    pub fn due_dates(&self, due_month: Option<u32>) -> DueDates {
        DueDates {
            due_months: self.due_months.clone(),
            due_month: due_month.unwrap_or(self.due_month),
            due_day: self.due_day,
            min_days_to_first_due: self.min_days_to_first_due,
        }
    }

    /// A deferral trigger when the soum's risk class reaches the policy's threshold.
    pub fn risk_trigger(&self, soum: &str, season: i32, risk_class: u8) -> Option<DeferralTrigger> {
        (risk_class >= self.dzud.defer_at_risk_class).then(|| DeferralTrigger::DzudRiskClass {
            soum: soum.to_owned(),
            season,
            risk_class,
            threshold: self.dzud.defer_at_risk_class,
        })
    }
}

/// A deferral trigger when an insurance payout for `year` is above zero.
pub fn insurance_trigger(policy_id: &str, year: i32, payout: &Payout) -> Option<DeferralTrigger> {
    (payout.payout_mnt > 0 || payout.mortality > payout.trigger).then(|| {
        DeferralTrigger::InsuranceTrigger {
            policy: policy_id.to_owned(),
            year,
            mortality: payout.mortality,
            trigger: payout.trigger,
        }
    })
}

/// A loan application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The application's id (becomes the loan's id).
    pub id: String,
    pub household: String,
    pub lender: String,
    pub principal_mnt: u64,
    /// Number of yearly instalments.
    pub instalments: u32,
    /// Planned disbursement date.
    pub disbursement: NaiveDate,
    /// A due month other than the default, within the allowed months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_month: Option<u32>,
    pub purpose: String,
}

/// Approve or decline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Approve,
    Decline,
}

/// A reason of the decision itself (besides the score's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionReason {
    /// `BAND`, `INCOME-LIMIT`, `LIMITED`, `SCORE-BELOW-MIN`, `NO-VERIFIED-INCOME`.
    pub code: String,
    pub explanation: String,
}

/// The decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub application: String,
    pub household: String,
    pub lender: String,
    pub outcome: Outcome,
    pub requested_mnt: u64,
    /// What is lent (0 when declined).
    pub principal_mnt: u64,
    /// The limit the score band and the income allow.
    pub limit_mnt: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_rate: Option<Rate>,
    pub score: i64,
    pub scorecard: String,
    pub scorecard_version: String,
    /// The score's reasons (summing to `score`).
    pub score_reasons: Vec<Reason>,
    pub reasons: Vec<DecisionReason>,
    pub lending_policy_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

fn reason(code: &str, explanation: String) -> DecisionReason {
    DecisionReason {
        code: code.to_owned(),
        explanation,
    }
}

/// Scores the history on `as_of` and decides (see the module docs).
pub fn assess(
    app: &Application,
    history: &History,
    card: &Scorecard,
    policy: &LendingPolicy,
    as_of: NaiveDate,
) -> Result<Decision, LoanError> {
    let summary = summarize(history, as_of, card.window());
    let score = score_summary(&summary, card);
    decide(app, &summary, &score, policy)
}

/// Decides on `app` given the summary and score of the household's history.
pub fn decide(
    app: &Application,
    summary: &Summary,
    score: &Score,
    policy: &LendingPolicy,
) -> Result<Decision, LoanError> {
    if app.household.trim().is_empty() || app.lender.trim().is_empty() || app.id.trim().is_empty() {
        return Err(LoanError::Application(
            "id, household and lender must not be empty".into(),
        ));
    }
    if app.principal_mnt == 0 {
        return Err(LoanError::Application(
            "principal_mnt must be above 0".into(),
        ));
    }
    if !(1..=policy.max_instalments).contains(&app.instalments) {
        return Err(LoanError::Application(format!(
            "instalments must be 1 to {}",
            policy.max_instalments
        )));
    }
    if let Some(m) = app.due_month
        && !policy.due_months.contains(&m)
    {
        return Err(LoanError::Application(format!(
            "due month {m} is not one of the allowed months {:?} (after combing)",
            policy.due_months
        )));
    }
    let mut reasons = Vec::new();
    let mut decision = Decision {
        application: app.id.clone(),
        household: app.household.clone(),
        lender: app.lender.clone(),
        outcome: Outcome::Decline,
        requested_mnt: app.principal_mnt,
        principal_mnt: 0,
        limit_mnt: 0,
        annual_rate: None,
        score: score.total,
        scorecard: score.scorecard.clone(),
        scorecard_version: score.version.clone(),
        score_reasons: score.reasons.clone(),
        reasons: Vec::new(),
        lending_policy_version: policy.version.clone(),
        schedule: None,
    };
    let Some(band) = policy.bands.iter().find(|b| score.total >= b.min_score) else {
        let min = policy.bands.last().map_or(0, |b| b.min_score);
        reasons.push(reason(
            "SCORE-BELOW-MIN",
            format!("score {} is below the lowest band ({min})", score.total),
        ));
        decision.reasons = reasons;
        return Ok(decision);
    };
    reasons.push(reason(
        "BAND",
        format!(
            "score {} reaches the band from {}: rate {}, at most {} MNT",
            score.total, band.min_score, band.annual_rate, band.max_principal_mnt
        ),
    ));
    let per_season = summary.income_per_season_mnt();
    let income_limit = policy.income_multiple.floor_of(per_season);
    reasons.push(reason(
        "INCOME-LIMIT",
        format!(
            "verified income {per_season} MNT per season × {} = {income_limit} MNT",
            policy.income_multiple
        ),
    ));
    let limit = band.max_principal_mnt.min(income_limit);
    decision.limit_mnt = limit;
    if limit == 0 {
        reasons.push(reason(
            "NO-VERIFIED-INCOME",
            "no verified income to lend against".to_owned(),
        ));
        decision.reasons = reasons;
        return Ok(decision);
    }
    let principal = app.principal_mnt.min(limit);
    if principal < app.principal_mnt {
        reasons.push(reason(
            "LIMITED",
            format!(
                "{} MNT requested; {principal} MNT approved (the limit)",
                app.principal_mnt
            ),
        ));
    }
    let parties = LoanParties {
        loan: app.id.clone(),
        household: app.household.clone(),
        lender: app.lender.clone(),
    };
    decision.schedule = Some(schedule(
        parties,
        principal,
        band.annual_rate,
        app.disbursement,
        app.instalments,
        &policy.due_dates(app.due_month),
    )?);
    decision.outcome = Outcome::Approve;
    decision.principal_mnt = principal;
    decision.annual_rate = Some(band.annual_rate);
    decision.reasons = reasons;
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_loads_and_checks() {
        let p = LendingPolicy::v1();
        assert_eq!(p.due_months, [5, 6, 7]);
        assert_eq!(p.dzud.interest, DeferralInterest::Waive);
        assert!(p.risk_trigger("18101", 2025, 3).is_none());
        assert!(p.risk_trigger("18101", 2025, 4).is_some());
        assert!(
            LendingPolicy::from_toml(&LENDING_V1.replace("due_day = 30", "due_day = 31")).is_err()
        );
        assert!(
            LendingPolicy::from_toml(&LENDING_V1.replace("due_month = 6", "due_month = 1"))
                .is_err()
        );
        assert!(
            LendingPolicy::from_toml(&LENDING_V1.replace("min_score = 70", "min_score = 170"))
                .is_err()
        );
    }

    #[test]
    fn declines_without_income_or_score() {
        let h = History {
            household: "hh".into(),
            lines: vec![],
        };
        let app = Application {
            id: "A1".into(),
            household: "hh".into(),
            lender: "bank".into(),
            principal_mnt: 1_000_000,
            instalments: 2,
            disbursement: "2025-09-01".parse().expect("date"),
            due_month: None,
            purpose: "hay".into(),
        };
        let d = assess(
            &app,
            &h,
            &Scorecard::v1(),
            &LendingPolicy::v1(),
            "2025-09-01".parse().expect("date"),
        )
        .expect("decision");
        assert_eq!(d.outcome, Outcome::Decline);
        assert_eq!(
            d.reasons.last().map(|r| r.code.as_str()),
            Some("SCORE-BELOW-MIN")
        );
        let bad = Application {
            due_month: Some(12),
            ..app
        };
        assert!(
            assess(
                &bad,
                &h,
                &Scorecard::v1(),
                &LendingPolicy::v1(),
                "2025-09-01".parse().expect("date")
            )
            .is_err()
        );
    }
}
