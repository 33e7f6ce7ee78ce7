//! The scenarios every backend must pass.

use std::collections::HashSet;
use std::sync::Arc;

use epcis::query::EventQuery;
use nooluur_store::{
    CaptureMode, OrgId, PageRequest, Resource, SqliteStore, Store, StoreError, Viewer,
};
use serde_json::json;

use crate::admin_scenarios::named;
pub use crate::admin_scenarios::*;
pub use crate::credential_scenarios::*;
pub use crate::declaration_scenarios::*;
use crate::fixtures::*;
pub use crate::provenance_scenarios::*;
pub use crate::record_scenarios::*;
pub use crate::together_scenarios::*;
pub use crate::value_scenarios::*;

fn all() -> Viewer {
    Viewer::operator()
}

pub(crate) fn page(n: u32) -> PageRequest {
    PageRequest {
        per_page: Some(n),
        token: None,
    }
}

async fn seed_ab(s: &dyn Store) {
    s.insert_events(
        vec![new_event(event_a(), 1), new_event(event_b(), 2)],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
}

pub async fn every_query_parameter(s: Arc<dyn Store>) {
    seed_ab(&*s).await;
    let mut failures = Vec::new();
    let stored = all_pages(&*s, &EventQuery::all(), &all(), 10).await;
    for (param, value, a, b) in CASES {
        let q = query(&[(param, value)]);
        let got: HashSet<String> = ids(&all_pages(&*s, &q, &all(), 1).await)
            .into_iter()
            .collect();
        let mut want = HashSet::new();
        if *a {
            want.insert("urn:uuid:a".to_owned());
        }
        if *b {
            want.insert("urn:uuid:b".to_owned());
        }
        if got != want {
            failures.push(format!("{param}={value}: got {got:?}, want {want:?}"));
        }
        // The in-memory evaluation agrees.
        let mem: HashSet<String> = stored
            .iter()
            .filter(|e| q.matches_in(&e.event, &e.namespaces))
            .map(|e| e.event.event_id.clone().unwrap_or_default())
            .collect();
        if mem != want {
            failures.push(format!("in memory {param}={value}: got {mem:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

pub async fn query_parameters_in_json(s: Arc<dyn Store>) {
    seed_ab(&*s).await;
    let body = json!({
        "@context": {"ex": EX},
        "eventType": ["ObjectEvent", "AggregationEvent"],
        "EQ_bizStep": ["commissioning"],
        "GT_quantity": 100,
        "EQ_ILMD_ex:goats": 30,
        "EXISTS_errorDeclaration": null
    });
    let q = EventQuery::from_json(&body).unwrap();
    assert_eq!(ids(&all_pages(&*s, &q, &all(), 5).await), ["urn:uuid:a"]);
    // An undeclared prefix resolves through the namespaces events used.
    let q = EventQuery::from_json(&json!({"EQ_ex:grade": ["A"]})).unwrap();
    assert_eq!(ids(&all_pages(&*s, &q, &all(), 5).await), ["urn:uuid:a"]);
    let q = EventQuery::from_json(&json!({"EQ_zz:grade": ["A"]})).unwrap();
    assert!(all_pages(&*s, &q, &all(), 5).await.is_empty());
}

pub async fn identifiers_match_in_any_spelling(s: Arc<dyn Store>) {
    // Stored as URN; queried as the canonical form, and the other way round.
    let urn = "urn:epc:id:sgtin:0614141.107346.2017";
    let canonical = epcis::id::canonical(urn);
    let mut a = simple("urn:uuid:u1", "2022-01-01T00:00:00Z");
    a["epcList"] = json!([urn]);
    let mut b = simple("urn:uuid:u2", "2022-01-01T00:00:00Z");
    b["epcList"] = json!([canonical]);
    s.insert_events(vec![new_event(a, 1), new_event(b, 1)], CaptureMode::Atomic)
        .await
        .unwrap();
    for v in [urn, canonical.as_str()] {
        let got = ids(&all_pages(&*s, &query(&[("MATCH_epc", v)]), &all(), 10).await);
        assert_eq!(got, ["urn:uuid:u1", "urn:uuid:u2"], "MATCH_epc={v}");
    }
    // A pattern matches identifiers stored in either spelling.
    let got = ids(&all_pages(
        &*s,
        &query(&[("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*")]),
        &all(),
        10,
    )
    .await);
    assert_eq!(got, ["urn:uuid:u1", "urn:uuid:u2"]);
    let mut c = simple("urn:uuid:u3", "2022-01-01T00:00:00Z");
    c["quantityList"] = json!([{"epcClass": epcis::id::canonical(
        "urn:epc:class:lgtin:4012345.012345.998877"), "quantity": 1}]);
    s.insert_events(vec![new_event(c, 1)], CaptureMode::Atomic)
        .await
        .unwrap();
    for v in [
        "urn:epc:class:lgtin:4012345.012345.998877",
        "urn:epc:idpat:sgtin:4012345.012345.*",
    ] {
        let got = ids(&all_pages(&*s, &query(&[("MATCH_epcClass", v)]), &all(), 10).await);
        assert_eq!(got, ["urn:uuid:u3"], "MATCH_epcClass={v}");
    }
    // CBV values in any spelling.
    for v in [
        "receiving",
        "urn:epcglobal:cbv:bizstep:receiving",
        "https://ref.gs1.org/cbv/BizStep-receiving",
    ] {
        let got = all_pages(&*s, &query(&[("EQ_bizStep", v)]), &all(), 10).await;
        assert_eq!(got.len(), 3, "EQ_bizStep={v}");
    }
}

pub async fn visibility(s: Arc<dyn Store>) {
    let mut e1 = simple("urn:uuid:v1", "2022-01-01T00:00:00Z");
    e1["destinationList"] = json!([{"type": "owning_party", "destination": "urn:example:buyer"}]);
    let mut e2 = simple("urn:uuid:v2", "2022-01-02T00:00:00Z");
    e2["sourceList"] = json!([{"type": "owning_party", "source": "urn:example:other"}]);
    s.insert_events(
        vec![new_event(e1, 1), new_event(e2, 1)],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let capturer = Viewer {
        org: OrgId(1),
        sees_all: false,
        parties: vec![],
    };
    let buyer = Viewer {
        org: OrgId(2),
        sees_all: false,
        parties: vec![epcis::id::canonical("urn:example:buyer")],
    };
    let stranger = Viewer {
        org: OrgId(3),
        sees_all: false,
        parties: vec!["urn:example:nobody".into()],
    };
    let regulator = Viewer {
        org: OrgId(4),
        sees_all: true,
        parties: vec![],
    };
    let q = EventQuery::all();
    assert_eq!(ids(&all_pages(&*s, &q, &capturer, 1).await).len(), 2);
    assert_eq!(ids(&all_pages(&*s, &q, &buyer, 1).await), ["urn:uuid:v1"]);
    assert!(all_pages(&*s, &q, &stranger, 1).await.is_empty());
    assert_eq!(ids(&all_pages(&*s, &q, &regulator, 1).await).len(), 2);
    assert_eq!(s.get_event("urn:uuid:v1", &buyer).await.unwrap().len(), 1);
    assert!(s.get_event("urn:uuid:v2", &buyer).await.unwrap().is_empty());
    assert!(
        s.get_event("urn:uuid:v1", &stranger)
            .await
            .unwrap()
            .is_empty()
    );
    let got = s
        .get_event("urn:uuid:v2", &capturer)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(got.captured_by, OrgId(1));
    // Many at once: the same visibility, capture order, unknown IDs skipped; more IDs than
    // one SQL statement takes.
    let mut many: Vec<String> = (0..1_200).map(|i| format!("urn:uuid:none-{i}")).collect();
    many.push("urn:uuid:v2".into());
    many.insert(7, "urn:uuid:v1".into());
    let seqs = |v: Vec<nooluur_store::StoredEvent>| v.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(s.get_events(&many, &capturer).await.unwrap()), [1, 2]);
    assert_eq!(seqs(s.get_events(&many, &regulator).await.unwrap()), [1, 2]);
    assert_eq!(seqs(s.get_events(&many, &buyer).await.unwrap()), [1]);
    assert!(s.get_events(&many, &stranger).await.unwrap().is_empty());
    assert!(s.get_events(&[], &capturer).await.unwrap().is_empty());
    let epcs = s
        .distinct_values(Resource::BizLocations, &stranger, &page(10))
        .await
        .unwrap();
    assert!(epcs.items.is_empty());
    let epcs = s
        .distinct_values(Resource::Epcs, &buyer, &page(10))
        .await
        .unwrap();
    assert_eq!(epcs.items.len(), 1);
    // A query counts only what the viewer sees.
    let mut q = EventQuery::all();
    q.max_event_count = Some(1);
    assert_eq!(all_pages(&*s, &q, &buyer, 10).await.len(), 1);
    assert!(matches!(
        s.query_events(&q, &capturer, &page(10)).await,
        Err(StoreError::QueryTooLarge { limit: 1 })
    ));
}

pub async fn pagination_with_concurrent_inserts(s: Arc<dyn Store>) {
    let batch: Vec<_> = (0..120)
        .map(|i| {
            new_event(
                simple(
                    &format!("urn:uuid:p{i:04}"),
                    &format!("2022-01-01T00:{:02}:{:02}Z", i / 60, i % 60),
                ),
                1,
            )
        })
        .collect();
    s.insert_events(batch, CaptureMode::Atomic).await.unwrap();
    for order in [None, Some("ASC"), Some("DESC")] {
        let q = match order {
            None => EventQuery::all(),
            Some(d) => query(&[("orderBy", "eventTime"), ("orderDirection", d)]),
        };
        let mut seen = Vec::new();
        let mut token = None;
        let mut extra = 0;
        loop {
            let p = s
                .query_events(
                    &q,
                    &all(),
                    &PageRequest {
                        per_page: Some(25),
                        token: token.take(),
                    },
                )
                .await
                .unwrap();
            seen.extend(ids(&p.items));
            // Writers keep going between pages, with times before, inside and after the range.
            let mut more = Vec::new();
            for t in [
                "2021-01-01T00:00:00Z",
                "2022-01-01T00:00:30.5Z",
                "2023-01-01T00:00:00Z",
            ] {
                extra += 1;
                let id = format!("urn:uuid:x{}-{extra}", order.unwrap_or("seq"));
                more.push(new_event(simple(&id, t), 1));
            }
            s.insert_events(more, CaptureMode::Atomic).await.unwrap();
            match p.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no event twice ({order:?})");
        let originals: Vec<&String> = seen
            .iter()
            .filter(|id| id.starts_with("urn:uuid:p"))
            .collect();
        assert_eq!(
            originals.len(),
            120,
            "every original event once ({order:?})"
        );
        let mut sorted = originals.clone();
        sorted.sort();
        if order == Some("DESC") {
            sorted.reverse();
        }
        assert_eq!(originals, sorted, "in order ({order:?})");
    }
    assert!(matches!(
        s.query_events(
            &EventQuery::all(),
            &all(),
            &PageRequest {
                per_page: Some(5),
                token: Some("not-a-token".into())
            }
        )
        .await,
        Err(StoreError::BadPageToken)
    ));
    // A token from one order is refused by another.
    let p = s
        .query_events(&query(&[("orderBy", "eventTime")]), &all(), &page(2))
        .await
        .unwrap();
    let other = s
        .query_events(
            &EventQuery::all(),
            &all(),
            &PageRequest {
                per_page: Some(2),
                token: p.next_token,
            },
        )
        .await;
    assert!(matches!(other, Err(StoreError::BadPageToken)));
}

pub async fn ordering_and_limits(s: Arc<dyn Store>) {
    let mut batch = Vec::new();
    for (i, w) in [Some(5.0), None, Some(1.5), Some(10.0), None, Some(1.5)]
        .into_iter()
        .enumerate()
    {
        let mut e = simple(
            &format!("urn:uuid:o{i}"),
            &format!("2022-01-0{}T00:00:00Z", 6 - i),
        );
        e["recordTime"] = json!(format!("2022-02-0{}T00:00:00Z", i + 1));
        if let Some(w) = w {
            e["ex:weight"] = json!(w);
        }
        batch.push(new_event(e, 1));
    }
    s.insert_events(batch, CaptureMode::Atomic).await.unwrap();
    let by = |pairs: &[(&str, &str)]| query(pairs);
    let run = |q: EventQuery| {
        let s = s.clone();
        async move { ids(&all_pages(&*s, &q, &all(), 2).await) }
    };
    assert_eq!(
        run(by(&[("orderBy", "eventTime"), ("orderDirection", "ASC")])).await,
        [
            "urn:uuid:o5",
            "urn:uuid:o4",
            "urn:uuid:o3",
            "urn:uuid:o2",
            "urn:uuid:o1",
            "urn:uuid:o0"
        ]
    );
    assert_eq!(
        run(by(&[("orderBy", "recordTime")])).await,
        [
            "urn:uuid:o5",
            "urn:uuid:o4",
            "urn:uuid:o3",
            "urn:uuid:o2",
            "urn:uuid:o1",
            "urn:uuid:o0"
        ]
    );
    // Field order: numbers ascending, ties by capture order, events without the field last.
    assert_eq!(
        run(by(&[("orderBy", "ex:weight"), ("orderDirection", "ASC")])).await,
        [
            "urn:uuid:o2",
            "urn:uuid:o5",
            "urn:uuid:o0",
            "urn:uuid:o3",
            "urn:uuid:o1",
            "urn:uuid:o4"
        ]
    );
    assert_eq!(
        run(by(&[("orderBy", "https://nooluur.example/voc#weight")])).await,
        [
            "urn:uuid:o3",
            "urn:uuid:o0",
            "urn:uuid:o5",
            "urn:uuid:o2",
            "urn:uuid:o4",
            "urn:uuid:o1"
        ]
    );
    // eventCountLimit: the first N in the order, across pages.
    assert_eq!(
        run(by(&[("orderBy", "eventTime"), ("eventCountLimit", "3")])).await,
        ["urn:uuid:o0", "urn:uuid:o1", "urn:uuid:o2"]
    );
    assert!(
        run(by(&[("orderBy", "eventTime"), ("eventCountLimit", "0")]))
            .await
            .is_empty()
    );
    // maxEventCount: an error when exceeded, the events when not.
    let q = by(&[("maxEventCount", "5")]);
    assert!(matches!(
        s.query_events(&q, &all(), &page(10)).await,
        Err(StoreError::QueryTooLarge { limit: 5 })
    ));
    assert_eq!(run(by(&[("maxEventCount", "6")])).await.len(), 6);
}

pub async fn duplicates_atomic(s: Arc<dyn Store>) {
    let first = s
        .insert_events(
            vec![new_event(simple("urn:uuid:d1", "2022-01-01T00:00:00Z"), 1)],
            CaptureMode::Atomic,
        )
        .await
        .unwrap();
    assert_eq!(first.inserted, [1]);
    let batch = vec![
        new_event(simple("urn:uuid:d2", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:d1", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:d3", "2022-01-01T00:00:00Z"), 1),
    ];
    match s.insert_events(batch, CaptureMode::Atomic).await {
        Err(StoreError::DuplicateEventId(id)) => assert_eq!(id, "urn:uuid:d1"),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert_eq!(
        s.count_events().await.unwrap(),
        1,
        "nothing of the batch stored"
    );
    let batch = vec![
        new_event(simple("urn:uuid:d4", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:d4", "2022-01-01T00:00:00Z"), 1),
    ];
    assert!(matches!(
        s.insert_events(batch, CaptureMode::Atomic).await,
        Err(StoreError::DuplicateEventId(id)) if id == "urn:uuid:d4"
    ));
    assert_eq!(s.count_events().await.unwrap(), 1);
    assert!(s.get_event("urn:uuid:d2", &all()).await.unwrap().is_empty());
    // The index rows of the failed batch are gone too, and sequence numbers continue without a gap.
    let r = s
        .insert_events(
            vec![new_event(simple("urn:uuid:d2", "2022-01-01T00:00:00Z"), 1)],
            CaptureMode::Atomic,
        )
        .await
        .unwrap();
    assert_eq!(r.inserted, [2]);
    let hits = all_pages(&*s, &query(&[("EQ_eventID", "urn:uuid:d2")]), &all(), 10).await;
    assert_eq!(hits.len(), 1);
    let mut bad = new_event(simple("urn:uuid:d9", "2022-01-01T00:00:00Z"), 1);
    bad.event.record_time = None;
    assert!(matches!(
        s.insert_events(vec![bad], CaptureMode::Atomic).await,
        Err(StoreError::InvalidEvent { index: 0, .. })
    ));
}

pub async fn duplicates_proceed(s: Arc<dyn Store>) {
    s.insert_events(
        vec![new_event(simple("urn:uuid:q1", "2022-01-01T00:00:00Z"), 1)],
        CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let batch = vec![
        new_event(simple("urn:uuid:q2", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:q1", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:q3", "2022-01-01T00:00:00Z"), 1),
        new_event(simple("urn:uuid:q3", "2022-01-01T00:00:00Z"), 1),
    ];
    let r = s.insert_events(batch, CaptureMode::Proceed).await.unwrap();
    assert_eq!(r.inserted, [2, 3]);
    let rejected: Vec<usize> = r.rejected.iter().map(|(i, _)| *i).collect();
    assert_eq!(rejected, [1, 3]);
    assert!(r.rejected[0].1.contains("urn:uuid:q1"));
    assert_eq!(s.count_events().await.unwrap(), 3);
    let got = s.get_event("urn:uuid:q3", &all()).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].seq, 3);
}

pub async fn sequence_numbers_and_events_after(s: Arc<dyn Store>) {
    assert_eq!(s.max_seq().await.unwrap(), 0);
    assert!(s.events_after(0, 10).await.unwrap().is_empty());
    // Concurrent writers: sequence numbers stay gap-free and unique.
    let mut tasks = Vec::new();
    for w in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for b in 0..5 {
                let batch = (0..7)
                    .map(|i| {
                        new_event(
                            simple(&format!("urn:uuid:w{w}-{b}-{i}"), "2022-01-01T00:00:00Z"),
                            1,
                        )
                    })
                    .collect();
                s.insert_events(batch, CaptureMode::Atomic).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.max_seq().await.unwrap(), 140);
    assert_eq!(s.count_events().await.unwrap(), 140);
    let mut after = 0;
    let mut seqs = Vec::new();
    loop {
        let got = s.events_after(after, 33).await.unwrap();
        let Some(last) = got.last() else { break };
        after = last.seq;
        seqs.extend(got.iter().map(|e| e.seq));
    }
    assert_eq!(seqs, (1..=140).collect::<Vec<_>>());
    let e = s.events_after(139, 10).await.unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].namespaces, ns());
    assert!(e[0].hash_id.starts_with("ni:///"));
}

pub async fn distinct_values(s: Arc<dyn Store>) {
    seed_ab(&*s).await;
    let mut e = simple("urn:uuid:dv", "2022-01-01T00:00:00Z");
    e["bizStep"] = json!("urn:epcglobal:cbv:bizstep:shipping");
    s.insert_events(vec![new_event(e, 1)], CaptureMode::Atomic)
        .await
        .unwrap();
    let collect = |r: Resource| {
        let s = s.clone();
        async move {
            let mut out = Vec::new();
            let mut token = None;
            loop {
                let p = s
                    .distinct_values(
                        r,
                        &all(),
                        &PageRequest {
                            per_page: Some(1),
                            token: token.take(),
                        },
                    )
                    .await
                    .unwrap();
                out.extend(p.items);
                match p.next_token {
                    Some(t) => token = Some(t),
                    None => return out,
                }
            }
        }
    };
    assert_eq!(
        collect(Resource::EventTypes).await,
        ["AggregationEvent", "ObjectEvent"]
    );
    assert_eq!(
        collect(Resource::BizSteps).await,
        [
            "https://ref.gs1.org/cbv/BizStep-commissioning",
            "https://ref.gs1.org/cbv/BizStep-shipping"
        ]
    );
    assert_eq!(
        collect(Resource::Dispositions).await,
        ["https://ref.gs1.org/cbv/Disp-active"]
    );
    assert_eq!(collect(Resource::ReadPoints).await.len(), 1);
    assert_eq!(collect(Resource::BizLocations).await.len(), 2);
    let epcs = collect(Resource::Epcs).await;
    assert_eq!(epcs.len(), 4, "{epcs:?}");
    let mut sorted = epcs.clone();
    sorted.sort();
    assert_eq!(epcs, sorted);
}

pub async fn seed_for_reopen(s: &SqliteStore) {
    seed_ab(s).await;
    s.create_named_query(named("kept")).await.unwrap();
}

pub async fn check_after_reopen(s: &SqliteStore) {
    assert_eq!(s.count_events().await.unwrap(), 2);
    let a = s.get_event("urn:uuid:a", &all()).await.unwrap().remove(0);
    let mut want = event(event_a());
    want.record_time = Some("2021-03-02T00:00:00Z".into());
    assert_eq!(a.event, want, "the event comes back as it was given");
    assert!(s.get_named_query("kept").await.unwrap().is_some());
    let hits = all_pages(s, &query(&[("EQ_ILMD_ex:goats", "30")]), &all(), 5).await;
    assert_eq!(hits.len(), 1);
}
