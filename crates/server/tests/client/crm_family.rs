//! The typed `imopenlines.crm.*` calls beyond `chat.get`, against the demo data. Expected
//! answers follow spec §7.2–7.5 and conformance cases 51–57 and 60.

use crate::faults::{app_with_admin, rest_calls, switch_on};
use crate::helpers::{TestApp, ADMIN_HOOK, CRM_ONLY_HOOK};
use crate::support::{api, api_error, argument_error, object, token_only, webhook, webhook_url};
use openlines_client::{
    Batch, ChatId, Client, Credentials, CrmChatGetLastId, CrmEntityType, Error, ErrorCode,
    MessageId, RetryPolicy,
};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn get_last_id_is_the_records_latest_chat() {
    // Case 51: chat 1763's session changed last in the demo data.
    let app = TestApp::demo().await;
    let hook = webhook(app.address, ADMIN_HOOK);
    let last = hook
        .crm_chat_get_last_id(CrmEntityType::Lead, 1205)
        .await
        .unwrap();
    assert_eq!(last.result, ChatId(1763));
    let oauth = Client::new(token_only(app.address, "demo-access-token")).unwrap();
    let deal = oauth
        .crm_chat_get_last_id(CrmEntityType::Deal, 288)
        .await
        .unwrap();
    assert_eq!(deal.result, ChatId(9852));
}

#[tokio::test]
async fn get_last_id_errors() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    // Case 52: a parameter missing.
    let only_type = json!({"CRM_ENTITY_TYPE": "lead"});
    assert_eq!(
        api(client
            .call("imopenlines.crm.chat.getLastId", object(only_type))
            .await),
        api_error(ErrorCode::CrmChatEmptyCrmData, 400, "Empty CRM data")
    );
    // Case 53: a record without chats.
    assert_eq!(
        api(client.crm_chat_get_last_id(CrmEntityType::Lead, 1300).await),
        api_error(
            ErrorCode::CrmChatEmptyCrmData,
            400,
            "Could not find CRM object"
        )
    );
    // The method needs scope imopenlines like the rest of the family.
    assert_eq!(
        api(webhook(app.address, CRM_ONLY_HOOK)
            .crm_chat_get_last_id(CrmEntityType::Lead, 1205)
            .await),
        api_error(
            ErrorCode::InsufficientScope,
            401,
            "The request requires higher privileges than provided by the webhook token"
        )
    );
}

#[tokio::test]
async fn user_add_without_a_chat_does_nothing() {
    // Case 55: lead 1300 has no chat, so `0` (read as `None`), HTTP 200.
    let app = TestApp::demo().await;
    let added = webhook(app.address, ADMIN_HOOK)
        .crm_chat_user_add(CrmEntityType::Lead, 1300, 503, None)
        .await
        .unwrap();
    assert_eq!(added.result, None);
}

#[tokio::test]
async fn user_add_to_a_closed_chat_is_refused() {
    // Case 56: chat 1800's only session with lead 1205 is closed.
    let app = TestApp::demo().await;
    assert_eq!(
        api(webhook(app.address, ADMIN_HOOK)
            .crm_chat_user_add(CrmEntityType::Lead, 1205, 1, Some(ChatId(1800)))
            .await),
        api_error(
            ErrorCode::ChatNotInCrm,
            400,
            "Chat does not belong to the CRM object being checked"
        )
    );
}

#[tokio::test]
async fn user_add_then_delete() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    let chat = Some(ChatId(1763));
    let added = client
        .crm_chat_user_add(CrmEntityType::Lead, 1205, 1, chat)
        .await
        .unwrap();
    assert_eq!(added.result, chat);
    assert_eq!(
        api(client
            .crm_chat_user_add(CrmEntityType::Lead, 1205, 1, chat)
            .await),
        api_error(
            ErrorCode::WrongRequest,
            400,
            "You don't have access or user already member in chat"
        )
    );
    let removed = client
        .crm_chat_user_delete(CrmEntityType::Lead, 1205, 1, chat)
        .await
        .unwrap();
    assert_eq!(removed.result, chat);
    assert_eq!(
        api(client
            .crm_chat_user_delete(CrmEntityType::Lead, 1205, 1, chat)
            .await),
        api_error(
            ErrorCode::WrongRequest,
            400,
            "You don't have access or user already not in chat"
        )
    );
}

#[tokio::test]
async fn user_delete_checks_the_user_first() {
    // Case 54.
    let app = TestApp::demo().await;
    let no_user = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1205});
    assert_eq!(
        api(webhook(app.address, ADMIN_HOOK)
            .call("imopenlines.crm.chat.user.delete", object(no_user))
            .await),
        api_error(ErrorCode::CrmChatEmptyUser, 400, "Empty User ID")
    );
}

#[tokio::test]
async fn message_add_posts_as_a_member() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    // Anna (user 1) is a member of chat 9852 in the demo data; message 1 exists already.
    let chat = ChatId(9852);
    let first = client
        .crm_message_add(CrmEntityType::Deal, 288, 1, chat, "We call you back")
        .await
        .unwrap();
    let second = client
        .crm_message_add(
            CrmEntityType::Deal,
            288,
            1,
            chat,
            "Tomorrow at 10 & not later",
        )
        .await
        .unwrap();
    assert!(first.result > MessageId(1), "{:?}", first.result);
    assert!(second.result > first.result, "{first:?} {second:?}");
}

#[tokio::test]
async fn message_add_needs_a_message() {
    // Case 57: an empty MESSAGE is sent as `MESSAGE=`, which PHP reads as empty.
    let app = TestApp::demo().await;
    assert_eq!(
        api(webhook(app.address, ADMIN_HOOK)
            .crm_message_add(CrmEntityType::Deal, 288, 1, ChatId(9852), "")
            .await),
        argument_error("Argument 'MESSAGE' is null or empty", "MESSAGE")
    );
}

#[tokio::test]
async fn lead_create_needs_a_chat() {
    // Case 60: all lead.create errors are HTTP 400; the code is the parameter's name. The
    // spec gives no description, so only code, status and argument are pinned.
    let app = TestApp::demo().await;
    let client = Client::new(token_only(app.address, "demo-access-token")).unwrap();
    let err = api(client.crm_lead_create(ChatId(0)).await);
    assert_eq!(err.code, ErrorCode::parse("CHAT_ID"));
    assert_eq!((err.status, err.argument), (400, None));
}

#[tokio::test]
async fn lead_create_by_the_sessions_operator() {
    // Oleg (user 2) is the operator of chat 1763's open session.
    let app = TestApp::demo_with(
        r#"{"type":"webhook","user_id":2,"code":"oleg0123456789ab","scopes":["imopenlines","crm"]}"#,
    )
    .await;
    let oleg = webhook(app.address, "/rest/2/oleg0123456789ab");
    assert!(oleg.crm_lead_create(ChatId(1763)).await.unwrap().result);
}

#[tokio::test]
async fn a_batch_joins_the_last_chat_by_back_reference() {
    // Contact 7's one chat, 2001, has an active session; Anna is not among its members.
    let app = TestApp::demo().await;
    let mut batch = Batch::new();
    batch
        .push(
            "last",
            &CrmChatGetLastId {
                entity_type: CrmEntityType::Contact,
                entity_id: 7,
            },
        )
        .add(
            "join",
            "imopenlines.crm.chat.user.add",
            json!({"CRM_ENTITY_TYPE": "contact", "CRM_ENTITY": 7, "USER_ID": 1, "CHAT_ID": "$result[last]"}),
        );
    let results = webhook(app.address, ADMIN_HOOK)
        .batch(&batch)
        .await
        .unwrap();
    assert_eq!(results.get::<ChatId>("last").unwrap().result, ChatId(2001));
    assert_eq!(results.get::<ChatId>("join").unwrap().result, ChatId(2001));
}

#[tokio::test]
async fn message_add_is_not_sent_again_after_a_timeout() {
    let app = app_with_admin().await;
    let client =
        Client::builder(Credentials::webhook(&webhook_url(app.address, ADMIN_HOOK)).unwrap())
            .timeout(Duration::from_millis(200))
            .no_rate_limit()
            .retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(10),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
    let chat = ChatId(9852); // Anna is a member
    switch_on(
        &app,
        json!({"kind": "latency", "min_ms": 800, "max_ms": 800}),
        1,
    )
    .await;
    let sent = client
        .crm_message_add(CrmEntityType::Deal, 288, 1, chat, "Sent at most once")
        .await;
    assert!(matches!(sent, Err(Error::Timeout(_))), "{sent:?}");
    let message_adds: Vec<_> = rest_calls(&app)
        .into_iter()
        .filter(|(_, path, _)| path.ends_with("/imopenlines.crm.message.add"))
        .collect();
    assert_eq!(message_adds.len(), 1, "{message_adds:?}");
}
