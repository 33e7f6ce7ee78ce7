//! Simulator of a cashmere season (pure): one season of the Mongolian cashmere cluster as EPCIS
//! 2.0 documents that follow the project's cashmere profile (`docs/cashmere-profile.md`), plus a
//! [`Manifest`] of what it contains.
//!
//! Households are drawn from the NSO soum tables (`mongolia` crate): spread over soums in
//! proportion to the 2020 herder households, with skewed herds around each soum's estimated
//! goats per household. They comb raw cashmere in colour lots and deliver it to cooperatives,
//! which pool it by colour, have it tested and sell it to processors; the processors scour,
//! dehair, export or spin (some yarns blended), dye, knit serialised garments, pack them in
//! cases and ship them to brands. A small, configurable share of households declares an
//! implausible harvest on purpose ([`Manifest::planted_findings`]).
//!
//! Deterministic: the same [`Season`] (seed included) gives the same documents, byte for byte,
//! drawn from ChaCha8 streams with portable arithmetic only. Streaming: the documents come one by
//! one from an iterator; households are generated soum by soum and processors hold only lot
//! aggregates, so a national season (≈ 180,000 households, ≈ 1 M events) runs in bounded
//! memory. Events leave out `eventID` (the repository fills in the hash ID) and `recordTime`.
//!
//! ```no_run
//! let season = sim::Season::new(5_000, 42);
//! let mut simulation = sim::Simulation::new(season).unwrap();
//! for chunk in simulation.by_ref() {
//!     let _text = chunk.to_json(); // write to DIR/{chunk.file_name}
//! }
//! let manifest = simulation.manifest(); // serialise to DIR/manifest.json
//! # let _ = manifest;
//! ```

mod config;
mod events;
mod farm;
mod ids;
mod manifest;
mod mill;
mod rng;
mod time;

use std::collections::{BTreeSet, VecDeque};

use epcis::{Document, Event, Namespaces};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use config::{Colour, Knobs, Season};
pub use events::{CM_NAMESPACE, CM_PREFIX, Process};
pub use ids::{Party, Role};
pub use manifest::{Blend, DocumentEntry, Manifest, Mass, PlantedFinding, SoumEntry};
pub use time::Date;

use events::Clock;
use farm::SoumPlan;
use mill::Mill;
use time::{DAY, Minutes};

/// ChaCha8 stream numbers: one stream per soum and per processor, so that each one's draws do
/// not depend on how much the others drew.
mod stream {
    pub const PLAN: u64 = 0;
    pub const SOUM: u64 = 1 << 32;
    pub const MILL: u64 = 2 << 32;
}

/// What is wrong with a season's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("start date {0:?} is not a calendar date YYYY-MM-DD")]
    BadDate(String),
    #[error("bad setting: {0}")]
    BadSetting(String),
}

/// One document of the season, in causal order.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// 1-based position among the season's documents.
    pub index: usize,
    /// The file name the manifest lists it under (`season-00001.jsonld`).
    pub file_name: String,
    pub document: Document,
}

impl Chunk {
    /// The document as EPCIS 2.0 JSON-LD text; its `@context` declares the `cm` prefix.
    pub fn to_json(&self) -> String {
        epcis::jsonld::to_string(&self.document)
    }
}

/// The state the generators share: settings, processors, the events waiting to be chunked
/// and the manifest being filled.
pub(crate) struct World {
    season: Season,
    clock: Clock,
    planted: BTreeSet<u32>,
    mills: Vec<Mill>,
    lab_reports: u64,
    pending: VecDeque<(Event, Minutes)>,
    manifest: Manifest,
}

impl World {
    fn emit(&mut self, p: Process, t: Minutes, e: Event) {
        self.manifest.count(p);
        self.pending.push_back((e, t));
    }

    fn manifest(&mut self) -> &mut Manifest {
        &mut self.manifest
    }
}

/// A season being simulated: an iterator over its documents ([`Chunk`]s). The [`Manifest`] is
/// complete once the iterator has returned `None`.
pub struct Simulation {
    world: World,
    plan: Vec<SoumPlan>,
    next_soum: usize,
    next_mill: usize,
    namespaces: Namespaces,
    context: serde_json::Value,
    finished: bool,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("season", &self.world.season)
            .field("next_soum", &self.next_soum)
            .field("next_mill", &self.next_mill)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// Plans the season: checks the settings, spreads the households over soums and picks the
    /// households that will declare implausible harvests. Generation happens as the iterator
    /// is driven.
    pub fn new(season: Season) -> Result<Simulation, SimError> {
        season.check()?;
        let start_days = season.start()?.days();
        let mut rng = ChaCha8Rng::seed_from_u64(season.seed);
        rng.set_stream(stream::PLAN);

        let soums = mongolia::soums();
        let weights: Vec<u32> = soums.iter().map(|s| s.herder_households_2020).collect();
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let r = rng.gen_range(0..total.max(1));
        let counts = farm::allocate(season.households, &weights, r);
        let mut plan = Vec::new();
        let mut first_index = 0u32;
        for (s, n) in soums.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            plan.push(SoumPlan {
                code: s.code,
                households: n,
                first_index,
                real_households: s.herder_households_2020,
                goats_estimated: mongolia::goats_estimate(s),
                region_digit: s.code / 10_000,
            });
            first_index += n;
        }

        // Planted findings: ⌈N × fraction⌉ distinct households (Floyd's sampling).
        let n = season.households;
        let k = ((f64::from(n) * season.knobs.implausible_fraction).ceil() as u32).min(n);
        let mut planted = BTreeSet::new();
        for j in (n - k)..n {
            let x = rng.gen_range(0..=j);
            if !planted.insert(x) {
                planted.insert(j);
            }
        }

        let kn = &season.knobs;
        let mills: Vec<Mill> = (0..usize::from(kn.processors))
            .map(|i| Mill::new(season.seed, i))
            .collect();
        let mut parties: Vec<Party> = mills.iter().map(|m| m.party.clone()).collect();
        parties.extend((0..usize::from(kn.brands)).map(ids::brand));
        parties.extend((0..usize::from(kn.buyers)).map(ids::buyer));
        parties.extend((0..2).map(|i| ids::lab(&season.base_uri, i)));

        let mut namespaces = Namespaces::new();
        namespaces.insert(CM_PREFIX, CM_NAMESPACE);
        let context = epcis::jsonld::build_context(
            &[epcis::jsonld::STANDARD_CONTEXT.to_owned()],
            &namespaces,
        );
        Ok(Simulation {
            world: World {
                manifest: Manifest::new(season.clone(), parties),
                season,
                clock: Clock { start_days },
                planted,
                mills,
                lab_reports: 0,
                pending: VecDeque::new(),
            },
            plan,
            next_soum: 0,
            next_mill: 0,
            namespaces,
            context,
            finished: false,
        })
    }

    /// The manifest so far; complete once the iterator is exhausted.
    pub fn manifest(&self) -> &Manifest {
        &self.world.manifest
    }

    /// Whether every document has been produced.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Drives the simulation to its end, handing each document to `sink` (for instance to write
    /// it to a file), and returns the complete manifest.
    pub fn run<E>(mut self, mut sink: impl FnMut(Chunk) -> Result<(), E>) -> Result<Manifest, E> {
        for chunk in self.by_ref() {
            sink(chunk)?;
        }
        Ok(self.world.manifest)
    }

    /// Generates the next unit of work (a soum, or one processor batch); `false` at the end.
    fn step(&mut self) -> bool {
        if let Some(plan) = self.plan.get(self.next_soum) {
            let plan = plan.clone();
            farm::simulate_soum(&mut self.world, &plan);
            self.next_soum += 1;
            return true;
        }
        while self.next_mill < self.world.mills.len() {
            if mill::step(&mut self.world, self.next_mill) {
                return true;
            }
            self.next_mill += 1;
        }
        false
    }

    fn document(&self, events: Vec<Event>, created: Minutes) -> Document {
        let mut doc = Document::capture(events, self.namespaces.clone());
        doc.contexts = vec![epcis::jsonld::STANDARD_CONTEXT.to_owned()];
        doc.context = Some(self.context.clone());
        doc.creation_date = Some(time::format(self.world.clock.start_days, created));
        doc
    }
}

impl Iterator for Simulation {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        if self.finished {
            return None;
        }
        let max = self.world.season.max_events_per_document;
        while self.world.pending.len() < max && self.step() {}
        if self.world.pending.is_empty() {
            self.finished = true;
            return None;
        }
        let n = max.min(self.world.pending.len());
        let mut latest = 0;
        let events: Vec<Event> = self
            .world
            .pending
            .drain(..n)
            .map(|(e, t)| {
                latest = latest.max(t);
                e
            })
            .collect();
        // The document is "created" an hour after its latest event.
        let created = (latest / DAY) * DAY + (latest % DAY + 60).min(DAY - 1);
        let index = self.world.manifest.documents.len() + 1;
        let file_name = format!("season-{index:05}.jsonld");
        self.world.manifest.documents.push(DocumentEntry {
            file: file_name.clone(),
            events: n,
        });
        Some(Chunk {
            index,
            file_name,
            document: self.document(events, created),
        })
    }
}

#[cfg(test)]
mod tests;
