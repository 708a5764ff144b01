//! `imopenlines.crm.chat.getLastId`: the id of the chat whose session bound to the record
//! changed last, as an integer (spec §7.2). No status filter and no permission check, as in
//! the module code.

use super::crm_chat_common::{crm_params_empty, crm_record, record_ref};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::json;

/// The documented text; the module code says "Could not find CRM entity" (spec §7.2).
const NOT_FOUND: &str = "Could not find CRM object";

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    if crm_params_empty(&params) {
        return Err(ApiError::new(ErrorCode::CrmChatEmptyCrmData));
    }
    let (entity_type, id) = crm_record(&params)?;
    let not_found = || ApiError::with_description(ErrorCode::CrmChatEmptyCrmData, NOT_FOUND);
    let record = record_ref(entity_type, id).ok_or_else(not_found)?;
    let chat = ctx.state.store().latest_chat_of_crm_record(record).await?;
    chat.map(|chat| MethodOutput::new(json!(chat)))
        .ok_or_else(not_found)
}
