//! One process on SQLite, for what a load balancer and a reverse proxy see: readiness that
//! follows Redis, a Redis outage answered as a Bitrix-style 500, and the client address
//! taken from `X-Forwarded-For` only when trusted; and faults switched on at start.

use crate::support::{Instance, ADMIN_HOOK};
use serde_json::json;

async fn start_on_sqlite(dir: &tempfile::TempDir, flags: &[&str]) -> Instance {
    let db = dir.path().join("openlines.db");
    let mut args = vec!["--db", db.to_str().expect("a UTF-8 path"), "--demo"];
    args.extend_from_slice(flags);
    Instance::start(dir.path().join("serve.log"), &args).await
}

#[tokio::test]
async fn without_redis_the_instance_is_not_ready_and_calls_fail_as_internal_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("openlines.db");
    // Nothing listens on port 1. The instance starts anyway (Redis may come up later), alive
    // but not ready, so a load balancer sends it nothing.
    let instance = Instance::spawn(
        dir.path().join("serve.log"),
        &["--db", db.to_str().unwrap(), "--demo"]
            .into_iter()
            .chain(["--redis", "redis://127.0.0.1:1"])
            .collect::<Vec<_>>(),
    );
    instance.wait_until_ok("/healthz").await;
    let ready = instance.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.text.as_str()),
        (503, "redis unreachable")
    );

    // A call that reaches it anyway is answered as the portal answers an internal failure,
    // with nothing of the cause.
    instance
        .call(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .assert_exact(
            500,
            json!({"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}),
        );
    assert!(instance.log().contains("limiter state unavailable"));
}

#[tokio::test]
async fn the_bucket_keys_on_x_forwarded_for_only_when_trusted() {
    let limits = [
        "--rate-limit-burst",
        "2",
        "--rate-limit-per-second",
        "0.001",
    ];
    let burst = |instance: &Instance, client: &'static str| {
        let instance_base = instance.base.clone();
        let http = instance.http.clone();
        async move {
            let mut statuses = Vec::new();
            for _ in 0..3 {
                let answer = http
                    .post(format!("{instance_base}{ADMIN_HOOK}/server.time"))
                    .header("x-forwarded-for", format!("198.51.100.7, {client}"))
                    .send()
                    .await
                    .unwrap();
                statuses.push(answer.status().as_u16());
            }
            statuses
        }
    };

    let dir = tempfile::tempdir().unwrap();
    let trusting = start_on_sqlite(&dir, &[&limits[..], &["--trust-forwarded-for"]].concat()).await;
    // The last address counts (the proxy appended it); the first one is the client's claim.
    assert_eq!(burst(&trusting, "192.0.2.1").await, [200, 200, 503]);
    assert_eq!(burst(&trusting, "192.0.2.2").await, [200, 200, 503]);
    drop(trusting);

    let dir = tempfile::tempdir().unwrap();
    let plain = start_on_sqlite(&dir, &limits).await;
    // Untrusted, the header is ignored: every client is the peer, 127.0.0.1.
    assert_eq!(burst(&plain, "192.0.2.1").await, [200, 200, 503]);
    assert_eq!(burst(&plain, "192.0.2.2").await, [503, 503, 503]);
}

#[tokio::test]
async fn faults_switch_on_at_start_from_flags_and_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("openlines.db");
    let flag = r#"{"kind":"internal_error","method":"server.time","count":1}"#;
    let from_env =
        r#"[{"kind":"operation_time_limit","method":"profile","webhook":"demo0123456789ab"}]"#;
    let instance = Instance::spawn_with_env(
        dir.path().join("serve.log"),
        &["--db", db.to_str().unwrap(), "--demo", "--fault", flag],
        &[("OPENLINES_FAULTS", from_env)],
    );
    instance.wait_until_ok("/readyz").await;
    instance
        .call(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .assert_exact(
            500,
            json!({"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}),
        );
    instance
        .call(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .result();
    instance
        .call(&format!("{ADMIN_HOOK}/profile"), json!({}))
        .await
        .assert_exact(
            429,
            json!({"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}),
        );

    // A fault that does not parse stops the start, naming where it came from.
    let broken = Instance::spawn_with_env(
        dir.path().join("broken.log"),
        &["--db", db.to_str().unwrap()],
        &[("OPENLINES_FAULTS", r#"{"kind":"meteor"}"#)],
    );
    let status = broken.wait().await;
    assert!(!status.success());
    assert!(
        broken.log().contains("--faults / OPENLINES_FAULTS"),
        "{}",
        broken.log()
    );
}
