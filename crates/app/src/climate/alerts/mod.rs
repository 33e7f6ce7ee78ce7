//! Dzud alerts. When a soum's risk class reaches the configured level (default 4), an in-app
//! alert goes to every organisation that should act — a cooperative with member households
//! there, an organisation subscribed to the soum, a brand or processor holding fibre from it —
//! with the reason it was chosen; subscribers with a webhook also get a POST. Every household
//! registered in the soum gets its winter plan as a text message in the outbox (no SMS gateway
//! is connected: the outbox is what one would send).
//!
//! A run is idempotent: an alert is keyed by (year, mode, soum, recipient) and a message by
//! (year, mode, household), so running again creates and sends nothing twice.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use ::climate::Mode;
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{RecordFilter, Role};

use crate::auth::Principal;
use crate::market::registry;
use crate::market::{
    Kind, Versioned, bad, get, list, new_record, require_role, update_record, write,
};
use crate::{App, Result};

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

mod run;

pub use run::{run_alerts, run_alerts_as};
