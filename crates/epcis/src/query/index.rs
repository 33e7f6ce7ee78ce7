//! An event flattened for querying: its single-valued columns and its index rows. The store
//! writes exactly these; [`super::EventQuery::matches`] evaluates over exactly these.

use serde_json::{Map, Value};

use super::Kind;
use super::fields::{FieldScope, member_key};
use super::values::{parse_number, time_micros};
use crate::Namespaces;
use crate::cbv::Vocab;
use crate::id;
use crate::model::{EpcRole, Event, SensorMetadata, SensorReport};

/// The single-valued, canonical columns of an event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventColumns {
    pub event_id: Option<String>,
    pub event_type: String,
    /// µs since the epoch; `None` when the stored text does not parse (never for validated
    /// events).
    pub event_time: Option<i64>,
    pub record_time: Option<i64>,
    pub action: Option<&'static str>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub transformation_id: Option<String>,
}

/// One multi-valued fact of an event. What `name`, `text`, `num` and `time` hold depends on
/// the [`Kind`]; see its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    pub kind: Kind,
    /// A qualifier (field key, transaction/source type); empty when the kind has none.
    pub name: String,
    pub text: Option<String>,
    pub num: Option<f64>,
    pub time: Option<i64>,
}

/// An event as the query sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexedEvent {
    pub columns: EventColumns,
    pub rows: Vec<IndexRow>,
}

/// Flattens an event whose extension prefixes resolve through `ns`.
pub fn index_event(e: &Event, ns: &Namespaces) -> IndexedEvent {
    let canon = |s: &String| id::canonical(s);
    let columns = EventColumns {
        event_id: e.event_id.clone(),
        event_type: e.event_type.as_str().to_owned(),
        event_time: time_micros(&e.event_time),
        record_time: e.record_time.as_deref().and_then(time_micros),
        action: e.action.map(|a| a.as_str()),
        biz_step: e.biz_step.as_deref().map(|v| Vocab::BizStep.canonical(v)),
        disposition: e
            .disposition
            .as_deref()
            .map(|v| Vocab::Disposition.canonical(v)),
        read_point: e.read_point.as_ref().map(|l| canon(&l.id)),
        biz_location: e.biz_location.as_ref().map(|l| canon(&l.id)),
        transformation_id: e.transformation_id.as_ref().map(canon),
    };
    let mut rows = Rows::default();
    for (role, epc) in e.epcs() {
        let kind = match role {
            EpcRole::Epc => Kind::Epc,
            EpcRole::Parent => Kind::Parent,
            EpcRole::Child => Kind::Child,
            EpcRole::Input => Kind::Input,
            EpcRole::Output => Kind::Output,
        };
        rows.identifier(kind, epc);
    }
    for (role, q) in e.quantities() {
        let kind = match role {
            EpcRole::Epc | EpcRole::Parent => Kind::Class,
            EpcRole::Child => Kind::ChildClass,
            EpcRole::Input => Kind::InputClass,
            EpcRole::Output => Kind::OutputClass,
        };
        // The quantity and its unit ride on the class row (num, name) rather than on a row of
        // their own: one row and one heap tuple less per quantity element, which capture pays
        // for on every event (BENCHMARKS.md, fifteenth session).
        let amount = q.quantity.as_ref().and_then(finite);
        let unit = amount.and(q.uom.as_deref()).unwrap_or_default();
        rows.identifier(kind, &q.epc_class);
        if let Some(row) = rows.0.last_mut() {
            row.name = unit.to_owned();
            row.num = amount;
        }
    }
    for t in e.biz_transaction_list.iter().flatten() {
        let kind = t
            .kind
            .as_deref()
            .map(|k| Vocab::BizTransactionType.canonical(k))
            .unwrap_or_default();
        rows.text(
            Kind::BizTransaction,
            &kind,
            id::canonical(&t.biz_transaction),
        );
    }
    for s in e.source_list.iter().flatten() {
        let kind = Vocab::SourceDestType.canonical(&s.kind);
        rows.text(Kind::Source, &kind, id::canonical(&s.source));
    }
    for d in e.destination_list.iter().flatten() {
        let kind = Vocab::SourceDestType.canonical(&d.kind);
        rows.text(Kind::Destination, &kind, id::canonical(&d.destination));
    }
    if let Some(pd) = &e.persistent_disposition {
        for v in pd.set.iter().flatten() {
            rows.text(Kind::PersistentSet, "", Vocab::Disposition.canonical(v));
        }
        for v in pd.unset.iter().flatten() {
            rows.text(Kind::PersistentUnset, "", Vocab::Disposition.canonical(v));
        }
    }
    if let Some(ed) = &e.error_declaration {
        let reason = ed
            .reason
            .as_deref()
            .map(|r| Vocab::ErrorReason.canonical(r));
        let time = time_micros(&ed.declaration_time);
        rows.push(Kind::ErrorDeclaration, "", reason, None, time);
        for c in ed.corrective_event_ids.iter().flatten() {
            rows.text(Kind::CorrectiveEventId, "", c.clone());
        }
        rows.fields(FieldScope::ErrorDeclaration, &ed.extensions, ns);
    }
    if let Some(l) = &e.read_point {
        rows.fields(FieldScope::ReadPoint, &l.extensions, ns);
    }
    if let Some(l) = &e.biz_location {
        rows.fields(FieldScope::BizLocation, &l.extensions, ns);
    }
    if let Some(list) = e.sensor_element_list.as_ref().filter(|l| !l.is_empty()) {
        rows.push(Kind::SensorElements, "", None, None, None);
        for el in list {
            rows.fields(FieldScope::SensorElement, &el.extensions, ns);
            if let Some(m) = &el.sensor_metadata {
                rows.sensor_metadata(m, ns);
            }
            for r in &el.sensor_report {
                rows.sensor_report(r, ns);
            }
        }
    }
    if let Some(ilmd) = &e.ilmd {
        rows.fields(FieldScope::Ilmd, ilmd, ns);
    }
    rows.fields(FieldScope::Event, &e.extensions, ns);
    IndexedEvent {
        columns,
        rows: rows.0,
    }
}

fn finite(n: &serde_json::Number) -> Option<f64> {
    n.as_f64().filter(|f| f.is_finite())
}

#[derive(Default)]
struct Rows(Vec<IndexRow>);

impl Rows {
    fn push(
        &mut self,
        kind: Kind,
        name: &str,
        text: Option<String>,
        num: Option<f64>,
        time: Option<i64>,
    ) {
        self.0.push(IndexRow {
            kind,
            name: name.to_owned(),
            text,
            num,
            time,
        });
    }

    fn text(&mut self, kind: Kind, name: &str, text: String) {
        self.push(kind, name, Some(text), None, None);
    }

    /// An EPC or class, in canonical form only: patterns find GS1 keys through their Digital
    /// Link prefixes ([`super::epc`]), so the URN spelling needs no row of its own.
    fn identifier(&mut self, kind: Kind, raw: &str) {
        self.text(kind, "", id::canonical(raw));
    }

    fn opt_text(&mut self, kind: Kind, v: &Option<String>, f: impl Fn(&str) -> String) {
        if let Some(v) = v {
            self.text(kind, "", f(v));
        }
    }

    fn opt_time(&mut self, kind: Kind, v: &Option<String>) {
        if let Some(t) = v.as_deref().and_then(time_micros) {
            self.push(kind, "", None, None, Some(t));
        }
    }

    fn sensor_metadata(&mut self, m: &SensorMetadata, ns: &Namespaces) {
        let canon = |s: &str| id::canonical(s);
        self.opt_time(Kind::SensorTime, &m.time);
        self.opt_time(Kind::SensorStartTime, &m.start_time);
        self.opt_time(Kind::SensorEndTime, &m.end_time);
        self.opt_text(Kind::SensorDeviceId, &m.device_id, canon);
        self.opt_text(Kind::SensorDeviceMetadata, &m.device_metadata, canon);
        self.opt_text(Kind::SensorRawData, &m.raw_data, canon);
        self.opt_text(
            Kind::SensorDataProcessingMethod,
            &m.data_processing_method,
            canon,
        );
        self.opt_text(Kind::SensorBizRules, &m.biz_rules, canon);
        self.fields(FieldScope::SensorMetadata, &m.extensions, ns);
    }

    fn sensor_report(&mut self, r: &SensorReport, ns: &Namespaces) {
        let canon = |s: &str| id::canonical(s);
        let same = |s: &str| s.to_owned();
        self.opt_text(Kind::SensorType, &r.kind, |v| {
            Vocab::MeasurementType.canonical(v)
        });
        self.opt_text(Kind::SensorException, &r.exception, |v| {
            Vocab::SensorAlertType.canonical(v)
        });
        self.opt_text(Kind::SensorComponent, &r.component, |v| {
            Vocab::Component.canonical(v)
        });
        self.opt_text(Kind::SensorDeviceId, &r.device_id, canon);
        self.opt_text(Kind::SensorDeviceMetadata, &r.device_metadata, canon);
        self.opt_text(Kind::SensorRawData, &r.raw_data, canon);
        self.opt_text(
            Kind::SensorDataProcessingMethod,
            &r.data_processing_method,
            canon,
        );
        self.opt_text(Kind::SensorBizRules, &r.biz_rules, canon);
        self.opt_text(Kind::SensorMicroorganism, &r.microorganism, canon);
        self.opt_text(Kind::SensorChemicalSubstance, &r.chemical_substance, canon);
        self.opt_text(
            Kind::SensorCoordinateReferenceSystem,
            &r.coordinate_reference_system,
            canon,
        );
        self.opt_text(Kind::SensorStringValue, &r.string_value, same);
        self.opt_text(Kind::SensorHexBinaryValue, &r.hex_binary_value, |v| {
            v.to_ascii_uppercase()
        });
        self.opt_text(Kind::SensorUriValue, &r.uri_value, canon);
        self.opt_text(Kind::SensorUom, &r.uom, same);
        if let Some(b) = r.boolean_value {
            self.text(Kind::SensorBooleanValue, "", b.to_string());
        }
        self.opt_time(Kind::SensorTime, &r.time);
        let measured = [
            (Kind::SensorValue, &r.value),
            (Kind::SensorMinValue, &r.min_value),
            (Kind::SensorMaxValue, &r.max_value),
            (Kind::SensorMeanValue, &r.mean_value),
            (Kind::SensorSDev, &r.s_dev),
            (Kind::SensorPercValue, &r.perc_value),
        ];
        for (kind, v) in measured {
            if let Some(n) = v.as_ref().and_then(finite) {
                self.push(kind, "", r.uom.clone(), Some(n), None);
            }
        }
        if let Some(n) = r.perc_rank.as_ref().and_then(finite) {
            self.push(Kind::SensorPercRank, "", None, Some(n), None);
        }
        self.fields(FieldScope::SensorReport, &r.extensions, ns);
    }

    /// The extension members of one scope: top-level members as `scope` rows, everything
    /// nested inside them as inner rows. JSON-LD keywords (`@type`, …) name no field.
    fn fields(&mut self, scope: FieldScope, map: &Map<String, Value>, ns: &Namespaces) {
        for (k, v) in map {
            if k.starts_with('@') || k == "#text" {
                continue;
            }
            let key = member_key(k, ns);
            self.field_value(scope, false, &key, v, ns);
        }
    }

    fn field_value(
        &mut self,
        scope: FieldScope,
        inner: bool,
        key: &str,
        v: &Value,
        ns: &Namespaces,
    ) {
        let kind = scope.kind(inner);
        match v {
            Value::Array(items) => {
                for item in items {
                    self.field_value(scope, inner, key, item, ns);
                }
            }
            Value::Object(m) => {
                // `{"@value": …}` (JSON-LD) and `{"#text": …}` (XML with attributes) carry the
                // element's own value beside nested members.
                let own = m.get("@value").or_else(|| m.get("#text"));
                match own {
                    Some(leaf) if !leaf.is_object() && !leaf.is_array() => {
                        self.leaf(kind, key, leaf)
                    }
                    _ => self.push(kind, key, None, None, None),
                }
                for (k, nested) in m {
                    if k.starts_with('@') || k == "#text" {
                        continue;
                    }
                    let nested_key = member_key(k, ns);
                    self.field_value(scope, true, &nested_key, nested, ns);
                }
            }
            leaf => self.leaf(kind, key, leaf),
        }
    }

    fn leaf(&mut self, kind: Kind, key: &str, v: &Value) {
        let (text, num, time) = match v {
            Value::String(s) => (Some(s.clone()), parse_number(s.trim()), time_micros(s)),
            Value::Number(n) => (Some(n.to_string()), finite(n), None),
            Value::Bool(b) => (Some(b.to_string()), None, None),
            _ => (None, None, None),
        };
        self.push(kind, key, text, num, time);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(v: Value) -> Event {
        serde_json::from_value(v).unwrap()
    }

    fn has(rows: &[IndexRow], kind: Kind, name: &str, text: Option<&str>) -> bool {
        rows.iter()
            .any(|r| r.kind == kind && r.name == name && r.text.as_deref() == text)
    }

    #[test]
    fn columns_and_rows() {
        let e = event(json!({
            "type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z",
            "eventTimeZoneOffset": "+08:00", "recordTime": "2020-01-01T00:00:01Z",
            "action": "ADD", "bizStep": "commissioning", "disposition": "urn:epcglobal:cbv:disp:active",
            "epcList": ["urn:example:a"],
            "quantityList": [{"epcClass": "urn:example:lot", "quantity": 12.5, "uom": "KGM"}],
            "bizTransactionList": [{"type": "po", "bizTransaction": "urn:example:po:1"}],
            "sourceList": [{"type": "owning_party", "source": "urn:example:herder"}],
            "ilmd": {"ex:goats": 30, "ex:colour": {"ex:code": "white"}},
            "ex:season": "2020-03-01T00:00:00+08:00"
        }));
        let mut ns = Namespaces::new();
        ns.insert("ex", "https://nooluur.example/voc/");
        let ix = index_event(&e, &ns);
        assert_eq!(ix.columns.event_time, Some(1_577_836_800_000_000));
        assert_eq!(
            ix.columns.biz_step.as_deref(),
            Some("https://ref.gs1.org/cbv/BizStep-commissioning")
        );
        assert_eq!(
            ix.columns.disposition.as_deref(),
            Some("https://ref.gs1.org/cbv/Disp-active")
        );
        let r = &ix.rows;
        assert!(has(r, Kind::Epc, "", Some("urn:example:a")));
        assert!(r.iter().any(|x| x.kind == Kind::Class
            && x.name == "KGM"
            && x.num == Some(12.5)
            && x.text.as_deref() == Some("urn:example:lot")));
        assert!(has(
            r,
            Kind::BizTransaction,
            "https://ref.gs1.org/cbv/BTT-po",
            Some("urn:example:po:1")
        ));
        assert!(has(
            r,
            Kind::Source,
            "https://ref.gs1.org/cbv/SDT-owning_party",
            Some("urn:example:herder")
        ));
        let goats = r
            .iter()
            .find(|x| x.kind == Kind::IlmdField && x.name == "https://nooluur.example/voc#goats")
            .unwrap();
        assert_eq!((goats.num, goats.text.as_deref()), (Some(30.0), Some("30")));
        assert!(has(
            r,
            Kind::IlmdField,
            "https://nooluur.example/voc#colour",
            None
        ));
        assert!(has(
            r,
            Kind::InnerIlmdField,
            "https://nooluur.example/voc#code",
            Some("white")
        ));
        let season = r.iter().find(|x| x.kind == Kind::Field).unwrap();
        assert!(season.time.is_some());
    }

    #[test]
    fn sensor_rows() {
        let e = event(json!({
            "type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z",
            "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
            "sensorElementList": [{
                "sensorMetadata": {"time": "2020-01-01T00:00:00Z", "deviceID": "urn:example:dev"},
                "sensorReport": [{"type": "Temperature", "value": 26, "uom": "CEL",
                                  "hexBinaryValue": "ab"}]
            }]
        }));
        let ix = index_event(&e, &Namespaces::new());
        let r = &ix.rows;
        assert!(has(r, Kind::SensorElements, "", None));
        assert!(has(
            r,
            Kind::SensorType,
            "",
            Some("https://gs1.org/voc/Temperature")
        ));
        assert!(has(r, Kind::SensorHexBinaryValue, "", Some("AB")));
        assert!(r.iter().any(|x| x.kind == Kind::SensorValue
            && x.num == Some(26.0)
            && x.text.as_deref() == Some("CEL")));
        assert!(
            r.iter()
                .any(|x| x.kind == Kind::SensorTime && x.time.is_some())
        );
    }
}
