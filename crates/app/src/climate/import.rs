//! Yearly updates of the climate tables (issue 6): a file in one of the embedded tables'
//! shapes (CSV/TSV) or the NSO table JSON, checked, compared with the effective tables and
//! stored as **one record per import batch** (kind `climate-import`, key a 6-digit sequence
//! number, parent the import kind). The record keeps every row of the file as an [`Entry`]
//! and, for each figure it replaced, the old value: it is the audit.
//!
//! Rules: a file is imported whole or not at all; a bad cell is refused with its row and
//! column; a row whose place (unit, period, species) already holds a different figure is
//! refused unless `replace` is asked for; a row holding the same figure is counted as
//! unchanged. Two imports racing for the same sequence number: one is refused, nothing lost.

use std::collections::{BTreeMap, BTreeSet};

use ::climate::import::{
    self as parse, Format, ImportError, PanelRow, Table, detect_format, nso_soum_livestock,
    parse_soum_livestock,
};
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::Role;

use super::data::{self, species_name};
use crate::auth::Principal;
use crate::market::{Kind, new_record, require_role, write};
use crate::{App, AppError, Result};

/// What a file updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// Aimag-winter mortality and climate rows (`mortality_panel.csv` / `panel.tsv`).
    Panel,
    /// Aimag head by species, thousand head (`livestock_population_aimag_species.csv`).
    Livestock,
    /// Soum total head: NSO table JSON, or CSV `soum_code,Year,total_head`.
    NsoLivestock,
    /// Soum hay and fodder (`soum_hay.tsv` columns plus `Year`).
    Hay,
    /// Monthly bale hay prices by aimag (`aimag_hay_price.tsv`).
    HayPrices,
    /// June–August SPEI-3 by aimag and summer (`spei3_jja_aimag_1950_2024.csv`).
    Spei,
}

impl ImportKind {
    pub const ALL: [ImportKind; 6] = [
        ImportKind::Panel,
        ImportKind::Livestock,
        ImportKind::NsoLivestock,
        ImportKind::Hay,
        ImportKind::HayPrices,
        ImportKind::Spei,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Panel => "panel",
            ImportKind::Livestock => "livestock",
            ImportKind::NsoLivestock => "nso-livestock",
            ImportKind::Hay => "hay",
            ImportKind::HayPrices => "hay-prices",
            ImportKind::Spei => "spei",
        }
    }

    /// Parses a kind name; the error lists the kinds.
    pub fn parse(s: &str) -> Result<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
                AppError::QueryParameter(format!("kind '{s}' is not one of {}", all.join(", ")))
            })
    }
}

/// One row of an import: where its figures go and what they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The file's line (CSV/TSV, header = 1) or `DataList` position (JSON).
    pub row: usize,
    /// 2-digit aimag code (`00`: national) or 5-digit soum code.
    pub unit: String,
    /// A year (`2025`) or, for prices, a month (`2025-03`).
    pub period: String,
    /// The species, for livestock rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The row's figures (a panel or hay row as the `climate` crate writes it; `{"head": n}`,
    /// `{"spei": x}`, `{"mnt_per_bale": n}`).
    pub value: Value,
}

/// A figure an import replaced, with the value it had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replaced {
    pub row: usize,
    pub unit: String,
    pub period: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub old: Value,
    pub new: Value,
}

/// The stored record of one import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    /// The record key: a 6-digit sequence number, in import order.
    pub id: String,
    pub kind: ImportKind,
    pub format: Format,
    pub imported_at: String,
    /// The importing organisation's name.
    pub by: String,
    /// Every row of the file, in file order.
    pub rows: Vec<Entry>,
    pub added: usize,
    pub unchanged: usize,
    pub replaced: Vec<Replaced>,
}

impl Kind for ImportBatch {
    const KIND: &'static str = "climate-import";
    const WHAT: &'static str = "climate import";
}

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub kind: ImportKind,
    pub text: String,
    /// Replace figures that differ (keeping the old ones in the record).
    pub replace: bool,
    /// Check and summarise only.
    pub dry_run: bool,
}

/// The answer: `{kind, rows, years, added, replaced, …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub format: Format,
    pub rows: usize,
    /// The years the rows are of (a price month counts for its year).
    pub years: Vec<u16>,
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub dry_run: bool,
    /// The stored batch's id (`None` on a dry run).
    pub batch: Option<String>,
}

fn bad_file(e: ImportError) -> AppError {
    AppError::Validation {
        detail: e.to_string(),
        errors: vec![],
    }
}

fn cell(row: usize, column: &str, value: String, problem: &str) -> AppError {
    bad_file(ImportError::Cell {
        row,
        column: column.to_owned(),
        value,
        problem: problem.to_owned(),
    })
}

/// The data lines of a CSV/TSV file, in the order the parsers return rows.
fn lines(text: &str) -> Result<Vec<usize>> {
    Ok(Table::parse(text)
        .map_err(bad_file)?
        .rows
        .iter()
        .map(|(l, _)| *l)
        .collect())
}

fn entry(row: usize, unit: String, period: String, value: Value) -> Entry {
    Entry {
        row,
        unit,
        period,
        item: None,
        value,
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// Reads a file of `kind` into entries.
pub fn entries(kind: ImportKind, text: &str) -> Result<(Format, Vec<Entry>)> {
    let format = detect_format(text);
    if format == Format::Json && kind != ImportKind::NsoLivestock {
        return Err(AppError::Validation {
            detail: format!(
                "{} files are CSV or TSV; NSO table JSON is read for nso-livestock",
                kind.as_str()
            ),
            errors: vec![],
        });
    }
    let known_soum = |row: usize, code: u32| {
        if mongolia::soum(code).is_some() {
            Ok(())
        } else {
            Err(cell(
                row,
                "soum_code",
                format!("{code:05}"),
                "is not a soum of the NSO tables",
            ))
        }
    };
    let mut out = Vec::new();
    match kind {
        ImportKind::Panel => {
            let rows = parse::parse_panel(text).map_err(bad_file)?;
            for (line, r) in lines(text)?.into_iter().zip(rows) {
                let (u, p) = (format!("{:02}", r.aimag_code), r.year.to_string());
                out.push(entry(line, u, p, to_json(&r)?));
            }
        }
        ImportKind::Spei => {
            let rows = parse::parse_summer_spei(text).map_err(bad_file)?;
            for (line, r) in lines(text)?.into_iter().zip(rows) {
                let (u, p) = (format!("{:02}", r.aimag_code), r.year.to_string());
                out.push(entry(line, u, p, json!({"spei": r.spei})));
            }
        }
        ImportKind::Livestock => {
            let rows = parse::parse_livestock(text).map_err(bad_file)?;
            for (line, r) in lines(text)?.into_iter().zip(rows) {
                let (u, p) = (format!("{:02}", r.aimag_code), r.year.to_string());
                let mut e = entry(line, u, p, json!({"head": r.head}));
                e.item = Some(species_name(r.species).to_owned());
                out.push(e);
            }
        }
        ImportKind::NsoLivestock => {
            let rows = if format == Format::Json {
                nso_soum_livestock(text)
            } else {
                parse_soum_livestock(text)
            }
            .map_err(bad_file)?;
            for r in rows {
                known_soum(r.row, r.soum_code)?;
                let (u, p) = (format!("{:05}", r.soum_code), r.year.to_string());
                out.push(entry(r.row, u, p, json!({"head": r.head})));
            }
        }
        ImportKind::Hay => {
            for (year, line, r) in parse::parse_soum_hay_yearly(text).map_err(bad_file)? {
                known_soum(line, r.soum_code)?;
                let u = format!("{:05}", r.soum_code);
                out.push(entry(line, u, year.to_string(), to_json(&r)?));
            }
        }
        ImportKind::HayPrices => {
            let rows = parse::parse_hay_prices(text).map_err(bad_file)?;
            for (line, r) in lines(text)?.into_iter().zip(rows) {
                let u = format!("{:02}", r.aimag_code);
                out.push(entry(
                    line,
                    u,
                    r.month,
                    json!({"mnt_per_bale": r.mnt_per_bale}),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(AppError::Validation {
            detail: "the file has no data rows".to_owned(),
            errors: vec![],
        });
    }
    Ok((format, out))
}

/// Where an entry goes, for messages: `aimag 81, 2025, goat`.
fn place(unit: &str, period: &str, item: Option<&str>) -> String {
    let level = if unit.len() == 5 { "soum" } else { "aimag" };
    match item {
        Some(i) => format!("{level} {unit}, {period}, {i}"),
        None => format!("{level} {unit}, {period}"),
    }
}

/// Equal figures; numbers within a relative 1e-9, since a stored float read back may differ in
/// its last bit from the one parsed from the file.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_u64(), y.as_u64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => close(x, y),
                _ => false,
            },
        },
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (x, y) => x == y,
    }
}

/// `all_sfu 0.081 in the data, 0.09 in the file`: the fields that differ, or the whole values.
fn difference(old: &Value, new: &Value) -> String {
    let fields: Vec<String> = match (old, new) {
        (Value::Object(o), Value::Object(n)) => o
            .iter()
            .filter_map(|(k, v)| {
                let w = n.get(k)?;
                (!same(v, w)).then(|| format!("{k} {v} in the data, {w} in the file"))
            })
            .collect(),
        _ => Vec::new(),
    };
    if fields.is_empty() {
        format!("{old} in the data, {new} in the file")
    } else {
        fields.join("; ")
    }
}

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

/// Checks and (unless a dry run) stores an import, as an admin or regulator.
pub async fn import(app: &App, who: &Principal, req: ImportRequest) -> Result<ImportSummary> {
    require_role(who, &[Role::Admin, Role::Regulator], "import climate data")?;
    run(app, &who.org.name, Some(who.id()), req).await
}

/// Who the record names for an import from the command line, which works on the store
/// directly (as `nooluur org` does) and so stands for the operator.
pub const LOCAL_IMPORTER: &str = "nooluur import (command line)";

/// [`import`] from the command line: no organisation, nothing written on a dry run.
pub async fn import_local(app: &App, req: ImportRequest) -> Result<ImportSummary> {
    run(app, LOCAL_IMPORTER, None, req).await
}

async fn run(
    app: &App,
    by: &str,
    owner: Option<store::OrgId>,
    req: ImportRequest,
) -> Result<ImportSummary> {
    let kind = req.kind;
    let (format, rows) = entries(kind, &req.text)?;
    let mut seen: BTreeMap<(&str, &str, Option<&str>), usize> = BTreeMap::new();
    for e in &rows {
        let key = (e.unit.as_str(), e.period.as_str(), e.item.as_deref());
        if let Some(first) = seen.insert(key, e.row) {
            return Err(AppError::Validation {
                detail: format!(
                    "row {}: {} is already given in row {first}",
                    e.row,
                    place(&e.unit, &e.period, e.item.as_deref())
                ),
                errors: vec![],
            });
        }
    }
    let current = data::dataset(app).await?;
    let (mut added, mut unchanged, mut replaced) = (0, 0, Vec::new());
    for e in &rows {
        let mut old = current.current(kind, e)?;
        // A panel row also sets its prior summer's SPEI: a different figure there is a
        // replacement too.
        if old.is_none() && kind == ImportKind::Panel {
            let r: PanelRow = serde_json::from_value(e.value.clone())
                .map_err(|x| AppError::Internal(x.to_string()))?;
            if let Some(s) = current
                .data
                .summer_spei
                .get(&(r.aimag_code, r.year.saturating_sub(1)))
                .filter(|s| !close(**s, r.spei_prev_summer))
            {
                old = Some(json!({"spei_prev_summer": s}));
            }
        }
        match old {
            None => added += 1,
            Some(v) if same(&v, &e.value) => unchanged += 1,
            Some(v) => replaced.push(Replaced {
                row: e.row,
                unit: e.unit.clone(),
                period: e.period.clone(),
                item: e.item.clone(),
                old: v,
                new: e.value.clone(),
            }),
        }
    }
    if let (Some(first), false) = (replaced.first(), req.replace) {
        return Err(AppError::Refused {
            reason: "conflict",
            detail: format!(
                "row {}: {} already holds a different figure ({}){}; \
                 nothing was imported: to overwrite, import again with replace (--replace, \
                 replace=true), which keeps the old figures in the import record",
                first.row,
                place(&first.unit, &first.period, first.item.as_deref()),
                difference(&first.old, &first.new),
                match replaced.len() {
                    1 => String::new(),
                    n => format!(" and {} more row(s) do", n - 1),
                }
            ),
        });
    }
    let years: BTreeSet<u16> = rows
        .iter()
        .filter_map(|e| e.period.get(..4).and_then(|y| y.parse().ok()))
        .collect();
    let mut summary = ImportSummary {
        kind,
        format,
        rows: rows.len(),
        years: years.into_iter().collect(),
        added,
        replaced: replaced.len(),
        unchanged,
        dry_run: req.dry_run,
        batch: None,
    };
    if req.dry_run {
        return Ok(summary);
    }
    let id = format!("{:06}", current.imports + 1);
    let batch = ImportBatch {
        id: id.clone(),
        kind,
        format,
        imported_at: app.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true),
        by: by.to_owned(),
        rows,
        added,
        unchanged,
        replaced,
    };
    let rec = new_record(&id, Some(kind.as_str()), owner, &batch)?;
    let written = write(app, vec![rec], vec![]).await;
    data::invalidate();
    match written {
        Err(AppError::Refused {
            reason: "duplicate",
            ..
        }) => Err(AppError::Refused {
            reason: "conflict",
            detail: "another climate import was stored at the same time; nothing was imported, \
                     try again"
                .to_owned(),
        }),
        Err(e) => Err(e),
        Ok(()) => {
            summary.batch = Some(id);
            Ok(summary)
        }
    }
}

/// The stored import batches, oldest first (admin or regulator).
pub async fn imports(app: &App, who: &Principal) -> Result<Vec<ImportBatch>> {
    require_role(who, &[Role::Admin, Role::Regulator], "see climate imports")?;
    Ok(
        crate::market::list::<ImportBatch>(app, &store::RecordFilter::default())
            .await?
            .into_iter()
            .map(|b| b.value)
            .collect(),
    )
}
