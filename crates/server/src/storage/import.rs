//! Bulk writes for the fixture importer: one transaction, upserts by id sent many rows at a
//! time ([`super::import_rows`]), and the deferred reference checks that name the fixture line
//! of every dangling reference ([`super::import_sql`]).
//!
//! A record is written to its table and, unless its references are known to exist already
//! ([`super::import_known`]), its line number to a staging table; the chat
//! shorthand's sessions and all CRM bindings are staged too, and applied in
//! [`ImportWriter::finish`], when every line is in. Into a database without sessions, a
//! chat's first shorthand is written as it arrives instead ([`super::import_fast`]). The
//! tables have no foreign keys, so rows
//! of different tables may reach the database in any order; rows of one table keep their
//! order where it matters (a later line for the same key wins).

use super::import_copy::{CopyIn, CopyRows};
use super::import_fast::{Claim, FastShorthand};
use super::import_known::KnownIds;
use super::import_pipe::{ImportTx, Pipe};
use super::import_rows::{key_of, Batch, Ready, StatementSize, Value};
use super::import_sql::{self as sql, Table};
use super::{chat_index, ids, Backend, Store, StoreError};
use crate::domain::session::SessionStatus;
use std::collections::BTreeMap;
use std::hash::Hash;

/// Runs the same block on whichever transaction is open.
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            ImportTx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            ImportTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Executes a statement with binds on the open transaction.
macro_rules! exec {
    ($self:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        with_tx!($self.tx.idle()?, conn => sqlx::query($sql)$(.bind($bind))*.execute(conn).await.map(|_| ()))
    };
}

/// Why a write of the import failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The database refused a statement that carried lines `first..=last` (one of them is
    /// wrong, usually a unique value used twice).
    #[error("{}", describe_refusal(*.first, *.last, .source))]
    Rows {
        first: i64,
        last: i64,
        source: sqlx::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<WriteError> for StoreError {
    /// For the steps outside the line stream (the start, the commit), where no line is to
    /// blame: a refusal is then just a database error.
    fn from(error: WriteError) -> StoreError {
        match error {
            WriteError::Store(error) => error,
            WriteError::Rows { source, .. } => source.into(),
        }
    }
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> WriteError {
        WriteError::Store(error.into())
    }
}

fn describe_refusal(first: i64, last: i64, error: &sqlx::Error) -> String {
    if first == last {
        format!("could not be stored: {error}")
    } else {
        format!(
            "could not be stored: {error} (lines {first} to {last} were written together; \
             one of them was refused)"
        )
    }
}

/// What [`ImportWriter::drop_indexes`] takes off a table that is about to be filled from
/// empty in one statement (BENCHMARKS.md §1 has the measurements behind each choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unindex {
    /// The non-unique indexes on PostgreSQL; nothing on SQLite (used for the sessions' index,
    /// whose drop was never measured on SQLite).
    PostgresSecondary,
    /// The non-unique indexes on both engines, and on PostgreSQL the primary key too (the
    /// fill must then repeat no key; [`sql::INSERT_STAGED_BINDINGS_INTO_EMPTY_PG`]).
    SecondaryAndPostgresKey,
    /// The non-unique indexes on both engines.
    Secondary,
}

/// One row for [`ImportWriter::write`].
struct Row {
    table: Table,
    /// The table's conflict key; `None` for rows that never conflict.
    key: Option<u64>,
    /// Whether the row can meet no conflict and may go by `COPY` on PostgreSQL (see
    /// [`super::import_copy`]): an unkeyed row, or the first of an id into an empty table.
    plain: bool,
    /// Which of the table's optional values the row gives (bit `i`: clause `i`).
    given: u8,
    values: Vec<Value>,
}

impl Row {
    fn new(table: Table, key: &impl Hash, values: Vec<Value>) -> Row {
        Row {
            table,
            key: Some(key_of(key)),
            plain: false,
            given: 0,
            values,
        }
    }

    /// Marks a keyed row whose id is new to its table ([`CopyIn::fresh_chat`]).
    fn fresh(mut self, fresh: bool) -> Row {
        self.plain = fresh;
        self
    }

    /// A row that never conflicts with another (no key).
    fn unkeyed(table: Table, values: Vec<Value>) -> Row {
        Row {
            table,
            key: None,
            plain: true,
            given: 0,
            values,
        }
    }

    fn giving(mut self, optional: &[bool]) -> Row {
        for (bit, given) in optional.iter().enumerate() {
            if *given {
                self.given |= 1 << bit;
            }
        }
        self
    }
}

/// A department to upsert.
#[derive(Debug, Clone)]
pub struct DepartmentRow {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// A user to upsert.
#[derive(Debug, Clone)]
pub struct UserUpsert {
    pub id: i64,
    pub name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub active: bool,
    pub department_id: Option<i64>,
}

/// A webhook to upsert (by code hash).
#[derive(Debug, Clone)]
pub struct WebhookUpsert {
    pub user_id: i64,
    pub code_sha256: String,
    pub scopes: String,
    pub expires_at: Option<i64>,
}

/// A token to upsert (by access-token hash). `expires_at: None` keeps a stored expiry, or
/// gives a new token `default_expires_at`.
#[derive(Debug, Clone)]
pub struct TokenUpsert {
    pub user_id: i64,
    pub access_sha256: String,
    pub refresh_sha256: Option<String>,
    pub scopes: String,
    pub expires_at: Option<i64>,
    pub default_expires_at: i64,
    pub client_id: Option<String>,
    pub refresh_expires_at: Option<i64>,
}

/// A CRM record to upsert.
#[derive(Debug, Clone)]
pub struct CrmRecordUpsert {
    pub entity_type: &'static str,
    pub id: i64,
    pub title: String,
    pub assigned_by_id: Option<i64>,
    pub opened: bool,
}

/// A chat to upsert.
#[derive(Debug, Clone)]
pub struct ChatUpsert {
    pub id: i64,
    pub connector_id: String,
    pub line_id: i64,
    pub title: String,
    pub external_chat_id: String,
    pub external_user_id: String,
}

/// A session to upsert. Missing times keep stored ones, or are `now` for a new session.
#[derive(Debug, Clone)]
pub struct SessionUpsert {
    pub id: i64,
    pub chat_id: i64,
    pub status: i64,
    pub operator_id: Option<i64>,
    pub created_at: Option<i64>,
    pub modified_at: Option<i64>,
}

/// A dangling reference found at the end of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dangling {
    pub line: i64,
    pub message: String,
}

/// One import, in one transaction.
#[derive(Debug)]
pub struct ImportWriter {
    /// The transaction, and the batch that runs on it ([`super::import_pipe`]).
    tx: Pipe,
    now: i64,
    /// How many parameters a statement may carry on this engine.
    size: StatementSize,
    /// Waiting rows of each table written so far.
    batches: BTreeMap<Table, Batch>,
    /// Whether a statement failed. PostgreSQL then refuses everything else in the
    /// transaction, so nothing more is sent: it would only add errors about the first.
    failed: bool,
    /// Whether `sessions` held rows before the import (if not, no stored shorthand session
    /// can need a new status).
    sessions_existed: bool,
    /// Imported session ids whose stored chat is not yet noted in `import_chats` (see
    /// [`sql::SESSIONS_OLD_CHATS_SQLITE`]); noted before their rows are sent.
    unnoted_sessions: Vec<i64>,
    /// Whether `crm_chat_index` held rows before the import. If so, only the touched chats'
    /// rows are rebuilt, and those are found through every chat's staged line number.
    chat_index_existed: bool,
    /// Connectors, lines and users known to exist (see [`KnownIds`]).
    known: KnownIds,
    /// How many CRM bindings were staged (see [`sql::BINDING_CHECK`]).
    staged_bindings: u64,
    /// Set when `sessions` and `session_crm_bindings` were empty as the import began: chat
    /// shorthands are then written as they arrive (see [`super::import_fast`]).
    fast: Option<FastShorthand>,
    /// The secondary indexes dropped for [`Self::fast`] (see [`Self::start_fast`]), built
    /// again at the end.
    fast_unindexed: Vec<String>,
    /// PostgreSQL: the rows that go by `COPY` ([`super::import_copy`]). Whatever waits there
    /// is sent before any other statement ([`Self::send_copies`]).
    copy: Option<CopyIn>,
    /// PostgreSQL, first load: the chat index rows are written from the stream, by `COPY`,
    /// instead of joined and grouped at the end ([`Self::derive`]). Each shorthand session of
    /// [`Self::fast`] is its chat's only session, bound to the records its line lists, so its
    /// rows are known as the line arrives. That holds while the file has no `session` line, no
    /// second line for a chat and no staged shorthand; the first such line turns this off,
    /// and the end clears the rows written so far and fills the table as before. (On SQLite
    /// the rows would go out of key order into the clustered table, which costs what the fill
    /// saves.)
    index_from_stream: bool,
    /// The chat index's key and indexes, dropped for [`Self::index_from_stream`]; built again
    /// at the end.
    index_unindexed: Vec<String>,
}

impl ImportWriter {
    /// Opens the transaction and the staging tables.
    pub async fn begin(store: &Store, now: i64) -> Result<ImportWriter, StoreError> {
        let (tx, size) = match store.backend() {
            Backend::Sqlite(pool) => (
                ImportTx::Sqlite(pool.begin_with(store.backend().begin_write()).await?),
                StatementSize::Sqlite,
            ),
            Backend::Postgres(pool) => (
                ImportTx::Postgres(pool.begin().await?),
                StatementSize::Postgres,
            ),
        };
        let mut writer = ImportWriter {
            tx: Pipe::new(tx),
            now,
            size,
            batches: BTreeMap::new(),
            failed: false,
            sessions_existed: true,
            unnoted_sessions: Vec::new(),
            chat_index_existed: true,
            known: KnownIds::default(),
            staged_bindings: 0,
            fast: None,
            fast_unindexed: Vec::new(),
            copy: None,
            index_from_stream: false,
            index_unindexed: Vec::new(),
        };
        for statement in sql::DROP_TEMP_TABLES.iter().chain(sql::CREATE_TEMP_TABLES) {
            exec!(writer, *statement)?;
        }
        writer.sessions_existed = writer.holds_rows(sql::SESSIONS_EXIST).await?;
        writer.chat_index_existed = writer.holds_rows(sql::CHAT_INDEX_EXISTS).await?;
        writer.load_known().await?;
        let chats_empty = !writer.holds_rows(sql::CHATS_EXIST).await?;
        if !writer.sessions_existed && !writer.holds_rows(sql::BINDINGS_EXIST).await? {
            writer.start_fast(chats_empty).await?;
        }
        if writer.on_postgres() {
            let crm_empty = !writer.holds_rows(sql::CRM_RECORDS_EXIST).await?;
            writer.copy = Some(CopyIn::new(chats_empty, crm_empty));
            if writer.fast.is_some() && chats_empty && !writer.chat_index_existed {
                writer.index_unindexed = writer
                    .drop_indexes("crm_chat_index", Unindex::SecondaryAndPostgresKey)
                    .await?;
                writer.index_from_stream = true;
            }
        }
        Ok(writer)
    }

    /// Sets up [`Self::fast`]. The secondary indexes of the sessions and their bindings, and
    /// of the chats if there are none yet, go until the end: rows arrive in chat and session
    /// order, which keeps the keys in order but not the indexes by record or by user code,
    /// whose upkeep at random places cost more than building them afterwards (BENCHMARKS.md
    /// §1). Keys and unique indexes stay, for conflicts and the moves of sessions. On
    /// PostgreSQL a drop locks its (empty) table until the import commits: readers of these
    /// tables wait for a first load to finish.
    async fn start_fast(&mut self, chats_empty: bool) -> Result<(), StoreError> {
        let last: i64 = match self.tx.idle()? {
            ImportTx::Sqlite(tx) => {
                sqlx::query_scalar(sql::LAST_SESSION_ID_SQLITE)
                    .fetch_one(&mut **tx)
                    .await?
            }
            ImportTx::Postgres(tx) => {
                sqlx::query_scalar(sql::LAST_SESSION_ID_PG)
                    .fetch_one(&mut **tx)
                    .await?
            }
        };
        self.fast = Some(FastShorthand::new(last));
        let mut tables = vec!["sessions", "session_crm_bindings"];
        if chats_empty {
            tables.push("chats");
        }
        for table in tables {
            let builds = self.drop_indexes(table, Unindex::Secondary).await?;
            self.fast_unindexed.extend(builds);
        }
        Ok(())
    }

    /// Reads the stored ids of connectors, lines and users (see [`KnownIds`]).
    async fn load_known(&mut self) -> Result<(), StoreError> {
        let connectors: Vec<String> = with_tx!(self.tx.idle()?, conn => sqlx::query_scalar(sql::KNOWN_CONNECTORS)
            .fetch_all(conn)
            .await)?;
        let lines: Vec<i64> = with_tx!(self.tx.idle()?, conn => sqlx::query_scalar(sql::KNOWN_LINES)
            .fetch_all(conn)
            .await)?;
        let users: Vec<i64> = with_tx!(self.tx.idle()?, conn => sqlx::query_scalar(sql::KNOWN_USERS)
            .fetch_all(conn)
            .await)?;
        connectors
            .iter()
            .for_each(|id| self.known.add_connector(id));
        lines.into_iter().for_each(|id| self.known.add_line(id));
        users.into_iter().for_each(|id| self.known.add_user(id));
        Ok(())
    }

    fn on_postgres(&self) -> bool {
        matches!(self.size, StatementSize::Postgres)
    }

    /// Runs one of the `*_EXIST` queries of [`sql`].
    async fn holds_rows(&mut self, query: &str) -> Result<bool, StoreError> {
        Ok(
            with_tx!(self.tx.idle()?, conn => sqlx::query_scalar::<_, bool>(query)
            .fetch_one(conn)
            .await)?,
        )
    }

    /// Queues a row of `line` and sends what its batch says is due (see [`Batch::push`]).
    async fn write(&mut self, line: i64, row: Row) -> Result<(), WriteError> {
        if let Some(copy) = self.copy.as_mut().filter(|_| row.plain) {
            if copy.push(row.table, line, &row.values) {
                if copy.due(row.table) {
                    self.send_copy(row.table).await?;
                }
                return Ok(());
            }
        }
        let size = self.size;
        let batch = self
            .batches
            .entry(row.table)
            .or_insert_with(|| Batch::new(row.table.shape(), size));
        let ready = batch.push(row.key, row.given, line, row.values);
        for statement in ready {
            self.send(row.table, statement).await?;
        }
        Ok(())
    }

    /// Sends every waiting row and waits until the database has them. The import calls it at
    /// the first bad line too, so that a row the database refuses before that line is
    /// reported with it.
    pub async fn flush(&mut self) -> Result<(), WriteError> {
        self.send_copies().await?;
        let ready: Vec<(Table, Ready)> = self
            .batches
            .iter_mut()
            .flat_map(|(table, batch)| batch.drain().into_iter().map(|ready| (*table, ready)))
            .collect();
        for (table, statement) in ready {
            self.send(table, statement).await?;
        }
        self.settle().await
    }

    /// Waits for the running batch ([`Pipe::settle`]); after a refusal nothing more is sent.
    async fn settle(&mut self) -> Result<(), WriteError> {
        let outcome = self.tx.settle().await;
        if outcome.is_err() {
            self.failed = true;
        }
        outcome
    }

    /// Starts a batch of lines `first..=last` on the transaction once the running one is done
    /// ([`Pipe::start`]); the database's refusal is reported on those lines.
    async fn start<F>(
        &mut self,
        first: i64,
        last: i64,
        batch: impl FnOnce(ImportTx) -> F + Send + 'static,
    ) -> Result<(), WriteError>
    where
        F: std::future::Future<Output = (ImportTx, Result<(), sqlx::Error>)> + Send + 'static,
    {
        let outcome = self
            .tx
            .start(move |tx| async move {
                let (tx, result) = batch(tx).await;
                let outcome = result.map_err(|source| WriteError::Rows {
                    first,
                    last,
                    source,
                });
                (tx, outcome)
            })
            .await;
        if outcome.is_err() {
            self.failed = true;
        }
        outcome
    }

    /// Starts one multi-row statement; the importer reads on while it runs.
    async fn send(&mut self, table: Table, ready: Ready) -> Result<(), WriteError> {
        if self.failed {
            return Ok(());
        }
        // The statement may read or update rows still waiting for their `COPY`.
        self.send_copies().await?;
        if table == Table::Sessions && !self.unnoted_sessions.is_empty() {
            self.settle().await?;
            self.note_old_chats().await?;
        }
        let Ready {
            sql: statement,
            persistent,
            values,
            first_line,
            last_line,
        } = ready;
        self.start(first_line, last_line, move |mut tx| async move {
            let result = with_tx!(&mut tx, conn => {
                let mut query = sqlx::query(&statement).persistent(persistent);
                for value in values {
                    query = match value {
                        Value::Int(value) => query.bind(value),
                        Value::Text(value) => query.bind(value),
                        Value::Bool(value) => query.bind(value),
                    };
                }
                query.execute(conn).await.map(|_| ())
            });
            (tx, result)
        })
        .await
    }

    /// Sends every table's waiting `COPY` rows.
    async fn send_copies(&mut self) -> Result<(), WriteError> {
        let tables = self
            .copy
            .as_ref()
            .map(CopyIn::waiting_tables)
            .unwrap_or_default();
        for table in tables {
            self.send_copy(table).await?;
        }
        Ok(())
    }

    /// Starts `table`'s waiting `COPY` rows as one `COPY … FROM STDIN`.
    async fn send_copy(&mut self, table: Table) -> Result<(), WriteError> {
        let Some(CopyRows {
            sql: copy,
            data,
            first_line,
            last_line,
        }) = self.copy.as_mut().and_then(|copy| copy.take(table))
        else {
            return Ok(());
        };
        if self.failed {
            return Ok(());
        }
        self.start(first_line, last_line, move |mut tx| async move {
            let result = match &mut tx {
                ImportTx::Postgres(tx) => {
                    async {
                        let mut sink = tx.copy_in_raw(&copy.statement).await?;
                        sink.send(data).await?;
                        sink.finish().await.map(|_| ())
                    }
                    .await
                }
                // `copy` is only set up on PostgreSQL.
                ImportTx::Sqlite(_) => Err(sqlx::Error::Protocol("COPY needs PostgreSQL".into())),
            };
            (tx, result)
        })
        .await
    }

    /// Notes the stored chats of the sessions about to be overwritten (see
    /// [`sql::SESSIONS_OLD_CHATS_SQLITE`]). Sessions of other waiting groups may be among
    /// them; noting a chat early is harmless, as nothing has moved them yet.
    async fn note_old_chats(&mut self) -> Result<(), WriteError> {
        let ids = std::mem::take(&mut self.unnoted_sessions);
        let result = match self.tx.idle()? {
            ImportTx::Sqlite(tx) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                sqlx::query(sql::SESSIONS_OLD_CHATS_SQLITE)
                    .bind(format!("[{}]", list.join(",")))
                    .execute(&mut **tx)
                    .await
                    .map(|_| ())
            }
            ImportTx::Postgres(tx) => sqlx::query(sql::SESSIONS_OLD_CHATS_PG)
                .bind(ids)
                .execute(&mut **tx)
                .await
                .map(|_| ()),
        };
        self.failed = result.is_err();
        result?;
        Ok(())
    }

    /// Stages the line number of a record, for the reference checks.
    async fn remember(
        &mut self,
        kind: &str,
        int_id: i64,
        text_id: &str,
        line: i64,
    ) -> Result<(), WriteError> {
        let row = Row::new(
            Table::StagedLines,
            &(kind, int_id, text_id),
            vec![kind.into(), int_id.into(), text_id.into(), line.into()],
        );
        self.write(line, row).await
    }

    pub async fn department(&mut self, line: i64, row: &DepartmentRow) -> Result<(), WriteError> {
        let values = vec![
            row.id.into(),
            row.name.as_str().into(),
            row.parent_id.into(),
        ];
        self.write(line, Row::new(Table::Departments, &row.id, values))
            .await?;
        self.remember("department", row.id, "", line).await
    }

    pub async fn user(&mut self, line: i64, row: &UserUpsert) -> Result<(), WriteError> {
        let values = vec![
            row.id.into(),
            row.name.as_str().into(),
            row.last_name.as_str().into(),
            row.is_admin.into(),
            row.active.into(),
            row.department_id.into(),
        ];
        self.write(line, Row::new(Table::Users, &row.id, values))
            .await?;
        self.known.add_user(row.id);
        self.remember("user", row.id, "", line).await
    }

    pub async fn permission(
        &mut self,
        line: i64,
        user_id: i64,
        entity_type: &str,
        level: &str,
    ) -> Result<(), WriteError> {
        let values = vec![user_id.into(), entity_type.into(), level.into()];
        let key = (user_id, entity_type);
        self.write(line, Row::new(Table::Permissions, &key, values))
            .await?;
        self.remember("permission", user_id, entity_type, line)
            .await
    }

    pub async fn webhook(&mut self, line: i64, row: &WebhookUpsert) -> Result<(), WriteError> {
        let values = vec![
            row.user_id.into(),
            row.code_sha256.as_str().into(),
            row.scopes.as_str().into(),
            row.expires_at.into(),
            self.now.into(),
        ];
        self.write(line, Row::new(Table::Webhooks, &row.code_sha256, values))
            .await?;
        self.remember("webhook", row.user_id, &row.code_sha256, line)
            .await
    }

    pub async fn token(&mut self, line: i64, row: &TokenUpsert) -> Result<(), WriteError> {
        let values = vec![
            row.access_sha256.as_str().into(),
            row.refresh_sha256.as_deref().into(),
            row.user_id.into(),
            row.scopes.as_str().into(),
            row.expires_at.into(),
            row.default_expires_at.into(),
            row.client_id.as_deref().into(),
            row.refresh_expires_at.into(),
        ];
        let write =
            Row::new(Table::Tokens, &row.access_sha256, values).giving(&[row.expires_at.is_some()]);
        self.write(line, write).await?;
        self.remember("token", row.user_id, &row.access_sha256, line)
            .await
    }

    pub async fn crm_record(&mut self, line: i64, row: &CrmRecordUpsert) -> Result<(), WriteError> {
        let values = vec![
            row.entity_type.into(),
            row.id.into(),
            row.title.as_str().into(),
            row.assigned_by_id.into(),
            row.opened.into(),
        ];
        let key = (row.entity_type, row.id);
        let fresh = self
            .copy
            .as_mut()
            .is_some_and(|copy| copy.fresh_crm(row.entity_type, row.id));
        self.write(line, Row::new(Table::CrmRecords, &key, values).fresh(fresh))
            .await?;
        if let Some(fast) = &mut self.fast {
            fast.add_crm(row.entity_type, row.id);
        }
        if self.known.has_user_or_none(row.assigned_by_id) {
            return Ok(());
        }
        self.remember("crm", row.id, row.entity_type, line).await
    }

    /// An OAuth application.
    pub async fn app(
        &mut self,
        line: i64,
        client_id: &str,
        secret_sha256: &str,
        name: &str,
        scopes: &str,
    ) -> Result<(), WriteError> {
        let values = vec![
            client_id.into(),
            secret_sha256.into(),
            name.into(),
            scopes.into(),
            self.now.into(),
        ];
        self.write(line, Row::new(Table::Apps, &client_id, values))
            .await?;
        self.remember("app", 0, client_id, line).await
    }

    /// A chat membership.
    pub async fn member(
        &mut self,
        line: i64,
        chat_id: i64,
        user_id: i64,
    ) -> Result<(), WriteError> {
        let values = vec![chat_id.into(), user_id.into()];
        let key = (chat_id, user_id);
        self.write(line, Row::new(Table::Members, &key, values))
            .await?;
        self.remember("member", chat_id, &user_id.to_string(), line)
            .await
    }

    /// A message; a missing time keeps a stored one or is now.
    pub async fn message(
        &mut self,
        line: i64,
        id: i64,
        chat_id: i64,
        author_id: i64,
        text: &str,
        created_at: Option<i64>,
    ) -> Result<(), WriteError> {
        let values = vec![
            id.into(),
            chat_id.into(),
            author_id.into(),
            text.into(),
            created_at.into(),
            self.now.into(),
        ];
        let row = Row::new(Table::Messages, &id, values).giving(&[created_at.is_some()]);
        self.write(line, row).await?;
        self.remember("message", id, "", line).await
    }

    /// A connector; `None` keeps (or, for a new one, derives) title and active flag.
    pub async fn connector(
        &mut self,
        line: i64,
        id: &str,
        title: Option<&str>,
        active: Option<bool>,
    ) -> Result<(), WriteError> {
        let values = vec![id.into(), title.into(), active.into()];
        let row =
            Row::new(Table::Connectors, &id, values).giving(&[title.is_some(), active.is_some()]);
        self.write(line, row).await?;
        self.known.add_connector(id);
        Ok(())
    }

    /// An open line; `None` keeps (or defaults) name and active flag.
    pub async fn line(
        &mut self,
        line: i64,
        id: i64,
        name: Option<&str>,
        active: Option<bool>,
    ) -> Result<(), WriteError> {
        let values = vec![id.into(), name.into(), active.into()];
        let row = Row::new(Table::Lines, &id, values).giving(&[name.is_some(), active.is_some()]);
        self.write(line, row).await?;
        self.known.add_line(id);
        Ok(())
    }

    pub async fn chat(&mut self, line: i64, row: &ChatUpsert) -> Result<(), WriteError> {
        let values = vec![
            row.id.into(),
            row.connector_id.as_str().into(),
            row.line_id.into(),
            row.title.as_str().into(),
            row.external_chat_id.as_str().into(),
            row.external_user_id.as_str().into(),
        ];
        let fresh = self
            .copy
            .as_mut()
            .is_some_and(|copy| copy.fresh_chat(row.id));
        if !fresh {
            // A second line for the chat (or one the bitmap had no room for).
            self.index_from_stream = false;
        }
        self.write(line, Row::new(Table::Chats, &row.id, values).fresh(fresh))
            .await?;
        let checked =
            self.known.has_connector(&row.connector_id) && self.known.has_line(row.line_id);
        if checked && !self.chat_index_existed {
            return Ok(());
        }
        self.remember("chat", row.id, "", line).await
    }

    /// The chat shorthand: one session for `chat_id` with `status`, bound to `crm` (applied at
    /// the end of the import, when every chat and record is known).
    pub async fn chat_shorthand(
        &mut self,
        line: i64,
        chat: &ChatUpsert,
        status: i64,
        crm: &[(&str, i64)],
    ) -> Result<(), WriteError> {
        let chat_id = chat.id;
        if let Some(Claim::Session(id)) = self.fast.as_mut().map(|fast| fast.claim(chat_id)) {
            self.shorthand_now(line, chat_id, id, status, crm).await?;
            if self.index_from_stream {
                self.index_rows_now(line, chat, id, status, crm).await?;
            }
            return Ok(());
        }
        self.index_from_stream = false;
        let values = vec![chat_id.into(), status.into(), line.into()];
        self.write(line, Row::new(Table::StagedShorthand, &chat_id, values))
            .await?;
        // The shorthand row names the line whose bindings count (see `import_binding_owners`).
        self.stage_bindings("chat", chat_id, crm, line).await
    }

    /// The shorthand of a chat's first line, written now as session `id` (see
    /// [`super::import_fast`]). A binding to a record no earlier line wrote is staged for the
    /// check at the end ([`sql::BINDING_CHECK`], owner `shorthand`).
    async fn shorthand_now(
        &mut self,
        line: i64,
        chat_id: i64,
        id: i64,
        status: i64,
        crm: &[(&str, i64)],
    ) -> Result<(), WriteError> {
        let values = vec![id.into(), chat_id.into(), status.into(), self.now.into()];
        let row = Row::unkeyed(Table::ShorthandSessions, values);
        self.write(line, row).await?;
        for (at, &(entity_type, entity_id)) in crm.iter().enumerate() {
            // A binding given twice is stored once (lists are short).
            if crm[..at].contains(&(entity_type, entity_id)) {
                continue;
            }
            let values = vec![id.into(), entity_type.into(), entity_id.into()];
            let row = Row::unkeyed(Table::ShorthandBindings, values);
            self.write(line, row).await?;
            let known = self
                .fast
                .as_ref()
                .is_some_and(|fast| fast.has_crm(entity_type, entity_id));
            if !known {
                self.stage_binding(line, "shorthand", chat_id, entity_type, entity_id)
                    .await?;
            }
        }
        Ok(())
    }

    /// The chat index rows of shorthand session `id`, the only session of `chat` (see
    /// [`Self::index_from_stream`]): one per record, as [`chat_index::FILL_ALL_PG`] would
    /// write them.
    async fn index_rows_now(
        &mut self,
        line: i64,
        chat: &ChatUpsert,
        id: i64,
        status: i64,
        crm: &[(&str, i64)],
    ) -> Result<(), WriteError> {
        let active = (SessionStatus::ACTIVE_FROM..SessionStatus::ACTIVE_UNTIL).contains(&status);
        for (at, &(entity_type, entity_id)) in crm.iter().enumerate() {
            if crm[..at].contains(&(entity_type, entity_id)) {
                continue;
            }
            let values = vec![
                entity_type.into(),
                entity_id.into(),
                chat.id.into(),
                chat.connector_id.as_str().into(),
                self.now.into(),
                id.into(),
                active.then_some(self.now).into(),
                active.then_some(id).into(),
            ];
            self.write(line, Row::unkeyed(Table::ChatIndexRows, values))
                .await?;
        }
        Ok(())
    }

    /// Before a `session` line writes session `id`: if a shorthand session written from the
    /// stream has that id, it moves to the next free one, with its bindings (see
    /// [`super::import_fast`]).
    async fn free_session_id(&mut self, line: i64, id: i64) -> Result<(), WriteError> {
        if !self
            .fast
            .as_mut()
            .is_some_and(|fast| fast.explicit_session(id))
        {
            return Ok(());
        }
        // The shorthand row may still wait in its batch.
        self.flush().await?;
        if self.failed {
            return Ok(());
        }
        let shorthand: Option<i64> = with_tx!(self.tx.idle()?, conn => sqlx::query_scalar(sql::SHORTHAND_OF_SESSION)
                .bind(id)
                .fetch_optional(conn)
                .await)?;
        if shorthand.is_none() {
            // A `session` line took it already.
            return Ok(());
        }
        let Some(target) = self.fast.as_mut().and_then(FastShorthand::move_target) else {
            return Err(WriteError::Rows {
                first: line,
                last: line,
                source: sqlx::Error::Protocol(
                    "no session id is left for the chat shorthand".into(),
                ),
            });
        };
        for statement in [sql::MOVE_SESSION, sql::MOVE_SESSION_BINDINGS] {
            let result = exec!(self, statement, id, target);
            self.failed = result.is_err();
            result.map_err(|source| WriteError::Rows {
                first: line,
                last: line,
                source,
            })?;
        }
        Ok(())
    }

    pub async fn session(
        &mut self,
        line: i64,
        row: &SessionUpsert,
        crm: Option<&[(&str, i64)]>,
    ) -> Result<(), WriteError> {
        self.index_from_stream = false;
        self.free_session_id(line, row.id).await?;
        let values = vec![
            row.id.into(),
            row.chat_id.into(),
            row.status.into(),
            row.operator_id.into(),
            row.created_at.into(),
            row.modified_at.into(),
            self.now.into(),
        ];
        let write = Row::new(Table::Sessions, &row.id, values)
            .giving(&[row.created_at.is_some(), row.modified_at.is_some()]);
        self.unnoted_sessions.push(row.id);
        self.write(line, write).await?;
        self.remember("session", row.id, "", line).await?;
        match crm {
            Some(crm) => self.stage_bindings("session", row.id, crm, line).await,
            None => Ok(()),
        }
    }

    /// Stages `crm` as the bindings of `owner` from this line on: the owner's latest line is
    /// what counts at the end, so a later line replaces these. A chat's latest line is the
    /// one its staged shorthand row names, so only sessions note theirs here.
    async fn stage_bindings(
        &mut self,
        owner: &str,
        owner_id: i64,
        crm: &[(&str, i64)],
        line: i64,
    ) -> Result<(), WriteError> {
        if owner != "chat" {
            let values = vec![owner.into(), owner_id.into(), line.into()];
            let key = (owner, owner_id);
            self.write(line, Row::new(Table::StagedBindingOwners, &key, values))
                .await?;
        }
        for (entity_type, entity_id) in crm {
            self.stage_binding(line, owner, owner_id, entity_type, *entity_id)
                .await?;
        }
        Ok(())
    }

    /// Stages one binding of `owner` for the reference check and the fill at the end.
    async fn stage_binding(
        &mut self,
        line: i64,
        owner: &str,
        owner_id: i64,
        entity_type: &str,
        entity_id: i64,
    ) -> Result<(), WriteError> {
        self.staged_bindings += 1;
        let values = vec![
            owner.into(),
            owner_id.into(),
            entity_type.into(),
            entity_id.into(),
            line.into(),
        ];
        let row = Row::unkeyed(Table::StagedBindings, values);
        self.write(line, row).await
    }

    /// Sends what waits, applies staged sessions and bindings, then lists every reference
    /// still missing (ordered by line). An empty list means the import may commit.
    pub async fn finish(&mut self) -> Result<Vec<Dangling>, WriteError> {
        self.flush().await?;
        if self.on_postgres() {
            exec!(self, sql::SORT_MEMORY_PG)?;
            exec!(self, sql::INDEX_BUILD_MEMORY_PG)?;
        }
        for statement in sql::ANALYZE_STAGING {
            exec!(self, *statement)?;
        }
        let mut problems = Vec::new();
        let hashed = self.on_postgres() && self.staged_bindings >= sql::HASHED_BINDING_CHECK_FROM;
        for check in sql::REFERENCE_CHECKS {
            let hash_this = hashed && *check == sql::BINDING_CHECK;
            if hash_this {
                exec!(self, sql::NESTED_LOOPS_OFF_PG)?;
            }
            let rows: Vec<(i64, String)> = with_tx!(self.tx.idle()?, conn => sqlx::query_as(check)
                .bind(sql::MAX_REPORTED)
                .fetch_all(conn)
                .await)?;
            if hash_this {
                exec!(self, sql::NESTED_LOOPS_ON_PG)?;
            }
            problems.extend(
                rows.into_iter()
                    .map(|(line, message)| Dangling { line, message }),
            );
        }
        problems.sort_by_key(|problem| problem.line);
        problems.truncate(sql::MAX_REPORTED as usize);
        if !problems.is_empty() {
            return Ok(problems);
        }
        if self.on_postgres() {
            exec!(self, sql::RAISE_SESSIONS_PG)?;
        }
        // Into an empty `sessions` (no session lines in the file either), the shorthand
        // sessions are one fill like the bindings and the chat index below.
        let indexes = if self.holds_rows(sql::SESSIONS_EXIST).await? {
            Vec::new()
        } else {
            self.drop_indexes("sessions", Unindex::PostgresSecondary)
                .await?
        };
        exec!(self, sql::CREATE_SHORTHAND_SESSIONS, self.now)?;
        self.build_indexes(indexes).await?;
        if self.sessions_existed || self.fast.as_ref().is_some_and(FastShorthand::wrote) {
            exec!(self, sql::UPDATE_SHORTHAND_SESSIONS, self.now)?;
        }
        if self.holds_rows(sql::BINDINGS_EXIST).await? {
            exec!(self, sql::CLEAR_REPLACED_BINDINGS)?;
            exec!(self, sql::INSERT_STAGED_BINDINGS)?;
        } else {
            let indexes = self
                .drop_indexes("session_crm_bindings", Unindex::SecondaryAndPostgresKey)
                .await?;
            if self.on_postgres() {
                exec!(self, sql::INSERT_STAGED_BINDINGS_INTO_EMPTY_PG)?;
            } else {
                exec!(self, sql::INSERT_STAGED_BINDINGS)?;
            }
            self.build_indexes(indexes).await?;
        }
        let unindexed = std::mem::take(&mut self.fast_unindexed);
        self.build_indexes(unindexed).await?;
        self.derive().await?;
        Ok(problems)
    }

    /// What follows from the imported rows: the id counters above the ids the file gave,
    /// and the chat index rows of the touched chats rebuilt (see [`super::chat_index`]).
    async fn derive(&mut self) -> Result<(), WriteError> {
        if self.on_postgres() {
            exec!(self, ids::RAISE_AFTER_IMPORT_PG)?;
        } else {
            exec!(self, ids::RAISE_AFTER_IMPORT_SQLITE)?;
        }
        let (from, until) = (SessionStatus::ACTIVE_FROM, SessionStatus::ACTIVE_UNTIL);
        if self.chat_index_existed {
            for statement in sql::TOUCHED_CHATS {
                exec!(self, *statement)?;
            }
            exec!(self, chat_index::DELETE_FOR_IMPORTED_CHATS)?;
            exec!(self, chat_index::INSERT_FOR_IMPORTED_CHATS, from, until)?;
        } else if self.index_from_stream {
            // Every row came from the stream.
            let indexes = std::mem::take(&mut self.index_unindexed);
            self.build_indexes(indexes).await?;
        } else if !self.index_unindexed.is_empty() {
            // Rows came from the stream until a line made them stale.
            exec!(self, chat_index::CLEAR_ALL)?;
            exec!(self, chat_index::FILL_ALL_PG, from, until)?;
            let indexes = std::mem::take(&mut self.index_unindexed);
            self.build_indexes(indexes).await?;
        } else {
            // Nothing to keep: one statement fills the whole table, cheaper than finding
            // the touched chats first. PostgreSQL's fill groups by the key, so it repeats
            // none and the key can be added afterwards: 6.9 s in all for the 1 M fill
            // against 9.9 s kept up row by row (BENCHMARKS.md §1). SQLite's fill folds
            // repeats through the key, which stays.
            let indexes = self
                .drop_indexes("crm_chat_index", Unindex::SecondaryAndPostgresKey)
                .await?;
            if self.on_postgres() {
                exec!(self, chat_index::FILL_ALL_PG, from, until)?;
            } else {
                exec!(self, chat_index::FILL_ALL_SQLITE, from, until)?;
            }
            self.build_indexes(indexes).await?;
        }
        Ok(())
    }

    /// Drops what `unindex` says of `table`'s indexes, before the caller fills the empty
    /// table in one statement, and returns the statements that build them again, to run after
    /// the fill (see [`sql::SECONDARY_INDEXES_PG`]).
    async fn drop_indexes(
        &mut self,
        table: &str,
        unindex: Unindex,
    ) -> Result<Vec<String>, WriteError> {
        let indexes: Vec<(String, String)> = match self.tx.idle()? {
            ImportTx::Sqlite(tx) => match unindex {
                Unindex::PostgresSecondary => Vec::new(),
                Unindex::SecondaryAndPostgresKey | Unindex::Secondary => {
                    sqlx::query_as(sql::SECONDARY_INDEXES_SQLITE)
                        .bind(table)
                        .fetch_all(&mut **tx)
                        .await?
                }
            },
            ImportTx::Postgres(tx) => {
                // The key is dropped first and built again first: a repeated key then fails
                // before time goes into the other indexes.
                let mut indexes: Vec<(String, String)> =
                    if unindex == Unindex::SecondaryAndPostgresKey {
                        sqlx::query_as(sql::PRIMARY_KEY_PG)
                            .bind(table)
                            .fetch_all(&mut **tx)
                            .await?
                    } else {
                        Vec::new()
                    };
                indexes.extend(
                    sqlx::query_as::<_, (String, String)>(sql::SECONDARY_INDEXES_PG)
                        .bind(table)
                        .fetch_all(&mut **tx)
                        .await?,
                );
                indexes
            }
        };
        let mut builds = Vec::with_capacity(indexes.len());
        for (drop, build) in indexes {
            exec!(self, &drop)?;
            builds.push(build);
        }
        Ok(builds)
    }

    /// Runs the statements [`Self::drop_indexes`] returned.
    async fn build_indexes(&mut self, builds: Vec<String>) -> Result<(), WriteError> {
        for build in builds {
            exec!(self, &build)?;
        }
        Ok(())
    }

    /// Makes everything permanent.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.tx.settle().await?;
        for statement in sql::DROP_TEMP_TABLES {
            exec!(self, *statement)?;
        }
        match self.tx.into_tx().await? {
            ImportTx::Sqlite(tx) => tx.commit().await?,
            ImportTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Leaves the database as it was.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.tx.into_tx().await? {
            ImportTx::Sqlite(tx) => tx.rollback().await?,
            ImportTx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
