//! The `openlines` binary: parse the command line, set up logging, run.

use clap::Parser;
use openlines::cli::Cli;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    openlines::cli::init_logging(cli.log_format);
    openlines::cli::run(cli).await
}
