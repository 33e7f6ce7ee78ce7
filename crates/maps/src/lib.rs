//! Maps and charts as inline SVG, rendered by the server: no tiles, no JavaScript, no requests.
//!
//! - [`Map`]: the aimags of Mongolia from simplified boundaries the crate carries
//!   (`data/aimags.txt`, credited in `data/SOURCES.md`), with a [`Choropleth`] and [`Points`]
//!   layers drawn in one SVG. [`project`] puts any (lon, lat) in the same plane.
//! - [`LineChart`], [`BarChart`]: small accessible charts.
//! - [`classify`], [`quantile_breaks`], [`Palette`]: classes and colours.
//!
//! Every visible string comes from the caller (pages are in Mongolian and English); every
//! string is XML-escaped. Output is deterministic: the same input gives the same bytes, and
//! numbers are printed with at most one decimal. Each SVG carries an `id` given by the caller,
//! used as the prefix of its element ids, because several SVGs inline in one page share one
//! id space (`aria-labelledby`, hatch patterns).

mod chart;
mod geo;
mod map;
mod scale;
mod svg;

pub use chart::{BarChart, LineChart, bar_chart, line_chart};
pub use geo::{
    GEOMETRY_TOLERANCE, Geometry, MAP_HEIGHT, MAP_WIDTH, Ring, aimag_codes, aimag_rings, geometry,
    parse_geometry, project,
};
pub use map::{Choropleth, Map, Points};
pub use scale::{Palette, class_of, classify, quantile_breaks, range_labels};
pub use svg::escape;

/// Errors of this crate: only the parsing of geometry text can fail.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("geometry line {line}: {reason}")]
    Geometry { line: usize, reason: String },
}
