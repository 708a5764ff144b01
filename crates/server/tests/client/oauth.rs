//! OAuth through the client against the real token endpoint: one refresh on `expired_token`,
//! the hook hearing about the new pair, rotation spending the old refresh token, and a wrong
//! client secret failing after exactly one refresh attempt.

use crate::helpers::quiet_settings;
use crate::observed::{step, ObservedApp};
use crate::support::{
    api, api_error, chat, install_expired_app, refreshing, CLIENT_SECRET, OLD_ACCESS, OLD_REFRESH,
};
use openlines_client::{Batch, Client, CrmChat, CrmChatGet, CrmEntityType, ErrorCode, TokenPair};
use std::sync::{Arc, Mutex};

const CHAT_GET: &str = "/rest/imopenlines.crm.chat.get";
const TOKEN: &str = "/oauth/token/";

/// An app with the expired installation, and a client for it whose hook collects pairs.
async fn expired_install(secret: &str) -> (ObservedApp, Client, Arc<Mutex<Vec<TokenPair>>>) {
    let app = ObservedApp::start(quiet_settings()).await;
    install_expired_app(&app.store).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let client = Client::builder(refreshing(app.address, OLD_ACCESS, OLD_REFRESH, secret))
        .on_token_refresh(move |pair| sink.lock().unwrap().push(pair.clone()))
        .build()
        .unwrap();
    (app, client, heard)
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_sent_again() {
    let (app, client, heard) = expired_install(CLIENT_SECRET).await;
    let chats = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap();
    assert_eq!(chats.result, [chat(1763, "livechat", "Live Chat")]);
    assert_eq!(
        app.trail(),
        [
            step("POST", CHAT_GET, 401),
            step("GET", TOKEN, 200),
            step("POST", CHAT_GET, 200)
        ]
    );

    // The hook heard the new pair once, and it is what the client now uses.
    let pairs = heard.lock().unwrap().clone();
    assert_eq!(pairs.len(), 1);
    let pair = &pairs[0];
    assert_eq!(client.tokens().as_ref(), Some(pair));
    assert_ne!(pair.access_token, OLD_ACCESS);
    assert_ne!(pair.refresh_token, OLD_REFRESH);
    assert_eq!(pair.expires_in, Some(3600));
    assert_eq!(pair.scope.as_deref(), Some("imopenlines,crm"));
    assert_eq!(
        pair.client_endpoint,
        Some(format!("http://{}/rest/", app.address))
    );
    assert_eq!(
        pair.member_id.as_deref(),
        Some(openlines::http::oauth::MEMBER_ID)
    );

    // The next call goes out with the new token and needs no refresh.
    client
        .crm_chat_get(CrmEntityType::Lead, 1205, false)
        .await
        .unwrap();
    assert_eq!(app.seen().len(), 4);
    assert_eq!(heard.lock().unwrap().len(), 1);

    // The old refresh token is spent: a client still holding it cannot get on.
    let stale = Client::new(refreshing(
        app.address,
        OLD_ACCESS,
        OLD_REFRESH,
        CLIENT_SECRET,
    ))
    .unwrap();
    let invalid_grant = api_error(
        ErrorCode::parse("invalid_grant"),
        400,
        "Invalid refresh token",
    );
    assert_eq!(
        api(stale.crm_chat_get(CrmEntityType::Lead, 1205, true).await),
        invalid_grant
    );
    // The new one works, once: it rotates again.
    let rotated = Client::new(refreshing(
        app.address,
        OLD_ACCESS,
        &pair.refresh_token,
        CLIENT_SECRET,
    ))
    .unwrap();
    rotated
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap();
    assert_ne!(rotated.tokens().unwrap().refresh_token, pair.refresh_token);
    let again = Client::new(refreshing(
        app.address,
        OLD_ACCESS,
        &pair.refresh_token,
        CLIENT_SECRET,
    ))
    .unwrap();
    assert_eq!(
        api(again.crm_chat_get(CrmEntityType::Lead, 1205, true).await),
        invalid_grant
    );
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let (app, client, heard) = expired_install(CLIENT_SECRET).await;
    let (a, b) = tokio::join!(
        client.crm_chat_get(CrmEntityType::Lead, 1205, true),
        client.crm_chat_get(CrmEntityType::Deal, 288, false)
    );
    assert_eq!(a.unwrap().result, [chat(1763, "livechat", "Live Chat")]);
    assert_eq!(b.unwrap().result, [chat(9852, "livechat", "Live Chat")]);
    // Refresh tokens are single-use: a second refresh would have failed with invalid_grant.
    let refreshes: Vec<_> = app
        .seen()
        .into_iter()
        .filter(|seen| seen.path == TOKEN)
        .collect();
    assert_eq!(refreshes.len(), 1);
    assert_eq!(heard.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_wrong_client_secret_fails_after_one_refresh_attempt() {
    let (app, client, heard) = expired_install("not-the-secret").await;
    let err = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap_err();
    assert_eq!(
        api::<()>(Err(err)),
        api_error(
            ErrorCode::parse("invalid_client"),
            401,
            "Invalid client credentials"
        )
    );
    assert_eq!(
        app.trail(),
        [step("POST", CHAT_GET, 401), step("GET", TOKEN, 401)]
    );
    assert!(heard.lock().unwrap().is_empty());
    assert_eq!(client.tokens().unwrap().access_token, OLD_ACCESS);
    // The failed attempt did not spend the refresh token.
    let right = Client::new(refreshing(
        app.address,
        OLD_ACCESS,
        OLD_REFRESH,
        CLIENT_SECRET,
    ))
    .unwrap();
    right
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_batch_refreshes_like_any_call() {
    let (app, client, heard) = expired_install(CLIENT_SECRET).await;
    let mut batch = Batch::new();
    batch
        .push(
            "lead",
            &CrmChatGet {
                entity_type: CrmEntityType::Lead,
                entity_id: 1205,
                active_only: true,
            },
        )
        .add("now", "server.time", serde_json::json!({}));
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(
        results.get::<Vec<CrmChat>>("lead").unwrap().result,
        [chat(1763, "livechat", "Live Chat")]
    );
    assert!(results.get::<String>("now").is_ok());
    assert_eq!(
        app.trail(),
        [
            step("POST", "/rest/batch", 401),
            step("GET", TOKEN, 200),
            step("POST", "/rest/batch", 200)
        ]
    );
    assert_eq!(heard.lock().unwrap().len(), 1);
}
