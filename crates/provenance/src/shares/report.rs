//! The provenance report of a lot or garment (`GET /provenance/{id}`), rendered from its
//! stored composition without walking the graph.

use serde::Serialize;

use ahash::AHashMap;

use super::{Composition, Source, share};
use crate::finding::Finding;
use crate::quantity::kg_number;
use crate::terms::{Claim, Colour, aimag_of};

/// How the shares are computed, for the reader of the report.
pub const RULE: &str = "mass-weighted mixture: every transformation's outputs inherit its inputs' \
compositions in proportion to the grams taken from each; shares are exact to 1e-18 and sum to 1";

/// One source lot and its share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceShare<'c> {
    pub lot: &'c str,
    pub household: Option<&'c str>,
    pub soum: Option<&'c str>,
    pub aimag: Option<&'c str>,
    pub colour: Option<Colour>,
    pub claim: Claim,
    pub share: f64,
}

/// A share of the mass by one key; `key` is serialised under the aggregation's name
/// (`{"soum": "18101", "share": 0.5}`), `null` for fibre without that attribute (an outside
/// lot has no soum).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally<'c> {
    pub name: &'static str,
    pub key: Option<&'c str>,
    pub share: f64,
}

impl Serialize for Tally<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry(self.name, &self.key)?;
        m.serialize_entry("share", &self.share)?;
        m.end()
    }
}

/// The answer of `GET /provenance/{id}`. It borrows from the composition it renders, so that
/// rendering a garment of 5,000 sources copies no strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvenanceReport<'c> {
    pub subject: String,
    pub mass_kg: f64,
    /// Largest share first (ties by lot).
    pub sources: Vec<SourceShare<'c>>,
    pub by_household: Vec<Tally<'c>>,
    pub by_soum: Vec<Tally<'c>>,
    pub by_aimag: Vec<Tally<'c>>,
    pub by_colour: Vec<Tally<'c>>,
    pub by_claim: Vec<Tally<'c>>,
    /// Findings upstream of the subject (carried by its composition) and on it.
    pub findings: Vec<Finding>,
    pub rule: &'static str,
}

impl<'c> ProvenanceReport<'c> {
    /// Renders the report of `subject` (as the caller names it), of `mass_g` grams, from its
    /// composition, adding `findings` the caller holds on the subject itself (raised after the
    /// composition was stored). O(n log n) in the sources.
    pub fn build(
        subject: &str,
        mass_g: u64,
        composition: &'c Composition,
        findings: &[Finding],
    ) -> ProvenanceReport<'c> {
        let mut entries: Vec<&'c super::Entry> = composition.entries().iter().collect();
        entries.sort_unstable_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then_with(|| a.source.lot.cmp(&b.source.lot))
        });
        let sources = entries
            .into_iter()
            .map(|e| {
                let s = &e.source;
                SourceShare {
                    lot: &s.lot,
                    household: s.household.as_deref(),
                    soum: s.soum.as_deref(),
                    aimag: s.aimag(),
                    colour: s.colour,
                    claim: s.claim,
                    share: share(e.weight),
                }
            })
            .collect();
        let t = Tallies::of(composition);
        let rows = |name: &'static str, rows: Vec<(Option<&'c str>, u128)>| {
            rows.into_iter()
                .map(|(key, w)| Tally {
                    name,
                    key,
                    share: share(w),
                })
                .collect::<Vec<_>>()
        };
        let mut all_findings = composition.findings().to_vec();
        for f in findings {
            if !all_findings.iter().any(|g| g.key() == f.key()) {
                all_findings.push(f.clone());
            }
        }
        ProvenanceReport {
            subject: subject.to_owned(),
            mass_kg: kg_number(mass_g),
            sources,
            by_household: rows("household", t.household),
            by_soum: rows("soum", t.soum),
            by_aimag: rows("aimag", t.aimag),
            by_colour: rows("colour", t.colour),
            by_claim: rows("claim", t.claim),
            findings: all_findings,
            rule: RULE,
        }
    }
}

/// The five aggregations of a report, in one pass over the entries (each pass over a
/// 12,000-source composition touches 12,000 scattered sources). Each list is ordered as
/// [`Composition::tally`] orders it: largest weight first, ties by key.
struct Tallies<'c> {
    household: Vec<(Option<&'c str>, u128)>,
    soum: Vec<(Option<&'c str>, u128)>,
    aimag: Vec<(Option<&'c str>, u128)>,
    colour: Vec<(Option<&'c str>, u128)>,
    claim: Vec<(Option<&'c str>, u128)>,
}

impl<'c> Tallies<'c> {
    fn of(composition: &'c Composition) -> Tallies<'c> {
        let n = composition.len().min(1 << 16);
        let mut household: AHashMap<Option<&'c str>, u128> = AHashMap::with_capacity(n);
        let mut soum: AHashMap<Option<&'c str>, u128> = AHashMap::with_capacity(n.min(1 << 10));
        // Colours and claims are a handful of values: a linear scan beats hashing.
        let mut colour: Vec<(Option<&'c str>, u128)> = Vec::new();
        let mut claim: Vec<(Option<&'c str>, u128)> = Vec::new();
        fn add<'k>(rows: &mut Vec<(Option<&'k str>, u128)>, key: Option<&'k str>, w: u128) {
            match rows.iter_mut().find(|(k, _)| *k == key) {
                Some((_, sum)) => *sum += w,
                None => rows.push((key, w)),
            }
        }
        for e in composition.entries() {
            let s: &'c Source = &e.source;
            *household.entry(s.household.as_deref()).or_insert(0) += e.weight;
            *soum.entry(s.soum.as_deref()).or_insert(0) += e.weight;
            add(&mut colour, s.colour.map(Colour::as_str), e.weight);
            add(&mut claim, Some(s.claim.as_str()), e.weight);
        }
        let mut aimag: Vec<(Option<&'c str>, u128)> = Vec::new();
        for (k, w) in &soum {
            add(&mut aimag, k.and_then(aimag_of), *w);
        }
        Tallies {
            household: ordered(household.into_iter().collect()),
            soum: ordered(soum.into_iter().collect()),
            aimag: ordered(aimag),
            colour: ordered(colour),
            claim: ordered(claim),
        }
    }
}

fn ordered(mut rows: Vec<(Option<&str>, u128)>) -> Vec<(Option<&str>, u128)> {
    rows.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}
