//! The web console's server-side rules (issue #11), over HTTP: nothing without a session,
//! webhook codes and tokens never open it, the cookie's flags, CSRF and Origin on every change,
//! the CRM page answering exactly as `imopenlines.crm.chat.get`, the journal's answer and
//! replayable path, the live stream, and a graceful stop with a stream open. The pages in a
//! browser are tested by `tests/console/run.sh`.

use crate::helpers::{quiet_settings, Answer, TestApp, ADMIN_HOOK};
use openlines::dataset::demo;
use openlines::state::Settings;
use serde_json::{json, Value};

const ADMIN: &str = "console-admin-token";

async fn console_app() -> TestApp {
    let settings = Settings {
        admin_token: Some(ADMIN.to_owned().into()),
        ..quiet_settings()
    };
    TestApp::with_settings(settings, &[demo::DEMO_JSONL]).await
}

/// A client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    Answer::read(request.send().await.unwrap()).await
}

fn origin(app: &TestApp) -> String {
    format!("http://{}", app.address)
}

/// Signs in; returns the answer of the sign-in form.
async fn sign_in_with(app: &TestApp, token: &str, from: &str) -> Answer {
    send(
        client()
            .post(app.url("/_openlines/login"))
            .header("origin", from)
            .form(&[("token", token)]),
    )
    .await
}

/// A signed-in session: `(cookie header value, csrf token)`.
async fn session(app: &TestApp) -> (String, String) {
    let answer = sign_in_with(app, ADMIN, &origin(app)).await;
    assert_eq!(answer.status, 303, "{}", answer.text);
    let cookie = answer
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = send(
        client()
            .get(app.url("/_openlines/console/api/session"))
            .header("cookie", &cookie),
    )
    .await;
    (cookie, csrf.json["csrf"].as_str().unwrap().to_owned())
}

async fn get_signed(app: &TestApp, cookie: &str, path: &str) -> Answer {
    send(client().get(app.url(path)).header("cookie", cookie)).await
}

fn not_signed_in() -> Value {
    json!({"error":"INVALID_CREDENTIALS","error_description":"Sign in to the console with the admin token first (/_openlines/)"})
}

const CONSOLE_PATHS: [&str; 7] = [
    "/_openlines/console/app.js",
    "/_openlines/console/api/session",
    "/_openlines/console/api/journal",
    "/_openlines/console/api/journal/stream",
    "/_openlines/console/api/crm/deal/288",
    "/_openlines/console/api/chats/9852",
    "/_openlines/console/api/webhooks",
];

#[tokio::test]
async fn without_a_session_only_the_sign_in_form_is_served() {
    let app = console_app().await;
    for path in CONSOLE_PATHS {
        send(client().get(app.url(path)))
            .await
            .assert_error(401, not_signed_in());
    }
    let page = send(client().get(app.url("/_openlines/"))).await;
    assert_eq!(page.status, 200);
    assert!(page
        .text
        .contains(r#"<form method="post" action="/_openlines/login">"#));
    assert!(!page.text.contains("app.js"), "{}", page.text);
    assert_eq!(
        page.header("content-security-policy"),
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(page.header("x-frame-options"), "DENY");
    // Changes too: without a session the check stops there.
    let change = send(
        client()
            .post(app.url("/_openlines/console/api/reset"))
            .header("origin", origin(&app)),
    )
    .await;
    change.assert_error(401, not_signed_in());
}

#[tokio::test]
async fn webhook_codes_and_oauth_tokens_never_open_the_console() {
    let app = console_app().await;
    for secret in [demo::ADMIN_WEBHOOK_CODE, demo::ACCESS_TOKEN] {
        for path in CONSOLE_PATHS {
            let bearer = send(client().get(app.url(path)).bearer_auth(secret)).await;
            bearer.assert_error(401, not_signed_in());
            let cookie = format!("openlines_console={secret}");
            let as_cookie = send(client().get(app.url(path)).header("cookie", cookie)).await;
            as_cookie.assert_error(401, not_signed_in());
        }
        let sign_in = sign_in_with(&app, secret, &origin(&app)).await;
        assert_eq!(sign_in.status, 401);
        assert!(sign_in.text.contains("That is not the admin token."));
        assert_eq!(sign_in.header("set-cookie"), "");
    }
    // Nor does the admin token itself, presented any other way than the sign-in form.
    let bearer = send(
        client()
            .get(app.url("/_openlines/console/api/journal"))
            .bearer_auth(ADMIN),
    )
    .await;
    bearer.assert_error(401, not_signed_in());
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_not_the_token() {
    let app = console_app().await;
    let answer = sign_in_with(&app, ADMIN, &origin(&app)).await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.header("location"), "/_openlines/");
    let cookie = answer.header("set-cookie");
    let value = cookie.split(';').next().unwrap();
    assert!(value.starts_with("openlines_console="), "{cookie}");
    assert!(!cookie.contains(ADMIN), "{cookie}");
    assert_eq!(
        cookie.strip_prefix(value).unwrap(),
        "; Path=/_openlines/; HttpOnly; SameSite=Strict; Max-Age=43200"
    );
    // Behind a TLS-terminating proxy the cookie is Secure.
    let over_tls = send(
        client()
            .post(app.url("/_openlines/login"))
            .header("origin", origin(&app))
            .header("x-forwarded-proto", "https")
            .form(&[("token", ADMIN)]),
    )
    .await;
    assert!(
        over_tls.header("set-cookie").ends_with("; Secure"),
        "{}",
        over_tls.header("set-cookie")
    );
    // The session opens the console page (with its script) and its data.
    let page = get_signed(&app, value, "/_openlines/").await;
    assert!(page.text.contains("/_openlines/console/app.js"));
    let journal = get_signed(&app, value, "/_openlines/console/api/journal").await;
    assert_eq!(journal.status, 200, "{}", journal.text);
}

#[tokio::test]
async fn a_sign_in_form_from_another_site_is_refused() {
    let app = console_app().await;
    for from in ["http://evil.example", "null"] {
        let answer = sign_in_with(&app, ADMIN, from).await;
        answer.assert_error(
            403,
            json!({"error":"ACCESS_DENIED","error_description":"Sign in from the console's own page (Origin)"}),
        );
        assert_eq!(answer.header("set-cookie"), "");
    }
}

#[tokio::test]
async fn every_change_needs_the_csrf_token_and_this_origin() {
    let app = console_app().await;
    let (cookie, csrf) = session(&app).await;
    let fault = json!({"kind":"query_limit","after_calls":0});
    let wrong_origin = json!({"error":"ACCESS_DENIED","error_description":"Changes are accepted only from the console's own pages (Origin)"});
    let no_csrf =
        json!({"error":"ACCESS_DENIED","error_description":"The CSRF token is missing or wrong"});
    let post = || {
        client()
            .post(app.url("/_openlines/console/api/faults"))
            .header("cookie", &cookie)
            .json(&fault)
    };
    send(
        post()
            .header("origin", "http://evil.example")
            .header("x-csrf-token", &csrf),
    )
    .await
    .assert_error(403, wrong_origin.clone());
    send(post().header("x-csrf-token", &csrf))
        .await
        .assert_error(403, wrong_origin);
    send(post().header("origin", origin(&app)))
        .await
        .assert_error(403, no_csrf.clone());
    send(
        post()
            .header("origin", origin(&app))
            .header("x-csrf-token", "guess"),
    )
    .await
    .assert_error(403, no_csrf);
    // None of these switched anything on.
    assert!(app.call(ADMIN_HOOK, "server.time", json!({})).await.status == 200);
    let added = send(
        post()
            .header("origin", origin(&app))
            .header("x-csrf-token", &csrf),
    )
    .await;
    assert_eq!(added.json, json!({"id": 1}), "{}", added.text);
    let refused = app.call(ADMIN_HOOK, "server.time", json!({})).await;
    assert_eq!(refused.status, 503);
    let cleared = send(
        client()
            .post(app.url("/_openlines/console/api/faults/clear"))
            .header("cookie", &cookie)
            .header("origin", origin(&app))
            .header("x-csrf-token", &csrf),
    )
    .await;
    assert_eq!(cleared.json, json!({"removed": 1}));
    assert_eq!(
        app.call(ADMIN_HOOK, "server.time", json!({})).await.status,
        200
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = console_app().await;
    let (cookie, csrf) = session(&app).await;
    let out = send(
        client()
            .post(app.url("/_openlines/logout"))
            .header("cookie", &cookie)
            .header("origin", origin(&app))
            .form(&[("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(out.status, 303, "{}", out.text);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    get_signed(&app, &cookie, "/_openlines/console/api/journal")
        .await
        .assert_error(401, not_signed_in());
}

#[tokio::test]
async fn the_crm_page_answers_exactly_as_chat_get() {
    let app = console_app().await;
    let (cookie, _) = session(&app).await;
    for (kind, id) in [("deal", 288), ("lead", 1205), ("contact", 999_999)] {
        let page = get_signed(
            &app,
            &cookie,
            &format!("/_openlines/console/api/crm/{kind}/{id}"),
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.text);
        for flag in ["Y", "N"] {
            let method = app
                .call(
                    ADMIN_HOOK,
                    "imopenlines.crm.chat.get",
                    json!({"CRM_ENTITY_TYPE": kind, "CRM_ENTITY": id, "ACTIVE_ONLY": flag}),
                )
                .await;
            assert_eq!(
                &page.json["chats"][flag],
                method.result(),
                "{kind} {id} {flag}"
            );
        }
    }
    let deal = get_signed(&app, &cookie, "/_openlines/console/api/crm/deal/288").await;
    assert_eq!(
        deal.json,
        json!({
            "record": {"type":"deal","id":288,"title":"Website redesign","assigned_by_id":1,"opened":false},
            "chats": {
                "Y": [{"CHAT_ID":"9852","CONNECTOR_ID":"livechat","CONNECTOR_TITLE":"Live Chat"}],
                "N": [{"CHAT_ID":"9852","CONNECTOR_ID":"livechat","CONNECTOR_TITLE":"Live Chat"}]
            }
        })
    );
    let chat = get_signed(&app, &cookie, "/_openlines/console/api/chats/9852").await;
    assert_eq!(
        chat.json["sessions"][0],
        json!({"id":501,"status":20,"status_name":"in work (client waits)","operator_id":2,
               "created_at":1_773_133_200,"modified_at":1_773_135_000,"crm":[{"type":"deal","id":288}]})
    );
}

#[tokio::test]
async fn pages_are_keyed_and_say_where_the_next_one_starts() {
    let app = console_app().await;
    let (cookie, _) = session(&app).await;
    let first = get_signed(&app, &cookie, "/_openlines/console/api/chats?limit=2").await;
    let ids: Vec<i64> = first.json["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|chat| chat["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(first.json["next"], json!(ids[1]));
    let second = get_signed(
        &app,
        &cookie,
        &format!("/_openlines/console/api/chats?limit=2&after={}", ids[1]),
    )
    .await;
    assert!(second.json["chats"][0]["id"].as_i64().unwrap() > ids[1]);
    let hooks = get_signed(&app, &cookie, "/_openlines/console/api/webhooks").await;
    assert!(!hooks.text.contains(demo::ADMIN_WEBHOOK_CODE));
    assert_eq!(
        hooks.json["webhooks"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        12
    );
}

#[tokio::test]
async fn journal_entries_keep_the_answer_and_a_path_without_the_code() {
    let app = console_app().await;
    let (cookie, _) = session(&app).await;
    let call = app.call(ADMIN_HOOK, "server.time", json!({})).await;
    let journal = get_signed(&app, &cookie, "/_openlines/console/api/journal").await;
    let entry = &journal.json["entries"][0];
    assert_eq!(entry["method"], json!("server.time"));
    assert_eq!(entry["path"], json!("/rest/1/{code}/server.time"));
    assert_eq!(entry["credential"], json!("webhook"));
    assert_eq!(entry["answer"], json!(call.text));
    assert!(!journal.text.contains(demo::ADMIN_WEBHOOK_CODE));
    let one = get_signed(
        &app,
        &cookie,
        &format!("/_openlines/console/api/journal/{}", entry["id"]),
    )
    .await;
    assert_eq!(&one.json["entry"], entry);
}

/// Reads the stream until an event whose data holds `needle`.
async fn read_until(stream: &mut reqwest::Response, seen: &mut String, needle: &str) {
    while !seen.contains(needle) {
        let chunk = stream.chunk().await.expect("chunk").expect("stream open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_live_stream_sends_new_calls_and_ends_when_the_server_stops() {
    let app = console_app().await;
    let (cookie, _) = session(&app).await;
    app.call(ADMIN_HOOK, "server.time", json!({})).await;
    let response = client()
        .get(app.url("/_openlines/console/api/journal/stream?since=1"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut stream = response;
    let mut seen = String::new();
    app.call(ADMIN_HOOK, "profile", json!({})).await;
    read_until(&mut stream, &mut seen, "\"method\":\"profile\"").await;
    assert!(seen.contains("event: call\n"), "{seen}");
    assert!(seen.contains("id: 2\n"), "{seen}");
    // Entry 1 was before `since`, so it is not sent again.
    assert!(!seen.contains("server.time"), "{seen}");
    // A graceful stop ends the stream (it would otherwise hold the stop up for good).
    drop(app);
    while let Ok(Some(_)) = stream.chunk().await {}
}

#[tokio::test]
async fn without_an_admin_token_there_is_no_console() {
    let app = TestApp::demo().await;
    for path in ["/_openlines/", "/_openlines/console/api/journal"] {
        let answer = send(client().get(app.url(path))).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.json["error"], json!("ERROR_METHOD_NOT_FOUND"));
    }
    let sign_in = sign_in_with(&app, "", &origin(&app)).await;
    assert_eq!(sign_in.status, 404);
}

/// A change posted the way the console's script posts it.
async fn change(app: &TestApp, cookie: &str, csrf: &str, path: &str, body: Value) -> Answer {
    send(
        client()
            .post(app.url(path))
            .header("cookie", cookie)
            .header("origin", origin(app))
            .header("x-csrf-token", csrf)
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn a_new_webhook_shows_its_url_once_and_a_token_can_be_expired() {
    let app = console_app().await;
    let (cookie, csrf) = session(&app).await;
    let made = change(
        &app,
        &cookie,
        &csrf,
        "/_openlines/console/api/webhooks/new",
        json!({"user_id": 1, "scopes": "imopenlines,crm"}),
    )
    .await;
    let url = made.json["url"].as_str().unwrap().to_owned();
    let prefix = format!("http://{}/rest/1/", app.address);
    let code = url.strip_prefix(&prefix).unwrap().trim_end_matches('/');
    let hook = format!("/rest/1/{code}");
    assert_eq!(app.call(&hook, "server.time", json!({})).await.status, 200);
    let listed = get_signed(&app, &cookie, "/_openlines/console/api/webhooks").await;
    assert!(!listed.text.contains(code), "{}", listed.text);
    let unknown_scope = change(
        &app,
        &cookie,
        &csrf,
        "/_openlines/console/api/webhooks/new",
        json!({"user_id": 1, "scopes": "nonsense"}),
    )
    .await;
    unknown_scope.assert_error(
        400,
        json!({"error":"ERROR_ARGUMENT","error_description":"scopes: give one or more known scopes, such as imopenlines,crm"}),
    );

    let tokens = get_signed(&app, &cookie, "/_openlines/console/api/tokens").await;
    assert!(!tokens.text.contains(demo::ACCESS_TOKEN));
    let scope = tokens.json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|token| token["scope"]["token"].as_str().unwrap().to_owned())
        .find(|hash| {
            *hash
                == openlines::domain::credentials::SecretHash::of(
                    &demo::ACCESS_TOKEN.to_owned().into(),
                )
                .as_str()
        })
        .expect("the demo token is listed");
    let expired = change(
        &app,
        &cookie,
        &csrf,
        "/_openlines/console/api/tokens/expire",
        json!({"token": scope}),
    )
    .await;
    assert_eq!(expired.json, json!({"expired": true}));
    let call = send(
        client()
            .get(app.url("/rest/server.time"))
            .bearer_auth(demo::ACCESS_TOKEN),
    )
    .await;
    assert_eq!(call.status, 401);
    assert_eq!(call.json["error"], json!("expired_token"));
}
