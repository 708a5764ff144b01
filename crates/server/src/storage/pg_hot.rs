//! The read-only calls' PostgreSQL statements, on a few pipelined connections (tokio-postgres).
//!
//! Why a second PostgreSQL client beside sqlx: sqlx gives every statement a connection of its
//! own for the whole round trip, and takes it back with a ping (sqlx-core 0.8
//! `pool/connection.rs`). Under chat.get's load that is at least two system calls on each side
//! and a wake-up of a PostgreSQL backend per call, and half of the server's time went to the
//! kernel (BENCHMARKS.md §10). tokio-postgres pipelines: statements issued while others are in
//! flight on the same connection are written to the socket together and their answers read
//! together, so under load a couple of connections carry many calls per system call. A call
//! dropped half-way (its client went away) does not spoil the connection either: the
//! connection's task still reads that statement's answer and throws it away.
//!
//! Only chat.get's handful of statements go here ([`HotStatement`]: the caller's webhooks
//! and version, the read check, the chats): each is prepared once per connection, when it
//! opens. Every other statement, and every write, goes through sqlx's pool as before.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, Error, NoTls, Row, Statement};

/// The statements that run on pipelined connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HotStatement {
    /// `auth::LIVE_WEBHOOKS_WITH_USER`
    LiveWebhooks,
    /// `auth::AUTH_VERSION_PG`
    AuthVersion,
    /// `chats::CHATS_OF_CRM_RECORD_ANY_CONFIRMING_PG`
    ChatsAny,
    /// `chats::CHATS_OF_CRM_RECORD_ACTIVE_CONFIRMING_PG`
    ChatsActive,
    /// `chats::CHATS_OF_CRM_RECORD_ANY`, without the caller's version: for a request whose
    /// caller is confirmed already (a department user's chat.get, after its read check) or
    /// checked afresh (`batch`, OAuth)
    ChatsAnyPlain,
    /// `chats::CHATS_OF_CRM_RECORD_ACTIVE`, likewise
    ChatsActivePlain,
    /// `access::CRM_READ_VIEW_CONFIRMING_PG`
    ReadView,
}

impl HotStatement {
    /// Every statement, in the order of their places in [`Pipelined::statements`].
    const ALL: [HotStatement; 7] = [
        HotStatement::LiveWebhooks,
        HotStatement::AuthVersion,
        HotStatement::ChatsAny,
        HotStatement::ChatsActive,
        HotStatement::ChatsAnyPlain,
        HotStatement::ChatsActivePlain,
        HotStatement::ReadView,
    ];

    fn sql(self) -> &'static str {
        match self {
            HotStatement::LiveWebhooks => super::auth::LIVE_WEBHOOKS_WITH_USER,
            HotStatement::AuthVersion => super::auth::AUTH_VERSION_PG,
            HotStatement::ChatsAny => super::chats::CHATS_OF_CRM_RECORD_ANY_CONFIRMING_PG,
            HotStatement::ChatsActive => super::chats::CHATS_OF_CRM_RECORD_ACTIVE_CONFIRMING_PG,
            HotStatement::ChatsAnyPlain => super::chats::CHATS_OF_CRM_RECORD_ANY,
            HotStatement::ChatsActivePlain => super::chats::CHATS_OF_CRM_RECORD_ACTIVE,
            HotStatement::ReadView => super::access::CRM_READ_VIEW_CONFIRMING_PG,
        }
    }

    /// The parameters' types, as sqlx declares them for the same Rust values (`&str` is
    /// TEXT, `i64` INT8), so that PostgreSQL reads the statement the same way on both clients.
    fn parameter_types(self) -> &'static [Type] {
        match self {
            HotStatement::LiveWebhooks | HotStatement::AuthVersion => &[Type::INT8],
            HotStatement::ChatsAny | HotStatement::ChatsActive => {
                &[Type::TEXT, Type::INT8, Type::INT8]
            }
            HotStatement::ChatsAnyPlain | HotStatement::ChatsActivePlain => {
                &[Type::TEXT, Type::INT8]
            }
            HotStatement::ReadView => &[Type::TEXT, Type::INT8, Type::INT8, Type::INT8],
        }
    }
}

/// How many pipelined connections an instance opens from its `--db-max-connections` budget:
/// two (one would leave PostgreSQL one backend, that is one core, for every call of the
/// instance), one when the budget is 2 or 3, none when it is 1 (the pool then needs it all,
/// and read-only calls check their caller afresh, as before the caller cache).
pub(super) fn pipelined_share(max_connections: u32) -> u32 {
    (max_connections / 2).min(PIPELINED_CONNECTIONS)
}

/// See [`pipelined_share`]; measured in BENCHMARKS.md §10 ("Pipelined").
const PIPELINED_CONNECTIONS: u32 = 2;

/// The pipelined connections of one store, opened on first use and again after one closed.
#[derive(Debug)]
pub(super) struct HotConnections {
    config: Config,
    slots: Box<[Slot]>,
    /// The slot of the next statement (round robin).
    next: AtomicUsize,
}

#[derive(Debug, Default)]
struct Slot {
    open: Mutex<Option<Arc<Pipelined>>>,
    /// Held while the slot opens a connection, so that a burst of calls opens one, not one
    /// each.
    opening: tokio::sync::Mutex<()>,
}

/// One open connection with its prepared statements.
#[derive(Debug)]
struct Pipelined {
    client: Client,
    /// In the order of [`HotStatement::ALL`].
    statements: Vec<Statement>,
    /// The task that drives the connection's socket; it ends when `client` is dropped.
    task: JoinHandle<()>,
}

impl HotConnections {
    /// `connections` pipelined connections to the database of `config` (at least one).
    pub(super) fn new(config: Config, connections: u32) -> HotConnections {
        HotConnections {
            config,
            slots: (0..connections.max(1)).map(|_| Slot::default()).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Runs `statement` with `parameters` and returns its rows.
    pub(super) async fn query(
        &self,
        statement: HotStatement,
        parameters: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        let slot = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let connection = self.slots[slot].connection(&self.config).await?;
        let prepared = &connection.statements[statement as usize];
        connection.client.query(prepared, parameters).await
    }

    /// Runs `statement` with `parameters` and reads every row as a `T` (a tuple of column
    /// types, in column order).
    pub(super) async fn query_as<T: FromRow>(
        &self,
        statement: HotStatement,
        parameters: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<T>, Error> {
        let rows = self.query(statement, parameters).await?;
        rows.iter().map(T::from_row).collect()
    }

    /// Closes every connection (with PostgreSQL's goodbye message: it logs a dropped socket
    /// as an error). A call still running on one keeps it until its statement ends; later
    /// calls open new ones, as the pool's do after it closed.
    pub(super) async fn close(&self) {
        for slot in self.slots.iter() {
            let taken = slot
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let Some(pipelined) = taken.and_then(Arc::into_inner) else {
                continue;
            };
            let Pipelined { client, task, .. } = pipelined;
            drop(client);
            // The task sends the goodbye and ends once its client is gone; a server that does
            // not answer must not hold up the shutdown.
            let _ = tokio::time::timeout(Duration::from_secs(1), task).await;
        }
    }
}

impl Slot {
    /// The slot's open connection, opened now if it has none or it closed.
    async fn connection(&self, config: &Config) -> Result<Arc<Pipelined>, Error> {
        if let Some(open) = self.live() {
            return Ok(open);
        }
        let _opening = self.opening.lock().await;
        if let Some(open) = self.live() {
            return Ok(open); // another call opened it while this one waited
        }
        // Boxed: opening is rare, and its future (tokio-postgres' connect) is several KiB
        // that would otherwise sit inside every call's future, which tower's layers copy
        // whole (callgrind counted 10 k more instructions per SQLite call too).
        let fresh = Arc::new(Box::pin(Pipelined::open(config)).await?);
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    fn live(&self) -> Option<Arc<Pipelined>> {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.as_ref()
            .filter(|pipelined| !pipelined.client.is_closed())
            .cloned()
    }
}

impl Pipelined {
    async fn open(config: &Config) -> Result<Pipelined, Error> {
        let (client, connection) = config.connect(NoTls).await?;
        let task = tokio::spawn(async move {
            if let Err(error) = (AfterOthers {
                inner: connection,
                deferred: false,
            })
            .await
            {
                tracing::debug!(%error, "a pipelined PostgreSQL connection ended");
            }
        });
        let mut statements = Vec::with_capacity(HotStatement::ALL.len());
        for statement in HotStatement::ALL {
            statements.push(
                client
                    .prepare_typed(statement.sql(), statement.parameter_types())
                    .await?,
            );
        }
        Ok(Pipelined {
            client,
            statements,
            task,
        })
    }
}

/// A row type of a [`HotStatement`]: a tuple of column types, in column order.
pub(super) trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, Error>;
}

/// [`FromRow`] for the tuple of the given types, read from columns 0, 1, … (a macro because
/// Rust has no way to be generic over a tuple's length).
macro_rules! tuple_from_row {
    ($($column:ident $index:tt),+) => {
        impl<$($column),+> FromRow for ($($column,)+)
        where
            $($column: for<'a> tokio_postgres::types::FromSql<'a>,)+
        {
            fn from_row(row: &Row) -> Result<Self, Error> {
                Ok(($(row.try_get::<_, $column>($index)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);

/// Polls `inner` only after every task that was ready when it was woken has run.
///
/// Why: a call hands its statement to the connection's task, which wakes it; Tokio runs a task
/// woken that way right after the waking one (its "LIFO slot"), so the connection wrote each
/// statement alone, one system call per call (`strace -c`: 0.8 `sendto` per chat.get under
/// load). Waking itself once first sends the task to the back of the run queue, so the calls
/// already waiting there add their statements before it writes, and under load one write
/// carries many of them. When idle it costs one more trip through the scheduler.
struct AfterOthers<F> {
    inner: F,
    /// Whether this wake-up was already passed on (the next poll polls `inner`).
    deferred: bool,
}

impl<F: Future + Unpin> Future for AfterOthers<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if !self.deferred {
            self.deferred = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.deferred = false;
        Pin::new(&mut self.inner).poll(cx)
    }
}

#[cfg(test)]
mod tests;
