//! Event handlers (`event.bind`) and the outbox every write fills.
//!
//! A write raises its events inside its own transaction with [`enqueue_event`], right beside
//! `refresh_chat_index`: one `INSERT … SELECT` copies the event to every online handler bound
//! to it (a row per delivery in `event_outbox`, so the fan-out is fixed at write time and an
//! `event.unbind` later cannot change what was owed), and one more upserts it into the offline
//! queue of every application with an offline handler. A write that rolls back raises nothing,
//! and a crash after the commit loses nothing: delivery (`crate::events`) reads the tables.
//!
//! The offline queue's reads and the delivery claims live in [`super::events_offline`] and
//! [`super::event_outbox`].

use super::db::{query, Query, Tx};
use super::{Store, StoreError};
use crate::domain::event::{Actor, Raised};
use sha2::{Digest, Sha256};

/// Copies one raised event to each online handler of it. `$1` event, `$2` data (JSON),
/// `$3` the acting user, `$4` now (s), `$5` now (ms, first due time).
/// Whether event `$1` has online handlers, and offline ones (1 or 0 each): one index read that
/// spares a write the three enqueue statements when nothing listens, the usual case.
pub(super) const HANDLER_KINDS: &str = "
    SELECT CAST(COALESCE(MAX(CASE WHEN offline THEN 0 ELSE 1 END), 0) AS BIGINT),
           CAST(COALESCE(MAX(CASE WHEN offline THEN 1 ELSE 0 END), 0) AS BIGINT)
    FROM event_handlers WHERE event = $1";

pub(super) const ENQUEUE_ONLINE: &str = "
    INSERT INTO event_outbox (handler_id, handler_url, event, data, actor_id, created_at, due_at_ms)
    SELECT id, handler, event, CAST($2 AS TEXT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
    FROM event_handlers WHERE event = $1 AND offline = FALSE ORDER BY id";

/// Puts one raised event in the offline queue of each application with an offline handler of
/// it; a row of the same object not yet reserved by a reader only moves to the new time.
/// `$1` event, `$2` message id, `$3` data (JSON), `$4` now (s).
pub(super) const ENQUEUE_OFFLINE: &str = "
    INSERT INTO event_offline (client_id, auth_connector, event, message_id, data, created_at, process_id)
    SELECT DISTINCT client_id, auth_connector, event, CAST($2 AS TEXT), CAST($3 AS TEXT),
           CAST($4 AS BIGINT), ''
    FROM event_handlers WHERE event = $1 AND offline = TRUE
    ON CONFLICT (client_id, auth_connector, event, message_id, process_id)
    DO UPDATE SET data = excluded.data, created_at = excluded.created_at";

/// Notifies the `ONOFFLINEEVENT` handlers of each application whose offline queue event `$1`
/// just entered, unless the handler still has a notification waiting (notifications
/// coalesce). `$2` acting user, `$3` now (s), `$4` now (ms).
pub(super) const ENQUEUE_OFFLINE_NOTICE: &str = "
    INSERT INTO event_outbox (handler_id, handler_url, event, data, actor_id, created_at, due_at_ms)
    SELECT n.id, n.handler, n.event, '[]', CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT)
    FROM event_handlers n
    WHERE n.event = 'ONOFFLINEEVENT' AND n.offline = FALSE
      AND EXISTS (SELECT 1 FROM event_handlers o
                  WHERE o.client_id = n.client_id AND o.event = $1 AND o.offline = TRUE)
      AND NOT EXISTS (SELECT 1 FROM event_outbox q WHERE q.handler_id = n.id AND q.state = 'pending')
    ORDER BY n.id";

/// Raises an application event (`ONAPPINSTALL`) for that application's online handlers only.
/// `$1` app, `$2` event, `$3` data (JSON), `$4` acting user, `$5` now (s), `$6` now (ms).
pub(super) const ENQUEUE_FOR_APP: &str = "
    INSERT INTO event_outbox (handler_id, handler_url, event, data, actor_id, created_at, due_at_ms)
    SELECT id, handler, event, CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($5 AS BIGINT),
           CAST($6 AS BIGINT)
    FROM event_handlers WHERE client_id = $1 AND event = $2 AND offline = FALSE ORDER BY id";

pub(super) const INSERT_HANDLER: &str = "
    INSERT INTO event_handlers (client_id, event, handler, auth_type, offline, auth_connector,
                                options, bound_by, scopes, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (client_id, event, handler, auth_type, offline) DO NOTHING";

/// `$5` NULL: every `auth_type`.
pub(super) const DELETE_HANDLERS: &str = "
    DELETE FROM event_handlers
    WHERE client_id = $1 AND event = $2 AND handler = $3 AND offline = $4
      AND (CAST($5 AS BIGINT) IS NULL OR auth_type = CAST($5 AS BIGINT))";

/// Undelivered online events of handlers that no longer exist are dropped with them.
pub(super) const DROP_ORPHANED_DELIVERIES: &str = "
    UPDATE event_outbox SET state = 'unbound'
    WHERE state = 'pending' AND handler_id NOT IN (SELECT id FROM event_handlers)";

/// `$2` NULL: every user's handlers (an administrator's view).
pub(super) const HANDLERS_OF_APP: &str = "
    SELECT id, event, handler, auth_type, offline FROM event_handlers
    WHERE client_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR auth_type = CAST($2 AS BIGINT))
    ORDER BY id";

pub(super) const ADD_APP_TOKEN: &str =
    "INSERT INTO event_app_tokens (client_id, application_token) VALUES ($1, $2)
     ON CONFLICT (client_id) DO NOTHING";

pub(super) const APP_TOKEN: &str =
    "SELECT application_token FROM event_app_tokens WHERE client_id = $1";

/// A handler to bind.
#[derive(Debug, Clone)]
pub struct NewHandler<'a> {
    pub client_id: &'a str,
    pub event: &'a str,
    pub handler: &'a str,
    /// 0: the user whose action raised the event.
    pub auth_type: i64,
    pub offline: bool,
    pub auth_connector: &'a str,
    /// The `options` parameter as JSON text.
    pub options: &'a str,
    pub bound_by: i64,
    /// The scopes of the binding token; the tokens minted for deliveries carry them.
    pub scopes: &'a str,
    pub now: i64,
}

/// A bound handler as `event.get` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HandlerRow {
    pub id: i64,
    pub event: String,
    pub handler: String,
    pub auth_type: i64,
    pub offline: bool,
}

/// Which handlers `event.unbind` removes.
#[derive(Debug, Clone)]
pub struct HandlerKey<'a> {
    pub client_id: &'a str,
    pub event: &'a str,
    pub handler: &'a str,
    pub offline: bool,
    /// `None`: whatever `auth_type`.
    pub auth_type: Option<i64>,
}

/// The offline queue's `MESSAGE_ID`: the same object's data gives the same id, so the queue
/// keeps one row per object (32 hex digits, the length of the portal's).
pub fn message_id(data: &str) -> String {
    let digest = Sha256::digest(data.as_bytes());
    hex::encode(&digest[..16])
}

/// The wall clock in Unix milliseconds (delivery times; never earlier than 0).
pub fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Raises `raised` by `actor` inside `tx` (a write's transaction): [`HANDLER_KINDS`] first,
/// then, only for the kinds bound, one statement for the online handlers, and one for the
/// offline queue plus one for the `ONOFFLINEEVENT` notifications of that queue.
pub(super) async fn enqueue_event(
    tx: &mut Tx,
    actor: Actor,
    raised: Raised,
) -> Result<(), StoreError> {
    let (online, offline): (i64, i64) = query(HANDLER_KINDS)
        .bind(&raised.name)
        .fetch_one(&mut *tx)
        .await?;
    if online + offline == 0 {
        return Ok(());
    }
    let data = raised.data_json();
    let now_ms = unix_millis();
    if online > 0 {
        query(ENQUEUE_ONLINE)
            .bind(&raised.name)
            .bind(&data)
            .bind(actor.0)
            .bind(now_ms / 1000)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
    }
    if offline > 0 {
        let message = message_id(&data);
        query(ENQUEUE_OFFLINE)
            .bind(&raised.name)
            .bind(&message)
            .bind(&data)
            .bind(now_ms / 1000)
            .execute(&mut *tx)
            .await?;
        query(ENQUEUE_OFFLINE_NOTICE)
            .bind(&raised.name)
            .bind(actor.0)
            .bind(now_ms / 1000)
            .bind(now_ms)
            .execute(tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Binds a handler; `false` when the same one is already bound.
    pub async fn bind_event_handler(&self, new: &NewHandler<'_>) -> Result<bool, StoreError> {
        let done = insert_handler(new).execute(self.db()).await?;
        Ok(done > 0)
    }

    /// Removes the matching handlers and drops their undelivered events, in one transaction;
    /// returns how many handlers went.
    pub async fn unbind_event_handlers(&self, key: &HandlerKey<'_>) -> Result<u64, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let removed = query(DELETE_HANDLERS)
            .bind(key.client_id)
            .bind(key.event)
            .bind(key.handler)
            .bind(key.offline)
            .bind(key.auth_type)
            .execute(&mut tx)
            .await?;
        if removed > 0 {
            query(DROP_ORPHANED_DELIVERIES).execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// The handlers of an application, all of them or those of one `auth_type`.
    pub async fn event_handlers(
        &self,
        client_id: &str,
        auth_type: Option<i64>,
    ) -> Result<Vec<HandlerRow>, StoreError> {
        query(HANDLERS_OF_APP)
            .bind(client_id)
            .bind(auth_type)
            .fetch_all(self.db())
            .await
    }

    /// Installs `handler` as the application's install handler: binds `ONAPPINSTALL` for it
    /// (running as the installing user) and raises `ONAPPINSTALL` with `data`, in one
    /// transaction, so the handler hears of the installation once a server runs.
    pub async fn add_install_handler(
        &self,
        handler: &NewHandler<'_>,
        data: &str,
    ) -> Result<(), StoreError> {
        let now_ms = unix_millis();
        let mut tx = self.db().begin_write().await?;
        insert_handler(handler).execute(&mut tx).await?;
        query(ENQUEUE_FOR_APP)
            .bind(handler.client_id)
            .bind(handler.event)
            .bind(data)
            .bind(handler.bound_by)
            .bind(now_ms / 1000)
            .bind(now_ms)
            .execute(&mut tx)
            .await?;
        tx.commit().await
    }

    /// The application's `application_token`, made with `fresh` on first use.
    pub async fn application_token(
        &self,
        client_id: &str,
        fresh: &str,
    ) -> Result<String, StoreError> {
        query(ADD_APP_TOKEN)
            .bind(client_id)
            .bind(fresh)
            .execute(self.db())
            .await?;
        query(APP_TOKEN)
            .bind(client_id)
            .fetch_scalar(self.db())
            .await
    }
}

/// [`INSERT_HANDLER`] with `new`'s fields bound.
fn insert_handler<'a>(new: &NewHandler<'a>) -> Query<'a> {
    query(INSERT_HANDLER)
        .bind(new.client_id)
        .bind(new.event)
        .bind(new.handler)
        .bind(new.auth_type)
        .bind(new.offline)
        .bind(new.auth_connector)
        .bind(new.options)
        .bind(new.bound_by)
        .bind(new.scopes)
        .bind(new.now)
}
