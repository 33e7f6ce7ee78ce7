//! Hindcast and out-of-sample skill: the model fitted on winters up to a year, scored on the
//! winters after it against single-input baselines computed on the same rows.
//!
//! AUC is the Mann–Whitney probability that a winter above 6 % mortality scores higher than one
//! below (ties count half); the rank correlation is Spearman's, with average ranks for ties;
//! calibration is the Brier score, against the training base rate as a constant forecast, and
//! a reliability table.

use serde::Serialize;

use super::{Feature, Inputs, MORTALITY_THRESHOLD, Mode, Model, ModelError, Prediction, Term};
use crate::data::Dataset;

/// One aimag-winter of a hindcast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HindcastRow {
    /// English name of the aimag.
    pub aimag: String,
    /// 2-digit NSO aimag code.
    pub aimag_code: String,
    /// The year the winter ends.
    pub year: u16,
    pub probability: f64,
    pub class: u8,
    pub contributions: super::Contributions,
    pub intercept: f64,
    pub logit: f64,
    /// Observed All_SFU mortality.
    pub mortality: f64,
    /// Whether the winter was used to fit the model.
    pub in_sample: bool,
    pub imputed: Vec<&'static str>,
}

/// Every aimag-winter of the embedded data, predicted by the model fitted up to `train_until`.
pub fn hindcast(train_until: u16, mode: Mode) -> Result<Vec<HindcastRow>, ModelError> {
    hindcast_in(Dataset::embedded(), train_until, mode)
}

/// [`hindcast`] on a given dataset, ordered by year, then aimag code.
pub fn hindcast_in(
    data: &Dataset,
    train_until: u16,
    mode: Mode,
) -> Result<Vec<HindcastRow>, ModelError> {
    let model = Model::fit(data, train_until, mode)?;
    let mut rows: Vec<HindcastRow> = data
        .panel
        .values()
        .map(|r| {
            let p = model.predict(&Inputs::from_data(data, r.aimag_code, r.year));
            HindcastRow {
                aimag: mongolia::aimag(r.aimag_code)
                    .map_or_else(|| format!("{:02}", r.aimag_code), |a| a.name_en.to_owned()),
                aimag_code: format!("{:02}", r.aimag_code),
                year: r.year,
                probability: p.probability,
                class: p.class,
                contributions: p.contributions,
                intercept: p.intercept,
                logit: p.logit,
                mortality: r.all_sfu,
                in_sample: r.year <= train_until,
                imputed: p.imputed,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.year.cmp(&b.year).then(a.aimag_code.cmp(&b.aimag_code)));
    Ok(rows)
}

/// A single-input reference forecast, scored on the same test winters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    pub name: &'static str,
    pub description: &'static str,
    pub auc: f64,
    pub spearman: f64,
    /// Only for baselines that give probabilities (one-input logistic fits).
    pub brier: Option<f64>,
}

/// Observed frequency against forecast probability, in fixed bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    pub from: f64,
    pub to: f64,
    pub n: usize,
    pub mean_probability: Option<f64>,
    pub observed_frequency: Option<f64>,
}

/// How the test winters fell into the risk classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassStats {
    pub class: u8,
    pub n: usize,
    pub events: usize,
    pub mean_mortality: Option<f64>,
}

/// Out-of-sample skill of a mode, with its baselines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillReport {
    pub mode: Mode,
    pub train_until: u16,
    pub test_from: u16,
    pub test_to: u16,
    pub rows_train: usize,
    pub events_train: usize,
    pub rows_test: usize,
    pub events_test: usize,
    pub auc: f64,
    pub spearman: f64,
    pub brier: f64,
    /// Brier score of the training base rate used as a constant forecast.
    pub brier_climatology: f64,
    /// 1 − brier / brier_climatology.
    pub brier_skill: f64,
    pub reliability: Vec<ReliabilityBin>,
    pub classes: Vec<ClassStats>,
    pub baselines: Vec<Baseline>,
    /// The baseline the mode must beat (drought alone for the outlook, temperature alone for
    /// the winter update) and the best AUC among its variants.
    pub reference_baseline: &'static str,
    pub reference_auc: f64,
    pub beats_reference: bool,
    pub intercept: f64,
    pub terms: Vec<Term>,
}

/// Reliability bin edges.
const BINS: [f64; 6] = [0.0, 0.1, 0.2, 0.35, 0.5, 1.0];

/// Skill of the model fitted on winters up to `train_until`, on every later winter in the
/// embedded data.
pub fn skill(train_until: u16, mode: Mode) -> Result<SkillReport, ModelError> {
    skill_in(Dataset::embedded(), train_until, mode)
}

/// [`skill`] on a given dataset.
pub fn skill_in(data: &Dataset, train_until: u16, mode: Mode) -> Result<SkillReport, ModelError> {
    let model = Model::fit(data, train_until, mode)?;
    let test: Vec<_> = data
        .panel
        .values()
        .filter(|r| r.year > train_until)
        .collect();
    let (Some(test_from), Some(test_to)) = (
        test.iter().map(|r| r.year).min(),
        test.iter().map(|r| r.year).max(),
    ) else {
        return Err(ModelError::NoTestYears(train_until));
    };
    let inputs: Vec<Inputs> = test
        .iter()
        .map(|r| Inputs::from_data(data, r.aimag_code, r.year))
        .collect();
    let preds: Vec<Prediction> = inputs.iter().map(|i| model.predict(i)).collect();
    let p: Vec<f64> = preds.iter().map(|x| x.probability).collect();
    let mort: Vec<f64> = test.iter().map(|r| r.all_sfu).collect();
    let y: Vec<bool> = mort.iter().map(|m| *m > MORTALITY_THRESHOLD).collect();
    let base_rate = model.events_train as f64 / model.rows_train as f64;

    // Baselines. Raw scores are oriented so that higher means riskier.
    let neg_spei: Vec<f64> = inputs
        .iter()
        .map(|i| -i.spei_prev_summer.unwrap_or(0.0))
        .collect();
    let neg_z_study: Vec<f64> = test
        .iter()
        .map(|r| -r.temp_winter_z_study.unwrap_or(0.0))
        .collect();
    let one = |f: Feature| -> Result<Vec<f64>, ModelError> {
        let m = fit_one(data, train_until, f)?;
        Ok(inputs.iter().map(|i| m.predict(i).probability).collect())
    };
    let drought_p = one(Feature::PrevSummerSpei)?;
    let temp_p = one(Feature::WinterTemperature)?;
    let baselines = vec![
        Baseline {
            name: "drought_alone",
            description: "−SPEI-3 of the prior summer, as a raw score",
            auc: auc(&neg_spei, &y),
            spearman: spearman(&neg_spei, &mort),
            brier: None,
        },
        Baseline {
            name: "drought_alone_logistic",
            description: "one-input logistic fit on prior-summer SPEI-3, same training winters",
            auc: auc(&drought_p, &y),
            spearman: spearman(&drought_p, &mort),
            brier: Some(brier(&drought_p, &y)),
        },
        Baseline {
            name: "temperature_alone",
            description: "−DJF temperature z-score of the source (z over 1992–2024), raw score",
            auc: auc(&neg_z_study, &y),
            spearman: spearman(&neg_z_study, &mort),
            brier: None,
        },
        Baseline {
            name: "temperature_alone_logistic",
            description: "one-input logistic fit on the DJF temperature z-score against the \
                          training winters",
            auc: auc(&temp_p, &y),
            spearman: spearman(&temp_p, &mort),
            brier: Some(brier(&temp_p, &y)),
        },
    ];
    let (reference_baseline, names): (&'static str, &[&str]) = match mode {
        Mode::Outlook => (
            "drought_alone",
            &["drought_alone", "drought_alone_logistic"],
        ),
        Mode::Winter => (
            "temperature_alone",
            &["temperature_alone", "temperature_alone_logistic"],
        ),
    };
    let reference_auc = baselines
        .iter()
        .filter(|b| names.contains(&b.name))
        .map(|b| b.auc)
        .fold(f64::NEG_INFINITY, f64::max);
    let model_auc = auc(&p, &y);
    let b = brier(&p, &y);
    let b_clim = brier(&vec![base_rate; y.len()], &y);
    Ok(SkillReport {
        mode,
        train_until,
        test_from,
        test_to,
        rows_train: model.rows_train,
        events_train: model.events_train,
        rows_test: y.len(),
        events_test: y.iter().filter(|&&e| e).count(),
        auc: model_auc,
        spearman: spearman(&p, &mort),
        brier: b,
        brier_climatology: b_clim,
        brier_skill: 1.0 - b / b_clim,
        reliability: reliability(&p, &y),
        classes: (1..=5)
            .map(|c| {
                let idx: Vec<usize> = (0..preds.len()).filter(|&i| preds[i].class == c).collect();
                ClassStats {
                    class: c,
                    n: idx.len(),
                    events: idx.iter().filter(|&&i| y[i]).count(),
                    mean_mortality: mean(idx.iter().map(|&i| mort[i])),
                }
            })
            .collect(),
        baselines,
        reference_baseline,
        reference_auc,
        beats_reference: model_auc > reference_auc,
        intercept: model.intercept,
        terms: model.terms,
    })
}

/// A one-input logistic model, fitted like the full one.
fn fit_one(data: &Dataset, train_until: u16, f: Feature) -> Result<Model, ModelError> {
    Model::fit_with(data, train_until, Mode::Winter, &[f])
}

fn mean(it: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = it.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// Area under the ROC curve (Mann–Whitney, ties half). 0.5 when one class is empty.
pub(crate) fn auc(score: &[f64], event: &[bool]) -> f64 {
    let r = ranks(score);
    let n1 = event.iter().filter(|&&e| e).count() as f64;
    let n0 = event.len() as f64 - n1;
    if n1 == 0.0 || n0 == 0.0 {
        return 0.5;
    }
    let rank_sum: f64 = r
        .iter()
        .zip(event)
        .filter(|(_, e)| **e)
        .map(|(r, _)| r)
        .sum();
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// 1-based ranks, ties given their average rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            r[*k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson on average ranks).
pub(crate) fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

pub(crate) fn brier(p: &[f64], event: &[bool]) -> f64 {
    let n = p.len().max(1) as f64;
    p.iter()
        .zip(event)
        .map(|(p, &e)| (p - f64::from(u8::from(e))).powi(2))
        .sum::<f64>()
        / n
}

fn reliability(p: &[f64], event: &[bool]) -> Vec<ReliabilityBin> {
    BINS.windows(2)
        .enumerate()
        .map(|(k, w)| {
            let last = k == BINS.len() - 2;
            let idx: Vec<usize> = (0..p.len())
                .filter(|&i| p[i] >= w[0] && (p[i] < w[1] || (last && p[i] <= w[1])))
                .collect();
            ReliabilityBin {
                from: w[0],
                to: w[1],
                n: idx.len(),
                mean_probability: mean(idx.iter().map(|&i| p[i])),
                observed_frequency: mean(idx.iter().map(|&i| f64::from(u8::from(event[i])))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_and_ranks() {
        assert_eq!(auc(&[0.1, 0.2, 0.3, 0.4], &[false, false, true, true]), 1.0);
        assert_eq!(auc(&[0.4, 0.3, 0.2, 0.1], &[false, false, true, true]), 0.0);
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
        assert!((brier(&[1.0, 0.0], &[true, true]) - 0.5).abs() < 1e-12);
    }
}
