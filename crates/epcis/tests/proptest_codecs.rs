//! Property tests: the parsers never panic, and generated events survive model → JSON-LD →
//! model and model → XML → model unchanged.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use epcis::*;
use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn json_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = jsonld::parse_document(&bytes);
    }

    #[test]
    fn xml_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = xml::parse_document(&bytes);
    }

    #[test]
    fn mutated_documents_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let name = ["cashmere.jsonld", "cashmere.xml", "query.xml", "v12.xml"][which];
        let mut bytes = common::fixture(name);
        for (at, b, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ => { bytes.remove(i); }
            }
        }
        let _ = jsonld::parse_document(&bytes);
        let _ = xml::parse_document(&bytes);
        if let Ok(doc) = decode(&bytes) {
            let _ = jsonld::to_string(&doc);
            let _ = xml::to_string(&doc);
        }
    }

    #[test]
    fn generated_events_round_trip(events in proptest::collection::vec(event(), 0..4)) {
        let mut ns = Namespaces::new();
        ns.insert("ext1", "http://example.com/ext1/");
        let mut doc = Document::capture(events, ns);
        doc.creation_date = Some("2024-01-01T00:00:00Z".into());
        let j = jsonld::parse_document(jsonld::to_string(&doc).as_bytes()).unwrap();
        prop_assert_eq!(&j.events, &doc.events);
        let text = xml::to_string(&doc);
        let x = xml::parse_document(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&x.events, &doc.events, "{}", text);
        prop_assert_eq!(x.namespaces, doc.namespaces);
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9][A-Za-z0-9 ._&<>\"'-]{0,10}[A-Za-z0-9]",
        "urn:epc:id:sgtin:[0-9]{7}\\.[0-9]{6}\\.[0-9]{1,4}",
        "https://example\\.org/[a-z]{1,8}",
        "[a-zé]{1,3}",
    ]
}

fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        "urn:epc:id:sgtin:[0-9]{7}\\.[0-9]{6}\\.[0-9]{1,4}",
        "https://example\\.org/[a-z]{1,8}",
    ]
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        (0u64..100_000).prop_map(Number::from),
        (-1000i64..0).prop_map(Number::from),
        (-1.0e6f64..1.0e6).prop_filter_map("finite", Number::from_f64),
    ]
}

fn ext_key() -> impl Strategy<Value = String> {
    "ext1:[a-z]{1,6}"
}

/// Extension values that the XML binding carries unchanged: strings, objects of them, and
/// repeats of two or more.
fn ext_value() -> impl Strategy<Value = Value> {
    let leaf = text().prop_map(Value::String);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::btree_map(ext_key(), inner.clone(), 1..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            proptest::collection::vec(
                inner
                    .clone()
                    .prop_filter("no nested arrays", |v| !v.is_array()),
                2..4
            )
            .prop_map(Value::Array),
            (text(), text()).prop_map(|(t, a)| json!({"#text": t, "ext1:attr": a})),
        ]
    })
}

fn extensions() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map(ext_key(), ext_value(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

fn string_extensions() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map(ext_key(), text().prop_map(Value::String), 0..2)
        .prop_map(|m| m.into_iter().collect())
}

fn quantities() -> impl Strategy<Value = Option<Vec<QuantityElement>>> {
    proptest::option::of(proptest::collection::vec(
        (
            uri(),
            proptest::option::of(number()),
            proptest::option::of("[A-Z]{3}"),
        )
            .prop_map(|(epc_class, quantity, uom)| QuantityElement {
                epc_class,
                quantity,
                uom,
            }),
        0..3,
    ))
}

fn location() -> impl Strategy<Value = Option<Location>> {
    proptest::option::of(
        (uri(), extensions()).prop_map(|(id, extensions)| Location { id, extensions }),
    )
}

fn sensor_element() -> impl Strategy<Value = SensorElement> {
    let report = (
        proptest::option::of(prop_oneof![
            Just("https://gs1.org/voc/Temperature".to_owned()),
            uri()
        ]),
        proptest::option::of(number()),
        proptest::option::of(any::<bool>()),
        proptest::option::of("[A-Z]{3}"),
        proptest::option::of(text()),
        string_extensions(),
    )
        .prop_map(|(kind, value, b, uom, s, extensions)| SensorReport {
            kind,
            value,
            boolean_value: b,
            uom,
            string_value: s,
            extensions,
            ..SensorReport::default()
        });
    (
        proptest::option::of(
            (
                proptest::option::of(Just("2024-01-01T00:00:00Z".to_owned())),
                string_extensions(),
            )
                .prop_map(|(time, extensions)| SensorMetadata {
                    time,
                    extensions,
                    ..SensorMetadata::default()
                }),
        ),
        proptest::collection::vec(report, 1..3),
        extensions(),
    )
        .prop_map(
            |(sensor_metadata, sensor_report, extensions)| SensorElement {
                sensor_metadata,
                sensor_report,
                extensions,
            },
        )
}

prop_compose! {
    fn event()(
        kind in 0usize..5,
        id in proptest::option::of(uri()),
        epcs in proptest::option::of(proptest::collection::vec(uri(), 0..3)),
        parent in proptest::option::of(uri()),
        q in quantities(),
        action in proptest::option::of(prop_oneof![Just(Action::Add), Just(Action::Observe), Just(Action::Delete)]),
        step in proptest::option::of(prop_oneof![Just("urn:epcglobal:cbv:bizstep:receiving".to_owned()), uri()]),
        read_point in location(),
        biz_location in location(),
        btx in proptest::option::of(proptest::collection::vec(
            (proptest::option::of(Just("urn:epcglobal:cbv:btt:po".to_owned())), uri())
                .prop_map(|(kind, biz_transaction)| BizTransaction { kind, biz_transaction }), 0..3)),
        sources in proptest::option::of(proptest::collection::vec(
            (uri(), uri()).prop_map(|(kind, source)| Source { kind, source }), 0..2)),
        sensors in proptest::option::of(proptest::collection::vec(sensor_element(), 0..2)),
        ilmd in proptest::option::of(extensions()),
        ext in extensions(),
        certs in proptest::option::of(prop_oneof![
            uri().prop_map(CertificationInfo::One),
            proptest::collection::vec(uri(), 2..3).prop_map(CertificationInfo::Many)]),
        error in proptest::option::of((proptest::option::of(uri()), string_extensions()).prop_map(|(reason, extensions)| ErrorDeclaration {
            declaration_time: "2024-01-02T00:00:00Z".into(), reason, corrective_event_ids: None, extensions })),
    ) -> Event {
        let mut e = Event::new(EventType::STANDARD[kind].clone(), "2024-01-01T00:00:00.5+08:00", "+08:00");
        e.event_id = id;
        e.epc_list = epcs;
        e.parent_id = parent;
        e.quantity_list = q;
        e.action = action;
        e.biz_step = step;
        e.read_point = read_point;
        e.biz_location = biz_location;
        e.biz_transaction_list = btx;
        e.source_list = sources;
        e.sensor_element_list = sensors;
        e.ilmd = ilmd;
        e.extensions = ext;
        e.certification_info = certs;
        e.error_declaration = error;
        e
    }
}
