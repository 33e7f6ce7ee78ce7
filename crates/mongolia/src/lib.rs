//! Reference data of Mongolia (pure): aimags, soums, herder households and livestock, as the
//! project derives them from public NSO tables (via WFP PRISM) and the `mongolia-dzud-drought`
//! repository, and the weather stations of IRIMHE with their temperature normals (via WFP
//! PRISM). `data/SOURCES.md` credits the sources; `data/derive.py` makes the tables.
//!
//! The tables are compiled in (`include_str!`) and parsed once, on first use: no I/O at run time.
//!
//! Codes follow the NSO: a soum has a 5-digit code (region digit, 2-digit aimag code, 2-digit
//! soum number: `18101` is Uliastai in Zavkhan); an aimag has a 2-digit code (`81`) and a 3-digit
//! NSO code (region digit + code: `181`). Ulaanbaatar is aimag `11` (`511`), its districts are
//! listed with the soums.
//!
//! Goat numbers per soum are **estimates**: the NSO soum table at hand gives only the total head
//! count, so [`Soum::goats_estimated_2019`] assumes the soum keeps its aimag's 2019 species mix.
//!
//! The weather stations ([`stations`], table `data/stations.tsv`) are the 343 rows of the PRISM
//! station file: position, elevation and long-term monthly and winter (DJF) mean temperatures.
//! Each lies in an aimag (by the aimag boundaries) and, for 322 of them, is matched by name to
//! an NSO soum of that aimag; the others have no soum, never a guessed one. The stations are
//! the project's only soum coordinates: [`soum_location`] is the mean position of a soum's
//! stations. 42 stations have no temperature data in the source, and some appear twice under
//! two ids (see [`Station`]).

mod stations;
mod tables;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

pub use stations::{Station, soum_location, stations, stations_of_soum};

/// The five economic regions of the NSO (the first digit of aimag and soum codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Western,
    Khangai,
    Central,
    Eastern,
    Ulaanbaatar,
}

impl Region {
    /// The region digit the NSO codes start with (1–5).
    pub fn digit(self) -> u8 {
        match self {
            Region::Western => 1,
            Region::Khangai => 2,
            Region::Central => 3,
            Region::Eastern => 4,
            Region::Ulaanbaatar => 5,
        }
    }
}

/// An aimag (province), or Ulaanbaatar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aimag {
    /// 2-digit NSO aimag code (`ADM1_PCODE` without `MN`), e.g. 81 for Zavkhan.
    pub code: u8,
    /// 3-digit NSO code: region digit + aimag code, e.g. 181.
    pub nso_code: u16,
    /// ISO 3166-2 subdivision code, e.g. `MN-057`.
    pub iso_3166_2: &'static str,
    pub region: Region,
    pub name_en: &'static str,
    pub name_mn: &'static str,
    /// Other romanisations used by the sources (PRISM boundaries, the dzud repository).
    pub alt_names: Vec<&'static str>,
    /// The aimag centre (capital town) and its approximate coordinates.
    pub centre_en: &'static str,
    pub centre_lat: f64,
    pub centre_lon: f64,
}

impl Aimag {
    /// Whether this is Ulaanbaatar, the capital, rather than an aimag.
    pub fn is_ulaanbaatar(&self) -> bool {
        self.code == 11
    }

    /// The aimag's soums (or Ulaanbaatar's districts), in code order.
    pub fn soums(&self) -> impl Iterator<Item = &'static Soum> + use<> {
        let code = self.code;
        soums().iter().filter(move |s| s.aimag_code == code)
    }
}

/// A soum (district of an aimag) or an Ulaanbaatar district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Soum {
    /// 5-digit NSO soum code, e.g. 18101.
    pub code: u32,
    /// 2-digit code of its aimag (digits 2–3 of the soum code).
    pub aimag_code: u8,
    pub name_en: &'static str,
    pub name_mn: &'static str,
    /// Herder households, NSO table DT_NSO_1001_027V1, 2019 (0: not listed, central UB districts).
    pub herder_households_2019: u32,
    /// Herder households, NSO table DT_NSO_1001_027V1, 2020 (0: not listed).
    pub herder_households_2020: u32,
    /// Livestock of all species, head, NSO table DT_NSO_1001_021V1, 2019.
    pub livestock_2019: u64,
    /// Livestock of all species, head, 2020 (the source gives thousand head to 3 decimals).
    pub livestock_2020: u64,
    /// **Estimated** goats, 2019: `livestock_2019` × the aimag's 2019 goat share of all head
    /// (dzud repository), rounded half up. Not an NSO figure.
    pub goats_estimated_2019: u64,
}

impl Soum {
    /// The code as the 5-digit string used in events (`cm:soum`) and URIs.
    pub fn code_str(&self) -> String {
        format!("{:05}", self.code)
    }

    /// Whether this is an Ulaanbaatar district rather than a soum of an aimag.
    pub fn is_ub_district(&self) -> bool {
        self.aimag_code == 11
    }

    /// The aimag the soum belongs to. Every soum's aimag exists (a unit test checks it).
    pub fn aimag(&self) -> Option<&'static Aimag> {
        aimag(self.aimag_code)
    }

    /// Herder households in `year` (2019 or 2020, the years the tables hold).
    pub fn herder_households(&self, year: u16) -> Option<u32> {
        match year {
            2019 => Some(self.herder_households_2019),
            2020 => Some(self.herder_households_2020),
            _ => None,
        }
    }
}

/// The livestock species of the NSO census.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Species {
    Camel,
    Cattle,
    Goat,
    Horse,
    Sheep,
}

impl Species {
    pub const ALL: [Species; 5] = [
        Species::Camel,
        Species::Cattle,
        Species::Goat,
        Species::Horse,
        Species::Sheep,
    ];
}

/// Head counts by species. The sources give thousand head to one decimal, so these are exact to
/// 100 head; `None` where the source has no figure (camels of some small units in some years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Livestock {
    pub camel: Option<u64>,
    pub cattle: Option<u64>,
    pub goat: Option<u64>,
    pub horse: Option<u64>,
    pub sheep: Option<u64>,
}

impl Livestock {
    pub fn get(&self, s: Species) -> Option<u64> {
        match s {
            Species::Camel => self.camel,
            Species::Cattle => self.cattle,
            Species::Goat => self.goat,
            Species::Horse => self.horse,
            Species::Sheep => self.sheep,
        }
    }

    /// All species given, in head.
    pub fn total(&self) -> u64 {
        Species::ALL.iter().filter_map(|&s| self.get(s)).sum()
    }
}

/// Sums over soums (nationally or for one aimag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub soums: u32,
    pub herder_households_2019: u64,
    pub herder_households_2020: u64,
    pub livestock_2019: u64,
    pub livestock_2020: u64,
    /// Sum of the soums' goat **estimates** (see [`Soum::goats_estimated_2019`]).
    pub goats_estimated_2019: u64,
}

impl Totals {
    fn of<'a>(soums: impl Iterator<Item = &'a Soum>) -> Totals {
        soums.fold(Totals::default(), |mut t, s| {
            t.soums += 1;
            t.herder_households_2019 += u64::from(s.herder_households_2019);
            t.herder_households_2020 += u64::from(s.herder_households_2020);
            t.livestock_2019 += s.livestock_2019;
            t.livestock_2020 += s.livestock_2020;
            t.goats_estimated_2019 += s.goats_estimated_2019;
            t
        })
    }
}

/// A soum code that cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("{0:?} is not an NSO soum code (5 digits, optionally prefixed MN)")]
    Malformed(String),
    #[error("no soum {0:05} in the NSO tables")]
    Unknown(u32),
}

struct Data {
    aimags: Vec<Aimag>,
    soums: Vec<Soum>,
    aimag_livestock: HashMap<(u8, u16), Livestock>,
    national_livestock: Vec<(u16, Livestock)>,
    national: Totals,
    stations: Vec<Station>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        // The tables are compiled in and parsed by the unit tests: failing here is a build defect.
        let aimags = tables::parse_aimags().expect("embedded aimags.tsv parses");
        let mut soums = tables::parse_soums().expect("embedded soums.tsv parses");
        soums.sort_by_key(|s| s.code);
        let national = Totals::of(soums.iter());
        let mut stations = tables::parse_stations().expect("embedded stations.tsv parses");
        stations.sort_by_key(|s| s.id);
        Data {
            aimags,
            soums,
            aimag_livestock: tables::parse_aimag_livestock()
                .expect("embedded aimag_livestock.tsv parses"),
            national_livestock: tables::parse_national_livestock()
                .expect("embedded national_livestock.tsv parses"),
            national,
            stations,
        }
    })
}

/// Every aimag and Ulaanbaatar (22 entries), in NSO code order.
pub fn aimags() -> &'static [Aimag] {
    &data().aimags
}

/// The aimag with this 2-digit code (`81`).
pub fn aimag(code: u8) -> Option<&'static Aimag> {
    aimags().iter().find(|a| a.code == code)
}

/// The aimag with this 3-digit NSO code (`181`).
pub fn aimag_by_nso_code(nso_code: u16) -> Option<&'static Aimag> {
    aimags().iter().find(|a| a.nso_code == nso_code)
}

/// The aimag with this name in any spelling the sources use (English, Mongolian or an
/// alternative romanisation), ignoring case.
pub fn aimag_by_name(name: &str) -> Option<&'static Aimag> {
    let name = name.trim().to_lowercase();
    aimags().iter().find(|a| {
        std::iter::once(a.name_en)
            .chain(std::iter::once(a.name_mn))
            .chain(a.alt_names.iter().copied())
            .any(|n| n.to_lowercase() == name)
    })
}

/// Every soum and Ulaanbaatar district (339 entries), in code order.
pub fn soums() -> &'static [Soum] {
    &data().soums
}

/// The soum with this 5-digit code.
pub fn soum(code: u32) -> Option<&'static Soum> {
    let s = soums();
    s.binary_search_by_key(&code, |x| x.code)
        .ok()
        .map(|i| &s[i])
}

/// Parses a soum code as events carry it (`"18101"`; `"MN18101"` as in PRISM files).
pub fn parse_soum_code(s: &str) -> Result<u32, CodeError> {
    let digits = s.strip_prefix("MN").unwrap_or(s);
    if digits.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Malformed(s.to_owned()));
    }
    digits
        .parse()
        .map_err(|_| CodeError::Malformed(s.to_owned()))
}

/// The soum named by a code string (see [`parse_soum_code`]).
pub fn soum_by_str(s: &str) -> Result<&'static Soum, CodeError> {
    let code = parse_soum_code(s)?;
    soum(code).ok_or(CodeError::Unknown(code))
}

/// The aimag of a soum code: digits 2–3, when the soum is known.
pub fn aimag_of_soum(code: u32) -> Option<&'static Aimag> {
    soum(code).and_then(Soum::aimag)
}

/// The soum's estimated goats (2019). See [`Soum::goats_estimated_2019`].
pub fn goats_estimate(soum: &Soum) -> u64 {
    soum.goats_estimated_2019
}

/// National sums over every soum and district.
pub fn national_totals() -> &'static Totals {
    &data().national
}

/// Sums over the soums of one aimag; `None` for an unknown aimag.
pub fn aimag_totals(code: u8) -> Option<Totals> {
    aimag(code).map(|a| Totals::of(a.soums()))
}

/// An aimag's livestock by species in a year (1970–2024; some units start later). Beware the
/// source quirk: Ulaanbaatar's rows (11) are about twice the true value.
pub fn aimag_livestock(code: u8, year: u16) -> Option<&'static Livestock> {
    data().aimag_livestock.get(&(code, year))
}

/// National livestock by species in a year (1970–2024).
pub fn national_livestock(year: u16) -> Option<&'static Livestock> {
    data()
        .national_livestock
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, l)| l)
}

/// The aimag's 2019 goat share as the fraction `(goats, all head)` that the soum goat estimates
/// use, in head.
pub fn goat_share_2019(aimag_code: u8) -> Option<(u64, u64)> {
    let l = aimag_livestock(aimag_code, 2019)?;
    Some((l.goat?, l.total()))
}

#[cfg(test)]
mod tests;
