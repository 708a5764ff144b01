//! Issue 13.6, 13.7 and the smaller items of 13.10: the admin endpoint checks its token before
//! the body and answers JSON; no credential reaches the journal through a batch command;
//! `/oauth/token/` is inside the leaky bucket; an import file may start with a UTF-8 BOM.

use crate::helpers::{chat, openlines, quiet_settings, stderr, Answer, TestApp, ADMIN_HOOK};
use openlines::dataset::demo;
use openlines::limits::{BucketConfig, LimitSettings};
use openlines::state::Settings;
use serde_json::json;

const ADMIN: &str = "test-admin-token";

async fn admin_app(max_body_bytes: usize) -> TestApp {
    let settings = Settings {
        admin_token: Some(ADMIN.to_owned().into()),
        max_body_bytes,
        ..quiet_settings()
    };
    TestApp::with_settings(settings, &[demo::DEMO_JSONL]).await
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    Answer::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn the_admin_endpoint_checks_the_token_first_and_answers_json() {
    let app = admin_app(1000).await;
    let faults = app.url("/_openlines/admin/faults");
    let no_token = json!({"error":"INVALID_CREDENTIALS","error_description":"The admin endpoint needs the admin token (Authorization: Bearer …)"});
    let not_utf8: &[u8] = b"{\"kind\":\"\xff\xfe\"}";
    // Without the token, nothing about the request matters: not its body, size or verb.
    for request in [
        app.http.post(&faults).body(not_utf8),
        app.http.post(&faults).body(vec![b'x'; 5000]),
        app.http.put(&faults),
        app.http
            .post(app.url("/_openlines/admin/tokens/expire"))
            .body(not_utf8),
    ] {
        send(request).await.assert_error(401, no_token.clone());
    }
    // With it, each mistake is a JSON error.
    let with_token = |request: reqwest::RequestBuilder| request.bearer_auth(ADMIN);
    let bad_body = send(with_token(app.http.post(&faults).body(not_utf8))).await;
    assert_eq!(bad_body.status, 400, "{}", bad_body.text);
    assert_eq!(bad_body.json["error"], "ERROR_ARGUMENT");
    send(with_token(app.http.post(&faults).body(vec![b'x'; 5000])))
        .await
        .assert_error(
            413,
            json!({"error":"INVALID_REQUEST","error_description":"Request body is larger than 1000 bytes"}),
        );
    send(with_token(app.http.put(&faults))).await.assert_error(
        405,
        json!({"error":"INVALID_REQUEST","error_description":"This admin path does not accept that HTTP method"}),
    );
}

#[tokio::test]
async fn credentials_inside_batch_commands_never_reach_the_journal() {
    let app = admin_app(1 << 20).await;
    let batch = app
        .call(
            ADMIN_HOOK,
            "batch",
            json!({"cmd":{"deal":"crm.deal.get?id=288&auth=s3cr3t-token-value"}}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text);
    let journal = send(
        app.http
            .get(app.url("/_openlines/admin/journal"))
            .bearer_auth(ADMIN),
    )
    .await;
    assert!(!journal.text.contains("s3cr3t"), "{}", journal.text);
    let entry = journal.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["method"] == "batch")
        .unwrap();
    assert_eq!(
        entry["params"]["cmd"]["deal"],
        json!("crm.deal.get?id=288&auth=***")
    );
}

#[tokio::test]
async fn the_token_endpoint_is_inside_the_leaky_bucket() {
    let settings = Settings {
        limits: LimitSettings {
            bucket: Some(BucketConfig {
                capacity: 5.0,
                drain_per_second: 0.001,
            }),
            operating: None,
        },
        ..quiet_settings()
    };
    let app = TestApp::with_settings(settings, &[demo::DEMO_JSONL]).await;
    let guess = |n: usize| {
        format!("/oauth/token/?grant_type=refresh_token&client_id=local.demo0000000000.00000000&client_secret=guess{n}&refresh_token=x")
    };
    for n in 0..5 {
        let answer = app.get(&guess(n)).await;
        assert_eq!(answer.status, 401, "{}", answer.text);
    }
    app.get(&guess(5)).await.assert_error(
        503,
        json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}),
    );
}

#[tokio::test]
async fn an_import_file_may_start_with_a_utf8_bom() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("openlines.db");
    let with_bom = format!("\u{feff}{}", demo::DEMO_JSONL);
    let output = openlines(
        &["import", "-", "--db", db.to_str().unwrap()],
        Some(&with_bom),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let app = TestApp::on_existing_database(dir).await;
    let answer = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288}),
        )
        .await;
    assert_eq!(
        answer.result(),
        &json!([chat("9852", "livechat", "Live Chat")])
    );
}
