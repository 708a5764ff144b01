//! The hot reads of a SQLite store on rusqlite: the caller lookup, the CRM read check and
//! chat.get's index read, each one cached prepared statement run on the calling thread.
//!
//! Why not sqlx for these: its SQLite driver runs every statement on a worker thread of the
//! connection and hands the rows back through a channel, so a 10 µs index read cost two
//! thread hops and several allocations; with three statements per call that was most of
//! chat.get's time (BENCHMARKS.md §8 has the profile). Writes, bulk paths and cold reads stay
//! on sqlx, whose one code path serves both engines; PostgreSQL is network-bound anyway.
//!
//! Statements run synchronously on the async worker that asks. That is a deliberate trade: an
//! indexed read of a few rows on a WAL database costs microseconds and never waits for the
//! writer (WAL readers read their snapshot), which is cheaper than any hand-off to a thread
//! pool. Each statement is its own read transaction, so a read always sees every write
//! committed before it began, through whichever connection wrote it; a request that only
//! reads may instead run all its reads in one transaction ([`snapshot`]).
//!
//! Memory: every connection has a page cache of its own; [`READER_CACHE_KIB`] keeps them small
//! and the operating system's file cache (not counted in the process's RSS) holds the rest.

use super::StoreError;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use rusqlite::{Connection, OpenFlags, Row, ToSql};
use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Idle connections kept for reuse; more than the server's worker threads is never needed
/// at once, since a statement never crosses an `.await`.
const MAX_IDLE: usize = 8;

/// Page cache per reading connection (KiB): enough for the inner pages of the indexes the hot
/// reads walk, so a call reads about one leaf page from the OS. Only one connection per
/// worker thread is ever busy, and the idle list hands out the warmest first.
const READER_CACHE_KIB: i64 = 8192;

/// Prepared statements kept per connection (the hot reads are a handful).
const STATEMENT_CACHE: usize = 16;

/// A waiting reader gives up after this long (only a WAL recovery makes readers wait).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Read connections to one SQLite file, opened on first use.
#[derive(Debug)]
pub(crate) struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<ReaderConn>>,
}

/// A reading connection and what it remembers of small, rarely written tables.
///
/// The memo holds the answers of statements run through [`SqliteReader::fetch_all_memo`] (the
/// caller's webhooks or token, the connectors). Before each such read the connection asks
/// SQLite's `PRAGMA data_version`, which changes whenever any other connection, in this
/// process or another, has committed anything to the file since; then the memo is dropped.
/// So a memoized answer is always the one the statement would give now: a revoked webhook or a
/// switched-off connector is seen by the very next call, from whichever instance wrote it.
struct ReaderConn {
    conn: Connection,
    data_version: i64,
    memo: Vec<MemoEntry>,
}

/// One remembered answer: the statement (by address: the catalog's constants), its arguments,
/// and its rows.
struct MemoEntry {
    sql: usize,
    args: Vec<rusqlite::types::Value>,
    rows: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for ReaderConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderConn")
            .field("data_version", &self.data_version)
            .field("memo_entries", &self.memo.len())
            .finish_non_exhaustive()
    }
}

/// Answers a connection remembers at most; it forgets them all when full (a portal with more
/// callers than this just reads more often).
const MEMO_ENTRIES: usize = 256;

impl SqliteReader {
    /// A reader of the database file at `path`; connects lazily.
    pub(crate) fn new(path: &Path) -> Self {
        SqliteReader {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn connect(&self) -> rusqlite::Result<ReaderConn> {
        Ok(ReaderConn {
            conn: connect(&self.path)?,
            data_version: -1,
            memo: Vec::new(),
        })
    }

    /// Every row of `sql`, read on a blocking thread with a connection of its own and handed
    /// over [`STREAM_CHUNK`] rows at a time: one thread hop per chunk, not per row. The
    /// reading stops when the stream is dropped.
    pub(crate) fn stream<T>(&self, sql: &'static str) -> BoxStream<'static, Result<T, StoreError>>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error> + Send + 'static,
    {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<T>, StoreError>>(4);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(error) = read_in_chunks(&path, sql, &sender) {
                let _ = sender.blocking_send(Err(error.into()));
            }
        });
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            let chunk = receiver.recv().await?;
            Some((chunk, receiver))
        })
        .flat_map(|chunk| {
            let rows: Vec<Result<T, StoreError>> = match chunk {
                Ok(rows) => rows.into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            futures_util::stream::iter(rows)
        })
        .boxed()
    }
}

/// Rows handed from the reading thread to the stream at a time.
const STREAM_CHUNK: usize = 1024;

fn read_in_chunks<T>(
    path: &Path,
    sql: &str,
    sender: &tokio::sync::mpsc::Sender<Result<Vec<T>, StoreError>>,
) -> rusqlite::Result<()>
where
    T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
{
    let conn = connect(path)?;
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.raw_query();
    let mut chunk = Vec::with_capacity(STREAM_CHUNK);
    while let Some(row) = rows.next()? {
        chunk.push(T::try_from(row)?);
        if chunk.len() == STREAM_CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(STREAM_CHUNK));
            if sender.blocking_send(Ok(full)).is_err() {
                return Ok(()); // the stream was dropped
            }
        }
    }
    if !chunk.is_empty() {
        let _ = sender.blocking_send(Ok(chunk));
    }
    Ok(())
}

/// A reading connection to the file at `path`.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    // NO_MUTEX: a connection is used by one thread at a time (it leaves the idle list for
    // the length of one statement), so SQLite's own locking would be pure cost.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // Read-only by contract, enforced by SQLite; read-write at the file level because a
    // WAL reader may need to create the shared-memory index.
    conn.pragma_update(None, "query_only", true)?;
    conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl SqliteReader {
    /// Runs `sql` with `args` bound to `$1`, `$2`, … and reads every row as a `T` (a tuple
    /// of column types, in column order).
    ///
    /// Parameters are bound by name: the catalog's statements may use `$4` before `$1`, and
    /// SQLite numbers named parameters in order of first appearance.
    pub(crate) fn fetch_all<T>(&self, sql: &str, args: &[&dyn ToSql]) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
    {
        self.with_conn(|conn, _| run(&conn.conn, sql, args))
    }

    /// Runs `sql` like [`SqliteReader::fetch_all`], keeping what `keep` makes of each row
    /// (`None` leaves the row out): the row is read in place, so a column that only decides
    /// whether to keep it is never copied out.
    pub(crate) fn fetch_filtered<T>(
        &self,
        sql: &str,
        args: &[&dyn ToSql],
        mut keep: impl FnMut(&Row<'_>) -> rusqlite::Result<Option<T>>,
    ) -> Result<Vec<T>, StoreError> {
        self.with_conn(|conn, _| {
            let mut out = Vec::new();
            for_each_row(&conn.conn, sql, args, |row| {
                if let Some(kept) = keep(row)? {
                    out.push(kept);
                }
                Ok(())
            })?;
            Ok(out)
        })
    }

    /// [`SqliteReader::fetch_all`] for a statement over small tables that change rarely: the
    /// rows are remembered by the connection until anything is written to the database
    /// ([`ReaderConn`] says how that is noticed). `sql` must be a `&'static` catalog constant.
    pub(crate) fn fetch_all_memo<T>(
        &self,
        sql: &'static str,
        args: &[&dyn ToSql],
    ) -> Result<Arc<Vec<T>>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error> + Send + Sync + 'static,
    {
        self.with_conn(|conn, version_checked| memo_run(conn, sql, args, version_checked))
    }

    /// The one place that picks a connection for a read: the running request's snapshot when
    /// it has one on this reader ([`snapshot`]), else a pooled connection, where the statement
    /// is a transaction of its own. `read` gets the connection and whether the memo was
    /// already checked in the current transaction (always `false` outside a snapshot).
    fn with_conn<R>(
        &self,
        mut read: impl FnMut(&mut ReaderConn, &mut bool) -> rusqlite::Result<R>,
    ) -> Result<R, StoreError> {
        if let Some(result) = snapshot::with_snapshot(self, &mut read) {
            return Ok(result?);
        }
        let mut conn = self.take()?;
        let result = read(&mut conn, &mut false);
        self.give_back(conn);
        Ok(result?)
    }

    /// [`SqliteReader::fetch_all`] for at most one row.
    pub(crate) fn fetch_optional<T>(
        &self,
        sql: &str,
        args: &[&dyn ToSql],
    ) -> Result<Option<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
    {
        Ok(self.fetch_all(sql, args)?.into_iter().next())
    }

    fn take(&self) -> rusqlite::Result<ReaderConn> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(conn) => Ok(conn),
            None => self.connect(),
        }
    }

    fn give_back(&self, conn: ReaderConn) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
    }

    /// Closes every idle connection (before the store closes, so that SQLite can checkpoint
    /// its WAL and a temporary database's folder can go).
    pub(crate) fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

fn run<T>(conn: &Connection, sql: &str, args: &[&dyn ToSql]) -> rusqlite::Result<Vec<T>>
where
    T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
{
    let mut out = Vec::new();
    for_each_row(conn, sql, args, |row| {
        out.push(T::try_from(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// Binds `args` to `$1`, `$2`, … of the cached statement `sql` and hands each row to `each`.
fn for_each_row(
    conn: &Connection,
    sql: &str,
    args: &[&dyn ToSql],
    mut each: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(sql)?;
    for (position, value) in args.iter().enumerate() {
        let name = PARAMETER_NAMES[position];
        if let Some(index) = statement.parameter_index(name)? {
            statement.raw_bind_parameter(index, value)?;
        }
    }
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

/// `version_checked`: whether the memo was already checked in the read transaction the
/// statement runs in (a snapshot's); it is set once checked. Outside a snapshot every
/// statement is a transaction of its own, so the caller passes a fresh `false`.
fn memo_run<T>(
    conn: &mut ReaderConn,
    sql: &'static str,
    args: &[&dyn ToSql],
    version_checked: &mut bool,
) -> rusqlite::Result<Arc<Vec<T>>>
where
    T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error> + Send + Sync + 'static,
{
    if !*version_checked {
        let version: i64 = conn
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))?;
        if version != conn.data_version {
            conn.memo.clear();
            conn.data_version = version;
        }
        *version_checked = true;
    }
    if conn.memo.len() >= MEMO_ENTRIES {
        conn.memo.clear();
    }
    let key = sql.as_ptr() as usize;
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        match owned_value(&arg.to_sql()?) {
            Some(value) => values.push(value),
            // An argument the memo cannot compare: read, and remember nothing.
            None => return Ok(Arc::new(run::<T>(&conn.conn, sql, args)?)),
        }
    }
    let known = conn
        .memo
        .iter()
        .find(|entry| entry.sql == key && entry.args == values)
        .and_then(|entry| Arc::clone(&entry.rows).downcast::<Vec<T>>().ok());
    if let Some(rows) = known {
        return Ok(rows);
    }
    let rows = Arc::new(run::<T>(&conn.conn, sql, args)?);
    conn.memo.push(MemoEntry {
        sql: key,
        args: values,
        rows: Arc::clone(&rows) as Arc<dyn Any + Send + Sync>,
    });
    Ok(rows)
}

/// An argument as a value the memo can keep and compare; `None` for the special blob shapes.
fn owned_value(out: &rusqlite::types::ToSqlOutput<'_>) -> Option<rusqlite::types::Value> {
    use rusqlite::types::{ToSqlOutput, Value};
    match out {
        ToSqlOutput::Borrowed(value) => Some(Value::from(*value)),
        ToSqlOutput::Owned(value) => Some(value.clone()),
        _ => None,
    }
}

/// The names of `$1`…`$8`, the most any hot read binds.
const PARAMETER_NAMES: [&str; 8] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8"];

mod snapshot;
pub(crate) use snapshot::on_one_snapshot;

#[cfg(test)]
mod tests;
