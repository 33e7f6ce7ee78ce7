//! What both backends share: value conversions, and (as a macro, since sqlx types differ per
//! database) the `Store` methods whose SQL is the same on SQLite and PostgreSQL. The SQL uses
//! `$n` placeholders, which both read.
//!
//! - `store_impl`: the shared trait methods (the SQL);
//! - `decoders`: row decoders, the same code for both row types.

use chrono::{DateTime, Utc};

use crate::{CaptureMode, JobState, Result, Role, StoreError};

mod decoders;
mod jobs;
mod store_impl;

pub(crate) use decoders::row_decoders;
pub(crate) use jobs::{claim_jobs_sql, job_queries};
pub(crate) use store_impl::store_impl;

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn from_micros(us: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Corrupt(format!("time {us} out of range")))
}

pub(crate) fn mode_str(m: CaptureMode) -> &'static str {
    match m {
        CaptureMode::Atomic => "atomic",
        CaptureMode::Proceed => "proceed",
    }
}

pub(crate) fn parse_mode(s: &str) -> Result<CaptureMode> {
    match s {
        "atomic" => Ok(CaptureMode::Atomic),
        "proceed" => Ok(CaptureMode::Proceed),
        other => Err(StoreError::Corrupt(format!("capture mode '{other}'"))),
    }
}

pub(crate) fn parse_state(s: &str) -> Result<JobState> {
    match s {
        "pending" => Ok(JobState::Pending),
        "running" => Ok(JobState::Running),
        "finished" => Ok(JobState::Finished),
        other => Err(StoreError::Corrupt(format!("job state '{other}'"))),
    }
}

pub(crate) fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("role '{s}'")))
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot write JSON: {e}")))
}

/// Maps a unique violation to `AlreadyExists` and a foreign-key violation to `NotFound`.
pub(crate) fn conflict(
    e: sqlx::Error,
    what: &'static str,
    name: &str,
    parent: Option<(&'static str, &str)>,
) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::AlreadyExists {
                what,
                name: name.to_owned(),
            };
        }
        if let (true, Some((what, name))) = (db.is_foreign_key_violation(), parent) {
            return StoreError::NotFound {
                what,
                name: name.to_owned(),
            };
        }
    }
    StoreError::Database(e)
}

pub(crate) const JOB_COLUMNS: &str =
    "n, id, org_id, mode, state, created_at, finished_at, success, captured, errors";

/// A keyset page from `limit + 1` fetched items: the extra one says whether more follow.
pub(crate) fn key_page<T>(
    mut items: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> String,
) -> Result<crate::Page<T>> {
    let more = items.len() > limit;
    items.truncate(limit);
    let next_token = match items.last() {
        Some(last) if more => Some(crate::cursor::encode(&crate::cursor::KeyCursor {
            k: key(last),
        })),
        _ => None,
    };
    Ok(crate::Page { items, next_token })
}
