use std::collections::HashMap;

use super::*;
use crate::balance::BandAction;
use crate::finding::FindingKind;
use crate::lot::{Ident, LotQty};
use crate::profile::{Combing, FibreIntake, Knitting, Transfer, Transform};
use crate::shares::share;
use crate::terms::{Claim, Colour, Fibre};

fn p(index: usize, id: &str, process: Process, step: Step) -> Profiled {
    Profiled {
        index,
        event_id: id.into(),
        process,
        step,
    }
}

fn comb(index: usize, lot: &str, grams: u64, hh: &str, goats: u64) -> Profiled {
    p(
        index,
        &format!("E-{lot}"),
        Process::Combing,
        Step::Combing(Combing {
            lot: LotQty::new(lot, grams),
            household: format!("https://id.nooluur.org/household/{hh}"),
            soum: "18101".into(),
            goats,
            colour: Colour::White,
            season: "2024".into(),
        }),
    )
}

fn tr(
    index: usize,
    id: &str,
    process: Process,
    ins: &[(&str, u64)],
    outs: &[(&str, u64)],
) -> Profiled {
    p(
        index,
        id,
        process,
        Step::Transform(Transform {
            inputs: ins.iter().map(|(l, g)| LotQty::new(l, *g)).collect(),
            outputs: outs.iter().map(|(l, g)| LotQty::new(l, *g)).collect(),
            declared: None,
        }),
    )
}

fn apply(steps: &[Profiled], view: &Prefetched) -> Result<Effects, Rejection> {
    apply_batch(steps, view, &Config::default(), None).map_err(|e| match e {
        BatchError::Rejected(r) => r,
        BatchError::View(never) => match never {},
    })
}

fn lot<'e>(e: &'e Effects, key: &str) -> &'e LotState {
    &e.lots.iter().find(|w| w.state.lot == key).unwrap().state
}

#[test]
fn later_events_see_earlier_ones() {
    let steps = vec![
        comb(0, "L1", 10_000, "1", 40),
        comb(1, "L2", 5_000, "2", 20),
        tr(
            2,
            "P",
            Process::Pooling,
            &[("L1", 10_000), ("L2", 4_000)],
            &[("POOL", 14_000)],
        ),
    ];
    let e = apply(&steps, &Prefetched::default()).unwrap();
    assert_eq!(lot(&e, "L1").consumed_g, 10_000);
    assert_eq!(lot(&e, "L2").remaining_g(), 1_000);
    assert_eq!(lot(&e, "POOL").quantity_g, 14_000);
    assert_eq!(lot(&e, "POOL").stage, Stage::Raw);
    assert!(e.lots.iter().all(|w| w.previous.is_none()));
    let (r, c) = e.compositions.last().unwrap();
    assert_eq!(r, "P");
    assert_eq!(c.weights()["L1"], SCALE_5_7);
    assert_eq!(
        e.lineage[0].inputs,
        vec![("L1".into(), 10_000), ("L2".into(), 4_000)]
    );
    assert_eq!(e.journal.len(), 2);
    assert!(e.findings.is_empty());
}

const SCALE_5_7: u128 = 714_285_714_285_714_286;

#[test]
fn over_consumption_names_lot_had_and_asked() {
    let mut view = Prefetched::default();
    view.absorb(&apply(&[comb(0, "L1", 10_000, "1", 40)], &view).unwrap());
    // Partial consumption across batches is normal.
    let e = apply(
        &[tr(
            0,
            "S1",
            Process::Sorting,
            &[("L1", 6_000)],
            &[("A", 6_000)],
        )],
        &view,
    )
    .unwrap();
    let w = e.lots.iter().find(|w| w.state.lot == "L1").unwrap();
    assert_eq!(w.previous.as_ref().unwrap().consumed_g, 0);
    view.absorb(&e);
    let err = apply(
        &[tr(
            4,
            "S2",
            Process::Sorting,
            &[("L1", 4_001)],
            &[("B", 4_001)],
        )],
        &view,
    )
    .unwrap_err();
    assert_eq!(
        err,
        Rejection::OverConsumption {
            index: 4,
            event: "S2".into(),
            lot: "L1".into(),
            quantity_g: 10_000,
            consumed_g: 6_000,
            available_g: 4_000,
            asked_g: 4_001,
        }
    );
    assert_eq!(
        err.to_string(),
        "event 5 (S2): lot L1 has 4 kg left (quantity 10 kg, 6 kg consumed); 4.001 kg was asked"
    );
    // The same lot listed twice in one event is taken twice.
    let err = apply(
        &[tr(
            0,
            "S3",
            Process::Sorting,
            &[("L1", 3_000), ("L1", 3_000)],
            &[("C", 6_000)],
        )],
        &view,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        Rejection::OverConsumption { asked_g: 6_000, .. }
    ));
}

#[test]
fn lots_are_created_once() {
    let err = apply(
        &[comb(0, "L1", 1, "1", 1), comb(1, "L1", 1, "1", 1)],
        &Prefetched::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Rejection::LotExists { index: 1, ref created_by, .. } if created_by == "E-L1")
    );
    // An output may not be an existing lot (e.g. an input) either.
    let err = apply(
        &[
            comb(0, "L1", 1_000, "1", 10),
            tr(1, "D", Process::Dyeing, &[("L1", 1_000)], &[("L1", 1_000)]),
        ],
        &Prefetched::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Rejection::LotExists { index: 1, .. }));
    // A URN and a Digital Link of one LGTIN are one lot.
    let err = apply(
        &[
            comb(0, "urn:epc:class:lgtin:4012345.012345.A1", 1, "1", 1),
            comb(1, "https://id.gs1.org/01/04012345123456/10/A1", 1, "1", 1),
        ],
        &Prefetched::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Rejection::LotExists { index: 1, .. }));
}

#[test]
fn unknown_inputs_are_findings_not_rejections() {
    let steps = vec![
        comb(0, "L1", 6_000, "1", 40),
        tr(
            1,
            "P",
            Process::Pooling,
            &[("L1", 6_000), ("X", 4_000)],
            &[("POOL", 10_000)],
        ),
    ];
    let e = apply(&steps, &Prefetched::default()).unwrap();
    // Fibre of unknown origin mixed into Mongolian cashmere is also a blend.
    let kinds: Vec<FindingKind> = e.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FindingKind::UnknownOrigin, FindingKind::Blend]);
    let f = &e.findings[0];
    assert_eq!(
        (f.kind, f.subject.as_str(), f.event.as_str()),
        (FindingKind::UnknownOrigin, "X", "P")
    );
    let c = &e.compositions.last().unwrap().1;
    assert_eq!(share(c.claim_weight(Claim::Unknown)), 0.4);
    assert_eq!(c.findings().len(), 2);
    assert_eq!(lot(&e, "POOL").stage, Stage::Mixed);
    assert!(e.lots.iter().all(|w| w.state.lot != "X"));
}

#[test]
fn mass_balance_rejects_or_flags() {
    let base = [comb(0, "L1", 10_000, "1", 40)];
    let err = apply(
        &[
            base[0].clone(),
            tr(
                1,
                "P",
                Process::Pooling,
                &[("L1", 10_000)],
                &[("POOL", 10_100)],
            ),
        ],
        &Prefetched::default(),
    )
    .unwrap_err();
    let Rejection::MassBalance {
        index: 1, breach, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (breach.input_g, breach.output_g, breach.band.name),
        (10_000, 10_100, "pooling")
    );
    assert_eq!(
        err.to_string(),
        "event 2 (P): pooling: 10.1 kg out of 10 kg in is a yield of 1.0100, outside the pooling band 1–1 ± 0.005"
    );
    // Within tolerance is accepted.
    apply(
        &[
            base[0].clone(),
            tr(
                1,
                "P",
                Process::Pooling,
                &[("L1", 10_000)],
                &[("POOL", 10_050)],
            ),
        ],
        &Prefetched::default(),
    )
    .unwrap();
    // Dehairing from raw at 70 % is flagged (default action) and the finding travels.
    let e = apply(
        &[
            base[0].clone(),
            tr(
                1,
                "D",
                Process::Dehairing,
                &[("L1", 10_000)],
                &[("DH", 7_000)],
            ),
        ],
        &Prefetched::default(),
    )
    .unwrap();
    let f = &e.findings[0];
    assert_eq!(
        (f.kind, f.subject.as_str()),
        (FindingKind::MassBalance, "DH")
    );
    assert_eq!(f.evidence["band"], "dehairing_raw");
    assert_eq!(f.evidence["yield"], 0.7);
    assert_eq!(e.compositions.last().unwrap().1.findings().len(), 1);
    // With the band set to reject, it is refused.
    let mut cfg = Config::default();
    cfg.bands.dehairing_raw.action = BandAction::Reject;
    let r = apply_batch(
        &[
            base[0].clone(),
            tr(
                1,
                "D",
                Process::Dehairing,
                &[("L1", 10_000)],
                &[("DH", 7_000)],
            ),
        ],
        &Prefetched::default(),
        &cfg,
        None,
    );
    assert!(matches!(
        r,
        Err(BatchError::Rejected(Rejection::MassBalance { .. }))
    ));
}

fn knit(index: usize, id: &str, ins: &[(&str, u64)], garments: &[&str], g: u64) -> Profiled {
    p(
        index,
        id,
        Process::Knitting,
        Step::Knitting(Knitting {
            inputs: ins.iter().map(|(l, g)| LotQty::new(l, *g)).collect(),
            garments: garments.iter().map(|s| Ident::new(s)).collect(),
            garment_g: g,
        }),
    )
}

#[test]
fn knitting_makes_garments_within_the_yarn() {
    let steps = vec![
        comb(0, "L1", 1_000, "1", 10),
        knit(
            1,
            "K",
            &[("L1", 1_000)],
            &[
                "urn:epc:id:sgtin:4012345.012345.1",
                "urn:epc:id:sgtin:4012345.012345.2",
            ],
            500,
        ),
    ];
    let e = apply(&steps, &Prefetched::default()).unwrap();
    assert_eq!(e.garments.len(), 2);
    assert_eq!(
        e.garments[0].epc,
        "https://id.gs1.org/01/04012345123456/21/1"
    );
    // One input and nothing found: the garments share the yarn's composition, no copy.
    assert_eq!(
        (e.garments[0].mass_g, e.garments[0].composition_ref.as_str()),
        (500, "E-L1")
    );
    assert_eq!(e.compositions.len(), 1);
    // Two inputs: a composition of the knitting event's own.
    let two = apply(
        &[
            comb(0, "L1", 1_000, "1", 10),
            comb(1, "L2", 1_000, "2", 10),
            knit(2, "K", &[("L1", 500), ("L2", 500)], &["g1"], 900),
        ],
        &Prefetched::default(),
    )
    .unwrap();
    assert_eq!(two.garments[0].composition_ref, "K");
    assert_eq!(two.compositions.len(), 3);
    let err = apply(
        &[
            steps[0].clone(),
            knit(1, "K", &[("L1", 1_000)], &["g1", "g2", "g3"], 334),
        ],
        &Prefetched::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Rejection::MassBalance { ref breach, .. } if breach.output_g == 1_002));
    let err = apply(
        &[
            steps[0].clone(),
            knit(1, "K", &[("L1", 500)], &["g1"], 1),
            knit(2, "K2", &[("L1", 500)], &["g1"], 1),
        ],
        &Prefetched::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Rejection::GarmentRepeated { index: 2, .. }));
}

fn ship(index: usize, side: Side, lots: &[(&str, u64)]) -> Profiled {
    p(
        index,
        &format!("S{index}"),
        Process::Shipping,
        Step::Transfer(Transfer {
            side,
            lots: lots.iter().map(|(l, g)| LotQty::new(l, *g)).collect(),
            epcs: vec![Ident::new("urn:epc:id:sscc:4012345.0000000001")],
        }),
    )
}

#[test]
fn a_kilo_is_shipped_once() {
    let steps = vec![
        comb(0, "L1", 10_000, "1", 40),
        ship(1, Side::Shipping, &[("L1", 6_000)]),
        ship(2, Side::Receiving, &[("L1", 6_000)]),
        // Shipping and consuming are separate budgets: the buyer consumes what it received.
        tr(
            3,
            "SC",
            Process::Scouring,
            &[("L1", 10_000)],
            &[("SC1", 7_000)],
        ),
    ];
    let e = apply(&steps, &Prefetched::default()).unwrap();
    assert_eq!(
        (lot(&e, "L1").shipped_g, lot(&e, "L1").consumed_g),
        (6_000, 10_000)
    );
    assert_eq!(e.touches.len(), 4);
    let mut more = steps.clone();
    more.push(ship(4, Side::Shipping, &[("L1", 4_001)]));
    let err = apply(&more, &Prefetched::default()).unwrap_err();
    assert!(matches!(
        err,
        Rejection::OverShipping {
            index: 4,
            available_g: 4_000,
            asked_g: 4_001,
            shipped_g: 6_000,
            ..
        }
    ));
}

#[test]
fn harvest_plausibility() {
    let census: HashMap<String, u64> = [("18101".to_owned(), 100)].into();
    let steps = vec![
        comb(0, "L1", 20_000, "1", 40), // 0.5 kg/goat: fine
        comb(1, "L2", 10_000, "1", 40), // second pass, same goats: 30 kg > 24 kg
        comb(2, "L3", 20_000, "2", 70), // soum: 110 goats > 100; 50 kg ≤ 60 kg
    ];
    let e = apply_batch(
        &steps,
        &Prefetched::default(),
        &Config::default(),
        Some(&census),
    )
    .unwrap();
    let kinds: Vec<(FindingKind, &str)> = e
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (FindingKind::HouseholdHarvest, "L2"),
            (FindingKind::SoumGoats, "L3")
        ]
    );
    assert_eq!(e.findings[0].evidence["declared_kg"], 30.0);
    assert_eq!(e.findings[0].evidence["ceiling_kg"], 24.0);
    assert_eq!(e.households.len(), 2);
    assert_eq!(e.households[0].after.goats, 40);
    assert_eq!(e.households[0].after.events, 2);
    assert_eq!(e.soums[0].after.goats, 110);
    assert_eq!(e.soums[0].after.households, 2);
    assert_eq!(e.soums[0].after.grams, 50_000);
    // The finding is on the lot's composition, so it shows wherever the lot's fibre goes.
    let (_, c) = e.compositions.iter().find(|(r, _)| r == "E-L2").unwrap();
    assert_eq!(c.findings()[0].kind, FindingKind::HouseholdHarvest);
}

#[test]
fn blends_are_findings_on_the_output() {
    let wool = p(
        1,
        "W",
        Process::FibreIntake,
        Step::FibreIntake(FibreIntake {
            lot: LotQty::new("WOOL", 2_000),
            fibre: Fibre::Wool,
            origin: "NZ".into(),
            claim: Claim::Wool,
        }),
    );
    let mut spin = tr(
        2,
        "SP",
        Process::Spinning,
        &[("L1", 8_000), ("WOOL", 2_000)],
        &[("YARN", 9_500)],
    );
    if let Step::Transform(t) = &mut spin.step {
        t.declared = Some(Claim::MongolianCashmere);
    }
    let e = apply(
        &[comb(0, "L1", 8_000, "1", 40), wool, spin],
        &Prefetched::default(),
    )
    .unwrap();
    let kinds: Vec<FindingKind> = e.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FindingKind::Blend, FindingKind::ClaimMismatch]);
    assert_eq!(e.findings[0].evidence["mongolian_cashmere_share"], 0.8);
    assert_eq!(lot(&e, "YARN").stage, Stage::Yarn);
}

#[test]
fn a_rejected_event_changes_nothing() {
    let view = Prefetched::default();
    let cfg = Config::default();
    let mut l = Ledger::new(&view, &cfg, None);
    l.apply(&comb(0, "L1", 1_000, "1", 10)).unwrap();
    let bad = tr(
        1,
        "P",
        Process::Pooling,
        &[("L1", 600), ("L1", 600)],
        &[("A", 1_200)],
    );
    assert!(l.apply(&bad).is_err());
    let bad2 = tr(2, "P2", Process::Pooling, &[("L1", 600)], &[("A", 900)]);
    assert!(l.apply(&bad2).is_err());
    l.apply(&tr(
        3,
        "P3",
        Process::Pooling,
        &[("L1", 1_000)],
        &[("A", 1_000)],
    ))
    .unwrap();
    let e = l.finish();
    assert_eq!(e.journal.len(), 1);
    assert_eq!(e.lineage.len(), 1);
    assert_eq!(lot(&e, "A").created_by_event, "P3");
    assert_eq!(lot(&e, "L1").consumed_g, 1_000);
}

#[test]
fn needs_of_a_batch() {
    let steps = vec![
        comb(0, "L1", 1_000, "1", 10),
        tr(
            1,
            "P",
            Process::Pooling,
            &[("L1", 1_000), ("L9", 5)],
            &[("A", 1_005)],
        ),
        ship(2, Side::Shipping, &[("A", 1)]),
        ship(3, Side::Receiving, &[("Z", 1)]),
    ];
    let n = lots_needed(&steps);
    let lots: Vec<&str> = n.lots.iter().map(String::as_str).collect();
    assert_eq!(lots, vec!["A", "L1", "L9"]);
    let comps: Vec<&str> = n.compositions_of.iter().map(String::as_str).collect();
    assert_eq!(comps, vec!["L1", "L9"]);
    assert_eq!(n.households.len(), 1);
    assert_eq!(n.soums.iter().next().unwrap().0, "18101");
}
