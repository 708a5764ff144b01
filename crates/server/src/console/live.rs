//! The live journal: `GET /_openlines/console/api/journal/stream`, server-sent events.
//!
//! Each new call is one `call` event whose `id` is its journal number and whose data is the
//! entry as JSON. The page loads the newest entries first, then opens the stream with
//! `?since=` the highest number it has: the stream starts with the entries after that (so
//! nothing recorded in between is lost) and goes on with new ones. A browser that reconnects
//! sends `Last-Event-ID`, which takes the place of `since`.
//!
//! A stream ends when its session does (sign-out), when the server stops (open streams would
//! otherwise hold up a graceful shutdown) and after [`STREAM_LIFETIME`] (the browser then
//! reconnects by itself), and tells the page to reload with a `lagged` event when it fell so
//! far behind that entries were dropped.

use super::signed;
use crate::journal::Entry;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Request};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How long one stream lasts before the browser is made to reconnect.
const STREAM_LIFETIME: Duration = Duration::from_secs(300);
/// Entries replayed at most when a stream starts.
const MAX_BACKLOG: usize = 500;

/// Where a stream is.
struct Cursor {
    state: AppState,
    headers: HeaderMap,
    live: tokio::sync::broadcast::Receiver<Entry>,
    closing: tokio::sync::watch::Receiver<bool>,
    backlog: VecDeque<Entry>,
    last_sent: u64,
    deadline: tokio::time::Instant,
    done: bool,
}

pub(super) async fn stream(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
) -> Response {
    let headers = request.headers().clone();
    if let Err(refused) = signed(&state, &headers) {
        return refused.into_response();
    }
    let since: u64 = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .or_else(|| super::api::query_number(request.uri().query(), "since"))
        .unwrap_or(0);
    // Subscribed before the backlog is read, so an entry recorded in between is in one of
    // the two (and sent once: the cursor skips numbers it has sent).
    let live = state.journal().subscribe();
    let mut backlog: Vec<Entry> = state
        .journal()
        .page(None, MAX_BACKLOG)
        .into_iter()
        .filter(|entry| entry.id > since)
        .collect();
    backlog.reverse();
    let cursor = Cursor {
        closing: state.console().closing(),
        state,
        headers,
        live,
        backlog: backlog.into(),
        last_sent: since,
        deadline: tokio::time::Instant::now() + STREAM_LIFETIME,
        done: false,
    };
    let sse =
        Sse::new(events(cursor)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    super::harden(sse.into_response())
}

fn call_event(entry: &Entry) -> Event {
    Event::default()
        .event("call")
        .id(entry.id.to_string())
        .data(serde_json::to_string(entry).unwrap_or_default())
}

fn events(cursor: Cursor) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(cursor, |mut cursor| async move {
        if cursor.done {
            return None;
        }
        if let Some(entry) = cursor.backlog.pop_front() {
            cursor.last_sent = entry.id;
            return Some((Ok(call_event(&entry)), cursor));
        }
        loop {
            if *cursor.closing.borrow() || cursor.state.console().session(&cursor.headers).is_none()
            {
                return None;
            }
            tokio::select! {
                received = cursor.live.recv() => match received {
                    Ok(entry) if entry.id <= cursor.last_sent => continue,
                    Ok(entry) => {
                        cursor.last_sent = entry.id;
                        return Some((Ok(call_event(&entry)), cursor));
                    }
                    Err(RecvError::Lagged(_)) => {
                        cursor.done = true;
                        let event = Event::default().event("lagged").data("reload");
                        return Some((Ok(event), cursor));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = cursor.closing.changed() => return None,
                () = tokio::time::sleep_until(cursor.deadline) => return None,
            }
        }
    })
}
