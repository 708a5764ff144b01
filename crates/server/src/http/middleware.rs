//! All middleware, in one place and one order (outermost first):
//! 1. trace — one span per request with method, path and status, at DEBUG: it costs a few
//!    microseconds per call to make (the subscriber formats its fields), and the one line a
//!    request logs at ERROR names its method and path itself (`rest.rs`). Never parameters or
//!    bodies, because webhook codes travel in the path and tokens in the body (the path is
//!    logged with the code masked);
//! 2. catch-panic — a bug answers `500 INTERNAL_SERVER_ERROR` in the Bitrix shape, not a reset;
//! 3. unread body — a body left unread by an early answer is drained, or the answer says
//!    `Connection: close` (see [`super::unread_body`]).
//!
//! What reaches ERROR: a failure of the server itself (a database error, a panic), logged
//! once where it is handled. A client's mistake (4xx) or a fault an integrator switched on
//! (forced 500, 503 limit) is not an error of the server and stays at DEBUG.
//!
//! Body size, parameter count, nesting depth and the per-call time limit are enforced inside
//! the REST handler, because their answers must be Bitrix-shaped errors.

use super::respond;
use super::route::Format;
use crate::rpc::ApiError;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use openlines_wire::ErrorCode;
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

/// Wraps the routes in the middleware stack.
pub fn wrap(routes: Router) -> Router {
    routes
        .layer(axum::middleware::from_fn(
            super::unread_body::drain_or_close,
        ))
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::debug_span!(
                        "request",
                        http.method = %request.method(),
                        http.path = %mask_webhook_code(request.uri().path()),
                    )
                })
                // tower-http logs every 5xx at ERROR by default. Ours are either logged already,
                // once, with their cause (`rest.rs`, the panic handler above) or are no failure
                // of the server at all: a 503 of the rate limit, a forced 500 an integrator
                // switched on. Logging those at ERROR would page an operator for a client's test.
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
}

fn panic_answer(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    respond::error(&ApiError::new(ErrorCode::InternalServerError), Format::Json)
}

/// `/rest/1/s3cr3t/method` → `/rest/1/***/method`, so logs never hold a webhook code.
pub fn mask_webhook_code(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    // ["", "rest", user, code, method, ...]
    if segments.len() >= 5 && segments[1] == "rest" {
        let mut masked = segments.clone();
        masked[3] = "***";
        return masked.join("/");
    }
    path.to_owned()
}

#[cfg(test)]
mod tests;
