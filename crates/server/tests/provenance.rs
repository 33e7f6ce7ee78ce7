//! Issue 3 end to end: a simulated season (30 households) captured over HTTP on every backend,
//! then its provenance, lots and trace read back and checked against the simulator's manifest;
//! a hand-made document that over-consumes a lot is refused and changes nothing.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Value, json};
use store::Role;

fn enc(id: &str) -> String {
    utf8_percent_encode(id, NON_ALPHANUMERIC).to_string()
}

async fn capture(s: &TestServer, token: &str, doc: &[u8]) -> Resp {
    s.send(
        Method::POST,
        "/events",
        Some(token),
        &[("content-type", "application/ld+json")],
        Some(doc.to_vec()),
    )
    .await
}

fn over_consuming(lot: &str) -> Value {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     {"cm": "https://nooluur.org/voc/cashmere/"}],
        "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2025-07-01T00:00:00Z",
        "epcisBody": {"eventList": [{
            "type": "TransformationEvent",
            "eventID": "urn:uuid:0f0f0f0f-0000-4000-8000-000000000001",
            "eventTime": "2025-07-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
            "bizStep": "commissioning",
            "inputQuantityList": [{"epcClass": lot, "quantity": 1, "uom": "KGM"}],
            "outputQuantityList": [{"epcClass": "https://coop.example.mn/lot/extra",
                                    "quantity": 1, "uom": "KGM"}],
            "cm:process": "pooling", "cm:profile": "1"
        }]}
    })
}

async fn simulated_season_end_to_end(db: Db) {
    let Some(s) = start(db).await else {
        return;
    };
    let token = s.org("mill", Role::Processor, &[]).await;
    let regulator = s.org("nso", Role::Regulator, &[]).await;
    let mut sim = sim::Simulation::new(sim::Season::new(30, 7)).unwrap();
    let docs: Vec<String> = sim.by_ref().map(|c| c.to_json()).collect();
    let manifest = sim.manifest().clone();
    for d in &docs {
        let r = capture(&s, &token, d.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    }
    assert!(!manifest.garments.is_empty());
    let soums: Vec<&str> = manifest.soums.iter().map(|x| x.code.as_str()).collect();
    let planted: Vec<&str> = manifest
        .planted_findings
        .iter()
        .map(|f| f.household.as_str())
        .collect();

    // Provenance of a few garments: shares sum to 1, sources come from the season's soums.
    let step = (manifest.garments.len() / 5).max(1);
    let mut a_source_lot = None;
    for g in manifest.garments.iter().step_by(step) {
        let r = s.get(&format!("/provenance/{}", enc(g)), &regulator).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text());
        let p = r.json();
        assert_eq!(p["subject"], g.as_str());
        assert!(p["mass_kg"].as_f64().unwrap() > 0.0);
        let sources = p["sources"].as_array().unwrap();
        let total: f64 = sources.iter().map(|x| x["share"].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
        for src in sources {
            if src["claim"] != "mongolian-cashmere" {
                continue;
            }
            let soum = src["soum"].as_str().unwrap();
            assert!(soums.contains(&soum), "{soum} not in the manifest");
            let h = src["household"].as_str().unwrap();
            assert!(h.contains(&format!("/household/{soum}-")), "{h}");
            a_source_lot.get_or_insert_with(|| src["lot"].as_str().unwrap().to_owned());
        }
        let by_soum: f64 = p["by_soum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["share"].as_f64().unwrap())
            .sum();
        assert!((by_soum - 1.0).abs() < 1e-9);
        assert!(p["by_aimag"].as_array().is_some_and(|a| !a.is_empty()));
        // No false alarms: the only households over the per-goat ceiling are the planted ones
        // (a herd combed in several passes declares its goats on every pass).
        for f in p["findings"].as_array().unwrap() {
            if f["kind"] == "household-harvest" {
                let h = f["evidence"]["household"].as_str().unwrap();
                assert!(planted.contains(&h), "{h} was not planted: {f}");
            }
        }
    }

    // The public report shows soums, never households.
    let g = &manifest.garments[0];
    let r = s
        .send(
            Method::GET,
            &format!("/provenance/{}", enc(g)),
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let p = r.json();
    assert!(
        p["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["household"].is_null())
    );
    assert!(!r.text().contains("/household/"), "{p}");

    // Every planted finding's household shows up in the findings of one of its lots.
    assert!(!manifest.planted_findings.is_empty());
    for f in &manifest.planted_findings {
        let mut seen = false;
        for l in &f.lots {
            let r = s.get(&format!("/provenance/{}", enc(l)), &token).await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text());
            seen |= r.json()["findings"].as_array().unwrap().iter().any(|x| {
                x["kind"] == "household-harvest"
                    && x["evidence"]["household"] == f.household.as_str()
            });
        }
        assert!(seen, "no finding for {}", f.household);
    }

    // A raw lot's ledger: pooled in full.
    let raw = a_source_lot.expect("a Mongolian source");
    let r = s.get(&format!("/lots/{}", enc(&raw)), &token).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let l = r.json();
    let (q, c, rem) = (
        l["quantity_g"].as_u64().unwrap(),
        l["consumed_g"].as_u64().unwrap(),
        l["remaining_g"].as_u64().unwrap(),
    );
    assert_eq!(q - c, rem);
    assert_eq!(c, q, "raw is pooled in full: {l}");
    let kg = |k: &str| l[k].as_f64().unwrap();
    assert!((kg("quantity_kg") - kg("consumed_kg") - kg("remaining_kg")).abs() < 1e-9);
    assert_eq!(l["process"], "combing");

    // Trace backward from a garment reaches a combing event.
    let r = s
        .get(&format!("/trace/{}?direction=backward", enc(g)), &regulator)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let t = r.json();
    let events = t["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["event"]["cm:process"] == "combing"),
        "{t}"
    );
    assert_eq!(events[0]["event"]["cm:process"], "knitting", "{t}");
    let r = s
        .get(
            &format!("/trace/{}?direction=forward", enc(&raw)),
            &regulator,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert!(r.json()["nodes"].as_array().unwrap().len() > 1);
    let r = s
        .get(&format!("/trace/{}?direction=up", enc(&raw)), &token)
        .await;
    r.assert_problem(400, "QueryParameterException");

    // Over-consumption is refused, naming the lot and the figures; nothing is stored.
    let before = s.app.store.count_events().await.unwrap();
    let doc = over_consuming(&raw).to_string();
    let r = capture(&s, &token, doc.as_bytes()).await;
    let p = r.assert_problem(409, "ValidationException");
    assert!(p["detail"].as_str().unwrap().contains(&raw), "{p}");
    assert_eq!(p["errors"][0]["eventIndex"], 0, "{p}");
    assert_eq!(p["rejection"]["kind"], "over-consumption", "{p}");
    assert_eq!(p["rejection"]["asked_g"], 1000, "{p}");
    assert_eq!(p["rejection"]["quantity_g"], q, "{p}");
    assert_eq!(s.app.store.count_events().await.unwrap(), before);
    let r = s
        .get(
            &format!("/lots/{}", enc("https://coop.example.mn/lot/extra")),
            &token,
        )
        .await;
    r.assert_problem(404, "NoSuchResourceException");
    let r = s
        .get("/provenance/urn%3Aepc%3Aid%3Asgtin%3A1.2.3", &token)
        .await;
    r.assert_problem(404, "NoSuchResourceException");
}

on_backends!(simulated_season_end_to_end);
