//! The dzud risk model: the probability that livestock mortality in an aimag's winter (all
//! species weighted by sheep units, `All_SFU`) exceeds 6 %, the IBLIP trigger level and the
//! "natural background" rate (domain-facts §5, §4.4).
//!
//! Transparent by construction: a logistic regression on a handful of standardised inputs, so
//! each input's contribution is its coefficient × its standardised value, in log-odds, and the
//! contributions plus the intercept *are* the logit. A contribution of 0 means "as in an average
//! training winter". `docs/dzud-model-card.md` documents the choices and the measured skill.
//!
//! Two modes: the **autumn outlook** uses what is known by 1 December (prior-summer drought,
//! last winter's losses, stocking density at the previous census); the **winter update** adds
//! the winter's temperature anomaly. Snow and hay enter only through optional expert weights
//! (default 0): the data hold no history of them to fit.

mod irls;
mod skill;

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub use skill::{
    Baseline, ClassStats, HindcastRow, ReliabilityBin, SkillReport, hindcast, hindcast_in, skill,
    skill_in,
};

use crate::data::Dataset;
use crate::import::PanelRow;

/// Mortality above this fraction is the event the model predicts.
pub const MORTALITY_THRESHOLD: f64 = 0.06;

/// Upper probability bounds of risk classes 1–4; class 5 is at or above the last.
pub const CLASS_BOUNDS: [f64; 4] = [0.05, 0.15, 0.30, 0.50];

/// The L2 penalty on the standardised slopes ("mild": about one winter's worth of evidence).
pub const L2: f64 = 1.0;

/// Added to mortality before the logarithm, so a loss-free winter stays finite.
const MORTALITY_FLOOR: f64 = 0.005;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Autumn outlook: inputs known by 1 December.
    Outlook,
    /// Winter update: adds the winter temperature anomaly.
    Winter,
}

impl Mode {
    /// The fitted inputs of the mode, in order.
    pub fn features(self) -> &'static [Feature] {
        match self {
            Mode::Outlook => &[
                Feature::PrevSummerSpei,
                Feature::LastWinterMortality,
                Feature::StockingDensity,
            ],
            Mode::Winter => &[
                Feature::PrevSummerSpei,
                Feature::LastWinterMortality,
                Feature::StockingDensity,
                Feature::WinterTemperature,
            ],
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "outlook" => Ok(Mode::Outlook),
            "winter" => Ok(Mode::Winter),
            other => Err(format!("{other:?} is not a mode (outlook, winter)")),
        }
    }
}

/// A fitted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// June–August SPEI-3 of the summer before (raw index; dry is negative).
    PrevSummerSpei,
    /// ln(last winter's All_SFU mortality + 0.005).
    LastWinterMortality,
    /// ln(sheep units per hectare of aimag territory) at the census two Decembers before the
    /// winter ends: the latest census published by 1 December.
    StockingDensity,
    /// December–February mean temperature as a z-score against the aimag's training winters.
    WinterTemperature,
}

impl Feature {
    pub fn name(self) -> &'static str {
        match self {
            Feature::PrevSummerSpei => "prev_summer_spei",
            Feature::LastWinterMortality => "last_winter_mortality",
            Feature::StockingDensity => "stocking_density",
            Feature::WinterTemperature => "winter_temperature",
        }
    }
}

/// What the model is given for one aimag (or soum) and winter. `None`: not known; the model then
/// uses the training mean (contribution 0) and lists the input in [`Prediction::imputed`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Inputs {
    pub aimag_code: u8,
    /// The calendar year in which the winter ends.
    pub year: u16,
    /// June–August SPEI-3 of the summer before the winter.
    pub spei_prev_summer: Option<f64>,
    /// Last winter's All_SFU mortality, as a fraction.
    pub last_winter_mortality: Option<f64>,
    /// Sheep units per hectare of territory at the latest census published by 1 December.
    pub sheep_units_per_ha: Option<f64>,
    /// Mean temperature of the winter (observed so far), °C. Used in winter mode only.
    pub winter_temp_c: Option<f64>,
    /// Snow depth or cover as a z-score (winter mode); weighted only by an expert weight.
    pub snow_z: Option<f64>,
    /// Hay and fodder reserves as a fraction of the winter need; weighted only by an expert
    /// weight.
    pub hay_coverage: Option<f64>,
}

/// Where a soum's inputs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSource {
    Soum,
    /// The soum has no inputs of its own in the data: its aimag's are used.
    Aimag,
}

impl Inputs {
    /// The inputs the embedded (or updated) data give for an aimag and winter, as they would
    /// have been known: the census two years before, last winter's mortality, the summer's SPEI
    /// and, for the winter update, the winter's temperature.
    pub fn from_data(data: &Dataset, aimag_code: u8, year: u16) -> Inputs {
        let density = data.herd(aimag_code, year.saturating_sub(2)).and_then(|h| {
            let km2 = *data.area_km2.get(&aimag_code)?;
            (km2 > 0).then(|| h.sheep_units().as_f64() / (km2 as f64 * 100.0))
        });
        Inputs {
            aimag_code,
            year,
            spei_prev_summer: data
                .summer_spei
                .get(&(aimag_code, year.saturating_sub(1)))
                .copied(),
            last_winter_mortality: data
                .panel
                .get(&(aimag_code, year.saturating_sub(1)))
                .map(|r| r.all_sfu),
            sheep_units_per_ha: density,
            winter_temp_c: data.panel.get(&(aimag_code, year)).map(|r| r.temp_winter_c),
            snow_z: None,
            hay_coverage: None,
        }
    }

    /// Inputs for a soum: the data hold no soum-level climate, mortality or area, so these are
    /// its aimag's ([`InputSource::Aimag`]); a caller with soum figures overwrites the fields.
    pub fn for_soum(
        data: &Dataset,
        soum_code: u32,
        year: u16,
    ) -> Result<(Inputs, InputSource), ModelError> {
        let soum = mongolia::soum(soum_code).ok_or(ModelError::UnknownSoum(soum_code))?;
        Ok((
            Inputs::from_data(data, soum.aimag_code, year),
            InputSource::Aimag,
        ))
    }
}

/// Weights for inputs the data cannot fit, set by an expert (log-odds). Both default to 0, so
/// the published skill is that of the fitted model alone.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct ExpertWeights {
    /// Log-odds per standard deviation of snow (winter mode).
    pub snow_per_sd: f64,
    /// Log-odds at zero hay coverage, scaled down linearly to 0 at full coverage.
    pub hay_shortfall: f64,
}

/// One fitted term: `coef × (x − mean) / sd`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Term {
    pub feature: Feature,
    pub mean: f64,
    pub sd: f64,
    pub coef: f64,
}

/// Log-odds contributions by input, in model order; serialises as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contributions(pub Vec<(String, f64)>);

impl Contributions {
    pub fn sum(&self) -> f64 {
        self.0.iter().map(|(_, v)| v).sum()
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

impl Serialize for Contributions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The model's answer for one aimag-winter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// P(All_SFU mortality > 6 %).
    pub probability: f64,
    /// Risk class 1 (very low) – 5 (very high); see [`CLASS_BOUNDS`].
    pub class: u8,
    pub logit: f64,
    pub intercept: f64,
    /// intercept + Σ contributions = logit.
    pub contributions: Contributions,
    /// Inputs that were not given and were set to the training mean.
    pub imputed: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("too few training winters up to {train_until}: {rows} rows with all inputs")]
    TooFewRows { train_until: u16, rows: usize },
    #[error("the training winters up to {0} have no winter above 6 % mortality, or only such")]
    OneClass(u16),
    #[error("input {0} does not vary in the training winters")]
    Constant(&'static str),
    #[error("the fit did not converge (singular system)")]
    Singular,
    #[error("no soum {0:05} in the NSO tables")]
    UnknownSoum(u32),
    #[error("no winters after {0} in the data to test on")]
    NoTestYears(u16),
}

/// The risk class of a probability.
pub fn risk_class(p: f64) -> u8 {
    1 + CLASS_BOUNDS.iter().filter(|&&b| p >= b).count() as u8
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    pub mode: Mode,
    /// The last winter (year it ends) used for fitting.
    pub train_until: u16,
    pub intercept: f64,
    pub terms: Vec<Term>,
    /// Per aimag, the mean and sample SD of the winter temperature over the training winters.
    pub climatology: BTreeMap<u8, (f64, f64)>,
    pub rows_train: usize,
    pub events_train: usize,
    pub expert: ExpertWeights,
}

impl Model {
    /// Fits the model on the winters ending in or before `train_until`.
    pub fn fit(data: &Dataset, train_until: u16, mode: Mode) -> Result<Model, ModelError> {
        Model::fit_with(data, train_until, mode, mode.features())
    }

    /// Fits on a chosen set of inputs (the single-input baselines use this).
    pub(crate) fn fit_with(
        data: &Dataset,
        train_until: u16,
        mode: Mode,
        features: &[Feature],
    ) -> Result<Model, ModelError> {
        let climatology = climatology(data.panel.values().filter(|r| r.year <= train_until));
        let mut shell = Model {
            mode,
            train_until,
            intercept: 0.0,
            terms: Vec::new(),
            climatology,
            rows_train: 0,
            events_train: 0,
            expert: ExpertWeights::default(),
        };
        let mut xs: Vec<Vec<f64>> = Vec::new();
        let mut ys: Vec<bool> = Vec::new();
        for r in data.panel.values().filter(|r| r.year <= train_until) {
            let inputs = Inputs::from_data(data, r.aimag_code, r.year);
            let x: Option<Vec<f64>> = features.iter().map(|&f| shell.raw(f, &inputs)).collect();
            if let Some(x) = x {
                xs.push(x);
                ys.push(r.all_sfu > MORTALITY_THRESHOLD);
            }
        }
        let n = xs.len();
        if n < 10 * (features.len() + 1) {
            return Err(ModelError::TooFewRows {
                train_until,
                rows: n,
            });
        }
        let events = ys.iter().filter(|&&y| y).count();
        if events == 0 || events == n {
            return Err(ModelError::OneClass(train_until));
        }
        let mut terms = Vec::new();
        for (j, &f) in features.iter().enumerate() {
            let mean = xs.iter().map(|x| x[j]).sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x[j] - mean).powi(2)).sum::<f64>() / n as f64;
            if var <= 0.0 {
                return Err(ModelError::Constant(f.name()));
            }
            terms.push(Term {
                feature: f,
                mean,
                sd: var.sqrt(),
                coef: 0.0,
            });
        }
        let z: Vec<Vec<f64>> = xs
            .iter()
            .map(|x| {
                x.iter()
                    .zip(&terms)
                    .map(|(v, t)| (v - t.mean) / t.sd)
                    .collect()
            })
            .collect();
        let b = irls::fit(&z, &ys, L2).ok_or(ModelError::Singular)?;
        for (t, c) in terms.iter_mut().zip(&b[1..]) {
            t.coef = *c;
        }
        shell.intercept = b[0];
        shell.terms = terms;
        shell.rows_train = n;
        shell.events_train = events;
        Ok(shell)
    }

    /// The same model with expert weights for snow and hay.
    pub fn with_expert_weights(mut self, expert: ExpertWeights) -> Model {
        self.expert = expert;
        self
    }

    /// The transformed value of an input, before standardisation.
    fn raw(&self, f: Feature, i: &Inputs) -> Option<f64> {
        match f {
            Feature::PrevSummerSpei => i.spei_prev_summer,
            Feature::LastWinterMortality => i
                .last_winter_mortality
                .filter(|m| *m >= 0.0)
                .map(|m| (m + MORTALITY_FLOOR).ln()),
            Feature::StockingDensity => i.sheep_units_per_ha.filter(|d| *d > 0.0).map(f64::ln),
            Feature::WinterTemperature => {
                let (mean, sd) = self.climatology.get(&i.aimag_code)?;
                i.winter_temp_c.map(|t| (t - mean) / sd)
            }
        }
        .filter(|v| v.is_finite())
    }

    /// The probability, class and contributions for one aimag-winter.
    pub fn predict(&self, inputs: &Inputs) -> Prediction {
        let mut contributions = Vec::new();
        let mut imputed = Vec::new();
        for t in &self.terms {
            let c = match self.raw(t.feature, inputs) {
                Some(x) => t.coef * (x - t.mean) / t.sd,
                None => {
                    imputed.push(t.feature.name());
                    0.0
                }
            };
            contributions.push((t.feature.name().to_owned(), c));
        }
        if self.mode == Mode::Winter
            && let Some(s) = inputs.snow_z.filter(|s| s.is_finite())
        {
            contributions.push(("snow_expert".to_owned(), self.expert.snow_per_sd * s));
        }
        if let Some(h) = inputs.hay_coverage.filter(|h| h.is_finite()) {
            let short = 1.0 - h.clamp(0.0, 1.0);
            contributions.push(("hay_expert".to_owned(), self.expert.hay_shortfall * short));
        }
        let contributions = Contributions(contributions);
        let logit = self.intercept + contributions.sum();
        let probability = irls::sigmoid(logit);
        Prediction {
            probability,
            class: risk_class(probability),
            logit,
            intercept: self.intercept,
            contributions,
            imputed,
        }
    }
}

/// Mean and sample SD of winter temperature per aimag over the given rows.
fn climatology<'a>(rows: impl Iterator<Item = &'a PanelRow>) -> BTreeMap<u8, (f64, f64)> {
    let mut by: BTreeMap<u8, Vec<f64>> = BTreeMap::new();
    for r in rows {
        by.entry(r.aimag_code).or_default().push(r.temp_winter_c);
    }
    by.into_iter()
        .filter(|(_, v)| v.len() >= 3)
        .filter_map(|(a, v)| {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            (sd > 0.0).then_some((a, (mean, sd)))
        })
        .collect()
}

#[cfg(test)]
mod tests;
