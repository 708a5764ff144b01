//! The one answer the ceiling gives, built once by openlines' own envelope writer.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openlines::clock::{CallSpan, Clock};
use openlines::domain::connector::STANDARD_CONNECTORS;
use openlines::http::respond;
use openlines::http::route::Format;
use openlines::rpc::MethodOutput;
use serde_json::{json, Value};
use std::sync::Arc;

/// The connectors of `bench/gen_fixture.py`, so rows look like the benchmark's rows.
const CONNECTORS: [&str; 6] = [
    "livechat",
    "telegrambot",
    "whatsappbyedna",
    "vkgroup",
    "facebook",
    "viber",
];

/// The real server refuses larger bodies by default (`--max-body-bytes`).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Status, headers and body of the fixed answer, shared by every request.
#[derive(Debug, Clone)]
pub(crate) struct FixedAnswer(Arc<Parts>);

#[derive(Debug)]
struct Parts {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl FixedAnswer {
    /// A chat.get answer of `rows` chats of a deal in the 1 M-chat data (chat ids 100,000
    /// apart), written by [`respond::success`] with a `time` block of now.
    pub(crate) async fn chat_get(rows: usize) -> Result<Self, axum::Error> {
        let result = (0..rows)
            .map(|row| {
                let connector = CONNECTORS[row % CONNECTORS.len()];
                json!({
                    "CHAT_ID": (12_345 + 100_000 * row).to_string(),
                    "CONNECTOR_ID": connector,
                    "CONNECTOR_TITLE": title_of(connector),
                })
            })
            .collect();
        let clock = Clock::default();
        let now = clock.now();
        let span = CallSpan {
            start: now,
            method_start: now,
            method_end: now,
            finish: now,
        };
        // What the real server books with the operating limit off: nothing, window of 600 s.
        let time = clock.time_block(span, 0.0, now.floor() as i64 + 600);
        let response =
            respond::success(MethodOutput::new(Value::Array(result)), &time, Format::Json);
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await?;
        Ok(FixedAnswer(Arc::new(Parts {
            status: parts.status,
            headers: parts.headers,
            body,
        })))
    }

    /// Length of the body in bytes.
    pub(crate) fn len(&self) -> usize {
        self.0.body.len()
    }

    /// `/healthz` and `/readyz` as in the real router; everything else gets the answer.
    /// Wrapped in the real middleware.
    pub(crate) fn router(self) -> Router {
        let routes = Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(|| async { "ok" }))
            .fallback(move |request: Request| self.clone().answer(request));
        openlines::http::middleware::wrap(routes)
    }

    /// Reads the request body (as the real handler must, to find the parameters), then
    /// answers the fixed bytes; a body over the limit is answered 413 without one.
    async fn answer(self, request: Request) -> Response {
        if axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .is_err()
        {
            let mut refused = Response::new(Body::empty());
            *refused.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return refused;
        }
        let mut response = Response::new(Body::from(self.0.body.clone()));
        *response.status_mut() = self.0.status;
        *response.headers_mut() = self.0.headers.clone();
        response
    }
}

/// The seeded English title of a standard connector.
fn title_of(connector: &str) -> &'static str {
    STANDARD_CONNECTORS
        .iter()
        .find(|(id, _)| *id == connector)
        .map_or("", |(_, title)| *title)
}
