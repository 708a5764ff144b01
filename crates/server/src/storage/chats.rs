//! The lookup behind `imopenlines.crm.chat.get`: chats bound to a CRM record.

use super::{with_pool, Store, StoreError};
use crate::domain::crm::CrmRef;
use crate::domain::session::SessionStatus;

/// Which sessions count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFilter {
    /// Only sessions with an active status (10 ≤ s < 50).
    ActiveOnly,
    /// Sessions of every status.
    All,
}

/// One chat of a CRM record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CrmChatRow {
    pub chat_id: i64,
    pub connector_id: String,
    pub connector_title: String,
}

/// One row per (chat, connector), the chat whose qualifying session changed last first
/// (ties: the newer session first); chats of disabled connectors are left out (spec §7.1).
pub(super) const CHATS_OF_CRM_RECORD: &str = "
    SELECT c.id AS chat_id, c.connector_id, k.title AS connector_title
    FROM session_crm_bindings b
    JOIN sessions s ON s.id = b.session_id
    JOIN chats c ON c.id = s.chat_id
    JOIN connectors k ON k.id = c.connector_id
    WHERE b.entity_type = $1 AND b.entity_id = $2
      AND s.status >= $3 AND s.status < $4
      AND k.active = TRUE
    GROUP BY c.id, c.connector_id, k.title
    ORDER BY MAX(s.modified_at) DESC, MAX(s.id) DESC";

pub(super) const ACTIVE_CONNECTORS: &str =
    "SELECT id, title FROM connectors WHERE active = TRUE ORDER BY id";

impl Store {
    /// The chats bound to `record` through their sessions.
    pub async fn chats_of_crm_record(
        &self,
        record: CrmRef,
        filter: SessionFilter,
    ) -> Result<Vec<CrmChatRow>, StoreError> {
        let (from, until) = match filter {
            SessionFilter::ActiveOnly => (SessionStatus::ACTIVE_FROM, SessionStatus::ACTIVE_UNTIL),
            SessionFilter::All => (i64::MIN, i64::MAX),
        };
        let rows = with_pool!(self.backend(), pool => sqlx::query_as::<_, CrmChatRow>(CHATS_OF_CRM_RECORD)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .bind(from)
            .bind(until)
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
