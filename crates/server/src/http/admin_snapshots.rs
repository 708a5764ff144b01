//! The admin endpoint's data states: reset to what was loaded at start, and named snapshots.
//! Same admin token as the rest of `/_openlines/admin/` (checked before anything else).
//!
//! - `POST /_openlines/admin/reset` → `{"restored":"start","tables":N}`
//! - `GET /_openlines/admin/snapshots` → `{"snapshots":["name",…]}`
//! - `POST /_openlines/admin/snapshots/{name}` → `{"snapshot":"name","tables":N,"bytes":N}`
//! - `POST /_openlines/admin/snapshots/{name}/restore` → `{"restored":"name","tables":N}`
//! - `DELETE /_openlines/admin/snapshots/{name}` → `{"removed":1}`
//!
//! Only data is restored: fault switches, the journal and the rate-limit buckets keep their
//! state (docs/PROTOCOL.md, "Resets and snapshots").

use super::admin::{authorize, ok, refuse};
use crate::rpc::ApiError;
use crate::state::AppState;
use crate::storage::snapshot::Snapshot;
use crate::storage::StoreError;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlines_wire::ErrorCode;
use serde_json::json;
use std::time::Instant;

/// The routes (merged under the main router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_openlines/admin/reset", post(reset))
        .route("/_openlines/admin/snapshots", get(list))
        .route(
            "/_openlines/admin/snapshots/{name}",
            post(take).delete(remove),
        )
        .route("/_openlines/admin/snapshots/{name}/restore", post(restore))
}

fn no_snapshot(name: &str) -> Response {
    refuse(
        &ApiError::with_description(ErrorCode::ErrorArgument, format!("No snapshot {name:?}"))
            .with_status(404),
    )
}

/// A database failure: logged here (the admin endpoint is its own edge), answered as
/// `ERROR_CORE` without the cause.
fn failed(action: &str, error: StoreError) -> Response {
    tracing::error!(error.cause = %error, "{action} failed; the data is as it was before");
    refuse(&ApiError::from(error))
}

/// Writes `snapshot` back and answers with `name`.
async fn restore_as(state: &AppState, name: &str, snapshot: &Snapshot) -> Response {
    let started = Instant::now();
    match state.store().restore_snapshot(snapshot).await {
        Ok(()) => {
            tracing::info!(
                snapshot = name,
                duration_ms = started.elapsed().as_secs_f64() * 1000.0,
                "data restored"
            );
            ok(&json!({"restored": name, "tables": snapshot.table_count()}))
        }
        Err(error) => failed("restoring the data", error),
    }
}

async fn reset(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    let Some(start) = state.snapshots().start() else {
        return refuse(
            &ApiError::with_description(
                ErrorCode::ErrorArgument,
                "This server loaded no data at start, so there is nothing to reset to: start \
                 it with --demo or --fixture, or take a snapshot (POST \
                 /_openlines/admin/snapshots/NAME) and restore that",
            )
            .with_status(409),
        );
    };
    restore_as(&state, "start", &start).await
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    ok(&json!({"snapshots": state.snapshots().names()}))
}

async fn take(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    if let Err(error) = crate::snapshots::check_name(&name) {
        return refuse(&ApiError::with_description(
            ErrorCode::ErrorArgument,
            error.to_string(),
        ));
    }
    let snapshot = match state.store().take_snapshot().await {
        Ok(snapshot) => snapshot,
        Err(error) => return failed("taking a snapshot", error),
    };
    let (tables, bytes) = (snapshot.table_count(), snapshot.size_bytes());
    match state.snapshots().put(&name, snapshot) {
        Ok(()) => ok(&json!({"snapshot": name, "tables": tables, "bytes": bytes})),
        Err(error) => refuse(&ApiError::with_description(
            ErrorCode::ErrorArgument,
            error.to_string(),
        )),
    }
}

async fn restore(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    match state.snapshots().get(&name) {
        Some(snapshot) => restore_as(&state, &name, &snapshot).await,
        None => no_snapshot(&name),
    }
}

async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(denied) = authorize(&state, &headers) {
        return refuse(&denied);
    }
    if state.snapshots().remove(&name) {
        ok(&json!({"removed": 1}))
    } else {
        no_snapshot(&name)
    }
}
