use epcis::{Event, Namespaces};
use serde_json::{Value, json};

use super::*;
use crate::vocab::NS;

fn ns() -> Namespaces {
    let mut n = Namespaces::new();
    n.insert("cm", NS);
    n
}

fn event(v: Value) -> Event {
    serde_json::from_value(v).unwrap()
}

fn combing_json() -> Value {
    json!({
        "type": "ObjectEvent",
        "eventID": "urn:uuid:c1",
        "eventTime": "2024-04-20T09:15:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": [],
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": "https://coop.example.mn/lot/1", "quantity": 12.5, "uom": "KGM"}],
        "ilmd": {
            "cm:household": "https://id.nooluur.org/household/18101-00042",
            "cm:soum": "18101",
            "cm:goatsCombed": 48,
            "cm:colour": "white",
            "cm:season": "2024"
        },
        "cm:profile": "1",
        "cm:process": "combing"
    })
}

fn fields(errs: &[Violation]) -> Vec<&str> {
    errs.iter()
        .map(|v| v.location.field.as_deref().unwrap_or(""))
        .collect()
}

#[test]
fn events_without_the_profile_are_not_checked() {
    let mut v = combing_json();
    v.as_object_mut().unwrap().remove("cm:profile");
    v["ilmd"] = json!({});
    assert_eq!(read(0, &event(v), &ns()), Ok(None));
}

#[test]
fn combing_is_read() {
    let p = read(3, &event(combing_json()), &ns()).unwrap().unwrap();
    assert_eq!(p.index, 3);
    assert_eq!(p.event_id, "urn:uuid:c1");
    assert_eq!(p.process, Process::Combing);
    let Step::Combing(c) = p.step else {
        panic!("not combing")
    };
    assert_eq!(c.lot.grams, 12_500);
    assert_eq!(c.household, "https://id.nooluur.org/household/18101-00042");
    assert_eq!(
        (c.soum.as_str(), c.goats, c.colour, c.season.as_str()),
        ("18101", 48, Colour::White, "2024")
    );
}

#[test]
fn any_spelling_of_the_namespace_is_recognised() {
    // Expanded IRIs, another prefix, XML-style text values and value objects.
    let v = json!({
        "type": "ObjectEvent",
        "eventTime": "2024-04-20T09:15:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "action": "ADD",
        "bizStep": "urn:epcglobal:cbv:bizstep:commissioning",
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": "7", "uom": "KGM"}],
        "ilmd": {
            "https://nooluur.org/voc/cashmere/household": {"@id": "https://id.nooluur.org/household/1"},
            "x:soum": {"#text": "18101", "x:name": "Uliastai"},
            "x:goatsCombed": "30",
            "x:colour": "x:brown",
            "https://nooluur.org/voc/cashmere/season": {"@value": "2024"}
        },
        "https://nooluur.org/voc/cashmere/profile": 1,
        "x:process": "https://nooluur.org/voc/cashmere/combing"
    });
    let mut n = Namespaces::new();
    n.insert("x", NS);
    // `quantity` must be a number in the model; a string is a decode error upstream.
    let mut v2 = v.clone();
    v2["quantityList"][0]["quantity"] = json!(7);
    let p = read(0, &event(v2), &n).unwrap().unwrap();
    let Step::Combing(c) = p.step else {
        panic!("not combing")
    };
    assert_eq!(
        c.lot.lot.key,
        "https://id.gs1.org/01/04012345123456/10/998877"
    );
    assert_eq!((c.goats, c.colour), (30, Colour::Brown));
    assert_eq!(c.household, "https://id.nooluur.org/household/1");
    assert!(serde_json::from_value::<Event>(v).is_err());
}

#[test]
fn a_cm_prefix_bound_elsewhere_is_not_ours() {
    let mut n = Namespaces::new();
    n.insert("cm", "http://example.com/other/");
    assert_eq!(read(0, &event(combing_json()), &n), Ok(None));
}

#[test]
fn combing_without_household_names_the_field() {
    let mut v = combing_json();
    v["ilmd"].as_object_mut().unwrap().remove("cm:household");
    let errs = read(2, &event(v), &ns()).unwrap_err();
    assert_eq!(fields(&errs), vec!["/ilmd/cm:household"]);
    assert_eq!(errs[0].location.event_index, Some(2));
    assert_eq!(errs[0].location.event_id.as_deref(), Some("urn:uuid:c1"));
    assert_eq!(
        errs[0].message,
        "combing requires cm:household (the herder household IRI)"
    );
}

#[test]
fn combing_field_values_are_checked() {
    let mut v = combing_json();
    v["ilmd"]["cm:soum"] = json!("181");
    v["ilmd"]["cm:goatsCombed"] = json!("-3");
    v["ilmd"]["cm:colour"] = json!("purple");
    v["ilmd"]["cm:season"] = json!("spring");
    v["ilmd"]["cm:household"] = json!("household 42");
    v["action"] = json!("OBSERVE");
    v["bizStep"] = json!("receiving");
    v["quantityList"][0]["uom"] = json!("GRM");
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(
        fields(&errs),
        vec![
            "/action",
            "/bizStep",
            "/quantityList/0/uom",
            "/ilmd/cm:household",
            "/ilmd/cm:soum",
            "/ilmd/cm:goatsCombed",
            "/ilmd/cm:colour",
            "/ilmd/cm:season"
        ]
    );
}

#[test]
fn quantities_are_checked() {
    let mut v = combing_json();
    v["quantityList"] = json!([
        {"epcClass": "https://coop.example.mn/lot/1", "quantity": -1, "uom": "KGM"},
        {"epcClass": "https://coop.example.mn/lot/2", "uom": "KGM"}
    ]);
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(
        fields(&errs),
        vec![
            "/quantityList/0/quantity",
            "/quantityList/1/quantity",
            "/quantityList"
        ]
    );
    assert_eq!(errs[0].message, "quantity -1 is negative");
}

#[test]
fn profile_version_and_process_are_checked() {
    let mut v = combing_json();
    v["cm:profile"] = json!("2");
    v["cm:process"] = json!("grazing");
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(fields(&errs), vec!["/cm:profile", "/cm:process"]);
    let mut v = combing_json();
    v.as_object_mut().unwrap().remove("cm:process");
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(fields(&errs), vec!["/cm:process"]);
}

fn transformation(process: &str) -> Value {
    json!({
        "type": "TransformationEvent",
        "eventID": "urn:uuid:t1",
        "eventTime": "2024-05-01T10:00:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "bizStep": "commissioning",
        "inputQuantityList": [
            {"epcClass": "https://coop.example.mn/lot/1", "quantity": 12.5, "uom": "KGM"},
            {"epcClass": "https://coop.example.mn/lot/2", "quantity": 7, "uom": "KGM"}
        ],
        "outputQuantityList": [{"epcClass": "https://coop.example.mn/lot/pool-7", "quantity": 19.5, "uom": "KGM"}],
        "cm:profile": "1",
        "cm:process": process
    })
}

#[test]
fn transformations_are_read() {
    let p = read(0, &event(transformation("pooling")), &ns())
        .unwrap()
        .unwrap();
    let Step::Transform(t) = p.step else {
        panic!("not a transformation")
    };
    assert_eq!(t.inputs.iter().map(|i| i.grams).sum::<u64>(), 19_500);
    assert_eq!(t.outputs[0].grams, 19_500);
    assert_eq!(t.declared, None);

    let mut v = transformation("spinning");
    v["ilmd"] = json!({"cm:fibre": "cashmere", "cm:origin": "mn"});
    let p = read(0, &event(v), &ns()).unwrap().unwrap();
    let Step::Transform(t) = p.step else {
        panic!("not a transformation")
    };
    assert_eq!(t.declared, Some(Claim::MongolianCashmere));

    let mut v = transformation("dehairing");
    v.as_object_mut().unwrap().remove("outputQuantityList");
    v["type"] = json!("ObjectEvent");
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(fields(&errs), vec!["/type", "/outputQuantityList"]);
}

#[test]
fn knitting_needs_garments_and_their_mass() {
    let mut v = transformation("knitting");
    v.as_object_mut().unwrap().remove("outputQuantityList");
    v["outputEPCList"] = json!([
        "urn:epc:id:sgtin:4012345.012345.1",
        "https://id.gs1.org/01/04012345123456/21/2"
    ]);
    v["ilmd"] = json!({"cm:garmentMassKg": "0.3"});
    let p = read(0, &event(v.clone()), &ns()).unwrap().unwrap();
    let Step::Knitting(k) = p.step else {
        panic!("not knitting")
    };
    assert_eq!(k.garment_g, 300);
    assert_eq!(
        k.garments[0].key,
        "https://id.gs1.org/01/04012345123456/21/1"
    );
    v["ilmd"] = json!({});
    v.as_object_mut().unwrap().remove("outputEPCList");
    let errs = read(0, &event(v), &ns()).unwrap_err();
    assert_eq!(
        fields(&errs),
        vec!["/outputEPCList", "/ilmd/cm:garmentMassKg"]
    );
}

#[test]
fn transfers_packing_and_lab_tests() {
    let ship = json!({
        "type": "ObjectEvent", "eventTime": "2024-05-03T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE", "bizStep": "shipping",
        "quantityList": [{"epcClass": "https://coop.example.mn/lot/pool-7", "quantity": 19.5, "uom": "KGM"}],
        "sourceList": [{"type": "owning_party", "source": "https://coop.example.mn"}],
        "destinationList": [{"type": "https://ref.gs1.org/cbv/SDT-owning_party", "destination": "https://mill.example.mn"}],
        "cm:profile": "1", "cm:process": "sale"
    });
    let p = read(0, &event(ship.clone()), &ns()).unwrap().unwrap();
    let Step::Transfer(t) = p.step else {
        panic!("not a transfer")
    };
    assert_eq!((t.side, t.lots[0].grams), (Side::Shipping, 19_500));
    let mut bad = ship;
    bad.as_object_mut().unwrap().remove("destinationList");
    bad["bizStep"] = json!("inspecting");
    assert_eq!(
        fields(&read(0, &event(bad), &ns()).unwrap_err()),
        vec!["/bizStep", "/destinationList"]
    );

    // Packing needs no cm:process: an AggregationEvent of the profile is packing.
    let pack = json!({
        "type": "AggregationEvent", "eventTime": "2024-06-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "ADD", "bizStep": "packing", "parentID": "urn:epc:id:sscc:4012345.0000000001",
        "childEPCs": ["urn:epc:id:sgtin:4012345.012345.1"], "cm:profile": "1"
    });
    let p = read(0, &event(pack), &ns()).unwrap().unwrap();
    assert_eq!(p.process, Process::Packing);

    let lab = json!({
        "type": "ObjectEvent", "eventTime": "2024-05-02T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE", "bizStep": "inspecting",
        "quantityList": [{"epcClass": "https://coop.example.mn/lot/pool-7"}],
        "sensorElementList": [{"sensorReport": [
            {"type": "cm:MeanFibreDiameter", "value": 15.2, "uom": "4H"},
            {"type": "cm:FibreLength", "value": 36, "uom": "4H"},
            {"type": "cm:Softness", "value": 1},
            {"type": "Temperature", "value": 20, "uom": "CEL"}
        ]}],
        "cm:profile": "1", "cm:process": "lab-test"
    });
    let errs = read(0, &event(lab.clone()), &ns()).unwrap_err();
    assert_eq!(
        fields(&errs),
        vec![
            "/sensorElementList/0/sensorReport/1/uom",
            "/sensorElementList/0/sensorReport/2/type"
        ]
    );
    let mut ok = lab;
    ok["sensorElementList"][0]["sensorReport"] =
        json!([{"type": "cm:MeanFibreDiameter", "value": 15.2, "uom": "4H"}]);
    let p = read(0, &event(ok), &ns()).unwrap().unwrap();
    let Step::LabTest(t) = p.step else {
        panic!("not a lab test")
    };
    assert_eq!(t.measurements[0].kind, "MeanFibreDiameter");
    assert_eq!(t.lots[0].1, None);
}
