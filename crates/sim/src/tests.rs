use super::*;

#[test]
fn bad_settings_are_named() {
    let mut s = Season::new(10, 1);
    s.start_date = Some("2025-02-30".into());
    assert_eq!(
        Simulation::new(s).unwrap_err(),
        SimError::BadDate("2025-02-30".into())
    );
    let mut s = Season::new(10, 1);
    s.knobs.processors = 0;
    assert!(matches!(Simulation::new(s), Err(SimError::BadSetting(m)) if m.contains("processors")));
    let mut s = Season::new(10, 1);
    s.base_uri = "https://x.org/".into();
    assert!(Simulation::new(s).is_err());
    let mut s = Season::new(10, 1);
    s.knobs.mean_kg_per_goat = 0.7;
    assert!(Simulation::new(s).is_err());
}

#[test]
fn planted_households_are_distinct_and_counted() {
    let mut s = Season::new(1_000, 3);
    s.knobs.implausible_fraction = 0.01;
    let sim = Simulation::new(s).unwrap();
    assert_eq!(sim.world.planted.len(), 10);
    assert!(sim.world.planted.iter().all(|&i| i < 1_000));
    let planned: u32 = sim.plan.iter().map(|p| p.households).sum();
    assert_eq!(planned, 1_000);
}

#[test]
fn an_empty_season_has_no_documents() {
    let mut sim = Simulation::new(Season::new(0, 1)).unwrap();
    assert!(sim.next().is_none());
    assert!(sim.is_finished());
    assert_eq!(sim.manifest().events, 0);
}
