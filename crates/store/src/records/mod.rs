//! Records: the app's typed documents that are not supply-chain events (registry entries,
//! intakes, pooled lots, auctions, bids, settlements, payments, catalogue items), stored as
//! JSON under (kind, key), listed by parent or owner, changed only by compare-and-swap on a
//! version so that two writers never both win (two closers of one auction, two payments
//! against one balance).
//!
//! [`Store::write_records`](crate::Store::write_records) applies inserts and updates together
//! or not at all.

mod memory;
pub(crate) mod postgres;
mod sql;
pub(crate) mod sqlite;

pub use memory::MemoryRecords;

use crate::{OrgId, StoreError};

/// A record to insert; its (kind, key) must be new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    /// What it is (`household`, `intake`, `bid`, …).
    pub kind: String,
    /// Unique within the kind.
    pub key: String,
    /// What it is listed under (an auction for a bid, a household for an intake).
    pub parent: Option<String>,
    /// The organisation it belongs to.
    pub owner: Option<OrgId>,
    /// JSON document.
    pub body: String,
}

/// A new body for a stored record, valid only if the record is still at `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordUpdate {
    pub kind: String,
    pub key: String,
    /// The version the writer read.
    pub version: i64,
    pub body: String,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub kind: String,
    pub key: String,
    pub parent: Option<String>,
    pub owner: Option<OrgId>,
    pub body: String,
    /// 1 when inserted, one more per update.
    pub version: i64,
    /// µs since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which records of a kind to list (both conditions when both are given), in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    pub parent: Option<String>,
    pub owner: Option<OrgId>,
}

impl RecordFilter {
    pub fn parent(parent: impl Into<String>) -> RecordFilter {
        RecordFilter {
            parent: Some(parent.into()),
            owner: None,
        }
    }

    pub fn owner(owner: OrgId) -> RecordFilter {
        RecordFilter {
            parent: None,
            owner: Some(owner),
        }
    }
}

/// Maps a unique violation on `records` to the duplicate (kind, key).
pub(crate) fn conflict(e: sqlx::Error, r: &NewRecord) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::DuplicateRecord {
            kind: r.kind.clone(),
            key: r.key.clone(),
        };
    }
    StoreError::Database(e)
}

/// Refuses a batch naming one (kind, key) twice before anything is written, so every backend
/// answers it alike.
pub(crate) fn check_batch(inserts: &[NewRecord], updates: &[RecordUpdate]) -> crate::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for (kind, key) in inserts
        .iter()
        .map(|r| (&r.kind, &r.key))
        .chain(updates.iter().map(|u| (&u.kind, &u.key)))
    {
        if !seen.insert((kind, key)) {
            return Err(StoreError::DuplicateRecord {
                kind: kind.clone(),
                key: key.clone(),
            });
        }
    }
    Ok(())
}
