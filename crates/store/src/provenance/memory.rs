//! The provenance ledger in memory, for stores without SQL (the app's `MemoryStore`).

use std::collections::HashMap;

use ::provenance::ledger::{BatchError, Garment, Ledger, LotState};
use ::provenance::trace::{Edge, Graph, MemoryGraph};
use ::provenance::{Composition, Finding, Prefetched};

use super::{MongoliaCensus, Relation, ledger_config, rejection_reason};
use crate::{CaptureMode, NewEvent, Result, StoreError};

/// Lots, compositions, garments, graph and findings held in memory.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    view: Prefetched,
    graph: MemoryGraph,
    findings: Vec<Finding>,
}

impl MemoryLedger {
    pub fn new() -> MemoryLedger {
        MemoryLedger::default()
    }

    /// Runs the events of a batch that are not `skip`ped through the ledger, as the SQL stores
    /// do in their capturing transaction. Atomic: a profile violation or a rejection fails the
    /// batch and changes nothing. Proceed: such an event is left out; its reason is returned
    /// under its batch index.
    pub fn capture(
        &mut self,
        events: &[NewEvent],
        skip: &[bool],
        mode: CaptureMode,
    ) -> Result<HashMap<usize, String>> {
        let mut left_out = HashMap::new();
        let mut steps = Vec::new();
        for (i, e) in events.iter().enumerate() {
            // A declaration is not a step: the event it declares was applied already.
            if skip.get(i).copied().unwrap_or(false) || e.event.error_declaration.is_some() {
                continue;
            }
            let read = if e.event.event_id.is_some() {
                crate::prepare::read_profile(i, &e.event, &e.namespaces)
            } else {
                let mut ev = e.event.clone();
                ev.event_id = Some(e.hash_id.clone());
                crate::prepare::read_profile(i, &ev, &e.namespaces)
            };
            match read {
                Ok(Some(step)) => steps.push(step),
                Ok(None) => {}
                Err(violations) if mode == CaptureMode::Atomic => {
                    return Err(StoreError::Profile {
                        index: i,
                        violations,
                    });
                }
                Err(violations) => {
                    let text: Vec<String> = violations.iter().map(|v| v.message.clone()).collect();
                    left_out.insert(
                        i,
                        format!(
                            "the event does not follow the cashmere profile: {}",
                            text.join("; ")
                        ),
                    );
                }
            }
        }
        let census = MongoliaCensus;
        let mut ledger = Ledger::new(&self.view, ledger_config(), Some(&census));
        for step in &steps {
            match ledger.apply(step) {
                Ok(()) => {}
                Err(BatchError::Rejected(r)) if mode == CaptureMode::Proceed => {
                    left_out.insert(step.index, rejection_reason(&r));
                }
                Err(BatchError::Rejected(r)) => return Err(StoreError::Provenance(Box::new(r))),
                Err(BatchError::View(never)) => match never {},
            }
        }
        let effects = ledger.finish();
        self.view.absorb(&effects);
        self.graph.absorb(&effects);
        self.findings.extend(effects.findings.iter().cloned());
        Ok(left_out)
    }

    pub fn lot(&self, key: &str) -> Option<LotState> {
        self.view.lots.get(key).cloned()
    }

    pub fn composition(&self, reference: &str) -> Option<Composition> {
        self.view
            .compositions
            .get(reference)
            .map(|c| c.as_ref().clone())
    }

    pub fn garment(&self, key: &str) -> Option<Garment> {
        self.view.garments.get(key).cloned()
    }

    pub fn findings_for(&self, subjects: &[String]) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| subjects.contains(&f.subject))
            .cloned()
            .collect()
    }

    pub fn edges(&self, rel: Relation, nodes: &[String]) -> Vec<Edge> {
        let r = match rel {
            Relation::InputsOf => self.graph.inputs_of(nodes),
            Relation::OutputsOf => self.graph.outputs_of(nodes),
            Relation::ChildrenOf => self.graph.children_of(nodes),
            Relation::ParentsOf => self.graph.parents_of(nodes),
        };
        match r {
            Ok(e) => e,
            Err(never) => match never {},
        }
    }

    pub fn node_events(&self, nodes: &[String]) -> Vec<(String, String)> {
        match self.graph.events_of(nodes) {
            Ok(e) => e,
            Err(never) => match never {},
        }
    }
}
