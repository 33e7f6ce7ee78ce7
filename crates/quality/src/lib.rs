//! Quality control and certification of cashmere lots (pure).
//!
//! - [`LabResult`]: a lab's test of a lot (method, sample, diameter, variation, length,
//!   yield, colour, coarse hair, impurities, composition of blends, diameter histogram),
//!   checked against physical ranges and for internal consistency, and carried as the cashmere
//!   profile's `lab-test` EPCIS event ([`LabResult::to_event`], [`LabResult::from_event`]) so
//!   it travels with the lot's provenance.
//! - [`Scheme`]: a grading scheme as data — a versioned TOML file with its rules and its
//!   source. [`registry()`] holds the built-in ones (`crates/quality/schemes/`); an operator's
//!   file replaces a built-in of the same name ([`Registry::insert`]).
//! - [`grade()`]: any scheme applied to any [`Measurements`], with a [`Verdict`] explaining each
//!   rule. Comparisons are exact on thousandths ([`Milli`]).
//!
//! No I/O: callers read scheme files and pass their text.

pub mod decimal;
pub mod grade;
pub mod lab;
pub mod measure;
pub mod registry;
pub mod scheme;

pub use decimal::{DecimalError, Milli};
pub use grade::{RuleVerdict, TierVerdict, Verdict, evaluate, grade};
pub use lab::{Bin, Histogram, LabError, LabProblem, LabResult, Method, Tolerances, namespaces};
pub use measure::{Better, Composition, Measure, Measurements, Value, parse_colour};
pub use provenance::Colour;
pub use registry::{BUILTIN, Registry, SchemeSummary, UnknownScheme, registry};
pub use scheme::{Kind, Labels, Limit, Op, Rule, Scheme, SchemeError, SchemeProblem, Status, Tier};
