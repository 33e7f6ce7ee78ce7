//! Batch inserts into SQLite: one `BEGIN IMMEDIATE` transaction per batch, multi-row `VALUES`
//! statements of a fixed size (so sqlx's statement cache reuses them), sequence numbers handed
//! out from `MAX(seq)` under the write lock (gap-free, in commit order).

use std::collections::HashSet;

use sqlx::{Sqlite, Transaction};

use super::SqliteStore;
use crate::prepare::{
    DuplicateKey, Failed, Prepared, PreparedBatch, duplicate_or, give_up, in_batch_duplicates,
    in_batch_error, numbered, refuse_group, reject_duplicates,
};
use crate::{CaptureMode, InsertReport, Result, StoreError};

const EVENT_COLS: &str = "seq, event_id, event_type, event_time, record_time, action, biz_step, \
    disposition, read_point, biz_location, transformation_id, hash_id, captured_by, capture_id, \
    body, namespaces, declared";
const EVENT_NCOLS: usize = 17;
const EVENT_CHUNK: usize = 1000;
const INDEX_NCOLS: usize = 7;
const INDEX_CHUNK: usize = 4000;
const LOOKUP_CHUNK: usize = 500;
const LOG_CHUNK: usize = 8000;
const TERMS_CHUNK: usize = 8000;

pub(super) async fn insert(
    store: &SqliteStore,
    batch: PreparedBatch,
    mode: CaptureMode,
) -> Result<InsertReport> {
    if batch.is_empty() {
        return Ok(InsertReport::default());
    }
    if let Some(e) = in_batch_error(&batch, mode) {
        return Err(e);
    }
    let mut tx = store.write.begin_with("BEGIN IMMEDIATE").await?;
    match insert_within(&mut tx, &batch, mode).await {
        Ok(report) => {
            tx.commit().await?;
            Ok(report)
        }
        Err(Failed::Plain(e)) => Err(e),
        Err(Failed::Recheck(e)) => {
            // Rolled back first: the duplicate is looked for among committed events.
            drop(tx);
            let mut conn = store.read.acquire().await?;
            let existing = existing_ids(&mut conn, &batch.rows).await?;
            Err(duplicate_or(&batch.rows, &existing, e))
        }
    }
}

/// Inserts several batches in one transaction, each as [`insert`] would after the one before:
/// a document's fixed cost (the commit above all) is paid once for the group. All or none:
/// `None` when any batch fails, with nothing stored (the caller then inserts them one at a
/// time, which tells each outcome precisely).
pub(super) async fn insert_together(
    store: &SqliteStore,
    batches: &[&PreparedBatch],
    mode: CaptureMode,
) -> Result<Option<Vec<InsertReport>>> {
    if refuse_group(batches, mode) {
        return Ok(None);
    }
    let mut tx = store.write.begin_with("BEGIN IMMEDIATE").await?;
    let mut reports = Vec::with_capacity(batches.len());
    for batch in batches {
        match insert_within(&mut tx, batch, mode).await {
            Ok(r) => reports.push(r),
            Err(f) => return Ok(give_up(f)),
        }
    }
    tx.commit().await?;
    Ok(Some(reports))
}

/// Writes one batch inside `tx`, which holds the write lock.
async fn insert_within(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &PreparedBatch,
    mode: CaptureMode,
) -> std::result::Result<InsertReport, Failed> {
    let mut report = InsertReport::default();
    if batch.is_empty() {
        return Ok(report);
    }
    let PreparedBatch {
        rows: prepared,
        prefixes,
    } = batch;
    let mut keep = vec![true; prepared.len()];
    if mode == CaptureMode::Proceed {
        let dups = in_batch_duplicates(prepared);
        let existing = existing_ids(tx, prepared).await?;
        reject_duplicates(prepared, &dups, &existing, &mut keep, &mut report);
    }
    // The provenance ledger, under the write lock: what it reads is what the previous batch
    // left, and its effects commit with the events.
    let mut effects = None;
    if let Some(needs) = crate::provenance::ledger_needs(prepared, &mut keep, mode, &mut report)? {
        let view = crate::provenance::sqlite::load(tx, &needs).await?;
        match crate::provenance::apply(prepared, &mut keep, mode, &view, &mut report) {
            Ok(e) => effects = Some(e),
            Err(e) => return Err(Failed::Recheck(e)),
        }
    }
    let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
        .fetch_one(&mut **tx)
        .await?;
    let rows = numbered(prepared, &keep, base);
    let tiles = append_log(tx, base, &rows).await?;
    match write_rows(tx, &rows, prefixes, &tiles).await {
        Ok(()) => {}
        Err(StoreError::Database(sqlx::Error::Database(db)))
            if mode == CaptureMode::Atomic && db.is_unique_violation() =>
        {
            return Err(Failed::Recheck(StoreError::Database(
                sqlx::Error::Database(db),
            )));
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(effects) = &effects {
        let seqs = crate::provenance::seqs(&rows);
        crate::provenance::sqlite::write(tx, effects, &seqs).await?;
    }
    report.inserted = rows.iter().map(|(seq, _)| *seq).collect();
    Ok(report)
}

/// Which (eventID, declared) keys of `prepared` are stored already.
async fn existing_ids(
    conn: &mut sqlx::SqliteConnection,
    prepared: &[Prepared],
) -> Result<HashSet<DuplicateKey>> {
    let mut found = HashSet::new();
    for chunk in prepared.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT event_id, declared FROM events WHERE event_id IN ({})",
            placeholders(chunk.len(), 1)
        );
        let mut q = sqlx::query_as::<_, (String, bool)>(&sql);
        for p in chunk {
            q = q.bind(p.event_id.as_str());
        }
        found.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

fn placeholders(rows: usize, cols: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(", "));
    vec![one; rows].join(", ")
}

/// The `tlog_tiles` rows for this batch (see [`crate::log`]): the tree has `base` leaves (one
/// per stored event).
async fn append_log(
    tx: &mut Transaction<'_, Sqlite>,
    base: i64,
    rows: &[(i64, &Prepared)],
) -> Result<Vec<(i64, Vec<u8>)>> {
    let size = base as u64;
    let (indexes, wanted) = crate::log::frontier_tiles(size)?;
    let mut found = Vec::with_capacity(wanted.len());
    if !wanted.is_empty() {
        let list = wanted
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // Integers formatted here, never client text: safe to splice.
        let sql = format!("SELECT tile, hashes FROM tlog_tiles WHERE tile IN ({list})");
        found = sqlx::query_as(&sql).fetch_all(&mut **tx).await?;
    }
    let leaves: Vec<tlog::Hash> = rows.iter().map(|(_, p)| p.leaf).collect();
    crate::log::append_rows(size, &indexes, found, &leaves)
}

/// Writes the log's tile rows: new ones inserted, the partial last one grown, and only grown
/// (a row whose old bytes are not a prefix of the new is left alone, and counted missing).
async fn write_tiles(tx: &mut Transaction<'_, Sqlite>, tiles: &[(i64, Vec<u8>)]) -> Result<()> {
    for chunk in tiles.chunks(LOG_CHUNK) {
        let sql = format!(
            "INSERT INTO tlog_tiles (tile, hashes) VALUES {} ON CONFLICT (tile) DO UPDATE \
             SET hashes = excluded.hashes \
             WHERE substr(excluded.hashes, 1, length(tlog_tiles.hashes)) = tlog_tiles.hashes",
            placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (t, bytes) in chunk {
            q = q.bind(*t).bind(bytes.as_slice());
        }
        let written = q.execute(&mut **tx).await?.rows_affected();
        crate::log::check_written(written, chunk.len())?;
    }
    Ok(())
}

async fn write_rows(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[(i64, &Prepared)],
    prefixes: &[(String, String)],
    tiles: &[(i64, Vec<u8>)],
) -> Result<()> {
    write_tiles(tx, tiles).await?;
    for chunk in rows.chunks(EVENT_CHUNK) {
        let sql = format!(
            // OR FAIL, not the default ABORT: a failing statement ends the whole transaction
            // here anyway (it is dropped, so rolled back), and without ABORT's promise to undo
            // just the statement SQLite keeps no statement journal of every page it touches.
            "INSERT OR FAIL INTO events ({EVENT_COLS}) VALUES {}",
            placeholders(chunk.len(), EVENT_NCOLS)
        );
        let mut q = sqlx::query(&sql);
        for (seq, p) in chunk {
            q = q
                .bind(*seq)
                .bind(p.event_id.as_str())
                .bind(p.event_type.as_str())
                .bind(p.event_time)
                .bind(p.record_time)
                .bind(p.action)
                .bind(p.biz_step.as_deref())
                .bind(p.disposition.as_deref())
                .bind(p.read_point.as_deref())
                .bind(p.biz_location.as_deref())
                .bind(p.transformation_id.as_deref())
                .bind(p.stored_hash_id())
                .bind(p.captured_by)
                .bind(p.capture_id.as_deref())
                .bind(p.body.as_str())
                .bind(&*p.namespaces)
                .bind(p.declared);
        }
        q.execute(&mut **tx).await?;
    }
    let index_rows: Vec<(i64, i64, &epcis::query::IndexRow)> = rows
        .iter()
        .flat_map(|(seq, p)| {
            p.rows
                .iter()
                .enumerate()
                .map(move |(i, r)| (*seq, i as i64, r))
        })
        .collect();
    for chunk in index_rows.chunks(INDEX_CHUNK) {
        let sql = format!(
            "INSERT OR FAIL INTO event_index (seq, i, k, name, text, num, time) VALUES {}",
            placeholders(chunk.len(), INDEX_NCOLS)
        );
        let mut q = sqlx::query(&sql);
        for (seq, i, r) in chunk {
            q = q
                .bind(*seq)
                .bind(*i)
                .bind(r.kind.code())
                .bind(r.name.as_str())
                .bind(r.text.as_deref())
                .bind(r.num)
                .bind(r.time);
        }
        q.execute(&mut **tx).await?;
    }
    let documents: Vec<(i64, &str)> = rows
        .iter()
        .filter_map(|(seq, p)| p.terms.as_deref().map(|t| (*seq, t)))
        .collect();
    for chunk in documents.chunks(TERMS_CHUNK) {
        let sql = format!(
            "INSERT INTO event_terms (rowid, t) VALUES {}",
            placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (seq, t) in chunk {
            q = q.bind(*seq).bind(*t);
        }
        q.execute(&mut **tx).await?;
    }
    for (prefix, ns) in prefixes {
        sqlx::query("INSERT INTO ns_prefixes (prefix, ns) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(prefix)
            .bind(ns)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
