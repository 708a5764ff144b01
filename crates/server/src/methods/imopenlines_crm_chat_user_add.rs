//! `imopenlines.crm.chat.user.add`: adds a user to a chat of a CRM record (spec §7.3).
//! Checks in order: CRM parameters, `USER_ID`, the caller's access, the chat (none → `0`),
//! the chat's active binding to the record, the user's state and CRM access, membership.

use super::args::required;
use super::crm_chat_common::{
    active_user, can_read_record, chat_or_latest, crm_record, positive_id, record_ref,
};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;
use serde_json::json;

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    required(&params, "CRM_ENTITY_TYPE")?;
    required(&params, "CRM_ENTITY")?;
    let (entity_type, id) = crm_record(&params)?;
    if php_empty(params.get("USER_ID")) {
        // The module throws ArgumentNullException('Empty USER_ID'); its name is the argument.
        return Err(ApiError::argument_empty("Empty USER_ID"));
    }
    let user_id = positive_id(&params["USER_ID"], "USER_ID")?;
    let record = record_ref(entity_type, id);
    if !can_read_record(&ctx, record, None).await? {
        return Err(ApiError::access_denied(
            "You don't have access to join user to chat",
        ));
    }
    let chat_id = chat_or_latest(&ctx, &params, record).await?;
    if chat_id == 0 {
        return Ok(MethodOutput::new(json!(0)));
    }
    // A type that is not one of the four has no chats at all.
    let record = record.ok_or_else(|| ApiError::new(ErrorCode::ChatNotInCrm))?;
    let store = ctx.state.store();
    if !store.chat_actively_in_crm(chat_id, record).await? {
        return Err(ApiError::new(ErrorCode::ChatNotInCrm));
    }
    let user = active_user(&ctx, user_id).await?;
    if !can_read_record(&ctx, Some(record), Some(&user)).await? {
        return Err(ApiError::access_denied(
            "This user does not have access to the chat because he does not have access to this CRM object",
        ));
    }
    if !store.add_member(chat_id, user_id).await? {
        return Err(ApiError::new(ErrorCode::WrongRequest));
    }
    Ok(MethodOutput::new(json!(chat_id)))
}
