//! Climate adaptation (issue 6) as use cases: dzud risk for aimags and soums, the stocking
//! report, soum contingency plans, and alerts that carry the risk to the people who can act on
//! it — cooperatives with member households in the soum, subscribers, and brands and
//! processors whose fibre came from there (by the provenance ledger), with a text message per
//! household.
//!
//! The arithmetic is the pure `climate` crate's; this module picks the model for a winter,
//! caches it, and keeps the alert records. Everything computes from [`dataset`]: the embedded
//! tables overlaid with the yearly imports in the store.
//!
//! - [`risk`], [`soum_risk`], [`stocking_report`], [`soum_plan`]: read-only, public data;
//! - [`import`]: yearly updates (CSV/TSV, NSO JSON), all or nothing, audited;
//! - [`data`]: the effective tables and the table and model caches;
//! - [`capacity`]: soum rows of imported years, and a household's share of its soum's
//!   carrying capacity (for the credit history);
//! - [`alerts`]: the alert level, subscriptions, the run and the in-app alerts and SMS outbox;
//! - `recipients`: who gets an alert for a soum, and why.

pub mod alerts;
pub mod capacity;
pub mod data;
pub mod import;
mod recipients;

use std::sync::Arc;

use ::climate::model::{InputSource, ModelError};
use ::climate::{Inputs, Model, Plan, PlanConfig, StockingReport};
use serde::Serialize;
use serde_json::Value;

use crate::{App, AppError, Result};

pub use ::climate::Mode;
pub use alerts::{
    Alert, AlertConfig, AlertSubscription, NewSubscription, Reason, RunReport, Sms, alert_level,
    alerts_for, outbox, run_alerts, run_alerts_as, set_alert_level, subscribe, subscriptions,
};
pub use capacity::{HouseholdCapacity, household_capacity};
pub use data::{ClimateData, dataset};
pub use import::{
    ImportBatch, ImportKind, ImportRequest, ImportSummary, import, import_local, imports,
};

/// The model a risk is computed with: fitted on every winter before the one asked for (at most
/// the last in the data), so a forecast never sees its own winter.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub mode: Mode,
    pub train_until: u16,
    pub rows_train: usize,
    pub events_train: usize,
}

/// One aimag's risk for a winter.
#[derive(Debug, Clone, Serialize)]
pub struct AimagRisk {
    /// Two-digit NSO code.
    pub aimag: String,
    pub name_en: &'static str,
    pub name_mn: &'static str,
    /// The calendar year in which the winter ends.
    pub year: u16,
    pub mode: Mode,
    /// P(livestock mortality > 6 %).
    pub probability: f64,
    /// 1 (very low) – 5 (very high).
    pub class: u8,
    pub intercept: f64,
    pub logit: f64,
    /// Log-odds by input; with the intercept they add up to the logit.
    pub contributions: Value,
    /// Inputs the data did not have for this winter (set to the training mean).
    pub imputed: Vec<&'static str>,
}

/// A soum's risk: its aimag's inputs unless it has its own ([`InputSource`]).
#[derive(Debug, Clone, Serialize)]
pub struct SoumRisk {
    pub soum: String,
    pub name_en: &'static str,
    pub name_mn: &'static str,
    pub input_source: InputSource,
    #[serde(flatten)]
    pub risk: AimagRisk,
    pub model: ModelInfo,
}

/// The answer of `GET /dzud/risk`.
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub year: u16,
    pub mode: Mode,
    pub model: ModelInfo,
    pub class_bounds: [f64; 4],
    pub mortality_threshold: f64,
    pub aimags: Vec<AimagRisk>,
}

/// The winter the data can forecast next: the one after the last in the panel.
fn next_winter(d: &ClimateData) -> u16 {
    d.data
        .panel_years()
        .map(|(_, last)| last + 1)
        .unwrap_or(2025)
}

/// The winter the data can forecast next (imports extend the panel).
pub async fn default_year(app: &App) -> Result<u16> {
    Ok(next_winter(&*dataset(app).await?))
}

/// The latest year with soum head counts (the NSO soum tables the project carries, or an
/// imported soum total): the year a stocking report shows by default.
pub async fn default_stocking_year(app: &App) -> Result<u16> {
    let d = dataset(app).await?;
    let imported = d.soum_head.keys().map(|&(_, y)| y).max();
    Ok(imported.map_or(EMBEDDED_SOUM_YEAR, |y| y.max(EMBEDDED_SOUM_YEAR)))
}

/// The last year of the NSO soum livestock tables compiled into the `climate` crate.
const EMBEDDED_SOUM_YEAR: u16 = 2020;

/// Parses `mode` (`outlook` when absent).
pub fn parse_mode(mode: Option<&str>) -> Result<Mode> {
    match mode.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(Mode::Outlook),
        Some(m) => m.parse().map_err(AppError::QueryParameter),
    }
}

/// Parses `year` (the next winter when absent) and checks the data can say something of it.
pub async fn parse_year(app: &App, year: Option<&str>) -> Result<u16> {
    parse_year_in(&*dataset(app).await?, year)
}

fn parse_year_in(d: &ClimateData, year: Option<&str>) -> Result<u16> {
    let y = match year.map(str::trim).filter(|y| !y.is_empty()) {
        None => return Ok(next_winter(d)),
        Some(y) => y.parse::<u16>().map_err(|_| {
            AppError::QueryParameter(format!("year '{y}' is not a year (e.g. 2025)"))
        })?,
    };
    check_year(d, y)?;
    Ok(y)
}

fn check_year(d: &ClimateData, y: u16) -> Result<()> {
    let (first, last) = d
        .data
        .panel_years()
        .ok_or_else(|| AppError::Internal("the climate panel is empty".to_owned()))?;
    if y <= first || y > last + 1 {
        return Err(AppError::QueryParameter(format!(
            "year {y}: the data cover winters ending {first}–{last}, so a risk can be given for {}–{}",
            first + 1,
            last + 1
        )));
    }
    Ok(())
}

fn model_error(e: ModelError) -> AppError {
    match e {
        ModelError::UnknownSoum(c) => AppError::not_found("soum", format!("{c:05}")),
        e @ (ModelError::TooFewRows { .. } | ModelError::OneClass(_)) => {
            AppError::QueryParameter(format!("no model for this year: {e}"))
        }
        e => AppError::Internal(format!("the dzud model: {e}")),
    }
}

fn model_for(d: &ClimateData, year: u16, mode: Mode) -> Result<(Arc<Model>, ModelInfo)> {
    check_year(d, year)?;
    let last = d.data.panel_years().map(|(_, l)| l).unwrap_or(year);
    let train_until = (year - 1).min(last);
    let m = data::model(d, train_until, mode)?;
    let info = ModelInfo {
        mode,
        train_until,
        rows_train: m.rows_train,
        events_train: m.events_train,
    };
    Ok((m, info))
}

fn aimag_risk(m: &Model, inputs: &Inputs, mode: Mode) -> Option<AimagRisk> {
    let a = mongolia::aimag(inputs.aimag_code)?;
    let p = m.predict(inputs);
    Some(AimagRisk {
        aimag: format!("{:02}", a.code),
        name_en: a.name_en,
        name_mn: a.name_mn,
        year: inputs.year,
        mode,
        probability: p.probability,
        class: p.class,
        intercept: p.intercept,
        logit: p.logit,
        contributions: serde_json::to_value(&p.contributions).unwrap_or(Value::Null),
        imputed: p.imputed,
    })
}

/// Every aimag's risk for the winter ending in `year` (aimags the panel knows).
pub async fn risk(app: &App, year: u16, mode: Mode) -> Result<RiskReport> {
    risk_in(&*dataset(app).await?, year, mode)
}

fn risk_in(d: &ClimateData, year: u16, mode: Mode) -> Result<RiskReport> {
    let (m, info) = model_for(d, year, mode)?;
    let mut codes: Vec<u8> = d.data.panel.keys().map(|(a, _)| *a).collect();
    codes.dedup();
    let aimags = codes
        .into_iter()
        .filter_map(|a| aimag_risk(&m, &Inputs::from_data(&d.data, a, year), mode))
        .collect();
    Ok(RiskReport {
        year,
        mode,
        model: info,
        class_bounds: ::climate::model::CLASS_BOUNDS,
        mortality_threshold: ::climate::model::MORTALITY_THRESHOLD,
        aimags,
    })
}

/// Parses a 5-digit soum code, 404 when the NSO tables have no such soum.
pub fn soum_code(code: &str) -> Result<&'static mongolia::Soum> {
    code.trim()
        .parse::<u32>()
        .ok()
        .filter(|_| code.trim().len() == 5)
        .and_then(mongolia::soum)
        .ok_or_else(|| AppError::not_found("soum", code))
}

/// One soum's risk (its aimag's inputs, as the crate gives them).
pub async fn soum_risk(app: &App, code: &str, year: u16, mode: Mode) -> Result<SoumRisk> {
    soum_risk_in(&*dataset(app).await?, code, year, mode)
}

fn soum_risk_in(d: &ClimateData, code: &str, year: u16, mode: Mode) -> Result<SoumRisk> {
    let soum = soum_code(code)?;
    let (m, info) = model_for(d, year, mode)?;
    let (inputs, source) = Inputs::for_soum(&d.data, soum.code, year).map_err(model_error)?;
    let risk = aimag_risk(&m, &inputs, mode)
        .ok_or_else(|| AppError::not_found("aimag", format!("{:02}", soum.aimag_code)))?;
    Ok(SoumRisk {
        soum: soum.code_str(),
        name_en: soum.name_en,
        name_mn: soum.name_mn,
        input_source: source,
        risk,
        model: info,
    })
}

/// The stocking report of `year` with the default (unverified) capacities, soum rows of
/// imported soum totals included.
pub async fn stocking_report(app: &App, year: u16) -> Result<StockingReport> {
    capacity::stocking_in_data(&*dataset(app).await?, year)
}

/// The stocking report as a printable CSV table: aimags, then soums, with head, sheep units,
/// capacity, ratio and whether the unit is over capacity.
pub fn stocking_csv(report: &StockingReport) -> String {
    let mut out = String::from(
        "level,code,name,aimag,total_head,goat,sheep_units,goat_share_pct,capacity_su,capacity_basis,ratio,over_capacity,excess_su,species_estimated\n",
    );
    let basis = |b: &::climate::stocking::CapacityBasis| {
        serde_json::to_value(b)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let over = |level: &str, code: &str| {
        report
            .over_capacity
            .iter()
            .find(|o| o.level == level && o.code == code)
            .map(|o| o.excess_su)
    };
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let ratio = |r: Option<f64>| r.map(|r| format!("{r:.3}")).unwrap_or_default();
    for a in &report.aimags {
        let excess = over("aimag", &a.code);
        out.push_str(&format!(
            "aimag,{},{},{},{},{},{},{:.1},{},{},{},{},{},false\n",
            a.code,
            csv_field(&a.name),
            a.code,
            a.total_head,
            a.head.goat,
            a.sheep_units.rounded(),
            a.goat_share * 100.0,
            opt(a.capacity_su),
            basis(&a.capacity_basis),
            ratio(a.ratio),
            excess.is_some(),
            opt(excess),
        ));
    }
    for s in &report.soums {
        let excess = over("soum", &s.code);
        out.push_str(&format!(
            "soum,{},{},{},{},{},{},{:.1},{},{},{},{},{},{}\n",
            s.code,
            csv_field(&s.name),
            s.aimag_code,
            s.total_head,
            s.head_estimated.goat,
            s.sheep_units.rounded(),
            s.goat_share * 100.0,
            opt(s.capacity_su),
            basis(&s.capacity_basis),
            ratio(s.ratio),
            excess.is_some(),
            opt(excess),
            s.species_estimated,
        ));
    }
    out
}

/// A CSV field, quoted when it holds a separator or a quote (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A soum's winter fodder plan with its risk class (from `mode`) and its text messages.
pub async fn soum_plan(app: &App, code: &str, year: u16, mode: Mode) -> Result<Plan> {
    soum_plan_in(&*dataset(app).await?, code, year, mode)
}

fn soum_plan_in(d: &ClimateData, code: &str, year: u16, mode: Mode) -> Result<Plan> {
    let risk = soum_risk_in(d, code, year, mode)?;
    let soum = soum_code(code)?;
    ::climate::plan_for_soum(
        &d.data,
        soum.code,
        year,
        &PlanConfig::default(),
        Some(risk.risk.class),
    )
    .map_err(|e| AppError::validation(format!("no plan for soum {code}: {e}"), vec![]))
}

#[cfg(test)]
mod tests;
