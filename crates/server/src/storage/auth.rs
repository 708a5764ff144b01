//! What authentication reads: users, webhooks, OAuth tokens.

use super::caller_cache::Kept;
use super::db::query;
use super::pg_hot::HotStatement;
use super::{Store, StoreError};
use crate::domain::user::User;
use std::sync::Arc;

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
/// The user's live webhooks, each with the user (one round trip for the whole webhook check),
/// and the user's `auth_version`: PostgreSQL's caller cache keeps the rows with it
/// (`super::caller_cache`); SQLite reads the column and ignores it.
pub(super) const LIVE_WEBHOOKS_WITH_USER: &str =
    "SELECT w.id, w.user_id, w.code_sha256, w.scopes, w.expires_at, w.revoked, w.created_at,
            u.name, u.last_name, u.is_admin, u.active, u.department_id, u.auth_version
     FROM webhooks w JOIN users u ON u.id = w.user_id
     WHERE w.user_id = $1 AND w.revoked = FALSE ORDER BY w.id";
/// A user's `auth_version` (PostgreSQL), to confirm kept rows when no other statement did.
pub(super) const AUTH_VERSION_PG: &str = "SELECT auth_version FROM users WHERE id = $1";
/// The token with its user, if the user exists (one round trip for the whole token check).
pub(super) const TOKEN_WITH_USER: &str =
    "SELECT t.access_sha256, t.user_id, t.scopes, t.expires_at, t.client_id,
            u.id, u.name, u.last_name, u.is_admin, u.active, u.department_id
     FROM oauth_tokens t LEFT JOIN users u ON u.id = t.user_id
     WHERE t.access_sha256 = $1";

/// A row of [`USER_BY_ID`].
type UserFields = (i64, String, String, bool, bool, Option<i64>);

/// A row of [`LIVE_WEBHOOKS_WITH_USER`] (what the caller cache keeps).
pub(super) type WebhookUser = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    bool,
    i64,
    String,
    String,
    bool,
    bool,
    Option<i64>,
    i64,
);

/// A row of [`TOKEN_WITH_USER`].
type TokenUser = (
    String,
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<bool>,
    Option<i64>,
);

impl Store {
    /// The user with this id.
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row: Option<UserFields> = query(USER_BY_ID).bind(id).fetch_optional(self.db()).await?;
        Ok(row.map(user_from))
    }

    /// The user's live (not revoked) webhook whose stored code hash `matches`, with the user;
    /// `None` when no webhook matches or the user does not exist.
    ///
    /// `matches` is asked about every live webhook of the user, matched or not, so that the
    /// time taken does not tell which one matched (the caller compares in constant time).
    /// Only the match is copied out of the rows.
    pub async fn live_webhook_matching(
        &self,
        user_id: i64,
        matches: impl Fn(&str) -> bool,
    ) -> Result<Option<(WebhookRow, User)>, StoreError> {
        let pick = |rows: &[WebhookUser]| {
            rows.iter()
                .fold(
                    None,
                    |found, row| if matches(&row.2) { Some(row) } else { found },
                )
                .map(webhook_and_user)
        };
        if let Some(reader) = self.sqlite_reader() {
            return Ok(pick(
                &reader.fetch_all_memo(LIVE_WEBHOOKS_WITH_USER, &[&user_id])?,
            ));
        }
        let Some(callers) = self.callers() else {
            let rows: Vec<WebhookUser> = query(LIVE_WEBHOOKS_WITH_USER)
                .bind(user_id)
                .fetch_all(self.db())
                .await?;
            return Ok(pick(&rows));
        };
        if let Some(kept) = callers.take_for_request(user_id) {
            return Ok(pick(&kept));
        }
        let rows = self.live_webhooks_stamped(user_id).await?;
        Ok(pick(&rows))
    }

    /// The user's live webhooks read afresh on PostgreSQL, kept for the next calls with the
    /// user's `auth_version` (nothing is kept when the user has no live webhook).
    async fn live_webhooks_stamped(&self, user_id: i64) -> Result<Arc<[WebhookUser]>, StoreError> {
        let Some(hot) = self.pg_hot() else {
            return Ok(Arc::from(Vec::new()));
        };
        let rows: Vec<WebhookUser> = hot
            .query_as(HotStatement::LiveWebhooks, &[&user_id])
            .await?;
        let version = rows.first().map(|row| row.12);
        let rows: Arc<[WebhookUser]> = rows.into();
        if let (Some(version), Some(callers)) = (version, self.callers()) {
            callers.keep(
                user_id,
                Kept {
                    version,
                    rows: Arc::clone(&rows),
                },
            );
        }
        Ok(rows)
    }

    /// The user's `auth_version` now (PostgreSQL); `None` when the user is gone.
    pub(super) async fn auth_version(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
        let Some(hot) = self.pg_hot() else {
            return Ok(None);
        };
        let rows: Vec<(i64,)> = hot.query_as(HotStatement::AuthVersion, &[&user_id]).await?;
        Ok(rows.first().map(|(version,)| *version))
    }

    /// The token whose access-token hash is `access_sha256`, with its user (`None` when the
    /// user does not exist).
    pub async fn token_with_user(
        &self,
        access_sha256: &str,
    ) -> Result<Option<(TokenRow, Option<User>)>, StoreError> {
        let row: Option<TokenUser> = match self.sqlite_reader() {
            Some(reader) => reader
                .fetch_all_memo(TOKEN_WITH_USER, &[&access_sha256])?
                .first()
                .cloned(),
            None => {
                query(TOKEN_WITH_USER)
                    .bind(access_sha256)
                    .fetch_optional(self.db())
                    .await?
            }
        };
        Ok(row.map(
            |(
                access_sha256,
                user_id,
                scopes,
                expires_at,
                client_id,
                id,
                name,
                last_name,
                is_admin,
                active,
                department_id,
            )| {
                let token = TokenRow {
                    access_sha256,
                    user_id,
                    scopes,
                    expires_at,
                    client_id,
                };
                let user = match (id, name, last_name, is_admin, active) {
                    (Some(id), Some(name), Some(last_name), Some(is_admin), Some(active)) => Some(
                        user_from((id, name, last_name, is_admin, active, department_id)),
                    ),
                    _ => None,
                };
                (token, user)
            },
        ))
    }
}

/// A row of [`LIVE_WEBHOOKS_WITH_USER`] as its two records.
fn webhook_and_user(row: &WebhookUser) -> (WebhookRow, User) {
    let (
        id,
        user_id,
        code_sha256,
        scopes,
        expires_at,
        revoked,
        created_at,
        name,
        last_name,
        is_admin,
        active,
        department_id,
        _auth_version,
    ) = row.clone();
    let hook = WebhookRow {
        id,
        user_id,
        code_sha256,
        scopes,
        expires_at,
        revoked,
        created_at,
    };
    let user = user_from((user_id, name, last_name, is_admin, active, department_id));
    (hook, user)
}

/// The user of a row's user columns (every statement here reads them in this order).
fn user_from((id, name, last_name, is_admin, active, department_id): UserFields) -> User {
    User {
        id,
        name,
        last_name,
        is_admin,
        active,
        department_id,
    }
}
