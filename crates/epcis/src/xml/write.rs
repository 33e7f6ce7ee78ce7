//! Writing EPCIS 2.0 XML.
//!
//! Elements follow the XSD sequence of each event type. Values are written so that the
//! reference hash generator sees in the XML what it sees in the JSON-LD form of the same model:
//! - bare CBV terms (JSON-LD's short form) are written as the XML forms GS1 uses:
//!   `receiving` → `urn:epcglobal:cbv:bizstep:receiving` (bizStep, disposition, persistent
//!   disposition, bizTransaction/source/destination type, error reason),
//!   `Temperature` → `gs1:Temperature` (sensor type and exception), component `x` → `cbv:Comp-x`;
//! - a compact IRI whose prefix the document declares (`ext1:v`) is written in full, which is
//!   what it means in JSON-LD;
//! - an attribute value that starts with `gs1:`/`cbv:` (left unexpanded by JSON-LD, expanded by
//!   the reference's XML reader) is written with a leading space, which the anyURI/string
//!   whitespace rules collapse and which keeps the reference from expanding it;
//! - JSON booleans in extensions are written `True`/`False`, as the reference hashes them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::extensions::write_member;
use super::names::{EPCIS_2, QUERY_2};
use super::out::XmlOut;
use super::prefix_plan::plan_prefixes;
use crate::cbv::Vocab;
use crate::{Document, DocumentKind, Event, EventType, QuantityElement};

/// Writes the document as EPCIS 2.0 XML.
pub fn to_string(doc: &Document) -> String {
    let (prefixes, value_prefixes) = plan_prefixes(doc);
    let mut out = XmlOut::new(prefixes.clone(), value_prefixes);
    out.raw(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let root = match doc.kind {
        DocumentKind::Capture => "epcis:EPCISDocument",
        DocumentKind::Query => "epcisq:EPCISQueryDocument",
    };
    out.open_raw(root);
    out.attr_raw("xmlns:epcis", EPCIS_2);
    if doc.kind == DocumentKind::Query {
        out.attr_raw("xmlns:epcisq", QUERY_2);
    }
    let mut declared = BTreeSet::new();
    for (xp, iri) in prefixes.values() {
        if declared.insert(xp.clone()) {
            out.attr_raw(&format!("xmlns:{xp}"), iri);
        }
    }
    let mut scalars: Vec<(&String, &Value)> = Vec::new();
    let mut elements: Vec<(&String, &Value)> = Vec::new();
    for (k, v) in &doc.header {
        match v {
            _ if k == "epcisHeader" => {}
            Value::String(_) | Value::Number(_) | Value::Bool(_) => scalars.push((k, v)),
            _ => elements.push((k, v)),
        }
    }
    if !doc.schema_version.is_empty() {
        out.attr_raw("schemaVersion", &doc.schema_version);
    }
    if let Some(d) = &doc.creation_date {
        out.attr_raw("creationDate", d);
    }
    for (k, v) in scalars {
        let taken = (k == "schemaVersion" && !doc.schema_version.is_empty())
            || (k == "creationDate" && doc.creation_date.is_some());
        if !taken {
            let text = super::extensions::scalar_text(&out, v, true);
            out.attr(k, &text);
        }
    }
    out.close_start();
    if let Some(Value::Object(h)) = doc.header.get("epcisHeader") {
        write_header(&mut out, h);
    }
    out.open_raw("EPCISBody");
    out.close_start();
    if doc.kind == DocumentKind::Query {
        out.open_raw("epcisq:QueryResults");
        out.close_start();
        if let Some(q) = &doc.query_name {
            out.leaf_raw("queryName", q);
        }
        if let Some(s) = &doc.subscription_id {
            out.leaf_raw("subscriptionID", s);
        }
        out.open_raw("resultsBody");
        out.close_start();
    }
    out.open_raw("EventList");
    if doc.events.is_empty() {
        out.close_empty();
    } else {
        out.close_start();
        out.expand_values = true;
        for e in &doc.events {
            write_event(&mut out, e);
        }
        out.expand_values = false;
        out.end_raw("EventList");
    }
    if doc.kind == DocumentKind::Query {
        out.end_raw("resultsBody");
        out.end_raw("epcisq:QueryResults");
    }
    out.end_raw("EPCISBody");
    for (k, v) in elements {
        write_member(&mut out, k, v);
    }
    out.end_raw(root);
    let mut s = out.finish();
    s.push('\n');
    s
}

#[derive(Clone, Copy, PartialEq)]
enum F {
    ParentId,
    EpcList,
    ChildEpcs,
    InputEpcs,
    OutputEpcs,
    Quantities,
    ChildQuantities,
    InputQuantities,
    OutputQuantities,
    Action,
    TransformationId,
    BizStep,
    Disposition,
    ReadPoint,
    BizLocation,
    BizTransactions,
    Sources,
    Destinations,
    Sensors,
    Persistent,
    Ilmd,
}

use F::*;

const ALL: [F; 21] = [
    ParentId,
    EpcList,
    ChildEpcs,
    InputEpcs,
    InputQuantities,
    OutputEpcs,
    OutputQuantities,
    TransformationId,
    Action,
    BizStep,
    Disposition,
    ReadPoint,
    BizLocation,
    BizTransactions,
    Quantities,
    ChildQuantities,
    Sources,
    Destinations,
    Sensors,
    Persistent,
    Ilmd,
];

/// The XSD sequence of each event type (after the common eventTime … certificationInfo).
fn order(t: &EventType) -> &'static [F] {
    match t {
        EventType::ObjectEvent => &[
            EpcList,
            Action,
            BizStep,
            Disposition,
            ReadPoint,
            BizLocation,
            BizTransactions,
            Quantities,
            Sources,
            Destinations,
            Sensors,
            Persistent,
            Ilmd,
        ],
        EventType::AggregationEvent => &[
            ParentId,
            ChildEpcs,
            Action,
            BizStep,
            Disposition,
            ReadPoint,
            BizLocation,
            BizTransactions,
            ChildQuantities,
            Sources,
            Destinations,
            Sensors,
            Persistent,
        ],
        EventType::TransactionEvent => &[
            BizTransactions,
            ParentId,
            EpcList,
            Action,
            BizStep,
            Disposition,
            ReadPoint,
            BizLocation,
            Quantities,
            Sources,
            Destinations,
            Sensors,
            Persistent,
        ],
        EventType::TransformationEvent => &[
            InputEpcs,
            InputQuantities,
            OutputEpcs,
            OutputQuantities,
            TransformationId,
            BizStep,
            Disposition,
            ReadPoint,
            BizLocation,
            BizTransactions,
            Sources,
            Destinations,
            Sensors,
            Persistent,
            Ilmd,
        ],
        EventType::AssociationEvent => &[
            ParentId,
            ChildEpcs,
            ChildQuantities,
            Action,
            BizStep,
            Disposition,
            ReadPoint,
            BizLocation,
            BizTransactions,
            Sources,
            Destinations,
            Sensors,
            Persistent,
        ],
        EventType::Extended(_) => &ALL,
    }
}

fn write_event(out: &mut XmlOut, e: &Event) {
    let name = e.event_type.as_str().to_owned();
    out.open(&name);
    out.close_start();
    let v = |out: &XmlOut, s: &str| out.value(s).into_owned();
    let t = v(out, &e.event_time);
    out.leaf_raw("eventTime", &t);
    if let Some(r) = &e.record_time {
        let t = v(out, r);
        out.leaf_raw("recordTime", &t);
    }
    let t = v(out, &e.event_time_zone_offset);
    out.leaf_raw("eventTimeZoneOffset", &t);
    // A JSON-LD node identifier (`id`/`@id`) has no element of its own in the XSD: a URI one
    // is the eventID (the JSON-LD reader already reads it so), a blank node names nothing
    // outside its JSON document. Neither is written as `<id>`, which would be a user field.
    let node_id = || {
        NODE_KEYS
            .iter()
            .filter_map(|k| e.extensions.get(*k).and_then(Value::as_str))
            .find(|id| !id.starts_with("_:"))
    };
    if let Some(id) = e.event_id.as_deref().or_else(node_id) {
        let t = v(out, id);
        out.leaf_raw("eventID", &t);
    }
    if let Some(d) = &e.error_declaration {
        out.open_raw("errorDeclaration");
        out.close_start();
        let t = v(out, &d.declaration_time);
        out.leaf_raw("declarationTime", &t);
        if let Some(r) = &d.reason {
            let t = vocab(out, Vocab::ErrorReason, r);
            out.leaf_raw("reason", &t);
        }
        if let Some(ids) = &d.corrective_event_ids {
            list(out, "correctiveEventIDs", "correctiveEventID", ids);
        }
        members(out, &d.extensions);
        out.end_raw("errorDeclaration");
    }
    for c in e.certification_info.iter().flat_map(|c| c.iter()) {
        let t = v(out, c);
        out.leaf_raw("certificationInfo", &t);
    }
    let seq = order(&e.event_type);
    for f in seq.iter().chain(ALL.iter().filter(|f| !seq.contains(f))) {
        field(out, e, *f);
    }
    members_except(out, &e.extensions, &NODE_KEYS);
    out.end(&name);
}

/// JSON-LD's node identifier and node type members, which the XML binding expresses by the
/// `eventID` element and by the element name.
pub(crate) const NODE_KEYS: [&str; 2] = ["id", "@id"];

/// [`members`] without the members named in `skip`.
pub(crate) fn members_except(out: &mut XmlOut, m: &Map<String, Value>, skip: &[&str]) {
    for (k, v) in m {
        if !skip.contains(&k.as_str()) {
            write_member(out, k, v);
        }
    }
}

pub(crate) fn members(out: &mut XmlOut, m: &Map<String, Value>) {
    for (k, v) in m {
        write_member(out, k, v);
    }
}

fn list(out: &mut XmlOut, name: &str, item: &str, values: &[String]) {
    out.open_raw(name);
    if values.is_empty() {
        out.close_empty();
        return;
    }
    out.close_start();
    for x in values {
        let t = out.value(x).into_owned();
        out.leaf_raw(item, &t);
    }
    out.end_raw(name);
}

/// A CBV value in its XML form (see the module notes).
pub(crate) fn vocab(out: &XmlOut, vocab: Vocab, value: &str) -> String {
    if !value.contains(':') && vocab.is_standard(value) {
        return match vocab {
            Vocab::MeasurementType | Vocab::SensorAlertType => format!("gs1:{value}"),
            Vocab::Component => format!("cbv:Comp-{value}"),
            v => v.to_urn(value),
        };
    }
    out.value(value).into_owned()
}

/// An attribute holding a CBV value: standard terms (bare or as `https://gs1.org/voc/` IRI) in
/// their compact XML form, other values as attribute values.
pub(crate) fn vocab_attr(out: &XmlOut, v: Vocab, value: &str) -> String {
    if let Some(term) = value.strip_prefix("https://gs1.org/voc/")
        && matches!(v, Vocab::MeasurementType | Vocab::SensorAlertType)
        && v.is_standard(term)
    {
        return format!("gs1:{term}");
    }
    if !value.contains(':') {
        return vocab(out, v, value);
    }
    out.attr_value(value).into_owned()
}

fn quantities(out: &mut XmlOut, name: &str, q: &[QuantityElement]) {
    out.open_raw(name);
    if q.is_empty() {
        out.close_empty();
        return;
    }
    out.close_start();
    for el in q {
        out.open_raw("quantityElement");
        out.close_start();
        let t = out.value(&el.epc_class).into_owned();
        out.leaf_raw("epcClass", &t);
        if let Some(n) = &el.quantity {
            out.leaf_raw("quantity", &n.to_string());
        }
        if let Some(u) = &el.uom {
            let t = out.value(u).into_owned();
            out.leaf_raw("uom", &t);
        }
        out.end_raw("quantityElement");
    }
    out.end_raw(name);
}

fn location(out: &mut XmlOut, name: &str, l: &crate::Location) {
    out.open_raw(name);
    out.close_start();
    let t = out.value(&l.id).into_owned();
    out.leaf_raw("id", &t);
    members(out, &l.extensions);
    out.end_raw(name);
}

fn typed(out: &mut XmlOut, name: &str, kind: Option<&str>, v: Vocab, value: &str) {
    out.open_raw(name);
    if let Some(k) = kind {
        let t = vocab_attr(out, v, k);
        out.attr_raw("type", &t);
    }
    out.close_start();
    let t = out.value(value).into_owned();
    out.text(&t);
    out.end_raw(name);
}

fn field(out: &mut XmlOut, e: &Event, f: F) {
    match f {
        ParentId => {
            if let Some(p) = &e.parent_id {
                let t = out.value(p).into_owned();
                out.leaf_raw("parentID", &t);
            }
        }
        EpcList => e
            .epc_list
            .iter()
            .for_each(|l| list(out, "epcList", "epc", l)),
        ChildEpcs => e
            .child_epcs
            .iter()
            .for_each(|l| list(out, "childEPCs", "epc", l)),
        InputEpcs => e
            .input_epc_list
            .iter()
            .for_each(|l| list(out, "inputEPCList", "epc", l)),
        OutputEpcs => e
            .output_epc_list
            .iter()
            .for_each(|l| list(out, "outputEPCList", "epc", l)),
        Quantities => e
            .quantity_list
            .iter()
            .for_each(|q| quantities(out, "quantityList", q)),
        ChildQuantities => e
            .child_quantity_list
            .iter()
            .for_each(|q| quantities(out, "childQuantityList", q)),
        InputQuantities => e
            .input_quantity_list
            .iter()
            .for_each(|q| quantities(out, "inputQuantityList", q)),
        OutputQuantities => e
            .output_quantity_list
            .iter()
            .for_each(|q| quantities(out, "outputQuantityList", q)),
        Action => {
            if let Some(a) = e.action {
                out.leaf_raw("action", a.as_str());
            }
        }
        TransformationId => {
            if let Some(x) = &e.transformation_id {
                let t = out.value(x).into_owned();
                out.leaf_raw("transformationID", &t);
            }
        }
        BizStep => {
            if let Some(x) = &e.biz_step {
                let t = vocab(out, Vocab::BizStep, x);
                out.leaf_raw("bizStep", &t);
            }
        }
        Disposition => {
            if let Some(x) = &e.disposition {
                let t = vocab(out, Vocab::Disposition, x);
                out.leaf_raw("disposition", &t);
            }
        }
        ReadPoint => e
            .read_point
            .iter()
            .for_each(|l| location(out, "readPoint", l)),
        BizLocation => e
            .biz_location
            .iter()
            .for_each(|l| location(out, "bizLocation", l)),
        BizTransactions => {
            if let Some(l) = &e.biz_transaction_list {
                out.open_raw("bizTransactionList");
                out.close_start();
                for b in l {
                    typed(
                        out,
                        "bizTransaction",
                        b.kind.as_deref(),
                        Vocab::BizTransactionType,
                        &b.biz_transaction,
                    );
                }
                out.end_raw("bizTransactionList");
            }
        }
        Sources => {
            if let Some(l) = &e.source_list {
                out.open_raw("sourceList");
                out.close_start();
                for s in l {
                    typed(
                        out,
                        "source",
                        Some(&s.kind),
                        Vocab::SourceDestType,
                        &s.source,
                    );
                }
                out.end_raw("sourceList");
            }
        }
        Destinations => {
            if let Some(l) = &e.destination_list {
                out.open_raw("destinationList");
                out.close_start();
                for d in l {
                    typed(
                        out,
                        "destination",
                        Some(&d.kind),
                        Vocab::SourceDestType,
                        &d.destination,
                    );
                }
                out.end_raw("destinationList");
            }
        }
        Sensors => {
            if let Some(l) = &e.sensor_element_list {
                super::write_sensor::sensor_elements(out, l);
            }
        }
        Persistent => {
            if let Some(pd) = &e.persistent_disposition {
                out.open_raw("persistentDisposition");
                out.close_start();
                for (name, values) in [("unset", &pd.unset), ("set", &pd.set)] {
                    for x in values.iter().flatten() {
                        let t = vocab(out, Vocab::Disposition, x);
                        out.leaf_raw(name, &t);
                    }
                }
                out.end_raw("persistentDisposition");
            }
        }
        Ilmd => {
            if let Some(m) = &e.ilmd {
                out.open_raw("ilmd");
                if m.is_empty() {
                    out.close_empty();
                } else {
                    out.close_start();
                    members(out, m);
                    out.end_raw("ilmd");
                }
            }
        }
    }
}

/// `epcisHeader`: SBDH and other members as elements, master data under `extension`.
fn write_header(out: &mut XmlOut, h: &Map<String, Value>) {
    out.open_raw("EPCISHeader");
    out.close_start();
    for (k, v) in h.iter().filter(|(k, _)| *k != "epcisMasterData") {
        write_member(out, k, v);
    }
    if let Some(Value::Object(md)) = h.get("epcisMasterData") {
        out.open_raw("extension");
        out.close_start();
        super::write_sensor::master_data(out, md);
        out.end_raw("extension");
    }
    out.end_raw("EPCISHeader");
}
