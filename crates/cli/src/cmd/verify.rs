//! `nooluur verify`: re-derives the transparency log from the stored events and checks it
//! against the latest signed checkpoint.

use anyhow::{Result, bail};
use clap::Args;
use indicatif::ProgressBar;

use super::db::{DbArgs, explain};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    db: DbArgs,
}

pub async fn verify(args: VerifyArgs) -> Result<()> {
    let app = args.db.open().await?;
    let bar = ProgressBar::new_spinner();
    let report = nooluur_app::log::verify(&app, |n| {
        bar.set_message(format!("{n} events checked"));
        bar.tick();
    })
    .await
    .map_err(explain)?;
    bar.finish_and_clear();
    for (id, seq) in &report.changed {
        eprintln!("changed: event {id} (seq {seq}) no longer matches its log leaf");
    }
    for seq in &report.removed {
        eprintln!("removed: the log has a leaf for seq {seq} but no event is stored under it");
    }
    for (id, seq) in &report.inserted {
        eprintln!("inserted: event {id} (seq {seq}) is stored but not in the signed log");
    }
    if !report.root_matches {
        eprintln!(
            "root: the tree rebuilt from the events (or the stored hashes) does not match the signed checkpoint of size {}",
            report.checkpoint_size
        );
    }
    if !report.ok() {
        bail!(
            "the store does not match its transparency log ({} changed, {} removed, {} inserted)",
            report.changed.len(),
            report.removed.len(),
            report.inserted.len()
        );
    }
    println!(
        "ok: {} events match the signed checkpoint of size {}",
        report.events, report.checkpoint_size
    );
    Ok(())
}
