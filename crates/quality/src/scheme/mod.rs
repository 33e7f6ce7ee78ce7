//! Grading schemes as data: a versioned TOML file with its rules and its source.
//!
//! A scheme is one of three kinds:
//!
//! - `pass-fail`: one list of rules; the verdict passes when every rule passes (the US legal
//!   definition of cashmere, blend flags).
//! - `tiered`: grades listed **best first**, each with its rules; the grade is the best tier
//!   whose rules all pass. Tiers must be nested — each at least as strict as the next on every
//!   measure the next one tests, and only in the measure's "better" direction — so a fibre that
//!   earns a tier also meets every tier below it, and a finer fibre never grades worse.
//! - `classes`: unordered classes (colour); the grade is the first class whose rules all pass.
//!
//! The file format is documented in `crates/quality/README.md`; [`Scheme::from_toml`] checks a
//! file completely and reports every problem it finds, each naming where it is.

mod check;
mod parse;

use provenance::Colour;
use serde::{Deserialize, Serialize};

use crate::decimal::Milli;
use crate::measure::Measure;

/// The scheme-file format this crate reads (`format = 1`).
pub const FORMAT: u32 = 1;

/// How a scheme turns rules into a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    PassFail,
    Tiered,
    Classes,
}

impl Kind {
    /// The file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PassFail => "pass-fail",
            Kind::Tiered => "tiered",
            Kind::Classes => "classes",
        }
    }
}

/// Whether the numbers of a rule were read in their source (`[V]` in domain-facts) or are
/// recollection or placeholders awaiting the published table (`[U]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Verified,
    Unconfirmed,
}

impl Status {
    /// The file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Unconfirmed => "unconfirmed",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        match s {
            "verified" => Some(Status::Verified),
            "unconfirmed" => Some(Status::Unconfirmed),
            _ => None,
        }
    }
}

/// A rule's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    /// The value is one of the listed classes.
    #[serde(rename = "in")]
    In,
}

impl Op {
    /// The file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::In => "in",
        }
    }

    /// As printed in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::In => "in",
        }
    }

    fn parse(s: &str) -> Option<Op> {
        match s {
            "<=" | "≤" => Some(Op::Le),
            "<" => Some(Op::Lt),
            ">=" | "≥" => Some(Op::Ge),
            ">" => Some(Op::Gt),
            "in" => Some(Op::In),
            _ => None,
        }
    }

    /// Whether the bound itself is excluded.
    pub fn is_strict(self) -> bool {
        matches!(self, Op::Lt | Op::Gt)
    }
}

/// A rule's limit: a number for the quantities, a list of classes for colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Limit {
    Number(Milli),
    Colours(Vec<Colour>),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Number(n) => n.fmt(f),
            Limit::Colours(cs) => {
                let names: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
                write!(f, "{{{}}}", names.join(", "))
            }
        }
    }
}

/// One test of one measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Unique within its scheme or tier (`mfd`, `over30`).
    pub id: String,
    pub measure: Measure,
    pub op: Op,
    pub limit: Limit,
    /// Its own status, or its tier's, or the scheme's.
    pub status: Status,
    /// Where the number comes from (`16 CFR 300.19(a)(2)`), if more precise than the scheme's
    /// source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A grade of a tiered scheme, or a class of a classes scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub grade: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub rules: Vec<Rule>,
}

/// What a pass-fail verdict calls its outcome (`cashmere` / `not cashmere`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub pass: String,
    pub fail: String,
}

/// A grading scheme, read from its TOML file and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    /// Lower-case name the CLI takes (`us-cashmere`).
    pub name: String,
    pub title: String,
    /// The scheme's own version (its thresholds), not the file format.
    pub version: String,
    pub kind: Kind,
    /// `unconfirmed` when any of its numbers is.
    pub status: Status,
    /// The citation of the whole scheme.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Pass-fail only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
    /// Pass-fail only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Tiered (best first) and classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
}

/// One problem of a scheme file, with where it is (`tiers[1] 'I' rules[0] 'mfd'`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeProblem {
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for SchemeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

/// Why a scheme file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    /// Not TOML, or not the shape of a scheme (unknown or missing field, wrong type); the
    /// message has the line and column.
    #[error("scheme file: {0}")]
    Syntax(String),
    /// Well-formed but wrong: every problem found.
    #[error("scheme '{name}' is invalid:\n  {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    Invalid {
        name: String,
        problems: Vec<SchemeProblem>,
    },
}

impl Scheme {
    /// Reads and checks a scheme file.
    pub fn from_toml(text: &str) -> Result<Scheme, SchemeError> {
        let raw: parse::RawScheme =
            toml::from_str(text).map_err(|e| SchemeError::Syntax(e.to_string()))?;
        let (scheme, mut problems) = parse::convert(raw);
        problems.extend(check::check(&scheme));
        if problems.is_empty() {
            Ok(scheme)
        } else {
            Err(SchemeError::Invalid {
                name: scheme.name,
                problems,
            })
        }
    }

    /// Checks a scheme built in code (what [`Scheme::from_toml`] checks after reading).
    pub fn check(&self) -> Result<(), SchemeError> {
        let problems = check::check(self);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SchemeError::Invalid {
                name: self.name.clone(),
                problems,
            })
        }
    }

    /// Every rule with the tier it belongs to (`None` for pass-fail rules).
    pub fn all_rules(&self) -> impl Iterator<Item = (Option<&Tier>, &Rule)> {
        self.rules.iter().map(|r| (None, r)).chain(
            self.tiers
                .iter()
                .flat_map(|t| t.rules.iter().map(move |r| (Some(t), r))),
        )
    }

    /// The grades a verdict can give, best first for tiered schemes.
    pub fn grades(&self) -> Vec<String> {
        match (self.kind, &self.labels) {
            (Kind::PassFail, Some(l)) => vec![l.pass.clone(), l.fail.clone()],
            (Kind::PassFail, None) => Vec::new(),
            _ => self.tiers.iter().map(|t| t.grade.clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests;
