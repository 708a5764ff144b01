//! Bulk writes for the fixture importer: one transaction, upserts by id, and the deferred
//! reference checks that name the fixture line of every dangling reference.
//!
//! While a file loads, every record's line number goes into a temporary table, so the checks
//! at the end can run in SQL (constant memory, however large the file) and still say which
//! line is wrong. The chat shorthand's sessions and all CRM bindings are staged the same way
//! and applied at the end, so lines may come in any order.

use super::{Backend, Store, StoreError};
use sqlx::{Postgres, Sqlite, Transaction};

/// The open import transaction.
#[derive(Debug)]
enum ImportTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

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
        with_tx!(&mut $self.tx, conn => sqlx::query($sql)$(.bind($bind))*.execute(conn).await.map(|_| ()))
    };
}

/// The staging tables go away at commit (and with the connection, on rollback).
pub(super) const DROP_TEMP_TABLES: &[&str] = &[
    "DROP TABLE IF EXISTS import_lines",
    "DROP TABLE IF EXISTS import_bindings",
    "DROP TABLE IF EXISTS import_binding_owners",
    "DROP TABLE IF EXISTS import_shorthand",
];

/// The staging tables; every statement below that names `import_*` needs them.
pub(super) const CREATE_TEMP_TABLES: &[&str] = &[
    "CREATE TEMPORARY TABLE import_lines (kind TEXT NOT NULL, int_id BIGINT NOT NULL, text_id TEXT NOT NULL, line BIGINT NOT NULL, PRIMARY KEY (kind, int_id, text_id))",
    "CREATE TEMPORARY TABLE import_bindings (owner TEXT NOT NULL, owner_id BIGINT NOT NULL, entity_type TEXT NOT NULL, entity_id BIGINT NOT NULL, line BIGINT NOT NULL)",
    "CREATE TEMPORARY TABLE import_binding_owners (owner TEXT NOT NULL, owner_id BIGINT NOT NULL, PRIMARY KEY (owner, owner_id))",
    "CREATE TEMPORARY TABLE import_shorthand (chat_id BIGINT PRIMARY KEY, status BIGINT NOT NULL, line BIGINT NOT NULL)",
    // Every staged line first deletes its owner's earlier bindings: without this index that
    // delete scans the whole staging table, and an import turns quadratic.
    "CREATE INDEX import_bindings_by_owner ON import_bindings (owner, owner_id)",
];

/// Each check lists `(line, what is wrong)` for references that are still missing, at most
/// `$1` ([`MAX_REPORTED`]) of them.
pub(super) const REFERENCE_CHECKS: &[&str] = &[
    "SELECT l.line, 'department ' || d.id || ' refers to parent department ' || d.parent_id || ', which does not exist'
     FROM import_lines l JOIN departments d ON l.kind = 'department' AND d.id = l.int_id
     WHERE d.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM departments p WHERE p.id = d.parent_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'user ' || u.id || ' refers to department ' || u.department_id || ', which does not exist'
     FROM import_lines l JOIN users u ON l.kind = 'user' AND u.id = l.int_id
     WHERE u.department_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = u.department_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, l.kind || ' refers to user ' || l.int_id || ', who does not exist'
     FROM import_lines l
     WHERE l.kind IN ('permission', 'webhook', 'token') AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.int_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, l.text_id || ' ' || r.id || ' is assigned to user ' || r.assigned_by_id || ', who does not exist'
     FROM import_lines l JOIN crm_records r ON l.kind = 'crm' AND r.entity_type = l.text_id AND r.id = l.int_id
     WHERE r.assigned_by_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.assigned_by_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'chat ' || c.id || ' uses connector ' || c.connector_id || ', which does not exist (add a connector record)'
     FROM import_lines l JOIN chats c ON l.kind = 'chat' AND c.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM connectors k WHERE k.id = c.connector_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'chat ' || c.id || ' belongs to line ' || c.line_id || ', which does not exist'
     FROM import_lines l JOIN chats c ON l.kind = 'chat' AND c.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM lines n WHERE n.id = c.line_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'session ' || s.id || ' belongs to chat ' || s.chat_id || ', which does not exist'
     FROM import_lines l JOIN sessions s ON l.kind = 'session' AND s.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = s.chat_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'session ' || s.id || ' has operator ' || s.operator_id || ', who does not exist'
     FROM import_lines l JOIN sessions s ON l.kind = 'session' AND s.id = l.int_id
     WHERE s.operator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.operator_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'member of chat ' || l.int_id || ' refers to a chat or user that does not exist'
     FROM import_lines l
     WHERE l.kind = 'member' AND (NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = l.int_id)
        OR NOT EXISTS (SELECT 1 FROM chat_members m JOIN users u ON u.id = m.user_id
                       WHERE m.chat_id = l.int_id AND CAST(m.user_id AS TEXT) = l.text_id))
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'message ' || m.id || ' refers to a chat or author that does not exist'
     FROM import_lines l JOIN messages m ON l.kind = 'message' AND m.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = m.chat_id)
        OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.author_id)
     ORDER BY 1 LIMIT $1",
    "SELECT b.line, 'binding to ' || b.entity_type || ' ' || b.entity_id || ', which does not exist'
     FROM import_bindings b
     WHERE NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.entity_type = b.entity_type AND r.id = b.entity_id)
     ORDER BY 1 LIMIT $1",
];

/// How many reference problems are reported at most.
const MAX_REPORTED: i64 = 50;

/// Sessions created by the chat shorthand get ids after the largest existing one.
pub(super) const CREATE_SHORTHAND_SESSIONS: &str = "
    INSERT INTO sessions (id, chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id)
    SELECT (SELECT COALESCE(MAX(id), 0) FROM sessions) + ROW_NUMBER() OVER (ORDER BY h.chat_id),
           h.chat_id, h.status, NULL, $1, $1, h.chat_id
    FROM import_shorthand h
    WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.shorthand_chat_id = h.chat_id)";

/// A shorthand whose status changed moves its session and marks it modified now.
pub(super) const UPDATE_SHORTHAND_SESSIONS: &str = "
    UPDATE sessions
    SET status = (SELECT h.status FROM import_shorthand h WHERE h.chat_id = sessions.shorthand_chat_id),
        modified_at = $1
    WHERE shorthand_chat_id IN (
        SELECT h.chat_id FROM import_shorthand h
        JOIN sessions s ON s.shorthand_chat_id = h.chat_id
        WHERE h.status <> s.status)";

pub(super) const CLEAR_REPLACED_BINDINGS: &str = "
    DELETE FROM session_crm_bindings WHERE session_id IN (
        SELECT o.owner_id FROM import_binding_owners o WHERE o.owner = 'session'
        UNION
        SELECT s.id FROM import_binding_owners o JOIN sessions s
            ON o.owner = 'chat' AND s.shorthand_chat_id = o.owner_id)";

pub(super) const INSERT_STAGED_BINDINGS: &str = "
    INSERT INTO session_crm_bindings (session_id, entity_type, entity_id)
    SELECT b.owner_id, b.entity_type, b.entity_id FROM import_bindings b WHERE b.owner = 'session'
    UNION
    SELECT s.id, b.entity_type, b.entity_id FROM import_bindings b JOIN sessions s
        ON b.owner = 'chat' AND s.shorthand_chat_id = b.owner_id";

// The writes of each record kind, in the order of the methods below. A parameter that only
// meets other parameters in `COALESCE` is cast, so PostgreSQL can prepare the statement
// without being told its type (the catalog test prepares them so).
pub(super) const REMEMBER_LINE: &str =
    "INSERT INTO import_lines (kind, int_id, text_id, line) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kind, int_id, text_id) DO UPDATE SET line = excluded.line";
pub(super) const UPSERT_DEPARTMENT: &str =
    "INSERT INTO departments (id, name, parent_id) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id";
pub(super) const UPSERT_USER: &str = "INSERT INTO users (id, name, last_name, is_admin, active, department_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, last_name = excluded.last_name,
         is_admin = excluded.is_admin, active = excluded.active, department_id = excluded.department_id";
pub(super) const UPSERT_PERMISSION: &str =
    "INSERT INTO crm_permissions (user_id, entity_type, read_level) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, entity_type) DO UPDATE SET read_level = excluded.read_level";
pub(super) const UPSERT_WEBHOOK: &str =
    "INSERT INTO webhooks (user_id, code_sha256, scopes, expires_at, revoked, created_at)
     VALUES ($1, $2, $3, $4, FALSE, $5)
     ON CONFLICT (code_sha256) DO UPDATE SET user_id = excluded.user_id, scopes = excluded.scopes,
         expires_at = excluded.expires_at";
pub(super) const UPSERT_TOKEN: &str = "INSERT INTO oauth_tokens (access_sha256, refresh_sha256, user_id, scopes, expires_at, client_id, refresh_expires_at)
     VALUES ($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $6), $7, $8)
     ON CONFLICT (access_sha256) DO UPDATE SET refresh_sha256 = excluded.refresh_sha256,
         user_id = excluded.user_id, scopes = excluded.scopes,
         expires_at = COALESCE(CAST($5 AS BIGINT), oauth_tokens.expires_at), client_id = excluded.client_id,
         refresh_expires_at = excluded.refresh_expires_at";
pub(super) const UPSERT_CRM_RECORD: &str = "INSERT INTO crm_records (entity_type, id, title, assigned_by_id, opened) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (entity_type, id) DO UPDATE SET title = excluded.title,
         assigned_by_id = excluded.assigned_by_id, opened = excluded.opened";
pub(super) const UPSERT_APP: &str = "INSERT INTO oauth_apps (client_id, client_secret_sha256, name, scopes, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (client_id) DO UPDATE SET client_secret_sha256 = excluded.client_secret_sha256,
         name = excluded.name, scopes = excluded.scopes";
pub(super) const INSERT_MEMBER: &str =
    "INSERT INTO chat_members (chat_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
pub(super) const UPSERT_MESSAGE: &str = "INSERT INTO messages (id, chat_id, author_id, text, created_at) VALUES ($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $6))
     ON CONFLICT (id) DO UPDATE SET chat_id = excluded.chat_id, author_id = excluded.author_id,
         text = excluded.text, created_at = COALESCE(CAST($5 AS BIGINT), messages.created_at)";
pub(super) const UPSERT_CONNECTOR: &str =
    "INSERT INTO connectors (id, title, active) VALUES ($1, COALESCE($2, $1), COALESCE($3, TRUE))
     ON CONFLICT (id) DO UPDATE SET title = COALESCE($2, connectors.title),
         active = COALESCE($3, connectors.active)";
pub(super) const UPSERT_LINE: &str = "INSERT INTO lines (id, name, active) VALUES ($1, COALESCE($2, ''), COALESCE($3, TRUE))
     ON CONFLICT (id) DO UPDATE SET name = COALESCE($2, lines.name), active = COALESCE($3, lines.active)";
pub(super) const UPSERT_CHAT: &str = "INSERT INTO chats (id, connector_id, line_id, title, external_chat_id, external_user_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET connector_id = excluded.connector_id, line_id = excluded.line_id,
         title = excluded.title, external_chat_id = excluded.external_chat_id,
         external_user_id = excluded.external_user_id";
pub(super) const STAGE_SHORTHAND: &str =
    "INSERT INTO import_shorthand (chat_id, status, line) VALUES ($1, $2, $3)
     ON CONFLICT (chat_id) DO UPDATE SET status = excluded.status, line = excluded.line";
pub(super) const UPSERT_SESSION: &str =
    "INSERT INTO sessions (id, chat_id, status, operator_id, created_at, modified_at)
     VALUES ($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $7), COALESCE(CAST($6 AS BIGINT), $5, $7))
     ON CONFLICT (id) DO UPDATE SET chat_id = excluded.chat_id, status = excluded.status,
         operator_id = excluded.operator_id,
         created_at = COALESCE(CAST($5 AS BIGINT), sessions.created_at),
         modified_at = COALESCE(CAST($6 AS BIGINT), sessions.modified_at)";
pub(super) const UNSTAGE_BINDINGS: &str =
    "DELETE FROM import_bindings WHERE owner = $1 AND owner_id = $2";
pub(super) const STAGE_BINDING_OWNER: &str =
    "INSERT INTO import_binding_owners (owner, owner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
pub(super) const STAGE_BINDING: &str = "INSERT INTO import_bindings (owner, owner_id, entity_type, entity_id, line) VALUES ($1, $2, $3, $4, $5)";

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
    tx: ImportTx,
    now: i64,
}

impl ImportWriter {
    /// Opens the transaction and the staging tables.
    pub async fn begin(store: &Store, now: i64) -> Result<ImportWriter, StoreError> {
        let tx = match store.backend() {
            Backend::Sqlite(pool) => {
                ImportTx::Sqlite(pool.begin_with(store.backend().begin_write()).await?)
            }
            Backend::Postgres(pool) => ImportTx::Postgres(pool.begin().await?),
        };
        let mut writer = ImportWriter { tx, now };
        for statement in DROP_TEMP_TABLES.iter().chain(CREATE_TEMP_TABLES) {
            exec!(writer, *statement)?;
        }
        Ok(writer)
    }

    async fn remember(
        &mut self,
        kind: &str,
        int_id: i64,
        text_id: &str,
        line: i64,
    ) -> Result<(), StoreError> {
        exec!(self, REMEMBER_LINE, kind, int_id, text_id, line,)?;
        Ok(())
    }

    pub async fn department(&mut self, line: i64, row: &DepartmentRow) -> Result<(), StoreError> {
        exec!(self, UPSERT_DEPARTMENT, row.id, &row.name, row.parent_id,)?;
        self.remember("department", row.id, "", line).await
    }

    pub async fn user(&mut self, line: i64, row: &UserUpsert) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_USER,
            row.id,
            &row.name,
            &row.last_name,
            row.is_admin,
            row.active,
            row.department_id,
        )?;
        self.remember("user", row.id, "", line).await
    }

    pub async fn permission(
        &mut self,
        line: i64,
        user_id: i64,
        entity_type: &str,
        level: &str,
    ) -> Result<(), StoreError> {
        exec!(self, UPSERT_PERMISSION, user_id, entity_type, level,)?;
        self.remember("permission", user_id, entity_type, line)
            .await
    }

    pub async fn webhook(&mut self, line: i64, row: &WebhookUpsert) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_WEBHOOK,
            row.user_id,
            &row.code_sha256,
            &row.scopes,
            row.expires_at,
            self.now,
        )?;
        self.remember("webhook", row.user_id, &row.code_sha256, line)
            .await
    }

    pub async fn token(&mut self, line: i64, row: &TokenUpsert) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_TOKEN,
            &row.access_sha256,
            row.refresh_sha256.as_deref(),
            row.user_id,
            &row.scopes,
            row.expires_at,
            row.default_expires_at,
            row.client_id.as_deref(),
            row.refresh_expires_at,
        )?;
        self.remember("token", row.user_id, &row.access_sha256, line)
            .await
    }

    pub async fn crm_record(&mut self, line: i64, row: &CrmRecordUpsert) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_CRM_RECORD,
            row.entity_type,
            row.id,
            &row.title,
            row.assigned_by_id,
            row.opened,
        )?;
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
    ) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_APP,
            client_id,
            secret_sha256,
            name,
            scopes,
            self.now,
        )?;
        self.remember("app", 0, client_id, line).await
    }

    /// A chat membership.
    pub async fn member(
        &mut self,
        line: i64,
        chat_id: i64,
        user_id: i64,
    ) -> Result<(), StoreError> {
        exec!(self, INSERT_MEMBER, chat_id, user_id,)?;
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
    ) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_MESSAGE,
            id,
            chat_id,
            author_id,
            text,
            created_at,
            self.now,
        )?;
        self.remember("message", id, "", line).await
    }

    /// A connector; `None` keeps (or, for a new one, derives) title and active flag.
    pub async fn connector(
        &mut self,
        id: &str,
        title: Option<&str>,
        active: Option<bool>,
    ) -> Result<(), StoreError> {
        exec!(self, UPSERT_CONNECTOR, id, title, active,).map_err(StoreError::from)
    }

    /// An open line; `None` keeps (or defaults) name and active flag.
    pub async fn line(
        &mut self,
        id: i64,
        name: Option<&str>,
        active: Option<bool>,
    ) -> Result<(), StoreError> {
        exec!(self, UPSERT_LINE, id, name, active,).map_err(StoreError::from)
    }

    pub async fn chat(&mut self, line: i64, row: &ChatUpsert) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_CHAT,
            row.id,
            &row.connector_id,
            row.line_id,
            &row.title,
            &row.external_chat_id,
            &row.external_user_id,
        )?;
        self.remember("chat", row.id, "", line).await
    }

    /// The chat shorthand: one session for `chat_id` with `status`, bound to `crm` (applied at
    /// the end of the import, when every chat and record is known).
    pub async fn chat_shorthand(
        &mut self,
        line: i64,
        chat_id: i64,
        status: i64,
        crm: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        exec!(self, STAGE_SHORTHAND, chat_id, status, line,)?;
        self.stage_bindings("chat", chat_id, crm, line).await
    }

    pub async fn session(
        &mut self,
        line: i64,
        row: &SessionUpsert,
        crm: Option<&[(&str, i64)]>,
    ) -> Result<(), StoreError> {
        exec!(
            self,
            UPSERT_SESSION,
            row.id,
            row.chat_id,
            row.status,
            row.operator_id,
            row.created_at,
            row.modified_at,
            self.now,
        )?;
        self.remember("session", row.id, "", line).await?;
        match crm {
            Some(crm) => self.stage_bindings("session", row.id, crm, line).await,
            None => Ok(()),
        }
    }

    async fn stage_bindings(
        &mut self,
        owner: &str,
        owner_id: i64,
        crm: &[(&str, i64)],
        line: i64,
    ) -> Result<(), StoreError> {
        // A later line for the same owner replaces the earlier one's bindings.
        exec!(self, UNSTAGE_BINDINGS, owner, owner_id,)?;
        exec!(self, STAGE_BINDING_OWNER, owner, owner_id,)?;
        for (entity_type, entity_id) in crm {
            exec!(
                self,
                STAGE_BINDING,
                owner,
                owner_id,
                *entity_type,
                *entity_id,
                line,
            )?;
        }
        Ok(())
    }

    /// Applies staged sessions and bindings, then lists every reference still missing
    /// (ordered by line). An empty list means the import may commit.
    pub async fn finish(&mut self) -> Result<Vec<Dangling>, StoreError> {
        let mut problems = Vec::new();
        for check in REFERENCE_CHECKS {
            let rows: Vec<(i64, String)> = with_tx!(&mut self.tx, conn => sqlx::query_as(check)
                .bind(MAX_REPORTED)
                .fetch_all(conn)
                .await)?;
            problems.extend(
                rows.into_iter()
                    .map(|(line, message)| Dangling { line, message }),
            );
        }
        problems.sort_by_key(|problem| problem.line);
        problems.truncate(MAX_REPORTED as usize);
        if !problems.is_empty() {
            return Ok(problems);
        }
        exec!(self, CREATE_SHORTHAND_SESSIONS, self.now)?;
        exec!(self, UPDATE_SHORTHAND_SESSIONS, self.now)?;
        exec!(self, CLEAR_REPLACED_BINDINGS)?;
        exec!(self, INSERT_STAGED_BINDINGS)?;
        Ok(problems)
    }

    /// Makes everything permanent.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        for statement in DROP_TEMP_TABLES {
            exec!(self, *statement)?;
        }
        match self.tx {
            ImportTx::Sqlite(tx) => tx.commit().await?,
            ImportTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Leaves the database as it was.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.tx {
            ImportTx::Sqlite(tx) => tx.rollback().await?,
            ImportTx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
