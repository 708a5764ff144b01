//! The admin endpoint, `/_openlines/admin/…`: fault switches, token expiry, the call journal.
//!
//! Authenticated only by the admin token (`--admin-token`), as `Authorization: Bearer`,
//! compared in constant time; webhook codes and OAuth tokens never open it. Without an admin
//! token configured the endpoint does not exist (404). The token is checked before anything
//! else, the body included (a stranger learns nothing and costs no body read), and every
//! answer, errors included, is JSON.
//!
//! - `GET /_openlines/admin/faults` → `{"faults":[…]}`
//! - `POST /_openlines/admin/faults` `{"kind":…, …, "webhook"?: code, "token"?: access token}` → `{"id":N}`
//! - `DELETE /_openlines/admin/faults` → `{"removed":N}`; `DELETE …/faults/{id}` → `{"removed":1}`
//! - `POST /_openlines/admin/tokens/expire` `{"access_token": …}` → `{"expired":true}`
//! - `GET /_openlines/admin/journal?limit=N` → `{"entries":[…]}`
//! - `GET /_openlines/admin/events`, `POST …/events/flush`: see [`super::admin_events`].

use super::respond;
use super::route::Format;
use crate::domain::credentials::SecretHash;
use crate::faults::{FaultKind, FaultScope};
use crate::rpc::ApiError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use openlines_wire::ErrorCode;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Value};

/// The admin routes (merged under the main router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/_openlines/admin/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_openlines/admin/faults/{id}", delete(remove_fault))
        .route("/_openlines/admin/tokens/expire", post(expire_token))
        .route("/_openlines/admin/journal", get(journal))
        .merge(super::admin_events::routes())
        .method_not_allowed_fallback(wrong_verb)
}

/// A known admin path with a verb it does not serve: still the token first, then a JSON 405.
async fn wrong_verb(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    refuse(
        &ApiError::with_description(
            ErrorCode::InvalidRequest,
            "This admin path does not accept that HTTP method",
        )
        .with_status(405),
    )
}

/// The authorized request's body parsed as JSON `T`; a body over the limit, not UTF-8 or not
/// the expected shape is a JSON error.
async fn json_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    body: Body,
    shape: &str,
) -> Result<T, ApiError> {
    let limit = state.settings().max_body_bytes;
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        ApiError::with_description(
            ErrorCode::InvalidRequest,
            format!("Request body is larger than {limit} bytes"),
        )
        .with_status(413)
    })?;
    serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::with_description(
            ErrorCode::ErrorArgument,
            format!("Invalid {shape}: {error}"),
        )
    })
}

pub(super) fn ok(body: &Value) -> Response {
    respond::write(StatusCode::OK, body, Format::Json)
}

pub(super) fn refuse(error: &ApiError) -> Response {
    respond::error(error, Format::Json)
}

/// `Err` unless the request carries the admin token.
pub(super) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &state.settings().admin_token else {
        return Err(ApiError::new(ErrorCode::MethodNotFound));
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(super::credentials::bearer_token)
        .unwrap_or("");
    let matches = SecretHash::of(expected)
        .matches(&SecretHash::of(&SecretString::from(presented.to_owned())));
    if matches && !presented.is_empty() {
        Ok(())
    } else {
        Err(ApiError::with_description(
            ErrorCode::InvalidCredentials,
            "The admin endpoint needs the admin token (Authorization: Bearer …)",
        ))
    }
}

async fn list_faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    ok(&json!({"faults": state.faults().list()}))
}

/// A fault as posted: the kind's fields plus an optional webhook code or access token.
#[derive(Debug, Deserialize)]
pub struct NewFault {
    #[serde(flatten)]
    kind: FaultKind,
    webhook: Option<String>,
    token: Option<String>,
}

impl NewFault {
    /// The fault and whom it applies to (secrets hashed).
    pub fn into_parts(self) -> (FaultKind, FaultScope) {
        let hash = |secret: String| {
            SecretHash::of(&SecretString::from(secret))
                .as_str()
                .to_owned()
        };
        let scope = match (self.webhook, self.token) {
            (Some(code), _) => FaultScope::Webhook(hash(code)),
            (None, Some(token)) => FaultScope::Token(hash(token)),
            (None, None) => FaultScope::Global,
        };
        (self.kind, scope)
    }
}

async fn add_fault(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(denied) = authorize(&state, request.headers()) {
        return refuse(&denied);
    }
    let fault: NewFault = match json_body(&state, request.into_body(), "fault").await {
        Ok(fault) => fault,
        Err(error) => return refuse(&error),
    };
    let (kind, scope) = fault.into_parts();
    let id = state.faults().add(kind, scope);
    ok(&json!({"id": id}))
}

async fn clear_faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    ok(&json!({"removed": state.faults().clear()}))
}

async fn remove_fault(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(denied) = authorize(&state, request.headers()) {
        return refuse(&denied);
    }
    // The last path segment, read by hand: a `Path` extractor would reject a malformed one in
    // plain text before the token was checked.
    let id = request.uri().path().rsplit('/').next().unwrap_or("");
    if id.parse().is_ok_and(|id| state.faults().remove(id)) {
        ok(&json!({"removed": 1}))
    } else {
        refuse(
            &ApiError::with_description(ErrorCode::ErrorArgument, format!("No fault {id}"))
                .with_status(404),
        )
    }
}

#[derive(Debug, Deserialize)]
struct ExpireToken {
    access_token: String,
}

async fn expire_token(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(denied) = authorize(&state, request.headers()) {
        return refuse(&denied);
    }
    let request: ExpireToken = match json_body(&state, request.into_body(), "request").await {
        Ok(request) => request,
        Err(error) if error.status() == 413 => return refuse(&error),
        Err(_) => return refuse(&ApiError::argument_empty("access_token")),
    };
    let hash = SecretHash::of(&SecretString::from(request.access_token));
    match state
        .store()
        .expire_token(hash.as_str(), state.clock().now_secs())
        .await
    {
        Ok(true) => ok(&json!({"expired": true})),
        Ok(false) => refuse(
            &ApiError::with_description(ErrorCode::InvalidToken, "No such access token")
                .with_status(404),
        ),
        Err(error) => refuse(&ApiError::from(error)),
    }
}

async fn journal(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(denied) = authorize(&state, request.headers()) {
        return refuse(&denied);
    }
    // Read by hand: a malformed query string must not become a plain-text rejection.
    let limit = form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .find(|(name, _)| name == "limit")
        .and_then(|(_, limit)| limit.parse().ok())
        .unwrap_or(50);
    ok(&json!({"entries": state.journal().last(limit)}))
}
