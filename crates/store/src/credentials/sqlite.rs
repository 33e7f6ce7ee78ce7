//! Credentials in SQLite: the insert runs under the single writer (`BEGIN IMMEDIATE`), which
//! already serialises every claim check, across processes too.

use sqlx::SqliteConnection;
use sqlx::sqlite::{Sqlite, SqliteRow};

use super::sql::credentials_shared;
use crate::Result;

credentials_shared!(Sqlite, SqliteRow, SqliteConnection);

/// Stores a credential: all of it, or nothing when its id is taken or a claim does not fit.
pub(crate) async fn insert(pool: &sqlx::Pool<Sqlite>, c: &NewCredential) -> Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    write(&mut tx, c).await?;
    tx.commit().await?;
    Ok(())
}
