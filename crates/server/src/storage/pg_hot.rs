//! PostgreSQL connections for chat.get's reads that skip sqlx's ping on release.
//!
//! Why: sqlx's pool tests every connection it takes back with a ping (a `Sync` message and
//! its `ReadyForQuery`), unconditionally (sqlx-core 0.8 `pool/connection.rs`,
//! `return_to_pool`). For a one-statement read that is a second round trip, and `strace` of a
//! chat.get load showed exactly two `sendto` per request. The ping exists to catch a
//! connection left mid-protocol by a cancelled query. These connections are only taken back
//! when the statement ran to its end (an answer or a database error, after which sqlx has
//! read up to `ReadyForQuery`); one whose statement was cancelled, or that failed on the
//! socket, is closed instead. So nothing needs testing, and the ping is left out.
//!
//! They come out of the instance's `--db-max-connections` budget: half of it (none when the
//! budget is 1), the pool keeping the rest. When every one of them is busy, a read takes a
//! pooled connection as before, so they never make a request wait.

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool};
use sqlx::{ConnectOptions, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The hot connections of one store.
#[derive(Debug)]
pub(super) struct HotConnections {
    connect: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    /// Connections alive: idle, lent, or being opened.
    open: AtomicUsize,
    cap: usize,
}

/// How many of `max_connections` go to hot connections (the rest stay with the pool).
pub(super) fn hot_share(max_connections: u32) -> u32 {
    max_connections / 2
}

impl HotConnections {
    pub(super) fn new(connect: PgConnectOptions, cap: u32) -> HotConnections {
        HotConnections {
            connect,
            idle: Mutex::new(Vec::new()),
            open: AtomicUsize::new(0),
            cap: cap as usize,
        }
    }

    /// Runs `read` on a hot connection, or on a pooled one when none is free (or a new one
    /// cannot be opened: the pool then reports the failure as it always does).
    pub(super) async fn read<R>(
        &self,
        pool: &PgPool,
        read: impl AsyncFnOnce(&mut PgConnection) -> Result<R, Error>,
    ) -> Result<R, Error> {
        match self.lend().await {
            Some(mut lent) => {
                let result = match lent.conn.as_mut() {
                    Some(conn) => read(conn).await,
                    None => return Err(Error::PoolClosed),
                };
                // Taken back only after the statement ran to its end; a socket or protocol
                // failure closes it (when `lent` drops).
                if !matches!(
                    &result,
                    Err(Error::Io(_) | Error::Protocol(_) | Error::Tls(_))
                ) {
                    lent.give_back();
                }
                result
            }
            None => {
                let mut conn = pool.acquire().await?;
                read(&mut *conn).await
            }
        }
    }

    /// Says goodbye on every idle connection (PostgreSQL logs a dropped socket as an error);
    /// one lent out closes when its statement ends. New reads then open new connections, as
    /// the pool's do after it closed.
    pub(super) async fn close(&self) {
        let idle = match self.idle.lock() {
            Ok(mut idle) => std::mem::take(&mut *idle),
            Err(_) => return,
        };
        for conn in idle {
            self.open.fetch_sub(1, Ordering::AcqRel);
            let _ = sqlx::Connection::close(conn).await;
        }
    }

    /// An idle connection, a new one while under the cap, or `None`.
    async fn lend(&self) -> Option<Lent<'_>> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        if let Some(conn) = idle {
            return Some(Lent {
                hot: self,
                conn: Some(conn),
                counted: true,
            });
        }
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.cap {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        // Counted from here: dropping `lent` (also on failure) uncounts it.
        let mut lent = Lent {
            hot: self,
            conn: None,
            counted: true,
        };
        lent.conn = Some(self.connect.connect().await.ok()?);
        Some(lent)
    }
}

/// A hot connection out of the idle list. Dropped without [`Lent::give_back`], it closes
/// and is no longer counted.
struct Lent<'a> {
    hot: &'a HotConnections,
    conn: Option<PgConnection>,
    /// Whether dropping this uncounts a connection (not after it went back to the idle list).
    counted: bool,
}

impl Lent<'_> {
    fn give_back(mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.hot.idle.lock()) {
            idle.push(conn);
            self.counted = false;
        }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.hot.open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests;
