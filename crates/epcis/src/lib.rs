//! EPCIS 2.0 / CBV 2.0 for nooluur: the event model, JSON-LD and XML codecs, validation,
//! GS1 identifiers, SimpleEventQuery parameters and event hash IDs.
//!
//! Pure: no I/O, no clock, no threads. Everything takes its inputs as arguments.

pub mod cbv;
pub mod error;
pub mod hash;
pub mod id;
pub mod jsonld;
pub mod model;
pub mod query;
pub mod validate;
pub mod xml;

pub use error::{DecodeError, Violation};
pub use model::*;

/// The wire format of a document, told by its content rather than a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLd,
    Xml,
}

impl Format {
    /// Sniffs the format: XML documents start (after whitespace and a BOM) with `<`.
    pub fn sniff(bytes: &[u8]) -> Format {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => Format::Xml,
            _ => Format::JsonLd,
        }
    }
}

/// Parses a capture or query document in either format.
pub fn decode(bytes: &[u8]) -> Result<Document, DecodeError> {
    match Format::sniff(bytes) {
        Format::JsonLd => jsonld::parse_document(bytes),
        Format::Xml => xml::parse_document(bytes),
    }
}
