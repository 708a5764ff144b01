//! `openlines import FILE`.

use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::dataset::import::{import, ImportError};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::io::{AsyncBufRead, BufReader};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The JSON Lines file, or `-` for standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(args: ImportArgs) -> ExitCode {
    let store = match args.db.open_for_import().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let (input, size): (Box<dyn AsyncBufRead + Unpin>, Option<u64>) = if args.file.as_os_str()
        == "-"
    {
        (Box::new(BufReader::new(tokio::io::stdin())), None)
    } else {
        match tokio::fs::File::open(&args.file).await {
            Ok(file) => {
                let size = file.metadata().await.ok().map(|meta| meta.len());
                (Box::new(BufReader::with_capacity(256 * 1024, file)), size)
            }
            Err(error) => return fail(&format!("cannot open {}: {error}", args.file.display())),
        }
    };
    let bar = progress_bar(size);
    let started = std::time::Instant::now();
    let result = import(&store, input, Clock::default().now_secs(), |bytes| {
        bar.inc(bytes)
    })
    .await;
    bar.finish_and_clear();
    store.close().await;
    match result {
        Ok(summary) => {
            eprintln!(
                "imported {} records from {} lines in {:.1} s",
                summary.records,
                summary.lines,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid(errors)) => {
            for error in &errors {
                eprintln!("{}:{}: {}", args.file.display(), error.line, error.message);
            }
            eprintln!("nothing was imported: fix the line(s) above and run the import again");
            ExitCode::FAILURE
        }
        Err(error) => fail(&error),
    }
}

/// A byte-counting bar on standard error (indicatif hides it when that is not a terminal).
fn progress_bar(size: Option<u64>) -> ProgressBar {
    let bar = match size {
        Some(size) => ProgressBar::new(size),
        None => ProgressBar::new_spinner(),
    };
    let style = ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} [{wide_bar}] {bytes_per_sec}, eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
