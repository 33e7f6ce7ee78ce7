//! Property tests: mass conservation over random chains, exact shares, mixing and splitting,
//! over-consumption, decimal rounding and the composition codec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;

use provenance::ledger::{BatchError, Ledger};
use provenance::lot::{Ident, LotQty};
use provenance::profile::{Combing, Knitting, Profiled, Step, Transform};
use provenance::shares::{Entry, ProvenanceReport, SCALE};
use provenance::{Claim, Colour, Composition, Config, Prefetched, Process, Rejection, Source};

fn combing(i: usize, grams: u64) -> Profiled {
    Profiled {
        index: i,
        event_id: format!("C{i}"),
        process: Process::Combing,
        step: Step::Combing(Combing {
            lot: LotQty::new(&format!("https://coop.example.mn/lot/{i}"), grams),
            household: format!("https://id.nooluur.org/household/{}", i % 7),
            soum: format!("1{:02}01", 10 + i % 5),
            goats: 1_000,
            colour: Colour::ALL[i % Colour::ALL.len()],
            season: "2024".into(),
        }),
    }
}

/// One random step: which lots (by position among the lots made so far), how much of each
/// (per mille of what is left; above 1000 asks for more than there is), and which process.
#[derive(Debug, Clone)]
struct Op {
    picks: Vec<(usize, u32)>,
    process: u8,
}

fn op() -> impl Strategy<Value = Op> {
    (
        prop::collection::vec((any::<usize>(), 1u32..1_100), 1..5),
        0u8..4,
    )
        .prop_map(|(picks, process)| Op { picks, process })
}

struct Model {
    lots: Vec<String>,
    quantity: HashMap<String, u64>,
    consumed: HashMap<String, u64>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn mass_is_conserved_along_random_chains(
        sources in prop::collection::vec(1u64..50_000, 2..12),
        ops in prop::collection::vec(op(), 1..25),
    ) {
        let view = Prefetched::default();
        let config = Config::default();
        let mut ledger = Ledger::new(&view, &config, None);
        let mut m = Model { lots: Vec::new(), quantity: HashMap::new(), consumed: HashMap::new() };
        for (i, g) in sources.iter().enumerate() {
            let p = combing(i, *g);
            ledger.apply(&p).unwrap();
            let key = format!("https://coop.example.mn/lot/{i}");
            m.lots.push(key.clone());
            m.quantity.insert(key, *g);
        }
        let mut garments = 0usize;
        for (n, o) in ops.iter().enumerate() {
            let index = sources.len() + n;
            let mut inputs: Vec<(String, u64)> = Vec::new();
            for (pick, per_mille) in &o.picks {
                let key = m.lots[pick % m.lots.len()].clone();
                if inputs.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                let left = m.quantity[&key] - m.consumed.get(&key).copied().unwrap_or(0);
                let ask = (left * u64::from(*per_mille)) / 1000 + u64::from(*per_mille > 1000);
                inputs.push((key, ask));
            }
            let total: u64 = inputs.iter().map(|(_, g)| g).sum();
            let over = inputs.iter().find(|(k, g)| {
                *g > m.quantity[k] - m.consumed.get(k).copied().unwrap_or(0)
            }).cloned();
            let (process, out_g) = match o.process {
                0 => (Process::Pooling, total),
                1 => (Process::Dehairing, total / 2),
                2 => (Process::Spinning, total * 9 / 10),
                _ => (Process::Knitting, total),
            };
            let ins: Vec<LotQty> = inputs.iter().map(|(k, g)| LotQty::new(k, *g)).collect();
            let out_key = format!("https://mill.example.mn/lot/{index}");
            let step = if process == Process::Knitting {
                let count = 1 + (total % 5) as usize;
                let list = (0..count).map(|j| Ident::new(&format!("https://brand.example.com/g/{}", garments + j))).collect();
                Step::Knitting(Knitting { inputs: ins, garments: list, garment_g: out_g / count as u64 })
            } else {
                Step::Transform(Transform { inputs: ins, outputs: vec![LotQty::new(&out_key, out_g)], declared: None })
            };
            let p = Profiled { index, event_id: format!("T{index}"), process, step };
            match (ledger.apply(&p), over) {
                (Ok(()), None) => {
                    for (k, g) in &inputs {
                        *m.consumed.entry(k.clone()).or_insert(0) += g;
                    }
                    if process == Process::Knitting {
                        garments += 1 + (total % 5) as usize;
                    } else {
                        m.lots.push(out_key.clone());
                        m.quantity.insert(out_key, out_g);
                    }
                }
                (Err(BatchError::Rejected(Rejection::OverConsumption { lot, available_g, asked_g, index: at, .. })), Some((k, g))) => {
                    // The first lot found short is named, with what it had and what was asked.
                    prop_assert_eq!(at, index);
                    prop_assert_eq!(&lot, &k);
                    prop_assert_eq!(asked_g, g);
                    prop_assert_eq!(available_g, m.quantity[&k] - m.consumed.get(&k).copied().unwrap_or(0));
                }
                (r, over) => prop_assert!(false, "unexpected {:?} (over: {:?})", r.err(), over),
            }
        }
        let effects = ledger.finish();
        let created: u64 = effects.lots.iter().map(|w| w.state.quantity_g).sum();
        let consumed: u64 = effects.lots.iter().map(|w| w.state.consumed_g).sum();
        prop_assert!(consumed <= created);
        for w in &effects.lots {
            prop_assert!(w.state.consumed_g <= w.state.quantity_g);
            prop_assert_eq!(w.state.consumed_g, m.consumed.get(&w.state.lot).copied().unwrap_or(0));
        }
        let garment_g: u64 = effects.garments.iter().map(|g| g.mass_g).sum();
        let source_g: u64 = sources.iter().sum();
        prop_assert!(garment_g <= source_g);
        for (_, c) in &effects.compositions {
            let sum: u128 = c.entries().iter().map(|e| e.weight).sum();
            prop_assert_eq!(sum, SCALE);
            prop_assert!(c.entries().iter().all(|e| e.source.lot.starts_with("https://coop.example.mn/lot/")));
            let r = ProvenanceReport::build("x", 1, c, &[]);
            let total: f64 = r.sources.iter().map(|s| s.share).sum();
            prop_assert!((total - 1.0).abs() < 1e-12);
        }
    }
}

fn source(i: usize) -> Source {
    Source {
        lot: format!("lot-{i}"),
        // Some sources lack a household, a soum or a colour (fibre from outside the herds).
        household: (!i.is_multiple_of(17)).then(|| format!("h-{}", i % 13)),
        soum: (!i.is_multiple_of(19)).then(|| format!("1{:02}{:02}", 10 + i % 70, i % 30)),
        colour: (!i.is_multiple_of(23)).then(|| Colour::ALL[i % 5]),
        claim: if i.is_multiple_of(11) {
            Claim::Wool
        } else {
            Claim::MongolianCashmere
        },
    }
}

/// A random composition: a mix of random sources with random masses.
fn composition() -> impl Strategy<Value = Composition> {
    prop::collection::vec((0usize..400, 1u64..1_000_000_000), 1..40).prop_map(|parts| {
        let singles: Vec<Composition> = parts
            .iter()
            .map(|(i, _)| Composition::single(source(*i)))
            .collect();
        let refs: Vec<(u64, &Composition)> = parts
            .iter()
            .zip(&singles)
            .map(|((_, g), c)| (*g, c))
            .collect();
        Composition::mix(&refs).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn splitting_a_lot_commutes_with_mixing(
        a in composition(),
        b in composition(),
        parts in prop::collection::vec(1u64..10_000_000, 1..6),
        b_g in 0u64..10_000_000,
    ) {
        // A lot split into parts (each part inherits a's composition through a one-input step)
        // and the parts mixed with b give what mixing the whole of a with b gives.
        let pieces: Vec<Composition> = parts.iter().map(|g| Composition::mix(&[(*g, &a)]).unwrap()).collect();
        for p in &pieces {
            prop_assert_eq!(p, &a);
        }
        let mut split: Vec<(u64, &Composition)> = parts.iter().zip(&pieces).map(|(g, c)| (*g, c)).collect();
        split.push((b_g, &b));
        let whole = Composition::mix(&[(parts.iter().sum(), &a), (b_g, &b)]).unwrap();
        let mixed = Composition::mix(&split).unwrap();
        prop_assert_eq!(mixed.weights(), whole.weights());
    }

    #[test]
    fn mixes_sum_exactly_and_keep_claim_mass(a in composition(), b in composition(), ga in 1u64..1_000_000, gb in 1u64..1_000_000) {
        let m = Composition::mix(&[(ga, &a), (gb, &b)]).unwrap();
        let sum: u128 = m.entries().iter().map(|e| e.weight).sum();
        prop_assert_eq!(sum, SCALE);
        // The wool share is the mass-weighted mean of the inputs' wool shares, to 1e-18 per entry.
        let exact = (u128::from(ga) * a.claim_weight(Claim::Wool) + u128::from(gb) * b.claim_weight(Claim::Wool))
            / u128::from(ga + gb);
        let got = m.claim_weight(Claim::Wool);
        prop_assert!(got.abs_diff(exact) <= m.len() as u128);
    }

    #[test]
    fn report_tallies_are_the_composition_tallies(c in composition()) {
        // The report aggregates in one pass; it must agree with the general tally, order included.
        let r = ProvenanceReport::build("x", 1, &c, &[]);
        let expect = |key: &dyn Fn(&Source) -> Option<String>| -> Vec<(Option<String>, f64)> {
            c.tally(key).into_iter().map(|(k, w)| (k, provenance::shares::share(w))).collect()
        };
        let got = |t: &[provenance::shares::Tally]| -> Vec<(Option<String>, f64)> {
            t.iter().map(|x| (x.key.map(str::to_owned), x.share)).collect()
        };
        prop_assert_eq!(got(&r.by_household), expect(&|s| s.household.clone()));
        prop_assert_eq!(got(&r.by_soum), expect(&|s| s.soum.clone()));
        prop_assert_eq!(got(&r.by_aimag), expect(&|s| s.aimag().map(str::to_owned)));
        prop_assert_eq!(got(&r.by_colour), expect(&|s| s.colour.map(|c| c.as_str().to_owned())));
        prop_assert_eq!(got(&r.by_claim), expect(&|s| Some(s.claim.as_str().to_owned())));
    }

    #[test]
    fn compositions_round_trip(c in composition()) {
        prop_assert_eq!(Composition::from_bytes(&c.to_bytes()).unwrap(), c.clone());
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<Composition>(&json).unwrap(), c);
    }

    #[test]
    fn entries_that_do_not_sum_are_refused(c in composition(), delta in 1u128..1_000) {
        let mut entries: Vec<Entry> = c.entries().to_vec();
        entries[0].weight += delta;
        prop_assert!(Composition::from_entries(entries, Vec::new()).is_err());
        let e = Entry { source: Arc::new(source(0)), weight: SCALE };
        prop_assert!(Composition::from_entries(vec![e], Vec::new()).is_ok());
    }

    #[test]
    fn kilograms_round_half_to_even(milli in 0u64..10_000_000_000, tail in 0u32..100_000, width in 1usize..6) {
        // `milli.tail` grams written as kg: 1234 g + 0.5 → "1.2345".
        let tail_s = format!("{tail:0width$}", width = width);
        let tail_s = &tail_s[tail_s.len() - width..];
        let text = format!("{}.{:03}{}", milli / 1000, milli % 1000, tail_s);
        let half = 5 * 10u64.pow(width as u32 - 1);
        let t: u64 = tail_s.parse().unwrap();
        let want = if t > half || (t == half && milli % 2 == 1) { milli + 1 } else { milli };
        prop_assert_eq!(provenance::quantity::scaled(&text, 3).unwrap(), want);
        prop_assert_eq!(provenance::quantity::scaled(&provenance::quantity::format_kg(milli), 3).unwrap(), milli);
    }

    #[test]
    fn json_numbers_are_read_as_written(milli in 0u64..100_000_000_000) {
        // Up to 15 significant digits a JSON number's decimal survives the trip through f64.
        let text = provenance::quantity::format_kg(milli);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(provenance::quantity::kg_to_grams(&v).unwrap(), milli);
    }
}

proptest! {
    #[test]
    fn over_consumption_names_the_lot(q in 1u64..1_000_000, a in 0u64..1_000_000, b in 1u64..1_000_000) {
        let view = Prefetched::default();
        let config = Config::default();
        let mut l = Ledger::new(&view, &config, None);
        l.apply(&combing(0, q)).unwrap();
        let lot = "https://coop.example.mn/lot/0";
        let take = |i: usize, g: u64| Profiled {
            index: i,
            event_id: format!("S{i}"),
            process: Process::Sorting,
            step: Step::Transform(Transform {
                inputs: vec![LotQty::new(lot, g)],
                outputs: vec![LotQty::new(&format!("out-{i}"), g)],
                declared: None,
            }),
        };
        let first = l.apply(&take(1, a));
        prop_assert_eq!(first.is_ok(), a <= q);
        let had = if a <= q { q - a } else { q };
        match l.apply(&take(2, b)) {
            Ok(()) => prop_assert!(b <= had),
            Err(BatchError::Rejected(Rejection::OverConsumption { lot: named, available_g, asked_g, quantity_g, .. })) => {
                prop_assert!(b > had);
                prop_assert_eq!(named.as_str(), lot);
                prop_assert_eq!((available_g, asked_g, quantity_g), (had, b, q));
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}
