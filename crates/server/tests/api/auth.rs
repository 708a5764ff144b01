//! Spec §12 group B: authentication and scope; OAuth token places (cases 6–9).

use crate::helpers::{case1, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, INACTIVE_HOOK, NO_SCOPE_HOOK};
use openlines::state::Settings;
use serde_json::json;

const LEAD: &str = "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205";

#[tokio::test]
async fn case_06_token_in_json_body() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            "/rest/imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":"demo-access-token"}),
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_07_09_token_in_query_as_auth_or_access_token() {
    let app = TestApp::demo().await;
    for key in ["auth", "access_token"] {
        let answer = app
            .get(&format!(
                "/rest/imopenlines.crm.chat.get?{key}=demo-access-token&{LEAD}"
            ))
            .await;
        assert_eq!(answer.result(), &case1(), "{key}");
    }
}

#[tokio::test]
async fn case_08_bearer_header_wins() {
    let app = TestApp::demo().await;
    let response = app
        .http
        .post(app.url("/rest/imopenlines.crm.chat.get"))
        .header("Authorization", "BEARER demo-access-token")
        .json(&json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":"not-a-token"}))
        .send()
        .await
        .unwrap();
    let answer = crate::helpers::Answer::read(response).await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_22_no_auth() {
    let app = TestApp::demo().await;
    app.post_form("/rest/imopenlines.crm.chat.get", LEAD)
        .await
        .assert_error(
            401,
            json!({"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"}),
        );
}

#[tokio::test]
async fn case_23_wrong_webhook_code_user_or_revoked() {
    let app = TestApp::demo().await;
    let invalid =
        json!({"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"});
    for path in [
        "/rest/1/wrongcode0000000/imopenlines.crm.chat.get",
        "/rest/2/demo0123456789ab/imopenlines.crm.chat.get",
        "/rest/admin/demo0123456789ab/imopenlines.crm.chat.get",
        "/rest/999/demo0123456789ab/imopenlines.crm.chat.get",
    ] {
        app.post_form(path, LEAD)
            .await
            .assert_error(401, invalid.clone());
    }
    let hooks = app.store.list_webhooks().await.unwrap();
    let admin = hooks.iter().find(|hook| hook.user_id == 1).unwrap();
    assert!(app.store.revoke_webhook(admin.id).await.unwrap());
    app.post_form(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"), LEAD)
        .await
        .assert_error(401, invalid);
}

#[tokio::test]
async fn expired_webhook_is_invalid() {
    let app = TestApp::demo_with(r#"{"type":"webhook","user_id":1,"code":"expiredhook00001","expires_at":"2020-01-01T00:00:00Z"}"#).await;
    app.post_form("/rest/1/expiredhook00001/imopenlines.crm.chat.get", LEAD)
        .await
        .assert_error(401, json!({"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"}));
}

#[tokio::test]
async fn aplogin_and_ap_parameters_work_like_the_path() {
    let app = TestApp::demo().await;
    let answer = app
        .get(&format!(
            "/rest/imopenlines.crm.chat.get?aplogin=1&ap=demo0123456789ab&{LEAD}"
        ))
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_24_https_required_when_switched_on() {
    let settings = Settings {
        require_https: true,
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings, &[openlines::dataset::demo::DEMO_JSONL]).await;
    app.post_form(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"), LEAD)
        .await
        .assert_error(
            400,
            json!({"error":"INVALID_REQUEST","error_description":"Https required."}),
        );
    // OAuth has no such check (spec §1.5), and a proxy may vouch for HTTPS.
    let answer = app
        .get(&format!(
            "/rest/imopenlines.crm.chat.get?auth=demo-access-token&{LEAD}"
        ))
        .await;
    assert_eq!(answer.result(), &case1());
    let response = app
        .http
        .post(app.url(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get")))
        .header("X-Forwarded-Proto", "https")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(LEAD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::Answer::read(response).await.result(),
        &case1()
    );
}

#[tokio::test]
async fn case_25_webhook_without_scope() {
    let app = TestApp::demo().await;
    app.post_form(&format!("{CRM_ONLY_HOOK}/imopenlines.crm.chat.get"), LEAD).await.assert_error(
        401,
        json!({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}),
    );
}

#[tokio::test]
async fn case_26_token_without_scope() {
    let app = TestApp::demo().await;
    app.get(&format!("/rest/imopenlines.crm.chat.get?auth=demo-crm-only-token&{LEAD}"))
        .await
        .assert_error(
            401,
            json!({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token"}),
        );
}

#[tokio::test]
async fn case_27_expired_token() {
    let app = TestApp::demo().await;
    app.get(&format!("/rest/imopenlines.crm.chat.get?auth=demo-expired-token&{LEAD}"))
        .await
        .assert_error(401, json!({"error":"expired_token","error_description":"The access token provided has expired"}));
}

#[tokio::test]
async fn case_28_unknown_token() {
    let app = TestApp::demo().await;
    app.get(&format!(
        "/rest/imopenlines.crm.chat.get?auth=no-such-token&{LEAD}"
    ))
    .await
    .assert_error(
        401,
        json!({"error":"invalid_token","error_description":"Unable to get application by token"}),
    );
}

#[tokio::test]
async fn case_29_global_method_needs_no_scope() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(&format!("{NO_SCOPE_HOOK}/server.time"), json!({}))
        .await;
    let time = answer.result().as_str().unwrap().to_owned();
    assert_eq!(time.len(), 25);
    assert!(time.ends_with("+00:00"));
}

#[tokio::test]
async fn case_30_inactive_user() {
    let app = TestApp::demo().await;
    app.post_form(&format!("{INACTIVE_HOOK}/imopenlines.crm.chat.get"), LEAD)
        .await
        .assert_error(
            401,
            json!({"error":"authorization_error","error_description":"Unable to authorize user"}),
        );
}
