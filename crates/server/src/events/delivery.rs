//! One delivery: the form a portal POSTs to a handler, and what its answer means.
//!
//! The body is `application/x-www-form-urlencoded` in PHP's bracket form: `event`,
//! `event_handler_id`, `data[FIELDS][ID]`, `ts` (when the event was raised), and
//! `auth[…]`. `auth[access_token]` is a real token of this server, minted for the delivery,
//! of the handler's `auth_type` user (or of the user whose write raised the event, for
//! `auth_type` 0), for the handler's application and with the scopes it was bound with, so
//! the handler can call back at once. A 2xx answer counts as delivered; anything else, or
//! no answer within [`HANDLER_TIMEOUT`], is retried after [`RETRY_BASE`] × 2ⁿ, up to
//! [`MAX_ATTEMPTS`] attempts in all.

use super::Endpoint;
use crate::domain::credentials::{generate_token, SecretHash};
use crate::domain::event::{self, OUTGOING_PREFIX};
use crate::http::oauth::MEMBER_ID;
use crate::state::AppState;
use crate::storage::event_outbox::{Attempt, Claimed};
use crate::storage::events::unix_millis;
use crate::storage::oauth::NewPair;
use crate::storage::StoreError;
use openlines_wire::params::{encode, Params};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How long a handler may take to answer.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts before a delivery is given up (`failed`).
pub const MAX_ATTEMPTS: i64 = 5;
/// The first retry's delay; each later one doubles it.
pub const RETRY_BASE: Duration = Duration::from_millis(500);

/// Posts `row` to its handler and records the attempt.
pub async fn deliver(
    state: &AppState,
    http: &reqwest::Client,
    endpoint: &Endpoint,
    claimer: &str,
    row: &Claimed,
) -> Result<(), StoreError> {
    let faults = state.faults().for_delivery();
    let body = form(state, endpoint, row).await?;
    let started = Instant::now();
    if faults.slow_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.slow_ms)).await;
    }
    let answer = if faults.fail {
        None
    } else {
        if faults.duplicate {
            // The first copy's answer is not looked at, as a lost acknowledgement's.
            let _ = post(http, &row.handler, body.clone()).await;
        }
        Some(post(http, &row.handler, body).await)
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, error) = match answer {
        None => (None, Some("fault: event_handler_failing".to_owned())),
        Some(answer) => judge(answer),
    };
    let now = unix_millis();
    let attempts = row.attempts + 1;
    let state_name = match (&error, attempts >= MAX_ATTEMPTS) {
        (None, _) => "delivered",
        (Some(_), true) => "failed",
        (Some(_), false) => "pending",
    };
    let backoff = RETRY_BASE.as_millis() as i64 * (1_i64 << (attempts - 1).clamp(0, 16));
    if let Some(error) = &error {
        tracing::info!(
            event.name = %row.event,
            event.handler_id = row.handler_id,
            event.attempts = attempts,
            event.error = %error,
            "event delivery failed"
        );
    }
    let attempt = Attempt {
        state: state_name,
        status,
        error,
        at_ms: now,
        duration_ms,
        due_at_ms: now + backoff,
    };
    state
        .store()
        .record_attempt(row.id, claimer, &attempt)
        .await?;
    if row.event == "ONAPPUNINSTALL" && state_name != "pending" {
        // The removed application's last word is out: its binding and token can go.
        state.store().forget_removed_app(&row.client_id).await?;
    }
    Ok(())
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    body: String,
) -> Result<reqwest::Response, reqwest::Error> {
    http.post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
}

/// The handler's HTTP status, and why the attempt does not count as delivered (`None`: it
/// does, a 2xx answer).
fn judge(answer: Result<reqwest::Response, reqwest::Error>) -> (Option<i64>, Option<String>) {
    match answer {
        Ok(response) if response.status().is_success() => {
            (Some(i64::from(response.status().as_u16())), None)
        }
        Ok(response) => (
            Some(i64::from(response.status().as_u16())),
            Some(format!("handler answered {}", response.status())),
        ),
        Err(error) if error.is_timeout() => (None, Some("handler timed out".to_owned())),
        Err(_) => (None, Some("handler unreachable".to_owned())),
    }
}

/// Whether `row`'s delivery carries no access token: an outgoing webhook's (there is no
/// application to hold one) and `ONAPPUNINSTALL` (the application's access is gone, and the
/// event's page shows only the portal's fields and `application_token`).
fn tokenless(row: &Claimed) -> bool {
    row.client_id.starts_with(OUTGOING_PREFIX) || row.event == "ONAPPUNINSTALL"
}

/// The form body of `row`, with a freshly minted access token unless [`tokenless`].
async fn form(state: &AppState, endpoint: &Endpoint, row: &Claimed) -> Result<String, StoreError> {
    if tokenless(row) {
        return tokenless_form(state, endpoint, row).await;
    }
    let store = state.store();
    let settings = state.settings();
    let user = if row.auth_type > 0 {
        row.auth_type
    } else {
        row.actor_id
    };
    let access = generate_token();
    // Only the installation hands the application a refresh token; for every other event the
    // pair's refresh token is never shown and expires at once, so it can never be used.
    let install = row.event == "ONAPPINSTALL";
    let refresh = generate_token();
    let now = state.clock().now_secs();
    store
        .add_pair(&NewPair {
            access_sha256: SecretHash::of(&access).as_str(),
            refresh_sha256: SecretHash::of(&refresh).as_str(),
            user_id: user,
            scopes: &row.scopes,
            client_id: &row.client_id,
            expires_at: now + settings.access_token_ttl,
            refresh_expires_at: if install {
                now + settings.refresh_token_ttl
            } else {
                now
            },
        })
        .await?;
    let application_token = store
        .application_token(&row.client_id, generate_token().expose_secret())
        .await?;
    let scope = event::find(&row.event)
        .and_then(|def| def.scope)
        .map_or_else(|| row.scopes.clone(), |scope| scope.as_str().to_owned());
    let rest = format!("{}/rest/", endpoint.base);
    // `expires` (when the token ends, Unix seconds) and `user_id` are in the portal's
    // deliveries (the connector events' pages show them), and SDKs read them: b24pysdk's
    // event parser refuses an access token without `expires`.
    let mut auth = json!({
        "access_token": access.expose_secret(),
        "expires": (now + settings.access_token_ttl).to_string(),
        "expires_in": settings.access_token_ttl.to_string(),
        "scope": scope,
        "domain": endpoint.domain,
        "server_endpoint": rest,
        "status": "L",
        "client_endpoint": rest,
        "member_id": MEMBER_ID,
        "user_id": user.to_string(),
        "application_token": application_token,
    });
    if install {
        auth["refresh_token"] = json!(refresh.expose_secret());
    }
    Ok(envelope(row, auth))
}

/// The form body of a [`tokenless`] row: the portal's address fields and the
/// `application_token`, nothing that grants access.
async fn tokenless_form(
    state: &AppState,
    endpoint: &Endpoint,
    row: &Claimed,
) -> Result<String, StoreError> {
    let application_token = state
        .store()
        .application_token(&row.client_id, generate_token().expose_secret())
        .await?;
    let rest = format!("{}/rest/", endpoint.base);
    let auth = json!({
        "domain": endpoint.domain,
        "client_endpoint": rest,
        "server_endpoint": rest,
        "member_id": MEMBER_ID,
        "application_token": application_token,
    });
    Ok(envelope(row, auth))
}

/// `event`, `event_handler_id`, `data`, `ts` and `auth`, in the portal's order.
fn envelope(row: &Claimed, auth: Value) -> String {
    let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let mut params = Params::new();
    params.insert("event".into(), json!(row.event));
    params.insert("event_handler_id".into(), json!(row.handler_id.to_string()));
    params.insert("data".into(), data);
    params.insert("ts".into(), json!(row.created_at.to_string()));
    params.insert("auth".into(), auth);
    encode(&params)
}
