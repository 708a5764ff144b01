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
//! committed before it began, through whichever connection wrote it.
//!
//! Memory: every connection has a page cache of its own; [`READER_CACHE_KIB`] keeps them small
//! and the operating system's file cache (not counted in the process's RSS) holds the rest.

use super::StoreError;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use rusqlite::{Connection, OpenFlags, Row, ToSql};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReader {
    /// A reader of the database file at `path`; connects lazily.
    pub(crate) fn new(path: &Path) -> Self {
        SqliteReader {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        connect(&self.path)
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
        let conn = self.take()?;
        let result = run(&conn, sql, args);
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

    fn take(&self) -> rusqlite::Result<Connection> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(conn) => Ok(conn),
            None => self.connect(),
        }
    }

    fn give_back(&self, conn: Connection) {
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
    let mut statement = conn.prepare_cached(sql)?;
    for (position, value) in args.iter().enumerate() {
        let name = PARAMETER_NAMES[position];
        if let Some(index) = statement.parameter_index(name)? {
            statement.raw_bind_parameter(index, value)?;
        }
    }
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(T::try_from(row)?);
    }
    Ok(out)
}

/// The names of `$1`…`$8`, the most any hot read binds.
const PARAMETER_NAMES: [&str; 8] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_numbered_parameters_by_name_whatever_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let setup = Connection::open(&path).unwrap();
        setup
            .execute_batch(
                "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y');",
            )
            .unwrap();
        let reader = SqliteReader::new(&path);
        let rows: Vec<(i64, String)> = reader
            .fetch_all(
                "SELECT a, b FROM t WHERE b = $2 AND a = $1",
                &[&2_i64, &"y"],
            )
            .unwrap();
        assert_eq!(rows, vec![(2, "y".to_owned())]);
        let none: Option<(i64,)> = reader
            .fetch_optional("SELECT a FROM t WHERE a = $1", &[&7_i64])
            .unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn sees_writes_committed_through_another_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (a INTEGER);")
            .unwrap();
        let reader = SqliteReader::new(&path);
        let count = |reader: &SqliteReader| {
            reader
                .fetch_optional::<(i64,)>("SELECT COUNT(*) FROM t", &[])
                .unwrap()
                .unwrap()
                .0
        };
        assert_eq!(count(&reader), 0);
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert_eq!(count(&reader), 1);
    }

    #[test]
    fn refuses_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (a INTEGER);")
            .unwrap();
        let reader = SqliteReader::new(&path);
        let err = reader
            .fetch_all::<(i64,)>("INSERT INTO t VALUES (1) RETURNING a", &[])
            .unwrap_err();
        assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    }
}
