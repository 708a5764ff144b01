//! `openlines-ceiling`: the fastest `imopenlines.crm.chat.get` answer openlines' stack can give.
//!
//! It answers every `/rest/…` request with one fixed 10-row chat.get body, with no database, no
//! authentication and no parameters, through what `openlines serve` puts around every answer:
//! the same Tokio runtime (`#[tokio::main]`, as in `crates/server/src/main.rs`) and allocator, the same
//! logging setup ([`openlines::cli::init_logging`]), the same middleware
//! ([`openlines::http::middleware::wrap`]), the same connection handling
//! ([`openlines::serve_router`]) and the envelope and headers of the real writer
//! ([`openlines::http::respond::success`]). The request body is read, as the real handler
//! reads it. `bench/compare.sh` divides every openlines figure by this one, measured in the
//! same round, so the ratio says how much of the stack's speed the method itself costs.

mod fixed_answer;

use clap::Parser;
use fixed_answer::FixedAnswer;
use std::net::SocketAddr;
use std::process::ExitCode;

/// The server's allocator (`crates/server/src/main.rs`), so that the ceiling runs on the same
/// runtime settings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Serve a fixed chat.get answer through openlines' HTTP stack (benchmark ceiling).
#[derive(Debug, Parser)]
#[command(name = "openlines-ceiling", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "OPENLINES_LISTEN", default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
    /// Rows in the answer (a benchmark deal has 10 chats).
    #[arg(long, default_value_t = 10)]
    rows: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    openlines::cli::init_logging(openlines::cli::LogFormat::Text);
    let answer = match FixedAnswer::chat_get(args.rows).await {
        Ok(answer) => answer,
        Err(error) => return openlines::cli::fail(&error),
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            return openlines::cli::fail(&format!("cannot listen on {}: {error}", args.listen))
        }
    };
    let address = listener.local_addr().unwrap_or(args.listen);
    tracing::info!(listen.address = %address, body.bytes = answer.len(), "openlines-ceiling is listening");
    let shutdown = openlines::cli::shutdown::ShutdownSignals::listen().received();
    let limits = openlines::http::connections::ConnectionLimits::default();
    match openlines::serve_router(listener, answer.router(), limits, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => openlines::cli::fail(&error),
    }
}
