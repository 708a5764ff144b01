//! Which ids the chat shorthand's sessions get (docs/FIXTURES.md, "The chat shorthand"): in
//! the order of the chat lines, after every session id the database ever held and every id an
//! earlier `session` line gave; a later `session` line that names one of them takes it, and
//! the shorthand session moves on with its bindings. Re-importing the file updates the same
//! sessions. These tests run the real binary on the suite's backend and read the ids over
//! HTTP (`imopenlines.dialog.get` shows a chat's newest session in `entity_data_1`).

use crate::helpers::{chat, import_ok, import_text, quiet_settings, stderr, TestApp};
use serde_json::json;

const HOOK: &str = "/rest/1/ids0123456789abcd";

const FILE: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"ids0123456789abcd","scopes":["imopenlines","crm"]}
{"type":"deal","id":1,"title":"One","assigned_by_id":1}
{"type":"deal","id":2,"title":"Two","assigned_by_id":1}
{"type":"chat","id":10,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":1},{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":11,"connector_id":"telegrambot","status":60,"crm":[{"entity_type":"deal","entity_id":2}]}
{"type":"chat","id":12,"connector_id":"viber"}
{"type":"session","id":1,"chat_id":12,"status":20,"crm":[{"entity_type":"deal","entity_id":2}]}
{"type":"session","id":7,"chat_id":12,"status":60}
{"type":"chat","id":13,"connector_id":"livechat","active":true,"crm":[{"entity_type":"deal","entity_id":3}]}
{"type":"deal","id":3,"title":"Three","assigned_by_id":1}
"#;

/// The id of the newest session of `chat`.
async fn newest_session(app: &TestApp, chat: i64) -> i64 {
    let dialog = app
        .call(HOOK, "imopenlines.dialog.get", json!({"CHAT_ID": chat}))
        .await
        .result()
        .clone();
    dialog["entity_data_1"]
        .as_str()
        .and_then(|data| data.split('|').nth(5))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {dialog}"))
}

async fn check(app: &TestApp) {
    // Chat 10 had id 1 until the session line took it; it moved to the next free id, 3.
    assert_eq!(newest_session(app, 10).await, 3);
    assert_eq!(newest_session(app, 11).await, 2);
    assert_eq!(newest_session(app, 12).await, 7);
    // After session 7 came in, the next shorthand went above it.
    assert_eq!(newest_session(app, 13).await, 8);
    // The moved session kept its binding (given twice, stored once).
    assert_eq!(
        app.chats_of_deal(HOOK, 1).await,
        json!([chat("10", "livechat", "Live Chat")])
    );
    let deal_2 = app.chats_of_deal(HOOK, 2).await;
    let listed = deal_2.as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 2, "{deal_2}");
    assert!(
        listed.contains(&chat("11", "telegrambot", "Telegram")),
        "{deal_2}"
    );
    assert!(listed.contains(&chat("12", "viber", "Viber")), "{deal_2}");
    // A binding to a record further down the file resolves.
    assert_eq!(
        app.chats_of_deal(HOOK, 3).await,
        json!([chat("13", "livechat", "Live Chat")])
    );
}

#[tokio::test]
async fn shorthand_sessions_give_way_to_session_lines_and_keep_their_ids_on_reimport() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    import_ok(&app, &dir, FILE);
    check(&app).await;

    // Re-import: every shorthand session is found again by its chat.
    import_ok(&app, &dir, FILE);
    check(&app).await;
}

#[tokio::test]
async fn a_repeated_shorthand_updates_the_session_of_the_first_line() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = format!(
        "{FILE}{}",
        r#"{"type":"chat","id":11,"connector_id":"telegrambot","status":20,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":10,"connector_id":"livechat","status":20}
"#
    );
    import_ok(&app, &dir, &file);
    assert_eq!(newest_session(&app, 10).await, 3);
    assert_eq!(newest_session(&app, 11).await, 2);
    // Chat 11's last line binds deal 1 instead of 2; chat 10's last line binds nothing.
    assert_eq!(
        app.chats_of_deal(HOOK, 1).await,
        json!([chat("11", "telegrambot", "Telegram")])
    );
    assert_eq!(
        app.chats_of_deal(HOOK, 2).await,
        json!([chat("12", "viber", "Viber")])
    );
}

#[tokio::test]
async fn a_binding_to_a_missing_record_names_its_line_unless_a_later_line_replaced_it() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = r#"{"type":"chat","id":10,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":404}]}
{"type":"chat","id":11,"connector_id":"livechat","status":20,"crm":[{"entity_type":"lead","entity_id":405}]}
{"type":"chat","id":10,"connector_id":"livechat","status":20,"crm":[]}
"#;
    let output = import_text(&app, &dir, file);
    assert!(!output.status.success());
    let text = stderr(&output);
    let reported: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once("import.jsonl:").map(|(_, rest)| rest))
        .collect();
    assert_eq!(
        reported,
        ["2: binding to lead 405, which does not exist"],
        "{text}"
    );
}
