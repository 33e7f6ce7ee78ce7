//! Checks against the shared source files when they are present (skipped otherwise): every aimag
//! name in them maps to an NSO code, and the embedded panel equals the source within rounding.

use std::path::PathBuf;

use climate::import;

fn shared(rel: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/mongolia")
        .join(rel);
    std::fs::read_to_string(p).ok()
}

#[test]
fn every_source_aimag_name_maps_to_a_code() {
    let Some(livestock) = shared("mongolia-dzud-drought/livestock_population_aimag_species.csv")
    else {
        eprintln!("shared data absent: skipped");
        return;
    };
    // Region rows are sums over aimags and are not expected to map.
    let aimag_rows: String = livestock
        .lines()
        .filter(|l| !l.split(',').next().unwrap_or("").ends_with(" region"))
        .map(|l| format!("{l}\n"))
        .collect();
    let rows = import::parse_livestock(&aimag_rows).expect("every aimag row maps");
    // 21 aimags and Ulaanbaatar, 1970–2024, five species, less late starts and camel gaps.
    assert!(rows.len() > 5500, "{}", rows.len());
    for file in [
        "mongolia-dzud-drought/mortality_panel.csv",
        "mongolia-dzud-drought/spei3_jja_aimag_1950_2024.csv",
    ] {
        let text = shared(file).expect("present with the others");
        let names: Vec<&str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        for n in names {
            assert!(
                mongolia::aimag_by_name(n).is_some(),
                "{file}: {n:?} does not map"
            );
        }
    }
}

#[test]
fn embedded_panel_equals_the_source_within_rounding() {
    let Some(text) = shared("mongolia-dzud-drought/mortality_panel.csv") else {
        eprintln!("shared data absent: skipped");
        return;
    };
    let source = import::parse_panel(&text).expect("source parses");
    let ours = &climate::Dataset::embedded().panel;
    assert_eq!(source.len(), ours.len());
    for s in source {
        let o = &ours[&(s.aimag_code, s.year)];
        assert!((o.all_sfu - s.all_sfu).abs() <= 5e-7);
        assert_eq!(o.all_sfu > 0.06, s.all_sfu > 0.06);
        assert!((o.spei_prev_summer - s.spei_prev_summer).abs() <= 5e-5);
        assert!((o.temp_winter_c - s.temp_winter_c).abs() <= 5e-4);
    }
}
