//! The provenance ledger in PostgreSQL: reads with `= ANY($1)`, writes with `UNNEST` arrays.
//! The capturing transaction holds the `seq_counter` lock already; the lots it reads are also
//! locked `FOR UPDATE`, so a writer that ever bypassed the counter still could not consume a
//! kilo twice.

use std::collections::HashMap;
use std::sync::Arc;

use ::provenance::ledger::{Effects, LotState, Needs};
use ::provenance::trace::Edge;
use ::provenance::{Composition, Finding, Prefetched};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::Relation;
use super::rows::{Column, Insert};
use super::sql::{self, Keys, ledger_shared};
use crate::Result;

ledger_shared!(PgRow, PgConnection);

/// Rows of `sql` for the keys, bound as one array.
async fn fetch<T>(
    conn: &mut PgConnection,
    sql: &str,
    keys: &[&str],
    decode: impl Fn(&PgRow) -> Result<T>,
) -> Result<Vec<T>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(sql).bind(keys).fetch_all(&mut *conn).await?;
    rows.iter().map(decode).collect()
}

async fn lots(conn: &mut PgConnection, keys: &[&str], lock: bool) -> Result<Vec<LotState>> {
    // Locked in key order, so two writers never wait on each other's rows crosswise.
    let mut text = sql::lots(Keys::Any);
    if lock {
        text.push_str(" FOR UPDATE");
    }
    fetch(conn, &text, keys, lot_row).await
}

async fn compositions(
    conn: &mut PgConnection,
    refs: &[&str],
) -> Result<Vec<(String, Composition)>> {
    fetch(conn, &sql::compositions(Keys::Any), refs, |r| {
        let reference: String = r.try_get(0)?;
        let c = super::composition(&reference, r.try_get(1)?)?;
        Ok((reference, c))
    })
    .await
}

/// Loads (and locks) what a batch's ledger reads.
pub(crate) async fn load(conn: &mut PgConnection, needs: &Needs) -> Result<Prefetched> {
    let mut view = Prefetched::default();
    let keys: Vec<&str> = needs.lots.iter().map(String::as_str).collect();
    for l in lots(conn, &keys, true).await? {
        view.lots.insert(l.lot.clone(), l);
    }
    let refs = super::composition_refs(needs, &view);
    for (r, c) in compositions(conn, &refs).await? {
        view.compositions.insert(r, Arc::new(c));
    }
    // Plausibility rows are keyed by pairs: joined with the pairs unnested.
    if !needs.households.is_empty() {
        let (hs, ss): (Vec<&str>, Vec<&str>) = needs
            .households
            .iter()
            .map(|(h, s)| (h.as_str(), s.as_str()))
            .unzip();
        let rows = sqlx::query(
            "SELECT t.household, t.season, t.grams, t.goats, t.events \
             FROM prov_household_seasons t \
             JOIN UNNEST($1::text[], $2::text[]) AS k(h, s) ON t.household = k.h AND t.season = k.s",
        )
        .bind(&hs)
        .bind(&ss)
        .fetch_all(&mut *conn)
        .await?;
        for r in rows {
            let t = household_row(&r)?;
            view.households
                .insert((t.household.clone(), t.season.clone()), t);
        }
    }
    if !needs.soums.is_empty() {
        let (ks, ss): (Vec<&str>, Vec<&str>) = needs
            .soums
            .iter()
            .map(|(h, s)| (h.as_str(), s.as_str()))
            .unzip();
        let rows = sqlx::query(
            "SELECT t.soum, t.season, t.grams, t.goats, t.households FROM prov_soum_seasons t \
             JOIN UNNEST($1::text[], $2::text[]) AS k(h, s) ON t.soum = k.h AND t.season = k.s",
        )
        .bind(&ks)
        .bind(&ss)
        .fetch_all(&mut *conn)
        .await?;
        for r in rows {
            let t = soum_row(&r)?;
            view.soums.insert((t.soum.clone(), t.season.clone()), t);
        }
    }
    Ok(view)
}

/// `INSERT … SELECT * FROM UNNEST($1::type[], …)`: one statement per table, a column an array.
fn unnest_sql(ins: &Insert<'_>) -> String {
    let arrays: Vec<String> = ins
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}", i + 1, c.pg_array()))
        .collect();
    format!(
        "INSERT INTO {} ({}) SELECT * FROM UNNEST({}) {}",
        ins.table,
        ins.cols,
        arrays.join(", "),
        ins.tail
    )
}

/// Writes a batch's effects (events' sequence numbers by eventID in `seqs`).
pub(crate) async fn write(
    conn: &mut PgConnection,
    effects: &Effects,
    seqs: &HashMap<&str, i64>,
) -> Result<()> {
    for ins in super::rows::inserts(effects, seqs)? {
        let text = unnest_sql(&ins);
        let mut q = sqlx::query(&text);
        for c in &ins.columns {
            q = match c {
                Column::Text(v) => q.bind(v),
                Column::Owned(v) => q.bind(v),
                Column::Int(v) => q.bind(v),
                Column::Bytes(v) => q.bind(v),
            };
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

// ---- reads ----

pub(crate) async fn lot(conn: &mut PgConnection, key: &str) -> Result<Option<LotState>> {
    Ok(lots(conn, &[key], false).await?.into_iter().next())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

pub(crate) async fn findings_for(
    conn: &mut PgConnection,
    subjects: &[String],
) -> Result<Vec<Finding>> {
    let text = sql::findings(Keys::Any);
    fetch(conn, &text, &strs(subjects), |r| {
        super::finding(r.try_get(0)?)
    })
    .await
}

pub(crate) async fn edges(
    conn: &mut PgConnection,
    rel: Relation,
    nodes: &[String],
) -> Result<Vec<Edge>> {
    let text = sql::edges(rel, Keys::Any);
    let rows = fetch(conn, &text, &strs(nodes), |r| {
        Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
    })
    .await?;
    Ok(super::edges(rel, rows))
}

pub(crate) async fn node_events(
    conn: &mut PgConnection,
    nodes: &[String],
) -> Result<Vec<(String, String)>> {
    let text = format!("{} ORDER BY 3", sql::node_events(Keys::Any));
    fetch(conn, &text, &strs(nodes), |r| {
        Ok((r.try_get(0)?, r.try_get(1)?))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnest_casts_each_column() {
        let ins = Insert::new(
            "prov_inputs",
            "event_id, seq, lot, grams",
            "",
            vec![
                Column::Text(vec!["e"]),
                Column::Int(vec![1]),
                Column::Owned(vec!["l".into()]),
                Column::Bytes(vec![vec![0]]),
            ],
        );
        assert_eq!(
            unnest_sql(&ins).trim_end(),
            "INSERT INTO prov_inputs (event_id, seq, lot, grams) \
             SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::bytea[])"
        );
    }
}
