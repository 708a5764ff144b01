//! `feature.get`: whether a REST feature is on (spec §6). `CODE` is read in any letter case.

use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;
use serde_json::json;

pub async fn call(_ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let code = params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("CODE"))
        .map(|(_, value)| value);
    if php_empty(code) {
        return Err(ApiError::new(ErrorCode::CodeEmpty));
    }
    // Neither documented feature (offline events, connector auth) exists in a stand-in.
    Ok(MethodOutput::new(json!({"value": "N"})))
}
