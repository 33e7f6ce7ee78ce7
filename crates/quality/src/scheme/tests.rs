use super::*;

const HEAD: &str = r#"
format = 1
name = "test"
title = "Test"
version = "1"
status = "verified"
source = "here"
"#;

/// measure, op, limit
type R<'a> = (&'a str, &'a str, &'a str);

fn tiered(tiers: &[(&str, &[R<'_>])]) -> String {
    let mut s = format!("{HEAD}kind = \"tiered\"\n");
    for (grade, rules) in tiers {
        s += &format!("[[tiers]]\ngrade = \"{grade}\"\n");
        for (i, (measure, op, limit)) in rules.iter().enumerate() {
            s += &format!(
                "[[tiers.rules]]\nid = \"r{i}\"\nmeasure = \"{measure}\"\nop = \"{op}\"\nlimit = {limit}\n"
            );
        }
    }
    s
}

fn pass_fail(rules: &[R<'_>]) -> String {
    let mut s = format!("{HEAD}kind = \"pass-fail\"\n");
    for (i, (measure, op, limit)) in rules.iter().enumerate() {
        s += &format!(
            "[[rules]]\nid = \"r{i}\"\nmeasure = \"{measure}\"\nop = \"{op}\"\nlimit = {limit}\n"
        );
    }
    s
}

/// The problems of an invalid scheme, as text.
fn problems(text: &str) -> Vec<String> {
    match Scheme::from_toml(text) {
        Err(SchemeError::Invalid { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected an invalid scheme, got {other:?}"),
    }
}

fn has(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "no problem mentions {needle:?}: {problems:#?}"
    );
}

#[test]
fn a_good_scheme_reads() {
    let s = Scheme::from_toml(&tiered(&[
        ("A", &[("mfd_um", "<=", "15"), ("length_mm", ">=", "38")]),
        ("B", &[("mfd_um", "<=", "16.5"), ("length_mm", ">=", "34")]),
        ("C", &[("mfd_um", "<=", "19")]),
    ]))
    .unwrap();
    assert_eq!(s.grades(), ["A", "B", "C"]);
    assert_eq!(
        s.tiers[1].rules[0].limit,
        Limit::Number(Milli::from_thousandths(16_500))
    );
    assert!(s.check().is_ok());
}

#[test]
fn unknown_fields_and_bad_toml_are_syntax_errors_with_a_line() {
    let text = pass_fail(&[("mfd_um", "<=", "19")]).replace("limit = 19", "limt = 19");
    let Err(SchemeError::Syntax(msg)) = Scheme::from_toml(&text) else {
        panic!("expected a syntax error")
    };
    assert!(msg.contains("limt") && msg.contains("line"), "{msg}");
    let Err(SchemeError::Syntax(msg)) = Scheme::from_toml("format = ") else {
        panic!("expected a syntax error")
    };
    assert!(msg.contains("line"), "{msg}");
    let Err(SchemeError::Syntax(msg)) =
        Scheme::from_toml(&format!("{HEAD}kind = \"tiered\"\ncolour = 1\n"))
    else {
        panic!("expected a syntax error")
    };
    assert!(msg.contains("unknown field `colour`"), "{msg}");
}

#[test]
fn unknown_words_are_named_with_the_right_ones() {
    let p = problems(&pass_fail(&[
        ("mdf_um", "<=", "19"),
        ("cv_pct", "=<", "24"),
    ]));
    has(
        &p,
        "rules[0] 'r0': measure 'mdf_um' is unknown (one of mfd_um, sd_um",
    );
    has(&p, "rules[1] 'r1': op '=<' is not one of <=, <, >=, >, in");
    let p = problems(&pass_fail(&[("mfd_um", "<=", "19")]).replace("\"pass-fail\"", "\"graded\""));
    has(&p, "kind 'graded' is not one of pass-fail, tiered, classes");
    let p = problems(&pass_fail(&[("mfd_um", "<=", "19")]).replace("\"verified\"", "\"sure\""));
    has(&p, "status 'sure' is not one of verified, unconfirmed");
    let p = problems(&pass_fail(&[("mfd_um", "<=", "19")]).replace("format = 1", "format = 2"));
    has(&p, "format 2 is not supported");
    let p = problems(&pass_fail(&[("mfd_um", "<=", "19.0001")]));
    has(&p, "past the third decimal place");
    let p = problems(&pass_fail(&[("colour", "in", "[\"purple\"]")]));
    has(&p, "is not a colour class");
    let p = problems(
        &pass_fail(&[("mfd_um", "<=", "19")]).replace("name = \"test\"", "name = \"My Scheme\""),
    );
    has(&p, "name 'My Scheme' must be lower-case");
}

#[test]
fn limits_must_fit_their_measure() {
    let p = problems(&pass_fail(&[("mfd_um", "<=", "200")]));
    has(
        &p,
        "limit 200 is outside the physical range of mfd_um (5–150 µm)",
    );
    let p = problems(&pass_fail(&[("colour", "<=", "3")]));
    has(&p, "colour is a class");
    let p = problems(&pass_fail(&[("mfd_um", "in", "[\"white\"]")]));
    has(&p, "mfd_um is a number");
    let p = problems(&pass_fail(&[("colour", "in", "[]")]));
    has(&p, "'in' needs at least one colour class");
    let p = problems(&pass_fail(&[("mfd_um", "<=", "true")]));
    has(
        &p,
        "limit must be a number or a list of colour classes, not boolean",
    );
}

#[test]
fn rules_that_can_never_pass_together_are_refused() {
    let p = problems(&pass_fail(&[
        ("mfd_um", "<=", "14"),
        ("mfd_um", ">=", "16"),
    ]));
    has(&p, "mfd_um ≤ 14 µm and mfd_um ≥ 16 µm can never pass");
    let p = problems(&pass_fail(&[("mfd_um", "<", "16"), ("mfd_um", ">=", "16")]));
    has(&p, "can never pass");
    let p = problems(&pass_fail(&[("mfd_um", "<", "5")]));
    has(&p, "can never pass (the physical range is 5–150 µm)");
    let p = problems(&pass_fail(&[
        ("colour", "in", "[\"white\"]"),
        ("colour", "in", "[\"brown\"]"),
    ]));
    has(&p, "can never both pass");
    // An interval that can pass is fine in a pass-fail scheme.
    Scheme::from_toml(&pass_fail(&[
        ("mfd_um", ">=", "16"),
        ("mfd_um", "<=", "16"),
    ]))
    .unwrap();
}

#[test]
fn contradictory_tiers_are_refused() {
    // Listed worst first.
    let p = problems(&tiered(&[
        ("I", &[("mfd_um", "<=", "16")]),
        ("KS", &[("mfd_um", "<=", "15")]),
    ]));
    has(
        &p,
        "tiers[0] 'I': requires mfd_um ≤ 16 µm but tier 'KS' below it requires mfd_um ≤ 15 µm",
    );
    // A better tier that ignores a measure the worse one tests.
    let p = problems(&tiered(&[
        ("A", &[("mfd_um", "<=", "15")]),
        ("B", &[("mfd_um", "<=", "16"), ("length_mm", ">=", "30")]),
    ]));
    has(
        &p,
        "tiers[0] 'A': has no rule on length_mm but tier 'B' below it requires length_mm ≥ 30 mm",
    );
    // A tier that can never be reached.
    let p = problems(&tiered(&[
        ("A", &[("mfd_um", "<=", "15")]),
        ("B", &[("mfd_um", "<=", "15")]),
    ]));
    has(
        &p,
        "tiers[1] 'B': can never be awarded: tier 'A' above it accepts exactly the same fibre",
    );
    // Strictness at equal limits.
    Scheme::from_toml(&tiered(&[
        ("A", &[("mfd_um", "<", "16")]),
        ("B", &[("mfd_um", "<=", "16")]),
    ]))
    .unwrap();
    let p = problems(&tiered(&[
        ("A", &[("mfd_um", "<=", "16")]),
        ("B", &[("mfd_um", "<", "16")]),
    ]));
    has(&p, "the better tier accepts fibre the worse one refuses");
    // The wrong direction for a grade.
    let p = problems(&tiered(&[("A", &[("mfd_um", ">=", "14")])]));
    has(&p, "mfd_um ≥ 14 µm points the wrong way for a grade");
    let p = problems(&tiered(&[("A", &[("length_mm", "<=", "40")])]));
    has(&p, "length_mm takes a lower limit");
    // One limit per measure per tier.
    let p = problems(&tiered(&[(
        "A",
        &[("mfd_um", "<=", "15"), ("mfd_um", "<", "16")],
    )]));
    has(&p, "2 rules test mfd_um in one tier");
    // Colour sets nest by inclusion.
    Scheme::from_toml(&tiered(&[
        (
            "A",
            &[("mfd_um", "<=", "15"), ("colour", "in", "[\"white\"]")],
        ),
        (
            "B",
            &[
                ("mfd_um", "<=", "15"),
                ("colour", "in", "[\"white\", \"light-grey\"]"),
            ],
        ),
    ]))
    .unwrap();
    let p = problems(&tiered(&[
        ("A", &[("colour", "in", "[\"white\", \"grey\"]")]),
        ("B", &[("colour", "in", "[\"white\", \"light-grey\"]")]),
    ]));
    has(&p, "the better tier accepts fibre the worse one refuses");
}

#[test]
fn structure_problems() {
    let p = problems(&tiered(&[
        ("A", &[("mfd_um", "<=", "15")]),
        ("A", &[("mfd_um", "<=", "16")]),
    ]));
    has(&p, "grade 'A' is listed twice");
    let p = problems(&tiered(&[("A", &[])]));
    has(&p, "tiers[0] 'A': has no rules");
    let p = problems(&format!("{HEAD}kind = \"tiered\"\n"));
    has(&p, "a tiered scheme needs at least one entry in 'tiers'");
    let p = problems(&format!("{HEAD}kind = \"pass-fail\"\n"));
    has(&p, "a pass-fail scheme needs at least one rule");
    let text = tiered(&[("A", &[("mfd_um", "<=", "15")])])
        .replace("kind = \"tiered\"", "kind = \"pass-fail\"");
    let p = problems(&text);
    has(
        &p,
        "a pass-fail scheme has no 'tiers' (only a tiered scheme does)",
    );
    let p = problems(
        &pass_fail(&[("mfd_um", "<=", "19"), ("cv_pct", "<=", "24")])
            .replace("id = \"r1\"", "id = \"r0\""),
    );
    has(&p, "rule id 'r0' is used twice here");
    let p = problems(&format!(
        "{}[labels]\npass = \"ok\"\nfail = \"ok\"\n",
        pass_fail(&[("mfd_um", "<=", "19")])
    ));
    has(&p, "labels.pass and labels.fail are both 'ok'");
    let p = problems(&format!(
        "{}[labels]\npass = \"a\"\nfail = \"b\"\n",
        tiered(&[("A", &[("mfd_um", "<=", "15")])])
    ));
    has(&p, "only a pass-fail scheme has labels");
    let p = problems(&format!(
        "{}status = \"unconfirmed\"\n",
        pass_fail(&[("mfd_um", "<=", "19")])
    ));
    has(
        &p,
        "is unconfirmed, so the scheme's status must be 'unconfirmed' too",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let p = problems(&pass_fail(&[
        ("mdf", "<=", "19"),
        ("cv_pct", "<=", "240"),
        ("colour", "<", "1"),
    ]));
    assert!(p.len() >= 3, "{p:#?}");
}
