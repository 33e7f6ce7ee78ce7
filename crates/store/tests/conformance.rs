//! The store conformance suite: one set of scenarios, run against SQLite (a temporary file and
//! an in-memory database) and PostgreSQL (a fresh database per test on the server
//! `nooluur_store::testing` names; skipped with a notice when unreachable unless
//! `REQUIRE_POSTGRES=1`).

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

#[path = "conformance/admin.rs"]
mod admin_scenarios;
#[path = "conformance/credentials.rs"]
mod credential_scenarios;
#[path = "conformance/declarations.rs"]
mod declaration_scenarios;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/props.rs"]
mod props;
#[path = "conformance/provenance.rs"]
mod provenance_scenarios;
#[path = "conformance/records.rs"]
mod record_scenarios;
#[path = "conformance/scenarios.rs"]
mod scenarios;
#[path = "conformance/together.rs"]
mod together_scenarios;
#[path = "conformance/values.rs"]
mod value_scenarios;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use nooluur_store::testing::TestDatabase;
use nooluur_store::{SqliteStore, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    SqliteFile,
    SqliteMemory,
    Postgres,
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("nooluur-store-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether this run wants SQLite scenarios (`NOOLUUR_TEST_DB=postgres` runs PostgreSQL only).
fn sqlite_wanted() -> bool {
    std::env::var("NOOLUUR_TEST_DB").map_or(true, |v| v != "postgres")
}

/// Runs a scenario on a fresh store of the given kind (or skips it).
pub async fn run<F, Fut>(db: Db, scenario: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    match db {
        Db::SqliteFile => {
            if !sqlite_wanted() {
                return;
            }
            let dir = TempDir::new();
            let url = nooluur_store::default_sqlite_url(&dir.0.join("data"));
            let store = SqliteStore::open(&url).await.unwrap();
            scenario(Arc::new(store.clone())).await;
            store.close().await;
        }
        Db::SqliteMemory => {
            if !sqlite_wanted() {
                return;
            }
            let store = nooluur_store::open("sqlite::memory:").await.unwrap();
            scenario(store).await;
        }
        Db::Postgres => {
            let Some(tdb) = TestDatabase::create().await else {
                return;
            };
            let store = nooluur_store::PgStore::connect(&tdb.url).await.unwrap();
            scenario(Arc::new(store.clone())).await;
            store.close().await;
            drop(tdb);
        }
    }
}

macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite_file {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::run(crate::Db::SqliteFile, crate::scenarios::$name).await;
                }
            )*
        }
        mod sqlite_memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::run(crate::Db::SqliteMemory, crate::scenarios::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::run(crate::Db::Postgres, crate::scenarios::$name).await;
                }
            )*
        }
    };
}

on_every_backend!(
    every_query_parameter,
    query_parameters_in_json,
    identifiers_match_in_any_spelling,
    visibility,
    pagination_with_concurrent_inserts,
    ordering_and_limits,
    duplicates_atomic,
    duplicates_proceed,
    sequence_numbers_and_events_after,
    distinct_values,
    capture_job_lifecycle,
    capture_jobs_claimed_once_under_concurrency,
    capture_jobs_claimed_in_groups,
    organisations,
    named_queries,
    subscriptions_cas,
    provenance_chain_in_two_batches,
    provenance_over_consumption_atomic,
    provenance_proceed_leaves_out_the_bad_event,
    provenance_concurrent_consumption,
    provenance_ignores_error_declarations,
    error_declarations,
    credentials_insert_get_and_duplicates,
    credentials_by_subject_and_kind,
    credential_status_indexes,
    credential_revocation,
    credential_claims_within_limits,
    credential_claims_concurrent,
    records_crud_and_batches,
    records_concurrent_cas,
    every_reader_sees_a_committed_write,
    revision_moves_with_every_change,
    batches_stored_together,
    awkward_values_round_trip,
    values_too_long_for_an_index,
    other_keys_too_long_for_an_index,
);

/// A SQLite file keeps everything across a reopen.
#[tokio::test]
async fn sqlite_file_reopens() {
    if !sqlite_wanted() {
        return;
    }
    let dir = TempDir::new();
    let url = nooluur_store::default_sqlite_url(&dir.0.join("nested").join("dir"));
    let store = SqliteStore::open(&url).await.unwrap();
    scenarios::seed_for_reopen(&store).await;
    store.close().await;
    let again = SqliteStore::open(&url).await.unwrap();
    scenarios::check_after_reopen(&again).await;
    again.close().await;
}

/// The page size of the SQLite file at `path`.
async fn page_size(path: &std::path::Path) -> i64 {
    use sqlx::{ConnectOptions, Connection};
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    n
}

/// A new SQLite store has 16 KiB pages (capture's random index inserts split less); a store
/// made with other pages keeps them, and everything in it, when opened.
#[tokio::test]
async fn sqlite_page_size_new_and_kept() {
    use sqlx::{ConnectOptions, Connection};
    if !sqlite_wanted() {
        return;
    }
    let dir = TempDir::new();
    let new = dir.0.join("new");
    let store = SqliteStore::open(&nooluur_store::default_sqlite_url(&new))
        .await
        .unwrap();
    scenarios::seed_for_reopen(&store).await;
    store.close().await;
    assert_eq!(page_size(&new.join("nooluur.db")).await, 16_384);

    let old = dir.0.join("old");
    std::fs::create_dir_all(&old).unwrap();
    let file = old.join("nooluur.db");
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true)
        .page_size(4096)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE earlier (a)")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    let url = nooluur_store::default_sqlite_url(&old);
    let store = SqliteStore::open(&url).await.unwrap();
    scenarios::seed_for_reopen(&store).await;
    store.close().await;
    let again = SqliteStore::open(&url).await.unwrap();
    scenarios::check_after_reopen(&again).await;
    again.close().await;
    assert_eq!(page_size(&file).await, 4096);
}

/// Texts that test the term spellings: past the 128-byte cut (which falls inside a two-byte
/// letter), a twin that differs only after it, and a long private identifier.
struct LongTexts {
    label: String,
    twin: String,
    garment: String,
}

impl LongTexts {
    fn new() -> LongTexts {
        let label = format!("{}{}", "x".repeat(127), "ноолуур".repeat(20));
        LongTexts {
            twin: format!("{label}!"),
            label,
            garment: format!("https://nooluur.example/id/garment/{}", "g".repeat(150)),
        }
    }

    async fn seed(&self, store: &dyn Store) {
        use nooluur_store::CaptureMode;
        let mut e = fixtures::simple("urn:uuid:long", "2024-05-01T00:00:00+08:00");
        e["ilmd"] = serde_json::json!({ "ex:label": self.label });
        e["epcList"] = serde_json::json!([self.garment, "urn:epc:id:sgtin:0614141.107346.77"]);
        e["sourceList"] = serde_json::json!([{"type": "owning_party", "source": self.label}]);
        store
            .insert_events(vec![fixtures::new_event(e, 1)], CaptureMode::Atomic)
            .await
            .unwrap();
    }

    async fn found(store: &dyn Store, key: &str, value: &str) -> Vec<String> {
        let q = fixtures::query(&[(key, value)]);
        let viewer = nooluur_store::Viewer::operator();
        fixtures::ids(&fixtures::all_pages(store, &q, &viewer, 10).await)
    }

    async fn check(&self, store: &dyn Store) {
        let long = ["urn:uuid:long"];
        assert_eq!(
            Self::found(store, "EQ_ILMD_ex:label", &self.label).await,
            long
        );
        assert!(
            Self::found(store, "EQ_ILMD_ex:label", &self.twin)
                .await
                .is_empty()
        );
        assert_eq!(
            Self::found(store, "EQ_source_owning_party", &self.label).await,
            long
        );
        assert_eq!(Self::found(store, "MATCH_epc", &self.garment).await, long);
        let pattern = "urn:epc:idpat:sgtin:0614141.107346.*";
        assert_eq!(Self::found(store, "MATCH_epc", pattern).await, long);
    }
}

/// Migration 0009's statement that fills `event_terms` from `event_index`.
fn terms_backfill(migration: &str) -> &str {
    let start = migration.find("INSERT INTO event_terms").unwrap();
    &migration[start..start + migration[start..].find(';').unwrap()]
}

/// A store made before the term index gets its terms from migration 0009's SQL, and queries
/// spell their terms in Rust (`terms.rs`): the two must agree. Here the terms are dropped and
/// rebuilt by the migration's own statement, then found by queries.
#[tokio::test]
async fn sqlite_terms_rebuilt_by_the_migration_are_found() {
    use sqlx::{ConnectOptions, Connection};
    if !sqlite_wanted() {
        return;
    }
    let dir = TempDir::new();
    let store = SqliteStore::open(&nooluur_store::default_sqlite_url(&dir.0))
        .await
        .unwrap();
    let texts = LongTexts::new();
    texts.seed(&store).await;
    texts.check(&store).await;
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.0.join("nooluur.db"))
        .connect()
        .await
        .unwrap();
    sqlx::query("INSERT INTO event_terms (event_terms) VALUES ('delete-all')")
        .execute(&mut c)
        .await
        .unwrap();
    assert!(
        LongTexts::found(&store, "EQ_ILMD_ex:label", &texts.label)
            .await
            .is_empty()
    );
    let backfill = terms_backfill(include_str!("../migrations/sqlite/0009_event_terms.sql"));
    sqlx::query(backfill).execute(&mut c).await.unwrap();
    c.close().await.unwrap();
    texts.check(&store).await;
    store.close().await;
}

#[tokio::test]
async fn open_rejects_unknown_urls() {
    assert!(matches!(
        nooluur_store::open("mysql://x").await,
        Err(nooluur_store::StoreError::BadUrl(_))
    ));
}

#[test]
fn sql_matches_memory_sqlite() {
    if sqlite_wanted() {
        props::check(Db::SqliteMemory);
    }
}

#[test]
fn sql_matches_memory_postgres() {
    props::check(Db::Postgres);
}
