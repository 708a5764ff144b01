//! Credential management for the command line: add, list and revoke webhooks; add tokens.

use super::auth::WebhookRow;
use super::db::query;
use super::{Store, StoreError};

/// A new OAuth token to store.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub access_sha256: &'a str,
    pub refresh_sha256: Option<&'a str>,
    pub user_id: i64,
    pub scopes: &'a str,
    pub expires_at: i64,
    pub client_id: Option<&'a str>,
}

pub(super) const INSERT_WEBHOOK: &str =
    "INSERT INTO webhooks (user_id, code_sha256, scopes, expires_at, revoked, created_at)
     VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id";
pub(super) const ALL_WEBHOOKS: &str =
    "SELECT id, user_id, code_sha256, scopes, expires_at, revoked, created_at
     FROM webhooks ORDER BY id";
pub(super) const REVOKE_WEBHOOK: &str = "UPDATE webhooks SET revoked = TRUE WHERE id = $1";
pub(super) const INSERT_TOKEN: &str = "INSERT INTO oauth_tokens (access_sha256, refresh_sha256, user_id, scopes, expires_at, client_id)
     VALUES ($1, $2, $3, $4, $5, $6)";

impl Store {
    /// Stores a webhook and returns its id.
    pub async fn add_webhook(
        &self,
        user_id: i64,
        code_sha256: &str,
        scopes: &str,
        expires_at: Option<i64>,
        now: i64,
    ) -> Result<i64, StoreError> {
        query(INSERT_WEBHOOK)
            .bind(user_id)
            .bind(code_sha256)
            .bind(scopes)
            .bind(expires_at)
            .bind(now)
            .fetch_scalar(self.db())
            .await
    }

    /// Every webhook, revoked ones included.
    pub async fn list_webhooks(&self) -> Result<Vec<WebhookRow>, StoreError> {
        query(ALL_WEBHOOKS).fetch_all(self.db()).await
    }

    /// Revokes a webhook; `false` when there is no such webhook.
    pub async fn revoke_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let done = query(REVOKE_WEBHOOK).bind(id).execute(self.db()).await?;
        Ok(done > 0)
    }

    /// Stores an OAuth token.
    pub async fn add_token(&self, token: &NewToken<'_>) -> Result<(), StoreError> {
        query(INSERT_TOKEN)
            .bind(token.access_sha256)
            .bind(token.refresh_sha256)
            .bind(token.user_id)
            .bind(token.scopes)
            .bind(token.expires_at)
            .bind(token.client_id)
            .execute(self.db())
            .await?;
        Ok(())
    }
}
