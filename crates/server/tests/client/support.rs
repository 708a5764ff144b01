//! What the client tests share: clients aimed at a test server, an OAuth application with an
//! expired installation token, and exact checks of error answers.

use openlines::domain::credentials::SecretHash;
use openlines::storage::oauth::{AppRow, NewPair};
use openlines::storage::Store;
use openlines_client::{
    ApiError, ChatId, Client, Credentials, CrmChat, Error, ErrorCode, RetryPolicy, Url,
};
use secrecy::SecretString;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::time::Duration;

/// The OAuth application `install_expired_app` registers.
pub const CLIENT_ID: &str = "local.clienttest000000001";
pub const CLIENT_SECRET: &str = "client-test-secret";
/// Its installation's access token (already expired) and refresh token.
pub const OLD_ACCESS: &str = "old-access";
pub const OLD_REFRESH: &str = "old-refresh";

/// `http://<address><hook>/`.
pub fn webhook_url(address: SocketAddr, hook: &str) -> String {
    format!("http://{address}{hook}/")
}

/// A client with default settings for one of the demo webhooks.
pub fn webhook(address: SocketAddr, hook: &str) -> Client {
    Client::webhook(&webhook_url(address, hook)).expect("webhook client")
}

/// A client for a webhook that neither paces nor retries: every call is one request.
pub fn single_shot(address: SocketAddr, hook: &str) -> Client {
    Client::builder(Credentials::webhook(&webhook_url(address, hook)).expect("webhook URL"))
        .no_rate_limit()
        .retry(RetryPolicy::never())
        .build()
        .expect("client")
}

/// `http://<address>/rest/`, the OAuth client endpoint.
pub fn rest_endpoint(address: SocketAddr) -> Url {
    Url::parse(&format!("http://{address}/rest/")).expect("URL")
}

/// `http://<address>/oauth/token/`.
pub fn token_endpoint(address: SocketAddr) -> Url {
    Url::parse(&format!("http://{address}/oauth/token/")).expect("URL")
}

/// OAuth credentials that cannot refresh (no token endpoint).
pub fn token_only(address: SocketAddr, access_token: &str) -> Credentials {
    Credentials::OAuth {
        client_endpoint: rest_endpoint(address),
        access_token: access_token.to_owned(),
        refresh_token: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
        token_endpoint: None,
    }
}

/// OAuth credentials of the application `install_expired_app` registers.
pub fn refreshing(address: SocketAddr, access: &str, refresh: &str, secret: &str) -> Credentials {
    Credentials::OAuth {
        client_endpoint: rest_endpoint(address),
        access_token: access.to_owned(),
        refresh_token: refresh.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: secret.to_owned(),
        token_endpoint: Some(token_endpoint(address)),
    }
}

fn hash(secret: &str) -> String {
    SecretHash::of(&SecretString::from(secret.to_owned()))
        .as_str()
        .to_owned()
}

/// Registers application [`CLIENT_ID`] for user 1 (scopes imopenlines, crm) whose access
/// token [`OLD_ACCESS`] expired a second ago; [`OLD_REFRESH`] is good for an hour.
pub async fn install_expired_app(store: &Store) {
    let now = openlines::clock::Clock::default().now_secs();
    store
        .add_app(
            &AppRow {
                client_id: CLIENT_ID.into(),
                client_secret_sha256: hash(CLIENT_SECRET),
                name: "Client tests".into(),
                scopes: "imopenlines,crm".into(),
            },
            now,
        )
        .await
        .expect("add app");
    store
        .add_pair(&NewPair {
            access_sha256: &hash(OLD_ACCESS),
            refresh_sha256: &hash(OLD_REFRESH),
            user_id: 1,
            scopes: "imopenlines,crm",
            client_id: CLIENT_ID,
            expires_at: now - 1,
            refresh_expires_at: now + 3600,
        })
        .await
        .expect("add pair");
}

/// A row of `imopenlines.crm.chat.get`.
pub fn chat(id: u64, connector: &str, title: &str) -> CrmChat {
    CrmChat {
        chat_id: ChatId(id),
        connector_id: connector.to_owned(),
        connector_title: title.to_owned(),
    }
}

/// The error answer we expect, field by field.
pub fn api_error(code: ErrorCode, status: u16, description: &str) -> ApiError {
    ApiError {
        code,
        description: description.to_owned(),
        status,
        argument: None,
    }
}

/// `ERROR_ARGUMENT` (400) naming `argument`.
pub fn argument_error(description: &str, argument: &str) -> ApiError {
    ApiError {
        argument: Some(argument.to_owned()),
        ..api_error(ErrorCode::ErrorArgument, 400, description)
    }
}

/// The API error of a call that must have failed with one.
#[track_caller]
pub fn api<T: Debug>(outcome: Result<T, Error>) -> ApiError {
    match outcome {
        Err(Error::Api(api)) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A retry policy for tests: `attempts` sends, 20 ms backoff doubling up to 100 ms, and
/// operating-limit waits of 10 ms doubling, at most 50 ms in all.
pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        time_limit_wait: Duration::from_millis(10),
        time_limit_max_wait: Duration::from_millis(50),
    }
}

/// A JSON object literal as call parameters.
#[track_caller]
pub fn object(value: serde_json::Value) -> openlines_client::Params {
    match value {
        serde_json::Value::Object(map) => map,
        other => panic!("parameters must be an object, got {other}"),
    }
}
