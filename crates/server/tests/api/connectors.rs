//! Custom connectors over real HTTP: `imconnector.*` with an application's token, and the
//! `OnImConnector*` events delivered to a handler server each test starts on a loopback
//! port. `POST /_openlines/admin/events/flush` waits for deliveries, so no test sleeps.

use crate::helpers::{quiet_settings, Answer, TestApp, ADMIN_HOOK};
use axum::extract::State;
use axum::routing::post;
use axum::Router;
use openlines::state::Settings;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const ADMIN: &str = "test-admin-token";
/// The demo application's token of user 1 (Anna Admin).
const APP_TOKEN: &str = "demo-access-token";
/// A token of another application, user 1.
const OTHER_APP_TOKEN: &str = "other-app-token";
/// A token issued without an application.
const NO_APP_TOKEN: &str = "no-app-token";
/// A token of the demo application with the `imconnector` scope only.
const CONNECTOR_SCOPE_TOKEN: &str = "imconnector-scope-token";

/// One POST the handler received, as its form fields.
type Delivery = BTreeMap<String, String>;

/// A handler server that records every POST and answers 200.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

async fn record(State(seen): State<Arc<Mutex<Vec<Delivery>>>>, body: String) {
    let fields = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    seen.lock().unwrap().push(fields);
}

impl Receiver {
    async fn start() -> Receiver {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/hook", post(record))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, seen }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().clone()
    }

    /// Each delivery without its `auth[…]` fields, which are fresh secrets.
    fn without_auth(&self) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .map(|fields| {
                fields
                    .into_iter()
                    .filter(|(name, _)| !name.starts_with("auth[") && name != "ts")
                    .collect()
            })
            .collect()
    }
}

/// Tokens besides the demo's: another application's, one without an application, and one
/// of the demo application with the `imconnector` scope only.
const EXTRA_TOKENS: &str = r#"
{"type":"token","user_id":1,"access_token":"other-app-token","scopes":["imopenlines"],"expires_at":"2099-01-01T00:00:00Z","client_id":"local.other00000000.00000000"}
{"type":"token","user_id":1,"access_token":"no-app-token","scopes":["imopenlines"],"expires_at":"2099-01-01T00:00:00Z"}
{"type":"token","user_id":1,"access_token":"imconnector-scope-token","scopes":["imconnector"],"expires_at":"2099-01-01T00:00:00Z","client_id":"local.demo0000000000.00000000"}
"#;

async fn app() -> TestApp {
    let settings = Settings {
        admin_token: Some(ADMIN.to_owned().into()),
        ..quiet_settings()
    };
    TestApp::with_settings(
        settings,
        &[openlines::dataset::demo::DEMO_JSONL, EXTRA_TOKENS],
    )
    .await
}

/// Calls `method` with an OAuth token.
async fn call(app: &TestApp, token: &str, method: &str, mut body: Value) -> Answer {
    body["auth"] = json!(token);
    app.post_json(&format!("/rest/{method}"), body).await
}

fn registration(id: &str, name: &str) -> Value {
    json!({
        "ID": id,
        "NAME": name,
        "ICON": {"DATA_IMAGE": "data:image/svg+xml,%3Csvg%2F%3E", "COLOR": "#69acc0"},
        "PLACEMENT_HANDLER": "https://example.com/connector/settings",
    })
}

async fn register(app: &TestApp, id: &str, name: &str) {
    let answer = call(
        app,
        APP_TOKEN,
        "imconnector.register",
        registration(id, name),
    )
    .await;
    assert_eq!(answer.result(), &json!({"result": true}), "{}", answer.text);
}

async fn activate(app: &TestApp, id: &str, line: i64, active: &str) {
    let answer = call(
        app,
        APP_TOKEN,
        "imconnector.activate",
        json!({"CONNECTOR": id, "LINE": line, "ACTIVE": active}),
    )
    .await;
    assert_eq!(answer.result(), &json!(true), "{}", answer.text);
}

async fn bind(app: &TestApp, event: &str, handler: &str) {
    let answer = call(
        app,
        APP_TOKEN,
        "event.bind",
        json!({"event": event, "handler": handler}),
    )
    .await;
    assert_eq!(answer.result(), &json!(true), "binding {event}");
}

async fn flush(app: &TestApp) {
    let response = app
        .http
        .post(app.url("/_openlines/admin/events/flush"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let answer = Answer::read(response).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["pending"], json!(0), "{}", answer.text);
}

/// One customer message as `imconnector.send.messages` takes it.
fn customer_message(user: &str, chat: &str, id: &str, text: &str) -> Value {
    json!({
        "user": {"id": user, "name": "Klaus", "last_name": "Weber"},
        "message": {"id": id, "date": 1764567890, "text": text},
        "chat": {"id": chat, "name": "Support Channel"},
    })
}

fn argument_error(name: &str) -> Value {
    json!({"error":"ERROR_ARGUMENT","error_description":format!("Argument '{name}' is null or empty"),"argument":name})
}

fn no_provider() -> Value {
    json!({"error":"IMCONNECTOR_NO_CORRECT_PROVIDER","error_description":"Failed to find a suitable provider for the connector"})
}

fn refused(code: &str, description: &str) -> Value {
    json!({"result": false, "error": code, "error_description": description})
}

const METHODS: [&str; 9] = [
    "imconnector.register",
    "imconnector.unregister",
    "imconnector.activate",
    "imconnector.status",
    "imconnector.connector.data.set",
    "imconnector.send.messages",
    "imconnector.send.status.delivery",
    "imconnector.send.status.reading",
    "imconnector.list",
];

#[tokio::test]
async fn connector_methods_need_an_application_context() {
    let app = app().await;
    for method in METHODS {
        app.call(ADMIN_HOOK, method, json!({"ID":"x","CONNECTOR":"x","LINE":1}))
            .await
            .assert_error(
                403,
                json!({"error":"WRONG_AUTH_TYPE","error_description":"Current authorization type is denied for this method. Application context required"}),
            );
    }
    // A token issued without an application: register and unregister say so in their result,
    // as the portal does; the others refuse the context.
    let answer = call(
        &app,
        NO_APP_TOKEN,
        "imconnector.register",
        registration("x", "X"),
    )
    .await;
    assert_eq!(
        answer.result(),
        &refused("NO_APPLICATION_ID", "Failed to get application ID")
    );
    let answer = call(
        &app,
        NO_APP_TOKEN,
        "imconnector.unregister",
        json!({"ID":"x"}),
    )
    .await;
    assert_eq!(
        answer.result(),
        &refused("NO_APPLICATION_ID", "Failed to retrieve application ID")
    );
    call(
        &app,
        NO_APP_TOKEN,
        "imconnector.activate",
        json!({"CONNECTOR":"x","LINE":1,"ACTIVE":1}),
    )
    .await
    .assert_error(
        403,
        json!({"error":"WRONG_AUTH_TYPE","error_description":"Current authorization type is denied for this method. Application context required"}),
    );
}

#[tokio::test]
async fn the_imconnector_scope_grants_the_methods() {
    let app = app().await;
    let answer = call(
        &app,
        CONNECTOR_SCOPE_TOKEN,
        "imconnector.register",
        registration("scoped", "Scoped"),
    )
    .await;
    assert_eq!(answer.result(), &json!({"result": true}));
    let listed = call(&app, CONNECTOR_SCOPE_TOKEN, "imconnector.list", json!({})).await;
    assert_eq!(listed.result()["scoped"], json!("Scoped"));
    let events = call(&app, APP_TOKEN, "events", json!({"SCOPE":"imconnector"})).await;
    assert_eq!(
        events.result(),
        &json!([
            "ONIMCONNECTORMESSAGEADD",
            "ONIMCONNECTORMESSAGEUPDATE",
            "ONIMCONNECTORMESSAGEDELETE",
            "ONIMCONNECTORLINEDELETE",
            "ONIMCONNECTORSTATUSDELETE"
        ])
    );
}

#[tokio::test]
async fn register_refuses_as_documented_and_updates_its_own() {
    let app = app().await;
    let cases = [
        (json!({}), refused("CONNECTOR_ID_REQUIRED", "Connector ID is not specified")),
        (
            registration("my.conn", "X"),
            refused(
                "APPLICATION_REGISTRATION_ERROR_POINT",
                "Application registration error. Using a dot in the connector identifier is not allowed",
            ),
        ),
        (
            registration("my|conn", "X"),
            refused(
                "GENERAL_CONNECTOR_REGISTRATION_ERROR",
                "General connector registration error",
            ),
        ),
        (
            json!({"ID":"myconn","NAME":" "}),
            refused("NAME_REQUIRED", "Connector name is not specified"),
        ),
        (
            json!({"ID":"myconn","NAME":"Mine","ICON":{"COLOR":"#fff"}}),
            refused("ICON_REQUIRED", "Connector icon is not specified"),
        ),
        (
            json!({"ID":"myconn","NAME":"Mine","ICON":{"DATA_IMAGE":"data:image/svg+xml,x"}}),
            refused("NO_PLACEMENT_HANDLER", "Failed to get embedding handler URL"),
        ),
        (
            registration("livechat", "Not yours"),
            refused("APPLICATION_REGISTRATION_ERROR", "Application registration error"),
        ),
    ];
    for (body, expected) in cases {
        let answer = call(&app, APP_TOKEN, "imconnector.register", body.clone()).await;
        assert_eq!(answer.result(), &expected, "{body}");
    }
    // Ids are stored lower-case; registering again updates the name.
    register(&app, "MyConn", "My Connector").await;
    register(&app, "myconn", "My Connector 2").await;
    let listed = call(&app, APP_TOKEN, "imconnector.list", json!({})).await;
    assert_eq!(listed.result()["myconn"], json!("My Connector 2"));
    assert_eq!(listed.result()["livechat"], json!("Live Chat"));
    // Another application cannot take it over, nor remove it.
    let answer = call(
        &app,
        OTHER_APP_TOKEN,
        "imconnector.register",
        registration("myconn", "Stolen"),
    )
    .await;
    assert_eq!(
        answer.result(),
        &refused(
            "APPLICATION_REGISTRATION_ERROR",
            "Application registration error"
        )
    );
    let answer = call(
        &app,
        OTHER_APP_TOKEN,
        "imconnector.unregister",
        json!({"ID":"myconn"}),
    )
    .await;
    assert_eq!(
        answer.result(),
        &refused(
            "APPLICATION_UNREGISTRATION_ERROR",
            "Error unregistering the application"
        )
    );
    // Its owner can; then it is gone from the list, and a second removal fails.
    let answer = call(
        &app,
        APP_TOKEN,
        "imconnector.unregister",
        json!({"ID":"MYCONN"}),
    )
    .await;
    assert_eq!(answer.result(), &json!({"result": true}));
    let listed = call(&app, APP_TOKEN, "imconnector.list", json!({})).await;
    assert!(listed.result().get("myconn").is_none(), "{}", listed.text);
    let answer = call(
        &app,
        APP_TOKEN,
        "imconnector.unregister",
        json!({"ID":"myconn"}),
    )
    .await;
    assert_eq!(
        answer.result(),
        &refused(
            "APPLICATION_UNREGISTRATION_ERROR",
            "Error unregistering the application"
        )
    );
}

#[tokio::test]
async fn activate_status_and_data_set_per_line() {
    let app = app().await;
    register(&app, "myconn", "My Connector").await;
    for (body, expected) in [
        (json!({}), argument_error("CONNECTOR")),
        (json!({"CONNECTOR":"myconn"}), argument_error("LINE")),
        (
            json!({"CONNECTOR":"myconn","LINE":1}),
            argument_error("ACTIVE"),
        ),
        (
            json!({"CONNECTOR":"livechat","LINE":1,"ACTIVE":1}),
            no_provider(),
        ),
        (
            json!({"CONNECTOR":"myconn","LINE":99,"ACTIVE":1}),
            json!({"error":"NOT_ACTIVE_LINE","error_description":"The line with this ID is inactive or does not exist"}),
        ),
    ] {
        call(&app, APP_TOKEN, "imconnector.activate", body)
            .await
            .assert_error(400, expected);
    }
    // Another application's connector is no provider of the caller's.
    call(
        &app,
        OTHER_APP_TOKEN,
        "imconnector.activate",
        json!({"CONNECTOR":"myconn","LINE":1,"ACTIVE":1}),
    )
    .await
    .assert_error(400, no_provider());
    call(&app, APP_TOKEN, "imconnector.status", json!({}))
        .await
        .assert_error(400, argument_error("CONNECTOR"));

    let status = |line: Value| {
        let app = &app;
        async move {
            call(
                app,
                APP_TOKEN,
                "imconnector.status",
                json!({"CONNECTOR":"myconn","LINE":line}),
            )
            .await
            .result()
            .clone()
        }
    };
    let off =
        json!({"LINE":1,"CONNECTOR":"myconn","ERROR":false,"CONFIGURED":false,"STATUS":false});
    assert_eq!(status(json!(1)).await, off);
    activate(&app, "myconn", 1, "Y").await;
    let on = json!({"LINE":1,"CONNECTOR":"myconn","ERROR":false,"CONFIGURED":true,"STATUS":true});
    assert_eq!(status(json!("1")).await, on);
    assert_eq!(
        status(Value::Null).await,
        json!({"LINE":0,"CONNECTOR":"myconn","ERROR":false,"CONFIGURED":false,"STATUS":false})
    );

    for (body, expected) in [
        (
            json!({"CONNECTOR":"myconn","LINE":1}),
            argument_error("DATA"),
        ),
        (
            json!({"CONNECTOR":"myconn","LINE":1,"DATA":{}}),
            argument_error("DATA"),
        ),
    ] {
        call(&app, APP_TOKEN, "imconnector.connector.data.set", body)
            .await
            .assert_error(400, expected);
    }
    let set = call(
        &app,
        APP_TOKEN,
        "imconnector.connector.data.set",
        json!({"CONNECTOR":"myconn","LINE":1,"DATA":{"ID":"channel-123","URL":"https://example.com/c/123","NAME":"Support Channel"}}),
    )
    .await;
    assert_eq!(set.result(), &json!(true));
    let state = app
        .store
        .connector_on_line("myconn", 1)
        .await
        .unwrap()
        .unwrap();
    assert!(state.active);
    assert_eq!(
        serde_json::from_str::<Value>(&state.data).unwrap(),
        json!({"ID":"channel-123","URL":"https://example.com/c/123","NAME":"Support Channel"})
    );

    // Switching off raises OnImConnectorStatusDelete for the connector's application; switching
    // off again raises nothing more.
    let handler = Receiver::start().await;
    bind(&app, "OnImConnectorStatusDelete", &handler.url).await;
    activate(&app, "myconn", 1, "0").await;
    activate(&app, "myconn", 1, "N").await;
    assert_eq!(status(json!(1)).await, off);
    flush(&app).await;
    let expected: Delivery = [
        ("data[connector]", "myconn"),
        ("data[line]", "1"),
        ("event", "ONIMCONNECTORSTATUSDELETE"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain([(
        "event_handler_id".to_owned(),
        handler.deliveries()[0]["event_handler_id"].clone(),
    )])
    .collect();
    assert_eq!(handler.without_auth(), vec![expected]);
    assert_eq!(handler.deliveries()[0]["auth[scope]"], "imconnector");
}

#[tokio::test]
async fn send_messages_checks_its_arguments() {
    let app = app().await;
    register(&app, "myconn", "My Connector").await;
    let with = |messages: Value| json!({"CONNECTOR":"myconn","LINE":1,"MESSAGES":messages});
    for (body, expected) in [
        (json!({"LINE":1}), argument_error("CONNECTOR")),
        (json!({"CONNECTOR":"myconn"}), argument_error("LINE")),
        (
            json!({"CONNECTOR":"myconn","LINE":1}),
            argument_error("MESSAGES"),
        ),
        (
            with(json!("text")),
            json!({"error":"ERROR_ARGUMENT","error_description":"The value of an argument 'MESSAGES' must be of type array"}),
        ),
        (
            with(json!(["text"])),
            json!({"error":"ERROR_ARGUMENT","error_description":"The MESSAGES parameter must be an array of messages (arrays)"}),
        ),
        (
            with(json!([{"user":{"id":"1"},"message":{"text":"hi"}}])),
            json!({"error":"ERROR_ARGUMENT","error_description":"The incorrect structure of a message inside MESSAGES parameter"}),
        ),
        (
            with(json!([customer_message("u1", "c1", "m1", "Hello")])),
            json!({"error":"NOT_ACTIVE_LINE","error_description":"The connector is not active on the line with this ID"}),
        ),
    ] {
        call(&app, APP_TOKEN, "imconnector.send.messages", body)
            .await
            .assert_error(400, expected);
    }
    call(
        &app,
        OTHER_APP_TOKEN,
        "imconnector.send.messages",
        with(json!([customer_message("u1", "c1", "m1", "Hello")])),
    )
    .await
    .assert_error(400, no_provider());
    // Nothing was written by the refused calls.
    assert!(app
        .store
        .chat_by_user_code("myconn", 1, "c1", "u1")
        .await
        .unwrap()
        .is_none());

    // An element without a user id is answered as failed; the valid one is taken.
    activate(&app, "myconn", 1, "1").await;
    let answer = call(
        &app,
        APP_TOKEN,
        "imconnector.send.messages",
        with(json!([
            {"user":{},"message":{"text":"who?"},"chat":{"id":"c1"}},
            customer_message("u1", "c1", "m1", "Hello"),
        ])),
    )
    .await;
    let result = answer.result();
    assert_eq!(result["SUCCESS"], json!(false));
    let items = result["DATA"]["RESULT"].as_array().unwrap();
    assert_eq!(items[0]["SUCCESS"], json!(false));
    assert_eq!(items[0]["ERRORS"], json!(["The user id is not specified"]));
    assert_eq!(items[1]["SUCCESS"], json!(true));
    let chat = app
        .store
        .chat_by_user_code("myconn", 1, "c1", "u1")
        .await
        .unwrap()
        .expect("the chat of the valid message");
    assert_eq!(
        items[1]["session"]["CHAT_ID"],
        json!(chat.id.to_string()),
        "{}",
        answer.text
    );
}

/// The issue's round trip: register → activate → customer message in → chat.get on the deal
/// it is bound to → operator answers → the connector's handler receives the reply →
/// delivery status back.
#[tokio::test]
async fn connector_round_trip() {
    let app = app().await;
    let handler = Receiver::start().await;
    register(&app, "myconn", "My Connector").await;
    activate(&app, "myconn", 1, "1").await;
    bind(&app, "OnImConnectorMessageAdd", &handler.url).await;
    // Another application listening to the same event hears nothing of this connector.
    let other = Receiver::start().await;
    let bound = call(
        &app,
        OTHER_APP_TOKEN,
        "event.bind",
        json!({"event": "OnImConnectorMessageAdd", "handler": other.url}),
    )
    .await;
    assert_eq!(bound.result(), &json!(true));

    // A customer writes twice: one chat, one queued session.
    let send = |id: &'static str, text: &'static str| {
        let app = &app;
        async move {
            call(
                app,
                APP_TOKEN,
                "imconnector.send.messages",
                json!({"CONNECTOR":"myconn","LINE":1,"MESSAGES":[customer_message("ext-user-42", "channel-123", id, text)]}),
            )
            .await
        }
    };
    let first = send("ext-msg-1", "Guten Tag").await;
    let first = first.result().clone();
    assert_eq!(first["SUCCESS"], json!(true));
    let item = &first["DATA"]["RESULT"][0];
    assert_eq!(
        item["message"],
        json!({"id":"ext-msg-1","date":1764567890,"text":"Guten Tag","files":[]})
    );
    assert_eq!(
        item["chat"],
        json!({"id":"channel-123","name":"Support Channel"})
    );
    assert_eq!(item["user"], json!("ext-user-42"));
    let session: i64 = item["session"]["ID"].as_str().unwrap().parse().unwrap();
    let chat: i64 = item["session"]["CHAT_ID"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let second = send("ext-msg-2", "Are you there?").await;
    assert_eq!(
        second.result()["DATA"]["RESULT"][0]["session"],
        item["session"]
    );
    let stored = app.store.chat(chat).await.unwrap().unwrap();
    assert_eq!(stored.user_code(), "myconn|1|channel-123|ext-user-42");
    assert_eq!(stored.title, "Klaus Weber");

    // The dialog's activity is bound to a deal; chat.get names the connector by its name.
    let deal = app
        .call(
            ADMIN_HOOK,
            "crm.deal.add",
            json!({"fields":{"TITLE":"Connector deal"}}),
        )
        .await
        .result()
        .clone();
    let bound = app
        .call(
            ADMIN_HOOK,
            "crm.activity.binding.add",
            json!({"activityId": session, "entityTypeId": 2, "entityId": deal}),
        )
        .await;
    assert_eq!(bound.result(), &json!(true));
    let chats = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":deal,"ACTIVE_ONLY":"N"}),
        )
        .await;
    assert_eq!(
        chats.result(),
        &json!([{"CHAT_ID": chat.to_string(), "CONNECTOR_ID":"myconn","CONNECTOR_TITLE":"My Connector"}])
    );

    // The operator takes the dialog, joins the chat and answers.
    let answered = app
        .call(
            ADMIN_HOOK,
            "imopenlines.operator.answer",
            json!({"CHAT_ID": chat}),
        )
        .await;
    assert_eq!(answered.result(), &json!(true));
    let joined = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.add",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":deal,"CHAT_ID":chat,"USER_ID":1}),
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    let reply = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.message.add",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":deal,"USER_ID":1,"CHAT_ID":chat,"MESSAGE":"How can I help?"}),
        )
        .await;
    let message = reply.result().as_i64().expect("message id");
    flush(&app).await;

    let deliveries = handler.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let expected: Delivery = [
        ("data[CONNECTOR]", "myconn".to_owned()),
        ("data[LINE]", "1".to_owned()),
        ("data[MESSAGES][0][chat][id]", "channel-123".to_owned()),
        ("data[MESSAGES][0][im][chat_id]", chat.to_string()),
        ("data[MESSAGES][0][im][message_id]", message.to_string()),
        (
            "data[MESSAGES][0][message][text]",
            "[b]Anna Admin:[/b] [br]How can I help?".to_owned(),
        ),
        ("data[MESSAGES][0][message][user_id]", "1".to_owned()),
        ("event", "ONIMCONNECTORMESSAGEADD".to_owned()),
        (
            "event_handler_id",
            deliveries[0]["event_handler_id"].clone(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(handler.without_auth(), vec![expected]);
    assert!(other.deliveries().is_empty());
    assert_eq!(deliveries[0]["auth[scope]"], "imconnector");
    // The Rust client's event parser reads this delivery as its page documents it.
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&deliveries[0])
        .finish();
    let parsed = openlines_client::events::parse(body.as_bytes(), None).unwrap();
    let openlines_client::events::Event::ConnectorMessage {
        change,
        connector,
        line,
        messages,
    } = parsed.event
    else {
        panic!("a connector message: {parsed:?}")
    };
    assert_eq!(change, openlines_client::events::Change::Add);
    assert_eq!((connector.as_str(), line), ("myconn", 1));
    assert_eq!(messages[0].im_chat_id, Some(chat));
    assert_eq!(messages[0].im_message_id, Some(message));
    assert_eq!(messages[0].user_id, Some(1));
    assert_eq!(messages[0].external_chat_id.as_deref(), Some("channel-123"));
    // The delivery's token works at once: the handler can report the delivery with it.
    let token = &deliveries[0]["auth[access_token]"];
    let status = |method: &'static str, message: i64| {
        let app = &app;
        async move {
            call(
                app,
                token,
                method,
                json!({"CONNECTOR":"myconn","LINE":1,"MESSAGES":[{"im":{"chat_id":chat,"message_id":message},"message":{"id":["out-1"]},"chat":{"id":"channel-123"}}]}),
            )
            .await
            .result()
            .clone()
        }
    };
    assert_eq!(
        app.store.message_marks(message).await.unwrap(),
        Some((None, None))
    );
    assert_eq!(
        status("imconnector.send.status.reading", message).await,
        json!({"SUCCESS": true, "DATA": []})
    );
    let (delivered, read) = app.store.message_marks(message).await.unwrap().unwrap();
    assert!(delivered.is_none() && read.is_some());
    assert_eq!(
        status("imconnector.send.status.delivery", message).await,
        json!({"SUCCESS": true, "DATA": []})
    );
    let (delivered, _) = app.store.message_marks(message).await.unwrap().unwrap();
    assert!(delivered.is_some());
    // A customer's own message is no operator message to report on.
    let incoming = message - 1;
    assert_eq!(
        status("imconnector.send.status.delivery", incoming).await,
        json!({"SUCCESS": false, "DATA": []})
    );
}

#[tokio::test]
async fn operator_messages_in_other_chats_raise_nothing() {
    let app = app().await;
    let handler = Receiver::start().await;
    register(&app, "myconn", "My Connector").await;
    bind(&app, "OnImConnectorMessageAdd", &handler.url).await;
    // Demo chat 2001 (Telegram) is bound to deal 300 with an active session of operator 3.
    let reply = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.add",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300,"CHAT_ID":2001,"USER_ID":1}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.message.add",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300,"USER_ID":1,"CHAT_ID":2001,"MESSAGE":"Hi"}),
        )
        .await;
    assert!(sent.result().is_i64());
    flush(&app).await;
    assert!(handler.deliveries().is_empty());
}

#[tokio::test]
async fn unregister_switches_every_line_off_and_hides_the_chats() {
    let app = app().await;
    let handler = Receiver::start().await;
    register(&app, "myconn", "My Connector").await;
    activate(&app, "myconn", 1, "1").await;
    bind(&app, "OnImConnectorStatusDelete", &handler.url).await;
    let sent = call(
        &app,
        APP_TOKEN,
        "imconnector.send.messages",
        json!({"CONNECTOR":"myconn","LINE":1,"MESSAGES":[customer_message("u1", "c1", "m1", "Hi")]}),
    )
    .await;
    let session = sent.result()["DATA"]["RESULT"][0]["session"]["ID"].clone();
    let deal = app
        .call(ADMIN_HOOK, "crm.deal.add", json!({"fields":{"TITLE":"D"}}))
        .await
        .result()
        .clone();
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.add",
        json!({"activityId": session, "entityTypeId": 2, "entityId": deal}),
    )
    .await
    .result();
    let chat_get = || {
        let app = &app;
        let deal = deal.clone();
        async move {
            app.call(
                ADMIN_HOOK,
                "imopenlines.crm.chat.get",
                json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":deal,"ACTIVE_ONLY":"N"}),
            )
            .await
            .result()
            .as_array()
            .unwrap()
            .len()
        }
    };
    assert_eq!(chat_get().await, 1);
    let answer = call(
        &app,
        APP_TOKEN,
        "imconnector.unregister",
        json!({"ID":"myconn"}),
    )
    .await;
    assert_eq!(answer.result(), &json!({"result": true}));
    assert_eq!(chat_get().await, 0);
    flush(&app).await;
    let events: Vec<(String, String, String)> = handler
        .deliveries()
        .iter()
        .map(|d| {
            (
                d["event"].clone(),
                d["data[connector]"].clone(),
                d["data[line]"].clone(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [(
            "ONIMCONNECTORSTATUSDELETE".to_owned(),
            "myconn".to_owned(),
            "1".to_owned()
        )]
    );
    // Registered again, the connector starts switched off everywhere.
    register(&app, "myconn", "My Connector").await;
    let status = call(
        &app,
        APP_TOKEN,
        "imconnector.status",
        json!({"CONNECTOR":"myconn","LINE":1}),
    )
    .await;
    assert_eq!(status.result()["CONFIGURED"], json!(false));
}

#[tokio::test]
async fn batch_runs_connector_methods_and_checks_their_scope() {
    let app = app().await;
    let answer = call(
        &app,
        APP_TOKEN,
        "batch",
        json!({"halt": 1, "cmd": {
            "reg": "imconnector.register?ID=batched&NAME=Batched&ICON[DATA_IMAGE]=data:x&PLACEMENT_HANDLER=http://x/",
            "on": "imconnector.activate?CONNECTOR=batched&LINE=1&ACTIVE=Y",
            "status": "imconnector.status?CONNECTOR=batched&LINE=1",
        }}),
    )
    .await;
    let result = answer.result();
    assert_eq!(result["result_error"], json!([]), "{}", answer.text);
    assert_eq!(result["result"]["reg"], json!({"result": true}));
    assert_eq!(result["result"]["on"], json!(true));
    assert_eq!(result["result"]["status"]["STATUS"], json!(true));
    // A token without imopenlines or imconnector runs none of them, inside a batch too.
    let answer = call(
        &app,
        "demo-crm-only-token",
        "batch",
        json!({"cmd": {"s": "imconnector.status?CONNECTOR=batched&LINE=1"}}),
    )
    .await;
    assert_eq!(
        answer.result()["result_error"],
        json!({"s":{"error":"insufficient_scope","error_description":""}})
    );
}
