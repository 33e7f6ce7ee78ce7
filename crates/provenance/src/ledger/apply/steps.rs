//! The steps: each reads and checks everything first, then writes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::super::{BatchError, Consumption, Garment, Lineage, LotState, LotView, Rejection, Use};
use super::{Ledger, Result};
use crate::balance::{self, BandAction};
use crate::finding::{Finding, FindingKind};
use crate::lot::{Ident, LotQty};
use crate::plausibility::{self, HouseholdSeason, SoumSeason};
use crate::profile::{Combing, FibreIntake, Profiled, Side, Transfer};
use crate::quantity::kg_number;
use crate::shares::{Composition, Source};
use crate::terms::{Claim, Process, Stage};

/// What a transformation makes.
pub(super) enum Made<'s> {
    Lots(&'s [LotQty], Option<Claim>),
    Garments(&'s [Ident], u64),
}

/// An input of a transformation, read.
struct Input {
    key: String,
    grams: u64,
    state: Option<LotState>,
    composition: Arc<Composition>,
}

/// Entries with the same lot merged (a lot listed twice is taken twice), in first order.
fn merge(list: &[LotQty]) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = Vec::with_capacity(list.len());
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(list.len());
    for q in list {
        match at.get(q.lot.key.as_str()) {
            Some(&i) => out[i].2 = out[i].2.saturating_add(q.grams),
            None => {
                at.insert(&q.lot.key, out.len());
                out.push((q.lot.key.clone(), q.lot.written.clone(), q.grams));
            }
        }
    }
    out
}

/// The composition of fibre from a lot the ledger does not know.
fn unknown_source(written: &str) -> Composition {
    Composition::single(Source {
        lot: written.to_owned(),
        household: None,
        soum: None,
        colour: None,
        claim: Claim::Unknown,
    })
}

fn unknown_origin(lot: &str, event: &str, grams: u64, why: &str) -> Finding {
    Finding::new(
        FindingKind::UnknownOrigin,
        lot,
        event,
        "every lot a step uses must have been created in the ledger by a profile event",
    )
    .with("lot", lot)
    .with("grams", grams)
    .with("kg", kg_number(grams))
    .with("reason", why)
}

fn output_stage(process: Process, stages: &[Stage]) -> Stage {
    match process {
        Process::Scouring => Stage::Scoured,
        Process::Dehairing => Stage::Dehaired,
        Process::Spinning => Stage::Yarn,
        Process::Knitting => Stage::Garment,
        _ => match stages.split_first() {
            Some((first, rest)) if rest.iter().all(|s| s == first) => *first,
            Some(_) => Stage::Mixed,
            None => Stage::Unknown,
        },
    }
}

fn new_lot(q: &LotQty, ev: &Profiled, stage: Stage, reference: &str) -> LotState {
    LotState {
        lot: q.lot.key.clone(),
        written: q.lot.written.clone(),
        quantity_g: q.grams,
        consumed_g: 0,
        shipped_g: 0,
        process: ev.process,
        stage,
        created_by_event: ev.event_id.clone(),
        composition_ref: reference.to_owned(),
    }
}

impl<V: LotView> Ledger<'_, V> {
    // ---- steps ----

    pub(super) fn combing(&mut self, ev: &Profiled, c: &Combing) -> Result<(), V::Error> {
        let key = &c.lot.lot.key;
        let grams = c.lot.grams;
        self.ensure_new(ev, key)?;
        let hk = (c.household.clone(), c.season.clone());
        let before = self.household(&hk)?;
        let old_goats = before.as_ref().map_or(0, |h| h.goats);
        let first_harvest = before.as_ref().is_none_or(|h| h.events == 0);
        let h_after = HouseholdSeason {
            household: c.household.clone(),
            season: c.season.clone(),
            grams: before.as_ref().map_or(0, |h| h.grams).saturating_add(grams),
            goats: old_goats.max(c.goats),
            events: before.as_ref().map_or(0, |h| h.events) + 1,
        };
        let sk = (c.soum.clone(), c.season.clone());
        let s_before = self.soum(&sk)?;
        let s_after = SoumSeason {
            soum: c.soum.clone(),
            season: c.season.clone(),
            grams: s_before
                .as_ref()
                .map_or(0, |s| s.grams)
                .saturating_add(grams),
            goats: s_before.as_ref().map_or(0, |s| s.goats) + (h_after.goats - old_goats),
            households: s_before.as_ref().map_or(0, |s| s.households) + u64::from(first_harvest),
        };
        let event = ev.event_id.as_str();
        let mut findings: Vec<Finding> = Vec::new();
        findings.extend(plausibility::household_harvest(
            self.config,
            &h_after,
            key,
            event,
        ));
        findings.extend(plausibility::soum_rules(
            self.config,
            &s_after,
            self.census,
            key,
            event,
        ));
        let mut comp = Composition::single(Source {
            lot: c.lot.lot.written.clone(),
            household: Some(c.household.clone()),
            soum: Some(c.soum.clone()),
            colour: Some(c.colour),
            claim: Claim::MongolianCashmere,
        });
        for f in &findings {
            comp.add_finding(f.clone());
        }
        let reference = Self::reference(ev, key);
        self.write_lot(new_lot(&c.lot, ev, Stage::Raw, &reference));
        self.set_household(hk, h_after);
        self.set_soum(sk, s_after);
        self.add_composition(reference, comp);
        self.effects.findings.extend(findings);
        Ok(())
    }

    pub(super) fn intake(&mut self, ev: &Profiled, f: &FibreIntake) -> Result<(), V::Error> {
        let key = &f.lot.lot.key;
        self.ensure_new(ev, key)?;
        let comp = Composition::single(Source {
            lot: f.lot.lot.written.clone(),
            household: None,
            soum: None,
            colour: None,
            claim: f.claim,
        });
        let reference = Self::reference(ev, key);
        self.write_lot(new_lot(&f.lot, ev, Stage::Unknown, &reference));
        self.add_composition(reference, comp);
        Ok(())
    }

    pub(super) fn transform(
        &mut self,
        ev: &Profiled,
        inputs: &[LotQty],
        made: Made,
    ) -> Result<(), V::Error> {
        let event = ev.event_id.as_str();
        let mut findings = Vec::new();
        let mut ins: Vec<Input> = Vec::with_capacity(inputs.len());
        for (key, written, grams) in merge(inputs) {
            let (state, composition) = match self.lot(&key)? {
                Some(st) => {
                    if grams > st.remaining_g() {
                        return Err(BatchError::Rejected(Rejection::OverConsumption {
                            index: ev.index,
                            event: event.to_owned(),
                            lot: key,
                            quantity_g: st.quantity_g,
                            consumed_g: st.consumed_g,
                            available_g: st.remaining_g(),
                            asked_g: grams,
                        }));
                    }
                    let comp = match self.composition(&st.composition_ref)? {
                        Some(c) => c,
                        None => {
                            let why = "the lot's composition is missing";
                            findings.push(unknown_origin(&key, event, grams, why));
                            Arc::new(unknown_source(&written))
                        }
                    };
                    (Some(st), comp)
                }
                None => {
                    let why = "the ledger has no such lot";
                    findings.push(unknown_origin(&key, event, grams, why));
                    (None, Arc::new(unknown_source(&written)))
                }
            };
            ins.push(Input {
                key,
                grams,
                state,
                composition,
            });
        }
        let too_much = |what: &str| {
            BatchError::Rejected(Rejection::Mix {
                index: ev.index,
                event: event.to_owned(),
                message: format!("the {what} mass is too large to weigh"),
            })
        };
        let in_g = ins
            .iter()
            .try_fold(0u64, |a, i| a.checked_add(i.grams))
            .ok_or_else(|| too_much("input"))?;

        let outputs: Vec<(String, String, u64)>;
        let out_g: u64;
        match &made {
            Made::Lots(list, _) => {
                outputs = merge(list);
                for (key, _, _) in &outputs {
                    self.ensure_new(ev, key)?;
                }
                out_g = outputs
                    .iter()
                    .try_fold(0u64, |a, o| a.checked_add(o.2))
                    .ok_or_else(|| too_much("output"))?;
            }
            Made::Garments(list, garment_g) => {
                let mut seen = HashSet::with_capacity(list.len());
                for g in list.iter() {
                    if self.garments.contains(&g.key) || !seen.insert(g.key.as_str()) {
                        return Err(BatchError::Rejected(Rejection::GarmentRepeated {
                            index: ev.index,
                            event: event.to_owned(),
                            garment: g.key.clone(),
                        }));
                    }
                }
                outputs = list
                    .iter()
                    .map(|g| (g.key.clone(), g.written.clone(), *garment_g))
                    .collect();
                out_g = (list.len() as u64)
                    .checked_mul(*garment_g)
                    .ok_or_else(|| too_much("output"))?;
            }
        }
        let subject = outputs.first().map_or("", |o| o.0.as_str()).to_owned();

        let stages: Vec<Stage> = ins
            .iter()
            .map(|i| i.state.as_ref().map_or(Stage::Unknown, |s| s.stage))
            .collect();
        if let Err(breach) = balance::check(self.config, ev.process, &stages, in_g, out_g) {
            match breach.band.band.action {
                BandAction::Reject => {
                    return Err(BatchError::Rejected(Rejection::MassBalance {
                        index: ev.index,
                        event: event.to_owned(),
                        breach,
                    }));
                }
                BandAction::Flag => {
                    let mut f =
                        Finding::new(FindingKind::MassBalance, &subject, event, breach.describe());
                    f.evidence = breach.evidence();
                    findings.push(f);
                }
            }
        }

        // One input and nothing new found: the output's composition is the input's, so the
        // lots point at the input's stored composition instead of a copy. Dehairing,
        // spinning, dyeing and knitting mostly take one lot, and copies of compositions of
        // thousands of households were nine tenths of the store and of capture's memory.
        let single = match ins.as_slice() {
            [only] => only
                .state
                .as_ref()
                .map(|st| (st.composition_ref.clone(), Arc::clone(&only.composition))),
            _ => None,
        };
        let comp: Arc<Composition> = match &single {
            Some((_, c)) => Arc::clone(c),
            None => {
                let parts: Vec<(u64, &Composition)> =
                    ins.iter().map(|i| (i.grams, &*i.composition)).collect();
                Arc::new(Composition::mix(&parts).map_err(|e| {
                    BatchError::Rejected(Rejection::Mix {
                        index: ev.index,
                        event: event.to_owned(),
                        message: e.to_string(),
                    })
                })?)
            }
        };
        let declared = match made {
            Made::Lots(_, d) => d,
            Made::Garments(..) => None,
        };
        let input_comps: Vec<&Composition> = ins.iter().map(|i| &*i.composition).collect();
        findings.extend(plausibility::blend_rules(
            &input_comps,
            &comp,
            declared,
            &subject,
            event,
        ));
        drop(input_comps);
        let (reference, new_comp) = match single {
            Some((inherited, _)) if findings.is_empty() => (inherited, None),
            _ => {
                let mut comp = Arc::unwrap_or_clone(comp);
                for f in &findings {
                    comp.add_finding(f.clone());
                }
                (Self::reference(ev, &subject), Some(comp))
            }
        };

        // Every check passed: write.
        for i in &ins {
            if let Some(st) = &i.state {
                let mut st = st.clone();
                st.consumed_g += i.grams;
                self.write_lot(st);
            }
            self.effects.journal.push(Consumption {
                event_index: ev.index,
                event: event.to_owned(),
                lot: i.key.clone(),
                grams: i.grams,
                kind: Use::Consumed,
            });
        }
        let stage = output_stage(ev.process, &stages);
        match made {
            Made::Lots(..) => {
                for (key, written, grams) in &outputs {
                    let q = LotQty {
                        lot: Ident {
                            key: key.clone(),
                            written: written.clone(),
                        },
                        grams: *grams,
                    };
                    self.write_lot(new_lot(&q, ev, stage, &reference));
                }
            }
            Made::Garments(_, garment_g) => {
                for (key, written, _) in &outputs {
                    self.garments.insert(key.clone());
                    self.effects.garments.push(Garment {
                        epc: key.clone(),
                        written: written.clone(),
                        mass_g: garment_g,
                        composition_ref: reference.clone(),
                        event: event.to_owned(),
                    });
                }
            }
        }
        self.effects.lineage.push(Lineage {
            event: event.to_owned(),
            process: ev.process,
            inputs: ins.iter().map(|i| (i.key.clone(), i.grams)).collect(),
            outputs: outputs.into_iter().map(|o| o.0).collect(),
        });
        if let Some(comp) = new_comp {
            self.add_composition(reference, comp);
        }
        self.effects.findings.extend(findings);
        Ok(())
    }

    pub(super) fn transfer(&mut self, ev: &Profiled, t: &Transfer) -> Result<(), V::Error> {
        let event = ev.event_id.as_str();
        let mut updates = Vec::new();
        let mut findings = Vec::new();
        if t.side == Side::Shipping {
            for (key, _, grams) in merge(&t.lots) {
                match self.lot(&key)? {
                    Some(st) => {
                        let available = st.quantity_g.saturating_sub(st.shipped_g);
                        if grams > available {
                            return Err(BatchError::Rejected(Rejection::OverShipping {
                                index: ev.index,
                                event: event.to_owned(),
                                lot: key,
                                quantity_g: st.quantity_g,
                                shipped_g: st.shipped_g,
                                available_g: available,
                                asked_g: grams,
                            }));
                        }
                        updates.push((st, grams));
                    }
                    None => {
                        let why = "the ledger has no such lot";
                        findings.push(unknown_origin(&key, event, grams, why));
                    }
                }
            }
        }
        for (mut st, grams) in updates {
            st.shipped_g += grams;
            self.effects.journal.push(Consumption {
                event_index: ev.index,
                event: event.to_owned(),
                lot: st.lot.clone(),
                grams,
                kind: Use::Shipped,
            });
            self.write_lot(st);
        }
        self.touch(ev, t.lots.iter().map(|l| &l.lot).chain(t.epcs.iter()));
        self.effects.findings.extend(findings);
        Ok(())
    }
}
