//! Issue 6 end to end, on every backend: a cooperative's households in a soum of the aimag the
//! model ranks highest for the 2023/24 winter deliver cashmere; the pool is sold to a brand,
//! which dehairs it, spins it with some outside wool and knits garments. The regulator sets
//! the alert level to that aimag's class and runs the alerts: the cooperative is alerted for
//! its members, the brand for its garment's fibre (naming the soum and the share), a lender
//! through its webhook subscription; an unrelated brand and a cooperative in a quiet aimag get
//! nothing; each household has one text message that fits an SMS; a second run adds nothing.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use store::Role;
use tokio::sync::mpsc;

const YEAR: u16 = 2024;

async fn created(s: &TestServer, path: &str, token: &str, body: Value) -> Value {
    let r = s.post_json(path, token, &body).await;
    assert_eq!(r.status.as_u16(), 201, "POST {path}: {}", r.text());
    r.json()
}

async fn ok(s: &TestServer, path: &str, token: &str) -> Value {
    let r = s.get(path, token).await;
    assert_eq!(r.status.as_u16(), 200, "GET {path}: {}", r.text());
    r.json()
}

async fn public(s: &TestServer, path: &str) -> Resp {
    s.send(Method::GET, path, None, &[], None).await
}

async fn household(s: &TestServer, coop: &str, name: &str, soum: &str, goats: u64) -> String {
    let h = created(
        s,
        "/households",
        coop,
        json!({"name": name, "soum": soum, "bag": "1", "members": 3}),
    )
    .await;
    let id = h["id"].as_str().unwrap().to_owned();
    created(
        s,
        &format!("/households/{id}/herds"),
        coop,
        json!({"year": 2023, "goat": goats, "sheep": 60, "horse": 6, "cattle": 4}),
    )
    .await;
    id
}

async fn intake(s: &TestServer, coop: &str, hh: &str, kg: &str) {
    created(
        s,
        "/intakes",
        coop,
        json!({"household": hh, "gross_kg": kg, "moisture_pct": "12", "impurity_pct": "3",
               "guard_hair_pct": "10", "colour": "white", "grade": "I"}),
    )
    .await;
}

/// Captures profile events through `POST /events` (synchronous).
async fn capture(s: &TestServer, token: &str, events: Vec<Value>) {
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     {"cm": "https://nooluur.org/voc/cashmere/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-05-10T02:00:00.000Z",
        "epcisBody": {"eventList": events}
    });
    let r = s
        .send(
            Method::POST,
            "/events",
            Some(token),
            &[("content-type", "application/ld+json")],
            Some(doc.to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "capture: {}", r.text());
}

fn kg(grams: u64) -> Value {
    json!(grams as f64 / 1000.0)
}

fn q(lot: &str, grams: u64) -> Value {
    json!({"epcClass": lot, "quantity": kg(grams), "uom": "KGM"})
}

fn transformation(id: u32, process: &str, inputs: Vec<Value>, outputs: Value) -> Value {
    let mut e = json!({
        "type": "TransformationEvent",
        "eventID": format!("urn:uuid:6a1c0000-0000-4000-8000-{id:012}"),
        "eventTime": format!("2025-05-{:02}T10:00:00.000+08:00", 10 + id),
        "eventTimeZoneOffset": "+08:00",
        "inputQuantityList": inputs,
        "bizStep": "commissioning",
        "disposition": "active",
        "cm:profile": "1",
        "cm:process": process,
    });
    for (k, v) in outputs.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

/// A webhook receiver on loopback: every POST body goes down the channel.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/dzud",
        axum::routing::post(move |body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(serde_json::from_slice(&body).unwrap_or(Value::Null));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/dzud", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

/// A soum of the aimag with herders and livestock in the census.
async fn soum_of(s: &TestServer, token: &str, aimag: &str) -> String {
    let soums = ok(s, &format!("/registry/soums?aimag={aimag}"), token).await;
    soums
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["herder_households"]["2020"].as_u64().unwrap_or(0) > 100
                && x["livestock"]["2020"].as_u64().unwrap_or(0) > 50_000
        })
        .unwrap_or_else(|| panic!("a rural soum in aimag {aimag}: {soums}"))["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn gsm_ok(text: &str) -> bool {
    // Every character the plans use is in GSM-7's basic set (ASCII letters, digits, .,:/%-+).
    text.chars().count() <= 160 && text.is_ascii()
}

async fn dzud_alerts(db: Db) {
    let Some((s, _clock)) = start_manual(db, "2025-05-02T02:00:00Z").await else {
        return;
    };
    let coop = s
        .org(
            "Hot herders",
            Role::Cooperative,
            &["https://hot-coop.example.mn/"],
        )
        .await;
    let quiet_coop = s.org("Quiet herders", Role::Cooperative, &[]).await;
    let brand = s
        .org("Brand A", Role::Brand, &["https://brand-a.example.com/"])
        .await;
    let other_brand = s
        .org("Brand B", Role::Brand, &["https://brand-b.example.com/"])
        .await;
    let lender = s.org("Khan lender", Role::Lender, &[]).await;
    let regulator = s.org("regulator", Role::Regulator, &[]).await;

    // The public risk for the 2023/24 winter: pick the riskiest and a quiet aimag.
    let r = public(&s, &format!("/dzud/risk?year={YEAR}&mode=winter")).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let risk = r.json();
    assert_eq!(risk["model"]["train_until"], YEAR - 1);
    let aimags = risk["aimags"].as_array().unwrap().clone();
    assert!(aimags.len() >= 20, "{risk}");
    let class = |a: &Value| a["class"].as_u64().unwrap();
    let hot = aimags
        .iter()
        .filter(|a| a["aimag"] != "11")
        .max_by(|a, b| {
            a["probability"]
                .as_f64()
                .partial_cmp(&b["probability"].as_f64())
                .unwrap()
        })
        .unwrap()
        .clone();
    let level = class(&hot);
    assert!(level >= 3, "2023/24 was a dzud winter: {hot}");
    let quiet = aimags
        .iter()
        .filter(|a| a["aimag"] != "11")
        .find(|a| class(a) < level)
        .cloned();
    for (k, v) in hot["contributions"].as_object().unwrap() {
        assert!(v.is_f64(), "{k}: {v}");
    }
    let hot_soum = soum_of(&s, &regulator, hot["aimag"].as_str().unwrap()).await;
    let soum_risk = public(
        &s,
        &format!("/dzud/risk/soums/{hot_soum}?year={YEAR}&mode=winter"),
    )
    .await
    .json();
    assert_eq!(soum_risk["class"], hot["class"], "{soum_risk}");
    assert_eq!(soum_risk["input_source"], "aimag");
    assert_eq!(
        public(&s, "/dzud/risk?year=1900").await.status.as_u16(),
        400
    );
    assert_eq!(
        public(&s, "/dzud/risk/soums/99999").await.status.as_u16(),
        404
    );

    // Public stocking and plans.
    let stocking = public(&s, "/pasture/stocking?year=2020").await.json();
    assert!(stocking["aimags"].as_array().unwrap().len() >= 20);
    let csv = public(&s, "/pasture/stocking.csv?year=2020").await;
    assert_eq!(csv.status.as_u16(), 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.text().starts_with("level,code,name,"), "{}", csv.text());
    assert!(csv.text().contains(&format!("soum,{hot_soum},")));
    let plan = public(&s, &format!("/dzud/plan/soums/{hot_soum}?year={YEAR}")).await;
    assert_eq!(plan.status.as_u16(), 200, "{}", plan.text());
    assert!(plan.json()["message_mn"].as_str().is_some());

    // The regulator sets the level to the riskiest aimag's class; a cooperative may not.
    let put = |token: String, level: u64| {
        let s = &s;
        async move {
            s.send(
                Method::PUT,
                "/dzud/alerts/config",
                Some(&token),
                &[("content-type", "application/json")],
                Some(json!({"level": level}).to_string().into_bytes()),
            )
            .await
        }
    };
    put(coop.clone(), level)
        .await
        .assert_problem(403, "SecurityException");
    put(regulator.clone(), 9)
        .await
        .assert_problem(400, "ValidationException");
    let r = put(regulator.clone(), level).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(ok(&s, "/dzud/alerts/config", &coop).await["level"], level);

    // The chain: two households of the hot soum deliver, the cooperative pools.
    let h1 = household(&s, &coop, "Bold", &hot_soum, 140).await;
    let h2 = household(&s, &coop, "Oyun", &hot_soum, 90).await;
    intake(&s, &coop, &h1, "20.000").await;
    intake(&s, &coop, &h2, "12.000").await;
    let pool = created(
        &s,
        "/pools",
        &coop,
        json!({"colour": "white", "grade": "I"}),
    )
    .await;
    let pool_lot = pool["lot"].as_str().unwrap().to_owned();
    let pool_g = pool["grams"].as_u64().unwrap();
    // A cooperative in a quiet aimag (when the year has one) with a member household.
    let quiet_household = match &quiet {
        Some(a) => {
            let soum = soum_of(&s, &regulator, a["aimag"].as_str().unwrap()).await;
            Some(household(&s, &quiet_coop, "Saraa", &soum, 100).await)
        }
        None => None,
    };

    // The pool is sold to the brand, which dehairs, spins with outside wool and knits.
    let sale = json!({
        "type": "ObjectEvent",
        "eventID": "urn:uuid:6a1c0000-0000-4000-8000-000000000001",
        "eventTime": "2025-05-10T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "quantityList": [q(&pool_lot, pool_g)],
        "bizTransactionList": [{"type": "inv", "bizTransaction": "https://hot-coop.example.mn/inv/1"}],
        "sourceList": [{"type": "owning_party", "source": "https://hot-coop.example.mn/"}],
        "destinationList": [{"type": "owning_party", "destination": "https://brand-a.example.com/"}],
        "cm:profile": "1",
        "cm:process": "sale",
    });
    capture(&s, &coop, vec![sale]).await;
    let dehaired = "https://brand-a.example.com/lot/D-1";
    let wool = "https://brand-a.example.com/lot/W-1";
    let yarn = "https://brand-a.example.com/lot/Y-1";
    let dehaired_g = pool_g / 2;
    let wool_g = dehaired_g / 3;
    let yarn_g = (dehaired_g + wool_g) * 95 / 100;
    let garments: Vec<String> = (1..=4)
        .map(|i| format!("urn:epc:id:sgtin:4712345.012347.{}", 7000 + i))
        .collect();
    let wool_intake = json!({
        "type": "ObjectEvent",
        "eventID": "urn:uuid:6a1c0000-0000-4000-8000-000000000002",
        "eventTime": "2025-05-11T09:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "quantityList": [q(wool, wool_g)],
        "ilmd": {"cm:fibre": "wool", "cm:origin": "NZ"},
        "cm:profile": "1",
        "cm:process": "fibre-intake",
    });
    capture(
        &s,
        &brand,
        vec![
            wool_intake,
            transformation(
                3,
                "dehairing",
                vec![q(&pool_lot, pool_g)],
                json!({"outputQuantityList": [q(dehaired, dehaired_g)]}),
            ),
            transformation(
                4,
                "spinning",
                vec![q(dehaired, dehaired_g), q(wool, wool_g)],
                json!({"outputQuantityList": [q(yarn, yarn_g)]}),
            ),
            transformation(
                5,
                "knitting",
                vec![q(yarn, yarn_g)],
                json!({"outputEPCList": garments, "ilmd": {"cm:garmentMassKg": kg(yarn_g / 5)}}),
            ),
        ],
    )
    .await;
    let garment_share = dehaired_g as f64 / (dehaired_g + wool_g) as f64;
    let report = ok(&s, &format!("/provenance/{}", garments[0]), &regulator).await;
    assert!(report.to_string().contains(&hot_soum), "{report}");

    // A lender subscribes to the soum with a webhook.
    let (url, mut rx) = receiver().await;
    let r = s
        .post_json(
            "/alerts/subscriptions",
            &lender,
            &json!({"soums": ["123"], "webhook": url}),
        )
        .await;
    r.assert_problem(400, "ValidationException");
    let sub = created(
        &s,
        "/alerts/subscriptions",
        &lender,
        json!({"soums": [hot_soum], "webhook": url}),
    )
    .await;
    assert_eq!(
        ok(&s, "/alerts/subscriptions", &lender).await[0]["id"],
        sub["id"]
    );

    // Run: only an admin or the regulator may.
    let run = json!({"year": YEAR, "mode": "winter"});
    s.post_json("/dzud/alerts/run", &coop, &run)
        .await
        .assert_problem(403, "SecurityException");
    let r = s.post_json("/dzud/alerts/run", &regulator, &run).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let first = r.json();
    assert_eq!(first["level"], level);
    assert_eq!(first["webhooks_delivered"], 1, "{first}");
    assert_eq!(first["webhooks_failed"], 0, "{first}");

    // The cooperative: its members.
    let alerts = ok(&s, "/alerts", &coop).await;
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!(a["soum"], hot_soum.as_str());
    assert_eq!(a["aimag"], hot["aimag"]);
    assert_eq!(a["class"], hot["class"]);
    assert_eq!(a["probability"], hot["probability"]);
    assert_eq!(a["contributions"], hot["contributions"]);
    assert_eq!(a["reasons"][0]["reason"], "member-households");
    let mut members: Vec<&str> = a["reasons"][0]["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    members.sort();
    assert_eq!(members, [h1.as_str(), h2.as_str()]);

    // The brand: its garment's fibre, with the share.
    let alerts = ok(&s, "/alerts", &brand).await;
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let reason = &alerts[0]["reasons"][0];
    assert_eq!(alerts[0]["soum"], hot_soum.as_str());
    assert_eq!(reason["reason"], "provenance", "{reason}");
    assert_eq!(reason["kind"], "garment", "{reason}");
    assert!(garments.iter().any(|g| reason["subject"] == g.as_str()));
    let share = reason["share"].as_f64().unwrap();
    assert!(
        (share - garment_share).abs() < 1e-9,
        "{share} vs {garment_share}"
    );
    assert!(share < 1.0);

    // Nothing for the unrelated brand or the quiet cooperative.
    assert_eq!(ok(&s, "/alerts", &other_brand).await, json!([]));
    assert_eq!(ok(&s, "/alerts", &quiet_coop).await, json!([]));

    // The lender: in-app, and by webhook.
    let alerts = ok(&s, "/alerts", &lender).await;
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["reasons"][0]["reason"], "subscription");
    assert_eq!(alerts[0]["webhooks"][0]["delivered"], true, "{alerts}");
    let posted = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a webhook POST")
        .unwrap();
    assert_eq!(posted["type"], "dzud-alert");
    assert_eq!(posted["alert"]["soum"], hot_soum.as_str());
    assert_eq!(posted["alert"]["recipient"], alerts[0]["recipient"]);

    // Households: one text each, within one SMS in both languages.
    let outbox = ok(&s, "/alerts/outbox", &coop).await;
    let outbox = outbox.as_array().unwrap().clone();
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    for m in &outbox {
        assert!([h1.as_str(), h2.as_str()].contains(&m["household"].as_str().unwrap()));
        let mn = m["text_mn"].as_str().unwrap();
        let en = m["text_en"].as_str().unwrap();
        assert!(mn.encode_utf16().count() <= 70, "{mn}");
        assert!(
            mn.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)),
            "{mn}"
        );
        assert!(gsm_ok(en), "{en}");
        assert_eq!(m["status"], "queued");
        assert_eq!(m["class"], hot["class"]);
    }
    assert_eq!(ok(&s, "/alerts/outbox", &other_brand).await, json!([]));
    if let Some(qh) = &quiet_household {
        let all = ok(&s, "/alerts/outbox", &regulator).await;
        assert!(!all.to_string().contains(qh.as_str()), "{all}");
    }

    // A second run adds nothing and sends nothing.
    let r = s.post_json("/dzud/alerts/run", &regulator, &run).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let second = r.json();
    assert_eq!(second["alerts_created"], json!([]), "{second}");
    assert_eq!(
        second["alerts_existing"],
        json!(first["alerts_created"].as_array().unwrap().len())
    );
    assert_eq!(second["sms_created"], 0);
    assert_eq!(second["webhooks_delivered"], 0);
    assert_eq!(ok(&s, "/alerts", &coop).await.as_array().unwrap().len(), 1);
    assert_eq!(ok(&s, "/alerts", &brand).await.as_array().unwrap().len(), 1);
    assert_eq!(
        ok(&s, "/alerts/outbox", &coop)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(500), rx.recv())
            .await
            .is_err(),
        "no second webhook POST"
    );
}

const PANEL_2025: &str = "Aimag,Year,All_SFU,SPEI_PrevSummer,Temp_Winter\n\
                          Zavkhan,2025,0.081,-1.2869,-22.5\n\
                          Arkhangai,2025,0.021,-1.0467,-18.0\n";

async fn post_file(s: &TestServer, query: &str, token: &str, text: &str) -> Resp {
    s.send(
        Method::POST,
        &format!("/climate/import?{query}"),
        Some(token),
        &[("content-type", "text/csv")],
        Some(text.as_bytes().to_vec()),
    )
    .await
}

/// `POST /climate/import`: a regulator extends the panel by a winter, which the public risk
/// then forecasts from; other roles are refused; a bad file is a 400 naming the row and
/// column, a different figure a 409 unless replaced; nothing is stored by a refused or dry
/// run.
async fn climate_import(db: Db) {
    let Some(s) = start(db).await else {
        return;
    };
    let regulator = s.org("regulator", Role::Regulator, &[]).await;
    let coop = s.org("Coop", Role::Cooperative, &[]).await;
    public(&s, "/dzud/risk?year=2026")
        .await
        .assert_problem(400, "QueryParameterException");

    post_file(&s, "kind=panel", &coop, PANEL_2025)
        .await
        .assert_problem(403, "SecurityException");
    let bad = format!("{PANEL_2025}Uvs,2025,0.1,x,-25\n");
    let p = post_file(&s, "kind=panel", &regulator, &bad)
        .await
        .assert_problem(400, "ValidationException");
    assert_eq!(
        p["detail"],
        r#"row 4, column "SPEI_PrevSummer": "x" is not a number"#
    );
    post_file(&s, "kind=rain", &regulator, PANEL_2025)
        .await
        .assert_problem(400, "QueryParameterException");

    let r = post_file(&s, "kind=panel&dry_run=true", &regulator, PANEL_2025).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.json()["added"], 2);
    assert_eq!(ok(&s, "/climate/imports", &regulator).await, json!([]));

    let r = post_file(&s, "kind=panel", &regulator, PANEL_2025).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let summary = r.json();
    assert_eq!(
        (
            &summary["kind"],
            &summary["rows"],
            &summary["years"],
            &summary["added"],
            &summary["replaced"]
        ),
        (
            &json!("panel"),
            &json!(2),
            &json!([2025]),
            &json!(2),
            &json!(0)
        )
    );
    let risk = public(&s, "/dzud/risk?year=2026").await;
    assert_eq!(risk.status.as_u16(), 200, "{}", risk.text());
    assert_eq!(risk.json()["model"]["train_until"], 2025);

    let changed = PANEL_2025.replace("0.021", "0.03");
    let r = post_file(&s, "kind=panel", &regulator, &changed).await;
    assert_eq!(r.status.as_u16(), 409, "{}", r.text());
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("row 3: aimag 65, 2025")
    );
    let r = post_file(&s, "kind=panel&replace=true", &regulator, &changed).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    assert_eq!(r.json()["replaced"], 1);
    let batches = ok(&s, "/climate/imports", &regulator).await;
    assert_eq!(batches.as_array().unwrap().len(), 2, "{batches}");
    assert_eq!(batches[1]["replaced"][0]["old"]["all_sfu"], 0.021);
    assert_eq!(batches[1]["by"], "regulator");
}

on_backends!(dzud_alerts, climate_import);
