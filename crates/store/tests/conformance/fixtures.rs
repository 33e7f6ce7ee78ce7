//! Event fixtures built from the model (no codecs), and helpers.

use epcis::query::EventQuery;
use epcis::{Event, Namespaces};
use nooluur_store::{NewEvent, OrgId, PageRequest, Store, StoredEvent, Viewer};
use serde_json::{Value, json};

pub const EX: &str = "https://nooluur.example/voc/";

pub fn ns() -> Namespaces {
    let mut n = Namespaces::new();
    n.insert("ex", EX);
    n
}

pub fn event(v: Value) -> Event {
    serde_json::from_value(v).expect("fixture event")
}

/// An event ready to store, captured by `org`, with the `ex` namespace.
pub fn new_event(v: Value, org: i64) -> NewEvent {
    let mut e = event(v);
    if e.record_time.is_none() {
        e.record_time = Some("2024-01-01T00:00:00Z".into());
    }
    let id = e.event_id.clone().unwrap_or_default();
    NewEvent {
        event: e,
        hash_id: format!("ni:///sha-256;{}?ver=CBV2.0", id.replace(':', "")),
        namespaces: ns(),
        captured_by: OrgId(org),
        capture_id: None,
    }
}

/// A small ObjectEvent with the given id and time.
pub fn simple(id: &str, time: &str) -> Value {
    json!({
        "type": "ObjectEvent", "eventID": id, "eventTime": time,
        "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "receiving",
        "epcList": [format!("urn:epc:id:sgtin:0614141.107346.{}", id.len())],
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"}
    })
}

/// Event A: every kind of field.
pub fn event_a() -> Value {
    json!({
        "type": "ObjectEvent", "eventID": "urn:uuid:a",
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
                             "reason": "incorrect_data", "correctiveEventIDs": ["urn:uuid:c"],
                             "ex:note": "typo"},
        "sensorElementList": [{
            "sensorMetadata": {"time": "2021-03-01T09:00:00Z",
                               "startTime": "2021-03-01T08:00:00Z",
                               "endTime": "2021-03-01T09:30:00Z",
                               "deviceID": "urn:example:dev:1",
                               "bizRules": "https://example.com/rules", "ex:lab": "L1"},
            "sensorReport": [
                {"type": "Temperature", "value": 26.5, "uom": "CEL", "minValue": 20,
                 "maxValue": 30, "meanValue": 25, "sDev": 1.5, "percRank": 50,
                 "percValue": 25.5, "component": "x", "exception": "ALARM_CONDITION"},
                {"type": "ex:FibreDiameter", "value": 15.2, "uom": "4H",
                 "stringValue": "fine", "booleanValue": true, "hexBinaryValue": "cafe",
                 "uriValue": "https://example.com/u", "microorganism": "https://example.com/m",
                 "chemicalSubstance": "https://example.com/c",
                 "dataProcessingMethod": "https://example.com/dpm", "ex:method": "OFDA"}
            ],
            "ex:batch": "S1"
        }],
        "ilmd": {"ex:goats": 30, "ex:colour": {"ex:code": "white"}},
        "ex:season": "2021-03-01T00:00:00+08:00",
        "ex:grade": "A",
        "ex:weight": 12.5,
        "ex:box": {"ex:lab": "L1"}
    })
}

/// Event B: an aggregation with few fields, its child spelt as a GS1 Digital Link (what EPCIS
/// 2.0 clients send; `urn:epc:id:sgtin:0614141.107346.2018`), which EPC URN patterns must find.
pub fn event_b() -> Value {
    json!({
        "type": "AggregationEvent", "eventID": "urn:uuid:b",
        "eventTime": "1990-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
        "recordTime": "1990-01-01T00:00:00Z",
        "action": "OBSERVE",
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": ["https://id.gs1.org/01/10614141073464/21/2018"]
    })
}

/// `(parameter, value, matches A, matches B)`.
pub const CASES: &[(&str, &str, bool, bool)] = &[
    ("eventType", "ObjectEvent", true, false),
    (
        "eventType",
        "AggregationEvent|TransformationEvent",
        false,
        true,
    ),
    ("GE_eventTime", "2021-03-01T02:00:00Z", true, false),
    ("GE_eventTime", "2021-03-01T02:00:00.001Z", false, false),
    ("LT_eventTime", "2021-03-01T02:00:00.001Z", true, true),
    ("LT_eventTime", "1990-01-01T00:00:00Z", false, false),
    ("GE_recordTime", "2021-03-01T00:00:00Z", true, false),
    ("LT_recordTime", "2021-03-01T00:00:00Z", false, true),
    ("EQ_action", "ADD|DELETE", true, false),
    ("EQ_action", "OBSERVE", false, true),
    (
        "EQ_bizStep",
        "urn:epcglobal:cbv:bizstep:commissioning",
        true,
        false,
    ),
    ("EQ_bizStep", "shipping", false, false),
    (
        "EQ_disposition",
        "https://ref.gs1.org/cbv/Disp-active",
        true,
        false,
    ),
    ("EQ_disposition", "in_transit", false, false),
    (
        "EQ_persistentDisposition_set",
        "completeness_verified",
        true,
        false,
    ),
    ("EQ_persistentDisposition_set", "in_transit", false, false),
    ("EQ_persistentDisposition_unset", "in_transit", true, false),
    (
        "EQ_readPoint",
        "urn:epc:id:sgln:0614141.00777.0",
        true,
        false,
    ),
    (
        "WD_readPoint",
        "urn:epc:id:sgln:0614141.00777.0",
        true,
        false,
    ),
    (
        "EQ_readPoint",
        "urn:epc:id:sgln:0614141.00777.1",
        false,
        false,
    ),
    (
        "EQ_bizLocation",
        "https://nooluur.example/id/soum/42",
        true,
        false,
    ),
    (
        "WD_bizLocation",
        "https://nooluur.example/id/soum/43",
        false,
        false,
    ),
    ("EQ_transformationID", "urn:example:t", false, false),
    ("EQ_eventID", "urn:uuid:a,urn:uuid:b", true, true),
    ("EQ_eventID", "urn:uuid:z", false, false),
    (
        "MATCH_epc",
        "urn:epc:id:sgtin:0614141.107346.2017",
        true,
        false,
    ),
    (
        "MATCH_epc",
        "urn:epc:idpat:sgtin:0614141.107346.*",
        true,
        true,
    ),
    ("MATCH_epc", "urn:epc:idpat:sgtin:0614141.*.*", true, true),
    ("MATCH_epc", "urn:epc:idpat:sgtin:0614142.*.*", false, false),
    ("MATCH_epc", "urn:epc:idpat:sgtin:*.*.*", true, true),
    ("MATCH_epc", "urn:epc:idpat:sscc:*.*", false, false),
    ("MATCH_parentID", "urn:epc:idpat:sscc:*.*", false, true),
    // Keys are stored as Digital Links, which do not say how long their company prefix is: the
    // pattern's company prefix 061414 is read off the same digits (GS1 company prefixes are
    // allocated so that none is the start of another, so real keys never meet this).
    ("MATCH_parentID", "urn:epc:idpat:sscc:061414.*", false, true),
    (
        "MATCH_parentID",
        "urn:epc:idpat:sscc:061415.*",
        false,
        false,
    ),
    (
        "MATCH_epc",
        "urn:epc:id:sscc:0614141.1234567890",
        false,
        false,
    ),
    (
        "MATCH_parentID",
        "urn:epc:id:sscc:0614141.1234567890",
        false,
        true,
    ),
    (
        "MATCH_parentID",
        "urn:epc:idpat:sscc:0614141.*",
        false,
        true,
    ),
    (
        "MATCH_inputEPC",
        "urn:epc:id:sgtin:0614141.107346.2017",
        false,
        false,
    ),
    (
        "MATCH_outputEPC",
        "urn:epc:id:sgtin:0614141.107346.2017",
        false,
        false,
    ),
    (
        "MATCH_anyEPC",
        "urn:epc:id:sgtin:0614141.107346.2017",
        true,
        false,
    ),
    (
        "MATCH_anyEPC",
        "urn:epc:id:sscc:0614141.1234567890",
        false,
        true,
    ),
    (
        "MATCH_epcClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        true,
        false,
    ),
    (
        "MATCH_epcClass",
        "urn:epc:idpat:sgtin:4012345.012345.*",
        true,
        false,
    ),
    (
        "MATCH_inputEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        false,
        false,
    ),
    (
        "MATCH_outputEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        false,
        false,
    ),
    (
        "MATCH_anyEPCClass",
        "urn:epc:class:lgtin:4012345.012345.998877",
        true,
        false,
    ),
    ("EQ_quantity", "200.5", true, false),
    ("EQ_quantity", "200", false, false),
    ("GT_quantity", "200", true, false),
    ("GE_quantity", "200.5", true, false),
    ("LT_quantity", "200.5", false, false),
    ("LE_quantity", "200.5", true, false),
    ("EQ_quantity_KGM", "200.5", true, false),
    ("GT_quantity_LTR", "1", false, false),
    ("EXISTS_errorDeclaration", "", true, false),
    ("EXISTS_errorDeclaration", "false", true, true),
    (
        "GE_errorDeclarationTime",
        "2021-04-01T00:00:00Z",
        true,
        false,
    ),
    (
        "LT_errorDeclarationTime",
        "2021-04-01T00:00:00Z",
        false,
        false,
    ),
    (
        "EQ_errorReason",
        "urn:epcglobal:cbv:er:incorrect_data",
        true,
        false,
    ),
    ("EQ_errorReason", "did_not_occur", false, false),
    ("EQ_correctiveEventID", "urn:uuid:c", true, false),
    ("EQ_correctiveEventID", "urn:uuid:a", false, false),
    ("EQ_bizTransaction_po", "urn:example:po:7", true, false),
    ("EQ_bizTransaction_inv", "urn:example:po:7", false, false),
    (
        "EQ_source_owning_party",
        "urn:example:herder:9",
        true,
        false,
    ),
    (
        "EQ_source_possessing_party",
        "urn:example:herder:9",
        false,
        false,
    ),
    (
        "EQ_destination_owning_party",
        "urn:example:coop:1",
        true,
        false,
    ),
    (
        "EQ_destination_owning_party",
        "urn:example:herder:9",
        false,
        false,
    ),
    ("EXISTS_sensorElementList", "", true, false),
    ("EQ_type", "Temperature", true, false),
    ("EQ_type", "gs1:Humidity", false, false),
    ("EQ_deviceID", "urn:example:dev:1", true, false),
    ("EQ_deviceID", "urn:example:dev:2", false, false),
    (
        "EQ_dataProcessingMethod",
        "https://example.com/dpm",
        true,
        false,
    ),
    ("EQ_microorganism", "https://example.com/m", true, false),
    (
        "EQ_chemicalSubstance",
        "https://example.com/x",
        false,
        false,
    ),
    ("EQ_bizRules", "https://example.com/rules", true, false),
    ("EQ_stringValue", "fine", true, false),
    ("EQ_stringValue", "coarse", false, false),
    ("EQ_booleanValue", "true", true, false),
    ("EQ_booleanValue", "false", false, false),
    ("EQ_hexBinaryValue", "CAFE", true, false),
    ("EQ_hexBinaryValue", "beef", false, false),
    ("EQ_uriValue", "https://example.com/u", true, false),
    ("EQ_component", "x", true, false),
    ("EQ_exception", "ALARM_CONDITION", true, false),
    ("EQ_uom", "4H", true, false),
    ("EQ_value", "26.5", true, false),
    ("EQ_value_CEL", "15.2", false, false),
    ("GT_value_4H", "15", true, false),
    ("GE_value", "27", false, false),
    ("LT_value", "16", true, false),
    ("LE_value_CEL", "26", false, false),
    ("GE_minValue", "20", true, false),
    ("LT_maxValue", "30", false, false),
    ("GT_meanValue_CEL", "24", true, false),
    ("LE_sDev", "1.5", true, false),
    ("GE_percValue", "26", false, false),
    ("GE_percRank", "50", true, false),
    ("LT_percRank", "50", false, false),
    ("GE_time", "2021-03-01T09:00:00Z", true, false),
    ("LT_time", "2021-03-01T09:00:00Z", false, false),
    ("GE_startTime", "2021-03-01T08:00:00Z", true, false),
    ("LT_startTime", "2021-03-01T08:00:00Z", false, false),
    ("GE_endTime", "2021-03-01T09:30:01Z", false, false),
    ("LT_endTime", "2021-03-01T09:30:01Z", true, false),
    ("EQ_ex:grade", "A|B", true, false),
    ("EQ_https://nooluur.example/voc#grade", "A", true, false),
    ("EQ_ex:grade", "B", false, false),
    ("EQ_ex:weight", "12.5", true, false),
    ("GT_ex:weight", "12", true, false),
    ("LE_ex:weight", "12", false, false),
    ("GE_ex:season", "2021-02-28T16:00:00Z", true, false),
    ("LT_ex:season", "2021-02-28T16:00:00Z", false, false),
    ("EXISTS_ex:box", "", true, false),
    ("EXISTS_ex:lab", "", false, false),
    ("EXISTS_INNER_ex:lab", "", true, false),
    ("EQ_INNER_ex:lab", "L1", true, false),
    ("EQ_ILMD_ex:goats", "30", true, false),
    ("GT_ILMD_ex:goats", "30", false, false),
    ("LE_ILMD_ex:goats", "30", true, false),
    ("EXISTS_ILMD_ex:colour", "", true, false),
    ("EQ_INNER_ILMD_ex:code", "white", true, false),
    ("EQ_ILMD_ex:code", "white", false, false),
    ("EXISTS_INNER_ILMD_ex:goats", "", false, false),
    ("EQ_readPoint_ex:gate", "north", true, false),
    ("EQ_bizLocation_ex:gate", "north", false, false),
    ("EQ_ERROR_DECLARATION_ex:note", "typo", true, false),
    ("EQ_SENSORELEMENT_ex:batch", "S1", true, false),
    ("EQ_SENSORMETADATA_ex:lab", "L1", true, false),
    ("EQ_SENSORREPORT_ex:method", "OFDA", true, false),
    ("EXISTS_SENSORREPORT_ex:lab", "", false, false),
];

/// Every event of a query, all pages.
pub async fn all_pages(
    store: &dyn Store,
    q: &EventQuery,
    viewer: &Viewer,
    per_page: u32,
) -> Vec<StoredEvent> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = store
            .query_events(
                q,
                viewer,
                &PageRequest {
                    per_page: Some(per_page),
                    token: token.take(),
                },
            )
            .await
            .expect("query page");
        out.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

pub fn ids(events: &[StoredEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.event.event_id.clone().unwrap_or_default())
        .collect()
}

pub fn query(pairs: &[(&str, &str)]) -> EventQuery {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EventQuery::from_pairs_with(&pairs, &ns()).expect("query parses")
}
