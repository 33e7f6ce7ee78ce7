//! The namespace plan of an XML document: which XML prefix and namespace each model prefix
//! gets, so that names never collide with the reserved `epcis`, `epcisq` and `xml…` prefixes.

use std::collections::{BTreeMap, BTreeSet};

use super::names::xml_iri_of_standard;
use crate::Document;
use crate::jsonld::split_context;
use crate::model::prefixes::{collect_key_prefixes, event_key_prefixes};

/// Model prefix → (XML prefix, namespace) for every prefix the document declares or uses in a
/// name; and the prefixes whose compact values are written in full.
#[allow(clippy::type_complexity)]
pub(super) fn plan_prefixes(
    doc: &Document,
) -> (BTreeMap<String, (String, String)>, BTreeMap<String, String>) {
    let mut ns: BTreeMap<String, String> = doc
        .namespaces
        .iter()
        .map(|(p, i)| (p.to_owned(), i.to_owned()))
        .collect();
    let mut used = BTreeSet::new();
    for e in &doc.events {
        event_key_prefixes(e, &mut used);
        if let Some(ctx) = &e.context
            && let Ok((_, local)) = split_context(ctx)
        {
            for (p, i) in local.iter() {
                ns.entry(p.to_owned()).or_insert_with(|| i.to_owned());
            }
        }
    }
    collect_key_prefixes(&doc.header, &mut used);
    let value_prefixes = ns.clone();
    used.extend(ns.keys().cloned());
    let mut plan = BTreeMap::new();
    let mut xml_taken: BTreeSet<String> = ["epcis", "epcisq", "xml", "xmlns"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for p in used {
        let iri = ns
            .get(&p)
            .cloned()
            .or_else(|| xml_iri_of_standard(&p).map(str::to_owned))
            .unwrap_or_else(|| format!("urn:nooluur:undeclared-prefix:{p}"));
        let mut xp = p.clone();
        let mut n = 2;
        while xml_taken.contains(&xp) || xp.to_ascii_lowercase().starts_with("xml") {
            xp = format!("{p}_{n}");
            n += 1;
        }
        xml_taken.insert(xp.clone());
        plan.insert(p, (xp, iri));
    }
    (plan, value_prefixes)
}
