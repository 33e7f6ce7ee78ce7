//! Rendering: snapshots of a small map and two charts, sizes, accessibility, determinism.

mod common;

use common::check_xml;
use maps::{BarChart, Choropleth, LineChart, Map, Palette, Points};

fn risk_labels() -> Vec<String> {
    (1..=5).map(|c| format!("Risk {c}")).collect()
}

/// The whole country: every aimag with a class, a highlight and aimag-centre points.
fn full_map() -> String {
    let mut c = Choropleth::new(Palette::risk(), "Dzud risk", risk_labels(), "no data");
    for (i, a) in mongolia::aimags().iter().enumerate() {
        c = c.value(a.code, i % 5, format!("{}: risk {}", a.name_mn, i % 5 + 1));
    }
    let mut p = Points::new("#333").legend("Herder households");
    for a in mongolia::aimags() {
        p = p.aimag_centre(a.code, f64::from(a.code), a.centre_en);
    }
    Map::new(
        "risk",
        "Dzud risk by aimag",
        "Risk class 1 to 5 of each aimag, winter 2025",
    )
    .choropleth(c.highlight(81))
    .points(p)
    .render()
}

#[test]
fn full_map_is_small_well_formed_and_accessible() {
    let svg = full_map();
    // MAPS_WRITE_SVG=dir keeps the map for a look in a browser.
    if let Ok(dir) = std::env::var("MAPS_WRITE_SVG") {
        std::fs::write(format!("{dir}/full_map.svg"), &svg).unwrap();
    }
    check_xml(&svg).unwrap();
    assert!(svg.len() < 30_000, "{} bytes", svg.len());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(r#"role="img" aria-labelledby="risk-t risk-d""#));
    assert_eq!(svg.matches("<path d=\"M").count(), 22 + 2 + 1); // aimags, highlight, hatch
    assert_eq!(svg.matches("<circle").count(), 22 + 1); // centres + the legend swatch
    assert!(!svg.contains("no data"), "every aimag has a value");
    assert_eq!(svg, full_map(), "deterministic");
    let hash = svg.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    insta::assert_snapshot!(
        "full_map_fnv_and_size",
        format!("{hash:016x} {}", svg.len())
    );
}

#[test]
fn small_choropleth_snapshot() {
    let svg = Map::new("ub-area", "Ulaanbaatar & Töv", "Deliveries <2025>")
        .only([11, 41, 42])
        .choropleth(
            Choropleth::new(
                Palette::sequential(3),
                "Kilos",
                ["< 10", "10 – 100", "≥ 100"],
                "no data",
            )
            .value(41, 2, "Төв: 120 kg")
            .value(11, 0, "Улаанбаатар: 4 kg")
            .names([(42, "Говьсүмбэр")])
            .highlight(41),
        )
        .points(Points::new("#0072b2").point(106.9, 47.9, 10.0, "Collection point \"A\""))
        .render();
    check_xml(&svg).unwrap();
    assert!(svg.contains("<title>Говьсүмбэр: no data</title>"));
    assert!(svg.contains("url(#ub-area-nd)"));
    assert!(svg.contains("Ulaanbaatar &amp; Töv") && svg.contains("&lt;2025&gt;"));
    insta::assert_snapshot!("small_choropleth", svg);
}

fn line() -> LineChart {
    LineChart::new(
        "prices",
        "Weekly price",
        "Raw cashmere, MNT per kg",
        "No prices yet",
    )
    .x_labels(["W1", "W2", "W3", "W4", "W5"])
    .series(
        "Khovd",
        vec![112_000.0, 115_500.0, f64::NAN, 118_000.0, 121_000.0],
    )
    .series("Zavkhan", vec![108_000.0, 109_000.0, 111_000.0])
    .y_format(|v| format!("{}k", v / 1000.0))
}

#[test]
fn line_chart_snapshot() {
    let svg = line().render();
    check_xml(&svg).unwrap();
    assert_eq!(svg, maps::line_chart(&line()));
    assert!(svg.contains("<title>Khovd, W2: 115.5k</title>"));
    assert_eq!(svg.matches("<circle").count(), 4 + 3);
    insta::assert_snapshot!("line_chart", svg);
}

#[test]
fn bar_chart_snapshot() {
    let svg = BarChart::new(
        "deliveries",
        "Deliveries",
        "Kilos delivered by month",
        "None",
    )
    .bar("Mar", 120.0)
    .bar("Apr", 860.5)
    .bar_with_text("May", 1430.0, "1 430 kg")
    .bar("Jun", f64::INFINITY)
    .legend("kg")
    .render();
    check_xml(&svg).unwrap();
    assert!(svg.contains("<title>May: 1 430 kg</title>"));
    assert_eq!(svg.matches("<rect").count(), 3 + 1);
    insta::assert_snapshot!("bar_chart", svg);
}

#[test]
fn empty_charts_say_no_data() {
    let svg = LineChart::new("e", "T", "D", "Мэдээлэл алга").render();
    check_xml(&svg).unwrap();
    assert!(svg.contains(">Мэдээлэл алга</text>"));
    let svg = BarChart::new("e", "T", "D", "none")
        .bar("a", f64::NAN)
        .render();
    assert!(svg.contains(">none</text>"));
}

#[test]
fn map_without_layers_and_with_empty_choropleth() {
    let svg = Map::new("base", "Mongolia", "Aimags").render();
    check_xml(&svg).unwrap();
    assert!(!svg.contains("<title>") || svg.matches("<title").count() == 1);
    let svg = Map::new("e", "T", "D")
        .choropleth(Choropleth::new(
            Palette::sequential(5),
            "",
            Vec::<String>::new(),
            "n/a",
        ))
        .render();
    check_xml(&svg).unwrap();
    assert_eq!(svg.matches("<title>n/a</title>").count(), 22);
    assert!(
        svg.contains(">n/a</text>"),
        "the legend explains the hatching"
    );
}
