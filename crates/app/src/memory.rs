//! A [`Store`] in memory: the reference the app's own tests run the use cases against, and a
//! store for tools that need no persistence. Not for production: nothing survives the process.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::Utc;
use epcis::query::EventQuery;
use store::{
    Backend, CaptureJob, CaptureMode, CaptureOutcome, InsertReport, JobState, NamedQuery,
    NewCaptureJob, NewEvent, NewOrg, Org, OrgId, Page, PageRequest, Resource, Result, Store,
    StoreError, StoredEvent, Subscription, Viewer,
};

#[derive(Default)]
struct Inner {
    orgs: Vec<Org>,
    tokens: HashMap<String, OrgId>,
    events: Vec<StoredEvent>,
    /// Position of each event by (eventID, is an error declaration): an event and its
    /// declaration share an eventID.
    ids: HashMap<(String, bool), usize>,
    jobs: BTreeMap<String, (CaptureJob, Vec<u8>)>,
    job_seq: u64,
    queries: BTreeMap<String, NamedQuery>,
    subs: BTreeMap<String, Subscription>,
    log: tlog::MemoryLog,
    checkpoints: BTreeMap<u64, String>,
    settings: BTreeMap<String, String>,
    ledger: store::MemoryLedger,
    credentials: store::MemoryCredentials,
    records: store::MemoryRecords,
    /// Changes to organisations, credentials and records (see `Store::revision`).
    other_changes: i64,
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore(Mutex<Inner>);

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What no two stored events share: the eventID and whether the event is an error declaration.
fn key(e: &NewEvent) -> (String, bool) {
    (
        e.event.event_id.clone().unwrap_or_default(),
        e.event.error_declaration.is_some(),
    )
}

/// Sorts by `orderBy` eventTime/recordTime (ties and unparsable times keep capture order);
/// other keys keep capture order.
fn order_hits(hits: &mut [StoredEvent], query: &EventQuery) {
    use epcis::query::{Direction, OrderKey};
    let key = |e: &StoredEvent| {
        let t = match query.order_by {
            Some(OrderKey::EventTime) => Some(e.event.event_time.as_str()),
            Some(OrderKey::RecordTime) => e.event.record_time.as_deref(),
            _ => None,
        };
        t.and_then(|t| epcis::parse_time(t).ok())
    };
    if !matches!(
        query.order_by,
        Some(OrderKey::EventTime | OrderKey::RecordTime)
    ) {
        return;
    }
    hits.sort_by(|a, b| {
        let o = key(a).cmp(&key(b));
        match query.order_direction {
            Direction::Asc => o,
            Direction::Desc => o.reverse(),
        }
    });
}

/// Offset-based pages: the token is the offset of the next item.
fn page_of<T: Clone>(items: &[T], page: &PageRequest) -> Result<Page<T>> {
    let start = match &page.token {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| StoreError::BadPageToken)?,
    };
    let per = page.per_page.unwrap_or(100).max(1) as usize;
    let end = (start + per).min(items.len());
    let slice = items.get(start..end).unwrap_or(&[]).to_vec();
    Ok(Page {
        items: slice,
        next_token: (end < items.len()).then(|| end.to_string()),
    })
}

#[async_trait]
impl Store for MemoryStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn create_org(&self, org: NewOrg) -> Result<Org> {
        let mut g = self.lock();
        if g.orgs.iter().any(|o| o.name == org.name) {
            return Err(StoreError::AlreadyExists {
                what: "organisation",
                name: org.name,
            });
        }
        let o = Org {
            id: OrgId(g.orgs.len() as i64 + 1),
            name: org.name,
            role: org.role,
            identifiers: org.identifiers,
            created_at: Utc::now(),
        };
        g.tokens.insert(org.token_hash, o.id);
        g.orgs.push(o.clone());
        g.other_changes += 1;
        Ok(o)
    }

    async fn org_by_name(&self, name: &str) -> Result<Option<Org>> {
        Ok(self.lock().orgs.iter().find(|o| o.name == name).cloned())
    }

    async fn org_by_token_hash(&self, token_hash: &str) -> Result<Option<Org>> {
        let g = self.lock();
        Ok(g.tokens
            .get(token_hash)
            .and_then(|id| g.orgs.iter().find(|o| o.id == *id))
            .cloned())
    }

    async fn add_token(&self, org: OrgId, token_hash: &str) -> Result<()> {
        self.lock().tokens.insert(token_hash.to_owned(), org);
        Ok(())
    }

    async fn list_orgs(&self) -> Result<Vec<Org>> {
        Ok(self.lock().orgs.clone())
    }

    async fn insert_prepared(
        &self,
        batch: store::PreparedBatch,
        mode: CaptureMode,
    ) -> Result<InsertReport> {
        self.insert_events(batch.to_events()?, mode).await
    }

    async fn insert_events(
        &self,
        events: Vec<NewEvent>,
        mode: CaptureMode,
    ) -> Result<InsertReport> {
        let mut g = self.lock();
        let mut report = InsertReport::default();
        if mode == CaptureMode::Atomic {
            let mut seen = std::collections::HashSet::new();
            for e in &events {
                let k = key(e);
                if g.ids.contains_key(&k) || !seen.insert(k.clone()) {
                    return Err(StoreError::DuplicateEventId(k.0));
                }
            }
        }
        // The provenance ledger sees the events that are not duplicates.
        let mut seen = std::collections::HashSet::new();
        let skip: Vec<bool> = events
            .iter()
            .map(|e| {
                let k = key(e);
                g.ids.contains_key(&k) || !seen.insert(k)
            })
            .collect();
        let left_out = g.ledger.capture(&events, &skip, mode)?;
        for (i, e) in events.into_iter().enumerate() {
            let k = key(&e);
            if let Some(why) = left_out.get(&i) {
                report.rejected.push((i, why.clone()));
                continue;
            }
            if g.ids.contains_key(&k) {
                let what = if k.1 {
                    "an error declaration for"
                } else {
                    "an event with"
                };
                report
                    .rejected
                    .push((i, format!("{what} eventID {} already exists", k.0)));
                continue;
            }
            let entry = store::log_entry(&e.event, &e.namespaces)?;
            g.log
                .append_entry(&entry)
                .map_err(|err| StoreError::Corrupt(format!("transparency log: {err}")))?;
            let seq = g.events.len() as i64 + 1;
            let pos = g.events.len();
            g.ids.insert(k, pos);
            g.events.push(StoredEvent {
                seq,
                event: e.event,
                hash_id: e.hash_id,
                namespaces: e.namespaces,
                captured_by: e.captured_by,
                capture_id: e.capture_id,
            });
            report.inserted.push(seq);
        }
        Ok(report)
    }

    async fn lot(&self, key: &str) -> Result<Option<provenance::LotState>> {
        Ok(self.lock().ledger.lot(key))
    }

    async fn composition(&self, reference: &str) -> Result<Option<provenance::Composition>> {
        Ok(self.lock().ledger.composition(reference))
    }

    async fn garment(&self, key: &str) -> Result<Option<provenance::ledger::Garment>> {
        Ok(self.lock().ledger.garment(key))
    }

    async fn findings_for(&self, subjects: &[String]) -> Result<Vec<provenance::Finding>> {
        Ok(self.lock().ledger.findings_for(subjects))
    }

    async fn graph_edges(
        &self,
        relation: store::Relation,
        nodes: &[String],
    ) -> Result<Vec<provenance::trace::Edge>> {
        Ok(self.lock().ledger.edges(relation, nodes))
    }

    async fn graph_events(&self, nodes: &[String]) -> Result<Vec<(String, String)>> {
        Ok(self.lock().ledger.node_events(nodes))
    }

    async fn log_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>> {
        use tlog::HashReader;
        self.lock()
            .log
            .read_hashes(indexes)
            .map_err(|e| StoreError::Corrupt(format!("transparency log: {e}")))
    }

    async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        Ok(self
            .lock()
            .checkpoints
            .last_key_value()
            .map(|(k, v)| (*k, v.clone())))
    }

    async fn put_checkpoint(&self, size: u64, note: &str) -> Result<()> {
        self.lock()
            .checkpoints
            .entry(size)
            .or_insert_with(|| note.to_owned());
        Ok(())
    }

    async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        Ok(self
            .lock()
            .settings
            .entry(key.to_owned())
            .or_insert_with(|| value.to_owned())
            .clone())
    }

    async fn get_event(&self, event_id: &str, viewer: &Viewer) -> Result<Vec<StoredEvent>> {
        let g = self.lock();
        let mut found: Vec<usize> = [false, true]
            .into_iter()
            .filter_map(|declared| g.ids.get(&(event_id.to_owned(), declared)).copied())
            .collect();
        found.sort_unstable();
        Ok(found
            .into_iter()
            .map(|i| &g.events[i])
            .filter(|e| crate::query::visible(viewer, e))
            .cloned()
            .collect())
    }

    async fn query_events(
        &self,
        query: &EventQuery,
        viewer: &Viewer,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>> {
        let g = self.lock();
        let mut hits: Vec<StoredEvent> = g
            .events
            .iter()
            .filter(|e| {
                crate::query::visible(viewer, e) && query.matches_in(&e.event, &e.namespaces)
            })
            .cloned()
            .collect();
        drop(g);
        if let Some(max) = query.max_event_count
            && hits.len() as u64 > max
        {
            return Err(StoreError::QueryTooLarge { limit: max });
        }
        order_hits(&mut hits, query);
        if let Some(limit) = query.event_count_limit {
            hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        page_of(&hits, page)
    }

    async fn distinct_values(
        &self,
        resource: Resource,
        viewer: &Viewer,
        page: &PageRequest,
    ) -> Result<Page<String>> {
        let g = self.lock();
        let mut set = std::collections::BTreeSet::new();
        for s in g.events.iter().filter(|e| crate::query::visible(viewer, e)) {
            let e = &s.event;
            match resource {
                Resource::EventTypes => {
                    set.insert(e.event_type.as_str().to_owned());
                }
                Resource::Epcs => {
                    for (_, x) in e.epcs() {
                        set.insert(x.to_owned());
                    }
                }
                Resource::BizSteps => set.extend(e.biz_step.clone()),
                Resource::Dispositions => set.extend(e.disposition.clone()),
                Resource::ReadPoints => set.extend(e.read_point.as_ref().map(|l| l.id.clone())),
                Resource::BizLocations => set.extend(e.biz_location.as_ref().map(|l| l.id.clone())),
            }
        }
        page_of(&set.into_iter().collect::<Vec<_>>(), page)
    }

    async fn events_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>> {
        let g = self.lock();
        let start = after_seq.max(0) as usize;
        Ok(g.events
            .iter()
            .skip(start)
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn max_seq(&self) -> Result<i64> {
        Ok(self.lock().events.len() as i64)
    }

    async fn count_events(&self) -> Result<i64> {
        Ok(self.lock().events.len() as i64)
    }

    async fn revision(&self) -> Result<store::Revision> {
        let g = self.lock();
        Ok(store::Revision {
            events: g.events.len() as i64,
            other: g.other_changes,
        })
    }

    async fn create_capture_job(&self, job: NewCaptureJob) -> Result<CaptureJob> {
        let mut g = self.lock();
        g.job_seq += 1;
        let j = CaptureJob {
            id: format!("job{:08}", g.job_seq),
            org: job.org,
            mode: job.mode,
            state: JobState::Pending,
            created_at: Utc::now(),
            finished_at: None,
            success: None,
            captured: 0,
            errors: Vec::new(),
        };
        g.jobs.insert(j.id.clone(), (j.clone(), job.document));
        Ok(j)
    }

    async fn claim_capture_job(&self) -> Result<Option<(CaptureJob, Vec<u8>)>> {
        let mut g = self.lock();
        for (job, doc) in g.jobs.values_mut() {
            if job.state == JobState::Pending {
                job.state = JobState::Running;
                return Ok(Some((job.clone(), std::mem::take(doc))));
            }
        }
        Ok(None)
    }

    async fn finish_capture_job(&self, id: &str, outcome: CaptureOutcome) -> Result<()> {
        let mut g = self.lock();
        let (job, _) = g.jobs.get_mut(id).ok_or_else(|| StoreError::NotFound {
            what: "capture job",
            name: id.to_owned(),
        })?;
        job.state = JobState::Finished;
        job.finished_at = Some(Utc::now());
        job.success = Some(outcome.success);
        job.captured = outcome.captured;
        job.errors = outcome.errors;
        Ok(())
    }

    async fn get_capture_job(&self, id: &str, org: OrgId) -> Result<Option<CaptureJob>> {
        Ok(self
            .lock()
            .jobs
            .get(id)
            .map(|(j, _)| j.clone())
            .filter(|j| j.org == org))
    }

    async fn list_capture_jobs(&self, org: OrgId, page: &PageRequest) -> Result<Page<CaptureJob>> {
        let jobs: Vec<CaptureJob> = self
            .lock()
            .jobs
            .values()
            .map(|(j, _)| j.clone())
            .filter(|j| j.org == org)
            .collect();
        page_of(&jobs, page)
    }

    async fn create_named_query(&self, q: NamedQuery) -> Result<()> {
        let mut g = self.lock();
        if g.queries.contains_key(&q.name) {
            return Err(StoreError::AlreadyExists {
                what: "query",
                name: q.name,
            });
        }
        g.queries.insert(q.name.clone(), q);
        Ok(())
    }

    async fn get_named_query(&self, name: &str) -> Result<Option<NamedQuery>> {
        Ok(self.lock().queries.get(name).cloned())
    }

    async fn list_named_queries(&self, page: &PageRequest) -> Result<Page<NamedQuery>> {
        let all: Vec<NamedQuery> = self.lock().queries.values().cloned().collect();
        page_of(&all, page)
    }

    async fn delete_named_query(&self, name: &str) -> Result<bool> {
        let mut g = self.lock();
        g.subs.retain(|_, s| s.query_name != name);
        Ok(g.queries.remove(name).is_some())
    }

    async fn create_subscription(&self, s: Subscription) -> Result<()> {
        self.lock().subs.insert(s.id.clone(), s);
        Ok(())
    }

    async fn get_subscription(&self, id: &str) -> Result<Option<Subscription>> {
        Ok(self.lock().subs.get(id).cloned())
    }

    async fn list_subscriptions(
        &self,
        query_name: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Subscription>> {
        let all: Vec<Subscription> = self
            .lock()
            .subs
            .values()
            .filter(|s| query_name.is_none_or(|q| s.query_name == q))
            .cloned()
            .collect();
        page_of(&all, page)
    }

    async fn delete_subscription(&self, id: &str) -> Result<bool> {
        Ok(self.lock().subs.remove(id).is_some())
    }

    async fn advance_subscription(&self, id: &str, from: i64, to: i64) -> Result<bool> {
        let mut g = self.lock();
        match g.subs.get_mut(id) {
            Some(s) if s.cursor == from => {
                s.cursor = to;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn next_status_index(&self, issuer: OrgId) -> Result<i64> {
        Ok(self.lock().credentials.next_status_index(issuer))
    }

    async fn insert_credential(&self, c: store::NewCredential) -> Result<()> {
        let mut g = self.lock();
        g.credentials.insert(c)?;
        g.other_changes += 1;
        Ok(())
    }

    async fn get_credential(&self, id: &str) -> Result<Option<store::StoredCredential>> {
        Ok(self.lock().credentials.get(id))
    }

    async fn credentials_about(&self, subjects: &[String]) -> Result<Vec<store::StoredCredential>> {
        Ok(self.lock().credentials.about(subjects))
    }

    async fn credentials_of_kind(&self, kind: &str) -> Result<Vec<store::StoredCredential>> {
        Ok(self.lock().credentials.of_kind(kind))
    }

    async fn revoke_credential(&self, id: &str, at: i64) -> Result<bool> {
        let mut g = self.lock();
        let revoked = g.credentials.revoke(id, at);
        g.other_changes += i64::from(revoked);
        Ok(revoked)
    }

    async fn revoked_status_indexes(&self, issuer: OrgId) -> Result<Vec<i64>> {
        Ok(self.lock().credentials.revoked_status_indexes(issuer))
    }

    async fn claimed_grams(&self, lot: &str, standard: &str) -> Result<i64> {
        Ok(self.lock().credentials.claimed_grams(lot, standard))
    }

    async fn write_records(
        &self,
        inserts: Vec<store::NewRecord>,
        updates: Vec<store::RecordUpdate>,
        at: i64,
    ) -> Result<()> {
        let mut g = self.lock();
        g.records.write(inserts, updates, at)?;
        g.other_changes += 1;
        Ok(())
    }

    async fn get_record(&self, kind: &str, key: &str) -> Result<Option<store::StoredRecord>> {
        Ok(self.lock().records.get(kind, key))
    }

    async fn list_records(
        &self,
        kind: &str,
        filter: &store::RecordFilter,
    ) -> Result<Vec<store::StoredRecord>> {
        Ok(self.lock().records.list(kind, filter))
    }
}
