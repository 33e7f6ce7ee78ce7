//! `nooluur import KIND FILE`: a yearly climate data update into a store, all or nothing.
//! Prints the summary as JSON; a bad file is one line naming the row and column.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use nooluur_app::climate::{self, ImportKind, ImportRequest};

use super::db::{DbArgs, explain};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file updates: panel, livestock, nso-livestock, hay, hay-prices or spei.
    kind: String,
    /// The file: CSV, TSV or NSO table JSON (told by its content).
    file: PathBuf,
    /// Replace figures that differ from the data (the old ones are kept in the import record).
    #[arg(long)]
    replace: bool,
    /// Check the file and print the summary; store nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub async fn import(args: ImportArgs) -> Result<()> {
    let kind = ImportKind::parse(&args.kind).map_err(explain)?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let app = args.db.open().await?;
    let req = ImportRequest {
        kind,
        text,
        replace: args.replace,
        dry_run: args.dry_run,
    };
    let summary = climate::import_local(&app, req)
        .await
        .map_err(|e| explain(e).context(format!("{} was not imported", args.file.display())))?;
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}
