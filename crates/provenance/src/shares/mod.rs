//! Provenance shares: the mass-fraction composition of a lot by source lot, and the mixing
//! rule that propagates it through transformations.
//!
//! # Arithmetic
//!
//! A composition is a list of source entries with integer weights out of [`SCALE`] = 10¹⁸;
//! the weights of every composition sum to exactly `SCALE`, so shares sum to exactly 1.
//!
//! Mixing inputs `i` with `g_i` grams taken from each: the numerator of source `j` is
//! `Σ_i g_i × w_ij`, computed exactly in `u128`; as `Σ_j w_ij = SCALE` for every input, the
//! numerators sum to `G × SCALE` (`G = Σ g_i`), so the new weight is `numerator / G`. The only
//! rounding is that one division, and it is apportioned by largest remainder (Hamilton), so
//! the weights still sum to exactly `SCALE`: every share is within 10⁻¹⁸ of the exact rational
//! and the total is exact. Consequences the property tests check:
//! - a single-input step (scouring, dehairing, spinning without blend…) keeps the input's
//!   weights bit for bit;
//! - splitting a lot into parts and mixing the parts gives bit for bit what mixing the lot
//!   would have given (`Σ parts g × w = (Σ parts g) × w`).
//!
//! Exact rationals were rejected: the denominator of a share grows with the product of the
//! input masses at every multi-input step, without bound.
//!
//! # Cost
//!
//! Mixing is O(total entries of the inputs) (one hash map; remainders distributed with a
//! linear-time selection); rendering is O(n log n) for sorting by share. A composition is
//! computed once, when the lot is created, and stored by the caller
//! ([`Composition::to_bytes`], or serde JSON).

mod codec;
mod report;

pub use codec::CodecError;
pub use report::{ProvenanceReport, SourceShare, Tally};

use std::collections::HashMap;
use std::collections::hash_map::Entry::{Occupied, Vacant};

use ahash::{AHashMap, AHashSet};
use std::hash::Hash;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::terms::{Claim, Colour, aimag_of};

/// The sum of the weights of every composition: 10¹⁸.
pub const SCALE: u128 = 1_000_000_000_000_000_000;

/// Where fibre came from: a lot created by a combing or fibre-intake event (or a lot the
/// ledger never saw created, with claim `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// The lot as its creating event wrote it (`epcClass` of the combing event's quantity).
    pub lot: String,
    pub household: Option<String>,
    /// 5-digit NSO soum code.
    pub soum: Option<String>,
    pub colour: Option<Colour>,
    pub claim: Claim,
}

impl Source {
    /// The aimag code of the soum (soum code digits 2–3).
    pub fn aimag(&self) -> Option<&str> {
        self.soum.as_deref().and_then(aimag_of)
    }
}

/// One source and its weight out of [`SCALE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub source: Arc<Source>,
    pub weight: u128,
}

/// Why a mix could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MixError {
    #[error("nothing to mix")]
    Empty,
    #[error("{0} g is more mass than one mix can weigh exactly")]
    TooMuchMass(u128),
}

/// The composition of a lot: source entries with weights summing to [`SCALE`], and the
/// findings raised anywhere upstream (they travel with the fibre, so that a garment's report
/// shows them without walking the graph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    entries: Vec<Entry>,
    findings: Vec<Finding>,
}

impl Composition {
    /// 100 % one source.
    pub fn single(source: Source) -> Composition {
        Composition {
            entries: vec![Entry {
                source: Arc::new(source),
                weight: SCALE,
            }],
            findings: Vec::new(),
        }
    }

    /// Builds a composition from entries whose weights must sum to [`SCALE`], with distinct
    /// source lots and no zero weight.
    pub fn from_entries(
        entries: Vec<Entry>,
        findings: Vec<Finding>,
    ) -> Result<Composition, CodecError> {
        codec::validate(&entries)?;
        Ok(Composition { entries, findings })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Findings raised upstream of (and on) this lot.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Adds a finding (once: findings are identified by kind, subject and event).
    pub fn add_finding(&mut self, f: Finding) {
        if !self.findings.iter().any(|g| g.key() == f.key()) {
            self.findings.push(f);
        }
    }

    /// The mass-weighted mixture of `parts` (grams taken, composition of that input).
    /// Zero-gram parts contribute nothing; if every part is zero grams, the parts count
    /// equally (a zero-mass output still has an origin).
    pub fn mix(parts: &[(u64, &Composition)]) -> Result<Composition, MixError> {
        if parts.is_empty() {
            return Err(MixError::Empty);
        }
        let all_zero = parts.iter().all(|(g, _)| *g == 0);
        let grams = |g: u64| if all_zero { 1 } else { u128::from(g) };
        let total: u128 = parts.iter().map(|(g, _)| grams(*g)).sum();
        if total > u128::MAX / SCALE {
            return Err(MixError::TooMuchMass(total));
        }
        let capacity = parts.iter().map(|(_, c)| c.entries.len()).sum();
        let mut index: AHashMap<&str, usize> = AHashMap::with_capacity(capacity);
        let mut acc: Vec<(Arc<Source>, u128)> = Vec::with_capacity(capacity);
        let mut findings: Vec<Finding> = Vec::new();
        let mut seen_findings = AHashSet::new();
        for (g, comp) in parts {
            let g = grams(*g);
            for f in &comp.findings {
                if seen_findings.insert((f.kind, f.subject.as_str(), f.event.as_str())) {
                    findings.push(f.clone());
                }
            }
            if g == 0 {
                continue;
            }
            for e in &comp.entries {
                // g × w ≤ total × SCALE, and so is every sum: no overflow (checked above).
                let add = g * e.weight;
                match index.entry(e.source.lot.as_str()) {
                    Occupied(o) => acc[*o.get()].1 += add,
                    Vacant(v) => {
                        v.insert(acc.len());
                        acc.push((Arc::clone(&e.source), add));
                    }
                }
            }
        }
        drop(index);
        let entries = apportion(acc, total);
        Ok(Composition { entries, findings })
    }

    /// Total weight of the sources whose `key` is equal, largest first (ties by key). Keys
    /// may borrow from the composition (`|s| s.soum.as_deref()`).
    pub fn tally<'c, K: Ord + Hash>(&'c self, key: impl Fn(&'c Source) -> K) -> Vec<(K, u128)> {
        let mut sums: AHashMap<K, u128> = AHashMap::with_capacity(self.entries.len().min(1 << 16));
        for e in &self.entries {
            *sums.entry(key(&e.source)).or_insert(0) += e.weight;
        }
        let mut out: Vec<(K, u128)> = sums.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The weight (out of [`SCALE`]) of fibre with this claim.
    pub fn claim_weight(&self, claim: Claim) -> u128 {
        self.entries
            .iter()
            .filter(|e| e.source.claim == claim)
            .map(|e| e.weight)
            .sum()
    }

    /// Whether all of the fibre has this claim.
    pub fn is_all(&self, claim: Claim) -> bool {
        !self.entries.is_empty() && self.entries.iter().all(|e| e.source.claim == claim)
    }

    /// The weights keyed by source lot, for order-insensitive comparison.
    pub fn weights(&self) -> HashMap<&str, u128> {
        self.entries
            .iter()
            .map(|e| (e.source.lot.as_str(), e.weight))
            .collect()
    }
}

/// A weight out of [`SCALE`] as a number (the nearest double to `weight / 10¹⁸`).
pub fn share(weight: u128) -> f64 {
    weight as f64 / SCALE as f64
}

/// `numerator_j / total` for every entry, rounded by largest remainder so that the weights sum
/// to exactly [`SCALE`] (the numerators sum to `total × SCALE`). Ties in remainder go to the
/// smaller source lot, so the result does not depend on the order of the inputs.
fn apportion(acc: Vec<(Arc<Source>, u128)>, total: u128) -> Vec<Entry> {
    let mut entries = Vec::with_capacity(acc.len());
    let mut remainders = Vec::with_capacity(acc.len());
    let mut sum: u128 = 0;
    for (source, num) in acc {
        let w = num / total;
        sum += w;
        remainders.push((num % total, entries.len()));
        entries.push(Entry { source, weight: w });
    }
    let deficit = SCALE.saturating_sub(sum) as usize;
    if deficit > 0 && deficit <= remainders.len() {
        let order = |a: &(u128, usize), b: &(u128, usize)| {
            b.0.cmp(&a.0)
                .then_with(|| entries[a.1].source.lot.cmp(&entries[b.1].source.lot))
        };
        if deficit < remainders.len() {
            remainders.select_nth_unstable_by(deficit - 1, order);
        }
        for &(_, i) in &remainders[..deficit] {
            entries[i].weight += 1;
        }
    }
    entries.retain(|e| e.weight > 0);
    entries
}

#[cfg(test)]
mod tests;
