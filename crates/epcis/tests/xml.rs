//! XML codec: every GS1 XML example (2.0 and 1.2) reads; written XML reads back equal.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use epcis::{jsonld, xml};

fn xml_examples() -> Vec<std::path::PathBuf> {
    [
        common::examples("xml", &["xml"]),
        common::examples("xml-1.2", &["xml"]),
    ]
    .concat()
    .into_iter()
    // Capture-job responses are not EPCIS documents.
    .filter(|p| !p.display().to_string().contains("CaptureJob"))
    .collect()
}

#[test]
fn every_gs1_xml_example_reads_and_round_trips() {
    let mut n = 0;
    for f in xml_examples() {
        let bytes = std::fs::read(&f).unwrap();
        let doc =
            xml::parse_document(&bytes).unwrap_or_else(|e| panic!("{}: {e}", common::short(&f)));
        let written = xml::to_string(&doc);
        let again = xml::parse_document(written.as_bytes())
            .unwrap_or_else(|e| panic!("{}: rereading: {e}\n{written}", common::short(&f)));
        assert_eq!(again, doc, "{}\n{written}", common::short(&f));
        n += 1;
    }
    eprintln!("{n} XML examples read and round-tripped");
}

#[test]
fn capture_job_responses_are_not_epcis_documents() {
    for f in common::examples("xml/CaptureJob", &["xml"]) {
        let err = xml::parse_document(&std::fs::read(&f).unwrap()).unwrap_err();
        assert!(err.message.contains("not an EPCIS document"), "{err}");
    }
}

/// Writes every conversion into `$NOOLUUR_DUMP` (for checking with the reference generator).
#[test]
#[ignore]
fn dump_conversions() {
    let Ok(dir) = std::env::var("NOOLUUR_DUMP") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let name = |f: &std::path::Path| common::short(f).replace('/', "__");
    for f in xml_examples() {
        let doc = xml::parse_document(&std::fs::read(&f).unwrap()).unwrap();
        let j = jsonld::to_string_pretty(&doc);
        std::fs::write(dir.join(format!("{}.x2j.jsonld", name(&f))), &j).unwrap();
        let back = jsonld::parse_document(j.as_bytes()).unwrap();
        std::fs::write(
            dir.join(format!("{}.x2j2x.xml", name(&f))),
            xml::to_string(&back),
        )
        .unwrap();
    }
    let json = [
        common::examples("json-ld", &["jsonld"]),
        common::examples("json-ld-simple-context", &["jsonld"]),
        common::examples("xml", &["json"]),
    ]
    .concat();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for n in ["cashmere.jsonld", "cashmere.xml", "v12.xml"] {
        let doc = epcis::decode(&std::fs::read(data.join(n)).unwrap()).unwrap();
        std::fs::write(
            dir.join(format!("fixture__{n}.j.jsonld")),
            jsonld::to_string(&doc),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("fixture__{n}.x.xml")),
            xml::to_string(&doc),
        )
        .unwrap();
    }
    for f in json {
        let doc = jsonld::parse_document(&std::fs::read(&f).unwrap()).unwrap();
        let x = xml::to_string(&doc);
        std::fs::write(dir.join(format!("{}.j2x.xml", name(&f))), &x).unwrap();
        let back = xml::parse_document(x.as_bytes()).unwrap();
        std::fs::write(
            dir.join(format!("{}.j2x2j.jsonld", name(&f))),
            jsonld::to_string_pretty(&back),
        )
        .unwrap();
    }
}
