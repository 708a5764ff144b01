//! Events over real HTTP: `event.bind` and friends, and deliveries to a handler server that
//! each test starts on a loopback port. `POST /_openlines/admin/events/flush` waits for
//! deliveries, so no test sleeps.

use crate::helpers::{quiet_settings, Answer, TestApp, ADMIN_HOOK};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use openlines::domain::credentials::SecretHash;
use openlines::state::Settings;
use openlines::storage::oauth::NewPair;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub(crate) const ADMIN: &str = "test-admin-token";
/// The demo's application token of user 1 (an administrator).
pub(crate) const APP_TOKEN: &str = "demo-access-token";
/// A token of the same application for user 5, who is no administrator.
const USER5_TOKEN: &str = "user5-app-token";
pub(crate) const CLIENT: &str = "local.demo0000000000.00000000";

/// One POST the handler received: its form fields, in order.
type Delivery = Vec<(String, String)>;

/// A handler server: records every POST; answers 500 to the first `failures` of them.
#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

#[derive(Clone)]
struct HandlerState {
    seen: Arc<Mutex<Vec<Delivery>>>,
    failures: Arc<AtomicUsize>,
}

async fn record(State(state): State<HandlerState>, body: String) -> StatusCode {
    let fields = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    state.seen.lock().unwrap().push(fields);
    let left = state.failures.load(Ordering::SeqCst);
    if left > 0 {
        state.failures.store(left - 1, Ordering::SeqCst);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}

impl Receiver {
    pub(crate) async fn start(failures: usize) -> Receiver {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = HandlerState {
            seen: seen.clone(),
            failures: Arc::new(AtomicUsize::new(failures)),
        };
        let app = Router::new().route("/hook", post(record)).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, seen }
    }

    pub(crate) fn deliveries(&self) -> Vec<BTreeMap<String, String>> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|fields| fields.iter().cloned().collect())
            .collect()
    }

    /// `(event, data[FIELDS][ID])` of each delivery, in arrival order.
    pub(crate) fn events(&self) -> Vec<(String, String)> {
        self.deliveries()
            .iter()
            .map(|fields| (fields["event"].clone(), fields["data[FIELDS][ID]"].clone()))
            .collect()
    }
}

pub(crate) async fn app() -> TestApp {
    let settings = Settings {
        admin_token: Some(ADMIN.to_owned().into()),
        ..quiet_settings()
    };
    let app = TestApp::with_settings(settings, &[openlines::dataset::demo::DEMO_JSONL]).await;
    let hash = |secret: &str| {
        SecretHash::of(&SecretString::from(secret.to_owned()))
            .as_str()
            .to_owned()
    };
    let now = openlines::clock::Clock::default().now_secs();
    app.store
        .add_pair(&NewPair {
            access_sha256: &hash(USER5_TOKEN),
            refresh_sha256: &hash("user5-app-refresh"),
            user_id: 5,
            scopes: "imopenlines,crm",
            client_id: CLIENT,
            expires_at: now + 3600,
            refresh_expires_at: now + 3600,
        })
        .await
        .unwrap();
    app
}

/// Calls `method` with an OAuth token.
pub(crate) async fn with_token(
    app: &TestApp,
    token: &str,
    method: &str,
    mut body: Value,
) -> Answer {
    body["auth"] = json!(token);
    app.post_json(&format!("/rest/{method}"), body).await
}

pub(crate) async fn bind(app: &TestApp, event: &str, handler: &str) {
    let answer = with_token(
        app,
        APP_TOKEN,
        "event.bind",
        json!({"event": event, "handler": handler}),
    )
    .await;
    assert_eq!(answer.result(), &json!(true), "binding {event}");
}

pub(crate) async fn flush(app: &TestApp) -> Value {
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
    answer.json
}

pub(crate) async fn deliveries_journal(app: &TestApp) -> Value {
    let response = app
        .http
        .get(app.url("/_openlines/admin/events"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let answer = Answer::read(response).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json["deliveries"].clone()
}

#[tokio::test]
async fn event_methods_need_an_application_context() {
    let app = app().await;
    for method in [
        "event.bind",
        "event.get",
        "event.unbind",
        "events",
        "event.offline.get",
    ] {
        app.call(ADMIN_HOOK, method, json!({"event":"ONCRMLEADADD","handler":"http://x/"}))
            .await
            .assert_error(
                403,
                json!({"error":"WRONG_AUTH_TYPE","error_description":"Current authorization type is denied for this method. Application context required"}),
            );
    }
}

#[tokio::test]
async fn bind_get_and_unbind_round_trip() {
    let app = app().await;
    bind(&app, "onCrmLeadAdd", "http://127.0.0.1:9/a").await;
    let listed = with_token(&app, APP_TOKEN, "event.get", json!({})).await;
    assert_eq!(
        listed.result(),
        &json!([{"event":"ONCRMLEADADD","handler":"http://127.0.0.1:9/a","auth_type":"0","offline":0}])
    );
    with_token(
        &app,
        APP_TOKEN,
        "event.bind",
        json!({"EVENT":"ONCRMLEADADD","HANDLER":"http://127.0.0.1:9/a"}),
    )
    .await
    .assert_error(
        400,
        json!({"error":"ERROR_CORE","error_description":"Handler already binded"}),
    );
    let removed = with_token(
        &app,
        APP_TOKEN,
        "event.unbind",
        json!({"event":"ONCRMLEADADD","handler":"http://127.0.0.1:9/a"}),
    )
    .await;
    assert_eq!(removed.result(), &json!({"count": 1}));
    let listed = with_token(&app, APP_TOKEN, "event.get", json!({})).await;
    assert_eq!(listed.result(), &json!([]));
}

#[tokio::test]
async fn bind_refuses_unknown_events_and_a_non_administrators_extra_rights() {
    let app = app().await;
    with_token(
        &app,
        APP_TOKEN,
        "event.bind",
        json!({"event":"ONNOSUCHTHING","handler":"http://127.0.0.1:9/a"}),
    )
    .await
    .assert_error(
        400,
        json!({"error":"ERROR_EVENT_NOT_FOUND","error_description":"Event not found"}),
    );
    with_token(&app, APP_TOKEN, "event.bind", json!({"event":"ONCRMLEADADD"}))
        .await
        .assert_error(
            400,
            json!({"error":"ERROR_ARGUMENT","error_description":"Argument 'HANDLER' is null or empty","argument":"HANDLER"}),
        );
    with_token(
        &app,
        USER5_TOKEN,
        "event.bind",
        json!({"event":"ONCRMLEADADD","event_type":"offline"}),
    )
    .await
    .assert_error(
        403,
        json!({"error":"ACCESS_DENIED","error_description":"Access denied! Offline events binding requires administrator access rights"}),
    );
    with_token(
        &app,
        USER5_TOKEN,
        "event.bind",
        json!({"event":"ONCRMLEADADD","handler":"http://127.0.0.1:9/a","auth_type":1}),
    )
    .await
    .assert_error(
        403,
        json!({"error":"ACCESS_DENIED","error_description":"Access denied! Event binding with AUTH_TYPE requires administrator access rights"}),
    );
    with_token(&app, USER5_TOKEN, "event.offline.list", json!({}))
        .await
        .assert_error(
            403,
            json!({"error":"ACCESS_DENIED","error_description":"Access denied!"}),
        );
    // A non-administrator's handler runs as themself, and they see only their own.
    bind(&app, "ONCRMDEALADD", "http://127.0.0.1:9/admin").await;
    let own = with_token(
        &app,
        USER5_TOKEN,
        "event.bind",
        json!({"event":"ONCRMLEADADD","handler":"http://127.0.0.1:9/u5"}),
    )
    .await;
    assert_eq!(own.result(), &json!(true));
    let listed = with_token(&app, USER5_TOKEN, "event.get", json!({})).await;
    assert_eq!(
        listed.result(),
        &json!([{"event":"ONCRMLEADADD","handler":"http://127.0.0.1:9/u5","auth_type":"5","offline":0}])
    );
}

#[tokio::test]
async fn events_lists_by_scope() {
    let app = app().await;
    let crm = with_token(&app, APP_TOKEN, "events", json!({"SCOPE":"crm"})).await;
    let names = crm.result().as_array().unwrap();
    assert!(names.contains(&json!("ONCRMDEALUPDATE")), "{names:?}");
    assert!(!names.contains(&json!("ONAPPINSTALL")), "{names:?}");
    let full = with_token(&app, APP_TOKEN, "events", json!({"FULL":true})).await;
    assert!(full
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("ONAPPINSTALL")));
}

#[tokio::test]
async fn each_crm_write_is_delivered_once_in_order_with_the_documented_fields() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    for event in ["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE"] {
        bind(&app, event, &handler.url).await;
    }
    let added = app
        .call(
            ADMIN_HOOK,
            "crm.deal.add",
            json!({"fields":{"TITLE":"Evented"}}),
        )
        .await;
    let id = added.result().to_string();
    for title in ["First", "Second"] {
        let updated = app
            .call(
                ADMIN_HOOK,
                "crm.deal.update",
                json!({"id": id, "fields":{"TITLE": title}}),
            )
            .await;
        assert_eq!(updated.result(), &json!(true));
    }
    let deleted = app
        .call(ADMIN_HOOK, "crm.deal.delete", json!({"id": id}))
        .await;
    assert_eq!(deleted.result(), &json!(true));
    flush(&app).await;

    let expected: Vec<(String, String)> = [
        "ONCRMDEALADD",
        "ONCRMDEALUPDATE",
        "ONCRMDEALUPDATE",
        "ONCRMDEALDELETE",
    ]
    .iter()
    .map(|event| ((*event).to_owned(), id.clone()))
    .collect();
    assert_eq!(handler.events(), expected);

    let first = &handler.deliveries()[0];
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "auth[access_token]",
            "auth[application_token]",
            "auth[client_endpoint]",
            "auth[domain]",
            "auth[expires]",
            "auth[expires_in]",
            "auth[member_id]",
            "auth[scope]",
            "auth[server_endpoint]",
            "auth[status]",
            "auth[user_id]",
            "data[FIELDS][ID]",
            "event",
            "event_handler_id",
            "ts",
        ]
    );
    assert_eq!(first["auth[scope]"], "crm");
    assert_eq!(
        first["auth[user_id]"], "1",
        "the acting user: the admin webhook's"
    );
    let expires: i64 = first["auth[expires]"].parse().unwrap();
    let ts: i64 = first["ts"].parse().unwrap();
    assert!(expires >= ts + 3600, "{expires} vs ts {ts}");
    assert_eq!(first["auth[domain]"], app.address.to_string());
    assert_eq!(
        first["auth[client_endpoint]"],
        format!("http://{}/rest/", app.address)
    );
    assert!(first["ts"].parse::<i64>().is_ok_and(|ts| ts > 0));
    let tokens: std::collections::BTreeSet<String> = handler
        .deliveries()
        .into_iter()
        .map(|fields| fields["auth[application_token]"].clone())
        .collect();
    assert_eq!(tokens.len(), 1, "one application_token per application");
    // The delivered token is a real one, of the user whose write raised the event.
    let profile = with_token(&app, &first["auth[access_token]"], "profile", json!({})).await;
    assert_eq!(profile.result()["ID"], json!("1"), "{}", profile.text);
}

#[tokio::test]
async fn an_unbound_handler_gets_nothing_more() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    bind(&app, "ONCRMLEADADD", &handler.url).await;
    app.call(
        ADMIN_HOOK,
        "crm.lead.add",
        json!({"fields":{"TITLE":"one"}}),
    )
    .await
    .result();
    flush(&app).await;
    assert_eq!(handler.events().len(), 1);
    let removed = with_token(
        &app,
        APP_TOKEN,
        "event.unbind",
        json!({"event":"ONCRMLEADADD","handler": handler.url}),
    )
    .await;
    assert_eq!(removed.result(), &json!({"count": 1}));
    app.call(
        ADMIN_HOOK,
        "crm.lead.add",
        json!({"fields":{"TITLE":"two"}}),
    )
    .await
    .result();
    flush(&app).await;
    assert_eq!(handler.events().len(), 1, "{:?}", handler.events());
}

#[tokio::test]
async fn a_failing_handler_is_retried_and_the_journal_shows_it() {
    let app = app().await;
    let handler = Receiver::start(1).await;
    bind(&app, "ONCRMCONTACTADD", &handler.url).await;
    let id = app
        .call(
            ADMIN_HOOK,
            "crm.contact.add",
            json!({"fields":{"NAME":"Retry"}}),
        )
        .await
        .result()
        .to_string();
    flush(&app).await;
    assert_eq!(
        handler.events(),
        [
            ("ONCRMCONTACTADD".to_owned(), id.clone()),
            ("ONCRMCONTACTADD".to_owned(), id)
        ]
    );
    let journal = deliveries_journal(&app).await;
    assert_eq!(journal[0]["event"], json!("ONCRMCONTACTADD"));
    assert_eq!(journal[0]["state"], json!("delivered"));
    assert_eq!(journal[0]["attempts"], json!(2));
    assert_eq!(journal[0]["last_status"], json!(200));
    assert_eq!(journal[0]["handler"], json!(handler.url));
}

#[tokio::test]
async fn offline_events_keep_one_row_per_object_and_are_taken_once() {
    let app = app().await;
    let bound = with_token(
        &app,
        APP_TOKEN,
        "event.bind",
        json!({"event":"ONCRMLEADUPDATE","event_type":"offline"}),
    )
    .await;
    assert_eq!(bound.result(), &json!(true));
    for title in ["a", "b"] {
        app.call(
            ADMIN_HOOK,
            "crm.lead.update",
            json!({"id":1205,"fields":{"TITLE": title}}),
        )
        .await
        .result();
    }
    let listed = with_token(&app, APP_TOKEN, "event.offline.list", json!({})).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["total"], json!(1), "{}", listed.text);
    assert_eq!(listed.json["result"][0]["PROCESS_ID"], json!(""));

    let taken = with_token(&app, APP_TOKEN, "event.offline.get", json!({})).await;
    let result = taken.result();
    assert_eq!(result["process_id"], Value::Null);
    let events = result["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{result}");
    assert_eq!(events[0]["EVENT_NAME"], json!("ONCRMLEADUPDATE"));
    assert_eq!(events[0]["EVENT_DATA"], json!({"FIELDS":{"ID":"1205"}}));
    let again = with_token(&app, APP_TOKEN, "event.offline.get", json!({})).await;
    assert_eq!(again.result()["events"], json!([]));

    // Reserved with clear=0, then cleared by the reservation's id.
    app.call(
        ADMIN_HOOK,
        "crm.lead.update",
        json!({"id":1205,"fields":{"TITLE":"c"}}),
    )
    .await
    .result();
    let reserved = with_token(&app, APP_TOKEN, "event.offline.get", json!({"clear":0})).await;
    let process = reserved.result()["process_id"].as_str().unwrap().to_owned();
    let listed = with_token(&app, APP_TOKEN, "event.offline.list", json!({})).await;
    assert_eq!(listed.json["result"][0]["PROCESS_ID"], json!(process));
    let cleared = with_token(
        &app,
        APP_TOKEN,
        "event.offline.clear",
        json!({"process_id": process}),
    )
    .await;
    assert_eq!(cleared.result(), &json!(true));
    let listed = with_token(&app, APP_TOKEN, "event.offline.list", json!({})).await;
    assert_eq!(listed.json["total"], json!(0), "{}", listed.text);
}

#[tokio::test]
async fn session_activity_and_lead_creation_raise_their_events() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    for event in ["ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMLEADADD"] {
        bind(&app, event, &handler.url).await;
    }
    let opened = app
        .call(
            ADMIN_HOOK,
            "imopenlines.session.open",
            json!({"USER_CODE":"livechat|1|visitor-events|client-events"}),
        )
        .await;
    let chat = opened.result()["chatId"].as_str().unwrap().to_owned();
    let answered = app
        .call(
            ADMIN_HOOK,
            "imopenlines.operator.answer",
            json!({"CHAT_ID": chat}),
        )
        .await;
    assert_eq!(answered.result(), &json!(true));
    let created = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.lead.create",
            json!({"CHAT_ID": chat}),
        )
        .await;
    assert_eq!(created.result(), &json!(true));
    flush(&app).await;
    let events = handler.events();
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ONCRMACTIVITYADD",
            "ONCRMACTIVITYUPDATE",
            "ONCRMLEADADD",
            "ONCRMACTIVITYUPDATE"
        ]
    );
    let session = &events[0].1;
    assert!(
        events
            .iter()
            .filter(|(name, _)| name.starts_with("ONCRMACTIVITY"))
            .all(|(_, id)| id == session),
        "{events:?}"
    );
}

async fn switch_on(app: &TestApp, fault: Value) {
    let response = app
        .http
        .post(app.url("/_openlines/admin/faults"))
        .bearer_auth(ADMIN)
        .body(fault.to_string())
        .send()
        .await
        .unwrap();
    let answer = Answer::read(response).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn delivery_faults_fail_an_attempt_and_duplicate_a_delivery() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    bind(&app, "ONCRMLEADADD", &handler.url).await;

    switch_on(&app, json!({"kind":"event_handler_failing","count":1})).await;
    let first = app
        .call(
            ADMIN_HOOK,
            "crm.lead.add",
            json!({"fields":{"TITLE":"one"}}),
        )
        .await
        .result()
        .to_string();
    flush(&app).await;
    // The failed attempt was never sent; the retry was.
    assert_eq!(handler.events(), [("ONCRMLEADADD".to_owned(), first)]);
    let journal = deliveries_journal(&app).await;
    assert_eq!(journal[0]["attempts"], json!(2), "{journal}");
    assert_eq!(journal[0]["state"], json!("delivered"));

    switch_on(&app, json!({"kind":"event_duplicate","count":1})).await;
    let second = app
        .call(
            ADMIN_HOOK,
            "crm.lead.add",
            json!({"fields":{"TITLE":"two"}}),
        )
        .await
        .result()
        .to_string();
    flush(&app).await;
    let deliveries = handler.deliveries();
    assert_eq!(deliveries.len(), 3, "{deliveries:?}");
    assert_eq!(deliveries[1], deliveries[2], "the same delivery twice");
    assert_eq!(deliveries[2]["data[FIELDS][ID]"], second);
    let journal = deliveries_journal(&app).await;
    assert_eq!(journal[0]["attempts"], json!(1), "{journal}");
}

#[tokio::test]
async fn an_offline_queue_change_notifies_the_onofflineevent_handler() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    let offline = with_token(
        &app,
        APP_TOKEN,
        "event.bind",
        json!({"event":"ONCRMLEADADD","event_type":"offline"}),
    )
    .await;
    assert_eq!(offline.result(), &json!(true));
    bind(&app, "ONOFFLINEEVENT", &handler.url).await;
    app.call(
        ADMIN_HOOK,
        "crm.lead.add",
        json!({"fields":{"TITLE":"queued"}}),
    )
    .await
    .result();
    flush(&app).await;
    let deliveries = handler.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0]["event"], "ONOFFLINEEVENT");
    // `data` arrives empty, so the form carries no `data` field at all.
    assert!(!deliveries[0].keys().any(|key| key.starts_with("data")));
    // A write whose event no offline handler wants notifies nobody.
    app.call(
        ADMIN_HOOK,
        "crm.deal.add",
        json!({"fields":{"TITLE":"not queued"}}),
    )
    .await
    .result();
    flush(&app).await;
    assert_eq!(handler.deliveries().len(), 1);
}

#[tokio::test]
async fn app_add_with_an_install_handler_delivers_onappinstall_with_a_working_refresh_token() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    let db = app.database_url();
    let output = crate::helpers::openlines(
        &[
            "app",
            "add",
            "--name",
            "installed",
            "--install-handler",
            &handler.url,
            "--db",
            &db,
        ],
        None,
    );
    assert!(
        output.status.success(),
        "{}",
        crate::helpers::stderr(&output)
    );
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let field = |name: &str| {
        printed
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {printed}"))
            .to_owned()
    };
    let (client_id, secret) = (field("client_id"), field("client_secret"));
    flush(&app).await;
    let deliveries = handler.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let install = &deliveries[0];
    assert_eq!(install["event"], "ONAPPINSTALL");
    assert_eq!(install["data[INSTALLED]"], "Y");
    assert_eq!(install["data[ACTIVE]"], "Y");
    let profile = with_token(&app, &install["auth[access_token]"], "profile", json!({})).await;
    assert_eq!(profile.result()["ID"], json!("1"), "{}", profile.text);
    let refreshed = app
        .get(&format!(
            "/oauth/token/?grant_type=refresh_token&client_id={client_id}&client_secret={secret}&refresh_token={}",
            install["auth[refresh_token]"]
        ))
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
}
