//! Property test: for random events and random queries, the SQL answer (through every page)
//! equals the in-memory answer (`EventQuery::matches_in`), in the same order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use epcis::query::{EventQuery, FieldScope, IndexRow, index_event};
use nooluur_store::{CaptureMode, OrgId, Store, StoredEvent, Viewer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use crate::Db;
use crate::fixtures::{all_pages, ids, new_event, ns};

const TIMES: &[&str] = &[
    "2020-01-01T00:00:00Z",
    "2020-01-01T08:00:00+08:00",
    "2020-06-01T12:30:00.5Z",
    "2021-01-01T00:00:00-05:00",
];
const EPCS: &[&str] = &[
    "urn:epc:id:sgtin:0614141.107346.1",
    "urn:epc:id:sgtin:0614141.107346.2",
    "urn:epc:id:sgtin:0614141.107347.1",
    "urn:epc:id:sscc:0614141.1234567890",
    "https://nooluur.example/id/lot/7",
];
const CLASSES: &[&str] = &[
    "urn:epc:class:lgtin:4012345.012345.L1",
    "urn:epc:class:lgtin:4012345.012345.L2",
    "https://nooluur.example/id/lot/8",
];
const STEPS: &[&str] = &[
    "receiving",
    "urn:epcglobal:cbv:bizstep:shipping",
    "https://ref.gs1.org/cbv/BizStep-receiving",
    "https://nooluur.example/bizstep/combing",
];
const PARTIES: &[&str] = &["urn:example:p1", "urn:example:p2", "urn:example:p3"];
const SD_TYPES: &[&str] = &["owning_party", "possessing_party", "location"];
const NUMS: &[f64] = &[1.0, 2.5, 10.0, -3.0];
const WORDS: &[&str] = &["white", "brown", "10", "2020-01-01T00:00:00Z"];

fn pick<T: Clone + std::fmt::Debug + 'static>(xs: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(xs)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        pick(NUMS).prop_map(|n| json!(n)),
        pick(WORDS).prop_map(|w| json!(w))
    ]
}

prop_compose! {
    fn arb_event()(
        kind in pick(&["ObjectEvent", "AggregationEvent", "TransformationEvent"][..]),
        time in pick(TIMES),
        record in pick(TIMES),
        action in prop::option::of(pick(&["ADD", "OBSERVE", "DELETE"][..])),
        step in prop::option::of(pick(STEPS)),
        disp in prop::option::of(pick(&["active", "urn:epcglobal:cbv:disp:in_transit"][..])),
        epcs in prop::collection::vec(pick(EPCS), 0..3),
        parent in prop::option::of(pick(EPCS)),
        inputs in prop::collection::vec(pick(EPCS), 0..2),
        qty in prop::collection::vec((pick(CLASSES), pick(NUMS), prop::option::of(pick(&["KGM", "LTR"][..]))), 0..3),
        loc in prop::option::of(pick(&["urn:epc:id:sgln:0614141.00001.0", "https://nooluur.example/id/soum/1"][..])),
        sources in prop::collection::vec((pick(SD_TYPES), pick(PARTIES)), 0..2),
        dests in prop::collection::vec((pick(SD_TYPES), pick(PARTIES)), 0..2),
        btx in prop::collection::vec((prop::option::of(pick(&["po", "inv"][..])), pick(&["urn:example:po:1", "urn:example:po:2"][..])), 0..2),
        ilmd in prop::option::of(scalar()),
        ext in prop::option::of(scalar()),
        inner in prop::option::of(scalar()),
        err in prop::option::of((pick(TIMES), prop::option::of(pick(&["did_not_occur", "incorrect_data"][..])))),
        sensor in prop::option::of((pick(&["Temperature", "gs1:Humidity"][..]), pick(NUMS), pick(&["CEL", "A93"][..]))),
    ) -> Value {
        let mut e = Map::new();
        e.insert("type".into(), json!(kind));
        e.insert("eventTime".into(), json!(time));
        e.insert("eventTimeZoneOffset".into(), json!("+00:00"));
        e.insert("recordTime".into(), json!(record));
        if let Some(a) = action { e.insert("action".into(), json!(a)); }
        if let Some(s) = step { e.insert("bizStep".into(), json!(s)); }
        if let Some(d) = disp { e.insert("disposition".into(), json!(d)); }
        e.insert("epcList".into(), json!(epcs));
        if let Some(p) = parent { e.insert("parentID".into(), json!(p)); }
        if !inputs.is_empty() { e.insert("inputEPCList".into(), json!(inputs)); }
        let ql: Vec<Value> = qty.iter().map(|(c, n, u)| {
            let mut q = json!({"epcClass": c, "quantity": n});
            if let Some(u) = u { q["uom"] = json!(u); }
            q
        }).collect();
        if !ql.is_empty() { e.insert("quantityList".into(), json!(ql)); }
        if let Some(l) = loc { e.insert("bizLocation".into(), json!({"id": l})); }
        if !sources.is_empty() {
            e.insert("sourceList".into(), json!(sources.iter().map(|(t, p)| json!({"type": t, "source": p})).collect::<Vec<_>>()));
        }
        if !dests.is_empty() {
            e.insert("destinationList".into(), json!(dests.iter().map(|(t, p)| json!({"type": t, "destination": p})).collect::<Vec<_>>()));
        }
        if !btx.is_empty() {
            e.insert("bizTransactionList".into(), json!(btx.iter().map(|(t, b)| match t {
                Some(t) => json!({"type": t, "bizTransaction": b}),
                None => json!({"bizTransaction": b}),
            }).collect::<Vec<_>>()));
        }
        if let Some(v) = ilmd { e.insert("ilmd".into(), json!({"ex:a": v})); }
        if let Some(v) = ext { e.insert("ex:b".into(), v); }
        if let Some(v) = inner { e.insert("ex:c".into(), json!({"ex:d": v})); }
        if let Some((t, r)) = err {
            let mut d = json!({"declarationTime": t});
            if let Some(r) = r { d["reason"] = json!(r); }
            e.insert("errorDeclaration".into(), d);
        }
        if let Some((t, v, u)) = sensor {
            e.insert("sensorElementList".into(), json!([{"sensorReport": [{"type": t, "value": v, "uom": u}]}]));
        }
        Value::Object(e)
    }
}

fn joined(xs: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(pick(xs), 1..3).prop_map(|v| v.join("|"))
}

fn num() -> impl Strategy<Value = String> {
    pick(NUMS).prop_map(|n| n.to_string())
}

fn arb_param() -> impl Strategy<Value = (String, String)> {
    let p =
        |name: &'static str, v: BoxedStrategy<String>| v.prop_map(move |v| (name.to_owned(), v));
    prop_oneof![
        p(
            "eventType",
            joined(&["ObjectEvent", "AggregationEvent", "TransformationEvent"]).boxed()
        ),
        p("GE_eventTime", pick(TIMES).prop_map(str::to_owned).boxed()),
        p("LT_eventTime", pick(TIMES).prop_map(str::to_owned).boxed()),
        p("GE_recordTime", pick(TIMES).prop_map(str::to_owned).boxed()),
        p("EQ_action", joined(&["ADD", "OBSERVE", "DELETE"]).boxed()),
        p("EQ_bizStep", joined(STEPS).boxed()),
        p("EQ_disposition", joined(&["active", "in_transit"]).boxed()),
        p(
            "EQ_bizLocation",
            joined(&[
                "urn:epc:id:sgln:0614141.00001.0",
                "https://nooluur.example/id/soum/1"
            ])
            .boxed()
        ),
        p("MATCH_epc", joined(EPCS).boxed()),
        p(
            "MATCH_anyEPC",
            joined(&[
                "urn:epc:idpat:sgtin:0614141.107346.*",
                "urn:epc:idpat:sscc:0614141.*",
                "https://nooluur.example/id/lot/7"
            ])
            .boxed()
        ),
        p("MATCH_parentID", joined(EPCS).boxed()),
        p("MATCH_inputEPC", joined(EPCS).boxed()),
        p("MATCH_epcClass", joined(CLASSES).boxed()),
        p(
            "MATCH_anyEPCClass",
            joined(&[
                "urn:epc:idpat:sgtin:4012345.012345.*",
                "https://nooluur.example/id/lot/8"
            ])
            .boxed()
        ),
        p("EQ_quantity", num().boxed()),
        p("GT_quantity", num().boxed()),
        p("LE_quantity_KGM", num().boxed()),
        p("EQ_source_owning_party", joined(PARTIES).boxed()),
        p("EQ_destination_location", joined(PARTIES).boxed()),
        p(
            "EQ_bizTransaction_po",
            joined(&["urn:example:po:1", "urn:example:po:2"]).boxed()
        ),
        p("EXISTS_errorDeclaration", Just(String::new()).boxed()),
        p(
            "EQ_errorReason",
            joined(&["did_not_occur", "incorrect_data"]).boxed()
        ),
        p(
            "GE_errorDeclarationTime",
            pick(TIMES).prop_map(str::to_owned).boxed()
        ),
        p("EQ_type", joined(&["Temperature", "gs1:Humidity"]).boxed()),
        p("GE_value", num().boxed()),
        p("LT_value_CEL", num().boxed()),
        p("EQ_ILMD_ex:a", joined(WORDS).boxed()),
        p("EQ_ILMD_ex:a", num().boxed()),
        p("GT_ILMD_ex:a", num().boxed()),
        p("LT_ILMD_ex:a", pick(TIMES).prop_map(str::to_owned).boxed()),
        p("EQ_ex:b", joined(WORDS).boxed()),
        p("EXISTS_ex:b", Just(String::new()).boxed()),
        p("EXISTS_ex:c", Just(String::new()).boxed()),
        p("EQ_INNER_ex:d", joined(WORDS).boxed()),
        p("GE_INNER_ex:d", num().boxed()),
    ]
}

fn arb_order() -> impl Strategy<Value = Vec<(String, String)>> {
    prop_oneof![
        Just(vec![]),
        Just(vec![
            ("orderBy".into(), "eventTime".into()),
            ("orderDirection".into(), "ASC".into())
        ]),
        Just(vec![("orderBy".into(), "recordTime".into())]),
        Just(vec![
            ("orderBy".into(), "ex:b".into()),
            ("orderDirection".into(), "ASC".into())
        ]),
        Just(vec![("orderBy".into(), "ex:b".into())]),
    ]
}

/// Query pairs, page size, index into [`viewers`].
type QuerySpec = (Vec<(String, String)>, u32, usize);

#[derive(Debug, Clone)]
struct Case {
    events: Vec<(Value, i64)>,
    queries: Vec<QuerySpec>,
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((arb_event(), 1i64..4), 1..12),
        prop::collection::vec(
            (
                prop::collection::vec(arb_param(), 0..3),
                arb_order(),
                1u32..6,
                0usize..4,
            ),
            1..6,
        ),
    )
        .prop_map(|(events, qs)| Case {
            events,
            queries: qs
                .into_iter()
                .map(|(mut params, order, per, viewer)| {
                    params.dedup_by(|a, b| a.0 == b.0);
                    params.extend(order);
                    (params, per, viewer)
                })
                .collect(),
        })
}

fn viewers() -> Vec<Viewer> {
    vec![
        Viewer::operator(),
        Viewer {
            org: OrgId(1),
            sees_all: false,
            parties: vec![],
        },
        Viewer {
            org: OrgId(2),
            sees_all: false,
            parties: vec!["urn:example:p1".into()],
        },
        Viewer {
            org: OrgId(9),
            sees_all: false,
            parties: vec!["urn:example:p2".into(), "urn:example:p3".into()],
        },
    ]
}

fn visible(v: &Viewer, e: &StoredEvent) -> bool {
    v.sees_all
        || e.captured_by == v.org
        || index_event(&e.event, &e.namespaces).rows.iter().any(|r| {
            matches!(
                r.kind,
                epcis::query::Kind::Source | epcis::query::Kind::Destination
            ) && r.text.as_ref().is_some_and(|t| v.parties.contains(t))
        })
}

/// The sort key of `orderBy=ex:b`: (min number, min time, min text) of the field, NULLs last.
fn field_key(e: &StoredEvent) -> (Option<f64>, Option<i64>, Option<String>) {
    let key = "https://nooluur.example/voc#b";
    let rows: Vec<IndexRow> = index_event(&e.event, &e.namespaces)
        .rows
        .into_iter()
        .filter(|r| r.kind == FieldScope::Event.kind(false) && r.name == key)
        .collect();
    let n = rows.iter().filter_map(|r| r.num).reduce(f64::min);
    let t = rows.iter().filter_map(|r| r.time).min();
    let x = rows.iter().filter_map(|r| r.text.clone()).min();
    (n, t, x)
}

fn expected(q: &EventQuery, v: &Viewer, stored: &[StoredEvent]) -> Vec<String> {
    use epcis::query::{Direction, OrderKey};
    let mut hits: Vec<&StoredEvent> = stored
        .iter()
        .filter(|e| visible(v, e) && q.matches_in(&e.event, &e.namespaces))
        .collect();
    let desc = q.order_direction == Direction::Desc;
    let time = |s: &Option<String>| s.as_deref().and_then(epcis::query::time_micros);
    match &q.order_by {
        None => hits.sort_by_key(|e| e.seq),
        Some(OrderKey::EventTime) => {
            hits.sort_by_key(|e| (time(&Some(e.event.event_time.clone())), e.seq))
        }
        Some(OrderKey::RecordTime) => hits.sort_by_key(|e| (time(&e.event.record_time), e.seq)),
        Some(OrderKey::Field(_)) => hits.sort_by(|a, b| {
            let (ka, kb) = (field_key(a), field_key(b));
            let nulls = |k: &(Option<f64>, Option<i64>, Option<String>)| {
                (k.0.is_none(), k.1.is_none(), k.2.is_none())
            };
            nulls(&ka)
                .0
                .cmp(&nulls(&kb).0)
                .then_with(|| {
                    cmp_dir(
                        ka.0.partial_cmp(&kb.0).unwrap_or(std::cmp::Ordering::Equal),
                        desc,
                    )
                })
                .then_with(|| nulls(&ka).1.cmp(&nulls(&kb).1))
                .then_with(|| cmp_dir(ka.1.cmp(&kb.1), desc))
                .then_with(|| nulls(&ka).2.cmp(&nulls(&kb).2))
                .then_with(|| cmp_dir(ka.2.cmp(&kb.2), desc))
                .then_with(|| cmp_dir(a.seq.cmp(&b.seq), desc))
        }),
    }
    if desc && matches!(q.order_by, Some(OrderKey::EventTime | OrderKey::RecordTime)) {
        hits.reverse();
    }
    hits.iter()
        .map(|e| e.event.event_id.clone().unwrap_or_default())
        .collect()
}

fn cmp_dir(o: std::cmp::Ordering, desc: bool) -> std::cmp::Ordering {
    if desc { o.reverse() } else { o }
}

async fn open(db: Db) -> Option<(Arc<dyn Store>, Option<nooluur_store::testing::TestDatabase>)> {
    match db {
        Db::Postgres => {
            let tdb = nooluur_store::testing::TestDatabase::create().await?;
            let s = nooluur_store::open(&tdb.url).await.unwrap();
            Some((s, Some(tdb)))
        }
        _ => Some((nooluur_store::open("sqlite::memory:").await.unwrap(), None)),
    }
}

/// Runs the property on a backend (skips PostgreSQL when it is not available).
pub fn check(db: Db) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some((store, guard)) = rt.block_on(open(db)) else {
        return;
    };
    let counter = AtomicU64::new(0);
    let cases = if db == Db::Postgres { 24 } else { 64 };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&arb_case(), |case| {
        rt.block_on(async {
            let batch: Vec<_> = case
                .events
                .iter()
                .map(|(v, org)| {
                    let mut v = v.clone();
                    v["eventID"] = json!(format!("urn:uuid:r{}", counter.fetch_add(1, Ordering::Relaxed)));
                    new_event(v, *org)
                })
                .collect();
            store.insert_events(batch, CaptureMode::Atomic).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let stored = store.events_after(0, 1_000_000).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (params, per_page, viewer) in &case.queries {
                let Ok(q) = EventQuery::from_pairs_with(params, &ns()) else { continue };
                let v = &viewers()[*viewer];
                let got = ids(&all_pages(&*store, &q, v, *per_page).await);
                let want = expected(&q, v, &stored);
                if got != want {
                    return Err(TestCaseError::fail(format!(
                        "{params:?} as {v:?}, {per_page} per page:\n  sql    {got:?}\n  memory {want:?}"
                    )));
                }
            }
            Ok(())
        })
    });
    drop(store);
    drop(guard);
    if let Err(e) = result {
        panic!("{e}");
    }
}
