//! `methods` (deprecated but still served): method names from the table, lower case.
//! `full=true` lists every method; `scope=X` the methods of scope X (`scope=` empty: the
//! global ones); neither: what the caller may call (spec §6).

use crate::rpc::registry::METHODS;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use serde_json::Value;

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let full = !php_empty(params.get("full").or_else(|| params.get("FULL")));
    let scope = params
        .get("scope")
        .or_else(|| params.get("SCOPE"))
        .and_then(Value::as_str);
    let names = METHODS
        .iter()
        .filter(|def| match (full, scope) {
            (true, _) => true,
            (false, Some("")) => def.is_global(),
            (false, Some(wanted)) => def
                .scopes
                .iter()
                .any(|s| s.as_str() == wanted.to_ascii_lowercase()),
            (false, None) => def.allows(&ctx.caller.scopes),
        })
        .map(|def| Value::String(def.name.to_owned()))
        .collect();
    Ok(MethodOutput::new(Value::Array(names)))
}
