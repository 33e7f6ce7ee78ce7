//! Records in SQLite: a batch is written under the single writer (`BEGIN IMMEDIATE`).

use sqlx::SqliteConnection;
use sqlx::sqlite::{Sqlite, SqliteRow};

use super::sql::records_shared;
use crate::Result;

records_shared!(Sqlite, SqliteRow, SqliteConnection);

pub(crate) async fn write_batch(
    pool: &sqlx::Pool<Sqlite>,
    inserts: &[NewRecord],
    updates: &[RecordUpdate],
    at: i64,
) -> Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    write(&mut tx, inserts, updates, at).await?;
    tx.commit().await?;
    Ok(())
}
