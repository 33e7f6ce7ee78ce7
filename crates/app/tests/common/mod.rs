//! What the app's integration tests share: the backends they run on.

#![allow(dead_code, clippy::unwrap_used)]

use crate::app::{App, Config};
use crate::store;

/// A store to run a test on: a SQLite file in a fresh directory, or a fresh PostgreSQL
/// database (when one is reachable, or required).
pub enum Backend {
    Sqlite(std::path::PathBuf),
    Postgres(store::testing::TestDatabase),
}

impl Backend {
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite(dir) => store::default_sqlite_url(dir),
            Backend::Postgres(db) => db.url.clone(),
        }
    }
}

/// Every backend this run tests (`NOOLUUR_TEST_DB` picks one).
pub async fn backends() -> Vec<Backend> {
    let mut out = Vec::new();
    let which = std::env::var("NOOLUUR_TEST_DB").unwrap_or_default();
    if which != "postgres" {
        let dir = std::env::temp_dir().join(format!(
            "nooluur-app-test-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        out.push(Backend::Sqlite(dir));
    }
    if which != "sqlite"
        && let Some(db) = store::testing::TestDatabase::create().await
    {
        out.push(Backend::Postgres(db));
    }
    out
}

/// An app on the store at `url`, with the default configuration.
pub async fn fresh(url: &str) -> App {
    App::new(store::open(url).await.unwrap(), Config::default())
}
