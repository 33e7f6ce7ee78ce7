//! The JSON-LD `@context` of EPCIS documents: the remote contexts GS1 publishes, the prefixes
//! they define, and the inline objects that declare extension prefixes.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::Namespaces;

/// The EPCIS 2.0 context as published by GS1 (what documents written here name).
pub const STANDARD_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
/// The same context at its development address, used by many GS1 examples.
pub const GITHUB_CONTEXT: &str = "https://gs1.github.io/EPCIS/epcis-context.jsonld";
/// The reduced "simple" context of the GS1 examples.
pub const SIMPLE_CONTEXT: &str = "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld";

/// Prefixes the standard contexts define (and protect: redefining one is a JSON-LD error), with
/// the IRIs they stand for there.
pub const STANDARD_PREFIXES: &[(&str, &str)] = &[
    ("epcis", "https://ref.gs1.org/epcis/"),
    ("cbv", "https://ref.gs1.org/cbv/"),
    ("cbvmda", "urn:epcglobal:cbv:mda:"),
    ("gs1", "https://gs1.org/voc/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("vtype", "urn:epcglobal:epcis:vtype:"),
];

/// The IRI a standard-context prefix stands for.
pub fn standard_prefix(prefix: &str) -> Option<&'static str> {
    STANDARD_PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, iri)| *iri)
}

/// Whether a remote context URL is one of the EPCIS contexts (full or simple, any host GS1
/// uses). Other remote contexts are kept but not understood.
pub fn is_epcis_context(url: &str) -> bool {
    url.ends_with("/epcis-context.jsonld") || url.ends_with("/epcis-context-simple.jsonld")
}

/// What a `@context` value holds: remote context URLs in order, and the prefixes its inline
/// objects declare (string-valued members; term definitions with objects stay in the raw value).
pub fn split_context(ctx: &Value) -> Result<(Vec<String>, Namespaces), String> {
    let mut urls = Vec::new();
    let mut ns = Namespaces::new();
    let mut add = |item: &Value| -> Result<(), String> {
        match item {
            Value::String(s) => urls.push(s.clone()),
            Value::Object(m) => inline_prefixes(m, &mut ns),
            Value::Null => {}
            other => {
                return Err(format!(
                    "@context entries must be URLs or objects, not {}",
                    kind_of(other)
                ));
            }
        }
        Ok(())
    };
    match ctx {
        Value::Array(items) => items.iter().try_for_each(&mut add)?,
        one => add(one)?,
    }
    Ok((urls, ns))
}

fn inline_prefixes(m: &Map<String, Value>, ns: &mut Namespaces) {
    for (k, v) in m {
        if let (false, Some(iri)) = (k.starts_with('@'), v.as_str()) {
            ns.insert(k.as_str(), iri);
        }
    }
}

/// The name of a JSON type, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Builds a `@context`: the remote contexts (the standard one when there are none), then one
/// object declaring `namespaces`.
pub fn build_context(contexts: &[String], namespaces: &Namespaces) -> Value {
    let mut items: Vec<Value> = if contexts.is_empty() {
        vec![Value::from(STANDARD_CONTEXT)]
    } else {
        contexts.iter().map(|c| Value::from(c.as_str())).collect()
    };
    if !namespaces.is_empty() {
        let obj: Map<String, Value> = namespaces
            .iter()
            .map(|(p, iri)| (p.to_owned(), Value::from(iri)))
            .collect();
        items.push(Value::Object(obj));
    }
    Value::Array(items)
}

/// The namespaces a generated context should declare for a document whose extension names use
/// `used` prefixes: only used prefixes, minus those the standard context already defines with
/// the same IRI. Returns the declarations and the renames needed for prefixes that would
/// redefine a protected standard prefix with another IRI (a JSON-LD error).
pub fn declarations_for(
    namespaces: &Namespaces,
    used: &BTreeSet<String>,
) -> (Namespaces, std::collections::BTreeMap<String, String>) {
    let mut decl = Namespaces::new();
    let mut renames = std::collections::BTreeMap::new();
    for (p, iri) in namespaces.iter() {
        if !used.contains(p) {
            continue;
        }
        match standard_prefix(p) {
            Some(std) if std == iri => {}
            Some(_) => {
                let fresh = namespaces.fresh_prefix(p, |c| {
                    decl.get(c).is_some() || used.contains(c) || standard_prefix(c).is_some()
                });
                decl.insert(fresh.clone(), iri);
                renames.insert(p.to_owned(), fresh);
            }
            None => decl.insert(p, iri),
        }
    }
    (decl, renames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_urls_and_prefixes() {
        let ctx = json!([STANDARD_CONTEXT, {"ext1": "http://e/1/"}, {"rail": "urn:rail:", "rail:x": {"@type": "@id"}}]);
        let (urls, ns) = split_context(&ctx).unwrap();
        assert_eq!(urls, vec![STANDARD_CONTEXT.to_owned()]);
        assert_eq!(ns.get("ext1"), Some("http://e/1/"));
        assert_eq!(ns.get("rail"), Some("urn:rail:"));
        assert_eq!(ns.get("rail:x"), None);
        assert!(split_context(&json!([3])).is_err());
    }

    #[test]
    fn protected_prefixes_are_renamed() {
        let mut ns = Namespaces::new();
        ns.insert("cbvmda", "urn:epcglobal:cbv:mda");
        ns.insert("gs1", "https://gs1.org/voc/");
        ns.insert("unused", "http://u/");
        let used: BTreeSet<String> = ["cbvmda", "gs1"].iter().map(|s| s.to_string()).collect();
        let (decl, renames) = declarations_for(&ns, &used);
        assert_eq!(renames.get("cbvmda").map(String::as_str), Some("cbvmda_2"));
        assert_eq!(decl.get("cbvmda_2"), Some("urn:epcglobal:cbv:mda"));
        assert_eq!(decl.iter().count(), 1);
    }
}
