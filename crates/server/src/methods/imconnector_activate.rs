//! `imconnector.activate`, `imconnector.status` and `imconnector.connector.data.set`: an
//! application switches its connector on or off on an open line, asks how it stands there,
//! and keeps the external channel's settings for it. See docs/PROTOCOL.md §26.

use super::args::php_numeric_int;
use super::imconnector_common::{
    application, check_line, connector_arg, flag, line_arg, own_connector, param, required,
};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_string, Params};
use serde_json::{json, Map, Value};

/// `imconnector.activate` `CONNECTOR`, `LINE`, `ACTIVE`: `true`. `ACTIVE` empty, `0` or `N`
/// switches off; anything else on. Switching an active connector off raises
/// `OnImConnectorStatusDelete`.
pub async fn activate(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let connector = connector_arg(&params)?;
    let line = line_arg(&params)?;
    // `ACTIVE=0` is a value here, not an empty argument: only an absent one is refused.
    let active = match param(&params, "ACTIVE") {
        None | Some(Value::Null) => return Err(ApiError::argument_empty("ACTIVE")),
        value => flag(value).ok_or_else(|| ApiError::argument_type("ACTIVE"))?,
    };
    own_connector(&ctx, client_id, &connector).await?;
    check_line(&ctx, line, false).await?;
    ctx.state
        .store()
        .activate_connector(&connector, client_id, line, active, ctx.actor())
        .await?;
    Ok(MethodOutput::new(json!(true)))
}

/// `imconnector.status` `CONNECTOR`, `LINE` (0 when absent):
/// `{"LINE","CONNECTOR","ERROR","CONFIGURED","STATUS"}`. `CONFIGURED`: activated on that line;
/// `STATUS`: configured and the line is active. `ERROR` is always `false` (nothing here
/// fails on its own, as a portal's connection to an external service can).
pub async fn status(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let connector = connector_arg(&params)?;
    let line = param(&params, "LINE")
        .and_then(php_numeric_int)
        .filter(|line| *line > 0)
        .unwrap_or(0);
    own_connector(&ctx, client_id, &connector).await?;
    let store = ctx.state.store();
    let configured = line > 0
        && store
            .connector_on_line(&connector, line)
            .await?
            .is_some_and(|state| state.active);
    let line_active = line > 0 && store.line_active(line).await? == Some(true);
    Ok(MethodOutput::new(json!({
        "LINE": line,
        "CONNECTOR": connector,
        "ERROR": false,
        "CONFIGURED": configured,
        "STATUS": configured && line_active,
    })))
}

/// `imconnector.connector.data.set` `CONNECTOR`, `LINE`, `DATA`: `true`. `DATA` replaces the
/// line's settings as a whole; its scalar fields are kept as text.
pub async fn data_set(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let connector = connector_arg(&params)?;
    let line = line_arg(&params)?;
    let Value::Object(data) = required(&params, "DATA")? else {
        return Err(ApiError::argument_type("DATA"));
    };
    let kept: Map<String, Value> = data
        .iter()
        .filter_map(|(name, value)| {
            Some((name.to_ascii_uppercase(), Value::String(php_string(value)?)))
        })
        .collect();
    own_connector(&ctx, client_id, &connector).await?;
    check_line(&ctx, line, false).await?;
    ctx.state
        .store()
        .set_connector_data(&connector, line, &Value::Object(kept).to_string())
        .await?;
    Ok(MethodOutput::new(json!(true)))
}
