//! `nooluur coop settle` and `nooluur auction clear`: the exact interface scripts depend on.

mod common;

use common::*;

use std::path::PathBuf;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../market/tests/fixtures")
        .join(name)
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nooluur-market-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn settle_prints_exact_lines() {
    let f = fixture("settlement.json");
    let (ok, out, err) = run(&["coop", "settle", f.to_str().expect("utf-8")]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let lines = v["lines"].as_array().expect("lines");
    let sum: i64 = lines
        .iter()
        .map(|l| l["amount_mnt"].as_i64().expect("int"))
        .sum();
    let net = v["proceeds_mnt"].as_i64().unwrap()
        - v["fee_mnt"].as_i64().unwrap()
        - v["costs_mnt"].as_i64().unwrap();
    assert_eq!(sum, net);
    // hh-0412 has two intakes: one line per member.
    assert_eq!(lines.iter().filter(|l| l["member"] == "hh-0412").count(), 1);
}

#[test]
fn settle_refuses_bad_input_in_one_line() {
    for (name, text) in [
        (
            "neg.json",
            r#"{"proceeds_mnt": -5, "fee_mnt": 0, "costs_mnt": 0, "intakes": [{"member": "a", "clean_kg": "1", "factor": "1"}]}"#,
        ),
        (
            "num.json",
            r#"{"proceeds_mnt": 100, "fee_mnt": 0, "costs_mnt": 0, "intakes": [{"member": "a", "clean_kg": "1.x", "factor": "1"}]}"#,
        ),
        (
            "over.json",
            r#"{"proceeds_mnt": 100, "fee_mnt": 60, "costs_mnt": 50, "intakes": [{"member": "a", "clean_kg": "1", "factor": "1"}]}"#,
        ),
        ("broken.json", "{"),
    ] {
        let p = write_temp(name, text);
        let (ok, out, err) = run(&["coop", "settle", p.to_str().expect("utf-8")]);
        assert!(!ok, "{name} accepted: {out}");
        assert!(out.is_empty(), "{name}: {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("nooluur: "), "{err}");
    }
}

#[test]
fn auction_clear_follows_the_rule() {
    let f = fixture("auction.json");
    let (ok, out, err) = run(&["auction", "clear", f.to_str().expect("utf-8")]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert!(v.get("winner").is_some() && v.get("price_mnt").is_some());
    assert!(v["refused"].is_array());

    let second = write_temp(
        "second.json",
        r#"{"rule": "second-price", "reserve_mnt": 100000, "closes_at": "2024-06-01T12:00:00+08:00",
            "bids": [{"buyer": "b1", "amount_mnt": 150000, "at": "2024-06-01T10:00:00+08:00"},
                     {"buyer": "b2", "amount_mnt": 150000, "at": "2024-06-01T09:00:00+08:00"},
                     {"buyer": "b3", "amount_mnt": 120000, "at": "2024-06-01T12:00:01+08:00"},
                     {"buyer": "b4", "amount_mnt": 90000, "at": "2024-06-01T08:00:00+08:00"}]}"#,
    );
    let (ok, out, err) = run(&["auction", "clear", second.to_str().expect("utf-8")]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["winner"], "b2", "tie broken by the earliest bid");
    assert_eq!(v["price_mnt"], 150000);
    assert_eq!(v["rule"], "second-price");
    let refused: Vec<&str> = v["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["buyer"].as_str().unwrap())
        .collect();
    assert!(refused.contains(&"b3") && refused.contains(&"b4"));

    let bad = write_temp(
        "bad.json",
        r#"{"rule": "dutch", "reserve_mnt": 1, "closes_at": "2024-06-01T12:00:00Z", "bids": []}"#,
    );
    let (ok, _, err) = run(&["auction", "clear", bad.to_str().expect("utf-8")]);
    assert!(!ok);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
