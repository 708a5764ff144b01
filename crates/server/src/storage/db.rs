//! The one way a storage file runs a statement, on either engine, on the pool or inside a
//! transaction:
//!
//! ```ignore
//! let rows: Vec<SessionRow> = query(SESSIONS_OF_CHAT).bind(chat).bind(limit).fetch_all(self.db()).await?;
//! let mut tx = self.db().begin_write().await?;
//! let changed = query(TOUCH).bind(id).execute(&mut tx).await? > 0;
//! tx.commit().await?;
//! ```
//!
//! sqlx types a statement by its engine (`Query<Sqlite, …>` and `Query<Postgres, …>` are
//! unrelated types), so code written once for both used to be expanded once per engine by a
//! macro, which rustfmt cannot format. Here a statement only collects its parameters as
//! [`Arg`]s (borrowed, kept inline: no allocation beyond what sqlx makes itself); the engine
//! is chosen when it runs, from the [`Conn`] it runs on: [`Db`] (the pool) or `&mut` [`Tx`]
//! (a transaction). Each [`Arg`] binds exactly the Rust type the old code bound, so the
//! parameter types PostgreSQL sees do not change. sqlx's `Any` driver was not an option: it
//! loses booleans and 64-bit integers.
//!
//! Rows come back as any `T` sqlx can build from a row of either engine ([`Row`]): the
//! `#[derive(sqlx::FromRow)]` structs and tuples both qualify.

use super::{Backend, StoreError};
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;
use smallvec::SmallVec;
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, Type};

/// Which engine a statement runs on, for the few statements whose text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// `sqlite` on SQLite, `postgres` on PostgreSQL.
    pub(crate) fn pick<T>(self, sqlite: T, postgres: T) -> T {
        match self {
            Engine::Sqlite => sqlite,
            Engine::Postgres => postgres,
        }
    }
}

/// The store's pool: each statement run on it takes a connection for itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Db<'a>(&'a Backend);

impl<'a> Db<'a> {
    pub(crate) fn new(backend: &'a Backend) -> Self {
        Db(backend)
    }

    pub(crate) fn engine(self) -> Engine {
        match self.0 {
            Backend::Sqlite(_) => Engine::Sqlite,
            Backend::Postgres(_) => Engine::Postgres,
        }
    }

    /// Opens a write transaction with [`Backend::begin_write`]'s statement (SQLite's
    /// `BEGIN IMMEDIATE` takes the write lock at once). Dropped without
    /// [`Tx::commit`] (an early `?` or `return`), it rolls back.
    pub(crate) async fn begin_write(self) -> Result<Tx, StoreError> {
        let begin = self.0.begin_write();
        Ok(match self.0 {
            Backend::Sqlite(pool) => Tx::Sqlite(pool.begin_with(begin).await?),
            Backend::Postgres(pool) => Tx::Postgres(pool.begin_with(begin).await?),
        })
    }

    /// Opens a transaction that only reads but sees every table at one moment: SQLite's
    /// plain `BEGIN` does (a read transaction in WAL mode reads one snapshot); PostgreSQL
    /// opens with `postgres_begin` (`REPEATABLE READ`, see `snapshot`).
    pub(crate) async fn begin_read(self, postgres_begin: &'static str) -> Result<Tx, StoreError> {
        Ok(match self.0 {
            Backend::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Backend::Postgres(pool) => Tx::Postgres(pool.begin_with(postgres_begin).await?),
        })
    }
}

/// A transaction of either engine.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Where a statement runs, engine and all.
pub(crate) enum Target<'c> {
    SqlitePool(&'c SqlitePool),
    SqliteConn(&'c mut SqliteConnection),
    PostgresPool(&'c PgPool),
    PostgresConn(&'c mut PgConnection),
}

/// What a statement can run on: [`Db`] or `&mut Tx`.
pub(crate) trait Conn: Send {
    fn target(&mut self) -> Target<'_>;
}

impl Conn for Db<'_> {
    fn target(&mut self) -> Target<'_> {
        match self.0 {
            Backend::Sqlite(pool) => Target::SqlitePool(pool),
            Backend::Postgres(pool) => Target::PostgresPool(pool),
        }
    }
}

impl Conn for &mut Tx {
    fn target(&mut self) -> Target<'_> {
        match &mut **self {
            Tx::Sqlite(tx) => Target::SqliteConn(tx),
            Tx::Postgres(tx) => Target::PostgresConn(tx),
        }
    }
}

/// One bound parameter. Each variant binds the Rust type named, as the engine-typed code
/// did, so PostgreSQL infers the same parameter types.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Arg<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
    OptBool(Option<bool>),
    Text(&'a str),
    OptText(Option<&'a str>),
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<&i64> for Arg<'_> {
    fn from(value: &i64) -> Self {
        Arg::Int(*value)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Arg::OptInt(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}

impl From<Option<bool>> for Arg<'_> {
    fn from(value: Option<bool>) -> Self {
        Arg::OptBool(value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Arg::OptText(value)
    }
}

/// What a row can be read into on both engines (derived `FromRow` structs, tuples).
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// What one column can be read into on both engines.
pub(crate) trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}

impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Parameters kept inline: more than the widest fixed statement binds (ten), so only the
/// assembled list filters may spill to the heap.
const INLINE_ARGS: usize = 12;

/// A statement and its parameters, not yet bound to an engine.
#[must_use = "a query does nothing until it runs"]
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: SmallVec<[Arg<'q>; INLINE_ARGS]>,
}

/// Starts a statement; `sql` is one of the storage files' constants (see `catalog`).
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: SmallVec::new(),
    }
}

/// Runs `$query` built by `sqlx::$build` with `.$method` on the target's executor (then
/// `.$then()` on each engine's result, when given): the one place where the engine is matched.
macro_rules! dispatch {
    ($query:ident, $conn:ident, $build:ident, $method:ident $(=> $then:ident)?) => {
        match $conn.target() {
            Target::SqlitePool(pool) => {
                sqlx::$build($query.sql, $query.sqlite_args()?)
                    .$method(pool)
                    .await?
                    $(.$then())?
            }
            Target::SqliteConn(conn) => {
                sqlx::$build($query.sql, $query.sqlite_args()?)
                    .$method(conn)
                    .await?
                    $(.$then())?
            }
            Target::PostgresPool(pool) => {
                sqlx::$build($query.sql, $query.postgres_args()?)
                    .$method(pool)
                    .await?
                    $(.$then())?
            }
            Target::PostgresConn(conn) => {
                sqlx::$build($query.sql, $query.postgres_args()?)
                    .$method(conn)
                    .await?
                    $(.$then())?
            }
        }
    };
}

impl<'q> Query<'q> {
    /// Binds the next parameter (`$1`, `$2`, … in order).
    pub(crate) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Binds each of `values` in turn (for statements assembled at run time).
    pub(crate) fn bind_all(mut self, values: impl IntoIterator<Item = Arg<'q>>) -> Self {
        self.args.extend(values);
        self
    }

    /// Runs it; returns how many rows it changed.
    pub(crate) async fn execute(self, mut conn: impl Conn) -> Result<u64, StoreError> {
        Ok(dispatch!(self, conn, query_with, execute => rows_affected))
    }

    pub(crate) async fn fetch_all<T: Row>(self, mut conn: impl Conn) -> Result<Vec<T>, StoreError> {
        Ok(dispatch!(self, conn, query_as_with, fetch_all))
    }

    pub(crate) async fn fetch_optional<T: Row>(
        self,
        mut conn: impl Conn,
    ) -> Result<Option<T>, StoreError> {
        Ok(dispatch!(self, conn, query_as_with, fetch_optional))
    }

    /// The one row it returns; an error (`RowNotFound`) when there is none.
    pub(crate) async fn fetch_one<T: Row>(self, mut conn: impl Conn) -> Result<T, StoreError> {
        Ok(dispatch!(self, conn, query_as_with, fetch_one))
    }

    /// The first column of the one row it returns.
    pub(crate) async fn fetch_scalar<T: Scalar>(
        self,
        mut conn: impl Conn,
    ) -> Result<T, StoreError> {
        Ok(dispatch!(self, conn, query_scalar_with, fetch_one))
    }

    /// The first column of every row.
    pub(crate) async fn fetch_scalars<T: Scalar>(
        self,
        mut conn: impl Conn,
    ) -> Result<Vec<T>, StoreError> {
        Ok(dispatch!(self, conn, query_scalar_with, fetch_all))
    }

    /// Every row, streamed from the pool's cursor one at a time (memory does not grow with
    /// the result).
    pub(crate) fn fetch<T: Row + 'q>(self, db: Db<'q>) -> BoxStream<'q, Result<T, StoreError>> {
        let rows = match db.0 {
            Backend::Sqlite(pool) => self
                .sqlite_args()
                .map(|args| sqlx::query_as_with(self.sql, args).fetch(pool).boxed()),
            Backend::Postgres(pool) => self
                .postgres_args()
                .map(|args| sqlx::query_as_with(self.sql, args).fetch(pool).boxed()),
        };
        match rows {
            Ok(rows) => rows.map(|row| row.map_err(StoreError::from)).boxed(),
            Err(error) => stream::once(async { Err(error) }).boxed(),
        }
    }

    /// The parameters for SQLite. An encoding error fails the statement before it runs, as
    /// with sqlx's own `bind` (none of [`Arg`]'s types can fail to encode).
    fn sqlite_args(&self) -> Result<SqliteArguments<'q>, StoreError> {
        let mut out = SqliteArguments::default();
        out.reserve(self.args.len(), 0);
        for arg in &self.args {
            match *arg {
                Arg::Int(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptInt(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::Bool(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptBool(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::Text(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptText(value) => out.add(value).map_err(sqlx::Error::Encode)?,
            }
        }
        Ok(out)
    }

    /// The parameters for PostgreSQL (see [`Query::sqlite_args`]).
    fn postgres_args(&self) -> Result<PgArguments, StoreError> {
        let mut out = PgArguments::default();
        for arg in &self.args {
            match *arg {
                Arg::Int(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptInt(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::Bool(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptBool(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::Text(value) => out.add(value).map_err(sqlx::Error::Encode)?,
                Arg::OptText(value) => out.add(value).map_err(sqlx::Error::Encode)?,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
