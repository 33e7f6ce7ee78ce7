//! `nooluur dzud` and `nooluur pasture`: the exact interface of issue 6, run on the built binary.

mod common;

use common::*;

use std::path::PathBuf;

use serde_json::Value;

/// A directory of its own per test: tests run concurrently.
fn temp_dir(test: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "nooluur-climate-{test}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn hindcast(mode: &str) -> Vec<Value> {
    let (ok, out, err) = run(&[
        "dzud",
        "hindcast",
        "--train-until",
        "2015",
        "--mode",
        mode,
        "--json",
    ]);
    assert!(ok, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn hindcast_has_one_row_per_aimag_and_winter() {
    for (mode, inputs) in [("outlook", 3), ("winter", 4)] {
        let rows = hindcast(mode);
        // 21 aimags (Ulaanbaatar has no panel) × winters ending 1992–2024.
        assert_eq!(rows.len(), 21 * 33, "{mode}");
        for r in &rows {
            let year = r["year"].as_u64().expect("year");
            assert!((1992..=2024).contains(&year));
            assert!(r["aimag"].is_string());
            let p = r["probability"].as_f64().expect("probability");
            assert!((0.0..=1.0).contains(&p));
            assert!((1..=5).contains(&r["class"].as_u64().expect("class")));
            let c = r["contributions"].as_object().expect("contributions");
            assert_eq!(c.len(), inputs, "{mode}: {c:?}");
            assert_eq!(r["in_sample"], year <= 2015);
            // intercept + Σ contributions = logit.
            let sum: f64 = c.values().map(|v| v.as_f64().expect("number")).sum();
            let logit = r["logit"].as_f64().expect("logit");
            assert!((r["intercept"].as_f64().expect("intercept") + sum - logit).abs() < 1e-9);
        }
        for year in 1992..=2024 {
            let aimags: std::collections::BTreeSet<&str> = rows
                .iter()
                .filter(|r| r["year"] == year)
                .map(|r| r["aimag_code"].as_str().expect("code"))
                .collect();
            assert_eq!(aimags.len(), 21, "{mode} {year}");
        }
        let winter_only = rows[0]["contributions"].get("winter_temperature").is_some();
        assert_eq!(winter_only, mode == "winter");
    }
}

#[test]
fn hindcast_table_and_refusals() {
    let (ok, out, err) = run(&["dzud", "hindcast", "--train-until", "2015"]);
    assert!(ok, "{err}");
    assert!(out.lines().next().expect("title").contains("2014/15"));
    assert_eq!(out.lines().count(), 2 + 21 * 33);
    refused(&["dzud", "hindcast", "--mode", "spring"], "--mode");
    refused(
        &["dzud", "hindcast", "--train-until", "20x5"],
        "--train-until",
    );
    refused(&["dzud", "hindcast", "--train-until", "1990"], "too few");
}

#[test]
fn each_mode_beats_its_baseline_out_of_sample() {
    for (mode, baseline) in [
        ("outlook", "drought_alone"),
        ("winter", "temperature_alone"),
    ] {
        let s = json(&["dzud", "skill", "--train-until", "2015", "--mode", mode]);
        assert_eq!(s["test_from"], 2016);
        assert_eq!(s["reference_baseline"], baseline);
        assert_eq!(s["beats_reference"], true, "{s}");
        assert!(s["auc"].as_f64() > s["reference_auc"].as_f64());
    }
}

#[test]
fn stocking_by_aimag_and_soum_with_a_national_total() {
    let r = json(&["pasture", "stocking", "--year", "2020", "--json"]);
    let aimags = r["aimags"].as_array().expect("aimags");
    assert_eq!(aimags.len(), 22);
    for a in aimags {
        for key in ["head", "sheep_units", "capacity_su", "ratio", "goat_share"] {
            assert!(a.get(key).is_some(), "{key} missing in {a}");
        }
        assert!(a["head"]["goat"].is_u64());
    }
    let soums = r["soums"].as_array().expect("soums");
    assert!(soums.len() > 300);
    assert!(soums.iter().any(|s| s["code"] == "18101"));
    // The aimags add up to the national sheep-unit series (within the source's rounding).
    let ours = r["national_sheep_units"].as_f64().expect("national");
    let series = r["national_series_million_su"].as_f64().expect("series") * 1e6;
    assert!((ours - series).abs() < 25_000.0, "{ours} vs {series}");
    let sum: f64 = aimags
        .iter()
        .map(|a| a["sheep_units"].as_f64().expect("su"))
        .sum();
    assert!((sum - ours).abs() < 1.0);

    let (ok, table, err) = run(&["pasture", "stocking", "--year", "2020"]);
    assert!(ok, "{err}");
    assert!(table.contains("UNVERIFIED"));
    assert!(table.contains("excess SU"));
    refused(&["pasture", "stocking", "--year", "1900"], "1900");
    refused(&["pasture", "stocking", "--year", "soon"], "--year");
}

#[test]
fn stocking_capacity_file_overrides_the_defaults() {
    let dir = temp_dir("capacity");
    let file = dir.join("capacity.toml");
    std::fs::write(&file, "[soums.\"18101\"]\ncapacity_su = 1000\n").expect("write");
    let path = file.to_str().expect("utf-8");
    let r = json(&[
        "pasture",
        "stocking",
        "--year",
        "2019",
        "--capacity",
        path,
        "--json",
    ]);
    let over = r["over_capacity"].as_array().expect("over");
    assert!(
        over.iter()
            .any(|o| o["code"] == "18101" && o["level"] == "soum")
    );
    std::fs::write(&file, "[zones.steppe]\nsu_per_ha = -1\n").expect("write");
    refused(
        &["pasture", "stocking", "--year", "2019", "--capacity", path],
        "su_per_ha",
    );
    refused(
        &[
            "pasture",
            "stocking",
            "--year",
            "2019",
            "--capacity",
            "/nonexistent.toml",
        ],
        "cannot read",
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn soum_plan_fits_a_text_message_and_names_its_risk() {
    let p = json(&["dzud", "plan", "--soum", "18101", "--json"]);
    let en = p["message_en"].as_str().expect("message_en");
    let mn = p["message_mn"].as_str().expect("message_mn");
    assert!(!en.is_empty() && en.chars().count() <= 160, "{en}");
    assert!(mn.chars().count() <= 70, "{mn}");
    assert_eq!(p["soum_code"], "18101");
    assert!(p["gap_kg"].is_u64() && p["options"].is_array());
    let risk = &p["risk"];
    assert_eq!(risk["mode"], "outlook");
    assert_eq!(risk["train_until"], 2015);
    assert_eq!(risk["input_source"], "aimag");
    assert_eq!(risk["aimag_code"], "81");
    assert_eq!(p["risk_class"], risk["class"]);
    assert!(risk["basis"].as_str().expect("basis").contains("outlook"));

    let p = json(&[
        "dzud", "plan", "--soum", "18101", "--year", "2010", "--json",
    ]);
    assert_eq!(p["risk"]["year"], 2010);

    let (ok, out, err) = run(&["dzud", "plan", "--soum", "18101", "--lang", "mn"]);
    assert!(ok, "{err}");
    assert!(out.contains("Winter fodder plan") && out.contains("SMS (mn"));
    assert!(!out.contains("SMS (en"));
    refused(&["dzud", "plan", "--soum", "99999"], "99999");
    refused(&["dzud", "plan", "--soum", "181o1"], "--soum");
    refused(
        &["dzud", "plan", "--soum", "18101", "--lang", "fr"],
        "--lang",
    );
    refused(
        &["dzud", "plan", "--soum", "18101", "--hay-kg", "100"],
        "--household",
    );
}

#[test]
fn household_plan_reads_the_store() {
    use nooluur_app::market::registry::{self, Head, HerdIn, NewHousehold};

    let dir = temp_dir("household");
    let url = format!("sqlite://{}", dir.join("nooluur.db").display());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let id = rt.block_on(async {
        let store = nooluur_store::open(&url).await.expect("store");
        let app = nooluur_app::App::new(store, nooluur_app::Config::default());
        nooluur_app::orgs::add(&app, "coop", nooluur_store::Role::Cooperative, &[])
            .await
            .expect("org");
        let coop = nooluur_app::orgs::principal(&app, "coop")
            .await
            .expect("principal");
        let req: NewHousehold =
            serde_json::from_value(serde_json::json!({"name": "Bat", "soum": "18101"}))
                .expect("request");
        let h = registry::register(&app, &coop, req)
            .await
            .expect("register");
        let head = Head {
            horse: 20,
            cattle: 10,
            camel: 0,
            sheep: 150,
            goat: 200,
        };
        registry::record_herd(&app, &coop, &h.id, HerdIn { year: 2023, head })
            .await
            .expect("herd");
        h.id
    });
    drop(rt);
    let db = ["--db", url.as_str()];
    let mut args = vec![
        "dzud",
        "plan",
        "--household",
        &id,
        "--hay-kg",
        "5000",
        "--json",
    ];
    args.extend(db);
    let p = json(&args);
    assert_eq!(p["subject"], format!("household {id}"));
    assert_eq!(p["herd"]["goat"], 200);
    assert_eq!(p["reserves_kg"], 5000);
    // 20×7 + 10×6 + 150 + 200×0.9 = 530 SU × 100 days × 0.75 kg.
    assert_eq!(p["sheep_units"], 530.0);
    assert_eq!(p["need_kg"], 39_750);
    assert_eq!(p["risk"]["year"], 2025);
    assert!(p["message_en"].as_str().expect("en").chars().count() <= 160);

    let mut args = vec!["dzud", "plan", "--household", &id, "--year", "2020"];
    args.extend(db);
    refused(&args, "no herd count");
    let mut args = vec!["dzud", "plan", "--household", "18101-09999"];
    args.extend(db);
    refused(&args, "not found");
    std::fs::remove_dir_all(dir).ok();
}
