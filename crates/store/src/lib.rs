//! Storage for nooluur. One trait, [`Store`], two backends: SQLite (embedded default, WAL) and
//! PostgreSQL (scale-out). Only this crate speaks SQL. The conformance suite in
//! `tests/conformance.rs` runs the same scenarios against both.
//!
//! [`open`] picks the backend by URL: `sqlite://PATH`, `sqlite::memory:` or `postgres://…`,
//! and brings the schema up to date (migrations per dialect under `migrations/`).

mod common;
mod credentials;
mod cursor;
mod log;
mod postgres;
mod prepare;
mod provenance;
mod records;
pub use credentials::{Claim, MemoryCredentials, NewCredential, StoredCredential};
pub use prepare::{PreparedBatch, log_entry, prepare_batch};
pub use provenance::{MemoryLedger, MongoliaCensus, Relation, ledger_config, rejection_reason};
pub use records::{MemoryRecords, NewRecord, RecordFilter, RecordUpdate, StoredRecord};
mod sql;
mod sqlite;
mod terms;
pub mod testing;
mod types;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use types::*;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use epcis::query::EventQuery;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Default number of items on a page.
pub const DEFAULT_PER_PAGE: u32 = 100;
/// Largest page the store hands out, whatever the request asks for.
pub const MAX_PER_PAGE: u32 = 10_000;
/// How long a claimed capture job may stay `running` before another worker may take it over
/// (the worker that claimed it is presumed dead).
pub const DEFAULT_JOB_LEASE: chrono::Duration = chrono::Duration::minutes(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An event with this eventID is already stored (capture answers 409).
    #[error("an event with eventID {0} already exists")]
    DuplicateEventId(String),
    #[error("{what} '{name}' already exists")]
    AlreadyExists { what: &'static str, name: String },
    #[error("{what} '{name}' not found")]
    NotFound { what: &'static str, name: String },
    #[error("invalid page token")]
    BadPageToken,
    #[error("database URL '{0}' is not sqlite://… or postgres://…")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// An event handed to `insert_events` cannot be stored as it is (no parsable eventTime or
    /// recordTime); `index` is its position in the batch.
    #[error("event {index} cannot be stored: {message}")]
    InvalidEvent { index: usize, message: String },
    /// Event `index` of the batch claims the cashmere profile (`cm:profile`) and breaks it;
    /// each violation names the field.
    #[error("event {} does not follow the cashmere profile: {}", index + 1, violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Profile {
        index: usize,
        violations: Vec<epcis::Violation>,
    },
    /// The provenance ledger refused an event (over-consumption, a lot created twice, mass
    /// balance outside a rejecting band, …); nothing of the batch was stored.
    #[error("{0}")]
    Provenance(Box<::provenance::Rejection>),
    /// The query matches more events than its `maxEventCount` (`QueryTooLargeException`).
    #[error("the query matches more than {limit} events (maxEventCount)")]
    QueryTooLarge { limit: u64 },
    /// A credential with this id is already stored.
    #[error("a credential with id {0} already exists")]
    DuplicateCredential(String),
    /// A record with this kind and key is already stored (or the batch names it twice).
    #[error("{kind} '{key}' already exists")]
    DuplicateRecord { kind: String, key: String },
    /// An update named a version the record is no longer at (someone else changed it first),
    /// or a record that does not exist. Nothing of the batch was written.
    #[error("{kind} '{key}' was changed by someone else; read it again")]
    StaleRecord { kind: String, key: String },
    /// A claim of the credential would take the unrevoked claims on (lot, standard) past the
    /// claim's `limit_grams`; `claimed_grams` were claimed before it (earlier claims of the same
    /// credential included), it asked for `asked_grams`. Nothing was stored.
    #[error(
        "lot {lot} under {standard}: {} certified, {} already claimed, {} asked",
        credentials::kg(*limit_grams),
        credentials::kg(*claimed_grams),
        credentials::kg(*asked_grams)
    )]
    OverClaim {
        lot: String,
        standard: String,
        limit_grams: i64,
        claimed_grams: i64,
        asked_grams: i64,
    },
    /// A claim of a negative mass (it would free certified mass for others). Nothing was stored.
    #[error("lot {lot} under {standard}: a claim of {} is not a mass", credentials::kg(*grams))]
    InvalidClaim {
        lot: String,
        standard: String,
        grams: i64,
    },
}

impl StoreError {
    /// The database's message when it refused a value as too long for one of its limits
    /// (PostgreSQL's SQLSTATE 54000, `program_limit_exceeded`: a B-tree key over a third of a
    /// page, say). The input is at fault, not the store, and nothing was written: callers
    /// answer it as bad input. Events are checked before they reach the server
    /// (`postgres::limits`); this covers the other keys that come from input.
    pub fn too_long_for_the_database(&self) -> Option<&str> {
        match self {
            StoreError::Database(sqlx::Error::Database(db))
                if db.code().as_deref() == Some("54000") =>
            {
                Some(db.message())
            }
            _ => None,
        }
    }
}

/// Everything nooluur keeps. Implementations must be safe to use from many tasks and, for
/// PostgreSQL, from many processes at once.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    // ---- organisations and tokens ----
    async fn create_org(&self, org: NewOrg) -> Result<Org>;
    async fn org_by_name(&self, name: &str) -> Result<Option<Org>>;
    async fn org_by_token_hash(&self, token_hash: &str) -> Result<Option<Org>>;
    async fn add_token(&self, org: OrgId, token_hash: &str) -> Result<()>;
    async fn list_orgs(&self) -> Result<Vec<Org>>;

    // ---- events ----
    /// Inserts events. An eventID is unique per kind: one event and one error declaration may
    /// share it (the declaration need not follow its event, which may be stored elsewhere).
    /// `Atomic`: all or none (a duplicate fails the whole batch with `DuplicateEventId`).
    /// `Proceed`: each event on its own; the report says which failed. Declarations are stored
    /// and logged, but are not steps of the provenance ledger.
    async fn insert_events(
        &self,
        events: Vec<NewEvent>,
        mode: CaptureMode,
    ) -> Result<InsertReport> {
        self.insert_prepared(prepare_batch(events)?, mode).await
    }
    /// [`Store::insert_events`] for a batch already turned into rows ([`prepare_batch`]).
    async fn insert_prepared(
        &self,
        batch: PreparedBatch,
        mode: CaptureMode,
    ) -> Result<InsertReport>;
    /// Inserts several batches in one transaction, as [`Store::insert_prepared`] would one
    /// after the other, so that small documents share the commit. All or none: `Ok(None)`
    /// when any batch fails or the backend does not group, with nothing stored; the caller
    /// then inserts them one at a time to learn each outcome.
    async fn insert_prepared_together(
        &self,
        batches: &[&PreparedBatch],
        mode: CaptureMode,
    ) -> Result<Option<Vec<InsertReport>>> {
        let _ = (batches, mode);
        Ok(None)
    }
    /// The events stored under `event_id` that `viewer` may see, in capture order: at most one
    /// event and one error declaration of it (EPCIS 2.0 §7.4.1.2: a declaration repeats the
    /// eventID it declares erroneous). Empty when there is none.
    async fn get_event(&self, event_id: &str, viewer: &Viewer) -> Result<Vec<StoredEvent>>;
    /// [`Store::get_event`] for many eventIDs at once, in capture order: what a trace reads
    /// for every event on its path. The SQL backends answer with one query per few hundred
    /// IDs instead of one per event.
    async fn get_events(&self, event_ids: &[String], viewer: &Viewer) -> Result<Vec<StoredEvent>> {
        let mut out = Vec::new();
        for id in event_ids {
            out.extend(self.get_event(id, viewer).await?);
        }
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }
    /// One page of the events matching `query` that `viewer` may see. Without `orderBy` the
    /// order is capture order (ascending sequence number). `maxEventCount` is checked on the
    /// first page (`QueryTooLarge`); `eventCountLimit` caps the total over all pages.
    async fn query_events(
        &self,
        query: &EventQuery,
        viewer: &Viewer,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>>;
    /// Distinct values behind the top-level resources (`/epcs`, `/bizSteps`, …) visible to the
    /// viewer, in canonical form (`epcis::id::canonical`, CBV web IRIs), sorted.
    async fn distinct_values(
        &self,
        resource: Resource,
        viewer: &Viewer,
        page: &PageRequest,
    ) -> Result<Page<String>>;
    /// Events with a sequence number above `after_seq`, in sequence order, at most `limit`,
    /// whoever may see them (subscriptions filter by query and visibility in memory, then move
    /// their cursor past the last event returned). Added for `app::subscriptions`.
    async fn events_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>> {
        let _ = (after_seq, limit);
        Err(StoreError::Corrupt(
            "events_after is not implemented by this backend".into(),
        ))
    }
    // ---- transparency log ----
    /// Stored log hashes at `indexes` (`tlog` numbering), in that order.
    async fn log_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>>;
    /// The newest signed checkpoint: (tree size, signed note).
    async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>>;
    /// Keeps a signed checkpoint (a size already checkpointed keeps its first note).
    async fn put_checkpoint(&self, size: u64, note: &str) -> Result<()>;
    /// The setting `key`, set to `value` first if it has none (the first writer wins, across
    /// processes).
    async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String>;

    // ---- provenance (crates/provenance; keys are `provenance::identity` of the id) ----
    /// A lot of the ledger.
    async fn lot(&self, key: &str) -> Result<Option<::provenance::LotState>>;
    /// A stored composition by reference (a lot's or garment's `composition_ref`).
    async fn composition(&self, reference: &str) -> Result<Option<::provenance::Composition>>;
    /// A garment made by a knitting event.
    async fn garment(&self, key: &str) -> Result<Option<::provenance::ledger::Garment>>;
    /// Findings whose subject is one of `subjects`, in the order they were raised.
    async fn findings_for(&self, subjects: &[String]) -> Result<Vec<::provenance::Finding>>;
    /// Edges of the event graph touching `nodes` (one level; see `provenance::trace::Graph`).
    async fn graph_edges(
        &self,
        relation: Relation,
        nodes: &[String],
    ) -> Result<Vec<::provenance::trace::Edge>>;
    /// Creation and observation events of `nodes`, as (node, eventID), in capture order.
    async fn graph_events(&self, nodes: &[String]) -> Result<Vec<(String, String)>>;

    /// Highest event sequence number stored (0 when empty).
    async fn max_seq(&self) -> Result<i64>;
    async fn count_events(&self) -> Result<i64>;
    /// Where the store stands, in one cheap read: the highest event seq and a counter of every
    /// change to organisations, credentials and records. Anything computed from the store
    /// (a passport page) is still current while this is unchanged; it is read inside one
    /// snapshot, and bumped in the writing transaction, so it never runs ahead of the data.
    async fn revision(&self) -> Result<Revision>;

    // ---- capture jobs ----
    /// Stores an accepted document as a pending job, so nothing accepted is lost if the
    /// process dies before it is processed.
    async fn create_capture_job(&self, job: NewCaptureJob) -> Result<CaptureJob>;
    /// Claims the oldest pending job for processing (SKIP LOCKED on PostgreSQL), or a job left
    /// `running` for longer than [`DEFAULT_JOB_LEASE`] by a worker that died.
    async fn claim_capture_job(&self) -> Result<Option<(CaptureJob, Vec<u8>)>>;
    /// [`Store::claim_capture_job`] at time `now` (the app's clock), taking over jobs claimed
    /// before `now - lease` that are still running. (The default ignores the times, for
    /// stores without leases.)
    async fn claim_capture_job_at(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Option<(CaptureJob, Vec<u8>)>> {
        let _ = (now, lease);
        self.claim_capture_job().await
    }
    /// Claims, in one statement, the jobs [`Store::claim_capture_job_at`] would claim one after
    /// the other: at most `max_jobs`, in order, and no more once the documents claimed reach
    /// `max_bytes` (the first job is claimed whatever its size). A worker stores small
    /// documents together, and claiming them one transaction each would cost as much.
    async fn claim_capture_jobs_at(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        max_jobs: usize,
        max_bytes: usize,
    ) -> Result<Vec<(CaptureJob, Vec<u8>)>> {
        let mut jobs = Vec::new();
        let mut bytes = 0;
        while jobs.len() < max_jobs && bytes < max_bytes {
            let Some(job) = self.claim_capture_job_at(now, lease).await? else {
                break;
            };
            bytes += job.1.len();
            jobs.push(job);
        }
        Ok(jobs)
    }
    async fn finish_capture_job(&self, id: &str, outcome: CaptureOutcome) -> Result<()>;
    /// [`Store::finish_capture_job`] for several jobs, in one transaction where the backend
    /// has them; an unknown job fails the whole call.
    async fn finish_capture_jobs(&self, outcomes: &[(String, CaptureOutcome)]) -> Result<()> {
        for (id, outcome) in outcomes {
            self.finish_capture_job(id, outcome.clone()).await?;
        }
        Ok(())
    }
    async fn get_capture_job(&self, id: &str, org: OrgId) -> Result<Option<CaptureJob>>;
    async fn list_capture_jobs(&self, org: OrgId, page: &PageRequest) -> Result<Page<CaptureJob>>;

    // ---- named queries ----
    async fn create_named_query(&self, q: NamedQuery) -> Result<()>;
    async fn get_named_query(&self, name: &str) -> Result<Option<NamedQuery>>;
    async fn list_named_queries(&self, page: &PageRequest) -> Result<Page<NamedQuery>>;
    /// Deletes a named query and its subscriptions.
    async fn delete_named_query(&self, name: &str) -> Result<bool>;

    // ---- subscriptions ----
    /// `NotFound` when the named query does not exist.
    async fn create_subscription(&self, s: Subscription) -> Result<()>;
    async fn get_subscription(&self, id: &str) -> Result<Option<Subscription>>;
    async fn list_subscriptions(
        &self,
        query_name: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Subscription>>;
    async fn delete_subscription(&self, id: &str) -> Result<bool>;
    /// Moves a subscription's cursor from `from` to `to` only if it is still at `from`
    /// (compare-and-set), so two processes never deliver the same events twice.
    async fn advance_subscription(&self, id: &str, from: i64, to: i64) -> Result<bool>;

    // ---- verifiable credentials ----
    /// The next free bit of `issuer`'s status list (0, 1, 2, … per issuer; never handed out
    /// twice, gaps allowed).
    async fn next_status_index(&self, issuer: OrgId) -> Result<i64>;
    /// Stores a credential. Refuses a duplicate id (`StoreError::DuplicateCredential(id)`), a
    /// status-list bit of the issuer already used by another credential (`AlreadyExists`), a
    /// negative claim (`InvalidClaim`) and, atomically with the insert, any claim that would
    /// make the unrevoked claims on (lot, standard) exceed that claim's `limit_grams`:
    /// `StoreError::OverClaim { lot, standard, limit_grams, claimed_grams (already claimed
    /// before this one), asked_grams }`. Nothing is stored when it fails. Race-free with several
    /// processes on one PostgreSQL (an advisory lock per (lot, standard)) and under SQLite's
    /// single writer.
    async fn insert_credential(&self, c: NewCredential) -> Result<()>;
    /// The credential with this id.
    async fn get_credential(&self, id: &str) -> Result<Option<StoredCredential>>;
    /// Credentials naming any of `subjects`, oldest first (by `issued_at`, then insertion
    /// order), each once.
    async fn credentials_about(&self, subjects: &[String]) -> Result<Vec<StoredCredential>>;
    /// Every credential of a kind, oldest first (e.g. all scope certificates).
    async fn credentials_of_kind(&self, kind: &str) -> Result<Vec<StoredCredential>>;
    /// Marks a credential revoked at `at` (µs). `Ok(false)` when there is no such credential;
    /// revoking again keeps the first time. Its claims stop counting.
    async fn revoke_credential(&self, id: &str, at: i64) -> Result<bool>;
    /// The status-list bits of `issuer`'s revoked credentials, ascending.
    async fn revoked_status_indexes(&self, issuer: OrgId) -> Result<Vec<i64>>;
    /// Grams claimed by unrevoked credentials on (lot, standard).
    async fn claimed_grams(&self, lot: &str, standard: &str) -> Result<i64>;

    // Records (registry, market): see `records`.
    /// Inserts and updates records together, at `at` (µs), or nothing: `DuplicateRecord` for
    /// an insert whose (kind, key) exists, `StaleRecord` for an update whose record is not at
    /// the version it names.
    async fn write_records(
        &self,
        inserts: Vec<NewRecord>,
        updates: Vec<RecordUpdate>,
        at: i64,
    ) -> Result<()>;
    async fn get_record(&self, kind: &str, key: &str) -> Result<Option<StoredRecord>>;
    /// The records of a kind with these keys, in the order of `keys`; keys with no record are
    /// left out. One round trip per few hundred keys (a passport names thousands of households).
    async fn get_records(&self, kind: &str, keys: &[String]) -> Result<Vec<StoredRecord>> {
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            found.extend(self.get_record(kind, key).await?);
        }
        Ok(found)
    }
    /// The records of a kind matching the filter, in insertion order.
    async fn list_records(&self, kind: &str, filter: &RecordFilter) -> Result<Vec<StoredRecord>>;
}

/// Opens the store a URL names and brings its schema up to date: `sqlite://PATH` (the file is
/// created, and its directory), `sqlite::memory:` (a private in-memory database), or
/// `postgres://…` / `postgresql://…`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    open_with(url, &OpenOptions::default()).await
}

/// How a store is opened, beyond its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// The most memory (MiB) the SQLite writer connection's page cache may take. A server keeps
    /// the default, within its memory budget; a bulk load gains from more, because every
    /// captured event inserts into B-trees keyed at random (eventID, the identifier index),
    /// and once those outgrow the cache each insert reads its page back. PostgreSQL ignores it
    /// (its server's `shared_buffers` decides).
    pub sqlite_cache_mib: u32,
    /// How much of the SQLite file (MiB) connections map into memory instead of reading it
    /// page by page. Mapped pages count in the process's resident memory: a server that maps
    /// a big store grows past its budget as reads touch it (1.6 GB RSS on the national season),
    /// so it reads instead and leaves caching to the OS; a bulk load or a whole-store check
    /// maps up to SQLite's ceiling.
    pub sqlite_mmap_mib: u32,
}

impl OpenOptions {
    /// The SQLite writer's default page cache: the server's share of its memory budget.
    pub const DEFAULT_SQLITE_CACHE_MIB: u32 = 32;
    /// SQLite's compile-time ceiling for `mmap_size` (2 GiB less 64 KiB), in MiB.
    pub const MAX_SQLITE_MMAP_MIB: u32 = 2047;
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            sqlite_cache_mib: Self::DEFAULT_SQLITE_CACHE_MIB,
            sqlite_mmap_mib: 0,
        }
    }
}

/// [`open`] with options.
pub async fn open_with(url: &str, options: &OpenOptions) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open_with(url, options).await?))
    } else {
        Err(StoreError::BadUrl(url.to_owned()))
    }
}

/// The URL of the default SQLite database in a data directory (`DIR/nooluur.db`).
pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("nooluur.db").display())
}
