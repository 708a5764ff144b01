//! The lookup behind `imopenlines.crm.chat.get`: chats bound to a CRM record.

use super::{with_pool, Store, StoreError};
use crate::domain::crm::CrmRef;
use crate::domain::session::SessionFilter;

/// One chat of a CRM record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CrmChatRow {
    pub chat_id: i64,
    pub connector_id: String,
    pub connector_title: String,
}

/// The chats of a record with any session status, the chat whose bound session changed
/// last first (ties: the newer session first); chats of disabled connectors are left out
/// (spec §7.1). One range of the `crm_chat_index_any` index, already in answer order.
pub(super) const CHATS_OF_CRM_RECORD_ANY: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND k.active = TRUE
    ORDER BY i.any_modified_at DESC, i.any_session_id DESC";

/// [`CHATS_OF_CRM_RECORD_ANY`] over active sessions only (`crm_chat_index_active`).
pub(super) const CHATS_OF_CRM_RECORD_ACTIVE: &str = "
    SELECT i.chat_id, i.connector_id, k.title AS connector_title
    FROM crm_chat_index i JOIN connectors k ON k.id = i.connector_id
    WHERE i.entity_type = $1 AND i.entity_id = $2 AND i.active_modified_at IS NOT NULL
      AND k.active = TRUE
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
            let connectors = reader.fetch_all_memo::<(String, String)>(ACTIVE_CONNECTORS, &[])?;
            let rows: Vec<(i64, String)> = reader.fetch_all(range, &[&entity_type, &entity_id])?;
            // The join of the query below, in memory: chats of switched-off connectors are
            // left out, the others get their connector's title; the index order is kept.
            return Ok(rows
                .into_iter()
                .filter_map(|(chat_id, connector_id)| {
                    let (_, title) = connectors.iter().find(|(id, _)| *id == connector_id)?;
                    Some(CrmChatRow {
                        chat_id,
                        connector_title: title.clone(),
                        connector_id,
                    })
                })
                .collect());
        }
        let sql = match filter {
            SessionFilter::ActiveOnly => CHATS_OF_CRM_RECORD_ACTIVE,
            SessionFilter::All => CHATS_OF_CRM_RECORD_ANY,
        };
        let rows = with_pool!(self.backend(), pool => sqlx::query_as::<_, CrmChatRow>(sql)
            .bind(entity_type)
            .bind(entity_id)
            .fetch_all(pool)
            .await)?;
        Ok(rows)
    }
}

impl Store {
    /// Every active connector, `(id, title)`, ordered by id.
    pub async fn active_connectors(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = with_pool!(self.backend(), pool => sqlx::query_as(ACTIVE_CONNECTORS)
        .fetch_all(pool)
        .await)?;
        Ok(rows)
    }
}
