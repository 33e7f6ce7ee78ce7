//! Dzud alerts. When a soum's risk class reaches the configured level (default 4), an in-app
//! alert goes to every organisation that should act — a cooperative with member households
//! there, an organisation subscribed to the soum, a brand or processor holding fibre from it —
//! with the reason it was chosen; subscribers with a webhook also get a POST. Every household
//! registered in the soum gets its winter plan as a text message in the outbox (no SMS gateway
//! is connected: the outbox is what one would send).
//!
//! A run is idempotent: an alert is keyed by (year, mode, soum, recipient) and a message by
//! (year, mode, household), so running again creates and sends nothing twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use ::climate::{Mode, PlanConfig};
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{RecordFilter, Role};

use super::recipients::Index;
use super::{AimagRisk, risk};
use crate::auth::Principal;
use crate::market::registry::{self, Household};
use crate::market::{
    Kind, Versioned, bad, get, list, new_record, require_role, update_record, write,
};
use crate::{App, AppError, Result};

/// The class at which alerts go out when no one has set one.
pub const DEFAULT_LEVEL: u8 = 4;
const CONFIG_KEY: &str = "level";
/// How long one webhook POST may take; a slow receiver must not hold up the run.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// The alert level, set by an admin or the regulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertConfig {
    /// Alerts go out for soums of this class or higher (1–5).
    pub level: u8,
    pub set_by: Option<i64>,
    pub set_at: Option<String>,
}

impl Kind for AlertConfig {
    const KIND: &'static str = "alert-config";
    const WHAT: &'static str = "alert configuration";
}

/// An organisation's subscription to alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertSubscription {
    pub id: String,
    pub org: i64,
    /// The soums (5-digit codes) it covers; `None`: every soum.
    pub soums: Option<Vec<String>>,
    /// Where alerts are POSTed, besides the in-app alert.
    pub webhook: Option<String>,
    pub created_at: String,
}

impl Kind for AlertSubscription {
    const KIND: &'static str = "alert-subscription";
    const WHAT: &'static str = "alert subscription";
}

/// `POST /alerts/subscriptions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    #[serde(default)]
    pub soums: Option<Vec<String>>,
    #[serde(default)]
    pub webhook: Option<String>,
}

/// Why an organisation gets an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// A cooperative whose member households live in the soum.
    MemberHouseholds { households: Vec<String> },
    /// The organisation subscribed to the soum (or to all soums).
    Subscription { subscription: String },
    /// A garment or lot it captured or received has fibre from the soum.
    Provenance {
        share: f64,
        subject: String,
        kind: String,
    },
}

/// The outcome of one webhook POST.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub url: String,
    pub delivered: bool,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub at: String,
}

/// An in-app alert, owned by its recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `YEAR/MODE/SOUM/ORG`.
    pub id: String,
    pub recipient: i64,
    pub soum: String,
    pub soum_name_en: String,
    pub soum_name_mn: String,
    pub aimag: String,
    pub aimag_name_en: String,
    pub year: u16,
    pub mode: String,
    pub class: u8,
    pub level: u8,
    pub probability: f64,
    pub contributions: Value,
    pub reasons: Vec<Reason>,
    #[serde(default)]
    pub webhooks: Vec<Delivery>,
    pub created_at: String,
}

impl Kind for Alert {
    const KIND: &'static str = "alert";
    const WHAT: &'static str = "alert";
}

/// A text message to a household, waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sms {
    /// `YEAR/MODE/HOUSEHOLD`.
    pub id: String,
    pub household: String,
    pub household_uri: String,
    pub soum: String,
    pub year: u16,
    pub mode: String,
    pub class: u8,
    /// Mongolian, UCS-2, ≤ 70 characters.
    pub text_mn: String,
    pub ucs2_units: usize,
    /// English, GSM-7, ≤ 160 septets.
    pub text_en: String,
    pub gsm7_septets: Option<usize>,
    /// `queued`: no gateway is connected; the registry holds no phone numbers.
    pub status: String,
    /// Where the text came from: the household's plan, or the soum's when it has no herd.
    pub plan: String,
    pub created_at: String,
}

impl Kind for Sms {
    const KIND: &'static str = "sms";
    const WHAT: &'static str = "text message";
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    pub year: u16,
    pub mode: String,
    pub level: u8,
    /// Aimags at or above the level, with class and probability.
    pub aimags: Vec<Value>,
    pub soums_considered: usize,
    pub alerts_created: Vec<String>,
    pub alerts_existing: usize,
    pub sms_created: usize,
    pub sms_existing: usize,
    pub webhooks_delivered: usize,
    pub webhooks_failed: usize,
}

fn now(app: &App) -> String {
    app.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::Outlook => "outlook",
        Mode::Winter => "winter",
    }
}

fn require_admin(who: &Principal, what: &str) -> Result<()> {
    require_role(who, &[Role::Admin, Role::Regulator], what)
}

/// The alert level in force.
pub async fn alert_level(app: &App) -> Result<u8> {
    Ok(get::<AlertConfig>(app, CONFIG_KEY)
        .await?
        .map_or(DEFAULT_LEVEL, |c| c.value.level))
}

/// Sets the alert level (admin or regulator).
pub async fn set_alert_level(app: &App, who: &Principal, level: u8) -> Result<AlertConfig> {
    require_admin(who, "set the alert level")?;
    if !(1..=5).contains(&level) {
        return Err(bad("level", format!("{level} is not a risk class (1–5)")));
    }
    let config = AlertConfig {
        level,
        set_by: Some(who.id().0),
        set_at: Some(now(app)),
    };
    match get::<AlertConfig>(app, CONFIG_KEY).await? {
        Some(mut old) => {
            old.value = config.clone();
            write(app, vec![], vec![update_record(CONFIG_KEY, &old)?]).await?
        }
        None => {
            write(
                app,
                vec![new_record(CONFIG_KEY, None, None, &config)?],
                vec![],
            )
            .await?
        }
    }
    Ok(config)
}

/// Subscribes the principal's organisation to alerts for some soums (all when none are given).
pub async fn subscribe(
    app: &App,
    who: &Principal,
    req: NewSubscription,
) -> Result<AlertSubscription> {
    let soums = match req.soums {
        None => None,
        Some(list) if list.is_empty() => {
            return Err(bad(
                "soums",
                "an empty list covers nothing: leave it out for every soum",
            ));
        }
        Some(list) => {
            let mut codes = BTreeSet::new();
            for c in &list {
                let s = super::soum_code(c)
                    .map_err(|_| bad("soums", format!("'{c}' is not an NSO soum code")))?;
                codes.insert(s.code_str());
            }
            Some(codes.into_iter().collect())
        }
    };
    let webhook = match req.webhook.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(u) => {
            let url = reqwest::Url::parse(u).map_err(|e| bad("webhook", format!("'{u}': {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(bad("webhook", format!("'{u}' is not an http(s) URL")));
            }
            Some(url.to_string())
        }
    };
    let s = AlertSubscription {
        id: app.random_id(),
        org: who.id().0,
        soums,
        webhook,
        created_at: now(app),
    };
    write(
        app,
        vec![new_record(&s.id, None, Some(who.id()), &s)?],
        vec![],
    )
    .await?;
    Ok(s)
}

/// The principal's subscriptions.
pub async fn subscriptions(app: &App, who: &Principal) -> Result<Vec<AlertSubscription>> {
    Ok(
        list::<AlertSubscription>(app, &RecordFilter::owner(who.id()))
            .await?
            .into_iter()
            .map(|r| r.value)
            .collect(),
    )
}

/// The principal's alerts, newest first.
pub async fn alerts_for(app: &App, who: &Principal) -> Result<Vec<Alert>> {
    let mut v: Vec<Versioned<Alert>> = list(app, &RecordFilter::owner(who.id())).await?;
    v.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Ok(v.into_iter().map(|r| r.value).collect())
}

/// The text messages the principal may see: all to admins and regulators, else those of the
/// households it manages (its members, or its own household).
pub async fn outbox(app: &App, who: &Principal) -> Result<Vec<Sms>> {
    let all: Vec<Sms> = list::<Sms>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect();
    if matches!(who.org.role, Role::Admin | Role::Regulator) {
        return Ok(all);
    }
    let mut may: HashMap<String, bool> = HashMap::new();
    let mut out = Vec::new();
    for s in all {
        let ok = match may.get(&s.household) {
            Some(b) => *b,
            None => {
                let h = registry::household(app, &s.household).await?;
                let b = registry::may_manage(app, who, &h).await?;
                may.insert(s.household.clone(), b);
                b
            }
        };
        if ok {
            out.push(s);
        }
    }
    Ok(out)
}

/// [`run_alerts`] for a principal (admin or regulator).
pub async fn run_alerts_as(app: &App, who: &Principal, year: u16, mode: Mode) -> Result<RunReport> {
    require_admin(who, "run dzud alerts")?;
    run_alerts(app, year, mode).await
}

/// Alerts every recipient of every soum whose class reaches the level, and queues the
/// households' text messages. Idempotent.
pub async fn run_alerts(app: &App, year: u16, mode: Mode) -> Result<RunReport> {
    let level = alert_level(app).await?;
    let report = risk(app, year, mode)?;
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
    let data = ::climate::Dataset::embedded();
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
