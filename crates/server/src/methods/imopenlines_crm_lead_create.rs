//! `imopenlines.crm.lead.create`: makes a lead from the chat and binds the chat's current
//! session to it (spec §7.5). Result `true`; every error is HTTP 400.

use super::open_line_chat::{chat_from_params, denied, open_session, wrong};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::permission::ReadLevel;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm::CrmFieldsUpdate;
use openlines_wire::params::Params;
use serde_json::json;

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (chat, session) = chat_from_params(&ctx, &params, "CHAT_ID").await?;
    let store = ctx.state.store();
    let user = &ctx.caller.user;
    if !user.is_admin
        && store
            .read_level(user.id, CrmEntityType::Lead.as_str())
            .await?
            == ReadLevel::None
    {
        return Err(denied("You don't have access to create leads"));
    }
    let session = open_session(session)?;
    if session.operator_id != Some(user.id) {
        return Err(wrong(
            "ERROR_USER_NOT_OPERATOR",
            "You are not the operator of this dialog",
        ));
    }
    let fields = CrmFieldsUpdate {
        title: Some(format!("{} ({})", chat.title, chat.connector_id)),
        assigned_by_id: Some(user.id),
        opened: Some(false),
    };
    let lead_id = store
        .add_crm_record(CrmEntityType::Lead, &fields, ctx.actor())
        .await?;
    let lead = CrmRef {
        entity_type: CrmEntityType::Lead,
        id: CrmEntityId::new(lead_id)
            .ok_or_else(|| ApiError::internal("a new lead got a non-positive id"))?,
    };
    store.bind_session(session.id, lead, ctx.actor()).await?;
    // Binding changes the session, as crm.activity.binding.add does: it moves up in chat.get.
    store
        .touch_session(session.id, ctx.state.clock().now_secs())
        .await?;
    Ok(MethodOutput::new(json!(true)))
}
