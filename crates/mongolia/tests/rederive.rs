//! Re-derives the soum table from the source files in `../shared` (when present) and checks
//! that the embedded table agrees, field by field. Independent of `data/derive.py`: a second
//! implementation of the same documented rules.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mongolia"
    ));
    p.is_dir().then(|| p.to_path_buf())
}

fn data_list(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["DataList"].as_array().unwrap().clone()
}

fn code(v: &Value) -> u32 {
    match v {
        Value::Number(n) => n.as_u64().unwrap() as u32,
        Value::String(s) => mongolia::parse_soum_code(s).unwrap(),
        other => panic!("code {other}"),
    }
}

fn by_code(path: &Path, scale: f64) -> HashMap<u32, u64> {
    data_list(path)
        .iter()
        .map(|r| {
            let v = r["DTVAL_CO"].as_f64().unwrap() * scale;
            (code(&r["CODE"]), v.round() as u64)
        })
        .collect()
}

#[test]
fn embedded_soums_agree_with_the_sources() {
    let Some(dir) = shared() else {
        eprintln!("../shared is absent: skipping the re-derivation");
        return;
    };
    let nso = dir.join("wfp-prism-app/nso");
    let hh19 = by_code(&nso.join("NSO_Herder_HHs_Admin2.json"), 1.0);
    let hh20 = by_code(&nso.join("2022-02-06/NSO_Herder_HHs_Admin2.json"), 1.0);
    let ls19 = by_code(&nso.join("NSO_Livestock_Count_Admin2.json"), 1.0);
    let ls20 = by_code(
        &nso.join("2022-02-06/NSO_Livestock_Count_ths_Admin2.json"),
        1000.0,
    );

    // Aimag 2019 species figures (thousand head, one decimal) by the dzud repository's names.
    let csv = std::fs::read_to_string(
        dir.join("mongolia-dzud-drought/livestock_population_aimag_species.csv"),
    )
    .unwrap();
    let mut goat_share: HashMap<u8, (u64, u64)> = HashMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] != "2019" {
            continue;
        }
        let Some(a) = mongolia::aimag_by_name(f[0]) else {
            continue; // region rows
        };
        let tenths = (f[3].parse::<f64>().unwrap() * 10.0).round() as u64;
        let e = goat_share.entry(a.code).or_default();
        e.1 += tenths;
        if f[2] == "Goat" {
            e.0 += tenths;
        }
    }
    assert_eq!(goat_share.len(), 22);

    assert_eq!(ls19.len(), mongolia::soums().len());
    for s in mongolia::soums() {
        assert_eq!(s.livestock_2019, ls19[&s.code], "{}", s.code);
        assert_eq!(
            s.livestock_2020,
            *ls20.get(&s.code).unwrap_or(&0),
            "{}",
            s.code
        );
        assert_eq!(
            u64::from(s.herder_households_2019),
            *hh19.get(&s.code).unwrap_or(&0)
        );
        assert_eq!(
            u64::from(s.herder_households_2020),
            *hh20.get(&s.code).unwrap_or(&0)
        );
        let (g, t) = goat_share[&s.aimag_code];
        assert_eq!(
            s.goats_estimated_2019,
            (2 * s.livestock_2019 * g + t) / (2 * t),
            "{}",
            s.code
        );
    }
    assert_eq!(hh19.values().sum::<u64>(), 171_107);
    assert_eq!(hh20.values().sum::<u64>(), 180_563);
}

#[test]
fn embedded_aimags_agree_with_the_boundaries() {
    let Some(dir) = shared() else {
        eprintln!("../shared is absent: skipping the re-derivation");
        return;
    };
    let text =
        std::fs::read_to_string(dir.join("wfp-prism-app/mng_adm1_nso_match_1212_mn.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), mongolia::aimags().len());
    for f in features {
        let p = &f["properties"];
        let code: u8 = p["ADM1_PCODE"].as_str().unwrap()[2..].parse().unwrap();
        let a = mongolia::aimag(code).unwrap();
        assert_eq!(a.nso_code.to_string(), p["NSO_CODE"].as_str().unwrap());
        assert_eq!(a.name_mn, p["ADM1_MN"].as_str().unwrap());
        assert_eq!(
            mongolia::aimag_by_name(p["ADM1_EN"].as_str().unwrap()),
            Some(a)
        );
    }
}
