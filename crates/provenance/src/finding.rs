//! Findings: what the ledger accepted but a person should see, each with the figures and the
//! rule that produced it, so that it can be explained from the data.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A transformation or shipment named a lot the ledger never saw created; its fibre is of
    /// unknown origin in every composition it enters.
    UnknownOrigin,
    /// A step's yield was outside its band, with the band's action `flag`.
    MassBalance,
    /// A household declared more raw fibre in a season than its goats × the per-goat ceiling.
    HouseholdHarvest,
    /// A soum's declared season total exceeds its census goats × the per-goat ceiling.
    SoumHarvest,
    /// More goats declared combed in a soum in a season than its census counts.
    SoumGoats,
    /// The census has no figure for the soum of a combing event.
    UnknownSoum,
    /// A transformation mixed fibre of other claims into fibre claimed `mongolian-cashmere`.
    Blend,
    /// A transformation declared its outputs to be a fibre/origin the composition does not
    /// support in full.
    ClaimMismatch,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UnknownOrigin => "unknown-origin",
            FindingKind::MassBalance => "mass-balance",
            FindingKind::HouseholdHarvest => "household-harvest",
            FindingKind::SoumHarvest => "soum-harvest",
            FindingKind::SoumGoats => "soum-goats",
            FindingKind::UnknownSoum => "unknown-soum",
            FindingKind::Blend => "blend",
            FindingKind::ClaimMismatch => "claim-mismatch",
        }
    }
}

/// One finding. `evidence` holds the numbers (grams as integers, kilograms and ratios as
/// numbers) and `rule` says in words which rule they break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The lot (ledger key) or garment the finding is about.
    pub subject: String,
    /// The eventID of the event that raised it.
    pub event: String,
    pub evidence: Map<String, Value>,
    pub rule: String,
}

impl Finding {
    pub fn new(kind: FindingKind, subject: &str, event: &str, rule: impl Into<String>) -> Finding {
        Finding {
            kind,
            subject: subject.to_owned(),
            event: event.to_owned(),
            evidence: Map::new(),
            rule: rule.into(),
        }
    }

    /// Adds one figure of evidence.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Finding {
        self.evidence.insert(name.to_owned(), value.into());
        self
    }

    /// The identity of a finding within the compositions it travels in.
    pub fn key(&self) -> (FindingKind, &str, &str) {
        (self.kind, &self.subject, &self.event)
    }
}
