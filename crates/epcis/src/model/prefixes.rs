//! Walking the compact-IRI prefixes an event uses, and renaming them.
//!
//! Extension members are keyed `prefix:local`; their prefixes resolve through the namespaces kept
//! beside the event. When events from different documents meet in one document, or a prefix has
//! to make way for a reserved one, the codecs rename prefixes with these helpers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Event;

/// Every extension map of an event: the event's own members, ILMD, readPoint/bizLocation,
/// errorDeclaration and the sensor element, metadata and report members.
pub(crate) fn extension_maps(e: &Event) -> Vec<&Map<String, Value>> {
    let mut maps = vec![&e.extensions];
    maps.extend(e.ilmd.as_ref());
    maps.extend(e.read_point.as_ref().map(|l| &l.extensions));
    maps.extend(e.biz_location.as_ref().map(|l| &l.extensions));
    maps.extend(e.error_declaration.as_ref().map(|d| &d.extensions));
    for el in e.sensor_element_list.iter().flatten() {
        maps.push(&el.extensions);
        maps.extend(el.sensor_metadata.as_ref().map(|m| &m.extensions));
        maps.extend(el.sensor_report.iter().map(|r| &r.extensions));
    }
    maps
}

/// The prefix of a compact IRI (`ext1` of `ext1:float`); `None` for plain names and for
/// absolute IRIs (`http://…`, `urn:…` are told apart by the caller's namespace map).
pub(crate) fn prefix_of(name: &str) -> Option<&str> {
    let (p, _) = name.split_once(':')?;
    (!p.is_empty() && !p.starts_with('@')).then_some(p)
}

/// Adds the prefixes of every member name inside `v` (recursively) to `out`.
pub(crate) fn collect_key_prefixes(map: &Map<String, Value>, out: &mut BTreeSet<String>) {
    for (k, v) in map {
        if let Some(p) = prefix_of(k)
            && !out.contains(p)
        {
            out.insert(p.to_owned());
        }
        collect_value_key_prefixes(v, out);
    }
}

fn collect_value_key_prefixes(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => collect_key_prefixes(m, out),
        Value::Array(a) => a.iter().for_each(|x| collect_value_key_prefixes(x, out)),
        _ => {}
    }
}

/// The prefixes used in the member names of an event's extensions.
pub(crate) fn event_key_prefixes(e: &Event, out: &mut BTreeSet<String>) {
    for m in extension_maps(e) {
        collect_key_prefixes(m, out);
    }
}

/// Renames `old:` → `new:` in every member name and every string value of the event.
pub(crate) fn rename_event(event: Event, renames: &BTreeMap<String, String>) -> Event {
    let Ok(mut v) = serde_json::to_value(&event) else {
        return event;
    };
    rename_value(&mut v, renames);
    serde_json::from_value(v).unwrap_or(event)
}

/// Renames `old:` → `new:` in member names only (values keep their text).
pub(crate) fn rename_event_keys(event: Event, renames: &BTreeMap<String, String>) -> Event {
    let Ok(mut v) = serde_json::to_value(&event) else {
        return event;
    };
    walk(&mut v, renames, false);
    serde_json::from_value(v).unwrap_or(event)
}

/// Renames prefixes in member names and string values of a JSON value, recursively.
pub(crate) fn rename_value(v: &mut Value, renames: &BTreeMap<String, String>) {
    walk(v, renames, true);
}

fn walk(v: &mut Value, renames: &BTreeMap<String, String>, values: bool) {
    match v {
        Value::String(s) if values => {
            if let Some(r) = renamed(s, renames) {
                *s = r;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk(x, renames, values)),
        Value::Object(m) => walk_map(m, renames, values),
        _ => {}
    }
}

/// Renames prefixes in the member names and values of a map, recursively.
pub(crate) fn rename_map(m: &mut Map<String, Value>, renames: &BTreeMap<String, String>) {
    walk_map(m, renames, true);
}

/// Renames prefixes in the member names of a map, recursively.
pub(crate) fn rename_map_keys(m: &mut Map<String, Value>, renames: &BTreeMap<String, String>) {
    walk_map(m, renames, false);
}

fn walk_map(m: &mut Map<String, Value>, renames: &BTreeMap<String, String>, values: bool) {
    let old = std::mem::take(m);
    for (k, mut v) in old {
        walk(&mut v, renames, values);
        let k = renamed(&k, renames).unwrap_or(k);
        m.insert(k, v);
    }
}

/// Adds the prefix of every string value (not member name) inside `v` to `out`.
pub(crate) fn collect_value_prefixes(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            if let Some(p) = prefix_of(s)
                && !out.contains(p)
            {
                out.insert(p.to_owned());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_value_prefixes(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_value_prefixes(x, out)),
        _ => {}
    }
}

fn renamed(s: &str, renames: &BTreeMap<String, String>) -> Option<String> {
    let (p, local) = s.split_once(':')?;
    renames.get(p).map(|new| format!("{new}:{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventType, Namespaces};

    #[test]
    fn clashing_prefixes_are_renamed_in_keys_and_values() {
        let mut e = Event::new(EventType::ObjectEvent, "2020-01-01T00:00:00Z", "+00:00");
        e.extensions
            .insert("ext1:a".into(), serde_json::json!({"ext1:b": "ext1:c"}));
        let mut doc = crate::Document::capture(Vec::new(), Namespaces::new());
        let mut ns1 = Namespaces::new();
        ns1.insert("ext1", "http://one/");
        let mut ns2 = Namespaces::new();
        ns2.insert("ext1", "http://two/");
        doc.push_event(e.clone(), &ns1);
        doc.push_event(e, &ns2);
        assert_eq!(doc.namespaces.get("ext1_2"), Some("http://two/"));
        let second = &doc.events[1].extensions;
        assert_eq!(
            second.get("ext1_2:a"),
            Some(&serde_json::json!({"ext1_2:b": "ext1_2:c"}))
        );
        assert!(doc.events[0].extensions.contains_key("ext1:a"));
    }
}
