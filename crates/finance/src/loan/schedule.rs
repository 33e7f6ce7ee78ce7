//! Repayment schedules aligned to the cashmere season, and the dzud deferral.
//!
//! **Due dates.** One instalment per season, on `due_day` of `due_month` (default 30 June,
//! after combing); the first is the first such date at least `min_days_to_first_due` days
//! after disbursement, and always strictly after it (a loan is never due the day it is paid
//! out, even with a minimum of 0), the next ones a year apart.
//!
//! **Day count and rounding.** Actual/365 Fixed on the outstanding principal: instalment `i`
//! carries interest `⌊opening_i × rate × days_i / 365⌋` in whole tögrög, `days_i` the actual
//! days since the previous due date (or disbursement), rate in exact millionths; rounded down
//! once per instalment, in the herder's favour. Principal parts are `⌊P / n⌋` and the last
//! absorbs the remainder. Hence Σ principal parts = P and Σ payments = P + Σ interest, exactly.
//!
//! **Dzud deferral.** [`defer_next`] moves the next unpaid instalment, and every one after it,
//! one season later (so two instalments never fall in one season after a disaster); the term
//! grows by a season. Interest is either waived for the extra season (amounts unchanged) or
//! accrued Actual/365 over the new periods, as the lending policy says. A notice for the
//! household and the lender says what moved and why.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::LoanError;
use crate::decimal::{ONE_PPM, Rate};

/// The day count convention, as written in schedules.
pub const DAY_COUNT: &str = "Actual/365 Fixed";

/// Who a loan is between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanParties {
    pub loan: String,
    pub household: String,
    pub lender: String,
}

/// When instalments fall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDates {
    /// Months instalments may fall in.
    pub due_months: Vec<u32>,
    pub due_month: u32,
    pub due_day: u32,
    pub min_days_to_first_due: u32,
}

/// How interest is treated when an instalment is deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeferralInterest {
    /// The extra season is interest-free: instalments keep the interest first scheduled.
    Waive,
    /// Interest is recomputed Actual/365 over the new periods.
    Accrue,
}

/// One instalment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub number: u32,
    pub due: NaiveDate,
    /// Days of interest accrued (Actual/365 Fixed).
    pub days: u32,
    pub opening_principal_mnt: u64,
    pub principal_mnt: u64,
    pub interest_mnt: u64,
    /// principal + interest.
    pub payment_mnt: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<NaiveDate>,
    /// The due date first scheduled, when the instalment was deferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_from: Option<NaiveDate>,
}

/// A loan's repayment schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    #[serde(flatten)]
    pub parties: LoanParties,
    pub principal_mnt: u64,
    pub annual_rate: Rate,
    pub day_count: String,
    pub disbursed: NaiveDate,
    pub instalments: Vec<Instalment>,
    pub total_interest_mnt: u64,
    /// principal + total interest.
    pub total_payment_mnt: u64,
}

/// What set off a deferral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DeferralTrigger {
    /// The soum's dzud risk class reached the policy's threshold.
    DzudRiskClass {
        soum: String,
        season: i32,
        risk_class: u8,
        threshold: u8,
    },
    /// An index-insurance policy of the household triggered for the season.
    InsuranceTrigger {
        policy: String,
        year: i32,
        mortality: Rate,
        trigger: Rate,
    },
}

/// What the household and the lender are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferralNotice {
    #[serde(flatten)]
    pub parties: LoanParties,
    pub instalment: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub trigger: DeferralTrigger,
    pub interest: DeferralInterest,
    pub total_interest_before_mnt: u64,
    pub total_interest_after_mnt: u64,
    pub to_household: String,
    pub to_lender: String,
}

/// A deferred schedule and its notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    pub schedule: Schedule,
    pub notice: DeferralNotice,
}

/// `⌊principal × rate × days / 365⌋`.
pub fn interest_mnt(principal_mnt: u64, annual_rate: Rate, days: u32) -> u64 {
    let n = u128::from(principal_mnt) * u128::from(annual_rate.ppm()) * u128::from(days);
    // principal < 2^64, rate ≤ 10^6, days < 2^32: the product fits u128. The quotient fits
    // u64 unless days exceed 365 (then interest can pass the principal); it saturates there.
    u64::try_from(n / (u128::from(ONE_PPM) * 365)).unwrap_or(u64::MAX)
}

/// The same month and day in `year + 1` (29 February becomes 28 February).
fn next_year(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() + 1, d.month(), 28))
        .unwrap_or(d)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> u32 {
    u32::try_from((b - a).num_days()).unwrap_or(0)
}

/// Builds the schedule: `instalments` yearly instalments from the first due date after
/// disbursement (see the module docs for the rules).
///
/// ```
/// use finance::{Rate, loan::{schedule, DueDates, LoanParties}};
/// let dates = DueDates { due_months: vec![5, 6, 7], due_month: 6, due_day: 30, min_days_to_first_due: 60 };
/// let parties = LoanParties { loan: "L1".into(), household: "hh-1".into(), lender: "bank".into() };
/// let s = schedule(parties, 1_000_000, Rate::parse("0.24").unwrap(),
///     "2024-09-01".parse().unwrap(), 2, &dates).unwrap();
/// assert_eq!(s.instalments[0].due.to_string(), "2025-06-30");
/// assert_eq!(s.instalments[0].days, 302);
/// assert_eq!(s.instalments[0].interest_mnt, 198_575); // ⌊1 000 000 × 0.24 × 302 / 365⌋
/// assert_eq!(s.total_payment_mnt, 1_000_000 + s.total_interest_mnt);
/// ```
pub fn schedule(
    parties: LoanParties,
    principal_mnt: u64,
    annual_rate: Rate,
    disbursed: NaiveDate,
    instalments: u32,
    dates: &DueDates,
) -> Result<Schedule, LoanError> {
    if instalments == 0 {
        return Err(LoanError::Application(
            "instalments must be at least 1".into(),
        ));
    }
    if !dates.due_months.contains(&dates.due_month) {
        return Err(LoanError::Application(format!(
            "due month {} is not one of the allowed months {:?}",
            dates.due_month, dates.due_months
        )));
    }
    let mut due = (disbursed.year()..disbursed.year() + 3)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, dates.due_month, dates.due_day))
        .find(|d| (*d - disbursed).num_days() >= i64::from(dates.min_days_to_first_due.max(1)))
        .ok_or_else(|| {
            LoanError::Application(format!(
                "no due date {:02}-{:02} can be formed",
                dates.due_month, dates.due_day
            ))
        })?;
    let part = principal_mnt / u64::from(instalments);
    let mut opening = principal_mnt;
    let mut previous = disbursed;
    let mut out = Vec::with_capacity(instalments as usize);
    for number in 1..=instalments {
        let principal = if number == instalments { opening } else { part };
        let days = days_between(previous, due);
        let interest = interest_mnt(opening, annual_rate, days);
        out.push(Instalment {
            number,
            due,
            days,
            opening_principal_mnt: opening,
            principal_mnt: principal,
            interest_mnt: interest,
            payment_mnt: principal.saturating_add(interest),
            paid_on: None,
            deferred_from: None,
        });
        opening -= principal;
        previous = due;
        due = next_year(due);
    }
    let mut s = Schedule {
        parties,
        principal_mnt,
        annual_rate,
        day_count: DAY_COUNT.to_owned(),
        disbursed,
        instalments: out,
        total_interest_mnt: 0,
        total_payment_mnt: 0,
    };
    s.retotal();
    Ok(s)
}

impl Schedule {
    fn retotal(&mut self) {
        self.total_interest_mnt = self
            .instalments
            .iter()
            .fold(0u64, |a, i| a.saturating_add(i.interest_mnt));
        self.total_payment_mnt = self.principal_mnt.saturating_add(self.total_interest_mnt);
    }

    /// Records instalment `number` as paid on `date`.
    pub fn record_payment(&mut self, number: u32, date: NaiveDate) -> Result<(), LoanError> {
        let i = self
            .instalments
            .iter_mut()
            .find(|i| i.number == number)
            .ok_or_else(|| LoanError::Application(format!("no instalment {number}")))?;
        if i.paid_on.is_some() {
            return Err(LoanError::Application(format!(
                "instalment {number} is already paid"
            )));
        }
        i.paid_on = Some(date);
        Ok(())
    }

    /// The first instalment not yet paid.
    pub fn next_unpaid(&self) -> Option<&Instalment> {
        self.instalments.iter().find(|i| i.paid_on.is_none())
    }
}

/// Defers the next unpaid instalment, and all after it, by one season (see the module docs).
/// Refused when everything is paid or when the next unpaid instalment is already overdue on
/// `as_of` (a deferral is granted before the due date, not after a default).
pub fn defer_next(
    schedule: &Schedule,
    as_of: NaiveDate,
    trigger: DeferralTrigger,
    interest: DeferralInterest,
) -> Result<Deferral, LoanError> {
    let Some(next) = schedule.next_unpaid() else {
        return Err(LoanError::NothingToDefer);
    };
    if next.due < as_of {
        return Err(LoanError::Overdue {
            number: next.number,
            due: next.due,
        });
    }
    let (number, from) = (next.number, next.due);
    let mut s = schedule.clone();
    let mut previous = s
        .instalments
        .iter()
        .rev()
        .find(|i| i.number < number)
        .map_or(s.disbursed, |i| i.due);
    for i in s.instalments.iter_mut().filter(|i| i.number >= number) {
        if i.number == number {
            i.deferred_from = Some(i.due);
        }
        i.due = next_year(i.due);
        if interest == DeferralInterest::Accrue {
            i.days = days_between(previous, i.due);
            i.interest_mnt = interest_mnt(i.opening_principal_mnt, s.annual_rate, i.days);
            i.payment_mnt = i.principal_mnt.saturating_add(i.interest_mnt);
        }
        previous = i.due;
    }
    s.retotal();
    let to = next_year(from);
    let why = match &trigger {
        DeferralTrigger::DzudRiskClass {
            soum,
            season,
            risk_class,
            ..
        } => format!("the dzud risk class of soum {soum} reached {risk_class} of 5 in {season}"),
        DeferralTrigger::InsuranceTrigger {
            policy,
            year,
            mortality,
            trigger,
        } => format!(
            "index insurance policy {policy} triggered for {year} (mortality {mortality} above the trigger {trigger})"
        ),
    };
    let money = match interest {
        DeferralInterest::Waive => "No interest is charged for the extra season.".to_owned(),
        DeferralInterest::Accrue => format!(
            "Interest accrues over the extra season: total interest {} → {} MNT.",
            schedule.total_interest_mnt, s.total_interest_mnt
        ),
    };
    let p = &s.parties;
    let notice = DeferralNotice {
        parties: p.clone(),
        instalment: number,
        from,
        to,
        interest,
        total_interest_before_mnt: schedule.total_interest_mnt,
        total_interest_after_mnt: s.total_interest_mnt,
        to_household: format!(
            "Because {why}, instalment {number} of loan {} is moved from {from} to {to}, and the later instalments one season later too. {money}",
            p.loan
        ),
        to_lender: format!(
            "Loan {} to household {}: instalment {number} deferred from {from} to {to} under the dzud rule because {why}; the term grows by one season. {money}",
            p.loan, p.household
        ),
        trigger,
    };
    Ok(Deferral {
        schedule: s,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn dates() -> DueDates {
        DueDates {
            due_months: vec![5, 6, 7],
            due_month: 6,
            due_day: 30,
            min_days_to_first_due: 60,
        }
    }

    fn parties() -> LoanParties {
        LoanParties {
            loan: "L1".into(),
            household: "hh-1".into(),
            lender: "bank".into(),
        }
    }

    #[test]
    fn leap_day_counts_and_remainder_goes_last() {
        let s = schedule(
            parties(),
            1_000_001,
            Rate::parse("0.2").expect("rate"),
            date("2023-07-01"),
            3,
            &dates(),
        )
        .expect("schedule");
        // 2023-07-01 → 2024-06-30 spans 29 Feb 2024: 365 days; the first due date is a year on
        // because 2023-06-30 is before disbursement.
        let days: Vec<u32> = s.instalments.iter().map(|i| i.days).collect();
        assert_eq!(days, [365, 365, 365]);
        let parts: Vec<u64> = s.instalments.iter().map(|i| i.principal_mnt).collect();
        assert_eq!(parts, [333_333, 333_333, 333_335]);
        assert_eq!(s.instalments[0].interest_mnt, 200_000);
        // 666 668 × 0.2 × 365 / 365 = 133 333.6 → 133 333
        assert_eq!(s.instalments[1].interest_mnt, 133_333);
    }

    #[test]
    fn first_due_waits_for_the_minimum_gap() {
        let s = schedule(parties(), 100, Rate::ZERO, date("2024-05-15"), 1, &dates())
            .expect("schedule");
        assert_eq!(s.instalments[0].due, date("2025-06-30"));
        let s = schedule(parties(), 100, Rate::ZERO, date("2024-04-15"), 1, &dates())
            .expect("schedule");
        assert_eq!(s.instalments[0].due, date("2024-06-30"));
    }

    #[test]
    fn never_due_on_the_day_of_disbursement() {
        // Found by the schedule property: with no minimum gap a loan paid out on its due day
        // used to be due at once, with a zero-day instalment.
        let no_gap = DueDates {
            min_days_to_first_due: 0,
            ..dates()
        };
        let s =
            schedule(parties(), 100, Rate::ZERO, date("2024-06-30"), 1, &no_gap).expect("schedule");
        assert_eq!(s.instalments[0].due, date("2025-06-30"));
        let s =
            schedule(parties(), 100, Rate::ZERO, date("2024-06-29"), 1, &no_gap).expect("schedule");
        assert_eq!(s.instalments[0].due, date("2024-06-30"));
    }

    #[test]
    fn deferral_waive_and_accrue() {
        let rate = Rate::parse("0.24").expect("rate");
        let mut s = schedule(parties(), 3_000_000, rate, date("2024-09-01"), 3, &dates())
            .expect("schedule");
        s.record_payment(1, date("2025-06-28")).expect("paid");
        let trigger = DeferralTrigger::DzudRiskClass {
            soum: "18101".into(),
            season: 2026,
            risk_class: 5,
            threshold: 4,
        };
        let d = defer_next(
            &s,
            date("2026-02-01"),
            trigger.clone(),
            DeferralInterest::Waive,
        )
        .expect("defer");
        let dues: Vec<String> = d
            .schedule
            .instalments
            .iter()
            .map(|i| i.due.to_string())
            .collect();
        assert_eq!(dues, ["2025-06-30", "2027-06-30", "2028-06-30"]);
        assert_eq!(d.schedule.total_interest_mnt, s.total_interest_mnt);
        assert_eq!(d.notice.instalment, 2);
        assert_eq!(d.notice.from, date("2026-06-30"));
        assert!(
            d.notice.to_household.contains("No interest"),
            "{}",
            d.notice.to_household
        );
        let a = defer_next(
            &s,
            date("2026-02-01"),
            trigger.clone(),
            DeferralInterest::Accrue,
        )
        .expect("defer");
        assert_eq!(a.schedule.instalments[1].days, 730);
        assert!(a.schedule.total_interest_mnt > s.total_interest_mnt);
        // Overdue: refused.
        assert_eq!(
            defer_next(&s, date("2026-07-01"), trigger, DeferralInterest::Waive),
            Err(LoanError::Overdue {
                number: 2,
                due: date("2026-06-30")
            })
        );
    }
}
