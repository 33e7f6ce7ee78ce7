//! Values at the edges: texts a wire format could take for its own syntax, numbers at the
//! limits of a double, and values longer than a backend can index.

use std::sync::Arc;

use nooluur_store::{CaptureMode, Store, StoreError, Viewer};
use serde_json::json;

use crate::fixtures::*;
use crate::scenarios::page;

fn all() -> Viewer {
    Viewer::operator()
}

/// Texts that a wire format could mistake for its own syntax (tabs, newlines, backslashes, the
/// text format's `\\N` for NULL, quotes, control and non-ASCII characters), numbers at the
/// edges of a double, and a long text come back exactly as captured and are found by value.
pub async fn awkward_values_round_trip(s: Arc<dyn Store>) {
    let awkward = "tab\there\nnew line\\N \\ back\\slash \"quoted\" \r ноолуур \u{1}";
    let long = "x".repeat(2_000);
    let v = json!({
        "type": "ObjectEvent", "eventID": "urn:uuid:awkward",
        "eventTime": "2021-03-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE", "bizStep": "receiving",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.9"],
        "readPoint": {"id": "urn:example:rp:\\N"},
        "quantityList": [{"epcClass": "urn:example:lot:1", "quantity": 1.0e-300, "uom": "KGM"},
                         {"epcClass": "urn:example:lot:2", "quantity": 1.7976931348623157e308}],
        "ex:note": awkward,
        "ex:long": long,
        "ex:tiny": 5e-324,
    });
    let new = new_event(v, 1);
    let captured = new.event.clone();
    s.insert_events(vec![new], CaptureMode::Atomic)
        .await
        .unwrap();
    let got = s.get_event("urn:uuid:awkward", &all()).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event, captured);
    for (name, value) in [
        ("EQ_ex:note", awkward),
        ("EQ_readPoint", "urn:example:rp:\\N"),
        ("GE_quantity", "1e308"),
        ("LT_quantity", "1e-299"),
        ("EQ_ex:tiny", "5e-324"),
    ] {
        let found = s
            .query_events(&query(&[(name, value)]), &all(), &page(10))
            .await
            .unwrap();
        assert_eq!(ids(&found.items), ["urn:uuid:awkward"], "{name}");
    }
}

/// A value longer than PostgreSQL's B-trees can hold: PostgreSQL refuses the event by name and
/// field (with rollback nothing is stored, with proceed the others are); SQLite stores and
/// finds it.
pub async fn values_too_long_for_an_index(s: Arc<dyn Store>) {
    let long = |id: &str, field: &str| {
        let mut v = simple(id, "2022-01-01T00:00:00Z");
        v[field] = json!("y".repeat(3_000));
        v
    };
    let batch = || {
        vec![
            new_event(simple("urn:uuid:short", "2022-01-01T00:00:00Z"), 1),
            new_event(long("urn:uuid:long", "ex:note"), 1),
            new_event(
                {
                    let mut v = simple("urn:uuid:long-rp", "2022-01-01T00:00:00Z");
                    v["readPoint"] = json!({"id": format!("urn:example:{}", "r".repeat(3_000))});
                    v
                },
                1,
            ),
        ]
    };
    let atomic = s.insert_events(batch(), CaptureMode::Atomic).await;
    if s.backend() == nooluur_store::Backend::Postgres {
        match atomic {
            Err(StoreError::InvalidEvent { index: 1, message }) => {
                assert!(message.contains("#note is 3000 bytes long"), "{message}");
                assert!(message.contains("at most 2600 bytes"), "{message}");
            }
            other => panic!("expected the long event refused, got {other:?}"),
        }
        assert_eq!(s.count_events().await.unwrap(), 0);
        let report = s
            .insert_events(batch(), CaptureMode::Proceed)
            .await
            .unwrap();
        assert_eq!(report.inserted, [1]);
        let rejected: Vec<usize> = report.rejected.iter().map(|(i, _)| *i).collect();
        assert_eq!(rejected, [1, 2]);
        assert!(
            report.rejected[1].1.contains("readPoint"),
            "{:?}",
            report.rejected
        );
        assert_eq!(s.count_events().await.unwrap(), 1);
    } else {
        assert_eq!(atomic.unwrap().inserted, [1, 2, 3]);
        let found = s
            .query_events(
                &query(&[("EQ_ex:note", &"y".repeat(3_000))]),
                &all(),
                &page(10),
            )
            .await
            .unwrap();
        assert_eq!(ids(&found.items), ["urn:uuid:long"]);
    }
}

/// A key longer than PostgreSQL's B-trees hold that comes from outside events (here an
/// organisation's name) is told apart from a failure of the store: the database refused the
/// input, and nothing was written. SQLite stores it.
pub async fn other_keys_too_long_for_an_index(s: Arc<dyn Store>) {
    let name = nooluur_store::testing::incompressible_letters(3_000, 7);
    let made = s
        .create_org(crate::admin_scenarios::org(
            &name,
            nooluur_store::Role::Cooperative,
            "h1",
        ))
        .await;
    if s.backend() == nooluur_store::Backend::Postgres {
        let e = made.unwrap_err();
        let message = e.too_long_for_the_database().unwrap_or_default();
        assert!(message.contains("index row size"), "{e}");
        assert!(s.org_by_name(&name).await.unwrap().is_none());
    } else {
        assert!(made.unwrap().name == name);
        assert!(
            StoreError::BadPageToken
                .too_long_for_the_database()
                .is_none()
        );
    }
}
