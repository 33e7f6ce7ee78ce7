//! Reading EPCIS XML documents: `EPCISDocument` and `EPCISQueryDocument` of EPCIS 2.0
//! (`urn:epcglobal:epcis:xsd:2`) and 1.x (`…:xsd:1`), and `EPCISMasterDataDocument` (read as a
//! capture document without events whose header carries the master data).
//!
//! EPCIS 1.x differs from 2.0 mostly by `<extension>`/`<baseExtension>` wrappers around newer
//! fields and event types; those wrappers are opened everywhere (as the reference hash
//! generator does), so one reader serves both. A 1.x document becomes a 2.0 model
//! (`schema_version` "2.0").

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::event::{Reader, event_type};
use super::extensions::{add_attributes, attr_value, element_value, flat_children, push_member};
use super::names::*;
use super::tree::{self, Element, error_at};
use crate::jsonld::standard_prefix;
use crate::model::prefixes::{
    collect_key_prefixes, collect_value_prefixes, event_key_prefixes, rename_event_keys,
    rename_map_keys,
};
use crate::{DecodeError, Document, DocumentKind, Namespaces};

type R<T> = Result<T, DecodeError>;

/// Parses an EPCIS XML document.
pub fn parse_document(bytes: &[u8]) -> Result<Document, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let tree = tree::parse(bytes)?;
    let mut r = Reader {
        bytes,
        names: Names::default(),
    };
    // Declared prefixes are kept as written (in document order), so the document's own
    // namespaces survive even where no extension uses them.
    for (p, iri) in &tree.declarations {
        if !p.is_empty() && !is_structural(iri) {
            r.names.prefix_for(iri, Some(p));
        }
    }
    let root = &tree.root;
    let (kind, master_data_doc) = match (root.ns.as_deref(), root.local.as_str()) {
        (Some(EPCIS_2 | EPCIS_1), "EPCISDocument") => (DocumentKind::Capture, false),
        (Some(QUERY_2 | QUERY_1), "EPCISQueryDocument") => (DocumentKind::Query, false),
        (Some(MASTERDATA_2 | MASTERDATA_1), "EPCISMasterDataDocument") => {
            (DocumentKind::Capture, true)
        }
        (ns, local) => {
            return Err(error_at(
                bytes,
                root.pos,
                format!(
                    "not an EPCIS document: the root element is {{{}}}{local}",
                    ns.unwrap_or("")
                ),
            ));
        }
    };
    let mut doc = Document::capture(Vec::new(), Namespaces::new());
    doc.kind = kind;
    doc.schema_version = String::new();
    for a in &root.attrs {
        match (a.ns.is_none(), a.local.as_str()) {
            (true, "schemaVersion") => doc.schema_version = a.value.trim().to_owned(),
            (true, "creationDate") => doc.creation_date = Some(a.value.trim().to_owned()),
            _ => {
                let key = r.names.key(a.ns.as_deref(), a.prefix.as_deref(), &a.local);
                push_member(&mut doc.header, key, Value::String(attr_value(&a.value)));
            }
        }
    }
    if doc.schema_version.starts_with("1.") {
        doc.schema_version = "2.0".to_owned();
    }
    let mut body = None;
    for c in flat_children(root) {
        if c.is("EPCISHeader") {
            let h = header(&mut r, c)?;
            doc.header.insert("epcisHeader".to_owned(), h);
        } else if c.is("EPCISBody") {
            body = Some(c);
        } else {
            let key = r.names.key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
            let v = element_value(c, &mut r.names);
            push_member(&mut doc.header, key, v);
        }
    }
    let body = body.ok_or_else(|| error_at(bytes, root.pos, "the document has no EPCISBody"))?;
    if master_data_doc {
        read_master_data_body(&mut r, body, &mut doc)?;
    } else if kind == DocumentKind::Query {
        read_query_body(&mut r, body, &mut doc)?;
    } else {
        for c in flat_children(body) {
            if c.is("EventList") {
                doc.events = events(&mut r, c)?;
            } else {
                return Err(r.err(
                    c,
                    "EPCISBody",
                    format!("unexpected <{}> in EPCISBody", c.local),
                ));
            }
        }
    }
    doc.namespaces = std::mem::take(&mut r.names.namespaces);
    separate_value_prefixes(&mut doc);
    Ok(doc)
}

fn events(r: &mut Reader, list: &Element) -> R<Vec<crate::Event>> {
    let items = flat_children(list);
    let mut out = Vec::with_capacity(items.len());
    for el in items {
        match event_type(el) {
            Some(kind) => out.push(r.event(el, kind, out.len())?),
            None if el.is("QuantityEvent") => {
                return Err(r.err(el, "EventList", "QuantityEvent (EPCIS 1.x, deprecated) is not supported by EPCIS 2.0; use an ObjectEvent with a quantityList"));
            }
            None => {
                return Err(r.err(
                    el,
                    "EventList",
                    format!("unexpected <{}> in EventList", el.local),
                ));
            }
        }
    }
    Ok(out)
}

fn read_query_body(r: &mut Reader, body: &Element, doc: &mut Document) -> R<()> {
    for c in flat_children(body) {
        if !(c.local == "QueryResults" && matches!(c.ns.as_deref(), Some(QUERY_2 | QUERY_1))) {
            return Err(r.err(
                c,
                "EPCISBody",
                format!("unexpected <{}> in the body of a query document", c.local),
            ));
        }
        for q in flat_children(c) {
            match (q.ns.is_none(), q.local.as_str()) {
                (true, "queryName") => doc.query_name = Some(r.leaf(q, "queryName")?),
                (true, "subscriptionID") => {
                    doc.subscription_id = Some(r.leaf(q, "subscriptionID")?)
                }
                (true, "resultsBody") => {
                    for l in flat_children(q) {
                        if l.is("EventList") {
                            doc.events = events(r, l)?;
                        } else {
                            return Err(r.err(
                                l,
                                "resultsBody",
                                format!(
                                    "unexpected <{}> in resultsBody (only EventList is supported)",
                                    l.local
                                ),
                            ));
                        }
                    }
                }
                _ => {
                    return Err(r.err(
                        q,
                        "QueryResults",
                        format!("unexpected <{}> in QueryResults", q.local),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn read_master_data_body(r: &mut Reader, body: &Element, doc: &mut Document) -> R<()> {
    let mut md = Map::new();
    for c in flat_children(body) {
        if c.is("VocabularyList") {
            md.insert("vocabularyList".to_owned(), vocabulary_list(r, c)?);
        } else {
            return Err(r.err(
                c,
                "EPCISBody",
                format!("unexpected <{}> in a master data body", c.local),
            ));
        }
    }
    let mut h = Map::new();
    h.insert("epcisMasterData".to_owned(), Value::Object(md));
    doc.header
        .insert("epcisHeader".to_owned(), Value::Object(h));
    Ok(())
}

/// `EPCISHeader` as the JSON-LD `epcisHeader` member: the SBDH and other header elements by
/// compact name, master data as `epcisMasterData.vocabularyList`.
fn header(r: &mut Reader, el: &Element) -> R<Value> {
    let mut h = Map::new();
    add_attributes(el, &mut r.names, &mut h, |_| true);
    for c in flat_children(el) {
        if c.is("EPCISMasterData") {
            let mut md = Map::new();
            add_attributes(c, &mut r.names, &mut md, |_| true);
            for x in flat_children(c) {
                if x.is("VocabularyList") {
                    md.insert("vocabularyList".to_owned(), vocabulary_list(r, x)?);
                } else {
                    let key = r.names.key(x.ns.as_deref(), x.prefix.as_deref(), &x.local);
                    let v = element_value(x, &mut r.names);
                    push_member(&mut md, key, v);
                }
            }
            h.insert("epcisMasterData".to_owned(), Value::Object(md));
        } else {
            let key = r.names.key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
            let v = element_value(c, &mut r.names);
            push_member(&mut h, key, v);
        }
    }
    Ok(Value::Object(h))
}

fn required_attr(r: &Reader, el: &Element, name: &str) -> R<String> {
    el.attrs
        .iter()
        .find(|a| a.ns.is_none() && a.local == name)
        .map(|a| attr_value(&a.value))
        .ok_or_else(|| {
            r.err(
                el,
                &el.local,
                format!("<{}> needs a {name} attribute", el.local),
            )
        })
}

/// Members of a master-data element other than the standard ones: further attributes and
/// extension elements, by compact name.
fn extras(r: &mut Reader, el: &Element, skip_attr: &str, into: &mut Map<String, Value>) {
    add_attributes(el, &mut r.names, into, |n| n != skip_attr);
}

fn vocabulary_list(r: &mut Reader, el: &Element) -> R<Value> {
    let mut list = Vec::new();
    for v in flat_children(el) {
        if !v.is("Vocabulary") {
            return Err(r.err(
                v,
                "VocabularyList",
                format!("unexpected <{}> in VocabularyList", v.local),
            ));
        }
        let mut voc = Map::new();
        voc.insert(
            "type".to_owned(),
            Value::String(required_attr(r, v, "type")?),
        );
        extras(r, v, "type", &mut voc);
        for c in flat_children(v) {
            if c.is("VocabularyElementList") {
                let mut elements = Vec::new();
                for ve in flat_children(c) {
                    if !ve.is("VocabularyElement") {
                        return Err(r.err(
                            ve,
                            "VocabularyElementList",
                            format!("unexpected <{}>", ve.local),
                        ));
                    }
                    elements.push(vocabulary_element(r, ve)?);
                }
                voc.insert("vocabularyElementList".to_owned(), Value::Array(elements));
            } else {
                let key = r.names.key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
                let val = element_value(c, &mut r.names);
                push_member(&mut voc, key, val);
            }
        }
        list.push(Value::Object(voc));
    }
    Ok(Value::Array(list))
}

fn vocabulary_element(r: &mut Reader, ve: &Element) -> R<Value> {
    let mut out = Map::new();
    out.insert("id".to_owned(), Value::String(required_attr(r, ve, "id")?));
    extras(r, ve, "id", &mut out);
    let mut attributes = Vec::new();
    let mut children = None;
    for c in flat_children(ve) {
        if c.is("attribute") {
            let mut a = Map::new();
            a.insert("id".to_owned(), Value::String(required_attr(r, c, "id")?));
            let mut content = Map::new();
            extras(r, c, "id", &mut content);
            for x in flat_children(c) {
                let key = r.names.key(x.ns.as_deref(), x.prefix.as_deref(), &x.local);
                let val = element_value(x, &mut r.names);
                push_member(&mut content, key, val);
            }
            let text = super::extensions::text_value(&c.text);
            let value = if content.is_empty() {
                Value::String(text)
            } else {
                if !text.is_empty() {
                    content.insert("#text".to_owned(), Value::String(text));
                }
                Value::Object(content)
            };
            a.insert("attribute".to_owned(), value);
            attributes.push(Value::Object(a));
        } else if c.is("children") {
            let ids = c
                .children
                .iter()
                .map(|i| r.leaf(i, "children").map(Value::String))
                .collect::<R<Vec<_>>>()?;
            children = Some(Value::Array(ids));
        } else {
            let key = r.names.key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
            let val = element_value(c, &mut r.names);
            push_member(&mut out, key, val);
        }
    }
    if !attributes.is_empty() {
        out.insert("attributes".to_owned(), Value::Array(attributes));
    }
    if let Some(c) = children {
        out.insert("children".to_owned(), c);
    }
    Ok(Value::Object(out))
}

/// In JSON-LD a value `p:x` whose prefix the context declares means the IRI `{ns}x`, while in
/// XML a value is just text. So that the model means what the XML said, a declared prefix that
/// also starts some value is renamed in the member names (or dropped when no name uses it).
fn separate_value_prefixes(doc: &mut Document) {
    let mut in_values = BTreeSet::new();
    for e in &doc.events {
        if let Ok(v) = serde_json::to_value(e) {
            collect_value_prefixes(&v, &mut in_values);
        }
    }
    let clashing: Vec<String> = in_values
        .iter()
        .filter(|p| doc.namespaces.get(p).is_some())
        .cloned()
        .collect();
    if clashing.is_empty() {
        return;
    }
    let mut in_keys = BTreeSet::new();
    for e in &doc.events {
        event_key_prefixes(e, &mut in_keys);
    }
    collect_key_prefixes(&doc.header, &mut in_keys);
    let mut renames = BTreeMap::new();
    for p in clashing {
        let Some(iri) = doc.namespaces.0.remove(&p) else {
            continue;
        };
        if in_keys.contains(&p) {
            let fresh = doc.namespaces.fresh_prefix(&p, |c| {
                in_values.contains(c) || in_keys.contains(c) || standard_prefix(c).is_some()
            });
            doc.namespaces.insert(fresh.clone(), iri);
            renames.insert(p, fresh);
        }
    }
    if renames.is_empty() {
        return;
    }
    let events = std::mem::take(&mut doc.events);
    doc.events = events
        .into_iter()
        .map(|e| rename_event_keys(e, &renames))
        .collect();
    rename_map_keys(&mut doc.header, &renames);
}
