//! openlines: a server that answers the Bitrix24 REST API for open-line chats as a portal does.
//!
//! A request flows one way through these modules:
//!
//! - [`http`]: the protocol edge — URL forms, parameter decoding, credentials, the envelope.
//! - [`auth`]: webhook codes and OAuth tokens → a caller with scopes.
//! - [`rpc`]: the method table and `dispatch`, the one way into a method.
//! - [`methods`]: one file per Bitrix24 method.
//! - [`domain`]: types and rules (CRM types, session statuses, permissions, scopes).
//! - [`storage`]: SQL for SQLite and PostgreSQL behind one [`storage::Store`].
//! - [`tls`]: HTTPS, with a self-signed certificate for localhost on request.
//! - [`limits`]: the leaky bucket and the operating-time budget, state behind a trait.
//!
//! Around them: [`events`] (delivering raised events to bound handlers), [`faults`]
//! (switchable misbehaviour for integrators), [`journal`] (the last requests), [`dataset`]
//! (JSON Lines import and the demo data), [`snapshots`] (the data states `reset` and `restore`
//! go back to), [`state`] and [`clock`]
//! (what requests share), and [`cli`] (the `openlines` command).
//!
//! [`app`] builds the router and [`serve`] runs it until a shutdown signal; tests bind port 0
//! and call both, exactly as `main` does.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod console;
pub mod dataset;
pub mod domain;
pub mod events;
pub mod faults;
pub mod http;
pub mod journal;
pub mod limits;
pub mod methods;
pub mod rpc;
pub mod snapshots;
pub mod state;
pub mod storage;
pub mod tls;

use state::AppState;
use std::future::Future;
use tokio::net::TcpListener;

/// The HTTP application for `state`.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}

/// Serves `state` over HTTPS on `listener` until `shutdown` completes. Requests are marked as
/// having arrived over TLS (what `--require-https` checks). Connections are capped and timed
/// as for plain HTTP ([`http::connections`]).
pub async fn serve_tls(
    listener: std::net::TcpListener,
    tls: axum_server::tls_rustls::RustlsConfig,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shutdown = start_delivery(&state, listener.local_addr()?, true, shutdown);
    let limits = state.settings().connections;
    let app = app(state).layer(axum::Extension(http::rest::ServedOverTls));
    listener.set_nonblocking(true)?;
    let listener = TcpListener::from_std(listener)?;
    let transport = http::connections::Transport::Tls(tls);
    http::connections::serve(listener, transport, app, limits, shutdown).await
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes open requests.
/// Connections are capped and timed as `state`'s settings say ([`http::connections`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shutdown = start_delivery(&state, listener.local_addr()?, false, shutdown);
    let limits = state.settings().connections;
    serve_router(listener, app(state), limits, shutdown).await
}

/// Serves any router exactly as [`serve`] serves the application: our own accept loop with its
/// connection cap and time limits ([`http::connections`]), graceful shutdown. Public so that
/// the fixed-answer ceiling (`bench/ceiling`) measures the same connection handling as
/// `openlines serve`.
pub async fn serve_router(
    listener: TcpListener,
    router: axum::Router,
    limits: http::connections::ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let transport = http::connections::Transport::Plain;
    http::connections::serve(listener, transport, router, limits, shutdown).await
}

/// Starts the server's one event delivery task with its first listener on `address` (the HTTP
/// and HTTPS listeners share one state, and one poller is enough for both); returns
/// `shutdown` extended to stop the task too, and to end the console's live streams (they
/// never end by themselves, and a graceful shutdown waits for open requests).
fn start_delivery(
    state: &AppState,
    address: std::net::SocketAddr,
    https: bool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let first = state
        .courier()
        .set_endpoint(events::Endpoint::new(address, https));
    let stop = first.then(|| {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(events::run(state.clone(), stopped));
        stop
    });
    let console_state = state.clone();
    async move {
        shutdown.await;
        console_state.console().close();
        if let Some(stop) = stop {
            let _ = stop.send(true);
        }
    }
}
