//! No write is sent twice after a timeout; a read is. The server's latency fault (admin
//! endpoint `POST /_openlines/admin/faults`) holds every call longer than the client waits.
//!
//! Attempts are counted by the `observed` layer, which logs a request when it arrives. The
//! server's own journal (`GET /_openlines/admin/journal`) cannot count them: it writes an entry
//! when the answer is ready, and a request whose client hung up never gets that far (hyper drops
//! its handler when the connection closes), so after these timeouts the journal is empty.

use crate::faults::{app_with_admin, rest_calls, switch_on};
use crate::helpers::ADMIN_HOOK;
use crate::observed::ObservedApp;
use crate::support::{object, webhook_url};
use openlines_client::{Batch, Client, Credentials, CrmEntityType, Error, RetryPolicy};
use serde_json::json;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_millis(200);

/// A client that waits 200 ms for an answer and may send a call three times, 10 ms apart.
fn impatient(app: &ObservedApp) -> Client {
    Client::builder(Credentials::webhook(&webhook_url(app.address, ADMIN_HOOK)).unwrap())
        .timeout(TIMEOUT)
        .no_rate_limit()
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_read_is_sent_again_after_a_timeout_and_a_write_is_not() {
    let app = app_with_admin().await;
    switch_on(
        &app,
        json!({"kind": "latency", "min_ms": 800, "max_ms": 800}),
        1,
    )
    .await;
    let client = impatient(&app);

    let read = client.crm_chat_get(CrmEntityType::Lead, 1205, true).await;
    assert!(
        matches!(read, Err(Error::Timeout(waited)) if waited == TIMEOUT),
        "{read:?}"
    );
    // `batch` is not read-only by name: sent once.
    let cmd = json!({"cmd": {"now": "server.time"}});
    let write = client.call("batch", object(cmd)).await;
    assert!(
        matches!(write, Err(Error::Timeout(waited)) if waited == TIMEOUT),
        "{write:?}"
    );
    // A batch whose commands all read may be sent again.
    let mut reads = Batch::new();
    reads.add("now", "server.time", json!({}));
    let batch = client.batch(&reads).await;
    assert!(matches!(batch, Err(Error::Timeout(_))), "{batch:?}");

    // Three reads, one write, three tries of the read-only batch; the client hung up on each
    // before the server answered, so none has a status.
    let unanswered = |path: &str| ("POST".to_owned(), path.to_owned(), None);
    let chat_get = unanswered("/rest/1/demo0123456789ab/imopenlines.crm.chat.get");
    let batch_request = unanswered("/rest/1/demo0123456789ab/batch");
    let mut expected = vec![chat_get; 3];
    expected.extend(vec![batch_request; 1 + 3]);
    assert_eq!(rest_calls(&app), expected);
}

#[tokio::test]
async fn a_batch_of_a_read_and_a_write_is_not_sent_again_after_a_timeout() {
    let app = app_with_admin().await;
    switch_on(
        &app,
        json!({"kind": "latency", "min_ms": 800, "max_ms": 800}),
        1,
    )
    .await;
    let client = impatient(&app);
    let mut mixed = Batch::new();
    mixed.add("now", "server.time", json!({}));
    mixed.add(
        "lead",
        "crm.lead.add",
        json!({"fields": {"TITLE": "sent once"}}),
    );
    let batch = client.batch(&mixed).await;
    assert!(matches!(batch, Err(Error::Timeout(_))), "{batch:?}");
    let once = (
        "POST".to_owned(),
        "/rest/1/demo0123456789ab/batch".to_owned(),
        None,
    );
    assert_eq!(rest_calls(&app), vec![once]);
}
