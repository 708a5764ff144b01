//! Every call the server has today, through the client: `crm_chat_get` over a webhook and over
//! OAuth, and the untyped `call` for the utility methods.

use crate::helpers::{TestApp, ADMIN_HOOK, CRM_ONLY_HOOK};
use crate::support::{chat, object, token_only, webhook};
use openlines::domain::scope::Scope;
use openlines::rpc::registry::METHODS;
use openlines_client::{Client, CrmChat, CrmChatGet, CrmEntityType, Params};
use serde_json::{json, Value};

/// The four `crm_chat_get` answers of the demo data that tell the flags apart.
async fn assert_demo_chats(client: &Client) {
    let deal = |active_only| client.crm_chat_get(CrmEntityType::Deal, 288, active_only);
    let livechat_9852 = vec![chat(9852, "livechat", "Live Chat")];
    assert_eq!(deal(false).await.unwrap().result, livechat_9852);
    // Its one session waits for an answer (status 20), so it is active too.
    assert_eq!(deal(true).await.unwrap().result, livechat_9852);

    let lead = |active_only| client.crm_chat_get(CrmEntityType::Lead, 1205, active_only);
    assert_eq!(
        lead(true).await.unwrap().result,
        [chat(1763, "livechat", "Live Chat")]
    );
    // Newest session first: chat 1763's session changed last; 1800's is closed.
    assert_eq!(
        lead(false).await.unwrap().result,
        [
            chat(1763, "livechat", "Live Chat"),
            chat(1800, "telegrambot", "Telegram")
        ]
    );
    for (lead, active_only) in [(1300, true), (1300, false), (9_999_999, false)] {
        let none = client
            .crm_chat_get(CrmEntityType::Lead, lead, active_only)
            .await
            .unwrap();
        assert_eq!(none.result, Vec::<CrmChat>::new(), "lead {lead}");
    }
}

#[tokio::test]
async fn crm_chat_get_over_a_webhook() {
    let app = TestApp::demo().await;
    assert_demo_chats(&webhook(app.address, ADMIN_HOOK)).await;
}

#[tokio::test]
async fn crm_chat_get_over_oauth() {
    let app = TestApp::demo().await;
    let client = Client::new(token_only(app.address, "demo-access-token")).unwrap();
    assert_demo_chats(&client).await;
    // A token that did not need refreshing stays as it was given.
    assert_eq!(client.tokens().unwrap().access_token, "demo-access-token");
}

#[tokio::test]
async fn send_and_call_as_read_the_same_answer() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    let typed = client
        .send(&CrmChatGet {
            entity_type: CrmEntityType::Company,
            entity_id: 3,
            active_only: false,
        })
        .await
        .unwrap();
    assert_eq!(
        typed.result,
        [
            chat(2101, "avito", "Avito"),
            chat(2001, "telegrambot", "Telegram")
        ]
    );
    let params = json!({"CRM_ENTITY_TYPE": "company", "CRM_ENTITY": 3, "ACTIVE_ONLY": "N"});
    let untyped = client
        .call("imopenlines.crm.chat.get", object(params))
        .await
        .unwrap();
    assert_eq!(
        untyped.result,
        json!([
            {"CHAT_ID": "2101", "CONNECTOR_ID": "avito", "CONNECTOR_TITLE": "Avito"},
            {"CHAT_ID": "2001", "CONNECTOR_ID": "telegrambot", "CONNECTOR_TITLE": "Telegram"}
        ])
    );
    assert_eq!((untyped.next, untyped.total), (None, None));
}

#[tokio::test]
async fn answers_carry_the_time_block() {
    let app = TestApp::demo().await;
    let answer = webhook(app.address, ADMIN_HOOK)
        .crm_chat_get(CrmEntityType::Deal, 288, false)
        .await
        .unwrap();
    let time = answer.time;
    assert_eq!(time.start, time.start.trunc(), "start is whole seconds");
    assert!(time.finish >= time.start, "{time:?}");
    assert!(
        (time.duration - (time.finish - time.start)).abs() < 1e-5,
        "{time:?}"
    );
    for date in [&time.date_start, &time.date_finish] {
        assert_eq!(date.len(), 25, "{date}");
        assert!(date.ends_with("+00:00"), "{date}");
    }
    // The test server runs without limits: nothing counted, but the fields are there.
    assert_eq!(time.operating, Some(0.0));
    assert!(time.operating_reset_at.is_some(), "{time:?}");
}

#[tokio::test]
async fn server_time_is_the_servers_clock() {
    let app = TestApp::demo().await;
    let now = webhook(app.address, ADMIN_HOOK)
        .call_as::<String>("server.time", Params::new())
        .await
        .unwrap();
    // Taken while the call ran, so it is the second it started or the one it finished in.
    assert!(
        [&now.time.date_start, &now.time.date_finish].contains(&&now.result),
        "{} not within {:?}",
        now.result,
        now.time
    );
}

/// The names `methods` should list, straight from the server's method table.
fn names(keep: impl Fn(&openlines::rpc::registry::MethodDef) -> bool) -> Value {
    METHODS
        .iter()
        .filter(|def| keep(def))
        .map(|def| json!(def.name))
        .collect()
}

#[tokio::test]
async fn methods_lists_the_method_table() {
    let app = TestApp::demo().await;
    let client = webhook(app.address, ADMIN_HOOK);
    let methods = |params: Value| {
        let client = &client;
        async move { client.call("methods", object(params)).await.unwrap().result }
    };
    let granted = [Scope::Imopenlines, Scope::Crm, Scope::User];
    assert_eq!(methods(json!({})).await, names(|def| def.allows(&granted)));
    assert_eq!(methods(json!({"full": true})).await, names(|_| true));
    assert_eq!(
        methods(json!({"scope": "imopenlines"})).await,
        names(|def| def.scopes.contains(&Scope::Imopenlines))
    );
    // An empty string is sent as `scope=` and means the global methods.
    assert_eq!(
        methods(json!({"scope": ""})).await,
        names(|def| def.is_global())
    );
}

#[tokio::test]
async fn scope_and_profile() {
    let app = TestApp::demo().await;
    let admin = webhook(app.address, ADMIN_HOOK);
    let crm_only = webhook(app.address, CRM_ONLY_HOOK);
    let oauth = Client::new(token_only(app.address, "demo-access-token")).unwrap();
    let granted: [(&Client, &[&str]); 3] = [
        (&admin, &["imopenlines", "crm", "user"]),
        (&crm_only, &["crm"]),
        (&oauth, &["imopenlines", "crm", "user"]),
    ];
    for (client, scopes) in granted {
        let scope = client
            .call_as::<Vec<String>>("scope", Params::new())
            .await
            .unwrap();
        assert_eq!(scope.result, scopes);
    }

    let anna = json!({"ID":"1","ADMIN":true,"NAME":"Anna","LAST_NAME":"Admin","PERSONAL_GENDER":"","TIME_ZONE":"","TIME_ZONE_OFFSET":0});
    for client in [&admin, &crm_only, &oauth] {
        let profile = client.call("profile", Params::new()).await.unwrap();
        assert_eq!(profile.result, anna);
    }
}

#[test]
fn the_blocking_client_calls_the_same_server() {
    // The blocking client runs its own runtime, so the server gets one of its own on another
    // thread.
    let server = tokio::runtime::Runtime::new().unwrap();
    let app = server.block_on(TestApp::demo());
    let client = openlines_client::blocking::Client::webhook(&crate::support::webhook_url(
        app.address,
        ADMIN_HOOK,
    ))
    .unwrap();
    assert_eq!(
        client
            .crm_chat_get(CrmEntityType::Deal, 288, false)
            .unwrap()
            .result,
        [chat(9852, "livechat", "Live Chat")]
    );
    let now = client
        .call_as::<String>("server.time", Params::new())
        .unwrap();
    assert!(now.result.ends_with("+00:00"), "{}", now.result);
    drop(app);
}
