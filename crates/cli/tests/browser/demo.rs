//! `nooluur demo` as a child process of the browser tests: a small season in a fresh data
//! directory on a free port, with the URLs and tokens it prints. Dropping it stops the demo
//! and removes the directory.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};

/// The roles the demo prints a token for, in its order; `herder` comes last.
const ROLES: &[&str] = &[
    "admin",
    "cooperative",
    "lab",
    "processor",
    "brand",
    "buyer",
    "regulator",
    "lender",
    "herder",
];

/// Loading the season and starting the server, on a slow shared CI machine.
const STARTUP: Duration = Duration::from_secs(120);

/// After the last expected line the demo prints nothing more: stop reading after this quiet.
const QUIET: Duration = Duration::from_secs(2);

pub struct Demo {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub passport: String,
    pub tokens: BTreeMap<String, String>,
}

impl Demo {
    /// Runs `nooluur demo` and reads its stdout until every token line arrived. The demo's
    /// stderr goes to `log`.
    pub fn start(households: u32, log: &Path) -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("nooluur-browser-{}-{nanos}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let err = std::fs::File::create(log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_nooluur"))
            .args(["demo", "--addr", "127.0.0.1:0", "--households"])
            .arg(households.to_string())
            .arg("--data-dir")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .context("cannot run nooluur demo")?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("nooluur demo has no stdout");
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // From here on, Drop stops the demo whatever goes wrong.
        let mut demo = Self {
            child,
            dir,
            base: String::new(),
            passport: String::new(),
            tokens: BTreeMap::new(),
        };
        let lines = read_lines(&rx, &mut demo.child)
            .with_context(|| format!("nooluur demo did not start (see {})", log.display()))?;
        demo.passport = value(&lines, "passport:")?;
        demo.base = origin(&demo.passport)?;
        for line in &lines {
            if let Some(rest) = line.strip_prefix("token ")
                && let Some((role, token)) = rest.split_once(':')
            {
                demo.tokens
                    .insert(role.trim().to_owned(), token.trim().to_owned());
            }
        }
        Ok(demo)
    }

    pub fn token(&self, role: &str) -> Result<&str> {
        self.tokens
            .get(role)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("the demo printed no token for {role}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Lines until every role's token arrived, or until the output stays quiet after the
/// `passport:` line and at least one token (a demo with fewer roles).
fn read_lines(rx: &mpsc::Receiver<String>, child: &mut Child) -> Result<Vec<String>> {
    let deadline = Instant::now() + STARTUP;
    let mut lines: Vec<String> = Vec::new();
    let all_tokens = |lines: &[String]| {
        ROLES.iter().all(|r| {
            let prefix = format!("token {r}:");
            lines.iter().any(|l| l.starts_with(&prefix))
        })
    };
    let mut last_token: Option<Instant> = None;
    loop {
        if all_tokens(&lines) {
            return Ok(lines);
        }
        if let Some(t) = last_token
            && t.elapsed() >= QUIET
        {
            return Ok(lines);
        }
        if Instant::now() >= deadline {
            bail!("no passport and tokens within {STARTUP:?}; printed {lines:?}");
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) => {
                if l.starts_with("token ") && lines.iter().any(|l| l.starts_with("passport:")) {
                    last_token = Some(Instant::now());
                }
                lines.push(l);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.try_wait().ok().flatten();
                bail!("nooluur demo stopped ({status:?}); printed {lines:?}");
            }
        }
    }
}

fn value(lines: &[String], prefix: &str) -> Result<String> {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().to_owned())
        .ok_or_else(|| anyhow!("no {prefix:?} line in {lines:?}"))
}

/// `http://host:port` of a URL.
fn origin(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("not an http URL: {url}"))?;
    let host = rest.split('/').next().unwrap_or(rest);
    Ok(format!("http://{host}"))
}
