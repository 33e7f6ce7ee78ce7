//! EPCIS 2.0 validation as the project's own rules, in two layers that can be called apart:
//!
//! - **schema rules** ([`schema_violations`]): every constraint of the GS1 EPCIS 2.0 JSON
//!   Schema (draft-07), written out by hand: document shapes, each event type's members,
//!   `propertyNames`, value types, `format` (`uri`, `date-time`, asserted as GS1 does),
//!   patterns, enums, `minItems`/`uniqueItems` and each type's `anyOf`. A document has schema
//!   violations exactly when the GS1 schema rejects it (`tests/schema_agreement.rs`).
//! - **CBV rules** ([`cbv_violations`]): what the schemas cannot say — CBV terms in every
//!   spelling name known terms, identifiers' check digits, quantities ≥ 0, sensor units and
//!   ranges, time ordering, XSD-only constraints (event times as XSD `DateTimeStamp`,
//!   non-empty lists, even-length hexBinary, `uom` only with a `quantity`), the standard's
//!   `parentID` rule for aggregations, hash-ID shape of `ni:` event IDs, and unique
//!   eventIDs within a document. These rules assume the schema rules run too (a bare CBV
//!   word, for instance, is checked by the schema layer only).
//!
//! [`validate_json_document`] is both, exactly. [`validate_for_capture`] is the **capture
//! profile**: both layers, with a short list of tolerances where the JSON Schema is narrower
//! than JSON-LD, the XSD or the standard (each one documented in `capture.rs`: blank-node and
//! event `id`s, one-member sets without brackets, `persistentDisposition` on every event type,
//! a sensor element's node type, an optional header, GS1 Web Vocabulary terms beyond the EPCIS
//! context, CBV URNs of known terms, a `sensorReport` without `type`, extension prefixes that
//! the `@context` declares but that are no URI scheme). Events read from XML are
//! checked the same way on their JSON-LD form ([`validate_event`], [`validate_document`]);
//! there, extension names may also be XML qualified names whose prefix is no URI scheme
//! (`example_2:field`).
//!
//! Every violation names the event (index in document order and eventID) and the field as a
//! JSON pointer relative to the event (`/quantityList/0/uom`), or absolute for document-level
//! fields. At most [`MAX_VIOLATIONS`] are listed.
//!
//! The happy path allocates nothing: paths are stack chains rendered only on a violation,
//! formats are byte-level checks, and no regex is involved.

mod capture;
mod cbv_rules;
mod document;
mod event;
mod fields;
mod formats;
mod gs1_keys;
mod names;
mod report;
mod uri;

use serde_json::Value;

use crate::{Document, Event, Violation};
pub use report::MAX_VIOLATIONS;
use report::{Path, Report};

/// Which binding a value comes from: JSON-LD as sent, or the JSON-LD form of a model event
/// (read from XML), whose extension names are XML qualified names (`example_2:field`) and
/// whose unprefixed names are XML elements in no namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binding {
    JsonLd,
    Model,
}

/// Which rule set applies: exactly the GS1 JSON Schema (plus the strict CBV rules), or the
/// capture profile with its documented tolerances (`capture.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Schema,
    Capture,
}

/// State shared by the rule functions of one call.
pub(crate) struct Ctx<'d> {
    pub(crate) binding: Binding,
    pub(crate) profile: Profile,
    pub(crate) report: Report<'d>,
    /// The document's `@context`, where the capture profile looks up extension prefixes.
    pub(crate) context: Option<&'d Value>,
}

impl<'d> Ctx<'d> {
    fn new(binding: Binding, profile: Profile, limit: usize) -> Ctx<'d> {
        Ctx {
            binding,
            profile,
            report: Report::new(limit),
            context: None,
        }
    }

    /// Whether the capture profile's tolerances apply.
    pub(crate) fn capture(&self) -> bool {
        self.profile == Profile::Capture
    }

    pub(crate) fn add(&mut self, path: &Path<'_>, message: impl Into<String>) {
        self.report.add(path, message);
    }
}

/// The GS1 EPCIS 2.0 JSON Schema verdict, with reasons: empty exactly when the schema accepts
/// the document (a capture document, a query document, or a single event with `@context`).
pub fn schema_violations(doc: &Value) -> Vec<Violation> {
    let mut ctx = Ctx::new(Binding::JsonLd, Profile::Schema, MAX_VIOLATIONS);
    document::check_root(&mut ctx, doc);
    ctx.report.into_vec()
}

/// Whether the GS1 JSON Schema accepts the document; stops at the first violation.
pub fn is_schema_valid(doc: &Value) -> bool {
    let mut ctx = Ctx::new(Binding::JsonLd, Profile::Schema, 0);
    document::check_root(&mut ctx, doc);
    ctx.report.is_empty()
}

/// The CBV and standard rules beyond the schemas (see the module documentation), for a
/// JSON-LD document. Meant to run together with [`schema_violations`].
pub fn cbv_violations(doc: &Value) -> Vec<Violation> {
    let mut ctx = Ctx::new(Binding::JsonLd, Profile::Schema, MAX_VIOLATIONS);
    cbv_rules::check_root(&mut ctx, doc);
    ctx.report.into_vec()
}

/// Every violation in a JSON-LD document (an empty list means valid): the schema rules, then
/// the CBV rules, at most [`MAX_VIOLATIONS`] in all.
pub fn validate_json_document(doc: &Value) -> Vec<Violation> {
    let mut ctx = Ctx::new(Binding::JsonLd, Profile::Schema, MAX_VIOLATIONS);
    document::check_root(&mut ctx, doc);
    cbv_rules::check_root(&mut ctx, doc);
    ctx.report.into_vec()
}

/// The capture profile: every violation in a JSON-LD document as [`validate_json_document`]
/// finds them, except what the profile tolerates (the module documentation lists it; each
/// tolerance is explained in `capture.rs`). What capture uses.
pub fn validate_for_capture(doc: &Value) -> Vec<Violation> {
    let mut ctx = Ctx::new(Binding::JsonLd, Profile::Capture, MAX_VIOLATIONS);
    document::check_root(&mut ctx, doc);
    cbv_rules::check_root(&mut ctx, doc);
    ctx.report.into_vec()
}

/// Checks one event of a document's `eventList` in its JSON-LD form (no `@context` needed),
/// schema and CBV rules; `index` is the event's position, reported in each violation.
pub fn validate_json_event(event: &Value, index: Option<usize>) -> Vec<Violation> {
    check_event_value(event, index, Binding::JsonLd, Profile::Schema)
}

/// Checks a model event (for instance one read from XML) on its JSON-LD form, with the capture
/// profile; CBV values may be spelled as `urn:epcglobal:cbv:…` URNs as long as they name known
/// terms.
pub fn validate_event(event: &Event) -> Vec<Violation> {
    validate_event_at(event, None)
}

fn validate_event_at(event: &Event, index: Option<usize>) -> Vec<Violation> {
    match serde_json::to_value(event) {
        Ok(v) => check_event_value(&v, index, Binding::Model, Profile::Capture),
        Err(e) => vec![Violation {
            location: crate::error::Location {
                event_index: index,
                event_id: event.event_id.clone(),
                ..Default::default()
            },
            message: format!("the event cannot be written as JSON: {e}"),
        }],
    }
}

/// Checks every event of a model document (for instance one read from XML), as
/// [`validate_event`] does, plus the document-wide rules (unique eventIDs): the capture
/// profile, as [`validate_for_capture`] applies it to JSON-LD.
pub fn validate_document(doc: &Document) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, e) in doc.events.iter().enumerate() {
        out.extend(validate_event_at(e, Some(i)));
        if out.len() >= MAX_VIOLATIONS {
            out.truncate(MAX_VIOLATIONS);
            out.push(Violation {
                location: Default::default(),
                message: format!(
                    "more violations were found; only the first {MAX_VIOLATIONS} are listed"
                ),
            });
            return out;
        }
    }
    let ids = doc.events.iter().map(|e| {
        e.event_id.as_deref().or_else(|| {
            // An event `id` kept as a member (JSON-LD `@id`, like eventID) names the event.
            e.extensions
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !capture::is_blank_node(s))
        })
    });
    let mut ctx = Ctx::new(Binding::Model, Profile::Capture, MAX_VIOLATIONS - out.len());
    cbv_rules::unique_event_ids(&mut ctx, ids);
    out.extend(ctx.report.into_vec());
    out
}

fn check_event_value(
    v: &Value,
    index: Option<usize>,
    binding: Binding,
    profile: Profile,
) -> Vec<Violation> {
    let mut ctx = Ctx::new(binding, profile, MAX_VIOLATIONS);
    ctx.report.set_event(index, capture::event_id(profile, v));
    event::check_event(&mut ctx, v, false);
    cbv_rules::check_event(&mut ctx, v);
    ctx.report.into_vec()
}

#[cfg(test)]
mod capture_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
