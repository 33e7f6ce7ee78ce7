//! Weather stations of IRIMHE as the WFP PRISM application lists them (`data/stations.tsv`,
//! written by `data/derive.py`), and the soum positions they give.

use serde::Serialize;

use crate::{Aimag, Soum, aimag, data, soum};

/// A weather station with its long-term temperature normals.
///
/// The source lists some stations twice, under two ids and with identical rows (all of them
/// without temperature data): both rows are kept, and [`soum_location`] counts each position once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Station {
    /// The source's station id (1–343).
    pub id: u32,
    /// The NSO soum the station names, in its aimag; `None` when the name matches no soum (a
    /// town, settlement or place that is not a soum name, or a spelling the matching does not
    /// bridge). Never a soum of another aimag.
    pub soum_code: Option<u32>,
    /// 2-digit NSO code of the aimag whose boundary contains the station.
    pub aimag_code: u8,
    /// The station name as the source spells it (PRISM romanisation: `x` for kh, `c` for ts,
    /// `o'`/`u'` for ö/ü, e.g. `CHuluut`, `Xu'reemaral`).
    pub name: &'static str,
    /// Latitude and longitude, degrees (WGS 84), 5 decimals.
    pub lat: f64,
    pub lon: f64,
    /// Elevation in metres: the source's `rasterheight` (a terrain raster at the point), 0.1 m.
    pub elevation_m: f64,
    /// Long-term mean air temperature per month, January first, °C to 0.01: the mean of the
    /// month's three dekad (10-day) normals. `None` when the source has no data for the station.
    pub monthly_c: Option<[f64; 12]>,
    /// Long-term winter (December–February) mean temperature, °C to 0.01: the unweighted mean of
    /// the 9 dekad normals of December, January and February. `None` with `monthly_c`.
    pub winter_c: Option<f64>,
}

impl Station {
    /// The soum the station is matched to, if any.
    pub fn soum(&self) -> Option<&'static Soum> {
        self.soum_code.and_then(soum)
    }

    /// The aimag the station lies in.
    pub fn aimag(&self) -> Option<&'static Aimag> {
        aimag(self.aimag_code)
    }
}

/// Every weather station of the source (343), in id order.
pub fn stations() -> &'static [Station] {
    &data().stations
}

/// The stations matched to a soum (none for a soum without station or an unknown code).
pub fn stations_of_soum(code: u32) -> impl Iterator<Item = &'static Station> + use<> {
    stations().iter().filter(move |s| s.soum_code == Some(code))
}

/// A soum's position `(lat, lon)`: the mean of its stations' positions, each distinct position
/// counted once (the source repeats some stations). `None` when no station is matched to it.
pub fn soum_location(code: u32) -> Option<(f64, f64)> {
    let mut seen: Vec<(f64, f64)> = Vec::new();
    for s in stations_of_soum(code) {
        if !seen.contains(&(s.lat, s.lon)) {
            seen.push((s.lat, s.lon));
        }
    }
    if seen.is_empty() {
        return None;
    }
    let n = seen.len() as f64;
    let (lat, lon) = seen
        .iter()
        .fold((0.0, 0.0), |(a, b), (lat, lon)| (a + lat, b + lon));
    Some((lat / n, lon / n))
}

#[cfg(test)]
mod tests;
