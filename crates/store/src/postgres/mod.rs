//! The PostgreSQL backend, safe for many processes over one database: event sequence numbers
//! come from a counter row locked until commit (gap-free and in commit order), capture jobs are
//! claimed with `FOR UPDATE SKIP LOCKED`, subscription cursors move by compare-and-set.

mod copy;
mod insert;
mod limits;
#[cfg(test)]
mod plans;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};

use crate::common::{job_queries, row_decoders, store_impl};
use crate::{Backend, Result, StoreError};

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `postgres://…` and migrates the database (migrations take an advisory
    /// lock, so several processes may start at once).
    pub async fn connect(url: &str) -> Result<PgStore> {
        let opts =
            PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.to_owned()))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }

    fn read(&self) -> &PgPool {
        &self.pool
    }

    fn write(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool (waits for connections to return).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    row_decoders!(PgRow);
}

job_queries!(PgStore, Backend::Postgres);

store_impl!(PgStore, Backend::Postgres, {
    async fn insert_prepared(
        &self,
        batch: crate::PreparedBatch,
        mode: crate::CaptureMode,
    ) -> Result<crate::InsertReport> {
        insert::insert(self, batch, mode).await
    }

    async fn insert_prepared_together(
        &self,
        batches: &[&crate::PreparedBatch],
        mode: crate::CaptureMode,
    ) -> Result<Option<Vec<crate::InsertReport>>> {
        insert::insert_together(self, batches, mode).await
    }

    async fn lot(&self, key: &str) -> Result<Option<::provenance::LotState>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::lot(&mut c, key).await
    }

    async fn composition(&self, reference: &str) -> Result<Option<::provenance::Composition>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::composition(&mut c, reference).await
    }

    async fn garment(&self, key: &str) -> Result<Option<::provenance::ledger::Garment>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::garment(&mut c, key).await
    }

    async fn findings_for(&self, subjects: &[String]) -> Result<Vec<::provenance::Finding>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::findings_for(&mut c, subjects).await
    }

    async fn graph_edges(
        &self,
        relation: crate::Relation,
        nodes: &[String],
    ) -> Result<Vec<::provenance::trace::Edge>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::edges(&mut c, relation, nodes).await
    }

    async fn graph_events(&self, nodes: &[String]) -> Result<Vec<(String, String)>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::postgres::node_events(&mut c, nodes).await
    }

    async fn next_status_index(&self, issuer: crate::OrgId) -> Result<i64> {
        crate::credentials::postgres::next_status_index(self.write(), issuer).await
    }

    async fn insert_credential(&self, c: crate::NewCredential) -> Result<()> {
        crate::credentials::postgres::insert(self.write(), &c).await
    }

    async fn get_credential(&self, id: &str) -> Result<Option<crate::StoredCredential>> {
        crate::credentials::postgres::get(self.read(), id).await
    }

    async fn credentials_about(&self, subjects: &[String]) -> Result<Vec<crate::StoredCredential>> {
        crate::credentials::postgres::about(self.read(), subjects).await
    }

    async fn credentials_of_kind(&self, kind: &str) -> Result<Vec<crate::StoredCredential>> {
        crate::credentials::postgres::of_kind(self.read(), kind).await
    }

    async fn revoke_credential(&self, id: &str, at: i64) -> Result<bool> {
        crate::credentials::postgres::revoke(self.write(), id, at).await
    }

    async fn revoked_status_indexes(&self, issuer: crate::OrgId) -> Result<Vec<i64>> {
        crate::credentials::postgres::revoked_indexes(self.read(), issuer).await
    }

    async fn claimed_grams(&self, lot: &str, standard: &str) -> Result<i64> {
        crate::credentials::postgres::claimed(self.read(), lot, standard).await
    }

    async fn write_records(
        &self,
        inserts: Vec<crate::NewRecord>,
        updates: Vec<crate::RecordUpdate>,
        at: i64,
    ) -> Result<()> {
        crate::records::postgres::write_batch(self.write(), &inserts, &updates, at).await
    }

    async fn get_record(&self, kind: &str, key: &str) -> Result<Option<crate::StoredRecord>> {
        crate::records::postgres::get(self.read(), kind, key).await
    }

    async fn get_records(&self, kind: &str, keys: &[String]) -> Result<Vec<crate::StoredRecord>> {
        crate::records::postgres::get_many(self.read(), kind, keys).await
    }

    async fn list_records(
        &self,
        kind: &str,
        filter: &crate::RecordFilter,
    ) -> Result<Vec<crate::StoredRecord>> {
        crate::records::postgres::list(self.read(), kind, filter).await
    }
});
