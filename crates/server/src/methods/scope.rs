//! `scope`: the scopes granted to the caller's webhook or token, or every scope with
//! `full=true` (spec §6).

use crate::domain::scope::Scope;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use serde_json::Value;

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let full = !php_empty(params.get("full").or_else(|| params.get("FULL")));
    let scopes: Vec<Scope> = if full {
        Scope::ALL.to_vec()
    } else {
        ctx.caller.scopes
    };
    let names = scopes
        .iter()
        .map(|scope| Value::String(scope.as_str().to_owned()))
        .collect();
    Ok(MethodOutput::new(Value::Array(names)))
}
