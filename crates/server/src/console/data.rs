//! The console's data endpoints (JSON, under `/_openlines/console/api/`), read-only.
//!
//! - `GET crm/{type}/{id}` → the record and its chats exactly as `imopenlines.crm.chat.get`
//!   answers for it, as `"Y"` (`ACTIVE_ONLY=Y`) and `"N"`; an admin caller's view (the
//!   console is the admin)
//! - `GET chats?after=ID&limit=N` → a page of chats; `GET chats/{id}` → a chat with its newest
//!   sessions (status code and name) and their CRM bindings
//! - `GET users?after=ID`, `GET webhooks?after=ID`, `GET tokens?after=HASH`,
//!   `GET connectors?after=ID`, `GET lines?after=ID` → pages with `next` (the key to ask for
//!   the next page with, `null` at the end)
//!
//! Every page is one key range of an index (see `storage::console`).

use super::api::query_number;
use super::{json, refuse, signed};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::session::SessionFilter;
use crate::methods::imopenlines_crm_chat_get;
use crate::rpc::ApiError;
use crate::state::AppState;
use crate::storage::StoreError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openlines_wire::ErrorCode;
use serde_json::{json, Value};

/// Rows per page unless `limit` says fewer.
const PAGE: i64 = 50;
/// Most rows a page may ask for.
const MAX_PAGE: i64 = 200;
/// Sessions shown with a chat.
const SESSIONS_SHOWN: i64 = 50;
/// How many characters of a credential hash identify it on a page.
const FINGERPRINT: usize = 12;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_openlines/console/api/crm/{kind}/{id}", get(crm_record))
        .route("/_openlines/console/api/chats", get(chats))
        .route("/_openlines/console/api/chats/{id}", get(chat))
        .route("/_openlines/console/api/users", get(users))
        .route("/_openlines/console/api/webhooks", get(webhooks))
        .route("/_openlines/console/api/tokens", get(tokens))
        .route("/_openlines/console/api/connectors", get(connectors))
        .route("/_openlines/console/api/lines", get(lines))
}

/// What a session status code means, in words.
pub(super) fn status_name(code: i64) -> &'static str {
    match code {
        0 => "queued (new)",
        5 => "queued (skipped)",
        10 => "in work (taken)",
        20 => "in work (client waits)",
        25 => "in work (client wrote again)",
        40 => "in work (operator answered)",
        50 => "closing (waits for the client)",
        60 => "closed",
        65 => "closed (spam or forced)",
        69 => "closed (duplicate)",
        75 => "closed silently",
        _ => "unknown status",
    }
}

fn failed(error: StoreError) -> Response {
    tracing::error!(error.cause = %error, "a console page could not read the data");
    refuse(&ApiError::from(error))
}

fn not_found(what: &str) -> Response {
    refuse(&ApiError::with_description(ErrorCode::ErrorArgument, what.to_owned()).with_status(404))
}

/// `after` and `limit` of a page request.
fn page_of<T: std::str::FromStr>(request: &Request<Body>, default_after: T) -> (T, i64) {
    let query = request.uri().query();
    let after = query_number(query, "after").unwrap_or(default_after);
    let limit = query_number(query, "limit")
        .unwrap_or(PAGE)
        .clamp(1, MAX_PAGE);
    (after, limit)
}

/// The key of the next page: the last row's, when the page was full.
fn next<T: Into<Value>>(rows: usize, limit: i64, last: Option<T>) -> Value {
    match last {
        Some(last) if i64::try_from(rows).is_ok_and(|rows| rows == limit) => last.into(),
        _ => Value::Null,
    }
}

async fn crm_record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    if let Err(refused) = signed(&state, &headers) {
        return refused.into_response();
    }
    let Ok(entity_type) = kind.parse::<CrmEntityType>() else {
        return refuse(&ApiError::with_description(
            ErrorCode::ErrorArgument,
            "The type is one of lead, deal, contact, company",
        ));
    };
    let Some(id) = id.parse().ok().and_then(CrmEntityId::new) else {
        return refuse(&ApiError::argument_type("id"));
    };
    let record = CrmRef { entity_type, id };
    let store = state.store();
    let row = match store.crm_record(record).await {
        Ok(row) => row,
        Err(error) => return failed(error),
    };
    let mut chats = serde_json::Map::new();
    for (flag, filter) in [("Y", SessionFilter::ActiveOnly), ("N", SessionFilter::All)] {
        // The method's own answer code, on the rows its own query reads.
        match store.chats_of_crm_record(record, filter).await {
            Ok(rows) => chats.insert(flag.into(), imopenlines_crm_chat_get::answer(rows)),
            Err(error) => return failed(error),
        };
    }
    let record = row.map(|row| {
        json!({
            "type": entity_type.as_str(),
            "id": row.id,
            "title": row.title,
            "assigned_by_id": row.assigned_by_id,
            "opened": row.opened,
        })
    });
    json(&json!({"record": record, "chats": chats}))
}

async fn chats(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, 0i64);
    match state.store().chats_page(after, limit).await {
        Ok(rows) => {
            let next = next(rows.len(), limit, rows.last().map(|row| row.id));
            let chats: Vec<Value> = rows
                .into_iter()
                .map(|chat| {
                    json!({
                        "id": chat.id,
                        "title": chat.title,
                        "connector_id": chat.connector_id,
                        "line_id": chat.line_id,
                        "user_code": chat.user_code(),
                    })
                })
                .collect();
            json(&json!({"chats": chats, "next": next}))
        }
        Err(error) => failed(error),
    }
}

async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = signed(&state, &headers) {
        return refused.into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return refuse(&ApiError::argument_type("id"));
    };
    let store = state.store();
    let chat = match store.chat(id).await {
        Ok(Some(chat)) => chat,
        Ok(None) => return not_found("No such chat"),
        Err(error) => return failed(error),
    };
    let sessions = match store.sessions_of_chat(id, SESSIONS_SHOWN).await {
        Ok(sessions) => sessions,
        Err(error) => return failed(error),
    };
    let bindings = match store.bindings_of_chat(id, SESSIONS_SHOWN * 4).await {
        Ok(bindings) => bindings,
        Err(error) => return failed(error),
    };
    let sessions: Vec<Value> = sessions
        .into_iter()
        .map(|session| {
            let crm: Vec<Value> = bindings
                .iter()
                .filter(|(session_id, _, _)| *session_id == session.id)
                .map(|(_, kind, entity)| json!({"type": kind, "id": entity}))
                .collect();
            json!({
                "id": session.id,
                "status": session.status,
                "status_name": status_name(session.status),
                "operator_id": session.operator_id,
                "created_at": session.created_at,
                "modified_at": session.modified_at,
                "crm": crm,
            })
        })
        .collect();
    json(&json!({
        "chat": {
            "id": chat.id,
            "title": chat.title,
            "connector_id": chat.connector_id,
            "line_id": chat.line_id,
            "user_code": chat.user_code(),
        },
        "sessions": sessions,
    }))
}

async fn users(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, 0i64);
    let store = state.store();
    let rows = match store.users_page(after, limit).await {
        Ok(rows) => rows,
        Err(error) => return failed(error),
    };
    let rights = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => match store.permissions_of_users(first.id, last.id).await {
            Ok(rights) => rights,
            Err(error) => return failed(error),
        },
        _ => Vec::new(),
    };
    let next = next(rows.len(), limit, rows.last().map(|row| row.id));
    let users: Vec<Value> = rows
        .into_iter()
        .map(|user| {
            let crm_read: serde_json::Map<String, Value> = rights
                .iter()
                .filter(|(user_id, _, _)| *user_id == user.id)
                .map(|(_, kind, level)| (kind.clone(), Value::from(level.as_str())))
                .collect();
            json!({
                "id": user.id,
                "name": format!("{} {}", user.name, user.last_name).trim(),
                "is_admin": user.is_admin,
                "active": user.active,
                "department_id": user.department_id,
                "department": user.department_name,
                "crm_read": crm_read,
            })
        })
        .collect();
    json(&json!({"users": users, "next": next}))
}

fn fingerprint(hash: &str) -> &str {
    &hash[..hash.len().min(FINGERPRINT)]
}

async fn webhooks(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, 0i64);
    match state.store().webhooks_page(after, limit).await {
        Ok(rows) => {
            let next = next(rows.len(), limit, rows.last().map(|row| row.id));
            let webhooks: Vec<Value> = rows
                .into_iter()
                .map(|hook| {
                    json!({
                        "id": hook.id,
                        "user_id": hook.user_id,
                        "scopes": hook.scopes,
                        "created_at": hook.created_at,
                        "expires_at": hook.expires_at,
                        "revoked": hook.revoked,
                        "fingerprint": fingerprint(&hook.code_sha256),
                        // The hash a fault's scope names (not the code: that is never kept).
                        "scope": {"webhook": hook.code_sha256},
                    })
                })
                .collect();
            json(&json!({"webhooks": webhooks, "next": next}))
        }
        Err(error) => failed(error),
    }
}

async fn tokens(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, String::new());
    match state.store().tokens_page(&after, limit).await {
        Ok(rows) => {
            let next = next(
                rows.len(),
                limit,
                rows.last().map(|row| row.access_sha256.clone()),
            );
            let now = state.clock().now_secs();
            let tokens: Vec<Value> = rows
                .into_iter()
                .map(|token| {
                    json!({
                        "fingerprint": fingerprint(&token.access_sha256),
                        "user_id": token.user_id,
                        "scopes": token.scopes,
                        "client_id": token.client_id,
                        "expires_at": token.expires_at,
                        "expired": token.expires_at <= now,
                        "scope": {"token": token.access_sha256},
                    })
                })
                .collect();
            json(&json!({"tokens": tokens, "next": next}))
        }
        Err(error) => failed(error),
    }
}

async fn connectors(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, String::new());
    match state.store().connectors_page(&after, limit).await {
        Ok(rows) => {
            let next = next(rows.len(), limit, rows.last().map(|row| row.0.clone()));
            let connectors: Vec<Value> = rows
                .into_iter()
                .map(|(id, title, active)| json!({"id": id, "title": title, "active": active}))
                .collect();
            json(&json!({"connectors": connectors, "next": next}))
        }
        Err(error) => failed(error),
    }
}

async fn lines(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Err(refused) = signed(&state, request.headers()) {
        return refused.into_response();
    }
    let (after, limit) = page_of(&request, 0i64);
    match state.store().lines_page(after, limit).await {
        Ok(rows) => {
            let next = next(rows.len(), limit, rows.last().map(|row| row.0));
            let lines: Vec<Value> = rows
                .into_iter()
                .map(|(id, name, active)| json!({"id": id, "name": name, "active": active}))
                .collect();
            json(&json!({"lines": lines, "next": next}))
        }
        Err(error) => failed(error),
    }
}
