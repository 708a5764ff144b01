//! What authentication reads: users, webhooks, OAuth tokens.

use super::{with_pool, Store, StoreError};
use crate::domain::user::User;

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
/// The user's live webhooks, each with the user (one round trip for the whole webhook check).
pub(super) const LIVE_WEBHOOKS_WITH_USER: &str =
    "SELECT w.id, w.user_id, w.code_sha256, w.scopes, w.expires_at, w.revoked, w.created_at,
            u.name, u.last_name, u.is_admin, u.active, u.department_id
     FROM webhooks w JOIN users u ON u.id = w.user_id
     WHERE w.user_id = $1 AND w.revoked = FALSE ORDER BY w.id";
/// The token with its user, if the user exists (one round trip for the whole token check).
pub(super) const TOKEN_WITH_USER: &str =
    "SELECT t.access_sha256, t.user_id, t.scopes, t.expires_at, t.client_id,
            u.id, u.name, u.last_name, u.is_admin, u.active, u.department_id
     FROM oauth_tokens t LEFT JOIN users u ON u.id = t.user_id
     WHERE t.access_sha256 = $1";

/// A row of [`USER_BY_ID`].
type UserFields = (i64, String, String, bool, bool, Option<i64>);

/// A row of [`LIVE_WEBHOOKS_WITH_USER`].
type WebhookUser = (
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
        let row: Option<UserFields> = with_pool!(self.backend(), pool => sqlx::query_as(USER_BY_ID)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
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
        match self.sqlite_reader() {
            Some(reader) => Ok(pick(
                &reader.fetch_all_memo(LIVE_WEBHOOKS_WITH_USER, &[&user_id])?,
            )),
            None => {
                let rows: Vec<WebhookUser> = with_pool!(self.backend(), pool => sqlx::query_as(LIVE_WEBHOOKS_WITH_USER)
                    .bind(user_id)
                    .fetch_all(pool)
                    .await)?;
                Ok(pick(&rows))
            }
        }
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
            None => with_pool!(self.backend(), pool => sqlx::query_as(TOKEN_WITH_USER)
                .bind(access_sha256)
                .fetch_optional(pool)
                .await)?,
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
