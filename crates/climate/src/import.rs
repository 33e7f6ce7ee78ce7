//! Parsers for the yearly updates: CSV or TSV in the shapes of the tables this crate embeds
//! (and of the source CSVs they are derived from), and the NSO JSON table shape the WFP PRISM
//! files use. Bad data is rejected with the row and column named, e.g.
//! `row 14, column "Thousand_head": "12,a" is not a number`, so a statistician can fix the file.
//!
//! Rows are numbered as lines of the file, starting at 1 with the header (comment lines starting
//! with `#` count too), so the number is the one an editor shows. In NSO JSON, rows are the
//! 1-based positions in `DataList` and columns are field names.
//!
//! The embedded tables are read by these same parsers, so the import shapes cannot drift from them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::units::Species;

/// What is wrong with an import file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file has no header row")]
    Empty,
    #[error("header: no column {0:?}")]
    MissingColumn(String),
    #[error("row {row}: {found} cells, the header has {expected}")]
    Width {
        row: usize,
        found: usize,
        expected: usize,
    },
    #[error("row {row}: a quoted cell is not closed")]
    Quote { row: usize },
    #[error("row {row}, column {column:?}: {value:?} {problem}")]
    Cell {
        row: usize,
        column: String,
        value: String,
        problem: String,
    },
    #[error("not NSO table JSON: {0}")]
    Json(String),
}

/// A table read from CSV or TSV text: the header and the data rows with their line numbers.
#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Reads CSV (RFC 4180 quoting) or TSV, chosen by whether the header line has a tab.
    /// A UTF-8 byte-order mark, blank lines and `#` comment lines are skipped.
    pub fn parse(text: &str) -> Result<Table, ImportError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let (hn, header_line) = lines.next().ok_or(ImportError::Empty)?;
        let tsv = header_line.contains('\t');
        let split = |n: usize, l: &str| -> Result<Vec<String>, ImportError> {
            if tsv {
                Ok(l.split('\t').map(|c| c.trim().to_owned()).collect())
            } else {
                split_csv(n, l)
            }
        };
        let header = split(hn, header_line)?;
        let mut rows = Vec::new();
        for (n, l) in lines {
            let cells = split(n, l)?;
            if cells.len() != header.len() {
                return Err(ImportError::Width {
                    row: n,
                    found: cells.len(),
                    expected: header.len(),
                });
            }
            rows.push((n, cells));
        }
        Ok(Table { header, rows })
    }

    /// The index of a column, by exact name.
    pub fn column(&self, name: &str) -> Result<usize, ImportError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ImportError::MissingColumn(name.to_owned()))
    }

    fn optional(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// One CSV line; a quoted cell may hold commas and doubled quotes (not line breaks).
fn split_csv(row: usize, line: &str) -> Result<Vec<String>, ImportError> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            (false, ',') => cells.push(std::mem::take(&mut cur).trim().to_owned()),
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return Err(ImportError::Quote { row });
    }
    cells.push(cur.trim().to_owned());
    Ok(cells)
}

/// A cell being read: its place, for error messages.
struct Cell<'a> {
    row: usize,
    column: &'a str,
    value: &'a str,
}

impl Cell<'_> {
    fn err(&self, problem: impl Into<String>) -> ImportError {
        ImportError::Cell {
            row: self.row,
            column: self.column.to_owned(),
            value: self.value.to_owned(),
            problem: problem.into(),
        }
    }

    fn f64(&self) -> Result<f64, ImportError> {
        match self.value.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err("is not a number")),
        }
    }

    fn opt_f64(&self) -> Result<Option<f64>, ImportError> {
        if self.value.is_empty() {
            Ok(None)
        } else {
            self.f64().map(Some)
        }
    }

    fn int<T: std::str::FromStr>(&self) -> Result<T, ImportError> {
        self.value
            .parse()
            .map_err(|_| self.err("is not a whole number in range"))
    }

    /// A non-negative decimal scaled by 10^`places` exactly (no float rounding):
    /// `"1708.4"` with 3 places → 1,708,400.
    fn scaled(&self, places: u32) -> Result<u64, ImportError> {
        let (whole, frac) = self.value.split_once('.').unwrap_or((self.value, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (!frac.is_empty() && !digits(frac)) {
            return Err(self.err("is not a number"));
        }
        if frac.len() > places as usize {
            return Err(self.err(format!("has more than {places} decimals")));
        }
        let w: u64 = whole.parse().map_err(|_| self.err("is too large"))?;
        let f: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| self.err("is not a number"))?
        };
        let scale = 10u64.pow(places);
        let f = f * 10u64.pow(places - frac.len() as u32);
        w.checked_mul(scale)
            .and_then(|x| x.checked_add(f))
            .ok_or_else(|| self.err("is too large"))
    }

    fn aimag_name(&self) -> Result<u8, ImportError> {
        mongolia::aimag_by_name(self.value)
            .map(|a| a.code)
            .ok_or_else(|| self.err("is not an aimag name known to the NSO tables"))
    }

    fn aimag_code(&self) -> Result<u8, ImportError> {
        let code: u8 = self.int()?;
        if code == 0 || mongolia::aimag(code).is_some() {
            Ok(code)
        } else {
            Err(self.err("is not a 2-digit NSO aimag code"))
        }
    }
}

/// Reads cells of one row by column name.
struct Row<'a> {
    table: &'a Table,
    line: usize,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    fn cell(&self, name: &'a str) -> Result<Cell<'a>, ImportError> {
        let i = self.table.column(name)?;
        Ok(Cell {
            row: self.line,
            column: name,
            value: &self.cells[i],
        })
    }

    /// The aimag, from `aimag_code` when the file has it, else from the `Aimag` name.
    fn aimag(&self) -> Result<u8, ImportError> {
        if self.table.optional("aimag_code").is_some() {
            self.cell("aimag_code")?.aimag_code()
        } else {
            self.cell("Aimag")?.aimag_name()
        }
    }

    fn year(&self) -> Result<u16, ImportError> {
        let c = self.cell("Year")?;
        let y: u16 = c.int()?;
        if (1900..=2200).contains(&y) {
            Ok(y)
        } else {
            Err(c.err("is not a plausible year"))
        }
    }
}

fn each_row<T>(
    text: &str,
    f: impl Fn(&Row<'_>) -> Result<T, ImportError>,
) -> Result<Vec<T>, ImportError> {
    let table = Table::parse(text)?;
    table
        .rows
        .iter()
        .map(|(line, cells)| {
            f(&Row {
                table: &table,
                line: *line,
                cells,
            })
        })
        .collect()
}

/// Mortality by species in one aimag-winter: deaths over the prior-year stock (fractions).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SpeciesMortality {
    pub horse: Option<f64>,
    pub cattle: Option<f64>,
    pub camel: Option<f64>,
    pub sheep: Option<f64>,
    pub goat: Option<f64>,
}

/// One aimag-winter of the mortality and climate panel (`mortality_panel.csv` shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelRow {
    pub aimag_code: u8,
    /// The calendar year in which the winter ends.
    pub year: u16,
    pub mortality: SpeciesMortality,
    /// All species, weighted by sheep units: Σ deaths·SU / Σ prior population·SU.
    pub all_sfu: f64,
    /// Mean June–August SPEI-3 of the summer before the winter.
    pub spei_prev_summer: f64,
    /// Mean December–February 2 m temperature, °C.
    pub temp_winter_c: f64,
    /// The source's z-score of `temp_winter_c` within the aimag over 1992–2024 (it uses the
    /// test years, so the model does not; kept for the published baseline).
    pub temp_winter_z_study: Option<f64>,
}

/// Columns: `Aimag` or `aimag_code`, `Year`, `All_SFU`, `SPEI_PrevSummer`, `Temp_Winter`;
/// optional `Mort_hor`, `Mort_cat`, `Mort_cam`, `Mort_sheep`, `Mort_goat`, `Temp_Winter_Z_study`.
pub fn parse_panel(text: &str) -> Result<Vec<PanelRow>, ImportError> {
    each_row(text, |r| {
        let opt = |name: &'static str| -> Result<Option<f64>, ImportError> {
            match r.table.optional(name) {
                Some(_) => r.cell(name)?.opt_f64(),
                None => Ok(None),
            }
        };
        let all = r.cell("All_SFU")?;
        let all_sfu = all.f64()?;
        if !(0.0..=1.0).contains(&all_sfu) {
            return Err(all.err("is not a mortality fraction between 0 and 1"));
        }
        Ok(PanelRow {
            aimag_code: r.aimag()?,
            year: r.year()?,
            mortality: SpeciesMortality {
                horse: opt("Mort_hor")?,
                cattle: opt("Mort_cat")?,
                camel: opt("Mort_cam")?,
                sheep: opt("Mort_sheep")?,
                goat: opt("Mort_goat")?,
            },
            all_sfu,
            spei_prev_summer: r.cell("SPEI_PrevSummer")?.f64()?,
            temp_winter_c: r.cell("Temp_Winter")?.f64()?,
            temp_winter_z_study: opt("Temp_Winter_Z_study")?,
        })
    })
}

/// June–August SPEI-3 of one aimag in one summer (`spei3_jja_aimag_1950_2024.csv` shape).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SummerSpeiRow {
    pub aimag_code: u8,
    /// The summer's year (the winter after it ends in `year + 1`).
    pub year: u16,
    pub spei: f64,
}

/// Columns: `Aimag` or `aimag_code`, `Year`, `JJA_Mean_SPEI3`.
pub fn parse_summer_spei(text: &str) -> Result<Vec<SummerSpeiRow>, ImportError> {
    each_row(text, |r| {
        Ok(SummerSpeiRow {
            aimag_code: r.aimag()?,
            year: r.year()?,
            spei: r.cell("JJA_Mean_SPEI3")?.f64()?,
        })
    })
}

/// Head of one species in one aimag at the December census of a year
/// (`livestock_population_aimag_species.csv` shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LivestockRow {
    pub aimag_code: u8,
    pub year: u16,
    pub species: Species,
    pub head: u64,
}

/// Columns: `Aimag` or `aimag_code`, `Year`, `Species` (Camel, Cattle, Goat, Horse, Sheep),
/// `Thousand_head` (up to 3 decimals, read exactly). Region rows ("Western region") are
/// rejected: they are sums, not aimags.
pub fn parse_livestock(text: &str) -> Result<Vec<LivestockRow>, ImportError> {
    each_row(text, |r| {
        let sp = r.cell("Species")?;
        let species = match sp.value {
            "Camel" => Species::Camel,
            "Cattle" => Species::Cattle,
            "Goat" => Species::Goat,
            "Horse" => Species::Horse,
            "Sheep" => Species::Sheep,
            _ => return Err(sp.err("is not one of Camel, Cattle, Goat, Horse, Sheep")),
        };
        Ok(LivestockRow {
            aimag_code: r.aimag()?,
            year: r.year()?,
            species,
            head: r.cell("Thousand_head")?.scaled(3)?,
        })
    })
}

/// National sheep units of a year, million SU (`SFU_units` of the national series).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NationalSuRow {
    pub year: u16,
    pub million_su: f64,
}

/// Columns: `Year`, `SFU_units` (million SU).
pub fn parse_national_su(text: &str) -> Result<Vec<NationalSuRow>, ImportError> {
    each_row(text, |r| {
        Ok(NationalSuRow {
            year: r.year()?,
            million_su: r.cell("SFU_units")?.f64()?,
        })
    })
}

/// A soum's hay and fodder figures (2019 in the embedded data); `None` where not reported.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SoumHayRow {
    pub soum_code: u32,
    /// Hay harvested, kg (the source gives tonnes to 2 decimals).
    pub hay_harvest_kg: Option<u64>,
    pub fodder_crops_kg: Option<u64>,
    /// mVAM survey hay reserves, kg (unit basis unconfirmed: see data/SOURCES.md).
    pub mvam_hay_reserve_kg: Option<u64>,
    pub mvam_fodder_reserve_kg: Option<u64>,
    /// mVAM survey hay price, MNT per bale.
    pub mvam_hay_price_mnt_per_bale: Option<u64>,
}

/// Columns: `soum_code`, `hay_harvest_t`, `fodder_crops_t`, `mvam_hay_reserve_t`,
/// `mvam_fodder_reserve_t`, `mvam_hay_price_mnt_bale` (empty = not reported).
pub fn parse_soum_hay(text: &str) -> Result<Vec<SoumHayRow>, ImportError> {
    each_row(text, |r| {
        let kg = |name: &'static str| -> Result<Option<u64>, ImportError> {
            let c = r.cell(name)?;
            if c.value.is_empty() {
                Ok(None)
            } else {
                c.scaled(3).map(Some)
            }
        };
        let code = r.cell("soum_code")?;
        let soum_code = mongolia::parse_soum_code(code.value)
            .map_err(|_| code.err("is not a 5-digit NSO soum code"))?;
        let price = r.cell("mvam_hay_price_mnt_bale")?;
        Ok(SoumHayRow {
            soum_code,
            hay_harvest_kg: kg("hay_harvest_t")?,
            fodder_crops_kg: kg("fodder_crops_t")?,
            mvam_hay_reserve_kg: kg("mvam_hay_reserve_t")?,
            mvam_fodder_reserve_kg: kg("mvam_fodder_reserve_t")?,
            mvam_hay_price_mnt_per_bale: if price.value.is_empty() {
                None
            } else {
                Some(price.int()?)
            },
        })
    })
}

/// The price of a bale of hay in an aimag (code 0: national average) in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HayPriceRow {
    pub aimag_code: u8,
    /// `YYYY-MM`.
    pub month: String,
    pub mnt_per_bale: u64,
}

/// Columns: `aimag_code` (or `Aimag`), `month` (`YYYY-MM`), `mnt_per_bale`.
pub fn parse_hay_prices(text: &str) -> Result<Vec<HayPriceRow>, ImportError> {
    each_row(text, |r| {
        let m = r.cell("month")?;
        let ok = m.value.len() == 7
            && m.value.as_bytes()[4] == b'-'
            && m.value[..4].bytes().all(|b| b.is_ascii_digit())
            && matches!(m.value[5..].parse::<u8>(), Ok(1..=12));
        if !ok {
            return Err(m.err("is not a month as YYYY-MM"));
        }
        Ok(HayPriceRow {
            aimag_code: r.aimag()?,
            month: m.value.to_owned(),
            mnt_per_bale: r.cell("mnt_per_bale")?.int()?,
        })
    })
}

/// One aimag figure keyed by code: used for the area and goat-price tables.
pub(crate) fn parse_aimag_values(text: &str, column: &str) -> Result<Vec<(u8, u64)>, ImportError> {
    let column = column.to_owned();
    each_row(text, move |r| {
        let c = Cell {
            row: r.line,
            column: &column,
            value: &r.cells[r.table.column(&column)?],
        };
        Ok((r.aimag()?, c.int()?))
    })
}

/// One value of an NSO table as the NSO JSON (`{"DataList": [...]}`) gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NsoRow {
    /// `TBL_ID`, e.g. `DT_NSO_1001_021V1`.
    pub table_id: String,
    /// `Period`: the year.
    pub period: u16,
    /// `CODE` as a 5-digit soum code (the files write `18101`, `"18101"` or `"MN18101"`).
    pub soum_code: u32,
    pub name_mn: String,
    pub name_en: String,
    /// `SCR_ENG1`, the category (e.g. "Total", "Hay harvest"), when given.
    pub category_en: Option<String>,
    /// `DTVAL_CO`; `None` when null or empty (not reported).
    pub value: Option<f64>,
}

/// Parses NSO table JSON. Numbers may come as JSON numbers or strings, as in the PRISM files.
pub fn parse_nso_json(text: &str) -> Result<Vec<NsoRow>, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
    let list = doc
        .get("DataList")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::Json("no \"DataList\" array".to_owned()))?;
    list.iter()
        .enumerate()
        .map(|(i, item)| nso_row(i + 1, item))
        .collect()
}

fn nso_row(row: usize, item: &Value) -> Result<NsoRow, ImportError> {
    let err = |column: &str, v: &Value, problem: &str| ImportError::Cell {
        row,
        column: column.to_owned(),
        value: match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        problem: problem.to_owned(),
    };
    let field = |name: &str| item.get(name).unwrap_or(&Value::Null);
    let text = |name: &str| -> Option<String> {
        match field(name) {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let table_id = text("TBL_ID").ok_or_else(|| err("TBL_ID", field("TBL_ID"), "is missing"))?;
    let period = text("Period")
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| err("Period", field("Period"), "is not a year"))?;
    let soum_code = text("CODE")
        .and_then(|s| mongolia::parse_soum_code(&s).ok())
        .ok_or_else(|| err("CODE", field("CODE"), "is not a 5-digit NSO soum code"))?;
    let value = match field("DTVAL_CO") {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::Number(n) => Some(
            n.as_f64()
                .ok_or_else(|| err("DTVAL_CO", field("DTVAL_CO"), "is not a number"))?,
        ),
        Value::String(s) => Some(
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err("DTVAL_CO", field("DTVAL_CO"), "is not a number"))?,
        ),
        other => return Err(err("DTVAL_CO", other, "is not a number")),
    };
    Ok(NsoRow {
        table_id,
        period,
        soum_code,
        name_mn: text("SCR_MN").unwrap_or_default(),
        name_en: text("SCR_ENG").unwrap_or_default(),
        category_en: text("SCR_ENG1"),
        value,
    })
}

mod yearly;

pub use yearly::{
    Format, SoumLivestockRow, detect_format, nso_soum_livestock, parse_soum_hay_yearly,
    parse_soum_livestock,
};

#[cfg(test)]
mod tests;
