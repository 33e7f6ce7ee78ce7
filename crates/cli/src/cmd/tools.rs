//! Offline tools over the pure `epcis` crate: no store, no network.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

#[derive(Debug, Args)]
pub struct HashArgs {
    /// The EPCIS document (JSON-LD or XML, told by its content).
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// EPC URNs, GS1 Digital Links or any other URIs.
    #[arg(required = true)]
    uris: Vec<String>,
}

pub fn hash(args: HashArgs) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let hashes = epcis::hash::hash_document(&bytes)
        .with_context(|| format!("cannot hash {}", args.file.display()))?;
    let mut out = std::io::stdout().lock();
    for h in hashes {
        writeln!(out, "{h}")?;
    }
    Ok(())
}

pub fn id(args: IdArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for uri in &args.uris {
        writeln!(out, "{}", epcis::id::canonical(uri))?;
    }
    Ok(())
}
