//! Dzud early warning, stocking against carrying capacity, winter fodder plans (pure).
//!
//! Issue 6's core, as a library the CLI, app and server call:
//! - [`data`]: the embedded tables (derived by `data/derive.py` from NSO, WFP PRISM and the
//!   `mongolia-dzud-drought` repository, credited in `data/SOURCES.md`) in one [`Dataset`];
//! - [`import`]: parsers for yearly updates (CSV/TSV and NSO JSON) with row/column errors;
//! - [`units`]: exact sheep units (tenths of an SU);
//! - [`stocking`]: sheep units and goat share per aimag and soum against a configurable
//!   carrying capacity, with the regulator's over-capacity list;
//! - [`model`]: the transparent dzud risk model (autumn outlook and winter update), its hindcast
//!   and out-of-sample skill (see `docs/dzud-model-card.md`);
//! - [`plan`]: winter fodder contingency plans and their text messages ([`sms`]).
//!
//! Pure: no file, network, clock or environment access; everything is compiled in or passed in.

pub mod data;
pub mod import;
pub mod model;
pub mod plan;
pub mod sms;
pub mod stocking;
pub mod units;

pub use data::Dataset;
pub use model::{
    HindcastRow, Inputs, Mode, Model, ModelError, Prediction, SkillReport, hindcast, skill,
};
pub use plan::{Plan, PlanConfig, PlanError, plan_for_household, plan_for_soum};
pub use stocking::{CapacityConfig, StockingReport, stocking};
pub use units::{Herd, SheepUnits, Species};
