//! Provenance scenarios every backend must pass: the lot ledger kept in the capturing
//! transaction (docs/cashmere-profile.md).

use std::sync::Arc;

use epcis::Namespaces;
use nooluur_store::{CaptureMode, NewEvent, OrgId, Relation, Store, StoreError, Viewer};
use serde_json::{Value, json};

const CM: &str = "https://nooluur.org/voc/cashmere/";

fn ns() -> Namespaces {
    let mut n = Namespaces::new();
    n.insert("cm", CM);
    n
}

fn new_event(v: Value) -> NewEvent {
    let mut e: epcis::Event = serde_json::from_value(v).unwrap();
    e.record_time = Some("2024-06-01T00:00:00Z".into());
    let id = e.event_id.clone().unwrap();
    NewEvent {
        event: e,
        hash_id: format!("ni:///sha-256;{}?ver=CBV2.0", id.replace(':', "")),
        namespaces: ns(),
        captured_by: OrgId(1),
        capture_id: None,
    }
}

fn lot(name: &str) -> String {
    format!("https://coop.example.mn/lot/{name}")
}

fn combing(id: &str, name: &str, kg: f64, household: u32) -> NewEvent {
    new_event(json!({
        "type": "ObjectEvent", "eventID": id,
        "eventTime": "2024-04-10T09:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "epcList": [], "action": "ADD", "bizStep": "commissioning",
        "bizLocation": {"id": "https://id.nooluur.org/soum/18101"},
        "quantityList": [{"epcClass": lot(name), "quantity": kg, "uom": "KGM"}],
        "ilmd": {
            "cm:household": format!("https://id.nooluur.org/household/18101-{household:05}"),
            "cm:soum": "18101", "cm:goatsCombed": 100, "cm:colour": "white", "cm:season": "2024"
        },
        "cm:process": "combing", "cm:profile": "1"
    }))
}

fn pooling(id: &str, inputs: &[(&str, f64)], outputs: &[(&str, f64)]) -> NewEvent {
    let q = |xs: &[(&str, f64)]| -> Vec<Value> {
        xs.iter()
            .map(|(n, kg)| json!({"epcClass": lot(n), "quantity": kg, "uom": "KGM"}))
            .collect()
    };
    new_event(json!({
        "type": "TransformationEvent", "eventID": id,
        "eventTime": "2024-05-01T09:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "bizStep": "commissioning",
        "inputQuantityList": q(inputs), "outputQuantityList": q(outputs),
        "cm:process": "pooling", "cm:profile": "1"
    }))
}

async fn count(s: &dyn Store) -> i64 {
    s.count_events().await.unwrap()
}

/// Two households comb in one document; a second pools part of each lot; a third pools the rest.
pub async fn provenance_chain_in_two_batches(s: Arc<dyn Store>) {
    s.insert_events(
        vec![
            combing("urn:uuid:c1", "h1", 10.0, 1),
            combing("urn:uuid:c2", "h2", 30.0, 2),
        ],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    s.insert_events(
        vec![pooling(
            "urn:uuid:p1",
            &[("h1", 4.0), ("h2", 12.0)],
            &[("pool1", 16.0)],
        )],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let h1 = s.lot(&lot("h1")).await.unwrap().unwrap();
    assert_eq!((h1.quantity_g, h1.consumed_g), (10_000, 4_000));
    assert_eq!(h1.created_by_event, "urn:uuid:c1");
    let pool = s.lot(&lot("pool1")).await.unwrap().unwrap();
    assert_eq!(pool.quantity_g, 16_000);
    let comp = s.composition(&pool.composition_ref).await.unwrap().unwrap();
    let w = comp.weights();
    assert_eq!(w.values().sum::<u128>(), provenance::SCALE);
    assert_eq!(w[lot("h1").as_str()], provenance::SCALE / 4);
    // The rest of both lots, exactly.
    s.insert_events(
        vec![pooling(
            "urn:uuid:p2",
            &[("h1", 6.0), ("h2", 18.0)],
            &[("pool2", 24.0)],
        )],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let h2 = s.lot(&lot("h2")).await.unwrap().unwrap();
    assert_eq!(h2.remaining_g(), 0);
    // The graph, both ways.
    let back = s
        .graph_edges(Relation::InputsOf, &[lot("pool1")])
        .await
        .unwrap();
    let mut from: Vec<String> = back.iter().map(|e| e.from.clone()).collect();
    from.sort();
    assert_eq!(from, [lot("h1"), lot("h2")]);
    assert!(back.iter().all(|e| e.event == "urn:uuid:p1"));
    let fwd = s
        .graph_edges(Relation::OutputsOf, &[lot("h1")])
        .await
        .unwrap();
    assert_eq!(fwd.len(), 2);
    let evs = s.graph_events(&[lot("h1")]).await.unwrap();
    assert_eq!(evs, [(lot("h1"), "urn:uuid:c1".to_owned())]);
    assert!(s.lot(&lot("nope")).await.unwrap().is_none());
    assert!(s.garment("urn:epc:id:sgtin:1.2.3").await.unwrap().is_none());
}

/// Taking more than a lot has is refused with the figures, and nothing of the batch is stored.
pub async fn provenance_over_consumption_atomic(s: Arc<dyn Store>) {
    s.insert_events(
        vec![combing("urn:uuid:c1", "h1", 10.0, 1)],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let before = count(&*s).await;
    let err = s
        .insert_events(
            vec![
                combing("urn:uuid:c2", "h2", 5.0, 2),
                pooling(
                    "urn:uuid:p1",
                    &[("h1", 10.5), ("h2", 5.0)],
                    &[("pool", 15.5)],
                ),
            ],
            CaptureMode::Atomic,
        )
        .await
        .unwrap_err();
    match err {
        StoreError::Provenance(r) => match *r {
            provenance::Rejection::OverConsumption {
                index,
                lot: l,
                quantity_g,
                asked_g,
                ..
            } => {
                assert_eq!(
                    (index, l.as_str(), quantity_g, asked_g),
                    (1, lot("h1").as_str(), 10_000, 10_500)
                );
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&*s).await, before);
    assert!(s.lot(&lot("h2")).await.unwrap().is_none());
    assert_eq!(s.lot(&lot("h1")).await.unwrap().unwrap().consumed_g, 0);
    // A profile violation fails the batch too, naming the field.
    let mut bad = combing("urn:uuid:c3", "h3", 1.0, 3);
    bad.event.ilmd.as_mut().unwrap().remove("cm:soum");
    let err = s
        .insert_events(vec![bad], CaptureMode::Atomic)
        .await
        .unwrap_err();
    match err {
        StoreError::Profile { index, violations } => {
            assert_eq!(index, 0);
            assert!(
                violations[0]
                    .location
                    .field
                    .as_deref()
                    .unwrap_or("")
                    .contains("soum"),
                "{violations:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Capturing the first document again is a duplicate, not a ledger conflict.
    let again = s
        .insert_events(
            vec![combing("urn:uuid:c1", "h1", 10.0, 1)],
            CaptureMode::Atomic,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::DuplicateEventId(_)),
        "{again:?}"
    );
}

/// Proceed mode leaves out only the event the ledger refuses.
pub async fn provenance_proceed_leaves_out_the_bad_event(s: Arc<dyn Store>) {
    let report = s
        .insert_events(
            vec![
                combing("urn:uuid:c1", "h1", 10.0, 1),
                pooling("urn:uuid:p1", &[("h1", 11.0)], &[("pool", 11.0)]),
                pooling("urn:uuid:p2", &[("h1", 6.0)], &[("pool2", 6.0)]),
            ],
            CaptureMode::Proceed,
        )
        .await
        .unwrap();
    assert_eq!(report.inserted.len(), 2);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, 1);
    assert!(
        report.rejected[0].1.contains("11 kg"),
        "{:?}",
        report.rejected
    );
    assert!(
        s.get_event("urn:uuid:p1", &Viewer::operator())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.lot(&lot("pool")).await.unwrap().is_none());
    assert_eq!(s.lot(&lot("h1")).await.unwrap().unwrap().consumed_g, 6_000);
}

/// Two concurrent captures each taking 6 kg of a 10 kg lot: exactly one succeeds.
pub async fn provenance_concurrent_consumption(s: Arc<dyn Store>) {
    s.insert_events(
        vec![combing("urn:uuid:c1", "h1", 10.0, 1)],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for n in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("urn:uuid:p{n}");
            let out = format!("pool{n}");
            s.insert_events(
                vec![pooling(&id, &[("h1", 6.0)], &[(out.as_str(), 6.0)])],
                CaptureMode::Atomic,
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Provenance(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1);
    let h1 = s.lot(&lot("h1")).await.unwrap().unwrap();
    assert_eq!(h1.consumed_g, 6_000);
    assert_eq!(count(&*s).await, 2);
}

/// An error declaration is stored and logged but is no ledger step: declaring a combing or a
/// pooling erroneous neither creates its lot again nor consumes its inputs twice.
pub async fn provenance_ignores_error_declarations(s: Arc<dyn Store>) {
    let declare = |mut e: NewEvent| {
        e.event.error_declaration = Some(epcis::ErrorDeclaration {
            declaration_time: "2024-06-02T00:00:00Z".into(),
            reason: Some("incorrect_data".into()),
            corrective_event_ids: None,
            extensions: Default::default(),
        });
        e
    };
    s.insert_events(
        vec![
            combing("urn:uuid:c1", "h1", 10.0, 1),
            pooling("urn:uuid:p1", &[("h1", 8.0)], &[("pool", 8.0)]),
        ],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let r = s
        .insert_events(
            vec![
                declare(combing("urn:uuid:c1", "h1", 10.0, 1)),
                declare(pooling("urn:uuid:p1", &[("h1", 8.0)], &[("pool", 8.0)])),
            ],
            CaptureMode::Atomic,
        )
        .await
        .unwrap();
    assert_eq!(r.inserted, [3, 4]);
    assert_eq!(count(&*s).await, 4);
    let h1 = s.lot(&lot("h1")).await.unwrap().unwrap();
    assert_eq!((h1.quantity_g, h1.consumed_g), (10_000, 8_000));
    assert_eq!(h1.created_by_event, "urn:uuid:c1");
    let pool = s.lot(&lot("pool")).await.unwrap().unwrap();
    assert_eq!((pool.quantity_g, pool.consumed_g), (8_000, 0));
    // A declaration that breaks the profile is no step either, so it is not checked against it.
    let mut bad = declare(combing("urn:uuid:c9", "h9", 1.0, 9));
    bad.event.ilmd.as_mut().unwrap().remove("cm:soum");
    s.insert_events(vec![bad], CaptureMode::Atomic)
        .await
        .unwrap();
    assert!(s.lot(&lot("h9")).await.unwrap().is_none());
    let got = s
        .get_event("urn:uuid:p1", &Viewer::operator())
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
}
