//! Parsing and in-memory matching of SimpleEventQuery parameters.

use serde_json::{Value, json};

use super::*;

fn q(pairs: &[(&str, &str)]) -> Result<EventQuery, QueryError> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EventQuery::from_pairs(&pairs)
}

fn ev(v: Value) -> Event {
    serde_json::from_value(v).unwrap()
}

fn ns() -> Namespaces {
    let mut n = Namespaces::new();
    n.insert("ex", "https://nooluur.example/voc/");
    n
}

fn sample() -> Event {
    ev(json!({
        "type": "ObjectEvent", "eventID": "urn:uuid:1",
        "eventTime": "2021-03-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "recordTime": "2021-03-02T00:00:00Z",
        "action": "ADD", "bizStep": "commissioning", "disposition": "active",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                          "quantity": 200.5, "uom": "KGM"}],
        "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0", "ex:gate": "north"},
        "bizLocation": {"id": "https://nooluur.example/id/soum/42"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:example:po:7"}],
        "sourceList": [{"type": "owning_party", "source": "urn:example:herder:9"}],
        "destinationList": [{"type": "owning_party", "destination": "urn:example:coop:1"}],
        "persistentDisposition": {"set": ["completeness_verified"], "unset": ["in_transit"]},
        "errorDeclaration": {"declarationTime": "2021-04-01T00:00:00Z",
                             "reason": "incorrect_data", "correctiveEventIDs": ["urn:uuid:2"]},
        "sensorElementList": [{
            "sensorMetadata": {"time": "2021-03-01T09:00:00Z", "startTime": "2021-03-01T08:00:00Z",
                               "endTime": "2021-03-01T09:30:00Z", "deviceID": "urn:example:dev:1",
                               "bizRules": "https://example.com/rules"},
            "sensorReport": [
                {"type": "Temperature", "value": 26.5, "uom": "CEL", "minValue": 20, "maxValue": 30,
                 "meanValue": 25, "sDev": 1.5, "percRank": 50, "percValue": 25.5,
                 "component": "x", "exception": "ALARM_CONDITION"},
                {"type": "ex:FibreDiameter", "value": 15.2, "uom": "4H",
                 "stringValue": "fine", "booleanValue": true, "hexBinaryValue": "cafe",
                 "uriValue": "https://example.com/u", "microorganism": "https://example.com/m",
                 "chemicalSubstance": "https://example.com/c",
                 "dataProcessingMethod": "https://example.com/dpm"}
            ]
        }],
        "ilmd": {"ex:goats": 30, "ex:colour": {"ex:code": "white"}},
        "ex:season": "2021-03-01T00:00:00+08:00",
        "ex:grade": "A",
        "ex:weight": 12.5,
        "ex:batch": {"ex:lab": "L1"}
    }))
}

/// `(parameter, value, matches the sample?)`
const CASES: &[(&str, &str, bool)] = &[
    ("eventType", "ObjectEvent", true),
    ("eventType", "AggregationEvent|TransformationEvent", false),
    ("GE_eventTime", "2021-03-01T02:00:00Z", true),
    ("GE_eventTime", "2021-03-01T02:00:00.001Z", false),
    ("LT_eventTime", "2021-03-01T02:00:00.001Z", true),
    ("LT_eventTime", "2021-03-01T10:00:00+08:00", false),
    ("GE_recordTime", "2021-03-01T00:00:00Z", true),
    ("LT_recordTime", "2021-03-01T00:00:00Z", false),
    ("EQ_action", "ADD|DELETE", true),
    ("EQ_action", "OBSERVE", false),
    (
        "EQ_bizStep",
        "urn:epcglobal:cbv:bizstep:commissioning",
        true,
    ),
    ("EQ_bizStep", "shipping", false),
    (
        "EQ_disposition",
        "https://ref.gs1.org/cbv/Disp-active",
        true,
    ),
    ("EQ_disposition", "in_transit", false),
    (
        "EQ_persistentDisposition_set",
        "completeness_verified",
        true,
    ),
    ("EQ_persistentDisposition_set", "in_transit", false),
    ("EQ_persistentDisposition_unset", "in_transit", true),
    ("EQ_readPoint", "urn:epc:id:sgln:0614141.00777.0", true),
    ("WD_readPoint", "urn:epc:id:sgln:0614141.00777.0", true),
    ("EQ_readPoint", "urn:epc:id:sgln:0614141.00777.1", false),
    ("EQ_bizLocation", "https://nooluur.example/id/soum/42", true),
    (
        "WD_bizLocation",
        "https://nooluur.example/id/soum/43",
        false,
    ),
    ("EQ_transformationID", "urn:example:t", false),
    ("EQ_eventID", "urn:uuid:1,urn:uuid:3", true),
    ("EQ_eventID", "urn:uuid:3", false),
    ("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.2017", true),
    ("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*", true),
    ("MATCH_epc", "urn:epc:idpat:sgtin:0614141.*.*", true),
    ("MATCH_epc", "urn:epc:idpat:sgtin:0614142.*.*", false),
    (
        "MATCH_parentID",
        "urn:epc:id:sgtin:0614141.107346.2017",
        false,
    ),
    (
        "MATCH_inputEPC",
        "urn:epc:id:sgtin:0614141.107346.2017",
        false,
    ),
    (
        "MATCH_outputEPC",
        "urn:epc:id:sgtin:0614141.107346.2017",
        false,
    ),
    ("MATCH_anyEPC", "urn:epc:id:sgtin:0614141.107346.2017", true),
    (
        "MATCH_epcClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        true,
    ),
    (
        "MATCH_epcClass",
        "urn:epc:idpat:sgtin:4012345.012345.*",
        true,
    ),
    (
        "MATCH_inputEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        false,
    ),
    (
        "MATCH_outputEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        false,
    ),
    (
        "MATCH_anyEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        true,
    ),
    ("EQ_quantity", "200.5", true),
    ("EQ_quantity", "200", false),
    ("GT_quantity", "200", true),
    ("GE_quantity", "200.5", true),
    ("LT_quantity", "200.5", false),
    ("LE_quantity", "200.5", true),
    ("EQ_quantity_KGM", "200.5", true),
    ("GT_quantity_LTR", "1", false),
    ("EXISTS_errorDeclaration", "", true),
    ("EXISTS_errorDeclaration", "false", true),
    ("GE_errorDeclarationTime", "2021-04-01T00:00:00Z", true),
    ("LT_errorDeclarationTime", "2021-04-01T00:00:00Z", false),
    (
        "EQ_errorReason",
        "urn:epcglobal:cbv:er:incorrect_data",
        true,
    ),
    ("EQ_errorReason", "did_not_occur", false),
    ("EQ_correctiveEventID", "urn:uuid:2", true),
    ("EQ_correctiveEventID", "urn:uuid:1", false),
    ("EQ_bizTransaction_po", "urn:example:po:7", true),
    ("EQ_bizTransaction_inv", "urn:example:po:7", false),
    ("EQ_source_owning_party", "urn:example:herder:9", true),
    ("EQ_source_possessing_party", "urn:example:herder:9", false),
    ("EQ_destination_owning_party", "urn:example:coop:1", true),
    ("EQ_destination_owning_party", "urn:example:herder:9", false),
    ("EXISTS_sensorElementList", "", true),
    ("EQ_type", "Temperature", true),
    ("EQ_type", "gs1:Humidity", false),
    ("EQ_deviceID", "urn:example:dev:1", true),
    ("EQ_deviceID", "urn:example:dev:2", false),
    ("EQ_dataProcessingMethod", "https://example.com/dpm", true),
    ("EQ_microorganism", "https://example.com/m", true),
    ("EQ_chemicalSubstance", "https://example.com/x", false),
    ("EQ_bizRules", "https://example.com/rules", true),
    ("EQ_stringValue", "fine", true),
    ("EQ_stringValue", "coarse", false),
    ("EQ_booleanValue", "true", true),
    ("EQ_booleanValue", "false", false),
    ("EQ_hexBinaryValue", "CAFE", true),
    ("EQ_hexBinaryValue", "beef", false),
    ("EQ_uriValue", "https://example.com/u", true),
    ("EQ_component", "x", true),
    ("EQ_exception", "ALARM_CONDITION", true),
    ("EQ_uom", "4H", true),
    ("EQ_value", "26.5", true),
    ("EQ_value_CEL", "15.2", false),
    ("GT_value_4H", "15", true),
    ("GE_value", "27", false),
    ("LT_value", "16", true),
    ("LE_value_CEL", "26", false),
    ("GE_minValue", "20", true),
    ("LT_maxValue", "30", false),
    ("GT_meanValue_CEL", "24", true),
    ("LE_sDev", "1.5", true),
    ("GE_percValue", "26", false),
    ("GE_percRank", "50", true),
    ("LT_percRank", "50", false),
    ("GE_time", "2021-03-01T09:00:00Z", true),
    ("LT_time", "2021-03-01T09:00:00Z", false),
    ("GE_startTime", "2021-03-01T08:00:00Z", true),
    ("LT_startTime", "2021-03-01T08:00:00Z", false),
    ("GE_endTime", "2021-03-01T09:30:01Z", false),
    ("LT_endTime", "2021-03-01T09:30:01Z", true),
    ("EQ_ex:grade", "A|B", true),
    ("EQ_https://nooluur.example/voc#grade", "A", true),
    ("EQ_ex:grade", "B", false),
    ("EQ_ex:weight", "12.5", true),
    ("GT_ex:weight", "12", true),
    ("LE_ex:weight", "12", false),
    ("GE_ex:season", "2021-02-28T16:00:00Z", true),
    ("LT_ex:season", "2021-02-28T16:00:00Z", false),
    ("EXISTS_ex:batch", "", true),
    ("EXISTS_ex:lab", "", false),
    ("EXISTS_INNER_ex:lab", "", true),
    ("EQ_INNER_ex:lab", "L1", true),
    ("EQ_ILMD_ex:goats", "30", true),
    ("GT_ILMD_ex:goats", "30", false),
    ("EXISTS_ILMD_ex:colour", "", true),
    ("EQ_INNER_ILMD_ex:code", "white", true),
    ("EQ_ILMD_ex:code", "white", false),
    ("EXISTS_INNER_ILMD_ex:goats", "", false),
    ("EQ_readPoint_ex:gate", "north", true),
    ("EQ_bizLocation_ex:gate", "north", false),
    ("EXISTS_SENSORREPORT_ex:x", "", false),
];

#[test]
fn every_parameter_positive_and_negative() {
    let e = sample();
    let mut failures = Vec::new();
    for (param, value, expect) in CASES {
        let pairs = vec![(param.to_string(), value.to_string())];
        let query = EventQuery::from_pairs_with(&pairs, &ns())
            .unwrap_or_else(|err| panic!("{param}={value}: {err}"));
        if query.matches_in(&e, &ns()) != *expect {
            failures.push(format!("{param}={value} should be {expect}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn undeclared_query_prefix_resolves_through_the_event() {
    let query = q(&[("EQ_ex:grade", "A")]).unwrap();
    assert!(query.matches_in(&sample(), &ns()));
    let mut other = Namespaces::new();
    other.insert("ex", "https://elsewhere.example/");
    assert!(query.matches_in(&sample(), &other));
    // A query that declares the prefix names one namespace only.
    let declared =
        EventQuery::from_pairs_with(&[("EQ_ex:grade".into(), "A".into())], &ns()).unwrap();
    assert!(declared.matches_in(&sample(), &ns()));
    assert!(!declared.matches_in(&sample(), &other));
    // With no namespaces at all the compact names are compared as written.
    assert!(query.matches(&sample()));
}

#[test]
fn conditions_are_conjunctive() {
    let e = sample();
    let yes = q(&[("EQ_action", "ADD"), ("EQ_bizStep", "commissioning")]).unwrap();
    assert!(yes.matches(&e));
    let no = q(&[("EQ_action", "ADD"), ("EQ_bizStep", "shipping")]).unwrap();
    assert!(!no.matches(&e));
    assert!(EventQuery::all().matches(&e));
}

#[test]
fn bad_parameters_name_themselves() {
    let bad: &[(&str, &str)] = &[
        ("EQ_action", "ADDED"),
        ("GE_eventTime", "yesterday"),
        ("GE_eventTime", "2021-01-01T00:00:00"),
        ("GT_quantity", "lots"),
        ("EQ_quantity", "1|x"),
        ("orderDirection", "UP"),
        ("eventCountLimit", "-1"),
        ("maxEventCount", "many"),
        ("EQ_booleanValue", "yes"),
        ("MATCH_epc", "urn:epc:idpat:sgtin:1.*.2"),
        ("EQ_bizStep", ""),
        ("EQ_bizStep", "a||b"),
        ("HASATTR_bizLocation", "x"),
        ("EQATTR_bizLocation_attr", "x"),
        ("EQ_nonsense", "1"),
        ("frobnicate", "1"),
        ("GT_ex:weight", "heavy"),
        ("orderBy", "weight"),
        ("EXISTS_errorDeclaration", "perhaps"),
        ("EQ_bizTransaction_", "x"),
        ("GE_\u{e9}t", "1"),
    ];
    for (param, value) in bad {
        let err = q(&[(param, value)]).expect_err(&format!("{param}={value} should fail"));
        assert_eq!(err.param, *param);
    }
    let dup = q(&[("EQ_action", "ADD"), ("EQ_action", "DELETE")]).unwrap_err();
    assert_eq!(dup.param, "EQ_action");
    let both = q(&[
        ("eventCountLimit", "1"),
        ("maxEventCount", "2"),
        ("orderBy", "eventTime"),
    ]);
    assert!(both.is_err());
    assert!(q(&[("eventCountLimit", "1")]).is_err());
}

#[test]
fn order_and_limits() {
    let query = q(&[("orderBy", "eventTime"), ("eventCountLimit", "3")]).unwrap();
    assert_eq!(query.order_by, Some(OrderKey::EventTime));
    assert_eq!(query.order_direction, Direction::Desc);
    assert_eq!(query.event_count_limit, Some(3));
    let query = q(&[("orderBy", "ex:weight"), ("orderDirection", "ASC")]).unwrap();
    assert!(matches!(query.order_by, Some(OrderKey::Field(_))));
    assert_eq!(query.order_direction, Direction::Asc);
    let query = q(&[
        ("maxEventCount", "10"),
        ("perPage", "5"),
        ("nextPageToken", "x"),
    ])
    .unwrap();
    assert_eq!(query.max_event_count, Some(10));
    assert!(query.conditions.is_empty());
}

#[test]
fn json_queries() {
    let body = json!({
        "@context": [{"ex": "https://nooluur.example/voc/"}],
        "eventType": ["ObjectEvent"],
        "EQ_bizStep": ["commissioning", "receiving"],
        "GE_eventTime": "2021-01-01T00:00:00Z",
        "GT_quantity": 100,
        "EQ_quantity_KGM": [200.5],
        "EXISTS_errorDeclaration": null,
        "EQ_booleanValue": true,
        "EQ_ILMD_ex:goats": 30,
        "GE_ex:season": "2021-02-01T00:00:00Z",
        "maxEventCount": 50
    });
    let query = EventQuery::from_json(&body).unwrap();
    assert!(query.matches_in(&sample(), &ns()), "{query:#?}");
    assert_eq!(query.max_event_count, Some(50));
    let body = json!({"EQ_bizStep": ["shipping"]});
    assert!(!EventQuery::from_json(&body).unwrap().matches(&sample()));
    assert!(EventQuery::from_json(&json!([1])).is_err());
    let err = EventQuery::from_json(&json!({"EQ_action": [1]})).unwrap_err();
    assert_eq!(err.param, "EQ_action");
    let err = EventQuery::from_json(&json!({"EQ_bizStep": {"a": 1}})).unwrap_err();
    assert_eq!(err.param, "EQ_bizStep");
}

#[test]
fn absent_fields_never_match() {
    let bare = ev(json!({
        "type": "TransformationEvent", "eventTime": "2021-03-01T10:00:00Z",
        "eventTimeZoneOffset": "+00:00"
    }));
    for (param, value, _) in CASES {
        if matches!(*param, "eventType" | "GE_eventTime" | "LT_eventTime") || *value == "false" {
            continue;
        }
        let query =
            EventQuery::from_pairs_with(&[(param.to_string(), value.to_string())], &ns()).unwrap();
        assert!(!query.matches_in(&bare, &ns()), "{param}={value}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsing_never_panics(k in "\\PC{0,40}", v in "\\PC{0,60}") {
            let _ = EventQuery::from_pairs(&[(k, v)]);
        }

        #[test]
        fn parsing_known_names_never_panics(
            k in prop::sample::select(CASES.iter().map(|c| c.0).collect::<Vec<_>>()),
            v in "\\PC{0,60}",
        ) {
            if let Ok(query) = EventQuery::from_pairs(&[(k.to_owned(), v)]) {
                let _ = query.matches(&sample());
            }
        }

        #[test]
        fn json_never_panics(v in any::<i64>(), s in "\\PC{0,20}") {
            for body in [json!({s.clone(): v}), json!({s.clone(): [s.clone()]}), json!({s: null})] {
                let _ = EventQuery::from_json(&body);
            }
        }
    }
}
