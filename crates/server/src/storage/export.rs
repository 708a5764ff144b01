//! Streaming reads of every table, for `openlines export`. Rows come one at a time from the
//! database cursor, so memory does not grow with the data.

use super::db::query;
use super::{Store, StoreError};
use futures_util::stream::BoxStream;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

/// `(id, name, parent_id)`
pub const DEPARTMENTS: &str = "SELECT id, name, parent_id FROM departments ORDER BY id";
/// `(id, name, last_name, is_admin, active, department_id)`
pub const USERS: &str =
    "SELECT id, name, last_name, is_admin, active, department_id FROM users ORDER BY id";
/// `(user_id, entity_type, read_level)`
pub const PERMISSIONS: &str =
    "SELECT user_id, entity_type, read_level FROM crm_permissions ORDER BY user_id, entity_type";
/// `(user_id, code_sha256, scopes, expires_at)`; revoked webhooks are left out.
pub const WEBHOOKS: &str =
    "SELECT user_id, code_sha256, scopes, expires_at FROM webhooks WHERE revoked = FALSE ORDER BY id";
/// `(client_id, client_secret_sha256, name, scopes)`
pub const APPS: &str =
    "SELECT client_id, client_secret_sha256, name, scopes FROM oauth_apps ORDER BY client_id";
/// `(user_id, access_sha256, refresh_sha256, scopes, expires_at, client_id, refresh_expires_at)`
pub const TOKENS: &str = "SELECT user_id, access_sha256, refresh_sha256, scopes, expires_at, client_id, refresh_expires_at
     FROM oauth_tokens ORDER BY access_sha256";
/// `(id, title, active)`
pub const CONNECTORS: &str = "SELECT id, title, active FROM connectors ORDER BY id";
/// `(id, name, active)`
pub const LINES: &str = "SELECT id, name, active FROM lines ORDER BY id";
/// `(entity_type, id, title, assigned_by_id, opened)`
pub const CRM_RECORDS: &str =
    "SELECT entity_type, id, title, assigned_by_id, opened FROM crm_records ORDER BY entity_type, id";
/// `(id, connector_id, line_id, title, external_chat_id, external_user_id)`
pub const CHATS: &str =
    "SELECT id, connector_id, line_id, title, external_chat_id, external_user_id FROM chats ORDER BY id";
/// Sessions with their bindings, one row per binding (or one row with NULLs), ordered by
/// session: `(id, chat_id, status, operator_id, created_at, modified_at, entity_type, entity_id)`.
pub const SESSIONS: &str =
    "SELECT s.id, s.chat_id, s.status, s.operator_id, s.created_at, s.modified_at,
            b.entity_type, b.entity_id
     FROM sessions s LEFT JOIN session_crm_bindings b ON b.session_id = s.id
     ORDER BY s.id, b.entity_type, b.entity_id";
/// `(chat_id, user_id)`
pub const MEMBERS: &str = "SELECT chat_id, user_id FROM chat_members ORDER BY chat_id, user_id";
/// `(id, chat_id, author_id, text, created_at)`
pub const MESSAGES: &str =
    "SELECT id, chat_id, author_id, text, created_at FROM messages ORDER BY id";

impl Store {
    /// The rows of `sql`, streamed. A SQLite file is read by a blocking thread of its own
    /// through rusqlite, in chunks (see [`super::sqlite_reader`]); sqlx hands every row
    /// across threads and allocates per row, which held an export of 1 M chats near 200 k
    /// records/s.
    pub fn stream<'a, T>(&'a self, sql: &'static str) -> BoxStream<'a, Result<T, StoreError>>
    where
        T: for<'r> FromRow<'r, SqliteRow>
            + for<'r> FromRow<'r, PgRow>
            + for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>
            + Send
            + Unpin
            + 'static,
    {
        if let Some(reader) = self.sqlite_reader() {
            return reader.stream(sql);
        }
        query(sql).fetch(self.db())
    }
}
