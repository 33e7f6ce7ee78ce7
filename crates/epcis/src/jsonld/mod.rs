//! The JSON-LD binding of EPCIS 2.0: read and write `EPCISDocument` and `EPCISQueryDocument`.
//!
//! Reading keeps everything: the `@context` as given (so a document is written back as it came),
//! the prefixes its inline objects declare (→ [`Document::namespaces`](crate::Document)), header
//! members (`sender`, `receiver`, `instanceIdentifier`, `epcisHeader`, `id`, …) and every event
//! member. `parse → write → parse` gives an equal [`Document`](crate::Document), and the written
//! JSON equals the input JSON value modulo member order and one spelling: an event's URI `id`
//! (JSON-LD `@id`, as the contexts map both `id` and `eventID`) is read as its eventID and
//! written as `eventID`.
//!
//! Nesting is bounded by serde_json's recursion limit (128 levels), reported as such.

mod context;
mod read;
mod write;

pub use context::{
    GITHUB_CONTEXT, SIMPLE_CONTEXT, STANDARD_CONTEXT, STANDARD_PREFIXES, build_context,
    is_epcis_context, split_context, standard_prefix,
};
pub use read::{parse_document, parse_event, parse_value};
pub use write::{
    document_with, event_in_query_document, event_to_value, may_rename_prefixes, to_string,
    to_string_pretty, to_string_with, to_value, to_value_with,
};
