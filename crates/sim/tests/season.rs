//! The simulated season: deterministic, valid EPCIS, mass conserved, findings planted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use serde_json::Value;
use sim::{Season, Simulation};

/// Every document's JSON-LD text and the manifest's JSON.
fn texts(season: Season) -> (Vec<(String, String)>, String) {
    let mut docs = Vec::new();
    let manifest = Simulation::new(season)
        .unwrap()
        .run(|c| {
            docs.push((c.file_name.clone(), c.to_json()));
            Ok::<_, ()>(())
        })
        .unwrap();
    (docs, serde_json::to_string(&manifest).unwrap())
}

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let mut season = Season::new(300, 7);
    season.max_events_per_document = 500;
    let a = texts(season.clone());
    let b = texts(season.clone());
    assert!(a.0.len() > 1);
    assert_eq!(a, b);
    season.seed = 8;
    let c = texts(season);
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
}

#[test]
fn every_document_validates_and_declares_the_cm_prefix() {
    let mut season = Season::new(400, 11);
    season.max_events_per_document = 1_000;
    season.knobs.blend_share = 0.5; // make sure blends and intakes appear
    let (docs, _) = texts(season);
    for (name, text) in &docs {
        let v: Value = serde_json::from_str(text).unwrap();
        let ctx = &v["@context"];
        assert_eq!(ctx[0], epcis::jsonld::STANDARD_CONTEXT, "{name}");
        assert_eq!(ctx[1]["cm"], sim::CM_NAMESPACE, "{name}");
        assert!(v["creationDate"].as_str().unwrap().ends_with("+08:00"));
        let strict = epcis::validate::validate_json_document(&v);
        assert!(strict.is_empty(), "{name}: {strict:?}");
        let capture = epcis::validate::validate_for_capture(&v);
        assert!(capture.is_empty(), "{name}: {capture:?}");
        let list = v["epcisBody"]["eventList"].as_array().unwrap();
        assert!(!list.is_empty() && list.len() <= 1_000);
    }
}

#[test]
fn mass_is_conserved_and_findings_are_exactly_the_planted_ones() {
    let mut season = Season::new(2_000, 3);
    season.max_events_per_document = 2_500;
    season.knobs.implausible_fraction = 0.005;
    let mut ledger = common::Ledger::default();
    let mut sim = Simulation::new(season).unwrap();
    let mut docs = 0;
    for chunk in sim.by_ref() {
        docs += 1;
        // Replay what a capturing client would read: the JSON-LD text, parsed back.
        let doc = epcis::jsonld::parse_document(chunk.to_json().as_bytes()).unwrap();
        assert!(doc.events.len() <= 2_500);
        for e in &doc.events {
            ledger.event(e);
        }
    }
    let m = sim.manifest();
    assert_eq!(m.documents.len(), docs);
    assert_eq!(m.planted_findings.len(), 10);
    for f in &m.planted_findings {
        assert!(f.declared_kg > f.ceiling_kg);
    }
    ledger.finish(m);
    assert!(ledger.garment_count > 0);
    assert!(!m.blends.is_empty());
    for p in sim::Process::ALL {
        // A 2,000-household season has every step of the chain.
        assert!(m.counts[p.as_str()] > 0, "no {} events", p.as_str());
    }
    assert_eq!(m.events, m.counts.values().sum::<u64>());
    // Raw per household and the colour mix (60 % brown … 5 % white by the national figures)
    // are realistic.
    let share = |c: &str| ledger.colours[c] as f64 / ledger.combed as f64;
    assert!(
        (0.50..=0.70).contains(&share("brown")),
        "{}",
        share("brown")
    );
    assert!(
        (0.02..=0.09).contains(&share("white")),
        "{}",
        share("white")
    );
    let per_household = m.total_raw_kg / f64::from(m.households_combing);
    assert!((15.0..80.0).contains(&per_household), "{per_household}");
}

#[test]
fn households_follow_the_nso_distribution() {
    let sim = Simulation::new(Season::new(18_056, 5)).unwrap();
    let manifest = sim.run(|_| Ok::<_, ()>(())).unwrap();
    assert_eq!(
        manifest.soums.iter().map(|s| s.households).sum::<u32>(),
        18_056
    );
    for s in &manifest.soums {
        let nso = mongolia::soum_by_str(&s.code).unwrap();
        let quota = f64::from(nso.herder_households_2020) / 10.0;
        assert!((f64::from(s.households) - quota).abs() < 1.0, "{s:?}");
    }
    // ≈ 0.25–0.35 kg per goat on average.
    let goats: u64 = manifest.soums.iter().map(|s| s.goats_combed).sum();
    let per_goat = manifest.total_raw_kg / goats as f64;
    assert!((0.25..=0.35).contains(&per_goat), "{per_goat}");
}

#[test]
fn small_season_manifest_snapshot() {
    let mut season = Season::new(8, 2025);
    season.knobs.processors = 2;
    season.knobs.brands = 2;
    season.knobs.buyers = 1;
    season.knobs.implausible_fraction = 0.1;
    let manifest = Simulation::new(season)
        .unwrap()
        .run(|_| Ok::<_, ()>(()))
        .unwrap();
    let mut v = serde_json::to_value(&manifest).unwrap();
    // The identifier lists are long; keep their size and ends in the snapshot.
    for key in ["garments", "cases"] {
        let list = v[key].as_array().unwrap().clone();
        v[key] = serde_json::json!({
            "count": list.len(),
            "first": list.first(),
            "last": list.last(),
        });
    }
    v["generator"] = "nooluur-sim".into();
    insta::assert_json_snapshot!(v);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn small_seasons_never_panic_and_conserve_mass(
        households in 0u32..60,
        seed in any::<u64>(),
        max_events in 1usize..400,
        implausible in 0.0f64..0.2,
        sessions in 1u8..4,
    ) {
        let mut season = Season::new(households, seed);
        season.max_events_per_document = max_events;
        season.knobs.implausible_fraction = implausible;
        season.knobs.max_combing_sessions = sessions;
        let mut ledger = common::Ledger::default();
        let mut sim = Simulation::new(season).unwrap();
        for chunk in sim.by_ref() {
            prop_assert!(chunk.document.events.len() <= max_events);
            for e in &chunk.document.events {
                ledger.event(e);
            }
        }
        ledger.finish(sim.manifest());
    }
}
