//! Unit tests of the validation rules on a small fixture written for them: a valid capture
//! document, then one targeted change per rule.

use serde_json::{Value, json};

use super::*;

const HASH: &str =
    "ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0";

/// Combing, bagging and scouring of one raw lot: three valid events touching most fields.
pub(super) fn fixture() -> Value {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ext1": "https://nooluur.example/voc/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-01T08:30:00+08:00",
        "epcisBody": {"eventList": [
            {
                "type": "ObjectEvent",
                "eventID": "urn:uuid:00000000-0000-4000-8000-000000000001",
                "eventTime": "2024-05-01T08:00:00+08:00",
                "eventTimeZoneOffset": "+08:00",
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "active",
                "epcList": ["https://id.gs1.org/01/09524000059109/21/A1"],
                "quantityList": [{"epcClass": "https://nooluur.example/id/lot/2024-001", "quantity": 12.5, "uom": "KGM"}],
                "readPoint": {"id": "https://nooluur.example/id/household/42"},
                "bizTransactionList": [{"type": "po", "bizTransaction": "https://nooluur.example/po/1"}],
                "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/9506000134307"}],
                "destinationList": [{"type": "owning_party", "destination": "https://nooluur.example/id/coop/7"}],
                "sensorElementList": [{
                    "sensorMetadata": {"startTime": "2024-05-01T07:00:00+08:00", "endTime": "2024-05-01T07:30:00+08:00"},
                    "sensorReport": [{"type": "Mass", "minValue": 1, "maxValue": 2.5, "uom": "KGM", "hexBinaryValue": "0A0B", "component": "cbv:Comp-latitude"}]
                }],
                "persistentDisposition": {"set": ["completeness_verified"]},
                "ilmd": {"ext1:goatsCombed": 12},
                "ext1:colour": "white"
            },
            {
                "type": "AggregationEvent",
                "eventID": "urn:uuid:00000000-0000-4000-8000-000000000002",
                "eventTime": "2024-05-02T08:00:00Z",
                "eventTimeZoneOffset": "+08:00",
                "action": "ADD",
                "parentID": "https://id.gs1.org/00/106141412345678908",
                "childEPCs": ["https://id.gs1.org/01/09524000059109/21/A1"]
            },
            {
                "type": "TransformationEvent",
                "eventID": HASH,
                "eventTime": "2024-05-03T08:00:00.125+08:00",
                "eventTimeZoneOffset": "+08:00",
                "inputQuantityList": [{"epcClass": "https://nooluur.example/id/lot/2024-001", "quantity": 12.5, "uom": "KGM"}],
                "outputQuantityList": [{"epcClass": "https://nooluur.example/id/lot/2024-002", "quantity": 6, "uom": "KGM"}],
                "errorDeclaration": {"declarationTime": "2024-05-04T00:00:00Z", "reason": "incorrect_data", "correctiveEventIDs": [HASH]}
            }
        ]}
    })
}

pub(super) fn event_mut(doc: &mut Value, i: usize) -> &mut serde_json::Map<String, Value> {
    doc["epcisBody"]["eventList"][i].as_object_mut().unwrap()
}

/// The fixture with one change, expecting exactly one violation from the CBV layer only.
fn cbv_only(i: usize, change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Violation {
    let mut doc = fixture();
    change(event_mut(&mut doc, i));
    assert_eq!(
        schema_violations(&doc),
        vec![],
        "the change should be schema-valid"
    );
    let v = validate_json_document(&doc);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].location.event_index, Some(i));
    v.into_iter().next().unwrap()
}

/// The fixture with one change, expecting the schema layer to reject it.
fn schema_fails(
    i: usize,
    change: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Vec<Violation> {
    let mut doc = fixture();
    change(event_mut(&mut doc, i));
    let v = schema_violations(&doc);
    assert!(!v.is_empty());
    assert!(!is_schema_valid(&doc));
    v
}

fn field(v: &Violation) -> &str {
    v.location.field.as_deref().unwrap_or("")
}

#[test]
fn fixture_is_valid() {
    let doc = fixture();
    assert_eq!(validate_json_document(&doc), vec![]);
    assert!(is_schema_valid(&doc));
}

// ---- CBV rules ----------------------------------------------------------------------------

#[test]
fn cbv_iri_must_name_a_known_term() {
    let v = cbv_only(0, |e| {
        e.insert(
            "bizStep".into(),
            json!("https://ref.gs1.org/cbv/Bizstep-commissioning"),
        );
    });
    assert_eq!(field(&v), "/bizStep");
    assert!(
        v.message.contains("not a known CBV business step"),
        "{}",
        v.message
    );
    // The right spelling is fine.
    let mut doc = fixture();
    event_mut(&mut doc, 0).insert(
        "bizStep".into(),
        json!("https://ref.gs1.org/cbv/BizStep-commissioning"),
    );
    assert_eq!(validate_json_document(&doc), vec![]);
}

#[test]
fn cbv_curie_of_the_wrong_vocabulary() {
    let v = cbv_only(0, |e| {
        e.insert("disposition".into(), json!("cbv:BizStep-receiving"));
    });
    assert!(
        v.message
            .contains("names a CBV business step, not a disposition"),
        "{}",
        v.message
    );
    let v = cbv_only(0, |e| {
        e["sensorElementList"][0]["sensorReport"][0]["type"] = json!("gs1:Molar_concentration");
    });
    assert_eq!(field(&v), "/sensorElementList/0/sensorReport/0/type");
    let v = cbv_only(0, |e| {
        e["sourceList"][0]["type"] = json!("cbv:SDT-owner");
    });
    assert!(
        v.message.contains("source/destination type"),
        "{}",
        v.message
    );
}

#[test]
fn cbv_urns_in_json_ld_are_schema_errors() {
    let v = schema_fails(0, |e| {
        e.insert(
            "bizStep".into(),
            json!("urn:epcglobal:cbv:bizstep:commissioning"),
        );
    });
    assert!(
        v[0].message.contains("bare term 'commissioning'"),
        "{}",
        v[0].message
    );
}

#[test]
fn model_events_may_use_known_cbv_urns() {
    let mut e: Event =
        serde_json::from_value(fixture()["epcisBody"]["eventList"][0].clone()).unwrap();
    e.biz_step = Some("urn:epcglobal:cbv:bizstep:commissioning".into());
    e.disposition = Some("urn:epcglobal:cbv:disp:active".into());
    assert_eq!(validate_event(&e), vec![]);
    e.biz_step = Some("urn:epcglobal:cbv:bizstep:combing".into());
    let v = validate_event(&e);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(v[0].message.contains("not a known CBV business step"));
    e.biz_step = Some("urn:epcglobal:cbv:disp:active".into());
    let v = validate_event(&e);
    assert!(v[0].message.contains("names a CBV disposition"), "{v:#?}");
}

#[test]
fn bare_words_must_be_cbv_terms() {
    let v = schema_fails(0, |e| {
        e.insert("bizStep".into(), json!("combing"));
    });
    assert!(
        v[0].message.contains("not a CBV business step"),
        "{}",
        v[0].message
    );
    let v = schema_fails(0, |e| {
        e["sensorElementList"][0]["sensorReport"][0]["exception"] = json!("ALARM");
    });
    assert!(
        v[0].message.contains("sensor alert type"),
        "{}",
        v[0].message
    );
}

#[test]
fn check_digits() {
    let v = cbv_only(0, |e| {
        e.insert(
            "epcList".into(),
            json!(["https://id.gs1.org/01/09524000059108/21/A1"]),
        );
    });
    assert_eq!(field(&v), "/epcList/0");
    assert!(v.message.contains("check digit 8"), "{}", v.message);
    let v = cbv_only(1, |e| {
        e.insert(
            "parentID".into(),
            json!("https://id.gs1.org/00/106141412345678909"),
        );
    });
    assert!(v.message.contains("SSCC"), "{}", v.message);
    let v = cbv_only(0, |e| {
        e["sourceList"][0]["source"] = json!("https://id.gs1.org/417/9506000134308");
    });
    assert_eq!(field(&v), "/sourceList/0/source");
}

#[test]
fn event_time_zone_offset_and_times() {
    let v = schema_fails(0, |e| {
        e.insert("eventTimeZoneOffset".into(), json!("+8:00"));
    });
    assert!(v[0].message.contains("±hh:mm"));
    let v = schema_fails(0, |e| {
        e.insert("eventTime".into(), json!("2024-05-01T08:00:00"));
    });
    assert!(
        v[0].message.contains("has no time zone offset"),
        "{}",
        v[0].message
    );
    // RFC 3339 allows what EPCIS timestamps do not.
    let v = cbv_only(0, |e| {
        e.insert("eventTime".into(), json!("2024-05-01t08:00:00+08:00"));
    });
    assert!(v.message.contains("upper-case T"));
    let v = cbv_only(2, |e| {
        e["errorDeclaration"]["declarationTime"] = json!("2024-05-04T00:00:00+15:00");
    });
    assert_eq!(field(&v), "/errorDeclaration/declarationTime");
}

#[test]
fn error_declaration_shapes() {
    let v = schema_fails(2, |e| {
        e["errorDeclaration"]
            .as_object_mut()
            .unwrap()
            .remove("declarationTime");
    });
    assert!(v[0].message.contains("declarationTime"));
    let v = schema_fails(2, |e| {
        e["errorDeclaration"]["correctiveEventIDs"] = json!("urn:uuid:1");
    });
    assert!(v[0].message.contains("must be an array"));
    let v = cbv_only(2, |e| {
        e["errorDeclaration"]["correctiveEventIDs"] = json!(["ni:///sha-256;abc?ver=CBV2.0"]);
    });
    assert_eq!(field(&v), "/errorDeclaration/correctiveEventIDs/0");
    assert!(v.message.contains("64 hexadecimal digits"));
}

#[test]
fn quantities() {
    let v = cbv_only(0, |e| {
        e["quantityList"][0]["quantity"] = json!(-3);
    });
    assert_eq!(field(&v), "/quantityList/0/quantity");
    assert!(v.message.contains("negative"));
    let v = cbv_only(0, |e| {
        e["quantityList"][0]
            .as_object_mut()
            .unwrap()
            .remove("quantity");
    });
    assert!(v.message.contains("without a quantity"));
    let v = schema_fails(0, |e| {
        e["quantityList"][0]["uom"] = json!("kilogram");
    });
    assert_eq!(field(&v[0]), "/quantityList/0/uom");
    assert_eq!(
        v[0].message,
        "uom 'kilogram' is not a UN/CEFACT code (2–3 upper-case letters or digits, such as KGM)"
    );
}

#[test]
fn sensor_rules() {
    let r = "/sensorElementList/0/sensorReport/0";
    let v = cbv_only(0, |e| {
        e["sensorElementList"][0]["sensorReport"][0]["uom"] = json!("kg");
    });
    assert_eq!(field(&v), format!("{r}/uom"));
    let v = cbv_only(0, |e| {
        e["sensorElementList"][0]["sensorReport"][0]["minValue"] = json!(3);
    });
    assert!(v.message.contains("greater than maxValue"));
    let v = cbv_only(0, |e| {
        e["sensorElementList"][0]["sensorReport"][0]["hexBinaryValue"] = json!("0A0");
    });
    assert!(v.message.contains("odd number"));
    let v = cbv_only(0, |e| {
        e["sensorElementList"][0]["sensorMetadata"]["endTime"] = json!("2024-05-01T06:00:00+08:00");
    });
    assert_eq!(field(&v), "/sensorElementList/0/sensorMetadata/startTime");
    // Same instant in another offset: ordered by instant, not by text.
    let mut doc = fixture();
    event_mut(&mut doc, 0)["sensorElementList"][0]["sensorMetadata"]["endTime"] =
        json!("2024-04-30T23:30:00Z");
    assert_eq!(validate_json_document(&doc), vec![]);
}

#[test]
fn xsd_lists_are_not_empty() {
    for key in [
        "sourceList",
        "destinationList",
        "bizTransactionList",
        "sensorElementList",
    ] {
        let v = cbv_only(0, |e| {
            e.insert(key.into(), json!([]));
        });
        assert_eq!(field(&v), format!("/{key}"));
        assert!(v.message.contains("is empty"));
    }
}

#[test]
fn aggregation_needs_parent_unless_observing() {
    let v = cbv_only(1, |e| {
        e.remove("parentID");
    });
    assert!(v.message.contains("needs a parentID"));
    let mut doc = fixture();
    let e = event_mut(&mut doc, 1);
    e.remove("parentID");
    e.insert("action".into(), json!("OBSERVE"));
    assert_eq!(validate_json_document(&doc), vec![]);
}

#[test]
fn duplicate_event_ids_in_a_document() {
    let v = cbv_only(1, |e| {
        e.insert(
            "eventID".into(),
            json!("urn:uuid:00000000-0000-4000-8000-000000000001"),
        );
    });
    assert!(v.message.contains("also the eventID of event 1"));
}

// ---- schema rules -------------------------------------------------------------------------

#[test]
fn members_by_event_type() {
    let v = schema_fails(0, |e| {
        e.insert("colour".into(), json!("white"));
    });
    assert_eq!(field(&v[0]), "/colour");
    assert!(v[0].message.contains("'ext1:colour'"));
    let v = schema_fails(1, |e| {
        e.insert("ilmd".into(), json!({}));
    });
    assert!(v[0].message.contains("not a member of an AggregationEvent"));
    let v = schema_fails(0, |e| {
        e.remove("action");
    });
    assert!(
        v.iter()
            .any(|v| v.message.contains("required member 'action'"))
    );
    let v = schema_fails(0, |e| {
        e.insert("action".into(), json!("OBSERVE"));
    });
    assert!(
        v[0].message
            .contains("ilmd is only allowed when action is ADD")
    );
    let v = schema_fails(0, |e| {
        e.insert("epcList".into(), json!(["urn:x:1", "urn:x:1"]));
    });
    assert_eq!(field(&v[0]), "/epcList/1");
}

#[test]
fn what_events_must_name() {
    // Sensor readings at a read point are enough for an ObjectEvent...
    let mut doc = fixture();
    let e = event_mut(&mut doc, 0);
    e.remove("epcList");
    e.insert("quantityList".into(), json!([]));
    assert_eq!(schema_violations(&doc), vec![]);
    // ...but without them it must name objects.
    let v = schema_fails(0, |e| {
        e.remove("epcList");
        e.remove("sensorElementList");
        e.insert("quantityList".into(), json!([]));
    });
    assert!(v[0].message.contains("needs an epcList"));
    let v = schema_fails(2, |e| {
        e.remove("outputQuantityList");
    });
    assert!(v[0].message.contains("both inputs and outputs"));
    let mut doc = fixture();
    let e = event_mut(&mut doc, 2);
    e.remove("outputQuantityList");
    e.insert("transformationID".into(), json!("urn:uuid:7"));
    assert_eq!(validate_json_document(&doc), vec![]);
}

#[test]
fn documents_and_single_events() {
    let mut doc = fixture();
    doc.as_object_mut().unwrap().remove("@context");
    let v = schema_violations(&doc);
    assert_eq!(v.len(), 1);
    assert!(v[0].message.contains("'@context'"));
    assert_eq!(v[0].location.event_index, None);
    let mut event = fixture()["epcisBody"]["eventList"][1].clone();
    let v = schema_violations(&event);
    assert!(v[0].message.contains("needs an '@context'"), "{v:#?}");
    event["@context"] = json!("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
    assert_eq!(validate_json_document(&event), vec![]);
    assert!(!schema_violations(&json!([1])).is_empty());
    assert!(!schema_violations(&json!({"type": "Foo", "@context": "https://x.org/", "eventTime": "2024-05-01T08:00:00Z", "eventTimeZoneOffset": "+00:00"})).is_empty());
    assert!(schema_violations(&json!({"type": "ex:Foo", "@context": "https://x.org/", "eventTime": "2024-05-01T08:00:00Z", "eventTimeZoneOffset": "+00:00"})).is_empty());
}

#[test]
fn violations_name_event_and_field() {
    let v = schema_fails(2, |e| {
        e["outputQuantityList"][0]["uom"] = json!("kg");
    });
    let loc = &v[0].location;
    assert_eq!(loc.event_index, Some(2));
    assert_eq!(loc.event_id.as_deref(), Some(HASH));
    assert_eq!(loc.field.as_deref(), Some("/outputQuantityList/0/uom"));
    assert!(v[0].to_string().starts_with("event 3"), "{}", v[0]);
}

#[test]
fn violations_are_capped() {
    let mut doc = fixture();
    let bad = json!({"type": "ObjectEvent", "action": "ADD", "epcList": [], "eventTime": "x", "eventTimeZoneOffset": "y"});
    doc["epcisBody"]["eventList"] = Value::Array(vec![bad; 500]);
    let v = validate_json_document(&doc);
    assert_eq!(v.len(), MAX_VIOLATIONS + 1);
    assert!(v[MAX_VIOLATIONS].message.contains("only the first"));
}

#[test]
fn model_documents_check_every_event() {
    let events: Vec<Event> = fixture()["epcisBody"]["eventList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::from_value(e.clone()).unwrap())
        .collect();
    let mut doc = Document::capture(events, Default::default());
    assert_eq!(validate_document(&doc), vec![]);
    doc.events[1].event_id = doc.events[0].event_id.clone();
    doc.events[2].quantity_list = Some(vec![]);
    let v = validate_document(&doc);
    assert_eq!(v.len(), 2, "{v:#?}");
    assert_eq!(v[0].location.event_index, Some(2));
    assert!(v[1].message.contains("also the eventID"));
}

/// The schema's enumerations are the CBV tables of `crate::cbv`, term for term.
#[test]
fn schema_enums_are_the_cbv_tables() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/epcis/schema/json/EPCIS-JSON-Schema.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    let defs = &schema["definitions"];
    for (def, vocab) in [
        ("bizStep", crate::cbv::Vocab::BizStep),
        ("disposition", crate::cbv::Vocab::Disposition),
        ("bizTransaction-type", crate::cbv::Vocab::BizTransactionType),
        ("source-dest-type", crate::cbv::Vocab::SourceDestType),
        ("error-reason", crate::cbv::Vocab::ErrorReason),
        ("component", crate::cbv::Vocab::Component),
        ("measurementType", crate::cbv::Vocab::MeasurementType),
        ("sensorAlertType", crate::cbv::Vocab::SensorAlertType),
    ] {
        let mut schema_terms: Vec<&str> = defs[def]["anyOf"][1]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut ours: Vec<&str> = vocab.terms().iter().map(|(t, _)| *t).collect();
        schema_terms.sort_unstable();
        ours.sort_unstable();
        assert_eq!(schema_terms, ours, "{def}");
    }
}
