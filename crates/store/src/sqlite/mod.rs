//! The SQLite backend: one file in WAL mode (or a private in-memory database), a pool of
//! readers and a single writer connection, since SQLite admits one writer at a time anyway.
//! Write transactions start with `BEGIN IMMEDIATE`, so a writer never has to upgrade a read
//! lock (which could fail under concurrency instead of waiting on `busy_timeout`).

mod insert;
#[cfg(test)]
mod plans;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};

use crate::common::{job_queries, row_decoders, store_impl};
use crate::{Backend, Result, StoreError};

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    /// Stops the checkpointer when the last clone of the store goes.
    _checkpointer: Option<Arc<AbortOnDrop>>,
}

#[derive(Debug)]
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies committed WAL frames back into the database (PASSIVE: never waits for, nor blocks,
/// the writer or readers), so the writer's commits do not pay for checkpoints.
async fn checkpoint_loop(pool: SqlitePool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!("WAL checkpoint failed (retried later): {e}");
        }
    }
}

impl SqliteStore {
    /// Opens (creating when missing) `sqlite://PATH` or `sqlite::memory:` and migrates it.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        Self::open_with(url, &crate::OpenOptions::default()).await
    }

    /// [`SqliteStore::open`] with options (the writer's page cache).
    pub async fn open_with(url: &str, options: &crate::OpenOptions) -> Result<SqliteStore> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut opts = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::BadUrl(url.to_owned()))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("temp_store", "memory");
        if !memory {
            let path = opts.get_filename().to_owned();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            // WAL lets readers run beside the writer; NORMAL sync is durable at checkpoints
            // and safe against corruption, at a fraction of FULL's fsyncs.
            opts = opts
                // 16 KiB pages for a new store (an existing one keeps its own: a WAL database
                // cannot change it): fewer splits and shallower trees for the index rows
                // capture inserts at random, +16–25 % capture on national documents, +25–40 %
                // synthetic, queries unchanged (BENCHMARKS.md, fifth session).
                .page_size(16_384)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // Mapped reads skip a pread per page, but mapped pages count as the
                // process's memory: `OpenOptions::sqlite_mmap_mib` says how much.
                .pragma(
                    "mmap_size",
                    (u64::from(
                        options
                            .sqlite_mmap_mib
                            .min(crate::OpenOptions::MAX_SQLITE_MMAP_MIB),
                    ) * 1024
                        * 1024)
                        .to_string(),
                )
                // The checkpointer task below copies the WAL back from a reader connection,
                // on the other core; the writer only checkpoints itself past ~400 MB of WAL,
                // as a safety net if that task falls behind.
                .pragma("wal_autocheckpoint", "100000");
        }
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            // The writer's page cache holds the hot index pages (by default 32 MiB); readers
            // get 8 MiB each, so the whole stays within the server's memory budget.
            .connect_with(opts.clone().pragma(
                "cache_size",
                format!("-{}", u64::from(options.sqlite_cache_mib.max(1)) * 1024),
            ))
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        // An in-memory database lives in its one connection: readers must share it.
        let read = if memory {
            write.clone()
        } else {
            // One reader per core, at least two: reads are CPU work, and each connection keeps
            // a page cache and prepared statements of its own. On a 10 M-event store, four
            // readers on two cores peaked at 253-260 MB (over the server's 200 MB budget) against
            // 184-189 MB with two, for 20 % more warm passport throughput (BENCHMARKS.md).
            SqlitePoolOptions::new()
                .max_connections(
                    std::thread::available_parallelism()
                        .map_or(2, std::num::NonZeroUsize::get)
                        .max(2) as u32,
                )
                .connect_with(opts.pragma("cache_size", "-8192"))
                .await?
        };
        let checkpointer = if memory {
            None
        } else {
            Some(Arc::new(AbortOnDrop(tokio::spawn(checkpoint_loop(
                read.clone(),
            )))))
        };
        Ok(SqliteStore {
            read,
            write,
            _checkpointer: checkpointer,
        })
    }

    fn read(&self) -> &SqlitePool {
        &self.read
    }

    fn write(&self) -> &SqlitePool {
        &self.write
    }

    /// Closes both pools (waits for connections to return).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    row_decoders!(SqliteRow);
}

job_queries!(SqliteStore, Backend::Sqlite);

store_impl!(SqliteStore, Backend::Sqlite, {
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
        crate::provenance::sqlite::lot(&mut c, key).await
    }

    async fn composition(&self, reference: &str) -> Result<Option<::provenance::Composition>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::sqlite::composition(&mut c, reference).await
    }

    async fn garment(&self, key: &str) -> Result<Option<::provenance::ledger::Garment>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::sqlite::garment(&mut c, key).await
    }

    async fn findings_for(&self, subjects: &[String]) -> Result<Vec<::provenance::Finding>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::sqlite::findings_for(&mut c, subjects).await
    }

    async fn graph_edges(
        &self,
        relation: crate::Relation,
        nodes: &[String],
    ) -> Result<Vec<::provenance::trace::Edge>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::sqlite::edges(&mut c, relation, nodes).await
    }

    async fn graph_events(&self, nodes: &[String]) -> Result<Vec<(String, String)>> {
        let mut c = self.read().acquire().await?;
        crate::provenance::sqlite::node_events(&mut c, nodes).await
    }

    async fn next_status_index(&self, issuer: crate::OrgId) -> Result<i64> {
        crate::credentials::sqlite::next_status_index(self.write(), issuer).await
    }

    async fn insert_credential(&self, c: crate::NewCredential) -> Result<()> {
        crate::credentials::sqlite::insert(self.write(), &c).await
    }

    async fn get_credential(&self, id: &str) -> Result<Option<crate::StoredCredential>> {
        crate::credentials::sqlite::get(self.read(), id).await
    }

    async fn credentials_about(&self, subjects: &[String]) -> Result<Vec<crate::StoredCredential>> {
        crate::credentials::sqlite::about(self.read(), subjects).await
    }

    async fn credentials_of_kind(&self, kind: &str) -> Result<Vec<crate::StoredCredential>> {
        crate::credentials::sqlite::of_kind(self.read(), kind).await
    }

    async fn revoke_credential(&self, id: &str, at: i64) -> Result<bool> {
        crate::credentials::sqlite::revoke(self.write(), id, at).await
    }

    async fn revoked_status_indexes(&self, issuer: crate::OrgId) -> Result<Vec<i64>> {
        crate::credentials::sqlite::revoked_indexes(self.read(), issuer).await
    }

    async fn claimed_grams(&self, lot: &str, standard: &str) -> Result<i64> {
        crate::credentials::sqlite::claimed(self.read(), lot, standard).await
    }

    async fn write_records(
        &self,
        inserts: Vec<crate::NewRecord>,
        updates: Vec<crate::RecordUpdate>,
        at: i64,
    ) -> Result<()> {
        crate::records::sqlite::write_batch(self.write(), &inserts, &updates, at).await
    }

    async fn get_record(&self, kind: &str, key: &str) -> Result<Option<crate::StoredRecord>> {
        crate::records::sqlite::get(self.read(), kind, key).await
    }

    async fn get_records(&self, kind: &str, keys: &[String]) -> Result<Vec<crate::StoredRecord>> {
        crate::records::sqlite::get_many(self.read(), kind, keys).await
    }

    async fn list_records(
        &self,
        kind: &str,
        filter: &crate::RecordFilter,
    ) -> Result<Vec<crate::StoredRecord>> {
        crate::records::sqlite::list(self.read(), kind, filter).await
    }
});
