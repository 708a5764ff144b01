//! Is a database whole after a crash? SQLite's own check of the file, and on both engines the
//! invariants a crash between two statements would break: no session, binding, member or
//! message without its chat or session, and `crm_chat_index` (chat.get's read model) exactly
//! the aggregate of the sessions and bindings it is built from.

use crate::server::Database;
use sqlx::{Connection, PgConnection, SqliteConnection};

/// Each query counts rows that must not exist.
const MUST_BE_ZERO: &[(&str, &str)] = &[
    (
        "sessions without their chat",
        "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = s.chat_id)",
    ),
    (
        "bindings without their session",
        "SELECT COUNT(*) FROM session_crm_bindings b WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = b.session_id)",
    ),
    (
        "members without their chat",
        "SELECT COUNT(*) FROM chat_members m WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = m.chat_id)",
    ),
    (
        "messages without their chat",
        "SELECT COUNT(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = m.chat_id)",
    ),
    (
        "crm_chat_index rows the sessions do not give",
        "SELECT COUNT(*) FROM (SELECT entity_type, entity_id, chat_id, connector_id, any_modified_at, \
         any_session_id, active_modified_at, active_session_id FROM crm_chat_index EXCEPT AGGREGATE) x",
    ),
    (
        "sessions' bindings missing from crm_chat_index",
        "SELECT COUNT(*) FROM (AGGREGATE EXCEPT SELECT entity_type, entity_id, chat_id, connector_id, \
         any_modified_at, any_session_id, active_modified_at, active_session_id FROM crm_chat_index) x",
    ),
];

/// What `crm_chat_index` holds by definition (the migration that made it fills it so).
const AGGREGATE: &str = "SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, \
    MAX(s.modified_at), MAX(s.id), \
    MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.modified_at END), \
    MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.id END) \
    FROM session_crm_bindings b JOIN sessions s ON s.id = b.session_id \
    JOIN chats c ON c.id = s.chat_id \
    GROUP BY b.entity_type, b.entity_id, s.chat_id, c.connector_id";

/// Every broken invariant, by name with its count; empty when the database is whole.
pub async fn problems(db: &Database) -> Vec<String> {
    let mut found = Vec::new();
    match db {
        Database::Sqlite { .. } => {
            let mut connection = SqliteConnection::connect(&format!("sqlite://{}", db.url()))
                .await
                .expect("open the SQLite file");
            let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&mut connection)
                .await
                .expect("integrity_check");
            if check != ["ok"] {
                found.push(format!("PRAGMA integrity_check: {check:?}"));
            }
            for (name, query) in MUST_BE_ZERO {
                let count: i64 = sqlx::query_scalar(&query.replace("AGGREGATE", AGGREGATE))
                    .fetch_one(&mut connection)
                    .await
                    .expect(name);
                if count != 0 {
                    found.push(format!("{count} {name}"));
                }
            }
            connection.close().await.ok();
        }
        Database::Postgres { .. } => {
            let mut connection = PgConnection::connect(&db.url())
                .await
                .expect("connect to PostgreSQL");
            for (name, query) in MUST_BE_ZERO {
                let count: i64 = sqlx::query_scalar(&query.replace("AGGREGATE", AGGREGATE))
                    .fetch_one(&mut connection)
                    .await
                    .expect(name);
                if count != 0 {
                    found.push(format!("{count} {name}"));
                }
            }
            connection.close().await.ok();
        }
    }
    found
}

/// How many CRM records of `entity_type` have `title`.
pub async fn count_titled(db: &Database, entity_type: &str, title: &str) -> i64 {
    let query = "SELECT COUNT(*) FROM crm_records WHERE entity_type = $1 AND title = $2";
    match db {
        Database::Sqlite { .. } => {
            let mut connection = SqliteConnection::connect(&format!("sqlite://{}", db.url()))
                .await
                .expect("open the SQLite file");
            sqlx::query_scalar(query)
                .bind(entity_type)
                .bind(title)
                .fetch_one(&mut connection)
                .await
                .expect("count")
        }
        Database::Postgres { .. } => {
            let mut connection = PgConnection::connect(&db.url()).await.expect("connect");
            sqlx::query_scalar(query)
                .bind(entity_type)
                .bind(title)
                .fetch_one(&mut connection)
                .await
                .expect("count")
        }
    }
}
