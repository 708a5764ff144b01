//! A request body the handler did not read to the end.
//!
//! Many answers come before the body is read: an unknown method (404), a refused verb (405),
//! the leaky bucket (503), a body over the limit (413). If the body is then simply dropped,
//! hyper closes the connection after the answer without saying so, and a client that keeps
//! the connection alive sends its next request into a closed socket. So: a body of a declared
//! length up to [`DRAIN_LIMIT`] is read and thrown away in the background (the answer goes
//! out at once and the connection stays usable); any other unread body (larger, or chunked
//! with no length) makes the answer carry `Connection: close`, and hyper closes after it.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The largest unread body drained rather than answered with `Connection: close`.
pub const DRAIN_LIMIT: u64 = 4 * 1024 * 1024;

/// How long a background drain may take before the connection is given up.
const DRAIN_TIME: Duration = Duration::from_secs(30);

/// The middleware: watches the request body and acts on what is left of it.
pub async fn drain_or_close(request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let drain = declared_length(&request).is_some_and(|length| length <= DRAIN_LIMIT);
    let finished = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let watched = Watched {
        inner: Some(body),
        finished: Arc::clone(&finished),
        drain_on_drop: drain,
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::new(watched)))
        .await;
    if !drain && !finished.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn declared_length(request: &Request) -> Option<u64> {
    if request.headers().contains_key(header::TRANSFER_ENCODING) {
        return None;
    }
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The request body, noting when it was read to the end, and drained when dropped early.
struct Watched {
    inner: Option<Body>,
    finished: Arc<AtomicBool>,
    drain_on_drop: bool,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.finished.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let Some(mut body) = self.inner.take() else {
            return;
        };
        if !self.drain_on_drop || self.finished.load(Ordering::Acquire) || body.is_end_stream() {
            return;
        }
        // Dropped inside a request on the runtime; without one there is no connection to save.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let drained = async {
                while let Some(frame) =
                    std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
                {
                    if frame.is_err() {
                        break;
                    }
                }
            };
            // Past the time limit the body is dropped and hyper closes the connection.
            let _ = tokio::time::timeout(DRAIN_TIME, drained).await;
        });
    }
}

impl std::fmt::Debug for Watched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watched")
            .field("drain_on_drop", &self.drain_on_drop)
            .finish_non_exhaustive()
    }
}
