//! The provenance ledger in SQLite: batched reads with `IN (…)` lists, multi-row inserts.

use std::collections::HashMap;
use std::sync::Arc;

use ::provenance::ledger::{Effects, LotState, Needs};
use ::provenance::trace::Edge;
use ::provenance::{Composition, Finding, Prefetched};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::Relation;
use super::rows::{Column, Insert};
use super::sql::{self, Keys, ledger_shared};
use crate::Result;

/// Values bound per statement (SQLite's limit is 32,766).
const MAX_BINDS: usize = 30_000;
/// Rows per multi-row INSERT.
const ROWS_PER_INSERT: usize = 500;
/// Keys per `IN` list.
const KEYS_PER_READ: usize = 500;

ledger_shared!(SqliteRow, SqliteConnection);

/// Rows of `sql(keys)` for the keys, in `IN` lists of at most [`KEYS_PER_READ`].
async fn fetch<K: AsRef<str>, T>(
    conn: &mut SqliteConnection,
    sql: impl Fn(Keys) -> String,
    keys: &[K],
    decode: impl Fn(&SqliteRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(KEYS_PER_READ) {
        let text = sql(Keys::In(chunk.len()));
        let mut q = sqlx::query(&text);
        for k in chunk {
            q = q.bind(k.as_ref());
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push(decode(&r)?);
        }
    }
    Ok(out)
}

async fn lots(conn: &mut SqliteConnection, keys: &[&str]) -> Result<Vec<LotState>> {
    fetch(conn, sql::lots, keys, lot_row).await
}

async fn compositions(
    conn: &mut SqliteConnection,
    refs: &[&str],
) -> Result<Vec<(String, Composition)>> {
    fetch(conn, sql::compositions, refs, |r| {
        let reference: String = r.try_get(0)?;
        let c = super::composition(&reference, r.try_get(1)?)?;
        Ok((reference, c))
    })
    .await
}

/// Loads what a batch's ledger reads.
pub(crate) async fn load(conn: &mut SqliteConnection, needs: &Needs) -> Result<Prefetched> {
    let mut view = Prefetched::default();
    let keys: Vec<&str> = needs.lots.iter().map(String::as_str).collect();
    for l in lots(conn, &keys).await? {
        view.lots.insert(l.lot.clone(), l);
    }
    let refs = super::composition_refs(needs, &view);
    for (r, c) in compositions(conn, &refs).await? {
        view.compositions.insert(r, Arc::new(c));
    }
    // Plausibility rows are keyed by pairs: read by their first part, kept if the pair is needed.
    let households: Vec<&str> = needs.households.iter().map(|(h, _)| h.as_str()).collect();
    let text = |k: Keys| {
        format!(
            "SELECT household, season, grams, goats, events FROM prov_household_seasons \
             WHERE household {}",
            k.test()
        )
    };
    for t in fetch(conn, text, &households, household_row).await? {
        let k = (t.household.clone(), t.season.clone());
        if needs.households.contains(&k) {
            view.households.insert(k, t);
        }
    }
    let soums: std::collections::BTreeSet<&str> =
        needs.soums.iter().map(|(s, _)| s.as_str()).collect();
    let soums: Vec<&str> = soums.into_iter().collect();
    let text = |k: Keys| {
        format!(
            "SELECT soum, season, grams, goats, households FROM prov_soum_seasons WHERE soum {}",
            k.test()
        )
    };
    for t in fetch(conn, text, &soums, soum_row).await? {
        let k = (t.soum.clone(), t.season.clone());
        if needs.soums.contains(&k) {
            view.soums.insert(k, t);
        }
    }
    Ok(view)
}

/// `INSERT … VALUES (…), (…) …` for `rows` rows of the insert's columns.
fn values_sql(ins: &Insert<'_>, rows: usize) -> String {
    let one = format!("({})", vec!["?"; ins.columns.len()].join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {} {}",
        ins.table,
        ins.cols,
        vec![one; rows].join(", "),
        ins.tail
    )
}

/// Writes a batch's effects (events' sequence numbers by eventID in `seqs`), each table in
/// statements of at most [`MAX_BINDS`] values.
pub(crate) async fn write(
    conn: &mut SqliteConnection,
    effects: &Effects,
    seqs: &HashMap<&str, i64>,
) -> Result<()> {
    for ins in super::rows::inserts(effects, seqs)? {
        let per = (MAX_BINDS / ins.columns.len()).clamp(1, ROWS_PER_INSERT);
        let mut start = 0;
        while start < ins.len {
            let end = (start + per).min(ins.len);
            let text = values_sql(&ins, end - start);
            // Only the full-size statement is worth caching; a remainder of another length
            // would fill the cache with one-off statements.
            let mut q = sqlx::query(&text).persistent(end - start == per);
            for i in start..end {
                for c in &ins.columns {
                    q = match c {
                        Column::Text(v) => q.bind(v[i]),
                        Column::Owned(v) => q.bind(v[i].as_str()),
                        Column::Int(v) => q.bind(v[i]),
                        Column::Bytes(v) => q.bind(v[i].as_slice()),
                    };
                }
            }
            q.execute(&mut *conn).await?;
            start = end;
        }
    }
    Ok(())
}

// ---- reads ----

pub(crate) async fn lot(conn: &mut SqliteConnection, key: &str) -> Result<Option<LotState>> {
    Ok(lots(conn, &[key]).await?.into_iter().next())
}

pub(crate) async fn findings_for(
    conn: &mut SqliteConnection,
    subjects: &[String],
) -> Result<Vec<Finding>> {
    fetch(conn, sql::findings, subjects, |r| {
        super::finding(r.try_get(0)?)
    })
    .await
}

pub(crate) async fn edges(
    conn: &mut SqliteConnection,
    rel: Relation,
    nodes: &[String],
) -> Result<Vec<Edge>> {
    let rows = fetch(
        conn,
        |k| sql::edges(rel, k),
        nodes,
        |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
    )
    .await?;
    Ok(super::edges(rel, rows))
}

pub(crate) async fn node_events(
    conn: &mut SqliteConnection,
    nodes: &[String],
) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String, i64)> = fetch(conn, sql::node_events, nodes, |r| {
        Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
    })
    .await?;
    out.sort_by_key(|r| r.2);
    Ok(out.into_iter().map(|(n, e, _)| (n, e)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_rows_and_upsert_tail() {
        let ins = Insert::new(
            "prov_soum_seasons",
            "soum, season",
            "ON CONFLICT (soum, season) DO NOTHING",
            vec![Column::Text(vec!["a", "b"]), Column::Text(vec!["s", "s"])],
        );
        assert_eq!(ins.len, 2);
        assert_eq!(
            values_sql(&ins, 2),
            "INSERT INTO prov_soum_seasons (soum, season) VALUES (?, ?), (?, ?) \
             ON CONFLICT (soum, season) DO NOTHING"
        );
    }
}
