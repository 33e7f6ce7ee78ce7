//! `nooluur dzud` and `nooluur pasture`: the dzud risk hindcast and its skill, stocking against
//! carrying capacity, and winter fodder contingency plans, over the pure `climate` crate.
//!
//! Numbers, years and modes are taken as text and parsed here, so that a malformed value is
//! refused with the binary's one-line `nooluur: …` message rather than clap's usage screen.
//! Every command computes on the tables compiled into the binary, overlaid with the yearly
//! imports (`nooluur import`) of the store named by `--db`; without `--db` it reads no store.
//! The `--household` form of `dzud plan` always opens the store (for the household's soum,
//! herd and reserves), and then counts its imports too.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use climate::model::InputSource;
use climate::plan::{Household, PlanOption};
use climate::{CapacityConfig, Dataset, Herd, Inputs, Mode, Model, Plan, PlanConfig, Prediction};
use nooluur_app::App;
use nooluur_app::climate::ClimateData;
use nooluur_app::market::registry;
use serde::Serialize;

use super::db::{DbArgs, explain};

mod plan;

/// The last winter (year it ends) the published model is fitted on (2014/15; model card).
const TRAIN_UNTIL: &str = "2015";

#[derive(Debug, Subcommand)]
pub enum DzudCommand {
    /// Predict every aimag-winter of the data with the model fitted up to a winter.
    Hindcast(HindcastArgs),
    /// Out-of-sample skill of a mode against its single-input baselines (JSON).
    Skill(ModelArgs),
    /// Winter fodder contingency plan of a soum or a household, with its text messages.
    Plan(Box<PlanArgs>),
}

#[derive(Debug, Subcommand)]
pub enum PastureCommand {
    /// Sheep units against carrying capacity by aimag and soum for a census year.
    Stocking(StockingArgs),
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Fit on winters ending in or before this year.
    #[arg(long, value_name = "YEAR", default_value = TRAIN_UNTIL)]
    train_until: String,
    /// `outlook` (known by 1 December) or `winter` (adds the winter temperature).
    #[arg(long, value_name = "MODE", default_value = "outlook")]
    mode: String,
    /// Count the yearly imports of this store (`sqlite://PATH` or `postgres://…`).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
}

#[derive(Debug, Args)]
pub struct HindcastArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// One JSON object per aimag-winter, one per line (else a table).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct StockingArgs {
    /// The December census year.
    #[arg(long, value_name = "YEAR")]
    year: String,
    /// Carrying-capacity overrides (TOML, merged over the built-in defaults).
    #[arg(long, value_name = "FILE.toml")]
    capacity: Option<PathBuf>,
    /// The whole report as JSON (else the table of units over capacity).
    #[arg(long)]
    json: bool,
    /// Count the yearly imports of this store (`sqlite://PATH` or `postgres://…`).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// NSO soum code (5 digits): the plan for the whole soum.
    #[arg(long, value_name = "CODE", required_unless_present = "household")]
    soum: Option<String>,
    /// Household id (`SOUM-NNNNN`) in the store: its soum, latest herd and reserves.
    #[arg(long, value_name = "ID", conflicts_with = "soum")]
    household: Option<String>,
    /// The year the winter ends (default: the winter after the latest data or herd count).
    #[arg(long, value_name = "YEAR")]
    year: Option<String>,
    /// Language of the text message printed (default: both).
    #[arg(long, value_name = "mn|en")]
    lang: Option<String>,
    /// Hay in reserve, kg (household plans).
    #[arg(long, value_name = "KG")]
    hay_kg: Option<String>,
    /// Fodder (concentrate) in reserve, kg (household plans).
    #[arg(long, value_name = "KG")]
    fodder_kg: Option<String>,
    /// Planning norms (TOML: winter_days, ration_g_per_su_day, bale_kg, …).
    #[arg(long, value_name = "FILE.toml")]
    config: Option<PathBuf>,
    /// The risk model's last training winter.
    #[arg(long, value_name = "YEAR", default_value = TRAIN_UNTIL)]
    train_until: String,
    /// The plan as JSON (else a summary and the text message).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArgs,
}

/// Parses a flag's value, naming the flag and what was expected when it is not that.
fn parse<T: FromStr>(flag: &str, text: &str, what: &str) -> Result<T> {
    text.trim()
        .parse()
        .map_err(|_| anyhow!("{flag} '{text}' is not {what}"))
}

fn year(flag: &str, text: &str) -> Result<u16> {
    parse(flag, text, "a year (e.g. 2015)")
}

/// Writes a command's output; a reader that stops early (`| head`) is not an error.
fn write_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

impl ModelArgs {
    fn parsed(&self) -> Result<(u16, Mode)> {
        let mode = self
            .mode
            .trim()
            .parse::<Mode>()
            .map_err(|e| anyhow!("--mode: {e}"))?;
        Ok((year("--train-until", &self.train_until)?, mode))
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Opens the store at `url` as `nooluur import` does.
async fn open(url: &str) -> Result<App> {
    DbArgs {
        db: Some(url.to_owned()),
        log_origin: "nooluur.local/log".to_owned(),
        log_key: None,
        sqlite_cache_mib: None,
    }
    .open()
    .await
}

/// The tables to compute on: the compiled-in ones, with the imports of the store at `db`.
fn tables(db: Option<&str>) -> Result<Arc<ClimateData>> {
    let Some(url) = db else {
        return Ok(Arc::new(ClimateData::embedded()));
    };
    runtime()?.block_on(async {
        let app = open(url).await?;
        nooluur_app::climate::dataset(&app).await.map_err(explain)
    })
}

pub fn dzud(c: DzudCommand) -> Result<()> {
    match c {
        DzudCommand::Hindcast(a) => hindcast(&a),
        DzudCommand::Skill(a) => {
            let (until, mode) = a.parsed()?;
            let data = tables(a.db.as_deref())?;
            let report = climate::model::skill_in(&data.data, until, mode)?;
            write_out(&format!("{}\n", serde_json::to_string_pretty(&report)?))
        }
        DzudCommand::Plan(a) => plan::plan(*a),
    }
}

pub fn pasture(c: PastureCommand) -> Result<()> {
    match c {
        PastureCommand::Stocking(a) => stocking(&a),
    }
}

fn hindcast(a: &HindcastArgs) -> Result<()> {
    let (until, mode) = a.model.parsed()?;
    let data = tables(a.model.db.as_deref())?;
    let rows = climate::model::hindcast_in(&data.data, until, mode)?;
    let mut out = String::new();
    if a.json {
        for r in &rows {
            out.push_str(&serde_json::to_string(r)?);
            out.push('\n');
        }
        return write_out(&out);
    }
    let names: Vec<&str> = rows
        .first()
        .map(|r| r.contributions.0.iter().map(|(n, _)| n.as_str()).collect())
        .unwrap_or_default();
    writeln!(
        out,
        "Dzud risk hindcast, {mode:?} mode, fitted on winters up to {} (P = probability that \
         mortality exceeds 6 %; contributions in log-odds)",
        winter_name(until)
    )?;
    let mut header = format!(
        "{:<6} {:<16} {:>6} {:>5} {:>9} {:<6}",
        "year", "aimag", "P", "class", "mortality", "fit"
    );
    for n in &names {
        header.push_str(&format!(" {n:>w$}", w = n.len().max(7)));
    }
    writeln!(out, "{header}")?;
    for r in &rows {
        let mut line = format!(
            "{:<6} {:<16} {:>6.3} {:>5} {:>8.1}% {:<6}",
            r.year,
            r.aimag,
            r.probability,
            r.class,
            r.mortality * 100.0,
            if r.in_sample { "train" } else { "test" }
        );
        for n in &names {
            let v = r.contributions.get(n).unwrap_or(0.0);
            line.push_str(&format!(" {v:>+w$.3}", w = n.len().max(7)));
        }
        writeln!(out, "{line}")?;
    }
    write_out(&out)
}

fn stocking(a: &StockingArgs) -> Result<()> {
    let y = year("--year", &a.year)?;
    let config = match &a.capacity {
        Some(path) => CapacityConfig::with_overrides(&read(path)?)
            .with_context(|| format!("{}", path.display()))?,
        None => CapacityConfig::defaults(),
    };
    let data = tables(a.db.as_deref())?;
    let report =
        nooluur_app::climate::capacity::stocking_with(&data, y, &config).map_err(explain)?;
    if a.json {
        return write_out(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    }
    let mut out = String::new();
    writeln!(
        out,
        "Stocking {y}: national {} sheep units ({} head){}",
        report.national_sheep_units.rounded(),
        report.national_head.head(),
        report
            .national_series_million_su
            .map(|m| format!("; NSO national series {m} million SU"))
            .unwrap_or_default()
    )?;
    for n in &report.notes {
        writeln!(out, "  note: {n}")?;
    }
    if report.over_capacity.is_empty() {
        writeln!(out, "No unit is over its carrying capacity.")?;
        return write_out(&out);
    }
    writeln!(
        out,
        "{:<6} {:<6} {:<18} {:>14} {:>14} {:>6} {:>12} {:>12}",
        "level", "code", "name", "sheep units", "capacity SU", "ratio", "excess SU", "goats equiv"
    )?;
    for o in &report.over_capacity {
        let (su, cap) = match o.level {
            "aimag" => report
                .aimags
                .iter()
                .find(|x| x.code == o.code)
                .map(|x| (x.sheep_units, x.capacity_su)),
            _ => report
                .soums
                .iter()
                .find(|x| x.code == o.code)
                .map(|x| (x.sheep_units, x.capacity_su)),
        }
        .unwrap_or_default();
        writeln!(
            out,
            "{:<6} {:<6} {:<18} {:>14} {:>14} {:>6.3} {:>12} {:>12}",
            o.level,
            o.code,
            o.name,
            su.rounded(),
            cap.map_or_else(|| "-".to_owned(), |c| c.to_string()),
            o.ratio,
            o.excess_su,
            o.goat_equivalent
        )?;
    }
    write_out(&out)
}

/// `2024/25` for the winter ending in 2025.
fn winter_name(year: u16) -> String {
    format!("{}/{:02}", year.saturating_sub(1), year % 100)
}
