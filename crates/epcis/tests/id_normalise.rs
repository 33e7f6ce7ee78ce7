//! `epcis::id::normalise` against the reference normaliser (epcis-event-hash-generator 1.9.3,
//! `dl_normaliser.normaliser`): a table of inputs and the reference's answers, derived by
//! differential testing (EPC URNs of every scheme, Digital Links on any domain, patterns,
//! escapes, bad check digits, Unicode digits, trailing newlines, garbage).

use epcis::id::{canonical, normalise};

const TABLE: &str = include_str!("data/dl-normaliser.tsv");

fn rows() -> Vec<(String, Option<String>)> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (input, expected) = l.split_once('\t').expect("two columns");
            (
                serde_json::from_str(input).expect("input is a JSON string"),
                serde_json::from_str(expected).expect("expected is a JSON string or null"),
            )
        })
        .collect()
}

#[test]
fn normalise_agrees_with_the_reference_on_every_row() {
    let rows = rows();
    assert!(rows.len() >= 500, "table has {} rows", rows.len());
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(input, expected)| {
            let got = normalise(input);
            (got != *expected).then(|| format!("{input:?}: got {got:?}, reference {expected:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn table_covers_both_answers_and_every_form() {
    let rows = rows();
    let converted = rows.iter().filter(|(_, e)| e.is_some()).count();
    assert!(converted >= 200 && rows.len() - converted >= 200);
    for prefix in [
        "urn:epc:id:",
        "urn:epc:class:lgtin:",
        "urn:epc:idpat:",
        "https://id.gs1.org/",
        "http",
    ] {
        assert!(
            rows.iter()
                .any(|(i, e)| i.starts_with(prefix) && e.is_some()),
            "no converted row for {prefix}"
        );
    }
}

#[test]
fn canonical_keeps_what_is_not_a_gs1_key() {
    for s in [
        "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
        "https://nooluur.example/id/lot/2024-khentii-17",
        "urn:nooluur:household:KH-0172",
        "https://ref.gs1.org/cbv/BizStep-receiving",
        "12.5",
    ] {
        assert_eq!(canonical(s), s);
    }
    assert_eq!(
        canonical("urn:epc:id:sgtin:0614141.812345.6789"),
        "https://id.gs1.org/01/80614141123458/21/6789"
    );
}

/// Every identifier in the GS1 example documents: a GS1 key written as an EPC URN gets the
/// same Digital Link from the standard conversion as from the reference normaliser.
#[test]
fn example_identifiers_convert_like_the_reference() {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/epcis/examples"
    ));
    if !root.exists() {
        eprintln!("skipping: {} is absent", root.display());
        return;
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for piece in text.split(|c: char| c == '"' || c == '<' || c == '>' || c.is_whitespace())
            {
                if piece.starts_with("urn:epc:id:")
                    || piece.starts_with("urn:epc:class:")
                    || piece.starts_with("urn:epc:idpat:")
                {
                    ids.insert(piece.to_owned());
                }
            }
        }
    }
    assert!(ids.len() > 50, "found only {} EPC URNs", ids.len());
    for id in &ids {
        let Ok(class) = epcis::id::classify(id) else {
            continue;
        };
        if let epcis::id::IdClass::Gs1(_) = class {
            assert_eq!(epcis::id::to_digital_link(id), normalise(id), "{id}");
            let urn = epcis::id::to_epc_urn(id).expect("a URN form");
            assert_eq!(
                epcis::id::to_digital_link(&urn),
                normalise(id),
                "{id} -> {urn}"
            );
        }
    }
}
