//! `nooluur simulate`: one season of the cluster written as EPCIS documents (see `sim`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Herder households (the national figure is about 180,000).
    #[arg(long, default_value_t = 1_000)]
    households: u32,
    /// Seed: the same seed and arguments give the same documents, byte for byte.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory the documents and `manifest.json` are written to (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Season year (combing in spring of that year).
    #[arg(long)]
    year: Option<u16>,
    /// Most events per document.
    #[arg(long)]
    events_per_document: Option<usize>,
    /// Raw kg per scouring batch: larger batches mix more households into each garment.
    #[arg(long)]
    scour_batch_kg: Option<u32>,
    /// Processors (1–10): fewer processors concentrate the season's fibre.
    #[arg(long)]
    processors: Option<u8>,
}

pub fn simulate(args: SimulateArgs) -> Result<()> {
    let mut season = sim::Season::new(args.households, args.seed);
    if let Some(year) = args.year {
        season.year = year;
    }
    if let Some(n) = args.events_per_document {
        season.max_events_per_document = n;
    }
    if let Some(kg) = args.scour_batch_kg {
        season.knobs.scour_batch_kg = kg;
    }
    if let Some(p) = args.processors {
        season.knobs.processors = p;
    }
    let mut simulation = sim::Simulation::new(season).context("cannot simulate this season")?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let started = Instant::now();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut events = 0usize;
    for chunk in simulation.by_ref() {
        let path = args.out.join(&chunk.file_name);
        events += chunk.document.events.len();
        std::fs::write(&path, chunk.to_json())
            .with_context(|| format!("cannot write {}", path.display()))?;
        bar.inc(1);
        bar.set_message(format!("{events} events"));
    }
    bar.finish_and_clear();
    let manifest = simulation.manifest();
    let path = args.out.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).context("cannot write the manifest")?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "simulated {} households: {events} events in {} documents in {:.1} s, written to {}",
        args.households,
        manifest.documents.len(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
