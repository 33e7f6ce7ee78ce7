//! `nooluur import`: yearly climate updates into a store, all or nothing, audited, and their
//! effect on the dzud risk and the stocking report (read back through the app).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use nooluur_app::climate::{self, Mode};
use nooluur_app::{App, Config};
use serde_json::{Value, json};

/// A directory of its own per test: tests run concurrently.
fn temp_dir(test: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "nooluur-import-{test}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("nooluur.db").display())
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Runs `f` on the store the command line wrote.
fn with_app<T>(url: &str, f: impl AsyncFnOnce(App) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = nooluur_store::open(url).await.expect("open store");
        f(App::new(store, Config::default())).await
    })
}

fn batches(url: &str) -> Vec<Value> {
    with_app(url, async |app| {
        app.store
            .list_records("climate-import", &Default::default())
            .await
            .expect("records")
            .into_iter()
            .map(|r| serde_json::from_str(&r.body).expect("JSON"))
            .collect()
    })
}

const PANEL_2025: &str = "Aimag,Year,All_SFU,SPEI_PrevSummer,Temp_Winter\n\
                          Zavkhan,2025,0.081,-1.2869,-22.5\n\
                          Arkhangai,2025,0.021,-1.0467,-18.0\n";

#[test]
fn a_panel_year_extends_the_risk_all_or_nothing() {
    let dir = temp_dir("panel");
    let url = url(&dir);
    let file = write(&dir, "panel-2025.csv", PANEL_2025);
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "--db", url.as_str(), "panel", file.as_str()];
        args.extend(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };

    // A dry run summarises and stores nothing.
    let dry = import(&["--dry-run"]);
    let s = json(&args(&dry));
    assert_eq!(
        (s["kind"].clone(), s["rows"].clone(), s["years"].clone()),
        (json!("panel"), json!(2), json!([2025]))
    );
    assert_eq!(
        (s["added"].as_u64(), s["replaced"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(s["dry_run"], true);
    assert!(batches(&url).is_empty());

    // Stored: the 2025 winter is in the panel, so the 2025/26 winter can be forecast with a
    // model trained on it.
    let s = json(&args(&import(&[])));
    assert_eq!(
        (s["added"].as_u64(), s["batch"].as_str()),
        (Some(2), Some("000001"))
    );
    let trained = with_app(&url, async |app| {
        assert_eq!(climate::default_year(&app).await.expect("year"), 2026);
        let r = climate::risk(&app, 2026, Mode::Outlook)
            .await
            .expect("risk");
        (r.model.train_until, r.aimags.len())
    });
    assert_eq!(trained.0, 2025);
    assert!(trained.1 >= 20);
    // The CLI counts the store's imports when named, and only then.
    let winters = |extra: &[&str]| -> Vec<u64> {
        let mut a = vec!["dzud", "hindcast", "--json"];
        a.extend(extra);
        let (ok, out, err) = run(&a);
        assert!(ok, "{err}");
        out.lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("JSON line")["year"]
                    .as_u64()
                    .expect("year")
            })
            .collect()
    };
    assert!(winters(&["--db", &url]).contains(&2025));
    assert!(!winters(&[]).contains(&2025));

    // The same figures again change nothing.
    let s = json(&args(&import(&[])));
    assert_eq!(
        (s["added"].as_u64(), s["unchanged"].as_u64()),
        (Some(0), Some(2))
    );

    // A different figure for a (aimag, year) already present is refused, nothing stored…
    let changed = write(
        &dir,
        "panel-2025b.csv",
        &PANEL_2025.replace("0.081", "0.09"),
    );
    refused(
        &["import", "--db", &url, "panel", &changed],
        "row 2: aimag 81, 2025 already holds a different figure (all_sfu 0.081 in the data, 0.09 in the file)",
    );
    assert_eq!(batches(&url).len(), 2);
    // …unless replaced, and the old figure is kept in the import's record.
    let s = json(&["import", "--db", &url, "panel", &changed, "--replace"]);
    assert_eq!(
        (s["replaced"].as_u64(), s["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    let b = batches(&url);
    let last = b.last().expect("batch");
    assert_eq!(last["replaced"][0]["old"]["all_sfu"], 0.081);
    assert_eq!(last["replaced"][0]["new"]["all_sfu"], 0.09);
    assert_eq!(last["by"], "nooluur import (command line)");
}

#[test]
fn a_bad_cell_is_named_by_row_and_column_and_nothing_is_stored() {
    let dir = temp_dir("bad");
    let url = url(&dir);
    let bad = write(
        &dir,
        "panel.csv",
        &format!("{PANEL_2025}Uvs,2025,abc,0.1,-25\n"),
    );
    refused(
        &["import", "--db", &url, "panel", &bad],
        r#"row 4, column "All_SFU": "abc" is not a number"#,
    );
    refused(
        &["import", "--db", &url, "panel", &bad, "--dry-run"],
        "row 4, column \"All_SFU\"",
    );
    let dup = write(
        &dir,
        "dup.csv",
        &format!("{PANEL_2025}Zavkhan,2025,0.1,0.1,-25\n"),
    );
    refused(
        &["import", "--db", &url, "panel", &dup],
        "row 4: aimag 81, 2025 is already given in row 2",
    );
    let json_file = write(&dir, "panel.json", r#"{"DataList": []}"#);
    refused(
        &["import", "--db", &url, "panel", &json_file],
        "panel files are CSV or TSV",
    );
    refused(
        &["import", "--db", &url, "rainfall", &bad],
        "kind 'rainfall'",
    );
    // A winter's prior-summer SPEI must agree with the summer already in the data.
    let spei = write(&dir, "spei.csv", &PANEL_2025.replace("-1.2869", "-1.2"));
    refused(
        &["import", "--db", &url, "panel", &spei],
        "row 2: aimag 81, 2025 already holds a different figure (spei_prev_summer -1.2869 in the data, -1.2 in the file)",
    );
    assert!(batches(&url).is_empty());
}

#[test]
fn a_newer_livestock_year_and_soum_totals_update_stocking() {
    let dir = temp_dir("livestock");
    let url = url(&dir);
    let mut csv = String::from("Aimag,Year,Species,Thousand_head\n");
    for (sp, k) in [
        ("Camel", "9.1"),
        ("Cattle", "150.2"),
        ("Goat", "2100.5"),
        ("Horse", "300"),
        ("Sheep", "1900.25"),
    ] {
        csv.push_str(&format!("Zavkhan,2026,{sp},{k}\n"));
    }
    let file = write(&dir, "livestock.csv", &csv);
    let s = json(&["import", "--db", &url, "livestock", &file]);
    assert_eq!(
        (s["rows"].as_u64(), s["added"].as_u64()),
        (Some(5), Some(5))
    );
    let nso = write(
        &dir,
        "soums.json",
        r#"{"DataList": [
            {"TBL_ID": "DT_NSO_1001_021V1", "Period": 2026, "CODE": 18101, "SCR_ENG1": "Total", "DTVAL_CO": 160000}]}"#,
    );
    let s = json(&["import", "--db", &url, "nso-livestock", &nso]);
    assert_eq!(
        (s["kind"].as_str(), s["added"].as_u64()),
        (Some("nso-livestock"), Some(1))
    );
    let r = with_app(&url, async |app| {
        climate::stocking_report(&app, 2026)
            .await
            .expect("2026 stocking")
    });
    let z = r.aimags.iter().find(|a| a.code == "81").expect("Zavkhan");
    assert_eq!(z.head.goat, 2_100_500);
    assert_eq!(z.total_head, 4_460_050);
    let u = r
        .soums
        .iter()
        .find(|s| s.code == "18101")
        .expect("Uliastai");
    assert_eq!(u.total_head, 160_000);
    assert!(u.species_estimated);
    // The same report from the CLI on the store; without it the year is unknown.
    let cli = json(&[
        "pasture", "stocking", "--year", "2026", "--json", "--db", &url,
    ]);
    let soum = cli["soums"]
        .as_array()
        .expect("soums")
        .iter()
        .find(|s| s["code"] == "18101")
        .expect("Uliastai in the CLI report");
    assert_eq!(soum["total_head"], 160_000);
    refused(&["pasture", "stocking", "--year", "2026", "--json"], "2026");
}
