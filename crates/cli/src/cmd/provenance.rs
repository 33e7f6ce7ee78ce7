//! `nooluur provenance ID` and `nooluur trace ID`: the provenance report and the trace of a
//! garment, lot or case, read from the store as the operator (who sees every event and the
//! households), printed as JSON.

use anyhow::Result;
use clap::{Args, ValueEnum};
use nooluur_app::App;
use nooluur_app::auth::Principal;
use nooluur_app::provenance::Direction;
use nooluur_store::{Org, OrgId, Role};

use super::db::{DbArgs, explain};

#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    /// A garment's Digital Link or EPC URN, or a lot (LGTIN or private lot URI).
    id: String,
    /// Print the public report (soum level, no households).
    #[arg(long)]
    public: bool,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Way {
    Backward,
    Forward,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// A garment, lot or case identifier (any spelling).
    id: String,
    /// Towards the sources (backward) or the products (forward).
    #[arg(long, value_enum, default_value = "backward")]
    direction: Way,
    #[command(flatten)]
    db: DbArgs,
}

/// The operator: the person running the CLI on the store's host reads everything.
pub(super) fn operator(app: &App) -> Principal {
    Principal {
        org: Org {
            id: OrgId(0),
            name: "operator".into(),
            role: Role::Admin,
            identifiers: Vec::new(),
            created_at: app.clock.now(),
        },
    }
}

pub async fn provenance(args: ProvenanceArgs) -> Result<()> {
    let app = args.db.open().await?;
    let principal = operator(&app);
    let who = (!args.public).then_some(&principal);
    let report = nooluur_app::provenance::provenance(&app, who, &args.id)
        .await
        .map_err(explain)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

pub async fn trace(args: TraceArgs) -> Result<()> {
    let app = args.db.open().await?;
    let direction = match args.direction {
        Way::Backward => Direction::Backward,
        Way::Forward => Direction::Forward,
    };
    let t = nooluur_app::provenance::trace(&app, &operator(&app), &args.id, direction)
        .await
        .map_err(explain)?;
    println!("{}", serde_json::to_string_pretty(&t)?);
    Ok(())
}
