//! Browser tests in real headless Chromium (Debian's `chromium` and `chromedriver`): the
//! demo's passport in both languages with its journey followed step by step, and a
//! cooperative's intake → pool → auction → bid → settlement through the web forms.
//! Screenshots of every step land in `<CARGO_TARGET_TMPDIR>/browser-screenshots/`.
//!
//! Without `chromium` or `chromedriver` on PATH the test is skipped, unless
//! `REQUIRE_BROWSER=1` (as in CI) makes that a failure.

#[path = "browser/demo.rs"]
mod demo;
#[path = "browser/flow.rs"]
mod flow;
#[path = "browser/passport.rs"]
mod passport;
#[path = "browser/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};

use demo::Demo;
use webdriver::Browser;

/// Enough households for a passport with a full journey, few enough to load in seconds.
const HOUSEHOLDS: u32 = 150;

/// `chromedriver` and `chromium` from PATH, or `None` (after saying so) to skip.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path("chromedriver");
    let chromium = on_path("chromium");
    match (driver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        (d, c) => {
            let missing: Vec<&str> = [("chromedriver", d.is_none()), ("chromium", c.is_none())]
                .into_iter()
                .filter_map(|(name, gone)| gone.then_some(name))
                .collect();
            let msg = format!("{} not on PATH", missing.join(" and "));
            assert!(
                std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
                "REQUIRE_BROWSER=1 but {msg}"
            );
            eprintln!(
                "skipping the browser tests: {msg} (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs one scenario in its own browser session (so no cookie leaks from one to the next)
/// and turns any failure into a message.
async fn scenario<F>(name: &str, tools: &(PathBuf, PathBuf), shots: &Path, f: F) -> Option<String>
where
    F: AsyncFnOnce(&mut Browser) -> anyhow::Result<()>,
{
    let mut b = match Browser::start(&tools.0, &tools.1, shots, name).await {
        Ok(b) => b,
        Err(e) => return Some(format!("{name}: {e:#}")),
    };
    match f(&mut b).await {
        Ok(()) => {
            println!("browser scenario {name}: passed");
            None
        }
        Err(e) => Some(format!("{name}: {e:#}")),
    }
}

// One demo serves both scenarios; they run one after the other, each reported on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passport_and_cooperative_flow_in_chromium() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    // Screenshots of an earlier run would pass for this one's.
    let _ = std::fs::remove_dir_all(&shots);
    if let Err(e) = std::fs::create_dir_all(&shots) {
        panic!("cannot create {}: {e}", shots.display());
    }
    let demo = match Demo::start(HOUSEHOLDS, &shots.join("demo.log")) {
        Ok(d) => d,
        Err(e) => panic!("{e:#}"),
    };
    println!("demo passport: {}", demo.passport);

    let mut failures = Vec::new();
    failures.extend(
        scenario("passport", &tools, &shots, async |b: &mut Browser| {
            passport::run(b, &demo).await
        })
        .await,
    );
    failures.extend(
        scenario("flow", &tools, &shots, async |b: &mut Browser| {
            flow::run(b, &demo).await
        })
        .await,
    );
    assert!(
        failures.is_empty(),
        "browser scenarios failed:\n{}\n(screenshots and logs in {})",
        failures.join("\n"),
        shots.display()
    );
}
