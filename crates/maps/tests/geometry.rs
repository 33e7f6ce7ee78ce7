//! The embedded, simplified boundaries agree with the source GeoJSON (when it is at hand) and
//! cover every aimag of the reference tables.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};

use serde_json::Value;

fn source() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mongolia/wfp-prism-app/mng_adm1_nso_match_1212_mn.json"
    ));
    p.is_file().then(|| p.to_path_buf())
}

/// Signed area and area-weighted centroid sums of a ring (shoelace), in map units.
fn ring_moments(pts: &[(f64, f64)]) -> (f64, f64, f64) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..pts.len() {
        let (x1, y1) = pts[i];
        let (x2, y2) = pts[(i + 1) % pts.len()];
        let c = x1 * y2 - x2 * y1;
        a += c;
        cx += (x1 + x2) * c;
        cy += (y1 + y2) * c;
    }
    (a / 2.0, cx / 6.0, cy / 6.0)
}

/// Area and centroid of rings given as (points, is_outer).
fn area_centroid(rings: &[(Vec<(f64, f64)>, bool)]) -> (f64, (f64, f64)) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (pts, outer) in rings {
        let (ra, rx, ry) = ring_moments(pts);
        // Orientation in the source is not relied on: outer rings add, holes subtract.
        let s = if (ra > 0.0) == *outer { 1.0 } else { -1.0 };
        a += s * ra;
        cx += s * rx;
        cy += s * ry;
    }
    (a, (cx / a, cy / a))
}

#[test]
fn simplified_aimags_agree_with_the_source() {
    let Some(path) = source() else {
        eprintln!("../shared is absent: skipping the comparison with the source boundaries");
        return;
    };
    let gj: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let features = gj["features"].as_array().unwrap();
    assert_eq!(features.len(), 22);
    for f in features {
        let pcode = f["properties"]["ADM1_PCODE"].as_str().unwrap();
        let code: u8 = pcode.strip_prefix("MN").unwrap().parse().unwrap();
        let mut original = Vec::new();
        for poly in f["geometry"]["coordinates"].as_array().unwrap() {
            for (k, ring) in poly.as_array().unwrap().iter().enumerate() {
                let pts: Vec<(f64, f64)> = ring
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| maps::project(p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                    .collect();
                original.push((pts, k == 0));
            }
        }
        let embedded: Vec<(Vec<(f64, f64)>, bool)> = maps::aimag_rings(code)
            .unwrap_or_else(|| panic!("no geometry for {pcode}"))
            .iter()
            .map(|r| {
                let pts: Vec<(f64, f64)> = r
                    .iter()
                    .map(|&(x, y)| (f64::from(x), f64::from(y)))
                    .collect();
                // The embedded file's own convention: outer rings positive, holes negative.
                let outer = ring_moments(&pts).0 > 0.0;
                (pts, outer)
            })
            .collect();
        let (a0, c0) = area_centroid(&original);
        let (a1, c1) = area_centroid(&embedded);
        let rel = (a1 - a0).abs() / a0;
        // Orkhon is about 12 units across, where rounding vertices to whole units alone moves
        // the area by a few percent; every larger aimag stays well within 3 %.
        let limit = if a0 < 500.0 { 0.05 } else { 0.03 };
        assert!(
            rel < limit,
            "{pcode}: area {a1:.0} vs {a0:.0} ({:.1} %)",
            rel * 100.0
        );
        let dist = ((c1.0 - c0.0).powi(2) + (c1.1 - c0.1).powi(2)).sqrt();
        assert!(dist < 1.0, "{pcode}: centroid off by {dist:.2} units");
    }
}

/// Even-odd point-in-polygon over all rings of an aimag.
fn contains(rings: &[maps::Ring], (px, py): (f64, f64)) -> bool {
    let mut inside = false;
    for r in rings {
        for i in 0..r.len() {
            let (x1, y1) = (f64::from(r[i].0), f64::from(r[i].1));
            let j = (i + 1) % r.len();
            let (x2, y2) = (f64::from(r[j].0), f64::from(r[j].1));
            if (y1 > py) != (y2 > py) && px < x1 + (py - y1) * (x2 - x1) / (y2 - y1) {
                inside = !inside;
            }
        }
    }
    inside
}

#[test]
fn every_aimag_has_geometry_and_its_centre_lies_inside() {
    let codes: Vec<u8> = maps::aimag_codes().collect();
    for a in mongolia::aimags() {
        assert!(codes.contains(&a.code), "no geometry for aimag {}", a.code);
        let rings = maps::aimag_rings(a.code).unwrap();
        let p = maps::project(a.centre_lon, a.centre_lat);
        assert!(
            contains(rings, p),
            "centre of {} at {p:?} outside it",
            a.name_en
        );
    }
    assert_eq!(codes.len(), mongolia::aimags().len());
}
