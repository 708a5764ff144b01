//! `event.offline.get`, `.list`, `.clear`, `.error`: an application's offline event queue.
//!
//! Application context and an administrator only (`403 ACCESS_DENIED` "Access denied!"
//! otherwise, as documented). The queue keeps one row per object and event; see
//! `storage::events_offline` and docs/PROTOCOL.md, section "Events".

use super::args::{php_numeric_int, text};
use super::event::{application, param, text_param};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::events_offline::{ClearWhich, OfflineRow, OfflineTake};
use openlines_wire::params::{php_empty, Params};
use serde_json::{json, Value};

/// `event.offline.get`'s default `limit`, and `event.offline.list`'s fixed page.
const PAGE: i64 = 50;
/// The most rows one `event.offline.get` takes, whatever `limit` says.
const MOST: i64 = 1000;

/// The application, if the caller is its administrator.
fn admin_application(ctx: &CallContext) -> Result<&str, ApiError> {
    let client_id = application(ctx)?;
    if !ctx.caller.user.is_admin {
        return Err(ApiError::new(openlines_wire::ErrorCode::AccessDenied));
    }
    Ok(client_id)
}

/// A `0|1` flag with its default.
fn flag(params: &Params, name: &str, default: bool) -> bool {
    match param(params, name) {
        None => default,
        Some(value) => !php_empty(Some(value)),
    }
}

/// An array parameter's members as text (a single value counts as one member).
fn list_param(params: &Params, name: &str) -> Vec<String> {
    match param(params, name) {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(Value::Object(items)) => items.values().filter_map(text).collect(),
        Some(value) => text(value).into_iter().collect(),
        None => Vec::new(),
    }
}

fn row_json(ctx: &CallContext, row: &OfflineRow) -> serde_json::Map<String, Value> {
    let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let mut object = serde_json::Map::new();
    object.insert("ID".into(), json!(row.id.to_string()));
    object.insert(
        "TIMESTAMP_X".into(),
        json!(ctx.state.clock().iso8601(row.created_at as f64)),
    );
    object.insert("EVENT_NAME".into(), json!(row.event));
    object.insert("EVENT_DATA".into(), data);
    // Nothing beyond `data` is kept with an event; the documented empty value.
    object.insert("EVENT_ADDITIONAL".into(), json!(false));
    object.insert("MESSAGE_ID".into(), json!(row.message_id));
    object
}

/// `event.offline.get`: `{"process_id": …, "events": [...]}`.
pub async fn get(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = admin_application(&ctx)?;
    let limit = match param(&params, "limit") {
        None => PAGE,
        Some(value) => php_numeric_int(value)
            .filter(|limit| *limit > 0)
            .ok_or_else(|| ApiError::argument_type("LIMIT"))?
            .min(MOST),
    };
    let clear = flag(&params, "clear", true);
    let again = text_param(&params, "process_id");
    let process_id = hex::encode(rand::random::<[u8; 16]>());
    let rows = ctx
        .state
        .store()
        .take_offline(&OfflineTake {
            client_id,
            auth_connector: &text_param(&params, "auth_connector"),
            limit,
            errors: flag(&params, "error", false),
            again: (!again.is_empty()).then_some(again.as_str()),
            process_id: &process_id,
            clear,
        })
        .await?;
    // Rows left reserved are named by the reservation; cleared rows need no name.
    let process = (!clear && !rows.is_empty()).then_some(process_id);
    let events: Vec<Value> = rows
        .iter()
        .map(|row| Value::Object(row_json(&ctx, row)))
        .collect();
    Ok(MethodOutput::new(
        json!({"process_id": process, "events": events}),
    ))
}

/// `event.offline.list`: the queue without changing it, 50 a page, with `total`/`next`.
pub async fn list(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = admin_application(&ctx)?;
    let start = param(&params, "start")
        .and_then(php_numeric_int)
        .filter(|start| *start > 0)
        .unwrap_or(0);
    let (rows, total) = ctx
        .state
        .store()
        .offline_page(
            client_id,
            &text_param(&params, "auth_connector"),
            start,
            PAGE,
        )
        .await?;
    let list = rows
        .iter()
        .map(|row| {
            let mut object = row_json(&ctx, row);
            object.insert("PROCESS_ID".into(), json!(row.process_id));
            object.insert("ERROR".into(), json!(if row.error { "1" } else { "0" }));
            Value::Object(object)
        })
        .collect();
    let shown = start + rows.len() as i64;
    Ok(MethodOutput {
        result: Value::Array(list).into(),
        next: (shown < total).then_some(shown as u64),
        total: Some(total.max(0) as u64),
    })
}

/// `event.offline.clear`: `true`.
pub async fn clear(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = admin_application(&ctx)?;
    let process_id = required_process(&params)?;
    let ids: Vec<i64> = list_param(&params, "id")
        .iter()
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    let messages = list_param(&params, "message_id");
    let which = if !ids.is_empty() {
        ClearWhich::Ids(ids)
    } else if !messages.is_empty() {
        ClearWhich::MessageIds(messages)
    } else {
        ClearWhich::All
    };
    ctx.state
        .store()
        .clear_offline(client_id, &process_id, &which)
        .await?;
    Ok(MethodOutput::new(json!(true)))
}

/// `event.offline.error`: `true`.
pub async fn error(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = admin_application(&ctx)?;
    let process_id = required_process(&params)?;
    let messages = list_param(&params, "message_id");
    ctx.state
        .store()
        .mark_offline_errors(client_id, &process_id, &messages)
        .await?;
    Ok(MethodOutput::new(json!(true)))
}

fn required_process(params: &Params) -> Result<String, ApiError> {
    let process_id = text_param(params, "process_id");
    if process_id.is_empty() {
        return Err(ApiError::argument_empty("PROCESS_ID"));
    }
    Ok(process_id)
}
