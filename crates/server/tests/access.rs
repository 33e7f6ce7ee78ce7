//! Tokens and visibility: nothing without a token (401), roles that may not capture (403), and
//! an event readable only by its capturer, the parties named in its source/destination lists,
//! and regulators.

mod common;

use std::collections::HashSet;

use common::store::Role;
use common::*;
use reqwest::Method;
use serde_json::json;

fn doc(events: Vec<serde_json::Value>) -> Vec<u8> {
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

fn event(id: &str, dest: Option<&str>) -> serde_json::Value {
    let mut e = json!({
        "type": "ObjectEvent",
        "eventID": id,
        "eventTime": "2024-05-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:4712345.012347.3001"],
        "action": "OBSERVE",
        "bizStep": "shipping"
    });
    if let Some(d) = dest {
        e["destinationList"] = json!([{"type": "owning_party", "destination": d}]);
    }
    e
}

async fn visibility(db: Db) {
    let Some(s) = start(db).await else { return };
    let a = s
        .org(
            "coop-a",
            Role::Cooperative,
            &["urn:epc:id:pgln:4712345.00001"],
        )
        .await;
    let b = s
        .org(
            "mill-b",
            Role::Processor,
            &["urn:epc:id:pgln:4712345.00002"],
        )
        .await;
    let c = s.org("brand-c", Role::Brand, &[]).await;
    let r = s.org("ministry", Role::Regulator, &[]).await;
    let (e1, e2, e3) = (
        "urn:uuid:00000000-0000-4000-8000-0000000000a1",
        "urn:uuid:00000000-0000-4000-8000-0000000000a2",
        "urn:uuid:00000000-0000-4000-8000-0000000000c1",
    );
    let job = s
        .capture(
            &a,
            &doc(vec![
                event(e1, None),
                event(e2, Some("urn:epc:id:pgln:4712345.00002")),
            ]),
            &[],
        )
        .await;
    assert_eq!(job["success"], true, "{job}");
    let job = s.capture(&c, &doc(vec![event(e3, None)]), &[]).await;
    assert_eq!(job["success"], true, "{job}");

    let seen = |v: Vec<serde_json::Value>| ids(&v).into_iter().collect::<HashSet<_>>();
    let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<HashSet<_>>();
    assert_eq!(seen(s.all_events(&a, "", 10).await), set(&[e1, e2]));
    assert_eq!(seen(s.all_events(&b, "", 10).await), set(&[e2]));
    assert_eq!(seen(s.all_events(&c, "", 10).await), set(&[e3]));
    assert_eq!(seen(s.all_events(&r, "", 10).await), set(&[e1, e2, e3]));

    let one = |id: &str| format!("/events/{}", id.replace(':', "%3A"));
    assert_eq!(s.get(&one(e2), &b).await.status.as_u16(), 200);
    s.get(&one(e1), &b)
        .await
        .assert_problem(404, "NoSuchResourceException");
    s.get(&one(e3), &a)
        .await
        .assert_problem(404, "NoSuchResourceException");
    assert_eq!(s.get(&one(e3), &r).await.status.as_u16(), 200);

    // Top-level resources are filtered the same way.
    let epcs = s.get("/bizSteps", &b).await.json();
    assert_eq!(epcs["member"].as_array().map(Vec::len), Some(1), "{epcs}");
    // Capture jobs belong to their organisation.
    let jobs = s.get("/capture", &b).await.json();
    assert_eq!(jobs, json!([]));
}

async fn tokens_and_roles(db: Db) {
    let Some(s) = start(db).await else { return };
    let r = s.org("ministry", Role::Regulator, &[]).await;
    for (method, path) in [
        (Method::GET, "/"),
        (Method::OPTIONS, "/"),
        (Method::GET, "/events"),
        (Method::GET, "/capture"),
        (Method::POST, "/capture"),
        (Method::GET, "/queries"),
        (Method::GET, "/epcs"),
        (Method::GET, "/no/such/path"),
    ] {
        let resp = s.send(method.clone(), path, None, &[], None).await;
        let p = resp.assert_problem(401, "SecurityException");
        assert_eq!(p["instance"], path, "{method} {path}");
        let resp = s
            .send(method.clone(), path, Some("not-a-token"), &[], None)
            .await;
        resp.assert_problem(401, "SecurityException");
    }
    // A regulator reads but does not capture.
    let resp = s.post_capture(&r, &fixture("cashmere.jsonld"), &[]).await;
    let p = resp.assert_problem(403, "SecurityException");
    assert!(
        p["detail"].as_str().unwrap_or("").contains("regulator"),
        "{p}"
    );
    assert_eq!(s.get("/events", &r).await.status.as_u16(), 200);
    s.get("/no/such/path", &r)
        .await
        .assert_problem(404, "NoSuchResourceException");
}

on_backends!(visibility, tokens_and_roles);
