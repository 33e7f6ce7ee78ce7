//! Stocking against carrying capacity: sheep units per aimag and soum, goat share, the ratio
//! to a configurable capacity, the trend over years, and the regulator's list of units over
//! capacity. The capacity defaults are **unverified** (domain-facts §3.4) and live in
//! `data/capacity.toml`, which a caller can override with its own TOML text.
//!
//! Soum figures exist only for the census years of the NSO soum tables (2019, 2020), and only
//! as total head: the species split is **estimated** from the aimag's mix that year, which the
//! report says on every soum row.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::units::{Herd, SheepUnits};

const DEFAULT_CAPACITY_TOML: &str = include_str!("../data/capacity.toml");

/// How many years back the trend looks.
const TREND_YEARS: u16 = 10;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("capacity config: {0}")]
    Toml(String),
    #[error("capacity config: aimag {aimag} names zone {zone:?}, which [zones] does not define")]
    UnknownZone { aimag: String, zone: String },
    #[error("capacity config: {0:?} is not a 2-digit aimag code or 5-digit soum code")]
    BadCode(String),
    #[error("capacity config: {what} must be positive, got {value}")]
    NotPositive { what: String, value: f64 },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StockingError {
    #[error("no aimag livestock figures for {0}")]
    NoData(u16),
}

/// Carrying capacity of one natural zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub su_per_ha: f64,
}

/// A soum's configured capacity: given directly, or from its pasture area.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SoumCapacity {
    pub capacity_su: Option<f64>,
    pub pasture_ha: Option<f64>,
    pub zone: Option<String>,
}

/// Carrying-capacity configuration (see `data/capacity.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityConfig {
    /// Whether the figures were checked against an official source; the defaults are not.
    pub verified: bool,
    pub pasture_fraction: f64,
    pub zones: BTreeMap<String, Zone>,
    /// Aimag code (`"81"`) → zone name.
    pub aimags: BTreeMap<String, String>,
    /// Soum code (`"18101"`) → capacity.
    #[serde(default)]
    pub soums: BTreeMap<String, SoumCapacity>,
}

impl CapacityConfig {
    /// The embedded defaults.
    pub fn defaults() -> CapacityConfig {
        // Parsed by a unit test: failing here is a build defect.
        CapacityConfig::with_overrides("").expect("embedded capacity.toml is valid")
    }

    /// The defaults with `overrides` (TOML text in the same shape) merged over them, key by key.
    pub fn with_overrides(overrides: &str) -> Result<CapacityConfig, ConfigError> {
        let mut base: toml::Table = DEFAULT_CAPACITY_TOML
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml(e.to_string()))?;
        let over: toml::Table = overrides
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml(e.to_string()))?;
        merge(&mut base, over);
        let cfg: CapacityConfig = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Toml(e.to_string()))?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let positive = |what: String, value: f64| {
            if value > 0.0 && value.is_finite() {
                Ok(())
            } else {
                Err(ConfigError::NotPositive { what, value })
            }
        };
        positive("pasture_fraction".into(), self.pasture_fraction)?;
        for (name, z) in &self.zones {
            positive(format!("zones.{name}.su_per_ha"), z.su_per_ha)?;
        }
        let zone_ok = |owner: &str, z: &str| {
            if self.zones.contains_key(z) {
                Ok(())
            } else {
                Err(ConfigError::UnknownZone {
                    aimag: owner.to_owned(),
                    zone: z.to_owned(),
                })
            }
        };
        for (code, z) in &self.aimags {
            if code.len() != 2 || code.parse::<u8>().is_err() {
                return Err(ConfigError::BadCode(code.clone()));
            }
            zone_ok(code, z)?;
        }
        for (code, s) in &self.soums {
            if mongolia::parse_soum_code(code).is_err() {
                return Err(ConfigError::BadCode(code.clone()));
            }
            if let Some(z) = &s.zone {
                zone_ok(code, z)?;
            }
            if let Some(c) = s.capacity_su {
                positive(format!("soums.{code}.capacity_su"), c)?;
            }
            if let Some(a) = s.pasture_ha {
                positive(format!("soums.{code}.pasture_ha"), a)?;
            }
        }
        Ok(())
    }

    fn zone_of_aimag(&self, code: u8) -> Option<(&str, &Zone)> {
        let name = self.aimags.get(&format!("{code:02}"))?;
        self.zones.get(name).map(|z| (name.as_str(), z))
    }
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Where a capacity figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityBasis {
    /// Area × pasture fraction × zone SU/ha (aimags).
    AreaZone,
    /// A soum's configured pasture area × zone SU/ha.
    ConfiguredArea,
    /// A soum's configured capacity in SU.
    Configured,
    /// No capacity known (soums without configuration).
    Unknown,
}

/// Sheep units of one year, for the trend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearSu {
    pub year: u16,
    pub sheep_units: SheepUnits,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AimagStocking {
    pub code: String,
    pub name: String,
    pub head: Herd,
    pub total_head: u64,
    pub sheep_units: SheepUnits,
    /// Goats / all head.
    pub goat_share: f64,
    pub zone: Option<String>,
    pub capacity_su: Option<u64>,
    pub capacity_basis: CapacityBasis,
    /// Sheep units / capacity; > 1 means over capacity.
    pub ratio: Option<f64>,
    /// Sheep units in the years up to this one (at most 10), oldest first.
    pub trend: Vec<YearSu>,
    /// Average yearly change of sheep units over the trend, % (compound).
    pub trend_pct_per_year: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoumStocking {
    pub code: String,
    pub name: String,
    pub aimag_code: String,
    /// NSO total head of the soum.
    pub total_head: u64,
    /// **Estimated**: the total split in the aimag's species mix of the year.
    pub head_estimated: Herd,
    pub species_estimated: bool,
    pub sheep_units: SheepUnits,
    pub goat_share: f64,
    pub capacity_su: Option<u64>,
    pub capacity_basis: CapacityBasis,
    pub ratio: Option<f64>,
}

/// A unit the regulator should look at: over its capacity, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverCapacity {
    /// `aimag` or `soum`.
    pub level: &'static str,
    pub code: String,
    pub name: String,
    pub ratio: f64,
    /// Sheep units above capacity.
    pub excess_su: u64,
    /// Goats whose removal alone would bring the unit to capacity (0.9 SU each).
    pub goat_equivalent: u64,
}

/// The stocking report for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockingReport {
    pub year: u16,
    pub capacity_verified: bool,
    pub notes: Vec<String>,
    pub aimags: Vec<AimagStocking>,
    /// Empty unless the NSO soum table covers the year (2019, 2020).
    pub soums: Vec<SoumStocking>,
    /// Aimags plus Ulaanbaatar.
    pub national_head: Herd,
    pub national_sheep_units: SheepUnits,
    /// The national SU series of the source, for comparison (million SU).
    pub national_series_million_su: Option<f64>,
    /// Over capacity, largest ratio first.
    pub over_capacity: Vec<OverCapacity>,
}

fn ratio(su: SheepUnits, cap: Option<u64>) -> Option<f64> {
    cap.filter(|&c| c > 0)
        .map(|c| (su.as_f64() / c as f64 * 1000.0).round() / 1000.0)
}

fn over(
    level: &'static str,
    code: &str,
    name: &str,
    su: SheepUnits,
    cap: Option<u64>,
) -> Option<OverCapacity> {
    let cap = cap?;
    let r = ratio(su, Some(cap))?;
    let cap_tenths = cap.saturating_mul(10);
    (su.tenths() > cap_tenths).then(|| {
        let excess = su.tenths() - cap_tenths;
        OverCapacity {
            level,
            code: code.to_owned(),
            name: name.to_owned(),
            ratio: r,
            excess_su: excess.div_ceil(10),
            goat_equivalent: excess.div_ceil(9),
        }
    })
}

/// The stocking report for `year` on the embedded data.
pub fn stocking(year: u16, config: &CapacityConfig) -> Result<StockingReport, StockingError> {
    stocking_in(Dataset::embedded(), year, config)
}

/// The stocking report for `year` on a given dataset.
pub fn stocking_in(
    data: &Dataset,
    year: u16,
    config: &CapacityConfig,
) -> Result<StockingReport, StockingError> {
    let mut aimags = Vec::new();
    let mut national = Herd::default();
    for a in mongolia::aimags() {
        let Some(head) = data.herd(a.code, year) else {
            continue;
        };
        national = national.plus(head);
        let su = head.sheep_units();
        let zone = config.zone_of_aimag(a.code);
        let capacity = match (zone, data.area_km2.get(&a.code)) {
            (Some((_, z)), Some(&km2)) => {
                Some((km2 as f64 * 100.0 * config.pasture_fraction * z.su_per_ha).round() as u64)
            }
            _ => None,
        };
        let trend: Vec<YearSu> = (year.saturating_sub(TREND_YEARS - 1)..=year)
            .filter_map(|y| {
                data.herd(a.code, y).map(|h| YearSu {
                    year: y,
                    sheep_units: h.sheep_units(),
                })
            })
            .collect();
        let trend_pct = match (trend.first(), trend.last()) {
            (Some(f), Some(l)) if l.year > f.year && f.sheep_units.tenths() > 0 => {
                let g = (l.sheep_units.as_f64() / f.sheep_units.as_f64())
                    .powf(1.0 / f64::from(l.year - f.year));
                Some(((g - 1.0) * 1000.0).round() / 10.0)
            }
            _ => None,
        };
        aimags.push(AimagStocking {
            code: format!("{:02}", a.code),
            name: a.name_en.to_owned(),
            head: *head,
            total_head: head.head(),
            sheep_units: su,
            goat_share: round4(head.goat_share()),
            zone: zone.map(|(n, _)| n.to_owned()),
            capacity_su: capacity,
            capacity_basis: if capacity.is_some() {
                CapacityBasis::AreaZone
            } else {
                CapacityBasis::Unknown
            },
            ratio: ratio(su, capacity),
            trend,
            trend_pct_per_year: trend_pct,
        });
    }
    if aimags.is_empty() {
        return Err(StockingError::NoData(year));
    }
    let soums = soum_rows(data, year, config);
    let mut notes = vec![
        "Sheep units: horse 7, cattle 6, camel 5, sheep 1, goat 0.9.".to_owned(),
        "Ulaanbaatar's source rows are about twice the true value; they are halved.".to_owned(),
    ];
    if !config.verified {
        notes.push(
            "Carrying capacities are UNVERIFIED defaults by natural zone (domain-facts 3.4); \
             configure official figures."
                .to_owned(),
        );
    }
    if !soums.is_empty() {
        notes.push(
            "Soum species are ESTIMATED: the NSO soum total split in the aimag's species mix. \
             Soums have a capacity only when configured (no soum areas in the data)."
                .to_owned(),
        );
    }
    let mut over_capacity: Vec<OverCapacity> = aimags
        .iter()
        .filter_map(|a| over("aimag", &a.code, &a.name, a.sheep_units, a.capacity_su))
        .chain(
            soums
                .iter()
                .filter_map(|s| over("soum", &s.code, &s.name, s.sheep_units, s.capacity_su)),
        )
        .collect();
    over_capacity.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then(a.code.cmp(&b.code)));
    Ok(StockingReport {
        year,
        capacity_verified: config.verified,
        notes,
        aimags,
        soums,
        national_sheep_units: national.sheep_units(),
        national_head: national,
        national_series_million_su: data.national_su.get(&year).copied(),
        over_capacity,
    })
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One soum's row: its total head split in `mix` (its aimag's species mix, so the species are
/// an estimate), with its capacity when `config` names the soum (no soum areas in the data).
pub fn soum_row(
    s: &mongolia::Soum,
    total: u64,
    mix: &Herd,
    config: &CapacityConfig,
) -> SoumStocking {
    let head = mix.split_like(total);
    let su = head.sheep_units();
    let code = s.code_str();
    let conf = config.soums.get(&code);
    let zone = conf
        .and_then(|c| c.zone.as_deref())
        .and_then(|z| config.zones.get(z))
        .or_else(|| config.zone_of_aimag(s.aimag_code).map(|(_, z)| z));
    let (capacity, basis) = match conf {
        Some(SoumCapacity {
            capacity_su: Some(c),
            ..
        }) => (Some(c.round() as u64), CapacityBasis::Configured),
        Some(SoumCapacity {
            pasture_ha: Some(ha),
            ..
        }) => match zone {
            Some(z) => (
                Some((ha * z.su_per_ha).round() as u64),
                CapacityBasis::ConfiguredArea,
            ),
            None => (None, CapacityBasis::Unknown),
        },
        _ => (None, CapacityBasis::Unknown),
    };
    SoumStocking {
        code,
        name: s.name_en.to_owned(),
        aimag_code: format!("{:02}", s.aimag_code),
        total_head: total,
        head_estimated: head,
        species_estimated: true,
        sheep_units: su,
        goat_share: round4(head.goat_share()),
        capacity_su: capacity,
        capacity_basis: basis,
        ratio: ratio(su, capacity),
    }
}

fn soum_rows(data: &Dataset, year: u16, config: &CapacityConfig) -> Vec<SoumStocking> {
    let total_of = |s: &mongolia::Soum| match year {
        2019 => Some(s.livestock_2019),
        2020 => Some(s.livestock_2020),
        _ => None,
    };
    mongolia::soums()
        .iter()
        .filter_map(|s| {
            let total = total_of(s)?;
            let mix = data.herd(s.aimag_code, year)?;
            Some(soum_row(s, total, mix, config))
        })
        .collect()
}

#[cfg(test)]
mod tests;
