//! What the `imopenlines.crm.*` write methods share: parsing the CRM record and user
//! parameters, finding the chat they act on, and the caller's permission on the record.

use super::args::php_numeric_int;
use super::crm_read::{read_access, Readable};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::user::User;
use crate::rpc::{ApiError, CallContext};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;
use serde_json::Value;

/// A positive integer parameter, or `ERROR_ARGUMENT` "invalid type" for `name`.
pub fn positive_id(value: &Value, name: &str) -> Result<i64, ApiError> {
    php_numeric_int(value)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::argument_type(name))
}

/// `CRM_ENTITY_TYPE` and `CRM_ENTITY` after their emptiness was checked; an unknown type is
/// `None` (it finds nothing, like on a portal).
pub fn crm_record(params: &Params) -> Result<(Option<CrmEntityType>, CrmEntityId), ApiError> {
    let id = positive_id(
        params.get("CRM_ENTITY").unwrap_or(&Value::Null),
        "CRM_ENTITY",
    )?;
    let entity_type = params
        .get("CRM_ENTITY_TYPE")
        .and_then(Value::as_str)
        .and_then(|text| text.parse().ok());
    let id = CrmEntityId::new(id).ok_or_else(|| ApiError::argument_type("CRM_ENTITY"))?;
    Ok((entity_type, id))
}

/// Whether either CRM parameter is empty (PHP `empty()`).
pub fn crm_params_empty(params: &Params) -> bool {
    php_empty(params.get("CRM_ENTITY_TYPE")) || php_empty(params.get("CRM_ENTITY"))
}

/// Whether the caller (or `user`) may read the record; a missing record or unknown type counts
/// as no access, since these methods act on a chat that must belong to it.
pub async fn can_read_record(
    ctx: &CallContext,
    record: Option<CrmRef>,
    user: Option<&User>,
) -> Result<bool, ApiError> {
    let Some(record) = record else {
        return Ok(ctx.caller.user.is_admin && user.is_none());
    };
    let as_user = CallContext {
        caller: crate::rpc::Caller {
            user: user.cloned().unwrap_or_else(|| ctx.caller.user.clone()),
            ..ctx.caller.clone()
        },
        ..ctx.clone()
    };
    // A database failure is passed on as such (a logged 500): taking it for a refusal would
    // hide an outage behind answers that look like permission problems.
    Ok(read_access(&as_user, record).await? == Some(Readable::Yes))
}

/// The chat a method acts on: `CHAT_ID` when given, else the record's latest chat (0 = none).
pub async fn chat_or_latest(
    ctx: &CallContext,
    params: &Params,
    record: Option<CrmRef>,
) -> Result<i64, ApiError> {
    match params.get("CHAT_ID") {
        Some(value) if !php_empty(Some(value)) => positive_id(value, "CHAT_ID"),
        _ => match record {
            Some(record) => Ok(ctx
                .state
                .store()
                .latest_chat_of_crm_record(record)
                .await?
                .unwrap_or(0)),
            None => Ok(0),
        },
    }
}

/// The user named by `USER_ID`, checked for existence and activity.
pub async fn active_user(ctx: &CallContext, user_id: i64) -> Result<User, ApiError> {
    match ctx.state.store().user(user_id).await? {
        Some(user) if user.active => Ok(user),
        _ => Err(ApiError::new(ErrorCode::CrmChatUserNotActive)),
    }
}

/// The record, if its type is one of the four.
pub fn record_ref(entity_type: Option<CrmEntityType>, id: CrmEntityId) -> Option<CrmRef> {
    entity_type.map(|entity_type| CrmRef { entity_type, id })
}

#[cfg(test)]
mod tests;
