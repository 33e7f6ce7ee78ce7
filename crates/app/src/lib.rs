//! The use cases of nooluur. `server` and `cli` are thin shells over this crate.
//!
//! An [`App`] holds the store, the configuration and the injected clock and randomness.
//! Entry points, by module:
//! - [`orgs`]: organisations and API tokens (`orgs::add(&app, name, role, identifiers) -> token`);
//! - [`auth`]: from a bearer token to a [`auth::Principal`];
//! - [`capture`]: the capture pipeline (decode → validate → hash → record time → store);
//! - [`jobs`]: asynchronous capture jobs and their worker;
//! - [`query`]: event queries with visibility, top-level resources, named queries;
//! - [`render`]: EPCISQueryDocument output (JSON-LD, XML) with `GS1-EPC-Format`;
//! - [`subscriptions`]: webhook subscriptions (streaming and scheduled) and their worker;
//! - [`credentials`]: quality certificates signed by labs' keys, revocation, status lists.

extern crate nooluur_store as store;

pub mod auth;
pub mod capture;
pub mod climate;
pub mod clock;
mod codec;
pub mod credentials;
pub mod error;
pub mod finance;
pub mod jobs;
pub mod log;
pub mod market;
pub mod memory;
pub mod named;
pub mod orgs;
pub mod provenance;
pub mod query;
pub mod render;
pub mod sessions;
pub mod subscriptions;

use std::sync::Arc;
use std::time::Duration;

pub use error::{AppError, ErrorItem, Result};
pub use store::Store;

use clock::{Clock, OsRandom, Random, SystemClock};

/// Limits and tunables. `Config::default()` is what `nooluur serve` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Most events one capture request may carry (`GS1-EPCIS-Capture-Limit`).
    pub capture_limit: usize,
    /// Largest capture request body in bytes (`GS1-EPCIS-Capture-File-Size-Limit`).
    pub capture_file_size_limit: usize,
    /// Events per page when the client gives no `perPage`.
    pub default_page_size: u32,
    /// Upper bound for `perPage`.
    pub max_page_size: u32,
    /// How often workers look at the store for work other processes left there.
    pub poll_interval: Duration,
    /// Events per webhook POST.
    pub delivery_batch: usize,
    /// Timeout of one webhook POST.
    pub webhook_timeout: Duration,
    /// First retry delay after a failed delivery; doubles up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Absolute base URL of the deployment (for `Location` and `Link`), if known.
    pub base_url: Option<String>,
    /// Identifier form used in output when the client sends no `GS1-EPC-Format`.
    pub default_epc_format: render::EpcFormat,
    /// The transparency log's origin (first line of its checkpoints; no spaces).
    pub log_origin: String,
    /// The log's signing key (C2SP signed-note `PRIVATE+KEY+…`, named like the origin); when
    /// absent one is generated and kept in the store.
    pub log_key: Option<SecretKey>,
    /// Bytes of rendered public pages (passports) the server keeps; 0 turns the cache off.
    pub page_cache_bytes: u64,
    /// Longest a kept page is served while the store has not changed: what depends on the
    /// clock alone (a credential's expiry, the dzud outlook's year) is at most this late.
    pub page_cache_ttl: Duration,
}

/// A secret that never shows in `Debug` output (configuration is logged).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(pub String);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(hidden)")
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            capture_limit: 100_000,
            capture_file_size_limit: 128 * 1024 * 1024,
            default_page_size: 100,
            max_page_size: 10_000,
            poll_interval: Duration::from_millis(500),
            delivery_batch: 1_000,
            webhook_timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            base_url: None,
            default_epc_format: render::EpcFormat::AlwaysDigitalLink,
            log_origin: "nooluur.local/log".to_owned(),
            log_key: None,
            page_cache_bytes: 16 * 1024 * 1024,
            page_cache_ttl: Duration::from_secs(60),
        }
    }
}

/// The application: store, configuration, clock, randomness and the in-process signals that
/// wake the workers. Cheap to clone (everything is shared).
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub(crate) signals: Arc<Signals>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.store.backend())
            .field("config", &self.config)
            .finish()
    }
}

/// In-process wake-ups. Other processes' work is found by polling the store.
pub(crate) struct Signals {
    /// Client for webhook deliveries.
    pub http: reqwest::Client,
    /// A capture job was queued.
    pub jobs: tokio::sync::Notify,
    /// Events were stored: streaming subscriptions should look. Carries the highest seq.
    pub events: tokio::sync::watch::Sender<i64>,
    /// Prepared events of jobs accepted by this process, so the worker need not parse twice.
    /// Entries another process claimed the job of are dropped after [`PREPARED_TTL`].
    pub log_signer: tokio::sync::OnceCell<tlog::Signer>,
    pub prepared: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, capture::Prepared)>,
    >,
}

impl App {
    /// An app over a store, with the system clock and OS randomness.
    pub fn new(store: Arc<dyn Store>, config: Config) -> App {
        App::with_clock(store, config, Arc::new(SystemClock), Arc::new(OsRandom))
    }

    /// An app with an injected clock and random source (tests, simulations).
    pub fn with_clock(
        store: Arc<dyn Store>,
        config: Config,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
    ) -> App {
        App {
            store,
            clock,
            random,
            signals: Arc::new(Signals {
                http: reqwest::Client::builder()
                    .timeout(config.webhook_timeout)
                    .build()
                    .unwrap_or_default(),
                jobs: Default::default(),
                events: tokio::sync::watch::Sender::new(0),
                log_signer: Default::default(),
                prepared: Default::default(),
            }),
            config: Arc::new(config),
        }
    }

    /// Opens (and migrates) the store at `db_url` (`sqlite://PATH` or `postgres://…`) with the
    /// default configuration.
    pub async fn open(db_url: &str) -> Result<App> {
        let store = store::open(db_url).await?;
        Ok(App::new(store, Config::default()))
    }

    /// Starts the background workers of this process: the capture-job worker and the
    /// subscription deliverer. They stop when the returned handle is dropped or shut down.
    pub fn spawn_workers(&self) -> Workers {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let handles = vec![
            tokio::spawn(jobs::run_worker(self.clone(), rx.clone())),
            tokio::spawn(subscriptions::run_worker(self.clone(), rx)),
        ];
        Workers { stop: tx, handles }
    }

    /// A random identifier: 16 bytes, hex (capture jobs, subscriptions).
    pub fn random_id(&self) -> String {
        let mut b = [0u8; 16];
        self.random.fill(&mut b);
        hex::encode(b)
    }

    pub(crate) fn notify_events(&self, max_seq: i64) {
        self.signals.events.send_if_modified(|cur| {
            if max_seq > *cur {
                *cur = max_seq;
                true
            } else {
                false
            }
        });
    }

    pub(crate) fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        self.signals.events.subscribe()
    }
}

/// How long prepared events wait in memory for this process's worker to claim their job.
pub(crate) const PREPARED_TTL: Duration = Duration::from_secs(600);

/// Handle on the background workers of an [`App`].
#[derive(Debug)]
pub struct Workers {
    stop: tokio::sync::watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Asks the workers to stop and waits for them to finish what they are doing.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for h in self.handles.drain(..) {
            let _ = h.await;
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Waits until `stop` turns true or `d` passes, whichever is first; true when stopping.
pub(crate) async fn sleep_or_stop(
    stop: &mut tokio::sync::watch::Receiver<bool>,
    d: Duration,
) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        r = stop.changed() => r.is_err() || *stop.borrow(),
    }
}
