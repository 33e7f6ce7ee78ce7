//! The transparency log's entry is written straight from the event when it can
//! (`nooluur_store::log_entry`); it must give exactly the bytes of the general path: copy the
//! event, rewrite its GS1 keys as Digital Links, render its object of a one-event query
//! document as a `serde_json::Value`, then canonicalize that (RFC 8785).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use epcis::{Event, Namespaces};

/// `None` where the event has no canonical form (an integer beyond I-JSON's range).
fn general_path(event: &Event, namespaces: &Namespaces) -> Option<String> {
    let mut event = event.clone();
    epcis::id::to_digital_links(&mut event);
    let obj = epcis::jsonld::event_in_query_document(&event, namespaces);
    assert!(obj.is_object());
    tlog::jcs::to_vec(&obj)
        .ok()
        .map(|b| String::from_utf8(b).unwrap())
}

/// The project's JSON-LD fixtures, and the GS1 examples when the shared corpus is beside the
/// project.
fn documents() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![here.join("../epcis/tests/data")];
    let shared = here.join("../../../shared/data/epcis/examples");
    if shared.exists() {
        roots.push(shared);
    }
    let mut out = Vec::new();
    while let Some(dir) = roots.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                roots.push(p);
            } else if p.extension().is_some_and(|x| x == "jsonld" || x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn log_entry_agrees_with_the_document_writer() {
    let (mut events, mut rewritten, mut renamed) = (0usize, 0usize, 0usize);
    for path in documents() {
        let Ok(doc) = epcis::jsonld::parse_document(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        // The document's own prefixes, and the same with a standard prefix declared for
        // another namespace, which the query document must rename.
        let mut clashing = doc.namespaces.clone();
        clashing.insert("cbvmda", "https://clash.example/ns/");
        assert!(epcis::jsonld::may_rename_prefixes(&clashing));
        for ns in [&doc.namespaces, &clashing] {
            for e in &doc.events {
                let direct = nooluur_store::log_entry(e, ns)
                    .ok()
                    .map(|b| String::from_utf8(b).unwrap());
                assert_eq!(direct, general_path(e, ns), "{}", path.display());
                events += 1;
                rewritten += usize::from(epcis::id::with_digital_links(e).is_some());
                renamed += usize::from(epcis::jsonld::may_rename_prefixes(ns));
            }
        }
    }
    // Both shortcuts and both general paths were taken.
    assert!(rewritten > 0 && rewritten < events && renamed > 0 && renamed < events);
}

/// `with_digital_links` gives exactly what rewriting in place gives, and nothing when that
/// changes nothing.
#[test]
fn rewrites_are_found_exactly() {
    for path in documents() {
        let Ok(doc) = epcis::jsonld::parse_document(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        for e in &doc.events {
            let mut copy = e.clone();
            epcis::id::to_digital_links(&mut copy);
            let expected = (copy != *e).then_some(copy);
            assert_eq!(
                epcis::id::with_digital_links(e),
                expected,
                "{}",
                path.display()
            );
        }
    }
}
