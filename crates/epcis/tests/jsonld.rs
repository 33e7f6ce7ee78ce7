//! JSON-LD codec: every GS1 example reads, and writes back to the same JSON value.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use epcis::{DocumentKind, jsonld};
use serde_json::Value;

/// Examples that write a one-member set without its array (`"sourceList": {…}`), which JSON-LD
/// allows; they are read as one-element lists and written back with the array.
const SINGLE_VALUE_SETS: [&str; 1] =
    ["json-ld-simple-context/Example-TransactionEvents-2020_07_03y.jsonld"];

fn wrap_lists(doc: &mut Value) {
    for e in doc["epcisBody"]["eventList"].as_array_mut().unwrap() {
        for k in ["sourceList", "destinationList"] {
            if let Some(v) = e.get_mut(k).filter(|v| v.is_object()) {
                *v = Value::Array(vec![v.take()]);
            }
        }
    }
}

/// An event's URI `id` (JSON-LD `@id`, which the contexts also map `eventID` to) is read as its
/// eventID and written as `eventID`, in the same place.
fn ids_as_event_ids(doc: &mut Value) {
    let Some(events) = doc
        .pointer_mut("/epcisBody/eventList")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for e in events {
        let Some(m) = e.as_object_mut() else { continue };
        if m.contains_key("eventID") {
            continue;
        }
        if let Some(Value::String(id)) = m
            .get("id")
            .filter(|id| !id.as_str().unwrap_or("_:").starts_with("_:"))
        {
            let id = id.clone();
            *m = std::mem::take(m)
                .into_iter()
                .map(|(k, v)| {
                    if k == "id" {
                        ("eventID".to_owned(), Value::String(id.clone()))
                    } else {
                        (k, v)
                    }
                })
                .collect();
        }
    }
}

#[test]
fn every_gs1_json_example_round_trips() {
    let files = [
        common::examples("json-ld", &["jsonld", "json"]),
        common::examples("json-ld-simple-context", &["jsonld"]),
        common::examples("xml", &["json"]),
    ]
    .concat();
    let mut n = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let doc =
            jsonld::parse_document(&bytes).unwrap_or_else(|e| panic!("{}: {e}", common::short(f)));
        let mut input: Value = serde_json::from_slice(&bytes).unwrap();
        let written: Value = serde_json::from_str(&jsonld::to_string(&doc)).unwrap();
        if SINGLE_VALUE_SETS
            .iter()
            .any(|s| common::short(f).ends_with(s))
        {
            wrap_lists(&mut input);
        }
        ids_as_event_ids(&mut input);
        assert_eq!(written, input, "{}", common::short(f));
        let again = jsonld::parse_document(jsonld::to_string(&doc).as_bytes()).unwrap();
        assert_eq!(again, doc, "{}", common::short(f));
        n += 1;
    }
    eprintln!("{n} JSON-LD examples round-tripped");
}

#[test]
fn query_documents_and_single_event_bodies() {
    let q = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"http://ex.org/"}],
      "type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z",
      "epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","subscriptionID":"s1",
        "resultsBody":{"eventList":[{"@context":[{"ex2":"http://ex2.org/"}],"type":"ObjectEvent",
          "eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","ex2:a":"1"}]}}}}"#;
    let doc = jsonld::parse_document(q.as_bytes()).unwrap();
    assert_eq!(doc.kind, DocumentKind::Query);
    assert_eq!(doc.query_name.as_deref(), Some("SimpleEventQuery"));
    assert_eq!(doc.subscription_id.as_deref(), Some("s1"));
    assert_eq!(doc.namespaces.get("ex"), Some("http://ex.org/"));
    assert!(doc.events[0].context.is_some());
    let back: Value = serde_json::from_str(&jsonld::to_string(&doc)).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(q).unwrap());

    let one = r#"{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument",
      "schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"event":{"type":"ObjectEvent",
      "eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD"}}}"#;
    let doc = jsonld::parse_document(one.as_bytes()).unwrap();
    assert!(doc.single_event_body);
    let back: Value = serde_json::from_str(&jsonld::to_string(&doc)).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(one).unwrap());
}

#[test]
fn events_from_different_documents_get_distinct_prefixes() {
    let doc = jsonld::parse_document(&common::fixture("cashmere.jsonld")).unwrap();
    let e = &doc.events[0];
    let mut other = epcis::Namespaces::new();
    other.insert("nl", "https://elsewhere.example/voc/");
    let header = epcis::Document {
        kind: DocumentKind::Query,
        ..doc.clone_without_events()
    };
    let v = jsonld::to_value_with(&header, &[(e, &doc.namespaces), (e, &other)]);
    let ctx = v["@context"].to_string();
    assert!(
        ctx.contains("\"nl\":\"https://nooluur.example.org/voc/\""),
        "{ctx}"
    );
    assert!(
        ctx.contains("\"nl_2\":\"https://elsewhere.example/voc/\""),
        "{ctx}"
    );
    let events = v["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap();
    assert!(events[0]["ilmd"].get("nl:colour").is_some());
    assert!(events[1]["ilmd"].get("nl_2:colour").is_some());
    assert!(events[1]["ilmd"].get("nl:colour").is_none());
}

#[test]
fn xml_origin_documents_get_a_generated_context() {
    let doc = epcis::xml::parse_document(&common::fixture("cashmere.xml")).unwrap();
    let v = jsonld::to_value(&doc);
    assert_eq!(v["@context"][0], jsonld::STANDARD_CONTEXT);
    // cbvmda is the standard context's own prefix: never redeclared.
    assert!(!v["@context"].to_string().contains("cbvmda"));
}

#[test]
fn an_events_uri_id_is_its_event_id() {
    let doc = |events: Value| {
        serde_json::json!({
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-05-01T00:00:00Z",
            "epcisBody": {"eventList": events}
        })
        .to_string()
    };
    let event = |extra: Value| {
        let mut e = serde_json::json!({
            "type": "ObjectEvent",
            "eventTime": "2024-05-01T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "epcList": ["urn:epc:id:sgtin:4712345.012347.1"],
            "action": "OBSERVE"
        });
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    let text = doc(serde_json::json!([
        event(serde_json::json!({"id": "urn:uuid:00000000-0000-4000-8000-000000000001"})),
        event(serde_json::json!({"@id": "urn:uuid:00000000-0000-4000-8000-000000000002"})),
        event(serde_json::json!({"id": "_:e3"})),
        event(
            serde_json::json!({"eventID": "urn:uuid:00000000-0000-4000-8000-000000000004",
                                  "id": "urn:uuid:00000000-0000-4000-8000-000000000004"})
        ),
        event(
            serde_json::json!({"eventID": "urn:uuid:00000000-0000-4000-8000-000000000005",
                                  "id": "urn:uuid:00000000-0000-4000-8000-000000000099"})
        ),
    ]));
    let d = jsonld::parse_document(text.as_bytes()).unwrap();
    let ids: Vec<Option<&str>> = d.events.iter().map(|e| e.event_id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            Some("urn:uuid:00000000-0000-4000-8000-000000000001"),
            Some("urn:uuid:00000000-0000-4000-8000-000000000002"),
            None,
            Some("urn:uuid:00000000-0000-4000-8000-000000000004"),
            Some("urn:uuid:00000000-0000-4000-8000-000000000005"),
        ]
    );
    // The same node named once is one eventID; a blank node and a colliding id stay as given
    // (validation reports the collision).
    assert!(!d.events[0].extensions.contains_key("id"));
    assert!(!d.events[1].extensions.contains_key("@id"));
    assert_eq!(d.events[2].extensions["id"], "_:e3");
    assert!(!d.events[3].extensions.contains_key("id"));
    assert_eq!(
        d.events[4].extensions["id"],
        "urn:uuid:00000000-0000-4000-8000-000000000099"
    );
    // The value path reads the same.
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(jsonld::parse_value(v).unwrap(), d);
    // XML has no <id> in an event: a URI id is the eventID, a blank node is dropped.
    let xml = epcis::xml::to_string(&d);
    assert!(!xml.contains("<id>"), "{xml}");
    assert!(xml.contains("<eventID>urn:uuid:00000000-0000-4000-8000-000000000001</eventID>"));
}

/// The transparency log hashes `event_in_query_document`: it must be exactly the event object
/// of a one-event query document written by the whole writer, including when a prefix has to
/// be renamed because the event binds a standard prefix to another namespace.
#[test]
fn an_events_object_in_a_query_document_is_what_the_writer_writes() {
    let slow = |e: &epcis::Event, ns: &epcis::Namespaces| {
        let mut doc = epcis::Document::capture(Vec::new(), epcis::Namespaces::new());
        doc.kind = DocumentKind::Query;
        doc.push_event(e.clone(), ns);
        jsonld::to_value(&doc)["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0].clone()
    };
    let mut docs = vec![jsonld::parse_document(&common::fixture("cashmere.jsonld")).unwrap()];
    for f in [
        common::examples("json-ld", &["jsonld", "json"]),
        common::examples("xml", &["xml"]),
    ]
    .concat()
    {
        let bytes = std::fs::read(&f).unwrap();
        let doc = match epcis::Format::sniff(&bytes) {
            epcis::Format::Xml => epcis::xml::parse_document(&bytes),
            epcis::Format::JsonLd => jsonld::parse_document(&bytes),
        };
        docs.extend(doc.ok());
    }
    let mut n = 0;
    for doc in &docs {
        for e in &doc.events {
            assert_eq!(
                jsonld::event_in_query_document(e, &doc.namespaces),
                slow(e, &doc.namespaces)
            );
            n += 1;
        }
    }
    // A standard prefix bound elsewhere is renamed in the event: both paths agree on how.
    let clash = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"cbvmda":"http://other.example/"}],
      "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z",
      "epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z",
        "eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":[],"cbvmda:x":"1"}]}}"#;
    let doc = jsonld::parse_document(clash.as_bytes()).unwrap();
    let fast = jsonld::event_in_query_document(&doc.events[0], &doc.namespaces);
    assert_eq!(fast, slow(&doc.events[0], &doc.namespaces));
    assert!(fast.get("cbvmda:x").is_none(), "{fast}");
    assert!(n > 20, "only {n} events compared");
}
