//! `nooluur demo`: the whole platform on a fresh machine in one command. Creates an embedded
//! SQLite store in a data directory, the demo organisations with their tokens, a simulated
//! season captured through the ordinary pipeline, the households in the registry (about two
//! in three consent to their name on passports), lab certificates for the passport garment's
//! lots; then serves, and prints what to open once the server answers.
//!
//! A data directory that already holds the demo is reused as it is (new tokens are issued,
//! since only token hashes are stored); any other non-empty directory is refused.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use nooluur_app::auth::Principal;
use nooluur_app::market::registry::{Consent, NewHousehold};
use nooluur_app::{App, Config, capture, orgs};
use nooluur_store::{CaptureMode, Role};
use serde_json::json;

use super::db::explain;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Directory of the demo's SQLite store (created; reused when it holds the demo).
    #[arg(long, default_value = "nooluur-demo")]
    data_dir: PathBuf,
    /// Herder households of the simulated season.
    #[arg(long, default_value_t = 1_000)]
    households: u32,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Setting under which the demo remembers its passport garment, written last: a demo without
/// it did not finish loading.
const PASSPORT_KEY: &str = "demo.passport";

/// Setting holding the base URL the demo was made on (credential ids and status lists name it).
const BASE_KEY: &str = "demo.base";

/// The demo organisations: (role, name). Processor, brand, buyer and lab take the simulated
/// parties' names and identifiers, so the journey names them.
const ROLES: &[Role] = &[
    Role::Admin,
    Role::Cooperative,
    Role::Lab,
    Role::Processor,
    Role::Brand,
    Role::Buyer,
    Role::Regulator,
    Role::Lender,
    Role::Herder,
];

/// Mean fibre diameters of the demo's lab results, µm.
const MFD_UM: [f64; 3] = [15.2, 15.5, 15.8];

const NAMES: &[&str] = &[
    "Bat-Erdene",
    "Oyunchimeg",
    "Gantulga",
    "Sarangerel",
    "Tömörbaatar",
    "Enkhtuya",
    "Munkhbayar",
    "Altantsetseg",
];

pub async fn demo(args: DemoArgs) -> Result<()> {
    let addr = nooluur_server::parse_addr(&args.addr).map_err(|e| anyhow!(e))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let base = format!("http://{local}");
    let dir = &args.data_dir;
    let existed = dir.join("nooluur.db").exists();
    if !existed && is_non_empty(dir) {
        bail!(
            "{} is not empty and holds no demo: choose another --data-dir",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let url = nooluur_store::default_sqlite_url(dir);
    let store = nooluur_store::open(&url)
        .await
        .map_err(|e| explain(e.into()).context(format!("cannot open store {url}")))?;
    let app = App::new(
        store,
        Config {
            base_url: Some(base.clone()),
            ..Config::default()
        },
    );
    let started = Instant::now();
    let is_demo = orgs::by_name(&app, &demo_name(Role::Admin)).await.is_ok();
    let (tokens, passport, coop_id) = if !is_demo {
        if app.store.max_seq().await.map_err(|e| explain(e.into()))? > 0 {
            bail!(
                "{} holds a store that is not a demo: choose another --data-dir",
                dir.display()
            );
        }
        let loaded = load(&app, &args).await?;
        eprintln!(
            "demo: {} households loaded in {:.1} s",
            args.households,
            started.elapsed().as_secs_f64()
        );
        loaded
    } else {
        eprintln!("demo: reusing the demo in {}", dir.display());
        let made_on = app
            .store
            .setting_or_insert(BASE_KEY, &base)
            .await
            .map_err(|e| explain(e.into()))?;
        if made_on != base {
            eprintln!(
                "demo: warning: the demo was made on {made_on}; its certificates name that \
                 address, so passports served on {base} cannot check them (use --addr {})",
                made_on.trim_start_matches("http://")
            );
        }
        reuse(&app, dir).await?
    };

    let served = app.clone();
    let server = tokio::spawn(async move {
        nooluur_server::serve_listener(served, listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    });
    let passport_url = format!(
        "{base}{}",
        passport
            .strip_prefix("https://id.gs1.org")
            .unwrap_or(&passport)
    );
    wait_until_up(&passport_url).await?;
    println!("passport: {passport_url}");
    println!("cooperative: {base}/app/cooperative (sign in with the cooperative token)");
    println!("regulator: {base}/app/regulator (sign in with the regulator token)");
    println!("api: {base}/cooperatives/{coop_id}/members (JSON, cooperative token)");
    println!("qr: {base}/qr?target={}", enc(&passport_url));
    for (role, token) in &tokens {
        println!("token {role}: {token}");
    }
    eprintln!("demo: Ctrl-C stops the server");
    server
        .await
        .context("the server task failed")?
        .context("the server stopped")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

async fn wait_until_up(url: &str) -> Result<()> {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http.get(url).header("accept", "text/html").send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the server did not answer {url} within 10 s")
}

fn demo_name(role: Role) -> String {
    format!("demo {}", role.as_str())
}

async fn principal(app: &App, role: Role) -> Result<Principal> {
    orgs::principal(app, &demo_name(role))
        .await
        .map_err(explain)
}

/// Issues a fresh token for each demo organisation of an existing demo.
async fn reuse(app: &App, dir: &Path) -> Result<(Vec<(String, String)>, String, i64)> {
    let passport = app
        .store
        .setting_or_insert(PASSPORT_KEY, "")
        .await
        .map_err(|e| explain(e.into()))?;
    if passport.is_empty() {
        bail!(
            "the demo in {} was not finished loading: delete the directory and run again",
            dir.display()
        );
    }
    let mut tokens = Vec::new();
    for &role in ROLES {
        let token = orgs::add_token(app, &demo_name(role))
            .await
            .map_err(explain)?;
        tokens.push((role.as_str().to_owned(), token));
    }
    let coop = principal(app, Role::Cooperative).await?.id().0;
    Ok((tokens, passport, coop))
}

async fn load(app: &App, args: &DemoArgs) -> Result<(Vec<(String, String)>, String, i64)> {
    let mut simulation = sim::Simulation::new(sim::Season::new(args.households, args.seed))
        .context("cannot simulate this season")?;
    let parties = simulation.manifest().parties.clone();
    let party = |role: sim::Role| parties.iter().find(|p| p.role == role);
    let mut tokens = Vec::new();
    for &role in ROLES {
        let p = match role {
            Role::Lab => party(sim::Role::Lab),
            Role::Processor => party(sim::Role::Processor),
            Role::Brand => party(sim::Role::Brand),
            Role::Buyer => party(sim::Role::Buyer),
            _ => None,
        };
        let ids: Vec<String> = p
            .map(|p| {
                let mut v = vec![p.id.clone()];
                if p.site != p.id {
                    v.push(p.site.clone());
                }
                v
            })
            .unwrap_or_default();
        let (_, token) = orgs::add(app, &demo_name(role), role, &ids)
            .await
            .map_err(explain)?;
        tokens.push((role.as_str().to_owned(), token));
    }

    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(format!("simulating {} households", args.households));
    let docs: Vec<Vec<u8>> = simulation
        .by_ref()
        .map(|c| c.to_json().into_bytes())
        .collect();
    let manifest = simulation.manifest().clone();
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} documents {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_length(docs.len() as u64);
    bar.set_position(0);
    bar.set_message("captured");
    let operator = principal(app, Role::Admin).await?;
    let mut failure = None;
    capture::capture_many(
        app,
        &operator,
        docs,
        CaptureMode::Atomic,
        2,
        |i, outcome| match outcome {
            Ok(_) => {
                bar.inc(1);
                true
            }
            Err(e) => {
                failure = Some(explain(e).context(format!("document {i} was not captured")));
                false
            }
        },
    )
    .await
    .map_err(explain)?;
    if let Some(e) = failure {
        bar.finish_and_clear();
        return Err(e);
    }

    // The registry: the cooperative registers every household (numbered as the simulator
    // numbers them) and so takes it in as a member.
    let coop = principal(app, Role::Cooperative).await?;
    let total: u32 = manifest.soums.iter().map(|s| s.households).sum();
    bar.set_length(u64::from(total));
    bar.set_position(0);
    bar.set_message("households registered");
    for soum in &manifest.soums {
        for n in 1..=soum.households {
            let name = NAMES[(n as usize + soum.households as usize) % NAMES.len()];
            nooluur_app::market::registry::register(
                app,
                &coop,
                NewHousehold {
                    name: format!("{name} ({}-{n:05})", soum.code),
                    soum: soum.code.clone(),
                    bag: String::new(),
                    members: 1 + n % 5,
                    consent: Consent {
                        public_name: n % 3 != 0,
                        statistics: true,
                    },
                    org: None,
                },
            )
            .await
            .map_err(explain)?;
            bar.inc(1);
        }
    }

    // The passport garment, and lab certificates for a few of its lots.
    bar.set_message("certifying");
    let garment = manifest
        .garments
        .first()
        .ok_or_else(|| anyhow!("the season made no garment: try more --households"))?;
    let dl = epcis::id::to_digital_link(garment)
        .ok_or_else(|| anyhow!("garment {garment} has no Digital Link"))?;
    let lab = principal(app, Role::Lab).await?;
    let site = party(sim::Role::Lab)
        .map(|p| p.site.clone())
        .unwrap_or_default();
    let report = nooluur_app::provenance::provenance(app, Some(&operator), &dl)
        .await
        .map_err(explain)?;
    let lots: Vec<String> = report["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["claim"] == "mongolian-cashmere")
        .filter_map(|s| s["lot"].as_str().map(str::to_owned))
        .take(3)
        .collect();
    for (i, lot) in lots.iter().enumerate() {
        let result: quality::LabResult = serde_json::from_value(json!({
            "lot": lot,
            "lab": site,
            "sample_id": format!("DEMO-{:03}", i + 1),
            "methods": ["IWTO-47"],
            "tested_at": format!("{}-06-1{}T10:00:00+08:00", manifest.season.year, i + 1),
            "measurements": {"mfd_um": MFD_UM[i % MFD_UM.len()], "cv_pct": 21.5,
                             "over30_pct": 0.4, "length_mm": 38.0}
        }))
        .context("the demo lab result")?;
        nooluur_app::credentials::record_lab_result(app, &lab, result, &["us-cashmere".into()])
            .await
            .map_err(explain)?;
    }
    nooluur_app::log::publish(app).await.map_err(explain)?;
    let base = app.config.base_url.clone().unwrap_or_default();
    app.store
        .setting_or_insert(BASE_KEY, &base)
        .await
        .map_err(|e| explain(e.into()))?;
    app.store
        .setting_or_insert(PASSPORT_KEY, &dl)
        .await
        .map_err(|e| explain(e.into()))?;
    bar.finish_and_clear();
    eprintln!(
        "demo: {} events, {} garments, {} households in {} soums",
        manifest.events,
        manifest.garments.len(),
        total,
        manifest.soums.len()
    );
    Ok((tokens, dl, coop.id().0))
}
