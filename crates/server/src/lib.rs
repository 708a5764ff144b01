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
//! Around them: [`faults`] (switchable misbehaviour for integrators), [`journal`] (the last
//! requests), [`fixtures`] (JSON Lines import and the demo data), [`state`] and [`clock`]
//! (what requests share), and [`cli`] (the `openlines` command).
//!
//! [`app`] builds the router and [`serve`] runs it until a shutdown signal; tests bind port 0
//! and call both, exactly as `main` does.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod faults;
pub mod fixtures;
pub mod http;
pub mod journal;
pub mod limits;
pub mod methods;
pub mod rpc;
pub mod state;
pub mod storage;
pub mod tls;

use state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The HTTP application for `state`.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}

/// Serves `state` over HTTPS on `listener` until `shutdown` completes. Requests are marked as
/// having arrived over TLS (what `--require-https` checks).
pub async fn serve_tls(
    listener: std::net::TcpListener,
    tls: axum_server::tls_rustls::RustlsConfig,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state)
        .layer(axum::Extension(http::rest::ServedOverTls))
        .into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, tls)?
        .handle(handle)
        .serve(app)
        .await
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, app(state), shutdown).await
}

/// Serves any router exactly as [`serve`] serves the application: the peer address recorded
/// for each connection, graceful shutdown. Public so that the fixed-answer ceiling
/// (`bench/ceiling`) measures the same connection handling as `openlines serve`.
pub async fn serve_router(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
