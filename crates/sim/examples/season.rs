//! Measures the simulator: `cargo run --release -p nooluur-sim --example season -- [N] [SEED]`
//! generates a season of N households (default 5,000), serialises every document to JSON-LD
//! (nothing is written to disk) and prints events per second and the peak memory.

use std::time::Instant;

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let households: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5_000);
    let seed: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1);
    let started = Instant::now();
    let mut bytes = 0usize;
    let simulation = sim::Simulation::new(sim::Season::new(households, seed))?;
    let manifest = simulation.run(|chunk| {
        bytes += chunk.to_json().len();
        Ok::<_, std::convert::Infallible>(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    let manifest_bytes = serde_json::to_string(&manifest)?.len();
    println!(
        "households {households} seed {seed}: {} events in {} documents, {:.1} MB JSON-LD + {:.1} MB manifest",
        manifest.events,
        manifest.documents.len(),
        bytes as f64 / 1e6,
        manifest_bytes as f64 / 1e6
    );
    println!(
        "raw {:.1} t, garments {}, cases {}, planted findings {}",
        manifest.total_raw_kg / 1000.0,
        manifest.garments.len(),
        manifest.cases.len(),
        manifest.planted_findings.len()
    );
    println!("counts {:?}", manifest.counts);
    println!(
        "{secs:.2} s, {:.0} events/s (generation + JSON-LD), peak RSS {} MB",
        manifest.events as f64 / secs,
        peak_rss_kb().unwrap_or(0) / 1024
    );
    Ok(())
}
