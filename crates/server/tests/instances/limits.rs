//! The leaky bucket shared through Redis: a burst spread across two instances is refused at
//! exactly the count one instance refuses it at.

use crate::support::{Instance, Shared, ADMIN_HOOK};
use serde_json::json;

/// Bucket of 10 that practically never drains, so the counts do not depend on timing.
const TINY_BUCKET: &[&str] = &[
    "--rate-limit-burst",
    "10",
    "--rate-limit-per-second",
    "0.001",
    "--no-operating-limit",
    "--trust-forwarded-for",
];

/// Sends `requests` calls in turn to `instances` (round robin) as client `address`; returns
/// how many were admitted before the first `QUERY_LIMIT_EXCEEDED`, and checks that every
/// later one is refused too.
async fn burst(instances: &[&Instance], address: &str, requests: usize) -> usize {
    let mut admitted = None;
    for i in 0..requests {
        let instance = instances[i % instances.len()];
        let answer = instance
            .post(
                &format!("{ADMIN_HOOK}/server.time"),
                &json!({}),
                &[("x-forwarded-for", address)],
            )
            .await
            .expect("an answer");
        match (answer.status, admitted) {
            (200, None) => {}
            (503, None) => admitted = Some(i),
            (503, Some(_)) => {}
            _ => panic!("request {i} to {}: {}", instance.base, answer.text),
        }
        if answer.status == 503 {
            assert_eq!(
                answer.json,
                json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})
            );
        }
    }
    admitted.unwrap_or(requests)
}

#[tokio::test]
async fn a_burst_spread_across_two_instances_is_refused_at_the_count_of_one() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let first = shared.start("first", TINY_BUCKET).await;
    let second = shared.start("second", TINY_BUCKET).await;

    // Each burst comes from its own client address (as the proxy reports it), so each has
    // its own bucket.
    let on_one = burst(&[&first], "203.0.113.1", 15).await;
    let spread = burst(&[&first, &second], "203.0.113.2", 15).await;
    assert_eq!(on_one, 10);
    assert_eq!(spread, on_one);
    // The bucket is full on both instances alike.
    assert_eq!(burst(&[&second], "203.0.113.2", 3).await, 0);
    assert_eq!(burst(&[&first], "203.0.113.2", 3).await, 0);
    // Another client is not affected.
    assert_eq!(burst(&[&second], "203.0.113.3", 1).await, 1);
}
