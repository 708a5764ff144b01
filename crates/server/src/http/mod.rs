//! The protocol edge: URL forms, parameters, credentials, and the envelope on the way out.
//!
//! Request flow: [`route`] reads `/rest/…` → the method is looked up (404 before auth) →
//! [`params`] gathers query, form, multipart or JSON parameters → [`credentials`] finds the
//! webhook code or token → `auth` checks it → `rpc::dispatch` runs the method →
//! [`respond`] writes the envelope as JSON or XML with the portal's headers.

pub mod admin;
pub mod admin_events;
pub mod admin_snapshots;
pub mod connections;
pub mod credentials;
pub mod middleware;
pub mod oauth;
pub mod oauth_host;
pub mod params;
pub mod respond;
pub mod rest;
pub mod route;
pub mod unread_body;
pub mod xml;

use crate::state::AppState;
use axum::routing::{any, get};
use axum::Router;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(rest::ready))
        .route("/oauth/token", any(oauth::token))
        .route("/oauth/token/", any(oauth::token))
        .merge(admin::routes())
        .merge(admin_snapshots::routes())
        .merge(crate::console::routes())
        .fallback(rest::entry)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            oauth_host::route,
        ))
        .with_state(state);
    middleware::wrap(routes)
}
