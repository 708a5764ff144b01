//! The console's journal and steering endpoints (JSON, under `/_openlines/console/api/`).
//!
//! - `GET session` → `{"csrf":…}`: the page's CSRF token
//! - `GET journal?before=ID&limit=N` → `{"entries":[…]}`, newest first; `GET journal/{id}`
//! - `GET journal/stream?since=ID`: see [`super::live`]
//! - `GET faults`; `POST faults` (a fault as the admin endpoint takes it, its scope as
//!   `"scope":{"webhook":HASH}` / `{"token":HASH}`, the hashes the data pages list);
//!   `POST faults/{id}/delete`; `POST faults/clear`
//! - `POST reset`: the data back to what was loaded at start
//! - `POST webhooks/new` `{"user_id":N,"scopes":"imopenlines,crm"}` → `{"id":N,"url":…}`, the only
//!   time the code is shown; `POST webhooks/{id}/revoke`
//! - `POST tokens/expire` `{"token":HASH}` → `{"expired":true}`: the token expires now (its
//!   next call gets `401 expired_token`), by the hash the tokens page lists

use super::{json, refuse, signed, signed_change};
use crate::domain::credentials::{generate_webhook_code, SecretHash};
use crate::domain::scope::{format_scope_list, parse_scope_list};
use crate::faults::{FaultKind, FaultScope};
use crate::rpc::ApiError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openlines_wire::ErrorCode;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;

/// Most journal entries one page holds.
const MAX_PAGE: usize = 500;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_openlines/console/api/session", get(session))
        .route("/_openlines/console/api/journal", get(journal))
        .route(
            "/_openlines/console/api/journal/stream",
            get(super::live::stream),
        )
        .route("/_openlines/console/api/journal/{id}", get(journal_entry))
        .route(
            "/_openlines/console/api/faults",
            get(faults).post(add_fault),
        )
        .route("/_openlines/console/api/faults/clear", post(clear_faults))
        .route(
            "/_openlines/console/api/faults/{id}/delete",
            post(remove_fault),
        )
        .route("/_openlines/console/api/reset", post(reset))
        .route("/_openlines/console/api/webhooks/new", post(add_webhook))
        .route(
            "/_openlines/console/api/webhooks/{id}/revoke",
            post(revoke_webhook),
        )
        .route("/_openlines/console/api/tokens/expire", post(expire_token))
}

/// A query parameter as a number, `None` when absent or not one.
pub(super) fn query_number<T: std::str::FromStr>(
    request_query: Option<&str>,
    name: &str,
) -> Option<T> {
    form_urlencoded::parse(request_query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == name)
        .and_then(|(_, value)| value.parse().ok())
}

/// The request's JSON body as `T`, or the error answer.
async fn json_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    body: Body,
) -> Result<T, Response> {
    let limit = state.settings().max_body_bytes;
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        refuse(
            &ApiError::with_description(ErrorCode::InvalidRequest, "The body is too large")
                .with_status(413),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|error| {
        refuse(&ApiError::with_description(
            ErrorCode::ErrorArgument,
            format!("Invalid request: {error}"),
        ))
    })
}

async fn session(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed(&state, &headers) {
        Ok(signed) => json(&json!({"csrf": signed.csrf})),
        Err(refused) => refused.into_response(),
    }
}

async fn journal(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let query = request.uri().query();
    let before = query_number(query, "before");
    let limit = query_number(query, "limit").unwrap_or(100).min(MAX_PAGE);
    json(&json!({"entries": state.journal().page(before, limit)}))
}

async fn journal_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = signed(&state, &headers) {
        return refused.into_response();
    }
    match id.parse().ok().and_then(|id| state.journal().get(id)) {
        Some(entry) => json(&json!({"entry": entry})),
        None => refuse(
            &ApiError::with_description(
                ErrorCode::ErrorArgument,
                "No such call in the journal (it keeps the last --journal-size calls)",
            )
            .with_status(404),
        ),
    }
}

async fn faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = signed(&state, &headers) {
        return refused.into_response();
    }
    json(&json!({"faults": state.faults().list()}))
}

/// A fault as the console posts it: whom it applies to by the credential's hash.
#[derive(Debug, Deserialize)]
struct ConsoleFault {
    #[serde(flatten)]
    kind: FaultKind,
    #[serde(default)]
    scope: FaultScope,
}

async fn add_fault(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed_change(&state, request.headers()) {
        return refused.into_response();
    }
    let fault: ConsoleFault = match json_body(&state, request.into_body()).await {
        Ok(fault) => fault,
        Err(refused) => return refused.into_response(),
    };
    let id = state.faults().add(fault.kind, fault.scope);
    json(&json!({"id": id}))
}

async fn clear_faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = signed_change(&state, &headers) {
        return refused.into_response();
    }
    json(&json!({"removed": state.faults().clear()}))
}

async fn remove_fault(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = signed_change(&state, &headers) {
        return refused.into_response();
    }
    if id.parse().is_ok_and(|id| state.faults().remove(id)) {
        json(&json!({"removed": 1}))
    } else {
        refuse(
            &ApiError::with_description(ErrorCode::ErrorArgument, "No such fault").with_status(404),
        )
    }
}

async fn reset(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = signed_change(&state, &headers) {
        return refused.into_response();
    }
    let Some(start) = state.snapshots().start() else {
        return refuse(
            &ApiError::with_description(
                ErrorCode::ErrorArgument,
                "This server loaded no data at start, so there is nothing to reset to",
            )
            .with_status(409),
        );
    };
    match state.store().restore_snapshot(&start).await {
        Ok(()) => {
            tracing::info!("data reset to the start state from the console");
            json(&json!({"restored": "start", "tables": start.table_count()}))
        }
        Err(error) => {
            tracing::error!(error.cause = %error, "reset from the console failed; the data is as it was");
            refuse(&ApiError::from(error))
        }
    }
}

#[derive(Debug, Deserialize)]
struct NewWebhook {
    user_id: i64,
    scopes: String,
}

async fn add_webhook(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed_change(&state, request.headers()) {
        return refused.into_response();
    }
    let (parts, body) = request.into_parts();
    let new: NewWebhook = match json_body(&state, body).await {
        Ok(new) => new,
        Err(refused) => return refused.into_response(),
    };
    let scopes = match parse_scope_list(&new.scopes) {
        Ok(scopes) if !scopes.is_empty() => scopes,
        _ => {
            return refuse(&ApiError::with_description(
                ErrorCode::ErrorArgument,
                "scopes: give one or more known scopes, such as imopenlines,crm",
            ))
        }
    };
    let store = state.store();
    match store.user(new.user_id).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return refuse(&ApiError::with_description(
                ErrorCode::ErrorArgument,
                format!("There is no user {}", new.user_id),
            ))
        }
        Err(error) => return refuse(&ApiError::from(error)),
    }
    let code = generate_webhook_code();
    let hash = SecretHash::of(&code);
    let scopes = format_scope_list(&scopes);
    let now = state.clock().now_secs();
    match store
        .add_webhook(new.user_id, hash.as_str(), &scopes, None, now)
        .await
    {
        Ok(id) => {
            let scheme = if crate::http::rest::is_https(&parts) {
                "https"
            } else {
                "http"
            };
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("localhost");
            let url = format!(
                "{scheme}://{host}/rest/{}/{}/",
                new.user_id,
                code.expose_secret()
            );
            json(&json!({"id": id, "url": url}))
        }
        Err(error) => refuse(&ApiError::from(error)),
    }
}

async fn revoke_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = signed_change(&state, &headers) {
        return refused.into_response();
    }
    let Ok(id) = id.parse() else {
        return refuse(&ApiError::argument_type("id"));
    };
    match state.store().revoke_webhook(id).await {
        Ok(true) => json(&json!({"revoked": id})),
        Ok(false) => refuse(
            &ApiError::with_description(ErrorCode::ErrorArgument, "No such webhook")
                .with_status(404),
        ),
        Err(error) => refuse(&ApiError::from(error)),
    }
}

#[derive(Debug, Deserialize)]
struct ExpireToken {
    /// The token's SHA-256, as the tokens page lists it.
    token: String,
}

async fn expire_token(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed_change(&state, request.headers()) {
        return refused.into_response();
    }
    let expire: ExpireToken = match json_body(&state, request.into_body()).await {
        Ok(expire) => expire,
        Err(refused) => return refused.into_response(),
    };
    match state
        .store()
        .expire_token(&expire.token, state.clock().now_secs())
        .await
    {
        Ok(true) => json(&json!({"expired": true})),
        Ok(false) => refuse(
            &ApiError::with_description(ErrorCode::InvalidToken, "No such access token")
                .with_status(404),
        ),
        Err(error) => refuse(&ApiError::from(error)),
    }
}
