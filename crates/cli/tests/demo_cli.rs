//! `nooluur demo` end to end: a small season in a temp data directory on a free port; the
//! passport line appears only once the server answers, and the passport it names is served
//! as HTML and JSON-LD. A second run on the same directory reuses the demo.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Demo {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &PathBuf, addr: &str) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nooluur"))
        .args(["demo", "--addr", addr, "--households", "20", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run nooluur demo");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Demo { child, lines: rx }
}

/// Lines up to and including the first `token herder:` line (the last one printed).
fn read_until_tokens(d: &Demo) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut out = Vec::new();
    while Instant::now() < deadline {
        match d.lines.recv_timeout(Duration::from_secs(1)) {
            Ok(l) => {
                let done = l.starts_with("token herder:");
                out.push(l);
                if done {
                    return out;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("nooluur demo printed no tokens: {out:?}");
}

fn value<'a>(lines: &'a [String], prefix: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no '{prefix}' line in {lines:?}"))
        .trim()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serves_a_passport() {
    let dir = std::env::temp_dir().join(format!("nooluur-demo-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let http = reqwest::Client::new();
    // One free port for both runs: the demo's certificates name the address it was made on.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    for run in 0..2 {
        let demo = start(&dir, &addr);
        let lines = read_until_tokens(&demo);
        let passport = value(&lines, "passport:").to_owned();
        assert!(passport.starts_with("http://127.0.0.1:"), "{passport}");
        assert!(
            passport.contains("/01/") && passport.contains("/21/"),
            "{passport}"
        );
        for role in [
            "admin",
            "cooperative",
            "lab",
            "regulator",
            "lender",
            "brand",
        ] {
            assert!(!value(&lines, &format!("token {role}:")).is_empty());
        }
        value(&lines, "cooperative:");
        value(&lines, "regulator:");

        let r = http
            .get(&passport)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Mongolian cashmere"), "{html}");
        assert!(
            html.contains("✓ verified"),
            "the demo's lab certificates: {html}"
        );

        let r = http
            .get(&passport)
            .header("accept", "application/ld+json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let p: serde_json::Value = r.json().await.unwrap();
        assert!(
            p["@id"]
                .as_str()
                .unwrap()
                .starts_with("https://id.gs1.org/01/")
        );
        assert!(!p["dpp:composition"].as_array().unwrap().is_empty());

        // The regulator's dashboard answers (without a session: its sign-in page).
        let regulator = value(&lines, "regulator:")
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        let r = http
            .get(&regulator)
            .bearer_auth(value(&lines, "token regulator:"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "run {run}: {regulator}");
        drop(demo);
    }
    // A directory that holds something else is refused.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nooluur"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&other)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    let _ = std::fs::remove_dir_all(&dir);
}
