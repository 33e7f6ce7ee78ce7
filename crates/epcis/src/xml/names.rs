//! XML namespaces and how they map onto the model's compact names.
//!
//! The model keys extension members by compact IRI (`ext1:float`) with the prefixes in
//! `Document::namespaces`, as JSON-LD does. Prefixes that the standard JSON-LD context defines
//! (`cbvmda`, `gs1`, `rdfs`, …) are used undeclared; their XML namespaces are the ones XML
//! documents use for them (`cbvmda` is `urn:epcglobal:cbv:mda` in XML).

use std::collections::HashMap;

use crate::Namespaces;
use crate::jsonld::standard_prefix;

pub const EPCIS_2: &str = "urn:epcglobal:epcis:xsd:2";
pub const EPCIS_1: &str = "urn:epcglobal:epcis:xsd:1";
pub const QUERY_2: &str = "urn:epcglobal:epcis-query:xsd:2";
pub const QUERY_1: &str = "urn:epcglobal:epcis-query:xsd:1";
pub const MASTERDATA_2: &str = "urn:epcglobal:epcis-masterdata:xsd:2";
pub const MASTERDATA_1: &str = "urn:epcglobal:epcis-masterdata:xsd:1";
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Namespaces of the EPCIS XML structure itself: declared by the writer, never extension names.
pub fn is_structural(iri: &str) -> bool {
    matches!(
        iri,
        EPCIS_2 | EPCIS_1 | QUERY_2 | QUERY_1 | MASTERDATA_2 | MASTERDATA_1
    )
}

/// The XML namespace of a standard-context prefix.
pub fn xml_iri_of_standard(prefix: &str) -> Option<&'static str> {
    match prefix {
        "cbvmda" => Some("urn:epcglobal:cbv:mda"),
        "epcis" => None,
        p => standard_prefix(p),
    }
}

/// The standard-context prefix an XML namespace stands for.
pub fn standard_for_xml_iri(iri: &str) -> Option<&'static str> {
    if iri == "urn:epcglobal:cbv:mda" || iri == "urn:epcglobal:cbv:mda:" {
        return Some("cbvmda");
    }
    crate::jsonld::STANDARD_PREFIXES
        .iter()
        .find(|(p, i)| *i == iri && *p != "epcis")
        .map(|(p, _)| *p)
}

/// Allocates model prefixes for XML namespaces while a document is read.
#[derive(Default)]
pub(crate) struct Names {
    by_iri: HashMap<String, String>,
    pub namespaces: Namespaces,
}

impl Names {
    /// The compact name of an XML name: `prefix:local`, or `local` when unqualified.
    pub fn key(&mut self, ns: Option<&str>, written: Option<&str>, local: &str) -> String {
        match ns {
            None => local.to_owned(),
            Some(iri) => {
                let p = self.prefix_for(iri, written);
                format!("{p}:{local}")
            }
        }
    }

    /// The model prefix for a namespace: the standard one, the one already chosen for it, or
    /// the written one unless that is taken (then `written_2`, …).
    pub fn prefix_for(&mut self, iri: &str, written: Option<&str>) -> String {
        if let Some(p) = self.by_iri.get(iri) {
            return p.clone();
        }
        let p = match standard_for_xml_iri(iri) {
            Some(std) => std.to_owned(),
            None => {
                let want = written.filter(|w| !w.is_empty()).unwrap_or("ns");
                let clash = standard_prefix(want).is_some()
                    || self.namespaces.get(want).is_some_and(|have| have != iri);
                let p = if clash {
                    self.namespaces
                        .fresh_prefix(want, |c| standard_prefix(c).is_some())
                } else {
                    want.to_owned()
                };
                self.namespaces.insert(p.clone(), iri);
                p
            }
        };
        self.by_iri.insert(iri.to_owned(), p.clone());
        p
    }
}

/// Whether a string is an XML NCName (a name without colon), as element names need.
pub fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_alphabetic() || c == '_';
    start(first) && chars.all(|c| start(c) || c.is_numeric() || matches!(c, '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_clashing_prefixes() {
        let mut n = Names::default();
        assert_eq!(
            n.key(Some("urn:epcglobal:cbv:mda"), Some("x"), "lot"),
            "cbvmda:lot"
        );
        assert_eq!(n.key(Some("http://a/"), Some("ex"), "f"), "ex:f");
        assert_eq!(n.key(Some("http://b/"), Some("ex"), "f"), "ex_2:f");
        assert_eq!(n.key(Some("urn:other"), Some("gs1"), "f"), "gs1_2:f");
        assert_eq!(n.key(None, None, "f"), "f");
        assert_eq!(n.namespaces.get("ex_2"), Some("http://b/"));
        assert!(is_ncname("a-b.c_1") && !is_ncname("1a") && !is_ncname("a:b"));
    }
}
