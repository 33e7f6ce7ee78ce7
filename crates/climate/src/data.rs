//! The data the crate works from: the embedded tables (derived by `data/derive.py`, credited
//! in `data/SOURCES.md`) plus the aimag livestock of `nooluur-mongolia`, gathered in one
//! [`Dataset`] that yearly imports can extend. Nothing is read at run time.
//!
//! Ulaanbaatar: the source's aimag-by-species rows for Ulaanbaatar are about twice the true
//! value (see the mongolia crate and the shared SOURCE.md). The dataset **halves** them (rounding
//! half up per species), which makes aimags + Ulaanbaatar match the national series.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::import::{
    self, HayPriceRow, ImportError, LivestockRow, NationalSuRow, PanelRow, SoumHayRow,
    SummerSpeiRow,
};
use crate::units::{Herd, Species};

const PANEL_TSV: &str = include_str!("../data/panel.tsv");
const SPEI_LATEST_TSV: &str = include_str!("../data/spei_latest.tsv");
const NATIONAL_SU_TSV: &str = include_str!("../data/national_sfu.tsv");
const AREA_TSV: &str = include_str!("../data/aimag_area.tsv");
const SOUM_HAY_TSV: &str = include_str!("../data/soum_hay.tsv");
const HAY_PRICE_TSV: &str = include_str!("../data/aimag_hay_price.tsv");
const GOAT_PRICE_TSV: &str = include_str!("../data/aimag_goat_price.tsv");

/// The Ulaanbaatar aimag code.
pub const ULAANBAATAR: u8 = 11;

/// All the figures the stocking, model and plan functions use.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Aimag-winter panel, keyed by (aimag code, year the winter ends).
    pub panel: BTreeMap<(u8, u16), PanelRow>,
    /// June–August SPEI-3 by (aimag code, summer year): the panel's prior-summer values plus
    /// the latest summer, which the autumn outlook for the next winter needs.
    pub summer_spei: BTreeMap<(u8, u16), f64>,
    /// Aimag head by species at the December census of a year (Ulaanbaatar halved).
    pub livestock: BTreeMap<(u8, u16), Herd>,
    /// National sheep units by year, million SU, as the source series gives them.
    pub national_su: BTreeMap<u16, f64>,
    /// Aimag area, km² (whole territory).
    pub area_km2: BTreeMap<u8, u64>,
    pub soum_hay: BTreeMap<u32, SoumHayRow>,
    /// Bale hay prices by (aimag code, `YYYY-MM`); aimag 0 is the national average.
    pub hay_price: BTreeMap<(u8, String), u64>,
    /// Autumn price of an adult goat by aimag, MNT per head.
    pub goat_price: BTreeMap<u8, u64>,
}

impl Dataset {
    /// The dataset compiled into the crate (parsed once).
    pub fn embedded() -> &'static Dataset {
        static DATA: OnceLock<Dataset> = OnceLock::new();
        // The tables are compiled in and parsed by a unit test: failing here is a build defect.
        DATA.get_or_init(|| Dataset::build().expect("embedded climate tables parse"))
    }

    fn build() -> Result<Dataset, ImportError> {
        let mut d = Dataset::default();
        d.add_panel(import::parse_panel(PANEL_TSV)?);
        d.add_summer_spei(import::parse_summer_spei(SPEI_LATEST_TSV)?);
        d.add_national_su(import::parse_national_su(NATIONAL_SU_TSV)?);
        d.area_km2 = import::parse_aimag_values(AREA_TSV, "area_km2")?
            .into_iter()
            .collect();
        d.add_soum_hay(import::parse_soum_hay(SOUM_HAY_TSV)?);
        d.add_hay_prices(import::parse_hay_prices(HAY_PRICE_TSV)?);
        d.goat_price = import::parse_aimag_values(GOAT_PRICE_TSV, "thousand_mnt_per_head")?
            .into_iter()
            .map(|(a, k)| (a, k * 1000))
            .collect();
        for a in mongolia::aimags() {
            for year in 1970..=2100u16 {
                let Some(l) = mongolia::aimag_livestock(a.code, year) else {
                    continue;
                };
                let mut herd = Herd::default();
                for s in Species::ALL {
                    let head = l.get(s).unwrap_or(0);
                    herd.set(
                        s,
                        if a.code == ULAANBAATAR {
                            head.div_ceil(2)
                        } else {
                            head
                        },
                    );
                }
                d.livestock.insert((a.code, year), herd);
            }
        }
        Ok(d)
    }

    /// Adds or replaces panel rows (a yearly update). Their prior-summer SPEI also enters
    /// [`Dataset::summer_spei`].
    pub fn add_panel(&mut self, rows: Vec<PanelRow>) {
        for r in rows {
            self.summer_spei
                .insert((r.aimag_code, r.year.saturating_sub(1)), r.spei_prev_summer);
            self.panel.insert((r.aimag_code, r.year), r);
        }
    }

    /// Adds or replaces livestock figures. Ulaanbaatar rows are taken as given (an update is
    /// expected to carry the true figure, not the source's doubled one).
    pub fn add_livestock(&mut self, rows: Vec<LivestockRow>) {
        for r in rows {
            self.livestock
                .entry((r.aimag_code, r.year))
                .or_default()
                .set(r.species, r.head);
        }
    }

    pub fn add_summer_spei(&mut self, rows: Vec<SummerSpeiRow>) {
        for r in rows {
            self.summer_spei.insert((r.aimag_code, r.year), r.spei);
        }
    }

    pub fn add_national_su(&mut self, rows: Vec<NationalSuRow>) {
        for r in rows {
            self.national_su.insert(r.year, r.million_su);
        }
    }

    pub fn add_soum_hay(&mut self, rows: Vec<SoumHayRow>) {
        for r in rows {
            self.soum_hay.insert(r.soum_code, r);
        }
    }

    pub fn add_hay_prices(&mut self, rows: Vec<HayPriceRow>) {
        for r in rows {
            self.hay_price
                .insert((r.aimag_code, r.month), r.mnt_per_bale);
        }
    }

    /// The latest bale price of an aimag (code 0: national), with its month.
    pub fn latest_hay_price(&self, aimag_code: u8) -> Option<(&str, u64)> {
        self.hay_price
            .range((aimag_code, String::new())..(aimag_code.saturating_add(1), String::new()))
            .next_back()
            .map(|((_, m), p)| (m.as_str(), *p))
    }

    /// The years the panel covers, first and last.
    pub fn panel_years(&self) -> Option<(u16, u16)> {
        let min = self.panel.keys().map(|k| k.1).min()?;
        let max = self.panel.keys().map(|k| k.1).max()?;
        Some((min, max))
    }

    /// Aimag head by species at a census, if known.
    pub fn herd(&self, aimag_code: u8, year: u16) -> Option<&Herd> {
        self.livestock.get(&(aimag_code, year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_and_cover_the_panel() {
        let d = Dataset::build().expect("parses");
        assert_eq!(d.panel.len(), 21 * 33);
        assert_eq!(d.panel_years(), Some((1992, 2024)));
        assert_eq!(d.area_km2.len(), 22);
        assert!(d.soum_hay.len() > 300);
        assert_eq!(d.latest_hay_price(0), Some(("2020-04", 8471)));
        // Every panel aimag has an area and livestock for the census two years before, except
        // Govisümber (42), created in 1994, whose series starts in 1991.
        for (a, y) in d.panel.keys() {
            assert!(d.area_km2.contains_key(a), "area of {a}");
            let known = d.herd(*a, y - 2).is_some();
            assert!(
                known || (*a == 42 && *y == 1992),
                "livestock of {a} in {}",
                y - 2
            );
        }
    }

    #[test]
    fn ulaanbaatar_is_halved() {
        let d = Dataset::embedded();
        // WFP soum files: 444,891 head in Ulaanbaatar in 2019; the source row says 889.8 k.
        let ub = d.herd(ULAANBAATAR, 2019).expect("UB 2019").head();
        assert!((440_000..450_000).contains(&ub), "{ub}");
    }
}
