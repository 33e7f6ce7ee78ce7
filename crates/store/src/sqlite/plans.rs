//! The SQLite planner serves the single-column queries from the `events` indexes, in seq
//! order, without sorting: migration 0010 left those indexes on (column) alone, trusting the
//! rowid (seq) that ends every entry. A plan that falls back to a scan or a sort would still
//! answer right, only slowly at scale, so no other test would notice. The same holds for
//! `EXISTS_` and the partial `event_index_kind` of migration 0011: the planner uses a partial
//! index only when the query repeats its WHERE.

use sqlx::Row;

use super::SqliteStore;
use crate::cursor::EventCursor;
use crate::{Backend, Viewer};

/// Query parameters, the cursor of a later page (if any), and the index the plan must use.
type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a EventCursor>, &'a str);

async fn plan(store: &SqliteStore, pairs: &[(&str, &str)], cursor: Option<&EventCursor>) -> String {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let q = epcis::query::EventQuery::from_pairs(&pairs).expect("query parses");
    let sql = crate::sql::events::page(&q, &Viewer::operator(), cursor, 100, Backend::Sqlite);
    let text = format!("EXPLAIN QUERY PLAN {}", sql.text);
    let rows = crate::sql::bind_all!(sqlx::query(&text), &sql.args)
        .fetch_all(&store.write)
        .await
        .expect("plan");
    rows.iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn single_column_queries_walk_their_index_in_seq_order() {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    let after = EventCursor {
        s: 5,
        t: Some(1_700_000_000_000_000),
        ..EventCursor::default()
    };
    let cases: [Case; 11] = [
        (&[("EQ_bizStep", "shipping")], None, "events_biz_step"),
        (
            &[("EQ_bizStep", "shipping")],
            Some(&after),
            "events_biz_step",
        ),
        (&[("eventType", "ObjectEvent")], Some(&after), "events_type"),
        (&[("EQ_action", "ADD")], None, "events_action"),
        (&[("EQ_disposition", "active")], None, "events_disposition"),
        (
            &[("EQ_readPoint", "urn:x:rp")],
            Some(&after),
            "events_read_point",
        ),
        (
            &[("EQ_bizLocation", "urn:x:bl")],
            None,
            "events_biz_location",
        ),
        (
            &[
                ("GE_eventTime", "2024-01-01T00:00:00Z"),
                ("orderBy", "eventTime"),
            ],
            Some(&after),
            "events_event_time",
        ),
        (&[("EXISTS_errorDeclaration", "")], None, "event_index_kind"),
        (
            &[("EXISTS_sensorElementList", "")],
            Some(&after),
            "event_index_kind",
        ),
        (
            &[("EXISTS_ILMD_https://ns.example.com/voc#colour", "")],
            None,
            "event_index_kind",
        ),
    ];
    for (pairs, cursor, index) in cases {
        let p = plan(&store, pairs, cursor).await;
        assert!(p.contains(index), "{pairs:?} does not use {index}: {p}");
        assert!(!p.contains("TEMP B-TREE"), "{pairs:?} sorts: {p}");
    }
    store.close().await;
}
