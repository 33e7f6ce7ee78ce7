//! The lot ledger: quantities, consumption, shipping, compositions and findings, computed at
//! capture time from profile events, as pure effects the caller persists.
//!
//! # How a caller drives it
//!
//! 1. Read the document's profile events with [`crate::profile::read`].
//! 2. [`lots_needed`] says which lots (and whose compositions) and which household/soum season
//!    totals the batch reads; load them in one query each into a [`Prefetched`] (or implement
//!    [`LotView`] over the store).
//! 3. [`apply_batch`] processes the events in order — later events see the effects of earlier
//!    ones — and returns [`Effects`] or the first [`Rejection`]. For a capture that may proceed
//!    past bad events, drive a [`Ledger`] event by event: a rejected event changes nothing.
//! 4. Persist the [`Effects`] in the capturing transaction.
//!
//! # Rules
//!
//! - A lot is created once (combing, fibre-intake, or as a transformation output); creating an
//!   existing lot is rejected, since it would mint mass.
//! - Transformations consume their inputs: `consumed + asked ≤ quantity`, else rejected
//!   (over-consumption, naming the lot, what it had and what was asked).
//! - Shipping (a `sale`/`shipping` event with bizStep `shipping`) counts against the lot's
//!   shippable mass: `shipped + asked ≤ quantity`; receiving changes nothing. Shipping and
//!   consumption are separate budgets: a lot is normally shipped to a processor and then
//!   consumed by it.
//! - An input or shipped lot the ledger never saw created (a lot of a non-profile event, or of
//!   another repository) is **not** rejected: it is a finding `unknown-origin`, and in a
//!   transformation its fibre enters the composition as a source with claim `unknown`. Its
//!   mass cannot be checked.
//! - Mass balance per [`crate::balance`]: outside the band, reject or flag by configuration.
//! - Plausibility per [`crate::plausibility`] at every combing event.

mod apply;
#[cfg(test)]
mod tests;

pub use apply::Ledger;

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::balance::{Breach, Config};
use crate::finding::Finding;
use crate::plausibility::{Census, HouseholdSeason, SoumSeason};
use crate::profile::{Profiled, Side, Step};
use crate::quantity::format_kg;
use crate::shares::Composition;
use crate::terms::{Process, Stage};

/// A lot in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotState {
    /// The ledger key ([`crate::lot::identity`]).
    pub lot: String,
    /// As its creating event wrote it.
    pub written: String,
    pub quantity_g: u64,
    /// Taken by transformations.
    pub consumed_g: u64,
    /// Counted by shipping events.
    pub shipped_g: u64,
    /// The step that created it.
    pub process: Process,
    pub stage: Stage,
    pub created_by_event: String,
    /// Key of its composition: the eventID of the event that computed it. That is the creating
    /// event, shared by all its outputs, unless the event took a single lot and found nothing:
    /// then its outputs keep the input's composition (no copy is stored).
    pub composition_ref: String,
}

impl LotState {
    /// Mass not yet consumed.
    pub fn remaining_g(&self) -> u64 {
        self.quantity_g.saturating_sub(self.consumed_g)
    }
}

/// A serialised garment made by a knitting event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Garment {
    /// The ledger key ([`crate::lot::identity`], canonical Digital Link of the SGTIN).
    pub epc: String,
    pub written: String,
    pub mass_g: u64,
    pub composition_ref: String,
    pub event: String,
}

/// What the ledger reads. Implemented over the store, or by [`Prefetched`].
pub trait LotView {
    type Error;
    fn lot(&self, key: &str) -> Result<Option<LotState>, Self::Error>;
    fn composition(&self, reference: &str) -> Result<Option<Arc<Composition>>, Self::Error>;
    fn household_season(
        &self,
        household: &str,
        season: &str,
    ) -> Result<Option<HouseholdSeason>, Self::Error>;
    fn soum_season(&self, soum: &str, season: &str) -> Result<Option<SoumSeason>, Self::Error>;
}

/// A view loaded beforehand (what [`lots_needed`] asks for), or an in-memory ledger
/// (see [`Prefetched::absorb`]).
#[derive(Debug, Clone, Default)]
pub struct Prefetched {
    pub lots: HashMap<String, LotState>,
    /// By composition reference.
    pub compositions: HashMap<String, Arc<Composition>>,
    pub households: HashMap<(String, String), HouseholdSeason>,
    pub soums: HashMap<(String, String), SoumSeason>,
    pub garments: HashMap<String, Garment>,
}

impl LotView for Prefetched {
    type Error = Infallible;
    fn lot(&self, key: &str) -> Result<Option<LotState>, Infallible> {
        Ok(self.lots.get(key).cloned())
    }
    fn composition(&self, reference: &str) -> Result<Option<Arc<Composition>>, Infallible> {
        Ok(self.compositions.get(reference).cloned())
    }
    fn household_season(&self, h: &str, s: &str) -> Result<Option<HouseholdSeason>, Infallible> {
        Ok(self.households.get(&(h.to_owned(), s.to_owned())).cloned())
    }
    fn soum_season(&self, soum: &str, s: &str) -> Result<Option<SoumSeason>, Infallible> {
        Ok(self.soums.get(&(soum.to_owned(), s.to_owned())).cloned())
    }
}

impl Prefetched {
    /// Applies effects as a store would, so that a later batch sees them.
    pub fn absorb(&mut self, e: &Effects) {
        for w in &e.lots {
            self.lots.insert(w.state.lot.clone(), w.state.clone());
        }
        for (r, c) in &e.compositions {
            self.compositions.insert(r.clone(), Arc::clone(c));
        }
        for w in &e.households {
            let k = (w.after.household.clone(), w.after.season.clone());
            self.households.insert(k, w.after.clone());
        }
        for w in &e.soums {
            self.soums.insert(
                (w.after.soum.clone(), w.after.season.clone()),
                w.after.clone(),
            );
        }
        for g in &e.garments {
            self.garments.insert(g.epc.clone(), g.clone());
        }
    }
}

/// What a batch reads: load these before [`apply_batch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Lot keys named by the batch (created, consumed or shipped).
    pub lots: BTreeSet<String>,
    /// Lots whose composition (by their `composition_ref`) transformations mix.
    pub compositions_of: BTreeSet<String>,
    /// (household, season) totals.
    pub households: BTreeSet<(String, String)>,
    /// (soum, season) totals.
    pub soums: BTreeSet<(String, String)>,
}

/// Which lots, compositions and season totals `steps` read.
pub fn lots_needed(steps: &[Profiled]) -> Needs {
    let mut n = Needs::default();
    for p in steps {
        match &p.step {
            Step::Combing(c) => {
                n.lots.insert(c.lot.lot.key.clone());
                n.households.insert((c.household.clone(), c.season.clone()));
                n.soums.insert((c.soum.clone(), c.season.clone()));
            }
            Step::FibreIntake(f) => {
                n.lots.insert(f.lot.lot.key.clone());
            }
            Step::Transform(t) => {
                for i in &t.inputs {
                    n.lots.insert(i.lot.key.clone());
                    n.compositions_of.insert(i.lot.key.clone());
                }
                n.lots.extend(t.outputs.iter().map(|o| o.lot.key.clone()));
            }
            Step::Knitting(k) => {
                for i in &k.inputs {
                    n.lots.insert(i.lot.key.clone());
                    n.compositions_of.insert(i.lot.key.clone());
                }
            }
            Step::Transfer(t) if t.side == Side::Shipping => {
                n.lots.extend(t.lots.iter().map(|l| l.lot.key.clone()));
            }
            _ => {}
        }
    }
    n
}

/// A lot to write: `previous` is `None` for a lot the batch created, else its state as read
/// (for a compare-and-set update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotWrite {
    pub state: LotState,
    pub previous: Option<LotState>,
}

/// A running total to write, with its value as read (`None`: new row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalsWrite<T> {
    pub after: T,
    pub previous: Option<T>,
}

/// Whether mass was consumed by a transformation or counted by a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Use {
    Consumed,
    Shipped,
}

/// One entry of the consumption journal (the lots' state already includes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumption {
    pub event_index: usize,
    pub event: String,
    pub lot: String,
    pub grams: u64,
    pub kind: Use,
}

/// A transformation: the lots it took (key, grams) and what it made (lot or garment keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    pub event: String,
    pub process: Process,
    pub inputs: Vec<(String, u64)>,
    pub outputs: Vec<String>,
}

/// A packing event: children put into a parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Containment {
    pub event: String,
    pub parent: String,
    pub children: Vec<String>,
}

/// An observation of a lot or EPC that is neither its creation nor a transformation nor a
/// packing (delivery, lab test, sale, shipping): what trace lists as the node's other events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub node: String,
    pub event: String,
    pub process: Process,
}

/// Everything a batch changes, for the caller to persist in the capturing transaction.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Effects {
    /// Final state of every lot created or changed, in first-touch order.
    pub lots: Vec<LotWrite>,
    pub journal: Vec<Consumption>,
    /// New compositions by reference (each shared by all outputs of one event).
    #[serde(skip)]
    pub compositions: Vec<(String, Arc<Composition>)>,
    pub garments: Vec<Garment>,
    pub lineage: Vec<Lineage>,
    pub containment: Vec<Containment>,
    pub touches: Vec<Touch>,
    pub findings: Vec<Finding>,
    pub households: Vec<TotalsWrite<HouseholdSeason>>,
    pub soums: Vec<TotalsWrite<SoumSeason>>,
}

/// Why the ledger refused an event. Every variant names the event: `index` is its 0-based
/// position in the document (messages say `event {index + 1}`, as `epcis::error::Location` does)
/// and `event` its eventID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rejection {
    #[error("event {} ({event}): lot {lot} has {} kg left (quantity {} kg, {} kg consumed); {} kg was asked", index + 1, format_kg(*available_g), format_kg(*quantity_g), format_kg(*consumed_g), format_kg(*asked_g))]
    OverConsumption {
        index: usize,
        event: String,
        lot: String,
        quantity_g: u64,
        consumed_g: u64,
        available_g: u64,
        asked_g: u64,
    },
    #[error("event {} ({event}): lot {lot} has {} kg not yet shipped (quantity {} kg, {} kg shipped); {} kg was shipped", index + 1, format_kg(*available_g), format_kg(*quantity_g), format_kg(*shipped_g), format_kg(*asked_g))]
    OverShipping {
        index: usize,
        event: String,
        lot: String,
        quantity_g: u64,
        shipped_g: u64,
        available_g: u64,
        asked_g: u64,
    },
    #[error("event {} ({event}): {}", index + 1, breach.describe())]
    MassBalance {
        index: usize,
        event: String,
        breach: Breach,
    },
    #[error(
        "event {} ({event}): lot {lot} already exists (created by {created_by}); a lot is created once",
        index + 1
    )]
    LotExists {
        index: usize,
        event: String,
        lot: String,
        created_by: String,
    },
    #[error("event {} ({event}): garment {garment} is made twice", index + 1)]
    GarmentRepeated {
        index: usize,
        event: String,
        garment: String,
    },
    #[error("event {} ({event}): {message}", index + 1)]
    Mix {
        index: usize,
        event: String,
        message: String,
    },
}

impl Rejection {
    /// Position of the event in its document.
    pub fn index(&self) -> usize {
        match self {
            Rejection::OverConsumption { index, .. }
            | Rejection::OverShipping { index, .. }
            | Rejection::MassBalance { index, .. }
            | Rejection::LotExists { index, .. }
            | Rejection::GarmentRepeated { index, .. }
            | Rejection::Mix { index, .. } => *index,
        }
    }
}

/// A rejection, or the view failing.
#[derive(Debug, thiserror::Error)]
pub enum BatchError<E> {
    #[error(transparent)]
    Rejected(Rejection),
    #[error("the ledger could not be read: {0}")]
    View(E),
}

/// Applies a document's profile events in order; all or nothing.
pub fn apply_batch<V: LotView>(
    steps: &[Profiled],
    view: &V,
    config: &Config,
    census: Option<&dyn Census>,
) -> Result<Effects, BatchError<V::Error>> {
    let mut ledger = Ledger::new(view, config, census);
    for p in steps {
        ledger.apply(p)?;
    }
    Ok(ledger.finish())
}
