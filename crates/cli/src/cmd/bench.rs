//! `nooluur bench`: the performance figures of BENCHMARKS.md, measured on this machine.
//!
//! Every run prints the command's parameters with its figures so a reader can repeat it.

use std::path::PathBuf;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use nooluur_app::{capture, jobs, orgs, query};
use nooluur_store::{CaptureMode, PageRequest, Role};

use super::db::{DbArgs, explain};
use super::{machine_cpu, synth};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Event hash IDs of one synthetic document, optionally side by side with the reference.
    Hash(HashBench),
    /// End-to-end capture (decode, validate, hash, store) into a store.
    Capture(CaptureBench),
    /// Query latency of MATCH_epc and EQ_bizLocation on a store filled to a given size.
    Query(QueryBench),
    /// Provenance read latency for the garments of a captured simulated season.
    Provenance(super::bench_provenance::ProvenanceBench),
}

#[derive(Debug, Args)]
pub struct HashBench {
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Also time the reference generator on the same document (path of
    /// `../shared/tools/epcis-hash-oracle` or any command taking the file as argument).
    #[arg(long)]
    reference: Option<PathBuf>,
    /// Where to write the document (kept for inspection); default a temporary file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CaptureBench {
    #[command(flatten)]
    db: DbArgs,
    /// Events to capture in all.
    #[arg(long, default_value_t = 200_000)]
    events: usize,
    /// Events per document.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Capture through capture jobs, as a server does (`POST /capture`): two clients submit
    /// the documents while the job worker stores them.
    #[arg(long)]
    jobs: bool,
    /// Prepare and store each document in turn, nothing overlapping, and report the CPU cost
    /// of each stage per event: what each must shrink to for a throughput on two cores.
    #[arg(long, conflicts_with = "jobs")]
    stages: bool,
}

#[derive(Debug, Args)]
pub struct QueryBench {
    #[command(flatten)]
    db: DbArgs,
    /// Fill the store up to this many events first (synthetic documents of 10,000 events).
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Queries of each kind to time.
    #[arg(long, default_value_t = 200)]
    queries: usize,
}

pub async fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Hash(b) => hash(b),
        BenchCommand::Capture(b) => capture_bench(b).await,
        BenchCommand::Query(b) => query_bench(b).await,
        BenchCommand::Provenance(b) => super::bench_provenance::run(b).await,
    }
}

fn hash(b: HashBench) -> Result<()> {
    let doc = synth::document(b.events, 1, 0);
    let path = match &b.out {
        Some(p) => p.clone(),
        None => std::env::temp_dir().join(format!("nooluur-bench-hash-{}.jsonld", b.events)),
    };
    std::fs::write(&path, &doc).with_context(|| format!("cannot write {}", path.display()))?;
    let bytes = doc.into_bytes();
    // Warm up, then take the best of several runs: the figure of interest is the code's speed,
    // not the machine's noise.
    let mut best = Duration::MAX;
    let mut n = 0;
    for _ in 0..7 {
        let t = Instant::now();
        n = epcis::hash::hash_document(&bytes)?.len();
        best = best.min(t.elapsed());
    }
    if n != b.events {
        bail!("hashed {n} events of {}", b.events);
    }
    let ours = best.as_secs_f64();
    println!(
        "nooluur hash: {} events in {:.1} ms ({:.0} events/s), document {}",
        n,
        ours * 1e3,
        n as f64 / ours,
        path.display()
    );
    if let Some(reference) = &b.reference {
        let t = Instant::now();
        let out = Process::new(reference)
            .arg(&path)
            .output()
            .with_context(|| format!("cannot run {}", reference.display()))?;
        let theirs = t.elapsed().as_secs_f64();
        if !out.status.success() {
            bail!(
                "the reference failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let reference_ids: Vec<&str> = text.lines().filter(|l| l.starts_with("ni:///")).collect();
        let our_ids = epcis::hash::hash_document(&bytes)?;
        let same = reference_ids.len() == our_ids.len()
            && reference_ids.iter().zip(&our_ids).all(|(a, b)| a == b);
        println!(
            "reference:    {} events in {:.1} s ({:.0} events/s, whole process); identical IDs: {}",
            reference_ids.len(),
            theirs,
            reference_ids.len() as f64 / theirs,
            same
        );
        println!("speed-up:     {:.0}×", theirs / ours);
        if !same {
            bail!("the hash IDs differ from the reference");
        }
    }
    Ok(())
}

async fn bench_principal(app: &nooluur_app::App) -> Result<nooluur_app::auth::Principal> {
    const NAME: &str = "bench-processor";
    if orgs::principal(app, NAME).await.is_err() {
        orgs::add(app, NAME, Role::Processor, &[])
            .await
            .map_err(explain)?;
    }
    orgs::principal(app, NAME).await.map_err(explain)
}

/// Documents prepared while the store writes (see `capture::capture_many`).
pub const PARALLEL: usize = 2;

/// Captures `events` synthetic events in documents of `batch`, continuing after what the
/// store holds so repeated runs add new events. Returns (events, seconds).
async fn fill(
    app: &nooluur_app::App,
    principal: &nooluur_app::auth::Principal,
    events: usize,
    batch: usize,
    seed: u64,
) -> Result<(usize, f64)> {
    let docs = documents(app, events, batch, seed).await?;
    capture_documents(app, principal, docs).await
}

/// The synthetic documents of a run, continuing after the events the store holds. They are
/// made before the clock starts: the figure is the repository's, not the generator's.
async fn documents(
    app: &nooluur_app::App,
    events: usize,
    batch: usize,
    seed: u64,
) -> Result<Vec<Vec<u8>>> {
    let start = app
        .store
        .count_events()
        .await
        .map_err(|e| anyhow::anyhow!(e))? as u64;
    let mut docs = Vec::new();
    let mut made = 0usize;
    while made < events {
        let n = batch.min(events - made);
        let offset = start + made as u64;
        docs.push(synth::document(n, seed ^ offset, offset).into_bytes());
        made += n;
    }
    Ok(docs)
}

/// Captures the documents as `nooluur capture` does. Returns (events, seconds).
async fn capture_documents(
    app: &nooluur_app::App,
    principal: &nooluur_app::auth::Principal,
    docs: Vec<Vec<u8>>,
) -> Result<(usize, f64)> {
    let started = Instant::now();
    let mut done = 0usize;
    let mut failure = None;
    capture::capture_many(
        app,
        principal,
        docs,
        CaptureMode::Atomic,
        PARALLEL,
        |_, outcome| match outcome {
            Ok(report) => {
                done += report.event_ids.len();
                true
            }
            Err(e) => {
                failure = Some(e);
                false
            }
        },
    )
    .await
    .map_err(explain)?;
    if let Some(e) = failure {
        return Err(explain(e));
    }
    Ok((done, started.elapsed().as_secs_f64()))
}

/// Captures the documents through capture jobs, as a server does: two clients submit (each
/// document is checked and prepared as `POST /capture` does) while the worker claims and
/// stores the jobs. Returns (events, seconds from the first submission to the last job
/// finished).
async fn through_jobs(
    app: &nooluur_app::App,
    principal: &nooluur_app::auth::Principal,
    docs: Vec<Vec<u8>>,
) -> Result<(usize, f64)> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(jobs::run_worker(app.clone(), stopped));
    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..PARALLEL {
        let mine: Vec<Vec<u8>> = docs
            .iter()
            .skip(client)
            .step_by(PARALLEL)
            .cloned()
            .collect();
        let (app, principal) = (app.clone(), principal.clone());
        clients.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for d in mine {
                let job = jobs::submit(
                    &app,
                    &principal,
                    d,
                    "application/ld+json",
                    CaptureMode::Atomic,
                )
                .await?;
                ids.push(job.id);
            }
            Ok::<_, nooluur_app::AppError>(ids)
        }));
    }
    let mut ids = Vec::new();
    for c in clients {
        ids.extend(c.await?.map_err(explain)?);
    }
    let mut done = 0usize;
    for id in &ids {
        loop {
            let job = jobs::get(app, principal, id).await.map_err(explain)?;
            if job.state == nooluur_store::JobState::Finished {
                if job.success != Some(true) {
                    bail!("capture job {id} failed: {:?}", job.errors);
                }
                done += job.captured as usize;
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    worker.await?;
    Ok((done, secs))
}

async fn capture_bench(b: CaptureBench) -> Result<()> {
    let app = b.db.open_bulk().await?;
    let principal = bench_principal(&app).await?;
    let before = app
        .store
        .count_events()
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let docs = documents(&app, b.events, b.batch, b.seed).await?;
    if b.stages {
        let t = capture::capture_staged(&app, &principal, docs, CaptureMode::Atomic)
            .await
            .map_err(explain)?;
        print_stages(&t, app.store.backend(), b.batch, before);
        return Ok(());
    }
    let cpu_before = machine_cpu::now();
    let (n, secs) = if b.jobs {
        through_jobs(&app, &principal, docs).await?
    } else {
        capture_documents(&app, &principal, docs).await?
    };
    let cpu = match (cpu_before, machine_cpu::now()) {
        (Some(a), Some(z)) => format!("; {}", machine_cpu::summary(a, z, n)),
        _ => String::new(),
    };
    println!(
        "capture{} into {:?}: {n} events in documents of {} in {secs:.2} s = {:.0} events/s (store held {before} events before){cpu}",
        if b.jobs { " jobs" } else { "" },
        app.store.backend(),
        b.batch,
        n as f64 / secs
    );
    Ok(())
}

/// Each stage's time per event, and the throughput two cores could reach with the stages
/// overlapped: the single writer needs one core for its part (`store`), and both stages
/// share the two cores (`prepare + store`).
fn print_stages(
    t: &capture::StageTimes,
    backend: nooluur_store::Backend,
    batch: usize,
    before: i64,
) {
    let per = |d: Duration| d.as_secs_f64() * 1e6 / t.events.max(1) as f64;
    let (prepare, store) = (per(t.prepare), per(t.store));
    let ceiling = (1e6 / store).min(2e6 / (prepare + store));
    println!(
        "capture stages into {backend:?}: {} events in documents of {batch} (store held {before} events before): \
         prepare {prepare:.1} µs/event, store {store:.1} µs/event, \
         overlapped on two cores at most {ceiling:.0} events/s",
        t.events
    );
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

async fn query_bench(b: QueryBench) -> Result<()> {
    let app = b.db.open_bulk().await?;
    let principal = bench_principal(&app).await?;
    let have = app
        .store
        .count_events()
        .await
        .map_err(|e| anyhow::anyhow!(e))? as usize;
    // Garments are drawn from the synthetic documents, whose shipping events are every fifth
    // of a 10,000-event document counted from where the fill started: from this fill's start
    // when it filled (the store may begin with other events, such as a simulated season), else
    // from 0 (a store of synthetic events only).
    let mut from = 0;
    if have < b.events {
        let (n, secs) = fill(&app, &principal, b.events - have, 10_000, 7).await?;
        eprintln!("filled {n} events in {secs:.1} s");
        from = have as u64;
    }
    let total = app
        .store
        .count_events()
        .await
        .map_err(|e| anyhow::anyhow!(e))? as u64;
    let mut rng = synth::Rng::new(42);
    let page = PageRequest {
        per_page: Some(100),
        token: None,
    };
    for kind in ["MATCH_epc", "EQ_bizLocation"] {
        let mut times = Vec::with_capacity(b.queries);
        let mut found = 0usize;
        for _ in 0..b.queries {
            let value = if kind == "MATCH_epc" {
                // Garment k of a shipping event (every fifth event ships two garments).
                let k = from + rng.below(total.saturating_sub(from) / 5) * 5 + 4;
                format!("urn:epc:id:sgtin:4012345.012345.{}", 2 * k)
            } else {
                format!("https://nooluur.example.mn/id/coop/{}", rng.below(400))
            };
            let q = query::parse_url_query(&[(kind.to_owned(), value)]).map_err(explain)?;
            let t = Instant::now();
            let page = query::events(&app, &principal, &q, &page)
                .await
                .map_err(explain)?;
            times.push(t.elapsed());
            found += page.items.len();
        }
        times.sort();
        println!(
            "{kind} on {total} events ({:?}, first page of ≤100): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.1} events per answer",
            app.store.backend(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            percentile(&times, 1.0),
            found as f64 / b.queries as f64
        );
    }
    Ok(())
}
