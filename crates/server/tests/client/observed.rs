//! `ObservedApp`: the real server, as `helpers::TestApp` starts it, plus a log of every HTTP
//! request it received.
//!
//! Some client behaviour can only be checked by counting what reached the server: how many
//! requests a retry or a token refresh took, how a batch was split. `TestApp` cannot see that,
//! so this starts the same router (`openlines::app`) behind one recording layer. The layer
//! writes an entry when a request *arrives* and fills in the status when the answer leaves, so
//! a request whose client gave up (and whose handler was therefore dropped) still shows, with
//! no status.

use crate::helpers::open_migrated;
use openlines::clock::Clock;
use openlines::dataset::demo::DEMO_JSONL;
use openlines::state::{AppState, Settings};
use openlines::storage::Store;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `GET`, `POST`, …
    pub verb: String,
    /// The path without the query, e.g. `/rest/1/demo0123456789ab/server.time`.
    pub path: String,
    /// The answer's status; `None` when the handler never finished (the client hung up).
    pub status: Option<u16>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A running server with the demo data and a request log.
pub struct ObservedApp {
    pub address: SocketAddr,
    pub store: Store,
    log: Log,
    _dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl ObservedApp {
    /// The demo data with `settings`.
    pub async fn start(settings: Settings) -> ObservedApp {
        // Always SQLite: what is observed here is the client, not the storage backend.
        let dir = tempfile::tempdir().expect("temp dir");
        let store = open_migrated(&dir.path().join("openlines.db").to_string_lossy()).await;
        let now = Clock::default().now_secs();
        openlines::dataset::import::import(&store, DEMO_JSONL.as_bytes(), now, |_| {})
            .await
            .expect("fixture loads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let log = Log::default();
        let router = openlines::app(AppState::new(store.clone(), settings, Clock::default()))
            .layer(axum::middleware::from_fn({
                let log = log.clone();
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    record(log.clone(), request, next)
                }
            }));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        ObservedApp {
            address,
            store,
            log,
            _dir: dir,
            stop: Some(stop),
        }
    }

    /// Every request so far, in the order they arrived.
    pub fn seen(&self) -> Vec<Seen> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// `(verb, path, status)` of every request so far, for exact comparisons.
    pub fn trail(&self) -> Vec<(String, String, Option<u16>)> {
        self.seen()
            .into_iter()
            .map(|seen| (seen.verb, seen.path, seen.status))
            .collect()
    }

    /// The requests whose path ends in `/<suffix>`.
    pub fn seen_at(&self, suffix: &str) -> Vec<Seen> {
        let tail = format!("/{suffix}");
        self.seen()
            .into_iter()
            .filter(|seen| seen.path.ends_with(&tail))
            .collect()
    }
}

impl Drop for ObservedApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn record(
    log: Log,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let index = {
        let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
        log.push(Seen {
            verb: request.method().to_string(),
            path: request.uri().path().to_owned(),
            status: None,
        });
        log.len() - 1
    };
    let response = next.run(request).await;
    log.lock().unwrap_or_else(PoisonError::into_inner)[index].status =
        Some(response.status().as_u16());
    response
}

/// `(verb, path, status)` for [`ObservedApp::trail`] comparisons.
pub fn step(verb: &str, path: &str, status: u16) -> (String, String, Option<u16>) {
    (verb.to_owned(), path.to_owned(), Some(status))
}
