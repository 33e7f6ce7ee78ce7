//! No panic on any input: arbitrary JSON through every entry point, arbitrary strings
//! through the format checks.

use proptest::prelude::*;
use serde_json::Value;

use super::formats::{is_date_time, is_uri, is_xsd_date_time_stamp};
use super::gs1_keys::identifier_problem;
use super::{validate_for_capture, validate_json_document, validate_json_event};
use serde_json::json;

const NAMES: &[&str] = &[
    "type",
    "action",
    "eventTime",
    "eventTimeZoneOffset",
    "epcList",
    "quantityList",
    "uom",
    "quantity",
    "epcClass",
    "sensorElementList",
    "sensorReport",
    "sensorMetadata",
    "minValue",
    "maxValue",
    "startTime",
    "endTime",
    "hexBinaryValue",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "source",
    "destination",
    "bizTransaction",
    "readPoint",
    "id",
    "ilmd",
    "errorDeclaration",
    "correctiveEventIDs",
    "declarationTime",
    "reason",
    "persistentDisposition",
    "set",
    "unset",
    "parentID",
    "childEPCs",
    "inputEPCList",
    "outputQuantityList",
    "transformationID",
    "bizStep",
    "disposition",
    "eventID",
    "@context",
    "epcisBody",
    "eventList",
    "epcisHeader",
    "epcisMasterData",
    "vocabularyList",
    "vocabularyElementList",
    "attributes",
    "children",
    "queryResults",
    "resultsBody",
    "queryName",
    "component",
    "exception",
    "ext1:x",
    "example_2:x",
];
const WORDS: &[&str] = &[
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
    "EPCISDocument",
    "EPCISQueryDocument",
    "ADD",
    "OBSERVE",
    "DELETE",
    "KGM",
    "receiving",
    "urn:epcglobal:cbv:bizstep:x",
    "cbv:BizStep-receiving",
    "gs1:Temperature",
    "https://id.gs1.org/01/09524000059108",
    "https://id.gs1.org/253/123",
    "ni:///sha-256;ab",
    "2024-05-01T08:00:00Z",
    "2024-05-01T08:00:00",
    "+08:00",
    "0A0",
    "_:b1",
    "epcis:SensorElement",
    "gs1:EffectiveDoseRate",
    "https://gs1.org/voc/x",
    "urn:epcglobal:cbv:bizstep:receiving",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
        prop::sample::select(WORDS).prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        let key = prop_oneof![
            prop::sample::select(NAMES).prop_map(str::to_owned),
            "\\PC{0,8}"
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn validation_never_panics(v in json(), t in prop::sample::select(WORDS)) {
        let _ = validate_json_document(&v);
        let _ = validate_for_capture(&v);
        let _ = validate_json_event(&v, Some(0));
        let doc = json!({"type": "EPCISDocument", "@context": [{"example_2": "https://x.org/"}], "epcisBody": {"eventList": [v.clone()]}});
        let _ = validate_json_document(&doc);
        let _ = validate_for_capture(&doc);
        if let Value::Object(mut m) = v {
            m.insert("type".into(), Value::from(t));
            let event = Value::Object(m);
            let _ = validate_json_document(&event);
            let _ = validate_for_capture(&event);
            let doc = json!({"type": "EPCISQueryDocument", "epcisBody": {"queryResults": {"resultsBody": {"eventList": [event.clone()]}}}});
            let _ = validate_json_document(&doc);
            let _ = validate_for_capture(&doc);
            if let Ok(e) = serde_json::from_value::<crate::Event>(event) {
                let _ = super::validate_event(&e);
            }
        }
    }

    #[test]
    fn formats_never_panic(s in "\\PC{0,40}", b in prop::collection::vec(any::<u8>(), 0..40)) {
        let lossy = String::from_utf8_lossy(&b);
        for x in [s.as_str(), &lossy] {
            let _ = (is_uri(x), is_date_time(x), is_xsd_date_time_stamp(x), identifier_problem(x));
            let _ = identifier_problem(&format!("https://id.gs1.org/01/{x}"));
            let _ = identifier_problem(&format!("https://id.gs1.org/8003/{x}"));
        }
    }
}
