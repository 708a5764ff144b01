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
    let kind = CrmEntityType::from_type_id(number(params, "entityTypeId")?)
        .ok_or_else(|| ApiError::argument_type("entityTypeId"))?;
    let id = CrmEntityId::new(number(params, "entityId")?)
        .ok_or_else(|| ApiError::argument_type("entityId"))?;
    let record = CrmRef {
        entity_type: kind,
        id,
    };
    match check_read(ctx, record, denied).await? {
        Readable::Yes => {
            let owners = ctx.state.store().bindings_of_session(activity).await?;
            check_owners(ctx, &owners).await?;
            Ok((activity, record))
        }
        Readable::Missing => Err(not_found("Owner not found")),
    }
}

fn denied() -> ApiError {
    ApiError::access_denied("You don't have access to this action")
}

/// The activity's owners are the records it is bound to now; the caller must be able to read
/// every one of them (Bitrix24 checks the activity's owner as well as the target). Otherwise
/// `list` would show a record the caller may not read, and `add` could pull a chat out from
/// under a record she may not read into one she may. An activity bound to nothing has no
/// owner to protect.
async fn check_owners(ctx: &CallContext, owners: &[(String, i64)]) -> Result<(), ApiError> {
    for (kind, id) in owners {
        let (Ok(entity_type), Some(id)) = (kind.parse::<CrmEntityType>(), CrmEntityId::new(*id))
        else {
            continue;
        };
        check_read(ctx, CrmRef { entity_type, id }, denied).await?;
    }
    Ok(())
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
    let owners = store.bindings_of_session(activity).await?;
    check_owners(&ctx, &owners).await?;
    let bindings: Vec<Value> = owners
        .into_iter()
        .filter_map(|(kind, id)| {
            let kind: CrmEntityType = kind.parse().ok()?;
            Some(json!({"entityTypeId": CrmEntityType::type_id(kind), "entityId": id}))
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
