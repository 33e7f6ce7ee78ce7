//! `nooluur bench provenance`: read latency of garment provenance on a store that holds a
//! simulated season, timed in process so that the figure is the repository's, not process
//! start-up's: from the garment's identifier to the bytes of the JSON answer, public (no
//! household identities) and full (a token holder's).

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
    let picked: Vec<&String> = garments.iter().step_by(step).take(n).collect();
    // The public answer (what a consumer's scan reads) and the full one (a token holder's,
    // with every household), each over the same garments.
    let operator = super::provenance::operator(&app);
    for (label, who) in [("public", None), ("full", Some(&operator))] {
        let mut times = Vec::with_capacity(picked.len());
        let (mut sources, mut soums, mut bytes_total) = (0usize, 0usize, 0usize);
        for g in &picked {
            let t = Instant::now();
            let report = nooluur_app::provenance::report(&app, who, g)
                .await
                .map_err(explain)?;
            // The answer's bytes, as `GET /provenance/{id}` writes them.
            let bytes = report.to_json().map_err(explain)?;
            times.push(t.elapsed());
            bytes_total += bytes.len();
            let r = report.report();
            sources += r.sources.len();
            soums += r.by_soum.len();
        }
        times.sort();
        let pct = |p: f64| ms(times[((times.len() - 1) as f64 * p).round() as usize]);
        let per = |x: usize| x as f64 / times.len() as f64;
        println!(
            "provenance of {} garments ({:?}, {label} report), read and written as JSON: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} source lots, {:.0} soums, {:.0} KB of JSON per garment on average",
            times.len(),
            app.store.backend(),
            pct(0.5),
            pct(0.99),
            pct(1.0),
            per(sources),
            per(soums),
            per(bytes_total) / 1024.0,
        );
    }
    Ok(())
}
