//! The capture profile ([`validate_for_capture`](super::validate_for_capture), and
//! [`validate_document`](super::validate_document) for documents read from XML): every rule of
//! the schema and CBV layers, except where the GS1 JSON Schema is narrower than JSON-LD itself,
//! the EPCIS 2.0 XSD or the standard. Each tolerance, and why it is legitimate:
//!
//! 1. **JSON-LD node identifiers.** Both EPCIS contexts map `id` to the keyword `@id`, so the
//!    document's `id` and an event's `id` may be a blank node `_:name` (the simple-context
//!    examples write `"id": "_:document1"`). The contexts map `eventID` to `@id` as well, so an
//!    event's URI `id` *is* its eventID: it is checked as one (URI, hash-ID shape, unique in
//!    the document), and an event giving both `id` and `eventID` stays an error (JSON-LD's
//!    "colliding keywords").
//! 2. **One-member sets without brackets.** JSON-LD reads a lone value of a set-valued member as
//!    a set of one, and so does the project's reader (`crate::jsonld::parse_value` wraps exactly
//!    these members): `epcList`, `childEPCs`, `inputEPCList`, `outputEPCList`, the four quantity
//!    lists, `bizTransactionList`, `sourceList`, `destinationList`, `sensorElementList`,
//!    `sensorReport`, `persistentDisposition.set`/`unset` and
//!    `errorDeclaration.correctiveEventIDs`. The lone value is checked as the list's one item.
//!    Master-data lists (`children`, `attributes`, …) are not read that way and stay arrays.
//! 3. **`persistentDisposition` on every event type**, as the EPCIS 2.0 XSD gives it to all
//!    five (the JSON Schema only to ObjectEvent and TransformationEvent).
//! 4. **A sensor element's node type**: `"type"` on a sensor element may name the standard
//!    class, `SensorElement`, `epcis:SensorElement` or `https://ref.gs1.org/epcis/SensorElement`
//!    (GS1's simple-context examples write `epcis:SensorElement`); any other type is an error.
//! 5. **The document header** may lack `schemaVersion` and `creationDate`, and `schemaVersion`
//!    may be a JSON number (`2`, `2.0`): neither is stored with the events, so capture loses
//!    nothing. A value that is given must still be well-formed (a version number, a timestamp).
//! 6. **GS1 Web Vocabulary terms beyond the EPCIS context.** Measurement types and sensor alert
//!    types live in the GS1 Web Vocabulary (`https://gs1.org/voc/`, CURIE `gs1:`), an open
//!    vocabulary of which the EPCIS context lists a snapshot; a value there that the project's
//!    tables lack is accepted. The CBV's own namespace (`https://ref.gs1.org/cbv/`, `cbv:`,
//!    `urn:epcglobal:cbv:`) is closed: the CBV defines every term in it, IRIs are
//!    case-sensitive, and the tables hold all of CBV 2.0, so an unknown term there is a
//!    misspelling and stays an error, as does an unknown bare word.
//! 7. **Where the EPCIS 2.0 XSD is wider than the JSON Schema**, both bindings follow the XSD:
//!    a standard CBV value may be written as its `urn:epcglobal:cbv:…` URN (if it names a known
//!    term; GS1's `WithEventHashID` examples give the same event in JSON-LD with URNs and in XML),
//!    and a `sensorReport` may lack `type` (it may carry only an `exception`).
//!
//! 8. **Compact IRIs whose prefix is no URI scheme.** A user extension named `prefix:local` is
//!    a JSON-LD compact IRI when the document's `@context` declares `prefix`, even if the prefix
//!    could not be a URI scheme (`example_2:field`, as EPCIS XML namespace prefixes may be and
//!    as the project's own JSON-LD writer keeps them). Undeclared, such a name stays an error.
//!
//! Everything else is enforced as in the strict layers: for instance `ilmd` on an ObjectEvent
//! whose action is not ADD, misspelled standard members (`sensorMetaData`), member names without
//! a namespace (a user extension needs one), check digits, CBV terms.

use serde_json::Value;

use super::formats::{is_uri, is_version, type_name};
use super::report::Path;
use super::{Ctx, Profile};

/// How a set-valued member was written: its items, and whether it was a lone value standing
/// for a set of one (tolerance 2) rather than an array.
#[derive(Clone, Copy)]
pub(crate) struct Set<'v> {
    pub(crate) items: &'v [Value],
    pub(crate) lone: bool,
}

impl<'v> Set<'v> {
    /// The items of a set-valued member, without reporting anything: `None` when it is no set
    /// (not an array, and not a lone value the profile accepts).
    pub(crate) fn of(profile: Profile, v: &'v Value) -> Option<Set<'v>> {
        match v {
            Value::Array(items) => Some(Set { items, lone: false }),
            Value::Null => None,
            lone if profile == Profile::Capture => Some(Set {
                items: std::slice::from_ref(lone),
                lone: true,
            }),
            _ => None,
        }
    }

    /// Whether the set has at least one item.
    pub(crate) fn has_items(&self) -> bool {
        !self.items.is_empty()
    }

    /// Where item `i` is: the member itself for a lone value, else its index below the member.
    pub(crate) fn item_path<'p>(&self, path: &'p Path<'p>, i: usize) -> Path<'p> {
        if self.lone { *path } else { path.index(i) }
    }

    /// Items with their positions, as `(index, value)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &'v Value)> + use<'v> {
        self.items.iter().enumerate()
    }
}

/// A JSON-LD blank node identifier: `_:` and a label of letters, digits, `_`, `-` and `.`,
/// not starting with `-` or `.` nor ending with `.` (Turtle's BLANK_NODE_LABEL).
pub(crate) fn is_blank_node(s: &str) -> bool {
    let Some(label) = s.strip_prefix("_:") else {
        return false;
    };
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut chars = label.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && label.chars().all(ok)
        && !label.ends_with('.')
}

/// A node identifier (`id`, i.e. `@id`): an absolute URI or a blank node.
pub(crate) fn node_id(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    match v {
        Value::String(s) if is_uri(s) || is_blank_node(s) => {}
        Value::String(s) => ctx.add(
            path,
            format!(
                "{} '{s}' is neither an absolute URI nor a JSON-LD blank node identifier such as '_:b1'",
                path.label()
            ),
        ),
        other => ctx.add(
            path,
            format!("{} must be a string, found {}", path.label(), type_name(other)),
        ),
    }
}

/// The identifier an event gives itself: `eventID`, or in the capture profile a URI `id`
/// (the same JSON-LD `@id`); a blank node names no event.
pub(crate) fn event_id(profile: Profile, event: &Value) -> Option<&str> {
    let o = event.as_object()?;
    if let Some(id) = o.get("eventID") {
        return id.as_str();
    }
    if profile != Profile::Capture {
        return None;
    }
    o.get("id")
        .and_then(Value::as_str)
        .filter(|s| !is_blank_node(s))
}

/// Whether `key` is a compact IRI whose prefix the document's `@context` declares (tolerance 8).
pub(crate) fn is_declared_compact_iri(ctx: &Ctx<'_>, key: &str) -> bool {
    let Some(context) = ctx.context.filter(|_| ctx.capture()) else {
        return false;
    };
    let Some((prefix, local)) = key.split_once(':') else {
        return false;
    };
    !prefix.is_empty()
        && !local.is_empty()
        && !local.starts_with("//")
        && !key.contains(char::is_whitespace)
        && declares(context, prefix)
}

fn declares(context: &Value, prefix: &str) -> bool {
    match context {
        Value::Array(entries) => entries.iter().any(|c| declares(c, prefix)),
        Value::Object(terms) => match terms.get(prefix) {
            Some(Value::String(iri)) => is_uri(iri),
            Some(Value::Object(def)) => def.get("@id").and_then(Value::as_str).is_some_and(is_uri),
            _ => false,
        },
        _ => false,
    }
}

/// The standard class of a sensor element, in each spelling the EPCIS contexts expand to it.
const SENSOR_ELEMENT_TYPES: [&str; 3] = [
    "SensorElement",
    "epcis:SensorElement",
    "https://ref.gs1.org/epcis/SensorElement",
];

/// A sensor element's JSON-LD node `type` (tolerance 4).
pub(crate) fn sensor_element_type(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    match v.as_str() {
        Some(t) if SENSOR_ELEMENT_TYPES.contains(&t) => {}
        _ => ctx.add(
            path,
            format!(
                "the type of a sensor element can only be its standard class epcis:SensorElement, not {v}"
            ),
        ),
    }
}

/// `schemaVersion` given as a JSON number (`2`, `2.0`) in the capture profile (tolerance 5).
pub(crate) fn schema_version_number(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) -> bool {
    if ctx.profile != Profile::Capture {
        return false;
    }
    let Value::Number(n) = v else {
        return false;
    };
    let text = n.to_string();
    if !is_version(&text) {
        ctx.add(
            path,
            format!("schemaVersion {text} is not a version number such as 2.0"),
        );
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_nodes() {
        for ok in ["_:document1", "_:b", "_:_x", "_:a.b-c", "_:1"] {
            assert!(is_blank_node(ok), "{ok}");
        }
        for bad in [
            "_:", "_:.a", "_:-a", "_:a.", "_:a b", "_:a:b", ":a", "_a", "b:x",
        ] {
            assert!(!is_blank_node(bad), "{bad}");
        }
    }

    #[test]
    fn lone_values_are_sets_only_for_capture() {
        let lone = serde_json::json!({"type": "location"});
        assert!(Set::of(Profile::Schema, &lone).is_none());
        let s = Set::of(Profile::Capture, &lone).unwrap();
        assert!(s.lone && s.has_items() && s.items.len() == 1);
        assert!(Set::of(Profile::Capture, &Value::Null).is_none());
        let arr = serde_json::json!([]);
        let s = Set::of(Profile::Schema, &arr).unwrap();
        assert!(!s.lone && !s.has_items());
        let root = Path::ROOT;
        let p = root.key("sourceList");
        let lone_set = Set::of(Profile::Capture, &lone).unwrap();
        assert_eq!(lone_set.item_path(&p, 0).render(), "/sourceList");
        let arr = serde_json::json!([1]);
        assert_eq!(
            Set::of(Profile::Capture, &arr)
                .unwrap()
                .item_path(&p, 0)
                .render(),
            "/sourceList/0"
        );
    }
}
