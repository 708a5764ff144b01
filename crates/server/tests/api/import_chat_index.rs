//! An import into a database that already holds chats rebuilds chat.get's index rows
//! (`storage/chat_index.rs`) only for the chats it touches. These tests run the real binary on
//! the suite's backend and read the answers over HTTP: the touched chats change, the others
//! keep their rows, and a session moved to another chat leaves its old chat's rows behind.

use crate::helpers::{chat, openlines, quiet_settings, stderr, TestApp};
use serde_json::json;

const HOOK: &str = "/rest/1/index0123456789ab";

const FIRST: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"index0123456789ab","scopes":["imopenlines","crm"]}
{"type":"deal","id":288,"title":"Website redesign","assigned_by_id":1}
{"type":"deal","id":289,"title":"Support contract","assigned_by_id":1}
{"type":"chat","id":9852,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":288}]}
{"type":"chat","id":9853,"connector_id":"telegrambot"}
{"type":"chat","id":9854,"connector_id":"viber","status":20,"crm":[{"entity_type":"deal","entity_id":288}]}
{"type":"session","id":500,"chat_id":9853,"status":20,"crm":[{"entity_type":"deal","entity_id":289}]}
"#;

/// Moves session 500 from chat 9853 to chat 9852, and leaves chat 9854 alone.
const SECOND: &str = r#"{"type":"session","id":500,"chat_id":9852,"status":20,"crm":[{"entity_type":"deal","entity_id":289}]}
"#;

/// Chat 9854 starts bound to deal 289 too, through a new shorthand.
const THIRD: &str = r#"{"type":"chat","id":9854,"connector_id":"viber","status":20,"crm":[{"entity_type":"deal","entity_id":289}]}
"#;

fn import(app: &TestApp, dir: &tempfile::TempDir, name: &str, content: &str) {
    let file = dir.path().join(name);
    std::fs::write(&file, content).unwrap();
    let output = openlines(
        &[
            "import",
            file.to_str().unwrap(),
            "--db",
            &app.database_url(),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

#[tokio::test]
async fn a_later_import_rebuilds_the_index_rows_of_the_chats_it_touches() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    import(&app, &dir, "first.jsonl", FIRST);
    let livechat = chat("9852", "livechat", "Live Chat");
    let telegram = chat("9853", "telegrambot", "Telegram");
    let viber = chat("9854", "viber", "Viber");
    assert_eq!(app.chats_of_deal(HOOK, 289).await, json!([telegram]));
    let deal_288 = app.chats_of_deal(HOOK, 288).await;
    assert_eq!(deal_288.as_array().map(Vec::len), Some(2), "{deal_288}");

    // The session left chat 9853: that chat's row goes, although the file never names it.
    import(&app, &dir, "second.jsonl", SECOND);
    assert_eq!(app.chats_of_deal(HOOK, 289).await, json!([livechat]));
    assert_eq!(app.chats_of_deal(HOOK, 288).await, deal_288);

    // A chat line rebuilds its chat: 9854's shorthand session now binds deal 289 alone.
    import(&app, &dir, "third.jsonl", THIRD);
    let deal_289 = app.chats_of_deal(HOOK, 289).await;
    let listed: Vec<&serde_json::Value> = deal_289.as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 2, "{deal_289}");
    assert!(
        listed.contains(&&livechat) && listed.contains(&&viber),
        "{deal_289}"
    );
    assert_eq!(app.chats_of_deal(HOOK, 288).await, json!([livechat]));
}
