//! Built-in mortality series for hindcasts: by aimag, species and year (1992–2024) and
//! nationally (1992–2024), deaths over the prior year's stock, in millionths. Derived by
//! `data/derive.py` from NSO figures carried by the `mongolia-dzud-drought` repository
//! (`data/SOURCES.md`). There is no soum-level series: a soum policy's hindcast falls back to
//! its aimag, and each year says so.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use mongolia::Species;

use super::policy::{IndexLevel, MortalityPoint};
use crate::decimal::Rate;

const AIMAG_TSV: &str = include_str!("../../data/mortality_aimag.tsv");
const NATIONAL_TSV: &str = include_str!("../../data/mortality_national.tsv");

/// Columns after the keys, in this order.
const SPECIES: [Species; 5] = [
    Species::Camel,
    Species::Cattle,
    Species::Goat,
    Species::Horse,
    Species::Sheep,
];

type Row = [Option<Rate>; 5];

fn rows(text: &str, keys: usize) -> Vec<(Vec<i32>, Row)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != keys + 5 {
            continue;
        }
        let Ok(k) = cells[..keys]
            .iter()
            .map(|c| c.parse::<i32>())
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let mut row: Row = [None; 5];
        for (slot, cell) in row.iter_mut().zip(&cells[keys..]) {
            *slot = cell.parse::<u32>().ok().and_then(Rate::from_ppm);
        }
        out.push((k, row));
    }
    out
}

fn aimag_table() -> &'static BTreeMap<(u8, i32), Row> {
    static T: OnceLock<BTreeMap<(u8, i32), Row>> = OnceLock::new();
    T.get_or_init(|| {
        rows(AIMAG_TSV, 2)
            .into_iter()
            .filter_map(|(k, row)| Some(((u8::try_from(k[0]).ok()?, k[1]), row)))
            .collect()
    })
}

fn national_table() -> &'static BTreeMap<i32, Row> {
    static T: OnceLock<BTreeMap<i32, Row>> = OnceLock::new();
    T.get_or_init(|| {
        rows(NATIONAL_TSV, 1)
            .into_iter()
            .map(|(k, r)| (k[0], r))
            .collect()
    })
}

fn column(species: Species) -> usize {
    SPECIES.iter().position(|&s| s == species).unwrap_or(0)
}

/// The aimag's mortality of `species` per year (empty for an unknown aimag or Ulaanbaatar).
pub fn aimag_mortality(aimag: u8, species: Species) -> Vec<MortalityPoint> {
    let c = column(species);
    aimag_table()
        .range((aimag, i32::MIN)..=(aimag, i32::MAX))
        .filter_map(|(&(_, year), row)| {
            row[c].map(|mortality| MortalityPoint {
                year,
                level: IndexLevel::Aimag,
                mortality,
            })
        })
        .collect()
}

/// National mortality of `species` per year.
pub fn national_mortality(species: Species) -> Vec<MortalityPoint> {
    let c = column(species);
    national_table()
        .iter()
        .filter_map(|(&year, row)| {
            row[c].map(|mortality| MortalityPoint {
                year,
                level: IndexLevel::National,
                mortality,
            })
        })
        .collect()
}

/// The aimag's series and the national one together: [`super::hindcast`] uses the aimag's
/// figure where there is one and the national figure otherwise.
pub fn mortality_series(aimag: u8, species: Species) -> Vec<MortalityPoint> {
    let mut s = aimag_mortality(aimag, species);
    s.extend(national_mortality(species));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete() {
        assert_eq!(aimag_table().len(), 21 * 33);
        assert_eq!(national_table().len(), 33);
        // 2009/10: goats died at 25.2 % of the 2009 stock nationally (domain-facts §4.2).
        let goat = national_mortality(Species::Goat);
        let y2010 = goat.iter().find(|p| p.year == 2010).expect("2010");
        assert_eq!(y2010.mortality.to_string(), "0.252128");
        let ark = mongolia::aimag_by_name("Arkhangai").expect("aimag").code;
        assert_eq!(aimag_mortality(ark, Species::Goat).len(), 33);
        assert!(aimag_mortality(11, Species::Goat).is_empty());
    }
}
