//! The OAuth server's host names (`--oauth-host`): some SDKs (b24pysdk) refresh tokens and
//! read `app.info` at a fixed OAuth host (`oauth.bitrix24.tech`) with no setting to change
//! it. Given a resolver entry for that name and a certificate for it, openlines can answer
//! there too: requests whose `Host` is one of these names get the OAuth server's answers.
//!
//! On such a host, `/oauth/token/` is the usual token endpoint, `/rest/app.info` answers in
//! the OAuth server's shape (`client_id`, `scope`, `expires`, `install{…}`, `user_id`), and
//! every other path is an unknown method, as the OAuth server serves nothing else.

use super::oauth::MEMBER_ID;
use super::params;
use super::respond;
use super::rest::is_https;
use super::route::Format;
use crate::clock::CallSpan;
use crate::domain::credentials::SecretHash;
use crate::rpc::{ApiError, MethodOutput};
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use openlines_wire::params::php_string;
use openlines_wire::ErrorCode;
use secrecy::SecretString;
use serde_json::json;

/// The request's host name without a port, lower case.
fn host_name(request: &Request<Body>) -> Option<String> {
    let host = request.headers().get(header::HOST)?.to_str().ok()?;
    let name = match host.rsplit_once(':') {
        // `[::1]:443` or `name:443`; a bare IPv6 address has more colons and no brackets.
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    };
    Some(name.to_ascii_lowercase())
}

/// Routes requests for an OAuth host name; everything else goes on unchanged.
pub async fn route(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    let for_oauth_host =
        host_name(&request).is_some_and(|name| state.settings().oauth_hosts.contains(&name));
    if !for_oauth_host {
        return next.run(request).await;
    }
    match request.uri().path().trim_end_matches('/') {
        "/oauth/token" => next.run(request).await,
        "/rest/app.info" | "/rest/app.info.json" => app_info(&state, request).await,
        _ => respond::error(&ApiError::new(ErrorCode::MethodNotFound), Format::Json),
    }
}

fn oauth_error(status: StatusCode, code: &str, text: &str) -> Response {
    respond::write(
        status,
        &json!({"error": code, "error_description": text}),
        Format::Json,
    )
}

/// `app.info` as the OAuth server answers it, for the token in `auth`.
async fn app_info(state: &AppState, request: Request<Body>) -> Response {
    let start = state.clock().now();
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, state.settings().max_body_bytes).await else {
        return oauth_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            "Request body too large",
        );
    };
    let Ok(params) = params::gather(
        &parts.method,
        parts.uri.query(),
        &parts.headers,
        body,
        state.settings().param_limits,
    )
    .await
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed request",
        );
    };
    let Some(token) = params
        .get("auth")
        .and_then(php_string)
        .filter(|t| !t.is_empty())
    else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "NO_AUTH_FOUND",
            "Wrong authorization data",
        );
    };
    let hash = SecretHash::of(&SecretString::from(token));
    let row = match state.store().token_with_user(hash.as_str()).await {
        Ok(found) => found.map(|(token, _user)| token),
        Err(error) => {
            tracing::error!(error.cause = %error, "OAuth host app.info failed");
            return respond::error(&ApiError::new(ErrorCode::InternalServerError), Format::Json);
        }
    };
    let Some(row) = row.filter(|row| hash.as_str() == row.access_sha256) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The access token provided is invalid",
        );
    };
    let clock = state.clock();
    if row.expires_at <= clock.now_secs() {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "expired_token",
            "The access token provided has expired",
        );
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!(
        "{}://{host}",
        if is_https(&parts) { "https" } else { "http" }
    );
    let result = json!({
        "client_id": row.client_id.clone().unwrap_or_default(),
        "scope": row.scopes,
        "expires": clock.iso8601(row.expires_at as f64),
        "install": {
            "installed": true,
            "version": 1,
            "status": "L",
            "scope": row.scopes,
            "domain": host,
            "uri": base,
            "client_endpoint": format!("{base}/rest/"),
            "member_id": MEMBER_ID,
            "member_type": "LOCAL",
        },
        "user_id": row.user_id,
    });
    let finish = clock.now();
    let span = CallSpan {
        start,
        method_start: start,
        method_end: finish,
        finish,
    };
    respond::success(
        MethodOutput::new(result),
        &clock.time_block(span, 0.0, clock.now_secs()),
        Format::Json,
    )
}
