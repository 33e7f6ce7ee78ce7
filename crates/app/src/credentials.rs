//! Verifiable credentials the platform issues on behalf of its organisations: each lab or
//! certifier signs with its own Ed25519 key (did:key), generated on first use and kept in the
//! store, never returned by any API; revocation is a bit in the issuer's Bitstring Status List,
//! which the platform serves signed by that same key.

use chrono::{DateTime, Utc};
use credentials::{
    CredentialMeta, IssuerKey, Measurement, Party, QualityCertificate, StatusList, StatusPurpose,
};
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
fn new_credential_url(app: &App) -> String {
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

fn internal(what: &str) -> impl Fn(String) -> AppError + '_ {
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
struct Issue<'a> {
    issuer: &'a Org,
    kind: &'static str,
    subjects: Vec<String>,
    claims: Vec<Claim>,
}

/// Signs and stores one credential built by `build` from its metadata (id, issuer, validity
/// start, status entry).
async fn issue(
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

/// A quality certificate for a lab-test event the lab captured: its measurements and the
/// verdict of each named grading scheme.
pub async fn issue_quality(
    app: &App,
    who: &Principal,
    event_id: &str,
    schemes: &[String],
) -> Result<Value> {
    require_role(who, Role::Lab, "quality certificates")?;
    let events = app.store.get_event(event_id, &who.viewer()).await?;
    let stored = events
        .into_iter()
        .find(|e| e.event.error_declaration.is_none())
        .ok_or_else(|| AppError::NotFound {
            what: "event",
            name: event_id.to_owned(),
        })?;
    if stored.captured_by != who.id() {
        return Err(AppError::Forbidden(format!(
            "event {event_id} was not captured by '{}': a lab certifies its own tests",
            who.org.name
        )));
    }
    let result = quality::LabResult::from_event_with(
        &stored.event,
        &stored.namespaces,
        &quality::Tolerances::default(),
    )
    .map_err(|e| invalid(format!("event {event_id} is not a usable lab test: {e}")))?;
    let cert = quality_certificate(app, who, &result, schemes).await?;
    issue(
        app,
        Issue {
            issuer: &who.org,
            kind: "quality",
            subjects: quality_subjects(&result.lot, event_id),
            claims: Vec::new(),
        },
        None,
        None,
        |meta| cert.to_credential(meta),
    )
    .await
}

fn quality_subjects(lot: &str, event_id: &str) -> Vec<String> {
    let mut subjects = vec![
        lot.to_owned(),
        provenance::identity(lot),
        event_id.to_owned(),
    ];
    subjects.sort();
    subjects.dedup();
    subjects
}

/// The certificate of a lab result: its measurements and each named scheme's verdict.
async fn quality_certificate(
    app: &App,
    who: &Principal,
    result: &quality::LabResult,
    schemes: &[String],
) -> Result<QualityCertificate> {
    let registry = quality::registry().map_err(|e| internal("grading schemes")(e.to_string()))?;
    let mut verdicts = Vec::with_capacity(schemes.len());
    for name in schemes {
        let scheme = registry.resolve(name).map_err(|e| invalid(e.to_string()))?;
        let verdict = quality::grade(scheme, &result.measurements);
        verdicts
            .push(serde_json::to_value(verdict).map_err(|e| internal("verdict")(e.to_string()))?);
    }
    Ok(QualityCertificate {
        lot: result.lot.clone(),
        laboratory: Party::named(issuer_did(app, who.id()).await?, who.org.name.clone()),
        method: result
            .methods
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        sample: result.sample_id.clone(),
        test_date: result.tested_at.date_naive(),
        measurements: measurements(&result.measurements),
        verdicts,
    })
}

/// What a lab recorded and certified in one step (`POST /lab-results`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Recorded {
    /// The lab-test event's eventID.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// The quality certificate, which the event names in its `certificationInfo`.
    pub credential: Value,
}

/// Records a lab result and certifies it: the certificate's id is chosen first, so that the
/// lab-test event names it in `certificationInfo` and the certificate names the event.
pub async fn record_lab_result(
    app: &App,
    who: &Principal,
    mut result: quality::LabResult,
    schemes: &[String],
) -> Result<Recorded> {
    require_role(who, Role::Lab, "quality certificates")?;
    result.validate().map_err(|e| invalid(e.to_string()))?;
    // Grade before anything is stored: an unknown scheme must change nothing.
    let cert = quality_certificate(app, who, &result, schemes).await?;
    let id = new_credential_url(app);
    if !result.certification.contains(&id) {
        result.certification.push(id.clone());
    }
    let doc = result.to_document().map_err(|e| invalid(e.to_string()))?;
    let bytes = epcis::jsonld::to_string(&doc).into_bytes();
    let report = crate::capture::capture_events_body(app, who, &bytes).await?;
    let event_id = report
        .event_ids
        .first()
        .cloned()
        .ok_or_else(|| AppError::Internal("the lab-test event was not stored".into()))?;
    let credential = issue(
        app,
        Issue {
            issuer: &who.org,
            kind: "quality",
            subjects: quality_subjects(&result.lot, &event_id),
            claims: Vec::new(),
        },
        Some(id),
        None,
        |meta| cert.to_credential(meta),
    )
    .await?;
    Ok(Recorded {
        event_id,
        credential,
    })
}

/// The measured values as certificate measurements (decimal strings, UN/ECE units).
fn measurements(m: &quality::Measurements) -> Vec<Measurement> {
    quality::Measure::ALL
        .iter()
        .filter_map(|&k| {
            // The colour class is a verdict of its own scheme, not a measured number.
            let quality::Value::Number(v) = m.get(k)? else {
                return None;
            };
            Some(Measurement {
                property: k.as_str().to_owned(),
                value: v.to_string(),
                unit: k.unit().to_owned(),
            })
        })
        .collect()
}

/// A party as a request names it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PartyIn {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

impl PartyIn {
    fn party(&self) -> Party {
        match &self.name {
            Some(n) => Party::named(self.id.clone(), n.clone()),
            None => Party::id(self.id.clone()),
        }
    }
}

/// A site of a scope certificate; household URIs listed here have their fibre certified.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SiteIn {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// `POST /credentials/scope`: an organisation certified under a standard.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeRequest {
    pub organisation: PartyIn,
    pub standard: String,
    pub certificate_number: String,
    #[serde(default)]
    pub processes: Vec<String>,
    #[serde(default)]
    pub products: Vec<String>,
    /// Member households (for a cooperative) or plants covered.
    #[serde(default)]
    pub sites: Vec<SiteIn>,
    pub valid_until: DateTime<Utc>,
}

fn require_role(who: &Principal, role: Role, what: &str) -> Result<()> {
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

fn invalid(detail: impl Into<String>) -> AppError {
    AppError::Validation {
        detail: detail.into(),
        errors: Vec::new(),
    }
}

/// A certifier's scope certificate.
pub async fn issue_scope(app: &App, who: &Principal, req: &ScopeRequest) -> Result<Value> {
    require_role(who, Role::Certifier, "scope certificates")?;
    if req.valid_until <= app.clock.now() {
        return Err(invalid("validUntil is in the past"));
    }
    let cert = credentials::ScopeCertificate {
        organisation: req.organisation.party(),
        standard: req.standard.clone(),
        certificate_number: req.certificate_number.clone(),
        processes: req.processes.clone(),
        products: req.products.clone(),
        sites: req
            .sites
            .iter()
            .map(|s| credentials::Site {
                id: Some(s.id.clone()),
                name: s.name.clone().unwrap_or_else(|| s.id.clone()),
                address: s.address.clone(),
            })
            .collect(),
    };
    let mut subjects = vec![req.organisation.id.clone()];
    subjects.extend(req.sites.iter().map(|s| s.id.clone()));
    issue(
        app,
        Issue {
            issuer: &who.org,
            kind: "scope",
            subjects,
            claims: Vec::new(),
        },
        None,
        Some(req.valid_until),
        |meta| cert.to_credential(meta),
    )
    .await
}

/// One lot of a transaction certificate and the certified mass claimed from it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotClaim {
    pub lot: String,
    /// Decimal kilograms, at most 3 decimals (grams).
    pub certified_kg: String,
}

/// `POST /credentials/transaction`: certified fibre changing hands.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionRequest {
    pub seller: PartyIn,
    pub buyer: PartyIn,
    pub standard: String,
    pub lots: Vec<LotClaim>,
    pub gross_kg: String,
    #[serde(default)]
    pub net_kg: Option<String>,
    pub scope_certificates: Vec<String>,
    #[serde(default)]
    pub input_certificates: Vec<String>,
    pub shipment_event: String,
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// Decimal kilograms to grams, exactly.
fn grams(field: &str, kg: &str) -> Result<i64> {
    let m = quality::Milli::parse(kg).map_err(|e| {
        invalid(format!(
            "{field} '{kg}' is not a mass in kg with at most 3 decimals: {e}"
        ))
    })?;
    let g = m.thousandths();
    if g < 0 {
        return Err(invalid(format!("{field} '{kg}' is negative")));
    }
    Ok(g)
}

fn kg_text(g: i64) -> String {
    format!("{}.{:03}", g / 1000, g % 1000)
}

/// A certifier's transaction certificate. Each lot's claim is refused (nothing issued) when it
/// would take the certified mass claimed on the lot under the standard past what the
/// provenance engine computes: the lot's mass × the share of its fibre from sources covered by
/// a valid scope certificate of that standard.
pub async fn issue_transaction(
    app: &App,
    who: &Principal,
    req: &TransactionRequest,
) -> Result<Value> {
    require_role(who, Role::Certifier, "transaction certificates")?;
    if req.lots.is_empty() {
        return Err(invalid("a transaction certificate names at least one lot"));
    }
    if req.scope_certificates.is_empty() {
        return Err(invalid(
            "a transaction certificate relies on at least one scope certificate",
        ));
    }
    let now = app.clock.now();
    for id in &req.scope_certificates {
        let c = get(app, id).await?;
        let body = body(&c)?;
        if c.kind != "scope" {
            return Err(invalid(format!(
                "{id} is a {} certificate, not a scope certificate",
                c.kind
            )));
        }
        if c.revoked_at.is_some() {
            return Err(invalid(format!("scope certificate {id} is revoked")));
        }
        if !in_validity(&body, now) {
            return Err(invalid(format!("scope certificate {id} is not valid now")));
        }
        if body["credentialSubject"]["standard"] != req.standard.as_str() {
            return Err(invalid(format!(
                "scope certificate {id} is not under {}",
                req.standard
            )));
        }
    }
    if app
        .store
        .get_event(&req.shipment_event, &store::Viewer::operator())
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound {
            what: "shipment event",
            name: req.shipment_event.clone(),
        });
    }
    let coverage = Coverage::load(app, now).await?;
    let mut claims = Vec::with_capacity(req.lots.len());
    let mut total = 0i64;
    for (i, l) in req.lots.iter().enumerate() {
        let asked = grams(&format!("lots[{i}].certified_kg"), &l.certified_kg)?;
        let key = provenance::identity(&l.lot);
        let lot = app
            .store
            .lot(&key)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "lot",
                name: l.lot.clone(),
            })?;
        let composition = app
            .store
            .composition(&lot.composition_ref)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("composition of lot {} is missing", l.lot))
            })?;
        let weight = coverage.weight(&composition, &req.standard);
        let limit = (u128::from(lot.quantity_g) * weight / provenance::shares::SCALE) as i64;
        claims.push(Claim {
            lot: key,
            standard: req.standard.clone(),
            grams: asked,
            limit_grams: limit,
        });
        total += asked;
    }
    let gross = grams("gross_kg", &req.gross_kg)?;
    let cert = credentials::TransactionCertificate {
        certificate_number: req.certificate_number.clone(),
        seller: req.seller.party(),
        buyer: req.buyer.party(),
        lots: req.lots.iter().map(|l| l.lot.clone()).collect(),
        certified_mass_kg: kg_text(total),
        gross_mass_kg: kg_text(gross),
        net_mass_kg: req.net_kg.clone(),
        standard: req.standard.clone(),
        scope_certificates: req.scope_certificates.clone(),
        input_certificates: req.input_certificates.clone(),
        shipment_event: req.shipment_event.clone(),
    };
    let mut subjects: Vec<String> = claims.iter().map(|c| c.lot.clone()).collect();
    subjects.extend(req.lots.iter().map(|l| l.lot.clone()));
    subjects.push(req.shipment_event.clone());
    subjects.sort();
    subjects.dedup();
    issue(
        app,
        Issue {
            issuer: &who.org,
            kind: "transaction",
            subjects,
            claims,
        },
        None,
        None,
        |meta| cert.to_credential(meta),
    )
    .await
}

/// Whether `now` is within the credential's validFrom/validUntil.
fn in_validity(body: &Value, now: DateTime<Utc>) -> bool {
    let at = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    at("validFrom").is_none_or(|t| t <= now) && at("validUntil").is_none_or(|t| now <= t)
}

/// Which households (and organisations) each standard's valid scope certificates cover.
struct Coverage {
    /// standard → covered ids.
    covered: std::collections::BTreeMap<String, std::collections::HashSet<String>>,
    /// standard → (certificate id, issuer, revoked) for the report.
    certificates: std::collections::BTreeMap<String, Vec<Value>>,
}

impl Coverage {
    async fn load(app: &App, now: DateTime<Utc>) -> Result<Coverage> {
        let mut c = Coverage {
            covered: Default::default(),
            certificates: Default::default(),
        };
        for s in app.store.credentials_of_kind("scope").await? {
            let b = body(&s)?;
            let Some(standard) = b["credentialSubject"]["standard"].as_str() else {
                continue;
            };
            let valid = s.revoked_at.is_none() && in_validity(&b, now);
            if valid {
                c.covered
                    .entry(standard.to_owned())
                    .or_default()
                    .extend(s.subjects.iter().cloned());
            }
            c.certificates
                .entry(standard.to_owned())
                .or_default()
                .push(summary(&s, &b, now));
        }
        Ok(c)
    }

    /// The weight (out of `SCALE`) of the composition's fibre from covered households.
    fn weight(&self, composition: &provenance::Composition, standard: &str) -> u128 {
        let Some(covered) = self.covered.get(standard) else {
            return 0;
        };
        composition
            .entries()
            .iter()
            .filter(|e| {
                e.source
                    .household
                    .as_ref()
                    .is_some_and(|h| covered.contains(h))
            })
            .map(|e| e.weight)
            .sum()
    }
}

/// How a credential shows wherever it is listed: revoked ones stay, marked revoked.
fn summary(c: &StoredCredential, body: &Value, now: DateTime<Utc>) -> Value {
    let status = if c.revoked_at.is_some() {
        "revoked"
    } else if in_validity(body, now) {
        "valid"
    } else {
        "expired"
    };
    serde_json::json!({
        "id": c.id,
        "kind": c.kind,
        "issuer": body["issuer"].get("id").cloned().unwrap_or_else(|| body["issuer"].clone()),
        "status": status,
        "revoked": c.revoked_at.is_some(),
    })
}

/// The certification part of a provenance report: per standard, the share of the subject's
/// fibre from sources covered by a valid scope certificate (and those certificates, revoked
/// ones marked), and the credentials about the subject itself (quality, transaction).
pub async fn certification(
    app: &App,
    keys: &[String],
    mass_g: u64,
    composition: &provenance::Composition,
) -> Result<Value> {
    let now = app.clock.now();
    let coverage = Coverage::load(app, now).await?;
    let mut by_standard = Vec::new();
    for (standard, certs) in &coverage.certificates {
        let w = coverage.weight(composition, standard);
        by_standard.push(serde_json::json!({
            "standard": standard,
            "share": provenance::shares::share(w),
            "certified_kg": (u128::from(mass_g) * w / provenance::shares::SCALE) as f64 / 1000.0,
            "scope_certificates": certs,
        }));
    }
    let mut about = Vec::new();
    for c in app.store.credentials_about(keys).await? {
        let b = body(&c)?;
        about.push(summary(&c, &b, now));
    }
    Ok(serde_json::json!({ "certified": by_standard, "credentials": about }))
}
