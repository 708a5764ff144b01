//! `imconnector.list`: the portal's active connectors, `{id: title}`, the ones applications
//! registered (`imconnector.register`) among them. Application (OAuth) context only: webhooks
//! get `403 WRONG_AUTH_TYPE` (spec §7.8).

use crate::rpc::{ApiError, AuthKind, CallContext, MethodOutput};
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{Map, Value};

pub async fn call(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    if matches!(ctx.caller.auth, AuthKind::Webhook { .. }) {
        return Err(ApiError::new(ErrorCode::WrongAuthType));
    }
    let connectors = ctx.state.store().active_connectors().await?;
    let map: Map<String, Value> = connectors
        .into_iter()
        .map(|(id, title)| (id, Value::String(title)))
        .collect();
    Ok(MethodOutput::new(Value::Object(map)))
}
