//! Invariants of the scorecard, the schedules and the insurance payout, on generated inputs.

use chrono::{Datelike, NaiveDate};
use finance::insurance::payout;
use finance::loan::{
    DeferralInterest, DeferralTrigger, DueDates, LoanParties, defer_next, schedule,
};
use finance::{Fact, Heads, History, LoanEvent, Rate, Scorecard, Source, score};
use proptest::prelude::*;

fn date(y: i32, doy: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(y, doy.clamp(1, 365)).unwrap_or(NaiveDate::MIN)
}

fn fact() -> impl Strategy<Value = Fact> {
    let grade = prop::sample::select(vec![
        None,
        Some("Khaan Shirkhegt"),
        Some("I"),
        Some("II"),
        Some("III"),
        Some("X"),
    ]);
    let coop = prop::sample::select(vec!["c1", "c2", "c3"]);
    prop_oneof![
        (2020i32..2026, 1u32..366, 0u64..50_000, grade, coop.clone()).prop_map(
            |(y, d, grams, g, c)| Fact::Delivery {
                date: date(y, d),
                grams,
                grade: g.map(str::to_owned),
                colour: "white".into(),
                cooperative: c.into(),
            }
        ),
        (2020i32..2026, 1u32..366, 0u64..20_000_000).prop_map(|(y, d, a)| Fact::Settlement {
            date: date(y, d),
            amount_mnt: a,
            statement: format!("s{y}{d}"),
            cooperative: None,
        }),
        (
            2020i32..2026,
            1u32..366,
            0u64..5_000_000,
            prop::sample::select(vec!["c1", "c2", "c3"])
        )
            .prop_map(|(y, d, a, c)| Fact::Payment {
                date: date(y, d),
                amount_mnt: a,
                payer: c.into(),
                statement: None,
            }),
        (
            2020i32..2026,
            1u32..366,
            0i64..90,
            prop::sample::select(vec![
                LoanEvent::Repayment,
                LoanEvent::Late,
                LoanEvent::Deferred,
                LoanEvent::Disbursement
            ])
        )
            .prop_map(|(y, d, late, event)| {
                let due = date(y, d);
                Fact::Loan {
                    date: due + chrono::Duration::days(late),
                    loan: "L".into(),
                    event,
                    amount_mnt: 100,
                    due: Some(due),
                }
            }),
        (2020i32..2026, 1u8..=5).prop_map(|(year, risk_class)| Fact::DzudExposure {
            year,
            soum: "18101".into(),
            risk_class
        }),
        (2020i32..2026, 1u32..366).prop_map(|(y, d)| Fact::Certification {
            date: date(y, d),
            credential: "https://h/c/1".into(),
            standard: "SFA".into(),
            valid_until: Some(date(y + 2, d)),
        }),
    ]
}

fn heads() -> impl Strategy<Value = Heads> {
    (0u64..300, 0u64..100, 0u64..800, 0u64..100, 0u64..800).prop_map(
        |(camel, cattle, goat, horse, sheep)| Heads {
            camel,
            cattle,
            goat,
            horse,
            sheep,
        },
    )
}

fn history(herd: Heads, capacity_su: Option<u64>, facts: Vec<Fact>) -> History {
    let mut h = History {
        household: "hh".into(),
        lines: vec![],
    };
    for (i, f) in facts.into_iter().enumerate() {
        h.push(Source::Event(format!("e{i}")), f);
    }
    h.push(
        Source::Event("herd".into()),
        Fact::Herd {
            year: 2024,
            heads: herd,
            capacity_su,
            soum_stocking: None,
        },
    );
    h
}

fn as_of() -> impl Strategy<Value = NaiveDate> {
    (2024i32..2027, 1u32..366).prop_map(|(y, d)| date(y, d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reasons_sum_to_the_total(facts in prop::collection::vec(fact(), 0..40), herd in heads(),
                                capacity in prop::option::of(0u64..3_000), at in as_of()) {
        let card = Scorecard::v1();
        let s = score(&history(herd, capacity, facts), &card, at);
        prop_assert_eq!(s.total, s.reasons.iter().map(|r| r.points).sum::<i64>());
        prop_assert!(!s.reasons.is_empty());
    }

    #[test]
    fn adding_animals_above_capacity_never_raises_the_score(
        facts in prop::collection::vec(fact(), 0..30), herd in heads(), extra in heads(),
        capacity in prop::option::of(1u64..3_000), at in as_of()) {
        let card = Scorecard::v1();
        let before = score(&history(herd, capacity, facts.clone()), &card, at).total;
        let more = Heads {
            camel: herd.camel + extra.camel, cattle: herd.cattle + extra.cattle, goat: herd.goat + extra.goat,
            horse: herd.horse + extra.horse, sheep: herd.sheep + extra.sheep,
        };
        let above = capacity.is_none_or(|c| more.sheep_units_tenths() > c * 10);
        prop_assume!(above);
        let after = score(&history(more, capacity, facts), &card, at).total;
        prop_assert!(after <= before, "{before} → {after}");
    }

    #[test]
    fn herd_size_within_capacity_adds_nothing(
        facts in prop::collection::vec(fact(), 0..30), herd in heads(), k in 2u64..6,
        capacity in prop::option::of(1u64..100_000), at in as_of()) {
        let card = Scorecard::v1();
        let scaled = Heads { camel: herd.camel * k, cattle: herd.cattle * k, goat: herd.goat * k, horse: herd.horse * k, sheep: herd.sheep * k };
        prop_assume!(capacity.is_none_or(|c| scaled.sheep_units_tenths() <= c * 10));
        let a = score(&history(herd, capacity, facts.clone()), &card, at);
        let b = score(&history(scaled, capacity, facts), &card, at);
        prop_assert_eq!(a.total, b.total);
    }

    #[test]
    fn schedules_repay_principal_plus_interest_exactly(
        principal in 0u64..10_000_000_000_000, rate in 0u32..=1_000_000, n in 1u32..10,
        y in 2000i32..2090, doy in 1u32..366, month in prop::sample::select(vec![5u32, 6, 7]),
        day in 1u32..=30, gap in 0u32..200, defer_after in 0usize..10, accrue in any::<bool>()) {
        let dates = DueDates { due_months: vec![5, 6, 7], due_month: month, due_day: day, min_days_to_first_due: gap };
        let parties = LoanParties { loan: "L".into(), household: "h".into(), lender: "b".into() };
        let rate = Rate::from_ppm(rate).expect("rate");
        let disbursed = date(y, doy);
        let mut s = schedule(parties, principal, rate, disbursed, n, &dates).expect("schedule");
        let check = |s: &finance::loan::Schedule| -> Result<(), TestCaseError> {
            prop_assert_eq!(s.instalments.iter().map(|i| i.principal_mnt).sum::<u64>(), principal);
            let interest: u64 = s.instalments.iter().map(|i| i.interest_mnt).sum();
            prop_assert_eq!(s.total_interest_mnt, interest);
            prop_assert_eq!(s.instalments.iter().map(|i| i.payment_mnt).sum::<u64>(), principal + interest);
            prop_assert_eq!(s.total_payment_mnt, principal + interest);
            let mut prev = s.disbursed;
            for i in &s.instalments {
                prop_assert!([5, 6, 7].contains(&i.due.month()), "{}", i.due);
                prop_assert!(i.due > prev);
                prop_assert_eq!(i.payment_mnt, i.principal_mnt + i.interest_mnt);
                // interest never above the rate's share of the opening balance over the days
                prop_assert!(u128::from(i.interest_mnt) * 365 * 1_000_000
                    <= u128::from(i.opening_principal_mnt) * u128::from(rate.ppm()) * u128::from(i.days));
                prev = i.due;
            }
            Ok(())
        };
        check(&s)?;
        for k in 1..=(defer_after.min(n as usize) as u32) {
            s.record_payment(k, s.instalments[k as usize - 1].due).expect("pay");
        }
        if let Some(next) = s.next_unpaid().cloned() {
            let trigger = DeferralTrigger::DzudRiskClass { soum: "18101".into(), season: next.due.year(), risk_class: 5, threshold: 4 };
            let how = if accrue { DeferralInterest::Accrue } else { DeferralInterest::Waive };
            let d = defer_next(&s, next.due, trigger, how).expect("defer");
            check(&d.schedule)?;
            prop_assert_eq!(d.notice.to, d.schedule.instalments[next.number as usize - 1].due);
            if !accrue {
                prop_assert_eq!(d.schedule.total_interest_mnt, s.total_interest_mnt);
            } else {
                prop_assert!(d.schedule.total_interest_mnt >= s.total_interest_mnt);
            }
        }
    }

    #[test]
    fn payouts_are_monotone_zero_below_trigger_capped(
        sum in 0u64..u64::MAX, m1 in 0u32..=1_000_000, m2 in 0u32..=1_000_000,
        (t, e) in (0u32..1_000_000).prop_flat_map(|t| (Just(t), t + 1..=1_000_000))) {
        // Generated ordered, not filtered: half of all pairs would be rejected and large runs
        // (PROPTEST_CASES) would abort on too many rejects.
        let r = |p| Rate::from_ppm(p).expect("rate");
        let (lo, hi) = (m1.min(m2), m1.max(m2));
        let a = payout(sum, r(lo), r(t), r(e)).expect("payout");
        let b = payout(sum, r(hi), r(t), r(e)).expect("payout");
        prop_assert!(a.payout_mnt <= b.payout_mnt);
        prop_assert!(b.payout_mnt <= sum);
        prop_assert!(a.disaster_layer_mnt <= b.disaster_layer_mnt);
        if lo <= t {
            prop_assert_eq!(a.payout_mnt, 0);
        }
        prop_assert!(b.loss_rate_covered.ppm() <= e - t);
        if hi >= e {
            prop_assert_eq!(b.loss_rate_covered.ppm(), e - t);
        }
    }
}
