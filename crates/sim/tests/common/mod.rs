//! An independent lot ledger that replays a simulated season event by event, in document
//! order, and checks what the profile promises: lots exist before they are used, no kilo is
//! consumed or shipped twice, each step's output stays in its yield band, garments and cases
//! are made, packed and shipped once, and the households and soums over the per-goat ceiling
//! are exactly the planted ones.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::{BTreeSet, HashMap};

use epcis::{Event, QuantityElement};
use sim::Manifest;

#[derive(Debug, Default)]
struct Lot {
    created: u64,
    consumed: u64,
    shipped: u64,
}

/// What the replay found, in grams.
#[derive(Debug, Default)]
pub struct Ledger {
    lots: HashMap<String, Lot>,
    garments: HashMap<String, bool>,      // packed?
    cases: HashMap<String, (bool, bool)>, // shipped, received
    shipped_lots: BTreeSet<String>,
    households: HashMap<String, (u64, u64, String)>, // goats, grams, soum
    pub events: u64,
    pub combed: u64,
    pub pooled: u64,
    pub scoured_in: u64,
    pub dehaired_out: u64,
    pub garment_mass: u64,
    pub garment_count: u64,
    pub knitted_order: Vec<String>,
    /// Raw grams by `cm:colour`.
    pub colours: HashMap<String, u64>,
}

fn grams(q: &QuantityElement) -> u64 {
    assert_eq!(q.uom.as_deref(), Some("KGM"), "{q:?}");
    let kg = q
        .quantity
        .as_ref()
        .and_then(|n| n.as_f64())
        .expect("quantity");
    let g = (kg * 1000.0).round();
    assert!((g / 1000.0 - kg).abs() < 1e-9, "more than 3 decimals: {kg}");
    assert!(g >= 0.0);
    g as u64
}

fn list(l: &Option<Vec<QuantityElement>>) -> Vec<(String, u64)> {
    l.iter()
        .flatten()
        .map(|q| (q.epc_class.clone(), grams(q)))
        .collect()
}

/// The only entry of a quantity list that must have exactly one.
fn one(l: &Option<Vec<QuantityElement>>) -> (String, u64) {
    let mut all = list(l);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

fn band(process: &str) -> (f64, f64) {
    match process {
        "pooling" => (1.0, 1.0),
        "scouring" => (0.55, 0.90),
        "dehairing" => (0.55, 0.85),
        "spinning" => (0.85, 1.00),
        "dyeing" => (0.95, 1.02),
        other => panic!("no band for {other}"),
    }
}

impl Ledger {
    fn create(&mut self, lot: &str, g: u64) {
        let prev = self.lots.insert(
            lot.to_owned(),
            Lot {
                created: g,
                ..Lot::default()
            },
        );
        assert!(prev.is_none(), "lot {lot} created twice");
    }

    fn consume(&mut self, lot: &str, g: u64) {
        let l = self
            .lots
            .get_mut(lot)
            .unwrap_or_else(|| panic!("lot {lot} consumed before it exists"));
        assert!(
            l.consumed + g <= l.created,
            "lot {lot} over-consumed: had {}, used {}, asked {g}",
            l.created,
            l.consumed
        );
        l.consumed += g;
    }

    fn exists(&self, lot: &str, g: u64) {
        let l = self
            .lots
            .get(lot)
            .unwrap_or_else(|| panic!("lot {lot} used before it exists"));
        assert!(g <= l.created, "{lot}: {g} g of {}", l.created);
    }

    /// Replays one event.
    pub fn event(&mut self, e: &Event) {
        self.events += 1;
        assert_eq!(
            e.extensions.get("cm:profile").and_then(|v| v.as_str()),
            Some("1")
        );
        assert!(e.event_id.is_none() && e.record_time.is_none());
        assert_eq!(e.event_time_zone_offset, "+08:00");
        assert!(e.event_time.ends_with("+08:00"), "{}", e.event_time);
        let process = e.extensions["cm:process"].as_str().unwrap().to_owned();
        let ilmd = |k: &str| e.ilmd.as_ref().and_then(|m| m.get(k)).cloned();
        match process.as_str() {
            "combing" => {
                let (lot, g) = one(&e.quantity_list);
                self.create(&lot, g);
                self.combed += g;
                let hh = ilmd("cm:household").unwrap().as_str().unwrap().to_owned();
                let soum = ilmd("cm:soum").unwrap().as_str().unwrap().to_owned();
                let goats = ilmd("cm:goatsCombed").unwrap().as_u64().unwrap();
                assert!(goats > 0);
                let colour = ilmd("cm:colour").unwrap().as_str().unwrap().to_owned();
                assert!(["white", "light-grey", "grey", "red", "brown"].contains(&colour.as_str()));
                *self.colours.entry(colour).or_default() += g;
                let h = self.households.entry(hh).or_insert((0, 0, soum.clone()));
                assert_eq!(h.2, soum);
                // Each pass declares the season's herd (the profile's rule).
                h.0 = h.0.max(goats);
                h.1 += g;
            }
            "fibre-intake" => {
                let (lot, g) = one(&e.quantity_list);
                assert!(ilmd("cm:fibre").is_some() && ilmd("cm:origin").is_some());
                self.create(&lot, g);
            }
            "delivery" | "lab-test" => {
                for (lot, g) in list(&e.quantity_list) {
                    self.exists(&lot, g);
                }
                if process == "lab-test" {
                    let mfd = e
                        .sensor_reports()
                        .find(|(_, r)| r.kind.as_deref() == Some("cm:MeanFibreDiameter"))
                        .and_then(|(_, r)| r.value.as_ref()?.as_f64())
                        .unwrap();
                    assert!((14.5..=17.0).contains(&mfd), "{mfd}");
                }
            }
            "pooling" | "scouring" | "dehairing" | "spinning" | "dyeing" => {
                let ins = list(&e.input_quantity_list);
                let outs = list(&e.output_quantity_list);
                let i: u64 = ins.iter().map(|(_, g)| g).sum();
                let o: u64 = outs.iter().map(|(_, g)| g).sum();
                for (lot, g) in &ins {
                    self.consume(lot, *g);
                }
                for (lot, g) in &outs {
                    self.create(lot, *g);
                }
                let (lo, hi) = band(&process);
                let r = o as f64 / i as f64;
                assert!(i > 0 && r >= lo && r <= hi, "{process}: {o} g of {i} g");
                match process.as_str() {
                    "pooling" => self.pooled += o,
                    "scouring" => self.scoured_in += i,
                    "dehairing" => self.dehaired_out += o,
                    _ => {}
                }
            }
            "knitting" => {
                let ins = list(&e.input_quantity_list);
                let consumed: u64 = ins.iter().map(|(_, g)| g).sum();
                for (lot, g) in &ins {
                    self.consume(lot, *g);
                }
                let mass = ilmd("cm:garmentMassKg").unwrap().as_f64().unwrap();
                let mass = (mass * 1000.0).round() as u64;
                let garments = e.output_epc_list.clone().unwrap();
                assert!(garments.len() as u64 * mass <= consumed);
                for g in garments {
                    assert!(epcis::id::classify(&g).is_ok(), "{g}");
                    assert!(
                        self.garments.insert(g.clone(), false).is_none(),
                        "{g} twice"
                    );
                    self.knitted_order.push(g);
                    self.garment_count += 1;
                    self.garment_mass += mass;
                }
            }
            "packing" => {
                let case = e.parent_id.clone().unwrap();
                assert!(epcis::id::classify(&case).is_ok(), "{case}");
                assert!(self.cases.insert(case, (false, false)).is_none());
                for g in e.child_epcs.iter().flatten() {
                    let packed = self.garments.get_mut(g).expect("packed before knitted");
                    assert!(!*packed, "{g} packed twice");
                    *packed = true;
                }
            }
            "sale" | "shipping" => {
                let receiving = match e.biz_step.as_deref() {
                    Some("shipping") => false,
                    Some("receiving") => true,
                    other => panic!("{other:?}"),
                };
                for (lot, g) in list(&e.quantity_list) {
                    if receiving {
                        assert!(self.shipped_lots.contains(&lot), "{lot} received unshipped");
                        continue;
                    }
                    let l = self.lots.get_mut(&lot).expect("shipped before it exists");
                    assert!(l.shipped + g <= l.created, "{lot} shipped twice");
                    l.shipped += g;
                    self.shipped_lots.insert(lot);
                }
                for c in e.epc_list.iter().flatten() {
                    let case = self.cases.get_mut(c).expect("case shipped before packed");
                    if receiving {
                        assert!(case.0 && !case.1);
                        case.1 = true;
                    } else {
                        assert!(!case.0, "{c} shipped twice");
                        case.0 = true;
                    }
                }
            }
            other => panic!("unexpected cm:process {other}"),
        }
    }

    /// Checks the end state against the manifest.
    pub fn finish(&self, m: &Manifest) {
        assert_eq!(self.events, m.events);
        assert_eq!(self.combed, m.mass_g.combed);
        assert_eq!(self.pooled, m.mass_g.pooled_out);
        // Pooling conserves every gram, and everything pooled is scoured.
        assert_eq!(self.pooled, self.combed);
        assert_eq!(self.scoured_in, self.combed);
        assert_eq!(self.dehaired_out, m.mass_g.dehaired_out);
        if self.combed > 0 {
            let r = self.dehaired_out as f64 / self.combed as f64;
            assert!((0.40..=0.65).contains(&r), "dehaired {r} of raw");
        }
        assert_eq!(self.garment_mass, m.mass_g.garments);
        assert_eq!(self.knitted_order, m.garments);
        assert!(
            self.garments.values().all(|&p| p),
            "a garment was not packed"
        );
        assert!(
            self.cases.values().all(|&(s, r)| s && r),
            "a case was not shipped"
        );
        assert_eq!(self.cases.len(), m.cases.len());
        let mg = &m.mass_g;
        assert_eq!(
            mg.dehaired_out,
            mg.dehaired_exported + mg.spun_cashmere_in,
            "dehaired fibre is spun or exported"
        );
        assert_eq!(
            mg.dyed_out + mg.yarn_out - mg.dyed_in,
            mg.yarn_exported + mg.knitted_yarn_in + mg.yarn_left,
            "yarn is knitted, exported or left"
        );

        // Plausibility: exactly the planted households exceed goats × ceiling.
        let ceiling = m.season.knobs.ceiling_kg_per_goat;
        let over: BTreeSet<&str> = self
            .households
            .iter()
            .filter(|(_, (goats, g, _))| *g as f64 > *goats as f64 * ceiling * 1000.0)
            .map(|(h, _)| h.as_str())
            .collect();
        let planted: BTreeSet<&str> = m
            .planted_findings
            .iter()
            .map(|f| f.household.as_str())
            .collect();
        assert_eq!(over, planted);
        // Soums stay within their census goats (and, but for planted excess, the ceiling).
        let mut soums: HashMap<&str, (u64, u64)> = HashMap::new();
        for (goats, g, soum) in self.households.values() {
            let s = soums.entry(soum.as_str()).or_default();
            s.0 += goats;
            s.1 += g;
        }
        for (code, (goats, g)) in soums {
            let census = mongolia::goats_estimate(mongolia::soum_by_str(code).unwrap());
            assert!(goats <= census, "soum {code}: {goats} goats of {census}");
            assert!(g as f64 <= census as f64 * ceiling * 1000.0, "soum {code}");
        }
    }
}
