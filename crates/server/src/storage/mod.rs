//! Storage: one SQL text for SQLite and PostgreSQL.
//!
//! Statements are written once, in the subset both engines share (`$1` placeholders,
//! `ON CONFLICT … DO UPDATE`, `WITH RECURSIVE`, `TRUE`/`FALSE`), and run through [`db`]'s
//! query API (`query(SQL).bind(…).fetch_all(self.db())`, or `(&mut tx)` inside a
//! transaction), which picks the engine when the statement runs. sqlx's `Any` driver would
//! lose types (booleans, 64-bit ints) we need.
//!
//! Each aggregate has its own small file: [`auth`] (users, webhooks, tokens), [`access`] (what
//! permission checks read), [`chats`] (the chat lookup), [`import`] (bulk upserts; its SQL is
//! in `import_sql` and its multi-row batching in `import_rows`), [`admin`] (webhook and token
//! management for the command line).

pub mod access;
pub mod admin;
pub mod auth;
mod caller_cache;
pub mod catalog;
pub(crate) mod chat_index;
pub mod chats;
pub mod connectors;
pub mod console;
pub mod crm;
pub mod crm_list;
pub(crate) mod db;
pub mod event_outbox;
pub mod event_owners;
pub mod events;
pub mod events_offline;
pub mod export;
mod ids;
pub mod import;
mod import_copy;
mod import_fast;
mod import_known;
mod import_pipe;
mod import_rows;
mod import_sql;
pub mod oauth;
pub mod options;
mod pg_hot;
pub mod schema;
pub mod sessions;
pub mod snapshot;
mod sqlite_reader;

use crate::domain::connector::STANDARD_CONNECTORS;
use caller_cache::{CallerCache, Check};
use sqlite_reader::SqliteReader;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Adds a standard connector unless it exists.
const SEED_CONNECTOR: &str =
    "INSERT INTO connectors (id, title, active) VALUES ($1, $2, TRUE) ON CONFLICT (id) DO NOTHING";
/// The readiness probe.
const PING: &str = "SELECT 1";

/// A database failure. Callers see a category, never SQL text; the cause is logged once at
/// the HTTP edge.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// From the pipelined PostgreSQL connections of read-only calls (`pg_hot`).
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The kept caller of a read-only request changed under it (`caller_cache`); the request
    /// is run again, so this never reaches a client.
    #[error("the caller changed during the request")]
    CallerChanged,
    #[error("unsupported database URL {0:?}: use a file path, sqlite://… or postgres://…")]
    UnsupportedUrl(String),
}

/// The pool of one backend.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Backend {
    /// The statement that opens a write transaction. SQLite's `BEGIN IMMEDIATE` takes the
    /// write lock at once, so a transaction that reads before it writes cannot fail to
    /// upgrade its lock when another writer got in between (busy_timeout does not cover that).
    pub(crate) fn begin_write(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "BEGIN IMMEDIATE",
            Backend::Postgres(_) => "BEGIN",
        }
    }
}

/// Rows buffered between sqlx's SQLite thread and a reader (see `connect_sqlite`).
const SQLITE_ROW_CHANNEL: usize = 1024;

/// Helper threads a bulk load's index builds may sort on at most (see `open_sqlite`); 2 took
/// the three largest builds of a 1 M-chat import from 2.1–2.4 s to 1.5–1.8 s on two cores.
const MAX_BULK_SORT_HELPERS: usize = 3;

/// How much of a bulk-loaded file is read through a memory map (address space, not memory:
/// the kernel keeps the pages as file cache, and shows them in the import's RSS).
const BULK_LOAD_MMAP_BYTES: u64 = 1 << 32;

/// Statements slower than this are logged, at debug level: bulk imports run long statements on
/// purpose, and sqlx's default (a warning) would flood an operator's log.
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// A file path, `sqlite://path`, `sqlite::memory:` or `postgres://…`.
    pub url: String,
    /// Most connections in the pool.
    pub max_connections: u32,
    /// How long a request waits for a free connection.
    pub acquire_timeout: Duration,
    /// A SQLite file that is being created for one bulk load (`openlines import` into a new
    /// file): it is written through a rollback journal instead of the WAL.
    ///
    /// In WAL mode every page of an import goes to the write-ahead log at the commit and then
    /// again into the file at the checkpoint after it: 400 MB twice, each synced, for a 1 M-chat
    /// file. A rollback journal notes only the size a file had when the transaction began and
    /// saves no page beyond it, so into a new file each page is written once. A crash
    /// mid-load still rolls back to the empty database. The mode is not kept in the file:
    /// whatever opens it next without this flag (a server) turns the WAL on again.
    pub bulk_load: bool,
}

impl StoreOptions {
    /// Defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        StoreOptions {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            bulk_load: false,
        }
    }
}

/// The database behind every method.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// The hot reads of a SQLite file (see [`sqlite_reader`]); `None` on PostgreSQL and for
    /// an in-memory SQLite database, which a second driver cannot open.
    reader: Option<Arc<SqliteReader>>,
    /// PostgreSQL's pipelined connections for read-only calls (see `pg_hot`); `None` on
    /// SQLite, and on PostgreSQL when the budget leaves none (`--db-max-connections 1`).
    hot: Option<Arc<pg_hot::HotConnections>>,
    /// PostgreSQL's webhook callers, kept between calls (see `caller_cache`); only with `hot`,
    /// whose statements confirm them.
    callers: Option<Arc<CallerCache<auth::WebhookUser>>>,
}

/// A read-only request's answer was made with a caller that has changed since it was kept:
/// throw the answer away and run the request again, outside [`Store::on_one_snapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerChanged;

impl Store {
    /// Opens (and for SQLite, creates) the database. Does not migrate.
    pub async fn open(options: &StoreOptions) -> Result<Store, StoreError> {
        let url = options.url.as_str();
        let mut reader = None;
        let mut callers = None;
        let mut hot = None;
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?
                .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT);
            // tokio-postgres reads the same URL syntax as sqlx (and the same `options`, such as
            // a search_path); a URL with a parameter only sqlx knows goes without pipelining.
            let config = match tokio_postgres::Config::from_str(url) {
                Ok(mut config) => Some(config.connect_timeout(options.acquire_timeout).clone()),
                Err(error) => {
                    tracing::warn!(%error, "read-only calls go without pipelined connections");
                    None
                }
            };
            let pipelined = config
                .as_ref()
                .map_or(0, |_| pg_hot::pipelined_share(options.max_connections));
            let pool = PgPoolOptions::new()
                // sqlx pings a connection on every checkout by default: one more round trip per
                // statement. A connection that died is found by the statement itself instead,
                // and sqlx then drops it from the pool.
                .test_before_acquire(false)
                .max_connections(options.max_connections - pipelined)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await?;
            if let (Some(config), 1..) = (config, pipelined) {
                hot = Some(Arc::new(pg_hot::HotConnections::new(config, pipelined)));
                callers = Some(Arc::new(CallerCache::new()));
            }
            Backend::Postgres(pool)
        } else {
            let (pool, file) = open_sqlite(url, options).await?;
            reader = file.map(|path| Arc::new(SqliteReader::new(&path)));
            Backend::Sqlite(pool)
        };
        Ok(Store {
            backend,
            reader,
            hot,
            callers,
        })
    }

    /// Brings the schema up to date and seeds the standard connectors.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        for (id, title) in STANDARD_CONNECTORS {
            db::query(SEED_CONNECTOR)
                .bind(*id)
                .bind(*title)
                .execute(self.db())
                .await?;
        }
        Ok(())
    }

    /// The pool, for the query files of this module.
    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The pool, for [`db::query`]'s statements and [`db::Db::begin_write`].
    pub(crate) fn db(&self) -> db::Db<'_> {
        db::Db::new(&self.backend)
    }

    /// The hot-read path of a SQLite file, if this store has one.
    pub(crate) fn sqlite_reader(&self) -> Option<&SqliteReader> {
        self.reader.as_deref()
    }

    /// Whether read-only requests may be answered with a kept caller, and so may have to run
    /// again ([`Store::on_one_snapshot`]).
    pub fn keeps_callers(&self) -> bool {
        self.callers.is_some()
    }

    /// PostgreSQL's pipelined connections (see `pg_hot`), if this store has them.
    fn pg_hot(&self) -> Option<&pg_hot::HotConnections> {
        self.hot.as_deref()
    }

    /// PostgreSQL's caller cache, if this store has one.
    fn callers(&self) -> Option<&CallerCache<auth::WebhookUser>> {
        self.callers.as_deref()
    }

    /// Runs `future`, a request that writes nothing, on the cheapest consistent reads:
    /// on a SQLite file, all its reads in one read transaction (one snapshot, opened at its
    /// first read: `sqlite_reader::snapshot`); on PostgreSQL, with the webhook caller checked
    /// on kept rows and confirmed by the request's first statement (`caller_cache`).
    ///
    /// `Err(CallerChanged)`: the kept caller had changed; the answer was thrown away and the
    /// caller must run the request again without this function (then every check is fresh).
    pub async fn on_one_snapshot<F: std::future::Future>(
        &self,
        future: F,
    ) -> Result<F::Output, CallerChanged> {
        if let Some(reader) = &self.reader {
            return Ok(sqlite_reader::on_one_snapshot(Arc::clone(reader), future).await);
        }
        let Some(callers) = self.callers() else {
            return Ok(future.await);
        };
        // Boxed: this path holds `future` inside other futures, and unboxed that made every
        // caller's future (SQLite's too) larger, copied whole by each tower layer (callgrind).
        let (output, check) = Box::pin(caller_cache::run_checked(future)).await;
        let stale_user = match check {
            Check::Unused | Check::Confirmed => return Ok(output),
            Check::Stale { user_id } => user_id,
            Check::Unconfirmed { user_id, version } => match self.auth_version(user_id).await {
                Ok(now) if now == Some(version) => return Ok(output),
                // Changed, gone, or unknown (the database failed): the fresh run decides.
                _ => user_id,
            },
        };
        callers.forget(stale_user);
        Err(CallerChanged)
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        db::query(PING).execute(self.db()).await.map(|_| ())
    }

    /// Closes every connection (SQLite then checkpoints its WAL).
    pub async fn close(&self) {
        if let Some(reader) = &self.reader {
            reader.close();
        }
        if let Some(hot) = &self.hot {
            hot.close().await;
        }
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

/// The settings of a new file's bulk load (see [`StoreOptions::bulk_load`]) over `connect`'s.
///
/// A rollback journal syncs fully: there, NORMAL could leave a torn file after a power cut,
/// and FULL costs a few syncs per transaction. Index builds may sort on the other cores
/// (`PRAGMA threads`, which serving leaves at 0: there a request's sort is small and the cores
/// serve other requests). Pages are read through a memory map: the chat index fill looks up
/// every session and chat at random, and a `pread` per page cost it 15–20 %.
fn for_bulk_load(connect: SqliteConnectOptions) -> SqliteConnectOptions {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let sort_helpers = cores.saturating_sub(1).min(MAX_BULK_SORT_HELPERS);
    connect
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Full)
        .pragma("threads", sort_helpers.to_string())
        .pragma("mmap_size", BULK_LOAD_MMAP_BYTES.to_string())
}

/// Opens the sqlx pool of a SQLite database, and says which file it is (`None` in memory).
async fn open_sqlite(
    url: &str,
    options: &StoreOptions,
) -> Result<(SqlitePool, Option<std::path::PathBuf>), StoreError> {
    let connect = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)?
    } else if url.contains("://") {
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    } else {
        SqliteConnectOptions::new().filename(url)
    };
    // WAL lets readers run beside the one writer; NORMAL sync is safe with WAL (a power cut
    // may lose the last commits, never corrupt); the page cache is per connection, so 16 MiB
    // each keeps a full pool near 256 MiB (64 MiB each measured 1.6 GB RSS under load);
    // foreign keys stay off (sqlx turns them on unless told) because references are checked
    // by the importer, which names the offending fixture line.
    let mut connect = connect
        .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-16384")
        .pragma("temp_store", "file")
        // sqlx hands rows from its SQLite thread to ours through a channel; at its default
        // of 50 rows the two threads wake each other all the time. 1,024 took a streamed
        // export of 2.4 M records from 11.5 s to 10.9 s (BENCHMARKS.md, section 1).
        .row_buffer_size(SQLITE_ROW_CHANNEL);
    if options.bulk_load {
        connect = for_bulk_load(connect);
    }
    let pool = SqlitePoolOptions::new()
        // No ping on checkout (see the PostgreSQL pool): an embedded file does not go away.
        .test_before_acquire(false)
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect.clone())
        .await?;
    let file = connect.get_filename();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let file = (!in_memory && file.is_file()).then(|| file.to_owned());
    Ok((pool, file))
}
