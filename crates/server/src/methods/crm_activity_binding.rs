//! `crm.activity.binding.add/delete/list`: the CRM records an open-line session's activity is
//! bound to — how a chat comes to show under a deal. The activity of a session has the
//! session's id (`entity_data_1` field 6 of `imopenlines.dialog.get`). Entity types are
//! Bitrix24's numbers: 1 lead, 2 deal, 3 contact, 4 company.

use super::args::php_numeric_int;
use super::crm_read::{check_read, Readable};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm::BindOutcome;
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{json, Value};

fn type_number(entity_type: CrmEntityType) -> i64 {
    match entity_type {
        CrmEntityType::Lead => 1,
        CrmEntityType::Deal => 2,
        CrmEntityType::Contact => 3,
        CrmEntityType::Company => 4,
    }
}

fn type_of_number(number: i64) -> Option<CrmEntityType> {
    CrmEntityType::ALL
        .into_iter()
        .find(|kind| type_number(*kind) == number)
}

fn not_found(what: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other("NOT_FOUND".into()), what)
}

fn number(params: &Params, name: &str) -> Result<i64, ApiError> {
    params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, value)| php_numeric_int(value))
        .filter(|value| *value > 0)
        .ok_or_else(|| ApiError::argument_empty(name))
}

async fn target(ctx: &CallContext, params: &Params) -> Result<(i64, CrmRef), ApiError> {
    let activity = number(params, "activityId")?;
    let kind = type_of_number(number(params, "entityTypeId")?)
        .ok_or_else(|| ApiError::argument_type("entityTypeId"))?;
    let id = CrmEntityId::new(number(params, "entityId")?)
        .ok_or_else(|| ApiError::argument_type("entityId"))?;
    let record = CrmRef {
        entity_type: kind,
        id,
    };
    match check_read(ctx, record, || {
        ApiError::access_denied("You don't have access to this action")
    })
    .await?
    {
        Readable::Yes => Ok((activity, record)),
        Readable::Missing => Err(not_found("Owner not found")),
    }
}

/// `crm.activity.binding.add`: `true` (also when already bound).
pub async fn add(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (activity, record) = target(&ctx, &params).await?;
    match ctx
        .state
        .store()
        .bind_session(activity, record, ctx.actor())
        .await?
    {
        BindOutcome::Bound | BindOutcome::AlreadyBound => {
            touch(&ctx, activity).await?;
            Ok(MethodOutput::new(json!(true)))
        }
        BindOutcome::NoSession => Err(not_found("Activity not found")),
        BindOutcome::NoRecord => Err(not_found("Owner not found")),
    }
}

/// `crm.activity.binding.delete`: `true`.
pub async fn delete(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (activity, record) = target(&ctx, &params).await?;
    if !ctx
        .state
        .store()
        .unbind_session(activity, record, ctx.actor())
        .await?
    {
        return Err(not_found("Binding not found"));
    }
    touch(&ctx, activity).await?;
    Ok(MethodOutput::new(json!(true)))
}

/// `crm.activity.binding.list`: `[{"entityTypeId": 2, "entityId": 288}, …]`.
pub async fn list(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let activity = number(&params, "activityId")?;
    let store = ctx.state.store();
    if store.session(activity).await?.is_none() {
        return Err(not_found("Activity not found"));
    }
    let bindings: Vec<Value> = store
        .bindings_of_session(activity)
        .await?
        .into_iter()
        .filter_map(|(kind, id)| {
            let kind: CrmEntityType = kind.parse().ok()?;
            Some(json!({"entityTypeId": type_number(kind), "entityId": id}))
        })
        .collect();
    Ok(MethodOutput::new(Value::Array(bindings)))
}

/// A binding change is a change of the session: it moves up in `chat.get`'s order.
async fn touch(ctx: &CallContext, session: i64) -> Result<(), ApiError> {
    ctx.state
        .store()
        .touch_session(session, ctx.state.clock().now_secs())
        .await?;
    Ok(())
}
