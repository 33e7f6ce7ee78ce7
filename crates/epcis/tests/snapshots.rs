//! Written documents of the project's own fixtures, pinned with insta, and error messages.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use epcis::{jsonld, xml};

fn both(name: &str) -> (String, String) {
    let doc = epcis::decode(&common::fixture(name)).unwrap();
    (jsonld::to_string_pretty(&doc), xml::to_string(&doc))
}

#[test]
fn cashmere_json_ld() {
    let (json, x) = both("cashmere.jsonld");
    insta::assert_snapshot!("cashmere_jsonld_as_json", json);
    insta::assert_snapshot!("cashmere_jsonld_as_xml", x);
}

#[test]
fn cashmere_xml() {
    let (json, x) = both("cashmere.xml");
    insta::assert_snapshot!("cashmere_xml_as_json", json);
    insta::assert_snapshot!("cashmere_xml_as_xml", x);
}

#[test]
fn query_xml() {
    let (json, x) = both("query.xml");
    insta::assert_snapshot!("query_xml_as_json", json);
    insta::assert_snapshot!("query_xml_as_xml", x);
}

#[test]
fn epcis_1_2_xml() {
    let (json, x) = both("v12.xml");
    insta::assert_snapshot!("v12_xml_as_json", json);
    insta::assert_snapshot!("v12_xml_as_xml", x);
}

#[test]
fn fixtures_round_trip() {
    for name in ["cashmere.jsonld", "cashmere.xml", "query.xml", "v12.xml"] {
        let doc = epcis::decode(&common::fixture(name)).unwrap();
        let j = jsonld::parse_document(jsonld::to_string(&doc).as_bytes()).unwrap();
        let x = xml::parse_document(xml::to_string(&doc).as_bytes()).unwrap();
        assert_eq!(j.events.len(), doc.events.len(), "{name}");
        assert_eq!(x.events.len(), doc.events.len(), "{name}");
        // Within one format the model comes back equal.
        if name.ends_with(".jsonld") {
            assert_eq!(j, doc, "{name}");
        } else {
            assert_eq!(x, doc, "{name}");
        }
    }
}

#[test]
fn json_errors_name_event_and_field() {
    let text = r#"{"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2020-01-01T00:00:00Z",
      "epcisBody":{"eventList":[
        {"type":"ObjectEvent","eventTime":"2020-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD"},
        {"type":"ObjectEvent","eventID":"urn:uuid:x","eventTime":"2020-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00",
         "action":"ADD","quantityList":[{"epcClass":"urn:x","quantity":"lots"}]}]}}"#;
    let err = jsonld::parse_document(text.as_bytes()).unwrap_err();
    insta::assert_snapshot!("json_error_quantity", err.to_string());
    assert_eq!(err.location.event_index, Some(1));
    assert_eq!(err.location.event_id.as_deref(), Some("urn:uuid:x"));
    assert_eq!(
        err.location.field.as_deref(),
        Some("/quantityList/0/quantity")
    );

    let err =
        jsonld::parse_document(b"{\"type\": \"EPCISDocument\",\n \"epcisBody\": [}").unwrap_err();
    assert_eq!(err.location.line, Some(2));
    assert!(err.message.starts_with("malformed JSON"), "{err}");

    let deep = "[".repeat(200) + &"]".repeat(200);
    let err = jsonld::parse_document(deep.as_bytes()).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err}");
}

#[test]
fn xml_errors_name_line_event_and_field() {
    let text = "<epcis:EPCISDocument xmlns:epcis='urn:epcglobal:epcis:xsd:2' schemaVersion='2.0'>\n<EPCISBody><EventList>\n<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>ADD</action></ObjectEvent>\n<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:y</eventID>\n<action>MOVE</action></ObjectEvent>\n</EventList></EPCISBody></epcis:EPCISDocument>";
    let err = xml::parse_document(text.as_bytes()).unwrap_err();
    insta::assert_snapshot!("xml_error_action", err.to_string());
    assert_eq!(err.location.event_index, Some(1));
    assert_eq!(err.location.line, Some(5));

    let xxe =
        "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><d>&e;</d>";
    assert!(
        xml::parse_document(xxe.as_bytes())
            .unwrap_err()
            .message
            .contains("DTD")
    );
    let bomb = "<!DOCTYPE d [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><d>&b;</d>";
    assert!(xml::parse_document(bomb.as_bytes()).is_err());
}
