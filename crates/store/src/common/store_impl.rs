//! The `Store` methods whose SQL is the same on SQLite and PostgreSQL, as one macro.

/// The `Store` methods with one SQL for both dialects. Expands to the whole trait impl (so
/// that `async_trait` sees every method); `$specific` adds the backend's own methods. The
/// store type must have `fn read(&self) -> &Pool<_>` and `fn write(&self) -> &Pool<_>`.
macro_rules! store_impl {
    ($ty:ty, $backend:expr, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::Store for $ty {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            $($specific)*

            async fn create_org(&self, org: $crate::NewOrg) -> $crate::Result<$crate::Org> {
                use sqlx::Row;
                let now = chrono::Utc::now();
                let ids = $crate::common::to_json(&org.identifiers)?;
                let mut tx = self.write().begin().await?;
                let row = sqlx::query(
                    "INSERT INTO orgs (name, role, identifiers, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&org.name)
                .bind(org.role.as_str())
                .bind(&ids)
                .bind($crate::common::micros(now))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| $crate::common::conflict(e, "organisation", &org.name, None))?;
                let id: i64 = row.try_get("id")?;
                sqlx::query("INSERT INTO tokens (token_hash, org_id) VALUES ($1, $2)")
                    .bind(&org.token_hash)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::common::conflict(e, "token", "(hidden)", None))?;
                tx.commit().await?;
                Ok($crate::Org {
                    id: $crate::OrgId(id),
                    name: org.name,
                    role: org.role,
                    identifiers: org.identifiers,
                    created_at: $crate::common::from_micros($crate::common::micros(now))?,
                })
            }

            async fn org_by_name(&self, name: &str) -> $crate::Result<Option<$crate::Org>> {
                let row = sqlx::query(
                    "SELECT id, name, role, identifiers, created_at FROM orgs WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Self::org_row(&r)).transpose()
            }

            async fn org_by_token_hash(
                &self,
                token_hash: &str,
            ) -> $crate::Result<Option<$crate::Org>> {
                let row = sqlx::query(
                    "SELECT o.id, o.name, o.role, o.identifiers, o.created_at FROM orgs o \
                     JOIN tokens t ON t.org_id = o.id WHERE t.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Self::org_row(&r)).transpose()
            }

            async fn add_token(&self, org: $crate::OrgId, token_hash: &str) -> $crate::Result<()> {
                sqlx::query("INSERT INTO tokens (token_hash, org_id) VALUES ($1, $2)")
                    .bind(token_hash)
                    .bind(org.0)
                    .execute(self.write())
                    .await
                    .map_err(|e| {
                        $crate::common::conflict(
                            e,
                            "token",
                            "(hidden)",
                            Some(("organisation", &org.0.to_string())),
                        )
                    })?;
                Ok(())
            }

            async fn list_orgs(&self) -> $crate::Result<Vec<$crate::Org>> {
                let rows = sqlx::query(
                    "SELECT id, name, role, identifiers, created_at FROM orgs ORDER BY id",
                )
                .fetch_all(self.read())
                .await?;
                rows.iter().map(Self::org_row).collect()
            }

            async fn get_event(
                &self,
                event_id: &str,
                viewer: &$crate::Viewer,
            ) -> $crate::Result<Vec<$crate::StoredEvent>> {
                let sql = $crate::sql::events::by_id(event_id, viewer, $backend);
                let q = $crate::sql::bind_all!(sqlx::query(&sql.text), &sql.args);
                let rows = q.fetch_all(self.read()).await?;
                rows.iter().map(Self::event_row).collect()
            }

            async fn get_events(
                &self,
                event_ids: &[String],
                viewer: &$crate::Viewer,
            ) -> $crate::Result<Vec<$crate::StoredEvent>> {
                // Below SQLite's and PostgreSQL's bound-parameter limits with room for the
                // visibility arguments.
                const CHUNK: usize = 500;
                let mut out = Vec::with_capacity(event_ids.len());
                for chunk in event_ids.chunks(CHUNK) {
                    let sql = $crate::sql::events::by_ids(chunk, viewer, $backend);
                    let q = $crate::sql::bind_all!(sqlx::query(&sql.text), &sql.args);
                    let rows = q.fetch_all(self.read()).await?;
                    for r in &rows {
                        out.push(Self::event_row(r)?);
                    }
                }
                out.sort_by_key(|e| e.seq);
                Ok(out)
            }

            async fn query_events(
                &self,
                query: &epcis::query::EventQuery,
                viewer: &$crate::Viewer,
                page: &$crate::PageRequest,
            ) -> $crate::Result<$crate::Page<$crate::StoredEvent>> {
                use sqlx::Row;
                use $crate::cursor::{self, EventCursor};
                use $crate::sql::events::{self as ev, Order};
                let cur: Option<EventCursor> = cursor::decode_opt(page)?;
                let order = Order::of(query);
                let tag = order.tag();
                if cur.as_ref().is_some_and(|c| c.o != tag) {
                    return Err($crate::StoreError::BadPageToken);
                }
                let done = cur.as_ref().map_or(0, |c| c.c);
                let mut limit = u64::from(cursor::per_page(page));
                if let Some(max) = query.event_count_limit {
                    limit = limit.min(max.saturating_sub(done));
                }
                if limit == 0 {
                    return Ok($crate::Page { items: Vec::new(), next_token: None });
                }
                if let (None, Some(max)) = (&cur, query.max_event_count) {
                    let cap = i64::try_from(max.saturating_add(1)).unwrap_or(i64::MAX);
                    let sql = ev::count_capped(query, viewer, cap, $backend);
                    let q = $crate::sql::bind_all!(sqlx::query(&sql.text), &sql.args);
                    let n: i64 = q.fetch_one(self.read()).await?.try_get(0)?;
                    if u64::try_from(n).unwrap_or(0) > max {
                        return Err($crate::StoreError::QueryTooLarge { limit: max });
                    }
                }
                let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
                let sql = ev::page(query, viewer, cur.as_ref(), fetch, $backend);
                let q = $crate::sql::bind_all!(sqlx::query(&sql.text), &sql.args);
                let rows = q.fetch_all(self.read()).await?;
                let more = rows.len() as u64 > limit;
                let rows = &rows[..rows.len().min(limit as usize)];
                let mut items = Vec::with_capacity(rows.len());
                for r in rows {
                    items.push(Self::event_row(r)?);
                }
                let total = done + items.len() as u64;
                let under_cap = query.event_count_limit.is_none_or(|m| total < m);
                let next_token = match rows.last() {
                    Some(last) if more && under_cap => {
                        let mut c = EventCursor {
                            o: tag,
                            s: last.try_get("seq")?,
                            c: total,
                            ..EventCursor::default()
                        };
                        match &order {
                            Order::Seq => {}
                            Order::Time(epcis::query::TimeColumn::EventTime, _) => {
                                c.t = Some(last.try_get("event_time")?);
                            }
                            Order::Time(epcis::query::TimeColumn::RecordTime, _) => {
                                c.t = Some(last.try_get("record_time")?);
                            }
                            Order::Field(..) => {
                                c.n = last.try_get("sn")?;
                                c.t = last.try_get("st")?;
                                c.x = last.try_get("sx")?;
                            }
                        }
                        Some(cursor::encode(&c))
                    }
                    _ => None,
                };
                Ok($crate::Page { items, next_token })
            }

            async fn distinct_values(
                &self,
                resource: $crate::Resource,
                viewer: &$crate::Viewer,
                page: &$crate::PageRequest,
            ) -> $crate::Result<$crate::Page<String>> {
                use sqlx::Row;
                use $crate::cursor::{self, KeyCursor};
                let after: Option<KeyCursor> = cursor::decode_opt(page)?;
                let limit = i64::from(cursor::per_page(page));
                let sql = $crate::sql::events::distinct(
                    resource,
                    viewer,
                    after.as_ref().map(|c| c.k.as_str()),
                    limit + 1,
                    $backend,
                );
                let q = $crate::sql::bind_all!(sqlx::query(&sql.text), &sql.args);
                let rows = q.fetch_all(self.read()).await?;
                let mut items = Vec::with_capacity(rows.len());
                for r in &rows {
                    items.push(r.try_get::<String, _>(0)?);
                }
                $crate::common::key_page(items, limit as usize, |v| v.clone())
            }

            async fn events_after(
                &self,
                after_seq: i64,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::StoredEvent>> {
                let rows = sqlx::query(
                    "SELECT e.seq, e.body, e.namespaces, e.hash_id, e.captured_by, \
                     e.capture_id FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2",
                )
                .bind(after_seq)
                .bind(i64::from(limit))
                .fetch_all(self.read())
                .await?;
                rows.iter().map(Self::event_row).collect()
            }

            async fn log_hashes(&self, indexes: &[u64]) -> $crate::Result<Vec<tlog::Hash>> {
                let mut rows: Vec<(i64, Vec<u8>)> = Vec::new();
                for chunk in $crate::log::tiles_holding(indexes).chunks(500) {
                    let list = chunk
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(",");
                    // Integers formatted by us, never client text: safe to splice.
                    let sql = format!("SELECT tile, hashes FROM tlog_tiles WHERE tile IN ({list})");
                    rows.extend(sqlx::query_as::<_, (i64, Vec<u8>)>(&sql).fetch_all(self.read()).await?);
                }
                $crate::log::hashes_at(indexes, &$crate::log::tiles(rows))
            }

            async fn latest_checkpoint(&self) -> $crate::Result<Option<(u64, String)>> {
                use sqlx::Row;
                let row = sqlx::query(
                    "SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1",
                )
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Ok((r.try_get::<i64, _>(0)? as u64, r.try_get::<String, _>(1)?)))
                    .transpose()
            }

            async fn put_checkpoint(&self, size: u64, note: &str) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO tlog_checkpoints (size, note, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (size) DO NOTHING",
                )
                .bind(size as i64)
                .bind(note)
                .bind($crate::common::micros(chrono::Utc::now()))
                .execute(self.write())
                .await?;
                Ok(())
            }

            async fn setting_or_insert(&self, key: &str, value: &str) -> $crate::Result<String> {
                use sqlx::Row;
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(self.write())
                    .await?;
                let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(self.write())
                    .await?;
                Ok(row.try_get::<String, _>(0)?)
            }

            async fn max_seq(&self) -> $crate::Result<i64> {
                use sqlx::Row;
                let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM events")
                    .fetch_one(self.read())
                    .await?;
                Ok(row.try_get::<i64, _>(0)?)
            }

            async fn revision(&self) -> $crate::Result<$crate::Revision> {
                use sqlx::Row;
                // One statement, so both figures come from one snapshot.
                let row = sqlx::query(
                    "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events), \
                     (SELECT n FROM store_revision WHERE id = 1)",
                )
                .fetch_one(self.read())
                .await?;
                Ok($crate::Revision {
                    events: row.try_get::<i64, _>(0)?,
                    other: row.try_get::<Option<i64>, _>(1)?.unwrap_or(0),
                })
            }

            async fn count_events(&self) -> $crate::Result<i64> {
                use sqlx::Row;
                let row = sqlx::query("SELECT COUNT(*) FROM events")
                    .fetch_one(self.read())
                    .await?;
                Ok(row.try_get::<i64, _>(0)?)
            }

            async fn create_capture_job(
                &self,
                job: $crate::NewCaptureJob,
            ) -> $crate::Result<$crate::CaptureJob> {
                let id = uuid::Uuid::new_v4().to_string();
                let now = $crate::common::micros(chrono::Utc::now());
                let row = sqlx::query(&format!(
                    "INSERT INTO capture_jobs (id, org_id, mode, state, created_at, \
                     content_type, document) VALUES ($1, $2, $3, 'pending', $4, $5, $6) \
                     RETURNING {}",
                    $crate::common::JOB_COLUMNS
                ))
                .bind(&id)
                .bind(job.org.0)
                .bind($crate::common::mode_str(job.mode))
                .bind(now)
                .bind(&job.content_type)
                .bind(&job.document)
                .fetch_one(self.write())
                .await?;
                Self::job_row(&row)
            }

            async fn claim_capture_job(
                &self,
            ) -> $crate::Result<Option<($crate::CaptureJob, Vec<u8>)>> {
                self.claim_capture_job_at(chrono::Utc::now(), $crate::DEFAULT_JOB_LEASE)
                    .await
            }

            async fn claim_capture_job_at(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease: chrono::Duration,
            ) -> $crate::Result<Option<($crate::CaptureJob, Vec<u8>)>> {
                let mut one = self.claim_jobs(now, lease, 1, usize::MAX).await?;
                Ok(one.pop())
            }

            async fn claim_capture_jobs_at(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease: chrono::Duration,
                max_jobs: usize,
                max_bytes: usize,
            ) -> $crate::Result<Vec<($crate::CaptureJob, Vec<u8>)>> {
                self.claim_jobs(now, lease, max_jobs, max_bytes).await
            }

            async fn finish_capture_job(
                &self,
                id: &str,
                outcome: $crate::CaptureOutcome,
            ) -> $crate::Result<()> {
                self.finish_capture_jobs(&[(id.to_owned(), outcome)]).await
            }

            async fn finish_capture_jobs(
                &self,
                outcomes: &[(String, $crate::CaptureOutcome)],
            ) -> $crate::Result<()> {
                self.finish_jobs(outcomes).await
            }

            async fn get_capture_job(
                &self,
                id: &str,
                org: $crate::OrgId,
            ) -> $crate::Result<Option<$crate::CaptureJob>> {
                let row = sqlx::query(&format!(
                    "SELECT {} FROM capture_jobs WHERE id = $1 AND org_id = $2",
                    $crate::common::JOB_COLUMNS
                ))
                .bind(id)
                .bind(org.0)
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Self::job_row(&r)).transpose()
            }

            async fn list_capture_jobs(
                &self,
                org: $crate::OrgId,
                page: &$crate::PageRequest,
            ) -> $crate::Result<$crate::Page<$crate::CaptureJob>> {
                use sqlx::Row;
                use $crate::cursor::{self, KeyCursor};
                let after: Option<KeyCursor> = cursor::decode_opt(page)?;
                let after_n: i64 = match &after {
                    None => 0,
                    Some(c) => c.k.parse().map_err(|_| $crate::StoreError::BadPageToken)?,
                };
                let limit = i64::from(cursor::per_page(page));
                let rows = sqlx::query(&format!(
                    "SELECT {} FROM capture_jobs WHERE org_id = $1 AND n > $2 \
                     ORDER BY n LIMIT $3",
                    $crate::common::JOB_COLUMNS
                ))
                .bind(org.0)
                .bind(after_n)
                .bind(limit + 1)
                .fetch_all(self.read())
                .await?;
                let mut items = Vec::with_capacity(rows.len());
                for r in &rows {
                    items.push((r.try_get::<i64, _>("n")?, Self::job_row(r)?));
                }
                let page = $crate::common::key_page(items, limit as usize, |(n, _)| n.to_string())?;
                Ok($crate::Page {
                    items: page.items.into_iter().map(|(_, j)| j).collect(),
                    next_token: page.next_token,
                })
            }

            async fn create_named_query(&self, q: $crate::NamedQuery) -> $crate::Result<()> {
                let def = $crate::common::to_json(&q.definition)?;
                sqlx::query(
                    "INSERT INTO named_queries (name, owner, definition, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&q.name)
                .bind(q.owner.0)
                .bind(&def)
                .bind($crate::common::micros(q.created_at))
                .execute(self.write())
                .await
                .map_err(|e| $crate::common::conflict(e, "query", &q.name, None))?;
                Ok(())
            }

            async fn get_named_query(
                &self,
                name: &str,
            ) -> $crate::Result<Option<$crate::NamedQuery>> {
                let row = sqlx::query(
                    "SELECT name, owner, definition, created_at FROM named_queries \
                     WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Self::named_row(&r)).transpose()
            }

            async fn list_named_queries(
                &self,
                page: &$crate::PageRequest,
            ) -> $crate::Result<$crate::Page<$crate::NamedQuery>> {
                use $crate::cursor::{self, KeyCursor};
                let after: Option<KeyCursor> = cursor::decode_opt(page)?;
                let limit = i64::from(cursor::per_page(page));
                let rows = sqlx::query(
                    "SELECT name, owner, definition, created_at FROM named_queries \
                     WHERE name > $1 ORDER BY name LIMIT $2",
                )
                .bind(after.map(|c| c.k).unwrap_or_default())
                .bind(limit + 1)
                .fetch_all(self.read())
                .await?;
                let items = rows.iter().map(Self::named_row).collect::<$crate::Result<Vec<_>>>()?;
                $crate::common::key_page(items, limit as usize, |q| q.name.clone())
            }

            async fn delete_named_query(&self, name: &str) -> $crate::Result<bool> {
                let mut tx = self.write().begin().await?;
                sqlx::query("DELETE FROM subscriptions WHERE query_name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                let done = sqlx::query("DELETE FROM named_queries WHERE name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            async fn create_subscription(&self, s: $crate::Subscription) -> $crate::Result<()> {
                let schedule = s.schedule.as_ref().map($crate::common::to_json).transpose()?;
                sqlx::query(
                    "INSERT INTO subscriptions (id, query_name, owner, dest, signature_token, \
                     schedule, stream, report_if_empty, cursor, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&s.id)
                .bind(&s.query_name)
                .bind(s.owner.0)
                .bind(&s.dest)
                .bind(&s.signature_token)
                .bind(&schedule)
                .bind(s.stream)
                .bind(s.report_if_empty)
                .bind(s.cursor)
                .bind($crate::common::micros(s.created_at))
                .execute(self.write())
                .await
                .map_err(|e| {
                    $crate::common::conflict(e, "subscription", &s.id, Some(("query", &s.query_name)))
                })?;
                Ok(())
            }

            async fn get_subscription(
                &self,
                id: &str,
            ) -> $crate::Result<Option<$crate::Subscription>> {
                let row = sqlx::query(&format!(
                    "SELECT {} FROM subscriptions WHERE id = $1",
                    Self::SUB_COLUMNS
                ))
                .bind(id)
                .fetch_optional(self.read())
                .await?;
                row.map(|r| Self::sub_row(&r)).transpose()
            }

            async fn list_subscriptions(
                &self,
                query_name: Option<&str>,
                page: &$crate::PageRequest,
            ) -> $crate::Result<$crate::Page<$crate::Subscription>> {
                use $crate::cursor::{self, KeyCursor};
                let after: Option<KeyCursor> = cursor::decode_opt(page)?;
                let limit = i64::from(cursor::per_page(page));
                let rows = sqlx::query(&format!(
                    "SELECT {} FROM subscriptions WHERE ($1 IS NULL OR query_name = $1) \
                     AND id > $2 ORDER BY id LIMIT $3",
                    Self::SUB_COLUMNS
                ))
                .bind(query_name)
                .bind(after.map(|c| c.k).unwrap_or_default())
                .bind(limit + 1)
                .fetch_all(self.read())
                .await?;
                let items = rows.iter().map(Self::sub_row).collect::<$crate::Result<Vec<_>>>()?;
                $crate::common::key_page(items, limit as usize, |s| s.id.clone())
            }

            async fn delete_subscription(&self, id: &str) -> $crate::Result<bool> {
                let done = sqlx::query("DELETE FROM subscriptions WHERE id = $1")
                    .bind(id)
                    .execute(self.write())
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn advance_subscription(
                &self,
                id: &str,
                from: i64,
                to: i64,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE subscriptions SET cursor = $3 WHERE id = $1 AND cursor = $2",
                )
                .bind(id)
                .bind(from)
                .bind(to)
                .execute(self.write())
                .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use store_impl;
