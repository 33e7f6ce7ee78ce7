//! Invariants of grading, for any measurements.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use quality::{
    Better, Colour, Composition, Kind, Measure, Measurements, Milli, Scheme, grade, registry,
};

fn any_milli() -> impl Strategy<Value = Milli> {
    prop_oneof![
        any::<i64>().prop_map(Milli::from_thousandths),
        (-1_000_000i64..200_000).prop_map(Milli::from_thousandths),
        Just(Milli::from_thousandths(i64::MIN)),
        Just(Milli::from_thousandths(i64::MAX)),
    ]
}

fn any_colour() -> impl Strategy<Value = Colour> {
    prop::sample::select(Colour::ALL.to_vec())
}

fn any_measurements() -> impl Strategy<Value = Measurements> {
    let opt = || prop::option::of(any_milli());
    (
        (opt(), opt(), opt(), opt(), opt()),
        (opt(), opt(), opt(), prop::option::of(any_colour())),
        prop::option::of((
            any_milli(),
            any_milli(),
            any_milli(),
            any_milli(),
            any_milli(),
        )),
    )
        .prop_map(
            |((mfd, sd, cv, o30, len), (yld, hair, imp, colour), comp)| Measurements {
                mfd_um: mfd,
                sd_um: sd,
                cv_pct: cv,
                over30_pct: o30,
                length_mm: len,
                yield_pct: yld,
                coarse_hair_pct: hair,
                impurity_pct: imp,
                colour,
                composition: comp.map(|(c, y, w, k, o)| Composition {
                    cashmere_pct: c,
                    yak_pct: y,
                    sheep_wool_pct: w,
                    camel_pct: k,
                    other_fibre_pct: o,
                }),
            },
        )
}

/// Measurements inside the physical ranges, every one present.
fn realistic() -> impl Strategy<Value = Measurements> {
    let pick = |m: Measure| {
        let (lo, hi) = m.range().unwrap();
        (lo.thousandths()..=hi.thousandths()).prop_map(Milli::from_thousandths)
    };
    (
        (
            pick(Measure::MfdUm),
            pick(Measure::SdUm),
            pick(Measure::CvPct),
            pick(Measure::Over30Pct),
        ),
        (
            pick(Measure::LengthMm),
            pick(Measure::YieldPct),
            pick(Measure::CoarseHairPct),
        ),
        (
            pick(Measure::ImpurityPct),
            any_colour(),
            pick(Measure::YakPct),
        ),
    )
        .prop_map(
            |((mfd, sd, cv, o30), (len, yld, hair), (imp, colour, yak))| Measurements {
                mfd_um: Some(mfd),
                sd_um: Some(sd),
                cv_pct: Some(cv),
                over30_pct: Some(o30),
                length_mm: Some(len),
                yield_pct: Some(yld),
                coarse_hair_pct: Some(hair),
                impurity_pct: Some(imp),
                colour: Some(colour),
                composition: Some(Composition {
                    cashmere_pct: Milli::HUNDRED,
                    yak_pct: yak,
                    ..Composition::default()
                }),
            },
        )
}

/// The rank of a verdict's grade: 0 is the best tier, `tiers.len()` is ungraded.
fn rank(s: &Scheme, m: &Measurements) -> usize {
    let g = grade(s, m).grade;
    g.and_then(|g| s.tiers.iter().position(|t| t.grade == g))
        .unwrap_or(s.tiers.len())
}

/// `m` made better (or equal) on one measure by `by` thousandths.
fn improve(m: &Measurements, measure: Measure, by: i64) -> Option<Measurements> {
    let quality::Value::Number(v) = m.get(measure)? else {
        return None;
    };
    let d = Milli::from_thousandths(by);
    let better = match measure.better() {
        Better::Lower => v.checked_sub(d)?,
        Better::Higher => v.checked_add(d)?,
        Better::Unordered => return None,
    };
    let mut out = *m;
    out.set(measure, Some(better));
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn grading_never_panics_and_agrees_with_its_rules(m in any_measurements()) {
        let r = registry().unwrap();
        for s in r.schemes() {
            let v = grade(s, &m);
            let json = serde_json::to_value(&v).unwrap();
            prop_assert_eq!(json["scheme"].as_str(), Some(s.name.as_str()));
            prop_assert_eq!(v.complete, v.rules.iter().all(|r| r.value.is_some()));
            for rule in &v.rules {
                if rule.value.is_none() {
                    prop_assert!(!rule.pass && rule.reason.is_some());
                }
            }
            match s.kind {
                Kind::PassFail => prop_assert_eq!(v.pass, v.rules.iter().all(|r| r.pass)),
                Kind::Tiered | Kind::Classes => {
                    let first = v.tiers.iter().find(|t| t.pass).map(|t| t.grade.clone());
                    prop_assert_eq!(&v.grade, &first);
                    prop_assert_eq!(v.pass, v.grade.is_some());
                    for t in &v.tiers {
                        let all = v.rules.iter().filter(|r| r.tier.as_ref() == Some(&t.grade)).all(|r| r.pass);
                        prop_assert_eq!(t.pass, all);
                    }
                }
            }
        }
    }

    #[test]
    fn a_finer_fibre_never_grades_worse(m in realistic(), by in 0i64..20_000) {
        let r = registry().unwrap();
        let finer = improve(&m, Measure::MfdUm, by).unwrap();
        for s in r.schemes().filter(|s| s.kind == Kind::Tiered) {
            prop_assert!(rank(s, &finer) <= rank(s, &m), "{}: {:?} → {:?}", s.name, m.mfd_um, finer.mfd_um);
        }
    }

    #[test]
    fn a_better_value_of_any_measure_never_grades_worse(
        m in realistic(),
        which in prop::sample::select(Measure::ALL.to_vec()),
        by in 0i64..50_000,
    ) {
        let r = registry().unwrap();
        let Some(better) = improve(&m, which, by) else { return Ok(()) };
        for s in r.schemes() {
            match s.kind {
                Kind::Tiered => prop_assert!(rank(s, &better) <= rank(s, &m), "{} {}", s.name, which),
                Kind::PassFail => prop_assert!(grade(s, &better).pass || !grade(s, &m).pass, "{} {}", s.name, which),
                Kind::Classes => {}
            }
        }
    }

    #[test]
    fn decimal_text_round_trips(n in any::<i64>()) {
        let x = Milli::from_thousandths(n);
        prop_assert_eq!(x.to_string().parse::<Milli>().unwrap(), x);
    }

    #[test]
    fn decimal_floats_round_trip(n in -(1i64 << 50)..(1i64 << 50)) {
        let x = Milli::from_thousandths(n);
        prop_assert_eq!(Milli::from_f64(x.to_f64()).unwrap(), x);
        prop_assert_eq!(Milli::from_json_number(&x.to_json_number()).unwrap(), x);
    }

    #[test]
    fn any_text_as_a_scheme_is_refused_or_read_never_a_panic(text in "\\PC{0,400}") {
        let _ = Scheme::from_toml(&text);
    }

    #[test]
    fn mutated_builtin_schemes_never_panic(
        which in 0usize..5,
        at in 0usize..4_000,
        with in prop::sample::select(vec!["", "0", "-1", "1e9", "\"x\"", "[", "]", "=", "\n", "<", ">=", "in", "mfd_um", "tiers", "99.9999"]),
    ) {
        let text = quality::BUILTIN[which].1;
        let at = (0..=at.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], with, &text[at..]);
        if let Ok(s) = Scheme::from_toml(&mutated) {
            prop_assert!(s.check().is_ok());
            let _ = grade(&s, &Measurements::default());
        }
    }
}
