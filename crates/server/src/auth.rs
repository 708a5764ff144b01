//! Authentication: turns a webhook code or an OAuth token into a [`Caller`].
//!
//! Codes and tokens are hashed on arrival and compared with stored hashes in constant time;
//! they never reach a log. The checks and their error codes follow spec §3.2 and §10.

use crate::domain::credentials::SecretHash;
use crate::domain::scope::{parse_scope_list, Scope};
use crate::rpc::{ApiError, AuthKind, Caller};
use crate::storage::Store;
use openlines_wire::ErrorCode;
use secrecy::SecretString;

/// What a request presented.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Nothing recognisable.
    None,
    /// `/rest/{user}/{code}/…` (or `aplogin`/`ap` parameters).
    Webhook { user: String, code: SecretString },
    /// An OAuth access token (`auth`, `access_token`, or `Authorization: Bearer`).
    Token(SecretString),
}

/// Checks `credentials` at Unix time `now`.
pub async fn authenticate(
    store: &Store,
    credentials: Credentials,
    now: i64,
) -> Result<Caller, ApiError> {
    match credentials {
        Credentials::None => Err(ApiError::new(ErrorCode::NoAuthFound)),
        Credentials::Webhook { user, code } => webhook(store, &user, &code, now).await,
        Credentials::Token(token) => oauth(store, &token, now).await,
    }
}

async fn webhook(
    store: &Store,
    user: &str,
    code: &SecretString,
    now: i64,
) -> Result<Caller, ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidCredentials);
    let user_id: i64 = user.parse().map_err(|_| invalid())?;
    let presented = SecretHash::of(code);
    // Every webhook of the user is compared, so timing does not tell which one matched.
    let matched = store
        .live_webhook_matching(user_id, |stored| {
            SecretHash::from_hex(stored).is_some_and(|stored| stored.matches(&presented))
        })
        .await?;
    let (hook, user) = matched.ok_or_else(invalid)?;
    if hook.expires_at.is_some_and(|expires| expires <= now) {
        return Err(invalid());
    }
    if !user.active {
        return Err(ApiError::new(ErrorCode::AuthorizationError));
    }
    Ok(Caller {
        user,
        scopes: scopes_of(&hook.scopes),
        auth: AuthKind::Webhook {
            webhook_id: hook.id,
        },
        credential_hash: presented.as_str().to_owned(),
    })
}

async fn oauth(store: &Store, token: &SecretString, now: i64) -> Result<Caller, ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidToken);
    let presented = SecretHash::of(token);
    let (row, user) = store
        .token_with_user(presented.as_str())
        .await?
        .ok_or_else(invalid)?;
    let stored = SecretHash::from_hex(&row.access_sha256).ok_or_else(invalid)?;
    if !stored.matches(&presented) {
        return Err(invalid());
    }
    if row.expires_at <= now {
        return Err(ApiError::new(ErrorCode::ExpiredToken));
    }
    let user = user.ok_or_else(invalid)?;
    if !user.active {
        return Err(ApiError::new(ErrorCode::AuthorizationError));
    }
    Ok(Caller {
        user,
        scopes: scopes_of(&row.scopes),
        auth: AuthKind::OAuth {
            client_id: row.client_id,
        },
        credential_hash: presented.as_str().to_owned(),
    })
}

thread_local! {
    /// The scope list this thread parsed last, as stored and as parsed.
    static LAST_SCOPES: std::cell::RefCell<(String, Vec<Scope>)> =
        const { std::cell::RefCell::new((String::new(), Vec::new())) };
}

/// The scopes of a stored list; an unreadable list grants none. Calls in a row mostly come
/// with the same credential, so each thread keeps the last list it parsed (parsing cost more
/// than the hash of the credential).
fn scopes_of(stored: &str) -> Vec<Scope> {
    LAST_SCOPES.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != stored || stored.is_empty() {
            *last = (
                stored.to_owned(),
                parse_scope_list(stored).unwrap_or_default(),
            );
        }
        last.1.clone()
    })
}
