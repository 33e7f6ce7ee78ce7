//! Commands that work on a store: `serve`, `org`, `capture`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use nooluur_app::{App, AppError, capture, orgs};
use nooluur_store::{CaptureMode, Role};

/// Where the store is: `--db URL`, else `DATABASE_URL`, else a SQLite file in `./nooluur-data/`.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB` (default: ./nooluur-data/nooluur.db).
    #[arg(long, env = "DATABASE_URL")]
    pub db: Option<String>,
    /// Origin of the transparency log (first line of its checkpoints; no spaces).
    #[arg(long, env = "NOOLUUR_LOG_ORIGIN", default_value = "nooluur.local/log")]
    pub log_origin: String,
    /// The log's signing key (`PRIVATE+KEY+<origin>+…`); without it a key is generated once
    /// and kept in the store. Read from the environment only, never from the command line.
    #[arg(skip = std::env::var("NOOLUUR_LOG_KEY").ok())]
    pub log_key: Option<String>,
    /// Memory (MiB) for the SQLite writer's page cache. Default: 32 for a server, within its
    /// memory budget; 256 for bulk loads (`capture`, `bench capture`/`query`), whose inserts
    /// into randomly keyed indexes slow down once those outgrow the cache.
    #[arg(long, env = "NOOLUUR_SQLITE_CACHE_MIB", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub sqlite_cache_mib: Option<u32>,
}

/// The SQLite writer's page cache for bulk loads (see [`DbArgs::sqlite_cache_mib`]).
pub const BULK_SQLITE_CACHE_MIB: u32 = 256;

impl DbArgs {
    pub fn url(&self) -> Result<String> {
        match &self.db {
            Some(url) => Ok(url.clone()),
            None => {
                let dir = PathBuf::from("nooluur-data");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create data directory {}", dir.display()))?;
                Ok(nooluur_store::default_sqlite_url(&dir))
            }
        }
    }

    pub async fn open(&self) -> Result<App> {
        self.open_with_cache(nooluur_store::OpenOptions::DEFAULT_SQLITE_CACHE_MIB, 0)
            .await
    }

    /// Opens the store for a bulk load: a larger SQLite writer cache unless one is given.
    pub async fn open_bulk(&self) -> Result<App> {
        self.open_with_cache(
            BULK_SQLITE_CACHE_MIB,
            nooluur_store::OpenOptions::MAX_SQLITE_MMAP_MIB,
        )
        .await
    }

    async fn open_with_cache(&self, default_cache_mib: u32, mmap_mib: u32) -> Result<App> {
        let url = self.url()?;
        let options = nooluur_store::OpenOptions {
            sqlite_cache_mib: self.sqlite_cache_mib.unwrap_or(default_cache_mib),
            sqlite_mmap_mib: mmap_mib,
        };
        if let Some(path) = url.strip_prefix("sqlite://")
            && let Some(parent) = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let store = nooluur_store::open_with(&url, &options)
            .await
            .map_err(|e| explain(AppError::from(e)).context(format!("cannot open store {url}")))?;
        if self.log_origin.is_empty() || self.log_origin.contains(char::is_whitespace) {
            bail!(
                "the log origin {:?} must be non-empty and free of spaces",
                self.log_origin
            );
        }
        let config = nooluur_app::Config {
            log_origin: self.log_origin.clone(),
            log_key: self.log_key.clone().map(nooluur_app::SecretKey),
            ..nooluur_app::Config::default()
        };
        Ok(App::new(store, config))
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// MiB of rendered passports kept between requests (0 turns the cache off); a page is
    /// kept gzipped, about 10 KB.
    #[arg(long, env = "NOOLUUR_PAGE_CACHE_MIB", default_value_t = 16)]
    page_cache_mib: u64,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation; prints its API token as the last line.
    Add(OrgAddArgs),
    /// Issue another API token for an organisation; prints it as the last line.
    Token(OrgTokenArgs),
    /// List the organisations.
    List(DbArgs),
}

#[derive(Debug, Args)]
pub struct OrgAddArgs {
    name: String,
    /// herder, cooperative, lab, certifier, processor, brand, buyer, lender, insurer, regulator, admin
    #[arg(long)]
    role: String,
    /// A party identifier (PGLN, SGLN, URI) the organisation answers for; repeatable.
    #[arg(long = "identifier")]
    identifiers: Vec<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Args)]
pub struct OrgTokenArgs {
    name: String,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// EPCIS documents (JSON-LD or XML).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
    /// The capturing organisation (default: `operator`, an admin organisation created on first use).
    #[arg(long)]
    org: Option<String>,
    /// Store the valid events of a document even if others are invalid (default: all or nothing).
    #[arg(long)]
    proceed: bool,
}

/// Turns an application error into a message that names the first few problems.
pub fn explain(e: AppError) -> anyhow::Error {
    let items = match &e {
        AppError::Validation { errors, .. } | AppError::AlreadyExists { errors, .. } => {
            errors.clone()
        }
        _ => Vec::new(),
    };
    let mut msg = e.to_string();
    for item in items.iter().take(3) {
        msg.push_str("; ");
        msg.push_str(&item.to_string());
    }
    if items.len() > 3 {
        msg.push_str(&format!("; and {} more", items.len() - 3));
    }
    anyhow!(msg)
}

pub async fn serve(args: ServeArgs) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let addr = nooluur_server::parse_addr(&args.addr).map_err(|e| anyhow!(e))?;
    let mut app = args.db.open().await?;
    let mut config = (*app.config).clone();
    config.page_cache_bytes = args.page_cache_mib.saturating_mul(1024 * 1024);
    app.config = std::sync::Arc::new(config);
    eprintln!(
        "nooluur: EPCIS repository on http://{addr}/ ({:?} store)",
        app.store.backend()
    );
    nooluur_server::serve(app, addr)
        .await
        .with_context(|| format!("cannot serve on {addr}"))
}

pub async fn org(cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Add(a) => {
            let role = Role::parse(&a.role).ok_or_else(|| {
                let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                anyhow!("unknown role '{}': one of {}", a.role, all.join(", "))
            })?;
            let app = a.db.open().await?;
            let (org, token) = orgs::add(&app, &a.name, role, &a.identifiers)
                .await
                .map_err(explain)?;
            println!("organisation {} ({}) created", org.name, org.role.as_str());
            println!("{token}");
        }
        OrgCommand::Token(a) => {
            let app = a.db.open().await?;
            let token = orgs::add_token(&app, &a.name).await.map_err(explain)?;
            println!("{token}");
        }
        OrgCommand::List(db) => {
            let app = db.open().await?;
            for o in orgs::list(&app).await.map_err(explain)? {
                println!(
                    "{}\t{}\t{}",
                    o.name,
                    o.role.as_str(),
                    o.identifiers.join(",")
                );
            }
        }
    }
    Ok(())
}

const OPERATOR: &str = "operator";

pub async fn capture(args: CaptureArgs) -> Result<()> {
    let app = args.db.open_bulk().await?;
    let principal = match &args.org {
        Some(name) => orgs::principal(&app, name).await.map_err(explain)?,
        None => match orgs::principal(&app, OPERATOR).await {
            Ok(p) => p,
            Err(AppError::NotFound { .. }) => {
                orgs::add(&app, OPERATOR, Role::Admin, &[])
                    .await
                    .map_err(explain)?;
                orgs::principal(&app, OPERATOR).await.map_err(explain)?
            }
            Err(e) => return Err(explain(e)),
        },
    };
    let mode = if args.proceed {
        CaptureMode::Proceed
    } else {
        CaptureMode::Atomic
    };
    let total_bytes: u64 = args
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    // A bar only where it helps: large inputs on a terminal.
    let bar = if total_bytes > 4 << 20 {
        let bar = ProgressBar::new(total_bytes);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let (mut events, mut failed) = (0usize, 0usize);
    // Files are read as the pipeline asks for them; a read error ends the run after the
    // documents before it are stored.
    let mut read_error = None;
    let files = &args.files;
    let documents = files.iter().map_while(|file| match std::fs::read(file) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            read_error = Some(anyhow::anyhow!("cannot read {}: {e}", file.display()));
            None
        }
    });
    let mut failure = None;
    capture::capture_many(
        &app,
        &principal,
        documents,
        mode,
        super::bench::PARALLEL,
        |i, outcome| {
            let file = &files[i];
            match outcome {
                Ok(report) => {
                    events += report.event_ids.len();
                    failed += report.errors.len();
                    for e in &report.errors {
                        bar.suspend(|| eprintln!("{}: not captured: {e}", file.display()));
                    }
                    bar.set_message(file.display().to_string());
                    bar.inc(std::fs::metadata(file).map(|m| m.len()).unwrap_or(0));
                    true
                }
                Err(e) => {
                    failure =
                        Some(explain(e).context(format!("{} was not captured", file.display())));
                    false
                }
            }
        },
    )
    .await
    .map_err(explain)?;
    if let Some(e) = failure.or(read_error) {
        bar.finish_and_clear();
        return Err(e);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "captured {events} events from {} document(s) in {secs:.2} s ({:.0} events/s)",
        args.files.len(),
        events as f64 / secs.max(1e-9)
    );
    if failed > 0 {
        bail!("{failed} event(s) were not captured");
    }
    Ok(())
}
