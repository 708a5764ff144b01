//! An import into empty tables fills `session_crm_bindings` and `crm_chat_index` in one
//! statement each; on PostgreSQL their indexes (and the bindings' primary key) are dropped
//! for that fill and built again afterwards (`storage/import.rs`, `drop_indexes`). These tests
//! run the real binary on the suite's backend: the database ends with the indexes the
//! migrations made, a binding given twice is stored once, and a failed import leaves the
//! indexes as they were.

use crate::helpers::{import_ok, import_text, quiet_settings, stderr, TestApp};
use serde_json::json;

const HOOK: &str = "/rest/1/rebuild0123456789";

/// Chat 20 names deal 7 twice, and its session line binds deal 7 a third time.
const FILE: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"rebuild0123456789","scopes":["imopenlines","crm"]}
{"type":"deal","id":7,"title":"Deal 7","assigned_by_id":1}
{"type":"deal","id":8,"title":"Deal 8","assigned_by_id":1}
{"type":"chat","id":20,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":7},{"entity_type":"deal","entity_id":7}]}
{"type":"chat","id":21,"connector_id":"viber","status":60,"crm":[{"entity_type":"deal","entity_id":7},{"entity_type":"deal","entity_id":8}]}
{"type":"chat","id":22,"connector_id":"viber"}
{"type":"session","id":900,"chat_id":22,"status":20,"crm":[{"entity_type":"deal","entity_id":8},{"entity_type":"deal","entity_id":8}]}
"#;

/// Every index of the database, as `(name, definition)` in name order.
async fn indexes(app: &TestApp) -> Vec<(String, String)> {
    let url = app.database_url();
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let rows = sqlx::query_as(
            "SELECT indexname::TEXT, indexdef FROM pg_indexes
             WHERE schemaname = current_schema() ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{url}"))
            .await
            .unwrap();
        let rows = sqlx::query_as(
            "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    }
}

/// The chat ids chat.get lists for `deal`, in answer order (`active_only`: `Y` or `N`).
async fn chat_ids_of_deal(app: &TestApp, deal: i64, active_only: &str) -> Vec<String> {
    let answer = app
        .call(
            HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": deal, "ACTIVE_ONLY": active_only}),
        )
        .await;
    answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|chat| chat["CHAT_ID"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_import_into_empty_tables_keeps_every_index_and_stores_a_repeated_binding_once() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let before = indexes(&app).await;
    assert!(
        before
            .iter()
            .any(|(name, _)| name == "crm_chat_index_by_chat"),
        "{before:?}"
    );

    import_ok(&app, &dir, FILE);
    assert_eq!(indexes(&app).await, before);

    let mut deal7 = chat_ids_of_deal(&app, 7, "N").await;
    deal7.sort();
    assert_eq!(deal7, ["20", "21"]);
    let mut deal8 = chat_ids_of_deal(&app, 8, "N").await;
    deal8.sort();
    assert_eq!(deal8, ["21", "22"]);
}

#[tokio::test]
async fn a_failed_import_into_empty_tables_leaves_the_indexes_as_they_were() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let before = indexes(&app).await;

    // The binding to deal 99 dangles: the import fails at its reference checks.
    let broken = FILE.replace(
        r#""entity_id":8},{"entity_type":"deal","entity_id":8}"#,
        r#""entity_id":99}"#,
    );
    let output = import_text(&app, &dir, &broken);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains(":8: binding to deal 99, which does not exist"),
        "{}",
        stderr(&output)
    );
    assert_eq!(indexes(&app).await, before);

    // The same database then takes the good file.
    import_ok(&app, &dir, FILE);
    assert_eq!(indexes(&app).await, before);
}

/// Chats 30 and 31 each have two sessions bound to deal 7, one active and one closed, in both
/// orders; chat 32 has one. The fill of an empty chat index must fold each chat's sessions
/// into one row: the latest change of any session and, apart, of the active ones (on SQLite
/// the second session of a chat meets the first one's row in `ON CONFLICT`).
const FOLDED: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"rebuild0123456789","scopes":["imopenlines","crm"]}
{"type":"deal","id":7,"title":"Deal 7","assigned_by_id":1}
{"type":"chat","id":30,"connector_id":"livechat"}
{"type":"chat","id":31,"connector_id":"viber"}
{"type":"chat","id":32,"connector_id":"telegrambot"}
{"type":"session","id":301,"chat_id":30,"status":20,"modified_at":"2026-01-01T00:01:00Z","crm":[{"entity_type":"deal","entity_id":7}]}
{"type":"session","id":302,"chat_id":30,"status":60,"modified_at":"2026-01-01T00:05:00Z","crm":[{"entity_type":"deal","entity_id":7}]}
{"type":"session","id":311,"chat_id":31,"status":60,"modified_at":"2026-01-01T00:04:00Z","crm":[{"entity_type":"deal","entity_id":7}]}
{"type":"session","id":312,"chat_id":31,"status":20,"modified_at":"2026-01-01T00:02:00Z","crm":[{"entity_type":"deal","entity_id":7}]}
{"type":"session","id":321,"chat_id":32,"status":20,"modified_at":"2026-01-01T00:03:00Z","crm":[{"entity_type":"deal","entity_id":7}]}
"#;

#[tokio::test]
async fn the_fill_of_an_empty_chat_index_folds_each_chats_sessions_into_one_row() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    import_ok(&app, &dir, FOLDED);
    // Any session: chat 30 changed last (00:05), then 31 (00:04), then 32 (00:03).
    assert_eq!(chat_ids_of_deal(&app, 7, "N").await, ["30", "31", "32"]);
    // Active sessions only: 32 (00:03), then 31 (00:02), then 30 (00:01).
    assert_eq!(chat_ids_of_deal(&app, 7, "Y").await, ["32", "31", "30"]);
}

/// A first load without `session` lines: on PostgreSQL its chat index rows are written from
/// the stream (`ImportWriter::index_from_stream`). Chat 40 lists deal 1 twice, chat 41 is
/// closed, chat 43 has no session; shorthand sessions get ids in chat-line order, so at equal
/// times chat 41's session is the later one.
const STREAMED: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"rebuild0123456789","scopes":["imopenlines","crm"]}
{"type":"deal","id":1,"title":"Deal 1","assigned_by_id":1}
{"type":"deal","id":2,"title":"Deal 2","assigned_by_id":1}
{"type":"deal","id":3,"title":"Deal 3","assigned_by_id":1}
{"type":"chat","id":40,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":1},{"entity_type":"deal","entity_id":2},{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":41,"connector_id":"viber","status":60,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":42,"connector_id":"telegrambot","status":20,"crm":[{"entity_type":"deal","entity_id":2},{"entity_type":"deal","entity_id":3}]}
{"type":"chat","id":43,"connector_id":"livechat"}
"#;

/// chat.get's answers for deals 1 to 3, `ACTIVE_ONLY=N` and `Y`.
async fn answers_of_deals(app: &TestApp) -> Vec<Vec<String>> {
    let mut answers = Vec::new();
    for deal in 1..=3 {
        for active_only in ["N", "Y"] {
            answers.push(chat_ids_of_deal(app, deal, active_only).await);
        }
    }
    answers
}

#[tokio::test]
async fn a_first_load_without_sessions_indexes_its_chats_as_the_fill_would() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let before = indexes(&app).await;
    import_ok(&app, &dir, STREAMED);
    assert_eq!(indexes(&app).await, before);
    assert_eq!(
        answers_of_deals(&app).await,
        [
            vec!["41", "40"], // deal 1, any session
            vec!["40"],       // deal 1, active: chat 41 is closed
            vec!["42", "40"],
            vec!["42", "40"],
            vec!["42"],
            vec!["42"],
        ]
    );
}

#[tokio::test]
async fn a_later_line_for_a_streamed_chat_leaves_no_stale_index_row() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let before = indexes(&app).await;
    // The last line reopens chat 41 and moves it from deal 1 to deal 3, after its first
    // line's index row was written.
    let file = format!(
        "{STREAMED}{}\n",
        r#"{"type":"chat","id":41,"connector_id":"viber","status":20,"crm":[{"entity_type":"deal","entity_id":3}]}"#
    );
    import_ok(&app, &dir, &file);
    assert_eq!(indexes(&app).await, before);
    assert_eq!(
        answers_of_deals(&app).await,
        [
            vec!["40"],
            vec!["40"],
            vec!["42", "40"],
            vec!["42", "40"],
            vec!["42", "41"],
            vec!["42", "41"],
        ]
    );
}

#[tokio::test]
async fn a_session_line_after_streamed_chats_is_indexed_too() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    // After every chat's rows were streamed, a closed session binds chat 42 to deal 1 as well,
    // with the latest change of all (it was modified after the import's own time).
    let file = format!(
        "{STREAMED}{}\n",
        r#"{"type":"session","id":900,"chat_id":42,"status":60,"modified_at":"2099-01-01T00:00:00Z","crm":[{"entity_type":"deal","entity_id":1}]}"#
    );
    import_ok(&app, &dir, &file);
    assert_eq!(
        answers_of_deals(&app).await,
        [
            vec!["42", "41", "40"],
            vec!["40"],
            vec!["42", "40"],
            vec!["42", "40"],
            vec!["42"],
            vec!["42"],
        ]
    );
}
