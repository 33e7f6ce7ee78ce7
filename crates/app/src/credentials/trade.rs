//! Scope and transaction certificates, the double-claim guard, and what a provenance report
//! says about certification.

use chrono::{DateTime, Utc};
use credentials::Party;
use serde_json::Value;
use store::{Claim, Role, StoredCredential};

use super::{Issue, body, get, invalid, issue, require_role};
use crate::auth::Principal;
use crate::{App, AppError, Result};

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
