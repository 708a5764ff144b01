//! `imopenlines.crm.message.add`: posts a message to a chat of a CRM record as `USER_ID`
//! (spec §7.4). Every parameter is required, in the documented order. In a chat of a custom
//! connector the message also leaves through it: `OnImConnectorMessageAdd` for the
//! connector's application, raised in the message's transaction (docs/PROTOCOL.md §26).

use super::args::required;
use super::crm_chat_common::{can_read_record, crm_record, positive_id, record_ref};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{json, Value};

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    for name in [
        "CRM_ENTITY_TYPE",
        "CRM_ENTITY",
        "USER_ID",
        "CHAT_ID",
        "MESSAGE",
    ] {
        required(&params, name)?;
    }
    let (entity_type, id) = crm_record(&params)?;
    let user_id = positive_id(&params["USER_ID"], "USER_ID")?;
    let chat_id = positive_id(&params["CHAT_ID"], "CHAT_ID")?;
    let message = match &params["MESSAGE"] {
        Value::String(text) => text.clone(),
        other => openlines_wire::params::php_string(other)
            .ok_or_else(|| ApiError::argument_type("MESSAGE"))?,
    };
    let record = record_ref(entity_type, id);
    if !can_read_record(&ctx, record, None).await? {
        return Err(ApiError::access_denied(
            "You don't have access to this action",
        ));
    }
    let store = ctx.state.store();
    let Some(record) = record else {
        return Err(ApiError::new(ErrorCode::ChatNotInCrm));
    };
    if !store.chat_actively_in_crm(chat_id, record).await? {
        return Err(ApiError::new(ErrorCode::ChatNotInCrm));
    }
    let sender = store.user(user_id).await?.filter(|user| user.active);
    let sender_reads = match &sender {
        Some(user) => can_read_record(&ctx, Some(record), Some(user)).await?,
        None => false,
    };
    if !sender_reads {
        return Err(ApiError::access_denied(
            "User don't have access to this entity",
        ));
    }
    if !store.is_member(chat_id, user_id).await? {
        return Err(ApiError::with_description(
            ErrorCode::Other("CANCELED".into()),
            "The user is not a member of the chat",
        ));
    }
    // What a custom connector's application hears signs the text with this name.
    let author = sender
        .as_ref()
        .map(|user| format!("{} {}", user.name, user.last_name))
        .unwrap_or_default();
    let message_id = store
        .add_message(
            chat_id,
            user_id,
            &author,
            &message,
            ctx.state.clock().now_secs(),
            ctx.actor(),
        )
        .await?;
    Ok(MethodOutput::new(json!(message_id)))
}
