//! User extensions, ILMD and other free-form XML ↔ JSON values.
//!
//! The JSON shape of an element, chosen so that the reference hash generator sees the same tree
//! in both bindings (its JSON reader turns `#text` into the element text and every other member
//! into a child, exactly as its XML reader turns attributes and child elements into children):
//! - text only → a string (`<ext1:a>x</ext1:a>` → `"ext1:a": "x"`, empty → `""`);
//! - attributes and/or children → an object, attributes and children keyed by compact name,
//!   the text (if any) under `"#text"`;
//! - repeated sibling elements → an array, in document order.
//!
//! Unqualified `extension` elements (the EPCIS 1.x wrappers) are transparent everywhere, as the
//! reference generator removes them textually.

use serde_json::{Map, Number, Value};

use super::names::{Names, XSI};
use super::out::XmlOut;
use super::tree::Element;

/// A text value as the model keeps it: trimmed, with the `gs1:`/`cbv:` CURIEs the reference
/// generator expands in XML values written out in full (JSON-LD would leave them unexpanded).
pub(crate) fn text_value(raw: &str) -> String {
    expand_curie(raw.trim())
}

/// An attribute value as the model keeps it. The reference generator expands `gs1:`/`cbv:`
/// before trimming attribute values, so a leading space keeps a CURIE unexpanded.
pub(crate) fn attr_value(raw: &str) -> String {
    expand_curie(raw).trim().to_owned()
}

fn expand_curie(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("gs1:") {
        format!("https://gs1.org/voc/{rest}")
    } else if let Some(rest) = s.strip_prefix("cbv:") {
        format!("https://ref.gs1.org/cbv/{rest}")
    } else {
        s.to_owned()
    }
}

/// The children of an element with unqualified `extension`/`baseExtension` wrappers opened.
pub(crate) fn flat_children(el: &Element) -> Vec<&Element> {
    let mut out = Vec::with_capacity(el.children.len());
    fn walk<'a>(el: &'a Element, out: &mut Vec<&'a Element>) {
        for c in &el.children {
            if c.is("extension") || c.is("baseExtension") {
                walk(c, out);
            } else {
                out.push(c);
            }
        }
    }
    walk(el, &mut out);
    out
}

/// Adds a member; a name seen before turns into an array of the values in order.
pub(crate) fn push_member(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        None => {
            map.insert(key, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(old) => {
            let first = old.take();
            *old = Value::Array(vec![first, value]);
        }
    }
}

/// The JSON value of a free-form element.
pub(crate) fn element_value(el: &Element, names: &mut Names) -> Value {
    let mut members = Map::new();
    add_attributes(el, names, &mut members, |_| true);
    for c in flat_children(el) {
        let key = names.key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
        let v = element_value(c, names);
        push_member(&mut members, key, v);
    }
    let text = text_value(&el.text);
    if members.is_empty() {
        return Value::String(text);
    }
    if !text.is_empty() {
        members.insert("#text".to_owned(), Value::String(text));
    }
    Value::Object(members)
}

/// Adds the attributes of `el` accepted by `keep` (by local name of unqualified attributes)
/// as string members.
pub(crate) fn add_attributes(
    el: &Element,
    names: &mut Names,
    members: &mut Map<String, Value>,
    keep: impl Fn(&str) -> bool,
) {
    for a in &el.attrs {
        if a.ns.is_none() && !keep(&a.local) {
            continue;
        }
        let key = names.key(a.ns.as_deref(), a.prefix.as_deref(), &a.local);
        push_member(members, key, Value::String(attr_value(&a.value)));
    }
}

/// Writes one member as element(s): arrays repeat the element (nested arrays are flattened),
/// objects become attributes (for members of an object with `#text`, and `xsi:` members) and
/// child elements, booleans are written as Python's `str()` writes them (`True`), which is how
/// the reference generator hashes a JSON boolean, `null` as an empty element.
pub(crate) fn write_member(out: &mut XmlOut, key: &str, value: &Value) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| write_member(out, key, v)),
        Value::Object(m) => {
            let has_text = m.contains_key("#text");
            let is_attr = |out: &XmlOut, k: &str, v: &Value| {
                k != "#text"
                    && matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
                    && (has_text || out.namespace_of(k).as_deref() == Some(XSI))
            };
            out.open(key);
            let mut children = Vec::new();
            for (k, v) in m {
                if is_attr(out, k, v) {
                    let text = scalar_text(out, v, true);
                    out.attr(k, &text);
                } else if k != "#text" {
                    children.push((k, v));
                }
            }
            let text = m
                .get("#text")
                .map(|t| scalar_text(out, t, false))
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
            out.end(key);
        }
        scalar => {
            let text = scalar_text(out, scalar, false);
            out.leaf(key, &text);
        }
    }
}

/// The text of a scalar JSON value in XML (see [`write_member`] for booleans).
pub(crate) fn scalar_text(out: &XmlOut, v: &Value, attr: bool) -> String {
    match v {
        Value::String(s) if attr => out.attr_value(s).into_owned(),
        Value::String(s) => out.value(s).into_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An XSD decimal/double as a JSON number: `+5`, `.5` and `5.` are accepted; `INF`/`NaN`
/// (which JSON cannot carry) are not.
pub(crate) fn parse_number(text: &str) -> Option<Number> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t),
    };
    let mut b = body.to_owned();
    if b.starts_with('.') {
        b.insert(0, '0');
    }
    if let Some(i) = b.find('.')
        && !b[i + 1..].starts_with(|c: char| c.is_ascii_digit())
    {
        b.insert(i + 1, '0');
    }
    serde_json::from_str::<Number>(&format!("{sign}{b}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for (s, want) in [
            ("26.0", "26.0"),
            ("+5", "5"),
            (".5", "0.5"),
            ("-.5", "-0.5"),
            ("5.", "5.0"),
            (" 200 ", "200"),
            ("1e3", "1000.0"),
        ] {
            assert_eq!(
                parse_number(s).map(|n| n.to_string()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        for s in ["INF", "NaN", "", "abc", "1.2.3"] {
            assert!(parse_number(s).is_none(), "{s}");
        }
    }
}
