//! The alert run: the soums at or above the level, their recipients and reasons, the alert
//! records, webhook POSTs and the households' text messages.

use std::collections::BTreeMap;

use ::climate::{Mode, PlanConfig};
use serde_json::json;
use store::RecordFilter;

use super::{
    Alert, AlertSubscription, Delivery, Reason, RunReport, Sms, WEBHOOK_TIMEOUT, alert_level,
    mode_str, now, require_admin,
};
use crate::auth::Principal;
use crate::climate::recipients::Index;
use crate::climate::risk;
use crate::climate::{AimagRisk, dataset};
use crate::market::registry::{self, Household};
use crate::market::{get, list, new_record, update_record, write};
use crate::{App, AppError, Result};

/// [`run_alerts`] for a principal (admin or regulator).
pub async fn run_alerts_as(app: &App, who: &Principal, year: u16, mode: Mode) -> Result<RunReport> {
    require_admin(who, "run dzud alerts")?;
    run_alerts(app, year, mode).await
}

/// Alerts every recipient of every soum whose class reaches the level, and queues the
/// households' text messages. Idempotent.
pub async fn run_alerts(app: &App, year: u16, mode: Mode) -> Result<RunReport> {
    let level = alert_level(app).await?;
    let report = risk(app, year, mode).await?;
    let hot: BTreeMap<u8, AimagRisk> = report
        .aimags
        .into_iter()
        .filter(|a| a.class >= level)
        .filter_map(|a| a.aimag.parse::<u8>().ok().map(|c| (c, a)))
        .collect();
    let mut out = RunReport {
        year,
        mode: mode_str(mode).to_owned(),
        level,
        aimags: hot
            .values()
            .map(|a| json!({"aimag": a.aimag, "name_en": a.name_en, "class": a.class, "probability": a.probability}))
            .collect(),
        ..RunReport::default()
    };
    if hot.is_empty() {
        return Ok(out);
    }
    let subs: Vec<AlertSubscription> = list::<AlertSubscription>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect();
    let index = Index::load(app, subs).await?;
    let soums = index.candidate_soums(&hot.keys().copied().collect());
    out.soums_considered = soums.len();
    for code in soums {
        let Some(soum) = code.parse::<u32>().ok().and_then(mongolia::soum) else {
            continue;
        };
        let Some(risk) = hot.get(&soum.aimag_code) else {
            continue;
        };
        alert_soum(app, &index, soum, risk, level, mode, &mut out).await?;
        for h in index.households.get(&code).into_iter().flatten() {
            if queue_sms(app, h, soum, risk, mode).await? {
                out.sms_created += 1;
            } else {
                out.sms_existing += 1;
            }
        }
    }
    Ok(out)
}

/// The recipients of one soum, their reasons and webhooks.
fn recipients(index: &Index, code: &str) -> BTreeMap<i64, (Vec<Reason>, Vec<String>)> {
    let mut r: BTreeMap<i64, (Vec<Reason>, Vec<String>)> = BTreeMap::new();
    for (coop, households) in index.members.get(code).into_iter().flatten() {
        r.entry(*coop)
            .or_default()
            .0
            .push(Reason::MemberHouseholds {
                households: households.clone(),
            });
    }
    for s in &index.subscriptions {
        if s.soums.as_ref().is_none_or(|l| l.iter().any(|c| c == code)) {
            let e = r.entry(s.org).or_default();
            e.0.push(Reason::Subscription {
                subscription: s.id.clone(),
            });
            e.1.extend(s.webhook.iter().cloned());
        }
    }
    for (org, h) in index.holdings.get(code).into_iter().flatten() {
        r.entry(*org).or_default().0.push(Reason::Provenance {
            share: h.share,
            subject: h.subject.clone(),
            kind: h.kind.to_owned(),
        });
    }
    r
}

async fn alert_soum(
    app: &App,
    index: &Index,
    soum: &mongolia::Soum,
    risk: &AimagRisk,
    level: u8,
    mode: Mode,
    out: &mut RunReport,
) -> Result<()> {
    let code = soum.code_str();
    for (org, (reasons, mut hooks)) in recipients(index, &code) {
        let key = format!("{}/{}/{code}/{org}", risk.year, mode_str(mode));
        if get::<Alert>(app, &key).await?.is_some() {
            out.alerts_existing += 1;
            continue;
        }
        let alert = Alert {
            id: key.clone(),
            recipient: org,
            soum: code.clone(),
            soum_name_en: soum.name_en.to_owned(),
            soum_name_mn: soum.name_mn.to_owned(),
            aimag: risk.aimag.clone(),
            aimag_name_en: risk.name_en.to_owned(),
            year: risk.year,
            mode: mode_str(mode).to_owned(),
            class: risk.class,
            level,
            probability: risk.probability,
            contributions: risk.contributions.clone(),
            reasons,
            webhooks: Vec::new(),
            created_at: now(app),
        };
        let rec = new_record(&key, Some(&code), Some(store::OrgId(org)), &alert)?;
        match write(app, vec![rec], vec![]).await {
            Ok(()) => {}
            // Another run created it at the same moment: it is that run's to send.
            Err(AppError::Refused {
                reason: "duplicate",
                ..
            }) => {
                out.alerts_existing += 1;
                continue;
            }
            Err(e) => return Err(e),
        }
        out.alerts_created.push(key.clone());
        hooks.sort();
        hooks.dedup();
        if hooks.is_empty() {
            continue;
        }
        let mut deliveries = Vec::new();
        for url in hooks {
            let d = post_webhook(app, &url, &alert).await;
            if d.delivered {
                out.webhooks_delivered += 1;
            } else {
                out.webhooks_failed += 1;
            }
            deliveries.push(d);
        }
        // The outcome is recorded on the alert; a failure does not stop the run.
        if let Some(mut stored) = get::<Alert>(app, &key).await? {
            stored.value.webhooks = deliveries;
            write(app, vec![], vec![update_record(&key, &stored)?]).await?;
        }
    }
    Ok(())
}

async fn post_webhook(app: &App, url: &str, alert: &Alert) -> Delivery {
    let body = json!({"type": "dzud-alert", "alert": alert});
    let r = app
        .signals
        .http
        .post(url)
        .timeout(WEBHOOK_TIMEOUT)
        .json(&body)
        .send()
        .await;
    let (delivered, status, error) = match r {
        Ok(resp) => {
            let s = resp.status();
            (
                s.is_success(),
                Some(s.as_u16()),
                (!s.is_success()).then(|| format!("the receiver answered {s}")),
            )
        }
        Err(e) => (false, None, Some(e.to_string())),
    };
    Delivery {
        url: url.to_owned(),
        delivered,
        status,
        error,
        at: now(app),
    }
}

/// Queues a household's message; false when it was already queued.
async fn queue_sms(
    app: &App,
    h: &Household,
    soum: &mongolia::Soum,
    risk: &AimagRisk,
    mode: Mode,
) -> Result<bool> {
    let key = format!("{}/{}/{}", risk.year, mode_str(mode), h.id);
    if get::<Sms>(app, &key).await?.is_some() {
        return Ok(false);
    }
    let (text_mn, text_en, plan) = texts(app, h, soum, risk).await?;
    let sms = Sms {
        id: key.clone(),
        household: h.id.clone(),
        household_uri: h.uri.clone(),
        soum: h.soum.clone(),
        year: risk.year,
        mode: mode_str(mode).to_owned(),
        class: risk.class,
        ucs2_units: ::climate::sms::ucs2_units(&text_mn),
        gsm7_septets: ::climate::sms::gsm7_septets(&text_en),
        text_mn,
        text_en,
        status: "queued".to_owned(),
        plan,
        created_at: now(app),
    };
    let owner = store::OrgId(h.org.unwrap_or(h.registered_by));
    match write(
        app,
        vec![new_record(&key, Some(&h.id), Some(owner), &sms)?],
        vec![],
    )
    .await
    {
        Ok(()) => Ok(true),
        Err(AppError::Refused {
            reason: "duplicate",
            ..
        }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The household's plan texts (its latest herd, no reserves known), else the soum's, else a
/// plain warning.
async fn texts(
    app: &App,
    h: &Household,
    soum: &mongolia::Soum,
    risk: &AimagRisk,
) -> Result<(String, String, String)> {
    let d = dataset(app).await?;
    let data = &d.data;
    let cfg = PlanConfig::default();
    let herds = registry::herds(app, &h.id).await?;
    let herd = herds
        .iter()
        .rfind(|r| r.year <= i32::from(risk.year))
        .or(herds.last());
    if let Some(herd) = herd {
        let household = ::climate::plan::Household {
            id: h.id.clone(),
            soum_code: Some(soum.code),
            herd: ::climate::Herd {
                horse: herd.head.horse,
                cattle: herd.head.cattle,
                camel: herd.head.camel,
                sheep: herd.head.sheep,
                goat: herd.head.goat,
            },
            hay_kg: 0,
            fodder_kg: 0,
        };
        if let Ok(p) = ::climate::plan_for_household(data, &household, &cfg, Some(risk.class)) {
            return Ok((
                p.message_mn,
                p.message_en,
                format!("household, herd {}", herd.year),
            ));
        }
    }
    if let Ok(p) = ::climate::plan_for_soum(data, soum.code, risk.year, &cfg, Some(risk.class)) {
        return Ok((p.message_mn, p.message_en, "soum".to_owned()));
    }
    Ok((
        format!("Зудын эрсдэл {}/5. Өвс тэжээлээ бэлтгэнэ үү.", risk.class),
        format!(
            "Dzud risk {}/5 in {}. Prepare hay and fodder now.",
            risk.class, soum.name_en
        ),
        "warning".to_owned(),
    ))
}
