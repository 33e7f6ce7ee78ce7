//! Unit tests of the capture profile: each tolerance of `capture.rs` (rejected by the strict
//! layers, accepted by `validate_for_capture`, and still checked inside), and the rules the
//! profile keeps.

use serde_json::{Map, Value, json};

use super::tests::{event_mut, fixture};
use super::*;

/// The fixture with one change to event `i`.
fn changed(i: usize, change: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut doc = fixture();
    change(event_mut(&mut doc, i));
    doc
}

/// The strict layers reject `doc`; the capture profile accepts it, and the reader reads it.
fn tolerated(doc: &Value) {
    assert!(
        !validate_json_document(doc).is_empty(),
        "the strict layers should reject this"
    );
    assert_eq!(validate_for_capture(doc), vec![]);
    assert!(crate::jsonld::parse_value(doc.clone()).is_ok());
}

/// The capture profile rejects `doc` with exactly one violation, at `field`.
fn rejected(doc: &Value, field: &str) -> Violation {
    let v = validate_for_capture(doc);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(
        v[0].location.field.as_deref().unwrap_or(""),
        field,
        "{v:#?}"
    );
    v.into_iter().next().unwrap()
}

#[test]
fn the_profile_accepts_what_the_strict_layers_accept() {
    assert_eq!(validate_for_capture(&fixture()), vec![]);
}

// ---- 1. node identifiers ------------------------------------------------------------------

#[test]
fn blank_node_identifiers() {
    let mut doc = fixture();
    doc["id"] = json!("_:document1");
    tolerated(&doc);
    tolerated(&changed(1, |e| {
        e.remove("eventID");
        e.insert("id".into(), json!("_:event1"));
    }));
    // Both name the node (`@id`): JSON-LD's "colliding keywords".
    rejected(
        &changed(1, |e| {
            e.insert("id".into(), json!("_:event1"));
        }),
        "/id",
    );
    // A URI is fine for the document (the schema says so) and the event alike.
    doc["id"] = json!("https://id.example.org/document1");
    assert_eq!(validate_for_capture(&doc), vec![]);
    doc["id"] = json!("_:");
    let v = rejected(&doc, "/id");
    assert!(v.message.contains("blank node"), "{}", v.message);
    // Locations are no JSON-LD nodes of the event: they need a URI.
    let doc = changed(0, |e| {
        e["readPoint"]["id"] = json!("_:somewhere");
    });
    rejected(&doc, "/readPoint/id");
}

#[test]
fn an_event_id_is_its_event_id() {
    let doc = changed(1, |e| {
        let id = e.remove("eventID").unwrap();
        e.insert("id".into(), id);
    });
    tolerated(&doc);
    let v = validate_for_capture(&changed(1, |e| {
        e.insert(
            "id".into(),
            json!("urn:uuid:00000000-0000-4000-8000-000000000009"),
        );
    }));
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(v[0].message.contains("both give the event's identifier"));
    rejected(
        &changed(1, |e| {
            e.remove("eventID");
            e.insert("id".into(), json!("not an id"));
        }),
        "/id",
    );
    // Checked as an eventID: hash-ID shape and uniqueness in the document.
    let v = rejected(
        &changed(1, |e| {
            e.remove("eventID");
            e.insert("id".into(), json!("ni:///sha-256;abc"));
        }),
        "/id",
    );
    assert!(v.message.contains("hash ID"), "{}", v.message);
    let v = rejected(
        &changed(1, |e| {
            e.remove("eventID");
            e.insert(
                "id".into(),
                json!("urn:uuid:00000000-0000-4000-8000-000000000001"),
            );
        }),
        "/eventID",
    );
    assert!(v.message.contains("also the eventID of event 1"));
    assert_eq!(
        v.location.event_id.as_deref(),
        Some("urn:uuid:00000000-0000-4000-8000-000000000001")
    );
}

// ---- 2. one-member sets ---------------------------------------------------------------------

#[test]
fn lone_values_stand_for_sets_of_one() {
    let lone = |key: &'static str| {
        changed(0, move |e| {
            let first = e[key][0].take();
            e.insert(key.into(), first);
        })
    };
    for key in [
        "epcList",
        "quantityList",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
    ] {
        let doc = lone(key);
        tolerated(&doc);
        let read = crate::jsonld::parse_value(doc).unwrap();
        assert!(
            serde_json::to_value(&read.events[0]).unwrap()[key].is_array(),
            "{key}"
        );
    }
    tolerated(&changed(0, |e| {
        e["persistentDisposition"]["set"] = json!("completeness_verified");
        let report = e["sensorElementList"][0]["sensorReport"][0].take();
        e["sensorElementList"][0]["sensorReport"] = report;
    }));
    tolerated(&changed(1, |e| {
        e["childEPCs"] = json!("https://id.gs1.org/01/09524000059109/21/A1");
    }));
    tolerated(&changed(2, |e| {
        e["errorDeclaration"]["correctiveEventIDs"] = e["eventID"].clone();
        let q = e["outputQuantityList"][0].take();
        e["outputQuantityList"] = q;
    }));
}

#[test]
fn a_lone_value_is_checked_as_the_item() {
    let v = rejected(
        &changed(0, |e| {
            e["sourceList"] =
                json!({"type": "owning_partyX", "source": "https://id.gs1.org/417/9506000134307"});
        }),
        "/sourceList/type",
    );
    assert!(v.message.contains("owning_partyX"));
    rejected(
        &changed(0, |e| {
            e["epcList"] = json!("https://id.gs1.org/01/09524000059108/21/A1");
        }),
        "/epcList",
    );
    rejected(
        &changed(0, |e| {
            e["quantityList"] =
                json!({"epcClass": "https://nooluur.example/id/lot/1", "quantity": -1});
        }),
        "/quantityList/quantity",
    );
    // A lone value names objects as a one-item list does; null is no set.
    tolerated(&changed(0, |e| {
        e.remove("epcList");
        let q = e["quantityList"][0].take();
        e["quantityList"] = q;
    }));
    rejected(
        &changed(0, |e| {
            e["epcList"] = Value::Null;
        }),
        "/epcList",
    );
}

#[test]
fn master_data_lists_stay_arrays() {
    let mut doc = fixture();
    doc["epcisHeader"] = json!({"epcisMasterData": {"vocabularyList": [{
        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
        "vocabularyElementList": [{"id": "urn:epc:id:sgln:0614141.00888.0", "children": "urn:epc:id:sgln:0614141.00888.1"}]
    }]}});
    rejected(
        &doc,
        "/epcisHeader/epcisMasterData/vocabularyList/0/vocabularyElementList/0/children",
    );
}

// ---- 3. persistentDisposition ---------------------------------------------------------------

#[test]
fn persistent_disposition_on_every_event_type() {
    tolerated(&changed(1, |e| {
        e.insert(
            "persistentDisposition".into(),
            json!({"unset": ["completeness_inferred"]}),
        );
    }));
    rejected(
        &changed(1, |e| {
            e.insert("persistentDisposition".into(), json!({"set": ["combed"]}));
        }),
        "/persistentDisposition/set/0",
    );
    rejected(
        &changed(1, |e| {
            e.insert("persistentDisposition".into(), json!({}));
        }),
        "/persistentDisposition",
    );
}

// ---- 4. sensor element type -----------------------------------------------------------------

#[test]
fn a_sensor_element_may_name_its_class() {
    for t in [
        "epcis:SensorElement",
        "SensorElement",
        "https://ref.gs1.org/epcis/SensorElement",
    ] {
        tolerated(&changed(0, |e| {
            e["sensorElementList"][0]["type"] = json!(t);
        }));
    }
    for t in [
        json!("epcis:SensorReport"),
        json!(["SensorElement"]),
        json!(1),
    ] {
        let v = rejected(
            &changed(0, |e| {
                e["sensorElementList"][0]["type"] = t;
            }),
            "/sensorElementList/0/type",
        );
        assert!(v.message.contains("epcis:SensorElement"));
    }
}

// ---- 5. header ------------------------------------------------------------------------------

#[test]
fn the_header_is_optional() {
    let mut doc = fixture();
    let o = doc.as_object_mut().unwrap();
    o.remove("schemaVersion");
    o.remove("creationDate");
    tolerated(&doc);
    for n in [json!(2), json!(2.0), json!(2.1)] {
        let mut doc = fixture();
        doc["schemaVersion"] = n;
        tolerated(&doc);
    }
    for (key, bad) in [
        ("schemaVersion", json!(-2)),
        ("schemaVersion", json!("v2")),
        ("schemaVersion", json!(true)),
        ("creationDate", json!("yesterday")),
    ] {
        let mut doc = fixture();
        doc[key] = bad;
        rejected(&doc, &format!("/{key}"));
    }
    for key in ["@context", "epcisBody"] {
        let mut doc = fixture();
        doc.as_object_mut().unwrap().remove(key);
        let v = validate_for_capture(&doc);
        assert!(v.iter().any(|v| v.message.contains(key)), "{v:#?}");
    }
}

// ---- 6. GS1 Web Vocabulary ------------------------------------------------------------------

#[test]
fn web_vocabulary_terms_beyond_the_context() {
    let report = |key: &'static str, value: &'static str| {
        changed(0, move |e| {
            e["sensorElementList"][0]["sensorReport"][0][key] = json!(value);
        })
    };
    for (key, value) in [
        ("type", "gs1:EffectiveDoseRate"),
        ("type", "https://gs1.org/voc/Molar_concentration"),
        ("exception", "gs1:SOME_NEW_CONDITION"),
        // Known terms in their IRI spelling, which the JSON Schema keeps for XML.
        ("type", "https://gs1.org/voc/Temperature"),
    ] {
        tolerated(&report(key, value));
    }
    let r = "/sensorElementList/0/sensorReport/0";
    // Bare words still name known terms, and the web vocabulary is open only where it holds
    // the standard's terms.
    rejected(&report("type", "EffectiveDoseRate"), &format!("{r}/type"));
    rejected(&report("type", "gs1:"), &format!("{r}/type"));
    rejected(
        &report("type", "http://gs1.org/voc/Speed"),
        &format!("{r}/type"),
    );
    rejected(
        &report("component", "gs1:x_axis"),
        &format!("{r}/component"),
    );
}

#[test]
fn the_cbv_namespace_is_closed() {
    for bad in [
        "https://ref.gs1.org/cbv/Bizstep-sensor_reporting",
        "cbv:BizStep-combing",
        "urn:epcglobal:cbv:bizstep:combing",
        "gs1:receiving",
        "combing",
    ] {
        let v = rejected(
            &changed(0, |e| {
                e["bizStep"] = json!(bad);
            }),
            "/bizStep",
        );
        assert!(v.message.contains(bad), "{}", v.message);
    }
    rejected(
        &changed(0, |e| {
            e["sensorElementList"][0]["sensorReport"][0]["component"] = json!("cbv:Comp-x_axis");
        }),
        "/sensorElementList/0/sensorReport/0/component",
    );
    // A user vocabulary is the user's own namespace.
    assert_eq!(
        validate_for_capture(&changed(0, |e| {
            e["bizStep"] = json!("https://nooluur.example/voc/combing");
        })),
        vec![]
    );
}

// ---- 7. where the XSD is wider --------------------------------------------------------------

#[test]
fn known_cbv_urns_and_reports_without_type() {
    tolerated(&changed(0, |e| {
        e["bizStep"] = json!("urn:epcglobal:cbv:bizstep:commissioning");
        e["disposition"] = json!("urn:epcglobal:cbv:disp:active");
        e["sourceList"][0]["type"] = json!("urn:epcglobal:cbv:sdt:owning_party");
    }));
    let v = rejected(
        &changed(0, |e| {
            e["disposition"] = json!("urn:epcglobal:cbv:bizstep:commissioning");
        }),
        "/disposition",
    );
    assert!(
        v.message.contains("names a CBV business step"),
        "{}",
        v.message
    );
    tolerated(&changed(0, |e| {
        let r = e["sensorElementList"][0]["sensorReport"][0]
            .as_object_mut()
            .unwrap();
        r.remove("type");
        r.insert("exception".into(), json!("ALARM_CONDITION"));
    }));
}

// ---- 8. declared prefixes -------------------------------------------------------------------

#[test]
fn extension_prefixes_declared_in_the_context() {
    let mut doc = changed(0, |e| {
        e.insert("example_2:grade".into(), json!("A"));
        e["ilmd"]["example_2:lot"] = json!(7);
    });
    assert!(validate_for_capture(&doc).len() == 2);
    doc["@context"][1]["example_2"] = json!("https://example.org/2/");
    tolerated(&doc);
    doc["@context"][1]["example_2"] = json!({"@id": "https://example.org/2/", "@prefix": true});
    tolerated(&doc);
    doc["@context"][1]["example_2"] = json!("not an IRI");
    assert_eq!(validate_for_capture(&doc).len(), 2);
}

// ---- what the profile keeps -----------------------------------------------------------------

#[test]
fn real_errors_stay_errors() {
    let v = rejected(
        &changed(0, |e| {
            e["action"] = json!("OBSERVE");
        }),
        "/ilmd",
    );
    assert!(v.message.contains("only allowed when action is ADD"));
    let v = rejected(
        &changed(0, |e| {
            let md = e["sensorElementList"][0]
                .as_object_mut()
                .unwrap()
                .remove("sensorMetadata")
                .unwrap();
            e["sensorElementList"][0]["sensorMetaData"] = md;
        }),
        "/sensorElementList/0/sensorMetaData",
    );
    assert!(
        v.message.contains("did you mean 'sensorMetadata'?"),
        "{}",
        v.message
    );
    let v = rejected(
        &changed(0, |e| {
            e.insert("myField".into(), json!("x"));
        }),
        "/myField",
    );
    assert!(v.message.contains("namespace-prefixed"));
    rejected(
        &changed(0, |e| {
            e["epcList"] = json!(["https://id.gs1.org/01/09524000059108/21/A1"]);
        }),
        "/epcList/0",
    );
    rejected(
        &changed(1, |e| {
            e.remove("parentID");
        }),
        "",
    );
}

// ---- the XML path ---------------------------------------------------------------------------

fn model_document(doc: Value) -> Document {
    crate::jsonld::parse_value(doc).unwrap()
}

#[test]
fn model_documents_take_the_same_profile() {
    let mut doc = changed(0, |e| {
        e["sensorElementList"][0]["type"] = json!("epcis:SensorElement");
        e.remove("eventID");
        e.insert("id".into(), json!("_:e1"));
    });
    event_mut(&mut doc, 1).insert(
        "persistentDisposition".into(),
        json!({"set": ["completeness_verified"]}),
    );
    event_mut(&mut doc, 0)["sensorElementList"][0]["sensorReport"][0]["type"] =
        json!("https://gs1.org/voc/EffectiveDoseRate");
    assert_eq!(validate_document(&model_document(doc)), vec![]);
    // An event `id` kept as a member counts among the document's eventIDs.
    let doc = changed(1, |e| {
        e.remove("eventID");
        e.insert(
            "id".into(),
            json!("urn:uuid:00000000-0000-4000-8000-000000000001"),
        );
    });
    let v = validate_document(&model_document(doc));
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(v[0].message.contains("also the eventID"));
    // Real errors stay errors here too.
    let doc = changed(0, |e| {
        e["bizStep"] = json!("https://ref.gs1.org/cbv/Bizstep-commissioning");
    });
    assert_eq!(validate_document(&model_document(doc)).len(), 1);
}

#[test]
fn unqualified_xml_elements_are_no_extensions() {
    let mut e: Event =
        serde_json::from_value(fixture()["epcisBody"]["eventList"][0].clone()).unwrap();
    e.extensions.insert("myField".into(), json!("x"));
    let v = validate_event(&e);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].message.contains("EPCIS 1.2 XSD reserves"),
        "{}",
        v[0].message
    );
    // An XML prefix that is no URI scheme is a qualified name, hence an extension.
    e.extensions.remove("myField");
    e.extensions.insert("example_2:field".into(), json!("x"));
    assert_eq!(validate_event(&e), vec![]);
}
