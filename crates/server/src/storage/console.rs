//! What the web console reads: pages of chats, users, credentials, connectors and lines.
//!
//! Every list is one page by key (`WHERE id > $after ORDER BY id LIMIT $n`, an index range),
//! so a page costs the same on the 1 M-chat bench database as on the demo; nothing here counts
//! or scans a whole table. Secrets are never read: webhooks and tokens only by their hash,
//! of which the console shows a prefix.

use super::auth::WebhookRow;
use super::db::query;
use super::sessions::{ChatRow, SessionRow};
use super::{Store, StoreError};

pub(super) const CHATS_PAGE: &str =
    "SELECT id, connector_id, line_id, title, external_chat_id, external_user_id
     FROM chats WHERE id > $1 ORDER BY id LIMIT $2";
pub(super) const SESSIONS_OF_CHAT: &str =
    "SELECT id, chat_id, status, operator_id, created_at, modified_at
     FROM sessions WHERE chat_id = $1 ORDER BY id DESC LIMIT $2";
/// The CRM bindings of a chat's sessions, through the bindings' primary key per session.
pub(super) const BINDINGS_OF_CHAT: &str = "SELECT b.session_id, b.entity_type, b.entity_id
     FROM sessions s JOIN session_crm_bindings b ON b.session_id = s.id
     WHERE s.chat_id = $1 ORDER BY b.session_id DESC, b.entity_type, b.entity_id LIMIT $2";
pub(super) const USERS_PAGE: &str =
    "SELECT u.id, u.name, u.last_name, u.is_admin, u.active, u.department_id,
            d.name AS department_name
     FROM users u LEFT JOIN departments d ON d.id = u.department_id
     WHERE u.id > $1 ORDER BY u.id LIMIT $2";
pub(super) const PERMISSIONS_OF_USERS: &str =
    "SELECT user_id, entity_type, read_level FROM crm_permissions
     WHERE user_id >= $1 AND user_id <= $2 ORDER BY user_id, entity_type";
pub(super) const WEBHOOKS_PAGE: &str =
    "SELECT id, user_id, code_sha256, scopes, expires_at, revoked, created_at
     FROM webhooks WHERE id > $1 ORDER BY id LIMIT $2";
pub(super) const TOKENS_PAGE: &str = "SELECT access_sha256, user_id, scopes, expires_at, client_id
     FROM oauth_tokens WHERE access_sha256 > $1 ORDER BY access_sha256 LIMIT $2";
pub(super) const CONNECTORS_PAGE: &str =
    "SELECT id, title, active FROM connectors WHERE id > $1 ORDER BY id LIMIT $2";
pub(super) const LINES_PAGE: &str =
    "SELECT id, name, active FROM lines WHERE id > $1 ORDER BY id LIMIT $2";

/// A user with the name of their department.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserListRow {
    pub id: i64,
    pub name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub active: bool,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
}

/// An OAuth token without its secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenListRow {
    pub access_sha256: String,
    pub user_id: i64,
    pub scopes: String,
    pub expires_at: i64,
    pub client_id: Option<String>,
}

impl Store {
    /// Up to `limit` chats with ids above `after`.
    pub async fn chats_page(&self, after: i64, limit: i64) -> Result<Vec<ChatRow>, StoreError> {
        query(CHATS_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// A chat's newest `limit` sessions, newest first.
    pub async fn sessions_of_chat(
        &self,
        chat_id: i64,
        limit: i64,
    ) -> Result<Vec<SessionRow>, StoreError> {
        query(SESSIONS_OF_CHAT)
            .bind(chat_id)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// `(session, entity type, entity id)` bindings of a chat's sessions, newest first.
    pub async fn bindings_of_chat(
        &self,
        chat_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        query(BINDINGS_OF_CHAT)
            .bind(chat_id)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// Up to `limit` users with ids above `after`, with their department's name.
    pub async fn users_page(&self, after: i64, limit: i64) -> Result<Vec<UserListRow>, StoreError> {
        query(USERS_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// `(user, entity type, read level)` of the users with ids in `first..=last`.
    pub async fn permissions_of_users(
        &self,
        first: i64,
        last: i64,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        query(PERMISSIONS_OF_USERS)
            .bind(first)
            .bind(last)
            .fetch_all(self.db())
            .await
    }

    /// Up to `limit` webhooks with ids above `after`, revoked ones included.
    pub async fn webhooks_page(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<WebhookRow>, StoreError> {
        query(WEBHOOKS_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// Up to `limit` tokens whose hash sorts after `after`.
    pub async fn tokens_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<TokenListRow>, StoreError> {
        query(TOKENS_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// Up to `limit` connectors `(id, title, active)` with ids after `after`.
    pub async fn connectors_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        query(CONNECTORS_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }

    /// Up to `limit` lines `(id, name, active)` with ids above `after`.
    pub async fn lines_page(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, bool)>, StoreError> {
        query(LINES_PAGE)
            .bind(after)
            .bind(limit)
            .fetch_all(self.db())
            .await
    }
}
