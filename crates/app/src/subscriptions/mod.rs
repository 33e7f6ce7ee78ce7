//! Query subscriptions: webhook (`dest`) subscriptions that are streaming (delivered soon after
//! each capture) or scheduled (cron-like), and live WebSocket subscriptions ([`stream`]).
//!
//! Delivery is at most once per event and subscription across processes: a deliverer first
//! moves the subscription's cursor past a batch by compare-and-set (only one process wins),
//! then POSTs the batch; if the POST fails it moves the cursor back (again by compare-and-set)
//! and retries later with exponential backoff.

pub mod schedule;
pub mod stream;
pub mod webhook;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use store::{NamedQuery, OrgId, Page, PageRequest, StoredEvent, Subscription, Viewer};

use crate::auth::{Permission, Principal};
use crate::clock::format_time;
use crate::{App, AppError, Result, codec, named, query, render};

pub use schedule::Schedule;

/// Creates a webhook subscription from the REST body (`dest`, `signatureToken`, `stream` or
/// `schedule`, `reportIfEmpty`, `initialRecordTime`).
pub async fn create(
    app: &App,
    principal: &Principal,
    query_name: &str,
    body: &Value,
) -> Result<Subscription> {
    principal.require(Permission::Subscribe)?;
    named::get(app, principal, query_name).await?;
    let bad = |m: String| AppError::SubscriptionControls(m);
    let obj = body
        .as_object()
        .ok_or_else(|| bad("a subscription must be a JSON object".into()))?;
    let dest = obj
        .get("dest")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a subscription needs 'dest', the URL to deliver to".into()))?;
    let url = reqwest::Url::parse(dest).map_err(|e| bad(format!("dest '{dest}': {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!("dest '{dest}' must be an http or https URL")));
    }
    let signature_token = match obj.get("signatureToken") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad("signatureToken must be a string".into())),
    };
    let controls = Controls::from_json(obj)?;
    let cursor = start_cursor(app, controls.initial_record_time).await?;
    let sub = Subscription {
        id: app.random_id(),
        query_name: query_name.to_owned(),
        owner: principal.id(),
        dest: Some(dest.to_owned()),
        signature_token,
        schedule: controls.schedule_json,
        stream: controls.stream,
        report_if_empty: controls.report_if_empty,
        cursor,
        created_at: app.clock.now(),
    };
    app.store.create_subscription(sub.clone()).await?;
    Ok(sub)
}

/// When and what a subscription reports, from a REST body or WebSocket URL parameters.
#[derive(Debug, Clone)]
pub struct Controls {
    pub stream: bool,
    pub schedule: Option<Schedule>,
    pub schedule_json: Option<Value>,
    pub report_if_empty: bool,
    pub initial_record_time: Option<DateTime<Utc>>,
}

impl Controls {
    /// From a subscription body: `stream: true` or a `schedule` object, not both.
    pub fn from_json(obj: &serde_json::Map<String, Value>) -> Result<Controls> {
        let bad = |m: &str| AppError::SubscriptionControls(m.to_owned());
        let stream = match obj.get("stream") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad("stream must be true or false")),
        };
        let report_if_empty = match obj.get("reportIfEmpty") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad("reportIfEmpty must be true or false")),
        };
        let initial_record_time = match obj.get("initialRecordTime") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(parse_time(s)?),
            Some(_) => return Err(bad("initialRecordTime must be a date-time string")),
        };
        let schedule_json = obj.get("schedule").filter(|v| !v.is_null()).cloned();
        Controls::new(stream, schedule_json, report_if_empty, initial_record_time)
    }

    /// From WebSocket URL parameters (`stream=true` or `second=…&minute=…`, `reportIfEmpty`,
    /// `initialRecordTime`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Controls> {
        let bad = |m: String| AppError::SubscriptionControls(m);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let flag = |k: &str| -> Result<bool> {
            match get(k) {
                None => Ok(false),
                Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(v) => Err(bad(format!("{k} must be true or false, not '{v}'"))),
            }
        };
        let mut sched = serde_json::Map::new();
        for k in [
            "second",
            "minute",
            "hour",
            "dayOfMonth",
            "month",
            "dayOfWeek",
        ] {
            if let Some(v) = get(k) {
                sched.insert(k.to_owned(), Value::from(v));
            }
        }
        let initial = get("initialRecordTime").map(parse_time).transpose()?;
        Controls::new(
            flag("stream")?,
            (!sched.is_empty()).then_some(Value::Object(sched)),
            flag("reportIfEmpty")?,
            initial,
        )
    }

    fn new(
        stream: bool,
        schedule_json: Option<Value>,
        report_if_empty: bool,
        initial_record_time: Option<DateTime<Utc>>,
    ) -> Result<Controls> {
        let bad = |m: String| AppError::SubscriptionControls(m);
        let schedule = schedule_json
            .as_ref()
            .map(Schedule::parse)
            .transpose()
            .map_err(bad)?;
        match (stream, &schedule) {
            (true, Some(_)) => Err(bad(
                "stream and schedule are mutually exclusive: give one".into()
            )),
            (false, None) => Err(bad(
                "a subscription needs either stream: true or a schedule".into(),
            )),
            _ => Ok(Controls {
                stream,
                schedule,
                schedule_json,
                report_if_empty,
                initial_record_time,
            }),
        }
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    epcis::parse_time(s)
        .map_err(|e| AppError::SubscriptionControls(format!("initialRecordTime: {e}")))
}

/// The cursor a new subscription starts at: everything recorded from `initial` on, or (no
/// `initialRecordTime`, the default "now") only events captured from now on.
pub(crate) async fn start_cursor(app: &App, initial: Option<DateTime<Utc>>) -> Result<i64> {
    let max = app.store.max_seq().await?;
    let Some(t) = initial else {
        return Ok(max);
    };
    let q = codec::query_from_pairs(&[("GE_recordTime".into(), format_time(t))])
        .map_err(AppError::Internal)?;
    let page = PageRequest {
        per_page: Some(1),
        token: None,
    };
    let first = app
        .store
        .query_events(&q, &Viewer::operator(), &page)
        .await?;
    Ok(first.items.first().map(|e| e.seq - 1).unwrap_or(max))
}

pub async fn get(
    app: &App,
    principal: &Principal,
    query_name: &str,
    id: &str,
) -> Result<Subscription> {
    principal.require(Permission::Read)?;
    match app.store.get_subscription(id).await? {
        Some(s)
            if s.query_name == query_name
                && (s.owner == principal.id() || principal.may(Permission::Admin)) =>
        {
            Ok(s)
        }
        _ => Err(AppError::not_found("subscription", id)),
    }
}

/// The principal's subscriptions on a named query (all of them for an admin).
pub async fn list(
    app: &App,
    principal: &Principal,
    query_name: &str,
    page: &PageRequest,
) -> Result<Page<Subscription>> {
    named::get(app, principal, query_name).await?;
    let mut p = app.store.list_subscriptions(Some(query_name), page).await?;
    if !principal.may(Permission::Admin) {
        p.items.retain(|s| s.owner == principal.id());
    }
    Ok(p)
}

pub async fn delete(app: &App, principal: &Principal, query_name: &str, id: &str) -> Result<()> {
    get(app, principal, query_name, id).await?;
    if !app.store.delete_subscription(id).await? {
        return Err(AppError::not_found("subscription", id));
    }
    Ok(())
}

/// A subscription as the REST binding shows it (never with its signatureToken).
pub fn to_json(s: &Subscription) -> Value {
    let mut v = json!({
        "subscriptionID": s.id,
        "queryName": s.query_name,
        "createdAt": format_time(s.created_at),
        "reportIfEmpty": s.report_if_empty,
    });
    if let Some(d) = &s.dest {
        v["dest"] = d.clone().into();
    }
    if s.stream {
        v["stream"] = true.into();
    }
    if let Some(sch) = &s.schedule {
        v["schedule"] = sch.clone();
    }
    v
}

/// Per-subscription state of one process's deliverer.
#[derive(Debug, Default)]
struct State {
    next_fire: Option<DateTime<Utc>>,
    failures: u32,
    retry_at: Option<DateTime<Utc>>,
}

/// Delivers webhook subscriptions until told to stop: streaming ones whenever the store holds
/// events past their cursor (woken by this process's captures, and by polling for others'),
/// scheduled ones when their schedule fires by the app's clock.
pub async fn run_worker(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut events = app.subscribe_events();
    let mut states: HashMap<String, State> = HashMap::new();
    let mut viewers: HashMap<OrgId, Viewer> = HashMap::new();
    loop {
        if let Err(e) = tick(&app, &mut states, &mut viewers).await {
            tracing::warn!("subscription delivery: {e}");
        }
        tokio::select! {
            r = events.changed() => {
                if r.is_err() { return; }
            }
            stopping = crate::sleep_or_stop(&mut stop, app.config.poll_interval) => {
                if stopping { return; }
            }
        }
    }
}

async fn tick(
    app: &App,
    states: &mut HashMap<String, State>,
    viewers: &mut HashMap<OrgId, Viewer>,
) -> Result<()> {
    let max = app.store.max_seq().await?;
    let now = app.clock.now();
    let mut page = PageRequest::default();
    let mut seen = Vec::new();
    loop {
        let subs = app.store.list_subscriptions(None, &page).await?;
        for sub in subs.items {
            seen.push(sub.id.clone());
            let Some(dest) = sub.dest.clone() else {
                continue;
            };
            let st = states.entry(sub.id.clone()).or_default();
            if st.retry_at.is_some_and(|r| now < r) {
                continue;
            }
            let report_if_empty = if sub.stream {
                if sub.cursor >= max {
                    continue;
                }
                false
            } else {
                let Some(Ok(sched)) = sub.schedule.as_ref().map(Schedule::parse) else {
                    continue;
                };
                let due = *st.next_fire.get_or_insert_with(|| {
                    sched
                        .next_after(sub.created_at)
                        .unwrap_or(DateTime::<Utc>::MAX_UTC)
                });
                if now < due {
                    continue;
                }
                st.next_fire = sched.next_after(now);
                sub.report_if_empty
            };
            let viewer = match viewers.get(&sub.owner) {
                Some(v) => v.clone(),
                None => {
                    let v = owner_viewer(app, sub.owner).await?;
                    viewers.insert(sub.owner, v.clone());
                    v
                }
            };
            match deliver(app, &sub, &dest, &viewer, report_if_empty).await {
                Ok(()) => {
                    st.failures = 0;
                    st.retry_at = None;
                }
                Err(e) => {
                    st.failures += 1;
                    let base = app.config.retry_base.as_millis() as i64;
                    let delay = base
                        .saturating_mul(1i64 << st.failures.min(20))
                        .min(app.config.retry_max.as_millis() as i64);
                    st.retry_at = Some(now + chrono::Duration::milliseconds(delay));
                    tracing::warn!(
                        "subscription {} to {dest}: delivery failed ({e}); attempt {} retries in {delay} ms",
                        sub.id,
                        st.failures
                    );
                }
            }
        }
        match subs.next_token {
            Some(t) => page.token = Some(t),
            None => break,
        }
    }
    states.retain(|id, _| seen.contains(id));
    Ok(())
}

async fn owner_viewer(app: &App, owner: OrgId) -> Result<Viewer> {
    let orgs = app.store.list_orgs().await?;
    Ok(orgs
        .iter()
        .find(|o| o.id == owner)
        .map(Viewer::of)
        // An owner that no longer exists sees nothing of others'.
        .unwrap_or(Viewer {
            org: owner,
            sees_all: false,
            parties: Vec::new(),
        }))
}

/// Events past `cursor` that match the query and that `viewer` may see, up to `limit` scanned;
/// answers them with the seq of the last event scanned (`cursor` when none).
pub(crate) async fn next_batch(
    app: &App,
    query: &epcis::query::EventQuery,
    viewer: &Viewer,
    cursor: i64,
    limit: usize,
) -> Result<(Vec<StoredEvent>, i64, bool)> {
    let scanned = app.store.events_after(cursor, limit as u32).await?;
    let full = scanned.len() >= limit;
    let last = scanned.last().map(|e| e.seq).unwrap_or(cursor);
    let matched = scanned
        .into_iter()
        .filter(|e| query::visible(viewer, e) && codec::query_matches(query, e))
        .collect();
    Ok((matched, last, full))
}

async fn deliver(
    app: &App,
    sub: &Subscription,
    dest: &str,
    viewer: &Viewer,
    report_if_empty: bool,
) -> Result<()> {
    let Some(nq): Option<NamedQuery> = app.store.get_named_query(&sub.query_name).await? else {
        return Ok(());
    };
    let q = named::parse(&nq)?;
    let mut cursor = sub.cursor;
    let mut sent = false;
    loop {
        let (events, last, more) =
            next_batch(app, &q, viewer, cursor, app.config.delivery_batch).await?;
        if last > cursor
            && !app
                .store
                .advance_subscription(&sub.id, cursor, last)
                .await?
        {
            // Another process delivered this batch.
            return Ok(());
        }
        if !events.is_empty() || (report_if_empty && !sent) {
            let doc = render::query_document(
                events,
                Some(&sub.query_name),
                Some(&sub.id),
                app.config.default_epc_format,
                app.clock.now(),
            );
            let body = serde_json::to_vec(&render::to_json(&doc))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            if let Err(e) = webhook::post(
                &app.signals.http,
                dest,
                body,
                sub.signature_token.as_deref(),
                &sub.id,
            )
            .await
            {
                if last > cursor {
                    // Give the batch back so the retry sends it again.
                    app.store
                        .advance_subscription(&sub.id, last, cursor)
                        .await?;
                }
                return Err(AppError::Internal(e));
            }
            sent = true;
        }
        cursor = last;
        if !more {
            return Ok(());
        }
    }
}
