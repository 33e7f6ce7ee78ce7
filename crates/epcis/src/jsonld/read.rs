//! Reading EPCIS JSON-LD documents.
//!
//! The fast path deserialises the bytes straight into the model with serde (no intermediate
//! `Value` for the events). Only when that fails is the document read again as a `Value` to
//! find which event and which field is wrong, so good documents pay nothing for diagnostics.

use serde::Deserialize;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::context::{kind_of, split_context};
use crate::error::Location;
use crate::{DecodeError, Document, DocumentKind, Event};

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "@context", default)]
    context: Option<Value>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<Value>,
    #[serde(rename = "creationDate", default)]
    creation_date: Option<Value>,
    #[serde(rename = "epcisBody", default)]
    body: Option<RawBody>,
    #[serde(flatten)]
    header: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBody {
    #[serde(rename = "eventList", default)]
    event_list: Option<EventList>,
    #[serde(default)]
    event: Option<Event>,
    #[serde(rename = "queryResults", default)]
    query_results: Option<RawQueryResults>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQueryResults {
    #[serde(rename = "queryName", default)]
    query_name: Option<String>,
    #[serde(rename = "subscriptionID", default)]
    subscription_id: Option<String>,
    #[serde(rename = "resultsBody", default)]
    results_body: Option<RawResultsBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResultsBody {
    #[serde(rename = "eventList", default)]
    event_list: Option<EventList>,
}

/// An event list deserialised element by element, so that a capture of many events does not
/// grow the vector by doubling from zero.
struct EventList(Vec<Event>);

impl<'de> Deserialize<'de> for EventList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ListSeed)
    }
}

struct ListSeed;

impl<'de> Visitor<'de> for ListSeed {
    type Value = EventList;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventList, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(4096));
        while let Some(e) = seq.next_element_seed(EventSeed)? {
            v.push(e);
        }
        Ok(EventList(v))
    }
}

struct EventSeed;

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = Event;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        Event::deserialize(d)
    }
}

/// Parses an EPCIS 2.0 JSON-LD document (`EPCISDocument` or `EPCISQueryDocument`).
pub fn parse_document(bytes: &[u8]) -> Result<Document, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<RawDocument>(bytes) {
        Ok(raw) => finish(raw),
        Err(e) => slow_path(bytes, e),
    }
}

/// Parses a document already read as a JSON value.
///
/// JSON-LD lets a set with one member be written without the array (`"sourceList": {…}`); such
/// members are read as one-element lists (and written back as arrays).
pub fn parse_value(mut value: Value) -> Result<Document, DecodeError> {
    for_each_event(&mut value, wrap_singletons);
    // Read from a borrow so that, should it fail, the value is still there for
    // `shape_error` to name the event and the field; a good document is read once.
    match RawDocument::deserialize(&value) {
        Ok(raw) => finish(raw),
        Err(e) => Err(shape_error(&value).unwrap_or_else(|| DecodeError::new(e.to_string()))),
    }
}

/// Parses one event given as a JSON value (for APIs that take single events).
pub fn parse_event(value: Value) -> Result<Event, DecodeError> {
    let id = value
        .get("eventID")
        .and_then(Value::as_str)
        .map(str::to_owned);
    serde_path_to_error::deserialize::<_, Event>(value).map_err(|e| {
        let field = field_path(e.path());
        DecodeError::new(clean(e.inner().to_string())).at(Location {
            event_id: id,
            field,
            ..Location::default()
        })
    })
}

fn finish(raw: RawDocument) -> Result<Document, DecodeError> {
    let kind = match raw.kind.as_deref() {
        Some("EPCISDocument") => DocumentKind::Capture,
        Some("EPCISQueryDocument") => DocumentKind::Query,
        Some(other) => {
            return Err(field_error(
                format!("document type must be EPCISDocument or EPCISQueryDocument, not '{other}'"),
                "type",
            ));
        }
        None => return Err(field_error("the document has no 'type'", "type")),
    };
    // A missing schemaVersion (the schema requires one; validation reports it) is kept as an
    // empty string so that the document is written back without it.
    // Values of another JSON type than string stay in the header as given, so that they are
    // written back unchanged (one GS1 example writes `"schemaVersion": 2.0`).
    let mut header = raw.header;
    let mut string_member = |name: &str, v: Option<Value>| match v {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            header.insert(name.to_owned(), other);
            None
        }
        None => None,
    };
    let schema_version = string_member("schemaVersion", raw.schema_version).unwrap_or_default();
    let creation_date = string_member("creationDate", raw.creation_date);
    let (contexts, namespaces) = match &raw.context {
        Some(c) => split_context(c).map_err(|m| field_error(m, "@context"))?,
        None => Default::default(),
    };
    let body = raw
        .body
        .ok_or_else(|| field_error("the document has no 'epcisBody'", "epcisBody"))?;
    let mut doc = Document::capture(Vec::new(), namespaces);
    doc.kind = kind;
    doc.schema_version = schema_version;
    doc.creation_date = creation_date;
    doc.contexts = contexts;
    doc.context = raw.context;
    doc.header = header;
    match (body.event_list, body.event, body.query_results) {
        (Some(list), None, None) => doc.events = list.0,
        (None, Some(e), None) => {
            doc.events = vec![e];
            doc.single_event_body = true;
        }
        (None, None, Some(q)) => {
            doc.query_name = q.query_name;
            doc.subscription_id = q.subscription_id;
            doc.events = q
                .results_body
                .and_then(|b| b.event_list)
                .map(|l| l.0)
                .unwrap_or_default();
        }
        (None, None, None) => {}
        _ => {
            return Err(field_error(
                "epcisBody must hold one of eventList, event or queryResults",
                "epcisBody",
            ));
        }
    }
    doc.events.iter_mut().for_each(adopt_node_id);
    Ok(doc)
}

/// An event's JSON-LD node identifier. Both EPCIS contexts map `eventID` *and* `id` to the
/// keyword `@id` (GS1's simple-context examples name events with `"id": "ni:///…"`), so a URI
/// given as `id` or `@id` is the eventID and is read as one. A blank node (`_:e1`) names the
/// node within this document only: it is no eventID and stays a member as given. Two different
/// `@id`s on one event are a JSON-LD error that validation reports, so they are left as given.
fn adopt_node_id(e: &mut Event) {
    for key in ["id", "@id"] {
        let id = match e.extensions.get(key) {
            Some(Value::String(id)) if !is_blank_node(id) => id.clone(),
            _ => continue,
        };
        match &e.event_id {
            None => e.event_id = Some(id),
            Some(given) if *given == id => {}
            Some(_) => continue,
        }
        e.extensions.shift_remove(key);
    }
}

/// A JSON-LD blank node identifier (`_:label`).
pub(crate) fn is_blank_node(s: &str) -> bool {
    s.starts_with("_:")
}

fn for_each_event(doc: &mut Value, f: fn(&mut Value)) {
    let Some(body) = doc.get_mut("epcisBody") else {
        return;
    };
    if let Some(e) = body.get_mut("event") {
        f(e);
    }
    let list = match body.get_mut("queryResults") {
        Some(q) => q.pointer_mut("/resultsBody/eventList"),
        None => body.get_mut("eventList"),
    };
    if let Some(Value::Array(items)) = list {
        items.iter_mut().for_each(f);
    }
}

/// Members whose JSON-LD container is a set, so a lone value stands for a one-element list.
const SET_MEMBERS: [&str; 14] = [
    "epcList",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "set",
    "unset",
];

fn wrap_singletons(event: &mut Value) {
    fn wrap(v: &mut Value) {
        if !v.is_array() && !v.is_null() {
            *v = Value::Array(vec![v.take()]);
        }
    }
    let Some(m) = event.as_object_mut() else {
        return;
    };
    for name in &SET_MEMBERS[..12] {
        if let Some(v) = m.get_mut(*name) {
            wrap(v);
        }
    }
    if let Some(Value::Object(pd)) = m.get_mut("persistentDisposition") {
        for name in &SET_MEMBERS[12..] {
            if let Some(v) = pd.get_mut(*name) {
                wrap(v);
            }
        }
    }
    if let Some(Value::Array(els)) = m.get_mut("sensorElementList") {
        for el in els {
            if let Some(r) = el.get_mut("sensorReport") {
                wrap(r);
            }
        }
    }
    if let Some(Value::Object(ed)) = m.get_mut("errorDeclaration")
        && let Some(v) = ed.get_mut("correctiveEventIDs")
    {
        wrap(v);
    }
}

/// An error about a document-level member, named by its JSON Pointer from the root
/// (`/epcisBody/eventList`), as the validator names document-level members.
fn field_error(message: impl Into<String>, field: &str) -> DecodeError {
    DecodeError::new(message).at(Location {
        field: Some(format!("/{field}")),
        ..Location::default()
    })
}

/// The fast path failed. Duplicate members (which JSON allows; the last one wins, as in
/// `serde_json::Value` and Python) still read through a `Value`; anything else becomes an error
/// naming the event and the field.
fn slow_path(bytes: &[u8], e: serde_json::Error) -> Result<Document, DecodeError> {
    if e.classify() == serde_json::error::Category::Data {
        return match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => parse_value(v).map_err(|mut err| {
                if err.location.line.is_none() && e.line() > 0 {
                    err.location.line = Some(e.line());
                    err.location.column = Some(e.column());
                }
                err
            }),
            Err(e2) => Err(explain(e2)),
        };
    }
    Err(explain(e))
}

/// Turns a syntax error into a message with line and column.
fn explain(e: serde_json::Error) -> DecodeError {
    use serde_json::error::Category;
    let at = Location {
        line: Some(e.line()).filter(|l| *l > 0),
        column: Some(e.column()).filter(|_| e.line() > 0),
        ..Location::default()
    };
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            let text = e.to_string();
            let message = if text.contains("recursion limit") {
                "the JSON is nested too deeply (more than 128 levels of arrays and objects)"
                    .to_owned()
            } else {
                format!("malformed JSON: {}", clean(text))
            };
            DecodeError::new(message).at(at)
        }
        Category::Data => DecodeError::new(clean(e.to_string())).at(at),
    }
}

/// Finds the first shape error of a document value: document members, then each event.
fn shape_error(v: &Value) -> Option<DecodeError> {
    let Some(doc) = v.as_object() else {
        return Some(DecodeError::new(format!(
            "an EPCIS document must be a JSON object, not {}",
            kind_of(v)
        )));
    };
    if let Some(x) = doc.get("type").filter(|x| !x.is_string()) {
        return Some(field_error(
            format!("'type' must be a string, not {}", kind_of(x)),
            "type",
        ));
    }
    let body = doc.get("epcisBody")?;
    let Some(body_obj) = body.as_object() else {
        return Some(field_error(
            format!("'epcisBody' must be an object, not {}", kind_of(body)),
            "epcisBody",
        ));
    };
    if let Some(k) = body_obj
        .keys()
        .find(|k| !matches!(k.as_str(), "eventList" | "event" | "queryResults"))
    {
        return Some(field_error(
            format!("unknown member '{k}' in epcisBody"),
            &format!("epcisBody/{k}"),
        ));
    }
    let (list, base) = if let Some(e) = body_obj.get("event") {
        return event_error(0, e);
    } else if let Some(q) = body_obj.get("queryResults") {
        if let Some(k) = q.as_object().and_then(|q| {
            q.keys()
                .find(|k| !matches!(k.as_str(), "queryName" | "subscriptionID" | "resultsBody"))
        }) {
            return Some(field_error(
                format!("unknown member '{k}' in queryResults"),
                "epcisBody/queryResults",
            ));
        }
        (
            q.pointer("/resultsBody/eventList"),
            "epcisBody/queryResults/resultsBody/eventList",
        )
    } else {
        (body_obj.get("eventList"), "epcisBody/eventList")
    };
    let list = list?;
    let Some(items) = list.as_array() else {
        return Some(field_error(
            format!("'eventList' must be an array, not {}", kind_of(list)),
            base,
        ));
    };
    items
        .iter()
        .enumerate()
        .find_map(|(i, e)| event_error(i, e))
}

fn event_error(index: usize, e: &Value) -> Option<DecodeError> {
    let event_id = e.get("eventID").and_then(Value::as_str).map(str::to_owned);
    let err = serde_path_to_error::deserialize::<_, Event>(e).err()?;
    let field = field_path(err.path());
    Some(
        DecodeError::new(clean(err.inner().to_string())).at(Location {
            event_index: Some(index),
            event_id,
            field,
            ..Location::default()
        }),
    )
}

/// `quantityList[0].quantity` → `/quantityList/0/quantity`; `None` for the event itself.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{key}")),
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Drops serde_json's own " at line L column C" suffix: the location says it better.
fn clean(message: String) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}
