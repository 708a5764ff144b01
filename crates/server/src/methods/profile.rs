//! `profile`: the calling user in brief (spec §6). Global: no scope needed.

use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use serde_json::json;

pub async fn call(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let user = &ctx.caller.user;
    Ok(MethodOutput::new(json!({
        "ID": user.id.to_string(),
        "ADMIN": user.is_admin,
        "NAME": user.name,
        "LAST_NAME": user.last_name,
        "PERSONAL_GENDER": "",
        "TIME_ZONE": "",
        "TIME_ZONE_OFFSET": ctx.state.clock().offset_seconds(),
    })))
}
