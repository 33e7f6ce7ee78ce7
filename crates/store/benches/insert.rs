//! Store benchmarks: batch insert throughput (events/s) into SQLite (temporary file) and
//! PostgreSQL (a throw-away database, when reachable), and query latency of `MATCH_epc` and
//! `EQ_bizLocation` on a large store.
//!
//! `cargo bench -p nooluur-store --bench insert`; `NOOLUUR_BENCH_EVENTS` sets the events per
//! insert iteration (default 100,000) and `NOOLUUR_BENCH_STORE` the size of the query store
//! (default 1,000,000), `NOOLUUR_BENCH_BACKENDS` which backends (default `sqlite,postgres`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use epcis::query::EventQuery;
use epcis::{Event, Namespaces};
use nooluur_store::testing::TestDatabase;
use nooluur_store::{CaptureMode, NewEvent, OrgId, PageRequest, Store, Viewer};
use serde_json::json;

const BATCH: usize = 5_000;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A typical small event: a delivery of a lot of raw fibre, with an EPC, a quantity, a place
/// and parties.
fn event(n: u64) -> NewEvent {
    let v = json!({
        "type": "ObjectEvent",
        "eventID": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "eventTime": format!("2024-{:02}-{:02}T{:02}:00:00+08:00", 1 + n % 12, 1 + n % 28, n % 24),
        "eventTimeZoneOffset": "+08:00",
        "recordTime": "2024-12-31T00:00:00Z",
        "action": "OBSERVE",
        "bizStep": if n.is_multiple_of(3) { "receiving" } else { "shipping" },
        "disposition": "in_transit",
        "epcList": [format!("urn:epc:id:sgtin:0614141.107346.{n}")],
        "quantityList": [{"epcClass": format!("https://nooluur.example/id/lot/{}", n / 10),
                          "quantity": (n % 50) as f64 + 0.5, "uom": "KGM"}],
        "readPoint": {"id": format!("https://nooluur.example/id/camp/{}", n % 5000)},
        "bizLocation": {"id": format!("https://nooluur.example/id/soum/{}", n % 330)},
        "sourceList": [{"type": "owning_party", "source": format!("https://nooluur.example/id/household/{}", n % 20000)}],
        "destinationList": [{"type": "owning_party", "destination": format!("https://nooluur.example/id/coop/{}", n % 400)}],
    });
    let event: Event = serde_json::from_value(v).expect("bench event");
    NewEvent {
        event,
        hash_id: format!("ni:///sha-256;{n:064x}?ver=CBV2.0"),
        namespaces: Namespaces::new(),
        captured_by: OrgId(1 + (n % 7) as i64),
        capture_id: None,
    }
}

async fn fill(store: &dyn Store, from: u64, count: u64) -> Duration {
    let mut spent = Duration::ZERO;
    let mut next = from;
    while next < from + count {
        let end = (next + BATCH as u64).min(from + count);
        let batch: Vec<NewEvent> = (next..end).map(event).collect();
        let t = Instant::now();
        store
            .insert_events(batch, CaptureMode::Atomic)
            .await
            .expect("insert");
        spent += t.elapsed();
        next = end;
    }
    spent
}

struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    _dir: Option<TempDir>,
    _db: Option<TestDatabase>,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn backends() -> Vec<Backend> {
    let wanted =
        std::env::var("NOOLUUR_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let dir = std::env::temp_dir().join(format!("nooluur-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sqlite = nooluur_store::open(&nooluur_store::default_sqlite_url(&dir))
        .await
        .expect("sqlite");
    let mut out = Vec::new();
    if wanted.contains("sqlite") {
        out.push(Backend {
            name: "sqlite",
            store: sqlite,
            _dir: Some(TempDir(dir)),
            _db: None,
        });
    }
    if !wanted.contains("postgres") {
        return out;
    }
    if let Some(db) = TestDatabase::create().await {
        let pg = nooluur_store::open(&db.url).await.expect("postgres");
        out.push(Backend {
            name: "postgres",
            store: pg,
            _dir: None,
            _db: Some(db),
        });
    }
    out
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let per_iter = env_usize("NOOLUUR_BENCH_EVENTS", 100_000) as u64;
    let store_size = env_usize("NOOLUUR_BENCH_STORE", 1_000_000) as u64;
    for b in rt.block_on(backends()) {
        let mut next = 0u64;
        let mut g = c.benchmark_group(format!("insert/{}", b.name));
        g.sample_size(10);
        g.sampling_mode(SamplingMode::Flat);
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(8));
        g.throughput(Throughput::Elements(per_iter));
        g.bench_function(format!("{per_iter} events, batches of {BATCH}"), |bench| {
            bench.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += rt.block_on(fill(&*b.store, next, per_iter));
                    next += per_iter;
                }
                total
            });
        });
        g.finish();

        if next < store_size {
            let t = Instant::now();
            rt.block_on(fill(&*b.store, next, store_size - next));
            let n = store_size - next;
            eprintln!(
                "{}: filled to {store_size} events ({n} more at {:.0} events/s)",
                b.name,
                n as f64 / t.elapsed().as_secs_f64()
            );
            next = store_size;
        }
        let count = rt.block_on(b.store.count_events()).expect("count");
        let mut g = c.benchmark_group(format!("query/{}/{count} events", b.name));
        let viewer = Viewer::operator();
        let page = PageRequest {
            per_page: Some(100),
            token: None,
        };
        let mut i = 0u64;
        g.bench_function("MATCH_epc (one EPC)", |bench| {
            bench.iter(|| {
                i = (i * 7919 + 13) % next;
                let q = EventQuery::from_pairs(&[(
                    "MATCH_epc".into(),
                    format!("urn:epc:id:sgtin:0614141.107346.{i}"),
                )])
                .expect("query");
                let p = rt
                    .block_on(b.store.query_events(&q, &viewer, &page))
                    .expect("query");
                assert_eq!(p.items.len(), 1);
            });
        });
        g.bench_function("EQ_bizLocation (first page of 100)", |bench| {
            bench.iter(|| {
                i = (i * 7919 + 13) % 330;
                let q = EventQuery::from_pairs(&[(
                    "EQ_bizLocation".into(),
                    format!("https://nooluur.example/id/soum/{i}"),
                )])
                .expect("query");
                let p = rt
                    .block_on(b.store.query_events(&q, &viewer, &page))
                    .expect("query");
                assert_eq!(p.items.len(), 100);
            });
        });
        g.bench_function("MATCH_epc as a party (visibility in SQL)", |bench| {
            let restricted = Viewer {
                org: OrgId(99),
                sees_all: false,
                parties: vec!["https://nooluur.example/id/coop/7".into()],
            };
            bench.iter(|| {
                i = (i * 7919 + 13) % next;
                let q = EventQuery::from_pairs(&[(
                    "MATCH_epc".into(),
                    format!("urn:epc:id:sgtin:0614141.107346.{i}"),
                )])
                .expect("query");
                let _ = rt
                    .block_on(b.store.query_events(&q, &restricted, &page))
                    .expect("query");
            });
        });
        g.finish();
    }
}

criterion_group!(store, benches);
criterion_main!(store);
