//! What `serve` runs on and starts with: the database (the one `--db` names, or a temporary
//! one for `--demo` and `--fixture`), the directory for generated files, and the data loaded
//! at start, which `POST /_openlines/admin/reset` goes back to.

use super::db::{is_postgres, shown, sqlite_file, DbArgs};
use crate::dataset::demo;
use crate::dataset::import::{import, ImportError};
use crate::storage::snapshot::Snapshot;
use crate::storage::Store;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokio::io::BufReader;

/// The tables `migrate` fills by itself (the standard connectors, the default open line, and
/// on SQLite the CRM id counters):
/// rows there do not make a database "not empty".
const SEEDED_TABLES: &[&str] = &["connectors", "lines", "crm_id_counters"];

/// The database `serve` runs on.
#[derive(Debug)]
pub enum ServeDb {
    /// `--db`, or the default file.
    Given(String),
    /// A SQLite file in a temporary directory, removed when this value is dropped (after the
    /// server stopped). A file rather than an in-memory database: the server keeps its usual
    /// pool of connections and WAL mode, so a temporary demo behaves under load exactly as a
    /// file does, and `openlines export --db <path>` can read it while it runs.
    Temporary { dir: TempDir, url: String },
}

impl ServeDb {
    /// A temporary database when data is loaded at start and `--db` was not given.
    pub fn choose(db: &DbArgs, loads_data: bool) -> Result<ServeDb, String> {
        if db.db.is_some() || !loads_data {
            return Ok(ServeDb::Given(db.url().to_owned()));
        }
        let dir = tempfile::Builder::new()
            .prefix("openlines-")
            .tempdir()
            .map_err(|error| {
                format!(
                    "cannot make a temporary directory for the database: {error}; give --db \
                     FILE instead"
                )
            })?;
        let url = dir.path().join("openlines.db").display().to_string();
        Ok(ServeDb::Temporary { dir, url })
    }

    /// The `--db` value of this database.
    pub fn url(&self) -> &str {
        match self {
            ServeDb::Given(url) | ServeDb::Temporary { url, .. } => url,
        }
    }

    /// Where generated files go: `--data-dir`, else the temporary directory, else the
    /// directory of the SQLite file. PostgreSQL has no file to keep them beside, and the
    /// working directory is the user's (often a source tree), so it needs `--data-dir`.
    pub fn data_dir(&self, given: Option<&Path>) -> Result<PathBuf, String> {
        let dir = match (given, self) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, ServeDb::Temporary { dir, .. }) => dir.path().to_path_buf(),
            (None, ServeDb::Given(url)) if is_postgres(url) => {
                return Err(
                    "--tls-self-signed with a PostgreSQL --db needs --data-dir DIR, the \
                     directory where the generated CA, certificate and key are kept"
                        .to_owned(),
                )
            }
            (None, ServeDb::Given(url)) => sqlite_file(url)
                .and_then(|file| file.parent().map(Path::to_path_buf))
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        std::fs::create_dir_all(&dir).map_err(|error| {
            format!(
                "cannot create the data directory {}: {error}; give --data-dir a directory \
                 you can write to",
                dir.display()
            )
        })?;
        Ok(dir)
    }

    /// One line for the start banner.
    pub fn describe(&self) -> String {
        match self {
            ServeDb::Given(url) => format!("Database: {}", shown(url)),
            ServeDb::Temporary { url, .. } => format!(
                "Database: {url} (temporary: a fresh one every start, removed when openlines \
                 stops; give --db FILE to keep the data)"
            ),
        }
    }
}

/// Checks that every `--fixture` can be read, before anything starts.
pub fn check_fixtures(files: &[PathBuf]) -> Result<(), String> {
    for file in files {
        if let Err(error) = std::fs::File::open(file) {
            return Err(format!(
                "cannot read the fixture {} (--fixture): {error}",
                file.display()
            ));
        }
    }
    Ok(())
}

/// What the start did with the data.
#[derive(Debug, Default)]
pub struct DataLoad {
    /// Whether the demo and fixtures were loaded (the database was empty).
    pub loaded: bool,
    /// Lines for the start banner.
    pub report: Vec<String>,
    /// The data as it stands after loading, for `reset` (taken only when data was asked for).
    pub start_state: Option<Snapshot>,
}

/// Loads the demo (when `demo`) and then each fixture, all only into an empty database;
/// otherwise says what the database already holds. Then takes the start state.
pub async fn load(
    store: &Store,
    fixtures: &[PathBuf],
    demo: bool,
    now: i64,
) -> Result<DataLoad, String> {
    if !demo && fixtures.is_empty() {
        return Ok(DataLoad::default());
    }
    let found: Vec<(String, i64)> = store
        .table_counts()
        .await
        .map_err(|error| format!("cannot read the database: {error}"))?
        .into_iter()
        .filter(|(table, _)| !SEEDED_TABLES.contains(&table.as_str()))
        .collect();
    let mut outcome = DataLoad::default();
    if found.is_empty() {
        if demo {
            demo::load(store, now)
                .await
                .map_err(|error| format!("loading the demo data failed: {error}"))?;
        }
        for file in fixtures {
            let records = load_fixture(store, file, now).await?;
            outcome
                .report
                .push(format!("Loaded {records} records from {}", file.display()));
        }
        outcome.loaded = true;
    } else {
        let tables: Vec<String> = found
            .iter()
            .map(|(table, rows)| format!("{table}: {rows}"))
            .collect();
        outcome.report.push(format!(
            "The database already holds data ({}), so the {} not loaded over it. Leave out \
             --db for a fresh temporary database, or give --db a new file.",
            tables.join(", "),
            if fixtures.is_empty() {
                "demo was"
            } else {
                "demo and fixtures were"
            }
        ));
    }
    outcome.start_state = Some(
        store
            .take_snapshot()
            .await
            .map_err(|error| format!("cannot record the start state for reset: {error}"))?,
    );
    Ok(outcome)
}

/// Imports one fixture file; its bad lines, each with file and line number, on failure.
async fn load_fixture(store: &Store, file: &Path, now: i64) -> Result<u64, String> {
    let input = tokio::fs::File::open(file)
        .await
        .map_err(|error| format!("cannot read the fixture {}: {error}", file.display()))?;
    match import(store, BufReader::new(input), now, |_| {}).await {
        Ok(summary) => Ok(summary.records),
        Err(ImportError::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|error| format!("{}:{}: {}", file.display(), error.line, error.message))
                .collect();
            Err(format!(
                "the fixture {} did not load; nothing was started:\n{}",
                file.display(),
                lines.join("\n")
            ))
        }
        Err(error) => Err(format!(
            "the fixture {} did not load: {error}",
            file.display()
        )),
    }
}
