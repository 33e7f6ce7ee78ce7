//! The grading engine: any scheme applied to any measurements, explained rule by rule.
//!
//! Verdict JSON (what `nooluur quality grade` prints):
//!
//! ```json
//! {"scheme": "us-cashmere", "version": "…", "title": "…", "kind": "pass-fail",
//!  "status": "verified", "source": "…", "pass": true, "grade": "cashmere",
//!  "complete": true, "explanation": "…",
//!  "rules": [{"rule": "mfd", "measure": "mfd_um", "op": "<=", "pass": true, "value": 15.8,
//!             "limit": 19.0, "unit": "µm", "margin": 3.2, "status": "verified",
//!             "citation": "…", "explanation": "…"}]}
//! ```
//!
//! - **pass-fail**: `pass` is true exactly when every rule passes. `grade` is the scheme's
//!   `labels.pass` when it passes, `labels.fail` when a rule failed on a measured value, and
//!   `null` when the only failures are measurements that are missing (undetermined), or when the
//!   scheme has no labels.
//! - **tiered**: `grade` is the best tier whose rules all pass, `null` when none does; `pass`
//!   is true when a grade was given. `rules` lists every tier's rules, best tier first, each
//!   with its `tier`; `tiers` says which tiers passed.
//! - **classes**: as tiered, with the first class whose rules all pass.
//!
//! A rule whose measurement is missing fails with `value: null` and a `reason`. Comparisons are
//! exact on thousandths; `margin` is how far inside the limit the value is (negative outside).
//! Grading never panics, whatever the numbers.

use serde::Serialize;

use crate::decimal::Milli;
use crate::measure::{Measurements, Value};
use crate::scheme::{Kind, Limit, Op, Rule, Scheme, Status};

/// The verdict of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleVerdict {
    /// The rule's id.
    pub rule: String,
    /// The tier or class the rule belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    pub measure: crate::measure::Measure,
    pub op: Op,
    pub pass: bool,
    /// `null` when not measured.
    pub value: Option<Value>,
    pub limit: Limit,
    pub unit: &'static str,
    /// How far inside the limit the value is, in the measure's unit (negative: how far
    /// outside); `null` for classes and missing values.
    pub margin: Option<Milli>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// Why it failed without a value (the measurement is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub explanation: String,
}

/// Whether a tier or class passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierVerdict {
    pub grade: String,
    pub pass: bool,
    pub status: Status,
}

/// The verdict of a scheme on one set of measurements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub scheme: String,
    pub version: String,
    pub title: String,
    pub kind: Kind,
    /// `unconfirmed` when the scheme (or the tier that decided the grade) is.
    pub status: Status,
    pub source: String,
    pub pass: bool,
    pub grade: Option<String>,
    /// Every rule had its measurement.
    pub complete: bool,
    pub explanation: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierVerdict>,
    pub rules: Vec<RuleVerdict>,
}

/// Applies a scheme to measurements.
pub fn grade(scheme: &Scheme, m: &Measurements) -> Verdict {
    let rules: Vec<RuleVerdict> = scheme
        .all_rules()
        .map(|(tier, r)| evaluate(r, tier.map(|t| t.grade.clone()), m))
        .collect();
    let complete = rules.iter().all(|r| r.value.is_some());
    let mut v = Verdict {
        scheme: scheme.name.clone(),
        version: scheme.version.clone(),
        title: scheme.title.clone(),
        kind: scheme.kind,
        status: scheme.status,
        source: scheme.source.clone(),
        pass: false,
        grade: None,
        complete,
        explanation: String::new(),
        tiers: Vec::new(),
        rules,
    };
    match scheme.kind {
        Kind::PassFail => pass_fail(scheme, &mut v),
        Kind::Tiered | Kind::Classes => tiered(scheme, &mut v),
    }
    v
}

fn pass_fail(scheme: &Scheme, v: &mut Verdict) {
    v.pass = v.rules.iter().all(|r| r.pass);
    let failed: Vec<&RuleVerdict> = v.rules.iter().filter(|r| !r.pass).collect();
    let decided_fail = failed.iter().any(|r| r.value.is_some());
    v.grade = match &scheme.labels {
        Some(l) if v.pass => Some(l.pass.clone()),
        Some(l) if decided_fail => Some(l.fail.clone()),
        _ => None,
    };
    let ids = |rs: &[&RuleVerdict]| {
        rs.iter()
            .map(|r| r.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    v.explanation = if v.pass {
        format!("all {} rules pass", v.rules.len())
    } else if decided_fail {
        format!("fails: {}", ids(&failed))
    } else {
        format!("undetermined: not measured for {}", ids(&failed))
    };
}

fn tiered(scheme: &Scheme, v: &mut Verdict) {
    let noun = if scheme.kind == Kind::Classes {
        "class"
    } else {
        "tier"
    };
    v.tiers = scheme
        .tiers
        .iter()
        .map(|t| TierVerdict {
            grade: t.grade.clone(),
            pass: v
                .rules
                .iter()
                .filter(|r| r.tier.as_deref() == Some(t.grade.as_str()))
                .all(|r| r.pass),
            status: t.status,
        })
        .collect();
    let won = v.tiers.iter().position(|t| t.pass);
    let why_not = |t: &TierVerdict| {
        let failed: Vec<String> = v
            .rules
            .iter()
            .filter(|r| r.tier.as_deref() == Some(t.grade.as_str()) && !r.pass)
            .map(|r| {
                if r.value.is_none() {
                    format!("{} (not measured)", r.rule)
                } else {
                    r.rule.clone()
                }
            })
            .collect();
        format!("'{}' fails {}", t.grade, failed.join(", "))
    };
    match won {
        Some(i) => {
            let t = &v.tiers[i];
            v.pass = true;
            v.grade = Some(t.grade.clone());
            v.status = v.status.max(t.status);
            let above: Vec<String> = v.tiers[..i].iter().map(why_not).collect();
            v.explanation = if above.is_empty() {
                format!("'{}': the first {noun}, all its rules pass", t.grade)
            } else {
                format!(
                    "'{}': the first {noun} whose rules all pass ({})",
                    t.grade,
                    above.join("; ")
                )
            };
        }
        None => {
            let all: Vec<String> = v.tiers.iter().map(why_not).collect();
            v.explanation = format!("no {noun} passes ({})", all.join("; "));
        }
    }
}

/// Evaluates one rule.
pub fn evaluate(r: &Rule, tier: Option<String>, m: &Measurements) -> RuleVerdict {
    let unit = r.measure.unit();
    let with_unit = |x: &dyn std::fmt::Display| {
        if unit.is_empty() {
            x.to_string()
        } else {
            format!("{x} {unit}")
        }
    };
    let mut out = RuleVerdict {
        rule: r.id.clone(),
        tier,
        measure: r.measure,
        op: r.op,
        pass: false,
        value: m.get(r.measure),
        limit: r.limit.clone(),
        unit,
        margin: None,
        status: r.status,
        citation: r.citation.clone(),
        reason: None,
        explanation: String::new(),
    };
    let label = r.measure.label();
    match (out.value, &r.limit) {
        (None, _) => {
            let reason = format!("{} was not measured", r.measure);
            out.explanation = format!(
                "{label}: not measured; the rule needs {} {} {}, so it fails",
                r.measure,
                r.op.symbol(),
                with_unit(&r.limit)
            );
            out.reason = Some(reason);
        }
        (Some(Value::Number(x)), Limit::Number(l)) => {
            let l = *l;
            let (pass, margin) = match r.op {
                Op::Le => (x <= l, l.checked_sub(x)),
                Op::Lt => (x < l, l.checked_sub(x)),
                Op::Ge => (x >= l, x.checked_sub(l)),
                Op::Gt => (x > l, x.checked_sub(l)),
                Op::In => (false, None),
            };
            out.pass = pass && r.op != Op::In;
            out.margin = margin;
            let verdict = match (out.pass, margin) {
                (true, Some(d)) if d == Milli::ZERO => "passes, exactly at the limit".to_owned(),
                (true, Some(d)) => format!("passes with {} to spare", with_unit(&d)),
                (false, Some(d)) if d == Milli::ZERO => {
                    "fails: the limit itself is excluded".to_owned()
                }
                (false, Some(d)) => match Milli::ZERO.checked_sub(d) {
                    Some(over) => format!("fails by {}", with_unit(&over)),
                    None => "fails".to_owned(),
                },
                (_, None) => {
                    if out.pass {
                        "passes".to_owned()
                    } else {
                        "fails".to_owned()
                    }
                }
            };
            out.explanation = format!(
                "{label} is {}; the rule is {} {}: {verdict}",
                with_unit(&x),
                r.op.symbol(),
                with_unit(&l)
            );
        }
        (Some(Value::Colour(c)), Limit::Colours(cs)) => {
            out.pass = r.op == Op::In && cs.contains(&c);
            out.explanation = format!(
                "{label} is {c}; the rule is in {}: {}",
                r.limit,
                if out.pass { "passes" } else { "fails" }
            );
        }
        (Some(value), _) => {
            out.explanation = format!(
                "{label} {value} cannot be compared with {}: the rule does not fit its measure",
                r.limit
            );
            out.reason = Some("the rule's limit does not fit its measure".to_owned());
        }
    }
    out
}
