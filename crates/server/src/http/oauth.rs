//! `/oauth/token/`: the OAuth server of spec §10.2, for applications registered with
//! `openlines app add`. `grant_type=refresh_token` rotates the pair (the old refresh token is
//! spent at once); `grant_type=authorization_code` redeems a code from `openlines app code`.
//! GET with a query string and POST with a form both work, as on `oauth.bitrix.info`.

use super::params;
use super::rest::{client_address, is_https};
use crate::domain::credentials::{generate_token, SecretHash};
use crate::state::AppState;
use crate::storage::oauth::{NewPair, NewPairOwned};
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};

/// The `member_id` of the one portal this server is.
pub const MEMBER_ID: &str = "0penl1ne5000000000000000000000000";

/// An OAuth error: `{"error": code, "error_description": text}` with its status.
struct OAuthError(StatusCode, &'static str, &'static str);

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.1, "error_description": self.2});
        super::respond::write(self.0, &body, super::route::Format::Json)
    }
}

pub async fn token(State(state): State<AppState>, request: Request<Body>) -> Response {
    match grant(&state, request).await {
        Ok(body) => super::respond::write(StatusCode::OK, &body, super::route::Format::Json),
        Err(error) => error.into_response(),
    }
}

async fn grant(state: &AppState, request: Request<Body>) -> Result<Value, OAuthError> {
    let bad_request = OAuthError(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Malformed request",
    );
    let client = client_address(&request, state.settings().trust_forwarded_for);
    admit(state, &client).await?;
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, state.settings().max_body_bytes)
        .await
        .map_err(|_| {
            OAuthError(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "Request body too large",
            )
        })?;
    let params = params::gather(
        &parts.method,
        parts.uri.query(),
        &parts.headers,
        body,
        state.settings().param_limits,
    )
    .await
    .map_err(|_| {
        OAuthError(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed request",
        )
    })?;
    let text = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let (client_id, client_secret) = (text("client_id"), text("client_secret"));
    if client_id.is_empty() {
        return Err(bad_request);
    }
    let store = state.store();
    let app = store.app(&client_id).await.map_err(server_error)?;
    let secret_ok = app.as_ref().is_some_and(|app| {
        SecretHash::from_hex(&app.client_secret_sha256).is_some_and(|stored| {
            stored.matches(&SecretHash::of(&SecretString::from(client_secret.clone())))
        })
    });
    if !secret_ok {
        return Err(OAuthError(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client credentials",
        ));
    }
    let now = state.clock().now_secs();
    let settings = state.settings();
    let access = generate_token();
    let refresh = generate_token();
    let pair = NewPairOwned {
        access_sha256: SecretHash::of(&access).as_str().to_owned(),
        refresh_sha256: SecretHash::of(&refresh).as_str().to_owned(),
        expires_at: now + settings.access_token_ttl,
        refresh_expires_at: now + settings.refresh_token_ttl,
    };
    let invalid_grant = |what| OAuthError(StatusCode::BAD_REQUEST, "invalid_grant", what);
    let (user_id, scopes) = match text("grant_type").as_str() {
        "refresh_token" => {
            let old = SecretHash::of(&SecretString::from(text("refresh_token")));
            let grant = store
                .rotate(old.as_str(), &client_id, now, &pair)
                .await
                .map_err(server_error)?;
            let grant = grant.ok_or_else(|| invalid_grant("Invalid refresh token"))?;
            (grant.user_id, grant.scopes)
        }
        "authorization_code" => {
            let code = SecretHash::of(&SecretString::from(text("code")));
            let user = store
                .redeem_code(code.as_str(), &client_id, now)
                .await
                .map_err(server_error)?;
            let user = user.ok_or_else(|| invalid_grant("Invalid authorization code"))?;
            let scopes = app.map(|app| app.scopes).unwrap_or_default();
            store
                .add_pair(&NewPair {
                    access_sha256: &pair.access_sha256,
                    refresh_sha256: &pair.refresh_sha256,
                    user_id: user,
                    scopes: &scopes,
                    client_id: &client_id,
                    expires_at: pair.expires_at,
                    refresh_expires_at: pair.refresh_expires_at,
                })
                .await
                .map_err(server_error)?;
            (user, scopes)
        }
        _ => {
            return Err(OAuthError(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Unsupported grant_type",
            ))
        }
    };
    let base = endpoint_base(&parts);
    Ok(json!({
        "access_token": access.expose_secret(),
        "expires": pair.expires_at,
        "expires_in": settings.access_token_ttl,
        "scope": scopes,
        "domain": host(&parts),
        "server_endpoint": format!("{base}/rest/"),
        "status": "L",
        "client_endpoint": format!("{base}/rest/"),
        "member_id": MEMBER_ID,
        "user_id": user_id,
        "refresh_token": refresh.expose_secret(),
    }))
}

/// The token endpoint shares the client's leaky bucket with `/rest/`: otherwise it would be
/// the one place where client secrets can be guessed at full speed.
async fn admit(state: &AppState, client: &str) -> Result<(), OAuthError> {
    match state.limiter().admit(client, state.clock().now()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(OAuthError(
            StatusCode::SERVICE_UNAVAILABLE,
            "QUERY_LIMIT_EXCEEDED",
            "Too many requests",
        )),
        Err(error) => {
            tracing::error!(error.cause = %error, "token endpoint failed: limiter state");
            Err(OAuthError(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "Internal server error",
            ))
        }
    }
}

fn server_error(error: crate::storage::StoreError) -> OAuthError {
    tracing::error!(error.cause = %error, "token endpoint failed");
    OAuthError(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "Internal server error",
    )
}

fn host(parts: &axum::http::request::Parts) -> String {
    parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}

/// `http(s)://host` of this server as the client reached it.
fn endpoint_base(parts: &axum::http::request::Parts) -> String {
    let scheme = if is_https(parts) { "https" } else { "http" };
    format!("{scheme}://{}", host(parts))
}
