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
        let sql = match filter {
            SessionFilter::ActiveOnly => CHATS_OF_CRM_RECORD_ACTIVE,
            SessionFilter::All => CHATS_OF_CRM_RECORD_ANY,
        };
        let entity_type = record.entity_type.as_str();
        let entity_id = record.id.get();
        if let Some(reader) = self.sqlite_reader() {
            let rows: Vec<(i64, String, String)> =
                reader.fetch_all(sql, &[&entity_type, &entity_id])?;
            return Ok(rows
                .into_iter()
                .map(|(chat_id, connector_id, connector_title)| CrmChatRow {
                    chat_id,
                    connector_id,
                    connector_title,
                })
                .collect());
        }
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
