//! The `openlines` binary: parse the command line, set up logging, run.

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Without `OPENLINES_LOG`: info, except PostgreSQL's notices (such as "table … does not
/// exist, skipping" for every `DROP TABLE IF EXISTS`), which sqlx logs at info and which say
/// nothing to an operator.
const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("OPENLINES_LOG")
                .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER)),
        )
        .with_writer(std::io::stderr)
        .init();
    openlines::cli::run(openlines::cli::Cli::parse()).await
}
