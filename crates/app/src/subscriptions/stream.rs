//! Live subscriptions held by a WebSocket connection (`GET /queries/{name}/events` with
//! `Upgrade: websocket`). The connection owns the cursor, so no store state is needed: when
//! the connection closes, the subscription is gone.

use chrono::{DateTime, Utc};
use epcis::query::EventQuery;
use store::Viewer;

use super::{Controls, Schedule, next_batch, start_cursor};
use crate::auth::Principal;
use crate::{App, Result, named, render};

/// A live subscription: call [`Live::next`] in a loop and send each document.
pub struct Live {
    app: App,
    query: EventQuery,
    query_name: String,
    viewer: Viewer,
    cursor: i64,
    schedule: Option<Schedule>,
    report_if_empty: bool,
    next_fire: Option<DateTime<Utc>>,
    id: String,
    format: render::EpcFormat,
    events: tokio::sync::watch::Receiver<i64>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("query_name", &self.query_name)
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl Live {
    /// Checks the named query and the controls (`stream=true` or schedule fields).
    pub async fn open(
        app: &App,
        principal: &Principal,
        query_name: &str,
        pairs: &[(String, String)],
        format: render::EpcFormat,
    ) -> Result<Live> {
        let nq = named::get(app, principal, query_name).await?;
        let query = named::parse(&nq)?;
        let controls = Controls::from_pairs(pairs)?;
        let cursor = start_cursor(app, controls.initial_record_time).await?;
        let now = app.clock.now();
        Ok(Live {
            app: app.clone(),
            query,
            query_name: query_name.to_owned(),
            viewer: principal.viewer(),
            cursor,
            next_fire: controls.schedule.as_ref().and_then(|s| s.next_after(now)),
            schedule: controls.schedule,
            report_if_empty: controls.report_if_empty,
            id: app.random_id(),
            format,
            events: app.subscribe_events(),
        })
    }

    /// The subscription's ID (sent as `subscriptionID` in each document).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Waits until there is something to report and answers it as an EPCISQueryDocument
    /// (JSON-LD). `None` when a schedule will never fire again.
    pub async fn next(&mut self) -> Result<Option<serde_json::Value>> {
        loop {
            let report_if_empty = match &self.schedule {
                None => false,
                Some(s) => {
                    let Some(due) = self.next_fire else {
                        return Ok(None);
                    };
                    let now = self.app.clock.now();
                    if now < due {
                        self.wait().await;
                        continue;
                    }
                    self.next_fire = s.next_after(now);
                    self.report_if_empty
                }
            };
            let mut found = Vec::new();
            loop {
                let (mut events, last, more) = next_batch(
                    &self.app,
                    &self.query,
                    &self.viewer,
                    self.cursor,
                    self.app.config.delivery_batch,
                )
                .await?;
                self.cursor = last;
                found.append(&mut events);
                if !more || found.len() >= self.app.config.delivery_batch {
                    break;
                }
            }
            if !found.is_empty() || report_if_empty {
                let doc = render::query_document(
                    found,
                    Some(&self.query_name),
                    Some(&self.id),
                    self.format,
                    self.app.clock.now(),
                );
                return Ok(Some(render::to_json(&doc)));
            }
            if self.schedule.is_none() {
                self.wait().await;
            }
        }
    }

    /// Until this process stores events or the poll interval passes (other processes).
    async fn wait(&mut self) {
        let poll = self.app.config.poll_interval;
        tokio::select! {
            _ = self.events.changed() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}
