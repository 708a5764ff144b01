//! The `openlines` command: one clap-derived configuration. Flags that configure (where the
//! data is, how the server listens, credentials for `call`) are also environment variables;
//! flags that describe one action (`--user`, `--scope`, …) are not. docs/CONFIG.md lists
//! which is which, and `env_table_tests` fails when it drifts from the definitions here.
//! `main` parses and calls [`run`]; each subcommand lives in its own file.

pub mod admin_client;
pub mod app;
pub mod connection_args;
pub mod credentials;
pub mod db;
pub mod export;
pub mod import;
pub mod journal;
pub mod listen;
pub mod outgoing;
pub mod output;
pub mod serve;
pub mod serve_data;
pub mod shutdown;

#[cfg(test)]
mod env_table_tests;

pub use db::DbArgs;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Without `OPENLINES_LOG`: info, except PostgreSQL's notices (such as "table … does not
/// exist, skipping" for every `DROP TABLE IF EXISTS`), which sqlx logs at info and which say
/// nothing to an operator.
const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

/// Logs to standard error in `format`, filtered by `OPENLINES_LOG` (default
/// [`DEFAULT_LOG_FILTER`]). Called once by `main`, and by the fixed-answer ceiling
/// (`bench/ceiling`) so that its request spans cost what they cost in `openlines serve`.
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("OPENLINES_LOG")
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => logs.json().with_current_span(false).init(),
        // Colour codes only for a person at a terminal: in a file or a log collector they
        // are noise around every level and field name.
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

/// A Bitrix24-faithful REST server for open-line chats and the CRM records they belong to.
#[derive(Debug, Parser)]
#[command(name = "openlines", version, about)]
pub struct Cli {
    /// How log lines are written to standard error: `text` (coloured only on a terminal) or
    /// `json` (one object per line). Which lines: OPENLINES_LOG, e.g. `info` or
    /// `openlines=debug,info`.
    #[arg(
        long,
        global = true,
        env = "OPENLINES_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people: one line per event.
    Text,
    /// For log collectors: one JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(Box<serve::ServeArgs>),
    /// Load a JSON Lines fixture file (`-` for standard input); all or nothing.
    Import(import::ImportArgs),
    /// Write every record as fixture JSON Lines (`-` or no file: standard output).
    Export(export::ExportArgs),
    /// Manage incoming webhooks (and, under `outgoing`, outgoing ones).
    #[command(subcommand)]
    Webhook(credentials::WebhookCommand),
    /// Manage OAuth access tokens.
    #[command(subcommand)]
    Token(credentials::TokenCommand),
    /// Manage OAuth applications.
    #[command(subcommand)]
    App(app::AppCommand),
    /// Call a REST method of openlines or a real portal and print the answer.
    Call(openlines_client::cli::CallArgs),
    /// Receive events: print each delivery to a local URL (optionally bound with event.bind).
    Listen(listen::ListenArgs),
    /// Show the last requests a running server handled (needs its admin token).
    Journal(journal::JournalArgs),
    /// Put a running server's data back to what it loaded at start (needs its admin token).
    Reset(admin_client::ResetArgs),
    /// Save a running server's data under a name, in its memory (needs its admin token).
    Snapshot(admin_client::NamedArgs),
    /// Put a running server's data back to a saved snapshot (needs its admin token).
    Restore(admin_client::NamedArgs),
    /// Create or update the database schema, then exit.
    Migrate(DbArgs),
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => serve::run(*args).await,
        Command::Import(args) => import::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Webhook(command) => credentials::run_webhook(command).await,
        Command::Token(command) => credentials::run_token(command).await,
        Command::App(command) => app::run(command).await,
        Command::Call(args) => openlines_client::cli::run(args).await,
        Command::Journal(args) => journal::run(args).await,
        Command::Listen(args) => listen::run(args).await,
        Command::Reset(args) => admin_client::run_reset(args).await,
        Command::Snapshot(args) => admin_client::run_snapshot(args).await,
        Command::Restore(args) => admin_client::run_restore(args).await,
        Command::Migrate(db) => match db.migrate().await {
            Ok(report) => {
                eprintln!("{report}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        },
    }
}

/// Prints an error for a person and returns the failure exit code.
pub fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
