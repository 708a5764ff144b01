//! Fault switches and the call journal through the admin endpoint; every switch on and off at
//! run time, and the endpoint refusing webhook codes and OAuth tokens.

use crate::helpers::{quiet_settings, TestApp, ADMIN_HOOK, LIMITED_HOOK};
use openlines::state::Settings;
use serde_json::{json, Value};

const ADMIN: &str = "test-admin-token";

async fn app() -> TestApp {
    let settings = Settings {
        admin_token: Some(ADMIN.to_owned().into()),
        ..quiet_settings()
    };
    TestApp::with_settings(settings, &[openlines::dataset::demo::DEMO_JSONL]).await
}

async fn admin(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> crate::helpers::Answer {
    let mut request = app.http.request(method, app.url(path)).bearer_auth(ADMIN);
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    crate::helpers::Answer::read(request.send().await.unwrap()).await
}

async fn switch_on(app: &TestApp, fault: Value) -> u64 {
    let answer = admin(
        app,
        reqwest::Method::POST,
        "/_openlines/admin/faults",
        Some(fault),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json["id"].as_u64().unwrap()
}

async fn switch_all_off(app: &TestApp) {
    assert_eq!(
        admin(
            app,
            reqwest::Method::DELETE,
            "/_openlines/admin/faults",
            None
        )
        .await
        .status,
        200
    );
}

async fn server_time(app: &TestApp, hook: &str) -> crate::helpers::Answer {
    app.post_json(&format!("{hook}/server.time"), json!({}))
        .await
}

#[tokio::test]
async fn admin_endpoint_refuses_webhooks_tokens_and_strangers() {
    let app = app().await;
    let denied = json!({"error":"INVALID_CREDENTIALS","error_description":"The admin endpoint needs the admin token (Authorization: Bearer …)"});
    for bearer in [
        "demo0123456789ab",
        "demo-access-token",
        "",
        "test-admin-tokenX",
    ] {
        let response = app
            .http
            .get(app.url("/_openlines/admin/journal"))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        crate::helpers::Answer::read(response)
            .await
            .assert_error(401, denied.clone());
    }
    let response = app
        .http
        .get(app.url("/_openlines/admin/faults"))
        .send()
        .await
        .unwrap();
    crate::helpers::Answer::read(response)
        .await
        .assert_error(401, denied);
    // Without an admin token configured the endpoint does not exist.
    let closed = TestApp::demo().await;
    let response = closed
        .http
        .get(closed.url("/_openlines/admin/faults"))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn forced_query_limit_after_n_calls_then_off() {
    let app = app().await;
    switch_on(&app, json!({"kind":"query_limit","after_calls":2})).await;
    server_time(&app, ADMIN_HOOK).await.result();
    server_time(&app, ADMIN_HOOK).await.result();
    server_time(&app, ADMIN_HOOK).await.assert_error(
        503,
        json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}),
    );
    switch_all_off(&app).await;
    server_time(&app, ADMIN_HOOK).await.result();
}

#[tokio::test]
async fn forced_operation_time_limit_for_one_method_and_one_webhook() {
    let app = app().await;
    let id = switch_on(
        &app,
        json!({"kind":"operation_time_limit","method":"server.time","webhook":"demo0123456789ab"}),
    )
    .await;
    let blocked = json!({"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."});
    server_time(&app, ADMIN_HOOK)
        .await
        .assert_error(429, blocked);
    // Another method of the same webhook, and the same method of another webhook, still work.
    app.post_json(&format!("{ADMIN_HOOK}/profile"), json!({}))
        .await
        .result();
    server_time(&app, LIMITED_HOOK).await.result();
    let listed = admin(&app, reqwest::Method::GET, "/_openlines/admin/faults", None).await;
    assert_eq!(
        listed.json["faults"][0]["kind"],
        json!("operation_time_limit")
    );
    assert_eq!(
        admin(
            &app,
            reqwest::Method::DELETE,
            &format!("/_openlines/admin/faults/{id}"),
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        admin(
            &app,
            reqwest::Method::DELETE,
            &format!("/_openlines/admin/faults/{id}"),
            None
        )
        .await
        .status,
        404
    );
    server_time(&app, ADMIN_HOOK).await.result();
}

#[tokio::test]
async fn internal_errors_for_the_next_n_calls_also_inside_batch() {
    let app = app().await;
    switch_on(
        &app,
        json!({"kind":"internal_error","method":"server.time","count":2}),
    )
    .await;
    let failure =
        json!({"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"});
    server_time(&app, ADMIN_HOOK)
        .await
        .assert_error(500, failure.clone());
    let batch = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"cmd":{"t":"server.time"}}),
        )
        .await;
    assert_eq!(batch.result()["result_error"]["t"], failure);
    // Spent after two calls: the switch turned itself off.
    server_time(&app, ADMIN_HOOK).await.result();
    let listed = admin(&app, reqwest::Method::GET, "/_openlines/admin/faults", None).await;
    assert_eq!(listed.json["faults"], json!([]));
}

#[tokio::test]
async fn expire_a_token_now_then_refresh_is_the_only_way_on() {
    let app = app().await;
    let call = || app.post_json("/rest/server.time", json!({"auth":"demo-access-token"}));
    call().await.result();
    let expired = admin(
        &app,
        reqwest::Method::POST,
        "/_openlines/admin/tokens/expire",
        Some(json!({"access_token":"demo-access-token"})),
    )
    .await;
    assert_eq!(expired.json, json!({"expired": true}));
    call().await.assert_error(401, json!({"error":"expired_token","error_description":"The access token provided has expired"}));
    let unknown = admin(
        &app,
        reqwest::Method::POST,
        "/_openlines/admin/tokens/expire",
        Some(json!({"access_token":"nope"})),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn latency_is_added_and_removed() {
    let app = app().await;
    switch_on(&app, json!({"kind":"latency","min_ms":150,"max_ms":150})).await;
    server_time(&app, ADMIN_HOOK).await.result();
    switch_all_off(&app).await;
    server_time(&app, ADMIN_HOOK).await.result();
    // The journal, not a clock in the test, shows the added latency.
    let journal = admin(
        &app,
        reqwest::Method::GET,
        "/_openlines/admin/journal?limit=2",
        None,
    )
    .await;
    let entries = journal.json["entries"].as_array().unwrap();
    assert!(
        entries[0]["duration_ms"].as_f64().unwrap() >= 150.0,
        "{entries:?}"
    );
}

#[tokio::test]
async fn redirect_to_a_new_domain() {
    let app = app().await;
    switch_on(
        &app,
        json!({"kind":"redirect","new_base":"https://moved.example.com"}),
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url(&format!("{ADMIN_HOOK}/server.time?x=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "https://moved.example.com/rest/1/demo0123456789ab/server.time?x=1"
    );
    switch_all_off(&app).await;
    assert_eq!(
        client
            .post(app.url(&format!("{ADMIN_HOOK}/server.time")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn bad_fault_json_is_an_argument_error() {
    let app = app().await;
    let answer = admin(
        &app,
        reqwest::Method::POST,
        "/_openlines/admin/faults",
        Some(json!({"kind":"meteor"})),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["error"], json!("ERROR_ARGUMENT"));
}

#[tokio::test]
async fn journal_records_calls_without_secrets() {
    let app = app().await;
    app.post_json(
        &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
    )
    .await
    .result();
    app.post_json(
        "/rest/imopenlines.crm.chat.get",
        json!({"auth":"demo-access-token","refresh_token":"r"}),
    )
    .await;
    let journal = admin(
        &app,
        reqwest::Method::GET,
        "/_openlines/admin/journal",
        None,
    )
    .await;
    let text = journal.text.clone();
    assert!(
        !text.contains("demo0123456789ab") && !text.contains("demo-access-token"),
        "{text}"
    );
    let entries = journal.json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["method"], json!("imopenlines.crm.chat.get"));
    assert_eq!(entries[0]["caller"], json!("webhook 1 (user 1)"));
    assert_eq!(
        entries[0]["params"],
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205})
    );
    assert_eq!(entries[0]["status"], json!(200));
    assert_eq!(entries[1]["error"], json!("ERROR_ARGUMENT"));
    assert_eq!(entries[1]["params"], json!({"refresh_token":"***"}));
    assert_eq!(
        entries[1]["caller"],
        json!("token (user 1, app local.demo0000000000.00000000)")
    );
}

#[tokio::test]
async fn journal_records_requests_whose_client_hung_up() {
    let app = app().await;
    switch_on(&app, json!({"kind":"latency","min_ms":400,"max_ms":400})).await;
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(100))
        .build()
        .unwrap();
    let sent = impatient
        .post(app.url(&format!("{ADMIN_HOOK}/server.time")))
        .send()
        .await;
    assert!(sent.is_err(), "the client gave up");
    switch_all_off(&app).await;
    // The dropped handler writes its entry when the server notices; poll briefly for it.
    let mut entries = Vec::new();
    for _ in 0..40 {
        let journal = admin(
            &app,
            reqwest::Method::GET,
            "/_openlines/admin/journal",
            None,
        )
        .await;
        entries = journal.json["entries"].as_array().unwrap().clone();
        if !entries.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["method"], json!("server.time"));
    assert_eq!(entries[0]["status"], json!(499));
    assert_eq!(entries[0]["error"], json!("CLIENT_CLOSED_REQUEST"));
}
