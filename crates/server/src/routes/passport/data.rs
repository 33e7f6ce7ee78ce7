//! Gathers what a product passport shows, once, for the page and the JSON-LD alike: the
//! provenance report (read in full, then reduced to what the public may see), the backward
//! trace (only dates, steps and places are kept: events carry household identifiers), the
//! credentials about the product and the lots upstream (each verified here against its
//! issuer's status list), and the inclusion proof of the event that made the product.
//!
//! Privacy (DESIGN.md §6): nothing leaves this module that names a household, except the name
//! of a household that consented to it (`consent.public_name` in the registry). Households are
//! otherwise only counted, per soum and aimag.

use std::collections::{BTreeMap, BTreeSet};

use app::auth::Principal;
use app::{App, AppError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{Org, OrgId, Role};

/// The identifiers of what the passport is about.
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    /// The canonical GS1 Digital Link (`https://id.gs1.org/01/…`): the ledger key.
    pub dl: String,
    pub gtin: String,
    pub serial: Option<String>,
    pub lot: Option<String>,
}

/// One share of the fibre, in hundredths of a per cent that sum to 10 000.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub key: String,
    pub label: String,
    pub basis_points: u32,
}

impl Share {
    pub fn percent(&self) -> String {
        format!("{}.{:02}", self.basis_points / 100, self.basis_points % 100)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SoumOrigin {
    pub code: String,
    pub name: String,
    pub basis_points: u32,
    pub households: usize,
    /// Names of the households that consented to appear.
    pub named: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AimagOrigin {
    pub code: String,
    pub name: String,
    pub name_mn: String,
    pub lat: f64,
    pub lon: f64,
    pub basis_points: u32,
    pub households: usize,
    pub soums: Vec<SoumOrigin>,
}

/// One step of the journey: when (first–last) and where.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub label: &'static str,
    pub from: String,
    pub to: String,
    pub places: Vec<String>,
    pub events: usize,
}

/// One lab test upstream.
#[derive(Debug, Clone, Serialize)]
pub struct LabLine {
    pub date: String,
    pub place: String,
    pub mean_diameter_um: Option<String>,
    pub length_mm: Option<String>,
    pub clean_yield_pct: Option<String>,
}

/// A credential about the product or a lot upstream, as the server checked it.
#[derive(Debug, Clone, Serialize)]
pub struct Cred {
    pub id: String,
    pub kind: String,
    pub issuer: String,
    pub issuer_name: String,
    /// `valid`, `revoked`, `expired` or `invalid`.
    pub status: String,
    /// Why, when not valid.
    pub detail: Option<String>,
    pub issued: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Certified {
    pub standard: String,
    pub basis_points: u32,
}

/// The inclusion of the product's making event in the transparency log.
#[derive(Debug, Clone, Serialize)]
pub struct Integrity {
    pub event_id: String,
    pub process: &'static str,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub proof: Vec<String>,
    pub checkpoint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Passport {
    pub subject: Subject,
    /// `garment` or `lot`.
    pub kind: &'static str,
    pub mass_kg: f64,
    pub claims: Vec<Share>,
    pub colours: Vec<Share>,
    pub aimags: Vec<AimagOrigin>,
    pub households: usize,
    pub steps: Vec<Step>,
    pub lab: Vec<LabLine>,
    pub credentials: Vec<Cred>,
    pub certified: Vec<Certified>,
    pub findings: usize,
    pub integrity: Option<Integrity>,
    pub truncated: bool,
    /// What an event must name to change this passport: the product, every node and event
    /// on its path (canonical forms). The page cache keeps the passport across captures
    /// that name none of them.
    #[serde(skip)]
    pub depends_on: Vec<String>,
}

/// The reader the passport uses to gather the full report and trace before reducing them:
/// it sees every event, like a regulator, and is never exposed (it has no token).
fn reader() -> Principal {
    Principal {
        org: Org {
            id: OrgId(0),
            name: "passport".into(),
            role: Role::Regulator,
            identifiers: Vec::new(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        },
    }
}

pub fn claim_label(c: &str) -> String {
    match c {
        "mongolian-cashmere" => "Mongolian cashmere".into(),
        "other-cashmere" => "Cashmere (not Mongolian)".into(),
        "unknown" => "Fibre of unknown origin".into(),
        other => {
            let mut s = other.replace('-', " ");
            if let Some(f) = s.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            s
        }
    }
}

/// Shares (f64 summing to 1) to hundredths of a per cent summing to exactly 10 000, by the
/// largest remainder (ties to the earlier key), so the machine-readable composition adds up.
pub fn basis_points(shares: &[(String, f64)]) -> Vec<u32> {
    let total: f64 = shares.iter().map(|(_, s)| s.max(0.0)).sum();
    if total <= 0.0 {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares
        .iter()
        .map(|(_, s)| s.max(0.0) / total * 10_000.0)
        .collect();
    let mut out: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let given: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(10_000u32.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

fn tally(report: &Value, field: &str, name: &str, label: fn(&str) -> String) -> Vec<Share> {
    let rows: Vec<(String, f64)> = report[field]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let k = x[name].as_str().unwrap_or("unknown").to_owned();
                    (k, x["share"].as_f64().unwrap_or(0.0))
                })
                .collect()
        })
        .unwrap_or_default();
    let bp = basis_points(&rows);
    rows.into_iter()
        .zip(bp)
        .map(|((key, _), basis_points)| Share {
            label: label(&key),
            key,
            basis_points,
        })
        .collect()
}

fn colour_label(c: &str) -> String {
    match c {
        "light-grey" => "Light grey".into(),
        "unknown" => "Not a natural colour class (outside fibre)".into(),
        other => claim_label(other),
    }
}

/// The origin by aimag and soum from the full report's sources: shares, households counted,
/// and the names of the households that consented.
async fn origin(app: &App, report: &Value) -> (Vec<AimagOrigin>, usize) {
    #[derive(Default)]
    struct Acc {
        share: f64,
        households: BTreeSet<String>,
    }
    let mut soums: BTreeMap<String, Acc> = BTreeMap::new();
    for s in report["sources"].as_array().into_iter().flatten() {
        let Some(soum) = s["soum"].as_str() else {
            continue;
        };
        let acc = soums.entry(soum.to_owned()).or_default();
        acc.share += s["share"].as_f64().unwrap_or(0.0);
        if let Some(h) = s["household"].as_str() {
            acc.households.insert(h.to_owned());
        }
    }
    let all: BTreeSet<&String> = soums.values().flat_map(|a| &a.households).collect();
    let households = all.len();
    // Names: only of households registered with consent, read in a few round trips (a
    // garment of a national season comes from thousands of households).
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let ids: Vec<&str> = all.iter().map(|h| h.as_str()).collect();
    let by_key: BTreeMap<&str, &str> = ids
        .iter()
        .map(|h| (app::market::registry::household_key(h), *h))
        .collect();
    match app::market::registry::households(app, &ids).await {
        Ok(found) => {
            for rec in found.into_iter().filter(|r| r.consent.public_name) {
                if let Some(h) = by_key.get(rec.id.as_str()) {
                    names.insert((*h).to_owned(), rec.name);
                }
            }
        }
        // The page still shows the origin by soum; only the names are missing.
        Err(e) => tracing::warn!("cannot read the households of a passport: {e}"),
    }
    let rows: Vec<(String, f64)> = soums.iter().map(|(k, a)| (k.clone(), a.share)).collect();
    let bp = basis_points(&rows);
    let mut by_aimag: BTreeMap<u8, AimagOrigin> = BTreeMap::new();
    for ((code, acc), basis_points) in soums.iter().zip(bp) {
        let soum = code.parse::<u32>().ok().and_then(mongolia::soum);
        let aimag = soum.and_then(|s| s.aimag());
        let a_code = aimag.map(|a| a.code).unwrap_or(0);
        let entry = by_aimag.entry(a_code).or_insert_with(|| AimagOrigin {
            code: format!("{a_code:02}"),
            name: aimag
                .map(|a| a.name_en)
                .unwrap_or("Unknown aimag")
                .to_owned(),
            name_mn: aimag.map(|a| a.name_mn).unwrap_or("").to_owned(),
            lat: aimag.map(|a| a.centre_lat).unwrap_or(0.0),
            lon: aimag.map(|a| a.centre_lon).unwrap_or(0.0),
            basis_points: 0,
            households: 0,
            soums: Vec::new(),
        });
        entry.basis_points += basis_points;
        entry.households += acc.households.len();
        entry.soums.push(SoumOrigin {
            code: code.clone(),
            name: soum.map(|s| s.name_en).unwrap_or(code).to_owned(),
            basis_points,
            households: acc.households.len(),
            named: acc
                .households
                .iter()
                .filter_map(|h| names.get(h).cloned())
                .collect(),
        });
    }
    let mut aimags: Vec<AimagOrigin> = by_aimag.into_values().collect();
    for a in &mut aimags {
        a.soums.sort_by_key(|x| std::cmp::Reverse(x.basis_points));
    }
    aimags.sort_by_key(|x| std::cmp::Reverse(x.basis_points));
    (aimags, households)
}

/// Verifies each credential about `keys` with its issuer's status list, as served here.
async fn credentials(app: &App, keys: &[String], orgs: &[Org]) -> Result<Vec<Cred>, AppError> {
    let mut out = Vec::new();
    let mut lists = credentials::StaticStatusLookup::new();
    let mut issuer_lists: BTreeMap<i64, Value> = BTreeMap::new();
    let mut inserted: BTreeSet<String> = BTreeSet::new();
    for c in app.store.credentials_about(keys).await? {
        let body = app::credentials::body(&c)?;
        // The issuer's list, under every URL the credential names for it: a credential
        // issued when the deployment had another base URL still names the old one.
        let mut urls = vec![app::credentials::status_list_url(app, c.issuer)];
        let status = match &body["credentialStatus"] {
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        urls.extend(
            status
                .iter()
                .filter_map(|e| e["statusListCredential"].as_str())
                .map(str::to_owned),
        );
        if let std::collections::btree_map::Entry::Vacant(e) = issuer_lists.entry(c.issuer.0) {
            e.insert(app::credentials::status_list(app, c.issuer).await?);
        }
        for url in urls {
            if inserted.insert(url.clone())
                && let Some(list) = issuer_lists.get(&c.issuer.0)
            {
                lists.insert_at(&url, list.clone());
            }
        }
        // Checked at a time read after the status list was signed: the list's `validFrom`
        // is that signing time in whole seconds, and an earlier `now` would find it not yet
        // valid whenever building the page crossed a second.
        let now = app.clock.now();
        let (status, detail) =
            match credentials::verify(&body, &credentials::DidKeyResolver, now, &lists) {
                Ok(_) => ("valid", None),
                Err(e) => {
                    let msg = e.to_string();
                    let kind = if c.revoked_at.is_some() || msg.contains("revoked") {
                        "revoked"
                    } else if msg.contains("expired") || msg.contains("validUntil") {
                        "expired"
                    } else {
                        "invalid"
                    };
                    (kind, Some(msg))
                }
            };
        let issuer = body["issuer"]
            .get("id")
            .or(Some(&body["issuer"]))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        out.push(Cred {
            id: c.id.clone(),
            kind: c.kind.clone(),
            issuer,
            issuer_name: orgs
                .iter()
                .find(|o| o.id == c.issuer)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            status: status.into(),
            detail,
            issued: DateTime::from_timestamp_micros(c.issued_at)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| a.issued.cmp(&b.issued).then_with(|| a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// The passport of a garment or lot; 404 when the ledger does not know it.
pub async fn gather(app: &App, subject: Subject) -> Result<Passport, AppError> {
    let who = reader();
    let report = app::provenance::provenance(app, Some(&who), &subject.dl).await?;
    let kind = if report["kind"] == "garment" {
        "garment"
    } else {
        "lot"
    };
    let trace =
        app::provenance::trace(app, &who, &subject.dl, app::provenance::Direction::Backward)
            .await?;
    let orgs = app.store.list_orgs().await?;
    let (aimags, households) = origin(app, &report).await;
    let (steps, lab) = super::journey::steps(&trace, &orgs);
    let mut keys: Vec<String> = trace["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect();
    keys.push(subject.dl.clone());
    keys.sort();
    keys.dedup();
    let mut depends_on: Vec<String> = keys.iter().map(|k| epcis::id::canonical(k)).collect();
    depends_on.extend(
        trace["events"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["eventID"].as_str().map(str::to_owned)),
    );
    depends_on.sort();
    depends_on.dedup();
    let credentials = credentials(app, &keys, &orgs).await?;
    let certified = report["certification"]["certified"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| Certified {
            standard: c["standard"].as_str().unwrap_or("").to_owned(),
            basis_points: (c["share"].as_f64().unwrap_or(0.0) * 10_000.0).round() as u32,
        })
        .collect();
    let making = match kind {
        "garment" => app
            .store
            .garment(&subject.dl)
            .await?
            .map(|g| (g.event, "knitting")),
        _ => app
            .store
            .lot(&subject.dl)
            .await?
            .map(|l| (l.created_by_event, "creation")),
    };
    let integrity = match making {
        Some((event_id, process)) if !event_id.is_empty() => {
            let p = app::log::event_proof(app, &who, &event_id, false).await?;
            Some(Integrity {
                event_id,
                process,
                leaf_index: p.leaf_index,
                tree_size: p.tree_size,
                proof: p.proof,
                checkpoint: p.checkpoint,
            })
        }
        _ => None,
    };
    Ok(Passport {
        kind,
        mass_kg: report["mass_kg"].as_f64().unwrap_or(0.0),
        claims: tally(&report, "by_claim", "claim", claim_label),
        colours: tally(&report, "by_colour", "colour", colour_label),
        aimags,
        households,
        steps,
        lab,
        credentials,
        certified,
        findings: report["findings"].as_array().map_or(0, Vec::len),
        integrity,
        truncated: trace["truncated"].as_bool().unwrap_or(false),
        depends_on,
        subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_sum_to_ten_thousand() {
        let rows: Vec<(String, f64)> = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]
            .iter()
            .enumerate()
            .map(|(i, s)| (i.to_string(), *s))
            .collect();
        let bp = basis_points(&rows);
        assert_eq!(bp.iter().sum::<u32>(), 10_000);
        assert_eq!(bp, vec![3334, 3333, 3333]);
        assert_eq!(basis_points(&[]), Vec::<u32>::new());
    }
}
