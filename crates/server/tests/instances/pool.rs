//! The pool flags over a real process: `--db-max-connections` bounds the PostgreSQL
//! connections an instance opens, and a request that finds them all busy waits
//! `--db-acquire-timeout` seconds and then fails as the portal fails a database error, instead
//! of hanging until its client gives up.

use crate::services;
use crate::support::{Instance, Shared, ADMIN_HOOK};
use serde_json::json;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};
use std::time::Duration;

/// The instance's connections, and how many of them wait for a lock.
async fn connections(admin: &mut PgConnection, application: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE wait_event_type = 'Lock')
         FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(application)
    .fetch_one(&mut *admin)
    .await
    .expect("pg_stat_activity")
}

#[tokio::test]
async fn one_connection_busy_makes_the_next_request_fail_after_the_acquire_timeout() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    // The connections are told apart by their application name.
    let application = services::unique("openlines_pool_");
    let db = format!("{}&application_name={application}", shared.db);
    let logs = tempfile::tempdir().expect("temp dir");
    let instance = Instance::start(
        logs.path().join("serve.log"),
        &[
            "--db",
            &db,
            "--db-max-connections",
            "1",
            "--db-acquire-timeout",
            "1",
            "--no-rate-limit",
            "--no-operating-limit",
        ],
    )
    .await;

    // Another session locks the webhooks table, so the instance's one connection, busy with
    // the first request's credential lookup, waits.
    let mut locker = PgConnection::connect(&shared.db).await.expect("connect");
    locker.execute("BEGIN").await.expect("begin");
    locker
        .execute("LOCK TABLE webhooks IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let first = {
        let http = instance.http.clone();
        let url = instance.url(&format!("{ADMIN_HOOK}/server.time"));
        tokio::spawn(async move { http.post(url).send().await.map(|answer| answer.status()) })
    };
    let mut admin = PgConnection::connect(&shared.db).await.expect("connect");
    while connections(&mut admin, &application).await.1 == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // No connection is free: the second request gets the portal's database error.
    instance
        .call(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .assert_exact(
            500,
            json!({"error":"ERROR_CORE","error_description":"SQL query error!"}),
        );
    assert_eq!(connections(&mut admin, &application).await, (1, 1));
    assert!(
        instance.log().contains("pool timed out"),
        "{}",
        instance.log()
    );

    // Once the lock goes, the first request is answered.
    locker.execute("COMMIT").await.expect("commit");
    let status = first.await.expect("task").expect("an answer");
    assert_eq!(status.as_u16(), 200);
}
