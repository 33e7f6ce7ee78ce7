//! Event hash IDs against the reference generator (PyPI epcis-event-hash-generator 1.9.3):
//! the project's own quirk fixtures (`data/hash/expected.tsv`, from `data/hash/regenerate.py`)
//! and, when `../shared` is present, every GS1 example (`data/oracle-hashes.tsv`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use epcis::hash::{
    Algorithm, HashError, Options, event_hashes, event_hashes_with, hash_document,
    hash_document_with, json_event_hashes, prehashes,
};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// What the reference printed for a file.
#[derive(Debug, Default)]
struct Expected {
    error: bool,
    /// (hash, pre-hash string when recorded), in output order.
    events: Vec<(String, Option<String>)>,
}

fn load_table(path: &Path) -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out: BTreeMap<String, Expected> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let e = out.entry(cols[0].to_owned()).or_default();
        match (cols[1], cols[2]) {
            ("-", "ERROR") => e.error = true,
            ("-", "NONE") => {}
            (i, hash) => {
                assert_eq!(i.parse::<usize>().unwrap(), e.events.len(), "{line}");
                let pre = cols
                    .get(3)
                    .map(|p| serde_json::from_str::<String>(p).unwrap());
                e.events.push((hash.to_owned(), pre));
            }
        }
    }
    out
}

/// Files where the project deliberately differs from 1.9.3: query documents, on which it fails,
/// have their result events hashed (as later versions of the reference do).
const EXTENSIONS: [&str; 2] = ["json-query.jsonld", "json-ld/EPCISQueryDocument.jsonld"];

fn check(name: &str, bytes: &[u8], want: &Expected) -> Result<(), String> {
    let got = hash_document(bytes);
    if want.error {
        return match got {
            Err(_) => Ok(()),
            Ok(h) => Err(format!("{name}: the reference fails, we give {h:?}")),
        };
    }
    let got = got.map_err(|e| format!("{name}: we fail: {e}"))?;
    let pre = prehashes(bytes).map_err(|e| format!("{name}: {e}"))?;
    if got.len() != want.events.len() {
        return Err(format!(
            "{name}: {} hashes, the reference has {}\n  ours: {pre:#?}",
            got.len(),
            want.events.len()
        ));
    }
    for (i, ((hash, p), (want_hash, want_pre))) in
        got.iter().zip(&pre).zip(&want.events).enumerate()
    {
        if hash != want_hash {
            return Err(format!(
                "{name} #{i}: {hash} != {want_hash}\n  ours:   {p}\n  theirs: {}",
                want_pre.as_deref().unwrap_or("(not recorded)")
            ));
        }
    }
    Ok(())
}

#[test]
fn fixtures_match_the_reference() {
    let table = load_table(&data("hash/expected.tsv"));
    assert!(table.len() >= 10, "fixture table too small");
    let mut failures = Vec::new();
    for (name, want) in &table {
        if EXTENSIONS.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(data(&format!("hash/{name}"))).unwrap();
        if let Err(e) = check(name, &bytes, want) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn query_documents_hash_their_results() {
    let query = std::fs::read(data("hash/json-query.jsonld")).unwrap();
    let capture = std::fs::read(data("hash/json-query-as-capture.jsonld")).unwrap();
    let table = load_table(&data("hash/expected.tsv"));
    let want: Vec<String> = table["json-query-as-capture.jsonld"]
        .events
        .iter()
        .map(|(h, _)| h.clone())
        .collect();
    assert_eq!(hash_document(&capture).unwrap(), want);
    assert_eq!(hash_document(&query).unwrap(), want);
    assert_eq!(
        event_hashes(&query).unwrap(),
        want.into_iter().map(Some).collect::<Vec<_>>()
    );
}

#[test]
fn event_hashes_mark_dropped_events() {
    let bytes = std::fs::read(data("hash/json-quirks.jsonld")).unwrap();
    let aligned = event_hashes(&bytes).unwrap();
    // The second event's time rounds to a full second and the fourth holds "inf": the
    // reference drops both.
    assert_eq!(aligned.len(), 6);
    assert!(aligned[1].is_none() && aligned[3].is_none());
    let present: Vec<String> = aligned.into_iter().flatten().collect();
    assert_eq!(present, hash_document(&bytes).unwrap());

    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        json_event_hashes(&doc, Algorithm::Sha256).unwrap(),
        event_hashes(&bytes).unwrap()
    );

    // XML: the EventList attribute is hashed as an event by the reference, but is not one.
    let xml = std::fs::read(data("hash/xml-quirks.xml")).unwrap();
    let aligned = event_hashes(&xml).unwrap();
    assert_eq!(aligned.len(), 5);
    assert!(aligned[1].is_none());
    assert_eq!(hash_document(&xml).unwrap().len(), 5);
}

#[test]
fn errors_say_why() {
    let simple = std::fs::read(data("hash/json-simple-context.jsonld")).unwrap();
    assert!(matches!(
        hash_document(&simple),
        Err(HashError::RemoteContext(url)) if url.ends_with("epcis-context-simple.jsonld")
    ));
    assert!(matches!(
        hash_document(b"{not json"),
        Err(HashError::Unreadable(_))
    ));
    assert!(matches!(
        hash_document(b"<a><b></a>"),
        Err(HashError::Rejected(_))
    ));
}

/// Documents the reference cannot hash for their remote context still get IDs on request: the
/// simple EPCIS context counts as the standard one.
#[test]
fn lenient_contexts_give_ids_anyway() {
    let simple = std::fs::read(data("hash/json-simple-context.jsonld")).unwrap();
    let lenient = Options {
        lenient_contexts: true,
        ..Options::default()
    };
    assert!(event_hashes(&simple).is_err());
    let ids = event_hashes_with(&simple, &lenient).unwrap();
    assert_eq!(ids.len(), 1);
    assert!(ids[0].is_some());
    // A document the reference can hash gets the same IDs either way.
    let quirks = std::fs::read(data("hash/json-quirks.jsonld")).unwrap();
    assert_eq!(
        event_hashes_with(&quirks, &lenient).unwrap(),
        event_hashes(&quirks).unwrap()
    );
    // Unknown non-EPCIS contexts count as absent.
    let other = br#"{"@context": ["https://example.com/ctx.jsonld"], "type": "EPCISDocument",
        "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2024-05-01T10:00:00Z",
        "eventTimeZoneOffset": "+00:00", "action": "OBSERVE", "bizStep": "receiving"}]}}"#;
    assert!(matches!(
        hash_document(other),
        Err(HashError::RemoteContext(_))
    ));
    let pre = epcis::hash::document_prehashes(other, &lenient).unwrap();
    assert!(
        pre[0]
            .prehash
            .as_deref()
            .unwrap()
            .contains("bizStep=receiving")
    );
}

#[test]
fn other_digests_like_the_reference_a_option() {
    let bytes = std::fs::read(data("hash/json-no-context.jsonld")).unwrap();
    // Printed by the reference with -a sha3-256 / sha384 / sha512.
    let want = [
        (
            Algorithm::Sha3_256,
            "ni:///sha3-256;6b38168761d9284ce5fd21c2068fe08d15bdfbabafb2a6f40b3f1839d7f181c3?ver=CBV2.0",
        ),
        (
            Algorithm::Sha384,
            "ni:///sha-384;9cb97a55a2ea547d78bdda78446742cb7368265a508d1c1738e4775e14d5e52f23ac6b08ead0bc3d866c0b8eddf9540a?ver=CBV2.0",
        ),
        (
            Algorithm::Sha512,
            "ni:///sha-512;b7c53f1c2daad58dce5760d15ef2060a8df1d8a38a93b66be44ae4d0cb60207293a514a5a323456825829ec55b7d909998add9b13e60fa1eb649edbb1ba6d210?ver=CBV2.0",
        ),
    ];
    for (alg, hash) in want {
        assert_eq!(
            hash_document_with(&bytes, &Options::with_algorithm(alg)).unwrap(),
            [hash]
        );
    }
    assert_eq!(Algorithm::parse("sha3-256"), Some(Algorithm::Sha3_256));
    assert_eq!(Algorithm::parse("md5"), None);
}

/// Every GS1 example, against the oracle's output recorded in `data/oracle-hashes.tsv`.
#[test]
fn gs1_examples_match_the_reference() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if !root.exists() {
        eprintln!("skipping: {} is absent", root.display());
        return;
    }
    let examples = root.join("data/epcis/examples");
    let table = load_table(&data("oracle-hashes.tsv"));
    assert!(table.len() > 100);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (rel, want) in &table {
        let path = examples.join(rel);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        checked += 1;
        if EXTENSIONS.contains(&rel.as_str()) {
            assert!(!hash_document(&bytes).unwrap().is_empty(), "{rel}");
            continue;
        }
        if let Err(e) = check(rel, &bytes, want) {
            failures.push(e);
            continue;
        }
        if !want.error {
            let aligned: Vec<String> = event_hashes(&bytes)
                .unwrap()
                .into_iter()
                .flatten()
                .collect();
            if aligned != hash_document(&bytes).unwrap() {
                failures.push(format!("{rel}: event_hashes disagrees with hash_document"));
            }
        }
    }
    eprintln!("checked {checked} GS1 examples");
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
