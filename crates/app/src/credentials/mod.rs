//! Verifiable credentials the platform issues on behalf of its organisations: each lab or
//! certifier signs with its own Ed25519 key (did:key), generated on first use and kept in the
//! store, never returned by any API; revocation is a bit in the issuer's Bitstring Status List,
//! which the platform serves signed by that same key.
//!
//! - this module: keys (did:key, did:web), issuing, reading, revoking, status lists;
//! - [`lab`]: lab results and quality certificates;
//! - [`trade`]: scope and transaction certificates, the double-claim guard, and the
//!   certification part of provenance reports.

mod lab;
mod trade;

pub use lab::{Recorded, issue_quality, record_lab_result};
pub use trade::{
    LotClaim, PartyIn, ScopeRequest, SiteIn, TransactionRequest, certification, issue_scope,
    issue_transaction,
};

use chrono::{DateTime, Utc};
use credentials::{CredentialMeta, IssuerKey, Party, StatusList, StatusPurpose};
use serde_json::Value;
use store::{Claim, NewCredential, Org, OrgId, Role, StoredCredential};

use crate::auth::Principal;
use crate::{App, AppError, Result};

/// The deployment's base URL for credential and status list ids.
fn base(app: &App) -> String {
    app.config
        .base_url
        .clone()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// A fresh credential id (a URL under the deployment).
pub(super) fn new_credential_url(app: &App) -> String {
    credential_url(app, &uuid::Uuid::new_v4().to_string())
}

/// Where a credential is served (`GET /credentials/{id}`).
pub fn credential_url(app: &App, id: &str) -> String {
    format!("{}/credentials/{id}", base(app))
}

/// Where an organisation's revocation list is served.
pub fn status_list_url(app: &App, org: OrgId) -> String {
    format!("{}/credentials/status/{}", base(app), org.0)
}

pub(super) fn internal(what: &str) -> impl Fn(String) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

/// The organisation's signing key: made from 32 random bytes the first time it signs, kept in
/// the store's settings. Two processes racing keep the first one stored. An organisation with
/// a domain (a `did:web:` identifier) signs as that DID (`did:web:…#key-1`), publishing the
/// document [`did_document`] gives at its domain; the others sign as their did:key.
pub async fn issuer_key(app: &App, org: OrgId) -> Result<IssuerKey> {
    let key = seed_key(app, org).await?;
    Ok(match did_web_of(&org_by_id(app, org).await?) {
        Some(did) => key.renamed(format!("{did}#key-1")),
        None => key,
    })
}

async fn org_by_id(app: &App, id: OrgId) -> Result<Org> {
    app.store
        .list_orgs()
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| AppError::not_found("organisation", id.0.to_string()))
}

/// The organisation's did:web, when one of its identifiers is a valid one.
fn did_web_of(org: &Org) -> Option<String> {
    org.identifiers
        .iter()
        .find(|i| i.starts_with("did:web:") && credentials::keys::did_web_document_url(i).is_ok())
        .cloned()
}

/// The DID document an organisation with a domain publishes (at
/// `https://DOMAIN/.well-known/did.json`) so that anyone can resolve its signing key.
pub async fn did_document(app: &App, org: OrgId) -> Result<Value> {
    let o = org_by_id(app, org).await?;
    let did = did_web_of(&o).ok_or_else(|| {
        AppError::not_found(
            "DID document (the organisation has no did:web identifier)",
            org.0.to_string(),
        )
    })?;
    let key = seed_key(app, org).await?;
    Ok(credentials::keys::did_document(
        &did,
        &[("key-1", &key.verifying_key())],
    ))
}

async fn seed_key(app: &App, org: OrgId) -> Result<IssuerKey> {
    let mut seed = [0u8; 32];
    app.random.fill(&mut seed);
    let stored = app
        .store
        .setting_or_insert(&format!("org.key:{}", org.0), &hex::encode(seed))
        .await?;
    let bytes = hex::decode(stored.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            AppError::Internal(format!(
                "the signing key of organisation {} is unreadable",
                org.0
            ))
        })?;
    Ok(IssuerKey::did_key_from_seed(&bytes))
}

/// The organisation's DID (its did:key).
pub async fn issuer_did(app: &App, org: OrgId) -> Result<String> {
    Ok(issuer_key(app, org).await?.controller().to_owned())
}

/// What an issuing use case hands to [`issue`].
pub(super) struct Issue<'a> {
    pub(super) issuer: &'a Org,
    kind: &'static str,
    subjects: Vec<String>,
    claims: Vec<Claim>,
}

/// Signs and stores one credential built by `build` from its metadata (id, issuer, validity
/// start, status entry).
pub(super) async fn issue(
    app: &App,
    what: Issue<'_>,
    id: Option<String>,
    valid_until: Option<DateTime<Utc>>,
    build: impl FnOnce(&CredentialMeta) -> std::result::Result<Value, credentials::BuildError>,
) -> Result<Value> {
    let key = issuer_key(app, what.issuer.id).await?;
    let now = app.clock.now();
    let index = app.store.next_status_index(what.issuer.id).await?;
    let id = id.unwrap_or_else(|| new_credential_url(app));
    let mut meta = CredentialMeta::new(
        id.clone(),
        Party::named(key.controller(), what.issuer.name.clone()),
        now,
    );
    meta.valid_until = valid_until;
    let index_u =
        u64::try_from(index).map_err(|_| AppError::Internal("negative status index".into()))?;
    meta.status = vec![credentials::status_entry(
        &status_list_url(app, what.issuer.id),
        index_u,
        &StatusPurpose::Revocation,
    )];
    let unsigned = build(&meta).map_err(|e| AppError::Validation {
        detail: format!("the certificate cannot be built: {e}"),
        errors: Vec::new(),
    })?;
    let signed =
        credentials::sign(&unsigned, &key, now).map_err(|e| internal("signing")(e.to_string()))?;
    let body =
        serde_json::to_string(&signed).map_err(|e| internal("credential JSON")(e.to_string()))?;
    app.store
        .insert_credential(NewCredential {
            id,
            issuer: what.issuer.id,
            kind: what.kind.to_owned(),
            subjects: what.subjects,
            status_index: index,
            body,
            issued_at: now.timestamp_micros(),
            claims: what.claims,
        })
        .await?;
    Ok(signed)
}

/// A stored credential (public: anyone holding its id may verify it).
pub async fn get(app: &App, id: &str) -> Result<StoredCredential> {
    let url = if id.contains("://") {
        id.to_owned()
    } else {
        credential_url(app, id)
    };
    app.store
        .get_credential(&url)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "credential",
            name: id.to_owned(),
        })
}

/// The credential JSON of a stored credential.
pub fn body(c: &StoredCredential) -> Result<Value> {
    serde_json::from_str(&c.body).map_err(|e| internal("stored credential")(e.to_string()))
}

/// Revokes a credential: only its issuer may.
pub async fn revoke(app: &App, who: &Principal, id: &str) -> Result<StoredCredential> {
    let c = get(app, id).await?;
    if c.issuer != who.id() {
        return Err(AppError::Forbidden(format!(
            "only the issuer of credential {} may revoke it",
            c.id
        )));
    }
    app.store
        .revoke_credential(&c.id, app.clock.now().timestamp_micros())
        .await?;
    get(app, &c.id).await
}

/// The organisation's revocation list as a signed BitstringStatusListCredential.
pub async fn status_list(app: &App, org: OrgId) -> Result<Value> {
    let key = issuer_key(app, org).await?;
    let mut bits = StatusList::new();
    for i in app.store.revoked_status_indexes(org).await? {
        let i = u64::try_from(i).map_err(|_| AppError::Internal("negative status index".into()))?;
        bits.set(i, true)
            .map_err(|e| internal("status list")(e.to_string()))?;
    }
    let now = app.clock.now();
    let unsigned = credentials::status_list_credential(
        &status_list_url(app, org),
        key.controller(),
        &StatusPurpose::Revocation,
        &bits,
        now,
        None,
    )
    .map_err(|e| internal("status list")(e.to_string()))?;
    credentials::sign(&unsigned, &key, now).map_err(|e| internal("signing")(e.to_string()))
}

pub(super) fn require_role(who: &Principal, role: Role, what: &str) -> Result<()> {
    if who.org.role == role {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "organisation '{}' has role '{}'; {what} are issued by the {} role",
        who.org.name,
        who.org.role.as_str(),
        role.as_str()
    )))
}

pub(super) fn invalid(detail: impl Into<String>) -> AppError {
    AppError::Validation {
        detail: detail.into(),
        errors: Vec::new(),
    }
}
