//! The `openlines` binary: parse the command line, set up logging, run.

use clap::Parser;
use openlines::cli::{Cli, LogFormat};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Without `OPENLINES_LOG`: info, except PostgreSQL's notices (such as "table … does not
/// exist, skipping" for every `DROP TABLE IF EXISTS`), which sqlx logs at info and which say
/// nothing to an operator.
const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("OPENLINES_LOG")
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().with_current_span(false).init(),
        // Colour codes only for a person at a terminal: in a file or a log collector they
        // are noise around every level and field name.
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
    openlines::cli::run(cli).await
}
