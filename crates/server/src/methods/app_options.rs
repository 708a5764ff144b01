//! `app.option.get/set` and `user.option.get/set`: values an application keeps on the portal,
//! for itself or per user. Both need an application context (an OAuth token issued to an
//! app); a webhook has none and is refused, as on a portal. `app.option.set` needs an
//! administrator. Values come back with the JSON type they were set with.

use super::list_params::param;
use crate::rpc::{ApiError, AuthKind, CallContext, MethodOutput};
use crate::storage::options::OptionOwner;
use openlines_wire::params::{php_array, php_string, Params};
use openlines_wire::ErrorCode;
use serde_json::{Map, Value};

fn refused(code: &str, text: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other(code.to_owned()), text)
}

/// The calling application's id.
fn client_id(ctx: &CallContext) -> Result<&str, ApiError> {
    match &ctx.caller.auth {
        AuthKind::OAuth {
            client_id: Some(client),
        } => Ok(client),
        _ => Err(refused("AccessException", "Application context required")),
    }
}

/// `options` as `(name, json text)` pairs; refused when missing, empty or not an array.
fn pairs(params: &Params) -> Result<Vec<(String, String)>, ApiError> {
    let entries: Vec<(String, &Value)> = match param(params, "options") {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, v)| (index.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    if entries.is_empty() {
        return Err(refused("ArgumentNullException", "options is empty"));
    }
    Ok(entries
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect())
}

async fn set(
    ctx: &CallContext,
    owner: OptionOwner<'_>,
    params: &Params,
) -> Result<MethodOutput, ApiError> {
    let pairs = pairs(params)?;
    ctx.state.store().set_options(owner, &pairs).await?;
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// One option (`null` when unset) when `option` names one, else all of them.
async fn get(
    ctx: &CallContext,
    owner: OptionOwner<'_>,
    params: &Params,
) -> Result<MethodOutput, ApiError> {
    let stored = ctx.state.store().options(owner).await?;
    let decode = |text: &str| serde_json::from_str(text).unwrap_or(Value::Null);
    let wanted = param(params, "option")
        .and_then(php_string)
        .filter(|name| !name.is_empty());
    let result = match wanted {
        Some(name) => stored
            .iter()
            .find(|(stored_name, _)| *stored_name == name)
            .map_or(Value::Null, |(_, value)| decode(value)),
        None => php_array(
            stored
                .iter()
                .map(|(name, value)| (name.clone(), decode(value)))
                .collect::<Map<String, Value>>(),
        ),
    };
    Ok(MethodOutput::new(result))
}

/// `app.option.set`: `true`.
pub async fn app_set(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(&ctx)?;
    if !ctx.caller.user.is_admin {
        return Err(refused(
            "AccessException",
            "Administrator authorization required",
        ));
    }
    set(&ctx, OptionOwner::App { client_id }, &params).await
}

/// `app.option.get`.
pub async fn app_get(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(&ctx)?;
    get(&ctx, OptionOwner::App { client_id }, &params).await
}

/// `user.option.set`: `true`.
pub async fn user_set(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(&ctx)?;
    let user_id = ctx.caller.user.id;
    set(&ctx, OptionOwner::User { client_id, user_id }, &params).await
}

/// `user.option.get`.
pub async fn user_get(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(&ctx)?;
    let user_id = ctx.caller.user.id;
    get(&ctx, OptionOwner::User { client_id, user_id }, &params).await
}
