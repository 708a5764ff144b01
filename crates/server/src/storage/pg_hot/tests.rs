//! Over a real PostgreSQL server (`OPENLINES_TEST_POSTGRES`); skipped, saying so, without one
//! (CI sets `OPENLINES_REQUIRE_SERVICES`, which turns the skip into a failure).

use super::*;
use sqlx::postgres::PgPoolOptions;
use std::str::FromStr;
use std::time::Duration;

async fn server() -> Option<(PgConnectOptions, PgPool)> {
    let Ok(url) = std::env::var("OPENLINES_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("OPENLINES_REQUIRE_SERVICES").is_none(),
            "OPENLINES_REQUIRE_SERVICES is set but OPENLINES_TEST_POSTGRES is not"
        );
        eprintln!("SKIPPED: OPENLINES_TEST_POSTGRES is not set");
        return None;
    };
    let connect = PgConnectOptions::from_str(&url).unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(connect.clone())
        .await
        .unwrap();
    Some((connect, pool))
}

/// The server process behind the connection a read ran on.
async fn backend(hot: &HotConnections, pool: &PgPool) -> i32 {
    hot.read(pool, async |conn| {
        sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(conn)
            .await
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_finished_read_gives_its_connection_back_for_the_next() {
    let Some((connect, pool)) = server().await else {
        return;
    };
    let hot = HotConnections::new(connect, 1);
    let first = backend(&hot, &pool).await;
    assert_eq!(backend(&hot, &pool).await, first);
    // A database error ends the statement too: the connection stays.
    let refused = hot
        .read(&pool, async |conn| {
            sqlx::query("SELECT no_such_column").execute(conn).await
        })
        .await;
    assert!(matches!(refused, Err(Error::Database(_))), "{refused:?}");
    assert_eq!(backend(&hot, &pool).await, first);
    assert_eq!(hot.open.load(Ordering::Acquire), 1);
    hot.close().await;
    assert_eq!(hot.open.load(Ordering::Acquire), 0);
}

#[tokio::test]
async fn a_cancelled_read_closes_its_connection() {
    let Some((connect, pool)) = server().await else {
        return;
    };
    let hot = HotConnections::new(connect, 1);
    let first = backend(&hot, &pool).await;
    let cancelled = tokio::time::timeout(
        Duration::from_millis(200),
        hot.read(&pool, async |conn| {
            sqlx::query("SELECT pg_sleep(5)").execute(conn).await
        }),
    )
    .await;
    assert!(cancelled.is_err(), "the read was expected to be cut short");
    assert_eq!(hot.open.load(Ordering::Acquire), 0);
    assert_ne!(backend(&hot, &pool).await, first);
}

#[tokio::test]
async fn with_every_hot_connection_busy_a_read_takes_a_pooled_one() {
    let Some((connect, pool)) = server().await else {
        return;
    };
    let none = HotConnections::new(connect.clone(), 0);
    backend(&none, &pool).await;
    assert_eq!(none.open.load(Ordering::Acquire), 0);
    let one = HotConnections::new(connect, 1);
    let (outer, inner) = one
        .read(&pool, async |conn| {
            let outer: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                .fetch_one(conn)
                .await?;
            Ok((outer, backend(&one, &pool).await))
        })
        .await
        .unwrap();
    assert_ne!(outer, inner, "the nested read ran on the pool");
    assert_eq!(one.open.load(Ordering::Acquire), 1);
}
