//! Verdicts of realistic lots under every shipped scheme, as snapshots. The lots follow the
//! typical Mongolian values of domain-facts §1.5 (13.0–16.5 µm, commercial dehaired
//! 15.0–16.0 µm, Sükhbaatar 15.8–16.1 µm, kid down to 13.5 µm, length 38–45 mm, hair content
//! 0.11–0.3 %, dirt 0.1–0.5 %), plus a lot blended with yak and wool (§1.6) and a lot with only
//! a diameter measured.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use quality::{Colour, Composition, Measurements, Milli, grade, registry};

fn m(s: &str) -> Option<Milli> {
    Some(s.parse().unwrap())
}

fn lots() -> Vec<(&'static str, Measurements)> {
    vec![
        (
            "dehaired_white",
            Measurements {
                mfd_um: m("15.5"),
                sd_um: m("3.3"),
                cv_pct: m("21.3"),
                over30_pct: m("0.4"),
                length_mm: m("40"),
                yield_pct: m("55"),
                coarse_hair_pct: m("0.2"),
                impurity_pct: m("0.3"),
                colour: Some(Colour::White),
                composition: Some(Composition {
                    cashmere_pct: Milli::HUNDRED,
                    ..Composition::default()
                }),
            },
        ),
        (
            "sukhbaatar_light_grey",
            Measurements {
                mfd_um: m("15.9"),
                cv_pct: m("20.5"),
                over30_pct: m("0.6"),
                length_mm: m("42"),
                colour: Some(Colour::LightGrey),
                ..Measurements::default()
            },
        ),
        (
            "kid_down_white",
            Measurements {
                mfd_um: m("13.5"),
                cv_pct: m("19"),
                over30_pct: m("0.1"),
                length_mm: m("36"),
                colour: Some(Colour::White),
                ..Measurements::default()
            },
        ),
        (
            "yak_blend_brown",
            Measurements {
                mfd_um: m("17.2"),
                cv_pct: m("24.8"),
                over30_pct: m("3.6"),
                length_mm: m("34"),
                colour: Some(Colour::Brown),
                composition: Some(Composition {
                    cashmere_pct: "80".parse().unwrap(),
                    yak_pct: "15".parse().unwrap(),
                    sheep_wool_pct: "5".parse().unwrap(),
                    ..Composition::default()
                }),
                ..Measurements::default()
            },
        ),
        (
            "diameter_only",
            Measurements {
                mfd_um: m("16.2"),
                ..Measurements::default()
            },
        ),
    ]
}

#[test]
fn realistic_lots_under_every_scheme() {
    let r = registry().unwrap();
    for (lot, ms) in lots() {
        for s in r.schemes() {
            let v = grade(s, &ms);
            insta::assert_json_snapshot!(format!("{lot}__{}", s.name), v);
        }
    }
}
