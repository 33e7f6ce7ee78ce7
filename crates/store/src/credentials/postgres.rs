//! Credentials in PostgreSQL: before a credential's claims are checked, its transaction takes
//! an advisory lock per (lot, standard) pair, held to commit, in a fixed order (so two inserts
//! never wait on each other crosswise). Under READ COMMITTED each later statement sees every
//! claim committed by the previous holder.

use sqlx::PgConnection;
use sqlx::postgres::{PgRow, Postgres};

use super::sql::credentials_shared;
use crate::Result;

credentials_shared!(Postgres, PgRow, PgConnection);

/// Stores a credential: all of it, or nothing when its id is taken or a claim does not fit.
pub(crate) async fn insert(pool: &sqlx::Pool<Postgres>, c: &NewCredential) -> Result<()> {
    super::validate_claims(&c.claims)?;
    let mut keys: Vec<(i32, i32)> = super::claim_pairs(&c.claims)
        .into_iter()
        .map(|(lot, standard)| super::lock_key(lot, standard))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut tx = pool.begin().await?;
    for (class, key) in keys {
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(class)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    write(&mut tx, c).await?;
    tx.commit().await?;
    Ok(())
}
