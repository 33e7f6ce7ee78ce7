//! The two capture paths agree: a GS1 example read from XML and checked by `validate_document`
//! gets the same verdict, event by event and field by field, as the same document converted
//! to JSON-LD and checked by `validate_for_capture`; and a JSON-LD example the capture profile
//! accepts still passes `validate_document` once read into the model.
//!
//! Which examples pass at all is `capture_profile.rs`'s business. Reads `../shared` when
//! present and skips otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use epcis::Violation;
use epcis::validate::{validate_document, validate_for_capture};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn examples() -> Option<PathBuf> {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/epcis/examples"
    ));
    if root.exists() {
        Some(root.to_path_buf())
    } else {
        eprintln!("skipping: {} is absent", root.display());
        None
    }
}

/// Where each violation is (event and field), which is what must agree across bindings.
fn places(v: &[Violation]) -> Vec<(Option<usize>, Option<String>)> {
    let mut p: Vec<_> = v
        .iter()
        .map(|v| (v.location.event_index, v.location.field.clone()))
        .collect();
    p.sort();
    p
}

#[test]
fn xml_and_json_ld_verdicts_agree() {
    let Some(root) = examples() else { return };
    let mut paths = Vec::new();
    files(&root.join("xml"), "xml", &mut paths);
    files(&root.join("xml-1.2"), "xml", &mut paths);
    paths.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let Ok(doc) = epcis::xml::parse_document(&std::fs::read(path).unwrap()) else {
            continue; // capture-job responses are no EPCIS documents
        };
        checked += 1;
        let from_xml = validate_document(&doc);
        let json = epcis::jsonld::to_value(&doc);
        let from_json = validate_for_capture(&json);
        if places(&from_xml) != places(&from_json) {
            problems.push(format!(
                "{name}:\n  XML path: {from_xml:#?}\n  JSON-LD path: {from_json:#?}"
            ));
        }
    }
    assert!(checked > 30, "only {checked} XML examples parsed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn json_ld_examples_read_into_the_model_still_pass() {
    let Some(root) = examples() else { return };
    let mut paths = Vec::new();
    files(&root.join("json-ld"), "jsonld", &mut paths);
    files(&root.join("json-ld-simple-context"), "jsonld", &mut paths);
    paths.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        if !validate_for_capture(&value).is_empty() {
            continue;
        }
        checked += 1;
        let doc = epcis::jsonld::parse_value(value).unwrap();
        let v = validate_document(&doc);
        if !v.is_empty() {
            problems.push(format!("{name}: {v:#?}"));
        }
    }
    assert!(checked > 80, "only {checked} JSON-LD examples pass");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
