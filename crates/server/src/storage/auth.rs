//! What authentication reads: users, webhooks, OAuth tokens.

use super::{with_pool, Store, StoreError};

/// A portal user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub active: bool,
    pub department_id: Option<i64>,
}

/// An incoming webhook (its code only as a hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: i64,
    pub user_id: i64,
    pub code_sha256: String,
    pub scopes: String,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub created_at: i64,
}

/// An OAuth access token (as a hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub access_sha256: String,
    pub user_id: i64,
    pub scopes: String,
    pub expires_at: i64,
    pub client_id: Option<String>,
}

pub(super) const USER_BY_ID: &str =
    "SELECT id, name, last_name, is_admin, active, department_id FROM users WHERE id = $1";
pub(super) const LIVE_WEBHOOKS_OF_USER: &str =
    "SELECT id, user_id, code_sha256, scopes, expires_at, revoked, created_at
     FROM webhooks WHERE user_id = $1 AND revoked = FALSE ORDER BY id";
pub(super) const TOKEN_BY_ACCESS_HASH: &str =
    "SELECT access_sha256, user_id, scopes, expires_at, client_id
     FROM oauth_tokens WHERE access_sha256 = $1";

impl Store {
    /// The user with this id.
    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let row = with_pool!(self.backend(), pool => sqlx::query_as::<_, UserRow>(USER_BY_ID)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row)
    }

    /// The webhooks of one user that are not revoked; the caller compares code hashes in
    /// constant time.
    pub async fn live_webhooks_of(&self, user_id: i64) -> Result<Vec<WebhookRow>, StoreError> {
        let rows = with_pool!(self.backend(), pool => sqlx::query_as::<_, WebhookRow>(LIVE_WEBHOOKS_OF_USER)
        .bind(user_id)
        .fetch_all(pool)
        .await)?;
        Ok(rows)
    }

    /// The token whose access-token hash is `access_sha256`.
    pub async fn token(&self, access_sha256: &str) -> Result<Option<TokenRow>, StoreError> {
        let row = with_pool!(self.backend(), pool => sqlx::query_as::<_, TokenRow>(TOKEN_BY_ACCESS_HASH)
        .bind(access_sha256)
        .fetch_optional(pool)
        .await)?;
        Ok(row)
    }
}
