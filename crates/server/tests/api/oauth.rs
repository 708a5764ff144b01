//! OAuth applications and `/oauth/token/` (spec §10.2): refresh rotation, the code grant,
//! and the documented errors.

use crate::helpers::{chat, TestApp};
use openlines::domain::credentials::SecretHash;
use openlines::storage::oauth::{AppRow, NewPair};
use secrecy::SecretString;
use serde_json::{json, Value};

const CLIENT: &str = "local.testapp000000001";
const SECRET: &str = "test-client-secret";

fn hash(secret: &str) -> String {
    SecretHash::of(&SecretString::from(secret.to_owned()))
        .as_str()
        .to_owned()
}

/// The demo portal plus an application whose installation token has expired.
async fn app_with_expired_install() -> TestApp {
    let app = TestApp::demo().await;
    let now = openlines::clock::Clock::default().now_secs();
    app.store
        .add_app(
            &AppRow {
                client_id: CLIENT.into(),
                client_secret_sha256: hash(SECRET),
                name: "Test".into(),
                scopes: "imopenlines,crm".into(),
            },
            now,
        )
        .await
        .unwrap();
    app.store
        .add_pair(&NewPair {
            access_sha256: &hash("old-access"),
            refresh_sha256: &hash("old-refresh"),
            user_id: 1,
            scopes: "imopenlines,crm",
            client_id: CLIENT,
            expires_at: now - 1,
            refresh_expires_at: now + 3600,
        })
        .await
        .unwrap();
    app
}

async fn chat_get_with(app: &TestApp, token: &str) -> crate::helpers::Answer {
    app.post_json(
        "/rest/imopenlines.crm.chat.get",
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":token}),
    )
    .await
}

fn refresh_query(refresh: &str) -> String {
    format!("/oauth/token/?grant_type=refresh_token&client_id={CLIENT}&client_secret={SECRET}&refresh_token={refresh}")
}

#[tokio::test]
async fn expired_token_refresh_gives_a_working_pair_and_spends_the_old_refresh_token() {
    let app = app_with_expired_install().await;
    chat_get_with(&app, "old-access")
        .await
        .assert_error(401, json!({"error":"expired_token","error_description":"The access token provided has expired"}));

    let refreshed = app.get(&refresh_query("old-refresh")).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let body = refreshed.json.as_object().unwrap();
    let keys: Vec<&str> = body.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires",
            "expires_in",
            "scope",
            "domain",
            "server_endpoint",
            "status",
            "client_endpoint",
            "member_id",
            "user_id",
            "refresh_token"
        ]
    );
    assert_eq!(body["expires_in"], json!(3600));
    assert_eq!(body["scope"], json!("imopenlines,crm"));
    assert_eq!(body["user_id"], json!(1));
    assert_eq!(
        body["client_endpoint"],
        json!(format!("http://{}/rest/", app.address))
    );
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        chat_get_with(&app, &access).await.result(),
        &json!([chat("1763", "livechat", "Live Chat")])
    );

    // The old refresh token is spent.
    app.get(&refresh_query("old-refresh")).await.assert_error(
        400,
        json!({"error":"invalid_grant","error_description":"Invalid refresh token"}),
    );
    // The new one works once, as a POST form too (the JS SDK's way), and rotates again.
    let body = format!("grant_type=refresh_token&client_id={CLIENT}&client_secret={SECRET}&refresh_token={refresh}");
    let again = app.post_form("/oauth/token/", &body).await;
    assert_eq!(again.status, 200);
    assert_ne!(again.json["refresh_token"], Value::String(refresh.clone()));
    assert_eq!(
        app.post_form("/oauth/token/", &body).await.json["error"],
        json!("invalid_grant")
    );
}

#[tokio::test]
async fn wrong_client_credentials_and_grants_are_refused() {
    let app = app_with_expired_install().await;
    let invalid_client =
        json!({"error":"invalid_client","error_description":"Invalid client credentials"});
    app.get(&format!("/oauth/token/?grant_type=refresh_token&client_id={CLIENT}&client_secret=nope&refresh_token=old-refresh"))
        .await
        .assert_error(401, invalid_client.clone());
    app.get("/oauth/token/?grant_type=refresh_token&client_id=local.unknown&client_secret=x&refresh_token=old-refresh")
        .await
        .assert_error(401, invalid_client);
    app.get(&format!(
        "/oauth/token/?grant_type=password&client_id={CLIENT}&client_secret={SECRET}"
    ))
    .await
    .assert_error(
        400,
        json!({"error":"invalid_request","error_description":"Unsupported grant_type"}),
    );
    app.get("/oauth/token/").await.assert_error(
        400,
        json!({"error":"invalid_request","error_description":"Malformed request"}),
    );
    // The wrong secret did not spend the refresh token.
    assert_eq!(app.get(&refresh_query("old-refresh")).await.status, 200);
}

#[tokio::test]
async fn authorization_code_is_redeemed_once() {
    let app = app_with_expired_install().await;
    let now = openlines::clock::Clock::default().now_secs();
    app.store
        .add_code(&hash("code-1"), CLIENT, 1, now + 30)
        .await
        .unwrap();
    app.store
        .add_code(&hash("code-old"), CLIENT, 1, now - 1)
        .await
        .unwrap();
    let exchange = |code: &str| {
        format!("/oauth/token/?grant_type=authorization_code&client_id={CLIENT}&client_secret={SECRET}&code={code}")
    };
    let answer = app.get(&exchange("code-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let access = answer.json["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        chat_get_with(&app, &access).await.result(),
        &json!([chat("1763", "livechat", "Live Chat")])
    );
    let invalid = json!({"error":"invalid_grant","error_description":"Invalid authorization code"});
    app.get(&exchange("code-1"))
        .await
        .assert_error(400, invalid.clone());
    app.get(&exchange("code-old"))
        .await
        .assert_error(400, invalid);
}
