//! `nooluur insurance`: index-based livestock insurance payouts (after Mongolia's IBLIP) and
//! policy hindcasts over the built-in mortality series, over the pure `finance` crate.
//!
//! Amounts and rates are passed to the library as the text the user typed: it parses them
//! exactly (integer tögrög, rates in millionths), so no float touches a payout, and its refusals
//! are one line each, which the binary prints as `nooluur: …`.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use finance::insurance::{self, Defaults};
use serde_json::Value;

#[derive(Debug, Subcommand)]
pub enum InsuranceCommand {
    /// The base-layer payout for a sum insured and an area's mortality rate (JSON).
    Payout(PayoutArgs),
    /// What a policy would have paid in each year of the built-in mortality series (JSON).
    Hindcast(HindcastArgs),
}

#[derive(Debug, Args)]
// A negative sum is refused by the library with a precise message, which beats clap's
// "unexpected argument".
#[command(allow_negative_numbers = true)]
pub struct PayoutArgs {
    /// Sum insured, whole tögrög.
    #[arg(long, value_name = "MNT")]
    sum_insured: String,
    /// The index: the area's final mortality rate of the species, a decimal fraction (0.12).
    #[arg(long, value_name = "RATE")]
    mortality: String,
    /// Mortality at which payouts start (default 0.06, verified).
    #[arg(long, value_name = "RATE")]
    trigger: Option<String>,
    /// Mortality at which the base layer is exhausted (default 0.30, unverified).
    #[arg(long, value_name = "RATE")]
    exhaustion: Option<String>,
}

#[derive(Debug, Args)]
pub struct HindcastArgs {
    /// The policy file (JSON: household, aimag or soum, species, sum insured, optional
    /// trigger and exhaustion).
    #[arg(long, value_name = "FILE.json")]
    policy: PathBuf,
}

pub fn run(c: InsuranceCommand) -> Result<()> {
    let defaults = Defaults::v1();
    let out = match c {
        InsuranceCommand::Payout(a) => payout(&a, &defaults)?,
        InsuranceCommand::Hindcast(a) => hindcast(&a, &defaults)?,
    };
    let text = format!("{}\n", serde_json::to_string_pretty(&out)?);
    let mut stdout = std::io::stdout().lock();
    // A reader that stops early (`| head`) is not an error.
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Notes for the defaults a command fell back on, with whether each is verified.
fn default_notes(defaults: &Defaults, trigger: bool, exhaustion: bool) -> Vec<String> {
    let note = |name: &str, r: &insurance::ConfiguredRate| {
        format!(
            "{name} {} is the built-in default ({}): {}",
            r.value,
            if r.verified { "verified" } else { "UNVERIFIED" },
            r.source
        )
    };
    let mut notes = Vec::new();
    if trigger {
        notes.push(note("trigger", &defaults.trigger));
    }
    if exhaustion {
        notes.push(note("exhaustion", &defaults.exhaustion));
    }
    notes
}

/// The library's message alone: its errors carry their cause as `source` *and* quote it in
/// the message, so printing the chain would say it twice.
fn one_line(e: insurance::InsuranceError) -> anyhow::Error {
    anyhow!("{e}")
}

fn payout(a: &PayoutArgs, defaults: &Defaults) -> Result<Value> {
    let p = insurance::payout_from_text(
        &a.sum_insured,
        &a.mortality,
        a.trigger.as_deref(),
        a.exhaustion.as_deref(),
        defaults,
    )
    .map_err(one_line)?;
    let mut v = serde_json::to_value(p)?;
    let notes = default_notes(defaults, a.trigger.is_none(), a.exhaustion.is_none());
    if !notes.is_empty() {
        v["notes"] = notes.into();
    }
    Ok(v)
}

fn hindcast(a: &HindcastArgs, defaults: &Defaults) -> Result<Value> {
    let text = std::fs::read_to_string(&a.policy)
        .with_context(|| format!("cannot read {}", a.policy.display()))?;
    let policy = insurance::Policy::from_json(&text, defaults)
        .map_err(one_line)
        .with_context(|| format!("{}", a.policy.display()))?;
    let series = insurance::mortality_series(policy.aimag, policy.species);
    if series.is_empty() {
        bail!(
            "no mortality series for aimag {:02} and {:?}",
            policy.aimag,
            policy.species
        );
    }
    let h = insurance::hindcast(&policy, &series);
    let mut v = serde_json::to_value(&h)?;
    let mut notes = vec![
        "Index: NSO final mortality of the species (deaths over the prior year's stock) of the \
         policy's aimag, the national figure where the aimag has none; there is no soum series, \
         so a soum policy is indexed on its aimag."
            .to_owned(),
    ];
    // A policy file may leave the layer out; say which defaults filled it.
    let has = |k: &str| {
        serde_json::from_str::<Value>(&text)
            .ok()
            .is_some_and(|j| !j[k].is_null())
    };
    notes.extend(default_notes(defaults, !has("trigger"), !has("exhaustion")));
    v["notes"] = notes.into();
    Ok(v)
}
