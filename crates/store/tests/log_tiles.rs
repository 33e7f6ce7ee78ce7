//! The migration that moved the transparency log's stored hashes from a row each
//! (`tlog_hashes`) to rows of 32 (`tlog_tiles`): a store made before keeps every hash, byte
//! for byte, on SQLite and on PostgreSQL (skipped with a notice when unreachable unless
//! `REQUIRE_POSTGRES=1`).

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

use nooluur_store::testing::TestDatabase;
use nooluur_store::{PgStore, SqliteStore, Store};
use sqlx::migrate::Migrator;

/// The last migration of each dialect before the tiles.
const SQLITE_BEFORE: i64 = 11;
const POSTGRES_BEFORE: i64 = 9;

/// `m` cut to the migrations up to `version`.
fn up_to(mut m: Migrator, version: i64) -> Migrator {
    let kept: Vec<_> = m
        .migrations
        .iter()
        .filter(|x| x.version <= version)
        .cloned()
        .collect();
    m.migrations = kept.into();
    m
}

/// The stored hashes of a real log of `leaves` leaves (a run long enough to fill several
/// tiles and leave the last one partial), some of them holding zero bytes.
fn stored_hashes(leaves: usize) -> Vec<tlog::Hash> {
    let mut log = tlog::MemoryLog::new();
    for n in 0..leaves {
        log.append_entry(format!("event {n}").as_bytes()).unwrap();
    }
    let mut hashes = log.stored_hashes().to_vec();
    hashes[0][5] = 0;
    hashes[1] = [0; 32];
    hashes
}

async fn check(store: &dyn Store, hashes: &[tlog::Hash]) {
    let all: Vec<u64> = (0..hashes.len() as u64).collect();
    assert_eq!(store.log_hashes(&all).await.unwrap(), hashes);
    let some = [96, 3, 64, 31, 32, 0];
    let got = store.log_hashes(&some).await.unwrap();
    let want: Vec<tlog::Hash> = some.iter().map(|i| hashes[*i as usize]).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn sqlite_store_keeps_its_log_hashes_in_tiles() {
    let dir = std::env::temp_dir().join(format!("nooluur-tiles-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = nooluur_store::default_sqlite_url(&dir);
    let hashes = stored_hashes(50);
    {
        use sqlx::ConnectOptions;
        let opts: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let mut conn = opts.create_if_missing(true).connect().await.unwrap();
        up_to(sqlx::migrate!("./migrations/sqlite"), SQLITE_BEFORE)
            .run(&mut conn)
            .await
            .unwrap();
        for (i, h) in hashes.iter().enumerate() {
            sqlx::query("INSERT INTO tlog_hashes (idx, hash) VALUES (?, ?)")
                .bind(i as i64)
                .bind(h.as_slice())
                .execute(&mut conn)
                .await
                .unwrap();
        }
        sqlx::Connection::close(conn).await.unwrap();
    }
    let store = SqliteStore::open(&url).await.unwrap();
    check(&store, &hashes).await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_store_keeps_its_log_hashes_in_tiles() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let hashes = stored_hashes(50);
    {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        up_to(sqlx::migrate!("./migrations/postgres"), POSTGRES_BEFORE)
            .run(&pool)
            .await
            .unwrap();
        let idx: Vec<i64> = (0..hashes.len() as i64).collect();
        let bytes: Vec<&[u8]> = hashes.iter().map(|h| h.as_slice()).collect();
        sqlx::query("INSERT INTO tlog_hashes SELECT * FROM UNNEST($1::bigint[], $2::bytea[])")
            .bind(&idx)
            .bind(&bytes)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let store = PgStore::connect(&db.url).await.unwrap();
    check(&store, &hashes).await;
    store.close().await;
    drop(db);
}
