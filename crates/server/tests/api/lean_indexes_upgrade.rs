//! Migrations 0013 to 0015 rebuild what chat.get reads:
//! - 0013 drops the chat index's ACTIVE_ONLY=Y sort index (the engine now sorts a record's
//!   rows for that answer) and, on SQLite, rebuilds `session_crm_bindings` clustered by its key;
//! - 0014, on PostgreSQL, drops the ACTIVE_ONLY=N one too (it sorts there as well, reading a
//!   key that includes every column);
//! - 0015, on SQLite, rebuilds `crm_records` clustered by its key.
//!
//! A database written before them must come out with every record and binding and the same
//! answers: these tests make one at migration 0012 with plain SQL, then let the real binary
//! upgrade and serve it, on the suite's backend.

use crate::helpers::openlines;
use crate::served::{BackendDb, Served};
use serde_json::{json, Value};
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection, SqliteConnection};

/// The rows of a 0012 database: deal 5 has chats 1 to 3, whose sessions changed at 100, 300
/// and 200 (chat 3's active session is older than its closed one); session 12 is bound to
/// lead 9 as well. The chat index rows are what migration 0006's fill writes.
const OLD_ROWS: &[&str] = &[
    "INSERT INTO connectors (id, title, active) VALUES ('livechat', 'Live chat', TRUE)",
    "INSERT INTO crm_records (entity_type, id, title, opened) VALUES ('deal', 5, 'Deal 5', TRUE)",
    "INSERT INTO crm_records (entity_type, id, title, opened) VALUES ('lead', 9, 'Lead 9', TRUE)",
    "INSERT INTO chats (id, connector_id, line_id) VALUES (1, 'livechat', 1), (2, 'livechat', 1),
        (3, 'livechat', 1)",
    "INSERT INTO sessions (id, chat_id, status, created_at, modified_at) VALUES
        (11, 1, 20, 100, 100), (12, 2, 60, 300, 300), (13, 3, 20, 150, 150),
        (14, 3, 60, 200, 200)",
    "INSERT INTO session_crm_bindings (session_id, entity_type, entity_id) VALUES
        (11, 'deal', 5), (12, 'deal', 5), (12, 'lead', 9), (13, 'deal', 5), (14, 'deal', 5)",
    "INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id, any_modified_at,
        any_session_id, active_modified_at, active_session_id)
     SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, MAX(s.modified_at), MAX(s.id),
        MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.modified_at END),
        MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.id END)
     FROM session_crm_bindings b JOIN sessions s ON s.id = b.session_id
     JOIN chats c ON c.id = s.chat_id
     GROUP BY b.entity_type, b.entity_id, s.chat_id, c.connector_id",
];

const ACCESS: &str = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"webhook","user_id":1,"code":"upgrade0123456789","scopes":["imopenlines","crm"]}
"#;

/// A database at migration 0012 (as a release before 0013 left it) holding [`OLD_ROWS`].
async fn write_0012_database(url: &str) {
    let engine = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let folder = format!("{}/migrations/{engine}", env!("CARGO_MANIFEST_DIR"));
    let old = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < "0013" {
            std::fs::copy(&path, old.path().join(&name)).unwrap();
        }
    }
    let migrator = Migrator::new(old.path()).await.unwrap();
    assert_eq!(migrator.iter().count(), 12);
    if engine == "postgres" {
        let mut conn = PgConnection::connect(url).await.unwrap();
        migrator.run(&mut conn).await.unwrap();
        for statement in OLD_ROWS {
            sqlx::query(statement).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    } else {
        let mut conn = SqliteConnection::connect(&format!("sqlite://{url}?mode=rwc"))
            .await
            .unwrap();
        migrator.run(&mut conn).await.unwrap();
        for statement in OLD_ROWS {
            sqlx::query(statement).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    }
}

async fn chat_ids(served: &Served, entity_type: &str, id: i64, active_only: &str) -> Vec<Value> {
    let body = format!("CRM_ENTITY_TYPE={entity_type}&CRM_ENTITY={id}&ACTIVE_ONLY={active_only}");
    let (status, answer) = served
        .post_form(
            "/rest/1/upgrade0123456789/imopenlines.crm.chat.get.json",
            &body,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|chat| chat["CHAT_ID"].clone())
        .collect()
}

#[tokio::test]
async fn an_upgraded_database_keeps_its_bindings_and_answers_in_the_same_order() {
    let db = BackendDb::new().await;
    write_0012_database(&db.url).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("access.jsonl");
    std::fs::write(&file, ACCESS).unwrap();
    let imported = openlines(&["import", file.to_str().unwrap(), "--db", &db.url], None);
    assert!(imported.status.success(), "{imported:?}");

    let served = Served::start(&["--db", &db.url]);
    // Any status: the chat whose sessions changed last first.
    assert_eq!(
        chat_ids(&served, "deal", 5, "N").await,
        [json!("2"), json!("3"), json!("1")]
    );
    // Active only: chat 3 counts its active session (150), not its closed one (200).
    assert_eq!(
        chat_ids(&served, "deal", 5, "Y").await,
        [json!("3"), json!("1")]
    );
    assert_eq!(chat_ids(&served, "lead", 9, "N").await, [json!("2")]);
    served.terminate();

    // Every binding made it through the rebuilt table: the export names each session's.
    let exported = openlines(&["export", "--db", &db.url], None);
    assert!(exported.status.success(), "{exported:?}");
    let lines: Vec<Value> = String::from_utf8(exported.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .collect();
    // Every CRM record made it through the rebuilt table, with its fields.
    let records: Vec<(Value, Value, Value)> = lines
        .iter()
        .filter(|line| line["type"] == "deal" || line["type"] == "lead")
        .map(|line| {
            (
                line["type"].clone(),
                line["id"].clone(),
                line["title"].clone(),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            (json!("deal"), json!(5), json!("Deal 5")),
            (json!("lead"), json!(9), json!("Lead 9"))
        ]
    );
    let mut bindings: Vec<(i64, Value)> = lines
        .iter()
        .filter(|record| record["type"] == "session")
        .map(|session| (session["id"].as_i64().unwrap(), session["crm"].clone()))
        .collect();
    bindings.sort_by_key(|(id, _)| *id);
    let deal = json!({"entity_type": "deal", "entity_id": 5});
    let lead = json!({"entity_type": "lead", "entity_id": 9});
    assert_eq!(
        bindings,
        [
            (11, json!([deal])),
            (12, json!([deal, lead])),
            (13, json!([deal])),
            (14, json!([deal])),
        ]
    );
}
