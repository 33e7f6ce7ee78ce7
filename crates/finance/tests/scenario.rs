//! The issue's scenario end to end, on the pure core: two seasons of deliveries → history →
//! grant → the lender reads the score with reasons → a loan with a season-aligned schedule →
//! a dzud season defers an instalment and the insurance pays out → after revocation the
//! lender is refused. Documents are snapshotted (tests/snapshots/).

use chrono::{DateTime, NaiveDate, Utc};
use finance::consent::{Access, AccessLogEntry, Grant, Reader, authorize};
use finance::insurance::{Defaults, Policy, hindcast, mortality_series};
use finance::loan::{Application, LendingPolicy, Outcome, assess, defer_next, insurance_trigger};
use finance::report::{ReportMeta, credit_report};
use finance::{Fact, Heads, History, Ratio, Scorecard, Source, score, summarize};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

fn two_seasons() -> History {
    let mut h = History {
        household: "hh-zavkhan-0042".into(),
        lines: vec![],
    };
    let ev = |s: &str| Source::Event(format!("ni:///sha-256;{s}?ver=CBV2.0"));
    for (i, (date, grams, grade, coop)) in [
        ("2024-05-10", 6_200, "II", "coop-uliastai"),
        ("2024-06-02", 3_100, "I", "coop-uliastai"),
        ("2025-05-08", 7_400, "I", "coop-uliastai"),
        ("2025-05-30", 2_000, "Khaan Shirkhegt", "coop-tosontsengel"),
    ]
    .into_iter()
    .enumerate()
    {
        h.push(
            ev(&format!("delivery{i}")),
            Fact::Delivery {
                date: d(date),
                grams,
                grade: Some(grade.into()),
                colour: "white".into(),
                cooperative: coop.into(),
            },
        );
    }
    for (i, (date, amount, coop)) in [
        ("2024-07-01", 1_050_000, "coop-uliastai"),
        ("2025-06-20", 1_480_000, "coop-uliastai"),
        ("2025-06-25", 260_000, "coop-tosontsengel"),
    ]
    .into_iter()
    .enumerate()
    {
        let statement = format!("st-{i}");
        h.push(
            ev(&format!("settle{i}")),
            Fact::Settlement {
                date: d(date),
                amount_mnt: amount,
                statement: statement.clone(),
                cooperative: Some(coop.into()),
            },
        );
        h.push(
            ev(&format!("pay{i}")),
            Fact::Payment {
                date: d(date) + chrono::Duration::days(3),
                amount_mnt: amount,
                payer: coop.into(),
                statement: Some(statement),
            },
        );
    }
    h.push(
        Source::Credential("https://nooluur.example/credentials/sfa-77".into()),
        Fact::Certification {
            date: d("2025-03-01"),
            credential: "https://nooluur.example/credentials/sfa-77".into(),
            standard: "SFA Animal Husbandry".into(),
            valid_until: Some(d("2028-03-01")),
        },
    );
    h.push(
        ev("census2024"),
        Fact::Herd {
            year: 2024,
            heads: Heads {
                goat: 180,
                sheep: 120,
                cattle: 8,
                horse: 6,
                camel: 0,
            },
            capacity_su: Some(420),
            soum_stocking: Some(Ratio::parse("1.12").expect("ratio")),
        },
    );
    h.push(
        ev("risk2025"),
        Fact::DzudExposure {
            year: 2025,
            soum: "81101".into(),
            risk_class: 2,
        },
    );
    h
}

#[test]
fn scenario() {
    let card = Scorecard::v1();
    let lending = LendingPolicy::v1();
    let history = two_seasons();
    let text = serde_json::to_string(&history).expect("json");
    assert_eq!(History::from_json(&text).expect("read back"), history);

    // The household grants the bank access for a loan assessment.
    let mut grant = Grant::new(
        "grant-1",
        &history.household,
        "khan-bank",
        "loan-assessment",
        t("2025-08-01T00:00:00Z"),
        t("2026-08-01T00:00:00Z"),
    )
    .expect("grant");
    let bank = Reader::Lender("khan-bank".into());
    let read_at = t("2025-08-15T09:30:00Z");
    let access = authorize(
        &history.household,
        &bank,
        std::slice::from_ref(&grant),
        read_at,
    );
    assert!(matches!(access, Access::Granted { .. }));
    let mut log = vec![AccessLogEntry::new(
        read_at,
        &history.household,
        bank.clone(),
        "credit-history",
        access,
    )];

    // The lender reads the score with its reasons.
    let as_of = d("2025-08-15");
    let s = score(&history, &card, as_of);
    assert_eq!(s.total, s.reasons.iter().map(|r| r.points).sum::<i64>());
    insta::assert_json_snapshot!("score", s);

    // A loan with a season-aligned schedule.
    let app = Application {
        id: "loan-2025-001".into(),
        household: history.household.clone(),
        lender: "khan-bank".into(),
        principal_mnt: 3_000_000,
        instalments: 3,
        disbursement: d("2025-09-01"),
        due_month: None,
        purpose: "winter hay and fodder".into(),
    };
    let decision = assess(&app, &history, &card, &lending, as_of).expect("decision");
    assert_eq!(decision.outcome, Outcome::Approve, "{:?}", decision.reasons);
    insta::assert_json_snapshot!("decision", decision);
    let schedule = decision.schedule.clone().expect("schedule");
    assert!(
        schedule
            .instalments
            .iter()
            .all(|i| [5, 6, 7].contains(&chrono::Datelike::month(&i.due)))
    );

    // A dzud winter: the goat policy triggers on the aimag's mortality and the instalment moves.
    let defaults = Defaults::v1();
    let policy = Policy::from_json(
        r#"{"id": "ibli-0042-goat", "household": "hh-zavkhan-0042", "aimag": "Zavkhan",
            "species": "goat", "sum_insured_mnt": 4000000, "trigger": "0.07", "exhaustion": "0.30"}"#,
        &defaults,
    ).expect("policy");
    let paid = policy.payout(finance::Rate::parse("0.18").expect("rate"));
    assert_eq!(paid.payout_mnt, 440_000);
    let trigger = insurance_trigger("ibli-0042-goat", 2026, &paid).expect("triggers");
    let deferral =
        defer_next(&schedule, d("2026-03-20"), trigger, lending.dzud.interest).expect("defer");
    assert_eq!(deferral.notice.from, d("2026-06-30"));
    assert_eq!(deferral.notice.to, d("2027-06-30"));
    insta::assert_json_snapshot!("deferral", deferral);

    // The exported report, unsigned.
    let summary = summarize(&history, as_of, card.window());
    let vc = credit_report(
        &summary,
        &s,
        &ReportMeta {
            id: "https://nooluur.example/credentials/0b7c6f2e-credit".into(),
            issuer_id: "did:web:nooluur.example".into(),
            issuer_name: Some("nooluur".into()),
            subject_id: "https://nooluur.example/id/household/hh-zavkhan-0042".into(),
            valid_from: t("2025-08-15T09:30:00Z"),
            valid_until: Some(t("2026-08-15T09:30:00Z")),
        },
    )
    .expect("report");
    insta::assert_json_snapshot!("credit_report", vc);

    // Revocation: the bank is refused afterwards, and the household sees both reads.
    grant.revoke(t("2025-09-10T00:00:00Z")).expect("revoke");
    let later = t("2025-09-11T00:00:00Z");
    let access = authorize(
        &history.household,
        &bank,
        std::slice::from_ref(&grant),
        later,
    );
    assert_eq!(access, Access::Denied);
    log.push(AccessLogEntry::new(
        later,
        &history.household,
        bank,
        "credit-history",
        access,
    ));
    assert_eq!(
        log.iter().map(AccessLogEntry::allowed).collect::<Vec<_>>(),
        [true, false]
    );

    // Hindcast on the built-in aimag series, 2008–2012 (the 2009/10 dzud).
    let series: Vec<_> = mortality_series(policy.aimag, policy.species)
        .into_iter()
        .filter(|p| (2008..=2012).contains(&p.year))
        .collect();
    insta::assert_json_snapshot!("hindcast", hindcast(&policy, &series));
}
