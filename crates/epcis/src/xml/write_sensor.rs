//! Writing sensor elements and master data.

use serde_json::{Map, Number, Value};

use super::extensions::write_member;
use super::out::XmlOut;
use super::write::{members_except, vocab_attr};
use crate::SensorElement;
use crate::cbv::Vocab;

pub(crate) fn sensor_elements(out: &mut XmlOut, list: &[SensorElement]) {
    out.open_raw("sensorElementList");
    out.close_start();
    for el in list {
        out.open_raw("sensorElement");
        out.close_start();
        if let Some(m) = &el.sensor_metadata {
            out.open_raw("sensorMetadata");
            let attrs = [
                ("time", &m.time),
                ("deviceID", &m.device_id),
                ("deviceMetadata", &m.device_metadata),
                ("rawData", &m.raw_data),
                ("startTime", &m.start_time),
                ("endTime", &m.end_time),
                ("dataProcessingMethod", &m.data_processing_method),
                ("bizRules", &m.biz_rules),
            ];
            for (name, v) in attrs {
                if let Some(v) = v {
                    let t = out.attr_value(v).into_owned();
                    out.attr_raw(name, &t);
                }
            }
            free_content(out, "sensorMetadata", &m.extensions);
        }
        for r in &el.sensor_report {
            out.open_raw("sensorReport");
            if let Some(k) = &r.kind {
                let t = vocab_attr(out, Vocab::MeasurementType, k);
                out.attr_raw("type", &t);
            }
            if let Some(k) = &r.exception {
                let t = vocab_attr(out, Vocab::SensorAlertType, k);
                out.attr_raw("exception", &t);
            }
            let strings = [
                ("deviceID", &r.device_id),
                ("deviceMetadata", &r.device_metadata),
                ("rawData", &r.raw_data),
                ("dataProcessingMethod", &r.data_processing_method),
                ("bizRules", &r.biz_rules),
                ("time", &r.time),
                ("microorganism", &r.microorganism),
                ("chemicalSubstance", &r.chemical_substance),
                ("coordinateReferenceSystem", &r.coordinate_reference_system),
            ];
            for (name, v) in strings {
                if let Some(v) = v {
                    let t = out.attr_value(v).into_owned();
                    out.attr_raw(name, &t);
                }
            }
            if let Some(c) = &r.component {
                let t = vocab_attr(out, Vocab::Component, c);
                out.attr_raw("component", &t);
            }
            let numbers: [(&str, &Option<Number>); 7] = [
                ("value", &r.value),
                ("minValue", &r.min_value),
                ("maxValue", &r.max_value),
                ("meanValue", &r.mean_value),
                ("sDev", &r.s_dev),
                ("percRank", &r.perc_rank),
                ("percValue", &r.perc_value),
            ];
            for (name, v) in numbers {
                if let Some(n) = v {
                    out.attr_raw(name, &n.to_string());
                }
            }
            for (name, v) in [
                ("stringValue", &r.string_value),
                ("hexBinaryValue", &r.hex_binary_value),
                ("uriValue", &r.uri_value),
                ("uom", &r.uom),
            ] {
                if let Some(v) = v {
                    let t = out.attr_value(v).into_owned();
                    out.attr_raw(name, &t);
                }
            }
            if let Some(b) = r.boolean_value {
                out.attr_raw("booleanValue", if b { "true" } else { "false" });
            }
            free_content(out, "sensorReport", &r.extensions);
        }
        // `type` (JSON-LD `@type`, e.g. "epcis:SensorElement") is the node's class, which XML
        // says by the element name; SensorElementType has no `type` element.
        members_except(out, &el.extensions, &["type", "@type"]);
        out.end_raw("sensorElement");
    }
    out.end_raw("sensorElementList");
}

/// The user members of sensorMetadata/sensorReport: scalars as attributes (the XML form of
/// `ext1:someFurtherMetadata`), structured ones as child elements, `#text` as text.
fn free_content(out: &mut XmlOut, name: &str, ext: &Map<String, Value>) {
    let mut children = Vec::new();
    for (k, v) in ext {
        match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) if k != "#text" => {
                let t = super::extensions::scalar_text(out, v, true);
                out.attr(k, &t);
            }
            _ if k == "#text" => {}
            _ => children.push((k, v)),
        }
    }
    let text = ext
        .get("#text")
        .map(|t| super::extensions::scalar_text(out, t, false))
        .unwrap_or_default();
    if children.is_empty() && text.is_empty() {
        out.close_empty();
        return;
    }
    out.close_start();
    out.text(&text);
    for (k, v) in children {
        write_member(out, k, v);
    }
    out.end_raw(name);
}

/// `epcisMasterData` → `EPCISMasterData/VocabularyList/Vocabulary/…`.
pub(crate) fn master_data(out: &mut XmlOut, md: &Map<String, Value>) {
    out.open_raw("EPCISMasterData");
    out.close_start();
    out.open_raw("VocabularyList");
    out.close_start();
    for voc in md
        .get("vocabularyList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        out.open_raw("Vocabulary");
        attrs_and_close(out, voc, "type", &["vocabularyElementList"]);
        let elements = voc.get("vocabularyElementList").and_then(Value::as_array);
        if let Some(elements) = elements {
            out.open_raw("VocabularyElementList");
            out.close_start();
            for ve in elements.iter().filter_map(Value::as_object) {
                vocabulary_element(out, ve);
            }
            out.end_raw("VocabularyElementList");
        }
        others(out, voc, &["type", "vocabularyElementList"]);
        out.end_raw("Vocabulary");
    }
    out.end_raw("VocabularyList");
    others(out, md, &["vocabularyList"]);
    out.end_raw("EPCISMasterData");
}

fn vocabulary_element(out: &mut XmlOut, ve: &Map<String, Value>) {
    out.open_raw("VocabularyElement");
    attrs_and_close(out, ve, "id", &["attributes", "children"]);
    for a in ve
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        out.open_raw("attribute");
        if let Some(id) = a.get("id").and_then(Value::as_str) {
            out.attr_raw("id", id);
        }
        match a.get("attribute") {
            Some(Value::Object(m)) => {
                let mut children = Vec::new();
                for (k, v) in m {
                    match v {
                        Value::String(s) if k != "#text" && m.contains_key("#text") => {
                            out.attr(k, s)
                        }
                        _ if k == "#text" => {}
                        _ => children.push((k, v)),
                    }
                }
                out.close_start();
                if let Some(Value::String(t)) = m.get("#text") {
                    out.text(t);
                }
                for (k, v) in children {
                    write_member(out, k, v);
                }
                out.end_raw("attribute");
            }
            Some(v) => {
                out.close_start();
                out.text(&super::extensions::scalar_text(out, v, false));
                out.end_raw("attribute");
            }
            None => out.close_empty(),
        }
    }
    if let Some(children) = ve.get("children").and_then(Value::as_array) {
        out.open_raw("children");
        out.close_start();
        for c in children {
            out.leaf_raw("id", c.as_str().unwrap_or_default());
        }
        out.end_raw("children");
    }
    others(out, ve, &["id", "attributes", "children"]);
    out.end_raw("VocabularyElement");
}

/// Writes `name="…"` for the key attribute and scalar compact-named members, then closes the
/// start tag.
fn attrs_and_close(out: &mut XmlOut, m: &Map<String, Value>, key_attr: &str, _skip: &[&str]) {
    if let Some(v) = m.get(key_attr).and_then(Value::as_str) {
        out.attr_raw(key_attr, v);
    }
    for (k, v) in m {
        if let (true, Value::String(s)) = (k.contains(':'), v) {
            out.attr(k, s);
        }
    }
    out.close_start();
}

/// Structured members other than the standard ones.
fn others(out: &mut XmlOut, m: &Map<String, Value>, standard: &[&str]) {
    for (k, v) in m {
        if standard.contains(&k.as_str()) || (k.contains(':') && v.is_string()) {
            continue;
        }
        write_member(out, k, v);
    }
}
