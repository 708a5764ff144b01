//! One read snapshot for a whole request: its reads share one connection and one SQLite read
//! transaction, opened at the first read and closed when the request's future ends.
//!
//! Why: each hot read on its own is its own transaction, and the memo asks `PRAGMA
//! data_version` before each memoized read. A read-only request such as chat.get (auth, then
//! the record check, then the index range) paid for three transactions and two or three such
//! checks. Inside one transaction the data version cannot move, so it is asked once, and the
//! transaction's begin and end happen once.
//!
//! Only requests that write nothing may use this: a snapshot does not see writes committed
//! after its first read, so a method that writes and then reads through the reader would read
//! its own past. The method table marks such methods (`MethodDef::reads_only`).
//!
//! The snapshot lives in a Tokio task-local, so the storage functions keep their signatures:
//! [`super::SqliteReader`] looks for it before it takes a pooled connection.

use super::{ReaderConn, SqliteReader};
use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

tokio::task_local! {
    static SNAPSHOT: RefCell<Snapshot>;
}

/// The request's read snapshot on one reader.
pub(super) struct Snapshot {
    reader: Arc<SqliteReader>,
    /// The connection holding the read transaction; `None` until the first read.
    conn: Option<ReaderConn>,
    /// Whether the memo was checked against the data version inside this transaction.
    pub(super) version_checked: bool,
}

/// Runs `future` with every read through `reader` in one read transaction.
pub(crate) async fn on_one_snapshot<F: Future>(reader: Arc<SqliteReader>, future: F) -> F::Output {
    let snapshot = Snapshot {
        reader,
        conn: None,
        version_checked: false,
    };
    SNAPSHOT.scope(RefCell::new(snapshot), future).await
}

/// Runs `read` on the snapshot's connection when the running task has a snapshot on `reader`;
/// `None` when it has none (the caller then uses a pooled connection).
pub(super) fn with_snapshot<R>(
    reader: &SqliteReader,
    read: impl FnOnce(&mut ReaderConn, &mut bool) -> rusqlite::Result<R>,
) -> Option<rusqlite::Result<R>> {
    SNAPSHOT
        .try_with(|cell| {
            // A read never runs inside another (reads are synchronous and call nothing
            // back), so the cell is free; if it were not, the pooled path is still correct.
            let mut snapshot = cell.try_borrow_mut().ok()?;
            if !std::ptr::eq(Arc::as_ptr(&snapshot.reader), reader) {
                return None;
            }
            let snapshot = &mut *snapshot;
            if snapshot.conn.is_none() {
                let conn = match begin(reader) {
                    Ok(conn) => conn,
                    Err(error) => return Some(Err(error)),
                };
                snapshot.conn = Some(conn);
            }
            let conn = snapshot.conn.as_mut()?;
            Some(read(conn, &mut snapshot.version_checked))
        })
        .ok()
        .flatten()
}

/// A pooled connection with a (deferred) read transaction open on it.
fn begin(reader: &SqliteReader) -> rusqlite::Result<ReaderConn> {
    let conn = reader.take()?;
    conn.conn.prepare_cached("BEGIN")?.execute([])?;
    Ok(conn)
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // A read transaction has nothing to keep: ending it only releases the snapshot. A
        // connection that cannot end it is dropped (closing it ends it) rather than pooled.
        let ended = conn
            .conn
            .prepare_cached("COMMIT")
            .and_then(|mut statement| statement.execute([]));
        if ended.is_ok() {
            self.reader.give_back(conn);
        }
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("open", &self.conn.is_some())
            .field("version_checked", &self.version_checked)
            .finish_non_exhaustive()
    }
}
