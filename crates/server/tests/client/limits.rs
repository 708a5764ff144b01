//! The server's two limits, with tiny numbers, as the client meets them: the errors when the
//! client may not retry, the backoff that rides out a full bucket when it may, and the
//! client's own bucket keeping a burst under the server's.

use crate::helpers::{quiet_settings, TestApp, ADMIN_HOOK};
use crate::observed::ObservedApp;
use crate::support::{api, api_error, chat, quick_retries, single_shot, webhook_url};
use openlines::dataset::demo::DEMO_JSONL;
use openlines::limits::{BucketConfig, LimitSettings, OperatingConfig};
use openlines::state::Settings;
use openlines_client::{Client, Credentials, CrmEntityType, ErrorCode, Params, RateLimit};

fn with_limits(bucket: Option<BucketConfig>, operating: Option<OperatingConfig>) -> Settings {
    Settings {
        limits: LimitSettings { bucket, operating },
        ..quiet_settings()
    }
}

fn bucket(capacity: f64, drain_per_second: f64) -> Option<BucketConfig> {
    Some(BucketConfig {
        capacity,
        drain_per_second,
    })
}

/// Any work at all exceeds a one-microsecond budget.
fn microsecond_budget() -> Option<OperatingConfig> {
    Some(OperatingConfig {
        limit_seconds: 0.000_001,
        window_seconds: 600,
    })
}

fn builder(address: std::net::SocketAddr) -> openlines_client::ClientBuilder {
    Client::builder(Credentials::webhook(&webhook_url(address, ADMIN_HOOK)).unwrap())
}

#[tokio::test]
async fn query_limit_exceeded_when_the_bucket_is_full_and_retries_are_off() {
    // Capacity 3, draining one request per 100 s: the fourth of a burst overflows.
    let settings = with_limits(bucket(3.0, 0.01), None);
    let app = TestApp::with_settings(settings, &[DEMO_JSONL]).await;
    let client = single_shot(app.address, ADMIN_HOOK);
    for _ in 0..3 {
        client.call("server.time", Params::new()).await.unwrap();
    }
    let err = client.call("server.time", Params::new()).await.unwrap_err();
    assert!(err.is_query_limit_exceeded() && err.is_rate_limited());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(ErrorCode::QueryLimitExceeded, 503, "Too many requests")
    );
}

#[tokio::test]
async fn operation_time_limit_when_the_budget_is_spent_and_retries_are_off() {
    let app = TestApp::with_settings(with_limits(None, microsecond_budget()), &[DEMO_JSONL]).await;
    let client = single_shot(app.address, ADMIN_HOOK);
    let first = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap();
    assert_eq!(first.result, [chat(1763, "livechat", "Live Chat")]);
    assert!(first.time.operating.unwrap() > 0.0, "{:?}", first.time);
    assert_eq!(
        first.time.operating_reset_at,
        Some(first.time.finish.floor() as i64 + 600)
    );
    let err = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap_err();
    assert!(err.is_operation_time_limit() && err.is_rate_limited());
    assert_eq!(
        api::<()>(Err(err)),
        api_error(
            ErrorCode::OperationTimeLimit,
            429,
            "Method is blocked due to operation time limit."
        )
    );
    // Only that method is blocked.
    client.call("server.time", Params::new()).await.unwrap();
}

#[tokio::test]
async fn operation_time_limit_waits_stop_at_their_cap() {
    let app = ObservedApp::start(with_limits(None, microsecond_budget())).await;
    // Waits of 10 ms and 20 ms fit the 50 ms cap; the next, 40 ms, would not.
    let client = builder(app.address)
        .no_rate_limit()
        .retry(quick_retries(10))
        .build()
        .unwrap();
    client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap();
    let err = client
        .crm_chat_get(CrmEntityType::Lead, 1205, true)
        .await
        .unwrap_err();
    assert!(err.is_operation_time_limit(), "{err}");
    let statuses: Vec<_> = app
        .seen_at("imopenlines.crm.chat.get")
        .into_iter()
        .map(|seen| seen.status)
        .collect();
    assert_eq!(statuses, [Some(200), Some(429), Some(429), Some(429)]);
}

#[tokio::test]
async fn backoff_rides_out_a_full_bucket() {
    // Capacity 3, draining 20 per second; the client sends as fast as it can and backs off
    // 20 ms, 40 ms, 80 ms, 100 ms, … when refused.
    let app = ObservedApp::start(with_limits(bucket(3.0, 20.0), None)).await;
    let client = builder(app.address)
        .no_rate_limit()
        .retry(quick_retries(20))
        .build()
        .unwrap();
    for call in 0..10 {
        let now = client.call_as::<String>("server.time", Params::new()).await;
        assert!(now.is_ok(), "call {call}: {now:?}");
    }
    let statuses: Vec<Option<u16>> = app.seen().into_iter().map(|seen| seen.status).collect();
    let answered = |status| statuses.iter().filter(|s| **s == Some(status)).count();
    assert_eq!(answered(200), 10, "{statuses:?}");
    assert_eq!(
        answered(200) + answered(503),
        statuses.len(),
        "{statuses:?}"
    );
    // Ten requests within a few milliseconds each overflow a bucket of three that drains one
    // per 50 ms, so some were refused and sent again.
    assert!(answered(503) > 0, "{statuses:?}");
}

#[tokio::test]
async fn the_clients_own_bucket_keeps_a_burst_under_the_servers() {
    // The client drains 10/s with a burst of 3, slower than the server's 20/s: paced requests
    // never find the server's bucket full.
    let app = ObservedApp::start(with_limits(bucket(3.0, 20.0), None)).await;
    let client = builder(app.address)
        .rate_limit(RateLimit {
            drain_per_second: 10.0,
            burst: 3,
        })
        .retry(openlines_client::RetryPolicy::never())
        .build()
        .unwrap();
    for call in 0..8 {
        let now = client.call_as::<String>("server.time", Params::new()).await;
        assert!(now.is_ok(), "call {call}: {now:?}");
    }
    let statuses: Vec<Option<u16>> = app.seen().into_iter().map(|seen| seen.status).collect();
    assert_eq!(statuses, [Some(200); 8]);
}
