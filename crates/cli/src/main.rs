//! The `nooluur` binary: a thin shell over the `app` crate (and the pure `epcis` crate for the
//! offline tools `hash` and `id`).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

// glibc's allocator spent a fifth of capture's CPU time in malloc/free (many small strings and
// JSON values per event, freed on another thread); mimalloc's thread-local heaps cut that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, no backtrace: the user needs to know what was wrong with their input.
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("nooluur: {msg}");
            ExitCode::FAILURE
        }
    }
}
