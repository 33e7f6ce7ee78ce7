//! Unit tests of the expander.

use super::iri::{DEFAULT_BASE_IRI, resolve};
use super::*;

fn values(doc: &str) -> Result<Vec<String>, ExpandError> {
    let j = crate::hash::jv::parse(doc).unwrap();
    let mut v: Vec<String> = expanded_vocabulary_values(&j, false)?.into_iter().collect();
    v.sort();
    Ok(v)
}

const CTX: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

#[test]
fn vocab_terms_expand_in_scope_only() {
    let doc = format!(
        r#"{{"@context": "{CTX}", "type": "EPCISDocument",
        "epcisBody": {{"eventList": [{{
            "type": "ObjectEvent", "bizStep": "receiving", "disposition": "in_transit",
            "action": "shipping",
            "sourceList": [{{"type": "owning_party", "source": "urn:x"}}],
            "sensorElementList": [{{"sensorReport": [{{"type": "Temperature", "component": "x"}}]}}]
        }}]}}}}"#
    );
    assert_eq!(
        values(&doc).unwrap(),
        [
            "https://gs1.org/voc/Temperature",
            "https://ref.gs1.org/cbv/BizStep-receiving",
            "https://ref.gs1.org/cbv/Comp-x",
            "https://ref.gs1.org/cbv/Disp-in_transit",
            "https://ref.gs1.org/cbv/SDT-owning_party",
        ]
    );
}

#[test]
fn unknown_remote_context_fails() {
    let doc = r#"{"@context": "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld"}"#;
    assert!(matches!(values(doc), Err(ExpandError::RemoteContext(_))));
}

#[test]
fn protected_terms_cannot_change() {
    let same = format!(
        r#"{{"@context": ["{CTX}", {{"gs1": "https://gs1.org/voc/"}}], "type": "EPCISDocument"}}"#
    );
    assert!(values(&same).is_ok());
    let other = format!(
        r#"{{"@context": ["{CTX}", {{"cbvmda": "http://example.com/cbvmda/"}}], "type": "EPCISDocument"}}"#
    );
    assert_eq!(
        values(&other),
        Err(ExpandError::Invalid("protected term redefinition"))
    );
}

#[test]
fn no_context_drops_everything() {
    let doc = r#"{"epcisBody": {"bizStep": "https://ref.gs1.org/cbv/BizStep-x"}}"#;
    assert!(values(doc).unwrap().is_empty());
}

#[test]
fn literal_values_and_compact_iris_count() {
    let doc = format!(
        r#"{{"@context": ["{CTX}", {{"ex": "http://ex.com/"}}], "type": "EPCISDocument",
        "ex:a": "https://gs1.org/voc/Foo", "ex:b": {{"type": "cbv:Bar"}}, "ex:c": ["cbv:Baz"],
        "dropped": "https://gs1.org/voc/Dropped"}}"#
    );
    assert_eq!(
        values(&doc).unwrap(),
        ["https://gs1.org/voc/Foo", "https://ref.gs1.org/cbv/Bar"]
    );
}

#[test]
fn invalid_values_fail() {
    assert!(values(&format!(r#"{{"@context": "{CTX}", "type": 5}}"#)).is_err());
    assert!(
        values(&format!(
            r#"{{"@context": "{CTX}", "type": "EPCISDocument", "eventID": 7}}"#
        ))
        .is_err()
    );
}

#[test]
fn resolve_like_pyld() {
    assert_eq!(
        resolve("receiving", DEFAULT_BASE_IRI).as_deref(),
        Some("http://example.org/base/receiving")
    );
    assert_eq!(
        resolve("../a", "http://x.org/b/c/d").as_deref(),
        Some("http://x.org/b/a")
    );
    assert_eq!(
        resolve("/a", "http://x.org/b/c").as_deref(),
        Some("http://x.org/a")
    );
}
