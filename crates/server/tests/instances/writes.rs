//! Writes go to the one database: what one instance accepted, the other reads, and an
//! instance stopped in the middle of a burst loses none of the writes it answered.

use crate::support::{Instance, Shared, ADMIN_HOOK};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

const QUIET: &[&str] = &["--no-rate-limit", "--no-operating-limit"];

#[tokio::test]
async fn a_lead_added_through_one_instance_is_read_through_the_other() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let first = shared.start("first", QUIET).await;
    let second = shared.start("second", QUIET).await;
    let added = first
        .call(
            &format!("{ADMIN_HOOK}/crm.lead.add"),
            json!({"fields": {"TITLE": "Written on the first"}}),
        )
        .await;
    let id = added.result().as_i64().expect("the new id");
    let read = second
        .call(&format!("{ADMIN_HOOK}/crm.lead.get"), json!({"id": id}))
        .await;
    assert_eq!(read.result()["TITLE"], json!("Written on the first"));
}

/// Adds leads through `instance` one after another until `attempts` are made; returns the
/// `(id, title)` of every write the instance answered with success. Once the instance is
/// gone, attempts fail without an answer, which is not an acceptance.
async fn writer(
    instance: &Instance,
    name: &str,
    attempts: usize,
    accepted_count: &AtomicUsize,
) -> Vec<(i64, String)> {
    let mut accepted = Vec::new();
    for n in 0..attempts {
        let title = format!("{name} {n}");
        let answer = instance
            .post(
                &format!("{ADMIN_HOOK}/crm.lead.add"),
                &json!({"fields": {"TITLE": &title}}),
                &[],
            )
            .await;
        match answer {
            Ok(answer) if answer.status == 200 => {
                accepted.push((answer.json["result"].as_i64().expect("id"), title));
                accepted_count.fetch_add(1, Ordering::SeqCst);
            }
            // The instance answered but refused: not accepted, and not expected either.
            Ok(answer) => panic!("{name} {n}: {}", answer.text),
            Err(_) => {}
        }
    }
    accepted
}

#[tokio::test]
async fn an_instance_stopped_mid_burst_loses_no_accepted_write() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let stopping = shared.start("stopping", QUIET).await;
    let staying = shared.start("staying", QUIET).await;
    let on_stopping = AtomicUsize::new(0);
    let on_staying = AtomicUsize::new(0);

    let stop_mid_burst = async {
        // SIGTERM once the stopping instance has answered some writes, while they go on.
        while on_stopping.load(Ordering::SeqCst) < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        stopping.terminate();
        stopping.wait().await
    };
    let (stopped, accepted_a, accepted_b) = tokio::join!(
        stop_mid_burst,
        writer(&stopping, "via stopping", 60, &on_stopping),
        writer(&staying, "via staying", 60, &on_staying),
    );
    assert!(stopped.success(), "graceful stop: {stopped}");
    assert!(accepted_a.len() >= 10, "{}", accepted_a.len());
    assert_eq!(accepted_b.len(), 60);

    // Every write either instance answered is there, read through the one still running.
    for (id, title) in accepted_a.iter().chain(&accepted_b) {
        let read = staying
            .call(&format!("{ADMIN_HOOK}/crm.lead.get"), json!({"id": id}))
            .await;
        assert_eq!(read.result()["TITLE"], json!(title), "lead {id}");
    }
}
