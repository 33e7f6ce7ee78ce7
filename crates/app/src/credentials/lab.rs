//! Lab results and their quality certificates.

use credentials::{Measurement, Party, QualityCertificate};
use serde_json::Value;
use store::Role;

use super::{Issue, internal, invalid, issue, issuer_did, new_credential_url, require_role};
use crate::auth::Principal;
use crate::{App, AppError, Result};

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
