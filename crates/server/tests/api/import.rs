//! `openlines import` end to end: the real binary loads files into a real SQLite file, and the
//! server then answers from it.

use crate::helpers::{chat, openlines, stderr, TestApp, ADMIN_HOOK};
use serde_json::json;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::Row;
use std::path::Path;
use std::process::Output;

const GOOD: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"demo0123456789ab","scopes":["imopenlines","crm"]}
{"type":"deal","id":288,"title":"Website redesign","assigned_by_id":1}
{"type":"chat","id":9852,"connector_id":"livechat","line_id":1,"status":20,"crm":[{"entity_type":"deal","entity_id":288}]}
"#;

fn import_file(dir: &Path, name: &str, content: &str) -> Output {
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    let db = dir.join("openlines.db");
    openlines(
        &[
            "import",
            file.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
        None,
    )
}

/// Every row of every table, in a stable order, as text.
async fn dump(db: &Path) -> Vec<String> {
    let pool = SqlitePoolOptions::new()
        .connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let mut rows = Vec::new();
    for table in [
        "departments",
        "users",
        "crm_permissions",
        "webhooks",
        "oauth_tokens",
        "crm_records",
        "connectors",
        "lines",
        "chats",
        "sessions",
        "session_crm_bindings",
        "crm_chat_index",
    ] {
        let columns: Vec<String> = sqlx::query(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
        let select = columns
            .iter()
            .map(|c| format!("quote({c})"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let ordered: Vec<String> = sqlx::query(&format!("SELECT {select} FROM {table} ORDER BY 1"))
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|row| format!("{table}: {}", row.get::<String, _>(0)))
            .collect();
        rows.extend(ordered);
    }
    pool.close().await;
    rows
}

/// The server over a database loaded from [`GOOD`] lists chat 9852 for deal 288.
async fn assert_good_file_answers(app: &TestApp) {
    let answer = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288}),
        )
        .await;
    assert_eq!(
        answer.result(),
        &json!([chat("9852", "livechat", "Live Chat")])
    );
}

#[tokio::test]
async fn a_good_file_loads_and_the_server_answers_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = import_file(dir.path(), "good.jsonl", GOOD);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("imported 4 records from 4 lines"),
        "{}",
        stderr(&output)
    );
    let app = TestApp::on_existing_database(dir).await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":"N"}),
        )
        .await;
    assert_eq!(
        answer.result(),
        &json!([chat("9852", "livechat", "Live Chat")])
    );
}

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import_file(dir.path(), "good.jsonl", GOOD).status.success());
    let before = dump(&dir.path().join("openlines.db")).await;
    assert!(import_file(dir.path(), "good.jsonl", GOOD).status.success());
    assert_eq!(dump(&dir.path().join("openlines.db")).await, before);
    // The demo data too, which uses explicit sessions.
    assert!(import_file(
        dir.path(),
        "demo.jsonl",
        openlines::dataset::demo::DEMO_JSONL
    )
    .status
    .success());
    let with_demo = dump(&dir.path().join("openlines.db")).await;
    assert!(import_file(
        dir.path(),
        "demo.jsonl",
        openlines::dataset::demo::DEMO_JSONL
    )
    .status
    .success());
    assert_eq!(dump(&dir.path().join("openlines.db")).await, with_demo);
}

#[tokio::test]
async fn a_broken_line_names_its_number_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import_file(dir.path(), "good.jsonl", GOOD).status.success());
    let before = dump(&dir.path().join("openlines.db")).await;
    let broken = r#"{"type":"lead","id":1205,"title":"Before the break"}
{"type":"lead","id":1206,"title":"Also before"}
{"type":"lead","id":1207,"title":
{"type":"lead","id":1208,"title":"After the break"}
{"type":"planet","id":3}
{"type":"chat","connector_id":"livechat"}
{"type":"chat","id":"twelve","connector_id":"livechat"}
{"type":"session","id":5,"chat_id":9852,"status":33}
"#;
    let output = import_file(dir.path(), "broken.jsonl", broken);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("broken.jsonl:3: not valid JSON"), "{text}");
    assert!(
        text.contains("broken.jsonl:5: unknown variant `planet`"),
        "{text}"
    );
    assert!(
        text.contains("broken.jsonl:6: missing field `id`"),
        "{text}"
    );
    assert!(
        text.contains("broken.jsonl:7: invalid type: string \"twelve\""),
        "{text}"
    );
    assert!(
        text.contains("broken.jsonl:8: status 33 is not a Bitrix24 session status"),
        "{text}"
    );
    assert!(
        !text.contains("broken.jsonl:1:") && !text.contains("broken.jsonl:4:"),
        "{text}"
    );
    assert!(text.contains("nothing was imported"), "{text}");
    assert_eq!(dump(&dir.path().join("openlines.db")).await, before);
}

#[tokio::test]
async fn dangling_references_name_their_lines_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = r#"{"type":"user","id":1,"admin":true}
{"type":"chat","id":5,"connector_id":"nosuchconnector","status":20}
{"type":"session","id":9,"chat_id":404,"status":20}
{"type":"chat","id":6,"connector_id":"livechat","crm":[{"entity_type":"deal","entity_id":999}]}
{"type":"webhook","user_id":77,"code":"orphanhook000000"}
"#;
    let output = import_file(dir.path(), "dangling.jsonl", file);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains(
            "dangling.jsonl:2: chat 5 uses connector nosuchconnector, which does not exist"
        ),
        "{text}"
    );
    assert!(
        text.contains("dangling.jsonl:3: session 9 belongs to chat 404, which does not exist"),
        "{text}"
    );
    assert!(
        text.contains("dangling.jsonl:4: binding to deal 999, which does not exist"),
        "{text}"
    );
    assert!(
        text.contains("dangling.jsonl:5: webhook refers to user 77, who does not exist"),
        "{text}"
    );
    let rows = dump(&dir.path().join("openlines.db")).await;
    assert!(
        !rows
            .iter()
            .any(|row| row.starts_with("users:") || row.starts_with("chats:")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn lines_may_come_in_any_order_and_stdin_works() {
    let dir = tempfile::tempdir().unwrap();
    let reversed: String = GOOD.lines().rev().map(|line| format!("{line}\n")).collect();
    let db = dir.path().join("openlines.db");
    let output = openlines(
        &["import", "-", "--db", db.to_str().unwrap()],
        Some(&reversed),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let app = TestApp::on_existing_database(dir).await;
    assert_good_file_answers(&app).await;
}

#[tokio::test]
async fn exported_hashes_are_accepted_instead_of_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let code_sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"demo0123456789ab"))
    };
    let hashed = GOOD.replace(
        r#""code":"demo0123456789ab""#,
        &format!(r#""code_sha256":"{code_sha256}""#),
    );
    assert!(import_file(dir.path(), "hashed.jsonl", &hashed)
        .status
        .success());
    let app = TestApp::on_existing_database(dir).await;
    assert_good_file_answers(&app).await;
}

#[tokio::test]
async fn webhook_commands_create_list_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import_file(dir.path(), "good.jsonl", GOOD).status.success());
    let db = dir.path().join("openlines.db");
    let db = db.to_str().unwrap();
    let added = openlines(
        &[
            "webhook",
            "add",
            "--user",
            "1",
            "--scope",
            "imopenlines",
            "--db",
            db,
            "--base-url",
            "http://h",
        ],
        None,
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let url = String::from_utf8(added.stdout).unwrap().trim().to_owned();
    assert!(
        url.starts_with("http://h/rest/1/")
            && url.ends_with('/')
            && url.len() == "http://h/rest/1/".len() + 17,
        "{url}"
    );
    let listed =
        String::from_utf8(openlines(&["webhook", "list", "--db", db], None).stdout).unwrap();
    assert!(
        listed.contains("imopenlines") && !listed.contains(&url[16..32]),
        "{listed}"
    );
    let token = openlines(
        &[
            "token",
            "add",
            "--user",
            "1",
            "--scope",
            "imopenlines",
            "--ttl",
            "60",
            "--db",
            db,
        ],
        None,
    );
    assert!(token.status.success());
    assert_eq!(String::from_utf8(token.stdout).unwrap().trim().len(), 64);
    let unknown_user = openlines(&["webhook", "add", "--user", "42", "--db", db], None);
    assert!(!unknown_user.status.success());
    assert!(stderr(&unknown_user).contains("there is no user 42"));
    let bad_scope = openlines(
        &[
            "webhook", "add", "--user", "1", "--scope", "tasks", "--db", db,
        ],
        None,
    );
    assert!(!bad_scope.status.success());
    assert!(openlines(&["webhook", "revoke", "2", "--db", db], None)
        .status
        .success());
    assert!(!openlines(&["webhook", "revoke", "99", "--db", db], None)
        .status
        .success());
}

/// A lead line of exactly `bytes` bytes, its newline included.
fn lead_line_of(bytes: usize) -> String {
    let frame = r#"{"type":"lead","id":1,"title":""}"#.len() + 1;
    format!(
        "{{\"type\":\"lead\",\"id\":1,\"title\":\"{}\"}}\n",
        "a".repeat(bytes - frame)
    )
}

#[tokio::test]
async fn a_line_may_be_exactly_one_mebibyte_and_not_one_byte_more() {
    use openlines::dataset::import::{import, ImportError, LineError};
    // The documented limit (docs/FIXTURES.md), written out so the test does not follow the code.
    const ONE_MIB: usize = 1_048_576;
    let app = TestApp::with_settings(crate::helpers::quiet_settings(), &[]).await;
    let longest = lead_line_of(ONE_MIB);
    assert_eq!(longest.len(), ONE_MIB);
    import(&app.store, longest.as_bytes(), 1_700_000_000, |_| {})
        .await
        .unwrap();
    let too_long = lead_line_of(ONE_MIB + 1);
    let refused = import(&app.store, too_long.as_bytes(), 1_700_000_000, |_| {}).await;
    let Err(ImportError::Invalid(errors)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        errors,
        vec![LineError {
            line: 1,
            message: "line is longer than 1048576 bytes".to_owned()
        }]
    );
}

/// At most 50 bad lines are reported (docs/FIXTURES.md): the first 50, in order, however many
/// more there are (a cargo-mutants survivor: `<` read as `<=` reported 51).
#[tokio::test]
async fn at_most_fifty_bad_lines_are_reported() {
    use openlines::dataset::import::{import, ImportError};
    let app = TestApp::with_settings(crate::helpers::quiet_settings(), &[]).await;
    let file = "not json\n".repeat(60);
    let refused = import(&app.store, file.as_bytes(), 1_700_000_000, |_| {}).await;
    let Err(ImportError::Invalid(errors)) = refused else {
        panic!("{refused:?}");
    };
    let lines: Vec<u64> = errors.iter().map(|error| error.line).collect();
    assert_eq!(lines, (1..=50).collect::<Vec<u64>>());
}

/// The journal mode a SQLite file is in, read without changing it.
async fn journal_mode(db: &Path) -> String {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    mode
}

/// `openlines import` into a file that does not exist yet writes each page once, through a
/// rollback journal (`StoreOptions::bulk_load`); the mode is not kept, so a server over the
/// file runs in WAL as always, and a later import into the existing file does too.
#[tokio::test]
async fn a_first_import_leaves_no_log_and_what_opens_the_file_next_runs_in_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("openlines.db");
    let wal = dir.path().join("openlines.db-wal");
    let output = import_file(dir.path(), "good.jsonl", GOOD);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!wal.exists());
    assert_eq!(journal_mode(&db).await, "delete");

    let second = import_file(
        dir.path(),
        "more.jsonl",
        r#"{"type":"lead","id":7,"title":"Later"}"#,
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(journal_mode(&db).await, "wal");

    let app = TestApp::on_existing_database(dir).await;
    assert_good_file_answers(&app).await;
    assert_eq!(journal_mode(&db).await, "wal");
}
