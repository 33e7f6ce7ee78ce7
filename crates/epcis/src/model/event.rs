//! The EPCIS 2.0 event, shaped after its JSON-LD binding.
//!
//! One flat struct serves all five event types: which fields a type may carry is a validation
//! rule (see `validate`), not a type-system rule, because the store, the hash and the indexes
//! treat every type alike and the JSON binding is flat too. Every list is `Option<Vec<_>>` so
//! that an empty list and an absent one stay distinct: nothing accepted is silently altered.
//!
//! User extensions live in the `extensions` maps, keyed by the compact IRI the document used
//! (`"ext1:float"`); the prefixes resolve through the document's namespaces, kept beside the
//! event (`Namespaces`). Values are kept as JSON values, so a round trip keeps them exactly.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// Extension members of an object: compact IRI key → JSON value.
pub type Extensions = Map<String, Value>;

/// The five standard event types; `Extended` carries the IRI of a user-defined type, which the
/// JSON Schema allows (`Extended-Event`) and the store keeps but does not index specially.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    ObjectEvent,
    AggregationEvent,
    TransactionEvent,
    TransformationEvent,
    AssociationEvent,
    Extended(String),
}

impl EventType {
    pub const STANDARD: [EventType; 5] = [
        EventType::ObjectEvent,
        EventType::AggregationEvent,
        EventType::TransactionEvent,
        EventType::TransformationEvent,
        EventType::AssociationEvent,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            EventType::ObjectEvent => "ObjectEvent",
            EventType::AggregationEvent => "AggregationEvent",
            EventType::TransactionEvent => "TransactionEvent",
            EventType::TransformationEvent => "TransformationEvent",
            EventType::AssociationEvent => "AssociationEvent",
            EventType::Extended(s) => s,
        }
    }

    pub fn parse(s: &str) -> EventType {
        match s {
            "ObjectEvent" => EventType::ObjectEvent,
            "AggregationEvent" => EventType::AggregationEvent,
            "TransactionEvent" => EventType::TransactionEvent,
            "TransformationEvent" => EventType::TransformationEvent,
            "AssociationEvent" => EventType::AssociationEvent,
            other => EventType::Extended(other.to_owned()),
        }
    }

    pub fn is_standard(&self) -> bool {
        !matches!(self, EventType::Extended(_))
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(EventType::parse(&s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    #[serde(rename = "ADD")]
    Add,
    #[serde(rename = "OBSERVE")]
    Observe,
    #[serde(rename = "DELETE")]
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Observe => "OBSERVE",
            Action::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "ADD" => Some(Action::Add),
            "OBSERVE" => Some(Action::Observe),
            "DELETE" => Some(Action::Delete),
            _ => None,
        }
    }
}

/// `certificationInfo` is a single URI or a list of URIs in EPCIS 2.0 JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CertificationInfo {
    One(String),
    Many(Vec<String>),
}

impl CertificationInfo {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let v: Vec<&str> = match self {
            CertificationInfo::One(s) => vec![s.as_str()],
            CertificationInfo::Many(v) => v.iter().map(String::as_str).collect(),
        };
        v.into_iter()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDeclaration {
    pub declaration_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        rename = "correctiveEventIDs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub corrective_event_ids: Option<Vec<String>>,
    #[serde(flatten)]
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityElement {
    pub epc_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uom: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PersistentDisposition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unset: Option<Vec<String>>,
}

/// `readPoint` and `bizLocation`: an identifier plus user extensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    #[serde(flatten)]
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BizTransaction {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub biz_transaction: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    #[serde(rename = "type")]
    pub kind: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    #[serde(rename = "type")]
    pub kind: String,
    pub destination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SensorMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(rename = "deviceID", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processing_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_rules: Option<String>,
    #[serde(flatten)]
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SensorReport {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    #[serde(rename = "deviceID", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processing_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_rules: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microorganism: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chemical_substance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinate_reference_system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_value: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_binary_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_value: Option<Number>,
    #[serde(rename = "sDev", default, skip_serializing_if = "Option::is_none")]
    pub s_dev: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perc_rank: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perc_value: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uom: Option<String>,
    #[serde(flatten)]
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SensorElement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor_metadata: Option<SensorMetadata>,
    #[serde(default)]
    pub sensor_report: Vec<SensorReport>,
    #[serde(flatten)]
    pub extensions: Extensions,
}

/// One EPCIS event of any type. Field names and shapes follow the EPCIS 2.0 JSON-LD binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// An event may carry its own `@context` (query results do); kept as given.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub event_type: EventType,
    #[serde(rename = "eventID", default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    pub event_time: String,
    pub event_time_zone_offset: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_info: Option<CertificationInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_declaration: Option<ErrorDeclaration>,

    #[serde(rename = "parentID", default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epc_list: Option<Vec<String>>,
    #[serde(rename = "childEPCs", default, skip_serializing_if = "Option::is_none")]
    pub child_epcs: Option<Vec<String>>,
    #[serde(
        rename = "inputEPCList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub input_epc_list: Option<Vec<String>>,
    #[serde(
        rename = "outputEPCList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub output_epc_list: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_list: Option<Vec<QuantityElement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_quantity_list: Option<Vec<QuantityElement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_quantity_list: Option<Vec<QuantityElement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_quantity_list: Option<Vec<QuantityElement>>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(
        rename = "transformationID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transformation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_disposition: Option<PersistentDisposition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_point: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_transaction_list: Option<Vec<BizTransaction>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_list: Option<Vec<Source>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_list: Option<Vec<Destination>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor_element_list: Option<Vec<SensorElement>>,
    /// Instance/lot master data: user fields only, so it is a plain map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ilmd: Option<Extensions>,

    /// Event-level user extensions (and `rdfs:comment`), keyed by compact IRI.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Event {
    /// A minimal event of the given type; the codecs and tests fill in the rest.
    pub fn new(event_type: EventType, event_time: &str, offset: &str) -> Event {
        Event {
            context: None,
            event_type,
            event_id: None,
            event_time: event_time.to_owned(),
            event_time_zone_offset: offset.to_owned(),
            record_time: None,
            certification_info: None,
            error_declaration: None,
            parent_id: None,
            epc_list: None,
            child_epcs: None,
            input_epc_list: None,
            output_epc_list: None,
            quantity_list: None,
            child_quantity_list: None,
            input_quantity_list: None,
            output_quantity_list: None,
            action: None,
            transformation_id: None,
            biz_step: None,
            disposition: None,
            persistent_disposition: None,
            read_point: None,
            biz_location: None,
            biz_transaction_list: None,
            source_list: None,
            destination_list: None,
            sensor_element_list: None,
            ilmd: None,
            extensions: Extensions::new(),
        }
    }

    /// Every EPC (instance-level identifier) the event names, with the role it plays.
    pub fn epcs(&self) -> impl Iterator<Item = (EpcRole, &str)> {
        let lists: [(EpcRole, &Option<Vec<String>>); 4] = [
            (EpcRole::Epc, &self.epc_list),
            (EpcRole::Child, &self.child_epcs),
            (EpcRole::Input, &self.input_epc_list),
            (EpcRole::Output, &self.output_epc_list),
        ];
        let parent = self.parent_id.as_deref().map(|p| (EpcRole::Parent, p));
        parent.into_iter().chain(
            lists
                .into_iter()
                .flat_map(|(role, l)| l.iter().flatten().map(move |e| (role, e.as_str()))),
        )
    }

    /// Every quantity element the event names, with the role of its list.
    pub fn quantities(&self) -> impl Iterator<Item = (EpcRole, &QuantityElement)> {
        let lists: [(EpcRole, &Option<Vec<QuantityElement>>); 4] = [
            (EpcRole::Epc, &self.quantity_list),
            (EpcRole::Child, &self.child_quantity_list),
            (EpcRole::Input, &self.input_quantity_list),
            (EpcRole::Output, &self.output_quantity_list),
        ];
        lists
            .into_iter()
            .flat_map(|(role, l)| l.iter().flatten().map(move |q| (role, q)))
    }

    /// All sensor reports with the element they belong to.
    pub fn sensor_reports(&self) -> impl Iterator<Item = (&SensorElement, &SensorReport)> {
        self.sensor_element_list
            .iter()
            .flatten()
            .flat_map(|el| el.sensor_report.iter().map(move |r| (el, r)))
    }
}

/// The role an identifier plays in an event, used by the MATCH_* query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EpcRole {
    /// `epcList` / `quantityList`
    Epc,
    /// `parentID`
    Parent,
    /// `childEPCs` / `childQuantityList`
    Child,
    /// `inputEPCList` / `inputQuantityList`
    Input,
    /// `outputEPCList` / `outputQuantityList`
    Output,
}

impl EpcRole {
    pub fn as_str(self) -> &'static str {
        match self {
            EpcRole::Epc => "epc",
            EpcRole::Parent => "parent",
            EpcRole::Child => "child",
            EpcRole::Input => "input",
            EpcRole::Output => "output",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_round_trips_through_json_with_extensions() {
        let text = r#"{
            "type": "ObjectEvent",
            "eventTime": "2005-04-05T02:33:31.116Z",
            "eventTimeZoneOffset": "-06:00",
            "epcList": [],
            "action": "OBSERVE",
            "bizStep": "receiving",
            "readPoint": {"id": "urn:epc:id:sgln:0012345.11111.400", "ext1:x": {"ext1:y": "1"}},
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200.5, "uom": "KGM"}],
            "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 26, "booleanValue": true}], "ext1:s": "t"}],
            "ext1:float": "20",
            "ext1:n": 20.0
        }"#;
        let v: Value = serde_json::from_str(text).unwrap();
        let e: Event = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(e.epc_list.as_deref(), Some(&[][..]));
        assert_eq!(e.extensions.len(), 2);
        assert_eq!(serde_json::to_value(&e).unwrap(), v);
        let roles: Vec<_> = e
            .quantities()
            .map(|(r, q)| (r, q.epc_class.as_str()))
            .collect();
        assert_eq!(roles.len(), 1);
    }

    #[test]
    fn extended_event_type_is_kept() {
        let e: Event = serde_json::from_str(
            r#"{"type":"ex:MyEvent","eventTime":"2020-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00"}"#,
        )
        .unwrap();
        assert_eq!(e.event_type, EventType::Extended("ex:MyEvent".into()));
        assert!(!e.event_type.is_standard());
    }
}
