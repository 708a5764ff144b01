//! The lookup behind `imopenlines.crm.chat.get`: chats bound to a CRM record.

use super::db::query;
use super::pg_hot::HotStatement;
use super::{caller_cache, Store, StoreError};
use crate::domain::crm::CrmRef;
use crate::domain::session::SessionFilter;
use std::sync::Arc;

/// One chat of a CRM record. The connector's strings are shared: a record's chats come from
/// a handful of connectors, and on SQLite they are the remembered connector rows themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmChatRow {
    pub chat_id: i64,
    pub connector_id: Arc<str>,
    pub connector_title: Arc<str>,
}

/// The chats of a record with any session status, the chat whose bound session changed
/// last first (ties: the newer session first); chats of disabled connectors are left out
/// (spec §7.1). SQLite reads one range of the `crm_chat_index_any` index, already in answer
/// order; PostgreSQL reads the record's range of the table's key, which includes every column,
/// and sorts its handful of rows (migration 0014).
pub(super) const CHATS_OF_CRM_RECORD_ANY: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND k.active = TRUE
    ORDER BY i.any_modified_at DESC, i.any_session_id DESC";

/// [`CHATS_OF_CRM_RECORD_ANY`] over active sessions only: the record's key range, sorted by
/// the engine (its handful of rows did not pay for an index in this order; migration 0013).
pub(super) const CHATS_OF_CRM_RECORD_ACTIVE: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND i.active_modified_at IS NOT NULL
      AND k.active = TRUE
    ORDER BY i.active_modified_at DESC, i.active_session_id DESC";

/// [`CHATS_OF_CRM_RECORD_ANY`] on PostgreSQL led by the caller's `auth_version` (`$3` the
/// user), read in the same snapshot, to confirm a kept caller (`super::caller_cache`): one row
/// with NULL chat columns when the record has no chat, none when the user is gone. Keep in
/// step with the statement above.
pub(super) const CHATS_OF_CRM_RECORD_ANY_CONFIRMING_PG: &str = "
    SELECT u.auth_version, i.chat_id, i.connector_id, k.title AS connector_title
    FROM users u
    LEFT JOIN (crm_chat_index i JOIN connectors k ON k.id = i.connector_id AND k.active = TRUE)
      ON i.entity_type = $1 AND i.entity_id = $2
    WHERE u.id = $3
    ORDER BY i.any_modified_at DESC, i.any_session_id DESC";

/// [`CHATS_OF_CRM_RECORD_ACTIVE`] led by the caller's `auth_version`, as the statement above.
pub(super) const CHATS_OF_CRM_RECORD_ACTIVE_CONFIRMING_PG: &str = "
    SELECT u.auth_version, i.chat_id, i.connector_id, k.title AS connector_title
    FROM users u
    LEFT JOIN (crm_chat_index i JOIN connectors k ON k.id = i.connector_id AND k.active = TRUE)
      ON i.entity_type = $1 AND i.entity_id = $2 AND i.active_modified_at IS NOT NULL
    WHERE u.id = $3
    ORDER BY i.active_modified_at DESC, i.active_session_id DESC";

/// [`CHATS_OF_CRM_RECORD_ANY`] without the connectors: the SQLite reader joins them in
/// memory from [`ACTIVE_CONNECTORS`], which it remembers until the next write (see
/// `sqlite_reader`), so a call reads one index range and nothing else.
pub(super) const CHAT_INDEX_RANGE_ANY: &str = "
    SELECT chat_id, connector_id FROM crm_chat_index
    WHERE entity_type = $1 AND entity_id = $2
    ORDER BY any_modified_at DESC, any_session_id DESC";

/// [`CHAT_INDEX_RANGE_ANY`] over active sessions only.
pub(super) const CHAT_INDEX_RANGE_ACTIVE: &str = "
    SELECT chat_id, connector_id FROM crm_chat_index
    WHERE entity_type = $1 AND entity_id = $2 AND active_modified_at IS NOT NULL
    ORDER BY active_modified_at DESC, active_session_id DESC";

pub(super) const ACTIVE_CONNECTORS: &str =
    "SELECT id, title FROM connectors WHERE active = TRUE ORDER BY id";

impl Store {
    /// The chats bound to `record` through their sessions, read from the chat index
    /// ([`super::chat_index`]).
    pub async fn chats_of_crm_record(
        &self,
        record: CrmRef,
        filter: SessionFilter,
    ) -> Result<Vec<CrmChatRow>, StoreError> {
        let entity_type = record.entity_type.as_str();
        let entity_id = record.id.get();
        if let Some(reader) = self.sqlite_reader() {
            let range = match filter {
                SessionFilter::ActiveOnly => CHAT_INDEX_RANGE_ACTIVE,
                SessionFilter::All => CHAT_INDEX_RANGE_ANY,
            };
            let connectors =
                reader.fetch_all_memo::<(Arc<str>, Arc<str>)>(ACTIVE_CONNECTORS, &[])?;
            // The join of the query below, in memory: chats of switched-off connectors are
            // left out, the others share their connector's strings; the index order is kept.
            let chats = reader.fetch_filtered(range, &[&entity_type, &entity_id], |row| {
                let chat_id: i64 = row.get(0)?;
                // Compared as bytes: no UTF-8 check, no copy.
                let connector_id = row.get_ref(1)?.as_bytes().unwrap_or_default();
                Ok(connectors
                    .iter()
                    .find(|(id, _)| id.as_bytes() == connector_id)
                    .map(|(id, title)| CrmChatRow {
                        chat_id,
                        connector_id: Arc::clone(id),
                        connector_title: Arc::clone(title),
                    }))
            })?;
            return Ok(chats);
        }
        if let Some((user_id, _)) = caller_cache::to_confirm() {
            return self
                .chats_confirming_caller(entity_type, entity_id, filter, user_id)
                .await;
        }
        if let Some(hot) = self.pg_hot() {
            let statement = match filter {
                SessionFilter::ActiveOnly => HotStatement::ChatsActivePlain,
                SessionFilter::All => HotStatement::ChatsAnyPlain,
            };
            let rows = hot.query(statement, &[&entity_type, &entity_id]).await?;
            return chats_of_rows(&rows, 0);
        }
        let sql = match filter {
            SessionFilter::ActiveOnly => CHATS_OF_CRM_RECORD_ACTIVE,
            SessionFilter::All => CHATS_OF_CRM_RECORD_ANY,
        };
        let rows: Vec<(i64, String, String)> = query(sql)
            .bind(entity_type)
            .bind(entity_id)
            .fetch_all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(chat_id, connector_id, connector_title)| CrmChatRow {
                chat_id,
                connector_id: connector_id.into(),
                connector_title: connector_title.into(),
            })
            .collect())
    }
}

impl Store {
    /// The chats of a record on PostgreSQL in the statement that also confirms the request's
    /// kept caller (`user_id`): one round trip for the whole call.
    async fn chats_confirming_caller(
        &self,
        entity_type: &str,
        entity_id: i64,
        filter: SessionFilter,
        user_id: i64,
    ) -> Result<Vec<CrmChatRow>, StoreError> {
        let statement = match filter {
            SessionFilter::ActiveOnly => HotStatement::ChatsActive,
            SessionFilter::All => HotStatement::ChatsAny,
        };
        let Some(hot) = self.pg_hot() else {
            return Ok(Vec::new());
        };
        let rows = hot
            .query(statement, &[&entity_type, &entity_id, &user_id])
            .await?;
        let version = match rows.first() {
            Some(row) => row.try_get(0)?,
            None => None,
        };
        if !caller_cache::settle(version) {
            return Err(StoreError::CallerChanged);
        }
        chats_of_rows(&rows, 1)
    }
}

/// The chats of PostgreSQL rows whose columns from `first` on are the chat's id, connector id
/// and connector title. A confirming statement's one row for a record without chats has NULL
/// there, and is left out.
fn chats_of_rows(
    rows: &[tokio_postgres::Row],
    first: usize,
) -> Result<Vec<CrmChatRow>, StoreError> {
    let mut chats = Vec::with_capacity(rows.len());
    let mut known = KNOWN_CONNECTORS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for row in rows {
        let (Some(chat_id), Some(id), Some(title)) = (
            row.try_get::<_, Option<i64>>(first)?,
            row.try_get::<_, Option<&str>>(first + 1)?,
            row.try_get::<_, Option<&str>>(first + 2)?,
        ) else {
            continue;
        };
        let (connector_id, connector_title) = shared_connector(&mut known, id, title);
        chats.push(CrmChatRow {
            chat_id,
            connector_id,
            connector_title,
        });
    }
    Ok(chats)
}

/// The connectors' strings as PostgreSQL's chat reads last gave them, shared by every row
/// that names them: a record's chats come from a handful of connectors, and two fresh strings
/// per row were most of the allocations of a call. Keyed by the text itself, an entry can
/// never be stale (a renamed connector is another entry).
static KNOWN_CONNECTORS: std::sync::Mutex<Vec<(Arc<str>, Arc<str>)>> =
    std::sync::Mutex::new(Vec::new());

/// Entries [`KNOWN_CONNECTORS`] keeps; more distinct connectors get strings of their own.
const KNOWN_CONNECTORS_KEPT: usize = 64;

/// The shared strings of connector `id` titled `title`, remembered when there is room.
fn shared_connector(
    known: &mut Vec<(Arc<str>, Arc<str>)>,
    id: &str,
    title: &str,
) -> (Arc<str>, Arc<str>) {
    let found = known
        .iter()
        .find(|(known_id, known_title)| **known_id == *id && **known_title == *title);
    if let Some((id, title)) = found {
        return (Arc::clone(id), Arc::clone(title));
    }
    let shared: (Arc<str>, Arc<str>) = (id.into(), title.into());
    if known.len() < KNOWN_CONNECTORS_KEPT {
        known.push((Arc::clone(&shared.0), Arc::clone(&shared.1)));
    }
    shared
}

impl Store {
    /// Every active connector, `(id, title)`, ordered by id.
    pub async fn active_connectors(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = query(ACTIVE_CONNECTORS).fetch_all(self.db()).await?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests;
