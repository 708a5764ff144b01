//! Over a real PostgreSQL server (`OPENLINES_TEST_POSTGRES`), in a schema of their own; skipped,
//! saying so, without one (CI sets `OPENLINES_REQUIRE_SERVICES`, which turns the skip into a
//! failure).

use super::*;
use crate::storage::{Store, StoreOptions};
use std::str::FromStr;

/// A migrated schema of its own on the test server, and pipelined connections to it.
struct Schema {
    admin: sqlx::PgPool,
    name: String,
    url: String,
}

impl Schema {
    async fn new(tag: &str) -> Option<Schema> {
        let Ok(server) = std::env::var("OPENLINES_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("OPENLINES_REQUIRE_SERVICES").is_none(),
                "OPENLINES_REQUIRE_SERVICES is set but OPENLINES_TEST_POSTGRES is not"
            );
            eprintln!("SKIPPED: OPENLINES_TEST_POSTGRES is not set");
            return None;
        };
        let name = format!("hot_reads_{tag}_{}", std::process::id());
        let admin = sqlx::PgPool::connect(&server).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .unwrap();
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{separator}options=-c%20search_path%3D{name}");
        let store = Store::open(&StoreOptions::new(url.as_str())).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
        Some(Schema { admin, name, url })
    }

    fn connections(&self, count: u32) -> HotConnections {
        HotConnections::new(Config::from_str(&self.url).unwrap(), count)
    }

    async fn drop(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}

/// The server process behind the connection of the slot `slot`.
async fn backend(hot: &HotConnections, slot: usize) -> i32 {
    let connection = hot.slots[slot].connection(&hot.config).await.unwrap();
    let row = connection
        .client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap();
    row.get(0)
}

async fn auth_version_of_nobody(hot: &HotConnections) -> Result<Vec<Row>, Error> {
    hot.query(HotStatement::AuthVersion, &[&-1_i64]).await
}

#[test]
fn the_budget_leaves_the_pool_at_least_half() {
    assert_eq!(pipelined_share(1), 0);
    assert_eq!(pipelined_share(2), 1);
    assert_eq!(pipelined_share(3), 1);
    assert_eq!(pipelined_share(4), 2);
    assert_eq!(pipelined_share(16), 2);
}

#[tokio::test]
async fn every_statement_prepares_and_calls_spread_over_the_connections() {
    let Some(schema) = Schema::new("spread").await else {
        return;
    };
    let hot = schema.connections(2);
    // Opening a connection prepares every statement, so one call proves they all parse
    // against the migrated schema with the declared parameter types.
    assert!(auth_version_of_nobody(&hot).await.unwrap().is_empty());
    assert!(auth_version_of_nobody(&hot).await.unwrap().is_empty());
    assert_ne!(backend(&hot, 0).await, backend(&hot, 1).await);
    let chats = hot
        .query(HotStatement::ChatsAny, &[&"DEAL", &1_i64, &-1_i64])
        .await
        .unwrap();
    assert!(chats.is_empty(), "no user -1, so no row");
    hot.close().await;
    schema.drop().await;
}

#[tokio::test]
async fn a_call_cut_short_leaves_its_connection_to_the_next() {
    let Some(schema) = Schema::new("cut").await else {
        return;
    };
    let hot = schema.connections(1);
    let first = backend(&hot, 0).await;
    let connection = hot.slots[0].connection(&hot.config).await.unwrap();
    let cut = tokio::time::timeout(
        Duration::from_millis(100),
        connection.client.simple_query("SELECT pg_sleep(0.5)"),
    )
    .await;
    assert!(cut.is_err(), "the sleep was expected to be cut short");
    // The next call waits for the sleep's answer to be read and thrown away, then runs.
    assert!(auth_version_of_nobody(&hot).await.unwrap().is_empty());
    assert_eq!(backend(&hot, 0).await, first);
    hot.close().await;
    schema.drop().await;
}

#[tokio::test]
async fn a_connection_the_server_ended_is_opened_again() {
    let Some(schema) = Schema::new("ended").await else {
        return;
    };
    let hot = schema.connections(1);
    let first = backend(&hot, 0).await;
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(first)
        .execute(&schema.admin)
        .await
        .unwrap();
    // The call that finds the socket closed fails (ERROR_CORE to its client); a later one
    // opens a new connection. Which call first notices depends on when the connection's task
    // reads the server's goodbye, so allow a few.
    let mut answered = false;
    for _ in 0..20 {
        if auth_version_of_nobody(&hot).await.is_ok() {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(answered, "no new connection after the old one ended");
    assert_ne!(backend(&hot, 0).await, first);
    hot.close().await;
    schema.drop().await;
}

/// A URL whose parameters only sqlx reads, or a budget of one connection, opens the store
/// without pipelined connections, and so without the caller cache they confirm: read-only
/// calls then check their caller afresh, and still answer.
#[tokio::test]
async fn without_a_pipeline_the_store_keeps_no_callers() {
    let Some(schema) = Schema::new("fallback").await else {
        return;
    };
    let store = Store::open(&StoreOptions::new(schema.url.as_str()))
        .await
        .unwrap();
    assert!(store.keeps_callers(), "the plain URL pipelines");
    store.close().await;
    let sqlx_only = format!("{}&statement-cache-capacity=50", schema.url);
    assert!(
        Config::from_str(&sqlx_only).is_err(),
        "tokio-postgres refuses it"
    );
    let store = Store::open(&StoreOptions::new(sqlx_only.as_str()))
        .await
        .unwrap();
    assert!(!store.keeps_callers());
    assert!(
        store.user(1).await.unwrap().is_none(),
        "sqlx still serves it"
    );
    store.close().await;
    let mut one = StoreOptions::new(schema.url.as_str());
    one.max_connections = 1;
    let store = Store::open(&one).await.unwrap();
    assert!(!store.keeps_callers());
    store.close().await;
    schema.drop().await;
}
