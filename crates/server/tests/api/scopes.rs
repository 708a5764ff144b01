//! Walks the whole method table: every scoped method refuses a caller without its scope, and
//! every global method answers a caller with no scopes at all without a scope error.

use crate::helpers::{TestApp, NO_SCOPE_HOOK};
use openlines::rpc::registry::METHODS;
use serde_json::json;

#[tokio::test]
async fn every_method_checks_its_scope() {
    let app = TestApp::demo().await;
    for def in METHODS {
        let answer = app
            .post_json(&format!("{NO_SCOPE_HOOK}/{}", def.name), json!({}))
            .await;
        match def.is_global() {
            false => answer.assert_error(
                401,
                json!({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}),
            ),
            true => assert_ne!(answer.json["error"], "insufficient_scope", "{}: {}", def.name, answer.text),
        }
    }
}

#[tokio::test]
async fn every_method_checks_its_scope_for_tokens_too() {
    let app = TestApp::demo_with(
        r#"{"type":"token","user_id":1,"access_token":"no-scope-token","scopes":[],"expires_at":"2099-01-01T00:00:00Z"}"#,
    )
    .await;
    for def in METHODS.iter().filter(|def| !def.is_global()) {
        let answer = app
            .post_json(
                &format!("/rest/{}", def.name),
                json!({"auth":"no-scope-token"}),
            )
            .await;
        answer.assert_error(
            401,
            json!({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token"}),
        );
    }
}
