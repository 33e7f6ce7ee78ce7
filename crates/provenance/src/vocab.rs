//! Finding the profile's `cm` fields in an event, however the document spelled them.
//!
//! The model keeps extension members keyed as the document wrote them, with the document's
//! prefixes kept beside the event ([`Namespaces`]). A profile field may therefore arrive as
//! `cm:household` (the usual prefix), `x:household` (any prefix bound to the namespace), the
//! expanded IRI `https://nooluur.org/voc/cashmere/household`, or — when the store renamed a
//! clashing prefix — `cm_2:household`. An undeclared `cm:` is taken to be ours, a `cm:` bound to
//! another namespace is not.

use epcis::{Extensions, Namespaces};
use serde_json::Value;

/// The namespace IRI of the cashmere vocabulary.
pub const NS: &str = "https://nooluur.org/voc/cashmere/";

/// The prefix the profile documents for [`NS`].
pub const PREFIX: &str = "cm";

/// Resolves member names and values against the namespaces of one event.
#[derive(Debug, Clone, Copy)]
pub struct Vocab<'a> {
    ns: &'a Namespaces,
}

impl<'a> Vocab<'a> {
    pub fn new(ns: &'a Namespaces) -> Vocab<'a> {
        Vocab { ns }
    }

    /// The local name of a member name in the cashmere namespace (`household` of
    /// `cm:household`), `None` for names of other namespaces.
    pub fn local<'k>(&self, name: &'k str) -> Option<&'k str> {
        if let Some(local) = name.strip_prefix(NS) {
            return Some(local);
        }
        let (prefix, local) = name.split_once(':')?;
        match self.ns.get(prefix) {
            Some(iri) => (iri == NS).then_some(local),
            None => (prefix == PREFIX).then_some(local),
        }
    }

    /// The member of `map` whose name is `local` in the cashmere namespace, with its name as
    /// written.
    pub fn find<'m>(&self, map: &'m Extensions, local: &str) -> Option<(&'m str, &'m Value)> {
        map.iter()
            .find(|(k, _)| self.local(k) == Some(local))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// A vocabulary value with the namespace stripped: `cm:combing`, the expanded IRI and the
    /// bare `combing` all give `combing`. A value under a prefix the event does not bind gives
    /// its local part too: the XML reader renames a prefix that clashes with a reserved one in
    /// member names (`c:` → `c_2:`) but keeps values as written, and callers check the result
    /// against a closed vocabulary anyway. Values of other namespaces are returned as given.
    pub fn term<'v>(&self, value: &'v str) -> &'v str {
        if let Some(local) = self.local(value) {
            return local;
        }
        match value.split_once(':') {
            Some((prefix, local))
                if !prefix.is_empty()
                    && !local.starts_with("//")
                    && self.ns.get(prefix).is_none() =>
            {
                local
            }
            _ => value,
        }
    }

    /// How the document names a field of the namespace, for messages (`cm:household`).
    pub fn name(&self, local: &str) -> String {
        let prefix = self.ns.prefix_for(NS).unwrap_or(PREFIX);
        format!("{prefix}:{local}")
    }
}

/// The text of a scalar member value: a string, a number (as written), a JSON-LD value object
/// (`{"@value": …}` / `{"@id": …}`), an XML element with attributes (`{"#text": …}`) or a
/// one-element list of those. `None` for anything else.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(m) => ["@value", "@id", "#text"]
            .iter()
            .find_map(|k| m.get(*k))
            .and_then(scalar_text),
        Value::Array(items) if items.len() == 1 => scalar_text(&items[0]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ns(pairs: &[(&str, &str)]) -> Namespaces {
        let mut n = Namespaces::new();
        for (p, i) in pairs {
            n.insert(*p, *i);
        }
        n
    }

    #[test]
    fn names_in_every_spelling() {
        let n = ns(&[("x", NS), ("ext", "http://other/")]);
        let v = Vocab::new(&n);
        assert_eq!(v.local("x:household"), Some("household"));
        assert_eq!(v.local("cm:household"), Some("household"));
        assert_eq!(
            v.local("https://nooluur.org/voc/cashmere/household"),
            Some("household")
        );
        assert_eq!(v.local("ext:household"), None);
        assert_eq!(v.local("household"), None);
        assert_eq!(v.name("season"), "x:season");

        let clash = ns(&[("cm", "http://not-ours/")]);
        assert_eq!(Vocab::new(&clash).local("cm:household"), None);
        assert_eq!(Vocab::new(&clash).name("season"), "cm:season");
    }

    #[test]
    fn values_and_terms() {
        let n = ns(&[("cm", NS)]);
        let v = Vocab::new(&n);
        assert_eq!(v.term("cm:combing"), "combing");
        assert_eq!(v.term("combing"), "combing");
        assert_eq!(v.term("c:combing"), "combing");
        assert_eq!(
            v.term("http://example.com/combing"),
            "http://example.com/combing"
        );
        assert_eq!(
            v.term("https://nooluur.org/voc/cashmere/MeanFibreDiameter"),
            "MeanFibreDiameter"
        );
        assert_eq!(scalar_text(&json!(" 2024 ")).as_deref(), Some("2024"));
        assert_eq!(scalar_text(&json!(48)).as_deref(), Some("48"));
        assert_eq!(
            scalar_text(&json!({"#text": "2024", "x:k": "a"})).as_deref(),
            Some("2024")
        );
        assert_eq!(
            scalar_text(&json!({"@id": "https://h/1"})).as_deref(),
            Some("https://h/1")
        );
        assert_eq!(scalar_text(&json!(["a"])).as_deref(), Some("a"));
        assert_eq!(scalar_text(&json!(["a", "b"])), None);
        assert_eq!(scalar_text(&json!(true)), None);
        let map: Extensions =
            serde_json::from_value(json!({"cm:season": "2024", "other": 1})).unwrap();
        assert_eq!(v.find(&map, "season").map(|(k, _)| k), Some("cm:season"));
    }
}
