//! The only way into a method handler: the scope check, then the handler.

use super::registry::{MethodDef, MethodResult};
use super::{ApiError, AuthKind, CallContext};
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;

/// Runs `def` for the caller in `ctx`, after checking that the caller holds its scope.
pub async fn dispatch(def: &'static MethodDef, ctx: CallContext, params: Params) -> MethodResult {
    if let Some(scope) = def.scope {
        if !ctx.caller.has_scope(scope) {
            return Err(insufficient_scope(&ctx));
        }
    }
    (def.handler)(ctx, params).await
}

/// `insufficient_scope`, worded for the kind of credential; empty inside a batch (spec §5.2).
fn insufficient_scope(ctx: &CallContext) -> ApiError {
    let description = match (&ctx.caller.auth, ctx.in_batch) {
        (_, true) => "",
        (AuthKind::Webhook { .. }, false) => {
            "The request requires higher privileges than provided by the webhook token"
        }
        (AuthKind::OAuth { .. }, false) => {
            "The request requires higher privileges than provided by the access token"
        }
    };
    ApiError::with_description(ErrorCode::InsufficientScope, description)
}
