//! Test support shared by this crate's conformance suite and the server's tests: the policy for
//! PostgreSQL in tests, throw-away databases, and inputs.
//!
//! - The server is `postgres://postgres@127.0.0.1:5432/postgres` unless
//!   `NOOLUUR_TEST_POSTGRES_URL` names another.
//! - When it is unreachable, PostgreSQL tests skip with a printed notice, unless
//!   `REQUIRE_POSTGRES=1`, in which case they fail.
//! - `NOOLUUR_TEST_DB=sqlite` (CI's SQLite pass) skips them too, unless `REQUIRE_POSTGRES=1`.
//! - Each test run gets its own database (`nooluur_test_<random>`), dropped at the end.

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;

/// `len` letters that do not compress, the same for the same `seed`: PostgreSQL compresses a
/// long index key before it refuses it, so a test of its limits needs text that stays long.
pub fn incompressible_letters(len: usize, seed: u32) -> String {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + ((x >> 16) % 26) as u8)
        })
        .collect()
}

/// The default test server.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server URL tests use (`NOOLUUR_TEST_POSTGRES_URL` or [`DEFAULT_POSTGRES_URL`]).
pub fn postgres_server_url() -> String {
    std::env::var("NOOLUUR_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_owned())
}

/// Whether `REQUIRE_POSTGRES=1`: an unreachable server fails the test instead of skipping it.
pub fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true")
}

fn skipped_by_selection() -> bool {
    !postgres_required() && std::env::var("NOOLUUR_TEST_DB").is_ok_and(|v| v == "sqlite")
}

/// The server URL if PostgreSQL tests should run and the server answers; `None` (with a notice
/// on stderr) to skip. Panics when the server is unreachable and `REQUIRE_POSTGRES=1`.
pub async fn postgres_url_or_skip() -> Option<String> {
    if skipped_by_selection() {
        eprintln!("skipping PostgreSQL: NOOLUUR_TEST_DB=sqlite");
        return None;
    }
    let url = postgres_server_url();
    match ping(&url).await {
        Ok(()) => Some(url),
        Err(e) if postgres_required() => {
            panic!("REQUIRE_POSTGRES=1 but PostgreSQL at {url} is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("skipping PostgreSQL tests: {url} is unreachable ({e})");
            None
        }
    }
}

async fn ping(url: &str) -> Result<(), String> {
    let opts = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    let conn = tokio::time::timeout(Duration::from_secs(5), opts.connect())
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let _ = sqlx::Connection::close(conn).await;
    Ok(())
}

/// A database created for one test run and dropped (with any open connections) when this
/// value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL of the new database.
    pub url: String,
    server: String,
    name: String,
}

impl TestDatabase {
    /// Creates `nooluur_test_<random>` on the test server; `None` when PostgreSQL tests are
    /// skipped (see the module doc).
    pub async fn create() -> Option<TestDatabase> {
        let server = postgres_url_or_skip().await?;
        let name = format!(
            "nooluur_test_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        );
        let result = async {
            let opts = PgConnectOptions::from_str(&server).map_err(|e| e.to_string())?;
            let mut conn = opts.connect().await.map_err(|e| e.to_string())?;
            // The name is ours (hex), not input: identifiers cannot be bound parameters.
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            let _ = sqlx::Connection::close(conn).await;
            let url = opts.database(&name).to_url_lossy().to_string();
            Ok::<String, String>(url)
        }
        .await;
        match result {
            Ok(url) => Some(TestDatabase { url, server, name }),
            Err(e) if postgres_required() => panic!("cannot create a test database: {e}"),
            Err(e) => {
                eprintln!("skipping PostgreSQL tests: cannot create a test database ({e})");
                None
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop may run inside an async runtime, which must not block on another: use a thread
        // with its own.
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let opts = PgConnectOptions::from_str(&server).ok()?;
                let mut conn = opts.connect().await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let r = sqlx::query(&sql).execute(&mut conn).await;
                let _ = sqlx::Connection::close(conn).await;
                r.ok()
            })
        })
        .join();
        if !matches!(done, Ok(Some(_))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}
