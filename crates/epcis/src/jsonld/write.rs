//! Writing EPCIS JSON-LD documents.
//!
//! Documents are serialised straight from the model. That keeps the member order of the model
//! types, which matters: the reference hash generator reads a bizTransaction, source or
//! destination in member order, and `type` must come first to hash like the XML attribute.
//! A `serde_json::Value` (without serde_json's `preserve_order`) sorts members, so use
//! [`to_string`] rather than serialising [`to_value`] when the bytes will be hashed.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::context::{build_context, declarations_for, split_context};
use crate::model::prefixes::{prefix_of, rename_event, rename_map};
use crate::{Document, DocumentKind, Event, Namespaces};

#[derive(Serialize)]
struct OutDocument<'a> {
    #[serde(rename = "@context")]
    context: &'a Value,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "schemaVersion", skip_serializing_if = "str::is_empty")]
    schema_version: &'a str,
    #[serde(rename = "creationDate", skip_serializing_if = "Option::is_none")]
    creation_date: Option<&'a str>,
    #[serde(flatten)]
    header: &'a Map<String, Value>,
    #[serde(rename = "epcisBody")]
    body: OutBody<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OutBody<'a> {
    List {
        #[serde(rename = "eventList")]
        event_list: &'a [Event],
    },
    One {
        event: &'a Event,
    },
    Query {
        #[serde(rename = "queryResults")]
        query_results: OutQuery<'a>,
    },
}

#[derive(Serialize)]
struct OutQuery<'a> {
    #[serde(rename = "queryName", skip_serializing_if = "Option::is_none")]
    query_name: Option<&'a str>,
    #[serde(rename = "subscriptionID", skip_serializing_if = "Option::is_none")]
    subscription_id: Option<&'a str>,
    #[serde(rename = "resultsBody")]
    results_body: OutResults<'a>,
}

#[derive(Serialize)]
struct OutResults<'a> {
    #[serde(rename = "eventList")]
    event_list: &'a [Event],
}

/// A document ready to serialise: its context, and events/header with prefixes renamed where
/// a generated context had to rename them.
struct Prepared<'a> {
    context: Cow<'a, Value>,
    events: Cow<'a, [Event]>,
    header: Cow<'a, Map<String, Value>>,
}

fn prepare(doc: &Document) -> Prepared<'_> {
    if let Some(raw) = &doc.context
        && let Ok((urls, ns)) = split_context(raw)
        && urls == doc.contexts
        && ns == doc.namespaces
    {
        return Prepared {
            context: Cow::Borrowed(raw),
            events: Cow::Borrowed(&doc.events),
            header: Cow::Borrowed(&doc.header),
        };
    }
    let mut used = BTreeSet::new();
    for e in &doc.events {
        if let Ok(v) = serde_json::to_value(e) {
            collect_prefixes(&v, &mut used);
        }
    }
    for (k, v) in &doc.header {
        if let Some(p) = prefix_of(k) {
            used.insert(p.to_owned());
        }
        collect_prefixes(v, &mut used);
    }
    let (decl, renames) = declarations_for(&doc.namespaces, &used);
    let context = Cow::Owned(build_context(&doc.contexts, &decl));
    if renames.is_empty() {
        return Prepared {
            context,
            events: Cow::Borrowed(&doc.events),
            header: Cow::Borrowed(&doc.header),
        };
    }
    let events = doc
        .events
        .iter()
        .map(|e| rename_event(e.clone(), &renames))
        .collect::<Vec<_>>();
    let mut header = doc.header.clone();
    rename_map(&mut header, &renames);
    Prepared {
        context,
        events: Cow::Owned(events),
        header: Cow::Owned(header),
    }
}

/// Every prefix used in a member name or at the start of a string value.
fn collect_prefixes(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            if let Some(p) = prefix_of(s)
                && !out.contains(p)
            {
                out.insert(p.to_owned());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_prefixes(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                if let Some(p) = prefix_of(k)
                    && !out.contains(p)
                {
                    out.insert(p.to_owned());
                }
                collect_prefixes(x, out);
            }
        }
        _ => {}
    }
}

fn with_out<R>(doc: &Document, f: impl FnOnce(&OutDocument<'_>) -> R) -> R {
    let p = prepare(doc);
    let body = match doc.kind {
        DocumentKind::Query => OutBody::Query {
            query_results: OutQuery {
                query_name: doc.query_name.as_deref(),
                subscription_id: doc.subscription_id.as_deref(),
                results_body: OutResults {
                    event_list: &p.events,
                },
            },
        },
        DocumentKind::Capture => match (&*p.events, doc.single_event_body) {
            ([one], true) => OutBody::One { event: one },
            (list, _) => OutBody::List { event_list: list },
        },
    };
    let out = OutDocument {
        context: &p.context,
        kind: match doc.kind {
            DocumentKind::Capture => "EPCISDocument",
            DocumentKind::Query => "EPCISQueryDocument",
        },
        schema_version: &doc.schema_version,
        creation_date: doc.creation_date.as_deref(),
        header: &p.header,
        body,
    };
    f(&out)
}

/// The document as a JSON value. See the module note on member order before hashing it.
pub fn to_value(doc: &Document) -> Value {
    with_out(doc, |out| serde_json::to_value(out).unwrap_or(Value::Null))
}

/// The document as compact JSON text.
pub fn to_string(doc: &Document) -> String {
    with_out(doc, |out| serde_json::to_string(out).unwrap_or_default())
}

/// The document as indented JSON text.
pub fn to_string_pretty(doc: &Document) -> String {
    with_out(doc, |out| {
        serde_json::to_string_pretty(out).unwrap_or_default()
    })
}

/// One event as a JSON value (no `@context` is added).
pub fn event_to_value(event: &Event) -> Value {
    serde_json::to_value(event).unwrap_or(Value::Null)
}

/// Whether writing an event with `namespaces` into a query document may rename one of its
/// prefixes. Only a declared prefix that names a standard prefix's own namespace differently
/// is ever renamed ([`declarations_for`]); when there is none, the event's object in
/// [`event_in_query_document`] is its own serialisation ([`event_to_value`]).
pub fn may_rename_prefixes(namespaces: &Namespaces) -> bool {
    namespaces
        .iter()
        .any(|(p, iri)| super::context::standard_prefix(p).is_some_and(|std| std != iri))
}

/// `event` as its object in the `eventList` of a one-event query document
/// (`EPCISQueryDocument`, no header) written with [`to_value`], without building the document.
/// The transparency log hashes this object for every captured event, so the common case, where
/// no prefix the event uses has to be renamed, costs one serialisation; an event whose prefix
/// clashes with a standard one goes through the whole writer, which renames it.
pub fn event_in_query_document(event: &Event, namespaces: &Namespaces) -> Value {
    let value = event_to_value(event);
    if !may_rename_prefixes(namespaces) {
        return value;
    }
    let mut used = BTreeSet::new();
    collect_prefixes(&value, &mut used);
    let (_, renames) = declarations_for(namespaces, &used);
    if renames.is_empty() {
        return value;
    }
    let mut doc = Document::capture(Vec::with_capacity(1), Namespaces::new());
    doc.kind = DocumentKind::Query;
    doc.push_event(event.clone(), namespaces);
    let mut whole = to_value(&doc);
    whole
        .pointer_mut("/epcisBody/queryResults/resultsBody/eventList/0")
        .map(Value::take)
        .unwrap_or(Value::Null)
}

/// A document like `header` (kind, dates, contexts, header members, query name; its own events
/// are ignored) holding `events`, each with the namespaces its prefixes resolve through.
/// Prefixes that clash between events are renamed (see [`Document::push_event`]).
pub fn document_with(header: &Document, events: &[(&Event, &Namespaces)]) -> Document {
    let mut doc = header.clone_without_events();
    doc.events.reserve(events.len());
    for (e, ns) in events {
        doc.push_event((*e).clone(), ns);
    }
    doc
}

/// [`to_value`] of [`document_with`].
pub fn to_value_with(header: &Document, events: &[(&Event, &Namespaces)]) -> Value {
    to_value(&document_with(header, events))
}

/// [`to_string`] of [`document_with`].
pub fn to_string_with(header: &Document, events: &[(&Event, &Namespaces)]) -> String {
    to_string(&document_with(header, events))
}
