//! chat.get's read model, `crm_chat_index`: one row per CRM record and chat bound to it
//! through a session, clustered by record, with the sort keys of both `ACTIVE_ONLY` answers
//! precomputed. `imopenlines.crm.chat.get` is then one index range read with no sort
//! (`CHATS_OF_CRM_RECORD_*` in [`super::chats`]).
//!
//! The index is derived data: every write that changes a chat's sessions or bindings calls
//! [`refresh_chat_index`] for that chat inside its own transaction, so a reader never sees
//! the write without its index rows or the other way round. The import rebuilds the rows of
//! the chats it touched ([`DELETE_FOR_IMPORTED_CHATS`], [`INSERT_FOR_IMPORTED_CHATS`]), or
//! fills an empty table whole ([`FILL_ALL_SQLITE`], [`FILL_ALL_PG`]), before it commits. Connectors are joined at read time, so
//! switching one off needs no index write.

use super::db::{query, Engine, Tx};
use super::StoreError;
use crate::domain::session::SessionStatus;

/// Drops the rows of one chat before [`INSERT_FOR_CHAT`] writes them anew.
pub(super) const DELETE_FOR_CHAT: &str = "DELETE FROM crm_chat_index WHERE chat_id = $1";

/// The index rows of the sessions `$where` keeps (and their bindings), one per record and
/// chat, followed by `$order`. `$where` continues the `WHERE` (`AND …`, or empty). `$1`..`$2`
/// is the active status range
/// ([`crate::domain::session::SessionStatus::ACTIVE_FROM`], `ACTIVE_UNTIL`).
///
/// `CROSS JOIN` makes SQLite walk sessions first (by chat through `sessions_by_chat`), each
/// session's bindings and its chat then found by key. Left to itself SQLite walked the
/// bindings by record and looked each session and chat up at random: the 1 M fill took
/// 7.6–7.9 s that way and 5.1–5.9 s this way (BENCHMARKS.md §1). PostgreSQL plans
/// `CROSS JOIN … WHERE` as the inner join it is.
macro_rules! index_rows {
    ($where:literal, $($order:tt)*) => {
        concat!(
            "INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id,
                 any_modified_at, any_session_id, active_modified_at, active_session_id)
             SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, MAX(s.modified_at),
                 MAX(s.id),
                 MAX(CASE WHEN s.status >= $1 AND s.status < $2 THEN s.modified_at END),
                 MAX(CASE WHEN s.status >= $1 AND s.status < $2 THEN s.id END)
             FROM sessions s CROSS JOIN session_crm_bindings b CROSS JOIN chats c
             WHERE b.session_id = s.id AND c.id = s.chat_id ",
            $where,
            " GROUP BY b.entity_type, b.entity_id, s.chat_id, c.connector_id",
            $($order)*
        )
    };
}

/// The rows of one chat (`$3`), after [`DELETE_FOR_CHAT`].
pub(super) const INSERT_FOR_CHAT: &str = index_rows!("AND s.chat_id = $3", "");

/// The order bulk fills insert in: the table's own key, which the two sort indexes start with
/// too. PostgreSQL's hash aggregate would otherwise hand out rows in hash order, and inserting
/// a million of them at random into four B-trees much larger than its buffer cache took 83 s
/// against 42 s sorted (BENCHMARKS.md §1). SQLite's `GROUP BY` already yields this order, and
/// with the whole group key named it sees so and sorts once.
macro_rules! in_key_order {
    () => {
        " ORDER BY b.entity_type, b.entity_id, s.chat_id, c.connector_id"
    };
}

/// Every row: a PostgreSQL first load that wrote rows from the stream and then met a line
/// that made them stale clears them before [`FILL_ALL_PG`] (the table was empty before it).
pub(super) const CLEAR_ALL: &str = "DELETE FROM crm_chat_index";

/// The chat a session belongs to, for writes that know only the session.
pub(super) const CHAT_OF_SESSION: &str = "SELECT chat_id FROM sessions WHERE id = $1";

/// Drops the rows of a deleted CRM record.
pub(super) const DELETE_FOR_RECORD: &str =
    "DELETE FROM crm_chat_index WHERE entity_type = $1 AND entity_id = $2";

/// The rows of the chats an import touched (its temporary `import_chats` table), after
/// [`DELETE_FOR_IMPORTED_CHATS`]. `$1`..`$2` as in [`INSERT_FOR_CHAT`].
pub(super) const INSERT_FOR_IMPORTED_CHATS: &str = index_rows!(
    "AND s.chat_id IN (SELECT chat_id FROM import_chats)",
    in_key_order!()
);

/// See [`INSERT_FOR_IMPORTED_CHATS`].
pub(super) const DELETE_FOR_IMPORTED_CHATS: &str =
    "DELETE FROM crm_chat_index WHERE chat_id IN (SELECT chat_id FROM import_chats)";

/// Every row, for an import into an empty table (see the module doc). PostgreSQL: its
/// `ON CONFLICT` may not touch a row twice in one statement, so it groups first.
pub(super) const FILL_ALL_PG: &str = index_rows!("", in_key_order!());

/// [`FILL_ALL_PG`] on SQLite, without the `GROUP BY`: the bindings are walked by record
/// (`session_crm_bindings_by_entity` gives that order without a sort), each row is inserted
/// as it comes, and a second session of the same record and chat folds into the row with
/// `ON CONFLICT` (SQLite's two-argument `MAX` is NULL if either is, hence the `COALESCE`s).
/// Rows then arrive in key order, apart from the chats within one record. Grouping sorted
/// every row in SQLite's sorter first: the 1 M fill took 3.9–5.2 s that way and 2.9–3.5 s
/// this way, with `crm_chat_index_by_chat` built afterwards in both (BENCHMARKS.md §1).
pub(super) const FILL_ALL_SQLITE: &str = "
    INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id,
        any_modified_at, any_session_id, active_modified_at, active_session_id)
    SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, s.modified_at, s.id,
        CASE WHEN s.status >= $1 AND s.status < $2 THEN s.modified_at END,
        CASE WHEN s.status >= $1 AND s.status < $2 THEN s.id END
    FROM session_crm_bindings b CROSS JOIN sessions s CROSS JOIN chats c
    WHERE s.id = b.session_id AND c.id = s.chat_id
    ORDER BY b.entity_type, b.entity_id
    ON CONFLICT (entity_type, entity_id, chat_id) DO UPDATE SET
        any_modified_at = MAX(any_modified_at, excluded.any_modified_at),
        any_session_id = MAX(any_session_id, excluded.any_session_id),
        active_modified_at = MAX(COALESCE(active_modified_at, excluded.active_modified_at),
            COALESCE(excluded.active_modified_at, active_modified_at)),
        active_session_id = MAX(COALESCE(active_session_id, excluded.active_session_id),
            COALESCE(excluded.active_session_id, active_session_id))";

/// Locks chat `$1`'s row until the transaction ends (PostgreSQL; see [`refresh_chat_index`]).
pub(super) const LOCK_CHAT: &str = "SELECT id FROM chats WHERE id = $1 FOR UPDATE";

/// Rewrites the index rows of `chat` inside `tx`, after taking the chat's lock.
///
/// The lock is what serializes two transactions that refresh the same chat's rows. Under
/// PostgreSQL's READ COMMITTED, two writers of one chat could both delete its (not yet
/// existing) index rows and both insert them: the second failed on the primary key (the
/// randomized campaign's 500s on `imopenlines.crm.lead.create`). Locking the chat's row
/// first makes the second wait for the first to commit; its delete and insert, each a new
/// statement with a new snapshot, then see the first's rows and changes. SQLite needs no
/// lock: `BEGIN IMMEDIATE` already lets one writer in at a time.
pub(super) async fn refresh_chat_index(tx: &mut Tx, chat: i64) -> Result<(), StoreError> {
    if tx.engine() == Engine::Postgres {
        query(LOCK_CHAT).bind(chat).execute(&mut *tx).await?;
    }
    query(DELETE_FOR_CHAT).bind(chat).execute(&mut *tx).await?;
    query(INSERT_FOR_CHAT)
        .bind(SessionStatus::ACTIVE_FROM)
        .bind(SessionStatus::ACTIVE_UNTIL)
        .bind(chat)
        .execute(tx)
        .await?;
    Ok(())
}
