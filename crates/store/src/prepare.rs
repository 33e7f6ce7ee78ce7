//! Turning events into rows (pure, shared by both backends): the event's columns, its index
//! rows (`epcis::query::index_event`, the same flattening the in-memory matcher uses), its
//! JSON, and the namespace prefixes it uses.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use epcis::query::{IndexRow, index_event};
use epcis::{Event, Namespaces};

use crate::{CaptureMode, NewEvent, Result, StoreError};

/// An event ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub event_id: String,
    /// The event is an error declaration (EPCIS 2.0 §7.4.1.2): it shares its eventID with the
    /// event it declares erroneous, and eventIDs are unique per (eventID, declared).
    pub declared: bool,
    pub event_type: String,
    pub event_time: i64,
    pub record_time: i64,
    pub action: Option<&'static str>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub transformation_id: Option<String>,
    pub hash_id: String,
    pub captured_by: i64,
    pub capture_id: Option<String>,
    pub body: String,
    /// The event's namespaces as JSON, shared by the events of a document that declare the
    /// same ones (written once per document, not once per event).
    pub namespaces: Arc<str>,
    pub rows: Vec<IndexRow>,
    /// The event's document in SQLite's term index ([`crate::terms`]), made here, off the
    /// writer's thread.
    pub terms: Option<String>,
    /// Leaf hash of the event in the transparency log ([`log_entry`]).
    pub leaf: tlog::Hash,
    /// The event read as a cashmere profile step (`None`: it does not claim the profile).
    pub profile: Option<provenance::Profiled>,
    /// How the event breaks the cashmere profile it claims (empty when it does not).
    pub profile_violations: Vec<epcis::Violation>,
}

/// The transparency-log entry of a stored event: the RFC 8785 (JCS) canonical JSON of the event
/// object exactly as `GET /events/{eventID}` returns it by default in its `eventList`
/// (JSON-LD, one-event query document, GS1 keys as Digital Links, the REST binding's default
/// `GS1-EPC-Format`). Anyone holding that answer can recompute the leaf.
///
/// Every captured event pays for this, so the common case writes the canonical bytes straight
/// from the event: no copy when its identifiers already are Digital Links
/// ([`epcis::id::with_digital_links`]), and no
/// `serde_json::Value` when none of its prefixes can be renamed
/// ([`epcis::jsonld::may_rename_prefixes`]). `log_entry_agrees_with_the_document_writer`
/// checks that the shortcut gives the bytes of the general path.
pub fn log_entry(event: &Event, namespaces: &Namespaces) -> Result<Vec<u8>> {
    let rewritten = epcis::id::with_digital_links(event);
    let event = rewritten.as_ref().unwrap_or(event);
    let canonical =
        |e: tlog::jcs::JcsError| StoreError::Corrupt(format!("event has no canonical JSON: {e}"));
    if !epcis::jsonld::may_rename_prefixes(namespaces) {
        return tlog::jcs::to_vec_of(event).map_err(canonical);
    }
    let obj = epcis::jsonld::event_in_query_document(event, namespaces);
    if !obj.is_object() {
        return Err(StoreError::Corrupt(
            "the JSON-LD writer gave no event object".into(),
        ));
    }
    tlog::jcs::to_vec(&obj).map_err(canonical)
}

/// The eventID an event is stored under: its own, else its hash ID.
pub(crate) fn event_id_of(e: &NewEvent) -> String {
    e.event
        .event_id
        .clone()
        .unwrap_or_else(|| e.hash_id.clone())
}

/// The namespaces JSON of the last event prepared: a document's events all declare the same.
type LastNamespaces = Option<(Namespaces, Arc<str>)>;

pub(crate) fn prepare(index: usize, e: NewEvent, last: &mut LastNamespaces) -> Result<Prepared> {
    let ix = index_event(&e.event, &e.namespaces);
    let c = ix.columns;
    let invalid = |message: String| StoreError::InvalidEvent { index, message };
    let event_time = c.event_time.ok_or_else(|| {
        invalid(format!(
            "eventTime '{}' is not a date-time with offset",
            e.event.event_time
        ))
    })?;
    let record_time = c
        .record_time
        .ok_or_else(|| invalid("recordTime is missing or not a date-time with offset".into()))?;
    let event_id = event_id_of(&e);
    let NewEvent {
        mut event,
        hash_id,
        namespaces,
        captured_by,
        capture_id,
    } = e;
    event.event_id = Some(event_id.clone());
    let declared = event.error_declaration.is_some();
    // Read after the eventID is filled: the ledger names events by it. A declaration is not a
    // step of the ledger: applied again it would create or consume its lots a second time
    // (a correction is a corrective event of its own).
    let (profile, profile_violations) = if declared {
        (None, Vec::new())
    } else {
        match read_profile(index, &event, &namespaces) {
            Ok(p) => (p, Vec::new()),
            Err(v) => (None, v),
        }
    };
    let leaf =
        tlog::leaf_hash(&log_entry(&event, &namespaces).map_err(|e| invalid(e.to_string()))?);
    let body = serde_json::to_string(&event)
        .map_err(|err| invalid(format!("cannot be written as JSON: {err}")))?;
    let namespaces = match last {
        Some((ns, json)) if *ns == namespaces => json.clone(),
        _ => {
            let json: Arc<str> = serde_json::to_string(&namespaces)
                .map_err(|err| invalid(format!("namespaces cannot be written as JSON: {err}")))?
                .into();
            *last = Some((namespaces, json.clone()));
            json
        }
    };
    Ok(Prepared {
        event_id,
        declared,
        event_type: c.event_type,
        event_time,
        record_time,
        action: c.action,
        biz_step: c.biz_step,
        disposition: c.disposition,
        read_point: c.read_point,
        biz_location: c.biz_location,
        transformation_id: c.transformation_id,
        hash_id,
        captured_by: captured_by.0,
        capture_id,
        body,
        namespaces,
        terms: crate::terms::document(&ix.rows),
        rows: ix.rows,
        leaf,
        profile,
        profile_violations,
    })
}

/// The event read as a cashmere profile step, or how it breaks the profile. A lab test is also
/// a quality record: physically impossible or inconsistent values break it too, so they are
/// refused before anyone grades or certifies them.
pub(crate) fn read_profile(
    index: usize,
    event: &Event,
    namespaces: &Namespaces,
) -> std::result::Result<Option<provenance::Profiled>, Vec<epcis::Violation>> {
    match provenance::profile::read(index, event, namespaces)? {
        Some(p) if p.process == provenance::Process::LabTest => {
            let v = lab_result_violations(index, event, namespaces);
            if v.is_empty() { Ok(Some(p)) } else { Err(v) }
        }
        other => Ok(other),
    }
}

/// How a lab-test event's results break the quality rules (ranges, CV against SD and mean,
/// composition sums, histogram), as violations of the event.
fn lab_result_violations(
    index: usize,
    event: &Event,
    namespaces: &Namespaces,
) -> Vec<epcis::Violation> {
    quality::lab::measurement_problems(event, namespaces, &quality::Tolerances::default())
        .iter()
        .map(|p| epcis::Violation {
            location: epcis::error::Location {
                event_index: Some(index),
                event_id: event.event_id.clone(),
                field: Some("sensorElementList".into()),
                ..Default::default()
            },
            message: p.to_string(),
        })
        .collect()
}

/// (prefix, namespace key) pairs a batch uses.
pub(crate) type Prefixes = Vec<(String, String)>;

/// A batch of events turned into rows, ready for [`crate::Store::insert_prepared`].
///
/// Preparing (index rows, JSON bodies) is pure CPU work: a caller capturing many documents
/// prepares the next batch on another thread while the store writes this one, so the single
/// SQLite writer spends its time on nothing but writing.
#[derive(Debug, Clone, Default)]
pub struct PreparedBatch {
    pub(crate) rows: Vec<Prepared>,
    pub(crate) prefixes: Prefixes,
}

impl Prepared {
    /// What the `hash_id` column holds: empty when the hash ID is the eventID (the eventID was
    /// missing and the hash filled it, as for most events), which readers then take from the
    /// body. Saves the second copy of ≈ 90 bytes in every such row.
    pub(crate) fn stored_hash_id(&self) -> &str {
        if self.hash_id == self.event_id {
            ""
        } else {
            &self.hash_id
        }
    }
}

impl PreparedBatch {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The eventID each event is stored under, in batch order.
    pub fn event_ids(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|r| r.event_id.as_str())
    }

    /// Events that claim the cashmere profile and break it: (position in the batch, how).
    pub fn profile_violations(&self) -> impl Iterator<Item = (usize, &[epcis::Violation])> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.profile_violations.is_empty())
            .map(|(i, r)| (i, r.profile_violations.as_slice()))
    }

    /// Tags every event with the capture job it came from.
    pub fn set_capture_id(&mut self, id: &str) {
        for r in &mut self.rows {
            r.capture_id = Some(id.to_owned());
        }
    }

    /// The events back as values (for stores that keep values rather than rows).
    pub fn to_events(&self) -> Result<Vec<NewEvent>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let corrupt = |err: serde_json::Error| StoreError::InvalidEvent {
                    index,
                    message: format!("prepared row cannot be read back: {err}"),
                };
                Ok(NewEvent {
                    event: serde_json::from_str(&r.body).map_err(corrupt)?,
                    hash_id: r.hash_id.clone(),
                    namespaces: serde_json::from_str(&r.namespaces).map_err(corrupt)?,
                    captured_by: crate::OrgId(r.captured_by),
                    capture_id: r.capture_id.clone(),
                })
            })
            .collect()
    }
}

/// Turns events into rows (pure; see [`PreparedBatch`]). Fails with `InvalidEvent` naming the
/// first event that cannot be stored as it is.
pub fn prepare_batch(events: Vec<NewEvent>) -> Result<PreparedBatch> {
    let mut rows = Vec::with_capacity(events.len());
    let mut prefixes = BTreeSet::new();
    let mut last: LastNamespaces = None;
    for (i, e) in events.into_iter().enumerate() {
        if last.as_ref().is_none_or(|(ns, _)| *ns != e.namespaces) {
            for (p, iri) in e.namespaces.iter() {
                prefixes.insert((p.to_owned(), ns_key(iri)));
            }
        }
        rows.push(prepare(i, e, &mut last)?);
    }
    Ok(PreparedBatch {
        rows,
        prefixes: prefixes.into_iter().collect(),
    })
}

/// The form `ns_prefixes.ns` keeps: what `epcis::query::FieldName` keys start with.
pub(crate) fn ns_key(iri: &str) -> String {
    format!("{}#", iri.trim_end_matches(['#', '/']))
}

/// Positions of events whose (eventID, declared) repeats an earlier one in the same batch: an
/// event and its error declaration may share an eventID, two events or two declarations not.
pub(crate) fn in_batch_duplicates(prepared: &[Prepared]) -> Vec<usize> {
    let mut seen = HashSet::with_capacity(prepared.len());
    prepared
        .iter()
        .enumerate()
        .filter(|(_, p)| !seen.insert((p.event_id.as_str(), p.declared)))
        .map(|(i, _)| i)
        .collect()
}

/// Why an event is refused as a duplicate (Proceed mode's report).
pub(crate) fn duplicate_reason(p: &Prepared) -> String {
    if p.declared {
        format!(
            "an error declaration for eventID {} already exists",
            p.event_id
        )
    } else {
        format!("an event with eventID {} already exists", p.event_id)
    }
}

/// What an event must not share with a stored one: its eventID and whether it is an error
/// declaration.
pub(crate) type DuplicateKey = (String, bool);

pub(crate) fn duplicate_key(p: &Prepared) -> DuplicateKey {
    (p.event_id.clone(), p.declared)
}

/// Proceed mode: leaves out the batch's own repeats (`dups`) and the events whose key is
/// stored already, reporting each.
pub(crate) fn reject_duplicates(
    prepared: &[Prepared],
    dups: &[usize],
    existing: &HashSet<DuplicateKey>,
    keep: &mut [bool],
    report: &mut crate::InsertReport,
) {
    for &i in dups {
        keep[i] = false;
    }
    for (i, p) in prepared.iter().enumerate() {
        if !keep[i] || existing.contains(&duplicate_key(p)) {
            keep[i] = false;
            report.rejected.push((i, duplicate_reason(p)));
        }
    }
}

/// What a failed batch reports: a document captured again is a duplicate first (its lots and
/// unique keys exist too), anything else is the failure `e` itself.
pub(crate) fn duplicate_or(
    prepared: &[Prepared],
    existing: &HashSet<DuplicateKey>,
    e: StoreError,
) -> StoreError {
    match prepared
        .iter()
        .find(|p| existing.contains(&duplicate_key(p)))
    {
        Some(p) => StoreError::DuplicateEventId(p.event_id.clone()),
        None => e,
    }
}

/// The kept events with their sequence numbers, `base + 1` onwards in batch order.
pub(crate) fn numbered<'p>(
    prepared: &'p [Prepared],
    keep: &[bool],
    base: i64,
) -> Vec<(i64, &'p Prepared)> {
    prepared
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| p)
        .enumerate()
        .map(|(n, p)| (base + 1 + n as i64, p))
        .collect()
}

/// Why a batch could not be written.
pub(crate) enum Failed {
    Plain(StoreError),
    /// Possibly because an event is stored already: worth looking once the tx is gone.
    Recheck(StoreError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Failed {
        Failed::Plain(e)
    }
}

impl From<sqlx::Error> for Failed {
    fn from(e: sqlx::Error) -> Failed {
        Failed::Plain(e.into())
    }
}

/// An Atomic batch that names one eventID twice fails before any write.
pub(crate) fn in_batch_error(batch: &PreparedBatch, mode: CaptureMode) -> Option<StoreError> {
    let dups = in_batch_duplicates(&batch.rows);
    match (mode, dups.first()) {
        (CaptureMode::Atomic, Some(&i)) => {
            Some(StoreError::DuplicateEventId(batch.rows[i].event_id.clone()))
        }
        _ => None,
    }
}

/// Whether a group of batches cannot be inserted together (one of them would fail before any
/// write): the caller then inserts them one at a time.
pub(crate) fn refuse_group(batches: &[&PreparedBatch], mode: CaptureMode) -> bool {
    batches.iter().any(|b| in_batch_error(b, mode).is_some())
}

/// A grouped insert that failed: nothing of the group is stored (its transaction is dropped),
/// and the batches are to be retried one at a time, which tells each outcome.
pub(crate) fn give_up(f: Failed) -> Option<Vec<crate::InsertReport>> {
    let (Failed::Plain(e) | Failed::Recheck(e)) = f;
    tracing::debug!("a grouped insert failed, to be retried alone: {e}");
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use epcis::EventType;

    fn new_event(id: &str) -> NewEvent {
        let mut e = Event::new(EventType::ObjectEvent, "2020-01-01T00:00:00Z", "+00:00");
        e.event_id = Some(id.into());
        e.record_time = Some("2020-01-02T00:00:00Z".into());
        let mut ns = Namespaces::new();
        ns.insert("ex", "https://x.example/");
        NewEvent {
            event: e,
            hash_id: "ni:///sha-256;00?ver=CBV2.0".into(),
            namespaces: ns,
            captured_by: crate::OrgId(1),
            capture_id: None,
        }
    }

    #[test]
    fn prepares_and_finds_duplicates() {
        let evs = vec![new_event("a"), new_event("b"), new_event("a")];
        let b = prepare_batch(evs).unwrap();
        let (p, prefixes) = (b.rows, b.prefixes);
        assert_eq!(p[0].event_time, 1_577_836_800_000_000);
        assert_eq!(
            prefixes,
            [("ex".to_owned(), "https://x.example#".to_owned())]
        );
        assert_eq!(in_batch_duplicates(&p), [2]);
        let mut declared = new_event("a");
        declared.event.error_declaration = Some(epcis::ErrorDeclaration {
            declaration_time: "2020-01-03T00:00:00Z".into(),
            reason: None,
            corrective_event_ids: None,
            extensions: Default::default(),
        });
        let again = declared.clone();
        let b = prepare_batch(vec![new_event("a"), declared, again, new_event("a")]).unwrap();
        assert!(!b.rows[0].declared && b.rows[1].declared);
        assert_eq!(in_batch_duplicates(&b.rows), [2, 3]);
        let mut bad = new_event("c");
        bad.event.record_time = None;
        assert!(matches!(
            prepare_batch(vec![new_event("d"), bad]),
            Err(StoreError::InvalidEvent { index: 1, .. })
        ));
    }
}
