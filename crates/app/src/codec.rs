//! The one place the app calls the `epcis` codecs, validation and hash, so the capture path
//! parses each document once and validates and hashes from the same parsed value.

use epcis::query::EventQuery;
use epcis::{DecodeError, Document, Format, Violation};
use serde_json::Value;

use crate::{AppError, ErrorItem};

fn invalid(violations: &[Violation]) -> AppError {
    AppError::validation(
        format!(
            "the document breaks {} rule(s) of EPCIS 2.0 / CBV 2.0; nothing was captured",
            violations.len()
        ),
        violations.iter().map(ErrorItem::from_violation).collect(),
    )
}

/// How capture hashes: the reference's SHA-256 hash IDs, and for documents whose remote
/// `@context` the reference cannot load (the simple context, for one) IDs made the same way
/// instead of none, so their events still get hash IDs rather than random ones.
const HASH_OPTIONS: epcis::hash::Options = epcis::hash::Options {
    algorithm: epcis::hash::Algorithm::Sha256,
    lenient_contexts: true,
};

/// A document read from bytes, with the schema/CBV violations found in it.
pub(crate) struct Decoded {
    pub document: Document,
    pub violations: Vec<Violation>,
    /// Hash ID of each event, aligned with `document.events`; `None` where the reference
    /// generator would not hash it (or the whole document, e.g. with an unknown remote context).
    pub hashes: Vec<Option<String>>,
}

/// Reads a JSON-LD or XML document (told by content) and validates it.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, AppError> {
    match Format::sniff(bytes) {
        Format::JsonLd => {
            let value: Value = serde_json::from_slice(bytes).map_err(|e| {
                crate::capture::decode_error(DecodeError::new(format!("malformed JSON: {e}")).at(
                    epcis::error::Location {
                        line: Some(e.line()),
                        column: Some(e.column()),
                        ..Default::default()
                    },
                ))
            })?;
            decode_json(value)
        }
        Format::Xml => {
            let document =
                epcis::xml::parse_document(bytes).map_err(crate::capture::decode_error)?;
            let violations = validate_document(&document);
            let hashes = epcis::hash::event_hashes_with(bytes, &HASH_OPTIONS).unwrap_or_default();
            Ok(Decoded {
                document,
                violations,
                hashes,
            })
        }
    }
}

/// Validates and reads a parsed JSON-LD document.
pub(crate) fn decode_json(value: Value) -> Result<Decoded, AppError> {
    // The capture profile: the JSON Schema and CBV rules, with the tolerances where the schema
    // is narrower than JSON-LD, the XSD or the standard (blank-node ids, lone set members, …).
    let violations = epcis::validate::validate_for_capture(&value);
    // Hashed from the same parsed value (the hash needs the document's key order, which the
    // value keeps), before the reader consumes it.
    let hashes = epcis::hash::json_event_hashes_with(&value, &HASH_OPTIONS).unwrap_or_default();
    let document = match parse_json_value(value) {
        Ok(d) => d,
        // The validator's account (event and field) beats the reader's first complaint.
        Err(_) if !violations.is_empty() => return Err(invalid(&violations)),
        Err(e) => return Err(crate::capture::decode_error(e)),
    };
    Ok(Decoded {
        document,
        violations,
        hashes,
    })
}

/// A document as JSON-LD.
pub(crate) fn to_json(doc: &Document) -> Value {
    epcis::jsonld::to_value(doc)
}

/// A document as EPCIS 2.0 XML.
pub(crate) fn to_xml(doc: &Document) -> Result<String, String> {
    Ok(epcis::xml::to_string(doc))
}

fn validate_document(doc: &Document) -> Vec<Violation> {
    epcis::validate::validate_document(doc)
}

fn parse_json_value(value: Value) -> Result<Document, DecodeError> {
    epcis::jsonld::parse_value(value)
}

/// The canonical GS1 Digital Link of a GS1 key (EPC URN or Digital Link); `None` for other
/// identifiers.
pub(crate) fn to_digital_link(s: &str) -> Option<String> {
    epcis::id::to_digital_link(s)
}

/// The EPC URN of a GS1 key (EPC URN or Digital Link); `None` for other identifiers and for
/// keys with no URN form. A Digital Link does not carry the company prefix length: the `epcis`
/// default ([`epcis::id::DEFAULT_COMPANY_PREFIX_LEN`]) is assumed.
pub(crate) fn to_epc_urn(s: &str) -> Option<String> {
    epcis::id::to_epc_urn(s)
}

/// A SimpleEventQuery from URL query pairs.
pub(crate) fn query_from_pairs(pairs: &[(String, String)]) -> Result<EventQuery, String> {
    EventQuery::from_pairs(pairs).map_err(|e| e.to_string())
}

/// A SimpleEventQuery from the query-language JSON of a named query.
pub(crate) fn query_from_json(v: &Value) -> Result<EventQuery, String> {
    EventQuery::from_json(v).map_err(|e| e.to_string())
}

/// Whether a stored event satisfies a query (subscriptions filter new events in memory).
pub(crate) fn query_matches(q: &EventQuery, e: &store::StoredEvent) -> bool {
    q.matches_in(&e.event, &e.namespaces)
}
