//! Who event handlers belong to besides applications that bind them: outgoing webhooks (a
//! handler URL bound from the command line, no application behind it), and what removing an
//! application does to its handlers (`ONAPPUNINSTALL`, then nothing more).
//!
//! An outgoing webhook is kept as a pseudo-application named `webhook:<id>`: its bindings are
//! ordinary `event_handlers` rows, so the fan-out, ordering and retries of every write serve
//! it unchanged, and its `application_token` sits in `event_app_tokens` like an
//! application's. The token is sent in every delivery, so it is stored as it is (a hash could
//! not be sent); it only proves to the handler that openlines sent the request and grants
//! nothing on openlines itself.

use super::db::query;
use super::events::{unix_millis, DROP_ORPHANED_DELIVERIES, ENQUEUE_FOR_APP, INSERT_HANDLER};
use super::{Store, StoreError};
use crate::domain::event::OUTGOING_PREFIX;

/// The pseudo-application name of outgoing webhook `id`.
pub fn outgoing_client_id(id: i64) -> String {
    format!("{OUTGOING_PREFIX}{id}")
}

pub(super) const INSERT_OUTGOING: &str =
    "INSERT INTO outgoing_webhooks (handler, user_id, created_at) VALUES ($1, $2, $3) RETURNING id";
pub(super) const ALL_OUTGOING: &str =
    "SELECT id, handler, user_id, created_at FROM outgoing_webhooks ORDER BY id";
pub(super) const DELETE_OUTGOING: &str = "DELETE FROM outgoing_webhooks WHERE id = $1";
/// Every binding of pseudo-application or application `$1`.
pub(super) const DELETE_ALL_HANDLERS: &str = "DELETE FROM event_handlers WHERE client_id = $1";
pub(super) const SET_APP_TOKEN: &str =
    "INSERT INTO event_app_tokens (client_id, application_token) VALUES ($1, $2)";
pub(super) const DELETE_APP_TOKEN: &str = "DELETE FROM event_app_tokens WHERE client_id = $1";

/// An application being removed keeps only its online `ONAPPUNINSTALL` bindings, whose
/// deliveries were just raised (the join of the delivery needs them until they are done).
pub(super) const DELETE_HANDLERS_BUT_UNINSTALL: &str = "
    DELETE FROM event_handlers
    WHERE client_id = $1 AND NOT (event = 'ONAPPUNINSTALL' AND offline = FALSE)";
pub(super) const DELETE_OFFLINE_QUEUE: &str = "DELETE FROM event_offline WHERE client_id = $1";
pub(super) const DELETE_APP_TOKENS: &str = "DELETE FROM oauth_tokens WHERE client_id = $1";
pub(super) const DELETE_APP_CODES: &str = "DELETE FROM oauth_codes WHERE client_id = $1";
pub(super) const DELETE_APP_OPTIONS: &str = "DELETE FROM app_options WHERE client_id = $1";
pub(super) const DELETE_USER_OPTIONS: &str = "DELETE FROM user_options WHERE client_id = $1";
pub(super) const DELETE_APP: &str = "DELETE FROM oauth_apps WHERE client_id = $1";

/// Once a removed application's last `ONAPPUNINSTALL` delivery is done (or there was none),
/// its remaining bindings and its `application_token` go too. Does nothing while the
/// application exists (it may have been imported again) or a delivery still waits.
pub(super) const FORGET_REMOVED_HANDLERS: &str = "
    DELETE FROM event_handlers
    WHERE client_id = $1
      AND NOT EXISTS (SELECT 1 FROM oauth_apps a WHERE a.client_id = $1)
      AND NOT EXISTS (SELECT 1 FROM event_outbox o
                      WHERE o.handler_id = event_handlers.id AND o.state = 'pending')";
pub(super) const FORGET_REMOVED_TOKEN: &str = "
    DELETE FROM event_app_tokens
    WHERE client_id = $1
      AND NOT EXISTS (SELECT 1 FROM oauth_apps a WHERE a.client_id = $1)
      AND NOT EXISTS (SELECT 1 FROM event_handlers h WHERE h.client_id = $1)";

/// An outgoing webhook as `openlines webhook outgoing list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutgoingRow {
    pub id: i64,
    pub handler: String,
    /// Who made it (shown only; a delivery carries no user's token).
    pub user_id: i64,
    pub created_at: i64,
}

/// A new outgoing webhook.
#[derive(Debug, Clone)]
pub struct NewOutgoing<'a> {
    pub handler: &'a str,
    /// Upper-case event names, each known.
    pub events: &'a [&'a str],
    pub user_id: i64,
    /// Sent in each delivery as `auth[application_token]`.
    pub application_token: &'a str,
    pub now: i64,
}

/// How to remove an application.
#[derive(Debug, Clone)]
pub struct Removal<'a> {
    pub client_id: &'a str,
    /// `data` of `ONAPPUNINSTALL` (JSON).
    pub data: &'a str,
    /// Also delete what the application stored (`app.option.*`, `user.option.*`).
    pub clean: bool,
}

impl Store {
    /// Makes an outgoing webhook bound to `new.events`, in one transaction; returns its id.
    pub async fn add_outgoing_webhook(&self, new: &NewOutgoing<'_>) -> Result<i64, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let id: i64 = query(INSERT_OUTGOING)
            .bind(new.handler)
            .bind(new.user_id)
            .bind(new.now)
            .fetch_scalar(&mut tx)
            .await?;
        let client_id = outgoing_client_id(id);
        for event in new.events {
            query(INSERT_HANDLER)
                .bind(&client_id)
                .bind(*event)
                .bind(new.handler)
                .bind(new.user_id)
                .bind(false)
                .bind("")
                .bind("{}")
                .bind(new.user_id)
                .bind("")
                .bind(new.now)
                .execute(&mut tx)
                .await?;
        }
        query(SET_APP_TOKEN)
            .bind(&client_id)
            .bind(new.application_token)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every outgoing webhook, oldest first.
    pub async fn outgoing_webhooks(&self) -> Result<Vec<OutgoingRow>, StoreError> {
        query(ALL_OUTGOING).fetch_all(self.db()).await
    }

    /// Deletes an outgoing webhook, its bindings, its token and its undelivered events, in
    /// one transaction; `false` when there is no such webhook.
    pub async fn delete_outgoing_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let client_id = outgoing_client_id(id);
        let mut tx = self.db().begin_write().await?;
        let removed = query(DELETE_OUTGOING).bind(id).execute(&mut tx).await?;
        if removed > 0 {
            for statement in [DELETE_ALL_HANDLERS, DELETE_APP_TOKEN] {
                query(statement).bind(&client_id).execute(&mut tx).await?;
            }
            query(DROP_ORPHANED_DELIVERIES).execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// Removes an application, in one transaction: raises `ONAPPUNINSTALL` for its handlers
    /// of that event, drops every other binding, its undelivered events and offline queue,
    /// its tokens and codes (and with `clean` its options). `false` when there is no such
    /// application. The `ONAPPUNINSTALL` bindings and the `application_token` stay until
    /// those deliveries are done ([`Store::forget_removed_app`]).
    pub async fn remove_app(&self, removal: &Removal<'_>) -> Result<bool, StoreError> {
        let now_ms = unix_millis();
        let client_id = removal.client_id;
        let mut tx = self.db().begin_write().await?;
        let gone = query(DELETE_APP).bind(client_id).execute(&mut tx).await?;
        if gone > 0 {
            // Actor 0: the delivery of ONAPPUNINSTALL carries no user's token.
            query(ENQUEUE_FOR_APP)
                .bind(client_id)
                .bind("ONAPPUNINSTALL")
                .bind(removal.data)
                .bind(0_i64)
                .bind(now_ms / 1000)
                .bind(now_ms)
                .execute(&mut tx)
                .await?;
            let mut statements = vec![
                DELETE_HANDLERS_BUT_UNINSTALL,
                DELETE_OFFLINE_QUEUE,
                DELETE_APP_TOKENS,
                DELETE_APP_CODES,
            ];
            if removal.clean {
                statements.extend([DELETE_APP_OPTIONS, DELETE_USER_OPTIONS]);
            }
            for statement in statements {
                query(statement).bind(client_id).execute(&mut tx).await?;
            }
            query(DROP_ORPHANED_DELIVERIES).execute(&mut tx).await?;
            for statement in [FORGET_REMOVED_HANDLERS, FORGET_REMOVED_TOKEN] {
                query(statement).bind(client_id).execute(&mut tx).await?;
            }
        }
        tx.commit().await?;
        Ok(gone > 0)
    }

    /// Drops what is left of a removed application once its `ONAPPUNINSTALL` deliveries are
    /// done; nothing while any waits or the application exists.
    pub async fn forget_removed_app(&self, client_id: &str) -> Result<(), StoreError> {
        for statement in [FORGET_REMOVED_HANDLERS, FORGET_REMOVED_TOKEN] {
            query(statement).bind(client_id).execute(self.db()).await?;
        }
        Ok(())
    }
}
