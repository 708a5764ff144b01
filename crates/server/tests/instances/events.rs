//! Event delivery across processes: the outbox is in the database, so an instance killed
//! (SIGKILL) between a write and its delivery loses nothing, and instances sharing a database
//! deliver each event once, in order.

use crate::support::{Instance, Shared, ADMIN_HOOK, ADMIN_TOKEN};
use axum::extract::State;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const QUIET: &[&str] = &["--no-rate-limit", "--no-operating-limit"];
/// Holds every delivery back for an hour: the killed instance never gets to deliver.
const HOLD: &str = r#"{"kind":"event_delay","delay_ms":3600000}"#;

/// `(event, data[FIELDS][ID])` of each delivery, in arrival order.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A handler on a loopback port that records each POST.
async fn receiver() -> (String, Seen) {
    async fn record(State(seen): State<Seen>, body: String) -> &'static str {
        let fields: std::collections::HashMap<String, String> =
            form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
        seen.lock().unwrap().push((
            fields.get("event").cloned().unwrap_or_default(),
            fields.get("data[FIELDS][ID]").cloned().unwrap_or_default(),
        ));
        "ok"
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/hook", post(record))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn with_token(instance: &Instance, method: &str, mut body: Value) -> Value {
    body["auth"] = json!("demo-access-token");
    let answer = instance.call(&format!("/rest/{method}"), body).await;
    answer.result().clone()
}

async fn flush(instance: &Instance) -> Value {
    let response = instance
        .http
        .post(instance.url("/_openlines/admin/events/flush"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let flushed: Value = response.json().await.unwrap();
    assert_eq!(flushed["pending"], json!(0), "{flushed}");
    flushed
}

async fn add_lead(instance: &Instance, title: &str) -> String {
    let added = instance
        .call(
            &format!("{ADMIN_HOOK}/crm.lead.add"),
            json!({"fields": {"TITLE": title}}),
        )
        .await;
    added.result().to_string()
}

#[tokio::test]
async fn events_raised_before_a_kill_are_delivered_after_the_restart_once() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let (url, seen) = receiver().await;
    let mut held: Vec<&str> = QUIET.to_vec();
    held.extend(["--fault", HOLD]);
    let doomed = shared.start("doomed", &held).await;
    assert_eq!(
        with_token(
            &doomed,
            "event.bind",
            json!({"event":"ONCRMLEADADD","handler": url})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        with_token(
            &doomed,
            "event.bind",
            json!({"event":"ONCRMLEADADD","event_type":"offline"})
        )
        .await,
        json!(true)
    );
    let id = add_lead(&doomed, "Raised before the kill").await;
    drop(doomed); // SIGKILL: no graceful shutdown, nothing delivered yet
    assert!(seen.lock().unwrap().is_empty());

    let restarted = shared.start("restarted", QUIET).await;
    flush(&restarted).await;
    assert_eq!(
        *seen.lock().unwrap(),
        [("ONCRMLEADADD".to_owned(), id.clone())]
    );
    let taken = with_token(&restarted, "event.offline.get", json!({})).await;
    assert_eq!(taken["events"].as_array().map(Vec::len), Some(1), "{taken}");
    assert_eq!(taken["events"][0]["EVENT_DATA"]["FIELDS"]["ID"], json!(id));
    let again = with_token(&restarted, "event.offline.get", json!({})).await;
    assert_eq!(again["events"], json!([]));
}

#[tokio::test]
async fn two_instances_deliver_each_event_once_and_in_order() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let (url, seen) = receiver().await;
    let first = shared.start("first", QUIET).await;
    let second = shared.start("second", QUIET).await;
    assert_eq!(
        with_token(
            &first,
            "event.bind",
            json!({"event":"ONCRMLEADADD","handler": url})
        )
        .await,
        json!(true)
    );
    let mut ids = Vec::new();
    for n in 0..20 {
        let through = if n % 2 == 0 { &first } else { &second };
        ids.push(add_lead(through, &format!("lead {n}")).await);
    }
    // Both flush at once, beside both background tasks.
    tokio::join!(flush(&first), flush(&second));
    let delivered: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(delivered, ids);
}
