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
        DzudCommand::Plan(a) => plan(*a),
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

/// The risk class a plan is made for: the outlook of the soum's aimag, and what it came from.
#[derive(Debug, Serialize)]
struct Risk {
    mode: Mode,
    train_until: u16,
    /// The year the winter ends.
    year: u16,
    aimag_code: String,
    input_source: InputSource,
    #[serde(flatten)]
    prediction: Prediction,
    basis: String,
}

/// A plan as printed: the library's plan, the risk it was made for and the place's names.
#[derive(Debug, Serialize)]
struct PlanOut {
    #[serde(flatten)]
    plan: Plan,
    risk: Risk,
    soum_name: Option<String>,
    aimag_name: Option<String>,
    /// The text message in the language asked for with `--lang`.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn risk(data: &Dataset, soum: u32, winter: u16, train_until: u16) -> Result<Risk> {
    let model = Model::fit(data, train_until, Mode::Outlook)?;
    let (inputs, source) = Inputs::for_soum(data, soum, winter)?;
    let aimag_code = format!("{:02}", inputs.aimag_code);
    let name = registry::aimag(&aimag_code)
        .ok()
        .and_then(|a| a["name_en"].as_str().map(|n| format!(" ({n})")))
        .unwrap_or_default();
    let own = match source {
        InputSource::Aimag => "; the soum has no inputs of its own",
        InputSource::Soum => "",
    };
    Ok(Risk {
        mode: Mode::Outlook,
        train_until,
        year: winter,
        basis: format!(
            "autumn outlook of aimag {aimag_code}{name} for the winter {}, model fitted on \
             winters up to {}{own}",
            winter_name(winter),
            winter_name(train_until)
        ),
        aimag_code,
        input_source: source,
        prediction: model.predict(&inputs),
    })
}

/// `2024/25` for the winter ending in 2025.
fn winter_name(year: u16) -> String {
    format!("{}/{:02}", year.saturating_sub(1), year % 100)
}

fn plan(a: PlanArgs) -> Result<()> {
    let rt = runtime()?;
    // The store is opened for a household, or when named; then its imports count.
    let app = match (&a.household, &a.db.db) {
        (None, None) => None,
        _ => Some(rt.block_on(a.db.open())?),
    };
    let tables = match &app {
        Some(app) => rt
            .block_on(nooluur_app::climate::dataset(app))
            .map_err(explain)?,
        None => Arc::new(ClimateData::embedded()),
    };
    let data = &tables.data;
    let until = year("--train-until", &a.train_until)?;
    let lang = match a.lang.as_deref().map(str::trim) {
        None => None,
        Some(l @ ("mn" | "en")) => Some(l.to_owned()),
        Some(other) => bail!("--lang '{other}' is not mn or en"),
    };
    let cfg = match &a.config {
        Some(path) => {
            PlanConfig::from_toml(&read(path)?).with_context(|| format!("{}", path.display()))?
        }
        None => PlanConfig::default(),
    };
    let kg = |flag: &str, v: &Option<String>| -> Result<u64> {
        v.as_deref()
            .map_or(Ok(0), |t| parse(flag, t, "a whole number of kilograms"))
    };
    let (hay, fodder) = (kg("--hay-kg", &a.hay_kg)?, kg("--fodder-kg", &a.fodder_kg)?);
    let winter = a.year.as_deref().map(|t| year("--year", t)).transpose()?;
    let next_winter = data.panel_years().map_or(2025, |(_, last)| last + 1);
    let (risk, plan) = match (&a.soum, &a.household) {
        (Some(code), None) => {
            if a.hay_kg.is_some() || a.fodder_kg.is_some() {
                bail!("--hay-kg and --fodder-kg apply to --household plans only");
            }
            let soum: u32 = parse("--soum", code, "an NSO soum code (5 digits, e.g. 18101)")?;
            let r = risk(data, soum, winter.unwrap_or(next_winter), until)?;
            let plan = climate::plan_for_soum(data, soum, r.year, &cfg, Some(r.prediction.class))?;
            (r, plan)
        }
        (None, Some(id)) => {
            let app = app
                .as_ref()
                .ok_or_else(|| anyhow!("no store for --household"))?;
            let (household, winter) =
                rt.block_on(household(app, id, winter, next_winter, hay, fodder))?;
            let r = risk(data, household.soum_code.unwrap_or(0), winter, until)?;
            let plan =
                climate::plan_for_household(data, &household, &cfg, Some(r.prediction.class))?;
            (r, plan)
        }
        _ => bail!("give --soum CODE or --household ID"),
    };
    let place = plan
        .soum_code
        .as_deref()
        .and_then(|c| registry::soum(c).ok());
    let name = |k: &str| {
        place
            .as_ref()
            .and_then(|s| s[k].as_str().map(str::to_owned))
    };
    let message = |l: &str| match l {
        "mn" => plan.message_mn.clone(),
        _ => plan.message_en.clone(),
    };
    let out = PlanOut {
        message: lang.as_deref().map(message),
        soum_name: name("name_en"),
        aimag_name: name("aimag_name_en"),
        risk,
        plan,
    };
    if a.json {
        return write_out(&format!("{}\n", serde_json::to_string_pretty(&out)?));
    }
    let mut text = String::new();
    print_plan(&mut text, &out)?;
    for l in ["en", "mn"] {
        if lang.as_deref().is_none_or(|x| x == l) {
            let m = if l == "mn" {
                &out.plan.message_mn
            } else {
                &out.plan.message_en
            };
            writeln!(text, "SMS ({l}, {} characters): {m}", m.chars().count())?;
        }
    }
    write_out(&text)
}

/// A household from the store, its herd entering the winter (the latest count before the
/// year the winter ends) and the reserves given on the command line.
async fn household(
    app: &App,
    id: &str,
    winter: Option<u16>,
    next_winter: u16,
    hay_kg: u64,
    fodder_kg: u64,
) -> Result<(Household, u16)> {
    let h = registry::household(app, id).await.map_err(explain)?;
    let herds = registry::herds(app, &h.id).await.map_err(explain)?;
    let soum: u32 = h
        .soum
        .parse()
        .map_err(|_| anyhow!("household {} has no valid soum code ({:?})", h.id, h.soum))?;
    // By default, the winter after the latest count (or after the data, if that is later).
    let winter = winter.unwrap_or_else(|| {
        herds
            .last()
            .and_then(|x| u16::try_from(x.year + 1).ok())
            .map_or(next_winter, |w| w.max(next_winter))
    });
    let Some(herd) = herds.iter().rev().find(|x| x.year < i32::from(winter)) else {
        bail!(
            "household {} has no herd count before the winter {}",
            h.id,
            winter_name(winter)
        );
    };
    let head = herd.head;
    let herd = Herd {
        horse: head.horse,
        cattle: head.cattle,
        camel: head.camel,
        sheep: head.sheep,
        goat: head.goat,
    };
    let household = Household {
        id: h.id,
        soum_code: Some(soum),
        herd,
        hay_kg,
        fodder_kg,
    };
    Ok((household, winter))
}

fn tonnes(kg: u64) -> String {
    format!("{}.{} t", kg / 1000, kg % 1000 / 100)
}

fn print_plan(out: &mut String, o: &PlanOut) -> std::fmt::Result {
    use PlanOption as O;
    let (p, r, h) = (&o.plan, &o.risk, &o.plan.herd);
    let soum = o.soum_name.as_deref().unwrap_or("?");
    let aimag = o.aimag_name.as_deref().unwrap_or("?");
    let place = match &p.soum_code {
        Some(code) if !p.subject.starts_with("soum") => format!("{soum} soum {code}, {aimag}"),
        _ => format!("{soum}, {aimag}"),
    };
    let (winter, est) = (
        winter_name(r.year),
        if p.species_estimated {
            " (estimated)"
        } else {
            ""
        },
    );
    writeln!(
        out,
        "Winter fodder plan: {} ({place} aimag), winter {winter}",
        p.subject
    )?;
    writeln!(
        out,
        "Dzud risk: class {}/5 (P(mortality > 6 %) = {:.2}), {}",
        r.prediction.class, r.prediction.probability, r.basis
    )?;
    writeln!(
        out,
        "Herd{est}: {} horse, {} cattle, {} camel, {} sheep, {} goat = {} sheep units",
        h.horse, h.cattle, h.camel, h.sheep, h.goat, p.sheep_units
    )?;
    writeln!(
        out,
        "Need {} ({} days × {} g/SU/day); reserves {}; gap {} costing {} MNT at {} MNT per {} kg \
         bale ({})",
        tonnes(p.need_kg),
        p.winter_days,
        p.ration_g_per_su_day,
        tonnes(p.reserves_kg),
        tonnes(p.gap_kg),
        p.gap_cost_mnt,
        p.hay_price_mnt_per_bale,
        p.bale_kg,
        p.hay_price_source
    )?;
    for option in &p.options {
        let line = match option {
            O::BuyHay {
                kg,
                bales,
                cost_mnt,
            } => {
                format!(
                    "buy hay now: {bales} bales ({}), {cost_mnt} MNT",
                    tonnes(*kg)
                )
            }
            O::SellGoats {
                goats,
                price_mnt_per_head: at,
                proceeds_mnt: cash,
                hay_to_buy_kg: buy,
                remaining_gap_kg: left,
                ..
            } => format!(
                "sell {goats} goats before winter at {at} MNT: {cash} MNT buys the {} of hay \
                 still needed (gap left {})",
                tonnes(*buy),
                tonnes(*left)
            ),
            O::Otor {
                days,
                saved_kg: saved,
                remaining_gap_kg: left,
                cost_mnt,
            } => format!(
                "otor for {days} days: saves {}, gap left {}, {cost_mnt} MNT with the move",
                tonnes(*saved),
                tonnes(*left)
            ),
        };
        writeln!(out, "  option: {line}")?;
    }
    for n in &p.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}
