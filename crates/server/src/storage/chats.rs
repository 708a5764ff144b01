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

/// The chats of a record with any session status, each with the key that orders them
/// (the chat whose bound session changed last first; ties: the newer session first; see
/// [`in_answer_order`]); chats of disabled connectors are left out (spec §7.1). One range of
/// the chat index's key: the server sorts the handful of rows itself (migration 0013).
pub(super) const CHATS_OF_CRM_RECORD_ANY: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title,
        i.any_modified_at, i.any_session_id
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND k.active = TRUE";

/// [`CHATS_OF_CRM_RECORD_ANY`] over active sessions only, ordered by those.
pub(super) const CHATS_OF_CRM_RECORD_ACTIVE: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title,
        i.active_modified_at, i.active_session_id
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND i.active_modified_at IS NOT NULL
      AND k.active = TRUE";

/// [`CHATS_OF_CRM_RECORD_ANY`] on PostgreSQL led by the caller's `auth_version` (`$3` the
/// user), read in the same snapshot, to confirm a kept caller (`super::caller_cache`): one row
/// with NULL chat columns when the record has no chat, none when the user is gone. Keep in
/// step with the statement above.
pub(super) const CHATS_OF_CRM_RECORD_ANY_CONFIRMING_PG: &str = "
    SELECT u.auth_version, i.chat_id, i.connector_id, k.title AS connector_title,
        i.any_modified_at, i.any_session_id
    FROM users u
    LEFT JOIN (crm_chat_index i JOIN connectors k ON k.id = i.connector_id AND k.active = TRUE)
      ON i.entity_type = $1 AND i.entity_id = $2
    WHERE u.id = $3";

/// [`CHATS_OF_CRM_RECORD_ACTIVE`] led by the caller's `auth_version`, as the statement above.
pub(super) const CHATS_OF_CRM_RECORD_ACTIVE_CONFIRMING_PG: &str = "
    SELECT u.auth_version, i.chat_id, i.connector_id, k.title AS connector_title,
        i.active_modified_at, i.active_session_id
    FROM users u
    LEFT JOIN (crm_chat_index i JOIN connectors k ON k.id = i.connector_id AND k.active = TRUE)
      ON i.entity_type = $1 AND i.entity_id = $2 AND i.active_modified_at IS NOT NULL
    WHERE u.id = $3";

/// [`CHATS_OF_CRM_RECORD_ANY`] without the connectors: the SQLite reader joins them in
/// memory from [`ACTIVE_CONNECTORS`], which it remembers until the next write (see
/// `sqlite_reader`), so a call reads one key range and nothing else.
pub(super) const CHAT_INDEX_RANGE_ANY: &str = "
    SELECT chat_id, connector_id, any_modified_at, any_session_id FROM crm_chat_index
    WHERE entity_type = $1 AND entity_id = $2";

/// [`CHAT_INDEX_RANGE_ANY`] over active sessions only.
pub(super) const CHAT_INDEX_RANGE_ACTIVE: &str = "
    SELECT chat_id, connector_id, active_modified_at, active_session_id FROM crm_chat_index
    WHERE entity_type = $1 AND entity_id = $2 AND active_modified_at IS NOT NULL";

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
            // left out, the others share their connector's strings.
            let chats = reader.fetch_filtered(range, &[&entity_type, &entity_id], |row| {
                let chat_id: i64 = row.get(0)?;
                // Compared as bytes: no UTF-8 check, no copy.
                let connector_id = row.get_ref(1)?.as_bytes().unwrap_or_default();
                let Some((id, title)) = connectors
                    .iter()
                    .find(|(id, _)| id.as_bytes() == connector_id)
                else {
                    return Ok(None);
                };
                let key = (row.get(2)?, row.get(3)?);
                let chat = CrmChatRow {
                    chat_id,
                    connector_id: Arc::clone(id),
                    connector_title: Arc::clone(title),
                };
                Ok(Some((key, chat)))
            })?;
            return Ok(in_answer_order(chats));
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
        let rows: Vec<(i64, String, String, i64, i64)> = query(sql)
            .bind(entity_type)
            .bind(entity_id)
            .fetch_all(self.db())
            .await?;
        let keyed = rows
            .into_iter()
            .map(
                |(chat_id, connector_id, connector_title, modified, session)| {
                    let chat = CrmChatRow {
                        chat_id,
                        connector_id: connector_id.into(),
                        connector_title: connector_title.into(),
                    };
                    ((modified, session), chat)
                },
            )
            .collect();
        Ok(in_answer_order(keyed))
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

/// The order of chat.get's answer: the chat whose bound session changed last first, ties
/// broken by the newer session. A session belongs to one chat, so no two chats of a record
/// share a key and the order is total.
type AnswerKey = (i64, i64);

/// A record's chats sorted into answer order, the key dropped. A record has a handful of
/// chats (a busy lead some thousands), fewer than an index per order would be worth.
fn in_answer_order(mut keyed: Vec<(AnswerKey, CrmChatRow)>) -> Vec<CrmChatRow> {
    keyed.sort_unstable_by(|(a, _), (b, _)| b.cmp(a));
    keyed.into_iter().map(|(_, chat)| chat).collect()
}

/// The chats of PostgreSQL rows whose columns from `first` on are the chat's id, connector id,
/// connector title and the two parts of its [`AnswerKey`], in answer order. A confirming
/// statement's one row for a record without chats has NULL there, and is left out.
fn chats_of_rows(
    rows: &[tokio_postgres::Row],
    first: usize,
) -> Result<Vec<CrmChatRow>, StoreError> {
    let mut keyed = Vec::with_capacity(rows.len());
    let mut known = KNOWN_CONNECTORS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for row in rows {
        let (Some(chat_id), Some(id), Some(title), Some(modified), Some(session)) = (
            row.try_get::<_, Option<i64>>(first)?,
            row.try_get::<_, Option<&str>>(first + 1)?,
            row.try_get::<_, Option<&str>>(first + 2)?,
            row.try_get::<_, Option<i64>>(first + 3)?,
            row.try_get::<_, Option<i64>>(first + 4)?,
        ) else {
            continue;
        };
        let (connector_id, connector_title) = shared_connector(&mut known, id, title);
        let chat = CrmChatRow {
            chat_id,
            connector_id,
            connector_title,
        };
        keyed.push(((modified, session), chat));
    }
    drop(known);
    Ok(in_answer_order(keyed))
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
