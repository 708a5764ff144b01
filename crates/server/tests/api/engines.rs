//! SQLite and PostgreSQL side by side: every statement of the storage catalog prepares on
//! both, both migration folders build the same tables, and an import into PostgreSQL is
//! answered over HTTP. These run in every run of the suite (PostgreSQL absent: skipped, or a
//! failure under `OPENLINES_REQUIRE_SERVICES=1`).

use crate::helpers::{chat, open_migrated, quiet_settings, TestApp, TestDb, ADMIN_HOOK};
use crate::services::PgSchema;
use openlines::dataset::import::{import, ImportError};
use openlines::storage::catalog;
use serde_json::json;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Executor, Row};
use std::collections::BTreeSet;

/// Executes the catalog's setup, then prepares every statement; returns what failed.
macro_rules! prepare_catalog {
    ($connection:expr) => {{
        let connection = $connection;
        let mut failures = Vec::new();
        for sql in catalog::SETUP {
            if let Err(error) = connection.execute(*sql).await {
                failures.push(format!("setup {sql}: {error}"));
            }
        }
        for (name, sql) in catalog::all() {
            if let Err(error) = connection.prepare(&sql).await {
                failures.push(format!("{name}: {error}"));
            }
        }
        failures
    }};
}

#[tokio::test]
async fn every_catalogued_statement_prepares_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalog.db");
    open_migrated(&file.to_string_lossy()).await.close().await;
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let mut failures = prepare_catalog!(&mut sqlite);
    for (name, sql) in catalog::sqlite_only() {
        if let Err(error) = sqlite.prepare(&sql).await {
            failures.push(format!("{name}: {error}"));
        }
    }
    assert!(failures.is_empty(), "on SQLite: {failures:#?}");

    let Some(schema) = PgSchema::create().await else {
        return;
    };
    open_migrated(&schema.url()).await.close().await;
    let mut postgres = PgConnection::connect(&schema.url()).await.unwrap();
    let mut failures = prepare_catalog!(&mut postgres);
    for (name, sql) in catalog::postgres_only() {
        if let Err(error) = postgres.prepare(&sql).await {
            failures.push(format!("{name}: {error}"));
        }
    }
    assert!(failures.is_empty(), "on PostgreSQL: {failures:#?}");
    assert!(
        catalog::all().len() > 50,
        "the catalog lists every statement"
    );
}

#[tokio::test]
async fn both_migration_folders_give_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tables.db");
    open_migrated(&file.to_string_lossy()).await.close().await;
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let on_sqlite: BTreeSet<String> = sqlx::query(
        "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut sqlite)
    .await
    .unwrap()
    .iter()
    .map(|row| row.get(0))
    .collect();
    assert!(on_sqlite.contains("webhooks.code_sha256"), "{on_sqlite:?}");

    let Some(schema) = PgSchema::create().await else {
        return;
    };
    open_migrated(&schema.url()).await.close().await;
    let mut postgres = PgConnection::connect(&schema.url()).await.unwrap();
    let on_postgres: BTreeSet<String> = sqlx::query(
        "SELECT table_name || '.' || column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut postgres)
    .await
    .unwrap()
    .iter()
    .map(|row| row.get(0))
    .collect();
    // SQLite counts CRM ids in a table where PostgreSQL has sequences (storage/ids.rs).
    let on_sqlite: BTreeSet<String> = on_sqlite
        .into_iter()
        .filter(|column| !column.starts_with("crm_id_counters."))
        .collect();
    let only_sqlite: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Vec<_> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_postgres:?}"
    );
}

const GOOD: &str = r#"{"type":"department","id":1,"name":"Sales"}
{"type":"user","id":1,"name":"Admin","admin":true,"department_id":1}
{"type":"webhook","user_id":1,"code":"demo0123456789ab","scopes":["imopenlines","crm"]}
{"type":"deal","id":288,"title":"Website redesign","assigned_by_id":1}
{"type":"chat","id":9852,"connector_id":"livechat","line_id":1,"status":20,"crm":[{"entity_type":"deal","entity_id":288}]}
{"type":"chat","id":9853,"connector_id":"telegrambot","line_id":1,"status":60,"crm":[{"entity_type":"deal","entity_id":288}]}
"#;

const DANGLING: &str = r#"{"type":"chat","id":5,"connector_id":"nosuchconnector","status":20}
{"type":"session","id":9,"chat_id":404,"status":20}
{"type":"webhook","user_id":77,"code":"orphanhook000000"}
"#;

/// The importer's whole path on PostgreSQL: staging tables, upserts, the chat shorthand's
/// sessions, the reference checks (which build messages with `||` on numbers), and a
/// re-import that changes nothing; then the server answers from it.
#[tokio::test]
async fn an_import_into_postgres_is_answered_over_http() {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let store = open_migrated(&schema.url()).await;
    let now = 1_795_595_195;
    let summary = import(&store, GOOD.as_bytes(), now, |_| {}).await.unwrap();
    assert_eq!(summary.lines, 6);
    import(&store, GOOD.as_bytes(), now + 60, |_| {})
        .await
        .unwrap();

    let refused = import(&store, DANGLING.as_bytes(), now, |_| {}).await;
    let Err(ImportError::Invalid(errors)) = refused else {
        panic!("dangling references must be refused: {refused:?}");
    };
    let lines: Vec<(u64, &str)> = errors
        .iter()
        .map(|error| (error.line, error.message.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (
                1,
                "chat 5 uses connector nosuchconnector, which does not exist (add a connector record)"
            ),
            (2, "session 9 belongs to chat 404, which does not exist"),
            (3, "webhook refers to user 77, who does not exist"),
        ]
    );

    let app = TestApp::start(store, quiet_settings(), TestDb::Postgres(schema)).await;
    let path = format!("{ADMIN_HOOK}/imopenlines.crm.chat.get");
    let call = |active: &str| {
        app.post_json(
            &path,
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":active}),
        )
    };
    assert_eq!(
        call("Y").await.result(),
        &json!([chat("9852", "livechat", "Live Chat")])
    );
    let all = call("N").await;
    assert_eq!(
        all.result().as_array().map(Vec::len),
        Some(2),
        "{}",
        all.text
    );
    // Nothing of the refused file arrived.
    assert!(app.store.list_webhooks().await.unwrap().len() == 1);
}
