//! The `openlines` binary: parse the command line, set up logging, run.

use clap::Parser;
use openlines::cli::Cli;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: a chat.get allocates a few dozen small blocks, and
/// glibc's malloc and free were a quarter of its instructions (BENCHMARKS.md §10).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    openlines::cli::init_logging(cli.log_format);
    openlines::cli::run(cli).await
}
