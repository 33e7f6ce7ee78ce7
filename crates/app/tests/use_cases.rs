//! The use cases over the in-memory reference store, with an injected clock.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use app::clock::{ManualClock, SeededRandom};
use app::memory::MemoryStore;
use app::{App, AppError, Config};
use chrono::{DateTime, Utc};
use nooluur_app as app;
use nooluur_store::{CaptureMode, NewCaptureJob, PageRequest, Role};
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn test_app() -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t("2024-06-01T08:00:00Z")));
    let app = App::with_clock(
        Arc::new(MemoryStore::new()),
        Config::default(),
        clock.clone(),
        Arc::new(SeededRandom::new(7)),
    );
    (app, clock)
}

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

fn event(id: Option<&str>, step: &str) -> serde_json::Value {
    let mut e = json!({
        "type": "ObjectEvent",
        "eventTime": "2024-05-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:4712345.012347.7001"],
        "action": "OBSERVE",
        "bizStep": step
    });
    if let Some(id) = id {
        e["eventID"] = id.into();
    }
    e
}

const ID: &str = "urn:uuid:00000000-0000-4000-8000-000000000901";

#[tokio::test]
async fn capture_fills_record_time_and_keeps_client_event_ids() {
    let (app, clock) = test_app();
    let (org, token) = app::orgs::add(&app, "coop", Role::Cooperative, &[])
        .await
        .unwrap();
    assert_eq!(token.len(), 43, "32 bytes, base64url without padding");
    let principal = app::auth::authenticate(&app, Some(&format!("Bearer {token}")))
        .await
        .unwrap();
    assert_eq!(principal.org, org);
    clock.set(t("2024-06-01T09:30:00Z"));
    let report = app::capture::capture_document(
        &app,
        &principal,
        &doc(vec![event(Some(ID), "receiving"), event(None, "shipping")]),
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    assert_eq!(report.event_ids.len(), 2);
    assert_eq!(
        report.event_ids[0], ID,
        "the client's eventID is kept as sent"
    );
    assert!(!report.event_ids[1].is_empty());
    let stored = app::query::event(&app, &principal, ID)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        stored.event.record_time.as_deref(),
        Some("2024-06-01T09:30:00.000Z")
    );
    assert_eq!(stored.captured_by, org.id);
}

#[tokio::test]
async fn bad_tokens_and_roles() {
    let (app, _) = test_app();
    let (_, token) = app::orgs::add(&app, "ministry", Role::Regulator, &[])
        .await
        .unwrap();
    for header in [None, Some("Bearer nope"), Some("Basic abc")] {
        let e = app::auth::authenticate(&app, header).await.unwrap_err();
        assert_eq!(e.status(), 401, "{header:?}");
    }
    let p = app::auth::authenticate(&app, Some(&format!("Bearer {token}")))
        .await
        .unwrap();
    let e = app::capture::capture_document(&app, &p, &doc(vec![]), CaptureMode::Atomic)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)), "{e}");
    assert_eq!(
        e.problem(Some("/capture"))["type"],
        "epcisException:SecurityException"
    );
}

#[tokio::test]
async fn jobs_left_by_another_process_are_processed_from_the_stored_document() {
    let (app, _) = test_app();
    let (org, _) = app::orgs::add(&app, "coop", Role::Cooperative, &[])
        .await
        .unwrap();
    // Queued straight in the store, as a process that died after answering 202 would leave it.
    let job = app
        .store
        .create_capture_job(NewCaptureJob {
            org: org.id,
            mode: CaptureMode::Atomic,
            document: doc(vec![event(Some(ID), "receiving")]),
            content_type: "application/ld+json".into(),
        })
        .await
        .unwrap();
    assert_eq!(app::jobs::run_pending(&app).await.unwrap(), 1);
    let principal = app::orgs::principal(&app, "coop").await.unwrap();
    let done = app::jobs::get(&app, &principal, &job.id).await.unwrap();
    let v = app::jobs::to_json(&done);
    assert_eq!(v["running"], false);
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(v["captureErrorBehaviour"], "rollback");
    let stored = app::query::event(&app, &principal, ID)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(stored.capture_id.as_deref(), Some(job.id.as_str()));

    // The same document again: the job fails as a whole and says why.
    let again = app::jobs::submit(
        &app,
        &principal,
        doc(vec![event(None, "shipping"), event(Some(ID), "receiving")]),
        "application/ld+json",
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    app::jobs::run_pending(&app).await.unwrap();
    let v = app::jobs::to_json(&app::jobs::get(&app, &principal, &again.id).await.unwrap());
    assert_eq!(v["success"], false);
    assert_eq!(
        v["errors"][0]["type"],
        "epcisException:ResourceAlreadyExistsException"
    );
    assert_eq!(v["errors"][0]["errors"][0]["eventIndex"], 1, "{v}");
    assert_eq!(app.store.count_events().await.unwrap(), 1, "rolled back");
    let page = app::jobs::list(&app, &principal, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
}

#[tokio::test]
async fn size_and_count_limits() {
    let clock = Arc::new(ManualClock::new(t("2024-06-01T08:00:00Z")));
    let app = App::with_clock(
        Arc::new(MemoryStore::new()),
        Config {
            capture_limit: 1,
            capture_file_size_limit: 10_000,
            ..Config::default()
        },
        clock,
        Arc::new(SeededRandom::new(1)),
    );
    app::orgs::add(&app, "coop", Role::Cooperative, &[])
        .await
        .unwrap();
    let p = app::orgs::principal(&app, "coop").await.unwrap();
    let two = doc(vec![event(None, "shipping"), event(None, "receiving")]);
    let e = app::jobs::submit(&app, &p, two, "", CaptureMode::Atomic)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 413);
    let e = app::jobs::submit(&app, &p, vec![b' '; 10_001], "", CaptureMode::Atomic)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 413);
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

/// An error declaration shares the eventID of the event it declares erroneous (EPCIS 2.0
/// §7.4.1.2): without eventIDs both get the same hash ID, and both are captured; a second
/// event or a second declaration under that eventID is still a duplicate.
#[tokio::test]
async fn error_declaration_beside_its_event() {
    let (app, _) = test_app();
    let (_, token) = app::orgs::add(&app, "coop", Role::Cooperative, &[])
        .await
        .unwrap();
    let principal = app::auth::authenticate(&app, Some(&format!("Bearer {token}")))
        .await
        .unwrap();
    let mut declared = event(None, "receiving");
    declared["errorDeclaration"] = json!({
        "declarationTime": "2024-05-03T00:00:00.000Z",
        "reason": "incorrect_data"
    });
    let report = app::capture::capture_document(
        &app,
        &principal,
        &doc(vec![event(None, "receiving"), declared.clone()]),
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    assert_eq!(report.event_ids.len(), 2);
    assert_eq!(report.event_ids[0], report.event_ids[1], "the hash ID");
    assert!(report.event_ids[0].starts_with("ni:///"));
    let both = app::query::event(&app, &principal, &report.event_ids[0])
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    assert!(both[0].event.error_declaration.is_none());
    assert!(both[1].event.error_declaration.is_some());
    for again in [
        vec![declared.clone(), declared.clone()],
        vec![event(None, "receiving")],
        vec![declared],
    ] {
        let err =
            app::capture::capture_document(&app, &principal, &doc(again), CaptureMode::Atomic)
                .await
                .unwrap_err();
        assert!(matches!(err, AppError::AlreadyExists { .. }), "{err:?}");
    }
}
