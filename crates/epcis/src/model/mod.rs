//! The EPCIS 2.0 data model: events and documents, independent of any wire format.

mod document;
mod event;
pub(crate) mod prefixes;
mod time;

pub use document::{Document, DocumentKind, Namespaces};
pub use event::*;
pub use time::{TimeError, Timestamp, parse_offset, parse_time};
