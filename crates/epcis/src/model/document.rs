//! An EPCIS document (capture) or query document (results), format-neutral.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Event;

/// Prefix → namespace IRI for the user extensions of a document (`ext1` →
/// `http://example.com/ext1/`). JSON-LD documents declare them in inline `@context` objects,
/// XML documents as `xmlns:` attributes; the store keeps the ones an event uses beside it so
/// the event can be written back in either format.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Namespaces(pub BTreeMap<String, String>);

impl Namespaces {
    pub fn new() -> Namespaces {
        Namespaces::default()
    }

    pub fn get(&self, prefix: &str) -> Option<&str> {
        self.0.get(prefix).map(String::as_str)
    }

    pub fn insert(&mut self, prefix: impl Into<String>, iri: impl Into<String>) {
        self.0.insert(prefix.into(), iri.into());
    }

    pub fn prefix_for(&self, iri: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, v)| v.as_str() == iri)
            .map(|(k, _)| k.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes over the bindings of `other`. Returns the renames (`other`'s prefix → the prefix
    /// used here) for prefixes this map already binds to a different namespace; a namespace
    /// already bound here under another prefix reuses that prefix.
    pub fn adopt(&mut self, other: &Namespaces) -> BTreeMap<String, String> {
        let mut renames = BTreeMap::new();
        for (prefix, iri) in other.iter() {
            match self.get(prefix) {
                Some(have) if have == iri => {}
                None => self.insert(prefix, iri),
                Some(_) => {
                    let new = match self.prefix_for(iri) {
                        Some(p) => p.to_owned(),
                        None => {
                            let fresh = self.fresh_prefix(prefix, |_| false);
                            self.insert(fresh.clone(), iri);
                            fresh
                        }
                    };
                    renames.insert(prefix.to_owned(), new);
                }
            }
        }
        renames
    }

    /// A prefix like `base` (`base_2`, `base_3`, …) that is neither bound here nor `taken`.
    pub fn fresh_prefix(&self, base: &str, taken: impl Fn(&str) -> bool) -> String {
        (2u32..)
            .map(|n| format!("{base}_{n}"))
            .find(|p| self.get(p).is_none() && !taken(p))
            .unwrap_or_else(|| base.to_owned())
    }

    /// Expands `prefix:local` to `{iri}local` parts when the prefix is declared here.
    pub fn expand<'a>(&'a self, compact: &'a str) -> Option<(&'a str, &'a str)> {
        let (prefix, local) = compact.split_once(':')?;
        self.get(prefix).map(|iri| (iri, local))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// `EPCISDocument`: what clients capture.
    Capture,
    /// `EPCISQueryDocument`: what queries and subscriptions answer.
    Query,
}

/// A parsed EPCIS document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: DocumentKind,
    pub schema_version: String,
    pub creation_date: Option<String>,
    /// Remote contexts named by URL, in document order (JSON-LD only).
    pub contexts: Vec<String>,
    /// Extension prefixes declared by the document.
    pub namespaces: Namespaces,
    /// Other document-level members kept as given: `sender`, `receiver`, `instanceIdentifier`,
    /// `epcisHeader` (with master data), SBDH-like headers, user extensions.
    pub header: Map<String, Value>,
    /// For query documents: `queryName` and `subscriptionID`.
    pub query_name: Option<String>,
    pub subscription_id: Option<String>,
    pub events: Vec<Event>,
    /// The JSON-LD `@context` exactly as the document gave it (strings, prefix objects and term
    /// definitions, in order). Writers reuse it while it still agrees with `contexts` and
    /// `namespaces`, so a JSON-LD document is written back as it came; `None` for XML.
    pub context: Option<Value>,
    /// The JSON-LD body held one `epcisBody.event` instead of an `eventList`.
    pub single_event_body: bool,
}

impl Document {
    pub fn capture(events: Vec<Event>, namespaces: Namespaces) -> Document {
        Document {
            kind: DocumentKind::Capture,
            schema_version: "2.0".to_owned(),
            creation_date: None,
            contexts: Vec::new(),
            namespaces,
            header: Map::new(),
            query_name: None,
            subscription_id: None,
            events,
            context: None,
            single_event_body: false,
        }
    }

    /// A copy of everything but the events (and the raw `@context`, which described them).
    pub fn clone_without_events(&self) -> Document {
        Document {
            kind: self.kind,
            schema_version: self.schema_version.clone(),
            creation_date: self.creation_date.clone(),
            contexts: self.contexts.clone(),
            namespaces: self.namespaces.clone(),
            header: self.header.clone(),
            query_name: self.query_name.clone(),
            subscription_id: self.subscription_id.clone(),
            events: Vec::new(),
            context: None,
            single_event_body: false,
        }
    }

    /// Appends an event whose extension prefixes resolve through `ns` (as the store keeps them).
    /// A prefix this document already binds to another namespace is renamed for this event
    /// (`ext1` → `ext1_2`), in its keys and in values that start with it, so that events captured
    /// from different documents can share one query document.
    pub fn push_event(&mut self, event: Event, ns: &Namespaces) {
        let renames = self.namespaces.adopt(ns);
        let event = if renames.is_empty() {
            event
        } else {
            super::prefixes::rename_event(event, &renames)
        };
        self.events.push(event);
    }
}
