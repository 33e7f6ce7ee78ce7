//! The shipped schemes: they load, they say where their numbers come from, and every rule is
//! exact at its boundary (at the limit passes, a thousandth beyond fails).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use quality::{
    Better, Colour, Kind, Limit, Measure, Measurements, Milli, Op, Scheme, Status, grade, registry,
};

fn m(s: &str) -> Milli {
    s.parse().unwrap()
}

fn with(pairs: &[(Measure, &str)]) -> Measurements {
    let mut ms = Measurements::default();
    for (measure, v) in pairs {
        ms.set(*measure, Some(m(v)));
    }
    ms
}

const THOUSANDTH: Milli = Milli::from_thousandths(1);

#[test]
fn builtin_schemes_load_under_their_file_names() {
    let r = registry().unwrap();
    let names = r.names();
    assert_eq!(
        names,
        [
            "us-cashmere",
            "mn-grades",
            "gb18267-types",
            "colour",
            "blend"
        ]
    );
    for (stem, text) in quality::BUILTIN {
        let s = Scheme::from_toml(text).unwrap();
        assert_eq!(&s.name, stem);
        let path = format!("{}/schemes/{stem}.toml", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(std::fs::read_to_string(path).unwrap(), *text);
    }
}

#[test]
fn unconfirmed_numbers_say_so_in_file_and_verdict() {
    let r = registry().unwrap();
    for name in ["mn-grades", "gb18267-types", "blend"] {
        let s = r.get(name).unwrap();
        assert_eq!(s.status, Status::Unconfirmed, "{name}");
        assert!(s.source.contains("[U]"), "{name}: {}", s.source);
        let v = grade(s, &with(&[(Measure::MfdUm, "15")]));
        assert_eq!(v.status, Status::Unconfirmed);
        assert!(v.source.contains("[U]"));
        assert!(v.rules.iter().all(|r| r.status == Status::Unconfirmed));
    }
    for name in ["us-cashmere", "colour"] {
        assert_eq!(r.get(name).unwrap().status, Status::Verified, "{name}");
    }
}

#[test]
fn us_definition_is_exact_at_each_limit() {
    let r = registry().unwrap();
    let us = r.get("us-cashmere").unwrap();
    let at = |mfd: &str, cv: &str, over30: &str| {
        grade(
            us,
            &with(&[
                (Measure::MfdUm, mfd),
                (Measure::CvPct, cv),
                (Measure::Over30Pct, over30),
            ]),
        )
    };
    let v = at("19", "24", "3");
    assert!(v.pass);
    assert_eq!(v.grade.as_deref(), Some("cashmere"));
    assert!(v.rules.iter().all(|r| r.margin == Some(Milli::ZERO)));
    assert!(at("19.0", "24.000", "3.0").pass);
    for (mfd, cv, over30, failing) in [
        ("19.001", "24", "3", "mfd"),
        ("19", "24.001", "3", "cv"),
        ("19", "24", "3.001", "over30"),
    ] {
        let v = at(mfd, cv, over30);
        assert!(!v.pass);
        assert_eq!(v.grade.as_deref(), Some("not cashmere"));
        let failed: Vec<&str> = v
            .rules
            .iter()
            .filter(|r| !r.pass)
            .map(|r| r.rule.as_str())
            .collect();
        assert_eq!(failed, [failing]);
        let rule = v.rules.iter().find(|r| r.rule == failing).unwrap();
        assert_eq!(rule.margin, Some(Milli::from_thousandths(-1)));
        assert!(
            rule.explanation.contains("fails by 0.001"),
            "{}",
            rule.explanation
        );
    }
}

#[test]
fn a_missing_measurement_fails_its_rule_with_a_reason() {
    let r = registry().unwrap();
    let us = r.get("us-cashmere").unwrap();
    let v = grade(us, &with(&[(Measure::MfdUm, "15.8")]));
    assert!(!v.pass && !v.complete);
    assert_eq!(v.grade, None, "undetermined, not 'not cashmere'");
    let cv = v.rules.iter().find(|r| r.rule == "cv").unwrap();
    assert!(!cv.pass);
    assert_eq!(cv.value, None);
    assert_eq!(cv.reason.as_deref(), Some("cv_pct was not measured"));
    let json = serde_json::to_value(&v).unwrap();
    assert!(json["rules"][1]["value"].is_null());
    assert!(json["grade"].is_null());
    // A measured failure decides it even with something missing.
    let v = grade(us, &with(&[(Measure::MfdUm, "19.5")]));
    assert_eq!(v.grade.as_deref(), Some("not cashmere"));
    // Nothing at all.
    let v = grade(us, &Measurements::default());
    assert!(!v.pass);
    assert!(v.explanation.starts_with("undetermined"));
}

#[test]
fn mongolian_placeholder_grades_step_at_each_limit() {
    let r = registry().unwrap();
    let s = r.get("mn-grades").unwrap();
    let g = |mfd: &str, len: &str| {
        grade(s, &with(&[(Measure::MfdUm, mfd), (Measure::LengthMm, len)])).grade
    };
    assert_eq!(g("15", "38").as_deref(), Some("Khaan Shirkhegt"));
    assert_eq!(g("15.001", "38").as_deref(), Some("I"));
    assert_eq!(g("15", "37.999").as_deref(), Some("I"));
    assert_eq!(g("16", "36").as_deref(), Some("I"));
    assert_eq!(g("16.001", "36").as_deref(), Some("II"));
    assert_eq!(g("17", "32").as_deref(), Some("II"));
    assert_eq!(g("17.001", "32").as_deref(), Some("III"));
    assert_eq!(g("19", "28").as_deref(), Some("III"));
    assert_eq!(g("19.001", "28"), None);
    assert_eq!(g("15", "27.999"), None);
    let v = grade(s, &with(&[(Measure::MfdUm, "15")]));
    assert_eq!(v.grade, None, "length is needed by every tier");
    assert!(!v.pass);
}

#[test]
fn china_types_step_at_each_limit() {
    let r = registry().unwrap();
    let s = r.get("gb18267-types").unwrap();
    let g = |mfd: &str| grade(s, &with(&[(Measure::MfdUm, mfd)])).grade;
    assert_eq!(g("14.5").as_deref(), Some("ultra-fine"));
    assert_eq!(g("14.501").as_deref(), Some("fine"));
    assert_eq!(g("16").as_deref(), Some("fine"));
    assert_eq!(g("16.001").as_deref(), Some("coarse"));
    assert_eq!(g("25").as_deref(), Some("coarse"));
    assert_eq!(g("25.001"), None);
}

#[test]
fn colour_classes_and_blend_flags() {
    let r = registry().unwrap();
    let colour = r.get("colour").unwrap();
    for c in Colour::ALL {
        let ms = Measurements {
            colour: Some(*c),
            ..Measurements::default()
        };
        let v = grade(colour, &ms);
        assert_eq!(v.grade.as_deref(), Some(c.as_str()));
        assert!(v.pass);
    }
    assert_eq!(grade(colour, &Measurements::default()).grade, None);

    let blend = r.get("blend").unwrap();
    let pure = with(&[(Measure::CashmerePct, "100")]);
    let v = grade(blend, &pure);
    assert!(v.pass);
    assert_eq!(v.grade.as_deref(), Some("no blend found"));
    let mixed = with(&[
        (Measure::CashmerePct, "80"),
        (Measure::YakPct, "15"),
        (Measure::SheepWoolPct, "5"),
    ]);
    let v = grade(blend, &mixed);
    assert_eq!(v.grade.as_deref(), Some("blend"));
    let flags: Vec<&str> = v
        .rules
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.rule.as_str())
        .collect();
    assert_eq!(flags, ["yak", "sheep-wool"]);
    // Without a composition analysis the flags are undetermined.
    let v = grade(blend, &with(&[(Measure::MfdUm, "15")]));
    assert_eq!(v.grade, None);
    assert!(v.rules.iter().all(|r| r.reason.is_some()));
}

/// The value one thousandth worse than `l` for the rule's direction.
fn worse(op: Op, l: Milli) -> Milli {
    match op {
        Op::Le | Op::Lt => l.checked_add(THOUSANDTH).unwrap(),
        _ => l.checked_sub(THOUSANDTH).unwrap(),
    }
}

fn better(op: Op, l: Milli) -> Milli {
    match op {
        Op::Le | Op::Lt => l.checked_sub(THOUSANDTH).unwrap(),
        _ => l.checked_add(THOUSANDTH).unwrap(),
    }
}

/// Every numeric rule of every shipped scheme, on its own: exactly at the limit passes (fails
/// for a strict op), a thousandth beyond fails (a thousandth inside passes).
#[test]
fn every_rule_of_every_shipped_scheme_is_exact_at_its_boundary() {
    let r = registry().unwrap();
    let mut checked = 0;
    for s in r.schemes() {
        for (tier, rule) in s.all_rules() {
            let ctx = format!("{} {:?} {}", s.name, tier.map(|t| &t.grade), rule.id);
            match &rule.limit {
                Limit::Number(l) => {
                    let eval = |v: Milli| {
                        let mut ms = Measurements::default();
                        ms.set(rule.measure, Some(v));
                        quality::evaluate(rule, None, &ms)
                    };
                    if rule.op.is_strict() {
                        assert!(!eval(*l).pass, "{ctx}: at the strict limit");
                        assert!(eval(better(rule.op, *l)).pass, "{ctx}: just inside");
                    } else {
                        let at = eval(*l);
                        assert!(at.pass, "{ctx}: at the limit");
                        assert_eq!(at.margin, Some(Milli::ZERO), "{ctx}");
                        assert!(at.explanation.contains("exactly at the limit"), "{ctx}");
                        assert!(!eval(worse(rule.op, *l)).pass, "{ctx}: just beyond");
                    }
                }
                Limit::Colours(cs) => {
                    for c in Colour::ALL {
                        let ms = Measurements {
                            colour: Some(*c),
                            ..Measurements::default()
                        };
                        let v = quality::evaluate(rule, None, &ms);
                        assert_eq!(v.pass, cs.contains(c), "{ctx} {c}");
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 + 8 + 3 + 5 + 4);
}

/// The worst physical value of a measure, for measures a tier does not test.
fn worst(measure: Measure) -> Option<Milli> {
    let (lo, hi) = measure.range()?;
    match measure.better() {
        Better::Lower => Some(hi),
        Better::Higher => Some(lo),
        Better::Unordered => None,
    }
}

/// Every rule of every shipped scheme inside the whole verdict: a lot exactly at all of a
/// scope's limits gets that scope's outcome; a thousandth beyond any one limit does not.
#[test]
fn every_boundary_decides_the_verdict() {
    let r = registry().unwrap();
    for s in r.schemes() {
        match s.kind {
            Kind::PassFail => {
                let mut base = Measurements::default();
                for rule in &s.rules {
                    let Limit::Number(l) = rule.limit else {
                        unreachable!()
                    };
                    base.set(rule.measure, Some(l));
                }
                assert!(grade(s, &base).pass, "{} at its limits", s.name);
                for rule in &s.rules {
                    let Limit::Number(l) = rule.limit else {
                        unreachable!()
                    };
                    let mut ms = base;
                    ms.set(rule.measure, Some(worse(rule.op, l)));
                    let v = grade(s, &ms);
                    assert!(!v.pass, "{} {}", s.name, rule.id);
                    assert_eq!(v.grade, s.labels.as_ref().map(|l| l.fail.clone()));
                }
            }
            Kind::Tiered => {
                for (i, tier) in s.tiers.iter().enumerate() {
                    let mut base = Measurements::default();
                    for m in Measure::ALL {
                        base.set(*m, worst(*m));
                    }
                    for rule in &tier.rules {
                        let Limit::Number(l) = rule.limit else {
                            unreachable!()
                        };
                        base.set(rule.measure, Some(l));
                    }
                    let v = grade(s, &base);
                    assert_eq!(v.grade.as_deref(), Some(tier.grade.as_str()), "{}", s.name);
                    for rule in &tier.rules {
                        let Limit::Number(l) = rule.limit else {
                            unreachable!()
                        };
                        let mut ms = base;
                        ms.set(rule.measure, Some(worse(rule.op, l)));
                        let got = grade(s, &ms).grade;
                        let rank = got.and_then(|g| s.tiers.iter().position(|t| t.grade == g));
                        assert!(
                            rank.is_none_or(|r| r > i),
                            "{} {} {}: a thousandth beyond must grade below the tier",
                            s.name,
                            tier.grade,
                            rule.id
                        );
                    }
                }
            }
            Kind::Classes => {
                for tier in &s.tiers {
                    for rule in &tier.rules {
                        let Limit::Colours(cs) = &rule.limit else {
                            unreachable!()
                        };
                        let ms = Measurements {
                            colour: cs.first().copied(),
                            ..Measurements::default()
                        };
                        assert_eq!(grade(s, &ms).grade.as_deref(), Some(tier.grade.as_str()));
                    }
                }
            }
        }
    }
}

#[test]
fn operators_override_a_builtin_with_their_own_file() {
    let mut r = registry().unwrap();
    let text = quality::BUILTIN
        .iter()
        .find(|(n, _)| *n == "mn-grades")
        .unwrap()
        .1
        .replace("version = \"placeholder-1\"", "version = \"masm-2025\"")
        .replace("limit = 15.0", "limit = 14.5");
    let old = r.load_toml(&text).unwrap().unwrap();
    assert_eq!(old.version, "placeholder-1");
    let s = r.get("mn-grades").unwrap();
    assert_eq!(s.version, "masm-2025");
    let v = grade(
        s,
        &with(&[(Measure::MfdUm, "14.9"), (Measure::LengthMm, "40")]),
    );
    assert_eq!(v.grade.as_deref(), Some("I"));
    assert_eq!(v.version, "masm-2025");
    assert_eq!(r.names().len(), 5);
    // A brand-new scheme is added.
    let own = quality::BUILTIN[0]
        .1
        .replace("name = \"us-cashmere\"", "name = \"house-spec\"")
        .replace("limit = 19", "limit = 16.5");
    assert!(r.load_toml(&own).unwrap().is_none());
    assert_eq!(r.names().len(), 6);
    let err = r.resolve("nope").unwrap_err().to_string();
    assert!(
        err.contains("no grading scheme named 'nope'") && err.contains("house-spec"),
        "{err}"
    );
}

#[test]
fn schemes_listing() {
    let r = registry().unwrap();
    let list = serde_json::to_value(r.summaries()).unwrap();
    insta::assert_json_snapshot!("schemes_listing", list);
}

#[test]
fn verdict_json_has_the_cli_shape() {
    let r = registry().unwrap();
    let v = grade(
        r.get("us-cashmere").unwrap(),
        &with(&[
            (Measure::MfdUm, "15.8"),
            (Measure::CvPct, "22"),
            (Measure::Over30Pct, "0.5"),
        ]),
    );
    let j = serde_json::to_value(&v).unwrap();
    assert_eq!(j["scheme"], "us-cashmere");
    assert_eq!(j["pass"], true);
    assert_eq!(j["grade"], "cashmere");
    let rule = &j["rules"][0];
    assert_eq!(rule["rule"], "mfd");
    assert_eq!(rule["pass"], true);
    assert_eq!(rule["value"], 15.8);
    assert_eq!(rule["limit"], 19.0);
    assert_eq!(rule["margin"], 3.2);
    assert!(rule["explanation"].is_string());
    let colour = grade(
        r.get("colour").unwrap(),
        &Measurements {
            colour: Some(Colour::LightGrey),
            ..Measurements::default()
        },
    );
    let j = serde_json::to_value(&colour).unwrap();
    assert_eq!(j["grade"], "light-grey");
    assert_eq!(j["rules"][1]["value"], "light-grey");
    assert_eq!(j["rules"][1]["limit"], serde_json::json!(["light-grey"]));
    assert!(j["rules"][1]["margin"].is_null());
}
