//! The values the store takes and gives back.

use chrono::{DateTime, Utc};
use epcis::{Event, Namespaces};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrgId(pub i64);

/// The roles of DESIGN.md §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Herder,
    Cooperative,
    Lab,
    Certifier,
    Processor,
    Brand,
    Buyer,
    Lender,
    Insurer,
    Regulator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Herder,
        Role::Cooperative,
        Role::Lab,
        Role::Certifier,
        Role::Processor,
        Role::Brand,
        Role::Buyer,
        Role::Lender,
        Role::Insurer,
        Role::Regulator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Herder => "herder",
            Role::Cooperative => "cooperative",
            Role::Lab => "lab",
            Role::Certifier => "certifier",
            Role::Processor => "processor",
            Role::Brand => "brand",
            Role::Buyer => "buyer",
            Role::Lender => "lender",
            Role::Insurer => "insurer",
            Role::Regulator => "regulator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Regulators (and admins) read every event.
    pub fn sees_all_events(self) -> bool {
        matches!(self, Role::Regulator | Role::Admin)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    pub name: String,
    pub role: Role,
    /// SHA-256 hex of the API token; the token itself is never stored.
    pub token_hash: String,
    /// Party identifiers (PGLN, SGLN, private URIs) this organisation answers for, in canonical
    /// form (`epcis::id::canonical`): an event naming one of them as source or destination is
    /// visible to it.
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub role: Role,
    pub identifiers: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// Who is reading: decides which events a query may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub org: OrgId,
    /// Regulator/admin: sees everything.
    pub sees_all: bool,
    /// Canonical party identifiers of the organisation.
    pub parties: Vec<String>,
}

impl Viewer {
    pub fn of(org: &Org) -> Viewer {
        Viewer {
            org: org.id,
            sees_all: org.role.sees_all_events(),
            parties: org.identifiers.clone(),
        }
    }

    /// A viewer that sees everything (CLI tools run by the operator, tests).
    pub fn operator() -> Viewer {
        Viewer {
            org: OrgId(0),
            sees_all: true,
            parties: Vec::new(),
        }
    }
}

/// An event ready to store: `event.event_id` and `event.record_time` are filled.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event: Event,
    pub hash_id: String,
    /// The extension prefixes the event uses.
    pub namespaces: Namespaces,
    pub captured_by: OrgId,
    pub capture_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Position in capture order, 1-based, gap-free per store.
    pub seq: i64,
    pub event: Event,
    pub hash_id: String,
    pub namespaces: Namespaces,
    pub captured_by: OrgId,
    pub capture_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaptureMode {
    /// All events of the document or none (`GS1-Capture-Error-Behaviour: rollback`, the default).
    Atomic,
    /// Store what can be stored (`GS1-Capture-Error-Behaviour: proceed`).
    Proceed,
}

#[derive(Debug, Default)]
pub struct InsertReport {
    /// Sequence numbers of the events stored, in input order.
    pub inserted: Vec<i64>,
    /// Input positions that were not stored, with why (Proceed mode only).
    pub rejected: Vec<(usize, String)>,
}

/// The top-level resources of the REST binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    EventTypes,
    Epcs,
    BizSteps,
    BizLocations,
    ReadPoints,
    Dispositions,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageRequest {
    pub per_page: Option<u32>,
    /// Opaque token from a previous page.
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more items follow.
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCaptureJob {
    pub org: OrgId,
    pub mode: CaptureMode,
    pub document: Vec<u8>,
    /// `application/ld+json`, `application/xml`, …
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Pending,
    Running,
    Finished,
}

/// A capture job as the REST binding reports it (`GET /capture/{captureID}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureJob {
    pub id: String,
    pub org: OrgId,
    pub mode: CaptureMode,
    pub state: JobState,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub success: Option<bool>,
    pub captured: i64,
    /// Problem-details objects (RFC 9457) for what went wrong.
    pub errors: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureOutcome {
    pub success: bool,
    pub captured: i64,
    pub errors: Vec<serde_json::Value>,
}

/// A named query: a name, an owner and SimpleEventQuery parameters (as given by the client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedQuery {
    pub name: String,
    pub owner: OrgId,
    /// The query definition exactly as posted (EPCIS query-language JSON).
    pub definition: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub query_name: String,
    pub owner: OrgId,
    /// Webhook URL (`dest`), or `None` for a WebSocket subscription held by a live connection.
    pub dest: Option<String>,
    /// HMAC key for `GS1-Signature`.
    pub signature_token: Option<String>,
    /// Cron-like schedule (`second`, `minute`, `hour`, `dayOfMonth`, `month`, `dayOfWeek`).
    pub schedule: Option<serde_json::Value>,
    pub stream: bool,
    pub report_if_empty: bool,
    /// Events with a sequence number above this are still to be delivered.
    pub cursor: i64,
    pub created_at: DateTime<Utc>,
}

/// Where a store stands (see [`crate::Store::revision`]): equal revisions mean nothing a
/// reader can see has changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Revision {
    /// The highest event seq.
    pub events: i64,
    /// Changes to organisations, credentials and records so far.
    pub other: i64,
}
