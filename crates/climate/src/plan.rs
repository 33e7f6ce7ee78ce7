//! Winter fodder contingency plans for a household or a soum: the fodder need (sheep units ×
//! days × daily ration) against hay and fodder reserves, the gap in tonnes and its cost at the
//! local hay price, and the options — buy hay now, sell goats before winter, move on otor —
//! each with its cost. Money is integer tögrög; quantities are integer kilograms.
//!
//! The planning norms are **unverified** (domain-facts §4.5: "about 0.5–1 kg hay per SU per day
//! over 60–120 days", bale weight and otor cost not given) and are configuration.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::sms;
use crate::units::{Herd, SheepUnits, su_tenths_per_head};

/// Planning norms; every field has a documented default ([`PlanConfig::default`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanConfig {
    /// Days of supplementary feeding (default 100; §4.5 gives 60–120, [U]).
    pub winter_days: u32,
    /// Hay per sheep unit per day, grams (default 750; §4.5 gives 0.5–1 kg, [U]).
    pub ration_g_per_su_day: u32,
    /// Weight of a hay bale, kg (default 18, [U]: the NSO price is per bale, weight not given).
    pub bale_kg: u32,
    /// Kilograms of hay one 100 kg of fodder (concentrate) replaces (default 100, [U]).
    pub fodder_hay_equivalent_pct: u32,
    /// Days on otor (reserve pasture) during which no hay is fed (default 45, [U]).
    pub otor_days: u32,
    /// Cost of an otor move per household, MNT (default 500,000: transport and fuel, [U]).
    pub otor_cost_mnt_per_household: u64,
    /// Hay price override, MNT per bale; else the soum's mVAM price, the aimag's latest NSO
    /// bale price, or the national average, in that order.
    pub hay_price_mnt_per_bale: Option<u64>,
    /// Goat price override, MNT per head; else the aimag's autumn 2021 median.
    pub goat_price_mnt: Option<u64>,
}

impl Default for PlanConfig {
    fn default() -> PlanConfig {
        PlanConfig {
            winter_days: 100,
            ration_g_per_su_day: 750,
            bale_kg: 18,
            fodder_hay_equivalent_pct: 100,
            otor_days: 45,
            otor_cost_mnt_per_household: 500_000,
            hay_price_mnt_per_bale: None,
            goat_price_mnt: None,
        }
    }
}

impl PlanConfig {
    /// The defaults with a TOML text's fields over them.
    pub fn from_toml(text: &str) -> Result<PlanConfig, PlanError> {
        let c: PlanConfig = toml::from_str(text).map_err(|e| PlanError::Config(e.to_string()))?;
        if c.bale_kg == 0 || c.winter_days == 0 {
            return Err(PlanError::Config(
                "bale_kg and winter_days must be positive".to_owned(),
            ));
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("plan config: {0}")]
    Config(String),
    #[error("no soum {0:05} in the NSO tables")]
    UnknownSoum(u32),
    #[error("no livestock figures for soum {0:05}")]
    NoLivestock(u32),
    #[error("no hay price known for this place: set hay_price_mnt_per_bale")]
    NoHayPrice,
}

/// A household as the plan needs it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Household {
    pub id: String,
    pub soum_code: Option<u32>,
    pub herd: Herd,
    #[serde(default)]
    pub hay_kg: u64,
    #[serde(default)]
    pub fodder_kg: u64,
}

/// One way to close the gap.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "option", rename_all = "snake_case")]
pub enum PlanOption {
    BuyHay {
        kg: u64,
        bales: u64,
        cost_mnt: u64,
    },
    /// Sell goats before winter: fewer mouths to feed, and the proceeds buy hay for the rest.
    SellGoats {
        goats: u64,
        price_mnt_per_head: u64,
        /// Cash raised, which pays for the hay still needed.
        proceeds_mnt: u64,
        /// Hay still to buy after the sale (paid from the proceeds), kg.
        hay_to_buy_kg: u64,
        /// Gap left if even selling every goat is not enough, kg.
        remaining_gap_kg: u64,
        /// The herd value given up.
        cost_mnt: u64,
    },
    /// Move to reserve pasture for part of the winter.
    Otor {
        days: u32,
        saved_kg: u64,
        remaining_gap_kg: u64,
        /// The move, plus hay for the remaining gap.
        cost_mnt: u64,
    },
}

/// A contingency plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// `household <id>` or `soum <code>`.
    pub subject: String,
    pub soum_code: Option<String>,
    pub households: u64,
    pub herd: Herd,
    pub species_estimated: bool,
    pub sheep_units: SheepUnits,
    pub winter_days: u32,
    pub ration_g_per_su_day: u32,
    pub need_kg: u64,
    pub reserves_kg: u64,
    pub gap_kg: u64,
    pub hay_price_mnt_per_bale: u64,
    pub hay_price_source: String,
    pub bale_kg: u32,
    pub gap_cost_mnt: u64,
    pub goat_price_mnt: Option<u64>,
    pub options: Vec<PlanOption>,
    /// The dzud risk class the plan was made for, when given.
    pub risk_class: Option<u8>,
    pub notes: Vec<String>,
    /// Text message in Mongolian (Cyrillic, ≤ 70 characters).
    pub message_mn: String,
    /// Text message in English (GSM-7, ≤ 160 characters).
    pub message_en: String,
}

fn div_ceil(a: u128, b: u128) -> u64 {
    u64::try_from(a.div_ceil(b.max(1))).unwrap_or(u64::MAX)
}

/// Hay kg for `su_tenths` over `days` at the ration.
fn hay_kg(su_tenths: u64, days: u32, ration_g: u32) -> u64 {
    div_ceil(
        u128::from(su_tenths) * u128::from(days) * u128::from(ration_g),
        10 * 1000,
    )
}

fn hay_cost(kg: u64, price_per_bale: u64, bale_kg: u32) -> u64 {
    div_ceil(
        u128::from(kg) * u128::from(price_per_bale),
        u128::from(bale_kg),
    )
}

fn hay_price(
    data: &Dataset,
    soum_code: Option<u32>,
    cfg: &PlanConfig,
) -> Result<(u64, String), PlanError> {
    if let Some(p) = cfg.hay_price_mnt_per_bale {
        return Ok((p, "configured".to_owned()));
    }
    if let Some(code) = soum_code {
        if let Some(p) = data
            .soum_hay
            .get(&code)
            .and_then(|h| h.mvam_hay_price_mnt_per_bale)
        {
            return Ok((p, format!("WFP mVAM 2019, soum {code:05}")));
        }
        let aimag = mongolia::soum(code).map(|s| s.aimag_code);
        if let Some((m, p)) = aimag.and_then(|a| data.latest_hay_price(a)) {
            return Ok((
                p,
                format!("NSO bale price {m}, aimag {:02}", aimag.unwrap_or(0)),
            ));
        }
    }
    data.latest_hay_price(0)
        .map(|(m, p)| (p, format!("NSO national average bale price {m}")))
        .ok_or(PlanError::NoHayPrice)
}

fn goat_price(data: &Dataset, soum_code: Option<u32>, cfg: &PlanConfig) -> Option<u64> {
    if cfg.goat_price_mnt.is_some() {
        return cfg.goat_price_mnt;
    }
    let aimag = soum_code.and_then(mongolia::soum).map(|s| s.aimag_code);
    aimag
        .and_then(|a| data.goat_price.get(&a).copied())
        .or_else(|| {
            // The median of the aimag medians, as a national fallback.
            let mut v: Vec<u64> = data.goat_price.values().copied().collect();
            v.sort_unstable();
            v.get(v.len() / 2).copied()
        })
}

struct Subject {
    name: String,
    soum_code: Option<u32>,
    households: u64,
    herd: Herd,
    species_estimated: bool,
    hay_kg: u64,
    fodder_kg: u64,
    notes: Vec<String>,
}

/// The plan for one household.
pub fn plan_for_household(
    data: &Dataset,
    household: &Household,
    cfg: &PlanConfig,
    risk_class: Option<u8>,
) -> Result<Plan, PlanError> {
    build(
        data,
        Subject {
            name: format!("household {}", household.id),
            soum_code: household.soum_code,
            households: 1,
            herd: household.herd,
            species_estimated: false,
            hay_kg: household.hay_kg,
            fodder_kg: household.fodder_kg,
            notes: Vec::new(),
        },
        cfg,
        risk_class,
    )
}

/// The plan for a whole soum: its livestock at the latest NSO soum census not after `year`
/// (2019 or 2020; species estimated from the aimag mix), against its 2019 hay harvest and
/// fodder crops as the reserve (the data hold no soum reserve stock).
pub fn plan_for_soum(
    data: &Dataset,
    soum_code: u32,
    year: u16,
    cfg: &PlanConfig,
    risk_class: Option<u8>,
) -> Result<Plan, PlanError> {
    let soum = mongolia::soum(soum_code).ok_or(PlanError::UnknownSoum(soum_code))?;
    let (census, total, households) = if year >= 2020 {
        (2020, soum.livestock_2020, soum.herder_households_2020)
    } else {
        (2019, soum.livestock_2019, soum.herder_households_2019)
    };
    let mix = data
        .herd(soum.aimag_code, census)
        .ok_or(PlanError::NoLivestock(soum_code))?;
    let hay = data.soum_hay.get(&soum_code);
    build(
        data,
        Subject {
            name: format!("soum {soum_code:05}"),
            soum_code: Some(soum_code),
            households: u64::from(households.max(1)),
            herd: mix.split_like(total),
            species_estimated: true,
            hay_kg: hay.and_then(|h| h.hay_harvest_kg).unwrap_or(0),
            fodder_kg: hay.and_then(|h| h.fodder_crops_kg).unwrap_or(0),
            notes: vec![
                format!(
                    "Livestock: NSO soum total {census}, species estimated from the aimag mix."
                ),
                "Reserves: the soum's 2019 hay harvest and fodder crops (NSO).".to_owned(),
            ],
        },
        cfg,
        risk_class,
    )
}

fn build(
    data: &Dataset,
    s: Subject,
    cfg: &PlanConfig,
    risk_class: Option<u8>,
) -> Result<Plan, PlanError> {
    let su = s.herd.sheep_units();
    let need = hay_kg(su.tenths(), cfg.winter_days, cfg.ration_g_per_su_day);
    let reserves = s.hay_kg.saturating_add(div_ceil(
        u128::from(s.fodder_kg) * u128::from(cfg.fodder_hay_equivalent_pct),
        100,
    ));
    let gap = need.saturating_sub(reserves);
    let (price, price_source) = hay_price(data, s.soum_code, cfg)?;
    let bale_kg = cfg.bale_kg.max(1);
    let gap_cost = hay_cost(gap, price, bale_kg);
    let goat_price = goat_price(data, s.soum_code, cfg);
    let mut options = Vec::new();
    if gap > 0 {
        options.push(PlanOption::BuyHay {
            kg: gap,
            bales: gap.div_ceil(u64::from(bale_kg)),
            cost_mnt: gap_cost,
        });
        if let Some(gp) = goat_price.filter(|&p| p > 0 && s.herd.goat > 0) {
            options.push(sell_goats(gap, gp, price, s.herd.goat, cfg, bale_kg));
        }
        if cfg.otor_days > 0 {
            let saved = hay_kg(
                su.tenths(),
                cfg.otor_days.min(cfg.winter_days),
                cfg.ration_g_per_su_day,
            )
            .min(need);
            let remaining = gap.saturating_sub(saved);
            options.push(PlanOption::Otor {
                days: cfg.otor_days,
                saved_kg: saved,
                remaining_gap_kg: remaining,
                cost_mnt: cfg
                    .otor_cost_mnt_per_household
                    .saturating_mul(s.households)
                    .saturating_add(hay_cost(remaining, price, bale_kg)),
            });
        }
    }
    let mut plan = Plan {
        subject: s.name,
        soum_code: s.soum_code.map(|c| format!("{c:05}")),
        households: s.households,
        herd: s.herd,
        species_estimated: s.species_estimated,
        sheep_units: su,
        winter_days: cfg.winter_days,
        ration_g_per_su_day: cfg.ration_g_per_su_day,
        need_kg: need,
        reserves_kg: reserves,
        gap_kg: gap,
        hay_price_mnt_per_bale: price,
        hay_price_source: price_source,
        bale_kg,
        gap_cost_mnt: gap_cost,
        goat_price_mnt: goat_price,
        options,
        risk_class,
        notes: s.notes,
        message_mn: String::new(),
        message_en: String::new(),
    };
    plan.notes.push(
        "Planning norms (days, ration, bale weight, otor cost) are unverified defaults.".to_owned(),
    );
    plan.message_mn = sms::render_mn(&plan);
    plan.message_en = sms::render_en(&plan);
    Ok(plan)
}

/// The fewest goats whose sale closes the gap: each sold goat removes its own winter ration
/// and its price buys hay for the rest.
fn sell_goats(
    gap: u64,
    goat_price: u64,
    hay_price: u64,
    goats_owned: u64,
    cfg: &PlanConfig,
    bale_kg: u32,
) -> PlanOption {
    // Per goat, in grams × hay price (to stay in integers): ration saved plus hay bought.
    let saved_g = u128::from(su_tenths_per_head(crate::units::Species::Goat))
        * u128::from(cfg.winter_days)
        * u128::from(cfg.ration_g_per_su_day)
        / 10;
    let per_goat = saved_g * u128::from(hay_price.max(1))
        + u128::from(goat_price) * u128::from(bale_kg) * 1000;
    let needed = div_ceil(
        u128::from(gap) * 1000 * u128::from(hay_price.max(1)),
        per_goat,
    );
    let goats = needed.min(goats_owned);
    let saved_kg = div_ceil(saved_g * u128::from(goats), 1000).min(gap);
    let hay_to_buy = gap - saved_kg;
    let proceeds = goats.saturating_mul(goat_price);
    let affordable_kg = div_ceil(
        u128::from(proceeds) * u128::from(bale_kg),
        u128::from(hay_price.max(1)),
    );
    PlanOption::SellGoats {
        goats,
        price_mnt_per_head: goat_price,
        proceeds_mnt: proceeds,
        hay_to_buy_kg: hay_to_buy,
        remaining_gap_kg: hay_to_buy.saturating_sub(affordable_kg),
        cost_mnt: proceeds,
    }
}

#[cfg(test)]
mod tests;
