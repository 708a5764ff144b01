//! Spec §12 group F: the leaky bucket and the operating-time budget, with tiny numbers.

use crate::helpers::{TestApp, ADMIN_HOOK};
use openlines::clock::{Clock, ManualTime};
use openlines::limits::{BucketConfig, LimitSettings, OperatingConfig};
use openlines::state::Settings;
use serde_json::json;

fn limited(limits: LimitSettings) -> Settings {
    Settings {
        limits,
        ..Settings::default()
    }
}

#[tokio::test]
async fn case_70_burst_over_the_bucket_is_refused() {
    // Capacity 5, draining 0.01/s: the sixth request of a burst overflows.
    let limits = LimitSettings {
        bucket: Some(BucketConfig {
            capacity: 5.0,
            drain_per_second: 0.01,
        }),
        operating: None,
    };
    let app =
        TestApp::with_settings(limited(limits), &[openlines::dataset::demo::DEMO_JSONL]).await;
    for _ in 0..5 {
        app.post_json(&format!("{ADMIN_HOOK}/server.time"), json!({}))
            .await
            .result();
    }
    app.post_json(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .assert_error(
            503,
            json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}),
        );
    // A batch of many commands counts once (and is refused as one request here).
    app.post_json(
        &format!("{ADMIN_HOOK}/batch"),
        json!({"cmd":["server.time"]}),
    )
    .await
    .assert_error(
        503,
        json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}),
    );
}

/// On a manual clock, so the answer depends on the time that passed and not on how fast the
/// machine sends the requests.
#[tokio::test]
async fn the_bucket_drains_over_time() {
    let limits = LimitSettings {
        bucket: Some(BucketConfig {
            capacity: 2.0,
            drain_per_second: 2.0,
        }),
        operating: None,
    };
    let time = ManualTime::starting_now();
    let app =
        TestApp::demo_with_clock(limited(limits), Clock::default().with_manual_time(time)).await;
    let status = || async {
        app.post_json(&format!("{ADMIN_HOOK}/server.time"), json!({}))
            .await
            .status
    };
    assert_eq!(
        (status().await, status().await, status().await),
        (200, 200, 503)
    );
    // A quarter second drains half a request: still full.
    time.advance(0.25);
    assert_eq!(status().await, 503);
    // Another quarter second makes room for exactly one.
    time.advance(0.25);
    assert_eq!((status().await, status().await), (200, 503));
    // A long pause empties the bucket, and never below empty: two pass, the third does not.
    time.advance(3600.0);
    assert_eq!(
        (status().await, status().await, status().await),
        (200, 200, 503)
    );
}

#[tokio::test]
async fn case_71_operating_time_blocks_one_method_for_one_caller() {
    // Any work at all exceeds a one-microsecond budget.
    let limits = LimitSettings {
        bucket: None,
        operating: Some(OperatingConfig {
            limit_seconds: 0.000_001,
            window_seconds: 600,
        }),
    };
    let app =
        TestApp::with_settings(limited(limits), &[openlines::dataset::demo::DEMO_JSONL]).await;
    let path = format!("{ADMIN_HOOK}/imopenlines.crm.chat.get");
    let body = json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205});
    let first = app.post_json(&path, body.clone()).await;
    first.result();
    assert!(first.json["time"]["operating"].as_f64().unwrap() > 0.0);
    let reset_at = first.json["time"]["operating_reset_at"].as_i64().unwrap();
    assert_eq!(
        reset_at,
        first.json["time"]["finish"].as_f64().unwrap().floor() as i64 + 600
    );
    app.post_json(&path, body.clone()).await.assert_error(
        429,
        json!({"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}),
    );
    // Other methods, and other callers of the same method, still work.
    app.post_json(&format!("{ADMIN_HOOK}/server.time"), json!({}))
        .await
        .result();
    let other_caller = app
        .post_json(
            "/rest/imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":"demo-access-token"}),
        )
        .await;
    other_caller.result();
    // Inside a batch the blocked method is refused per command; the batch itself answers.
    let batch = app
        .post_json(&format!("{ADMIN_HOOK}/batch"), json!({"cmd":{"a":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205","b":"profile"}}))
        .await;
    let result = batch.result();
    assert_eq!(
        result["result_error"]["a"]["error"],
        json!("OPERATION_TIME_LIMIT")
    );
    assert_eq!(result["result"]["b"]["ID"], json!("1"));
}
