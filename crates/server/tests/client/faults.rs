//! The client against the server's switchable faults (admin endpoint): a forced rate limit it
//! retries a fixed number of times, a forced 500 it does not retry, a moved portal, and an
//! access token that expires mid-session.

use crate::helpers::{quiet_settings, ADMIN_HOOK};
use crate::observed::{step, ObservedApp};
use crate::support::{
    api, api_error, install_expired_app, quick_retries, refreshing, webhook, webhook_url,
    CLIENT_SECRET, OLD_ACCESS, OLD_REFRESH,
};
use openlines::state::Settings;
use openlines_client::{Client, Credentials, CrmEntityType, Error, ErrorCode, Params};
use serde_json::{json, Value};

pub const ADMIN_TOKEN: &str = "client-suite-admin-token";

/// The demo server with the admin endpoint open to [`ADMIN_TOKEN`].
pub async fn app_with_admin() -> ObservedApp {
    ObservedApp::start(Settings {
        admin_token: Some(ADMIN_TOKEN.to_owned().into()),
        ..quiet_settings()
    })
    .await
}

/// Calls the admin endpoint; returns the status and the JSON body.
pub async fn admin(
    app: &ObservedApp,
    verb: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(verb, format!("http://{}{path}", app.address))
        .bearer_auth(ADMIN_TOKEN);
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("admin request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Switches a fault on and checks it got the id `id`.
pub async fn switch_on(app: &ObservedApp, fault: Value, id: u64) {
    let answer = admin(
        app,
        reqwest::Method::POST,
        "/_openlines/admin/faults",
        Some(fault),
    )
    .await;
    assert_eq!(answer, (200, json!({"id": id})));
}

async fn switch_all_off(app: &ObservedApp) {
    let (status, _) = admin(
        app,
        reqwest::Method::DELETE,
        "/_openlines/admin/faults",
        None,
    )
    .await;
    assert_eq!(status, 200);
}

/// The requests that were REST calls (not admin calls).
pub fn rest_calls(app: &ObservedApp) -> Vec<(String, String, Option<u16>)> {
    app.trail()
        .into_iter()
        .filter(|(_, path, _)| !path.starts_with("/_openlines/"))
        .collect()
}

const SERVER_TIME: &str = "/rest/1/demo0123456789ab/server.time";

#[tokio::test]
async fn a_forced_rate_limit_is_retried_up_to_max_attempts() {
    let app = app_with_admin().await;
    switch_on(&app, json!({"kind": "query_limit", "after_calls": 0}), 1).await;
    let client =
        Client::builder(Credentials::webhook(&webhook_url(app.address, ADMIN_HOOK)).unwrap())
            .no_rate_limit()
            .retry(quick_retries(4))
            .build()
            .unwrap();
    let err = client.call("server.time", Params::new()).await.unwrap_err();
    assert_eq!(
        api::<()>(Err(err)),
        api_error(ErrorCode::QueryLimitExceeded, 503, "Too many requests")
    );
    assert_eq!(rest_calls(&app), vec![step("POST", SERVER_TIME, 503); 4]);
    switch_all_off(&app).await;
    client.call("server.time", Params::new()).await.unwrap();
}

#[tokio::test]
async fn a_server_failure_is_not_retried() {
    let app = app_with_admin().await;
    switch_on(
        &app,
        json!({"kind": "internal_error", "method": "server.time", "count": 1}),
        1,
    )
    .await;
    let client = webhook(app.address, ADMIN_HOOK);
    assert_eq!(
        api(client.call("server.time", Params::new()).await),
        api_error(ErrorCode::InternalServerError, 500, "Internal server error")
    );
    client.call("server.time", Params::new()).await.unwrap();
    assert_eq!(
        rest_calls(&app),
        [
            step("POST", SERVER_TIME, 500),
            step("POST", SERVER_TIME, 200)
        ]
    );
}

#[tokio::test]
async fn a_moved_portal_is_reported_not_followed() {
    let app = app_with_admin().await;
    switch_on(
        &app,
        json!({"kind": "redirect", "new_base": "https://moved.example.com"}),
        1,
    )
    .await;
    let err = webhook(app.address, ADMIN_HOOK)
        .call("server.time", Params::new())
        .await
        .unwrap_err();
    match err {
        Error::Decode { status, reason } => {
            assert_eq!(status, 302);
            assert_eq!(
                reason,
                "the portal moved to https://moved.example.com; build the client with its new address"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(rest_calls(&app), [step("POST", SERVER_TIME, 302)]);
}

#[tokio::test]
async fn a_token_that_expires_mid_session_is_refreshed_again() {
    let app = app_with_admin().await;
    install_expired_app(&app.store).await;
    let client = Client::new(refreshing(
        app.address,
        OLD_ACCESS,
        OLD_REFRESH,
        CLIENT_SECRET,
    ))
    .unwrap();
    let lead = || client.crm_chat_get(CrmEntityType::Lead, 1205, true);
    lead().await.unwrap();
    let first = client.tokens().unwrap();
    let (status, body) = admin(
        &app,
        reqwest::Method::POST,
        "/_openlines/admin/tokens/expire",
        Some(json!({"access_token": first.access_token})),
    )
    .await;
    assert_eq!((status, body), (200, json!({"expired": true})));
    lead().await.unwrap();
    let second = client.tokens().unwrap();
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(second.refresh_token, first.refresh_token);
    let chat_get = "/rest/imopenlines.crm.chat.get";
    assert_eq!(
        rest_calls(&app),
        [
            step("POST", chat_get, 401),
            step("GET", "/oauth/token/", 200),
            step("POST", chat_get, 200),
            step("POST", chat_get, 401),
            step("GET", "/oauth/token/", 200),
            step("POST", chat_get, 200),
        ]
    );
}
