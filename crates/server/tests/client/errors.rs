//! Every error the server answers with, as the client hands it over: code, HTTP status,
//! description and `argument`, compared whole. (Limits are in `limits`, batch errors in
//! `batch`, token-endpoint errors in `oauth`, switched-on faults in `faults`.)

use crate::helpers::{
    quiet_settings, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, INACTIVE_HOOK, LIMITED_HOOK,
};
use crate::support::{api, api_error, argument_error, object, single_shot, token_only, webhook};
use openlines::dataset::demo::DEMO_JSONL;
use openlines::state::Settings;
use openlines_client::{Client, CrmEntityType, Error, ErrorCode, Params};
use openlines_wire::params::Limits;
use serde_json::json;

const CHAT_GET: &str = "imopenlines.crm.chat.get";

#[tokio::test]
async fn error_argument_names_the_argument() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    assert_eq!(
        api(client.call(CHAT_GET, Params::new()).await),
        argument_error(
            "Argument 'CRM_ENTITY_TYPE' is null or empty",
            "CRM_ENTITY_TYPE"
        )
    );
    let zero = client.crm_chat_get(CrmEntityType::Lead, 0, true).await;
    let err = zero.unwrap_err();
    assert!(err.is_argument_error());
    assert_eq!(err.argument(), Some("CRM_ENTITY"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.to_string(),
        "ERROR_ARGUMENT: Argument 'CRM_ENTITY' is null or empty (HTTP 400, argument CRM_ENTITY)"
    );
    let not_a_number = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "abc"});
    assert_eq!(
        api(client.call(CHAT_GET, object(not_a_number)).await),
        argument_error(
            "The value of an argument 'CRM_ENTITY' has an invalid type",
            "CRM_ENTITY"
        )
    );
}

#[tokio::test]
async fn access_denied_for_a_record_the_caller_may_not_read() {
    let app = TestApp::demo().await;
    // Lena (limited webhook) reads only her own leads; lead 1205 is Oleg's.
    let outcome = webhook(app.address, LIMITED_HOOK)
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await;
    let err = outcome.unwrap_err();
    assert!(err.is_access_denied() && !err.is_auth_error());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(
            ErrorCode::AccessDenied,
            403,
            "Access denied! You don't have access to this action"
        )
    );
}

#[tokio::test]
async fn unknown_methods_are_not_found_before_any_auth() {
    let app = TestApp::demo().await;
    let not_found = api_error(ErrorCode::MethodNotFound, 404, "Method not found!");
    let admin = webhook(app.address, ADMIN_HOOK);
    let err = admin
        .call("imopenlines.crm.chats.get", Params::new())
        .await
        .unwrap_err();
    assert!(err.is_method_not_found());
    assert_eq!(api::<()>(Err(err)), not_found);
    let wrong_code = webhook(app.address, "/rest/1/wrongcode0000000");
    assert_eq!(
        api(wrong_code.call("no.such.method", Params::new()).await),
        not_found
    );
}

#[tokio::test]
async fn insufficient_scope_for_webhooks_and_tokens() {
    let app = TestApp::demo().await;
    let hook = webhook(app.address, CRM_ONLY_HOOK)
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await;
    let err = hook.unwrap_err();
    assert!(err.is_insufficient_scope() && err.is_auth_error());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(
            ErrorCode::InsufficientScope,
            401,
            "The request requires higher privileges than provided by the webhook token"
        )
    );
    let token = Client::new(token_only(app.address, "demo-crm-only-token")).unwrap();
    assert_eq!(
        api(token.crm_chat_get(CrmEntityType::Lead, 1205, true).await),
        api_error(
            ErrorCode::InsufficientScope,
            401,
            "The request requires higher privileges than provided by the access token"
        )
    );
}

#[tokio::test]
async fn invalid_credentials_for_a_wrong_code_or_user() {
    let app = TestApp::demo().await;
    let invalid = api_error(
        ErrorCode::InvalidCredentials,
        401,
        "Invalid request credentials",
    );
    for hook in ["/rest/1/wrongcode0000000", "/rest/2/demo0123456789ab"] {
        let err = webhook(app.address, hook)
            .crm_chat_get(CrmEntityType::Lead, 1205, true)
            .await
            .unwrap_err();
        assert!(err.is_invalid_credentials(), "{hook}");
        assert_eq!(api::<()>(Err(err)), invalid, "{hook}");
    }
}

#[tokio::test]
async fn no_auth_found_when_the_token_is_empty() {
    // A webhook always carries its code, but an OAuth client with an empty token sends
    // `auth=`, which the server reads as no credentials at all.
    let app = TestApp::demo().await;
    let client = Client::new(token_only(app.address, "")).unwrap();
    let err = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap_err();
    assert!(err.is_no_auth_found());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(ErrorCode::NoAuthFound, 401, "Wrong authorization data")
    );
}

#[tokio::test]
async fn expired_token_is_returned_when_no_refresh_is_configured() {
    let app = TestApp::demo().await;
    let client = Client::new(token_only(app.address, "demo-expired-token")).unwrap();
    let err = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap_err();
    assert!(err.is_expired_token() && err.is_auth_error());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(
            ErrorCode::ExpiredToken,
            401,
            "The access token provided has expired"
        )
    );
    assert_eq!(client.tokens().unwrap().access_token, "demo-expired-token");
}

#[tokio::test]
async fn invalid_token_and_inactive_user() {
    let app = TestApp::demo().await;
    let unknown = Client::new(token_only(app.address, "no-such-token")).unwrap();
    assert_eq!(
        api(unknown.crm_chat_get(CrmEntityType::Lead, 1205, true).await),
        api_error(
            ErrorCode::InvalidToken,
            401,
            "Unable to get application by token"
        )
    );
    let inactive = webhook(app.address, INACTIVE_HOOK);
    assert_eq!(
        api(inactive.crm_chat_get(CrmEntityType::Lead, 1205, true).await),
        api_error(
            ErrorCode::AuthorizationError,
            401,
            "Unable to authorize user"
        )
    );
}

#[tokio::test]
async fn method_errors_of_other_methods() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    assert_eq!(
        api(client.call("feature.get", Params::new()).await),
        api_error(ErrorCode::CodeEmpty, 400, "CODE can't be empty")
    );
    // user.current needs a user scope, which the crm-only webhook lacks.
    assert_eq!(
        api(webhook(app.address, CRM_ONLY_HOOK)
            .call("user.current", Params::new())
            .await),
        api_error(
            ErrorCode::InsufficientScope,
            401,
            "The request requires higher privileges than provided by the webhook token"
        )
    );
}

#[tokio::test]
async fn invalid_request_for_oversized_or_overfull_requests() {
    let settings = Settings {
        max_body_bytes: 1024,
        param_limits: Limits {
            max_params: 10,
            max_depth: 3,
        },
        ..quiet_settings()
    };
    let app = TestApp::with_settings(settings, &[DEMO_JSONL]).await;
    let client = webhook(app.address, ADMIN_HOOK);
    let many: serde_json::Map<_, _> = (0..11).map(|i| (format!("p{i}"), json!("1"))).collect();
    assert_eq!(
        api(client.call(CHAT_GET, many).await),
        api_error(
            ErrorCode::InvalidRequest,
            400,
            "Too many parameters: at most 10 are accepted"
        )
    );
    let deep = json!({"a": {"b": {"c": {"d": "1"}}}});
    assert_eq!(
        api(client.call(CHAT_GET, object(deep)).await),
        api_error(
            ErrorCode::InvalidRequest,
            400,
            "Parameters nest too deeply: at most 3 levels are accepted"
        )
    );
    let large = json!({"TEXT": "x".repeat(2000)});
    assert_eq!(
        api(client.call(CHAT_GET, object(large)).await),
        api_error(
            ErrorCode::InvalidRequest,
            413,
            "Request body is larger than 1024 bytes"
        )
    );
}

#[tokio::test]
async fn https_required_when_switched_on() {
    let settings = Settings {
        require_https: true,
        ..quiet_settings()
    };
    let app = TestApp::with_settings(settings, &[DEMO_JSONL]).await;
    assert_eq!(
        api(webhook(app.address, ADMIN_HOOK)
            .crm_chat_get(CrmEntityType::Lead, 1205, true)
            .await),
        api_error(ErrorCode::InvalidRequest, 400, "Https required.")
    );
}

#[tokio::test]
async fn answers_that_are_not_json_are_decode_errors() {
    // `.xml` makes the server answer in XML, which is not the protocol this client reads.
    let app = TestApp::demo().await;
    let err = webhook(app.address, ADMIN_HOOK)
        .call("server.time.xml", Params::new())
        .await
        .unwrap_err();
    match err {
        Error::Decode { status, reason } => {
            assert_eq!(status, 200);
            assert!(reason.starts_with("not JSON"), "{reason}");
            assert!(reason.contains(r#"body starts "<?xml"#), "{reason}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    // A read would be retried with the default backoff; one attempt says enough here.
    let err = single_shot(address, ADMIN_HOOK)
        .call("server.time", Params::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_transport());
    assert_eq!(err.status(), None);
}
