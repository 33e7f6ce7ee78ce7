//! JSON Schema rules for the values inside events: URIs, times, vocabulary values, quantity
//! elements, locations, business transactions, sources and destinations, sensor elements,
//! ILMD, error declarations and `@context`. Each function states one `definitions` entry of
//! the GS1 schema.

use serde_json::{Map, Value};

use super::Ctx;
use super::capture::{self, Set};
use super::formats::{first_duplicate, is_date_time, is_hex, is_uom, is_uri, type_name};
pub(crate) use super::names::extension_name;
use super::report::Path;
use crate::cbv::Vocab;

/// A plain-words name of a vocabulary, for messages.
pub(crate) fn vocab_name(v: Vocab) -> &'static str {
    match v {
        Vocab::BizStep => "business step",
        Vocab::Disposition => "disposition",
        Vocab::BizTransactionType => "business transaction type",
        Vocab::SourceDestType => "source/destination type",
        Vocab::ErrorReason => "error reason",
        Vocab::Component => "sensor component",
        Vocab::MeasurementType => "measurement type",
        Vocab::SensorAlertType => "sensor alert type",
    }
}

pub(crate) fn object<'v>(
    ctx: &mut Ctx<'_>,
    v: &'v Value,
    path: &Path<'_>,
) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(o) => Some(o),
        other => {
            ctx.add(
                path,
                format!(
                    "{} must be an object, found {}",
                    path.label(),
                    type_name(other)
                ),
            );
            None
        }
    }
}

pub(crate) fn array<'v>(ctx: &mut Ctx<'_>, v: &'v Value, path: &Path<'_>) -> Option<&'v [Value]> {
    match v {
        Value::Array(a) => Some(a),
        other => {
            ctx.add(
                path,
                format!(
                    "{} must be an array, found {}",
                    path.label(),
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// A set-valued member: an array, or in the capture profile a lone value standing for a set of
/// one (tolerance 2 in `capture.rs`).
pub(crate) fn set<'v>(ctx: &mut Ctx<'_>, v: &'v Value, path: &Path<'_>) -> Option<Set<'v>> {
    let s = Set::of(ctx.profile, v);
    if s.is_none() {
        array(ctx, v, path);
    }
    s
}

pub(crate) fn string<'v>(ctx: &mut Ctx<'_>, v: &'v Value, path: &Path<'_>) -> Option<&'v str> {
    match v {
        Value::String(s) => Some(s),
        other => {
            ctx.add(
                path,
                format!(
                    "{} must be a string, found {}",
                    path.label(),
                    type_name(other)
                ),
            );
            None
        }
    }
}

pub(crate) fn number(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    if !v.is_number() {
        ctx.add(
            path,
            format!("{} must be a number, found {}", path.label(), type_name(v)),
        );
    }
}

pub(crate) fn uri(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    if let Some(s) = string(ctx, v, path)
        && !is_uri(s)
    {
        ctx.add(path, format!("{} '{s}' is not an absolute URI (RFC 3986: a scheme such as 'urn:' or 'https:' followed by allowed characters)", path.label()));
    }
}

/// An array of URIs, with `uniqueItems` where the schema asks for it.
pub(crate) fn uri_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, unique: bool, min_one: bool) {
    let Some(items) = array(ctx, v, path) else {
        return;
    };
    if min_one && items.is_empty() {
        ctx.add(path, format!("{} must not be empty", path.label()));
    }
    uris(ctx, Set { items, lone: false }, path, unique);
}

/// A set of URIs (an array, or a lone URI in the capture profile).
pub(crate) fn uri_set(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, unique: bool) {
    if let Some(items) = set(ctx, v, path) {
        uris(ctx, items, path, unique);
    }
}

fn uris(ctx: &mut Ctx<'_>, set: Set<'_>, path: &Path<'_>, unique: bool) {
    for (i, item) in set.iter() {
        uri(ctx, item, &set.item_path(path, i));
    }
    let items = set.items;
    if unique && let Some((first, again)) = first_duplicate(items) {
        ctx.add(
            &path.index(again),
            format!(
                "{} repeats item {first}; the items of {} must be unique",
                path.index(again).label(),
                path.label()
            ),
        );
    }
}

pub(crate) fn time(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(s) = string(ctx, v, path) else {
        return;
    };
    if is_date_time(s) {
        return;
    }
    let no_offset = is_date_time(&format!("{s}Z"));
    if no_offset {
        ctx.add(
            path,
            format!(
                "{} '{s}' has no time zone offset (EPCIS requires 'Z' or ±hh:mm)",
                path.label()
            ),
        );
    } else {
        ctx.add(
            path,
            format!(
                "{} '{s}' is not an RFC 3339 date-time such as 2024-05-01T08:30:00+08:00",
                path.label()
            ),
        );
    }
}

pub(crate) fn require(
    ctx: &mut Ctx<'_>,
    o: &Map<String, Value>,
    path: &Path<'_>,
    key: &str,
    owner: &str,
) {
    if !o.contains_key(key) {
        ctx.add(path, format!("{owner} lacks the required member '{key}'"));
    }
}

fn gs1_prefix_excluded(vocab: Vocab, s: &str) -> bool {
    match vocab {
        // vocab-nonGS1WebVoc-uri
        Vocab::MeasurementType | Vocab::SensorAlertType => [
            "http://gs1.org/voc/",
            "https://gs1.org/voc/",
            "http://www.gs1.org/voc/",
            "https://www.gs1.org/voc/",
        ]
        .iter()
        .any(|p| s.starts_with(p)),
        // vocab-other-uri
        _ => {
            s.starts_with("urn:epcglobal:cbv")
                || s.starts_with("http://ns.gs1.org/cbv/")
                || s.starts_with("https://ns.gs1.org/cbv/")
        }
    }
}

/// A CBV-governed value: a bare standard term, or the URI of another vocabulary. The JSON-LD
/// binding forbids the CBV's own URN and web-vocabulary spellings there; the capture profile
/// (and so values read from XML) may use any URI, and the CBV rules check which term it names.
pub(crate) fn vocab(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, vocab: Vocab) {
    let Some(s) = string(ctx, v, path) else {
        return;
    };
    if vocab.iri_of(s).is_some() {
        return;
    }
    let uri = is_uri(s);
    let excluded = gs1_prefix_excluded(vocab, s);
    // The capture profile takes the XSD's wider rule (tolerance 7): any URI here, and the CBV
    // layer tells which term it names.
    if uri && (!excluded || ctx.capture()) {
        return;
    }
    let label = path.label();
    let name = vocab_name(vocab);
    let msg = if excluded {
        match vocab.term_of(s) {
            Some(term) => format!(
                "{label} '{s}': JSON-LD writes this standard {name} as the bare term '{term}'"
            ),
            None => format!(
                "{label} '{s}' is not a known {name} of the CBV, and the CBV namespace cannot hold user terms"
            ),
        }
    } else if !s.contains(':') {
        format!(
            "{label} '{s}' is not a CBV {name}; use a CBV term or a URI of your own vocabulary (such as https://example.com/voc/{s})"
        )
    } else {
        format!("{label} '{s}' is neither a CBV {name} nor an absolute URI")
    };
    ctx.add(path, msg);
}

pub(crate) fn quantity_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(items) = set(ctx, v, path) else {
        return;
    };
    for (i, item) in items.iter() {
        let p = items.item_path(path, i);
        let Some(o) = object(ctx, item, &p) else {
            continue;
        };
        for (k, x) in o {
            let pk = p.key(k);
            match k.as_str() {
                "epcClass" => uri(ctx, x, &pk),
                "quantity" => number(ctx, x, &pk),
                "uom" => {
                    if let Some(u) = string(ctx, x, &pk)
                        && !is_uom(u)
                    {
                        ctx.add(&pk, format!("uom '{u}' is not a UN/CEFACT code (2–3 upper-case letters or digits, such as KGM)"));
                    }
                }
                _ => ctx.add(&pk, format!("'{k}' is not allowed in a quantity element (only epcClass, quantity and uom)")),
            }
        }
        require(ctx, o, &p, "epcClass", "a quantity element");
    }
}

pub(crate) fn persistent_disposition(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    for (k, x) in o {
        let pk = path.key(k);
        match k.as_str() {
            "set" | "unset" => {
                let Some(items) = set(ctx, x, &pk) else {
                    continue;
                };
                if !items.has_items() {
                    ctx.add(&pk, format!("persistentDisposition {k} must not be empty"));
                }
                for (i, item) in items.iter() {
                    vocab(ctx, item, &items.item_path(&pk, i), Vocab::Disposition);
                }
                if let Some((first, again)) = first_duplicate(items.items) {
                    ctx.add(
                        &pk.index(again),
                        format!("persistentDisposition {k} repeats item {first}"),
                    );
                }
            }
            _ => ctx.add(
                &pk,
                format!("'{k}' is not allowed in persistentDisposition (only set and unset)"),
            ),
        }
    }
    if !o.contains_key("set") && !o.contains_key("unset") {
        ctx.add(path, "persistentDisposition needs 'set' or 'unset'");
    }
}

/// `readPoint` and `bizLocation`: an `id` URI; other members are free.
pub(crate) fn location(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    match o.get("id") {
        Some(id) => uri(ctx, id, &path.key("id")),
        None => ctx.add(
            path,
            format!("{} lacks the required member 'id'", path.label()),
        ),
    }
}

pub(crate) fn biz_transaction_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, min_one: bool) {
    let Some(items) = set(ctx, v, path) else {
        return;
    };
    if min_one && !items.has_items() {
        ctx.add(
            path,
            "bizTransactionList must name at least one business transaction",
        );
    }
    for (i, item) in items.iter() {
        let p = items.item_path(path, i);
        let Some(o) = object(ctx, item, &p) else {
            continue;
        };
        for (k, x) in o {
            let pk = p.key(k);
            match k.as_str() {
                "type" => vocab(ctx, x, &pk, Vocab::BizTransactionType),
                "bizTransaction" => uri(ctx, x, &pk),
                _ => ctx.add(&pk, format!("'{k}' is not allowed in a business transaction (only type and bizTransaction)")),
            }
        }
        require(ctx, o, &p, "bizTransaction", "a business transaction");
    }
}

/// `sourceList` (`member` = "source") or `destinationList` (`member` = "destination").
pub(crate) fn source_dest_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, member: &str) {
    let Some(items) = set(ctx, v, path) else {
        return;
    };
    for (i, item) in items.iter() {
        let p = items.item_path(path, i);
        let Some(o) = object(ctx, item, &p) else {
            continue;
        };
        for (k, x) in o {
            let pk = p.key(k);
            if k == "type" {
                vocab(ctx, x, &pk, Vocab::SourceDestType);
            } else if k == member {
                uri(ctx, x, &pk);
            } else {
                ctx.add(
                    &pk,
                    format!("'{k}' is not allowed in a {member} (only type and {member})"),
                );
            }
        }
        require(ctx, o, &p, "type", &format!("a {member}"));
        require(ctx, o, &p, member, &format!("a {member}"));
    }
}

pub(crate) fn sensor_element_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(items) = set(ctx, v, path) else {
        return;
    };
    for (i, item) in items.iter() {
        let p = items.item_path(path, i);
        let Some(o) = object(ctx, item, &p) else {
            continue;
        };
        for (k, x) in o {
            let pk = p.key(k);
            match k.as_str() {
                "sensorMetadata" => sensor_metadata(ctx, x, &pk),
                "sensorReport" => {
                    let Some(reports) = set(ctx, x, &pk) else {
                        continue;
                    };
                    if !reports.has_items() {
                        ctx.add(&pk, "a sensor element needs at least one sensorReport");
                    }
                    for (j, r) in reports.iter() {
                        sensor_report(ctx, r, &reports.item_path(&pk, j));
                    }
                }
                // Tolerance 4 (capture.rs): the element's JSON-LD node type.
                "type" if ctx.capture() => capture::sensor_element_type(ctx, x, &pk),
                _ => extension_name(ctx, k, &p, "a sensor element"),
            }
        }
        require(ctx, o, &p, "sensorReport", "a sensor element");
    }
}

fn sensor_metadata(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    for (k, x) in o {
        let pk = path.key(k);
        match k.as_str() {
            "time" | "startTime" | "endTime" => time(ctx, x, &pk),
            "deviceID" | "deviceMetadata" | "rawData" | "dataProcessingMethod" | "bizRules" => {
                uri(ctx, x, &pk)
            }
            _ => extension_name(ctx, k, path, "sensorMetadata"),
        }
    }
}

fn sensor_report(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    for (k, x) in o {
        let pk = path.key(k);
        match k.as_str() {
            "type" => vocab(ctx, x, &pk, Vocab::MeasurementType),
            "exception" => vocab(ctx, x, &pk, Vocab::SensorAlertType),
            "component" => vocab(ctx, x, &pk, Vocab::Component),
            "deviceID"
            | "deviceMetadata"
            | "rawData"
            | "dataProcessingMethod"
            | "bizRules"
            | "microorganism"
            | "chemicalSubstance"
            | "coordinateReferenceSystem"
            | "uriValue" => uri(ctx, x, &pk),
            "time" => time(ctx, x, &pk),
            "value" | "minValue" | "maxValue" | "meanValue" | "sDev" | "percRank" | "percValue" => {
                number(ctx, x, &pk)
            }
            "stringValue" | "uom" => {
                string(ctx, x, &pk);
            }
            "booleanValue" => {
                if !x.is_boolean() {
                    ctx.add(
                        &pk,
                        format!("booleanValue must be true or false, found {}", type_name(x)),
                    );
                }
            }
            "hexBinaryValue" => {
                if let Some(s) = string(ctx, x, &pk)
                    && !is_hex(s)
                {
                    ctx.add(
                        &pk,
                        format!("hexBinaryValue '{s}' is not hexadecimal (digits 0-9, A-F)"),
                    );
                }
            }
            _ => extension_name(ctx, k, path, "a sensorReport"),
        }
    }
    // The XSD leaves a report's type optional (a report may carry only an exception); the
    // capture profile follows it (tolerance 7).
    if !ctx.capture() {
        require(ctx, o, path, "type", "a sensorReport");
    }
}

/// ILMD holds user fields only: every name must be a prefixed URI.
pub(crate) fn ilmd(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    for k in o.keys() {
        extension_name(ctx, k, path, "ilmd");
    }
}

pub(crate) fn error_declaration(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = object(ctx, v, path) else {
        return;
    };
    for (k, x) in o {
        let pk = path.key(k);
        match k.as_str() {
            "declarationTime" => time(ctx, x, &pk),
            "reason" => vocab(ctx, x, &pk, Vocab::ErrorReason),
            "correctiveEventIDs" => uri_set(ctx, x, &pk, false),
            _ => extension_name(ctx, k, path, "errorDeclaration"),
        }
    }
    require(ctx, o, path, "declarationTime", "errorDeclaration");
}

pub(crate) fn certification_info(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    match v {
        Value::String(_) => uri(ctx, v, path),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                uri(ctx, item, &path.index(i));
            }
        }
        other => ctx.add(
            path,
            format!(
                "certificationInfo must be a URI or a list of URIs, found {}",
                type_name(other)
            ),
        ),
    }
}

/// `@context`: a context URL, an inline context object, or a list of those without repeats.
pub(crate) fn context(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    fn entry(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
        match v {
            Value::Object(_) => {}
            Value::String(s) if is_uri(s) => {}
            Value::String(s) => {
                ctx.add(path, format!("@context entry '{s}' is not an absolute URI"))
            }
            other => ctx.add(
                path,
                format!(
                    "@context entries must be URLs or objects, found {}",
                    type_name(other)
                ),
            ),
        }
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                entry(ctx, item, &path.index(i));
            }
            if let Some((first, again)) = first_duplicate(items) {
                ctx.add(
                    &path.index(again),
                    format!("@context repeats entry {first}"),
                );
            }
        }
        other => entry(ctx, other, path),
    }
}
