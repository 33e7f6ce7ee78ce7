//! The XML binding of EPCIS: read 2.0 and 1.x XML (`EPCISDocument`, `EPCISQueryDocument`,
//! `EPCISMasterDataDocument`), write EPCIS 2.0 XML.
//!
//! The model is the JSON-LD form; this module maps the XML binding onto it:
//! - CBV values are kept as written (URNs stay URNs); `gs1:`/`cbv:` CURIEs in values are kept
//!   as full IRIs (what the reference hash generator reads them as);
//! - sensorMetadata/sensorReport fields and bizTransaction/source/destination `type` are XML
//!   attributes; ILMD and user extensions are namespaced elements, mapped as described in
//!   `extensions` (text → string, attributes/children → object with `#text`, repeats → array);
//! - XML namespace prefixes become `Document::namespaces` (renamed where a prefix is bound to
//!   two namespaces, where it would redefine a standard JSON-LD prefix, or where it also starts
//!   some value, since a declared prefix in a JSON-LD value means an IRI);
//! - the header (`EPCISHeader` with SBDH and master data) becomes `header.epcisHeader`, with
//!   master data as `epcisMasterData.vocabularyList`; other root attributes and elements become
//!   header members.
//!
//! Security: DTD internal subsets and external identifiers are refused (no entity expansion, no
//! XXE), unknown entities are errors, nesting is capped at [`MAX_DEPTH`]. Errors give line and
//! column, and the event (position, eventID) and field where known.
//!
//! Known lossy spots: `<quantity xsi:nil="true"/>` reads as an absent quantity; text after
//! child elements (mixed content) is dropped, as the reference generator drops it; an
//! attribute and a child element of the same name in an extension merge into one array.

mod event;
mod extensions;
mod names;
mod out;
mod prefix_plan;
mod read;
mod tree;
mod write;
mod write_sensor;

pub use names::{EPCIS_1, EPCIS_2, QUERY_2};
pub use read::parse_document;
pub use tree::MAX_DEPTH;
pub use write::to_string;
