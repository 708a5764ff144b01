//! Open-line chats and their sessions: finding and creating them, and the status transitions
//! of the operator methods. Every transition is one conditional UPDATE, so two operators
//! racing for one chat end in exactly one consistent state.
//!
//! A session is also the CRM activity of its dialog (its id is the activity id), so opening
//! one raises `ONCRMACTIVITYADD` and each status transition `ONCRMACTIVITYUPDATE`, in the
//! write's transaction ([`enqueue_event`]). `touch_session` only moves the modified time and
//! raises nothing.

use super::chat_index::{refresh_chat_index, CHAT_OF_SESSION};
use super::db::{query, Tx};
use super::events::enqueue_event;
use super::{Store, StoreError};
use crate::domain::crm::CrmRef;
use crate::domain::event::{Actor, Change, Raised};
use crate::domain::session::SessionStatus;
use crate::domain::session::Transition;

/// An open-line chat.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChatRow {
    pub id: i64,
    pub connector_id: String,
    pub line_id: i64,
    pub title: String,
    pub external_chat_id: String,
    pub external_user_id: String,
}

impl ChatRow {
    /// `connector|line|chat|user`, the chat's `ENTITY_ID` on a portal.
    pub fn user_code(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.connector_id, self.line_id, self.external_chat_id, self.external_user_id
        )
    }
}

/// A session of a chat.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub chat_id: i64,
    pub status: i64,
    pub operator_id: Option<i64>,
    pub created_at: i64,
    pub modified_at: i64,
}

impl SessionRow {
    /// Closed sessions (60 and above) take no more transitions.
    pub fn is_closed(&self) -> bool {
        self.status >= SessionStatus::CLOSE.0
    }
}

pub(super) const LATEST_SESSION_OF_CHAT: &str =
    "SELECT id, chat_id, status, operator_id, created_at, modified_at
     FROM sessions WHERE chat_id = $1 ORDER BY id DESC LIMIT 1";

pub(super) const SESSION_BY_ID: &str =
    "SELECT id, chat_id, status, operator_id, created_at, modified_at FROM sessions WHERE id = $1";

pub(super) const CHAT_BY_ID: &str = "SELECT id, connector_id, line_id, title, external_chat_id, external_user_id FROM chats WHERE id = $1";

pub(super) const CHAT_BY_USER_CODE: &str = "SELECT id, connector_id, line_id, title, external_chat_id, external_user_id FROM chats
             WHERE connector_id = $1 AND line_id = $2 AND external_chat_id = $3 AND external_user_id = $4
             ORDER BY id LIMIT 1";

pub(super) const LINE_AND_CONNECTOR_ACTIVE: &str = "SELECT CAST(1 AS BIGINT) FROM lines n, connectors k WHERE n.id = $1 AND k.id = $2 AND n.active = TRUE AND k.active = TRUE";

/// The id comes from the engine (see [`super::ids`]).
pub(super) const INSERT_CHAT: &str =
    "INSERT INTO chats (connector_id, line_id, title, external_chat_id, external_user_id)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// The id comes from the engine (see [`super::ids`]).
pub(super) const INSERT_SESSION: &str =
    "INSERT INTO sessions (chat_id, status, operator_id, created_at, modified_at)
                     VALUES ($1, $2, $3, $4, $4) RETURNING id";

pub(super) const COPY_BINDINGS: &str = "INSERT INTO session_crm_bindings (session_id, entity_type, entity_id)
                         SELECT CAST($1 AS BIGINT), entity_type, entity_id FROM session_crm_bindings WHERE session_id = $2";

pub(super) const LATEST_CHAT_OF_RECORD: &str =
    "SELECT s.chat_id FROM session_crm_bindings b JOIN sessions s ON s.id = b.session_id
             WHERE b.entity_type = $1 AND b.entity_id = $2
             ORDER BY s.modified_at DESC, s.id DESC LIMIT 1";

pub(super) const CHAT_ACTIVELY_IN_RECORD: &str =
    "SELECT CAST(1 AS BIGINT) FROM session_crm_bindings b
             JOIN sessions s ON s.id = b.session_id
             JOIN chats c ON c.id = s.chat_id
             JOIN connectors k ON k.id = c.connector_id
             WHERE b.entity_type = $1 AND b.entity_id = $2 AND s.chat_id = $3
               AND s.status >= 10 AND s.status < 50 AND k.active = TRUE
             LIMIT 1";

pub(super) const IS_MEMBER: &str =
    "SELECT CAST(1 AS BIGINT) FROM chat_members WHERE chat_id = $1 AND user_id = $2";

pub(super) const ADD_MEMBER: &str =
    "INSERT INTO chat_members (chat_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

pub(super) const REMOVE_MEMBER: &str =
    "DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2";

pub(super) const MEMBERS_OF_CHAT: &str =
    "SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY user_id";

/// The id comes from the engine (see [`super::ids`]).
pub(super) const INSERT_MESSAGE: &str =
    "INSERT INTO messages (chat_id, author_id, text, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id";

pub(super) const TOUCH_SESSION: &str =
    "UPDATE sessions SET modified_at = $3 WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR TRUE)";

pub(super) const TRANSITION_ANSWER: &str = "UPDATE sessions SET status = 10, operator_id = $2, modified_at = $3
                 WHERE id = $1 AND status < 50 AND (status < 10 OR operator_id IS NULL OR operator_id = $2)";

pub(super) const TRANSITION_FINISH_OWN: &str = "UPDATE sessions SET status = 60, modified_at = $3 WHERE id = $1 AND status < 60 AND operator_id = $2";

pub(super) const TRANSITION_FINISH_ANY: &str = "UPDATE sessions SET status = 60, modified_at = $3 WHERE id = $1 AND status < 60 AND (CAST($2 AS BIGINT) IS NULL OR TRUE)";

pub(super) const TRANSITION_SKIP: &str =
    "UPDATE sessions SET status = 5, operator_id = NULL, modified_at = $3
                 WHERE id = $1 AND status < 50 AND operator_id = $2";

pub(super) const TRANSITION_SPAM: &str = "UPDATE sessions SET status = 65, modified_at = $3 WHERE id = $1 AND status < 60 AND (CAST($2 AS BIGINT) IS NULL OR TRUE)";

pub(super) const TRANSITION_TRANSFER_TO_USER: &str = "UPDATE sessions SET operator_id = $2, status = CASE WHEN status < 10 THEN 10 ELSE status END, modified_at = $3
                 WHERE id = $1 AND status < 50";

pub(super) const TRANSITION_TRANSFER_TO_QUEUE: &str =
    "UPDATE sessions SET status = 0, operator_id = NULL, modified_at = $3
                 WHERE id = $1 AND status < 50 AND (CAST($2 AS BIGINT) IS NULL OR TRUE)";

/// Opens a session in `chat_id` inside `tx` (a write transaction) unless its newest one is
/// still open; returns `(session, created)`. The new session keeps the previous one's CRM
/// bindings (and so rewrites the chat index) and raises `ONCRMACTIVITYADD`. Shared by
/// [`Store::open_session`] and the connectors' incoming messages.
pub(super) async fn open_session_in(
    tx: &mut Tx,
    chat_id: i64,
    status: i64,
    operator: Option<i64>,
    now: i64,
    actor: Actor,
) -> Result<(SessionRow, bool), StoreError> {
    let previous: Option<SessionRow> = query(LATEST_SESSION_OF_CHAT)
        .bind(chat_id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(open) = previous.as_ref().filter(|session| !session.is_closed()) {
        return Ok((open.clone(), false));
    }
    let id: i64 = query(INSERT_SESSION)
        .bind(chat_id)
        .bind(status)
        .bind(operator)
        .bind(now)
        .fetch_scalar(&mut *tx)
        .await?;
    if let Some(previous) = &previous {
        query(COPY_BINDINGS)
            .bind(id)
            .bind(previous.id)
            .execute(&mut *tx)
            .await?;
        refresh_chat_index(tx, chat_id).await?;
    }
    enqueue_event(tx, actor, Raised::session_activity(Change::Add, id)).await?;
    let session = SessionRow {
        id,
        chat_id,
        status,
        operator_id: operator,
        created_at: now,
        modified_at: now,
    };
    Ok((session, true))
}

impl Store {
    /// The chat with this id.
    pub async fn chat(&self, id: i64) -> Result<Option<ChatRow>, StoreError> {
        query(CHAT_BY_ID).bind(id).fetch_optional(self.db()).await
    }

    /// The chat with this `USER_CODE`.
    pub async fn chat_by_user_code(
        &self,
        connector: &str,
        line: i64,
        chat: &str,
        user: &str,
    ) -> Result<Option<ChatRow>, StoreError> {
        query(CHAT_BY_USER_CODE)
            .bind(connector)
            .bind(line)
            .bind(chat)
            .bind(user)
            .fetch_optional(self.db())
            .await
    }

    /// Whether an active line and connector exist.
    pub async fn line_and_connector_exist(
        &self,
        connector: &str,
        line: i64,
    ) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = query(LINE_AND_CONNECTOR_ACTIVE)
            .bind(line)
            .bind(connector)
            .fetch_optional(self.db())
            .await?;
        Ok(row.is_some())
    }

    /// Creates a chat with the engine's next id; returns it. A chat without sessions has no
    /// CRM bindings, so the chat index needs no row yet.
    pub async fn create_chat(
        &self,
        connector: &str,
        line: i64,
        chat: &str,
        user: &str,
        title: &str,
    ) -> Result<i64, StoreError> {
        query(INSERT_CHAT)
            .bind(connector)
            .bind(line)
            .bind(title)
            .bind(chat)
            .bind(user)
            .fetch_scalar(self.db())
            .await
    }

    /// The chat's newest session.
    pub async fn current_session(&self, chat_id: i64) -> Result<Option<SessionRow>, StoreError> {
        query(LATEST_SESSION_OF_CHAT)
            .bind(chat_id)
            .fetch_optional(self.db())
            .await
    }

    /// One session.
    pub async fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        query(SESSION_BY_ID)
            .bind(id)
            .fetch_optional(self.db())
            .await
    }

    /// Opens a new session in `chat_id` unless its newest one is still open; the new session
    /// keeps the CRM bindings of the previous one (the client is recognised, as on a portal).
    /// Returns the open session and whether it was created now.
    pub async fn open_session(
        &self,
        chat_id: i64,
        status: i64,
        operator: Option<i64>,
        now: i64,
        actor: Actor,
    ) -> Result<(SessionRow, bool), StoreError> {
        let mut tx = self.db().begin_write().await?;
        let opened = open_session_in(&mut tx, chat_id, status, operator, now, actor).await?;
        tx.commit().await?;
        Ok(opened)
    }

    /// Applies `transition` to session `id` if its conditions still hold at write time;
    /// `false` when they do not (another operator got there first, or it is closed).
    pub async fn transition(
        &self,
        id: i64,
        transition: Transition,
        now: i64,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let (sql, operator): (&str, Option<i64>) = match transition {
            Transition::Answer { operator } => (TRANSITION_ANSWER, Some(operator)),
            Transition::Finish { operator } => (TRANSITION_FINISH_OWN, Some(operator)),
            Transition::FinishAny => (TRANSITION_FINISH_ANY, None),
            Transition::Skip { operator } => (TRANSITION_SKIP, Some(operator)),
            Transition::Spam => (TRANSITION_SPAM, None),
            Transition::TransferToUser { operator } => {
                (TRANSITION_TRANSFER_TO_USER, Some(operator))
            }
            Transition::TransferToQueue => (TRANSITION_TRANSFER_TO_QUEUE, None),
        };
        self.update_session_and_index(id, sql, operator, now, Some(actor))
            .await
    }

    /// Runs `sql` (`$1` session, `$2` operator, `$3` now) on one session and, when it changed
    /// a row, rewrites the chat index of the session's chat in the same transaction, and
    /// raises `ONCRMACTIVITYUPDATE` by `actor` when one is given.
    async fn update_session_and_index(
        &self,
        id: i64,
        sql: &'static str,
        operator: Option<i64>,
        now: i64,
        actor: Option<Actor>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let changed = query(sql)
            .bind(id)
            .bind(operator)
            .bind(now)
            .execute(&mut tx)
            .await?
            > 0;
        if changed {
            let chat: i64 = query(CHAT_OF_SESSION)
                .bind(id)
                .fetch_scalar(&mut tx)
                .await?;
            refresh_chat_index(&mut tx, chat).await?;
            if let Some(actor) = actor {
                let raised = Raised::session_activity(Change::Update, id);
                enqueue_event(&mut tx, actor, raised).await?;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The chat of the most recently changed session bound to `record`, whatever its status
    /// (what `getLastId` answers; spec §7.2).
    pub async fn latest_chat_of_crm_record(
        &self,
        record: CrmRef,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = query(LATEST_CHAT_OF_RECORD)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .fetch_optional(self.db())
            .await?;
        Ok(row.map(|(chat,)| chat))
    }

    /// Whether `chat_id` belongs to `record` as `chat.get` sees it by default: through an
    /// active session, on an active connector (the check of spec §7.3).
    pub async fn chat_actively_in_crm(
        &self,
        chat_id: i64,
        record: CrmRef,
    ) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = query(CHAT_ACTIVELY_IN_RECORD)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .bind(chat_id)
            .fetch_optional(self.db())
            .await?;
        Ok(row.is_some())
    }

    /// Whether `user_id` is a member of `chat_id`.
    pub async fn is_member(&self, chat_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = query(IS_MEMBER)
            .bind(chat_id)
            .bind(user_id)
            .fetch_optional(self.db())
            .await?;
        Ok(row.is_some())
    }

    /// Adds a member; `false` when already one.
    pub async fn add_member(&self, chat_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let done = query(ADD_MEMBER)
            .bind(chat_id)
            .bind(user_id)
            .execute(self.db())
            .await?;
        Ok(done > 0)
    }

    /// Removes a member; `false` when not one.
    pub async fn remove_member(&self, chat_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let done = query(REMOVE_MEMBER)
            .bind(chat_id)
            .bind(user_id)
            .execute(self.db())
            .await?;
        Ok(done > 0)
    }

    /// The members of a chat, ordered.
    pub async fn members(&self, chat_id: i64) -> Result<Vec<i64>, StoreError> {
        query(MEMBERS_OF_CHAT)
            .bind(chat_id)
            .fetch_scalars(self.db())
            .await
    }

    /// Marks a session modified now.
    pub async fn touch_session(&self, id: i64, now: i64) -> Result<(), StoreError> {
        self.update_session_and_index(id, TOUCH_SESSION, None, now, None)
            .await
            .map(|_| ())
    }
}
