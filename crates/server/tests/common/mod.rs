//! The in-process test server: the whole REST binding on an ephemeral loopback port over a
//! fresh SQLite store (temp dir) or PostgreSQL database, with reqwest helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use nooluur_app as app;
pub use nooluur_server as server;
pub use nooluur_store as store;

use app::clock::{Clock, ManualClock, OsRandom, SystemClock};
use app::{App, Config};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use store::Role;

/// The backends a test can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    /// `app::memory::MemoryStore`: the app's reference store, no database at all.
    Memory,
}

/// Generates one `#[tokio::test]` per backend for each scenario `async fn name(db: Db)`.
#[macro_export]
macro_rules! on_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Db::Postgres).await
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Db::Memory).await
                }
            )*
        }
    };
}

/// `concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")`.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

pub fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// Test configuration: fast polling and retries.
pub fn test_config() -> Config {
    Config {
        poll_interval: Duration::from_millis(50),
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(500),
        webhook_timeout: Duration::from_secs(5),
        ..Config::default()
    }
}

/// A running server.
pub struct TestServer {
    pub base: String,
    pub app: App,
    pub http: reqwest::Client,
    pub db: Db,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _guard: Option<Box<dyn std::any::Any + Send>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// Whether this run wants the backend (`NOOLUUR_TEST_DB=sqlite|postgres|memory`; all when
/// unset). The in-memory store rides along with SQLite runs.
pub fn wanted(db: Db) -> bool {
    match std::env::var("NOOLUUR_TEST_DB").as_deref() {
        Ok("sqlite") => matches!(db, Db::Sqlite | Db::Memory),
        Ok("postgres") => db == Db::Postgres,
        Ok("memory") => db == Db::Memory,
        _ => true,
    }
}

/// Starts a server with the system clock; `None` (the test skips) when the backend is not
/// wanted or PostgreSQL is unreachable without `REQUIRE_POSTGRES=1`.
pub async fn start(db: Db) -> Option<TestServer> {
    start_with(db, test_config(), Arc::new(SystemClock)).await
}

pub async fn start_with(db: Db, config: Config, clock: Arc<dyn Clock>) -> Option<TestServer> {
    if !wanted(db) {
        return None;
    }
    let (store, guard) = open_store(db).await?;
    let app = App::with_clock(store, config, clock, Arc::new(OsRandom));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = app.clone();
    let task = tokio::spawn(async move {
        let _ = server::serve_listener(served, listener, async {
            let _ = rx.await;
        })
        .await;
    });
    Some(TestServer {
        base,
        app,
        http: reqwest::Client::new(),
        db,
        stop: Some(tx),
        task: Some(task),
        _guard: guard,
    })
}

/// A server whose clock the test moves.
pub async fn start_manual(db: Db, start: &str) -> Option<(TestServer, Arc<ManualClock>)> {
    let t = chrono::DateTime::parse_from_rfc3339(start)
        .expect("start time")
        .with_timezone(&chrono::Utc);
    let clock = Arc::new(ManualClock::new(t));
    let s = start_with(db, test_config(), clock.clone()).await?;
    Some((s, clock))
}

type Guard = Option<Box<dyn std::any::Any + Send>>;

async fn open_store(db: Db) -> Option<(Arc<dyn store::Store>, Guard)> {
    match db {
        Db::Memory => Some((Arc::new(app::memory::MemoryStore::new()), None)),
        Db::Sqlite => {
            let dir = TempDir::new();
            let url = store::default_sqlite_url(&dir.0);
            let s = store::open(&url).await.expect("open SQLite store");
            Some((s, Some(Box::new(dir))))
        }
        Db::Postgres => {
            let db = store::testing::TestDatabase::create().await?;
            let s = store::open(&db.url).await.expect("open PostgreSQL store");
            Some((s, Some(Box::new(db))))
        }
    }
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let mut b = [0u8; 8];
        app::clock::Random::fill(&OsRandom, &mut b);
        let p = std::env::temp_dir().join(format!(
            "nooluur-server-test-{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("").to_owned())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an RFC 9457 problem with the given status and GS1 exception type.
    pub fn assert_problem(&self, status: u16, kind: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/problem+json")),
            "content type {:?}",
            self.header("content-type")
        );
        let p = self.json();
        assert_eq!(p["type"], format!("epcisException:{kind}"), "{p}");
        assert_eq!(p["status"], status, "{p}");
        assert!(p["title"].is_string(), "{p}");
        assert!(p["detail"].is_string(), "{p}");
        assert!(p["instance"].is_string(), "{p}");
        p
    }
}

impl TestServer {
    /// Creates an organisation and returns its API token.
    pub async fn org(&self, name: &str, role: Role, identifiers: &[&str]) -> String {
        let ids: Vec<String> = identifiers.iter().map(|s| (*s).to_owned()).collect();
        let (_, token) = app::orgs::add(&self.app, name, role, &ids)
            .await
            .expect("create org");
        token
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let r = req.send().await.expect("request");
        Resp {
            status: r.status(),
            headers: r.headers().clone(),
            body: r.bytes().await.expect("body").to_vec(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send(Method::GET, path, Some(token), &[], None).await
    }

    pub async fn get_with(&self, path: &str, token: &str, headers: &[(&str, &str)]) -> Resp {
        self.send(Method::GET, path, Some(token), headers, None)
            .await
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send(
            Method::POST,
            path,
            Some(token),
            &[("content-type", "application/json")],
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// POSTs JSON that must answer 201 Created; the created resource.
    pub async fn created(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self.post_json(path, token, &body).await;
        assert_eq!(r.status.as_u16(), 201, "POST {path}: {}", r.text());
        r.json()
    }

    /// `POST /lab-results` by `lab` (its token): a fine sample `sample` of `lot`, which must be
    /// certified (201); the certificate's id.
    pub async fn lab_certificate(&self, lab: &str, lot: &str, sample: &str) -> String {
        let result = serde_json::json!({
            "lot": lot, "lab": "https://lab.example.mn/", "sample_id": sample,
            "methods": ["IWTO-47"], "tested_at": "2025-06-12T10:00:00+08:00",
            "measurements": {"mfd_um": 15.6, "cv_pct": 21.5, "over30_pct": 0.4, "length_mm": 38.0}
        });
        let created = self
            .created("/lab-results", lab, serde_json::json!({ "result": result }))
            .await;
        created["credential"]["id"]
            .as_str()
            .expect("a credential id")
            .to_owned()
    }

    /// GETs what must answer 200 OK; its JSON.
    pub async fn ok(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, token).await;
        assert_eq!(r.status.as_u16(), 200, "GET {path}: {}", r.text());
        r.json()
    }

    /// `POST /events` with a JSON-LD document that must be stored (201).
    pub async fn post_events(&self, token: &str, doc: impl Into<Vec<u8>>) -> Resp {
        let r = self
            .send(
                Method::POST,
                "/events",
                Some(token),
                &[("content-type", "application/ld+json")],
                Some(doc.into()),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "POST /events: {}", r.text());
        r
    }

    /// `POST /capture` with a document, content type by sniffing.
    pub async fn post_capture(&self, token: &str, doc: &[u8], headers: &[(&str, &str)]) -> Resp {
        let ct = if epcis::Format::sniff(doc) == epcis::Format::Xml {
            "application/xml"
        } else {
            "application/ld+json"
        };
        let mut h = vec![("content-type", ct)];
        h.extend_from_slice(headers);
        self.send(
            Method::POST,
            "/capture",
            Some(token),
            &h,
            Some(doc.to_vec()),
        )
        .await
    }

    /// Captures a document and waits for its job to finish; answers the finished job.
    pub async fn capture(&self, token: &str, doc: &[u8], headers: &[(&str, &str)]) -> Value {
        let r = self.post_capture(token, doc, headers).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
        let location = r.header("location").expect("Location of the capture job");
        assert!(location.starts_with("/capture/"), "{location}");
        self.wait_job(token, &location).await
    }

    pub async fn wait_job(&self, token: &str, location: &str) -> Value {
        for _ in 0..600 {
            let j = self.get(location, token).await;
            assert_eq!(j.status, StatusCode::OK, "{}", j.text());
            let job = j.json();
            if job["running"] == false {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("capture job {location} did not finish");
    }

    /// Every event the token sees through `GET /events`, following `Link` headers.
    pub async fn all_events(&self, token: &str, query: &str, per_page: usize) -> Vec<Value> {
        let mut url = format!("/events?perPage={per_page}{query}");
        let mut out = Vec::new();
        for _ in 0..10_000 {
            let r = self
                .get_with(&url, token, &[("GS1-EPC-Format", "Never_Translates")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let doc = r.json();
            let list = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(list.len() <= per_page, "page larger than perPage");
            out.extend(list);
            match r.header("link") {
                Some(link) => {
                    assert!(link.ends_with("; rel=\"next\""), "{link}");
                    let start = link.find('<').expect("<") + 1;
                    let end = link.find('>').expect(">");
                    url = link[start..end].to_owned();
                }
                None => return out,
            }
        }
        panic!("pagination did not end");
    }
}

/// The eventIDs of a list of JSON events.
pub fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["eventID"].as_str().unwrap_or("").to_owned())
        .collect()
}
