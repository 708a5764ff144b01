//! Opening the database from the command line, with errors that name the database and say
//! what to do: `--db` (shared by every subcommand) and the checks behind it.
//!
//! Commands that create data (`serve`, `import`, `migrate`) create and migrate a database
//! that is missing. Every other command only works on a database that exists and is
//! migrated: a typo in `--db` must not leave a new empty database behind and report success.

use crate::storage::schema::SchemaState;
use crate::storage::{Store, StoreError, StoreOptions};
use clap::Args;
use sqlx::postgres::PgConnectOptions;
use sqlx::ConnectOptions;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// The database every subcommand works on when `--db` is not given.
pub const DEFAULT_DB: &str = "openlines.db";

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// SQLite file, `sqlite://…`, or `postgres://…` [default: openlines.db; `serve --demo`
    /// and `serve --fixture`: a temporary database removed at exit]
    #[arg(long, env = "OPENLINES_DB")]
    pub db: Option<String>,
    /// Most database connections.
    #[arg(long, env = "OPENLINES_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// Seconds a request waits for a free database connection.
    #[arg(long, env = "OPENLINES_DB_ACQUIRE_TIMEOUT", default_value_t = 10)]
    pub db_acquire_timeout: u64,
}

/// What went wrong opening the database, worded for the person who typed `--db`.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "--db is empty: give a SQLite file path or a postgres:// URL (is OPENLINES_DB set to \
         an empty value?)"
    )]
    Empty,
    #[error(
        "cannot create the SQLite database {file}: the directory {dir} does not exist; create \
         it first, or give --db a path in an existing directory"
    )]
    NoDirectory { file: String, dir: String },
    #[error(
        "there is no database at {0}: check --db, or create one with `openlines migrate --db \
         {0}` (or `openlines import --db {0} FILE`, or `openlines serve --db {0}`)"
    )]
    NotFound(String),
    #[error(
        "{0} holds no openlines data (it was never migrated): check --db, or run `openlines \
         migrate --db {0}` first"
    )]
    NotMigrated(String),
    #[error(
        "{db} was made by an older openlines ({applied} of {known} migrations applied): run \
         `openlines migrate --db {db}` first"
    )]
    Behind {
        db: String,
        applied: usize,
        known: usize,
    },
    #[error("{0}: not a PostgreSQL URL the driver understands ({1})")]
    BadUrl(String, String),
    #[error(
        "cannot connect to PostgreSQL at {target}: {cause}; check that PostgreSQL is running \
         there and that --db names the right host, port, database and user"
    )]
    PostgresUnreachable { target: String, cause: String },
    #[error("cannot open the database {db}: {cause}")]
    Open { db: String, cause: StoreError },
    #[error("{db}: {cause}")]
    Store { db: String, cause: StoreError },
}

impl DbArgs {
    /// `--db`, or the default file.
    pub fn url(&self) -> &str {
        self.db.as_deref().unwrap_or(DEFAULT_DB)
    }

    fn options(&self, url: &str, bulk_load: bool) -> StoreOptions {
        StoreOptions {
            url: url.to_owned(),
            max_connections: self.db_max_connections,
            acquire_timeout: Duration::from_secs(self.db_acquire_timeout),
            bulk_load,
        }
    }

    /// Opens the database, creating and migrating it if needed (`serve`, `import`, `migrate`).
    pub async fn open(&self) -> Result<Store, DbError> {
        self.open_url(self.url()).await
    }

    /// [`Self::open`] for `openlines import`: a SQLite file that does not exist yet is made
    /// for the load (see [`StoreOptions::bulk_load`]).
    pub async fn open_for_import(&self) -> Result<Store, DbError> {
        let url = self.url();
        self.open_migrated(url, is_new_sqlite_file(url)).await
    }

    /// Opens `url` (creating and migrating it if needed).
    pub async fn open_url(&self, url: &str) -> Result<Store, DbError> {
        self.open_migrated(url, false).await
    }

    async fn open_migrated(&self, url: &str, bulk_load: bool) -> Result<Store, DbError> {
        let store = self.connect(url, true, bulk_load).await?;
        if let Err(cause) = store.migrate().await {
            store.close().await;
            return Err(DbError::Store {
                db: shown(url),
                cause,
            });
        }
        Ok(store)
    }

    /// Creates or updates the schema (`openlines migrate`); what was done, for a person.
    pub async fn migrate(&self) -> Result<String, DbError> {
        let url = self.url();
        let new_file = is_new_sqlite_file(url);
        let store = self.connect(url, true, false).await?;
        let db = shown(url);
        let outcome = async {
            let before = store.schema_state().await?;
            store.migrate().await?;
            let after = store.schema_state().await?;
            Ok::<_, StoreError>((before, after))
        }
        .await;
        store.close().await;
        let (before, after) = outcome.map_err(|cause| DbError::Store {
            db: db.clone(),
            cause,
        })?;
        let now = match after {
            SchemaState::Current { applied } | SchemaState::Behind { applied, .. } => applied,
            SchemaState::Missing => 0,
        };
        Ok(match before {
            _ if new_file => format!("created {db} and applied {now} migrations"),
            SchemaState::Missing => format!("applied {now} migrations to {db} (a new schema)"),
            SchemaState::Behind { applied, .. } => format!(
                "applied {} migration(s) to {db}; it is now at migration {now}",
                now.saturating_sub(applied)
            ),
            SchemaState::Current { .. } => {
                format!("{db} was already up to date (migration {now}); nothing was changed")
            }
        })
    }

    /// Opens a database that must exist and be migrated; creates nothing.
    pub async fn open_existing(&self) -> Result<Store, DbError> {
        let url = self.url();
        let store = self.connect(url, false, false).await?;
        let state = match store.schema_state().await {
            Ok(state) => state,
            Err(cause) => {
                store.close().await;
                return Err(DbError::Store {
                    db: shown(url),
                    cause,
                });
            }
        };
        let refusal = match state {
            SchemaState::Current { .. } => return Ok(store),
            SchemaState::Missing => DbError::NotMigrated(shown(url)),
            SchemaState::Behind { applied, known } => DbError::Behind {
                db: shown(url),
                applied,
                known,
            },
        };
        store.close().await;
        Err(refusal)
    }

    /// Connects after the checks that give a clear message; `create` allows a new SQLite
    /// file, `bulk_load` is [`StoreOptions::bulk_load`].
    async fn connect(&self, url: &str, create: bool, bulk_load: bool) -> Result<Store, DbError> {
        if url.trim().is_empty() {
            return Err(DbError::Empty);
        }
        if is_postgres(url) {
            probe_postgres(url, Duration::from_secs(self.db_acquire_timeout)).await?;
        } else if let Some(file) = sqlite_file(url) {
            check_sqlite_file(&file, create)?;
        }
        Store::open(&self.options(url, bulk_load))
            .await
            .map_err(|cause| DbError::Open {
                db: shown(url),
                cause,
            })
    }
}

/// Whether `url` names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Whether `url` names a SQLite file that does not exist yet (opening it will create it).
fn is_new_sqlite_file(url: &str) -> bool {
    sqlite_file(url).is_some_and(|file| !file.exists())
}

/// The file of a SQLite `--db` (`None` for an in-memory database or a non-SQLite URL).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let path = if let Some(rest) = url.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        rest
    } else if url.contains("://") {
        return None;
    } else {
        url
    };
    let path = path.split('?').next().unwrap_or(path);
    Some(PathBuf::from(path))
}

fn check_sqlite_file(file: &Path, create: bool) -> Result<(), DbError> {
    if file.exists() {
        return Ok(());
    }
    if !create {
        return Err(DbError::NotFound(file.display().to_string()));
    }
    let dir = file
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.is_dir() {
        Ok(())
    } else {
        Err(DbError::NoDirectory {
            file: file.display().to_string(),
            dir: dir.display().to_string(),
        })
    }
}

/// One connection attempt, so that an unreachable server is reported at once with its
/// cause (refused, unknown host, wrong password) instead of as a pool timeout after
/// retrying for the whole acquire timeout.
async fn probe_postgres(url: &str, timeout: Duration) -> Result<(), DbError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|error| DbError::BadUrl(shown(url), error.to_string()))?;
    let target = format!(
        "{}:{} (database {:?}, user {:?}; {})",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or(options.get_username()),
        options.get_username(),
        shown(url)
    );
    match tokio::time::timeout(timeout, options.connect()).await {
        Ok(Ok(connection)) => {
            let _ = sqlx::Connection::close(connection).await;
            Ok(())
        }
        Ok(Err(error)) => Err(DbError::PostgresUnreachable {
            target,
            cause: cause_of(&error),
        }),
        Err(_) => Err(DbError::PostgresUnreachable {
            target,
            cause: format!("no answer within {} s", timeout.as_secs()),
        }),
    }
}

/// The innermost useful text of a driver error ("Connection refused (os error 111)").
fn cause_of(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(database) => database.message().to_owned(),
        other => other.to_string(),
    }
}

/// `url` as it may be shown: a PostgreSQL password hidden.
pub fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            let masked = if credentials.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!("{}://{masked}@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_found_in_each_spelling() {
        assert_eq!(sqlite_file("x.db"), Some(PathBuf::from("x.db")));
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            shown("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(shown("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(shown("x.db"), "x.db");
    }
}
