//! Subscriptions end to end: a webhook receiver on loopback gets streaming and scheduled
//! deliveries signed with `GS1-Signature`; a WebSocket client gets streamed documents.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use common::app::subscriptions::webhook;
use common::store::Role;
use common::*;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// One POST the receiver accepted.
#[derive(Debug)]
struct Delivery {
    signature: Option<String>,
    body: Bytes,
}

impl Delivery {
    fn doc(&self) -> Value {
        serde_json::from_slice(&self.body).expect("delivery is JSON")
    }

    fn events(&self) -> Vec<Value> {
        self.doc()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// A webhook receiver on loopback. The first `fail_first` requests are answered 503.
async fn receiver(
    fail_first: usize,
) -> (String, mpsc::UnboundedReceiver<Delivery>, Arc<AtomicUsize>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < fail_first {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let signature = headers
                    .get("GS1-Signature")
                    .map(|v| v.to_str().unwrap_or("").to_owned());
                let _ = tx.send(Delivery { signature, body });
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx, attempts)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a delivery within 30 s")
        .expect("receiver open")
}

/// Nothing arrives for a while (used only where a delivery would be a bug).
async fn nothing(rx: &mut mpsc::UnboundedReceiver<Delivery>) {
    if let Ok(Some(d)) = tokio::time::timeout(Duration::from_millis(600), rx.recv()).await {
        panic!("unexpected delivery: {}", String::from_utf8_lossy(&d.body));
    }
}

async fn named_query(s: &TestServer, token: &str, name: &str, query: Value) {
    let r = s
        .post_json("/queries", token, &json!({"name": name, "query": query}))
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("/queries/{name}").as_str())
    );
}

fn receiving_event(id: &str) -> Vec<u8> {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T08:00:00.000+08:00",
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent",
            "eventID": id,
            "eventTime": "2024-05-01T10:00:00.000+08:00",
            "eventTimeZoneOffset": "+08:00",
            "epcList": ["urn:epc:id:sgtin:4712345.012347.2001"],
            "action": "OBSERVE",
            "bizStep": "receiving"
        }]}
    })
    .to_string()
    .into_bytes()
}

async fn streaming_webhook(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    let (url, mut rx, _) = receiver(0).await;
    named_query(
        &s,
        &token,
        "receiving",
        json!({"EQ_bizStep": ["receiving"]}),
    )
    .await;
    let r = s
        .post_json(
            "/queries/receiving/subscriptions",
            &token,
            &json!({"dest": url, "signatureToken": "s3cret-token", "stream": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let sub = r.json();
    let sub_id = sub["subscriptionID"]
        .as_str()
        .expect("subscriptionID")
        .to_owned();
    assert!(
        sub.get("signatureToken").is_none(),
        "the secret is never shown"
    );
    assert_eq!(
        r.header("location"),
        Some(format!("/queries/receiving/subscriptions/{sub_id}"))
    );

    let job = s.capture(&token, &fixture("cashmere.jsonld"), &[]).await;
    assert_eq!(job["success"], true, "{job}");
    let d = next(&mut rx).await;
    let sig = d.signature.clone().expect("GS1-Signature header");
    assert!(sig.starts_with("sha256="), "{sig}");
    assert!(
        webhook::verify("s3cret-token", &d.body, &sig),
        "signature verifies"
    );
    assert!(!webhook::verify("another-token", &d.body, &sig));
    let doc = d.doc();
    assert_eq!(doc["type"], "EPCISQueryDocument");
    assert_eq!(doc["epcisBody"]["queryResults"]["queryName"], "receiving");
    assert_eq!(
        doc["epcisBody"]["queryResults"]["subscriptionID"],
        sub_id.as_str()
    );
    assert_eq!(
        ids(&d.events()),
        vec!["urn:uuid:6f0c7d1e-2a54-4b7a-9d3e-0c1f2a3b4c5d".to_owned()]
    );

    // Events that do not match are not delivered; the next matching one is, alone.
    let job = s.capture(&token, &fixture("processing.xml"), &[]).await;
    assert_eq!(job["success"], true, "{job}");
    let second = "urn:uuid:00000000-0000-4000-8000-000000000002";
    let job = s.capture(&token, &receiving_event(second), &[]).await;
    assert_eq!(job["success"], true, "{job}");
    let d = next(&mut rx).await;
    assert_eq!(ids(&d.events()), vec![second.to_owned()]);
    nothing(&mut rx).await;

    // Listed, shown, and gone after DELETE.
    let list = s
        .get("/queries/receiving/subscriptions", &token)
        .await
        .json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let path = format!("/queries/receiving/subscriptions/{sub_id}");
    assert_eq!(s.get(&path, &token).await.json()["stream"], true);
    let del = s
        .send(reqwest::Method::DELETE, &path, Some(&token), &[], None)
        .await;
    assert_eq!(del.status.as_u16(), 204);
    s.get(&path, &token)
        .await
        .assert_problem(404, "NoSuchResourceException");
}

async fn webhook_retries_until_accepted(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    let (url, mut rx, attempts) = receiver(2).await;
    named_query(&s, &token, "all", json!({})).await;
    let r = s
        .post_json(
            "/queries/all/subscriptions",
            &token,
            &json!({"dest": url, "stream": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let id = "urn:uuid:00000000-0000-4000-8000-000000000003";
    s.capture(&token, &receiving_event(id), &[]).await;
    let d = next(&mut rx).await;
    assert!(d.signature.is_none(), "no signatureToken, no signature");
    assert_eq!(ids(&d.events()), vec![id.to_owned()]);
    assert!(
        attempts.load(Ordering::SeqCst) >= 3,
        "two failures, then success"
    );
    nothing(&mut rx).await;
}

async fn scheduled_webhook(db: Db) {
    let Some((s, clock)) = start_manual(db, "2024-06-01T00:00:00Z").await else {
        return;
    };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    let (url, mut rx, _) = receiver(0).await;
    named_query(&s, &token, "daily", json!({"eventType": ["ObjectEvent"]})).await;
    let r = s
        .post_json(
            "/queries/daily/subscriptions",
            &token,
            &json!({
                "dest": url,
                "signatureToken": "k",
                "schedule": {"hour": "1", "minute": "5"},
                "reportIfEmpty": true
            }),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    s.capture(&token, &fixture("cashmere.jsonld"), &[]).await;
    s.capture(&token, &fixture("processing.xml"), &[]).await;
    nothing(&mut rx).await;

    clock.set(t("2024-06-01T01:04:59Z"));
    nothing(&mut rx).await;
    clock.set(t("2024-06-01T01:05:00Z"));
    let d = next(&mut rx).await;
    assert!(webhook::verify(
        "k",
        &d.body,
        &d.signature.clone().unwrap_or_default()
    ));
    assert_eq!(
        d.events().len(),
        3,
        "the three ObjectEvents, not the others"
    );

    // The next day nothing new was captured: reportIfEmpty sends an empty result.
    clock.set(t("2024-06-01T13:00:00Z"));
    nothing(&mut rx).await;
    clock.set(t("2024-06-02T01:05:30Z"));
    let d = next(&mut rx).await;
    assert_eq!(d.events().len(), 0);
    nothing(&mut rx).await;
}

fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&chrono::Utc)
}

async fn websocket_stream(db: Db) {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let Some(s) = start(db).await else { return };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    named_query(
        &s,
        &token,
        "inspections",
        json!({"EQ_bizStep": ["inspecting"]}),
    )
    .await;
    let url = format!(
        "{}/queries/inspections/events?stream=true",
        s.base.replacen("http://", "ws://", 1)
    );
    let mut req = url.clone().into_client_request().expect("request");
    req.headers_mut().insert(
        "Authorization",
        format!("Bearer {token}").parse().expect("header"),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("handshake");
    assert_eq!(resp.status().as_u16(), 101);

    s.capture(&token, &fixture("cashmere.jsonld"), &[]).await;
    let msg = tokio::time::timeout(Duration::from_secs(30), ws.next())
        .await
        .expect("a message within 30 s")
        .expect("stream open")
        .expect("message");
    let text = msg.into_text().expect("text message");
    let doc: Value = serde_json::from_str(text.as_str()).expect("JSON");
    assert_eq!(doc["type"], "EPCISQueryDocument");
    let events = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["bizStep"], "inspecting");

    // Without a token the handshake is refused with 401.
    let req = url.into_client_request().expect("request");
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }
}

async fn subscription_controls_are_checked(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    named_query(&s, &token, "q", json!({})).await;
    for body in [
        json!({"dest": "http://127.0.0.1:9/x"}),
        json!({"dest": "http://127.0.0.1:9/x", "stream": true, "schedule": {"hour": "1"}}),
        json!({"dest": "http://127.0.0.1:9/x", "schedule": {"hour": "25"}}),
        json!({"dest": "ftp://example.com/", "stream": true}),
        json!({"stream": true}),
    ] {
        let r = s.post_json("/queries/q/subscriptions", &token, &body).await;
        r.assert_problem(400, "SubscriptionControlsException");
    }
    let r = s
        .post_json(
            "/queries/nope/subscriptions",
            &token,
            &json!({"dest": "http://a/", "stream": true}),
        )
        .await;
    r.assert_problem(404, "NoSuchNameException");
}

/// Two processes on one store, both delivering: every event reaches the receiver exactly once.
async fn two_processes_never_double_deliver(db: Db) {
    let Some(s) = start(db).await else { return };
    let other = app::App::new(s.app.store.clone(), test_config());
    let other_workers = other.spawn_workers();
    let token = s.org("coop", Role::Cooperative, &[]).await;
    let (url, mut rx, _) = receiver(0).await;
    named_query(&s, &token, "all", json!({})).await;
    let r = s
        .post_json(
            "/queries/all/subscriptions",
            &token,
            &json!({"dest": url, "stream": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let mut want = std::collections::HashSet::new();
    for i in 0..20 {
        let id = format!("urn:uuid:00000000-0000-4000-8000-{:012}", 1000 + i);
        let principal = app::orgs::principal(&other, "coop").await.expect("org");
        // Half the captures go through the other process, so both see new events first.
        if i % 2 == 0 {
            s.capture(&token, &receiving_event(&id), &[]).await;
        } else {
            app::capture::capture_document(
                &other,
                &principal,
                &receiving_event(&id),
                store::CaptureMode::Atomic,
            )
            .await
            .expect("capture");
        }
        want.insert(id);
    }
    let mut got = Vec::new();
    while got.len() < want.len() {
        got.extend(ids(&next(&mut rx).await.events()));
    }
    nothing(&mut rx).await;
    let unique: std::collections::HashSet<String> = got.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        got.len(),
        "an event was delivered twice: {got:?}"
    );
    assert_eq!(unique, want);
    other_workers.shutdown().await;
}

on_backends!(
    two_processes_never_double_deliver,
    streaming_webhook,
    webhook_retries_until_accepted,
    scheduled_webhook,
    websocket_stream,
    subscription_controls_are_checked,
);
