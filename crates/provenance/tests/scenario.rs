//! A small chain written in JSON-LD as the profile says: three households comb → delivery →
//! pooling → lab test → sale → scouring → dehairing → wool intake → spinning with a 20 % wool
//! blend → knitting 10 garments → packing → shipping. Checked end to end: profile, ledger,
//! provenance report of a garment (snapshot) and trace.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use provenance::ledger::Effects;
use provenance::profile::{self, Profiled};
use provenance::shares::ProvenanceReport;
use provenance::trace::{Direction, Limits, MemoryGraph, trace};
use provenance::{Config, FindingKind, Prefetched, apply_batch, lots_needed};

const DOC: &str = include_str!("data/chain.jsonld");

fn census() -> BTreeMap<String, u64> {
    [("18101", 52_000), ("18107", 61_000), ("14604", 48_000)]
        .into_iter()
        .map(|(s, g)| (s.to_owned(), g))
        .collect()
}

fn read() -> Vec<Profiled> {
    let doc = epcis::jsonld::parse_document(DOC.as_bytes()).unwrap();
    let violations = epcis::validate::validate_document(&doc);
    assert!(violations.is_empty(), "not valid EPCIS: {violations:?}");
    doc.events
        .iter()
        .enumerate()
        .map(|(i, e)| profile::read(i, e, &doc.namespaces).unwrap().unwrap())
        .collect()
}

fn run(steps: &[Profiled], view: &Prefetched) -> Effects {
    apply_batch(steps, view, &Config::default(), Some(&census())).unwrap()
}

fn garment_report<'v>(view: &'v Prefetched, epc: &str) -> ProvenanceReport<'v> {
    let key = provenance::identity(epc);
    let g = &view.garments[&key];
    let comp = &view.compositions[&g.composition_ref];
    ProvenanceReport::build(epc, g.mass_g, comp, &[])
}

#[test]
fn garment_provenance_of_a_small_chain() {
    let steps = read();
    let needs = lots_needed(&steps);
    assert_eq!(needs.lots.len(), 8);
    let effects = run(&steps, &Prefetched::default());
    let mut view = Prefetched::default();
    view.absorb(&effects);

    assert_eq!(effects.garments.len(), 10);
    let pool = &view.lots["https://coop.example.mn/lot/pool-2024-01"];
    assert_eq!(
        (pool.quantity_g, pool.consumed_g, pool.shipped_g),
        (25_000, 25_000, 25_000)
    );
    let h1 = &view.lots["https://id.gs1.org/01/04012345123456/10/H1-2024"];
    assert_eq!(h1.consumed_g, 10_000);
    let yarn = &view.lots["https://id.gs1.org/01/04012345543216/10/Y-0001"];
    assert_eq!(yarn.remaining_g(), 11_250);

    let kinds: Vec<FindingKind> = effects.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::HouseholdHarvest, FindingKind::Blend]
    );

    let report = garment_report(&view, "urn:epc:id:sgtin:4012345.054321.1003");
    let total: f64 = report.sources.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-12);
    insta::assert_json_snapshot!("garment_report", report);
}

#[test]
fn event_by_event_batches_give_the_same_provenance() {
    let steps = read();
    let whole = {
        let mut v = Prefetched::default();
        v.absorb(&run(&steps, &Prefetched::default()));
        v
    };
    let mut incremental = Prefetched::default();
    for s in &steps {
        let e = run(std::slice::from_ref(s), &incremental);
        incremental.absorb(&e);
    }
    let epc = "https://id.gs1.org/01/04012345543216/21/1007";
    assert_eq!(
        garment_report(&whole, epc),
        garment_report(&incremental, epc)
    );
    assert_eq!(whole.lots, incremental.lots);
    // Capturing the document again is refused: its lots exist.
    let again = apply_batch(&steps, &incremental, &Config::default(), None);
    assert!(again.is_err());
}

#[test]
fn trace_both_ways() {
    let steps = read();
    let effects = run(&steps, &Prefetched::default());
    let mut g = MemoryGraph::new();
    g.absorb(&effects);
    let id = |n: usize| format!("urn:uuid:5c0f0000-0000-4000-8000-{n:012}");

    let back = trace(
        &g,
        "urn:epc:id:sgtin:4012345.054321.1000",
        Direction::Backward,
        Limits::default(),
    )
    .unwrap();
    let events: Vec<&str> = back.events.iter().map(|e| e.event.as_str()).collect();
    // knitting, spinning, dehairing + wool intake, scouring, pooling + lab test + sale, then the
    // delivery and combing of the source lots.
    let want: Vec<String> = [12, 11, 9, 10, 8, 5, 6, 7, 4, 1, 2, 3]
        .iter()
        .map(|n| id(*n))
        .collect();
    let mut got: Vec<&str> = events.clone();
    got.sort_unstable();
    let mut want_sorted: Vec<&str> = want.iter().map(String::as_str).collect();
    want_sorted.sort_unstable();
    assert_eq!(got, want_sorted);
    assert_eq!(events[0], id(12));
    assert!(!back.truncated);

    let fwd = trace(
        &g,
        "https://coop.example.mn/lot/2024-0002",
        Direction::Forward,
        Limits::default(),
    )
    .unwrap();
    let events: Vec<&str> = fwd.events.iter().map(|e| e.event.as_str()).collect();
    assert!(
        events.contains(&id(13).as_str()),
        "packing reached: {events:?}"
    );
    assert!(
        events.contains(&id(14).as_str()),
        "the case's shipment reached: {events:?}"
    );
    assert!(
        !events.contains(&id(10).as_str()),
        "wool intake is not downstream"
    );
    assert!(
        fwd.nodes
            .iter()
            .any(|n| n.id.starts_with("https://id.gs1.org/00/"))
    );
}

#[test]
fn the_profile_reads_from_xml_too() {
    // Another prefix, typed text values, the process as a CURIE.
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:c="https://nooluur.org/voc/cashmere/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    schemaVersion="2.0" creationDate="2024-05-02T08:00:00+08:00">
  <EPCISBody><EventList>
    <ObjectEvent>
      <eventTime>2024-04-20T09:15:00+08:00</eventTime>
      <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
      <epcList/>
      <action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <quantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.X9</epcClass><quantity>12.345</quantity><uom>KGM</uom>
      </quantityElement></quantityList>
      <ilmd>
        <c:household>https://id.nooluur.org/household/18101-00001</c:household>
        <c:soum>18101</c:soum>
        <c:goatsCombed xsi:type="xsd:integer">48</c:goatsCombed>
        <c:colour>c:grey</c:colour>
        <c:season>2024</c:season>
      </ilmd>
      <c:profile>1</c:profile>
      <c:process>c:combing</c:process>
    </ObjectEvent>
  </EventList></EPCISBody>
</epcis:EPCISDocument>"#;
    let doc = epcis::decode(xml.as_bytes()).unwrap();
    let p = profile::read(0, &doc.events[0], &doc.namespaces)
        .unwrap()
        .unwrap();
    let profile::Step::Combing(c) = p.step else {
        panic!("not combing: {:?}", p.step)
    };
    assert_eq!(c.lot.grams, 12_345);
    assert_eq!(c.lot.lot.key, "https://id.gs1.org/01/04012345123456/10/X9");
    assert_eq!((c.goats, c.colour), (48, provenance::Colour::Grey));
}
