//! The admin endpoint, `/_openlines/admin/…`: fault switches, token expiry, the call journal.
//!
//! Authenticated only by the admin token (`--admin-token`), as `Authorization: Bearer`,
//! compared in constant time; webhook codes and OAuth tokens never open it. Without an admin
//! token configured the endpoint does not exist (404).
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
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use openlines_wire::ErrorCode;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

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

async fn add_fault(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let fault: NewFault = match serde_json::from_str(&body) {
        Ok(fault) => fault,
        Err(error) => {
            return refuse(&ApiError::with_description(
                ErrorCode::ErrorArgument,
                format!("Invalid fault: {error}"),
            ));
        }
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

async fn remove_fault(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
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

async fn expire_token(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let Ok(request) = serde_json::from_str::<ExpireToken>(&body) else {
        return refuse(&ApiError::argument_empty("access_token"));
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

async fn journal(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let limit = query
        .get("limit")
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(50);
    ok(&json!({"entries": state.journal().last(limit)}))
}
