//! The migrations that folded each quantity's own index row (kind 10: value and unit) into its
//! class row (kinds 6–9: num and name), and that dropped the URN spellings of GS1 keys (kinds
//! 11–19). A store is turned back, by hand, into the old row model, the migrations run again on
//! opening, and the rows and the queries come out as a store written after them has them, on
//! SQLite and on PostgreSQL (skipped with a notice when unreachable unless
//! `REQUIRE_POSTGRES=1`).

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

use epcis::query::EventQuery;
use epcis::{Event, Namespaces};
use nooluur_store::testing::TestDatabase;
use nooluur_store::{
    CaptureMode, NewEvent, OrgId, PageRequest, PgStore, SqliteStore, Store, Viewer,
};
use serde_json::{Value, json};

/// The migrations under test, per dialect.
const SQLITE_VERSIONS: [i64; 2] = [13, 14];
const POSTGRES_VERSIONS: [i64; 2] = [11, 13];

fn new_event(v: Value) -> NewEvent {
    let mut event: Event = serde_json::from_value(v).unwrap();
    event.record_time = Some("2024-04-01T00:00:00Z".into());
    let id = event.event_id.clone().unwrap();
    NewEvent {
        event,
        hash_id: format!("ni:///sha-256;{}?ver=CBV2.0", id.replace(':', "")),
        namespaces: Namespaces::new(),
        captured_by: OrgId(1),
        capture_id: None,
    }
}

/// Quantities in every role, with and without a unit, one without a quantity at all, classes
/// spelt as URNs (which put a URN row before the class row) and as private URIs.
fn events() -> Vec<NewEvent> {
    let time = |n: u32| format!("2024-03-0{n}T08:00:00+08:00");
    vec![
        new_event(json!({
            "type": "ObjectEvent", "eventID": "urn:uuid:q1", "eventTime": time(1),
            "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
            "epcList": ["urn:epc:id:sgtin:4012345.012345.1"],
            "quantityList": [
                {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200.5, "uom": "KGM"},
                {"epcClass": "https://example.com/lot/x", "quantity": 3},
                {"epcClass": "https://example.com/lot/y"}
            ]
        })),
        new_event(json!({
            "type": "AggregationEvent", "eventID": "urn:uuid:q2", "eventTime": time(2),
            "eventTimeZoneOffset": "+08:00", "action": "ADD",
            "parentID": "urn:epc:id:sscc:4012345.0000000001",
            "childQuantityList": [
                {"epcClass": "https://example.com/lot/x", "quantity": 12.25, "uom": "KGM"}
            ]
        })),
        new_event(json!({
            "type": "TransformationEvent", "eventID": "urn:uuid:q3", "eventTime": time(3),
            "eventTimeZoneOffset": "+08:00",
            "inputQuantityList": [
                {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 100, "uom": "KGM"},
                {"epcClass": "https://example.com/lot/z", "quantity": 1.5, "uom": "LTR"}
            ],
            "outputQuantityList": [
                {"epcClass": "https://example.com/lot/out", "quantity": 55, "uom": "KGM"}
            ]
        })),
    ]
}

/// Statements that turn the current row model back into the one before the migration: room
/// made after every row (`i` doubled, through negatives so that no key collides on the way),
/// a kind-10 row after each class row with a quantity, the class rows stripped, and the
/// migration forgotten so that opening the store applies it again; and URN rows beside the
/// class rows of the LGTIN.
fn back_to_old_model(versions: [i64; 2]) -> Vec<String> {
    vec![
        "UPDATE event_index SET i = -2 * i - 2".into(),
        "UPDATE event_index SET i = -i - 2".into(),
        "INSERT INTO event_index (seq, i, k, name, text, num, time) \
         SELECT seq, i + 1, 10, '', NULLIF(name, ''), num, NULL FROM event_index \
         WHERE k BETWEEN 6 AND 9 AND num IS NOT NULL"
            .into(),
        "UPDATE event_index SET name = '', num = NULL WHERE k BETWEEN 6 AND 9".into(),
        "INSERT INTO event_index (seq, i, k, name, text, num, time) \
         SELECT seq, i - 1, k + 10, '', 'urn:epc:class:lgtin:4012345.012345.998877', NULL, NULL \
         FROM event_index WHERE k BETWEEN 6 AND 9 AND text = 'https://id.gs1.org/01/04012345123456/10/998877'"
            .into(),
        format!(
            "DELETE FROM _sqlx_migrations WHERE version IN ({}, {})",
            versions[0], versions[1]
        ),
    ]
}

type Row = (i64, i64, String, Option<String>, Option<f64>, Option<i64>);

const ROWS: &str =
    "SELECT seq, CAST(k AS BIGINT), name, text, num, time FROM event_index ORDER BY seq, i";

/// What the quantity queries answer: the eventIDs, per query.
async fn answers(store: &dyn Store) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for q in [
        "EQ_quantity=200.5",
        "EQ_quantity_KGM=12.25",
        "GE_quantity_KGM=55",
        "LT_quantity=5",
        "GT_quantity_LTR=1",
        "EQ_quantity_LTR=200.5",
        "MATCH_anyEPCClass=https://example.com/lot/x",
        "MATCH_epcClass=urn:epc:class:lgtin:4012345.012345.998877",
        "MATCH_inputEPCClass=urn:epc:idpat:sgtin:4012345.*.*",
    ] {
        let (k, v) = q.split_once('=').unwrap();
        let query = EventQuery::from_pairs(&[(k.to_owned(), v.to_owned())]).unwrap();
        let page = PageRequest {
            per_page: Some(100),
            token: None,
        };
        let got = store
            .query_events(&query, &Viewer::operator(), &page)
            .await
            .unwrap();
        out.push(
            got.items
                .iter()
                .map(|e| e.event.event_id.clone().unwrap())
                .collect(),
        );
    }
    out
}

fn expected_answers() -> Vec<Vec<String>> {
    let ids = |v: &[&str]| v.iter().map(|s| format!("urn:uuid:{s}")).collect();
    vec![
        ids(&["q1"]),
        ids(&["q2"]),
        ids(&["q1", "q3"]),
        ids(&["q1", "q3"]),
        ids(&["q3"]),
        ids(&[]),
        ids(&["q1", "q2"]),
        ids(&["q1"]),
        ids(&["q3"]),
    ]
}

/// Captures the events into a store of the current model, which answers as it should.
async fn fill(store: &dyn Store) {
    store
        .insert_events(events(), CaptureMode::Atomic)
        .await
        .unwrap();
    assert_eq!(answers(store).await, expected_answers());
}

async fn sqlite_rows(conn: &mut sqlx::SqliteConnection) -> Vec<Row> {
    sqlx::query_as::<_, Row>(ROWS)
        .fetch_all(conn)
        .await
        .unwrap()
}

async fn sqlite_conn(url: &str) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    let opts: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
    opts.connect().await.unwrap()
}

async fn postgres_rows(url: &str) -> Vec<Row> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let rows = sqlx::query_as::<_, Row>(ROWS)
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn sqlite_index_rows_migrate() {
    let dir = std::env::temp_dir().join(format!("nooluur-qrows-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = nooluur_store::default_sqlite_url(&dir);
    let store = SqliteStore::open(&url).await.unwrap();
    fill(&store).await;
    store.close().await;
    let before = {
        let mut conn = sqlite_conn(&url).await;
        let before = sqlite_rows(&mut conn).await;
        for s in back_to_old_model(SQLITE_VERSIONS) {
            sqlx::query(&s).execute(&mut conn).await.unwrap();
        }
        let old = sqlite_rows(&mut conn).await;
        assert_eq!(old.iter().filter(|r| r.1 == 10).count(), 6);
        assert_eq!(old.iter().filter(|r| (11..=19).contains(&r.1)).count(), 2);
        sqlx::Connection::close(conn).await.unwrap();
        before
    };
    let store = SqliteStore::open(&url).await.unwrap();
    assert_eq!(answers(&store).await, expected_answers());
    store.close().await;
    let mut conn = sqlite_conn(&url).await;
    assert_eq!(sqlite_rows(&mut conn).await, before);
    sqlx::Connection::close(conn).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_index_rows_migrate() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let store = PgStore::connect(&db.url).await.unwrap();
    fill(&store).await;
    store.close().await;
    let before = postgres_rows(&db.url).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    for s in back_to_old_model(POSTGRES_VERSIONS) {
        sqlx::query(&s).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let store = PgStore::connect(&db.url).await.unwrap();
    assert_eq!(answers(&store).await, expected_answers());
    store.close().await;
    assert_eq!(postgres_rows(&db.url).await, before);
    drop(db);
}
