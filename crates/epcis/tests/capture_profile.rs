//! The capture profile (`validate_for_capture` for JSON-LD, `validate_document` for XML) accepts
//! every GS1 example document except the few listed in [`EXCEPTIONS`], each a real error of
//! GS1's example; and the JSON-LD reader reads every example the profile accepts.
//!
//! Reads `../shared` when present and skips otherwise; nothing is copied from it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use epcis::Violation;
use epcis::validate::{schema_violations, validate_document, validate_for_capture};

/// (file, a phrase every violation in it contains, why GS1's example is wrong).
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "json-ld-simple-context/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld",
        "ilmd is only allowed when action is ADD, not OBSERVE",
        "ILMD describes the objects an event creates: EPCIS 2.0 §7.4.2 gives an ObjectEvent ilmd \
         only with action ADD, and the GS1 JSON Schema's ObjectEvent anyOf forbids ilmd with \
         OBSERVE or DELETE; the standard-context copy of this example uses ADD",
    ),
    (
        "xml/WithSensorData/SensorDataExamples.xml",
        "'https://ref.gs1.org/cbv/Bizstep-sensor_reporting' is in a GS1 vocabulary namespace but is not a known CBV business step",
        "misspells the CBV 2.0 business step https://ref.gs1.org/cbv/BizStep-sensor_reporting \
         (IRIs are case-sensitive, and the CBV namespace holds only the terms the CBV defines)",
    ),
    (
        "xml-1.2/ObjectEvent.xml",
        "'myField' is not a member of an ObjectEvent",
        "puts user data in an unqualified <myField> inside <extension>: the EPCIS 1.2 XSD reserves \
         unqualified <extension> content for fields later EPCIS versions define, user extensions \
         take their own namespace (as the same event's <example:myField> does)",
    ),
    (
        "xml-1.2/AssociationEvent.xml",
        "'sensorMetaData' is not a member of a sensor element (did you mean 'sensorMetadata'?)",
        "writes <sensorMetaData> (capital D), an element EPCIS does not define",
    ),
];

/// XML files that are no EPCIS documents (capture job responses of the REST binding).
const NOT_DOCUMENTS: &str = "xml/CaptureJob/";

fn examples() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/epcis/examples"
    ));
    if p.exists() {
        Some(p.to_path_buf())
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, exts, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.contains(&x))
        {
            out.push(p);
        }
    }
}

/// Compares a verdict with the expected one; returns the problems found.
fn judge(name: &str, violations: &[Violation], problems: &mut Vec<String>) {
    match EXCEPTIONS.iter().find(|(f, _, _)| *f == name) {
        None if violations.is_empty() => {}
        None => problems.push(format!("{name}: {violations:#?}")),
        Some((_, phrase, why)) => {
            if violations.is_empty() {
                problems.push(format!(
                    "{name} now passes; it was listed as failing ({why})"
                ));
            }
            for v in violations.iter().filter(|v| !v.message.contains(phrase)) {
                problems.push(format!("{name}: unexpected {v}"));
            }
        }
    }
}

#[test]
fn every_json_ld_example_captures_but_the_listed_ones() {
    let Some(root) = examples() else { return };
    let mut paths = Vec::new();
    // Both JSON-LD folders, and the JSON-LD twin of the XML hash examples in xml/.
    for dir in ["json-ld", "json-ld-simple-context", "xml"] {
        files(&root.join(dir), &["jsonld", "json"], &mut paths);
    }
    paths.sort();
    assert!(
        paths.len() > 90,
        "found only {} JSON-LD examples",
        paths.len()
    );
    let mut problems = Vec::new();
    let mut strict_failures = 0;
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read(path).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let violations = validate_for_capture(&doc);
        strict_failures += usize::from(!schema_violations(&doc).is_empty());
        judge(&name, &violations, &mut problems);
        // What the profile accepts, the reader reads (one-member sets become lists).
        if violations.is_empty()
            && let Err(e) = epcis::jsonld::parse_value(doc)
        {
            problems.push(format!("{name}: accepted but not read: {e}"));
        }
    }
    // The profile is needed: the GS1 schema alone rejects dozens of the examples.
    assert!(strict_failures > 30, "{strict_failures}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_xml_example_captures_but_the_listed_ones() {
    let Some(root) = examples() else { return };
    let mut paths = Vec::new();
    for dir in ["xml", "xml-1.2"] {
        files(&root.join(dir), &["xml"], &mut paths);
    }
    paths.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let doc = match epcis::xml::parse_document(&std::fs::read(path).unwrap()) {
            Ok(doc) => doc,
            Err(_) if name.starts_with(NOT_DOCUMENTS) => continue,
            Err(e) => {
                problems.push(format!("{name}: not read: {e}"));
                continue;
            }
        };
        if name.starts_with(NOT_DOCUMENTS) {
            problems.push(format!("{name}: read as an EPCIS document"));
        }
        checked += 1;
        judge(&name, &validate_document(&doc), &mut problems);
    }
    assert!(checked > 30, "only {checked} XML examples read");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every exception names a file that exists, so the list cannot keep stale entries.
#[test]
fn exceptions_name_existing_files() {
    let Some(root) = examples() else { return };
    for (file, _, _) in EXCEPTIONS {
        assert!(root.join(file).is_file(), "{file}");
    }
}
