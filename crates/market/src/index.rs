//! Weekly price index of raw cashmere from settled auctions and recorded sales.
//!
//! # Method
//!
//! Sales are grouped by colour, grade, aimag and ISO 8601 week (`2024-W15`, weeks start on
//! Monday and belong to the year that holds their Thursday). Each group reports the number of
//! sales, the volume (clean grams), the value (MNT) and the **volume-weighted average price**
//! `value × 1000 / volume_g` MNT per kg, rounded to the nearest MNT with halves up. The
//! all-Mongolia series (`aimag: null`) groups by colour, grade and week only.
//!
//! The **index number** is fixed-base: `100 × (value_w / volume_w) / (value_b / volume_b)`
//! where `b` is the base week — the one asked for, or each series' first week when none is —
//! computed from the exact totals (not the rounded prices) and rounded to two decimals,
//! halves up. A series with no sale in the base week, or a zero base price, has no index.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::decimal::div_round_half_up;
use crate::intake::Colour;

/// A sale for the index: a cleared auction lot or a recorded private sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
    /// Day of the sale.
    pub date: NaiveDate,
    /// Colour class of the lot.
    pub colour: Colour,
    /// Grade of the lot.
    pub grade: String,
    /// Aimag code of the lot's origin (the caller's coding, e.g. ISO 3166-2 `MN-073`).
    pub aimag: String,
    /// Clean weight sold, grams.
    pub clean_g: u64,
    /// Total price, MNT.
    pub price_mnt: u64,
}

/// An ISO 8601 week, written `2024-W05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    /// The ISO week holding `date`.
    pub fn of(date: NaiveDate) -> Week {
        let w = date.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }

    /// ISO week-numbering year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Week of the year, 1–53.
    pub fn week(self) -> u32 {
        self.week
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// A week that is not `YYYY-Www` or does not exist (week 53 of a 52-week year).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an ISO week (expected YYYY-Www, e.g. 2024-W05)")]
pub struct WeekError(String);

impl FromStr for Week {
    type Err = WeekError;

    /// ```
    /// let w: market::index::Week = "2024-W05".parse().unwrap();
    /// assert_eq!((w.year(), w.week()), (2024, 5));
    /// assert!("2021-W53".parse::<market::index::Week>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Week, WeekError> {
        let err = || WeekError(s.to_owned());
        let (y, w) = s.split_once("-W").ok_or_else(err)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(w, 2) {
            return Err(err());
        }
        let (year, week) = (y.parse().map_err(|_| err())?, w.parse().map_err(|_| err())?);
        NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).ok_or_else(err)?;
        Ok(Week { year, week })
    }
}

impl Serialize for Week {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Week {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// One week of one series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPoint {
    /// ISO week.
    pub week: Week,
    /// Number of sales.
    pub sales: u64,
    /// Clean grams sold.
    pub volume_g: u64,
    /// MNT paid.
    pub value_mnt: u64,
    /// Volume-weighted average price, MNT per kg (nearest, halves up).
    pub price_mnt_per_kg: u64,
    /// Fixed-base index number, base week = 100, two decimals (`"104.35"`).
    pub index: Option<String>,
}

/// A weekly series for one colour and grade, in one aimag or all Mongolia.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSeries {
    /// Colour class.
    pub colour: Colour,
    /// Grade.
    pub grade: String,
    /// Aimag code; `null` for the all-Mongolia series.
    pub aimag: Option<String>,
    /// The base week of the index numbers; `null` when the series has no sale in it.
    pub base_week: Option<Week>,
    /// Weeks with sales, in order.
    pub points: Vec<IndexPoint>,
}

/// The index: every series, all-Mongolia first within a colour and grade, then by aimag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceIndex {
    /// The base week asked for; `null`: each series' first week.
    pub base_week: Option<Week>,
    /// The series.
    pub series: Vec<IndexSeries>,
}

/// Why the index could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// A record without grade or aimag.
    #[error("records[{index}].{field} is empty")]
    Empty {
        /// Position of the record.
        index: usize,
        /// `grade` or `aimag`.
        field: &'static str,
    },
    /// A record with no weight: it has no price per kg.
    #[error("records[{0}].clean_g is zero")]
    ZeroWeight(usize),
    /// Totals beyond 64 bits.
    #[error("totals too large")]
    TooLarge,
}

#[derive(Default, Clone, Copy)]
struct Totals {
    sales: u64,
    volume: u64,
    value: u64,
}

type Key = (Colour, String, Option<String>);

/// Computes the index from `records` (in any order).
///
/// ```
/// use market::index::{price_index, SaleRecord};
/// use market::intake::Colour;
/// let sale = |date: &str, kg: u64, price: u64| SaleRecord {
///     date: date.parse().unwrap(), colour: Colour::White, grade: "I".into(),
///     aimag: "MN-051".into(), clean_g: kg * 1000, price_mnt: price,
/// };
/// let records = [
///     sale("2024-04-01", 100, 10_000_000), // 100 000 MNT/kg
///     sale("2024-04-03", 300, 31_500_000), // 105 000 MNT/kg
///     sale("2024-04-10", 200, 21_600_000), // 108 000 MNT/kg
/// ];
/// let index = price_index(&records, Some("2024-W14".parse().unwrap())).unwrap();
/// let national = &index.series[0];
/// assert_eq!(national.aimag, None);
/// assert_eq!(national.points[0].price_mnt_per_kg, 103_750); // 41.5 M MNT / 400 kg
/// assert_eq!(national.points[1].index.as_deref(), Some("104.10"));
/// assert!(index.to_csv().starts_with("level,colour,grade,aimag,week,"));
/// ```
pub fn price_index(
    records: &[SaleRecord],
    base_week: Option<Week>,
) -> Result<PriceIndex, IndexError> {
    let mut cells: BTreeMap<Key, BTreeMap<Week, Totals>> = BTreeMap::new();
    for (index, r) in records.iter().enumerate() {
        if r.grade.is_empty() {
            return Err(IndexError::Empty {
                index,
                field: "grade",
            });
        }
        if r.aimag.is_empty() {
            return Err(IndexError::Empty {
                index,
                field: "aimag",
            });
        }
        if r.clean_g == 0 {
            return Err(IndexError::ZeroWeight(index));
        }
        let week = Week::of(r.date);
        for aimag in [None, Some(r.aimag.clone())] {
            let t = cells
                .entry((r.colour, r.grade.clone(), aimag))
                .or_default()
                .entry(week)
                .or_default();
            t.sales += 1;
            t.volume = t
                .volume
                .checked_add(r.clean_g)
                .ok_or(IndexError::TooLarge)?;
            t.value = t
                .value
                .checked_add(r.price_mnt)
                .ok_or(IndexError::TooLarge)?;
        }
    }
    let series = cells
        .into_iter()
        .map(|((colour, grade, aimag), weeks)| series(colour, grade, aimag, &weeks, base_week))
        .collect::<Result<_, _>>()?;
    Ok(PriceIndex { base_week, series })
}

fn series(
    colour: Colour,
    grade: String,
    aimag: Option<String>,
    weeks: &BTreeMap<Week, Totals>,
    asked: Option<Week>,
) -> Result<IndexSeries, IndexError> {
    let base_week = match asked {
        Some(w) => weeks.contains_key(&w).then_some(w),
        None => weeks.keys().next().copied(),
    };
    let base = base_week.and_then(|w| weeks.get(&w)).copied();
    let mut points = Vec::with_capacity(weeks.len());
    for (&week, t) in weeks {
        let per_kg = div_round_half_up(u128::from(t.value) * 1000, u128::from(t.volume))
            .and_then(|v| u64::try_from(v).ok())
            .ok_or(IndexError::TooLarge)?;
        let index = match base {
            Some(b) if b.value > 0 => Some(index_number(t, &b)?),
            _ => None,
        };
        points.push(IndexPoint {
            week,
            sales: t.sales,
            volume_g: t.volume,
            value_mnt: t.value,
            price_mnt_per_kg: per_kg,
            index,
        });
    }
    Ok(IndexSeries {
        colour,
        grade,
        aimag,
        base_week,
        points,
    })
}

/// `100 × (v_w / q_w) / (v_b / q_b)` to two decimals, halves up.
fn index_number(w: &Totals, b: &Totals) -> Result<String, IndexError> {
    let num = u128::from(w.value)
        .checked_mul(u128::from(b.volume))
        .and_then(|v| v.checked_mul(10_000))
        .ok_or(IndexError::TooLarge)?;
    let den = u128::from(w.volume) * u128::from(b.value);
    let hundredths = div_round_half_up(num, den).ok_or(IndexError::TooLarge)?;
    Ok(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

impl PriceIndex {
    /// The index as CSV (RFC 4180 quoting, `\n` line ends), one row per series and week:
    /// `level,colour,grade,aimag,week,sales,volume_g,value_mnt,price_mnt_per_kg,index`, where
    /// `level` is `national` (empty `aimag`) or `aimag`, and `index` is empty when there is none.
    ///
    /// ```
    /// use market::index::{price_index, SaleRecord};
    /// let sale = SaleRecord { date: "2024-04-01".parse().unwrap(),
    ///     colour: market::Colour::Brown, grade: "II".into(), aimag: "MN-039".into(),
    ///     clean_g: 2_000, price_mnt: 214_000 };
    /// let csv = price_index(&[sale], None).unwrap().to_csv();
    /// assert_eq!(csv.lines().nth(1), Some("national,brown,II,,2024-W14,1,2000,214000,107000,100.00"));
    /// ```
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "level,colour,grade,aimag,week,sales,volume_g,value_mnt,price_mnt_per_kg,index\n",
        );
        for s in &self.series {
            let level = if s.aimag.is_some() {
                "aimag"
            } else {
                "national"
            };
            for p in &s.points {
                let row = [
                    level.to_owned(),
                    s.colour.as_str().to_owned(),
                    csv_field(&s.grade),
                    csv_field(s.aimag.as_deref().unwrap_or("")),
                    p.week.to_string(),
                    p.sales.to_string(),
                    p.volume_g.to_string(),
                    p.value_mnt.to_string(),
                    p.price_mnt_per_kg.to_string(),
                    p.index.clone().unwrap_or_default(),
                ];
                out.push_str(&row.join(","));
                out.push('\n');
            }
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(date: &str, colour: Colour, grade: &str, aimag: &str, g: u64, mnt: u64) -> SaleRecord {
        SaleRecord {
            date: date.parse().unwrap(),
            colour,
            grade: grade.into(),
            aimag: aimag.into(),
            clean_g: g,
            price_mnt: mnt,
        }
    }

    #[test]
    fn weeks_follow_iso_8601() {
        let w = |d: &str| Week::of(d.parse().unwrap()).to_string();
        assert_eq!(w("2024-12-30"), "2025-W01");
        assert_eq!(w("2021-01-03"), "2020-W53");
        assert_eq!(w("2024-04-08"), "2024-W15");
        assert!("2020-W53".parse::<Week>().is_ok());
        for bad in [
            "2024-W00", "2024-W5", "24-W05", "2024W05", "2024-w05", "+024-W05",
        ] {
            assert!(bad.parse::<Week>().is_err(), "{bad}");
        }
        let err = "x".parse::<Week>().unwrap_err().to_string();
        assert_eq!(
            err,
            "'x' is not an ISO week (expected YYYY-Www, e.g. 2024-W05)"
        );
    }

    #[test]
    fn rounds_price_per_kg_half_up() {
        // 1 MNT for 3 g → 333.33 MNT/kg; 5 MNT for 8 g → 625 MNT/kg.
        let records = [
            sale("2024-04-01", Colour::Brown, "II", "MN-039", 3, 1),
            sale("2024-04-08", Colour::Brown, "II", "MN-039", 8, 5),
        ];
        let idx = price_index(&records, None).unwrap();
        let p: Vec<_> = idx.series[0]
            .points
            .iter()
            .map(|p| p.price_mnt_per_kg)
            .collect();
        assert_eq!(p, [333, 625]);
        // 625 / 333.33 = 1.875 → "187.50"
        assert_eq!(idx.series[0].points[1].index.as_deref(), Some("187.50"));
        assert_eq!(idx.series[0].base_week, "2024-W14".parse().ok());
        let half = [sale(
            "2024-04-01",
            Colour::Brown,
            "II",
            "MN-039",
            2_000,
            1_001,
        )];
        let idx = price_index(&half, None).unwrap();
        assert_eq!(idx.series[0].points[0].price_mnt_per_kg, 501); // 500.5 → 501
    }

    #[test]
    fn series_without_the_base_week_have_no_index() {
        let records = [
            sale("2024-04-01", Colour::White, "I", "MN-051", 1_000, 100_000),
            sale("2024-04-08", Colour::White, "I", "MN-039", 1_000, 110_000),
            sale("2024-04-01", Colour::White, "I", "MN-051", 1_000, 0),
        ];
        let idx = price_index(&records, "2024-W14".parse().ok()).unwrap();
        let by_aimag: Vec<_> = idx
            .series
            .iter()
            .map(|s| (s.aimag.clone(), s.base_week.map(|w| w.to_string())))
            .collect();
        assert_eq!(
            by_aimag,
            [
                (None, Some("2024-W14".to_owned())),
                (Some("MN-039".to_owned()), None),
                (Some("MN-051".to_owned()), Some("2024-W14".to_owned())),
            ]
        );
        assert_eq!(idx.series[1].points[0].index, None);
        // National: W14 = 100 000 MNT / 2 kg = 50 000/kg; W15 = 110 000/kg → 220.00.
        assert_eq!(idx.series[0].points[1].index.as_deref(), Some("220.00"));
        // A zero base price gives no index.
        let zero = [sale("2024-04-01", Colour::White, "I", "MN-051", 1_000, 0)];
        assert_eq!(
            price_index(&zero, None).unwrap().series[0].points[0].index,
            None
        );
    }

    #[test]
    fn csv_quotes_and_leaves_empty_cells() {
        let records = [sale(
            "2024-04-01",
            Colour::LightGrey,
            "A, \"fine\"",
            "MN-051",
            1_000,
            7,
        )];
        let csv = price_index(&records, None).unwrap().to_csv();
        let lines: Vec<_> = csv.lines().collect();
        assert_eq!(
            lines[1],
            "national,light-grey,\"A, \"\"fine\"\"\",,2024-W14,1,1000,7,7,100.00"
        );
        assert!(lines[2].starts_with("aimag,light-grey,\"A, \"\"fine\"\"\",MN-051,"));
    }

    #[test]
    fn every_error() {
        let ok = || sale("2024-04-01", Colour::Grey, "I", "MN-051", 1, 1);
        let e = |r: SaleRecord| price_index(&[ok(), r], None).unwrap_err().to_string();
        assert_eq!(
            e(SaleRecord {
                grade: String::new(),
                ..ok()
            }),
            "records[1].grade is empty"
        );
        assert_eq!(
            e(SaleRecord {
                aimag: String::new(),
                ..ok()
            }),
            "records[1].aimag is empty"
        );
        assert_eq!(
            e(SaleRecord { clean_g: 0, ..ok() }),
            "records[1].clean_g is zero"
        );
        assert_eq!(
            e(SaleRecord {
                clean_g: u64::MAX,
                ..ok()
            }),
            "totals too large"
        );
        assert_eq!(
            e(SaleRecord {
                price_mnt: u64::MAX,
                ..ok()
            }),
            "totals too large"
        );
    }
}
