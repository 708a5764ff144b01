//! The `openlines` command: one clap-derived configuration, every flag also an environment
//! variable. `main` parses and calls [`run`]; each subcommand lives in its own file.

pub mod app;
pub mod credentials;
pub mod export;
pub mod import;
pub mod journal;
pub mod serve;

use crate::storage::{Store, StoreOptions};
use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// Without `OPENLINES_LOG`: info, except PostgreSQL's notices (such as "table … does not
/// exist, skipping" for every `DROP TABLE IF EXISTS`), which sqlx logs at info and which say
/// nothing to an operator.
const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

/// Logs to standard error, filtered by `OPENLINES_LOG` (default [`DEFAULT_LOG_FILTER`]).
/// Called once by `main`, and by the fixed-answer ceiling (`bench/ceiling`) so that its
/// request spans cost what they cost in `openlines serve`.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("OPENLINES_LOG")
                .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER)),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// A Bitrix24-faithful REST server for open-line chats and the CRM records they belong to.
#[derive(Debug, Parser)]
#[command(name = "openlines", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
    /// Load a JSON Lines fixture file (`-` for standard input); all or nothing.
    Import(import::ImportArgs),
    /// Write every record as fixture JSON Lines (`-` or no file: standard output).
    Export(export::ExportArgs),
    /// Manage incoming webhooks.
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
    /// Show the last requests a running server handled (needs its admin token).
    Journal(journal::JournalArgs),
    /// Create or update the database schema, then exit.
    Migrate(DbArgs),
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// SQLite file (created if missing), `sqlite://…`, or `postgres://…`.
    #[arg(long, env = "OPENLINES_DB", default_value = "openlines.db")]
    pub db: String,
    /// Most database connections.
    #[arg(long, env = "OPENLINES_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// Seconds a request waits for a free database connection.
    #[arg(long, env = "OPENLINES_DB_ACQUIRE_TIMEOUT", default_value_t = 10)]
    pub db_acquire_timeout: u64,
}

impl DbArgs {
    /// Opens and migrates the store.
    pub async fn open(&self) -> Result<Store, crate::storage::StoreError> {
        let options = StoreOptions {
            url: self.db.clone(),
            max_connections: self.db_max_connections,
            acquire_timeout: Duration::from_secs(self.db_acquire_timeout),
        };
        let store = Store::open(&options).await?;
        store.migrate().await?;
        Ok(store)
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Webhook(command) => credentials::run_webhook(command).await,
        Command::Token(command) => credentials::run_token(command).await,
        Command::App(command) => app::run(command).await,
        Command::Call(args) => openlines_client::cli::run(args).await,
        Command::Journal(args) => journal::run(args).await,
        Command::Migrate(db) => match db.open().await {
            Ok(store) => {
                store.close().await;
                eprintln!("database is up to date");
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
