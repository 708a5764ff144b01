//! OAuth applications, authorization codes, and the refresh grant's token rotation.

use super::db::query;
use super::{Store, StoreError};

/// A registered application.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppRow {
    pub client_id: String,
    pub client_secret_sha256: String,
    pub name: String,
    pub scopes: String,
}

/// A new access/refresh pair to store.
#[derive(Debug, Clone)]
pub struct NewPair<'a> {
    pub access_sha256: &'a str,
    pub refresh_sha256: &'a str,
    pub user_id: i64,
    pub scopes: &'a str,
    pub client_id: &'a str,
    pub expires_at: i64,
    pub refresh_expires_at: i64,
}

/// Whom a redeemed code or refresh token belonged to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Grant {
    pub user_id: i64,
    pub scopes: String,
}

pub(super) const INSERT_APP: &str =
    "INSERT INTO oauth_apps (client_id, client_secret_sha256, name, scopes, created_at)
     VALUES ($1, $2, $3, $4, $5)";
pub(super) const APP_BY_CLIENT_ID: &str =
    "SELECT client_id, client_secret_sha256, name, scopes FROM oauth_apps WHERE client_id = $1";
pub(super) const INSERT_CODE: &str =
    "INSERT INTO oauth_codes (code_sha256, client_id, user_id, expires_at) VALUES ($1, $2, $3, $4)";
/// Deletes a valid code and returns its user: a code is redeemed once.
pub(super) const REDEEM_CODE: &str =
    "DELETE FROM oauth_codes WHERE code_sha256 = $1 AND client_id = $2 AND expires_at > $3
     RETURNING user_id";
pub(super) const INSERT_PAIR: &str = "INSERT INTO oauth_tokens (access_sha256, refresh_sha256, user_id, scopes, expires_at, client_id, refresh_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Spends a refresh token (a second use finds nothing) and returns whom it belonged to.
pub(super) const SPEND_REFRESH: &str = "UPDATE oauth_tokens SET refresh_sha256 = NULL
     WHERE refresh_sha256 = $1 AND client_id = $2 AND COALESCE(refresh_expires_at, 0) > $3
     RETURNING user_id, scopes";
pub(super) const EXPIRE_TOKEN: &str =
    "UPDATE oauth_tokens SET expires_at = $2 WHERE access_sha256 = $1";

impl Store {
    /// Registers an application.
    pub async fn add_app(&self, app: &AppRow, now: i64) -> Result<(), StoreError> {
        query(INSERT_APP)
            .bind(&app.client_id)
            .bind(&app.client_secret_sha256)
            .bind(&app.name)
            .bind(&app.scopes)
            .bind(now)
            .execute(self.db())
            .await?;
        Ok(())
    }

    /// The application with this client id.
    pub async fn app(&self, client_id: &str) -> Result<Option<AppRow>, StoreError> {
        query(APP_BY_CLIENT_ID)
            .bind(client_id)
            .fetch_optional(self.db())
            .await
    }

    /// Stores an authorization code.
    pub async fn add_code(
        &self,
        code_sha256: &str,
        client_id: &str,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        query(INSERT_CODE)
            .bind(code_sha256)
            .bind(client_id)
            .bind(user_id)
            .bind(expires_at)
            .execute(self.db())
            .await?;
        Ok(())
    }

    /// Redeems a code once: deletes it and returns its user, if it was valid for `client_id`.
    pub async fn redeem_code(
        &self,
        code_sha256: &str,
        client_id: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = query(REDEEM_CODE)
            .bind(code_sha256)
            .bind(client_id)
            .bind(now)
            .fetch_optional(self.db())
            .await?;
        Ok(row.map(|(user,)| user))
    }

    /// Stores a fresh access/refresh pair.
    pub async fn add_pair(&self, pair: &NewPair<'_>) -> Result<(), StoreError> {
        query(INSERT_PAIR)
            .bind(pair.access_sha256)
            .bind(pair.refresh_sha256)
            .bind(pair.user_id)
            .bind(pair.scopes)
            .bind(pair.expires_at)
            .bind(pair.client_id)
            .bind(pair.refresh_expires_at)
            .execute(self.db())
            .await?;
        Ok(())
    }

    /// The refresh grant: spends `old_refresh` (once; a second use finds nothing) and stores
    /// the new pair, in one transaction. `None` when the refresh token is unknown, spent,
    /// expired, or belongs to another application.
    pub async fn rotate(
        &self,
        old_refresh: &str,
        client_id: &str,
        now: i64,
        pair: &NewPairOwned,
    ) -> Result<Option<Grant>, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let grant: Option<Grant> = query(SPEND_REFRESH)
            .bind(old_refresh)
            .bind(client_id)
            .bind(now)
            .fetch_optional(&mut tx)
            .await?;
        let Some(grant) = grant else {
            return Ok(None);
        };
        query(INSERT_PAIR)
            .bind(&pair.access_sha256)
            .bind(&pair.refresh_sha256)
            .bind(grant.user_id)
            .bind(&grant.scopes)
            .bind(pair.expires_at)
            .bind(client_id)
            .bind(pair.refresh_expires_at)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(Some(grant))
    }

    /// Makes an access token expire now (the integrators' "expire this token" switch).
    pub async fn expire_token(&self, access_sha256: &str, now: i64) -> Result<bool, StoreError> {
        let done = query(EXPIRE_TOKEN)
            .bind(access_sha256)
            .bind(now)
            .execute(self.db())
            .await?;
        Ok(done > 0)
    }
}

/// The hashes and expiries of a pair made during rotation.
#[derive(Debug, Clone)]
pub struct NewPairOwned {
    pub access_sha256: String,
    pub refresh_sha256: String,
    pub expires_at: i64,
    pub refresh_expires_at: i64,
}
