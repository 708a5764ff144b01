//! `server.time`: the server's clock as ISO-8601 with offset (spec §6). Global: no scope.

use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use serde_json::Value;

/// Runs the method.
pub async fn call(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let now = ctx.state.clock().now();
    Ok(MethodOutput::new(Value::String(
        ctx.state.clock().iso8601(now),
    )))
}
