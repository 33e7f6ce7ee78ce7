//! Stocking on the effective tables, and a household's share of its soum's carrying capacity.
//!
//! **Soum rows of imported years.** The `climate` crate's report has soum rows for the NSO
//! soum tables it embeds (2019, 2020). An imported soum total (`nso-livestock`) adds or
//! replaces the soum's row for its year, built the same way: the total split in the aimag's
//! species mix of that year (or the latest year before it), capacity only when configured.
//!
//! **A household's capacity share** (the rule the credit history uses, issue 7):
//! - the soum's capacity is the configured one when the capacity config names the soum;
//!   otherwise the aimag's capacity × the soum's share of the aimag's herder households
//!   (`aimag-share`: no soum pasture areas are in the data, and herder households are where
//!   the pasture is used);
//! - the household's share is the soum's capacity / the soum's herder households (NSO 2019 or
//!   2020, the nearest to the herd's year), rounded to the nearest sheep unit;
//! - the soum's stocking ratio is its sheep units / its capacity when the soum has a head count
//!   for the year (2019, 2020 or imported), else its aimag's ratio (`aimag`);
//! - the figures are of the herd's census year, or the latest year before it with aimag
//!   livestock figures.
//!
//! All of it rests on the unverified default capacities of the `climate` crate
//! (`data/capacity.toml`), which a deployment replaces with official figures.

use std::sync::OnceLock;

use ::climate::stocking::{OverCapacity, SoumStocking, stocking_in};
use ::climate::{CapacityConfig, SheepUnits, StockingReport};
use serde::Serialize;

use super::data::{ClimateData, dataset};
use crate::{App, AppError, Result};

const SOUM_NOTE: &str = "Soum species are ESTIMATED: the NSO soum total split in the aimag's \
                         species mix. Soums have a capacity only when configured (no soum areas in the data).";

fn config() -> &'static CapacityConfig {
    static CONFIG: OnceLock<CapacityConfig> = OnceLock::new();
    CONFIG.get_or_init(CapacityConfig::defaults)
}

fn ratio(su: SheepUnits, cap: Option<u64>) -> Option<f64> {
    cap.filter(|&c| c > 0)
        .map(|c| (su.as_f64() / c as f64 * 1000.0).round() / 1000.0)
}

/// The stocking report of `year` on `d`, soum rows of imported totals included.
pub(super) fn stocking_in_data(d: &ClimateData, year: u16) -> Result<StockingReport> {
    stocking_with(d, year, config())
}

/// The stocking report of `year` on `d` with the capacities of `config` (the CLI's
/// `--capacity` overrides), soum rows of imported totals included.
pub fn stocking_with(
    d: &ClimateData,
    year: u16,
    config: &CapacityConfig,
) -> Result<StockingReport> {
    let mut r = stocking_in(&d.data, year, config)
        .map_err(|e| AppError::not_found("stocking year", e.to_string()))?;
    let mut changed = false;
    for (&(code, y), &total) in &d.soum_head {
        if y != year {
            continue;
        }
        let code_s = format!("{code:05}");
        let pos = r.soums.iter().position(|s| s.code == code_s);
        if pos.is_some_and(|i| r.soums[i].total_head == total) {
            continue;
        }
        let Some(row) = soum_row(d, config, code, year, total) else {
            continue;
        };
        r.over_capacity
            .retain(|o| !(o.level == "soum" && o.code == code_s));
        if let Some(o) = over(&row) {
            r.over_capacity.push(o);
        }
        match pos {
            Some(i) => r.soums[i] = row,
            None => r.soums.push(row),
        }
        changed = true;
    }
    if changed {
        r.soums.sort_by(|a, b| a.code.cmp(&b.code));
        r.over_capacity
            .sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then(a.code.cmp(&b.code)));
        if !r.notes.iter().any(|n| n == SOUM_NOTE) {
            r.notes.push(SOUM_NOTE.to_owned());
        }
    }
    Ok(r)
}

fn soum_row(
    d: &ClimateData,
    config: &CapacityConfig,
    code: u32,
    year: u16,
    total: u64,
) -> Option<SoumStocking> {
    let s = mongolia::soum(code)?;
    let a = s.aimag_code;
    // The aimag's species mix of the year, or of the latest year before it.
    let (_, mix) = d.data.livestock.range((a, 0)..=(a, year)).next_back()?;
    Some(::climate::stocking::soum_row(s, total, mix, config))
}

fn over(s: &SoumStocking) -> Option<OverCapacity> {
    let cap_tenths = s.capacity_su?.saturating_mul(10);
    let su = s.sheep_units.tenths();
    (su > cap_tenths).then(|| OverCapacity {
        level: "soum",
        code: s.code.clone(),
        name: s.name.clone(),
        ratio: s.ratio.unwrap_or(0.0),
        excess_su: (su - cap_tenths).div_ceil(10),
        goat_equivalent: (su - cap_tenths).div_ceil(9),
    })
}

/// A household's share of its soum's carrying capacity in a census year, with the soum's
/// stocking (the rule is in the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdCapacity {
    pub soum: String,
    /// The census year of the figures.
    pub year: u16,
    pub soum_capacity_su: u64,
    /// `configured` or `aimag-share`.
    pub soum_capacity_basis: &'static str,
    /// The soum's herder households the capacity is shared among.
    pub herder_households: u32,
    /// The household's share, sheep units.
    pub capacity_su: u64,
    /// Sheep units over capacity of the soum (`soum`) or of its aimag (`aimag`).
    pub stocking_basis: &'static str,
    pub stocking_sheep_units: SheepUnits,
    pub stocking_capacity_su: u64,
    pub stocking_ratio: f64,
}

/// [`household_capacity_in`] on the store's effective tables.
pub async fn household_capacity(
    app: &App,
    soum: &str,
    year: i32,
) -> Result<Option<HouseholdCapacity>> {
    Ok(household_capacity_in(&*dataset(app).await?, soum, year))
}

/// `None` when the soum is unknown, no aimag figures precede the year, or the soum or aimag
/// has no herder households or capacity.
pub fn household_capacity_in(d: &ClimateData, soum: &str, year: i32) -> Option<HouseholdCapacity> {
    let s = soum
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|_| soum.trim().len() == 5)
        .and_then(mongolia::soum)?;
    let a = s.aimag_code;
    let year = u16::try_from(year).ok()?;
    let (&(_, y), _) = d.data.livestock.range((a, 0)..=(a, year)).next_back()?;
    let report = stocking_in_data(d, y).ok()?;
    let aimag = report.aimags.iter().find(|x| x.code == format!("{a:02}"))?;
    let aimag_cap = aimag.capacity_su.filter(|&c| c > 0)?;
    // The NSO household tables are 2019 and 2020: the nearer one to the census year.
    let (near, far) = if y <= 2019 {
        (2019, 2020)
    } else {
        (2020, 2019)
    };
    let households = |x: &mongolia::Soum| {
        [near, far]
            .into_iter()
            .filter_map(|t| x.herder_households(t))
            .find(|&h| h > 0)
            .unwrap_or(0)
    };
    let hh = households(s);
    if hh == 0 {
        return None;
    }
    let row = report.soums.iter().find(|x| x.code == s.code_str());
    let (soum_cap, basis) = match row.and_then(|r| r.capacity_su).filter(|&c| c > 0) {
        Some(c) => (c, "configured"),
        None => {
            let aimag_hh: u64 = mongolia::soums()
                .iter()
                .filter(|x| x.aimag_code == a)
                .map(|x| u64::from(households(x)))
                .sum();
            if aimag_hh == 0 {
                return None;
            }
            let c = u128::from(aimag_cap) * u128::from(hh) / u128::from(aimag_hh);
            (u64::try_from(c).ok()?, "aimag-share")
        }
    };
    let (stocking_basis, su, cap) = match row {
        Some(r) => ("soum", r.sheep_units, soum_cap),
        None => ("aimag", aimag.sheep_units, aimag_cap),
    };
    let hh64 = u64::from(hh);
    Some(HouseholdCapacity {
        soum: s.code_str(),
        year: y,
        soum_capacity_su: soum_cap,
        soum_capacity_basis: basis,
        herder_households: hh,
        capacity_su: (soum_cap + hh64 / 2) / hh64,
        stocking_basis,
        stocking_sheep_units: su,
        stocking_capacity_su: cap,
        stocking_ratio: ratio(su, Some(cap)).unwrap_or(0.0),
    })
}
