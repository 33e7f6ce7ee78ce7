//! PostgreSQL serves text tests, `EXISTS_`, party visibility and `/epcs` from the partial
//! `event_index_text` of migration 0009, whose WHERE the SQL builder repeats: a plan that stops
//! using it would still answer right, only slowly at scale, so no other test would notice.

use sqlx::Row;

use super::PgStore;
use crate::sql::Arg;
use crate::testing::TestDatabase;
use crate::{Backend, OrgId, Resource, Viewer};

/// The generic plan of `sql`: the one a statement prepared once and run many times ends up
/// with, planned without the values of its parameters (the plan of a query run once knows
/// them, and proves a partial index's WHERE from them). Sequential scans are priced out: on a
/// near-empty table the planner would scan whatever the indexes, so the test asks which index
/// it *can* use.
async fn plan(store: &PgStore, sql: &crate::sql::Sql) -> String {
    let mut conn = store.pool.acquire().await.expect("connection");
    let literals: Vec<String> = sql
        .args
        .iter()
        .map(|a| match a {
            Arg::I16(v) => format!("{v}::smallint"),
            Arg::I64(v) => format!("{v}::bigint"),
            Arg::F64(v) => format!("{v}::float8"),
            Arg::Text(v) => format!("'{}'::text", v.replace('\'', "''")),
        })
        .collect();
    for set in [
        "SET enable_seqscan = off".to_owned(),
        "SET plan_cache_mode = force_generic_plan".to_owned(),
        format!("PREPARE planned AS {}", sql.text),
    ] {
        sqlx::raw_sql(&set).execute(&mut *conn).await.expect("set");
    }
    let explain = if literals.is_empty() {
        "EXPLAIN EXECUTE planned".to_owned()
    } else {
        format!("EXPLAIN EXECUTE planned ({})", literals.join(", "))
    };
    let rows = sqlx::raw_sql(&explain)
        .fetch_all(&mut *conn)
        .await
        .expect("plan");
    sqlx::raw_sql("DEALLOCATE planned; RESET ALL")
        .execute(&mut *conn)
        .await
        .expect("reset");
    rows.iter()
        .map(|r| r.get::<String, _>(0))
        .collect::<Vec<_>>()
        .join("; ")
}

fn query(pairs: &[(&str, &str)]) -> epcis::query::EventQuery {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    epcis::query::EventQuery::from_pairs(&pairs).expect("query parses")
}

#[tokio::test]
async fn text_tests_use_the_partial_text_index() {
    let Some(tdb) = TestDatabase::create().await else {
        return;
    };
    let store = PgStore::connect(&tdb.url).await.unwrap();
    let party = Viewer {
        org: OrgId(7),
        sees_all: false,
        parties: vec!["urn:x:party".to_owned()],
    };
    let cases = [
        ("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.2017"),
        ("EQ_bizTransaction_po", "urn:x:po:1"),
        ("EQ_source_owning_party", "urn:x:p"),
        ("EQ_ILMD_https://ns.example.com/voc#colour", "white"),
        ("EXISTS_ILMD_https://ns.example.com/voc#colour", ""),
        ("EXISTS_sensorElementList", ""),
    ];
    for (k, v) in cases {
        let q = query(&[(k, v)]);
        let sql = crate::sql::events::page(&q, &Viewer::operator(), None, 100, Backend::Postgres);
        let p = plan(&store, &sql).await;
        assert!(
            p.contains("event_index_text"),
            "{k} does not use event_index_text: {p}"
        );
    }
    let sql = crate::sql::events::page(&query(&[]), &party, None, 100, Backend::Postgres);
    let p = plan(&store, &sql).await;
    assert!(p.contains("event_index_text"), "party visibility: {p}");
    let sql = crate::sql::events::distinct(
        Resource::Epcs,
        &Viewer::operator(),
        None,
        100,
        Backend::Postgres,
    );
    let p = plan(&store, &sql).await;
    assert!(p.contains("event_index_text"), "/epcs: {p}");
    store.close().await;
}
