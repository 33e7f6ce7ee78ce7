//! Parsing the embedded tables (`data/*.tsv`, written by `data/derive.py`).
//!
//! The tables are part of the binary, so a parse failure is a defect of the build, not of any
//! input: the accessors in `lib.rs` panic on it, and the unit tests parse every table so that
//! such a defect cannot ship.

use std::collections::HashMap;

use crate::{Aimag, Livestock, Region, Soum, Station};

pub(crate) const AIMAGS_TSV: &str = include_str!("../data/aimags.tsv");
pub(crate) const SOUMS_TSV: &str = include_str!("../data/soums.tsv");
pub(crate) const AIMAG_LIVESTOCK_TSV: &str = include_str!("../data/aimag_livestock.tsv");
pub(crate) const NATIONAL_LIVESTOCK_TSV: &str = include_str!("../data/national_livestock.tsv");
pub(crate) const STATIONS_TSV: &str = include_str!("../data/stations.tsv");

/// What is wrong with an embedded table, naming the table and line (and the column, in the
/// problem, when one cell is at fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}, line {line}: {problem}")]
pub(crate) struct TableError {
    table: &'static str,
    line: usize,
    problem: String,
}

/// The data rows of a table (comments skipped), each split on tabs, after checking that the
/// header names `columns` in order.
fn rows(
    table: &'static str,
    text: &'static str,
    columns: &[&str],
) -> Result<Vec<(usize, Vec<&'static str>)>, TableError> {
    let err = |line: usize, problem: String| TableError {
        table,
        line,
        problem,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty());
    let (n, header) = lines.next().ok_or_else(|| err(0, "no header".to_owned()))?;
    let got: Vec<&str> = header.split('\t').collect();
    if got != columns {
        return Err(err(n, format!("header {got:?}, expected {columns:?}")));
    }
    lines
        .map(|(n, l)| {
            let cells: Vec<&'static str> = l.split('\t').collect();
            if cells.len() == columns.len() {
                Ok((n, cells))
            } else {
                Err(err(
                    n,
                    format!("{} cells, expected {}", cells.len(), columns.len()),
                ))
            }
        })
        .collect()
}

/// The cell `s` of column `column` as a number.
fn num<T: std::str::FromStr>(
    table: &'static str,
    line: usize,
    column: &str,
    s: &str,
) -> Result<T, TableError> {
    s.parse().map_err(|_| TableError {
        table,
        line,
        problem: format!("column {column}: {s:?} is not a number of the expected kind"),
    })
}

/// `"1708.4"` thousand head → 1,708,400 head. The sources give one decimal at most.
fn thousand_head(
    table: &'static str,
    line: usize,
    column: &str,
    s: &str,
) -> Result<Option<u64>, TableError> {
    if s.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    if frac.len() != 1 {
        return Err(TableError {
            table,
            line,
            problem: format!("column {column}: {s:?}: expected one decimal"),
        });
    }
    let w: u64 = num(table, line, column, whole)?;
    let f: u64 = num(table, line, column, frac)?;
    Ok(Some(w * 1000 + f * 100))
}

pub(crate) fn parse_aimags() -> Result<Vec<Aimag>, TableError> {
    const T: &str = "aimags.tsv";
    let cols = [
        "code",
        "nso_code",
        "iso_3166_2",
        "region",
        "name_en",
        "name_mn",
        "alt_names",
        "centre_en",
        "centre_lat",
        "centre_lon",
    ];
    rows(T, AIMAGS_TSV, &cols)?
        .into_iter()
        .map(|(n, c)| {
            let region = match c[3] {
                "1" => Region::Western,
                "2" => Region::Khangai,
                "3" => Region::Central,
                "4" => Region::Eastern,
                "5" => Region::Ulaanbaatar,
                other => {
                    return Err(TableError {
                        table: T,
                        line: n,
                        problem: format!("column region: unknown region {other:?}"),
                    });
                }
            };
            Ok(Aimag {
                code: num(T, n, cols[0], c[0])?,
                nso_code: num(T, n, cols[1], c[1])?,
                iso_3166_2: c[2],
                region,
                name_en: c[4],
                name_mn: c[5],
                alt_names: c[6].split('|').filter(|s| !s.is_empty()).collect(),
                centre_en: c[7],
                centre_lat: num(T, n, cols[8], c[8])?,
                centre_lon: num(T, n, cols[9], c[9])?,
            })
        })
        .collect()
}

pub(crate) fn parse_soums() -> Result<Vec<Soum>, TableError> {
    const T: &str = "soums.tsv";
    let cols = [
        "code",
        "aimag",
        "name_en",
        "name_mn",
        "herder_households_2019",
        "herder_households_2020",
        "livestock_2019",
        "livestock_2020",
        "goats_estimated_2019",
    ];
    rows(T, SOUMS_TSV, &cols)?
        .into_iter()
        .map(|(n, c)| {
            Ok(Soum {
                code: num(T, n, cols[0], c[0])?,
                aimag_code: num(T, n, cols[1], c[1])?,
                name_en: c[2],
                name_mn: c[3],
                herder_households_2019: num(T, n, cols[4], c[4])?,
                herder_households_2020: num(T, n, cols[5], c[5])?,
                livestock_2019: num(T, n, cols[6], c[6])?,
                livestock_2020: num(T, n, cols[7], c[7])?,
                goats_estimated_2019: num(T, n, cols[8], c[8])?,
            })
        })
        .collect()
}

const SPECIES_COLS: [&str; 5] = ["camel", "cattle", "goat", "horse", "sheep"];

fn livestock(t: &'static str, n: usize, c: &[&str]) -> Result<Livestock, TableError> {
    let [camel, cattle, goat, horse, sheep] = SPECIES_COLS;
    Ok(Livestock {
        camel: thousand_head(t, n, camel, c[0])?,
        cattle: thousand_head(t, n, cattle, c[1])?,
        goat: thousand_head(t, n, goat, c[2])?,
        horse: thousand_head(t, n, horse, c[3])?,
        sheep: thousand_head(t, n, sheep, c[4])?,
    })
}

pub(crate) fn parse_aimag_livestock() -> Result<HashMap<(u8, u16), Livestock>, TableError> {
    const T: &str = "aimag_livestock.tsv";
    let mut cols = vec!["aimag", "year"];
    cols.extend(SPECIES_COLS);
    rows(T, AIMAG_LIVESTOCK_TSV, &cols)?
        .into_iter()
        .map(|(n, c)| {
            let key = (num(T, n, "aimag", c[0])?, num(T, n, "year", c[1])?);
            Ok((key, livestock(T, n, &c[2..])?))
        })
        .collect()
}

pub(crate) fn parse_national_livestock() -> Result<Vec<(u16, Livestock)>, TableError> {
    const T: &str = "national_livestock.tsv";
    let mut cols = vec!["year"];
    cols.extend(SPECIES_COLS);
    rows(T, NATIONAL_LIVESTOCK_TSV, &cols)?
        .into_iter()
        .map(|(n, c)| Ok((num(T, n, "year", c[0])?, livestock(T, n, &c[1..])?)))
        .collect()
}

pub(crate) const MONTH_COLS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

pub(crate) fn parse_stations() -> Result<Vec<Station>, TableError> {
    parse_stations_from(STATIONS_TSV)
}

pub(crate) fn parse_stations_from(text: &'static str) -> Result<Vec<Station>, TableError> {
    const T: &str = "stations.tsv";
    let mut cols = vec!["id", "soum", "aimag", "name", "lat", "lon", "elevation_m"];
    cols.extend(MONTH_COLS);
    cols.push("winter_djf");
    rows(T, text, &cols)?
        .into_iter()
        .map(|(n, c)| {
            let soum_code = match c[1] {
                "" => None,
                s if s.len() == 5 => Some(num(T, n, cols[1], s)?),
                s => {
                    return Err(TableError {
                        table: T,
                        line: n,
                        problem: format!("column soum: {s:?} is not a 5-digit soum code"),
                    });
                }
            };
            // The normals: all 13 cells empty (no data in the source) or all given.
            let normals = &c[7..];
            let (monthly_c, winter_c) = if normals.iter().all(|s| s.is_empty()) {
                (None, None)
            } else {
                let mut monthly = [0.0; 12];
                for (i, m) in monthly.iter_mut().enumerate() {
                    *m = num(T, n, cols[7 + i], normals[i])?;
                }
                (Some(monthly), Some(num(T, n, cols[19], normals[12])?))
            };
            Ok(Station {
                id: num(T, n, cols[0], c[0])?,
                soum_code,
                aimag_code: num(T, n, cols[2], c[2])?,
                name: c[3],
                lat: num(T, n, cols[4], c[4])?,
                lon: num(T, n, cols[5], c[5])?,
                elevation_m: num(T, n, cols[6], c[6])?,
                monthly_c,
                winter_c,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses() {
        assert_eq!(parse_aimags().unwrap().len(), 22);
        assert_eq!(parse_soums().unwrap().len(), 339);
        assert!(parse_aimag_livestock().unwrap().len() > 1000);
        assert_eq!(parse_national_livestock().unwrap().len(), 55);
        assert_eq!(parse_stations().unwrap().len(), 343);
    }

    #[test]
    fn thousand_heads_are_exact() {
        assert_eq!(
            thousand_head("t", 1, "c", "1708.4").unwrap(),
            Some(1_708_400)
        );
        assert_eq!(thousand_head("t", 1, "c", "0.0").unwrap(), Some(0));
        assert_eq!(thousand_head("t", 1, "c", "").unwrap(), None);
        assert!(thousand_head("t", 1, "c", "1.25").is_err());
        assert!(thousand_head("t", 1, "c", "x.1").is_err());
    }

    #[test]
    fn malformed_rows_are_named() {
        let e = rows("x.tsv", "# c\na\tb\n1\t2\n3\n", &["a", "b"]).unwrap_err();
        assert_eq!(e.to_string(), "x.tsv, line 4: 1 cells, expected 2");
        let e = rows("x.tsv", "a\tc\n", &["a", "b"]).unwrap_err();
        assert!(e.to_string().contains("header"));
        let e = num::<f64>("x.tsv", 7, "lat", "47,5").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.tsv, line 7: column lat: \"47,5\" is not a number of the expected kind"
        );
    }
}
