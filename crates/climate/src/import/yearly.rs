//! Shapes only yearly updates need: soum livestock totals (the NSO soum table, as CSV/TSV or
//! NSO JSON) and soum hay rows with their year (the embedded hay table is one year, 2019, so
//! it carries none), and telling CSV/TSV from JSON by content.

use serde::{Deserialize, Serialize};

use super::{ImportError, NsoRow, SoumHayRow, each_row, parse_nso_json, parse_soum_hay};

/// How an import file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
        }
    }
}

/// JSON when the first character that is not a byte-order mark or white space opens an object
/// or array; otherwise TSV when the first line that is not a comment has a tab, else CSV.
pub fn detect_format(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return Format::Json;
    }
    let header = t
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if header.contains('\t') {
        Format::Tsv
    } else {
        Format::Csv
    }
}

/// A soum's total head (all species) at the December census of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SoumLivestockRow {
    pub soum_code: u32,
    pub year: u16,
    pub head: u64,
    /// The line (CSV) or `DataList` position (JSON) it was read from.
    pub row: usize,
}

/// Columns: `soum_code` (5 digits), `Year`, `total_head` (whole head).
pub fn parse_soum_livestock(text: &str) -> Result<Vec<SoumLivestockRow>, ImportError> {
    each_row(text, |r| {
        let code = r.cell("soum_code")?;
        let soum_code = mongolia::parse_soum_code(code.value)
            .map_err(|_| code.err("is not a 5-digit NSO soum code"))?;
        Ok(SoumLivestockRow {
            soum_code,
            year: r.year()?,
            head: r.cell("total_head")?.int()?,
            row: r.line,
        })
    })
}

/// The soum totals of an NSO livestock table (`DT_NSO_1001_021V1`, as the PRISM
/// `NSO_Livestock_Count*_Admin2.json` files give it): rows of the `Total` category, or without
/// a category. The table comes in head or in thousand head (the `_ths_` file, 3 decimals): a
/// file with any fractional value is read as thousand head, exactly. Rows without a value are
/// refused, since an import must say what it sets.
pub fn nso_soum_livestock(text: &str) -> Result<Vec<SoumLivestockRow>, ImportError> {
    let rows: Vec<(usize, NsoRow)> = parse_nso_json(text)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| {
            r.category_en
                .as_deref()
                .is_none_or(|c| c.eq_ignore_ascii_case("total"))
        })
        .collect();
    if rows.is_empty() {
        return Err(ImportError::Json(
            "no rows of the \"Total\" category in \"DataList\"".to_owned(),
        ));
    }
    let thousands = rows
        .iter()
        .any(|(_, r)| r.value.is_some_and(|v| v.fract() != 0.0));
    rows.into_iter()
        .map(|(row, r)| {
            let bad = |problem: &str| ImportError::Cell {
                row,
                column: "DTVAL_CO".to_owned(),
                value: r.value.map(|v| v.to_string()).unwrap_or_default(),
                problem: problem.to_owned(),
            };
            let v = r.value.ok_or_else(|| bad("is empty"))?;
            if v < 0.0 {
                return Err(bad("is negative"));
            }
            // Through the decimal text, so 147.255 thousand head is 147,255 exactly.
            let head = if thousands {
                thousand_head(v).ok_or_else(|| bad("has more than 3 decimals"))?
            } else {
                v as u64
            };
            Ok(SoumLivestockRow {
                soum_code: r.soum_code,
                year: r.period,
                head,
                row,
            })
        })
        .collect()
}

fn thousand_head(v: f64) -> Option<u64> {
    let text = format!("{v}");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() > 3 {
        return None;
    }
    let w: u64 = whole.parse().ok()?;
    let f: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().ok()? * 10u64.pow(3 - frac.len() as u32)
    };
    w.checked_mul(1000)?.checked_add(f)
}

/// Soum hay rows with their year: the embedded table's columns plus `Year`.
pub fn parse_soum_hay_yearly(text: &str) -> Result<Vec<(u16, usize, SoumHayRow)>, ImportError> {
    let years = each_row(text, |r| Ok((r.year()?, r.line)))?;
    let rows = parse_soum_hay(text)?;
    Ok(years
        .into_iter()
        .zip(rows)
        .map(|((y, line), r)| (y, line, r))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_told_by_content() {
        assert_eq!(detect_format("\u{feff}  {\"DataList\": []}"), Format::Json);
        assert_eq!(
            detect_format("# note, with comma\na\tb\n1\t2\n"),
            Format::Tsv
        );
        assert_eq!(detect_format("a,b\n1,2\n"), Format::Csv);
    }

    #[test]
    fn soum_livestock_csv_and_json() {
        let rows =
            parse_soum_livestock("soum_code,Year,total_head\n18101,2024,150000\n").expect("parses");
        assert_eq!(rows[0].head, 150_000);
        assert_eq!(rows[0].row, 2);
        let err = parse_soum_livestock("soum_code,Year,total_head\n18101,2024,1.5\n")
            .expect_err("not whole");
        assert!(
            err.to_string().starts_with("row 2, column \"total_head\""),
            "{err}"
        );

        let head = r#"{"DataList": [
            {"TBL_ID": "DT_NSO_1001_021V1", "Period": 2024, "CODE": 18101, "SCR_ENG1": "Total", "DTVAL_CO": 154001},
            {"TBL_ID": "DT_NSO_1001_021V1", "Period": 2024, "CODE": 18101, "SCR_ENG1": "Goat", "DTVAL_CO": 1}]}"#;
        let rows = nso_soum_livestock(head).expect("parses");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].soum_code, rows[0].year, rows[0].head),
            (18101, 2024, 154_001)
        );
        let ths = r#"{"DataList": [
            {"TBL_ID": "T", "Period": "2020", "CODE": "MN18101", "SCR_ENG1": "Total", "DTVAL_CO": 147.255},
            {"TBL_ID": "T", "Period": "2020", "CODE": "MN18104", "SCR_ENG1": "Total", "DTVAL_CO": "300"}]}"#;
        let rows = nso_soum_livestock(ths).expect("parses");
        assert_eq!(rows[0].head, 147_255);
        assert_eq!(rows[1].head, 300_000);
        let bad =
            r#"{"DataList": [{"TBL_ID": "T", "Period": 2020, "CODE": 18101, "DTVAL_CO": null}]}"#;
        let err = nso_soum_livestock(bad).expect_err("empty");
        assert_eq!(err.to_string(), r#"row 1, column "DTVAL_CO": "" is empty"#);
    }

    #[test]
    fn hay_rows_carry_their_year() {
        let text = "soum_code,Year,hay_harvest_t,fodder_crops_t,mvam_hay_reserve_t,mvam_fodder_reserve_t,mvam_hay_price_mnt_bale\n\
                    18101,2024,700.5,90,,,\n";
        let rows = parse_soum_hay_yearly(text).expect("parses");
        assert_eq!(rows[0].0, 2024);
        assert_eq!(rows[0].2.hay_harvest_kg, Some(700_500));
        let err = parse_soum_hay_yearly(&text.replace("2024", "20x4")).expect_err("year");
        assert!(err.to_string().contains("column \"Year\""), "{err}");
    }
}
