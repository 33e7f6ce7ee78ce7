//! Provenance of cashmere lots and garments (pure): the cashmere event profile, the lot ledger,
//! mass balance, provenance shares, plausibility findings and trace.
//!
//! The contract is `docs/cashmere-profile.md`. Everything here is pure: the caller (the
//! capture pipeline in `app`, with the store) reads profile events, loads what the ledger
//! needs, applies the batch and persists the [`ledger::Effects`]:
//!
//! ```text
//! profile::read(i, &event, &namespaces)  -> Option<Profiled>      (or violations)
//! ledger::lots_needed(&steps)            -> Needs                  (batch-load these)
//! ledger::apply_batch(&steps, &view, &config, census) -> Effects   (or Rejection)
//! shares::ProvenanceReport::build(subject, mass_g, &composition, &findings)
//! trace::trace(&graph, id, direction, limits)
//! ```
//!
//! Masses are integer grams; shares are exact integer weights out of 10¹⁸; no float takes
//! part in any decision.

pub mod balance;
pub mod finding;
pub mod ledger;
pub mod lot;
pub mod plausibility;
pub mod profile;
pub mod quantity;
pub mod shares;
pub mod terms;
pub mod trace;
pub mod vocab;

pub use balance::{Band, BandAction, Bands, Config};
pub use finding::{Finding, FindingKind};
pub use ledger::{
    BatchError, Effects, LotState, LotView, Needs, Prefetched, Rejection, apply_batch, lots_needed,
};
pub use lot::identity;
pub use plausibility::Census;
pub use profile::{Profiled, Step};
pub use shares::{Composition, ProvenanceReport, SCALE, Source};
pub use terms::{Claim, Colour, Fibre, Process, Stage};
pub use vocab::NS;
