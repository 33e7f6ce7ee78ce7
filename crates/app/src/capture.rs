//! The capture pipeline: bytes → decode (JSON-LD or XML, by content) → validate (schema + CBV)
//! → hash IDs (missing eventIDs filled with the hash ID; eventIDs the client sent kept exactly)
//! → recordTime (from the injected clock) → [`NewEvent`]s → one store insert.
//!
//! [`prepare`] is pure apart from the random fallback ID; [`store_prepared`] does the I/O, and
//! [`store_prepared_together`] does it for several small documents in one transaction
//! ([`capture_many`] and the capture-job worker group them).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use store::{CaptureMode, NewEvent, OrgId};

use crate::auth::{Permission, Principal};
use crate::clock::{Random, format_time};
use crate::codec::{self, Decoded};
use crate::{App, AppError, ErrorItem, Result};

mod many;
pub(crate) use many::store_group;
pub use many::{StageTimes, capture_many, capture_staged};

/// What [`prepare`] needs besides the document.
#[derive(Clone)]
pub struct CaptureContext {
    pub org: OrgId,
    pub capture_id: Option<String>,
    /// The recordTime every event of the document gets.
    pub record_time: DateTime<Utc>,
    pub mode: CaptureMode,
    /// Most events allowed (413 beyond); `None` for no limit (the CLI).
    pub event_limit: Option<usize>,
    /// For the fallback `urn:uuid:` eventID of an event the hash cannot cover.
    pub random: Arc<dyn Random>,
}

/// A document turned into rows ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub batch: store::PreparedBatch,
    /// The eventID of each entry of `batch`.
    pub ids: Vec<String>,
    /// Position in the document of each entry of `batch`.
    pub positions: Vec<usize>,
    /// Events left out (Proceed mode only), with why.
    pub rejected: Vec<ErrorItem>,
    /// Events in the document.
    pub total: usize,
}

impl Prepared {
    pub fn set_capture_id(&mut self, id: &str) {
        self.batch.set_capture_id(id);
    }
}

/// What a synchronous capture stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaptureReport {
    /// eventIDs stored, in document order.
    pub event_ids: Vec<String>,
    /// Their sequence numbers in the store.
    pub seqs: Vec<i64>,
    /// What was left out (Proceed mode).
    pub errors: Vec<ErrorItem>,
    /// Events in the document.
    pub total: usize,
}

/// Decodes, validates and hashes a document and fills what the repository owes each event.
pub fn prepare(bytes: &[u8], ctx: &CaptureContext) -> Result<Prepared> {
    let decoded = codec::decode(bytes)?;
    prepare_decoded(decoded, ctx)
}

/// [`prepare`] for a JSON value already parsed (`POST /events` wraps a bare event first).
pub fn prepare_json(value: serde_json::Value, ctx: &CaptureContext) -> Result<Prepared> {
    let decoded = codec::decode_json(value)?;
    prepare_decoded(decoded, ctx)
}

pub(crate) fn decode_error(e: epcis::DecodeError) -> AppError {
    let item = ErrorItem::from_location(&e.location, e.message.clone());
    AppError::validation(format!("the document cannot be read: {e}"), vec![item])
}

fn prepare_decoded(decoded: Decoded, ctx: &CaptureContext) -> Result<Prepared> {
    let Decoded {
        document,
        violations,
        hashes,
    } = decoded;
    let total = document.events.len();
    if let Some(limit) = ctx.event_limit
        && total > limit
    {
        return Err(AppError::CaptureLimitExceeded(format!(
            "the document has {total} events; this repository captures at most {limit} per request"
        )));
    }

    // Which events fail validation; a violation outside any event fails the document.
    let mut bad: HashMap<usize, ()> = HashMap::new();
    let mut items = Vec::with_capacity(violations.len());
    let mut document_level = false;
    for v in &violations {
        match v.location.event_index {
            Some(i) => {
                bad.insert(i, ());
            }
            None => document_level = true,
        }
        items.push(ErrorItem::from_violation(v));
    }
    if !items.is_empty()
        && (ctx.mode == CaptureMode::Atomic || document_level || bad.len() == total)
    {
        return Err(AppError::validation(
            format!(
                "the document breaks {} rule(s) of EPCIS 2.0 / CBV 2.0; nothing was captured",
                items.len()
            ),
            items,
        ));
    }

    let record_time = format_time(ctx.record_time);
    let namespaces = document.namespaces;
    let mut events = Vec::with_capacity(total - bad.len());
    let mut positions = Vec::with_capacity(total - bad.len());
    // An event and its error declaration share an eventID (EPCIS 2.0 §7.4.1.2); two events or
    // two declarations may not.
    let mut seen: HashMap<(String, bool), usize> = HashMap::with_capacity(total);
    let mut duplicates = Vec::new();
    for (i, (mut event, hash)) in document
        .events
        .into_iter()
        .zip(hashes.into_iter().chain(std::iter::repeat(None)))
        .enumerate()
    {
        if bad.contains_key(&i) {
            continue;
        }
        let hash_id = match hash {
            Some(h) => h,
            None => event
                .event_id
                .clone()
                .unwrap_or_else(|| random_urn(ctx.random.as_ref())),
        };
        let event_id = event
            .event_id
            .get_or_insert_with(|| hash_id.clone())
            .clone();
        let declared = event.error_declaration.is_some();
        if let Some(first) = seen.insert((event_id.clone(), declared), i) {
            let what = if declared {
                "of an error declaration is also the eventID of the error declaration"
            } else {
                "is also the eventID of event"
            };
            duplicates.push(ErrorItem {
                event_index: Some(i),
                event_id: Some(event_id.clone()),
                field: Some("/eventID".into()),
                message: format!("eventID {event_id} {what} {first} of this document"),
                ..ErrorItem::default()
            });
            continue;
        }
        event.record_time = Some(record_time.clone());
        events.push(NewEvent {
            event,
            hash_id,
            namespaces: namespaces.clone(),
            captured_by: ctx.org,
            capture_id: ctx.capture_id.clone(),
        });
        positions.push(i);
    }
    if !duplicates.is_empty() && ctx.mode == CaptureMode::Atomic {
        return Err(AppError::AlreadyExists {
            what: "event",
            name: duplicates[0].event_id.clone().unwrap_or_default(),
            errors: duplicates,
        });
    }
    items.extend(duplicates);
    let ids: Vec<String> = events
        .iter()
        .map(|e| e.event.event_id.clone().unwrap_or_default())
        .collect();
    let batch = store::prepare_batch(events).map_err(|e| match e {
        store::StoreError::InvalidEvent { index, message } => AppError::validation(
            format!("an event cannot be stored: {message}; nothing was captured"),
            vec![ErrorItem {
                event_index: positions.get(index).copied(),
                event_id: ids.get(index).cloned(),
                message,
                ..ErrorItem::default()
            }],
        ),
        other => other.into(),
    })?;
    Ok(Prepared {
        batch,
        ids,
        positions,
        rejected: items,
        total,
    })
}

fn random_urn(random: &dyn Random) -> String {
    let mut b = [0u8; 16];
    random.fill(&mut b);
    uuid::Builder::from_random_bytes(b)
        .into_uuid()
        .urn()
        .to_string()
}

/// Stores prepared events in one insert (all or nothing in Atomic mode) and wakes the
/// subscriptions.
pub async fn store_prepared(
    app: &App,
    prepared: Prepared,
    mode: CaptureMode,
) -> Result<CaptureReport> {
    let inserted = app.store.insert_prepared(prepared.batch, mode).await;
    let Prepared {
        ids,
        positions,
        rejected,
        total,
        ..
    } = prepared;
    let report = match inserted {
        Ok(r) => r,
        Err(e) => return Err(insert_error(e, &ids, &positions)),
    };
    let report = capture_report(report, ids, &positions, rejected, total);
    if let Some(&max) = report.seqs.iter().max() {
        stored(app, max).await;
    }
    Ok(report)
}

/// Stores several prepared documents in one transaction, each as [`store_prepared`] would
/// after the one before, so that small documents share the commit and the log checkpoint.
/// `Err` gives the documents back, nothing of them stored, when any of them would fail alone:
/// the caller stores them one at a time to learn each outcome.
pub async fn store_prepared_together(
    app: &App,
    documents: Vec<Prepared>,
    mode: CaptureMode,
) -> std::result::Result<Vec<CaptureReport>, Vec<Prepared>> {
    let batches: Vec<&store::PreparedBatch> = documents.iter().map(|d| &d.batch).collect();
    let reports = match app.store.insert_prepared_together(&batches, mode).await {
        Ok(Some(r)) if r.len() == documents.len() => r,
        Ok(_) => return Err(documents),
        Err(e) => {
            tracing::debug!("grouped capture failed, storing one document at a time: {e}");
            return Err(documents);
        }
    };
    let out: Vec<CaptureReport> = documents
        .into_iter()
        .zip(reports)
        .map(|(d, r)| capture_report(r, d.ids, &d.positions, d.rejected, d.total))
        .collect();
    if let Some(&max) = out.iter().flat_map(|r| &r.seqs).max() {
        stored(app, max).await;
    }
    Ok(out)
}

/// The problem a failed insert is to the client, naming the event at fault.
fn insert_error(e: store::StoreError, ids: &[String], positions: &[usize]) -> AppError {
    match e {
        store::StoreError::DuplicateEventId(id) => {
            let index = ids.iter().position(|x| *x == id).map(|i| positions[i]);
            AppError::AlreadyExists {
                what: "event",
                errors: vec![ErrorItem {
                    event_index: index,
                    event_id: Some(id.clone()),
                    field: Some("/eventID".into()),
                    message: format!(
                        "an event with eventID {id} is already stored; nothing of this document was captured"
                    ),
                    ..ErrorItem::default()
                }],
                name: id,
            }
        }
        store::StoreError::InvalidEvent { index, message } => {
            let at = positions.get(index).copied();
            AppError::validation(
                format!("an event cannot be stored: {message}; nothing was captured"),
                vec![ErrorItem {
                    event_index: at,
                    event_id: ids.get(index).cloned(),
                    message,
                    ..ErrorItem::default()
                }],
            )
        }
        e => e.into(),
    }
}

/// What a document's insert stored and left out, in the document's terms.
fn capture_report(
    report: store::InsertReport,
    ids: Vec<String>,
    positions: &[usize],
    mut rejected: Vec<ErrorItem>,
    total: usize,
) -> CaptureReport {
    let mut rejected_pos = vec![false; ids.len()];
    for (i, why) in &report.rejected {
        if let Some(slot) = rejected_pos.get_mut(*i) {
            *slot = true;
        }
        rejected.push(ErrorItem {
            event_index: positions.get(*i).copied(),
            event_id: ids.get(*i).cloned(),
            message: why.clone(),
            ..ErrorItem::default()
        });
    }
    let event_ids: Vec<String> = ids
        .into_iter()
        .zip(rejected_pos)
        .filter(|(_, r)| !r)
        .map(|(id, _)| id)
        .collect();
    rejected.sort_by_key(|e| e.event_index);
    CaptureReport {
        event_ids,
        seqs: report.inserted,
        errors: rejected,
        total,
    }
}

/// After events up to `max` are stored: wake the subscriptions, sign a checkpoint.
async fn stored(app: &App, max: i64) {
    app.notify_events(max);
    // The events are stored and in the log whatever happens here; a checkpoint missed
    // now is signed by the next capture or the next reader of the log.
    if let Err(e) = crate::log::publish(app).await {
        tracing::warn!("could not sign a log checkpoint: {e}");
    }
}

/// Captures a whole document synchronously (the CLI, `POST /events`): prepare, then store.
/// No size or count limit applies here; the HTTP layer enforces those.
pub async fn capture_document(
    app: &App,
    principal: &Principal,
    bytes: &[u8],
    mode: CaptureMode,
) -> Result<CaptureReport> {
    principal.require(Permission::Capture)?;
    let ctx = context(app, principal, None, mode, None);
    let (_, prepared) = prepare_blocking(bytes.to_vec(), ctx).await;
    store_prepared(app, prepared?, mode).await
}

/// Captures the body of `POST /events`: a single event or a whole document (JSON), or an XML
/// document. All or nothing.
pub async fn capture_events_body(
    app: &App,
    principal: &Principal,
    bytes: &[u8],
) -> Result<CaptureReport> {
    principal.require(Permission::Capture)?;
    let limit = Some(app.config.capture_limit);
    let ctx = context(app, principal, None, CaptureMode::Atomic, limit);
    let now = format_time(app.clock.now());
    let body = bytes.to_vec();
    let prepared = tokio::task::spawn_blocking(move || match epcis::Format::sniff(&body) {
        epcis::Format::Xml => prepare(&body, &ctx),
        epcis::Format::JsonLd => {
            let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
                AppError::validation(
                    format!("malformed JSON: {e}"),
                    vec![ErrorItem {
                        line: Some(e.line()),
                        column: Some(e.column()),
                        message: e.to_string(),
                        ..ErrorItem::default()
                    }],
                )
            })?;
            prepare_json(wrap_single_event(value, &now), &ctx)
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("preparing the document failed: {e}")))??;
    store_prepared(app, prepared, CaptureMode::Atomic).await
}

/// A bare event becomes a one-event EPCISDocument with the event's own `@context`.
fn wrap_single_event(value: serde_json::Value, now: &str) -> serde_json::Value {
    let is_document = value
        .get("type")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|t| t == "EPCISDocument" || t == "EPCISQueryDocument");
    if is_document || !value.is_object() {
        return value;
    }
    let mut event = value;
    let context = event
        .as_object_mut()
        .and_then(|o| o.remove("@context"))
        .unwrap_or_else(|| epcis::jsonld::STANDARD_CONTEXT.into());
    serde_json::json!({
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now,
        "epcisBody": { "eventList": [event] },
    })
}

pub(crate) fn context(
    app: &App,
    principal: &Principal,
    capture_id: Option<String>,
    mode: CaptureMode,
    event_limit: Option<usize>,
) -> CaptureContext {
    CaptureContext {
        org: principal.id(),
        capture_id,
        record_time: app.clock.now(),
        mode,
        event_limit,
        random: app.random.clone(),
    }
}

/// [`prepare`] on the blocking pool: decoding, validating and hashing a large document is CPU
/// work that must not stall the async workers. Gives the bytes back with the result.
pub async fn prepare_blocking(bytes: Vec<u8>, ctx: CaptureContext) -> (Vec<u8>, Result<Prepared>) {
    match tokio::task::spawn_blocking(move || {
        let r = prepare(&bytes, &ctx);
        (bytes, r)
    })
    .await
    {
        Ok(out) => out,
        Err(e) => (
            Vec::new(),
            Err(AppError::Internal(format!(
                "preparing the document failed: {e}"
            ))),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_event_is_wrapped() {
        let e = serde_json::json!({"@context": ["x"], "type": "ObjectEvent"});
        let d = wrap_single_event(e, "2024-01-01T00:00:00.000Z");
        assert_eq!(d["type"], "EPCISDocument");
        assert_eq!(d["@context"], serde_json::json!(["x"]));
        assert_eq!(d["epcisBody"]["eventList"][0]["type"], "ObjectEvent");
        assert!(d["epcisBody"]["eventList"][0].get("@context").is_none());
        let doc = serde_json::json!({"type": "EPCISDocument"});
        assert_eq!(wrap_single_event(doc.clone(), ""), doc);
    }
}
