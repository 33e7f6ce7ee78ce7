//! Command-line interface: argument parsing and dispatch.

mod bench;
mod bench_provenance;
mod climate;
mod credential;
mod db;
mod demo;
mod import;
mod insurance;
mod machine_cpu;
mod market;
mod provenance;
mod quality;
mod simulate;
mod synth;
mod tools;
mod verify;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "nooluur",
    version,
    about = "Open software for the Mongolian cashmere cluster"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the EPCIS 2.0 REST repository.
    Serve(db::ServeArgs),
    /// Create a demo store with a simulated season, serve it and print what to open.
    Demo(demo::DemoArgs),
    /// Manage organisations and their API tokens.
    #[command(subcommand)]
    Org(db::OrgCommand),
    /// Capture EPCIS documents straight into a store.
    Capture(db::CaptureArgs),
    /// Measure the performance figures of BENCHMARKS.md.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Check the stored events against the signed transparency log.
    Verify(verify::VerifyArgs),
    /// Print the provenance report of a garment or lot (JSON).
    Provenance(provenance::ProvenanceArgs),
    /// Print the events on the path from a garment, lot or case, backward or forward (JSON).
    Trace(provenance::TraceArgs),
    /// Write one simulated season of the cashmere cluster as EPCIS documents.
    Simulate(simulate::SimulateArgs),
    /// Grade fibre measurements under published schemes.
    #[command(subcommand)]
    Quality(quality::QualityCommand),
    /// Verifiable credentials (quality, scope and transaction certificates).
    #[command(subcommand)]
    Credential(credential::CredentialCommand),
    /// Cooperative computations (settlement of a sale among members).
    #[command(subcommand)]
    Coop(market::CoopCommand),
    /// Sealed-bid auction computations.
    #[command(subcommand)]
    Auction(market::AuctionCommand),
    /// Dzud early warning: risk hindcast and skill, winter fodder contingency plans.
    #[command(subcommand)]
    Dzud(climate::DzudCommand),
    /// Pasture: stocking against carrying capacity.
    #[command(subcommand)]
    Pasture(climate::PastureCommand),
    /// Import a yearly climate data update (CSV, TSV or NSO JSON) into a store.
    Import(import::ImportArgs),
    /// Index-based livestock insurance: payouts and policy hindcasts.
    #[command(subcommand)]
    Insurance(insurance::InsuranceCommand),
    /// Print the EPCIS event hash ID of every event of a document (JSON-LD or XML), one per line.
    Hash(tools::HashArgs),
    /// Print the canonical GS1 Digital Link of each identifier (or the identifier unchanged).
    Id(tools::IdArgs),
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Hash(args) => tools::hash(args),
        Command::Id(args) => tools::id(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Coop(c) => market::coop(c),
        Command::Quality(c) => quality::run(c),
        Command::Auction(c) => market::auction(c),
        Command::Dzud(c) => climate::dzud(c),
        Command::Pasture(c) => climate::pasture(c),
        Command::Insurance(c) => insurance::run(c),
        command => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async move {
                match command {
                    Command::Serve(a) => db::serve(a).await,
                    Command::Demo(a) => demo::demo(a).await,
                    Command::Org(c) => db::org(c).await,
                    Command::Capture(a) => db::capture(a).await,
                    Command::Verify(a) => verify::verify(a).await,
                    Command::Provenance(a) => provenance::provenance(a).await,
                    Command::Trace(a) => provenance::trace(a).await,
                    Command::Bench(b) => bench::run(b).await,
                    Command::Credential(c) => credential::run(c).await,
                    Command::Import(a) => import::import(a).await,
                    Command::Hash(_)
                    | Command::Id(_)
                    | Command::Simulate(_)
                    | Command::Coop(_)
                    | Command::Quality(_)
                    | Command::Auction(_)
                    | Command::Dzud(_)
                    | Command::Pasture(_)
                    | Command::Insurance(_) => {
                        unreachable!("handled above")
                    }
                }
            })
        }
    }
}
