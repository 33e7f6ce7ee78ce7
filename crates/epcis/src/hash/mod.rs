//! EPCIS event hash IDs (CBV 2.0 §8.9), bit-identical to the reference generator, PyPI
//! `epcis-event-hash-generator` 1.9.3, quirks included (see `shared/standards/epcis-hash.md`).
//!
//! The reference is ported step by step rather than re-derived from the CBV text, because its
//! output is the compatibility target:
//! - documents become its `(name, text, children)` tree: XML with ElementTree's semantics
//!   (module `xml`), JSON-LD read like Python's `json` (`jv`) and converted like `json_to_py`
//!   plus the structure correction (`json`), after the bare-string replacement, which needs the
//!   values of PyLD's expansion of the whole document (`expand`, with the bundled standard
//!   context rebuilt from the project's CBV tables in `std_context`);
//! - each event becomes its pre-hash string (`prehash`) with Python's number, string and
//!   `dateutil` semantics (`canon`, `time`); identifiers are normalised by
//!   [`crate::id::normalise`];
//! - the string is hashed into `ni:///sha-256;<hex>?ver=CBV2.0`.
//!
//! Where the reference fails on a whole document (an unresolvable remote `@context`, a JSON-LD
//! error, a bizTransaction without type in XML, …) these functions return an error; where it
//! fails on one event (a time at .9995 s or later, an infinite number, a non-string `type`), the
//! event has no hash. Deliberate differences: EPCISQueryDocuments, on which 1.9.3 fails, have
//! their result events hashed as later versions of the reference do; and on request
//! ([`Options::lenient_contexts`]) documents with unresolvable contexts get IDs anyway.
//!
//! Limits of the emulation (inputs no EPCIS document has): `dateutil`'s free-form dates beyond
//! ISO-like forms, JSON-LD `@import`/`@nest`/`@reverse`/`@included` and map containers, naive
//! times (taken as UTC, as the oracle runs with `TZ=UTC`), lone UTF-16 surrogates.

mod canon;
mod expand;
mod json;
mod jv;
mod prehash;
mod replace;
mod std_context;
mod time;
mod tree;
mod xml;

use sha2::Digest;

use crate::Format;
use tree::Node;

/// Why a document has no hash IDs at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The bytes are not a well-formed JSON or XML document.
    #[error("{0}")]
    Unreadable(String),
    /// The JSON-LD document names a remote `@context` the reference cannot resolve offline (it
    /// knows only the two GS1 EPCIS 2.0 context URLs), so it hashes nothing.
    #[error("the reference generator cannot resolve the remote JSON-LD context {0}")]
    RemoteContext(String),
    /// The reference generator fails on this document (it prints no hashes for it).
    #[error("the reference generator rejects this document: {0}")]
    Rejected(String),
}

/// The digest of the `ni:` URI, like the reference's `-a` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// `ni:///sha-256;…` (the default and the CBV's choice).
    #[default]
    Sha256,
    /// `ni:///sha3-256;…`
    Sha3_256,
    /// `ni:///sha-384;…`
    Sha384,
    /// `ni:///sha-512;…`
    Sha512,
}

impl Algorithm {
    /// The name in the `ni:` URI.
    pub fn ni_name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha-256",
            Algorithm::Sha3_256 => "sha3-256",
            Algorithm::Sha384 => "sha-384",
            Algorithm::Sha512 => "sha-512",
        }
    }

    /// Parses the reference's `-a` choices (`sha256`, `sha3-256`, `sha384`, `sha512`) and the
    /// `ni:` names.
    pub fn parse(s: &str) -> Option<Algorithm> {
        match s {
            "sha256" | "sha-256" => Some(Algorithm::Sha256),
            "sha3-256" => Some(Algorithm::Sha3_256),
            "sha384" | "sha-384" => Some(Algorithm::Sha384),
            "sha512" | "sha-512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// The hash ID of a pre-hash string: `ni:///<alg>;<lowercase hex>?ver=CBV2.0`.
pub fn hash_prehash(prehash: &str, algorithm: Algorithm) -> String {
    let bytes = prehash.as_bytes();
    let mut s = String::with_capacity(150);
    s.push_str("ni:///");
    s.push_str(algorithm.ni_name());
    s.push(';');
    match algorithm {
        Algorithm::Sha256 => push_hex(&mut s, &sha2::Sha256::digest(bytes)),
        Algorithm::Sha3_256 => push_hex(&mut s, &sha3::Sha3_256::digest(bytes)),
        Algorithm::Sha384 => push_hex(&mut s, &sha2::Sha384::digest(bytes)),
        Algorithm::Sha512 => push_hex(&mut s, &sha2::Sha512::digest(bytes)),
    }
    s.push_str("?ver=CBV2.0");
    s
}

/// Lowercase hex of a digest, appended.
fn push_hex(s: &mut String, digest: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
}

/// How to hash. The default is the reference's behaviour with SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The digest of the `ni:` URI.
    pub algorithm: Algorithm,
    /// Hash JSON-LD documents whose remote `@context` the reference cannot load (it then
    /// prints nothing) instead of failing: another GS1 EPCIS context URL (such as
    /// `epcis-context-simple.jsonld`) is read as the standard context, any other URL as absent.
    /// Off by default; capture can use it to give such documents' events IDs anyway. These IDs
    /// have no reference to agree with.
    pub lenient_contexts: bool,
}

impl Options {
    /// The reference's behaviour with another digest.
    pub fn with_algorithm(algorithm: Algorithm) -> Options {
        Options {
            algorithm,
            ..Options::default()
        }
    }
}

/// One entry of the reference's event list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPrehash {
    /// Whether this is an event of the document. `false` only for the attributes of an XML
    /// `EventList` element, which the reference hashes as if they were events.
    pub is_event: bool,
    /// The pre-hash string, or `None` when the reference drops the event.
    pub prehash: Option<String>,
}

/// The reference's view of a document (JSON-LD or XML, told by content: the first non-space
/// byte `<` means XML): every entry of its event list with its pre-hash string.
pub fn document_prehashes(bytes: &[u8], options: &Options) -> Result<Vec<EventPrehash>, HashError> {
    match Format::sniff(bytes) {
        Format::Xml => {
            let events = xml::events(bytes)?;
            Ok(events
                .into_iter()
                .map(|e| EventPrehash {
                    is_event: e.is_element,
                    prehash: e.tree.and_then(prehash_of),
                })
                .collect())
        }
        Format::JsonLd => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| HashError::Unreadable(format!("not UTF-8: {e}")))?;
            let doc = jv::parse(text).map_err(|e| {
                HashError::Unreadable(format!("not JSON: {} at byte {}", e.message, e.offset))
            })?;
            prehashes_of_json(&doc, options)
        }
    }
}

/// [`document_prehashes`] of an already parsed JSON-LD document. Key order matters to the
/// reference in places (the fields of bizTransaction/source/destination entries), so the value
/// must keep the document's key order (serde_json's `preserve_order`, on in this workspace).
/// Integers beyond 64 bits have lost digits in a `serde_json::Value`; where the reference would
/// print them (a time field) the bytes entry points are exact.
pub fn json_prehashes(
    doc: &serde_json::Value,
    options: &Options,
) -> Result<Vec<EventPrehash>, HashError> {
    prehashes_of_json(&jv::J::from_serde(doc), options)
}

fn prehashes_of_json(doc: &jv::J<'_>, options: &Options) -> Result<Vec<EventPrehash>, HashError> {
    let mut out = Vec::new();
    json::for_each_event(doc, options.lenient_contexts, |tree| {
        out.push(EventPrehash {
            is_event: true,
            prehash: tree.and_then(prehash_of),
        })
    })?;
    Ok(out)
}

fn prehash_of(tree: Node<'_>) -> Option<String> {
    prehash::prehash_event(tree).ok()
}

/// The hash IDs the reference prints for a document (JSON-LD or XML, told by content: the first
/// non-space byte `<` means XML), in document order, SHA-256. Events the reference drops are
/// left out, so this is exactly its output list.
pub fn hash_document(bytes: &[u8]) -> Result<Vec<String>, HashError> {
    hash_document_with(bytes, &Options::default())
}

/// [`hash_document`] with other [`Options`] (another digest, lenient contexts).
pub fn hash_document_with(bytes: &[u8], options: &Options) -> Result<Vec<String>, HashError> {
    Ok(document_prehashes(bytes, options)?
        .into_iter()
        .filter_map(|e| e.prehash)
        .map(|p| hash_prehash(&p, options.algorithm))
        .collect())
}

/// The pre-hash strings the reference prints with `-p`, in the order of [`hash_document`].
pub fn prehashes(bytes: &[u8]) -> Result<Vec<String>, HashError> {
    Ok(document_prehashes(bytes, &Options::default())?
        .into_iter()
        .filter_map(|e| e.prehash)
        .collect())
}

/// The SHA-256 hash ID of each event of the document, aligned with its events in order (XML:
/// the children of `EPCISBody/EventList`; JSON-LD: `epcisBody.eventList`, or the single
/// `epcisBody.event`; query documents: `queryResults.resultsBody.eventList`). `None` where the
/// reference drops the event. This is what capture uses to fill missing eventIDs.
pub fn event_hashes(bytes: &[u8]) -> Result<Vec<Option<String>>, HashError> {
    event_hashes_with(bytes, &Options::default())
}

/// [`event_hashes`] with other [`Options`].
pub fn event_hashes_with(
    bytes: &[u8],
    options: &Options,
) -> Result<Vec<Option<String>>, HashError> {
    Ok(aligned(
        document_prehashes(bytes, options)?,
        options.algorithm,
    ))
}

/// [`event_hashes`] of an already parsed JSON-LD document (see [`json_prehashes`]), so
/// capture does not parse twice.
pub fn json_event_hashes(
    doc: &serde_json::Value,
    algorithm: Algorithm,
) -> Result<Vec<Option<String>>, HashError> {
    json_event_hashes_with(doc, &Options::with_algorithm(algorithm))
}

/// [`json_event_hashes`] with other [`Options`].
pub fn json_event_hashes_with(
    doc: &serde_json::Value,
    options: &Options,
) -> Result<Vec<Option<String>>, HashError> {
    Ok(aligned(json_prehashes(doc, options)?, options.algorithm))
}

fn aligned(entries: Vec<EventPrehash>, algorithm: Algorithm) -> Vec<Option<String>> {
    entries
        .into_iter()
        .filter(|e| e.is_event)
        .map(|e| e.prehash.map(|p| hash_prehash(&p, algorithm)))
        .collect()
}
