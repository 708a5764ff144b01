//! The `openlines` binary: parse the command line, set up logging, run.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    openlines::cli::init_logging();
    openlines::cli::run(openlines::cli::Cli::parse()).await
}
