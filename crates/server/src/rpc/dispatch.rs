//! The only way into a method handler, for single calls and `batch` commands alike:
//! scope check → fault switches → operating-time budget → the handler → the time it took is booked.

use super::output::MethodResult;
use super::registry::MethodDef;
use super::{ApiError, AuthKind, CallContext};
use crate::faults::MethodFault;
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;

/// A finished call: its result and what the `time` block needs.
#[derive(Debug)]
pub struct Executed {
    pub result: MethodResult,
    pub method_start: f64,
    pub method_end: f64,
    /// Seconds this method ran for this caller in the window, after this call.
    pub operating: f64,
    pub operating_reset_at: i64,
}

/// Runs `def` for the caller in `ctx`.
pub async fn dispatch(def: &'static MethodDef, ctx: CallContext, params: Params) -> Executed {
    let state = ctx.state.clone();
    let clock = state.clock();
    let method_start = clock.now();
    let window_end = method_start.floor() as i64 + 600;
    let refused = |error: ApiError| Executed {
        result: Err(error),
        method_start,
        method_end: method_start,
        operating: 0.0,
        operating_reset_at: window_end,
    };
    if !def.allows(&ctx.caller.scopes) {
        return refused(insufficient_scope(&ctx));
    }
    match state
        .faults()
        .for_method(&ctx.caller.credential_hash, def.name)
    {
        Some(MethodFault::OperationTimeLimit) => {
            return refused(ApiError::new(ErrorCode::OperationTimeLimit))
        }
        Some(MethodFault::InternalError) => {
            return refused(ApiError::new(ErrorCode::InternalServerError))
        }
        None => {}
    }
    // The outer `batch` is not accounted; each of its commands is (spec §4.2).
    let budget = (def.name != "batch").then(|| ctx.caller.budget_key(def.name));
    if let Some(budget) = &budget {
        match state.limiter().is_exhausted(budget, method_start).await {
            Ok(false) => {}
            Ok(true) => return refused(ApiError::new(ErrorCode::OperationTimeLimit)),
            Err(error) => return refused(ApiError::internal(error)),
        }
    }
    let result = (def.handler)(ctx, params).await;
    let method_end = clock.now();
    let (operating, operating_reset_at) = match &budget {
        None => (0.0, window_end),
        Some(budget) => match state
            .limiter()
            .record(budget, method_end, method_end - method_start)
            .await
        {
            Ok(booked) => booked,
            Err(error) => {
                tracing::warn!(error.cause = %error, "operating time not booked");
                (0.0, window_end)
            }
        },
    };
    Executed {
        result,
        method_start,
        method_end,
        operating,
        operating_reset_at,
    }
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
