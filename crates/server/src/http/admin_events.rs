//! The admin endpoint's event routes (same admin token as the rest of `/_openlines/admin/`):
//!
//! - `GET /_openlines/admin/events?limit=N` → `{"deliveries":[…]}`: the newest N online
//!   deliveries (default 50), each with its handler, state (`pending`, `delivered`, `failed`,
//!   `unbound`), attempts, the handler's last HTTP status or error, and times.
//! - `POST /_openlines/admin/events/flush?timeout_ms=N` → `{"attempts":…,"pending":…,
//!   "timed_out":…}`: returns once every raised event has been delivered or given up,
//!   retries included, or after N ms (default 30 000), so a test can assert on its handler
//!   without sleeping.

use super::admin::{authorize, ok, refuse};
use crate::rpc::ApiError;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// The longest a flush waits unless told otherwise.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a flush may be told to wait (the request itself must end).
const FLUSH_TIMEOUT_MAX: Duration = Duration::from_secs(300);

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_openlines/admin/events", get(deliveries))
        .route("/_openlines/admin/events/flush", post(flush))
}

async fn deliveries(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let limit = query
        .get("limit")
        .and_then(|limit| limit.parse::<i64>().ok())
        .filter(|limit| *limit > 0)
        .unwrap_or(50);
    match state.store().recent_deliveries(limit).await {
        Ok(rows) => ok(&json!({"deliveries": rows})),
        Err(error) => refuse(&ApiError::from(error)),
    }
}

async fn flush(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let timeout = query
        .get("timeout_ms")
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(FLUSH_TIMEOUT, Duration::from_millis)
        .min(FLUSH_TIMEOUT_MAX);
    match crate::events::flush(&state, timeout).await {
        Ok(flushed) => ok(&json!(flushed)),
        Err(error) => refuse(&ApiError::from(error)),
    }
}
