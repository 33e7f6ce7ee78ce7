use super::*;
use crate::finding::FindingKind;

fn src(lot: &str, hh: &str, soum: &str, colour: Colour) -> Source {
    Source {
        lot: lot.into(),
        household: Some(hh.into()),
        soum: Some(soum.into()),
        colour: Some(colour),
        claim: Claim::MongolianCashmere,
    }
}

fn sum(c: &Composition) -> u128 {
    c.entries().iter().map(|e| e.weight).sum()
}

#[test]
fn mixing_weights_by_grams() {
    let a = Composition::single(src("a", "h1", "18101", Colour::White));
    let b = Composition::single(src("b", "h2", "18102", Colour::Grey));
    let m = Composition::mix(&[(300, &a), (100, &b)]).unwrap();
    let w = m.weights();
    assert_eq!(w["a"], SCALE / 4 * 3);
    assert_eq!(w["b"], SCALE / 4);
    // Thirds do not divide 10^18: the remainder goes to the larger remainder, sum stays exact.
    let c = Composition::single(src("c", "h3", "18101", Colour::White));
    let m3 = Composition::mix(&[(1, &a), (1, &b), (1, &c)]).unwrap();
    assert_eq!(sum(&m3), SCALE);
    let w = m3.weights();
    assert_eq!(w["a"], SCALE / 3 + 1);
    assert_eq!(w["b"], SCALE / 3);
    assert_eq!(w["c"], SCALE / 3);
    // The tie-break is by lot, not by input order.
    let m3b = Composition::mix(&[(1, &c), (1, &b), (1, &a)]).unwrap();
    assert_eq!(m3b.weights(), m3.weights());
}

#[test]
fn single_input_steps_keep_weights_exactly() {
    let a = Composition::single(src("a", "h1", "18101", Colour::White));
    let b = Composition::single(src("b", "h2", "18102", Colour::Grey));
    let c = Composition::single(src("c", "h3", "18103", Colour::Brown));
    let m = Composition::mix(&[(7, &a), (11, &b), (13, &c)]).unwrap();
    let again = Composition::mix(&[(12_345, &m)]).unwrap();
    assert_eq!(again, m);
    // Splitting m into parts and re-mixing them gives m back.
    let parts = Composition::mix(&[(5, &m), (9, &m), (1, &m)]).unwrap();
    assert_eq!(parts, m);
}

#[test]
fn zero_grams_and_empty_mixes() {
    let a = Composition::single(src("a", "h1", "18101", Colour::White));
    let b = Composition::single(src("b", "h2", "18102", Colour::Grey));
    assert_eq!(Composition::mix(&[]), Err(MixError::Empty));
    let m = Composition::mix(&[(0, &a), (10, &b)]).unwrap();
    assert_eq!(m.len(), 1);
    let z = Composition::mix(&[(0, &a), (0, &b)]).unwrap();
    assert_eq!(z.weights()["a"], SCALE / 2);
    assert!(matches!(
        Composition::mix(&[
            (u64::MAX, &a),
            (u64::MAX, &b),
            (u64::MAX, &a),
            (u64::MAX, &a)
        ]),
        Ok(_) | Err(MixError::TooMuchMass(_))
    ));
}

#[test]
fn findings_travel_once() {
    let mut a = Composition::single(src("a", "h1", "18101", Colour::White));
    let f = Finding::new(FindingKind::HouseholdHarvest, "a", "E1", "rule");
    a.add_finding(f.clone());
    a.add_finding(f.clone());
    let b = Composition::single(src("b", "h2", "18102", Colour::Grey));
    let m = Composition::mix(&[(1, &a), (1, &b), (1, &a)]).unwrap();
    assert_eq!(m.findings(), std::slice::from_ref(&f));
}

fn big(n: usize) -> Composition {
    let parts: Vec<Composition> = (0..n)
        .map(|i| {
            let mut s = src(
                &format!("https://coop.example.mn/lot/2024-{i:05}"),
                &format!("https://id.nooluur.org/household/18101-{i:05}"),
                &format!("1{:02}{:02}", 10 + i % 80, i % 20),
                Colour::ALL[i % Colour::ALL.len()],
            );
            if i.is_multiple_of(7) {
                s.household = None;
                s.claim = Claim::Wool;
            }
            Composition::single(s)
        })
        .collect();
    let refs: Vec<(u64, &Composition)> = parts
        .iter()
        .enumerate()
        .map(|(i, c)| (1_000 + (i as u64 * 7919) % 5_000, c))
        .collect();
    Composition::mix(&refs).unwrap()
}

#[test]
fn binary_and_json_round_trip() {
    let mut c = big(500);
    c.add_finding(Finding::new(FindingKind::Blend, "x", "E", "r").with("share", 0.5));
    let bytes = c.to_bytes();
    assert_eq!(Composition::from_bytes(&bytes).unwrap(), c);
    assert!(bytes.len() < 500 * 60, "{} bytes", bytes.len());
    let json = serde_json::to_string(&c).unwrap();
    let back: Composition = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn corrupt_compositions_are_refused() {
    let c = big(20);
    let bytes = c.to_bytes();
    assert_eq!(Composition::from_bytes(b"XXXX"), Err(CodecError::Magic));
    for cut in [5, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Composition::from_bytes(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(Composition::from_bytes(&extra).is_err());
    // A weight changed by one no longer sums to 10^18.
    let mut json: serde_json::Value = serde_json::to_value(&c).unwrap();
    let w: u128 = json["sources"][0]["weight"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    json["sources"][0]["weight"] = (w + 1).to_string().into();
    assert!(serde_json::from_value::<Composition>(json).is_err());
}

#[test]
fn report_aggregates() {
    let a = Composition::single(src("a", "h1", "18101", Colour::White));
    let b = Composition::single(src("b", "h2", "18102", Colour::White));
    let w = Composition::single(Source {
        lot: "w".into(),
        household: None,
        soum: None,
        colour: None,
        claim: Claim::Wool,
    });
    let m = Composition::mix(&[(500, &a), (300, &b), (200, &w)]).unwrap();
    let r = ProvenanceReport::build("g", 300, &m, &[]);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["mass_kg"], 0.3);
    assert_eq!(v["sources"][0]["lot"], "a");
    assert_eq!(v["sources"][0]["aimag"], "81");
    assert_eq!(
        v["by_aimag"],
        serde_json::json!([{"aimag": "81", "share": 0.8}, {"aimag": null, "share": 0.2}])
    );
    assert_eq!(
        v["by_claim"][0],
        serde_json::json!({"claim": "mongolian-cashmere", "share": 0.8})
    );
    assert_eq!(v["by_soum"].as_array().unwrap().len(), 3);
    let total: f64 = r.sources.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-12);
}

#[test]
fn large_compositions_sum_to_one() {
    let c = big(5_000);
    assert_eq!(sum(&c), SCALE);
    let r = ProvenanceReport::build("g", 1, &c, &[]);
    let total: f64 = r.sources.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    for t in [
        &r.by_soum,
        &r.by_aimag,
        &r.by_household,
        &r.by_colour,
        &r.by_claim,
    ] {
        let s: f64 = t.iter().map(|x| x.share).sum();
        assert!((s - 1.0).abs() < 1e-12);
    }
}
