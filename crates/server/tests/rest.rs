//! The REST binding's plumbing: discovery, pagination through `Link`, content negotiation,
//! `GS1-EPC-Format`, top-level resources, named queries and capture jobs.

mod common;

use std::collections::HashSet;

use common::store::Role;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A document of `n` ObjectEvents with distinct EPCs, alternating bizSteps.
fn many(n: usize) -> Vec<u8> {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "type": "ObjectEvent",
                "eventTime": format!("2024-05-01T10:{:02}:{:02}.000+08:00", i / 60, i % 60),
                "eventTimeZoneOffset": "+08:00",
                "epcList": [format!("urn:epc:id:sgtin:4712345.012347.{}", 5000 + i)],
                "action": "OBSERVE",
                "bizStep": if i % 2 == 0 { "shipping" } else { "receiving" }
            })
        })
        .collect();
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

async fn discovery(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    let r = s.send(Method::OPTIONS, "/", Some(&t), &[], None).await;
    assert_eq!(r.status.as_u16(), 204);
    assert_eq!(r.header("allow").as_deref(), Some("OPTIONS, GET"));
    assert_eq!(r.header("GS1-EPCIS-Version").as_deref(), Some("2.0.0"));
    assert_eq!(r.header("GS1-CBV-Version").as_deref(), Some("2.0.0"));
    assert!(r.header("GS1-EPCIS-Capture-Limit").is_some());
    assert!(r.header("GS1-EPCIS-Capture-File-Size-Limit").is_some());
    assert!(r.header("GS1-Extensions").is_some());
    let r = s
        .send(Method::OPTIONS, "/capture", Some(&t), &[], None)
        .await;
    assert_eq!(r.header("allow").as_deref(), Some("OPTIONS, GET, POST"));
    assert_eq!(
        r.header("GS1-Capture-Error-Behaviour").as_deref(),
        Some("rollback, proceed")
    );
    let r = s
        .send(
            Method::OPTIONS,
            "/queries/x/subscriptions/y",
            Some(&t),
            &[],
            None,
        )
        .await;
    assert_eq!(r.header("allow").as_deref(), Some("OPTIONS, GET, DELETE"));

    let root = s.get("/", &t).await;
    assert_eq!(root.header("GS1-EPCIS-Version").as_deref(), Some("2.0.0"));
    let members: HashSet<String> = root.json()["member"]
        .as_array()
        .expect("member")
        .iter()
        .map(|m| m.as_str().unwrap_or("").to_owned())
        .collect();
    for m in [
        "events",
        "capture",
        "queries",
        "eventTypes",
        "epcs",
        "bizSteps",
        "bizLocations",
        "readPoints",
        "dispositions",
    ] {
        assert!(members.contains(m), "{m}");
    }
    // A wrong method is the client's mistake, not an implementation fault; the REST binding
    // names no exception for it, so the problem type is RFC 9457's `about:blank`.
    let wrong = s.send(Method::PUT, "/events", Some(&t), &[], None).await;
    assert_eq!(wrong.status.as_u16(), 405);
    let p = wrong.json();
    assert_eq!(p["type"], "about:blank", "{p}");
    assert_eq!(p["status"], 405, "{p}");
    assert_eq!(p["instance"], "/events", "{p}");
}

async fn pagination(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    let job = s.capture(&t, &many(25), &[]).await;
    assert_eq!(job["success"], true, "{job}");
    assert_eq!(job["capturedEvents"], 25);

    let first = s.get("/events?perPage=7", &t).await;
    assert_eq!(first.status.as_u16(), 200);
    let link = first.header("link").expect("Link on a first page");
    assert!(link.contains("nextPageToken="), "{link}");
    assert!(link.contains("perPage=7"), "{link}");
    assert!(first.header("GS1-Next-Page-Token-Expires").is_some());

    let all = s.all_events(&t, "", 7).await;
    let unique: HashSet<String> = ids(&all).into_iter().collect();
    assert_eq!(all.len(), 25);
    assert_eq!(unique.len(), 25, "no event on two pages");

    // Filters hold across pages.
    let shipping = s.all_events(&t, "&EQ_bizStep=shipping", 4).await;
    assert_eq!(shipping.len(), 13);
    assert!(shipping.iter().all(|e| e["bizStep"] == "shipping"));

    s.get("/events?perPage=0", &t)
        .await
        .assert_problem(400, "QueryParameterException");
    s.get("/events?EQ_noSuchThing=1", &t)
        .await
        .assert_problem(400, "QueryParameterException");
    s.get("/events?nextPageToken=garbage", &t)
        .await
        .assert_problem(400, "QueryParameterException");

    // The capture job list pages too.
    let jobs = s.get("/capture", &t).await.json();
    assert_eq!(jobs.as_array().map(Vec::len), Some(1));
    assert_eq!(jobs[0]["running"], false);
    s.get("/capture/no-such-job", &t)
        .await
        .assert_problem(404, "NoSuchResourceException");
}

async fn negotiation_and_epc_format(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    s.capture(&t, &fixture("processing.xml"), &[]).await;

    let xml = s
        .get_with("/events", &t, &[("Accept", "application/xml")])
        .await;
    assert_eq!(xml.status.as_u16(), 200, "{}", xml.text());
    assert!(
        xml.header("content-type")
            .is_some_and(|c| c.starts_with("application/xml"))
    );
    let doc = epcis::xml::parse_document(&xml.body).expect("XML result parses");
    assert_eq!(doc.events.len(), 2);
    let json = s
        .get_with("/events", &t, &[("Accept", "application/json")])
        .await;
    assert!(
        json.header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
    assert_eq!(
        epcis::hash::hash_document(&xml.body).expect("hash xml"),
        epcis::hash::hash_document(&json.body).expect("hash json"),
        "XML and JSON-LD results are the same events"
    );
    s.get_with("/events", &t, &[("Accept", "text/html")])
        .await
        .assert_problem(406, "NotAcceptableException");

    let q = "/events?eventType=AggregationEvent";
    let dl = s
        .get_with(q, &t, &[("GS1-EPC-Format", "Always_GS1_Digital_Link")])
        .await
        .json();
    let event = &dl["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0];
    assert!(
        event["parentID"]
            .as_str()
            .unwrap_or("")
            .starts_with("https://id.gs1.org/00/"),
        "{event}"
    );
    let urn = s
        .get_with(q, &t, &[("GS1-EPC-Format", "Always_EPC_URN")])
        .await
        .json();
    let event = &urn["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0];
    assert_eq!(event["parentID"], "urn:epc:id:sscc:4712345.0000000001");
    s.get_with(q, &t, &[("GS1-EPC-Format", "Sometimes")])
        .await
        .assert_problem(400, "QueryParameterException");
}

async fn resources_and_named_queries(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    s.capture(&t, &fixture("cashmere.jsonld"), &[]).await;
    s.capture(&t, &fixture("processing.xml"), &[]).await;

    let types = s.get("/eventTypes", &t).await.json();
    let types: Vec<Value> = types["member"].as_array().cloned().unwrap_or_default();
    assert!(types.contains(&json!("ObjectEvent")) && types.contains(&json!("TransformationEvent")));
    let sub = s.get("/eventTypes/ObjectEvent", &t).await.json();
    assert_eq!(sub["member"], json!(["events"]));
    let objects = s.get("/eventTypes/ObjectEvent/events", &t).await.json();
    assert_eq!(
        objects["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let steps = s.get("/bizSteps", &t).await.json();
    assert!(
        steps["member"].as_array().is_some_and(|m| m.len() >= 4),
        "{steps}"
    );
    let loc = "urn%3Aepc%3Aid%3Asgln%3A4712345.00004.0";
    let r = s.get(&format!("/readPoints/{loc}/events"), &t).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(
        r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    s.get("/bizLocations/urn%3Aepc%3Aid%3Asgln%3A9999999.00000.0", &t)
        .await
        .assert_problem(404, "NoSuchResourceException");
    let epcs = s.get("/epcs", &t).await.json();
    assert!(
        epcs["member"].as_array().is_some_and(|m| m.len() >= 3),
        "{epcs}"
    );

    // Extension fields by compact name, prefixes from GS1-Extensions.
    let ext = [("GS1-Extensions", "nl=https://nooluur.example/voc/")];
    for (q, n) in [
        ("GE_nl:fibreDiameter=15", 1),
        ("GT_nl:fibreDiameter=16", 0),
        ("EQ_ILMD_nl:colour=white", 1),
    ] {
        let r = s.get_with(&format!("/events?{q}"), &t, &ext).await;
        assert_eq!(r.status.as_u16(), 200, "{q}: {}", r.text());
        let list = r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .map(Vec::len);
        assert_eq!(list, Some(n), "{q}");
    }

    // Named queries.
    let body = json!({"name": "inspections", "query": {"EQ_bizStep": ["inspecting"]}});
    assert_eq!(
        s.post_json("/queries", &t, &body).await.status.as_u16(),
        201
    );
    s.post_json("/queries", &t, &body)
        .await
        .assert_problem(409, "ResourceAlreadyExistsException");
    s.post_json(
        "/queries",
        &t,
        &json!({"name": "bad", "query": {"EQ_nothing": 1}}),
    )
    .await
    .assert_problem(400, "QueryParameterException");
    let q = s.get("/queries/inspections", &t).await.json();
    assert_eq!(q["query"], json!({"EQ_bizStep": ["inspecting"]}));
    let list = s.get("/queries", &t).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let r = s.get("/queries/inspections/events", &t).await.json();
    let results = &r["epcisBody"]["queryResults"];
    assert_eq!(results["queryName"], "inspections");
    assert_eq!(
        results["resultsBody"]["eventList"].as_array().map(Vec::len),
        Some(1)
    );
    let other = s.org("mill", Role::Processor, &[]).await;
    let r = s
        .send(
            Method::DELETE,
            "/queries/inspections",
            Some(&other),
            &[],
            None,
        )
        .await;
    r.assert_problem(403, "SecurityException");
    let r = s
        .send(Method::DELETE, "/queries/inspections", Some(&t), &[], None)
        .await;
    assert_eq!(r.status.as_u16(), 204);
    s.get("/queries/inspections", &t)
        .await
        .assert_problem(404, "NoSuchNameException");
    s.get("/queries/inspections/events", &t)
        .await
        .assert_problem(404, "NoSuchNameException");
}

/// `GS1-EPC-Format` both ways on identifiers captured in either form.
async fn epc_format_both_ways(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    let event = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "ObjectEvent",
        "eventID": "urn:uuid:7f1c6a52-6a6d-4f55-9d8e-0d7b8f0e1a01",
        "eventTime": "2024-05-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": [
            "https://id.gs1.org/01/04712345123479/21/1003",
            "urn:epc:id:sgtin:4712345.012347.1004",
            "https://nooluur.example/id/lot/77"
        ],
        "action": "OBSERVE",
        "bizStep": "receiving",
        "readPoint": {"id": "https://id.gs1.org/414/4712345000046"},
        "bizLocation": {"id": "urn:epc:id:sgln:4712345.00004.0"}
    });
    let r = s.post_json("/events", &t, &event).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let get = |format: &'static str| {
        let s = &s;
        let t = &t;
        async move {
            let r = s
                .get_with(
                    "/events/urn:uuid:7f1c6a52-6a6d-4f55-9d8e-0d7b8f0e1a01",
                    t,
                    &[("GS1-EPC-Format", format)],
                )
                .await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text());
            r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0].clone()
        }
    };
    let urn = get("Always_EPC_URN").await;
    assert_eq!(
        urn["epcList"],
        json!([
            "urn:epc:id:sgtin:4712345.012347.1003",
            "urn:epc:id:sgtin:4712345.012347.1004",
            "https://nooluur.example/id/lot/77"
        ])
    );
    assert_eq!(urn["readPoint"]["id"], "urn:epc:id:sgln:4712345.00004.0");
    assert_eq!(urn["bizLocation"]["id"], "urn:epc:id:sgln:4712345.00004.0");
    let dl = get("Always_GS1_Digital_Link").await;
    assert_eq!(
        dl["epcList"],
        json!([
            "https://id.gs1.org/01/04712345123479/21/1003",
            "https://id.gs1.org/01/04712345123479/21/1004",
            "https://nooluur.example/id/lot/77"
        ])
    );
    assert_eq!(
        dl["bizLocation"]["id"],
        "https://id.gs1.org/414/4712345000046"
    );
    for as_captured in ["No_Preference", "Never_Translates"] {
        let e = get(as_captured).await;
        assert_eq!(e["epcList"], event["epcList"], "{as_captured}");
        assert_eq!(e["readPoint"], event["readPoint"], "{as_captured}");
        assert_eq!(e["bizLocation"], event["bizLocation"], "{as_captured}");
    }
}

/// Limits and refusals answer with the standard status and exception type.
async fn error_answers(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    assert_eq!(s.capture(&t, &many(5), &[]).await["success"], true);

    // maxEventCount: more matches than allowed is QueryTooLargeException (413), never a 500.
    s.get("/events?maxEventCount=3", &t)
        .await
        .assert_problem(413, "QueryTooLargeException");
    let r = s.get("/events?maxEventCount=5", &t).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    // eventCountLimit cuts instead.
    let r = s
        .get("/events?orderBy=eventTime&eventCountLimit=2", &t)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(
        r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The same through a named query.
    let body = json!({"name": "capped", "query": {"maxEventCount": 1}});
    assert_eq!(
        s.post_json("/queries", &t, &body).await.status.as_u16(),
        201
    );
    s.get("/queries/capped/events", &t)
        .await
        .assert_problem(413, "QueryTooLargeException");
    // A query definition beyond the body limit is too complex, not a capture limit.
    // Just over the 1 MiB limit. The server may answer 413 before it has read the whole body
    // and close the connection, so a client still writing can see a broken pipe instead of the
    // answer: that is a transport race, not an answer, and the request is sent again (up to
    // three times) until the 413 arrives.
    let huge = json!({"name": "huge", "query": {"MATCH_epc": vec!["urn:epc:id:sgtin:4712345.012347.1"; 30_000]}});
    let body = huge.to_string().into_bytes();
    assert!(body.len() > 1 << 20, "the body must exceed the limit");
    let mut answer = None;
    for _ in 0..3 {
        let sent = reqwest::Client::new()
            .post(s.url("/queries"))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .header("connection", "close")
            .body(body.clone())
            .send()
            .await;
        if let Ok(r) = sent {
            answer = Some(Resp {
                status: r.status(),
                headers: r.headers().clone(),
                body: r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            });
            break;
        }
    }
    answer
        .expect("the oversized query got an answer")
        .assert_problem(413, "QueryTooComplexException");

    // 401 names the scheme.
    let r = s.send(Method::GET, "/events", None, &[], None).await;
    let p = r.assert_problem(401, "SecurityException");
    assert!(p["detail"].is_string());
    assert!(
        r.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer")),
        "{:?}",
        r.headers
    );
}

on_backends!(
    discovery,
    pagination,
    negotiation_and_epc_format,
    resources_and_named_queries,
    epc_format_both_ways,
    error_answers
);
