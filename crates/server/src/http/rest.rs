//! The REST handler: one request, one method call, in the portal's order of checks:
//! method lookup (404 before auth, spec §1.6) → body and parameters → credentials → scope
//! (in dispatch) → the method.

use super::route::{self, Format};
use super::{credentials, params, respond};
use crate::auth::{authenticate, Credentials};
use crate::clock::CallSpan;
use crate::rpc::dispatch::dispatch;
use crate::rpc::registry::{self, MethodOutput};
use crate::rpc::{ApiError, CallContext};
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use openlines_wire::ErrorCode;

/// Every request that no other route takes.
pub async fn entry(State(state): State<AppState>, request: Request<Body>) -> Response {
    let started = state.clock().now();
    let Some(path) = route::parse(request.uri().path()) else {
        return not_found();
    };
    let format = path.format;
    if request.method() == Method::OPTIONS {
        // CORS preflight from browser apps: the portal's headers, no body.
        return respond::write(StatusCode::OK, &serde_json::Value::Null, format);
    }
    match call(&state, path, request, started).await {
        Ok((output, span)) => {
            // Operating-time accounting arrives with the limiter; until then the budget is
            // untouched and resets ten minutes after the call (spec §2.2).
            let reset_at = span.finish.floor() as i64 + 600;
            let time = state.clock().time_block(span, 0.0, reset_at);
            respond::success(output, &time, format)
        }
        Err(error) => {
            if let Some(cause) = error.internal_cause() {
                tracing::error!(error.code = %error.code(), error.cause = cause, "method failed");
            }
            respond::error(&error, format)
        }
    }
}

async fn call(
    state: &AppState,
    path: route::RestPath,
    request: Request<Body>,
    started: f64,
) -> Result<(MethodOutput, CallSpan), ApiError> {
    let def =
        registry::lookup(&path.method).ok_or_else(|| ApiError::new(ErrorCode::MethodNotFound))?;
    let settings = state.settings();
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, settings.max_body_bytes)
        .await
        .map_err(|_| body_too_large(settings.max_body_bytes))?;
    let mut params = params::gather(
        &parts.method,
        parts.uri.query(),
        &parts.headers,
        body,
        settings.param_limits,
    )
    .await?;
    let credentials = credentials::extract(path.webhook, &mut params, &parts.headers);
    if settings.require_https
        && matches!(credentials, Credentials::Webhook { .. })
        && !is_https(&parts)
    {
        // Bitrix24 cloud refuses webhooks over plain HTTP; OAuth calls have no such check.
        return Err(ApiError::new(ErrorCode::InvalidRequest));
    }
    let caller = authenticate(state.store(), credentials, state.clock().now_secs()).await?;
    let ctx = CallContext {
        state: state.clone(),
        caller,
        in_batch: false,
    };
    let method_start = state.clock().now();
    let output = tokio::time::timeout(settings.request_timeout, dispatch(def, ctx, params))
        .await
        .map_err(|_| {
            ApiError::with_description(
                ErrorCode::InternalServerError,
                format!(
                    "The method did not finish within {} s",
                    settings.request_timeout.as_secs()
                ),
            )
        })??;
    let method_end = state.clock().now();
    let span = CallSpan {
        start: started,
        method_start,
        method_end,
        finish: state.clock().now(),
    };
    Ok((output, span))
}

/// Whether the request arrived over TLS: our own listener marks it, or a reverse proxy says so
/// in `X-Forwarded-Proto` (trusted, since `--require-https` is meant for use behind one).
fn is_https(parts: &axum::http::request::Parts) -> bool {
    parts.extensions.get::<ServedOverTls>().is_some()
        || parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// Request extension set by the TLS listener.
#[derive(Debug, Clone, Copy)]
pub struct ServedOverTls;

fn body_too_large(limit: usize) -> ApiError {
    ApiError::with_description(
        ErrorCode::InvalidRequest,
        format!("Request body is larger than {limit} bytes"),
    )
    .with_status(413)
}

/// Paths outside `/rest/` answer like an unknown method.
fn not_found() -> Response {
    respond::error(&ApiError::new(ErrorCode::MethodNotFound), Format::Json)
}

/// `GET /readyz`: 200 when the database answers, 503 otherwise.
pub async fn ready(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => "ready".into_response(),
        Err(error) => {
            tracing::warn!(error.cause = %error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}
