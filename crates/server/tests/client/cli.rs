//! `openlines call` end to end: the real binary against a server started by the test, its
//! output, and the exit codes documented in `openlines_client::cli::run`.

use crate::helpers::{quiet_settings, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, LIMITED_HOOK};
use crate::observed::ObservedApp;
use crate::support::{install_expired_app, webhook_url, CLIENT_ID, CLIENT_SECRET, OLD_REFRESH};
use serde_json::{json, Value};
use std::process::{Command, Output};

/// Runs `openlines call <args>` off the runtime (the server keeps answering meanwhile), with
/// none of the `OPENLINES_*` variables the flags could fall back to.
async fn openlines_call(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_openlines"));
        command.arg("call").args(&args).env("OPENLINES_LOG", "off");
        for (name, _) in std::env::vars() {
            if name.starts_with("OPENLINES_") && name != "OPENLINES_LOG" {
                command.env_remove(name);
            }
        }
        command.output().expect("run openlines")
    })
    .await
    .expect("join")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|arg| (*arg).to_owned()).collect()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `--webhook <url> imopenlines.crm.chat.get <params>` with `extra` flags first.
fn chat_get(app: &TestApp, hook: &str, extra: &[&str], params: &[&str]) -> Vec<String> {
    let mut list = args(extra);
    list.extend(args(&[
        "--webhook",
        &webhook_url(app.address, hook),
        "imopenlines.crm.chat.get",
    ]));
    list.extend(args(params));
    list
}

const DEAL_288: [&str; 3] = ["CRM_ENTITY_TYPE=deal", "CRM_ENTITY=288", "ACTIVE_ONLY=N"];

#[tokio::test]
async fn call_prints_a_table() {
    let app = TestApp::demo().await;
    let output = openlines_call(chat_get(&app, ADMIN_HOOK, &[], &DEAL_288)).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "CHAT_ID  CONNECTOR_ID  CONNECTOR_TITLE\n\
         -------  ------------  ---------------\n\
         9852     livechat      Live Chat\n"
    );
}

#[tokio::test]
async fn call_with_json_prints_the_envelope() {
    let app = TestApp::demo().await;
    let output = openlines_call(chat_get(&app, ADMIN_HOOK, &["--json"], &DEAL_288)).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    let envelope: Value = serde_json::from_str(&text).expect("JSON");
    let keys: Vec<&str> = envelope
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["result", "time"]);
    assert_eq!(
        envelope["result"],
        json!([{"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}])
    );
    assert!(envelope["time"]["date_start"]
        .as_str()
        .unwrap()
        .ends_with("+00:00"));
}

#[tokio::test]
async fn bracketed_keys_reach_the_server_and_other_results_print_as_json() {
    let app = TestApp::demo().await;
    let output = openlines_call(args(&[
        "--webhook",
        &webhook_url(app.address, ADMIN_HOOK),
        "batch",
        "cmd[me]=profile",
        "cmd[chats]=imopenlines.crm.chat.get?CRM_ENTITY_TYPE=deal&CRM_ENTITY=288",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Not a list of records, so no table: the result as pretty JSON.
    let text = stdout(&output);
    assert!(text.starts_with("{\n  \"result\": {"), "{text}");
    let printed: Value = serde_json::from_str(&text).expect("pretty JSON");
    assert_eq!(printed["result"]["me"]["ID"], json!("1"));
    assert_eq!(
        printed["result"]["chats"],
        json!([{"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}])
    );
    assert_eq!(printed["result_error"], json!([]));
}

#[tokio::test]
async fn api_errors_exit_with_their_documented_codes() {
    let app = TestApp::demo().await;
    // 4: an argument error; with --json the error body is printed too.
    let missing_type =
        openlines_call(chat_get(&app, ADMIN_HOOK, &["--json"], &["CRM_ENTITY=288"])).await;
    assert_eq!(
        missing_type.status.code(),
        Some(4),
        "{}",
        stderr(&missing_type)
    );
    let body: Value = serde_json::from_str(&stdout(&missing_type)).expect("JSON error body");
    assert_eq!(
        body,
        json!({"error": "ERROR_ARGUMENT", "error_description": "Argument 'CRM_ENTITY_TYPE' is null or empty", "argument": "CRM_ENTITY_TYPE"})
    );
    assert!(
        stderr(&missing_type)
            .contains("ERROR_ARGUMENT: Argument 'CRM_ENTITY_TYPE' is null or empty"),
        "{}",
        stderr(&missing_type)
    );

    let lead_1205 = ["CRM_ENTITY_TYPE=lead", "CRM_ENTITY=1205"];
    let cases: [(&str, i32); 4] = [
        (LIMITED_HOOK, 4),               // ACCESS_DENIED
        (CRM_ONLY_HOOK, 3),              // insufficient_scope
        ("/rest/1/wrongcode0000000", 3), // INVALID_CREDENTIALS
        ("/rest/4/inactive01234567", 3), // authorization_error
    ];
    for (hook, code) in cases {
        let output = openlines_call(chat_get(&app, hook, &[], &lead_1205)).await;
        assert_eq!(
            output.status.code(),
            Some(code),
            "{hook}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{hook}");
    }
    let not_found = openlines_call(args(&[
        "--webhook",
        &webhook_url(app.address, ADMIN_HOOK),
        "no.such.method",
    ]))
    .await;
    assert_eq!(not_found.status.code(), Some(4), "{}", stderr(&not_found));
}

#[tokio::test]
async fn usage_and_transport_errors_exit_with_their_documented_codes() {
    let app = TestApp::demo().await;
    // 2: no credentials, a malformed KEY=VALUE, a webhook URL of the wrong shape.
    let no_credentials = openlines_call(args(&["server.time"])).await;
    assert_eq!(no_credentials.status.code(), Some(2));
    assert!(
        stderr(&no_credentials).contains("no credentials"),
        "{}",
        stderr(&no_credentials)
    );
    let bad_pair = openlines_call(chat_get(&app, ADMIN_HOOK, &[], &["CRM_ENTITY"])).await;
    assert_eq!(bad_pair.status.code(), Some(2), "{}", stderr(&bad_pair));
    let bad_url = openlines_call(args(&[
        "--webhook",
        &format!("http://{}/rest/1/", app.address),
        "server.time",
    ]))
    .await;
    assert_eq!(bad_url.status.code(), Some(2), "{}", stderr(&bad_url));

    // 6: nobody listens. A read is retried with backoff, so ask for a write-named method
    // that fails at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let refused = openlines_call(args(&[
        "--webhook",
        &format!("http://{closed}{ADMIN_HOOK}/"),
        "imopenlines.crm.message.add",
    ]))
    .await;
    assert_eq!(refused.status.code(), Some(6), "{}", stderr(&refused));
}

#[tokio::test]
async fn call_refreshes_an_expired_token_and_prints_the_new_pair() {
    let app = ObservedApp::start(quiet_settings()).await;
    install_expired_app(&app.store).await;
    let output = openlines_call(args(&[
        "--oauth-endpoint",
        &format!("http://{}/rest/", app.address),
        "--access-token",
        crate::support::OLD_ACCESS,
        "--refresh-token",
        OLD_REFRESH,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--token-endpoint",
        &format!("http://{}/oauth/token/", app.address),
        "--json",
        "imopenlines.crm.chat.get",
        "CRM_ENTITY_TYPE=lead",
        "CRM_ENTITY=1205",
    ]))
    .await;
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{errors}");
    let envelope: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        envelope["result"],
        json!([{"CHAT_ID": "1763", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}])
    );
    assert!(
        errors.contains("the old refresh token no longer works"),
        "{errors}"
    );
    let pair_line = errors
        .lines()
        .find(|line| line.starts_with('{'))
        .expect("the new pair on stderr");
    let pair: openlines_client::TokenPair = serde_json::from_str(pair_line).expect("a token pair");
    assert_ne!(pair.refresh_token, OLD_REFRESH);
    assert_eq!(pair.expires_in, Some(3600));
    // One failed call, one refresh, one retry.
    let paths: Vec<String> = app.seen().into_iter().map(|seen| seen.path).collect();
    assert_eq!(
        paths,
        [
            "/rest/imopenlines.crm.chat.get",
            "/oauth/token/",
            "/rest/imopenlines.crm.chat.get"
        ]
    );
}
