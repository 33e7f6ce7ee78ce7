//! Records in PostgreSQL: an update's `WHERE version = $n` is re-checked on the locked row
//! under READ COMMITTED, so of two writers that read one version only the first succeeds.

use sqlx::PgConnection;
use sqlx::postgres::{PgRow, Postgres};

use super::sql::records_shared;
use crate::Result;

records_shared!(Postgres, PgRow, PgConnection);

pub(crate) async fn write_batch(
    pool: &sqlx::Pool<Postgres>,
    inserts: &[NewRecord],
    updates: &[RecordUpdate],
    at: i64,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    write(&mut tx, inserts, updates, at).await?;
    tx.commit().await?;
    Ok(())
}
