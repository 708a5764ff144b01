//! The offline event queue (`event.offline.*`): what [`super::events`] upserts at write time,
//! read, reserved, cleared and marked here.
//!
//! A reader reserves rows by writing a fresh `process_id` into them, with the condition that
//! they are still free, in one UPDATE: two readers at once get different rows on both engines
//! (PostgreSQL re-checks the condition on a row another transaction just changed).

use super::db::query;
use super::{Store, StoreError};

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfflineRow {
    pub id: i64,
    pub event: String,
    pub message_id: String,
    pub data: String,
    pub created_at: i64,
    pub process_id: String,
    pub error: bool,
}

/// Which rows `event.offline.get` takes.
#[derive(Debug, Clone)]
pub struct OfflineTake<'a> {
    pub client_id: &'a str,
    pub auth_connector: &'a str,
    pub limit: i64,
    /// Rows marked by `event.offline.error` instead of good ones.
    pub errors: bool,
    /// Take the rows of this earlier reservation again instead of free ones.
    pub again: Option<&'a str>,
    /// The new reservation's id.
    pub process_id: &'a str,
    /// Delete the rows taken (the default) rather than leave them reserved.
    pub clear: bool,
}

/// Reserves rows for `$5`: free ones (`$6` empty), or those of reservation `$6`; rows marked
/// by `event.offline.error` stay in their reservation, so with `$3` (error rows) and `$6`
/// empty any of them is taken. `$1` app, `$2` source, `$4` limit.
pub(super) const RESERVE: &str = "
    UPDATE event_offline SET process_id = $5
    WHERE id IN (SELECT id FROM event_offline
                 WHERE client_id = $1 AND auth_connector = $2 AND error = $3
                   AND (process_id = $6 OR (error = TRUE AND $6 = ''))
                 ORDER BY created_at, id LIMIT $4)
      AND error = $3 AND (process_id = $6 OR (error = TRUE AND $6 = ''))";

pub(super) const RESERVED: &str = "
    SELECT id, event, message_id, data, created_at, process_id, error FROM event_offline
    WHERE client_id = $1 AND process_id = $2 ORDER BY created_at, id";

pub(super) const DELETE_RESERVED: &str =
    "DELETE FROM event_offline WHERE client_id = $1 AND process_id = $2";

pub(super) const DELETE_RESERVED_ID: &str =
    "DELETE FROM event_offline WHERE client_id = $1 AND process_id = $2 AND id = $3";

pub(super) const DELETE_RESERVED_MESSAGE: &str =
    "DELETE FROM event_offline WHERE client_id = $1 AND process_id = $2 AND message_id = $3";

pub(super) const MARK_ERROR: &str = "UPDATE event_offline SET error = TRUE
    WHERE client_id = $1 AND process_id = $2 AND message_id = $3";

/// A page of the queue, any state, by id. `$3` offset, `$4` page size.
pub(super) const PAGE: &str = "
    SELECT id, event, message_id, data, created_at, process_id, error FROM event_offline
    WHERE client_id = $1 AND auth_connector = $2 ORDER BY id LIMIT $4 OFFSET $3";

pub(super) const COUNT: &str =
    "SELECT COUNT(*) FROM event_offline WHERE client_id = $1 AND auth_connector = $2";

/// What `event.offline.clear` removes of a reservation.
#[derive(Debug, Clone)]
pub enum ClearWhich {
    All,
    Ids(Vec<i64>),
    MessageIds(Vec<String>),
}

impl Store {
    /// `event.offline.get`: reserves up to `limit` rows, returns them, and deletes them when
    /// `clear`; one transaction.
    pub async fn take_offline(
        &self,
        take: &OfflineTake<'_>,
    ) -> Result<Vec<OfflineRow>, StoreError> {
        let from = take.again.unwrap_or("");
        let mut tx = self.db().begin_write().await?;
        query(RESERVE)
            .bind(take.client_id)
            .bind(take.auth_connector)
            .bind(take.errors)
            .bind(take.limit)
            .bind(take.process_id)
            .bind(from)
            .execute(&mut tx)
            .await?;
        let rows: Vec<OfflineRow> = query(RESERVED)
            .bind(take.client_id)
            .bind(take.process_id)
            .fetch_all(&mut tx)
            .await?;
        if take.clear {
            query(DELETE_RESERVED)
                .bind(take.client_id)
                .bind(take.process_id)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// `event.offline.list`: a page of the queue and the queue's length.
    pub async fn offline_page(
        &self,
        client_id: &str,
        auth_connector: &str,
        offset: i64,
        size: i64,
    ) -> Result<(Vec<OfflineRow>, i64), StoreError> {
        let rows: Vec<OfflineRow> = query(PAGE)
            .bind(client_id)
            .bind(auth_connector)
            .bind(offset)
            .bind(size)
            .fetch_all(self.db())
            .await?;
        let total: i64 = query(COUNT)
            .bind(client_id)
            .bind(auth_connector)
            .fetch_scalar(self.db())
            .await?;
        Ok((rows, total))
    }

    /// `event.offline.clear`: deletes rows of reservation `process_id`.
    pub async fn clear_offline(
        &self,
        client_id: &str,
        process_id: &str,
        which: &ClearWhich,
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        match which {
            ClearWhich::All => {
                query(DELETE_RESERVED)
                    .bind(client_id)
                    .bind(process_id)
                    .execute(&mut tx)
                    .await?;
            }
            ClearWhich::Ids(ids) => {
                for id in ids {
                    query(DELETE_RESERVED_ID)
                        .bind(client_id)
                        .bind(process_id)
                        .bind(id)
                        .execute(&mut tx)
                        .await?;
                }
            }
            ClearWhich::MessageIds(messages) => {
                for message in messages {
                    query(DELETE_RESERVED_MESSAGE)
                        .bind(client_id)
                        .bind(process_id)
                        .bind(message)
                        .execute(&mut tx)
                        .await?;
                }
            }
        }
        tx.commit().await
    }

    /// `event.offline.error`: marks rows of reservation `process_id` as failed.
    pub async fn mark_offline_errors(
        &self,
        client_id: &str,
        process_id: &str,
        message_ids: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        for message in message_ids {
            query(MARK_ERROR)
                .bind(client_id)
                .bind(process_id)
                .bind(message)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await
    }
}
