//! `openlines export [FILE]`.

use super::{fail, DbArgs};
use crate::dataset::export::export;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::io::{AsyncWrite, BufWriter};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write; standard output when absent or `-`.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(args: ExportArgs) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let out: Box<dyn AsyncWrite + Unpin + Send> = match args.file.as_deref() {
        None => Box::new(tokio::io::stdout()),
        Some(path) if path.as_os_str() == "-" => Box::new(tokio::io::stdout()),
        Some(path) => match tokio::fs::File::create(path).await {
            Ok(file) => Box::new(file),
            Err(error) => return fail(&format!("cannot create {}: {error}", path.display())),
        },
    };
    let result = export(&store, BufWriter::with_capacity(256 * 1024, out)).await;
    store.close().await;
    match result {
        Ok(records) => {
            eprintln!("exported {records} records");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}
