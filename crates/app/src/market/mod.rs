//! Market access: the registry (households, herds, cooperatives and their members), intake
//! at the cooperative, pooled lots, sealed-bid auctions, settlement and payments, the public
//! catalogue and the price index.
//!
//! Every physical fact is an EPCIS event in the cashmere profile, captured through the same
//! pipeline as any client's (so the lot ledger guards it: a kilo is pooled once, a lot sold
//! once). What is not an event — a household's master data, a bid, a settlement — is a
//! [record](store::StoredRecord) of this module, a typed JSON document; the record names the
//! events it made. The arithmetic (deductions, clearing, the split, the index) is the pure
//! `market` crate's.
//!
//! - [`registry`]: reference tables, households, herds, memberships;
//! - [`intake`]: deliveries, receipts, corrections;
//! - [`pools`]: pooled lots;
//! - [`auctions`]: listing, sealed bids, closing, the bid book;
//! - [`settlements`]: the split, statements, payments;
//! - [`catalogue`]: public catalogue, enquiries, recorded sales, the price index.

pub mod auctions;
pub mod catalogue;
mod events;
pub mod intake;
pub mod pools;
pub mod registry;
pub mod settlements;

use serde::Serialize;
use serde::de::DeserializeOwned;
use store::{NewRecord, Org, OrgId, RecordFilter, RecordUpdate, Role, StoreError, StoredRecord};

use crate::auth::Principal;
use crate::{App, AppError, Result};

/// The namespace of the project's private identifiers (households, soums, lots, receipts), as
/// in the cashmere profile.
pub const ID_BASE: &str = "https://id.nooluur.org";

/// A record's typed body with its version (for compare-and-swap updates).
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    pub value: T,
    pub version: i64,
    pub owner: Option<OrgId>,
    pub created_at: i64,
}

/// A record kind: its name and body type.
pub(crate) trait Kind: Serialize + DeserializeOwned {
    const KIND: &'static str;
    /// What a user calls it in messages ("household", "auction").
    const WHAT: &'static str;
}

pub(crate) fn new_record<T: Kind>(
    key: &str,
    parent: Option<&str>,
    owner: Option<OrgId>,
    value: &T,
) -> Result<NewRecord> {
    Ok(NewRecord {
        kind: T::KIND.to_owned(),
        key: key.to_owned(),
        parent: parent.map(str::to_owned),
        owner,
        body: to_json(value)?,
    })
}

pub(crate) fn update_record<T: Kind>(key: &str, old: &Versioned<T>) -> Result<RecordUpdate> {
    Ok(RecordUpdate {
        kind: T::KIND.to_owned(),
        key: key.to_owned(),
        version: old.version,
        body: to_json(&old.value)?,
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("record JSON: {e}")))
}

fn decode<T: Kind>(r: StoredRecord) -> Result<Versioned<T>> {
    let value = serde_json::from_str(&r.body).map_err(|e| {
        AppError::Internal(format!("stored {} '{}' is unreadable: {e}", T::KIND, r.key))
    })?;
    Ok(Versioned {
        value,
        version: r.version,
        owner: r.owner,
        created_at: r.created_at,
    })
}

pub(crate) async fn get<T: Kind>(app: &App, key: &str) -> Result<Option<Versioned<T>>> {
    app.store
        .get_record(T::KIND, key)
        .await?
        .map(decode)
        .transpose()
}

/// The records with these keys that exist, in the order of `keys`.
pub(crate) async fn get_many<T: Kind>(app: &App, keys: &[String]) -> Result<Vec<Versioned<T>>> {
    app.store
        .get_records(T::KIND, keys)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// The record, or 404 naming it.
pub(crate) async fn need<T: Kind>(app: &App, key: &str) -> Result<Versioned<T>> {
    get(app, key)
        .await?
        .ok_or_else(|| AppError::not_found(T::WHAT, key))
}

pub(crate) async fn list<T: Kind>(app: &App, filter: &RecordFilter) -> Result<Vec<Versioned<T>>> {
    app.store
        .list_records(T::KIND, filter)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// Writes a batch; a duplicate or stale record becomes a conflict in the kind's words.
pub(crate) async fn write(
    app: &App,
    inserts: Vec<NewRecord>,
    updates: Vec<RecordUpdate>,
) -> Result<()> {
    let at = app.clock.now().timestamp_micros();
    match app.store.write_records(inserts, updates, at).await {
        Ok(()) => Ok(()),
        Err(StoreError::DuplicateRecord { kind, key }) => Err(AppError::Refused {
            reason: "duplicate",
            detail: format!("{kind} '{key}' already exists"),
        }),
        Err(StoreError::StaleRecord { kind, key }) => Err(AppError::Refused {
            reason: "conflict",
            detail: format!("{kind} '{key}' was changed at the same time; try again"),
        }),
        Err(e) => Err(e.into()),
    }
}

/// 403 unless the principal has one of `roles`.
pub(crate) fn require_role(who: &Principal, roles: &[Role], what: &str) -> Result<()> {
    if roles.contains(&who.org.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(AppError::Forbidden(format!(
        "organisation '{}' has role '{}'; only {} may {what}",
        who.org.name,
        who.org.role.as_str(),
        names.join(" or ")
    )))
}

/// A 400 naming the field.
pub(crate) fn bad(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::Validation {
        detail: format!("{field}: {message}"),
        errors: vec![crate::ErrorItem {
            field: Some(field.to_owned()),
            message: message.to_string(),
            ..crate::ErrorItem::default()
        }],
    }
}

/// The party identifier an organisation's events use: its first registered identifier, or a
/// private URI under the project's namespace.
pub fn party_id(org: &Org) -> String {
    org.identifiers
        .iter()
        .find(|i| !i.starts_with("did:"))
        .cloned()
        .unwrap_or_else(|| format!("{ID_BASE}/org/{}", org.id.0))
}

pub(crate) async fn org(app: &App, id: OrgId) -> Result<Org> {
    app.store
        .list_orgs()
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| AppError::not_found("organisation", id.0.to_string()))
}

/// Today in Mongolia (UTC+8), the date receipts and statements carry.
pub(crate) fn today(app: &App) -> chrono::NaiveDate {
    mongolia_time(app.clock.now()).date_naive()
}

/// Mongolia's one time zone (no daylight saving since 2017).
const ULAANBAATAR: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("+08:00 is a valid offset"),
};

pub(crate) fn mongolia_time(
    t: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(&ULAANBAATAR)
}
