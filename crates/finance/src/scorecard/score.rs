//! Scoring: one reason per component, in factor order; `total` is their sum by construction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Scorecard;
use crate::decimal::ONE_PPM;
use crate::history::History;
use crate::summary::{Summary, Window, summarize};

/// The factors of the scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Factor {
    DeliveryRegularity,
    QualityTrend,
    Repayment,
    VerifiedIncome,
    Diversification,
    DzudExposure,
    Stocking,
}

/// One scored component: why these points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable reason code, e.g. `DR-SEASONS`, `ST-OVER`.
    pub code: String,
    pub factor: Factor,
    pub points: i64,
    /// One English sentence with the figures that produced the points.
    pub explanation: String,
}

/// A score: the scorecard it was made with, the date, the total and its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub scorecard: String,
    pub version: String,
    pub as_of: NaiveDate,
    /// Σ reasons' points, exactly.
    pub total: i64,
    pub reasons: Vec<Reason>,
}

impl Scorecard {
    /// The summary window this scorecard scores over.
    pub fn window(&self) -> Window {
        Window {
            seasons: self.window_seasons,
            season_end_month: self.season_end_month,
            grace_days: self.repayment.grace_days,
        }
    }
}

struct Reasons(Vec<Reason>);

impl Reasons {
    fn add(&mut self, code: &str, factor: Factor, points: i64, explanation: String) {
        self.0.push(Reason {
            code: code.to_owned(),
            factor,
            points,
            explanation,
        });
    }
}

fn mul(n: u32, points: i64) -> i64 {
    i64::from(n).saturating_mul(points)
}

/// Scores `history` on `as_of` with `card`. See the scorecard file for each factor's rationale.
///
/// ```
/// use finance::{History, Scorecard, score};
/// let h = History { household: "hh-1".into(), lines: vec![] };
/// let s = score(&h, &Scorecard::v1(), "2025-01-15".parse().unwrap());
/// assert_eq!(s.total, s.reasons.iter().map(|r| r.points).sum::<i64>());
/// ```
pub fn score(history: &History, card: &Scorecard, as_of: NaiveDate) -> Score {
    let summary = summarize(history, as_of, card.window());
    score_summary(&summary, card)
}

/// Scores an already computed summary (it must come from `card.window()`).
pub fn score_summary(s: &Summary, card: &Scorecard) -> Score {
    let mut r = Reasons(Vec::new());
    delivery_regularity(s, card, &mut r);
    quality_trend(s, card, &mut r);
    repayment(s, card, &mut r);
    verified_income(s, card, &mut r);
    let within = s
        .herd
        .as_ref()
        .and_then(|h| h.stocking_ratio)
        .map(|ratio| ratio.ppm() <= ONE_PPM);
    diversification(s, card, within, &mut r);
    dzud_exposure(s, card, &mut r);
    stocking(s, card, &mut r);
    let total = r.0.iter().fold(0i64, |a, x| a.saturating_add(x.points));
    Score {
        scorecard: card.name.clone(),
        version: card.version.clone(),
        as_of: s.as_of,
        total,
        reasons: r.0,
    }
}

fn delivery_regularity(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let c = &card.delivery_regularity;
    let n = s.seasons.len() as u32;
    let k = s.seasons_with_deliveries();
    let span = format!("{}–{}", s.first_season, s.last_season);
    r.add(
        "DR-SEASONS",
        Factor::DeliveryRegularity,
        mul(k, c.points_per_season),
        format!(
            "{k} of {n} seasons ({span}) with verified deliveries, {} points each",
            c.points_per_season
        ),
    );
    if k < n {
        r.add(
            "DR-GAPS",
            Factor::DeliveryRegularity,
            mul(n - k, c.points_per_missing_season),
            format!(
                "{} of {n} seasons ({span}) without deliveries, {} points each",
                n - k,
                c.points_per_missing_season
            ),
        );
    }
}

/// Grams-weighted mean grade rank of a season in millionths (rounded down), from the grades
/// the scorecard ranks; `None` when nothing delivered that season has a ranked grade.
fn mean_rank_ppm(season: &crate::summary::SeasonSummary, card: &Scorecard) -> Option<u128> {
    let (mut weighted, mut grams) = (0u128, 0u128);
    for (grade, &g) in &season.grams_by_grade {
        if let Some(&rank) = card.quality_trend.grade_ranks.get(grade) {
            weighted += u128::from(g) * u128::from(rank);
            grams += u128::from(g);
        }
    }
    (grams > 0).then(|| weighted * u128::from(ONE_PPM) / grams)
}

fn quality_trend(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let q = &card.quality_trend;
    let ranked: Vec<(i32, u128)> = s
        .seasons
        .iter()
        .filter_map(|season| mean_rank_ppm(season, card).map(|m| (season.season, m)))
        .collect();
    let show = |ppm: u128| crate::decimal::format_ppm((ppm / 1_000 * 1_000) as u64);
    match (ranked.first(), ranked.last()) {
        (Some(&(y0, m0)), Some(&(y1, m1))) if y0 != y1 => {
            let tol = u128::from(q.tolerance.ppm());
            let (code, points, word) = if m1 > m0 + tol {
                ("QT-UP", q.improving, "improved")
            } else if m1 + tol < m0 {
                ("QT-DOWN", q.declining, "declined")
            } else {
                ("QT-STEADY", q.steady, "held steady")
            };
            r.add(
                code,
                Factor::QualityTrend,
                points,
                format!(
                    "mean grade rank {word}: {} in {y0}, {} in {y1} (steady within ±{} steps)",
                    show(m0),
                    show(m1),
                    q.tolerance
                ),
            );
        }
        _ => r.add(
            "QT-NONE",
            Factor::QualityTrend,
            q.insufficient,
            format!(
                "fewer than two seasons with graded deliveries in {}–{}: no trend",
                s.first_season, s.last_season
            ),
        ),
    }
    if let Some(c) = s.certifications.first() {
        r.add(
            "QT-CERT",
            Factor::QualityTrend,
            q.certified,
            format!(
                "{} certification(s) valid on {}, e.g. {} ({})",
                s.certifications.len(),
                s.as_of,
                c.standard,
                c.credential
            ),
        );
    }
}

fn repayment(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let c = &card.repayment;
    let rec = s.repayments;
    if rec.on_time == 0 && rec.late == 0 {
        r.add(
            "RP-NONE",
            Factor::Repayment,
            c.no_record,
            format!(
                "no instalment due in {}–{}: no repayment record",
                s.first_season, s.last_season
            ),
        );
    }
    if rec.on_time > 0 {
        let points = mul(rec.on_time, c.on_time).min(c.on_time_cap);
        r.add(
            "RP-ONTIME",
            Factor::Repayment,
            points,
            format!(
                "{} instalment(s) repaid on time (within {} days of the due date), {} points each, at most {}",
                rec.on_time, c.grace_days, c.on_time, c.on_time_cap
            ),
        );
    }
    if rec.late > 0 {
        r.add(
            "RP-LATE",
            Factor::Repayment,
            mul(rec.late, c.late),
            format!(
                "{} instalment(s) repaid more than {} days late or missed, {} points each",
                rec.late, c.grace_days, c.late
            ),
        );
    }
    if rec.deferred > 0 {
        r.add(
            "RP-DEFERRED",
            Factor::Repayment,
            0,
            format!(
                "{} instalment(s) deferred under the dzud rule: neither for nor against",
                rec.deferred
            ),
        );
    }
}

fn verified_income(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let per_season = s.income_per_season_mnt();
    let band = card
        .verified_income
        .bands
        .iter()
        .rev()
        .find(|b| b.min_mnt <= per_season)
        .copied()
        .unwrap_or(super::IncomeBand {
            min_mnt: 0,
            points: 0,
        });
    r.add(
        "IN-BAND",
        Factor::VerifiedIncome,
        band.points,
        format!(
            "verified income {} MNT over {} seasons = {per_season} MNT per season (band from {} MNT)",
            s.verified_income_mnt(),
            s.seasons.len(),
            band.min_mnt
        ),
    );
}

fn diversification(s: &Summary, card: &Scorecard, within: Option<bool>, r: &mut Reasons) {
    let c = &card.diversification;
    if let Some(h) = &s.herd {
        let total = h.heads.sheep_units_tenths();
        let share = u128::from(c.species_min_share.ppm());
        let counted = h
            .heads
            .as_array()
            .iter()
            .zip(crate::history::Heads::SU_TENTHS)
            .filter(|&(&heads, w)| {
                let su = u128::from(heads) * u128::from(w);
                heads > 0 && su * u128::from(ONE_PPM) >= share * u128::from(total)
            })
            .count() as u32;
        let extra = counted.saturating_sub(1);
        let (code, points, why) = match within {
            Some(true) => (
                "DV-SPECIES",
                mul(extra, c.points_per_extra_species).min(c.species_cap),
                format!(
                    "{counted} species each ≥ {} of the herd's sheep units in {}, {} points per species beyond the first, at most {}",
                    c.species_min_share, h.year, c.points_per_extra_species, c.species_cap
                ),
            ),
            Some(false) => (
                "DV-SPECIES-WITHHELD",
                0,
                format!(
                    "{counted} species in {} but the herd is above carrying capacity: the mix earns nothing",
                    h.year
                ),
            ),
            None => (
                "DV-SPECIES-WITHHELD",
                0,
                format!(
                    "{counted} species in {} but carrying capacity is unknown: the mix earns nothing",
                    h.year
                ),
            ),
        };
        r.add(code, Factor::Diversification, points, why);
    }
    let mut parties: Vec<&String> = s.seasons.iter().flat_map(|x| &x.counterparties).collect();
    parties.sort();
    parties.dedup();
    let n = parties.len() as u32;
    r.add(
        "DV-COUNTERPARTIES",
        Factor::Diversification,
        mul(n.saturating_sub(1), c.points_per_extra_counterparty).min(c.counterparty_cap),
        format!(
            "{n} distinct cooperative(s) or payer(s) in {}–{}, {} points each beyond the first, at most {}",
            s.first_season, s.last_season, c.points_per_extra_counterparty, c.counterparty_cap
        ),
    );
}

fn dzud_exposure(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let c = &card.dzud_exposure;
    match s.current_dzud_class {
        Some(class @ 1..=5) => r.add(
            "DZ-CLASS",
            Factor::DzudExposure,
            c.class_points[usize::from(class - 1)],
            format!("the soum's latest dzud risk class is {class} of 5"),
        ),
        _ => r.add(
            "DZ-UNKNOWN",
            Factor::DzudExposure,
            c.unknown,
            "the soum's dzud risk class is unknown".to_owned(),
        ),
    }
    let resilient: Vec<i32> = s
        .dzud
        .iter()
        .filter(|d| d.risk_class >= c.resilience_class)
        .filter(|d| {
            s.seasons
                .iter()
                .any(|x| x.season == d.season && x.deliveries > 0)
        })
        .map(|d| d.season)
        .collect();
    if !resilient.is_empty() {
        let years: Vec<String> = resilient.iter().map(i32::to_string).collect();
        r.add(
            "DZ-RESILIENT",
            Factor::DzudExposure,
            mul(resilient.len() as u32, c.points_per_resilient_season).min(c.resilience_cap),
            format!(
                "delivered through dzud season(s) {} (risk class ≥ {}), {} points each, at most {}",
                years.join(", "),
                c.resilience_class,
                c.points_per_resilient_season,
                c.resilience_cap
            ),
        );
    }
}

fn stocking(s: &Summary, card: &Scorecard, r: &mut Reasons) {
    let c = &card.stocking;
    let Some(h) = &s.herd else {
        r.add(
            "ST-UNKNOWN",
            Factor::Stocking,
            c.unknown,
            "no herd census in the history".to_owned(),
        );
        return;
    };
    let (Some(ratio), Some(cap)) = (h.stocking_ratio, h.capacity_su) else {
        r.add(
            "ST-UNKNOWN",
            Factor::Stocking,
            c.unknown,
            format!(
                "herd of {} sheep units in {}, carrying capacity unknown",
                h.sheep_units, h.year
            ),
        );
        return;
    };
    let band = c.bands.iter().find(|b| ratio <= b.up_to);
    let (code, points) = match band {
        Some(b) if b.up_to.ppm() <= ONE_PPM => ("ST-WITHIN", b.points),
        Some(b) => ("ST-OVER", b.points),
        None => ("ST-OVER", c.above.points),
    };
    r.add(
        code,
        Factor::Stocking,
        points,
        format!(
            "{} sheep units against a capacity share of {cap} in {}: stocking ratio {ratio}{}",
            h.sheep_units,
            h.year,
            if code == "ST-WITHIN" {
                " (within capacity; herd size itself earns nothing)"
            } else {
                " (above carrying capacity counts against)"
            }
        ),
    );
}
