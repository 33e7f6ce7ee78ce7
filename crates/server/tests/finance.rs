//! Issue 7 end to end, on every backend: two seasons of deliveries through a cooperative →
//! the household's credit history → a grant → the lender reads the score with its reasons → a
//! loan with a season-aligned schedule → a dzud season: the insurance index pays out and the
//! next instalment is deferred, both sides told → the household revokes the grant and the
//! lender's next read is refused (and logged where the household sees it).

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use credentials::{DidKeyResolver, StaticStatusLookup};
use serde_json::json;
use store::Role;

/// One season: the household delivers, the cooperative pools and sells at auction, settles
/// and pays the household.
async fn season(
    s: &TestServer,
    clock: &app::clock::ManualClock,
    year: i32,
    coop: &str,
    buyer: &str,
    hh: &str,
    kg: &str,
) {
    clock.set(format!("{year}-05-02T02:00:00Z").parse().unwrap());
    s.created(
        &format!("/households/{hh}/herds"),
        coop,
        json!({"year": year, "goat": 150, "sheep": 40}),
    )
    .await;
    s.created("/intakes",
        coop,
        json!({"household": hh, "gross_kg": kg, "moisture_pct": "14", "impurity_pct": "3", "guard_hair_pct": "10", "colour": "white", "grade": "I"}),
    )
    .await;
    let pool = s
        .created("/pools", coop, json!({"colour": "white", "grade": "I"}))
        .await;
    let pid = pool["id"].as_str().unwrap();
    let a = s.created("/auctions",
        coop,
        json!({"rule": "first-price", "opens_at": format!("{year}-05-03T00:00:00Z"), "closes_at": format!("{year}-05-04T00:00:00Z"),
               "lots": [{"pool": pid, "reserve_mnt": 500_000}]}),
    )
    .await;
    let aid = a["id"].as_str().unwrap();
    clock.set(format!("{year}-05-03T06:00:00Z").parse().unwrap());
    s.created(
        &format!("/auctions/{aid}/bids"),
        buyer,
        json!({"pool": pid, "amount_mnt": 1_200_000}),
    )
    .await;
    clock.set(format!("{year}-05-05T00:00:00Z").parse().unwrap());
    let r = s
        .post_json(&format!("/auctions/{aid}/close"), coop, &json!({}))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let st = s
        .created(
            &format!("/auctions/{aid}/lots/{pid}/settlement"),
            coop,
            json!({"fee_mnt": 20_000}),
        )
        .await;
    let owed = st["settlement"]["lines"][0]["amount_mnt"].as_i64().unwrap();
    let sid = st["id"].as_str().unwrap();
    s.created(
        &format!("/settlements/{sid}/payments"),
        coop,
        json!({"household": hh, "amount_mnt": owed}),
    )
    .await;
}

async fn credit_history(db: Db) {
    let Some((s, clock)) = start_manual(db, "2024-04-01T02:00:00Z").await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let buyer = s.org("Buyer X", Role::Buyer, &[]).await;
    let herder = s.org("Bat household", Role::Herder, &[]).await;
    let lender = s.org("XacBank", Role::Lender, &[]).await;
    let other_lender = s.org("Other bank", Role::Lender, &[]).await;
    let insurer = s.org("Mongol Daatgal", Role::Insurer, &[]).await;
    let h = s
        .created(
            "/households",
            &coop,
            json!({"name": "Bat", "soum": "18101", "members": 5, "org": "Bat household"}),
        )
        .await;
    let hh = h["id"].as_str().unwrap().to_owned();

    season(&s, &clock, 2024, &coop, &buyer, &hh, "11.000").await;
    season(&s, &clock, 2025, &coop, &buyer, &hh, "12.500").await;
    clock.set("2025-08-01T02:00:00Z".parse().unwrap());

    // The household reads its own history: every line links to its evidence.
    let own = s.ok(&format!("/households/{hh}/credit"), &herder).await;
    assert_eq!(own["access"]["access"], "owner", "{own}");
    let lines = own["history"]["lines"].as_array().unwrap();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    for k in ["delivery", "settlement", "payment", "herd"] {
        assert_eq!(
            kinds.iter().filter(|x| **x == k).count(),
            2,
            "{k} in {kinds:?}"
        );
    }
    assert!(
        kinds.contains(&"dzud-exposure"),
        "the soum's dzud exposure: {kinds:?}"
    );
    let delivery = lines.iter().find(|l| l["kind"] == "delivery").unwrap();
    let event = delivery["source"]["event"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/events/{}", urlencode(event)), &coop)
            .await
            .status
            .as_u16(),
        200
    );

    // No grant, no data — and the attempt is logged.
    s.get(&format!("/households/{hh}/credit"), &lender)
        .await
        .assert_problem(403, "SecurityException");
    s.get(&format!("/households/{hh}/credit"), &coop)
        .await
        .assert_problem(403, "SecurityException");
    let r = s
        .post_json(
            &format!("/households/{hh}/grants"),
            &lender,
            &json!({"lender": "XacBank", "purpose": "x", "until": "2026-12-31T00:00:00Z"}),
        )
        .await;
    r.assert_problem(403, "SecurityException");
    let grant = s
        .created(
            &format!("/households/{hh}/grants"),
            &herder,
            json!({"lender": "XacBank", "purpose": "herd loan", "until": "2026-12-31T00:00:00Z"}),
        )
        .await;

    let seen = s.ok(&format!("/households/{hh}/credit"), &lender).await;
    assert_eq!(seen["access"]["access"], "granted");
    let score = &seen["score"];
    let total: i64 = score["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_i64().unwrap())
        .sum();
    assert_eq!(
        score["total"].as_i64().unwrap(),
        total,
        "reasons add up to the score: {score}"
    );
    assert!(
        score["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["code"].is_string() && r["explanation"].is_string())
    );
    s.get(&format!("/households/{hh}/credit"), &other_lender)
        .await
        .assert_problem(403, "SecurityException");

    // A loan: decision with the score and reasons, repayments after combing, exact interest.
    let loan = s
        .created(
            "/loans",
            &lender,
            json!({"household": hh, "principal_mnt": 1_000_000, "instalments": 2}),
        )
        .await;
    let d = &loan["decision"];
    assert_eq!(d["outcome"], "approve", "{d}");
    assert_eq!(d["score"], score["total"]);
    let sched = &d["schedule"];
    let inst = sched["instalments"].as_array().unwrap();
    let principal: u64 = inst
        .iter()
        .map(|i| i["principal_mnt"].as_u64().unwrap())
        .sum();
    let interest: u64 = inst
        .iter()
        .map(|i| i["interest_mnt"].as_u64().unwrap())
        .sum();
    let paid: u64 = inst
        .iter()
        .map(|i| i["payment_mnt"].as_u64().unwrap())
        .sum();
    assert_eq!(principal, d["principal_mnt"].as_u64().unwrap());
    assert_eq!(paid, principal + interest);
    for i in inst {
        let month: u32 = i["due"].as_str().unwrap()[5..7].parse().unwrap();
        assert!((5..=7).contains(&month), "due after combing: {i}");
    }
    let loan_id = loan["id"].as_str().unwrap().to_owned();
    let first_due = inst[0]["due"].as_str().unwrap().to_owned();

    // A dzud winter: the insurer's index pays out, and the next instalment moves a season.
    let policy = s.created("/insurance/policies", &insurer, json!({"household": hh, "species": "goat", "sum_insured_mnt": 4_000_000, "trigger": "0.07", "exhaustion": "0.30"})).await;
    assert_eq!(policy["aimag"], 81);
    clock.set("2026-03-01T02:00:00Z".parse().unwrap());
    let paid_out = s
        .post_json(
            "/insurance/index",
            &insurer,
            &json!({"year": 2026, "species": "goat", "aimag": "81", "mortality": "0.18"}),
        )
        .await;
    assert_eq!(paid_out.status.as_u16(), 200, "{}", paid_out.text());
    assert_eq!(paid_out.json()[0]["payout"]["payout_mnt"], 440_000);
    let again = s
        .post_json(
            "/insurance/index",
            &insurer,
            &json!({"year": 2026, "species": "goat", "aimag": "81", "mortality": "0.18"}),
        )
        .await;
    assert_eq!(again.json().as_array().unwrap().len(), 0, "paid once");
    let after = s.ok(&format!("/loans/{loan_id}"), &herder).await;
    let moved = &after["decision"]["schedule"]["instalments"][0];
    assert_eq!(moved["deferred_from"], json!(first_due), "{after}");
    assert_eq!(after["notices"].as_array().unwrap().len(), 1);
    let to_household = s.ok(&format!("/households/{hh}/notices"), &herder).await;
    assert_eq!(to_household.as_array().unwrap().len(), 1, "{to_household}");
    assert_eq!(s.ok("/notices", &lender).await.as_array().unwrap().len(), 1);
    // The dzud rule: Uliastai's outlook class for the winter of 2024/25 reaches the policy's
    // level, so the (next) instalment moves once more; running it again changes nothing.
    let rule = |season: i64| {
        let (s, lender) = (&s, lender.clone());
        async move {
            let r = s
                .post_json("/finance/dzud-rule", &lender, &json!({"season": season}))
                .await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text());
            r.json().as_array().unwrap().len()
        }
    };
    let first = rule(2025).await;
    assert_eq!(rule(2025).await, 0, "one deferral per trigger");
    let r = s
        .post_json("/finance/dzud-rule", &lender, &json!({"season": 2031}))
        .await;
    r.assert_problem(400, "QueryParameterException");
    let notices = s.ok(&format!("/households/{hh}/notices"), &herder).await;
    assert_eq!(notices.as_array().unwrap().len(), 1 + first, "{notices}");
    let history = s.ok(&format!("/households/{hh}/credit"), &herder).await;
    assert!(
        history["history"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "insurance-payout"),
        "{history}"
    );

    // The household exports its report: a credential anyone can verify.
    let vc = s
        .created(
            &format!("/households/{hh}/credit/report"),
            &herder,
            json!({}),
        )
        .await;
    let at = "2026-03-02T00:00:00Z".parse().unwrap();
    credentials::verify(&vc, &DidKeyResolver, at, &StaticStatusLookup::new()).unwrap();
    let mut forged = vc.clone();
    forged["credentialSubject"]["creditScore"]["total"] = json!(999);
    assert!(credentials::verify(&forged, &DidKeyResolver, at, &StaticStatusLookup::new()).is_err());

    // Revocation: the lender's next read is refused; the household sees every access.
    let gid = grant["id"].as_str().unwrap();
    let r = s
        .send(
            reqwest::Method::DELETE,
            &format!("/households/{hh}/grants/{gid}"),
            Some(&herder),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    s.get(&format!("/households/{hh}/credit"), &lender)
        .await
        .assert_problem(403, "SecurityException");
    s.post_json(
        "/loans",
        &lender,
        &json!({"household": hh, "principal_mnt": 1_000, "instalments": 1}),
    )
    .await
    .assert_problem(403, "SecurityException");
    let g = s.ok(&format!("/households/{hh}/grants"), &herder).await;
    assert_eq!(g["grants"][0]["live"], false);
    let log = g["access_log"].as_array().unwrap();
    assert!(log.iter().any(|e| e["access"]["access"] == "denied"), "{g}");
    assert!(
        log.iter().any(|e| e["access"]["access"] == "granted"),
        "{g}"
    );
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Issue 7 with the climate side: a herd is scored against the household's share of its
/// soum's carrying capacity. In the aimag most over capacity, a household at twice its share
/// loses the stocking points (ST-OVER, the reason saying so); one within its share earns them.
async fn stocking_in_the_credit_history(db: Db) {
    let Some((s, _clock)) = start_manual(db, "2025-05-02T02:00:00Z").await else {
        return;
    };
    let coop = s.org("Steppe herders", Role::Cooperative, &[]).await;
    let big = s.org("Big herd", Role::Herder, &[]).await;
    let small = s.org("Small herd", Role::Herder, &[]).await;

    let report = app::climate::stocking_report(&s.app, 2024).await.unwrap();
    let aimag = report
        .aimags
        .iter()
        .filter(|a| a.ratio.is_some())
        .max_by(|a, b| a.ratio.unwrap().total_cmp(&b.ratio.unwrap()))
        .unwrap();
    assert!(
        aimag.ratio.unwrap() > 1.0,
        "no aimag over capacity: {aimag:?}"
    );
    let soum = mongolia::soums()
        .iter()
        .find(|x| format!("{:02}", x.aimag_code) == aimag.code && x.herder_households_2020 > 0)
        .unwrap()
        .code_str();
    let cap = app::climate::household_capacity(&s.app, &soum, 2024)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cap.soum_capacity_basis, "aimag-share");
    assert_eq!(cap.stocking_basis, "aimag");
    assert!(cap.stocking_ratio > 1.0, "{cap:?}");
    assert!(cap.capacity_su > 0, "{cap:?}");

    let mut codes = Vec::new();
    for (org, token, herd) in [
        // Twice the share in goats (0.9 SU each); half of it in sheep.
        (
            "Big herd",
            &big,
            json!({"year": 2024, "goat": cap.capacity_su * 20 / 9 + 1}),
        ),
        (
            "Small herd",
            &small,
            json!({"year": 2024, "sheep": cap.capacity_su / 2}),
        ),
    ] {
        let h = s
            .created(
                "/households",
                &coop,
                json!({"name": org, "soum": soum, "members": 4, "org": org}),
            )
            .await;
        let hh = h["id"].as_str().unwrap().to_owned();
        s.created(&format!("/households/{hh}/herds"), &coop, herd)
            .await;
        let credit = s.ok(&format!("/households/{hh}/credit"), token).await;
        let line = credit["history"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == "herd")
            .unwrap()
            .clone();
        assert_eq!(line["capacity_su"], cap.capacity_su, "{line}");
        let soum_ratio: f64 = line["soum_stocking"].as_str().unwrap().parse().unwrap();
        assert!((soum_ratio - cap.stocking_ratio).abs() < 0.001, "{line}");
        let reason = credit["score"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["factor"] == "stocking")
            .unwrap()
            .clone();
        codes.push((reason["code"].clone(), reason["points"].as_i64().unwrap()));
        if org == "Big herd" {
            assert!(
                reason["explanation"]
                    .as_str()
                    .unwrap()
                    .contains("above carrying capacity counts against"),
                "{reason}"
            );
        }
    }
    assert_eq!(codes[0].0, "ST-OVER");
    assert!(codes[0].1 < 0, "{codes:?}");
    assert_eq!(codes[1].0, "ST-WITHIN");
    assert!(codes[1].1 > 0, "{codes:?}");
}

on_backends!(credit_history, stocking_in_the_credit_history);
