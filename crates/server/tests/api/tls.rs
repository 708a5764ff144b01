//! HTTPS with the self-signed setup: a client that trusts the printed CA file succeeds, one
//! that does not fails the handshake; requests over TLS pass `--require-https`.

use crate::helpers::{quiet_settings, Answer};
use openlines::clock::Clock;
use openlines::state::{AppState, Settings};
use openlines::storage::{Store, StoreOptions};
use serde_json::json;

#[tokio::test]
async fn self_signed_https_is_trusted_only_with_the_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = openlines::tls::self_signed_in(dir.path()).unwrap();
    // Made once, reused on the next start.
    let again = openlines::tls::self_signed_in(dir.path()).unwrap();
    assert_eq!(
        std::fs::read(&files.trust).unwrap(),
        std::fs::read(&again.trust).unwrap()
    );

    let store = Store::open(&StoreOptions::new(
        dir.path().join("db.sqlite").to_string_lossy(),
    ))
    .await
    .unwrap();
    store.migrate().await.unwrap();
    openlines::dataset::demo::load(&store, Clock::default().now_secs())
        .await
        .unwrap();
    let settings = Settings {
        require_https: true,
        ..quiet_settings()
    };
    let state = AppState::new(store, settings, Clock::default());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = openlines::tls::rustls_config(&files).await.unwrap();
    tokio::spawn(openlines::serve_tls(
        listener,
        config,
        state,
        std::future::pending(),
    ));

    let ca = reqwest::Certificate::from_pem(&std::fs::read(&files.trust).unwrap()).unwrap();
    let trusting = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{port}/rest/1/demo0123456789ab/imopenlines.crm.chat.get");
        let response = trusting
            .post(&url)
            .json(&json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288}))
            .send()
            .await
            .unwrap();
        let answer = Answer::read(response).await;
        assert_eq!(answer.result()[0]["CHAT_ID"], json!("9852"), "{host}");
    }

    let untrusting = reqwest::Client::new();
    let error = untrusting
        .get(format!("https://127.0.0.1:{port}/rest/server.time"))
        .send()
        .await
        .expect_err("the handshake must fail without the CA");
    assert!(error.is_connect(), "{error:?}");
}
