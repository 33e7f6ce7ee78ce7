//! Error declarations over HTTP (EPCIS 2.0 §7.4.1.2): a declaration repeats the eventID of the
//! event it declares erroneous; `GET /events/{eventID}` answers both, and each is a leaf of the
//! transparency log with its own proof.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn doc(events: Vec<Value>) -> Vec<u8> {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T08:00:00.000+08:00",
        "epcisBody": {"eventList": events}
    })
    .to_string()
    .into_bytes()
}

/// An event without eventID (so it gets its hash ID), declared erroneous when `declared`.
fn event(declared: bool) -> Value {
    let mut e = json!({
        "type": "ObjectEvent",
        "eventTime": "2024-05-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:4712345.012347.7001"],
        "action": "OBSERVE",
        "bizStep": "receiving"
    });
    if declared {
        e["errorDeclaration"] = json!({
            "declarationTime": "2024-05-03T00:00:00.000Z",
            "reason": "incorrect_data"
        });
    }
    e
}

async fn event_and_declaration(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", store::Role::Cooperative, &[]).await;
    let job = s
        .capture(&token, &doc(vec![event(false), event(true)]), &[])
        .await;
    assert_eq!(job["success"], true, "{job}");
    assert_eq!(job["capturedEvents"], 2, "{job}");
    let listed = s.all_events(&token, "", 10).await;
    let id = listed[0]["eventID"].as_str().expect("eventID").to_owned();
    assert!(id.starts_with("ni:///"), "{id}");
    assert_eq!(ids(&listed), [id.clone(), id.clone()], "the same hash ID");

    let seg = utf8_percent_encode(&id);
    let r = s.get(&format!("/events/{seg}"), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body = r.json();
    let list = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .expect("eventList")
        .clone();
    assert_eq!(list.len(), 2, "the event and its declaration: {body}");
    assert!(list[0].get("errorDeclaration").is_none(), "{body}");
    assert_eq!(list[1]["errorDeclaration"]["reason"], "incorrect_data");
    let by_query = s
        .all_events(&token, &format!("&EQ_eventID={seg}"), 10)
        .await;
    assert_eq!(by_query.len(), 2);

    // Each has its proof; the leaf input is its object in that eventList.
    for (declared, obj) in [(false, &list[0]), (true, &list[1])] {
        let r = s
            .get(&format!("/log/proof/{seg}?declared={declared}"), &token)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = r.json();
        assert_eq!(p["declared"], declared);
        let leaf = B64.decode(p["leaf"].as_str().expect("leaf")).expect("b64");
        assert_eq!(leaf, tlog::jcs::to_vec(obj).expect("JCS"));
    }

    // Another event, or another declaration, under that eventID is a duplicate.
    for again in [event(false), event(true)] {
        let r = s.post_capture(&token, &doc(vec![again]), &[]).await;
        let job = if r.status == StatusCode::ACCEPTED {
            s.wait_job(&token, &r.header("location").expect("Location"))
                .await
        } else {
            r.assert_problem(409, "ResourceAlreadyExistsException")
        };
        assert_ne!(job["success"], true, "{job}");
        assert!(job.to_string().contains(&id), "{job}");
    }
    assert_eq!(s.all_events(&token, "", 10).await.len(), 2);
}

fn utf8_percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

on_backends!(event_and_declaration);
