//! Offline market computations over the pure `market` crate: a cooperative's settlement and the
//! clearing of one sealed-bid lot, from JSON files (the same functions back the HTTP flows).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum CoopCommand {
    /// Split a sale's proceeds among the members whose fibre went into the lot (exact, MNT).
    Settle(FileArg),
}

#[derive(Debug, Subcommand)]
pub enum AuctionCommand {
    /// Clear one sealed-bid lot: winner, price and the refused bids with their reasons.
    Clear(FileArg),
}

#[derive(Debug, Args)]
pub struct FileArg {
    /// The input document (JSON).
    file: PathBuf,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn print(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn coop(c: CoopCommand) -> Result<()> {
    match c {
        CoopCommand::Settle(a) => {
            let text = read(&a.file)?;
            let settlement = market::settle_json(&text)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("cannot settle {}", a.file.display()))?;
            print(&settlement)
        }
    }
}

pub fn auction(c: AuctionCommand) -> Result<()> {
    match c {
        AuctionCommand::Clear(a) => {
            let text = read(&a.file)?;
            let clearing = market::clear_json(&text)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("cannot clear {}", a.file.display()))?;
            print(&clearing)
        }
    }
}
