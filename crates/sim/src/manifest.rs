//! What a simulated season contains: the figures a test or a person checks the documents against.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Season;
use crate::events::Process;
use crate::ids::Party;

/// The season's summary, written by the CLI as `manifest.json`. Complete once the simulation's
/// iterator is exhausted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub generator: &'static str,
    /// The cashmere profile version every event claims (`cm:profile`).
    pub profile: &'static str,
    /// The settings the season was simulated with (seed included): enough to reproduce it.
    pub season: Season,
    pub households: u32,
    /// Households that combed (a few have no goats to comb).
    pub households_combing: u32,
    pub cooperatives: u32,
    pub events: u64,
    /// Events per step (`cm:process`).
    pub counts: BTreeMap<&'static str, u64>,
    /// Raw cashmere combed, kg (the sum of every combing event's quantity).
    pub total_raw_kg: f64,
    /// Mass at each stage in integer grams (see [`Mass`]).
    pub mass_g: Mass,
    /// Soums with simulated households, in code order.
    pub soums: Vec<SoumEntry>,
    /// Processors, brands, buyers and labs.
    pub parties: Vec<Party>,
    /// Every garment's SGTIN (EPC URN), in the order made.
    pub garments: Vec<String>,
    /// Every case's SSCC (EPC URN).
    pub cases: Vec<String>,
    /// Yarn lots spun from cashmere and an outside fibre.
    pub blends: Vec<Blend>,
    /// Findings the provenance engine must raise: deliberately implausible declarations.
    pub planted_findings: Vec<PlantedFinding>,
    /// The documents in causal order: a lot is created in the document that consumes it or an
    /// earlier one.
    pub documents: Vec<DocumentEntry>,
}

/// Mass through the chain, integer grams. Every kilogram is accounted for: raw is pooled and
/// scoured in full; dehaired lots are spun or exported whole; yarn lots are knitted (the last
/// part of a garment's worth stays as `yarn_left`) or exported whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Mass {
    pub combed: u64,
    pub delivered: u64,
    pub pooled_in: u64,
    pub pooled_out: u64,
    pub sold_to_processors: u64,
    pub scoured_in: u64,
    pub scoured_out: u64,
    pub dehaired_in: u64,
    pub dehaired_out: u64,
    pub dehaired_exported: u64,
    pub spun_cashmere_in: u64,
    pub spun_other_fibre_in: u64,
    pub fibre_intake: u64,
    pub yarn_out: u64,
    pub dyed_in: u64,
    pub dyed_out: u64,
    pub yarn_exported: u64,
    pub knitted_yarn_in: u64,
    pub yarn_left: u64,
    /// Garments × their declared fibre mass.
    pub garments: u64,
}

/// One soum's share of the season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SoumEntry {
    pub code: String,
    pub households: u32,
    pub cooperatives: u32,
    pub goats_combed: u64,
    pub raw_g: u64,
}

/// A yarn lot spun with an outside fibre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blend {
    pub yarn_lot: String,
    pub cashmere_lot: String,
    pub cashmere_g: u64,
    pub fibre: &'static str,
    pub fibre_lot: String,
    pub fibre_g: u64,
}

/// A deliberately implausible declaration and the evidence that shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantedFinding {
    /// `household-harvest`: declared raw mass above goats combed × the per-goat ceiling.
    pub kind: &'static str,
    pub household: String,
    pub soum: String,
    pub season: String,
    pub goats_combed: u64,
    pub declared_g: u64,
    pub declared_kg: f64,
    /// goats combed × the ceiling per goat.
    pub ceiling_kg: f64,
    /// The household's raw lots (combing events' epcClass).
    pub lots: Vec<String>,
}

/// One document of the season.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentEntry {
    pub file: String,
    pub events: usize,
}

impl Manifest {
    pub(crate) fn new(season: Season, parties: Vec<Party>) -> Manifest {
        Manifest {
            generator: concat!("nooluur-sim ", env!("CARGO_PKG_VERSION")),
            profile: "1",
            households: season.households,
            season,
            households_combing: 0,
            cooperatives: 0,
            events: 0,
            counts: Process::ALL.iter().map(|p| (p.as_str(), 0)).collect(),
            total_raw_kg: 0.0,
            mass_g: Mass::default(),
            soums: Vec::new(),
            parties,
            garments: Vec::new(),
            cases: Vec::new(),
            blends: Vec::new(),
            planted_findings: Vec::new(),
            documents: Vec::new(),
        }
    }

    pub(crate) fn count(&mut self, p: Process) {
        self.events += 1;
        if let Some(c) = self.counts.get_mut(p.as_str()) {
            *c += 1;
        }
    }
}
