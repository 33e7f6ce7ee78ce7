//! `nooluur insurance payout` / `insurance hindcast`: the exact interface of issue 7, run on the
//! built binary.

mod common;

use common::*;

use std::path::PathBuf;

use serde_json::Value;

fn payout(args: &[&str]) -> Value {
    let mut all = vec!["insurance", "payout"];
    all.extend_from_slice(args);
    json(&all)
}

/// A policy file of its own per test: tests run concurrently.
fn policy_file(test: &str, body: &Value) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let path = std::env::temp_dir().join(format!(
        "nooluur-policy-{test}-{}-{nanos}.json",
        std::process::id()
    ));
    std::fs::write(&path, body.to_string()).expect("write policy");
    path
}

#[test]
fn payout_is_the_layer_between_trigger_and_exhaustion() {
    let p = payout(&[
        "--sum-insured",
        "4000000",
        "--mortality",
        "0.18",
        "--trigger",
        "0.07",
        "--exhaustion",
        "0.30",
    ]);
    assert_eq!(p["payout_mnt"], 440_000);
    assert_eq!(p["trigger"], "0.07");
    assert_eq!(p["exhaustion"], "0.3");
    assert_eq!(p["loss_rate_covered"], "0.11");
    assert_eq!(p["disaster_layer_mnt"], 0);
    assert!(p.get("notes").is_none(), "no default used: {p}");

    // Defaults: trigger 0.06 (verified), exhaustion 0.30 (unverified), said in the notes.
    let p = payout(&["--sum-insured", "5000000", "--mortality", "0.12"]);
    assert_eq!(p["payout_mnt"], 300_000);
    assert_eq!(p["trigger"], "0.06");
    let notes = p["notes"].to_string();
    assert!(
        notes.contains("UNVERIFIED") && notes.contains("exhaustion"),
        "{notes}"
    );

    // Above exhaustion: the base layer is capped, the rest is the disaster layer.
    let p = payout(&[
        "--sum-insured",
        "10000000",
        "--mortality",
        "0.45",
        "--trigger",
        "0.06",
        "--exhaustion",
        "0.30",
    ]);
    assert_eq!(p["payout_mnt"], 2_400_000);
    assert_eq!(p["disaster_layer_mnt"], 1_500_000);

    // At the trigger nothing is paid; just above, the tögrög is rounded down.
    let at = payout(&[
        "--sum-insured",
        "1000000",
        "--mortality",
        "0.07",
        "--trigger",
        "0.07",
    ]);
    assert_eq!(at["payout_mnt"], 0);
    let p = payout(&[
        "--sum-insured",
        "333",
        "--mortality",
        "0.12",
        "--trigger",
        "0.07",
    ]);
    assert_eq!(p["payout_mnt"], 16);
}

#[test]
fn payout_refuses_malformed_input_in_one_line() {
    let base = ["insurance", "payout"];
    let case = |extra: &[&str], needle: &str| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        refused(&args, needle);
    };
    case(&["--sum-insured", "-5", "--mortality", "0.1"], "negative");
    // The cause is said once, not repeated by the error chain.
    let (_, _, err) = run(&[
        "insurance",
        "payout",
        "--sum-insured",
        "-5",
        "--mortality",
        "0.1",
    ]);
    assert_eq!(err, "nooluur: sum insured: '-5' is negative\n");
    case(
        &["--sum-insured", "12abc", "--mortality", "0.1"],
        "sum insured",
    );
    case(
        &["--sum-insured", "1000", "--mortality", "1.5"],
        "outside [0, 1]",
    );
    case(
        &["--sum-insured", "1000", "--mortality", "abc"],
        "mortality",
    );
    case(
        &["--sum-insured", "1000", "--mortality", "-0.1"],
        "mortality",
    );
    case(
        &[
            "--sum-insured",
            "1000",
            "--mortality",
            "0.1",
            "--trigger",
            "0.3",
            "--exhaustion",
            "0.3",
        ],
        "must be below exhaustion",
    );
    case(
        &[
            "--sum-insured",
            "1000",
            "--mortality",
            "0.1",
            "--trigger",
            "0.5",
        ],
        "must be below exhaustion",
    );
    case(
        &[
            "--sum-insured",
            "1000",
            "--mortality",
            "0.1",
            "--exhaustion",
            "x",
        ],
        "exhaustion",
    );
}

#[test]
fn hindcast_pays_in_the_dzud_winters() {
    let file = policy_file(
        "goat",
        &serde_json::json!({
            "id": "pol-1",
            "household": "18101-00001",
            "aimag": "Arkhangai",
            "species": "goat",
            "sum_insured_mnt": 5_000_000,
            "trigger": "0.07",
            "exhaustion": "0.30",
        }),
    );
    let h = json(&[
        "insurance",
        "hindcast",
        "--policy",
        file.to_str().expect("utf-8"),
    ]);
    std::fs::remove_file(&file).ok();
    let years = h["years"].as_array().expect("years");
    assert_eq!(years.len(), 33);
    assert_eq!(years[0]["year"], 1992);
    assert_eq!(years[32]["year"], 2024);
    let mut total = 0;
    for y in years {
        assert_eq!(y["index"], "aimag");
        let p = y["payout_mnt"].as_u64().expect("payout");
        assert!(p <= 5_000_000 * 23 / 100);
        total += p;
    }
    assert_eq!(h["total_payout_mnt"], total);
    let y2010 = years.iter().find(|y| y["year"] == 2010).expect("2010");
    assert!(y2010["payout_mnt"].as_u64() > Some(0), "{y2010}");
    assert_eq!(h["policy"]["aimag"], 65);
    assert!(h["years_paid"].as_u64() > Some(0));
}

#[test]
fn hindcast_of_a_soum_policy_uses_its_aimag_and_the_defaults() {
    let file = policy_file(
        "soum",
        &serde_json::json!({
            "household": "18101-00002",
            "soum": "18101",
            "species": "sheep",
            "heads": 100,
            "value_per_head_mnt": 120_000,
        }),
    );
    let h = json(&[
        "insurance",
        "hindcast",
        "--policy",
        file.to_str().expect("utf-8"),
    ]);
    std::fs::remove_file(&file).ok();
    assert_eq!(h["policy"]["sum_insured_mnt"], 12_000_000);
    assert_eq!(h["policy"]["trigger"], "0.06");
    let years = h["years"].as_array().expect("years");
    assert!(years.iter().all(|y| y["index"] == "aimag"));
    let notes = h["notes"].to_string();
    assert!(notes.contains("no soum series") && notes.contains("UNVERIFIED"));
}

#[test]
fn hindcast_refuses_bad_policies_in_one_line() {
    let file = policy_file(
        "typo",
        &serde_json::json!({
            "household": "h", "aimag": "65", "species": "goat",
            "sum_insured_mnt": 1000, "triger": "0.07",
        }),
    );
    let path = file.to_str().expect("utf-8").to_owned();
    refused(&["insurance", "hindcast", "--policy", &path], "triger");
    std::fs::write(&file, "{not json").expect("write");
    refused(&["insurance", "hindcast", "--policy", &path], "policy");
    std::fs::remove_file(&file).ok();
    refused(
        &[
            "insurance",
            "hindcast",
            "--policy",
            "/nonexistent/policy.json",
        ],
        "cannot read",
    );
}
