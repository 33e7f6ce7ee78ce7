//! Batch inserts into PostgreSQL: one transaction per batch, sequence numbers from the locked
//! counter row, rows streamed with `COPY … FROM STDIN` in the binary format ([`super::copy`]).

use std::collections::HashSet;

use sqlx::PgConnection;

use super::PgStore;
use super::copy::BinaryRows;
use crate::prepare::{
    DuplicateKey, Failed, Prepared, PreparedBatch, duplicate_or, give_up, in_batch_duplicates,
    in_batch_error, numbered, refuse_group, reject_duplicates,
};
use crate::{CaptureMode, InsertReport, Result, StoreError};

/// Bytes of COPY data sent per message.
const COPY_CHUNK: usize = 1 << 20;

pub(super) async fn insert(
    store: &PgStore,
    batch: PreparedBatch,
    mode: CaptureMode,
) -> Result<InsertReport> {
    if batch.is_empty() {
        return Ok(InsertReport::default());
    }
    if let Some(e) = in_batch_error(&batch, mode) {
        return Err(e);
    }
    let mut tx = store.pool.begin().await?;
    match insert_within(&mut tx, &batch, mode).await {
        Ok(report) => {
            tx.commit().await?;
            Ok(report)
        }
        Err(Failed::Plain(e)) => Err(e),
        Err(Failed::Recheck(e)) => {
            // Rolled back first: the duplicate is looked for among committed events.
            drop(tx);
            let ids: Vec<String> = batch.rows.iter().map(|p| p.event_id.clone()).collect();
            let mut conn = store.pool.acquire().await?;
            let existing = existing_ids(&mut conn, &ids).await?;
            Err(duplicate_or(&batch.rows, &existing, e))
        }
    }
}

/// Inserts several batches in one transaction, each as [`insert`] would after the one before.
/// All or none: `None` when any batch fails, with nothing stored.
pub(super) async fn insert_together(
    store: &PgStore,
    batches: &[&PreparedBatch],
    mode: CaptureMode,
) -> Result<Option<Vec<InsertReport>>> {
    if refuse_group(batches, mode) {
        return Ok(None);
    }
    let mut tx = store.pool.begin().await?;
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

/// Writes one batch inside `tx`.
async fn insert_within(
    tx: &mut PgConnection,
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
    // The counter row's lock is held to commit: writers queue here, so sequence numbers are
    // gap-free and become visible in order.
    let base: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1 FOR UPDATE")
        .fetch_one(&mut *tx)
        .await?;
    let mut keep = vec![true; prepared.len()];
    if mode == CaptureMode::Proceed {
        let dups = in_batch_duplicates(prepared);
        let ids: Vec<String> = prepared.iter().map(|p| p.event_id.clone()).collect();
        let existing = existing_ids(tx, &ids).await?;
        reject_duplicates(prepared, &dups, &existing, &mut keep, &mut report);
    }
    // A value too long for the server's B-trees would fail the whole batch with its error:
    // refused here, by event and field.
    for (i, p) in prepared.iter().enumerate() {
        let Some(why) = keep[i].then(|| super::limits::too_long(p)).flatten() else {
            continue;
        };
        if mode == CaptureMode::Atomic {
            return Err(Failed::Plain(StoreError::InvalidEvent {
                index: i,
                message: why,
            }));
        }
        keep[i] = false;
        report.rejected.push((i, why));
    }
    // The provenance ledger, under the write lock: what it reads is what the previous batch
    // left, and its effects commit with the events.
    let mut effects = None;
    if let Some(needs) = crate::provenance::ledger_needs(prepared, &mut keep, mode, &mut report)? {
        let view = crate::provenance::postgres::load(tx, &needs).await?;
        match crate::provenance::apply(prepared, &mut keep, mode, &view, &mut report) {
            Ok(e) => effects = Some(e),
            Err(e) => return Err(Failed::Recheck(e)),
        }
    }
    let rows = numbered(prepared, &keep, base);
    let top = base + rows.len() as i64;
    let tiles = append_log(tx, base, &rows).await?;
    match write_rows(tx, &rows, prefixes, top, &tiles).await {
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
        crate::provenance::postgres::write(tx, effects, &seqs).await?;
    }
    report.inserted = rows.iter().map(|(seq, _)| *seq).collect();
    Ok(report)
}

/// Which (eventID, declared) keys of the events named by `ids` are stored already.
async fn existing_ids(conn: &mut PgConnection, ids: &[String]) -> Result<HashSet<DuplicateKey>> {
    let found: Vec<(String, bool)> =
        sqlx::query_as("SELECT event_id, declared FROM events WHERE event_id = ANY($1)")
            .bind(ids)
            .fetch_all(conn)
            .await?;
    Ok(found.into_iter().collect())
}

/// The `tlog_tiles` rows for this batch (see [`crate::log`]): the tree has `base` leaves (one
/// per stored event). Runs under the seq_counter lock, so appends are sequenced across
/// processes.
async fn append_log(
    conn: &mut PgConnection,
    base: i64,
    rows: &[(i64, &Prepared)],
) -> Result<Vec<(i64, Vec<u8>)>> {
    let size = base as u64;
    let (indexes, wanted) = crate::log::frontier_tiles(size)?;
    let found: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT tile, hashes FROM tlog_tiles WHERE tile = ANY($1)")
            .bind(&wanted)
            .fetch_all(&mut *conn)
            .await?;
    let leaves: Vec<tlog::Hash> = rows.iter().map(|(_, p)| p.leaf).collect();
    crate::log::append_rows(size, &indexes, found, &leaves)
}

async fn write_rows(
    conn: &mut PgConnection,
    rows: &[(i64, &Prepared)],
    prefixes: &[(String, String)],
    top: i64,
    tiles: &[(i64, Vec<u8>)],
) -> Result<()> {
    let numbers: Vec<i64> = tiles.iter().map(|(t, _)| *t).collect();
    let bytes: Vec<&[u8]> = tiles.iter().map(|(_, b)| b.as_slice()).collect();
    // A tile is only ever grown: a row whose old bytes are not a prefix of the new is left
    // alone, and counted missing.
    let written = sqlx::query(
        "INSERT INTO tlog_tiles (tile, hashes) SELECT * FROM UNNEST($1::bigint[], $2::bytea[]) \
         ON CONFLICT (tile) DO UPDATE SET hashes = EXCLUDED.hashes \
         WHERE substring(EXCLUDED.hashes FROM 1 FOR length(tlog_tiles.hashes)) = tlog_tiles.hashes",
    )
    .bind(&numbers)
    .bind(&bytes)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    crate::log::check_written(written, tiles.len())?;
    sqlx::query("UPDATE seq_counter SET value = $1 WHERE id = 1")
        .bind(top)
        .execute(&mut *conn)
        .await?;
    let mut copy = conn
        .copy_in_raw(
            "COPY events (seq, event_id, event_type, event_time, record_time, action, biz_step, \
             disposition, read_point, biz_location, transformation_id, hash_id, captured_by, \
             capture_id, body, namespaces, declared) FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut w = BinaryRows::with_capacity(COPY_CHUNK + 4096);
    for (seq, p) in rows {
        w.row(17);
        w.int8(*seq);
        w.text(&p.event_id);
        w.text(&p.event_type);
        w.int8(p.event_time);
        w.int8(p.record_time);
        w.opt_text(p.action);
        for v in [
            &p.biz_step,
            &p.disposition,
            &p.read_point,
            &p.biz_location,
            &p.transformation_id,
        ] {
            w.opt_text(v.as_deref());
        }
        w.text(p.stored_hash_id());
        w.int8(p.captured_by);
        w.opt_text(p.capture_id.as_deref());
        w.text(&p.body);
        w.text(&p.namespaces);
        w.bool(p.declared);
        if w.len() >= COPY_CHUNK {
            copy.send(w.take()).await?;
        }
    }
    copy.send(w.finish()).await?;
    copy.finish().await?;

    let mut copy = conn
        .copy_in_raw(
            "COPY event_index (seq, i, k, name, text, num, time) FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut w = BinaryRows::with_capacity(COPY_CHUNK + 4096);
    for (seq, p) in rows {
        for (i, r) in p.rows.iter().enumerate() {
            let i = i32::try_from(i).map_err(|_| {
                StoreError::Corrupt(format!("event {seq} has more index rows than fit a column"))
            })?;
            w.row(7);
            w.int8(*seq);
            w.int4(i);
            w.int2(r.kind.code());
            w.text(&r.name);
            w.opt_text(r.text.as_deref());
            w.opt_float8(r.num);
            w.opt_int8(r.time);
        }
        if w.len() >= COPY_CHUNK {
            copy.send(w.take()).await?;
        }
    }
    copy.send(w.finish()).await?;
    copy.finish().await?;

    if !prefixes.is_empty() {
        let (ps, ns): (Vec<&str>, Vec<&str>) = prefixes
            .iter()
            .map(|(p, n)| (p.as_str(), n.as_str()))
            .unzip();
        sqlx::query(
            "INSERT INTO ns_prefixes (prefix, ns) SELECT * FROM UNNEST($1::text[], $2::text[]) \
             ON CONFLICT DO NOTHING",
        )
        .bind(ps)
        .bind(ns)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
