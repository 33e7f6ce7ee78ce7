//! The exported credit report: an unsigned W3C VC 2.0 credential of type
//! `CreditHistoryCredential` carrying the history's summary, the score and its reasons. The
//! platform signs it with `crates/credentials` (eddsa-jcs-2022) and the herder can carry it to
//! any lender, who checks the signature and, line by line, the sources it lists.
//!
//! Like the project's certificates it uses the VC 2.0 context alone (its `@vocab` gives our
//! terms IRIs; eddsa-jcs-2022 signs the JSON itself). Masses are decimal strings of kilograms,
//! ratios decimal strings; money and points are JSON integers, checked to stay within the
//! I-JSON range so the credential can be canonicalised and signed.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::history::Source;
use crate::scorecard::Score;
use crate::summary::Summary;

/// The VC 2.0 base context.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The credential's `type` beside `VerifiableCredential`.
pub const CREDIT_HISTORY_TYPE: &str = "CreditHistoryCredential";

/// What the credential carries besides its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMeta {
    /// The credential's URL, e.g. `https://HOST/credentials/{uuid}`.
    pub id: String,
    /// The issuer's DID (it must control the signing key).
    pub issuer_id: String,
    pub issuer_name: Option<String>,
    /// The household's URI, e.g. `https://HOST/id/household/hh-1`.
    pub subject_id: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
}

/// Why a report could not be built. One line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{field}: {value:?} is not a URL")]
    NotAUrl { field: &'static str, value: String },
    #[error("validUntil {until} is before validFrom {from}")]
    ValidityOrder { from: String, until: String },
    #[error("integer at {0} is outside the I-JSON range ±(2^53 - 1)")]
    UnsafeInteger(String),
    /// The score and the summary are of different dates.
    #[error("the score is as of {score} but the summary as of {summary}")]
    Mismatch {
        summary: chrono::NaiveDate,
        score: chrono::NaiveDate,
    },
}

fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn url(field: &'static str, value: &str) -> Result<(), ReportError> {
    if is_uri(value) {
        Ok(())
    } else {
        Err(ReportError::NotAUrl {
            field,
            value: value.to_owned(),
        })
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn kg(grams: u64) -> String {
    crate::decimal::format_ppm(grams.saturating_mul(1_000))
}

/// The first integer beyond ±(2^53 − 1), by JSON path.
fn unsafe_integer(v: &Value, path: &str) -> Option<String> {
    const MAX: u64 = (1 << 53) - 1;
    match v {
        Value::Number(n) => {
            let ok = n
                .as_u64()
                .map(|x| x <= MAX)
                .or_else(|| n.as_i64().map(|x| x.unsigned_abs() <= MAX));
            (ok == Some(false)).then(|| path.to_owned())
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| unsafe_integer(x, &format!("{path}[{i}]"))),
        Value::Object(o) => o
            .iter()
            .find_map(|(k, x)| unsafe_integer(x, &format!("{path}.{k}"))),
        _ => None,
    }
}

/// The credit history part of the subject.
fn history_json(s: &Summary) -> Value {
    let seasons: Vec<Value> = s
        .seasons
        .iter()
        .map(|x| {
            let grades: Map<String, Value> = x
                .grams_by_grade
                .iter()
                .map(|(g, &grams)| (g.clone(), Value::String(kg(grams))))
                .collect();
            json!({
                "season": x.season,
                "deliveries": x.deliveries,
                "deliveredKg": kg(x.delivered_grams),
                "deliveredKgByGrade": grades,
                "ungradedKg": kg(x.ungraded_grams),
                "verifiedIncomeMnt": x.verified_income_mnt,
                "counterparties": x.counterparties,
            })
        })
        .collect();
    let mut h = Map::new();
    h.insert("asOf".into(), s.as_of.to_string().into());
    h.insert("firstSeason".into(), s.first_season.into());
    h.insert("lastSeason".into(), s.last_season.into());
    h.insert("seasons".into(), Value::Array(seasons));
    h.insert(
        "repayments".into(),
        json!({
            "onTime": s.repayments.on_time,
            "late": s.repayments.late,
            "deferred": s.repayments.deferred,
            "disbursedMnt": s.repayments.disbursed_mnt,
        }),
    );
    if let Some(herd) = &s.herd {
        let mut m = Map::new();
        m.insert("year".into(), herd.year.into());
        m.insert(
            "heads".into(),
            serde_json::to_value(herd.heads).unwrap_or(Value::Null),
        );
        m.insert("sheepUnits".into(), herd.sheep_units.clone().into());
        if let Some(c) = herd.capacity_su {
            m.insert("capacitySheepUnits".into(), c.into());
        }
        if let Some(r) = herd.stocking_ratio {
            m.insert("stockingRatio".into(), r.to_string().into());
        }
        if let Some(r) = herd.soum_stocking {
            m.insert("soumStockingRatio".into(), r.to_string().into());
        }
        h.insert("herd".into(), Value::Object(m));
    }
    h.insert(
        "certifications".into(),
        Value::Array(
            s.certifications
                .iter()
                .map(|c| {
                    let mut m = Map::new();
                    m.insert("credential".into(), c.credential.clone().into());
                    m.insert("standard".into(), c.standard.clone().into());
                    if let Some(u) = c.valid_until {
                        m.insert("validUntil".into(), u.to_string().into());
                    }
                    Value::Object(m)
                })
                .collect(),
        ),
    );
    h.insert("insurancePayoutsMnt".into(), s.insurance_payouts_mnt.into());
    h.insert(
        "dzudRiskClasses".into(),
        Value::Array(
            s.dzud
                .iter()
                .map(|d| json!({"season": d.season, "riskClass": d.risk_class}))
                .collect(),
        ),
    );
    if let Some(c) = s.current_dzud_class {
        h.insert("currentDzudRiskClass".into(), c.into());
    }
    h.insert(
        "sources".into(),
        Value::Array(
            s.sources
                .iter()
                .map(|src| match src {
                    Source::Event(id) => json!({"event": id}),
                    Source::Credential(id) => json!({"credential": id}),
                    Source::Record(url) => json!({"record": url}),
                })
                .collect(),
        ),
    );
    Value::Object(h)
}

/// Builds the unsigned credit report credential.
///
/// ```
/// use finance::{History, Scorecard, score, summarize, report::{credit_report, ReportMeta}};
/// let h = History { household: "hh-1".into(), lines: vec![] };
/// let card = Scorecard::v1();
/// let as_of = "2025-01-15".parse().unwrap();
/// let vc = credit_report(&summarize(&h, as_of, card.window()), &score(&h, &card, as_of), &ReportMeta {
///     id: "https://nooluur.example/credentials/1".into(),
///     issuer_id: "did:web:nooluur.example".into(),
///     issuer_name: Some("nooluur".into()),
///     subject_id: "https://nooluur.example/id/household/hh-1".into(),
///     valid_from: "2025-01-15T00:00:00Z".parse().unwrap(),
///     valid_until: None,
/// }).unwrap();
/// assert_eq!(vc["type"][1], "CreditHistoryCredential");
/// ```
pub fn credit_report(
    summary: &Summary,
    score: &Score,
    meta: &ReportMeta,
) -> Result<Value, ReportError> {
    url("id", &meta.id)?;
    url("issuer", &meta.issuer_id)?;
    url("credentialSubject.id", &meta.subject_id)?;
    if score.as_of != summary.as_of {
        return Err(ReportError::Mismatch {
            summary: summary.as_of,
            score: score.as_of,
        });
    }
    if let Some(until) = meta.valid_until
        && until < meta.valid_from
    {
        return Err(ReportError::ValidityOrder {
            from: stamp(meta.valid_from),
            until: stamp(until),
        });
    }
    let reasons: Vec<Value> = score
        .reasons
        .iter()
        .map(|r| {
            json!({
                "code": r.code,
                "factor": r.factor,
                "points": r.points,
                "explanation": r.explanation,
            })
        })
        .collect();
    let subject = json!({
        "id": meta.subject_id,
        "type": "HerderHousehold",
        "household": summary.household,
        "creditHistory": history_json(summary),
        "creditScore": {
            "scorecard": score.scorecard,
            "version": score.version,
            "asOf": score.as_of.to_string(),
            "total": score.total,
            "reasons": reasons,
        },
    });
    let mut vc = Map::new();
    vc.insert("@context".into(), json!([VC_V2_CONTEXT]));
    vc.insert("id".into(), meta.id.clone().into());
    vc.insert(
        "type".into(),
        json!(["VerifiableCredential", CREDIT_HISTORY_TYPE]),
    );
    vc.insert("name".into(), "Herder credit history".into());
    vc.insert(
        "issuer".into(),
        match &meta.issuer_name {
            None => Value::String(meta.issuer_id.clone()),
            Some(name) => json!({"id": meta.issuer_id, "name": name}),
        },
    );
    vc.insert("validFrom".into(), stamp(meta.valid_from).into());
    if let Some(until) = meta.valid_until {
        vc.insert("validUntil".into(), stamp(until).into());
    }
    vc.insert("credentialSubject".into(), subject);
    let vc = Value::Object(vc);
    if let Some(at) = unsafe_integer(&vc, "$") {
        return Err(ReportError::UnsafeInteger(at));
    }
    Ok(vc)
}
