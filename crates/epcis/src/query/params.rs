//! Parameter names and values → conditions.

use std::collections::BTreeSet;

use serde_json::Value;

use super::epc::{TextMatch, epc_matchers};
use super::fields::{FieldName, FieldScope};
use super::values::{Raw, Split, field_bound, field_values};
use super::{
    Cmp, Column, Condition, Direction, EventQuery, Kind, NameTest, OrderKey, QueryError, RowPred,
    RowTest, TimeColumn,
};
use crate::Namespaces;
use crate::cbv::Vocab;
use crate::id;
use crate::model::Action;

/// REST binding parameters that are not SimpleEventQuery parameters (paging and subscription
/// controls): [`super::EventQuery::from_pairs`] skips them.
pub const REST_CONTROLS: &[&str] = &[
    "perPage",
    "nextPageToken",
    "stream",
    "second",
    "minute",
    "hour",
    "dayOfMonth",
    "month",
    "dayOfWeek",
    "reportIfEmpty",
    "initialRecordTime",
];

pub(super) fn from_pairs(
    pairs: &[(String, String)],
    ns: &Namespaces,
) -> Result<EventQuery, QueryError> {
    let mut b = Builder::new(ns.clone());
    for (k, v) in pairs {
        if REST_CONTROLS.contains(&k.as_str()) {
            continue;
        }
        b.param(k, Raw::Text(v))?;
    }
    b.finish()
}

pub(super) fn from_json(v: &Value) -> Result<EventQuery, QueryError> {
    let obj = v
        .as_object()
        .ok_or_else(|| QueryError::new("query", "a query must be a JSON object of parameters"))?;
    let mut ns = Namespaces::new();
    if let Some(ctx) = obj.get("@context") {
        context_namespaces(ctx, &mut ns);
    }
    let mut b = Builder::new(ns);
    for (k, v) in obj {
        if k == "@context" {
            continue;
        }
        b.param(k, Raw::Json(v))?;
    }
    b.finish()
}

/// Prefix declarations of a JSON-LD `@context` (objects mapping a prefix to an IRI).
fn context_namespaces(ctx: &Value, ns: &mut Namespaces) {
    match ctx {
        Value::Array(items) => items.iter().for_each(|c| context_namespaces(c, ns)),
        Value::Object(m) => {
            for (prefix, iri) in m {
                if let Some(iri) = iri.as_str().filter(|s| s.contains(':'))
                    && !prefix.starts_with('@')
                {
                    ns.insert(prefix.clone(), iri);
                }
            }
        }
        _ => {}
    }
}

struct Builder {
    ns: Namespaces,
    seen: BTreeSet<String>,
    q: EventQuery,
}

const EPC_ROLES: &[Kind] = &[
    Kind::Epc,
    Kind::Parent,
    Kind::Child,
    Kind::Input,
    Kind::Output,
];
const CLASS_ROLES: &[Kind] = &[
    Kind::Class,
    Kind::ChildClass,
    Kind::InputClass,
    Kind::OutputClass,
];

fn cmp_of(op: &str) -> Option<Cmp> {
    Some(match op {
        "EQ" => Cmp::Eq,
        "GT" => Cmp::Gt,
        "GE" => Cmp::Ge,
        "LT" => Cmp::Lt,
        "LE" => Cmp::Le,
        _ => return None,
    })
}

fn is_uom(s: &str) -> bool {
    (1..=6).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Builder {
    fn new(ns: Namespaces) -> Builder {
        Builder {
            ns,
            seen: BTreeSet::new(),
            q: EventQuery::default(),
        }
    }

    fn finish(self) -> Result<EventQuery, QueryError> {
        let q = self.q;
        if q.event_count_limit.is_some() && q.max_event_count.is_some() {
            return Err(QueryError::new(
                "eventCountLimit",
                "eventCountLimit and maxEventCount cannot be used together",
            ));
        }
        if q.event_count_limit.is_some() && q.order_by.is_none() {
            return Err(QueryError::new(
                "eventCountLimit",
                "eventCountLimit may only be used together with orderBy",
            ));
        }
        Ok(q)
    }

    fn push(&mut self, c: Condition) {
        self.q.conditions.push(c);
    }

    fn row(&mut self, kinds: &[Kind], name: Option<NameTest>, pred: RowPred) {
        self.push(Condition::Row(RowTest {
            kinds: kinds.to_vec(),
            name,
            pred,
        }));
    }

    /// A `MATCH_…` test on identifier kinds. Class rows are not tested by name: theirs holds
    /// the quantity's unit.
    fn ids_match(&mut self, kinds: &[Kind], raw: Raw<'_>, name: &str) -> Result<(), QueryError> {
        let pred = Self::epcs(raw, name)?;
        if kinds.iter().any(|k| CLASS_ROLES.contains(k)) {
            self.row(kinds, None, pred);
        } else {
            self.unnamed(kinds, pred);
        }
        Ok(())
    }

    /// A test on the quantities (the class rows' numbers), of the unit `uom` when given.
    fn quantity(&mut self, uom: Option<String>, pred: RowPred) {
        self.row(CLASS_ROLES, uom.map(NameTest::Is), pred);
    }

    /// A row test on kinds whose rows carry no name.
    fn unnamed(&mut self, kinds: &[Kind], pred: RowPred) {
        self.row(kinds, Some(NameTest::Is(String::new())), pred);
    }

    fn param(&mut self, name: &str, raw: Raw<'_>) -> Result<(), QueryError> {
        if !self.seen.insert(name.to_owned()) {
            return Err(QueryError::new(
                name,
                "the parameter is given more than once",
            ));
        }
        self.q.params.push((name.to_owned(), raw.display()));
        if self.fixed(name, raw)? || self.sensor(name, raw)? || self.families(name, raw)? {
            return Ok(());
        }
        Err(QueryError::new(name, "unknown query parameter"))
    }

    fn ids(raw: Raw<'_>, name: &str) -> Result<Vec<String>, QueryError> {
        Ok(raw
            .strings(name, Split::PipeOrComma)?
            .iter()
            .map(|s| id::canonical(s))
            .collect())
    }

    fn vocab(raw: Raw<'_>, name: &str, v: Vocab) -> Result<Vec<String>, QueryError> {
        Ok(raw
            .strings(name, Split::PipeOrComma)?
            .iter()
            .map(|s| v.canonical(s))
            .collect())
    }

    fn eq_texts(values: Vec<String>) -> RowPred {
        RowPred::Text(values.into_iter().map(TextMatch::Eq).collect())
    }

    fn epcs(raw: Raw<'_>, name: &str) -> Result<RowPred, QueryError> {
        let mut ms = Vec::new();
        for v in raw.strings(name, Split::PipeOrComma)? {
            ms.extend(epc_matchers(&v).map_err(|m| QueryError::new(name, m))?);
        }
        Ok(RowPred::Text(ms))
    }

    /// The parameters with fixed names (§8.2.7.1 table, except the sensor ones).
    fn fixed(&mut self, name: &str, raw: Raw<'_>) -> Result<bool, QueryError> {
        use Condition::{In, Time};
        let time =
            |col, cmp| -> Result<Condition, QueryError> { Ok(Time(col, cmp, raw.time(name)?)) };
        match name {
            "eventType" => {
                let v = raw.strings(name, Split::PipeOrComma)?;
                self.push(In(Column::EventType, v));
            }
            "GE_eventTime" => self.push(time(TimeColumn::EventTime, Cmp::Ge)?),
            "LT_eventTime" => self.push(time(TimeColumn::EventTime, Cmp::Lt)?),
            "GE_recordTime" => self.push(time(TimeColumn::RecordTime, Cmp::Ge)?),
            "LT_recordTime" => self.push(time(TimeColumn::RecordTime, Cmp::Lt)?),
            "EQ_action" => {
                let mut v = Vec::new();
                for a in raw.strings(name, Split::PipeOrComma)? {
                    let action = Action::parse(&a).ok_or_else(|| {
                        QueryError::new(name, format!("'{a}' is not ADD, OBSERVE or DELETE"))
                    })?;
                    v.push(action.as_str().to_owned());
                }
                self.push(In(Column::Action, v));
            }
            "EQ_bizStep" => self.push(In(Column::BizStep, Self::vocab(raw, name, Vocab::BizStep)?)),
            "EQ_disposition" => {
                let v = Self::vocab(raw, name, Vocab::Disposition)?;
                self.push(In(Column::Disposition, v));
            }
            "EQ_persistentDisposition_set" | "EQ_persistentDisposition_unset" => {
                let kind = if name.ends_with("_set") {
                    Kind::PersistentSet
                } else {
                    Kind::PersistentUnset
                };
                let v = Self::vocab(raw, name, Vocab::Disposition)?;
                self.unnamed(&[kind], Self::eq_texts(v));
            }
            // Without master data no location has descendants: WD_ is EQ_.
            "EQ_readPoint" | "WD_readPoint" => {
                self.push(In(Column::ReadPoint, Self::ids(raw, name)?));
            }
            "EQ_bizLocation" | "WD_bizLocation" => {
                self.push(In(Column::BizLocation, Self::ids(raw, name)?));
            }
            "EQ_transformationID" => {
                self.push(In(Column::TransformationId, Self::ids(raw, name)?));
            }
            "EQ_eventID" => {
                let v = raw.strings(name, Split::PipeOrComma)?;
                self.push(In(Column::EventId, v));
            }
            "MATCH_epc" => self.ids_match(&[Kind::Epc, Kind::Child], raw, name)?,
            "MATCH_parentID" => self.ids_match(&[Kind::Parent], raw, name)?,
            "MATCH_inputEPC" => self.ids_match(&[Kind::Input], raw, name)?,
            "MATCH_outputEPC" => self.ids_match(&[Kind::Output], raw, name)?,
            "MATCH_anyEPC" => self.ids_match(EPC_ROLES, raw, name)?,
            "MATCH_epcClass" => {
                self.ids_match(&[Kind::Class, Kind::ChildClass], raw, name)?;
            }
            "MATCH_inputEPCClass" => self.ids_match(&[Kind::InputClass], raw, name)?,
            "MATCH_outputEPCClass" => self.ids_match(&[Kind::OutputClass], raw, name)?,
            "MATCH_anyEPCClass" => self.ids_match(CLASS_ROLES, raw, name)?,
            "EXISTS_errorDeclaration" => {
                if raw.exists(name)? {
                    self.unnamed(&[Kind::ErrorDeclaration], RowPred::Any);
                }
            }
            "GE_errorDeclarationTime" | "GE_errorDeclaration_Time" => {
                let value = raw.time(name)?;
                let pred = RowPred::Time {
                    cmp: Cmp::Ge,
                    value,
                };
                self.unnamed(&[Kind::ErrorDeclaration], pred);
            }
            "LT_errorDeclarationTime" | "LT_errorDeclaration_Time" => {
                let value = raw.time(name)?;
                let pred = RowPred::Time {
                    cmp: Cmp::Lt,
                    value,
                };
                self.unnamed(&[Kind::ErrorDeclaration], pred);
            }
            "EQ_errorReason" => {
                let v = Self::vocab(raw, name, Vocab::ErrorReason)?;
                self.unnamed(&[Kind::ErrorDeclaration], Self::eq_texts(v));
            }
            "EQ_correctiveEventID" => {
                let v = raw.strings(name, Split::PipeOrComma)?;
                self.unnamed(&[Kind::CorrectiveEventId], Self::eq_texts(v));
            }
            "orderBy" => {
                let v = raw.text(name)?;
                self.q.order_by = Some(match v.as_str() {
                    "eventTime" => OrderKey::EventTime,
                    "recordTime" => OrderKey::RecordTime,
                    other => {
                        OrderKey::Field(FieldName::parse(other, &self.ns).ok_or_else(|| {
                            QueryError::new(
                                name,
                                format!(
                                    "'{other}' is not eventTime, recordTime or the qualified \
                                     name of an extension field"
                                ),
                            )
                        })?)
                    }
                });
            }
            "orderDirection" => {
                self.q.order_direction = match raw.text(name)?.as_str() {
                    "ASC" => Direction::Asc,
                    "DESC" => Direction::Desc,
                    other => {
                        return Err(QueryError::new(
                            name,
                            format!("'{other}' is not ASC or DESC"),
                        ));
                    }
                };
            }
            "eventCountLimit" => self.q.event_count_limit = Some(raw.count(name)?),
            "maxEventCount" => self.q.max_event_count = Some(raw.count(name)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The sensor parameters of EPCIS 2.0.
    fn sensor(&mut self, name: &str, raw: Raw<'_>) -> Result<bool, QueryError> {
        let id_kind = match name {
            "EQ_deviceID" => Some(Kind::SensorDeviceId),
            "EQ_dataProcessingMethod" => Some(Kind::SensorDataProcessingMethod),
            "EQ_microorganism" => Some(Kind::SensorMicroorganism),
            "EQ_chemicalSubstance" => Some(Kind::SensorChemicalSubstance),
            "EQ_bizRules" => Some(Kind::SensorBizRules),
            "EQ_uriValue" => Some(Kind::SensorUriValue),
            "EQ_deviceMetadata" => Some(Kind::SensorDeviceMetadata),
            "EQ_rawData" => Some(Kind::SensorRawData),
            "EQ_coordinateReferenceSystem" => Some(Kind::SensorCoordinateReferenceSystem),
            _ => None,
        };
        if let Some(kind) = id_kind {
            let v = Self::ids(raw, name)?;
            self.unnamed(&[kind], Self::eq_texts(v));
            return Ok(true);
        }
        let time_kind = match name.get(3..) {
            Some("time") => Some(Kind::SensorTime),
            Some("startTime") => Some(Kind::SensorStartTime),
            Some("endTime") => Some(Kind::SensorEndTime),
            _ => None,
        };
        let op = name.get(..2).and_then(cmp_of);
        if let (Some(kind), Some(cmp @ (Cmp::Ge | Cmp::Lt))) = (time_kind, op)
            && name.as_bytes().get(2) == Some(&b'_')
        {
            let value = raw.time(name)?;
            self.unnamed(&[kind], RowPred::Time { cmp, value });
            return Ok(true);
        }
        match name {
            "EQ_type" => {
                let v = Self::vocab(raw, name, Vocab::MeasurementType)?;
                self.unnamed(&[Kind::SensorType], Self::eq_texts(v));
            }
            "EQ_exception" => {
                let v = Self::vocab(raw, name, Vocab::SensorAlertType)?;
                self.unnamed(&[Kind::SensorException], Self::eq_texts(v));
            }
            "EQ_component" => {
                let v = Self::vocab(raw, name, Vocab::Component)?;
                self.unnamed(&[Kind::SensorComponent], Self::eq_texts(v));
            }
            "EQ_stringValue" => {
                let v = raw.strings(name, Split::Pipe)?;
                self.unnamed(&[Kind::SensorStringValue], Self::eq_texts(v));
            }
            "EQ_hexBinaryValue" => {
                let v = raw.strings(name, Split::PipeOrComma)?;
                let v = v.iter().map(|s| s.to_ascii_uppercase()).collect();
                self.unnamed(&[Kind::SensorHexBinaryValue], Self::eq_texts(v));
            }
            "EQ_uom" => {
                let v = raw.strings(name, Split::PipeOrComma)?;
                self.unnamed(&[Kind::SensorUom], Self::eq_texts(v));
            }
            "EQ_booleanValue" => {
                let b = raw.boolean(name)?;
                self.unnamed(
                    &[Kind::SensorBooleanValue],
                    Self::eq_texts(vec![b.to_string()]),
                );
            }
            "EXISTS_sensorElementList" => {
                if raw.exists(name)? {
                    self.unnamed(&[Kind::SensorElements], RowPred::Any);
                }
            }
            _ => return self.measured(name, raw),
        }
        Ok(true)
    }

    /// `{EQ,GT,GE,LT,LE}_{value,minValue,…}[_{uom}]`, `…_percRank`, `…_quantity[_{uom}]`.
    fn measured(&mut self, name: &str, raw: Raw<'_>) -> Result<bool, QueryError> {
        let Some((op, rest)) = name.split_once('_') else {
            return Ok(false);
        };
        let Some(cmp) = cmp_of(op) else {
            return Ok(false);
        };
        let (attr, uom) = match rest.split_once('_') {
            Some((a, u)) if is_uom(u) => (a, Some(u.to_owned())),
            Some(_) => return Ok(false),
            None => (rest, None),
        };
        let kind = match attr {
            "value" => Kind::SensorValue,
            "minValue" => Kind::SensorMinValue,
            "maxValue" => Kind::SensorMaxValue,
            "meanValue" => Kind::SensorMeanValue,
            "sDev" => Kind::SensorSDev,
            "percValue" => Kind::SensorPercValue,
            "percRank" if uom.is_none() => Kind::SensorPercRank,
            "quantity" => {
                let pred = Self::measure(name, raw, cmp, None)?;
                self.quantity(uom, pred);
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let pred = Self::measure(name, raw, cmp, uom)?;
        self.unnamed(&[kind], pred);
        Ok(true)
    }

    fn measure(
        name: &str,
        raw: Raw<'_>,
        cmp: Cmp,
        uom: Option<String>,
    ) -> Result<RowPred, QueryError> {
        Ok(if cmp == Cmp::Eq {
            RowPred::NumIn {
                values: raw.numbers(name)?,
                uom,
            }
        } else {
            RowPred::Num {
                cmp,
                value: raw.number(name)?,
                uom,
            }
        })
    }

    /// Typed-list families, master data, and extension fields.
    fn families(&mut self, name: &str, raw: Raw<'_>) -> Result<bool, QueryError> {
        let typed = [
            (
                "EQ_bizTransaction_",
                Kind::BizTransaction,
                Vocab::BizTransactionType,
            ),
            ("EQ_source_", Kind::Source, Vocab::SourceDestType),
            ("EQ_destination_", Kind::Destination, Vocab::SourceDestType),
        ];
        for (prefix, kind, vocab) in typed {
            if let Some(t) = name.strip_prefix(prefix) {
                if t.is_empty() {
                    return Err(QueryError::new(
                        name,
                        "the type after the prefix is missing",
                    ));
                }
                let v = Self::ids(raw, name)?;
                self.row(
                    &[kind],
                    Some(NameTest::Is(vocab.canonical(t))),
                    Self::eq_texts(v),
                );
                return Ok(true);
            }
        }
        if name.starts_with("HASATTR_")
            || name.starts_with("EQATTR_")
            || name.starts_with("EQ_ATTR_")
        {
            return Err(QueryError::new(
                name,
                "master data attributes cannot be queried: this repository stores no master data",
            ));
        }
        self.field(name, raw)
    }

    /// `{EQ,GT,GE,LT,LE,EXISTS}_[INNER_][ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|…]{field}`.
    fn field(&mut self, name: &str, raw: Raw<'_>) -> Result<bool, QueryError> {
        let Some((op, mut rest)) = name.split_once('_') else {
            return Ok(false);
        };
        let exists = op == "EXISTS";
        let cmp = cmp_of(op);
        if !exists && cmp.is_none() {
            return Ok(false);
        }
        let inner = match rest.strip_prefix("INNER_") {
            Some(r) => {
                rest = r;
                true
            }
            None => false,
        };
        let scopes = [
            ("ILMD_", FieldScope::Ilmd),
            ("ERROR_DECLARATION_", FieldScope::ErrorDeclaration),
            ("SENSORELEMENT_", FieldScope::SensorElement),
            ("SENSORMETADATA_", FieldScope::SensorMetadata),
            ("SENSORREPORT_", FieldScope::SensorReport),
            ("readPoint_", FieldScope::ReadPoint),
            ("bizLocation_", FieldScope::BizLocation),
        ];
        let mut scope = FieldScope::Event;
        for (p, s) in scopes {
            if let Some(r) = rest.strip_prefix(p) {
                scope = s;
                rest = r;
                break;
            }
        }
        let Some(field) = FieldName::parse(rest, &self.ns) else {
            return Ok(false);
        };
        let kinds = [scope.kind(inner)];
        let name_test = Some(field.name_test());
        if exists {
            if raw.exists(name)? {
                self.row(&kinds, name_test, RowPred::Any);
            }
            return Ok(true);
        }
        let pred = match cmp {
            Some(Cmp::Eq) => RowPred::Field(field_values(name, raw)?),
            Some(cmp) => RowPred::FieldCmp {
                cmp,
                bound: field_bound(name, raw)?,
            },
            None => return Ok(false),
        };
        self.row(&kinds, name_test, pred);
        Ok(true)
    }
}
