//! A real third-party EPCIS client against a real `nooluur serve`: the npm SDK epcis2.js builds
//! cashmere events, captures them and reads them back (`tests/clients/epcis2js/test.mjs`).
//!
//! Needs Node.js and `tests/clients/epcis2js/install.sh` to have run; without them the test
//! prints a notice and passes, unless `REQUIRE_EPCIS2JS=1`, when it fails. It runs on SQLite
//! and on PostgreSQL, following the suite's `NOOLUUR_TEST_DB` / `REQUIRE_POSTGRES` policy.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CLIENT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/clients/epcis2js");
const NOOLUUR: &str = env!("CARGO_BIN_EXE_nooluur");
/// Generous bounds so a hung server or client fails the test instead of hanging CI.
const SERVER_START_LIMIT: Duration = Duration::from_secs(120);
const CLIENT_LIMIT: Duration = Duration::from_secs(600);

#[test]
fn epcis2js_against_sqlite() {
    if matches!(test_db().as_deref(), Some("postgres" | "memory")) {
        eprintln!("skipping the epcis2.js client test on SQLite: NOOLUUR_TEST_DB is not sqlite");
        return;
    }
    let Some(client) = client_or_skip() else {
        return;
    };
    let dir = TempDir::new("sqlite");
    let db = format!("sqlite://{}", dir.path().join("nooluur.db").display());
    run_client(&client, &dir, &db);
}

#[test]
fn epcis2js_against_postgres() {
    if matches!(test_db().as_deref(), Some("sqlite" | "memory"))
        && !nooluur_store::testing::postgres_required()
    {
        eprintln!(
            "skipping the epcis2.js client test on PostgreSQL: NOOLUUR_TEST_DB is not postgres"
        );
        return;
    }
    let Some(client) = client_or_skip() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let Some(pg) = rt.block_on(nooluur_store::testing::TestDatabase::create()) else {
        return;
    };
    let dir = TempDir::new("postgres");
    run_client(&client, &dir, &pg.url);
    // `pg` drops the database here, after the server has been stopped.
}

/// The client's field comparison flags the changes the test relies on it to catch.
#[test]
fn epcis2js_comparison_catches_changes() {
    let Some(client) = client_or_skip() else {
        return;
    };
    let out = Command::new("node")
        .args(["--test", "compare.test.mjs"])
        .current_dir(&client)
        .stdin(Stdio::null())
        .output()
        .expect("run node --test");
    assert!(
        out.status.success(),
        "compare.test.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn test_db() -> Option<String> {
    std::env::var("NOOLUUR_TEST_DB").ok()
}

/// The client directory, or `None` (with a notice) when Node or the installed SDK is missing.
fn client_or_skip() -> Option<PathBuf> {
    let dir = PathBuf::from(CLIENT_DIR);
    let problem = match Command::new("node").arg("--version").output() {
        Err(e) => Some(format!("`node` cannot be run ({e})")),
        Ok(o) if !o.status.success() => Some("`node --version` failed".to_owned()),
        Ok(_) if !dir.join("node_modules/epcis2.js/package.json").is_file() => Some(format!(
            "{} has no node_modules/epcis2.js (run tests/clients/epcis2js/install.sh)",
            dir.display()
        )),
        Ok(_) => None,
    };
    match problem {
        None => Some(dir),
        Some(p) if std::env::var("REQUIRE_EPCIS2JS").is_ok_and(|v| v == "1") => {
            panic!("REQUIRE_EPCIS2JS=1 but {p}")
        }
        Some(p) => {
            eprintln!("skipping the epcis2.js client test: {p}");
            None
        }
    }
}

/// Creates a processor organisation, serves the store and runs the Node client against it.
fn run_client(client: &Path, dir: &TempDir, db: &str) {
    let token = add_org(db);
    let server = Server::start(db, dir.path());
    let base = format!("http://{}", server.addr);

    let out_path = dir.path().join("client.out");
    let out = fs::File::create(&out_path).expect("create client.out");
    let err = out.try_clone().expect("clone client.out");
    let mut node = Command::new("node")
        .arg("test.mjs")
        .arg(&base)
        .arg(&token)
        .current_dir(client)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start node");
    let status = wait_bounded(&mut node, CLIENT_LIMIT);
    let output = fs::read_to_string(&out_path).unwrap_or_default();
    match status {
        Some(s) if s.success() => println!("{output}"),
        Some(s) => panic!(
            "the epcis2.js client failed ({s}) against {base} ({db}):\n{output}\n--- server log (tail) ---\n{}",
            server.log_tail()
        ),
        None => panic!(
            "the epcis2.js client did not finish within {CLIENT_LIMIT:?}:\n{output}\n--- server log (tail) ---\n{}",
            server.log_tail()
        ),
    }
}

/// `nooluur org add` a processor; the token is the last line of stdout.
fn add_org(db: &str) -> String {
    let out = Command::new(NOOLUUR)
        .args([
            "org",
            "add",
            "epcis2js-knitwear",
            "--role",
            "processor",
            "--db",
            db,
        ])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run nooluur org add");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "nooluur org add failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let token = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned();
    assert!(
        !token.is_empty() && !token.contains(char::is_whitespace),
        "nooluur org add printed no token as its last line:\n{stdout}"
    );
    token
}

/// A `nooluur serve` child process, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server on a free loopback port and waits until it answers HTTP. Another
    /// process may take the port between our probe and the server's bind: then try another.
    fn start(db: &str, dir: &Path) -> Server {
        let mut last_log = String::new();
        for attempt in 0..3 {
            let addr = free_port();
            let log = dir.join(format!("server-{attempt}.log"));
            let out = fs::File::create(&log).expect("create server log");
            let err = out.try_clone().expect("clone server log");
            let child = Command::new(NOOLUUR)
                .args(["serve", "--db", db, "--addr", &addr.to_string()])
                .env_remove("DATABASE_URL")
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .expect("start nooluur serve");
            let mut server = Server { child, addr, log };
            if server.wait_ready() {
                return server;
            }
            last_log = server.log_tail();
        }
        panic!("nooluur serve --db {db} did not start:\n{last_log}");
    }

    /// True once the server answers an HTTP request; false if it exits first.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + SERVER_START_LIMIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if answers_http(self.addr) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "nooluur serve did not answer on {} within {SERVER_START_LIMIT:?}:\n{}",
            self.addr,
            self.log_tail()
        );
    }

    fn log_tail(&self) -> String {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
}

fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let req = format!("OPTIONS / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 8];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

/// Waits for a child at most `limit`; kills it and returns `None` past that.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "nooluur-epcis2js-{tag}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&path).expect("create a temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
