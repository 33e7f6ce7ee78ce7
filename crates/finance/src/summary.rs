//! The history reduced to what a lender reads: per-season deliveries and verified income, the
//! repayment record, the latest herd against carrying capacity, live certifications, dzud
//! exposure. The scorecard scores this, the loan decision limits on it, and the credit report
//! carries it.
//!
//! **Window.** Only facts known on the scoring date count, and only those of the last
//! `window_seasons` seasons. The last season is the scoring date's year once that season has
//! started — a delivery in it on or before the date, or the date past `season_end_month` —
//! and the year before otherwise, so that scoring in February does not count the coming
//! spring as a season without deliveries.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::decimal::Ratio;
use crate::history::{Fact, Heads, History, LoanEvent, Source};

/// How the history is cut before scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Seasons looked back over, the last one included (≥ 1).
    pub seasons: u32,
    /// The month (1–12) after which a season counts as started even without a delivery.
    pub season_end_month: u32,
    /// Days after a due date within which a repayment still counts as on time.
    pub grace_days: u32,
}

/// The summary of a history on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub household: String,
    pub as_of: NaiveDate,
    pub first_season: i32,
    pub last_season: i32,
    /// One entry per season of the window, oldest first.
    pub seasons: Vec<SeasonSummary>,
    pub repayments: RepaymentRecord,
    /// The latest herd census known on the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub herd: Option<HerdSummary>,
    /// Certifications valid on the date.
    pub certifications: Vec<CertificationSummary>,
    /// Index-insurance payouts received in the window.
    pub insurance_payouts_mnt: u64,
    /// The highest dzud risk class of the household's soum per season, in the window.
    pub dzud: Vec<DzudSeason>,
    /// The dzud risk class for the latest year known on the date (`None`: not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_dzud_class: Option<u8>,
    /// The sources of every fact the summary uses, sorted, without duplicates.
    pub sources: Vec<Source>,
}

/// Deliveries and verified income of one season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeasonSummary {
    pub season: i32,
    pub deliveries: u32,
    pub delivered_grams: u64,
    /// Delivered grams by grade; deliveries without a grade are under `ungraded_grams`.
    pub grams_by_grade: BTreeMap<String, u64>,
    pub ungraded_grams: u64,
    /// Settlement statements plus payments that pay no known statement.
    pub verified_income_mnt: u64,
    /// Distinct cooperatives delivered to and payers paid by.
    pub counterparties: BTreeSet<String>,
}

/// Instalments repaid on time, late, and deferred under the dzud rule (one count per
/// instalment: a late line followed by its repayment counts once, as late).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RepaymentRecord {
    pub on_time: u32,
    pub late: u32,
    pub deferred: u32,
    pub disbursed_mnt: u64,
}

/// The latest herd and its stocking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HerdSummary {
    pub year: i32,
    pub heads: Heads,
    /// Sheep units, a decimal string (goat 0.9).
    pub sheep_units: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_su: Option<u64>,
    /// Sheep units / capacity, rounded up to the millionth; above 1 is overstocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stocking_ratio: Option<Ratio>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soum_stocking: Option<Ratio>,
}

/// A certification valid on the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationSummary {
    pub credential: String,
    pub standard: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// A season's dzud risk class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DzudSeason {
    pub season: i32,
    pub risk_class: u8,
}

impl Summary {
    /// Seasons of the window with at least one delivery.
    pub fn seasons_with_deliveries(&self) -> u32 {
        self.seasons.iter().filter(|s| s.deliveries > 0).count() as u32
    }

    /// Verified income over the window.
    pub fn verified_income_mnt(&self) -> u64 {
        self.seasons
            .iter()
            .fold(0u64, |a, s| a.saturating_add(s.verified_income_mnt))
    }

    /// Verified income per season of the window, rounded down.
    pub fn income_per_season_mnt(&self) -> u64 {
        self.verified_income_mnt() / (self.seasons.len().max(1) as u64)
    }
}

/// The last season of the window on `as_of` (see the module docs).
pub fn last_season(history: &History, as_of: NaiveDate, season_end_month: u32) -> i32 {
    let year = as_of.year();
    let delivered_this_year = history.lines.iter().any(
        |l| matches!(&l.fact, Fact::Delivery { date, .. } if date.year() == year && *date <= as_of),
    );
    if delivered_this_year || as_of.month() > season_end_month {
        year
    } else {
        year - 1
    }
}

/// Summarises `history` on `as_of` over `window`.
pub fn summarize(history: &History, as_of: NaiveDate, window: Window) -> Summary {
    let last = last_season(history, as_of, window.season_end_month);
    let first = last - window.seasons.max(1) as i32 + 1;
    let in_window = |season: i32| (first..=last).contains(&season);

    let mut seasons: BTreeMap<i32, SeasonSummary> = (first..=last)
        .map(|s| {
            (
                s,
                SeasonSummary {
                    season: s,
                    deliveries: 0,
                    delivered_grams: 0,
                    grams_by_grade: BTreeMap::new(),
                    ungraded_grams: 0,
                    verified_income_mnt: 0,
                    counterparties: BTreeSet::new(),
                },
            )
        })
        .collect();
    let statements: BTreeSet<&str> = history
        .lines
        .iter()
        .filter_map(|l| match &l.fact {
            Fact::Settlement { statement, .. } => Some(statement.as_str()),
            _ => None,
        })
        .collect();
    // Instalments keyed by (loan, due): the repayment line decides, a late line alone is late.
    let mut instalments: BTreeMap<(&str, Option<NaiveDate>), (bool, bool)> = BTreeMap::new();
    let mut repayments = RepaymentRecord::default();
    let mut herd: Option<(i32, &Fact)> = None;
    let mut certifications = Vec::new();
    let mut insurance_payouts_mnt = 0u64;
    let mut dzud: BTreeMap<i32, u8> = BTreeMap::new();
    let mut current_dzud: Option<(i32, u8)> = None;
    let mut sources = BTreeSet::new();

    for line in history.known_on(as_of) {
        let season = line.fact.season();
        let mut used = in_window(season);
        match &line.fact {
            Fact::Delivery {
                grams,
                grade,
                cooperative,
                ..
            } => {
                if let Some(s) = seasons.get_mut(&season) {
                    s.deliveries += 1;
                    s.delivered_grams = s.delivered_grams.saturating_add(*grams);
                    match grade {
                        Some(g) => {
                            let e = s.grams_by_grade.entry(g.clone()).or_default();
                            *e = e.saturating_add(*grams);
                        }
                        None => s.ungraded_grams = s.ungraded_grams.saturating_add(*grams),
                    }
                    s.counterparties.insert(cooperative.clone());
                }
            }
            Fact::Settlement {
                amount_mnt,
                cooperative,
                ..
            } => {
                if let Some(s) = seasons.get_mut(&season) {
                    s.verified_income_mnt = s.verified_income_mnt.saturating_add(*amount_mnt);
                    s.counterparties.extend(cooperative.iter().cloned());
                }
            }
            Fact::Payment {
                amount_mnt,
                payer,
                statement,
                ..
            } => {
                if let Some(s) = seasons.get_mut(&season) {
                    let pays_known = statement
                        .as_deref()
                        .is_some_and(|st| statements.contains(st));
                    if !pays_known {
                        s.verified_income_mnt = s.verified_income_mnt.saturating_add(*amount_mnt);
                    }
                    s.counterparties.insert(payer.clone());
                }
            }
            Fact::Certification {
                credential,
                standard,
                valid_until,
                ..
            } => {
                used = valid_until.is_none_or(|u| u >= as_of);
                if used {
                    certifications.push(CertificationSummary {
                        credential: credential.clone(),
                        standard: standard.clone(),
                        valid_until: *valid_until,
                    });
                }
            }
            Fact::Herd { year, .. } => {
                // The latest census; of two for one year, the one listed last (a correction).
                used = herd.is_none_or(|(y, _)| *year >= y);
                if used {
                    herd = Some((*year, &line.fact));
                }
            }
            Fact::Loan {
                date,
                loan,
                event,
                amount_mnt,
                due,
            } => {
                if used {
                    match event {
                        LoanEvent::Disbursement => {
                            repayments.disbursed_mnt =
                                repayments.disbursed_mnt.saturating_add(*amount_mnt);
                        }
                        LoanEvent::Deferred => repayments.deferred += 1,
                        LoanEvent::Repayment => {
                            let on_time = due.is_none_or(|d| {
                                (*date - d).num_days() <= i64::from(window.grace_days)
                            });
                            let e = instalments.entry((loan, *due)).or_default();
                            e.0 = true;
                            e.1 |= !on_time;
                        }
                        LoanEvent::Late => {
                            instalments.entry((loan, *due)).or_default().1 = true;
                        }
                    }
                }
            }
            Fact::InsurancePayout { amount_mnt, .. } => {
                if used {
                    insurance_payouts_mnt = insurance_payouts_mnt.saturating_add(*amount_mnt);
                }
            }
            Fact::DzudExposure {
                year, risk_class, ..
            } => {
                if used {
                    let e = dzud.entry(*year).or_default();
                    *e = (*e).max(*risk_class);
                }
                match current_dzud {
                    Some((y, c)) if y > *year || (y == *year && c >= *risk_class) => {}
                    _ => current_dzud = Some((*year, *risk_class)),
                }
                used = true;
            }
        }
        if used {
            sources.insert(line.source.clone());
        }
    }
    for (_, (_repaid, late)) in instalments {
        if late {
            repayments.late += 1;
        } else {
            repayments.on_time += 1;
        }
    }
    let herd = herd.and_then(|(_, fact)| match fact {
        Fact::Herd {
            year,
            heads,
            capacity_su,
            soum_stocking,
        } => Some(HerdSummary {
            year: *year,
            heads: *heads,
            sheep_units: heads.sheep_units(),
            capacity_su: *capacity_su,
            stocking_ratio: capacity_su
                .and_then(|c| Ratio::of(heads.sheep_units_tenths(), c.saturating_mul(10))),
            soum_stocking: *soum_stocking,
        }),
        _ => None,
    });
    Summary {
        household: history.household.clone(),
        as_of,
        first_season: first,
        last_season: last,
        seasons: seasons.into_values().collect(),
        repayments,
        herd,
        certifications,
        insurance_payouts_mnt,
        dzud: dzud
            .into_iter()
            .map(|(season, risk_class)| DzudSeason { season, risk_class })
            .collect(),
        current_dzud_class: current_dzud.map(|(_, c)| c),
        sources: sources.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn delivery(d: &str) -> Fact {
        Fact::Delivery {
            date: date(d),
            grams: 1_000,
            grade: None,
            colour: "white".into(),
            cooperative: "c".into(),
        }
    }

    const W: Window = Window {
        seasons: 3,
        season_end_month: 7,
        grace_days: 30,
    };

    #[test]
    fn season_starts_with_a_delivery_or_after_combing() {
        let mut h = History {
            household: "h".into(),
            lines: vec![],
        };
        h.push(Source::Event("e1".into()), delivery("2023-05-01"));
        assert_eq!(last_season(&h, date("2024-02-01"), 7), 2023);
        assert_eq!(last_season(&h, date("2024-08-01"), 7), 2024);
        h.push(Source::Event("e2".into()), delivery("2024-04-20"));
        assert_eq!(last_season(&h, date("2024-05-01"), 7), 2024);
        assert_eq!(last_season(&h, date("2024-04-19"), 7), 2023);
    }

    #[test]
    fn late_then_repaid_counts_once_and_payments_are_not_double_income() {
        let mut h = History {
            household: "h".into(),
            lines: vec![],
        };
        let due = Some(date("2024-06-30"));
        let loan = |d: &str, event, due| Fact::Loan {
            date: date(d),
            loan: "L".into(),
            event,
            amount_mnt: 10,
            due,
        };
        h.push(
            Source::Event("a".into()),
            loan("2024-07-01", LoanEvent::Late, due),
        );
        h.push(
            Source::Event("b".into()),
            loan("2024-09-01", LoanEvent::Repayment, due),
        );
        h.push(
            Source::Event("c".into()),
            loan("2023-06-30", LoanEvent::Repayment, Some(date("2023-06-30"))),
        );
        h.push(
            Source::Event("d".into()),
            Fact::Settlement {
                date: date("2024-06-01"),
                amount_mnt: 100,
                statement: "s1".into(),
                cooperative: None,
            },
        );
        h.push(
            Source::Event("e".into()),
            Fact::Payment {
                date: date("2024-06-02"),
                amount_mnt: 100,
                payer: "c".into(),
                statement: Some("s1".into()),
            },
        );
        h.push(
            Source::Event("f".into()),
            Fact::Payment {
                date: date("2024-06-02"),
                amount_mnt: 7,
                payer: "trader".into(),
                statement: None,
            },
        );
        let s = summarize(&h, date("2024-12-31"), W);
        assert_eq!(s.repayments.on_time, 1);
        assert_eq!(s.repayments.late, 1);
        assert_eq!(s.verified_income_mnt(), 107);
        assert_eq!(s.seasons.len(), 3);
        assert_eq!(s.sources.len(), 6);
    }
}
