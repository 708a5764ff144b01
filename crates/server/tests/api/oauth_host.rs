//! `--oauth-host`: requests for the OAuth server's host name get the OAuth server's answers
//! (`/oauth/token/`, `app.info` in its shape), over plain HTTP and over HTTPS with the name
//! in the self-signed certificate.

use crate::helpers::{quiet_settings, Answer, TestApp};
use openlines::clock::Clock;
use openlines::dataset::demo;
use openlines::state::{AppState, Settings};
use openlines::storage::{Store, StoreOptions};
use serde_json::{json, Value};

const OAUTH_HOST: &str = "oauth.bitrix24.tech";

async fn app() -> TestApp {
    let settings = Settings {
        oauth_hosts: vec![OAUTH_HOST.to_owned()],
        ..quiet_settings()
    };
    TestApp::with_settings(settings, &[demo::DEMO_JSONL]).await
}

async fn get_as(app: &TestApp, host: &str, path: &str) -> Answer {
    let response = app
        .http
        .get(app.url(path))
        .header("Host", host)
        .send()
        .await
        .expect("request");
    Answer::read(response).await
}

#[tokio::test]
async fn app_info_on_the_oauth_host_has_the_oauth_server_shape() {
    let app = app().await;
    for host in [OAUTH_HOST, "OAuth.Bitrix24.tech:443"] {
        let answer = get_as(&app, host, "/rest/app.info/?auth=demo-access-token").await;
        let result = answer.result();
        assert_eq!(
            result,
            &json!({
                "client_id": demo::APP_CLIENT_ID,
                "scope": "imopenlines,crm,user",
                "expires": "2099-12-31T23:59:59+00:00",
                "install": {
                    "installed": true,
                    "version": 1,
                    "status": "L",
                    "scope": "imopenlines,crm,user",
                    "domain": host,
                    "uri": format!("http://{host}"),
                    "client_endpoint": format!("http://{host}/rest/"),
                    "member_id": openlines::http::oauth::MEMBER_ID,
                    "member_type": "LOCAL",
                },
                "user_id": 1,
            }),
            "{host}"
        );
    }
    // The portal's own app.info keeps the portal's shape.
    let portal = app
        .post_json("/rest/app.info", json!({"auth": "demo-access-token"}))
        .await;
    assert_eq!(portal.result()["CODE"], json!(demo::APP_CLIENT_ID));
    assert!(portal.result().get("client_id").is_none());
}

#[tokio::test]
async fn the_oauth_host_refuses_bad_tokens_and_other_methods() {
    let app = app().await;
    let oauth = |code: &str, text: &str| json!({"error": code, "error_description": text});
    get_as(&app, OAUTH_HOST, "/rest/app.info/?auth=nope")
        .await
        .assert_error(
            401,
            oauth("invalid_token", "The access token provided is invalid"),
        );
    get_as(&app, OAUTH_HOST, "/rest/app.info/?auth=demo-expired-token")
        .await
        .assert_error(
            401,
            oauth("expired_token", "The access token provided has expired"),
        );
    get_as(&app, OAUTH_HOST, "/rest/app.info/")
        .await
        .assert_error(401, oauth("NO_AUTH_FOUND", "Wrong authorization data"));
    get_as(
        &app,
        OAUTH_HOST,
        "/rest/crm.deal.list?auth=demo-access-token",
    )
    .await
    .assert_error(
        404,
        json!({"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}),
    );
    // Without the flag, the same host name is just the portal.
    let plain = TestApp::demo().await;
    let answer = get_as(&plain, OAUTH_HOST, "/rest/app.info/?auth=demo-access-token").await;
    assert_eq!(answer.result()["CODE"], json!(demo::APP_CLIENT_ID));
}

#[tokio::test]
async fn the_token_endpoint_answers_on_the_oauth_host() {
    let app = app().await;
    let answer = get_as(
        &app,
        OAUTH_HOST,
        &format!(
            "/oauth/token/?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
            demo::APP_CLIENT_ID,
            demo::APP_CLIENT_SECRET,
            demo::REFRESH_TOKEN
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let token = answer.json["access_token"].as_str().unwrap();
    let info = get_as(&app, OAUTH_HOST, &format!("/rest/app.info?auth={token}")).await;
    assert_eq!(info.result()["user_id"], json!(1));
    assert_eq!(info.result()["client_id"], json!(demo::APP_CLIENT_ID));
}

/// With `--tls-self-signed`, the OAuth names are in the certificate: a client that resolves the
/// name to this server and trusts the CA completes the handshake. Adding a name later signs a
/// new certificate with the same CA, so the trusted CA file stays valid.
#[tokio::test]
async fn the_certificate_covers_the_oauth_host_names_under_the_same_ca() {
    let dir = tempfile::tempdir().unwrap();
    let local_only = openlines::tls::self_signed_in(dir.path()).unwrap();
    let ca_before = std::fs::read(&local_only.trust).unwrap();
    let cert_before = std::fs::read(&local_only.cert).unwrap();
    let names = vec![OAUTH_HOST.to_owned()];
    let files = openlines::tls::self_signed_for(dir.path(), &names).unwrap();
    assert_eq!(std::fs::read(&files.trust).unwrap(), ca_before);
    let cert_after = std::fs::read(&files.cert).unwrap();
    assert_ne!(cert_after, cert_before);
    // The same names again: nothing is made anew.
    openlines::tls::self_signed_for(dir.path(), &names).unwrap();
    assert_eq!(std::fs::read(&files.cert).unwrap(), cert_after);

    let store = Store::open(&StoreOptions::new(
        dir.path().join("db.sqlite").to_string_lossy(),
    ))
    .await
    .unwrap();
    store.migrate().await.unwrap();
    demo::load(&store, Clock::default().now_secs())
        .await
        .unwrap();
    let settings = Settings {
        oauth_hosts: names,
        ..quiet_settings()
    };
    let state = AppState::new(store, settings, Clock::default());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let config = openlines::tls::rustls_config(&files).await.unwrap();
    tokio::spawn(openlines::serve_tls(
        listener,
        config,
        state,
        std::future::pending(),
    ));
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca_before).unwrap())
        .resolve(OAUTH_HOST, address)
        .build()
        .unwrap();
    let response = client
        .get(format!(
            "https://{OAUTH_HOST}:{}/rest/app.info/?auth=demo-access-token",
            address.port()
        ))
        .send()
        .await
        .unwrap();
    let answer = Answer::read(response).await;
    let install: &Value = &answer.result()["install"];
    assert_eq!(
        install["client_endpoint"],
        json!(format!("https://{OAUTH_HOST}:{}/rest/", address.port()))
    );
}
