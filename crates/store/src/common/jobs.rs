//! The capture-job queue's writes with one SQL for both dialects: claiming a group of jobs and
//! finishing them. `store_impl!`'s trait methods call these.

use super::JOB_COLUMNS;

/// Claims the oldest claimable jobs (pending, or running past their lease): at most `$3`, in
/// order, while the documents claimed before each one add up to fewer than `$4` bytes (the
/// first whatever its size).
/// `lock` is PostgreSQL's `FOR UPDATE SKIP LOCKED`.
pub(crate) fn claim_jobs_sql(lock: &str) -> String {
    format!(
        "UPDATE capture_jobs SET state = 'running', started_at = $1 WHERE n IN \
         (SELECT n FROM (SELECT n, SUM(len) OVER (ORDER BY n) - len AS before, \
            ROW_NUMBER() OVER (ORDER BY n) AS k FROM \
           (SELECT n, length(document) AS len FROM capture_jobs WHERE state = 'pending' \
            OR (state = 'running' AND started_at < $2) ORDER BY n LIMIT $3 {lock}) p) w \
          WHERE k = 1 OR before < $4) \
         RETURNING {JOB_COLUMNS}, document"
    )
}

/// Inherent methods of a store type (`$ty`, of backend `$backend`) for the capture-job queue.
macro_rules! job_queries {
    ($ty:ty, $backend:expr) => {
        impl $ty {
            pub(crate) async fn claim_jobs(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease: chrono::Duration,
                max_jobs: usize,
                max_bytes: usize,
            ) -> $crate::Result<Vec<($crate::CaptureJob, Vec<u8>)>> {
                use sqlx::Row;
                // PostgreSQL's concurrent workers each take different jobs instead of queueing
                // on the same rows; SQLite has one writer.
                let lock = match $backend {
                    $crate::Backend::Postgres => "FOR UPDATE SKIP LOCKED",
                    $crate::Backend::Sqlite => "",
                };
                let rows = sqlx::query(&$crate::common::claim_jobs_sql(lock))
                    .bind($crate::common::micros(now))
                    .bind($crate::common::micros(now - lease))
                    .bind(i64::try_from(max_jobs).unwrap_or(i64::MAX))
                    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
                    .fetch_all(self.write())
                    .await?;
                let mut jobs = Vec::with_capacity(rows.len());
                for r in &rows {
                    let n: i64 = r.try_get("n")?;
                    jobs.push((n, Self::job_row(r)?, r.try_get::<Vec<u8>, _>("document")?));
                }
                // RETURNING promises no order: claim order is job order.
                jobs.sort_by_key(|(n, _, _)| *n);
                Ok(jobs.into_iter().map(|(_, job, doc)| (job, doc)).collect())
            }

            pub(crate) async fn finish_jobs(
                &self,
                outcomes: &[(String, $crate::CaptureOutcome)],
            ) -> $crate::Result<()> {
                let finished_at = $crate::common::micros(chrono::Utc::now());
                let mut tx = self.write().begin().await?;
                for (id, outcome) in outcomes {
                    let errors = $crate::common::to_json(&outcome.errors)?;
                    let done = sqlx::query(
                        "UPDATE capture_jobs SET state = 'finished', finished_at = $2, \
                             success = $3, captured = $4, errors = $5 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(finished_at)
                    .bind(outcome.success)
                    .bind(outcome.captured)
                    .bind(&errors)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err($crate::StoreError::NotFound {
                            what: "capture job",
                            name: id.to_owned(),
                        });
                    }
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use job_queries;
