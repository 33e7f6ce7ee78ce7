//! Error declarations (EPCIS 2.0 §7.4.1.2): a declaration repeats the eventID of the event it
//! declares erroneous, so an eventID is unique per (eventID, declared).

use std::sync::Arc;

use nooluur_store::{CaptureMode, NewEvent, Store, StoreError, Viewer};
use serde_json::{Value, json};

use crate::fixtures::*;

/// `event` with an `errorDeclaration`.
fn declaration(mut event: Value, reason: &str) -> Value {
    event["errorDeclaration"] = json!({
        "declarationTime": "2024-02-01T00:00:00Z",
        "reason": reason,
        "correctiveEventIDs": ["urn:uuid:fix"]
    });
    event
}

fn declared(v: Value) -> NewEvent {
    new_event(declaration(v, "incorrect_data"), 1)
}

pub async fn error_declarations(s: Arc<dyn Store>) {
    let all = Viewer::operator();
    let plain = simple("urn:uuid:e1", "2022-01-01T00:00:00Z");
    // An event and its declaration in one batch.
    let r = s
        .insert_events(
            vec![new_event(plain.clone(), 1), declared(plain.clone())],
            CaptureMode::Atomic,
        )
        .await
        .unwrap();
    assert_eq!(r.inserted, [1, 2]);
    let got = s.get_event("urn:uuid:e1", &all).await.unwrap();
    assert_eq!(got.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
    assert!(got[0].event.error_declaration.is_none());
    let d = got[1]
        .event
        .error_declaration
        .as_ref()
        .expect("declaration");
    assert_eq!(d.reason.as_deref(), Some("incorrect_data"));
    // EQ_eventID matches both.
    let hits = all_pages(&*s, &query(&[("EQ_eventID", "urn:uuid:e1")]), &all, 10).await;
    assert_eq!(hits.len(), 2);

    // A second plain event, or a second declaration, with that eventID is refused.
    for again in [new_event(plain.clone(), 1), declared(plain.clone())] {
        match s.insert_events(vec![again], CaptureMode::Atomic).await {
            Err(StoreError::DuplicateEventId(id)) => assert_eq!(id, "urn:uuid:e1"),
            other => panic!("expected a duplicate, got {other:?}"),
        }
    }
    let r = s
        .insert_events(
            vec![
                declared(plain.clone()),
                new_event(plain.clone(), 1),
                new_event(simple("urn:uuid:e2", "2022-01-01T00:00:00Z"), 1),
            ],
            CaptureMode::Proceed,
        )
        .await
        .unwrap();
    assert_eq!(r.inserted, [3]);
    let why: Vec<&str> = r.rejected.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(why.len(), 2, "{why:?}");
    assert!(why[0].contains("error declaration"), "{why:?}");
    assert!(why[1].contains("urn:uuid:e1"), "{why:?}");
    assert_eq!(s.count_events().await.unwrap(), 3);

    // Two declarations of one eventID in a batch: the batch is refused.
    let other = simple("urn:uuid:e3", "2022-01-01T00:00:00Z");
    match s
        .insert_events(
            vec![declared(other.clone()), declared(other.clone())],
            CaptureMode::Atomic,
        )
        .await
    {
        Err(StoreError::DuplicateEventId(id)) => assert_eq!(id, "urn:uuid:e3"),
        other => panic!("expected a duplicate, got {other:?}"),
    }

    // A declaration whose event is stored elsewhere is accepted; its event may follow.
    let r = s
        .insert_events(vec![declared(other.clone())], CaptureMode::Atomic)
        .await
        .unwrap();
    assert_eq!(r.inserted, [4]);
    let r = s
        .insert_events(vec![new_event(other, 1)], CaptureMode::Atomic)
        .await
        .unwrap();
    assert_eq!(r.inserted, [5]);
    let got = s.get_event("urn:uuid:e3", &all).await.unwrap();
    assert_eq!(got.len(), 2);
    assert!(got[0].event.error_declaration.is_some(), "capture order");
    assert!(got[1].event.error_declaration.is_none());
    assert!(s.get_event("urn:uuid:none", &all).await.unwrap().is_empty());
}
