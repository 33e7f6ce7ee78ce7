//! The profile events the market writes (docs/cashmere-profile.md): a combing recorded for a
//! household at intake, the delivery with its receipt, pooling, the sale at an auction's close,
//! and error declarations for corrections. Each is captured through the ordinary pipeline, so
//! the profile check and the lot ledger apply to it as to any client's event.

use chrono::{DateTime, SecondsFormat, Utc};
use epcis::{
    Action, BizTransaction, Destination, Document, Event, EventType, Extensions, Location,
    Namespaces, QuantityElement, Source,
};
use serde_json::{Number, Value};

use super::mongolia_time;
use crate::auth::Principal;
use crate::{App, AppError, Result};

/// Kilograms with three decimals from grams (the shortest decimal that reads back as `g/1000`,
/// so the ledger's grams are `g` again).
pub(super) fn kg(grams: u64) -> Value {
    Number::from_f64(grams as f64 / 1000.0)
        .map(Value::Number)
        .unwrap_or_else(|| Value::from(0))
}

/// An event at `at`, written in Mongolian time, outside the profile.
pub(super) fn plain_event(kind: EventType, at: DateTime<Utc>) -> Event {
    let t = mongolia_time(at);
    Event::new(
        kind,
        &t.to_rfc3339_opts(SecondsFormat::Millis, false),
        "+08:00",
    )
}

/// A profile event of `process` at `at`.
pub(super) fn event(kind: EventType, process: &str, at: DateTime<Utc>) -> Event {
    let mut e = plain_event(kind, at);
    e.extensions.insert("cm:profile".into(), "1".into());
    e.extensions.insert("cm:process".into(), process.into());
    e
}

pub(super) fn quantity(lot: &str, grams: u64) -> QuantityElement {
    QuantityElement {
        epc_class: lot.to_owned(),
        quantity: match kg(grams) {
            Value::Number(n) => Some(n),
            _ => None,
        },
        uom: Some("KGM".to_owned()),
    }
}

pub(super) fn location(id: &str) -> Option<Location> {
    Some(Location {
        id: id.to_owned(),
        extensions: Extensions::new(),
    })
}

pub(super) fn parties(e: &mut Event, from: &str, to: &str) {
    e.source_list = Some(vec![Source {
        kind: "owning_party".into(),
        source: from.to_owned(),
    }]);
    e.destination_list = Some(vec![Destination {
        kind: "owning_party".into(),
        destination: to.to_owned(),
    }]);
}

pub(super) fn transaction(e: &mut Event, kind: &str, id: &str) {
    e.biz_transaction_list = Some(vec![BizTransaction {
        kind: Some(kind.to_owned()),
        biz_transaction: id.to_owned(),
    }]);
}

pub(super) fn namespaces() -> Namespaces {
    let mut ns = Namespaces::new();
    ns.insert(provenance::vocab::PREFIX, provenance::NS);
    ns
}

/// A capture document of `events`, with master data in its header when given.
pub(super) fn document(
    events: Vec<Event>,
    masterdata: Option<Value>,
    at: DateTime<Utc>,
) -> Document {
    let mut doc = Document::capture(events, namespaces());
    doc.creation_date = Some(at.to_rfc3339_opts(SecondsFormat::Millis, true));
    if let Some(md) = masterdata {
        doc.header.insert(
            "epcisHeader".into(),
            serde_json::json!({ "epcisMasterData": md }),
        );
    }
    doc
}

/// Captures a document for the principal, all or nothing, and answers the events' IDs in order.
pub(super) async fn capture(app: &App, who: &Principal, doc: &Document) -> Result<Vec<String>> {
    let bytes = epcis::jsonld::to_string(doc).into_bytes();
    let report = crate::capture::capture_events_body(app, who, &bytes).await?;
    if report.event_ids.len() != doc.events.len() {
        return Err(AppError::Internal(format!(
            "{} of {} events were stored",
            report.event_ids.len(),
            doc.events.len()
        )));
    }
    Ok(report.event_ids)
}

/// An error declaration of a stored event: the same event with `errorDeclaration` naming the
/// corrective events (EPCIS 2.0 §7.4.1.2).
pub(super) async fn declaration(
    app: &App,
    who: &Principal,
    event_id: &str,
    reason: &str,
    corrective: &[String],
    at: DateTime<Utc>,
) -> Result<Event> {
    let stored = app.store.get_event(event_id, &who.viewer()).await?;
    let mut e = stored
        .into_iter()
        .find(|s| s.event.error_declaration.is_none())
        .ok_or_else(|| AppError::not_found("event", event_id))?
        .event;
    e.record_time = None;
    e.error_declaration = Some(epcis::ErrorDeclaration {
        declaration_time: at.to_rfc3339_opts(SecondsFormat::Millis, true),
        reason: Some(reason.to_owned()),
        corrective_event_ids: Some(corrective.to_vec()),
        extensions: Extensions::new(),
    });
    Ok(e)
}

pub(super) fn add(e: &mut Event, name: &str, v: impl Into<Value>) {
    e.extensions.insert(format!("cm:{name}"), v.into());
}

pub(super) fn ilmd(e: &mut Event, fields: Vec<(&str, Value)>) {
    let mut x = Extensions::new();
    for (k, v) in fields {
        x.insert(format!("cm:{k}"), v);
    }
    e.ilmd = Some(x);
}

pub(super) use epcis::EventType as Type;
pub(super) const ADD: Action = Action::Add;
pub(super) const OBSERVE: Action = Action::Observe;
