//! Any values and any texts render without panic into well-formed XML.

mod common;

use common::check_xml;
use maps::{BarChart, Choropleth, LineChart, Map, Palette, Points, quantile_breaks};
use proptest::prelude::*;

/// Finite values of every magnitude, with the special cases weighted up.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        4 => -1e6..1e6f64,
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn line_charts_are_well_formed(
        series in prop::collection::vec(prop::collection::vec(value(), 0..20), 0..4),
        labels in prop::collection::vec(".{0,8}", 0..25),
        text in ".{0,12}",
    ) {
        let mut c = LineChart::new(&text, &text, &text, &text).x_labels(labels);
        for (i, s) in series.into_iter().enumerate() {
            c = c.series(format!("{text}{i}"), s);
        }
        let svg = c.render();
        prop_assert!(check_xml(&svg).is_ok(), "{:?}\n{svg}", check_xml(&svg));
    }

    #[test]
    fn bar_charts_are_well_formed(
        bars in prop::collection::vec((".{0,8}", value()), 0..30),
        equal in prop::option::of((value(), 1..6usize)),
    ) {
        let mut c = BarChart::new("b", "t", "d", "none").legend("n");
        for (l, v) in &bars {
            c = c.bar(l.clone(), *v);
        }
        if let Some((v, n)) = equal {
            for i in 0..n {
                c = c.bar_with_text(format!("{i}"), v, "<x>");
            }
        }
        let svg = c.render();
        prop_assert!(check_xml(&svg).is_ok(), "{:?}\n{svg}", check_xml(&svg));
    }

    #[test]
    fn maps_are_well_formed(
        values in prop::collection::vec((0u8..100, value()), 0..30),
        classes in 0usize..12,
        points in prop::collection::vec((value(), value(), value(), ".{0,6}"), 0..20),
        only in prop::collection::vec(0u8..100, 0..3),
    ) {
        let vs: Vec<f64> = values.iter().map(|v| v.1).collect();
        let breaks = quantile_breaks(&vs, classes);
        let labels: Vec<String> = (0..=breaks.len()).map(|i| format!("<{i}>")).collect();
        let mut c = Choropleth::new(Palette::sequential(breaks.len() + 1), "&", labels, "—");
        for (code, v) in &values {
            if let Some(class) = maps::class_of(*v, &breaks) {
                c = c.value(*code, class, format!("{v}")).highlight(*code);
            }
        }
        let mut p = Points::new("red").legend("p").max_radius(points.len() as f64);
        for (lon, lat, v, l) in points {
            p = p.point(lon, lat, v, l);
        }
        let svg = Map::new("m", "t", "d").only(only).choropleth(c).points(p).render();
        prop_assert!(check_xml(&svg).is_ok(), "{:?}", check_xml(&svg));
        prop_assert!(svg.len() < 60_000);
    }

    #[test]
    fn quantile_breaks_ascend_and_classify_in_range(
        values in prop::collection::vec(value(), 0..40),
        n in 0usize..8,
    ) {
        let b = quantile_breaks(&values, n);
        prop_assert!(b.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(b.len() < n.max(1));
        for c in maps::classify(&values, &b).into_iter().flatten() {
            prop_assert!(c <= b.len());
        }
    }
}
