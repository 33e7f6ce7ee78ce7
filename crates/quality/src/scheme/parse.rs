//! The TOML shape of a scheme file, and its conversion to a [`Scheme`] with a problem for
//! every value that names nothing known. Enumerations are read as text so that a wrong word
//! gets a message listing the right ones, with where it is.

use serde::Deserialize;

use super::{FORMAT, Kind, Labels, Limit, Op, Rule, Scheme, SchemeProblem, Status, Tier};
use crate::decimal::Milli;
use crate::measure::{Measure, parse_colour};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScheme {
    format: u32,
    name: String,
    title: String,
    version: String,
    kind: String,
    status: String,
    source: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    labels: Option<Labels>,
    #[serde(default)]
    rules: Option<Vec<RawRule>>,
    #[serde(default)]
    tiers: Option<Vec<RawTier>>,
    #[serde(default)]
    classes: Option<Vec<RawTier>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    grade: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    measure: String,
    op: String,
    limit: toml::Value,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    citation: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

struct Out {
    problems: Vec<SchemeProblem>,
}

impl Out {
    fn fail(&mut self, at: &str, message: impl Into<String>) {
        self.problems.push(SchemeProblem {
            at: at.to_owned(),
            message: message.into(),
        });
    }

    fn status(&mut self, at: &str, s: Option<&str>, inherited: Status) -> Status {
        match s {
            None => inherited,
            Some(s) => Status::parse(s).unwrap_or_else(|| {
                self.fail(
                    at,
                    format!("status '{s}' is not one of verified, unconfirmed"),
                );
                Status::Unconfirmed
            }),
        }
    }
}

/// The scheme as far as it could be read, and what could not.
pub(super) fn convert(raw: RawScheme) -> (Scheme, Vec<SchemeProblem>) {
    let mut out = Out {
        problems: Vec::new(),
    };
    if raw.format != FORMAT {
        out.fail(
            "format",
            format!(
                "format {} is not supported (this version reads format {FORMAT})",
                raw.format
            ),
        );
    }
    let kind = match raw.kind.as_str() {
        "pass-fail" => Kind::PassFail,
        "tiered" => Kind::Tiered,
        "classes" => Kind::Classes,
        other => {
            out.fail(
                "kind",
                format!("kind '{other}' is not one of pass-fail, tiered, classes"),
            );
            Kind::PassFail
        }
    };
    let status = out.status("status", Some(&raw.status), Status::Unconfirmed);
    let lists = [
        ("rules", raw.rules.is_some(), Kind::PassFail),
        ("tiers", raw.tiers.is_some(), Kind::Tiered),
        ("classes", raw.classes.is_some(), Kind::Classes),
    ];
    for (key, present, owner) in lists {
        if present && owner != kind {
            out.fail(
                key,
                format!(
                    "a {} scheme has no '{key}' (only a {} scheme does)",
                    kind.as_str(),
                    owner.as_str()
                ),
            );
        }
    }
    // Lists of another kind were reported above and are left out.
    let rules = if kind == Kind::PassFail {
        raw.rules
    } else {
        None
    };
    let rules = rules
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, r)| rule(&mut out, &format!("rules[{i}]"), r, status))
        .collect();
    let tier_list = match kind {
        Kind::Classes => ("classes", raw.classes.unwrap_or_default()),
        Kind::Tiered => ("tiers", raw.tiers.unwrap_or_default()),
        Kind::PassFail => ("tiers", Vec::new()),
    };
    let tiers = tier_list
        .1
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let at = format!("{}[{i}] '{}'", tier_list.0, t.grade);
            let tier_status = out.status(&at, t.status.as_deref(), status);
            Tier {
                rules: t
                    .rules
                    .into_iter()
                    .enumerate()
                    .map(|(j, r)| rule(&mut out, &format!("{at} rules[{j}]"), r, tier_status))
                    .collect(),
                grade: t.grade,
                status: tier_status,
                note: t.note,
            }
        })
        .collect();
    let scheme = Scheme {
        name: raw.name,
        title: raw.title,
        version: raw.version,
        kind,
        status,
        source: raw.source,
        notes: raw.notes,
        labels: raw.labels,
        rules,
        tiers,
    };
    (scheme, out.problems)
}

fn rule(out: &mut Out, at: &str, r: RawRule, inherited: Status) -> Rule {
    let at = format!("{at} '{}'", r.id);
    let measure = Measure::parse(&r.measure).unwrap_or_else(|| {
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        out.fail(
            &at,
            format!(
                "measure '{}' is unknown (one of {})",
                r.measure,
                names.join(", ")
            ),
        );
        Measure::MfdUm
    });
    let op = Op::parse(&r.op).unwrap_or_else(|| {
        out.fail(&at, format!("op '{}' is not one of <=, <, >=, >, in", r.op));
        Op::Le
    });
    let limit = limit(out, &at, &r.limit);
    Rule {
        status: out.status(&at, r.status.as_deref(), inherited),
        id: r.id,
        measure,
        op,
        limit,
        citation: r.citation,
        note: r.note,
    }
}

fn limit(out: &mut Out, at: &str, v: &toml::Value) -> Limit {
    let number = |r: Result<Milli, crate::decimal::DecimalError>, out: &mut Out| match r {
        Ok(n) => Limit::Number(n),
        Err(e) => {
            out.fail(at, format!("limit: {e}"));
            Limit::Number(Milli::ZERO)
        }
    };
    match v {
        toml::Value::Integer(i) => number(i.to_string().parse(), out),
        toml::Value::Float(f) => number(Milli::from_f64(*f), out),
        toml::Value::String(s) => number(s.parse(), out),
        toml::Value::Array(items) => {
            let mut colours = Vec::new();
            for item in items {
                match item.as_str().and_then(parse_colour) {
                    Some(c) => colours.push(c),
                    None => out.fail(
                        at,
                        format!(
                            "limit {item} is not a colour class (white, light-grey, grey, red, brown)"
                        ),
                    ),
                }
            }
            Limit::Colours(colours)
        }
        other => {
            out.fail(
                at,
                format!(
                    "limit must be a number or a list of colour classes, not {}",
                    other.type_str()
                ),
            );
            Limit::Number(Milli::ZERO)
        }
    }
}
