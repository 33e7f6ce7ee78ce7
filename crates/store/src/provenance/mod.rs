//! The provenance ledger's storage: what the capturing transaction reads for the ledger
//! (`provenance::lots_needed` → a [`Prefetched`] view), how a batch is run through it
//! (all or nothing, or event by event in Proceed mode), and how its [`Effects`] are written.
//! The rows to write and the read SQL are built once (`rows.rs`, `sql.rs`); `sqlite.rs` and
//! `postgres.rs` run them the way their dialect does best; [`MemoryLedger`] keeps the same state
//! in memory for stores without SQL.
//!
//! Correctness under concurrency rests on the writers being serialised: SQLite has one
//! writer connection (`BEGIN IMMEDIATE`), PostgreSQL writers queue on the `seq_counter` row
//! lock before they read the ledger (and lock the lot rows they read `FOR UPDATE`), so every
//! batch sees the lots as the previous batch left them.

mod memory;
pub(crate) mod postgres;
mod rows;
mod sql;
pub(crate) mod sqlite;

pub use memory::MemoryLedger;

use std::collections::HashMap;
use std::sync::OnceLock;

use ::provenance::ledger::{BatchError, Effects, Garment, Ledger, LotState, Needs};
use ::provenance::{Census, Config, Prefetched, Process, Rejection, Stage};

use crate::prepare::Prepared;
use crate::{CaptureMode, InsertReport, Result, StoreError};

/// Which edges of the event graph to follow (see `provenance::trace::Graph`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Transformation edges into the nodes (their inputs).
    InputsOf,
    /// Transformation edges out of the nodes (their outputs).
    OutputsOf,
    /// Containment edges into the nodes (what was packed into them).
    ChildrenOf,
    /// Containment edges out of the nodes (what they were packed into).
    ParentsOf,
}

/// Census goats per soum from the NSO figures of the `mongolia` crate (2019 estimate, one
/// census for every season).
#[derive(Debug, Clone, Copy, Default)]
pub struct MongoliaCensus;

impl Census for MongoliaCensus {
    fn goats(&self, soum: &str, _season: &str) -> Option<u64> {
        mongolia::soum_by_str(soum)
            .ok()
            .map(mongolia::goats_estimate)
    }
}

/// The ledger configuration of the store: the profile's defaults (bands, tolerance, per-goat
/// ceiling).
pub fn ledger_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::default)
}

/// A rejection's reason without the event prefix (`event N (id): `), for callers that name the
/// event themselves.
pub fn rejection_reason(r: &Rejection) -> String {
    let text = r.to_string();
    match text.split_once("): ") {
        Some((head, rest)) if head.starts_with("event ") => rest.to_owned(),
        _ => text,
    }
}

/// What the ledger reads for the batch, or `None` when no event claims the profile (the
/// ledger is not run). Profile violations are dealt with first, as `check_profiles` does.
pub(crate) fn ledger_needs(
    prepared: &[Prepared],
    keep: &mut [bool],
    mode: CaptureMode,
    report: &mut InsertReport,
) -> Result<Option<Needs>> {
    if !prepared
        .iter()
        .any(|p| p.profile.is_some() || !p.profile_violations.is_empty())
    {
        return Ok(None);
    }
    check_profiles(prepared, keep, mode, report)?;
    Ok(Some(needs(prepared, keep)))
}

/// Profile events of the kept rows: in Atomic mode the first violation fails the batch; in
/// Proceed mode the event is left out and reported.
fn check_profiles(
    prepared: &[Prepared],
    keep: &mut [bool],
    mode: CaptureMode,
    report: &mut InsertReport,
) -> Result<()> {
    for (i, p) in prepared.iter().enumerate() {
        if !keep[i] || p.profile_violations.is_empty() {
            continue;
        }
        if mode == CaptureMode::Atomic {
            return Err(StoreError::Profile {
                index: i,
                violations: p.profile_violations.clone(),
            });
        }
        keep[i] = false;
        let text: Vec<String> = p
            .profile_violations
            .iter()
            .map(|v| match &v.location.field {
                Some(f) => format!("{f}: {}", v.message),
                None => v.message.clone(),
            })
            .collect();
        report.rejected.push((
            i,
            format!(
                "the event does not follow the cashmere profile: {}",
                text.join("; ")
            ),
        ));
    }
    Ok(())
}

/// What the kept profile events of a batch read.
fn needs(prepared: &[Prepared], keep: &[bool]) -> Needs {
    let mut all = Needs::default();
    for (p, _) in prepared.iter().zip(keep).filter(|(_, k)| **k) {
        if let Some(step) = &p.profile {
            let n = ::provenance::lots_needed(std::slice::from_ref(step));
            all.lots.extend(n.lots);
            all.compositions_of.extend(n.compositions_of);
            all.households.extend(n.households);
            all.soums.extend(n.soums);
        }
    }
    all
}

/// Runs the kept profile events through the ledger over `view`. Atomic: the first rejection
/// fails the batch. Proceed: a rejected event is left out (and reported), the others go on.
pub(crate) fn apply(
    prepared: &[Prepared],
    keep: &mut [bool],
    mode: CaptureMode,
    view: &Prefetched,
    report: &mut InsertReport,
) -> Result<Effects> {
    let census = MongoliaCensus;
    let mut ledger = Ledger::new(view, ledger_config(), Some(&census));
    for (i, p) in prepared.iter().enumerate() {
        let Some(step) = p.profile.as_ref().filter(|_| keep[i]) else {
            continue;
        };
        match ledger.apply(step) {
            Ok(()) => {}
            Err(BatchError::Rejected(r)) if mode == CaptureMode::Proceed => {
                keep[i] = false;
                report.rejected.push((i, rejection_reason(&r)));
            }
            Err(BatchError::Rejected(r)) => return Err(StoreError::Provenance(Box::new(r))),
            Err(BatchError::View(never)) => match never {},
        }
    }
    Ok(ledger.finish())
}

/// Sequence number of each stored event, by eventID.
pub(crate) fn seqs<'a>(rows: &[(i64, &'a Prepared)]) -> HashMap<&'a str, i64> {
    rows.iter()
        .map(|(s, p)| (p.event_id.as_str(), *s))
        .collect()
}

pub(crate) fn seq_of(seqs: &HashMap<&str, i64>, event: &str) -> i64 {
    seqs.get(event).copied().unwrap_or(0)
}

/// The lot references whose compositions the ledger reads, once each, in order.
pub(crate) fn composition_refs<'v>(needs: &Needs, view: &'v Prefetched) -> Vec<&'v str> {
    let refs: std::collections::BTreeSet<&str> = needs
        .compositions_of
        .iter()
        .filter_map(|k| view.lots.get(k))
        .map(|l| l.composition_ref.as_str())
        .collect();
    refs.into_iter().collect()
}

/// The columns of a lot row, decoded.
#[allow(clippy::too_many_arguments)]
pub(crate) fn lot_state(
    lot: String,
    written: String,
    quantity_g: i64,
    consumed_g: i64,
    shipped_g: i64,
    process: &str,
    stage: &str,
    created_by: String,
    composition_ref: String,
) -> Result<LotState> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("lot {lot}: {what} '{v}'"));
    Ok(LotState {
        process: Process::parse(process).ok_or_else(|| corrupt("process", process))?,
        stage: Stage::parse(stage).ok_or_else(|| corrupt("stage", stage))?,
        quantity_g: grams(quantity_g)?,
        consumed_g: grams(consumed_g)?,
        shipped_g: grams(shipped_g)?,
        lot,
        written,
        created_by_event: created_by,
        composition_ref,
    })
}

pub(crate) fn garment(
    epc: String,
    written: String,
    mass_g: i64,
    composition_ref: String,
    event: String,
) -> Result<Garment> {
    Ok(Garment {
        epc,
        written,
        mass_g: grams(mass_g)?,
        composition_ref,
        event,
    })
}

pub(crate) fn grams(v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative mass {v} g")))
}

/// Grams as a database integer (masses beyond i64 are not real).
pub(crate) fn db_grams(g: u64) -> i64 {
    i64::try_from(g).unwrap_or(i64::MAX)
}

pub(crate) fn composition(reference: &str, bytes: &[u8]) -> Result<::provenance::Composition> {
    ::provenance::Composition::from_bytes(bytes)
        .map_err(|e| StoreError::Corrupt(format!("composition {reference}: {e}")))
}

pub(crate) fn finding(body: &str) -> Result<::provenance::Finding> {
    crate::common::json("finding", body)
}

/// Edges from (event, from, to) rows.
pub(crate) fn edges(
    rel: Relation,
    rows: Vec<(String, String, String)>,
) -> Vec<::provenance::trace::Edge> {
    use ::provenance::trace::{Edge, EdgeKind};
    let kind = match rel {
        Relation::InputsOf | Relation::OutputsOf => EdgeKind::Transformation,
        Relation::ChildrenOf | Relation::ParentsOf => EdgeKind::Containment,
    };
    rows.into_iter()
        .map(|(event, from, to)| Edge {
            event,
            from,
            to,
            kind,
        })
        .collect()
}
