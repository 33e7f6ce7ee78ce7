//! `nooluur bench provenance`: read latency of garment provenance on a store that holds a
//! simulated season (the passport's query), timed in process so that the figure is the
//! repository's, not process start-up's.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use super::db::{DbArgs, explain};

#[derive(Debug, Args)]
pub struct ProvenanceBench {
    #[command(flatten)]
    db: DbArgs,
    /// `manifest.json` of the season captured into the store (`nooluur simulate`).
    #[arg(long)]
    manifest: PathBuf,
    /// Garments to read, spread evenly over the manifest's list.
    #[arg(long, default_value_t = 500)]
    queries: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub async fn run(b: ProvenanceBench) -> Result<()> {
    let text = std::fs::read_to_string(&b.manifest)
        .with_context(|| format!("cannot read {}", b.manifest.display()))?;
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", b.manifest.display()))?;
    let garments: Vec<String> = manifest["garments"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if garments.is_empty() {
        bail!("{} lists no garments", b.manifest.display());
    }
    let app = b.db.open().await?;
    let n = b.queries.max(1);
    let step = (garments.len() / n).max(1);
    let mut times = Vec::with_capacity(n);
    let mut sources = 0usize;
    let mut soums = 0usize;
    for g in garments.iter().step_by(step).take(n) {
        let t = Instant::now();
        let report = nooluur_app::provenance::provenance(&app, None, g)
            .await
            .map_err(explain)?;
        times.push(t.elapsed());
        sources += report["sources"].as_array().map_or(0, Vec::len);
        soums += report["by_soum"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    let pct = |p: f64| ms(times[((times.len() - 1) as f64 * p).round() as usize]);
    println!(
        "provenance of {} garments ({:?}): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} source lots and {:.0} soums per garment on average",
        times.len(),
        app.store.backend(),
        pct(0.5),
        pct(0.99),
        pct(1.0),
        sources as f64 / times.len() as f64,
        soums as f64 / times.len() as f64,
    );
    Ok(())
}
