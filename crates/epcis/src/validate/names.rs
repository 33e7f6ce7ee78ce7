//! Member names outside the standard set: user extensions need a namespace (a URI, an XML
//! qualified name read from XML, or in the capture profile a compact IRI whose prefix the
//! `@context` declares), and a name that differs from a standard one in letter case only gets
//! a hint.

use super::capture;
use super::formats::is_uri;
use super::report::Path;
use super::{Binding, Ctx};

/// An XML qualified name `prefix:local` (prefix an NCName), which is how extensions read from
/// XML are keyed even when the prefix is no URI scheme (`example_2:field`).
fn is_xml_qname(key: &str) -> bool {
    let Some((prefix, local)) = key.split_once(':') else {
        return false;
    };
    let mut p = prefix.bytes();
    p.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && p.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        && !local.is_empty()
        && !local.contains(|c: char| c.is_whitespace() || c == ':')
}

/// The member names of the EPCIS 2.0 JSON binding, for a hint when a name differs from one in
/// letter case only (`sensorMetaData`).
const STANDARD_NAMES: &[&str] = &[
    "action",
    "attributes",
    "bizLocation",
    "bizRules",
    "bizStep",
    "bizTransaction",
    "bizTransactionList",
    "booleanValue",
    "certificationInfo",
    "chemicalSubstance",
    "childEPCs",
    "childQuantityList",
    "children",
    "component",
    "coordinateReferenceSystem",
    "correctiveEventIDs",
    "creationDate",
    "dataProcessingMethod",
    "declarationTime",
    "destination",
    "destinationList",
    "deviceID",
    "deviceMetadata",
    "disposition",
    "endTime",
    "epcClass",
    "epcList",
    "epcisBody",
    "epcisHeader",
    "epcisMasterData",
    "errorDeclaration",
    "eventID",
    "eventList",
    "eventTime",
    "eventTimeZoneOffset",
    "exception",
    "hexBinaryValue",
    "ilmd",
    "inputEPCList",
    "inputQuantityList",
    "instanceIdentifier",
    "maxValue",
    "meanValue",
    "microorganism",
    "minValue",
    "outputEPCList",
    "outputQuantityList",
    "parentID",
    "percRank",
    "percValue",
    "persistentDisposition",
    "quantity",
    "quantityList",
    "queryName",
    "queryResults",
    "rawData",
    "readPoint",
    "reason",
    "receiver",
    "recordTime",
    "resultsBody",
    "sDev",
    "schemaVersion",
    "sender",
    "sensorElementList",
    "sensorMetadata",
    "sensorReport",
    "source",
    "sourceList",
    "startTime",
    "stringValue",
    "subscriptionID",
    "transformationID",
    "uom",
    "uriValue",
    "value",
    "vocabularyElementList",
    "vocabularyList",
];

/// A property name outside the standard set must be a URI (a prefixed extension name); for
/// events read from XML, an XML qualified name.
pub(crate) fn extension_name(ctx: &mut Ctx<'_>, key: &str, path: &Path<'_>, owner: &str) {
    let allowed = is_uri(key)
        || (ctx.binding == Binding::Model && is_xml_qname(key))
        || capture::is_declared_compact_iri(ctx, key);
    if allowed {
        return;
    }
    let hint = STANDARD_NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(key) && **n != key)
        .map(|n| format!(" (did you mean '{n}'?)"))
        .unwrap_or_default();
    let msg = if ctx.binding == Binding::Model && !key.contains(':') {
        // Read from XML: an element in no namespace. The 2.0 XSD's wildcards (`##other`) admit
        // none; the 1.2 XSD's `<extension>` wildcard (`##local`) does, but only for fields a
        // later EPCIS version defines, never for user data.
        format!(
            "'{key}' is not a member of {owner}{hint}: in EPCIS XML an element in no namespace is a standard field, not a user extension (the EPCIS 2.0 XSD admits no other, and the EPCIS 1.2 XSD reserves unqualified content of <extension> for fields later EPCIS versions define); a user extension needs its own XML namespace"
        )
    } else {
        format!(
            "'{key}' is not a member of {owner}{hint}; a user extension needs a namespace-prefixed name such as 'ext1:{key}'"
        )
    };
    ctx.add(&path.key(key), msg);
}
