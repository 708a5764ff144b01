//! `imopenlines.crm.chat.user.delete`: removes a user from a chat of a CRM record
//! (spec §7.3). `USER_ID` is checked first, then the CRM parameters.

use super::crm_chat_common::{
    active_user, can_read_record, chat_or_latest, crm_params_empty, crm_record, positive_id,
    record_ref,
};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;
use serde_json::json;

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    if php_empty(params.get("USER_ID")) {
        return Err(ApiError::new(ErrorCode::CrmChatEmptyUser));
    }
    if crm_params_empty(&params) {
        return Err(ApiError::new(ErrorCode::CrmChatEmptyCrmData));
    }
    let (entity_type, id) = crm_record(&params)?;
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
    // Members of the chat and admins may remove others.
    let caller = &ctx.caller.user;
    if !caller.is_admin && !store.is_member(chat_id, caller.id).await? {
        return Err(ApiError::new(ErrorCode::ChatDeleteUserPermissionDenied));
    }
    active_user(&ctx, user_id).await?;
    if !store.remove_member(chat_id, user_id).await? {
        return Err(ApiError::with_description(
            ErrorCode::WrongRequest,
            "You don't have access or user already not in chat",
        ));
    }
    Ok(MethodOutput::new(json!(chat_id)))
}
