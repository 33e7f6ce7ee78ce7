//! Reading profile fields with violations that name the field as the document spelled it.

use epcis::cbv::Vocab as Cbv;
use epcis::error::Location;
use epcis::{Action, Event, EventType, Extensions, QuantityElement, Violation};
use serde_json::Value;

use crate::lot::{Ident, LotQty};
use crate::quantity::{DecimalError, kg_to_grams};
use crate::vocab::{Vocab, scalar_text};

/// Escapes a member name for a JSON-Pointer-like path (`/` → `~1`, `~` → `~0`).
pub(crate) fn pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Where a profile field was found.
pub(crate) struct Found<'e> {
    pub path: String,
    pub value: &'e Value,
}

pub(crate) struct Reader<'e> {
    pub event: &'e Event,
    pub vocab: Vocab<'e>,
    index: usize,
    pub violations: Vec<Violation>,
    /// What the event claims to be, for messages (`combing`).
    pub what: String,
}

impl<'e> Reader<'e> {
    pub fn new(index: usize, event: &'e Event, vocab: Vocab<'e>) -> Reader<'e> {
        Reader {
            event,
            vocab,
            index,
            violations: Vec::new(),
            what: "a profile event".to_owned(),
        }
    }

    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.violations.push(Violation {
            location: Location {
                event_index: Some(self.index),
                event_id: self.event.event_id.clone(),
                field: Some(field.into()),
                ..Location::default()
            },
            message: message.into(),
        });
    }

    /// The path a missing field would have in ILMD (`/ilmd/cm:household`).
    pub fn ilmd_path(&self, local: &str) -> String {
        format!("/ilmd/{}", pointer(&self.vocab.name(local)))
    }

    /// A `cm` field, looked up in ILMD first, then among the event's top-level members: the
    /// profile puts master data of what an event creates in ILMD and everything else at the
    /// top level, and readers accept either place.
    pub fn field(&self, local: &str) -> Option<Found<'e>> {
        let in_map = |map: &'e Extensions, base: &str| {
            self.vocab.find(map, local).map(|(k, value)| Found {
                path: format!("{base}/{}", pointer(k)),
                value,
            })
        };
        self.event
            .ilmd
            .as_ref()
            .and_then(|m| in_map(m, "/ilmd"))
            .or_else(|| in_map(&self.event.extensions, ""))
    }

    /// A required scalar field; a violation naming it when absent or not a single value.
    pub fn required_text(&mut self, local: &str, meaning: &str) -> Option<(String, String)> {
        match self.field(local) {
            Some(f) => match scalar_text(f.value) {
                Some(t) if !t.is_empty() => Some((f.path, t)),
                _ => {
                    let name = self.vocab.name(local);
                    self.fail(
                        f.path,
                        format!("{name} must be a single non-empty value ({meaning})"),
                    );
                    None
                }
            },
            None => {
                let (path, name, what) = (
                    self.ilmd_path(local),
                    self.vocab.name(local),
                    self.what.clone(),
                );
                self.fail(path, format!("{what} requires {name} ({meaning})"));
                None
            }
        }
    }

    /// An optional scalar field; a violation when present but not a single value.
    pub fn optional_text(&mut self, local: &str) -> Option<(String, String)> {
        let f = self.field(local)?;
        match scalar_text(f.value) {
            Some(t) => Some((f.path, t)),
            None => {
                let name = self.vocab.name(local);
                self.fail(f.path, format!("{name} must be a single value"));
                None
            }
        }
    }

    pub fn expect_type(&mut self, allowed: &[EventType]) {
        if !allowed.contains(&self.event.event_type) {
            let names: Vec<&str> = allowed.iter().map(EventType::as_str).collect();
            let msg = format!(
                "{} must be a {}, not a {}",
                self.what,
                names.join(" or "),
                self.event.event_type
            );
            self.fail("/type", msg);
        }
    }

    pub fn expect_action(&mut self, action: Action) {
        if self.event.action != Some(action) {
            let had = self.event.action.map(Action::as_str).unwrap_or("none");
            let msg = format!(
                "{} must have action {}, not {had}",
                self.what,
                action.as_str()
            );
            self.fail("/action", msg);
        }
    }

    /// Checks the bizStep against the allowed bare CBV terms; returns the term found.
    pub fn expect_biz_step(&mut self, allowed: &[&'static str]) -> Option<&'static str> {
        let given = self.event.biz_step.as_deref();
        let term = given.and_then(|b| Cbv::BizStep.term_of(b));
        match term {
            Some(t) if allowed.contains(&t) => Some(t),
            _ => {
                let msg = format!(
                    "{} must have bizStep {}, not {}",
                    self.what,
                    allowed.join(" or "),
                    given.unwrap_or("none")
                );
                self.fail("/bizStep", msg);
                None
            }
        }
    }

    /// Requires an `owning_party` entry in both the source and the destination list.
    pub fn expect_owning_parties(&mut self) {
        let is_owner = |t: &str| Cbv::SourceDestType.term_of(t) == Some("owning_party");
        let src = self
            .event
            .source_list
            .iter()
            .flatten()
            .any(|s| is_owner(&s.kind));
        let dst = self
            .event
            .destination_list
            .iter()
            .flatten()
            .any(|d| is_owner(&d.kind));
        if !src {
            let msg = format!(
                "{} requires a sourceList entry of type owning_party",
                self.what
            );
            self.fail("/sourceList", msg);
        }
        if !dst {
            let msg = format!(
                "{} requires a destinationList entry of type owning_party",
                self.what
            );
            self.fail("/destinationList", msg);
        }
    }

    /// The quantity elements of a list, in grams. `min` is how many entries the step needs;
    /// `needs_quantity` whether each must carry a quantity (lab samples need not).
    pub fn quantities(
        &mut self,
        list: Option<&'e [QuantityElement]>,
        name: &str,
        min: usize,
        needs_quantity: bool,
    ) -> Vec<(Ident, Option<u64>)> {
        let items = list.unwrap_or(&[]);
        if items.len() < min {
            let msg = if min == 1 {
                format!("{} requires {name} with at least one lot (kg)", self.what)
            } else {
                format!("{} requires at least {min} entries in {name}", self.what)
            };
            self.fail(format!("/{name}"), msg);
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, q) in items.iter().enumerate() {
            let base = format!("/{name}/{i}");
            if q.epc_class.trim().is_empty() {
                self.fail(format!("{base}/epcClass"), "the lot identifier is empty");
                continue;
            }
            let grams = match (&q.quantity, needs_quantity) {
                (None, false) => None,
                (None, true) => {
                    let msg = format!("{} needs the quantity of {} in kg", self.what, q.epc_class);
                    self.fail(format!("{base}/quantity"), msg);
                    continue;
                }
                (Some(n), _) => match kg_to_grams(&Value::Number(n.clone())) {
                    Ok(g) => Some(g),
                    Err(e) => {
                        let msg = match e {
                            DecimalError::Negative(_) => format!("quantity {n} is negative"),
                            e => e.to_string(),
                        };
                        self.fail(format!("{base}/quantity"), msg);
                        continue;
                    }
                },
            };
            if grams.is_some() && q.uom.as_deref().map(str::trim) != Some("KGM") {
                let msg = format!(
                    "the profile keeps fibre in kilograms: uom must be KGM, not {}",
                    q.uom.as_deref().unwrap_or("none (a count)")
                );
                self.fail(format!("{base}/uom"), msg);
                continue;
            }
            out.push((Ident::new(&q.epc_class), grams));
        }
        out
    }

    /// [`Self::quantities`] where every entry carries a mass.
    pub fn masses(
        &mut self,
        list: Option<&'e [QuantityElement]>,
        name: &str,
        min: usize,
    ) -> Vec<LotQty> {
        self.quantities(list, name, min, true)
            .into_iter()
            .filter_map(|(lot, g)| g.map(|grams| LotQty { lot, grams }))
            .collect()
    }

    /// The identifiers of an EPC list.
    pub fn epcs(&mut self, list: Option<&'e [String]>, name: &str, min: usize) -> Vec<Ident> {
        let items = list.unwrap_or(&[]);
        if items.len() < min {
            let msg = format!("{} requires {name} with at least one identifier", self.what);
            self.fail(format!("/{name}"), msg);
        }
        items.iter().map(|e| Ident::new(e)).collect()
    }
}
