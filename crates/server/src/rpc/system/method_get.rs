//! `method.get`: whether a method exists and whether the caller may call it (spec §6).

use crate::rpc::registry::lookup;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::Params;
use serde_json::{json, Value};

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let name = params.get("name").and_then(Value::as_str).unwrap_or("");
    let def = if name.is_empty() { None } else { lookup(name) };
    let existing = def.is_some();
    let available = def.is_some_and(|def| def.allows(&ctx.caller.scopes));
    Ok(MethodOutput::new(
        json!({"isExisting": existing, "isAvailable": available}),
    ))
}
