//! Access to finance (issue 7): the credit history a household owns, built only from facts
//! verified on the platform (each line linked to its event, credential or record), consent
//! grants to named lenders with every lender access logged, the explainable score, the
//! exported report as a verifiable credential, loans with season-aligned schedules and the dzud
//! deferral rule, and index insurance. The rules are the pure `finance` crate's.
//!
//! - this module: history, grants, access, score, report;
//! - [`loans`]: applications, decisions, repayments, deferral on dzud or an insurance payout;
//! - [`insurance`]: policies, the yearly index and payouts.

pub mod insurance;
pub mod loans;

use chrono::{DateTime, Utc};
use finance::consent::{Access, AccessLogEntry, Grant, Reader, authorize};
use finance::{Fact, Heads, History, Source};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{OrgId, RecordFilter, Role};

use crate::auth::Principal;
use crate::market::registry::{self, Household};
use crate::market::{Kind, Versioned, bad, list, need, new_record, update_record, write};
use crate::{App, AppError, Result};

impl Kind for Grant {
    const KIND: &'static str = "grant";
    const WHAT: &'static str = "grant";
}

impl Kind for AccessLogEntry {
    const KIND: &'static str = "credit-access";
    const WHAT: &'static str = "access log entry";
}

/// Who reads a household's history: the household itself (its own organisation), a lender, or
/// nobody else.
fn reader(who: &Principal, h: &Household) -> Result<Reader> {
    if h.org == Some(who.id().0) {
        return Ok(Reader::Household(h.id.clone()));
    }
    if who.org.role == Role::Lender {
        return Ok(Reader::Lender(who.org.name.clone()));
    }
    Err(AppError::Forbidden(format!(
        "only household {} itself or a lender it granted access may read its credit history",
        h.id
    )))
}

fn require_household(who: &Principal, h: &Household, what: &str) -> Result<()> {
    if h.org == Some(who.id().0) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only household {} itself may {what}",
            h.id
        )))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantIn {
    /// The lender's organisation name.
    pub lender: String,
    pub purpose: String,
    pub until: DateTime<Utc>,
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
}

/// The household grants a named lender access for a purpose and a period.
pub async fn grant(app: &App, who: &Principal, household: &str, req: GrantIn) -> Result<Grant> {
    let h = registry::household(app, household).await?;
    require_household(who, &h, "grant access to its history")?;
    let lender = crate::orgs::by_name(app, &req.lender).await?;
    if lender.role != Role::Lender {
        return Err(bad("lender", format!("'{}' is not a lender", req.lender)));
    }
    let from = req.from.unwrap_or_else(|| app.clock.now());
    let id = format!("G-{}-{}", h.id, &app.random_id()[..8]);
    let g = Grant::new(&id, &h.id, &lender.name, &req.purpose, from, req.until)
        .map_err(|e| bad("grant", e))?;
    write(
        app,
        vec![new_record(&id, Some(&h.id), Some(lender.id), &g)?],
        vec![],
    )
    .await?;
    Ok(g)
}

/// The household's grants and the log of every lender access, newest last.
pub async fn grants(app: &App, who: &Principal, household: &str) -> Result<Value> {
    let h = registry::household(app, household).await?;
    require_household(who, &h, "see its grants")?;
    let now = app.clock.now();
    let grants: Vec<Value> = list::<Grant>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .into_iter()
        .map(|g| {
            let live = g.value.is_live(now);
            let mut v = serde_json::to_value(&g.value).unwrap_or_default();
            v["live"] = live.into();
            v
        })
        .collect();
    let log: Vec<AccessLogEntry> = list::<AccessLogEntry>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .into_iter()
        .map(|e| e.value)
        .collect();
    Ok(json!({"household": h.id, "grants": grants, "access_log": log}))
}

/// The household revokes a grant; the lender's next read is refused.
pub async fn revoke(app: &App, who: &Principal, household: &str, grant_id: &str) -> Result<Grant> {
    let h = registry::household(app, household).await?;
    require_household(who, &h, "revoke its grants")?;
    let mut g: Versioned<Grant> = need(app, grant_id).await?;
    if g.value.household != h.id {
        return Err(AppError::not_found("grant", grant_id));
    }
    g.value
        .revoke(app.clock.now())
        .map_err(|e| AppError::Refused {
            reason: "revoked",
            detail: e.to_string(),
        })?;
    write(app, vec![], vec![update_record(grant_id, &g)?]).await?;
    Ok(g.value)
}

/// Checks a reader's access and logs a lender's attempt (allowed or not) for the household.
async fn access(app: &App, who: &Principal, h: &Household, resource: &str) -> Result<Access> {
    let reader = reader(who, h)?;
    let grants: Vec<Grant> = list::<Grant>(app, &RecordFilter::parent(h.id.clone()))
        .await?
        .into_iter()
        .map(|g| g.value)
        .collect();
    let now = app.clock.now();
    let decision = authorize(&h.id, &reader, &grants, now);
    if matches!(reader, Reader::Lender(_)) {
        let entry = AccessLogEntry::new(now, &h.id, reader.clone(), resource, decision.clone());
        let key = format!("{}/{}", h.id, app.random_id());
        write(
            app,
            vec![new_record(&key, Some(&h.id), Some(who.id()), &entry)?],
            vec![],
        )
        .await?;
    }
    if decision == Access::Denied {
        return Err(AppError::Forbidden(format!(
            "'{}' holds no live grant from household {}; access refused and logged",
            who.org.name, h.id
        )));
    }
    Ok(decision)
}

/// A record's URL under the deployment (the link of lines that are neither events nor
/// credentials).
pub(crate) fn record_url(app: &App, path: &str) -> String {
    let base = app
        .config
        .base_url
        .clone()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The household's history, from the platform's records: deliveries (intake events),
/// settlements and payments (linked to the sale event of the lot), certifications naming the
/// household, herds (registry) against the household's share of its soum's carrying capacity,
/// loans and insurance payouts, dzud exposure of its soum.
pub async fn history(app: &App, h: &Household) -> Result<History> {
    let mut hist = History {
        household: h.id.clone(),
        lines: Vec::new(),
    };
    let mut coop_names = std::collections::BTreeMap::new();
    for i in crate::market::intake::intakes_of_household(app, &h.id).await? {
        if i.state != crate::market::intake::IntakeState::Active {
            continue;
        }
        let coop = coop_name(app, &mut coop_names, i.cooperative).await?;
        hist.push(
            Source::Event(i.delivery_event.clone()),
            Fact::Delivery {
                date: i.intake.date,
                grams: i.intake.clean_g,
                grade: Some(i.intake.grade.clone()),
                colour: i.intake.colour.as_str().to_owned(),
                cooperative: coop,
            },
        );
    }
    for s in
        list::<crate::market::settlements::SettlementRecord>(app, &RecordFilter::default()).await?
    {
        let s = s.value;
        let Some(amount) = s.settlement.amount_for(&h.id) else {
            continue;
        };
        let coop = coop_name(app, &mut coop_names, s.cooperative).await?;
        let sale = sale_event(app, &s.auction, &s.pool).await?;
        hist.push(
            sale.clone(),
            Fact::Settlement {
                date: s.date,
                amount_mnt: amount,
                statement: s.id.clone(),
                cooperative: Some(coop),
            },
        );
    }
    for p in
        list::<crate::market::settlements::PaymentRecord>(app, &RecordFilter::parent(h.id.clone()))
            .await?
    {
        let p = p.value;
        let coop = coop_name(app, &mut coop_names, p.cooperative).await?;
        let source = match &p.payment.sale {
            Some(sid) => {
                match crate::market::get::<crate::market::settlements::SettlementRecord>(app, sid)
                    .await?
                {
                    Some(s) => sale_event(app, &s.value.auction, &s.value.pool).await?,
                    None => Source::Record(record_url(app, &format!("/settlements/{sid}"))),
                }
            }
            None => Source::Record(record_url(app, "/settlements")),
        };
        hist.push(
            source,
            Fact::Payment {
                date: p.payment.date,
                amount_mnt: u64::try_from(p.payment.amount_mnt).unwrap_or(0),
                payer: coop,
                statement: p.payment.sale.clone(),
            },
        );
    }
    for c in app
        .store
        .credentials_about(std::slice::from_ref(&h.uri))
        .await?
    {
        if c.revoked_at.is_some() {
            continue;
        }
        let body: Value = serde_json::from_str(&c.body).unwrap_or_default();
        let standard = body["credentialSubject"]["standard"]
            .as_str()
            .unwrap_or(&c.kind)
            .to_owned();
        let date = DateTime::from_timestamp_micros(c.issued_at)
            .unwrap_or_default()
            .date_naive();
        let valid_until = body["validUntil"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.date_naive());
        hist.push(
            Source::Credential(c.id.clone()),
            Fact::Certification {
                date,
                credential: c.id.clone(),
                standard,
                valid_until,
            },
        );
    }
    let climate = crate::climate::dataset(app).await?;
    for herd in registry::herds(app, &h.id).await? {
        // The household's share of its soum's carrying capacity and the soum's stocking
        // (rule: `app::climate::capacity`); unknown soums or years stay unknown.
        let cap = crate::climate::capacity::household_capacity_in(&climate, &h.soum, herd.year);
        let heads = Heads {
            camel: herd.head.camel,
            cattle: herd.head.cattle,
            goat: herd.head.goat,
            horse: herd.head.horse,
            sheep: herd.head.sheep,
        };
        hist.push(
            Source::Record(record_url(
                app,
                &format!("/households/{}#herd-{}", h.id, herd.year),
            )),
            Fact::Herd {
                year: herd.year,
                heads,
                capacity_su: cap.as_ref().map(|c| c.capacity_su),
                soum_stocking: cap.as_ref().and_then(|c| {
                    finance::decimal::Ratio::of(
                        c.stocking_sheep_units.tenths(),
                        c.stocking_capacity_su.saturating_mul(10),
                    )
                }),
            },
        );
        // The soum's dzud exposure in the winter that ended in the census year (outlook
        // class); years the model has no inputs for are left out.
        if let Ok(season) = u16::try_from(herd.year)
            && let Ok(class) = loans::soum_class(app, &h.soum, season).await
        {
            hist.push(
                Source::Record(record_url(
                    app,
                    &format!("/dzud/risk/soums/{}?year={}", h.soum, herd.year),
                )),
                Fact::DzudExposure {
                    year: herd.year,
                    soum: h.soum.clone(),
                    risk_class: class,
                },
            );
        }
    }
    loans::history_lines(app, h, &mut hist).await?;
    insurance::history_lines(app, h, &mut hist).await?;
    Ok(hist)
}

async fn coop_name(
    app: &App,
    cache: &mut std::collections::BTreeMap<i64, String>,
    id: i64,
) -> Result<String> {
    if let Some(n) = cache.get(&id) {
        return Ok(n.clone());
    }
    let n = crate::market::org(app, OrgId(id)).await?.name;
    cache.insert(id, n.clone());
    Ok(n)
}

async fn sale_event(app: &App, auction: &str, pool: &str) -> Result<Source> {
    let a: crate::market::auctions::Auction = need(app, auction).await?.value;
    let ev = a
        .results
        .iter()
        .flatten()
        .find(|r| r.pool == pool)
        .and_then(|r| r.sale_event.clone());
    Ok(match ev {
        Some(e) => Source::Event(e),
        None => Source::Record(record_url(app, &format!("/auctions/{auction}"))),
    })
}

/// What `GET /households/{id}/credit` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Credit {
    pub household: String,
    pub access: Access,
    pub history: History,
    pub score: finance::Score,
}

/// The history and score, to the household or a lender with a live grant (logged); 403
/// otherwise.
pub async fn credit(app: &App, who: &Principal, household: &str) -> Result<Credit> {
    let h = registry::household(app, household).await?;
    let access = access(app, who, &h, "credit").await?;
    let history = history(app, &h).await?;
    let score = finance::score(
        &history,
        &finance::Scorecard::v1(),
        crate::market::today(app),
    );
    Ok(Credit {
        household: h.id,
        access,
        history,
        score,
    })
}

/// The platform's own signing key (did:key), for what it attests itself: credit reports.
async fn platform_key(app: &App) -> Result<credentials::IssuerKey> {
    let mut seed = [0u8; 32];
    app.random.fill(&mut seed);
    let stored = app
        .store
        .setting_or_insert("platform.key", &hex::encode(seed))
        .await?;
    let bytes = hex::decode(stored.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| AppError::Internal("the platform signing key is unreadable".into()))?;
    Ok(credentials::IssuerKey::did_key_from_seed(&bytes))
}

/// The household's report as a verifiable credential signed by the platform, for the
/// household to carry to any lender.
pub async fn report(app: &App, who: &Principal, household: &str) -> Result<Value> {
    let h = registry::household(app, household).await?;
    require_household(who, &h, "export its credit report")?;
    let history = history(app, &h).await?;
    let card = finance::Scorecard::v1();
    let today = crate::market::today(app);
    let summary = finance::summarize(&history, today, card.window());
    let score = finance::scorecard::score_summary(&summary, &card);
    let key = platform_key(app).await?;
    let now = app.clock.now();
    let meta = finance::report::ReportMeta {
        id: crate::credentials::credential_url(app, &uuid::Uuid::new_v4().to_string()),
        issuer_id: key.controller().to_owned(),
        issuer_name: Some("nooluur".into()),
        subject_id: h.uri.clone(),
        valid_from: now,
        valid_until: Some(now + chrono::Duration::days(90)),
    };
    let unsigned = finance::report::credit_report(&summary, &score, &meta)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    credentials::sign(&unsigned, &key, now)
        .map_err(|e| AppError::Internal(format!("signing the report: {e}")))
}

pub use crate::market::registry::household as household_record;
