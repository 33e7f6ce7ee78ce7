//! Range and consistency checks of a lab result. All arithmetic is exact (thousandths, in
//! i128), so a check never depends on float rounding.

use serde::{Deserialize, Serialize};

use super::{Histogram, LabProblem, LabResult};
use crate::decimal::Milli;
use crate::measure::{Measure, Measurements};

/// How far reported figures may disagree because each was rounded on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    /// |CV − SD ÷ mean × 100| in percentage points. Default 0.5: an SD reported to 0.1 µm
    /// on a 10 µm mean moves the CV by 0.5 points.
    pub cv_points: Milli,
    /// |Σ composition − 100| in percentage points. Default 0.5 (five shares rounded to 0.1).
    pub composition_points: Milli,
    /// |Σ histogram shares − 100| in percentage points. Default 1.0 (tens of classes each
    /// rounded to 0.1 %).
    pub histogram_points: Milli,
    /// How far the histogram's mean (class midpoints weighted by shares) may be from the
    /// reported mean, in µm, beyond half the widest class (the most a midpoint can be off).
    /// Default 0.2.
    pub histogram_mean_um: Milli,
}

impl Default for Tolerances {
    fn default() -> Tolerances {
        Tolerances {
            cv_points: Milli::from_thousandths(500),
            composition_points: Milli::from_thousandths(500),
            histogram_points: Milli::from_thousandths(1_000),
            histogram_mean_um: Milli::from_thousandths(200),
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> LabProblem {
    LabProblem::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

fn inconsistent(fields: &str, message: String) -> LabProblem {
    LabProblem::Inconsistent {
        fields: fields.to_owned(),
        message,
    }
}

fn in_range(p: &mut Vec<LabProblem>, field: &str, v: Milli, m: Measure) {
    if let Some((min, max)) = m.range()
        && (v < min || v > max)
    {
        p.push(LabProblem::OutOfRange {
            field: field.to_owned(),
            value: v,
            min,
            max,
            unit: m.unit().to_owned(),
        });
    }
}

/// The checks of [`Measurements::validate`].
pub(super) fn measurements(m: &Measurements, tol: &Tolerances) -> Vec<LabProblem> {
    let mut p = Vec::new();
    for measure in Measure::ALL {
        if let Some(crate::measure::Value::Number(v)) = m.get(*measure) {
            let field = match measure {
                Measure::CashmerePct
                | Measure::YakPct
                | Measure::SheepWoolPct
                | Measure::CamelPct
                | Measure::OtherFibrePct => format!("composition.{measure}"),
                _ => measure.to_string(),
            };
            in_range(&mut p, &field, v, *measure);
        }
    }
    if m.is_empty() {
        p.push(invalid(
            "measurements",
            "a lab result needs at least one measurement",
        ));
    }
    if let (Some(mfd), Some(sd), Some(cv)) = (m.mfd_um, m.sd_um, m.cv_pct)
        && mfd > Milli::ZERO
    {
        // |cv − 100·sd/mfd| ≤ tol  ⇔  |cv·mfd − 100·sd·1000| ≤ tol·mfd  (all in thousandths)
        let (mfd_t, sd_t, cv_t) = (
            i128::from(mfd.thousandths()),
            i128::from(sd.thousandths()),
            i128::from(cv.thousandths()),
        );
        let diff = (cv_t * mfd_t - 100 * 1000 * sd_t).abs();
        if diff > i128::from(tol.cv_points.thousandths()) * mfd_t {
            let computed = sd.to_f64() / mfd.to_f64() * 100.0;
            p.push(inconsistent(
                "cv_pct, sd_um, mfd_um",
                format!(
                    "CV {cv} % does not match SD ÷ mean × 100 = {sd} ÷ {mfd} × 100 ≈ {computed:.2} % (allowed difference {} points)",
                    tol.cv_points
                ),
            ));
        }
    }
    if let Some(c) = &m.composition {
        let total = c.total();
        if (total - 100_000).abs() > i128::from(tol.composition_points.thousandths()) {
            p.push(inconsistent(
                "composition",
                format!(
                    "the shares sum to {} %, not 100 % (allowed difference {} points)",
                    Milli::from_thousandths(i64::try_from(total).unwrap_or(i64::MAX)),
                    tol.composition_points
                ),
            ));
        }
    }
    p
}

/// The checks of [`LabResult::validate_with`].
pub(super) fn lab_result(r: &LabResult, tol: &Tolerances) -> Vec<LabProblem> {
    let mut p = Vec::new();
    for (field, v) in [("lot", &r.lot), ("lab", &r.lab)] {
        if let Err(e) = epcis::id::validate(v) {
            p.push(invalid(
                field,
                format!("'{v}' is not a valid identifier: {e}"),
            ));
        }
    }
    if let Some(d) = &r.device
        && let Err(e) = epcis::id::validate(d)
    {
        p.push(invalid("device", format!("'{d}' is not a URI: {e}")));
    }
    for (i, c) in r.certification.iter().enumerate() {
        if let Err(e) = epcis::id::validate(c) {
            p.push(invalid(
                &format!("certification[{i}]"),
                format!("'{c}' is not a URI: {e}"),
            ));
        }
    }
    let offset = r.tested_at.offset().to_string();
    if epcis::parse_offset(&offset).is_err() {
        p.push(invalid(
            "tested_at",
            format!(
                "time-zone offset {offset} is not whole minutes within ±14:00, as EPCIS requires"
            ),
        ));
    }
    if r.sample_id.trim().is_empty() {
        p.push(invalid(
            "sample_id",
            "the lab's sample id must not be empty",
        ));
    }
    if r.methods.is_empty() {
        p.push(invalid(
            "methods",
            "name at least one test method (IWTO-47, ISO 17751-1, …)",
        ));
    }
    for (i, m) in r.methods.iter().enumerate() {
        if m.code().trim().is_empty() {
            p.push(invalid(
                &format!("methods[{i}]"),
                "a method code must not be empty",
            ));
        }
    }
    if let Some(kg) = r.lot_kg
        && (kg <= Milli::ZERO || kg > Milli::from_int(1_000_000))
    {
        p.push(LabProblem::OutOfRange {
            field: "lot_kg".into(),
            value: kg,
            min: Milli::from_thousandths(1),
            max: Milli::from_int(1_000_000),
            unit: "kg".into(),
        });
    }
    p.extend(measurements(&r.measurements, tol));
    if r.measurements.composition.is_some() && !r.methods.iter().any(|m| m.gives_composition()) {
        p.push(inconsistent(
            "composition, methods",
            "a fibre composition needs a fibre-identification method (IWTO-58, ISO 17751-1 or ISO 17751-2)".into(),
        ));
    }
    if let Some(h) = &r.histogram {
        if !r.methods.iter().any(|m| m.gives_histogram()) {
            p.push(inconsistent(
                "histogram, methods",
                "a diameter histogram needs a diameter instrument (IWTO-8, IWTO-12 or IWTO-47)"
                    .into(),
            ));
        }
        histogram(&mut p, h, r.measurements.mfd_um, tol);
    }
    p
}

/// The histogram's own checks (classes ordered and within range, shares summing to 100 %,
/// its mean near the reported mean).
pub(super) fn histogram_problems(
    h: &Histogram,
    mfd: Option<Milli>,
    tol: &Tolerances,
) -> Vec<LabProblem> {
    let mut p = Vec::new();
    histogram(&mut p, h, mfd, tol);
    p
}

fn histogram(p: &mut Vec<LabProblem>, h: &Histogram, mfd: Option<Milli>, tol: &Tolerances) {
    if h.bins.is_empty() {
        p.push(invalid("histogram", "a histogram needs at least one class"));
        return;
    }
    let mut ok = true;
    for (i, b) in h.bins.iter().enumerate() {
        let at = |f: &str| format!("histogram.bins[{i}].{f}");
        // Instruments start their first class at 0 µm; no fibre is thicker than 150 µm.
        let bounds = [
            ("from_um", b.from_um, Milli::from_int(150), "µm"),
            ("to_um", b.to_um, Milli::from_int(150), "µm"),
            ("pct", b.pct, Milli::HUNDRED, "%"),
        ];
        for (f, v, max, unit) in bounds {
            if !(Milli::ZERO..=max).contains(&v) {
                p.push(LabProblem::OutOfRange {
                    field: at(f),
                    value: v,
                    min: Milli::ZERO,
                    max,
                    unit: unit.into(),
                });
                ok = false;
            }
        }
        if b.from_um >= b.to_um {
            p.push(inconsistent(
                &format!("histogram.bins[{i}]"),
                format!("the class [{}, {}) µm is empty", b.from_um, b.to_um),
            ));
            ok = false;
        }
        if i > 0 && b.from_um < h.bins[i - 1].to_um {
            p.push(inconsistent(
                &format!("histogram.bins[{i}]"),
                format!(
                    "the class starting at {} µm overlaps or precedes the one before, which ends at {} µm (classes go up in order)",
                    b.from_um,
                    h.bins[i - 1].to_um
                ),
            ));
            ok = false;
        }
    }
    if !ok {
        return;
    }
    let total: i128 = h.bins.iter().map(|b| i128::from(b.pct.thousandths())).sum();
    if (total - 100_000).abs() > i128::from(tol.histogram_points.thousandths()) {
        p.push(inconsistent(
            "histogram",
            format!(
                "the class shares sum to {} %, not 100 % (allowed difference {} points)",
                Milli::from_thousandths(i64::try_from(total).unwrap_or(i64::MAX)),
                tol.histogram_points
            ),
        ));
        return;
    }
    let Some(mfd) = mfd else { return };
    if total == 0 {
        return;
    }
    // Mean from midpoints, normalised by the actual total:
    // |Σ mid·pct − mfd·Σpct| ≤ allowed·Σpct, with mid = (from + to) / 2 (kept doubled).
    let twice_weighted: i128 = h
        .bins
        .iter()
        .map(|b| {
            (i128::from(b.from_um.thousandths()) + i128::from(b.to_um.thousandths()))
                * i128::from(b.pct.thousandths())
        })
        .sum();
    let widest = h
        .bins
        .iter()
        .map(|b| i128::from(b.to_um.thousandths()) - i128::from(b.from_um.thousandths()))
        .max()
        .unwrap_or(0);
    // allowed = widest/2 + tolerance, doubled like the midpoints.
    let twice_allowed = widest + 2 * i128::from(tol.histogram_mean_um.thousandths());
    let twice_diff = (twice_weighted - 2 * i128::from(mfd.thousandths()) * total).abs();
    if twice_diff > twice_allowed * total {
        let mean = twice_weighted as f64 / 2.0 / total as f64 / 1000.0;
        p.push(inconsistent(
            "histogram, mfd_um",
            format!(
                "the histogram's mean ≈ {mean:.2} µm is too far from mfd_um {mfd} µm (allowed: half the widest class plus {} µm)",
                tol.histogram_mean_um
            ),
        ));
    }
}
