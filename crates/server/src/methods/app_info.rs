//! `app.info`: for a webhook its scopes and the licence; for an OAuth application the
//! application record (spec §6).

use crate::rpc::{ApiError, AuthKind, CallContext, MethodOutput};
use openlines_wire::params::Params;
use serde_json::{json, Value};

/// The licence a self-hosted stand-in reports.
pub const LICENSE: &str = "en_selfhosted";

pub async fn call(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let scopes: Vec<Value> = ctx
        .caller
        .scopes
        .iter()
        .map(|scope| Value::String(scope.as_str().to_owned()))
        .collect();
    let result = match &ctx.caller.auth {
        AuthKind::Webhook { .. } => json!({"SCOPE": scopes, "LICENSE": LICENSE}),
        AuthKind::OAuth { client_id } => json!({
            "ID": "1",
            "CODE": client_id.clone().unwrap_or_default(),
            "VERSION": 1,
            "STATUS": "L",
            "INSTALLED": true,
            "PAYMENT_EXPIRED": "N",
            "DAYS": null,
            "LANGUAGE_ID": "en",
            "LICENSE": LICENSE,
            "LICENSE_TYPE": "selfhosted",
            "LICENSE_FAMILY": "selfhosted",
        }),
    };
    Ok(MethodOutput::new(result))
}
