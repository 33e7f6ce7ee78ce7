//! The embedded aimag boundaries and the projection they were drawn in.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::Error;

const AIMAGS_TXT: &str = include_str!("../data/aimags.txt");

// The plane of data/aimags.txt; data/derive.py uses the same constants and writes them into the
// file's `#! projection` header, which a test compares with these.
pub(crate) const LON0: f64 = 87.5;
pub(crate) const LAT0: f64 = 52.4;
pub(crate) const SCALE: f64 = 44.0;
pub(crate) const OFFSET_X: f64 = 10.0;
pub(crate) const OFFSET_Y: f64 = 10.0;
/// Width of the map frame in viewBox units.
pub const MAP_WIDTH: f64 = 1000.0;
/// Height of the map frame (the legend goes below it).
pub const MAP_HEIGHT: f64 = 496.0;
/// The Douglas–Peucker tolerance the embedded boundaries were simplified with, in map units.
pub const GEOMETRY_TOLERANCE: f64 = 0.5;

/// Projects a longitude and latitude (degrees, WGS 84) to map units: equirectangular, with
/// longitude scaled by cos 47° (the country's middle latitude) so shapes keep their proportions.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let kx = 47.0_f64.to_radians().cos();
    (
        OFFSET_X + (lon - LON0) * kx * SCALE,
        OFFSET_Y + (LAT0 - lat) * SCALE,
    )
}

/// A closed ring of integer map-unit vertices (the closing vertex is not repeated). Outer rings
/// have positive shoelace area in screen coordinates (y down), holes negative.
pub type Ring = Vec<(i32, i32)>;

/// Boundaries by 2-digit aimag code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Geometry {
    pub aimags: BTreeMap<u8, Vec<Ring>>,
    /// The `#! projection` header: lon0, lat0, scale, offset x, offset y, width, height.
    pub projection: Vec<f64>,
}

/// Parses the text format of `data/aimags.txt` (`code<TAB>x,y x,y …`, `#` comments).
pub fn parse_geometry(text: &str) -> Result<Geometry, Error> {
    let mut g = Geometry::default();
    for (i, line) in text.lines().enumerate() {
        let err = |reason: &str| Error::Geometry {
            line: i + 1,
            reason: reason.to_string(),
        };
        if let Some(rest) = line.strip_prefix("#! projection") {
            g.projection = rest
                .split_whitespace()
                .map(|t| t.parse::<f64>().map_err(|_| err("bad projection header")))
                .collect::<Result<_, _>>()?;
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (code, pts) = line.split_once('\t').ok_or_else(|| err("no tab"))?;
        let code: u8 = code.parse().map_err(|_| err("bad aimag code"))?;
        let ring = pts
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect::<Option<Ring>>()
            .ok_or_else(|| err("bad vertex"))?;
        if ring.len() < 3 {
            return Err(err("ring of fewer than 3 vertices"));
        }
        g.aimags.entry(code).or_default().push(ring);
    }
    Ok(g)
}

/// The embedded boundaries, parsed once. A test checks that the embedded text parses; were it
/// ever broken, maps would come out empty rather than take the server down.
pub fn geometry() -> &'static Geometry {
    static G: OnceLock<Geometry> = OnceLock::new();
    G.get_or_init(|| parse_geometry(AIMAGS_TXT).unwrap_or_default())
}

/// The rings of an aimag (or Ulaanbaatar, 11).
pub fn aimag_rings(code: u8) -> Option<&'static [Ring]> {
    geometry().aimags.get(&code).map(Vec::as_slice)
}

/// Codes of the aimags with geometry, ascending.
pub fn aimag_codes() -> impl Iterator<Item = u8> {
    geometry().aimags.keys().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_geometry_parses_and_header_matches_constants() {
        let g = parse_geometry(AIMAGS_TXT).unwrap();
        assert_eq!(g.aimags.len(), 22);
        assert_eq!(
            g.projection,
            vec![LON0, LAT0, SCALE, OFFSET_X, OFFSET_Y, MAP_WIDTH, MAP_HEIGHT]
        );
        assert!(AIMAGS_TXT.contains(&format!("#! tolerance {GEOMETRY_TOLERANCE}\n")));
        for rings in g.aimags.values() {
            for r in rings {
                for &(x, y) in r {
                    assert!((0..=MAP_WIDTH as i32).contains(&x));
                    assert!((0..=MAP_HEIGHT as i32).contains(&y));
                }
            }
        }
    }

    #[test]
    fn bad_lines_are_reported() {
        assert!(parse_geometry("81\t1,2 3,4").is_err());
        assert!(parse_geometry("x\t1,2 3,4 5,6").is_err());
        assert!(parse_geometry("81 1,2").is_err());
        assert!(parse_geometry("81\t1,2 3;4 5,6").is_err());
        assert_eq!(
            parse_geometry("# c\n81\t1,2 3,4 5,6\n").unwrap().aimags[&81],
            vec![vec![(1, 2), (3, 4), (5, 6)]]
        );
    }

    #[test]
    fn projection_corners() {
        let (x, y) = project(LON0, LAT0);
        assert_eq!((x, y), (OFFSET_X, OFFSET_Y));
        let (x, y) = project(119.93, 41.58);
        assert!(x < MAP_WIDTH - 10.0 && y < MAP_HEIGHT - 9.0);
    }
}
