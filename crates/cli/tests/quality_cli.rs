//! `nooluur quality grade` / `quality schemes`: the exact interface scripts depend on.

mod common;

use common::*;

use serde_json::Value;

fn grade(args: &[&str]) -> Value {
    let mut all = vec!["quality", "grade"];
    all.extend_from_slice(args);
    let (ok, out, err) = run(&all);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn us_definition_at_and_over_each_limit() {
    let at = grade(&[
        "--scheme",
        "us-cashmere",
        "--mfd",
        "19",
        "--cv",
        "24",
        "--over30",
        "3",
    ]);
    assert_eq!(at["scheme"], "us-cashmere");
    assert_eq!(at["pass"], true);
    for rule in at["rules"].as_array().expect("rules") {
        for key in ["rule", "pass", "value", "limit"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
    for (flag, over) in [("--mfd", "19.01"), ("--cv", "24.1"), ("--over30", "3.001")] {
        let mut args = vec![
            "--scheme",
            "us-cashmere",
            "--mfd",
            "19",
            "--cv",
            "24",
            "--over30",
            "3",
        ];
        let i = args.iter().position(|a| *a == flag).expect("flag") + 1;
        args[i] = over;
        let v = grade(&args);
        assert_eq!(v["pass"], false, "{flag} {over}");
        let failed: Vec<&Value> = v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["pass"] == false)
            .collect();
        assert_eq!(failed.len(), 1, "{v}");
    }
}

#[test]
fn tiered_scheme_names_a_grade() {
    let v = grade(&[
        "--scheme",
        "mn-grades",
        "--mfd",
        "14.8",
        "--cv",
        "22",
        "--over30",
        "0.5",
        "--length",
        "40",
    ]);
    assert_eq!(v["scheme"], "mn-grades");
    assert!(v["grade"].is_string(), "{v}");
}

#[test]
fn schemes_are_listed() {
    let (ok, out, err) = run(&["quality", "schemes"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for n in [
        "us-cashmere",
        "mn-grades",
        "gb18267-types",
        "colour",
        "blend",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
}

#[test]
fn bad_input_is_one_line_and_non_zero() {
    for args in [
        vec!["quality", "grade", "--scheme", "nope", "--mfd", "15"],
        vec![
            "quality",
            "grade",
            "--scheme",
            "us-cashmere",
            "--mfd",
            "-3",
            "--cv",
            "20",
            "--over30",
            "1",
        ],
        vec![
            "quality",
            "grade",
            "--scheme",
            "us-cashmere",
            "--mfd",
            "300",
            "--cv",
            "20",
            "--over30",
            "1",
        ],
        vec![
            "quality", "grade", "--scheme", "colour", "--colour", "purple",
        ],
    ] {
        let (ok, out, err) = run(&args);
        assert!(!ok, "{args:?} accepted: {out}");
        assert!(out.is_empty());
        assert!(!err.trim().is_empty(), "{args:?}");
    }
}
