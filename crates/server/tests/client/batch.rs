//! `Client::batch` against the server: splitting into requests of 50, back-references within
//! one request, per-command errors, and `halt`.

use crate::helpers::{quiet_settings, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, LIMITED_HOOK};
use crate::observed::{step, ObservedApp};
use crate::support::{api, api_error, argument_error, chat, webhook};
use openlines::domain::scope::Scope;
use openlines::rpc::registry::METHODS;
use openlines_client::{Batch, CrmChat, CrmChatGet, CrmEntityType, Error, ErrorCode};
use serde_json::{json, Value};

const BATCH_PATH: &str = "/rest/1/demo0123456789ab/batch";

#[tokio::test]
async fn a_batch_of_120_goes_out_as_three_requests() {
    let app = ObservedApp::start(quiet_settings()).await;
    let client = webhook(app.address, ADMIN_HOOK);
    let mut batch = Batch::new();
    let keys: Vec<String> = (0..120).map(|i| format!("t{i}")).collect();
    for key in &keys {
        batch.add(key.as_str(), "server.time", json!({}));
    }
    let results = client.batch(&batch).await.unwrap();

    assert_eq!(results.len(), 120);
    let answered: Vec<&str> = results.iter().map(|(key, _)| key).collect();
    assert_eq!(answered, keys);
    for key in &keys {
        let now = results.get::<String>(key).unwrap();
        assert_eq!(now.result.len(), 25, "{key}: {}", now.result);
        assert!(now.result.ends_with("+00:00"), "{key}: {}", now.result);
    }
    assert_eq!(results.errors().count(), 0);
    assert_eq!(results.times().len(), 3);
    let batch_request = step("POST", BATCH_PATH, 200);
    assert_eq!(app.trail(), vec![batch_request; 3]);
}

#[tokio::test]
async fn back_references_resolve_within_one_request() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    let mut batch = Batch::new();
    batch
        .add("scopes", "scope", json!({}))
        .add("listed", "methods", json!({"scope": "$result[scopes][0]"}))
        .push(
            "chats",
            &CrmChatGet {
                entity_type: CrmEntityType::Deal,
                entity_id: 300,
                active_only: true,
            },
        );
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(
        results.get::<Vec<String>>("scopes").unwrap().result,
        ["imopenlines", "crm", "user"]
    );
    // `$result[scopes][0]` became `imopenlines`.
    let imopenlines: Value = METHODS
        .iter()
        .filter(|def| def.scopes.contains(&Scope::Imopenlines))
        .map(|def| json!(def.name))
        .collect();
    assert_eq!(results.get::<Value>("listed").unwrap().result, imopenlines);
    assert_eq!(
        results.get::<Vec<CrmChat>>("chats").unwrap().result,
        [chat(2001, "telegrambot", "Telegram")]
    );
}

#[tokio::test]
async fn a_back_reference_into_another_request_is_refused_before_sending() {
    let app = ObservedApp::start(quiet_settings()).await;
    let mut batch = Batch::new();
    for i in 0..50 {
        batch.add(format!("c{i}"), "server.time", json!({}));
    }
    batch.add("late", "method.get", json!({"name": "$result[c0]"}));
    let err = webhook(app.address, ADMIN_HOOK)
        .batch(&batch)
        .await
        .unwrap_err();
    match err {
        Error::InvalidInput(reason) => {
            assert!(reason.contains(r#""late" refers to "c0""#), "{reason}")
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_eq!(app.seen(), []);
}

#[tokio::test]
async fn per_command_errors_surface_for_their_keys() {
    let app = TestApp::demo().await;
    let mut batch = Batch::new();
    batch
        .add("now", "server.time", json!({}))
        .add("no_type", "imopenlines.crm.chat.get", json!({}))
        .add("missing", "no.such.method", json!({}))
        .add("nested", "batch", json!({"cmd": {"t": "server.time"}}))
        .push(
            "lead",
            &CrmChatGet {
                entity_type: CrmEntityType::Lead,
                entity_id: 1205,
                active_only: true,
            },
        );
    let results = webhook(app.address, ADMIN_HOOK)
        .batch(&batch)
        .await
        .unwrap();
    assert!(results.get::<String>("now").is_ok());
    assert_eq!(
        results.get::<Vec<CrmChat>>("lead").unwrap().result,
        [chat(1763, "livechat", "Live Chat")]
    );
    assert_eq!(
        api(results.get::<Value>("no_type")),
        argument_error(
            "Argument 'CRM_ENTITY_TYPE' is null or empty",
            "CRM_ENTITY_TYPE"
        )
    );
    assert_eq!(
        api(results.get::<Value>("missing")),
        api_error(ErrorCode::MethodNotFound, 404, "Method not found!")
    );
    assert_eq!(
        api(results.get::<Value>("nested")),
        api_error(
            ErrorCode::BatchMethodNotAllowed,
            405,
            "Method is not allowed for batch usage"
        )
    );
    let failed: Vec<&str> = results.errors().map(|(key, _)| key).collect();
    assert_eq!(failed, ["no_type", "missing", "nested"]);
    assert!(matches!(
        results.get::<Value>("unknown"),
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn permission_and_scope_errors_inside_a_batch() {
    let app = TestApp::demo().await;
    let lead = |id| CrmChatGet {
        entity_type: CrmEntityType::Lead,
        entity_id: id,
        active_only: true,
    };
    let mut batch = Batch::new();
    batch.push("theirs", &lead(1205)).push("mine", &lead(1300));
    let limited = webhook(app.address, LIMITED_HOOK)
        .batch(&batch)
        .await
        .unwrap();
    assert_eq!(
        api(limited.get::<Vec<CrmChat>>("theirs")),
        api_error(
            ErrorCode::AccessDenied,
            403,
            "Access denied! You don't have access to this action"
        )
    );
    assert_eq!(
        limited.get::<Vec<CrmChat>>("mine").unwrap().result,
        Vec::<CrmChat>::new()
    );
    // Inside a batch the portal sends insufficient_scope without a description.
    let crm_only = webhook(app.address, CRM_ONLY_HOOK)
        .batch(&batch)
        .await
        .unwrap();
    assert_eq!(
        api(crm_only.get::<Vec<CrmChat>>("mine")),
        api_error(ErrorCode::InsufficientScope, 401, "")
    );
}

#[tokio::test]
async fn halt_stops_at_the_first_error_and_sends_no_further_request() {
    let app = ObservedApp::start(quiet_settings()).await;
    let mut batch = Batch::new();
    batch
        .halt(true)
        .add("bad", "imopenlines.crm.chat.get", json!({}));
    for i in 0..59 {
        batch.add(format!("t{i}"), "server.time", json!({}));
    }
    let results = webhook(app.address, ADMIN_HOOK)
        .batch(&batch)
        .await
        .unwrap();
    assert_eq!(results.len(), 60);
    assert_eq!(
        api(results.get::<Value>("bad")),
        argument_error(
            "Argument 'CRM_ENTITY_TYPE' is null or empty",
            "CRM_ENTITY_TYPE"
        )
    );
    for i in 0..59 {
        let key = format!("t{i}");
        match results.get::<String>(&key) {
            Err(Error::NotExecuted { key: skipped }) => assert_eq!(skipped, key),
            other => panic!("{key}: expected NotExecuted, got {other:?}"),
        }
    }
    // The second request (commands 51–60) was never sent.
    assert_eq!(app.seen().len(), 1);
}
