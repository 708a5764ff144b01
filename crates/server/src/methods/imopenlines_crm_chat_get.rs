//! `imopenlines.crm.chat.get`: the open-line chats of a CRM record (spec §7.1, §8).
//!
//! Checks run in the portal's order: `CRM_ENTITY_TYPE` empty, `CRM_ENTITY` empty,
//! `CRM_ENTITY` not a positive number, the caller's CRM read permission, then the query.

use super::args::{php_numeric_int, required};
use super::crm_read::{check_read, Readable};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::session::SessionFilter;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::chats::CrmChatRow;
use openlines_wire::params::Params;
use openlines_wire::php_json;
use serde::Serialize;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// The published text; the module code of one version says `dont` (spec §7.1, note 2).
const DENIED: &str = "You don't have access to this action";

/// The parsed parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChatGetParams {
    /// `None` for a type that is not one of the four (answered `[]` or `ACCESS_DENIED`).
    entity_type: Option<CrmEntityType>,
    entity_id: CrmEntityId,
    filter: SessionFilter,
}

fn parse(params: &Params) -> Result<ChatGetParams, ApiError> {
    let entity_type = required(params, "CRM_ENTITY_TYPE")?;
    let entity_id = required(params, "CRM_ENTITY")?;
    let entity_id = php_numeric_int(entity_id)
        .and_then(CrmEntityId::new)
        .ok_or_else(|| ApiError::argument_type("CRM_ENTITY"))?;
    let entity_type = entity_type.as_str().and_then(|text| text.parse().ok());
    // Only the exact string "N" lists closed chats too; anything else means active only.
    let filter = match params.get("ACTIVE_ONLY") {
        Some(Value::String(flag)) if flag == "N" => SessionFilter::All,
        _ => SessionFilter::ActiveOnly,
    };
    Ok(ChatGetParams {
        entity_type,
        entity_id,
        filter,
    })
}

/// Runs the method.
pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let params = parse(&params)?;
    let denied = || ApiError::access_denied(DENIED);
    let Some(entity_type) = params.entity_type else {
        // An unknown type resolves to "undefined" in the permission check, which only admins
        // pass; for them the query then finds nothing (spec §7.1 note 4).
        return if ctx.caller.user.is_admin {
            Ok(MethodOutput::new(Value::Array(Vec::new())))
        } else {
            Err(denied())
        };
    };
    let record = CrmRef {
        entity_type,
        id: params.entity_id,
    };
    // An admin passes every read check, and for a record that does not exist the index has
    // no rows (deleting a record drops its bindings and index rows in the same transaction,
    // and the importer refuses bindings to records it does not have): the answer is `[]`
    // either way, so the existence check would be one more statement for nothing.
    if !ctx.caller.user.is_admin && check_read(&ctx, record, denied).await? == Readable::Missing {
        return Ok(MethodOutput::new(Value::Array(Vec::new())));
    }
    let chats = ctx
        .state
        .store()
        .chats_of_crm_record(record, params.filter)
        .await?;
    Ok(MethodOutput::written(written_answer(&chats)?))
}

/// The method's `result` for these chats as a tree (the web console shows exactly this).
pub fn answer(chats: Vec<CrmChatRow>) -> Value {
    written_answer(&chats)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| Value::Array(Vec::new()))
}

/// The method's `result` as the portal's JSON text, written straight from the rows: the hot
/// path builds no tree of maps and strings only to write it once (see `rpc::output::Answer`).
fn written_answer(chats: &[CrmChatRow]) -> Result<String, ApiError> {
    let mut json = String::with_capacity(90 * chats.len() + 2);
    json.push('[');
    for (position, chat) in chats.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        json.push_str("{\"CHAT_ID\":\"");
        json.push_str(itoa::Buffer::new().format(chat.chat_id));
        json.push_str("\",");
        json.push_str(&connector_part(chat)?);
    }
    json.push(']');
    Ok(json)
}

/// Connector halves already written: (connector id, title, text). A portal has a few dozen
/// connectors, and escaping their two strings was most of the answer's writing, so each is
/// escaped once per process. Keyed by the text it is made of, it can never be stale: a renamed
/// connector is a new key.
static CONNECTOR_PARTS: Mutex<Vec<ConnectorPart>> = Mutex::new(Vec::new());

/// (connector id, title, the escaped text written for them).
type ConnectorPart = (Arc<str>, Arc<str>, Arc<str>);

/// Entries [`CONNECTOR_PARTS`] keeps; more distinct connectors are written every time.
const CONNECTOR_PARTS_KEPT: usize = 64;

/// `"CONNECTOR_ID":…,"CONNECTOR_TITLE":…}`: the entry's connector keys and its closing brace.
fn connector_part(chat: &CrmChatRow) -> Result<Arc<str>, ApiError> {
    let mut parts = CONNECTOR_PARTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let known = parts.iter().find(|(id, title, _)| {
        same_text(id, &chat.connector_id) && same_text(title, &chat.connector_title)
    });
    if let Some((_, _, part)) = known {
        return Ok(Arc::clone(part));
    }
    let object = ConnectorKeys {
        connector_id: &chat.connector_id,
        connector_title: &chat.connector_title,
    };
    let mut text = php_json::to_string(&object).map_err(ApiError::internal)?;
    // Written as an object of its own; the entry's `{` is already out.
    text.remove(0);
    let part: Arc<str> = text.into();
    if parts.len() < CONNECTOR_PARTS_KEPT {
        parts.push((
            Arc::clone(&chat.connector_id),
            Arc::clone(&chat.connector_title),
            Arc::clone(&part),
        ));
    }
    Ok(part)
}

/// Equal strings; the same allocation (the usual case on SQLite, where rows share the
/// remembered connector's strings) is known equal without reading them.
fn same_text(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// The connector keys of an entry, in the portal's order (after `CHAT_ID`, a string).
#[derive(Serialize)]
struct ConnectorKeys<'a> {
    #[serde(rename = "CONNECTOR_ID")]
    connector_id: &'a str,
    #[serde(rename = "CONNECTOR_TITLE")]
    connector_title: &'a str,
}

#[cfg(test)]
mod tests;
