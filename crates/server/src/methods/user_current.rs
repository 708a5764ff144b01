//! `user.current`: the calling user's record; needs scope `user`, `user_brief` or
//! `user_basic` (spec §6).

use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use serde_json::json;

pub async fn call(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let user = &ctx.caller.user;
    let departments: Vec<i64> = user.department_id.into_iter().collect();
    Ok(MethodOutput::new(json!({
        "ID": user.id.to_string(),
        "XML_ID": null,
        "ACTIVE": user.active,
        "NAME": user.name,
        "LAST_NAME": user.last_name,
        "SECOND_NAME": "",
        "EMAIL": "",
        "PERSONAL_GENDER": "",
        "TIME_ZONE": "",
        "TIME_ZONE_OFFSET": ctx.state.clock().offset_seconds(),
        "IS_ONLINE": "N",
        "USER_TYPE": "employee",
        "UF_DEPARTMENT": departments,
    })))
}
