//! Custom connectors: the ones applications register (`imconnector.*`), their activation and
//! channel settings per open line, the customers' messages they bring in, and the events
//! they raise for their application.
//!
//! A registered connector is a row of `connectors` like a standard one, with the owning
//! application in `client_id`, so `imconnector.list` and chat.get read it unchanged. The chat
//! index keeps only connector ids and joins `connectors` at read time, so registering,
//! renaming or unregistering one needs no index write.
//!
//! Connector events go to the handlers of the connector's own application only
//! ([`super::events::ENQUEUE_FOR_APP`]), in the transaction of the write that raises them.

use super::db::{query, Tx};
use super::events::{unix_millis, ENQUEUE_FOR_APP};
use super::sessions::{open_session_in, ChatRow, CHAT_BY_USER_CODE, INSERT_CHAT, INSERT_MESSAGE};
use super::{Store, StoreError};
use crate::domain::connector::{outgoing_message_data, status_delete_data, ConnectorOptions};
use crate::domain::event::{Actor, CONNECTOR_MESSAGE_ADD, CONNECTOR_STATUS_DELETE};
use crate::domain::session::SessionStatus;

/// Registers connector `$1` for application `$3`, or updates it when that application
/// registered it before; another application's or a standard connector is left alone (no row
/// changes). `$2` name, `$4` icon, `$5` inactive icon (JSON), `$6` placement handler, `$7`
/// options (JSON).
pub(super) const REGISTER: &str = "
    INSERT INTO connectors (id, title, active, client_id, icon, icon_disabled, placement_handler, options)
    VALUES ($1, $2, TRUE, $3, $4, $5, $6, $7)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, active = TRUE,
        icon = excluded.icon, icon_disabled = excluded.icon_disabled,
        placement_handler = excluded.placement_handler, options = excluded.options
    WHERE connectors.client_id = excluded.client_id";

/// Connector `$1` of application `$2`.
pub(super) const OF_APP: &str = "
    SELECT id, title, options FROM connectors WHERE id = $1 AND client_id = $2";

pub(super) const DELETE: &str = "DELETE FROM connectors WHERE id = $1 AND client_id = $2";

pub(super) const DELETE_LINES: &str = "DELETE FROM connector_lines WHERE connector_id = $1";

/// The lines connector `$1` is active on, in order.
pub(super) const ACTIVE_LINES: &str = "
    SELECT line_id FROM connector_lines WHERE connector_id = $1 AND active = TRUE ORDER BY line_id";

/// Whether line `$1` exists, and is active.
pub(super) const LINE_ACTIVE: &str = "SELECT active FROM lines WHERE id = $1";

/// Connector `$1` on line `$2`: whether it is active there, and its channel settings.
pub(super) const ON_LINE: &str =
    "SELECT active, data FROM connector_lines WHERE connector_id = $1 AND line_id = $2";

pub(super) const SET_ACTIVE: &str = "
    INSERT INTO connector_lines (connector_id, line_id, active) VALUES ($1, $2, $3)
    ON CONFLICT (connector_id, line_id) DO UPDATE SET active = excluded.active";

pub(super) const SET_DATA: &str = "
    INSERT INTO connector_lines (connector_id, line_id, data) VALUES ($1, $2, $3)
    ON CONFLICT (connector_id, line_id) DO UPDATE SET data = excluded.data";

/// A customer's message (author 0: the customer is no portal user). `$5` its external id.
pub(super) const INSERT_INCOMING: &str =
    "INSERT INTO messages (chat_id, author_id, text, created_at, external_id)
     VALUES ($1, 0, $2, $3, $4) RETURNING id";

/// The custom connector chat `$1` came through, with what its events carry.
pub(super) const CUSTOM_CHANNEL_OF_CHAT: &str = "
    SELECT k.id, k.client_id, k.options, c.line_id, c.external_chat_id
    FROM chats c JOIN connectors k ON k.id = c.connector_id
    WHERE c.id = $1 AND k.client_id IS NOT NULL";

/// Marks operator message `$1` of chat `$2` delivered at `$3` (a delivered message is read
/// too, as on the portal), if the chat came through connector `$4` on line `$5`.
pub(super) const MARK_DELIVERED: &str = "
    UPDATE messages SET delivered_at = $3, read_at = COALESCE(read_at, $3)
    WHERE id = $1 AND chat_id = $2 AND author_id <> 0
      AND chat_id IN (SELECT id FROM chats WHERE connector_id = $4 AND line_id = $5)";

/// [`MARK_DELIVERED`] for the read status only.
pub(super) const MARK_READ: &str = "
    UPDATE messages SET read_at = $3
    WHERE id = $1 AND chat_id = $2 AND author_id <> 0
      AND chat_id IN (SELECT id FROM chats WHERE connector_id = $4 AND line_id = $5)";

/// When message `$1` was delivered and read in the external system.
pub(super) const MESSAGE_MARKS: &str = "SELECT delivered_at, read_at FROM messages WHERE id = $1";

/// A connector to register.
#[derive(Debug, Clone)]
pub struct NewConnector<'a> {
    /// Lower case, checked by the caller.
    pub id: &'a str,
    pub client_id: &'a str,
    pub name: &'a str,
    /// `ICON` as JSON text.
    pub icon: &'a str,
    /// `ICON_DISABLED` as JSON text (`{}` when not given).
    pub icon_disabled: &'a str,
    pub placement_handler: &'a str,
    pub options: &'a ConnectorOptions,
}

/// A connector as its application sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConnectorRow {
    pub id: String,
    pub title: String,
    /// [`ConnectorOptions`] as JSON text.
    pub options: String,
}

/// A connector on one line: whether it is switched on there, and its channel settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LineState {
    pub active: bool,
    /// `DATA` of `imconnector.connector.data.set`, JSON text (`{}` until set).
    pub data: String,
}

/// What a customer's message needs: the channel, the external chat and user, the text.
#[derive(Debug, Clone)]
pub struct IncomingMessage<'a> {
    pub connector: &'a str,
    pub line: i64,
    pub external_chat: &'a str,
    pub external_user: &'a str,
    /// The title a new chat gets.
    pub chat_title: &'a str,
    pub text: &'a str,
    pub external_id: Option<&'a str>,
}

/// Where an incoming message landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landed {
    pub chat_id: i64,
    pub session_id: i64,
    pub message_id: i64,
}

/// Which status an external system reports for an operator's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Delivered,
    Read,
}

/// The custom channel a chat came through (see [`CUSTOM_CHANNEL_OF_CHAT`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct CustomChannel {
    id: String,
    client_id: String,
    options: String,
    line_id: i64,
    external_chat_id: String,
}

/// Raises connector event `event` with `data` (JSON text) for the online handlers of
/// application `client` inside `tx`, by `actor`.
async fn enqueue_for_app(
    tx: &mut Tx,
    client: &str,
    event: &str,
    data: &str,
    actor: Actor,
) -> Result<(), StoreError> {
    let now_ms = unix_millis();
    query(ENQUEUE_FOR_APP)
        .bind(client)
        .bind(event)
        .bind(data)
        .bind(actor.0)
        .bind(now_ms / 1000)
        .bind(now_ms)
        .execute(tx)
        .await?;
    Ok(())
}

impl Store {
    /// Registers (or re-registers) a connector; `false` when its id belongs to a standard
    /// connector or to another application.
    pub async fn register_connector(&self, new: &NewConnector<'_>) -> Result<bool, StoreError> {
        let options = new.options.to_json();
        let mut tx = self.db().begin_write().await?;
        let changed = query(REGISTER)
            .bind(new.id)
            .bind(new.name)
            .bind(new.client_id)
            .bind(new.icon)
            .bind(new.icon_disabled)
            .bind(new.placement_handler)
            .bind(&options)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Connector `id` if application `client_id` registered it.
    pub async fn connector_of_app(
        &self,
        id: &str,
        client_id: &str,
    ) -> Result<Option<ConnectorRow>, StoreError> {
        query(OF_APP)
            .bind(id)
            .bind(client_id)
            .fetch_optional(self.db())
            .await
    }

    /// Removes the application's connector and its per-line state; raises
    /// `OnImConnectorStatusDelete` for each line it was active on. `false` when the
    /// application has no such connector. Its chats stay, out of chat.get's answers, as the
    /// chats of a disabled connector are.
    pub async fn unregister_connector(
        &self,
        id: &str,
        client_id: &str,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let lines: Vec<i64> = query(ACTIVE_LINES).bind(id).fetch_scalars(&mut tx).await?;
        let removed = query(DELETE)
            .bind(id)
            .bind(client_id)
            .execute(&mut tx)
            .await?
            > 0;
        if removed {
            query(DELETE_LINES).bind(id).execute(&mut tx).await?;
            for line in lines {
                let data = status_delete_data(id, line);
                enqueue_for_app(&mut tx, client_id, CONNECTOR_STATUS_DELETE, &data, actor).await?;
            }
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// Whether open line `line` exists (`None`: it does not) and is active.
    pub async fn line_active(&self, line: i64) -> Result<Option<bool>, StoreError> {
        let row: Option<(bool,)> = query(LINE_ACTIVE)
            .bind(line)
            .fetch_optional(self.db())
            .await?;
        Ok(row.map(|(active,)| active))
    }

    /// The connector's state on `line` (`None`: never activated nor configured there).
    pub async fn connector_on_line(
        &self,
        connector: &str,
        line: i64,
    ) -> Result<Option<LineState>, StoreError> {
        query(ON_LINE)
            .bind(connector)
            .bind(line)
            .fetch_optional(self.db())
            .await
    }

    /// Switches the application's connector on or off on `line`; switching an active one off
    /// raises `OnImConnectorStatusDelete`.
    pub async fn activate_connector(
        &self,
        connector: &str,
        client_id: &str,
        line: i64,
        active: bool,
        actor: Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        let before: Option<LineState> = query(ON_LINE)
            .bind(connector)
            .bind(line)
            .fetch_optional(&mut tx)
            .await?;
        query(SET_ACTIVE)
            .bind(connector)
            .bind(line)
            .bind(active)
            .execute(&mut tx)
            .await?;
        if !active && before.is_some_and(|state| state.active) {
            let data = status_delete_data(connector, line);
            enqueue_for_app(&mut tx, client_id, CONNECTOR_STATUS_DELETE, &data, actor).await?;
        }
        tx.commit().await
    }

    /// Replaces the connector's channel settings on `line` (JSON text).
    pub async fn set_connector_data(
        &self,
        connector: &str,
        line: i64,
        data: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        query(SET_DATA)
            .bind(connector)
            .bind(line)
            .bind(data)
            .execute(&mut tx)
            .await?;
        tx.commit().await
    }

    /// A customer's message through a custom connector, as `session.open` plus the message:
    /// finds or creates the chat of its `connector|line|chat|user`, opens a queued session
    /// unless one is open, and stores the message, all in one transaction.
    pub async fn connector_message_in(
        &self,
        message: &IncomingMessage<'_>,
        now: i64,
        actor: Actor,
    ) -> Result<Landed, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let existing: Option<ChatRow> = query(CHAT_BY_USER_CODE)
            .bind(message.connector)
            .bind(message.line)
            .bind(message.external_chat)
            .bind(message.external_user)
            .fetch_optional(&mut tx)
            .await?;
        let chat_id = match existing {
            Some(chat) => chat.id,
            None => {
                query(INSERT_CHAT)
                    .bind(message.connector)
                    .bind(message.line)
                    .bind(message.chat_title)
                    .bind(message.external_chat)
                    .bind(message.external_user)
                    .fetch_scalar(&mut tx)
                    .await?
            }
        };
        let (session, _) =
            open_session_in(&mut tx, chat_id, SessionStatus::NEW.0, None, now, actor).await?;
        let message_id: i64 = query(INSERT_INCOMING)
            .bind(chat_id)
            .bind(message.text)
            .bind(now)
            .bind(message.external_id)
            .fetch_scalar(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(Landed {
            chat_id,
            session_id: session.id,
            message_id,
        })
    }

    /// Stores an operator's message with the engine's next id and returns it. When the chat
    /// came through a custom connector, raises `OnImConnectorMessageAdd` for the connector's
    /// application in the same transaction, the text signed with `author_name` unless the
    /// connector was registered with `NEED_SIGNATURE` off.
    pub async fn add_message(
        &self,
        chat_id: i64,
        author_id: i64,
        author_name: &str,
        text: &str,
        now: i64,
        actor: Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let id: i64 = query(INSERT_MESSAGE)
            .bind(chat_id)
            .bind(author_id)
            .bind(text)
            .bind(now)
            .fetch_scalar(&mut tx)
            .await?;
        let channel: Option<CustomChannel> = query(CUSTOM_CHANNEL_OF_CHAT)
            .bind(chat_id)
            .fetch_optional(&mut tx)
            .await?;
        if let Some(channel) = channel {
            let options = ConnectorOptions::from_json(&channel.options);
            let data = outgoing_message_data(
                &channel.id,
                channel.line_id,
                &channel.external_chat_id,
                (chat_id, id),
                author_id,
                &options.sign(author_name, text),
            );
            let client = &channel.client_id;
            enqueue_for_app(&mut tx, client, CONNECTOR_MESSAGE_ADD, &data, actor).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Records what the external system reports for operator message `message` of `chat`;
    /// `false` when that chat did not come through `connector` on `line` or the message is
    /// not an operator's there.
    pub async fn mark_message(
        &self,
        mark: Mark,
        (chat, message): (i64, i64),
        (connector, line): (&str, i64),
        now: i64,
    ) -> Result<bool, StoreError> {
        let sql = match mark {
            Mark::Delivered => MARK_DELIVERED,
            Mark::Read => MARK_READ,
        };
        let mut tx = self.db().begin_write().await?;
        let changed = query(sql)
            .bind(message)
            .bind(chat)
            .bind(now)
            .bind(connector)
            .bind(line)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// When message `id` was delivered and read in the external system, if it exists.
    pub async fn message_marks(
        &self,
        id: i64,
    ) -> Result<Option<(Option<i64>, Option<i64>)>, StoreError> {
        query(MESSAGE_MARKS)
            .bind(id)
            .fetch_optional(self.db())
            .await
    }
}
