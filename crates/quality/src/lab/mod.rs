//! Lab results: what a fibre lab records about a test on a lot, checked against physical
//! ranges and for internal consistency, and carried as the profile's `lab-test` event
//! ([`LabResult::to_event`], [`LabResult::from_event`]).

mod event;
mod validate;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::decimal::Milli;
use crate::measure::Measurements;

pub use event::{EXTRA_TYPES, measurement_problems, namespaces};
pub use validate::Tolerances;

/// A test method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// IWTO-8: projection microscope, the reference method for diameter.
    Iwto8,
    /// IWTO-12: Sirolan Laserscan.
    Iwto12,
    /// IWTO-28: airflow.
    Iwto28,
    /// IWTO-47: OFDA.
    Iwto47,
    /// IWTO-58: scanning electron microscope, fibre identification (blends).
    Iwto58,
    /// ISO 17751-1: light microscopy, quantitative analysis of cashmere, wool and blends.
    Iso17751Part1,
    /// ISO 17751-2: scanning electron microscopy, same scope.
    Iso17751Part2,
    /// Any other method, by its code (`ASTM D2130`).
    Other(String),
}

impl Method {
    /// The methods this crate knows by name.
    pub const KNOWN: &'static [Method] = &[
        Method::Iwto8,
        Method::Iwto12,
        Method::Iwto28,
        Method::Iwto47,
        Method::Iwto58,
        Method::Iso17751Part1,
        Method::Iso17751Part2,
    ];

    /// The method's code (`IWTO-47`, `ISO 17751-1`).
    pub fn code(&self) -> &str {
        match self {
            Method::Iwto8 => "IWTO-8",
            Method::Iwto12 => "IWTO-12",
            Method::Iwto28 => "IWTO-28",
            Method::Iwto47 => "IWTO-47",
            Method::Iwto58 => "IWTO-58",
            Method::Iso17751Part1 => "ISO 17751-1",
            Method::Iso17751Part2 => "ISO 17751-2",
            Method::Other(s) => s,
        }
    }

    /// A code as written: known codes in any case and spacing (`iwto 47`, `ISO17751-1`),
    /// anything else kept as [`Method::Other`].
    pub fn parse(s: &str) -> Method {
        let key: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        Method::KNOWN
            .iter()
            .find(|m| m.code().replace([' ', '-'], "") == key)
            .cloned()
            .unwrap_or_else(|| Method::Other(s.trim().to_owned()))
    }

    /// Measures fibre diameter and gives a diameter histogram.
    pub fn gives_histogram(&self) -> bool {
        matches!(
            self,
            Method::Iwto8 | Method::Iwto12 | Method::Iwto47 | Method::Other(_)
        )
    }

    /// Identifies fibres, so can give a composition.
    pub fn gives_composition(&self) -> bool {
        matches!(
            self,
            Method::Iwto58 | Method::Iso17751Part1 | Method::Iso17751Part2 | Method::Other(_)
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Method::parse(&String::deserialize(d)?))
    }
}

/// One class of a diameter histogram: the share of fibres (by number) whose diameter is in
/// `[from_um, to_um)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    pub from_um: Milli,
    pub to_um: Milli,
    pub pct: Milli,
}

/// The diameter distribution an instrument reports (Laserscan and OFDA: 1-µm classes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Histogram {
    pub bins: Vec<Bin>,
}

/// One test of one lot by one lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabResult {
    /// The tested lot: an LGTIN (EPC URN or Digital Link) or a private lot URI.
    pub lot: String,
    /// The lot's quantity as the lab records it, kg (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot_kg: Option<Milli>,
    /// The lab's location (readPoint and bizLocation): an SGLN or a private URI.
    pub lab: String,
    /// The lab's own sample identifier.
    pub sample_id: String,
    /// The methods used, at least one (diameter by OFDA and composition by ISO 17751-1 are
    /// two).
    pub methods: Vec<Method>,
    /// When the test was made, with the lab's time-zone offset.
    pub tested_at: DateTime<FixedOffset>,
    /// The instrument (sensorMetadata `deviceID`), a URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Certificates or the report itself (`certificationInfo`), URIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certification: Vec<String>,
    pub measurements: Measurements,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
}

/// One thing wrong with a lab result or its event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LabProblem {
    /// A value outside its physically possible range.
    OutOfRange {
        field: String,
        value: Milli,
        min: Milli,
        max: Milli,
        unit: String,
    },
    /// Values that contradict each other.
    Inconsistent { fields: String, message: String },
    /// A required field is missing or malformed.
    Invalid { field: String, message: String },
}

impl std::fmt::Display for LabProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabProblem::OutOfRange {
                field,
                value,
                min,
                max,
                unit,
            } => write!(
                f,
                "{field} = {value} is outside the allowed range {min}–{max}{}",
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            ),
            LabProblem::Inconsistent { fields, message } => write!(f, "{fields}: {message}"),
            LabProblem::Invalid { field, message } => write!(f, "{field}: {message}"),
        }
    }
}

/// A lab result or lab-test event that was refused, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("invalid lab result: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct LabError {
    pub problems: Vec<LabProblem>,
}

impl LabError {
    fn from(problems: Vec<LabProblem>) -> Result<(), LabError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LabError { problems })
        }
    }
}

impl LabResult {
    /// Checks ranges and consistency with the default tolerances.
    pub fn validate(&self) -> Result<(), LabError> {
        self.validate_with(&Tolerances::default())
    }

    /// Checks ranges and consistency with the given tolerances.
    pub fn validate_with(&self, tol: &Tolerances) -> Result<(), LabError> {
        LabError::from(validate::lab_result(self, tol))
    }
}

impl Measurements {
    /// Checks the measurements alone: each value in its physical range, CV against SD and
    /// mean, composition summing to 100 %.
    pub fn validate(&self, tol: &Tolerances) -> Result<(), LabError> {
        LabError::from(validate::measurements(self, tol))
    }
}
