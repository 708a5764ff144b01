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
use serde_json::{json, Value};

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
            Ok(MethodOutput::new(json!([])))
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
        return Ok(MethodOutput::new(json!([])));
    }
    let chats = ctx
        .state
        .store()
        .chats_of_crm_record(record, params.filter)
        .await?;
    Ok(MethodOutput::new(answer(chats)))
}

/// The method's `result` for these chats (the web console shows exactly this).
pub fn answer(chats: Vec<CrmChatRow>) -> Value {
    let result = chats
        .into_iter()
        .map(|chat| {
            json!({
                "CHAT_ID": chat.chat_id.to_string(),
                "CONNECTOR_ID": chat.connector_id,
                "CONNECTOR_TITLE": chat.connector_title,
            })
        })
        .collect();
    Value::Array(result)
}

#[cfg(test)]
mod tests;
