//! JSON Schema rules for the document around the events: `EPCISDocument`,
//! `EPCISQueryDocument`, the header with master data, and a single event sent on its own.

use serde_json::{Map, Value};

use super::Ctx;
use super::capture;
use super::event::check_event;
use super::fields::{self, extension_name, require};
use super::formats::{is_version, type_name};
use super::report::Path;

/// The root of what a client sends: a capture document, a query document, or one event.
pub(crate) fn check_root<'d>(ctx: &mut Ctx<'d>, v: &'d Value) {
    let root = Path::ROOT;
    ctx.context = v.get("@context");
    let Value::Object(o) = v else {
        ctx.add(
            &root,
            format!(
                "an EPCIS document must be a JSON object, found {}",
                type_name(v)
            ),
        );
        return;
    };
    match o.get("type") {
        None => ctx.add(
            &root,
            "the document has no 'type' (EPCISDocument, EPCISQueryDocument or an event type)",
        ),
        Some(Value::String(t)) if t == "EPCISDocument" => capture_document(ctx, o),
        Some(Value::String(t)) if t == "EPCISQueryDocument" => query_document(ctx, o),
        Some(Value::String(_)) => {
            let id = o.get("eventID").and_then(Value::as_str);
            ctx.report.set_event(Some(0), id);
            check_event(ctx, v, true);
            ctx.report.set_event(None, None);
        }
        Some(other) => ctx.add(
            &root.key("type"),
            format!("type must be a string, found {}", type_name(other)),
        ),
    }
}

/// Members shared by both document types; false if `key` is none of them.
fn common_member(ctx: &mut Ctx<'_>, key: &str, v: &Value, path: &Path<'_>) -> bool {
    match key {
        "type" => {}
        "@context" => fields::context(ctx, v, path),
        "id" if ctx.capture() => capture::node_id(ctx, v, path),
        "id" => fields::uri(ctx, v, path),
        "schemaVersion" => {
            if capture::schema_version_number(ctx, v, path) {
                return true;
            }
            if let Some(s) = fields::string(ctx, v, path)
                && !is_version(s)
            {
                ctx.add(
                    path,
                    format!("schemaVersion '{s}' is not a version number such as 2.0"),
                );
            }
        }
        "creationDate" => fields::time(ctx, v, path),
        _ => return false,
    }
    true
}

fn capture_document<'d>(ctx: &mut Ctx<'d>, o: &'d Map<String, Value>) {
    let root = Path::ROOT;
    for (k, v) in o {
        let p = root.key(k);
        if common_member(ctx, k, v, &p) {
            continue;
        }
        match k.as_str() {
            "instanceIdentifier" | "sender" | "receiver" => {
                fields::string(ctx, v, &p);
            }
            "epcisHeader" => header(ctx, v, &p),
            "epcisBody" => {
                let Some(body) = fields::object(ctx, v, &p) else {
                    continue;
                };
                match body.get("eventList") {
                    Some(list) => event_list(ctx, list, &p.key("eventList")),
                    None => ctx.add(&p, "epcisBody lacks the required member 'eventList'"),
                }
            }
            _ => extension_name(ctx, k, &root, "an EPCISDocument"),
        }
    }
    // The capture profile does without the header members (tolerance 5 in capture.rs).
    let required: &[&str] = if ctx.capture() {
        &["@context", "epcisBody"]
    } else {
        &["@context", "schemaVersion", "creationDate", "epcisBody"]
    };
    for key in required {
        require(ctx, o, &root, key, "an EPCISDocument");
    }
}

fn query_document<'d>(ctx: &mut Ctx<'d>, o: &'d Map<String, Value>) {
    let root = Path::ROOT;
    for (k, v) in o {
        let p = root.key(k);
        if common_member(ctx, k, v, &p) {
            continue;
        }
        if k == "epcisBody" {
            query_body(ctx, v, &p);
        } else {
            extension_name(ctx, k, &root, "an EPCISQueryDocument");
        }
    }
    require(ctx, o, &root, "@context", "an EPCISQueryDocument");
    require(ctx, o, &root, "epcisBody", "an EPCISQueryDocument");
}

fn query_body<'d>(ctx: &mut Ctx<'d>, v: &'d Value, path: &Path<'_>) {
    let Some(body) = fields::object(ctx, v, path) else {
        return;
    };
    for (k, v) in body {
        if k != "queryResults" {
            extension_name(ctx, k, path, "the epcisBody of a query document");
            continue;
        }
        let p = path.key(k);
        let Some(results) = fields::object(ctx, v, &p) else {
            continue;
        };
        for (k, v) in results {
            let pk = p.key(k);
            match k.as_str() {
                "queryName" | "subscriptionID" => {
                    fields::string(ctx, v, &pk);
                }
                "resultsBody" => {
                    let Some(rb) = fields::object(ctx, v, &pk) else {
                        continue;
                    };
                    for (k, v) in rb {
                        match k.as_str() {
                            "eventList" => event_list(ctx, v, &pk.key(k)),
                            "vocabularyList" => vocabulary_list(ctx, v, &pk.key(k)),
                            _ => extension_name(ctx, k, &pk, "resultsBody"),
                        }
                    }
                    require(ctx, rb, &pk, "eventList", "resultsBody");
                }
                _ => extension_name(ctx, k, &p, "queryResults"),
            }
        }
        require(ctx, results, &p, "queryName", "queryResults");
        require(ctx, results, &p, "resultsBody", "queryResults");
    }
    require(
        ctx,
        body,
        path,
        "queryResults",
        "the epcisBody of a query document",
    );
}

/// Each event is checked with its own index and eventID; paths inside are event-relative.
fn event_list<'d>(ctx: &mut Ctx<'d>, v: &'d Value, path: &Path<'_>) {
    let Some(events) = fields::array(ctx, v, path) else {
        return;
    };
    for (i, e) in events.iter().enumerate() {
        if ctx.report.is_full() {
            break;
        }
        let id = e.get("eventID").and_then(Value::as_str);
        ctx.report.set_event(Some(i), id);
        check_event(ctx, e, false);
    }
    ctx.report.set_event(None, None);
}

fn header(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(h) = fields::object(ctx, v, path) else {
        return;
    };
    for (k, v) in h {
        if k != "epcisMasterData" {
            extension_name(ctx, k, path, "epcisHeader");
            continue;
        }
        let p = path.key(k);
        let Some(md) = fields::object(ctx, v, &p) else {
            continue;
        };
        if let Some(list) = md.get("vocabularyList") {
            vocabulary_list(ctx, list, &p.key("vocabularyList"));
        }
    }
}

fn vocabulary_list(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(vocabularies) = fields::array(ctx, v, path) else {
        return;
    };
    for (i, voc) in vocabularies.iter().enumerate() {
        let p = path.index(i);
        let Some(o) = fields::object(ctx, voc, &p) else {
            continue;
        };
        match o.get("type") {
            Some(t) => fields::uri(ctx, t, &p.key("type")),
            None => ctx.add(&p, "a vocabulary lacks the required member 'type'"),
        }
        let Some(list) = o.get("vocabularyElementList") else {
            continue;
        };
        let pl = p.key("vocabularyElementList");
        let Some(elements) = fields::array(ctx, list, &pl) else {
            continue;
        };
        for (j, el) in elements.iter().enumerate() {
            vocabulary_element(ctx, el, &pl.index(j));
        }
    }
}

fn vocabulary_element(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(o) = fields::object(ctx, v, path) else {
        return;
    };
    match o.get("id") {
        Some(id) => fields::uri(ctx, id, &path.key("id")),
        None => ctx.add(path, "a vocabulary element lacks the required member 'id'"),
    }
    if let Some(children) = o.get("children") {
        fields::uri_list(ctx, children, &path.key("children"), false, false);
    }
    let Some(attrs) = o.get("attributes") else {
        return;
    };
    let pa = path.key("attributes");
    let Some(attrs) = fields::array(ctx, attrs, &pa) else {
        return;
    };
    for (i, a) in attrs.iter().enumerate() {
        let p = pa.index(i);
        let Some(ao) = fields::object(ctx, a, &p) else {
            continue;
        };
        match ao.get("id") {
            Some(id) => fields::uri(ctx, id, &p.key("id")),
            None => ctx.add(&p, "a master-data attribute lacks the required member 'id'"),
        }
        if let Some(val) = ao.get("attribute")
            && !(val.is_number() || val.is_string() || val.is_object())
        {
            ctx.add(&p.key("attribute"), format!("a master-data attribute value must be a number, a string or an object, found {}", type_name(val)));
        }
    }
}
