//! Applying profile events to the ledger, one at a time, atomically per event: every check
//! reads first, and only an event that passes them all writes to the batch's overlay.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

mod steps;

use super::{
    BatchError, Containment, Effects, LotState, LotView, LotWrite, Rejection, TotalsWrite, Touch,
};
use crate::balance::Config;
use crate::lot::Ident;
use crate::plausibility::{Census, HouseholdSeason, SoumSeason};
use crate::profile::{Profiled, Step};
use crate::shares::Composition;
use steps::Made;

type Result<T, E> = std::result::Result<T, BatchError<E>>;

struct Slot {
    previous: Option<LotState>,
    current: Option<LotState>,
    /// Written by this batch (and listed in the order).
    written: bool,
}

struct Totals<T> {
    previous: Option<T>,
    current: Option<T>,
    written: bool,
}

/// The running totals of `k`, loaded through `load` the first time and remembered (with the
/// loaded value as `previous`, for compare-and-set writes).
fn cached_totals<T: Clone, E>(
    map: &mut HashMap<(String, String), Totals<T>>,
    k: &(String, String),
    load: impl FnOnce() -> std::result::Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    if let Some(t) = map.get(k) {
        return Ok(t.current.clone());
    }
    let t = load().map_err(BatchError::View)?;
    map.insert(
        k.clone(),
        Totals {
            previous: t.clone(),
            current: t.clone(),
            written: false,
        },
    );
    Ok(t)
}

/// The ledger of one batch: the caller's view plus the batch's own changes.
pub struct Ledger<'a, V: LotView> {
    view: &'a V,
    config: &'a Config,
    census: Option<&'a dyn Census>,
    lots: HashMap<String, Slot>,
    lot_order: Vec<String>,
    compositions: HashMap<String, Option<Arc<Composition>>>,
    households: HashMap<(String, String), Totals<HouseholdSeason>>,
    household_order: Vec<(String, String)>,
    soums: HashMap<(String, String), Totals<SoumSeason>>,
    soum_order: Vec<(String, String)>,
    garments: HashSet<String>,
    effects: Effects,
}

impl<'a, V: LotView> Ledger<'a, V> {
    pub fn new(view: &'a V, config: &'a Config, census: Option<&'a dyn Census>) -> Ledger<'a, V> {
        Ledger {
            view,
            config,
            census,
            lots: HashMap::new(),
            lot_order: Vec::new(),
            compositions: HashMap::new(),
            households: HashMap::new(),
            household_order: Vec::new(),
            soums: HashMap::new(),
            soum_order: Vec::new(),
            garments: HashSet::new(),
            effects: Effects::default(),
        }
    }

    /// Applies one event. On `Err` nothing of this event is kept, so a caller may skip it and
    /// go on (capture mode "proceed").
    pub fn apply(&mut self, ev: &Profiled) -> Result<(), V::Error> {
        match &ev.step {
            Step::Combing(c) => self.combing(ev, c),
            Step::FibreIntake(f) => self.intake(ev, f),
            Step::Delivery(d) => {
                self.touch(ev, d.lots.iter().map(|l| &l.lot));
                Ok(())
            }
            Step::LabTest(t) => {
                self.touch(ev, t.lots.iter().map(|(l, _)| l));
                Ok(())
            }
            Step::Transform(t) => self.transform(ev, &t.inputs, Made::Lots(&t.outputs, t.declared)),
            Step::Knitting(k) => {
                self.transform(ev, &k.inputs, Made::Garments(&k.garments, k.garment_g))
            }
            Step::Transfer(t) => self.transfer(ev, t),
            Step::Packing(p) => {
                self.effects.containment.push(Containment {
                    event: ev.event_id.clone(),
                    parent: p.parent.key.clone(),
                    children: p.children.iter().map(|c| c.key.clone()).collect(),
                });
                Ok(())
            }
        }
    }

    /// Everything the batch changed.
    pub fn finish(mut self) -> Effects {
        let mut lots = self.lots;
        self.effects.lots = self
            .lot_order
            .iter()
            .filter_map(|k| lots.remove(k))
            .filter_map(|s| {
                s.current.map(|state| LotWrite {
                    state,
                    previous: s.previous,
                })
            })
            .collect();
        self.effects.households = totals(self.household_order, self.households);
        self.effects.soums = totals(self.soum_order, self.soums);
        self.effects
    }

    /// Effects so far (for inspection between events).
    pub fn effects(&self) -> &Effects {
        &self.effects
    }

    // ---- reads (cached; they change nothing logically) ----

    fn lot(&mut self, key: &str) -> Result<Option<LotState>, V::Error> {
        if let Some(s) = self.lots.get(key) {
            return Ok(s.current.clone());
        }
        let st = self.view.lot(key).map_err(BatchError::View)?;
        self.lots.insert(
            key.to_owned(),
            Slot {
                previous: st.clone(),
                current: st.clone(),
                written: false,
            },
        );
        Ok(st)
    }

    fn composition(&mut self, reference: &str) -> Result<Option<Arc<Composition>>, V::Error> {
        if let Some(c) = self.compositions.get(reference) {
            return Ok(c.clone());
        }
        let c = self.view.composition(reference).map_err(BatchError::View)?;
        self.compositions.insert(reference.to_owned(), c.clone());
        Ok(c)
    }

    fn household(&mut self, k: &(String, String)) -> Result<Option<HouseholdSeason>, V::Error> {
        let view = &self.view;
        cached_totals(&mut self.households, k, || {
            view.household_season(&k.0, &k.1)
        })
    }

    fn soum(&mut self, k: &(String, String)) -> Result<Option<SoumSeason>, V::Error> {
        let view = &self.view;
        cached_totals(&mut self.soums, k, || view.soum_season(&k.0, &k.1))
    }

    /// Rejects creating a lot that exists.
    fn ensure_new(&mut self, ev: &Profiled, key: &str) -> Result<(), V::Error> {
        match self.lot(key)? {
            Some(st) => Err(BatchError::Rejected(Rejection::LotExists {
                index: ev.index,
                event: ev.event_id.clone(),
                lot: key.to_owned(),
                created_by: st.created_by_event,
            })),
            None => Ok(()),
        }
    }

    // ---- writes (only after every check of the event passed) ----

    fn write_lot(&mut self, state: LotState) {
        let key = state.lot.clone();
        let slot = self.lots.entry(key.clone()).or_insert(Slot {
            previous: None,
            current: None,
            written: false,
        });
        slot.current = Some(state);
        if !slot.written {
            slot.written = true;
            self.lot_order.push(key);
        }
    }

    fn add_composition(&mut self, reference: String, c: Composition) {
        let c = Arc::new(c);
        self.compositions
            .insert(reference.clone(), Some(Arc::clone(&c)));
        self.effects.compositions.push((reference, c));
    }

    fn touch<'i>(&mut self, ev: &Profiled, ids: impl Iterator<Item = &'i Ident>) {
        for id in ids {
            self.effects.touches.push(Touch {
                node: id.key.clone(),
                event: ev.event_id.clone(),
                process: ev.process,
            });
        }
    }

    /// The composition key of what an event creates: its eventID, or (for an event without
    /// one) the key of the first thing it makes.
    fn reference(ev: &Profiled, first: &str) -> String {
        if ev.event_id.is_empty() {
            first.to_owned()
        } else {
            ev.event_id.clone()
        }
    }

    fn set_household(&mut self, k: (String, String), v: HouseholdSeason) {
        let t = self.households.entry(k.clone()).or_insert(Totals {
            previous: None,
            current: None,
            written: false,
        });
        t.current = Some(v);
        if !t.written {
            t.written = true;
            self.household_order.push(k);
        }
    }

    fn set_soum(&mut self, k: (String, String), v: SoumSeason) {
        let t = self.soums.entry(k.clone()).or_insert(Totals {
            previous: None,
            current: None,
            written: false,
        });
        t.current = Some(v);
        if !t.written {
            t.written = true;
            self.soum_order.push(k);
        }
    }
}

fn totals<T>(
    order: Vec<(String, String)>,
    mut map: HashMap<(String, String), Totals<T>>,
) -> Vec<TotalsWrite<T>> {
    order
        .into_iter()
        .filter_map(|k| map.remove(&k))
        .filter_map(|t| {
            t.current.map(|after| TotalsWrite {
                after,
                previous: t.previous,
            })
        })
        .collect()
}
