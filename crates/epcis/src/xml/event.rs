//! Reading one EPCIS event element (2.0, and 1.x once its `extension` wrappers are opened) into
//! the JSON-shaped model.
//!
//! Enforced here, as the XSD does and JSON cannot show: standard elements hold text or the
//! children their type allows (no stray elements, attributes or text), singletons appear once,
//! required parts are present (eventTime, eventTimeZoneOffset, readPoint/bizLocation id,
//! quantityElement epcClass, source/destination type, declarationTime), numbers and booleans
//! parse. Element order is NOT enforced: the XSD sequences are a serialisation detail, the
//! meaning does not depend on them, and EPCIS 1.2 → 2.0 converters and hand-written documents
//! often reorder (a TransactionEvent with bizTransactionList after epcList, for example).

use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use super::extensions::{
    add_attributes, attr_value, element_value, flat_children, parse_number, push_member, text_value,
};
use super::names::{Names, XSI};
use super::tree::{Element, error_at};
use crate::error::Location as ErrLocation;
use crate::{
    Action, BizTransaction, CertificationInfo, DecodeError, Destination, ErrorDeclaration, Event,
    EventType, PersistentDisposition, QuantityElement, SensorElement, SensorMetadata, SensorReport,
    Source,
};

type R<T> = Result<T, DecodeError>;

const EVENT_TYPES: [&str; 5] = [
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
];

/// The standard children of an event element.
const FIELDS: [&str; 27] = [
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
    "parentID",
    "epcList",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "ilmd",
];

/// The event type an element names, if it is an event.
pub(crate) fn event_type(el: &Element) -> Option<EventType> {
    (el.ns.is_none() && EVENT_TYPES.contains(&el.local.as_str()))
        .then(|| EventType::parse(&el.local))
}

/// Reads events and free-form content of one document.
pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub names: Names,
}

impl Reader<'_> {
    pub fn err(&self, el: &Element, field: &str, msg: impl Into<String>) -> DecodeError {
        let mut e = error_at(self.bytes, el.pos, msg);
        e.location.field = Some(field.to_owned());
        e
    }

    /// The text of a standard element that may hold text only.
    pub fn leaf(&self, el: &Element, field: &str) -> R<String> {
        if let Some(c) = el.children.first() {
            return Err(self.err(
                c,
                field,
                format!("{field} must hold text, not <{}>", c.local),
            ));
        }
        if let Some(a) = el.attrs.first() {
            return Err(self.err(
                el,
                field,
                format!("{field} takes no attribute '{}'", a.local),
            ));
        }
        Ok(text_value(&el.text))
    }

    fn no_text(&self, el: &Element, field: &str) -> R<()> {
        if el.has_text() {
            return Err(self.err(el, field, format!("{field} must not hold text")));
        }
        Ok(())
    }

    fn id_list(&self, el: &Element, field: &str, item: &str) -> R<Vec<String>> {
        self.no_text(el, field)?;
        el.children
            .iter()
            .map(|c| {
                if !c.is(item) {
                    return Err(self.err(
                        c,
                        field,
                        format!("{field} holds <{item}> elements only, not <{}>", c.local),
                    ));
                }
                self.leaf(c, field)
            })
            .collect()
    }

    fn number(&self, el: &Element, field: &str, text: &str) -> R<Number> {
        parse_number(text)
            .ok_or_else(|| self.err(el, field, format!("{field} must be a number, not '{text}'")))
    }

    fn quantities(&self, el: &Element, field: &str) -> R<Vec<QuantityElement>> {
        self.no_text(el, field)?;
        let mut out = Vec::new();
        for q in &el.children {
            if !q.is("quantityElement") {
                return Err(self.err(
                    q,
                    field,
                    format!("{field} holds <quantityElement> only, not <{}>", q.local),
                ));
            }
            self.no_text(q, field)?;
            let (mut class, mut quantity, mut uom) = (None, None, None);
            for c in flat_children(q) {
                match c.local.as_str() {
                    "epcClass" if c.ns.is_none() => class = Some(self.leaf(c, "epcClass")?),
                    "quantity" if c.ns.is_none() => {
                        let nil = c.attrs.iter().any(|a| {
                            a.ns.as_deref() == Some(XSI)
                                && a.local == "nil"
                                && a.value.trim() == "true"
                        });
                        if !nil {
                            let t = self.leaf(c, "quantity")?;
                            quantity = Some(self.number(c, "quantity", &t)?);
                        }
                    }
                    "uom" if c.ns.is_none() => uom = Some(self.leaf(c, "uom")?),
                    other => {
                        return Err(self.err(
                            c,
                            field,
                            format!("unexpected <{other}> in a quantityElement"),
                        ));
                    }
                }
            }
            let epc_class =
                class.ok_or_else(|| self.err(q, field, "a quantityElement needs an epcClass"))?;
            out.push(QuantityElement {
                epc_class,
                quantity,
                uom,
            });
        }
        Ok(out)
    }

    /// readPoint / bizLocation: an id and user extensions.
    fn location(&mut self, el: &Element, field: &str) -> R<crate::Location> {
        self.no_text(el, field)?;
        let mut id = None;
        let mut extensions = Map::new();
        add_attributes(el, &mut self.names, &mut extensions, |_| true);
        for c in flat_children(el) {
            if c.is("id") {
                if id.is_some() {
                    return Err(self.err(c, field, format!("{field} has more than one id")));
                }
                id = Some(self.leaf(c, field)?);
            } else {
                self.extension(c, &mut extensions);
            }
        }
        let id = id.ok_or_else(|| self.err(el, field, format!("{field} needs an id")))?;
        Ok(crate::Location { id, extensions })
    }

    fn extension(&mut self, c: &Element, into: &mut Map<String, Value>) {
        let key = self
            .names
            .key(c.ns.as_deref(), c.prefix.as_deref(), &c.local);
        let v = element_value(c, &mut self.names);
        push_member(into, key, v);
    }

    /// `(type attribute, text)` of bizTransaction / source / destination items.
    fn typed_items(
        &self,
        el: &Element,
        field: &str,
        item: &str,
    ) -> R<Vec<(Option<String>, String)>> {
        self.no_text(el, field)?;
        let mut out = Vec::new();
        for c in &el.children {
            if !c.is(item) || !c.children.is_empty() {
                return Err(self.err(
                    c,
                    field,
                    format!(
                        "{field} holds text-only <{item}> elements, not <{}>",
                        c.local
                    ),
                ));
            }
            let mut kind = None;
            for a in &c.attrs {
                if a.ns.is_none() && a.local == "type" {
                    kind = Some(attr_value(&a.value));
                } else {
                    return Err(self.err(
                        c,
                        field,
                        format!("<{item}> takes only a type attribute, not '{}'", a.local),
                    ));
                }
            }
            out.push((kind, text_value(&c.text)));
        }
        Ok(out)
    }

    fn sensor_elements(&mut self, el: &Element) -> R<Vec<SensorElement>> {
        let field = "sensorElementList";
        self.no_text(el, field)?;
        let mut out = Vec::new();
        for se in flat_children(el) {
            if !se.is("sensorElement") {
                return Err(self.err(
                    se,
                    field,
                    format!(
                        "sensorElementList holds <sensorElement> only, not <{}>",
                        se.local
                    ),
                ));
            }
            let mut element = SensorElement::default();
            add_attributes(se, &mut self.names, &mut element.extensions, |_| true);
            for c in flat_children(se) {
                if c.is("sensorMetadata") {
                    element.sensor_metadata = Some(self.metadata(c)?);
                } else if c.is("sensorReport") {
                    element.sensor_report.push(self.report(c)?);
                } else {
                    self.extension(c, &mut element.extensions);
                }
            }
            if element.sensor_report.is_empty() {
                return Err(self.err(se, field, "a sensorElement needs at least one sensorReport"));
            }
            out.push(element);
        }
        Ok(out)
    }

    fn metadata(&mut self, el: &Element) -> R<SensorMetadata> {
        let mut m = SensorMetadata::default();
        for a in &el.attrs {
            let value = attr_value(&a.value);
            let slot = match (a.ns.is_none(), a.local.as_str()) {
                (true, "time") => &mut m.time,
                (true, "deviceID") => &mut m.device_id,
                (true, "deviceMetadata") => &mut m.device_metadata,
                (true, "rawData") => &mut m.raw_data,
                (true, "startTime") => &mut m.start_time,
                (true, "endTime") => &mut m.end_time,
                (true, "dataProcessingMethod") => &mut m.data_processing_method,
                (true, "bizRules") => &mut m.biz_rules,
                _ => {
                    let key = self
                        .names
                        .key(a.ns.as_deref(), a.prefix.as_deref(), &a.local);
                    push_member(&mut m.extensions, key, Value::String(value));
                    continue;
                }
            };
            *slot = Some(value);
        }
        self.free_content(el, &mut m.extensions);
        Ok(m)
    }

    /// Child elements and text of sensorMetadata/sensorReport (string-typed in the XSD).
    fn free_content(&mut self, el: &Element, into: &mut Map<String, Value>) {
        for c in flat_children(el) {
            self.extension(c, into);
        }
        let text = text_value(&el.text);
        if !text.is_empty() {
            into.insert("#text".to_owned(), Value::String(text));
        }
    }

    fn report(&mut self, el: &Element) -> R<SensorReport> {
        let mut r = SensorReport::default();
        for a in &el.attrs {
            let v = attr_value(&a.value);
            if a.ns.is_some() {
                let key = self
                    .names
                    .key(a.ns.as_deref(), a.prefix.as_deref(), &a.local);
                push_member(&mut r.extensions, key, Value::String(v));
                continue;
            }
            let num = |s: &Self| s.number(el, &a.local, &v).map(Some);
            match a.local.as_str() {
                "type" => r.kind = Some(v),
                "exception" => r.exception = Some(v),
                "deviceID" => r.device_id = Some(v),
                "deviceMetadata" => r.device_metadata = Some(v),
                "rawData" => r.raw_data = Some(v),
                "dataProcessingMethod" => r.data_processing_method = Some(v),
                "bizRules" => r.biz_rules = Some(v),
                "time" => r.time = Some(v),
                "microorganism" => r.microorganism = Some(v),
                "chemicalSubstance" => r.chemical_substance = Some(v),
                "coordinateReferenceSystem" => r.coordinate_reference_system = Some(v),
                "component" => r.component = Some(v),
                "stringValue" => r.string_value = Some(v),
                "hexBinaryValue" => r.hex_binary_value = Some(v),
                "uriValue" => r.uri_value = Some(v),
                "uom" => r.uom = Some(v),
                "value" => r.value = num(self)?,
                "minValue" => r.min_value = num(self)?,
                "maxValue" => r.max_value = num(self)?,
                "meanValue" => r.mean_value = num(self)?,
                "sDev" => r.s_dev = num(self)?,
                "percRank" => r.perc_rank = num(self)?,
                "percValue" => r.perc_value = num(self)?,
                "booleanValue" => {
                    r.boolean_value = Some(match v.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            return Err(self.err(
                                el,
                                "booleanValue",
                                format!("booleanValue must be true or false, not '{v}'"),
                            ));
                        }
                    })
                }
                other => {
                    push_member(&mut r.extensions, other.to_owned(), Value::String(v));
                }
            }
        }
        self.free_content(el, &mut r.extensions);
        Ok(r)
    }

    fn error_declaration(&mut self, el: &Element) -> R<ErrorDeclaration> {
        let field = "errorDeclaration";
        self.no_text(el, field)?;
        let (mut time, mut reason, mut ids) = (None, None, None);
        let mut extensions = Map::new();
        add_attributes(el, &mut self.names, &mut extensions, |_| true);
        for c in flat_children(el) {
            match (c.ns.is_none(), c.local.as_str()) {
                (true, "declarationTime") => time = Some(self.leaf(c, "declarationTime")?),
                (true, "reason") => reason = Some(self.leaf(c, "reason")?),
                (true, "correctiveEventIDs") => {
                    ids = Some(self.id_list(c, "correctiveEventIDs", "correctiveEventID")?)
                }
                _ => self.extension(c, &mut extensions),
            }
        }
        Ok(ErrorDeclaration {
            declaration_time: time
                .ok_or_else(|| self.err(el, field, "errorDeclaration needs a declarationTime"))?,
            reason,
            corrective_event_ids: ids,
            extensions,
        })
    }

    /// Reads one event element; errors name the event by position and eventID.
    pub fn event(&mut self, el: &Element, kind: EventType, index: usize) -> R<Event> {
        let children = flat_children(el);
        let event_id = children
            .iter()
            .find(|c| c.is("eventID"))
            .map(|c| text_value(&c.text));
        self.event_fields(el, kind, &children).map_err(|mut e| {
            // Inside an event the field is named as the JSON-LD reader and the validator name
            // it: a pointer relative to the event (`/action`).
            let field = e.location.field.take().map(|f| match f.starts_with('/') {
                true => f,
                false => format!("/{f}"),
            });
            e.location = ErrLocation {
                event_index: Some(index),
                event_id: event_id.clone(),
                field,
                ..e.location
            };
            e
        })
    }

    fn event_fields(&mut self, el: &Element, kind: EventType, children: &[&Element]) -> R<Event> {
        let mut e = Event::new(kind, "", "");
        add_attributes(el, &mut self.names, &mut e.extensions, |_| true);
        let mut seen = HashSet::new();
        let (mut time, mut offset) = (None, None);
        let mut certs = Vec::new();
        for c in children.iter().copied() {
            let name = c.local.as_str();
            if c.ns.is_some() || !FIELDS.contains(&name) {
                self.extension(c, &mut e.extensions);
                continue;
            }
            if name != "certificationInfo" && !seen.insert(name) {
                return Err(self.err(c, name, format!("<{name}> appears more than once")));
            }
            match name {
                "eventTime" => time = Some(self.leaf(c, name)?),
                "recordTime" => e.record_time = Some(self.leaf(c, name)?),
                "eventTimeZoneOffset" => offset = Some(self.leaf(c, name)?),
                "eventID" => e.event_id = Some(self.leaf(c, name)?),
                "certificationInfo" => certs.push(self.leaf(c, name)?),
                "parentID" => e.parent_id = Some(self.leaf(c, name)?),
                "transformationID" => e.transformation_id = Some(self.leaf(c, name)?),
                "bizStep" => e.biz_step = Some(self.leaf(c, name)?),
                "disposition" => e.disposition = Some(self.leaf(c, name)?),
                "action" => {
                    let a = self.leaf(c, name)?;
                    e.action = Some(Action::parse(&a).ok_or_else(|| {
                        self.err(
                            c,
                            name,
                            format!("action must be ADD, OBSERVE or DELETE, not '{a}'"),
                        )
                    })?);
                }
                "epcList" => e.epc_list = Some(self.id_list(c, name, "epc")?),
                "childEPCs" => e.child_epcs = Some(self.id_list(c, name, "epc")?),
                "inputEPCList" => e.input_epc_list = Some(self.id_list(c, name, "epc")?),
                "outputEPCList" => e.output_epc_list = Some(self.id_list(c, name, "epc")?),
                "quantityList" => e.quantity_list = Some(self.quantities(c, name)?),
                "childQuantityList" => e.child_quantity_list = Some(self.quantities(c, name)?),
                "inputQuantityList" => e.input_quantity_list = Some(self.quantities(c, name)?),
                "outputQuantityList" => e.output_quantity_list = Some(self.quantities(c, name)?),
                "persistentDisposition" => {
                    self.no_text(c, name)?;
                    let mut pd = PersistentDisposition::default();
                    for x in &c.children {
                        let list = match (x.ns.is_none(), x.local.as_str()) {
                            (true, "set") => &mut pd.set,
                            (true, "unset") => &mut pd.unset,
                            _ => {
                                return Err(self.err(
                                    x,
                                    name,
                                    format!("unexpected <{}> in persistentDisposition", x.local),
                                ));
                            }
                        };
                        list.get_or_insert_with(Vec::new).push(self.leaf(x, name)?);
                    }
                    e.persistent_disposition = Some(pd);
                }
                "readPoint" => e.read_point = Some(self.location(c, name)?),
                "bizLocation" => e.biz_location = Some(self.location(c, name)?),
                "bizTransactionList" => {
                    let items = self.typed_items(c, name, "bizTransaction")?;
                    e.biz_transaction_list = Some(
                        items
                            .into_iter()
                            .map(|(kind, biz_transaction)| BizTransaction {
                                kind,
                                biz_transaction,
                            })
                            .collect(),
                    );
                }
                "sourceList" | "destinationList" => {
                    let item = if name == "sourceList" {
                        "source"
                    } else {
                        "destination"
                    };
                    let mut kinds = Vec::new();
                    for (kind, value) in self.typed_items(c, name, item)? {
                        let kind = kind.ok_or_else(|| {
                            self.err(c, name, format!("every <{item}> needs a type attribute"))
                        })?;
                        kinds.push((kind, value));
                    }
                    if name == "sourceList" {
                        e.source_list = Some(
                            kinds
                                .into_iter()
                                .map(|(kind, source)| Source { kind, source })
                                .collect(),
                        );
                    } else {
                        e.destination_list = Some(
                            kinds
                                .into_iter()
                                .map(|(kind, destination)| Destination { kind, destination })
                                .collect(),
                        );
                    }
                }
                "sensorElementList" => e.sensor_element_list = Some(self.sensor_elements(c)?),
                "errorDeclaration" => e.error_declaration = Some(self.error_declaration(c)?),
                "ilmd" => {
                    self.no_text(c, name)?;
                    let mut ilmd = Map::new();
                    add_attributes(c, &mut self.names, &mut ilmd, |_| true);
                    for x in flat_children(c) {
                        self.extension(x, &mut ilmd);
                    }
                    e.ilmd = Some(ilmd);
                }
                _ => self.extension(c, &mut e.extensions),
            }
        }
        e.event_time =
            time.ok_or_else(|| self.err(el, "eventTime", "the event has no eventTime"))?;
        e.event_time_zone_offset = offset.ok_or_else(|| {
            self.err(
                el,
                "eventTimeZoneOffset",
                "the event has no eventTimeZoneOffset",
            )
        })?;
        e.certification_info = match certs.len() {
            0 => None,
            1 => certs.pop().map(CertificationInfo::One),
            _ => Some(CertificationInfo::Many(certs)),
        };
        Ok(e)
    }
}
