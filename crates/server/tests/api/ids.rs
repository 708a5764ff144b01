//! New ids come from the engine: eight writers at once, 150 calls each, of every method that
//! hands out an id, end with no error and no id handed out twice, on SQLite and on
//! PostgreSQL (where `MAX(id) + 1` in concurrent transactions used to answer
//! `500 ERROR_CORE` on a duplicate key).

use crate::helpers::{TestApp, ADMIN_HOOK};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

const WRITERS: usize = 8;
const CALLS: usize = 150;

/// Runs `calls` of one writer on each of [`WRITERS`] tasks at once; returns every id they got.
async fn race<F, Fut>(app: &Arc<TestApp>, writer: F) -> Vec<i64>
where
    F: Fn(Arc<TestApp>, usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = i64> + Send,
{
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let app = Arc::clone(app);
            let writer = writer.clone();
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(CALLS);
                for call in 0..CALLS {
                    ids.push(writer(Arc::clone(&app), w, call).await);
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.expect("writer task"));
    }
    ids
}

/// The call's result, failing the test on any answer but 200.
async fn ok(app: &TestApp, method: &str, body: Value) -> Value {
    let answer = app.call(ADMIN_HOOK, method, body).await;
    assert_eq!(answer.status, 200, "{method}: {}", answer.text);
    answer.result().clone()
}

fn assert_distinct(what: &str, ids: &[i64]) {
    let distinct: BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), WRITERS * CALLS, "{what}: every call answered");
    assert_eq!(
        distinct.len(),
        ids.len(),
        "{what}: an id was handed out twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_get_distinct_engine_ids() {
    let app = Arc::new(TestApp::demo().await);

    // A customer's new chat (a chat and a session id), taken by the operator, made a lead
    // (a lead id), which then lists the chat.
    let chats = race(&app, |app, writer, call| async move {
        let code = format!("livechat|1|w{writer}c{call}|client");
        let opened = ok(&app, "imopenlines.session.open", json!({"USER_CODE":code})).await;
        let chat: i64 = opened["chatId"].as_str().unwrap().parse().unwrap();
        ok(&app, "imopenlines.operator.answer", json!({"CHAT_ID":chat})).await;
        ok(&app, "imopenlines.crm.lead.create", json!({"CHAT_ID":chat})).await;
        let dialog = ok(&app, "imopenlines.dialog.get", json!({"CHAT_ID":chat})).await;
        let lead = dialog["entity_data_1"]
            .as_str()
            .unwrap()
            .split('|')
            .nth(2)
            .unwrap();
        let listed = ok(
            &app,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":lead}),
        )
        .await;
        assert_eq!(listed[0]["CHAT_ID"], json!(chat.to_string()), "lead {lead}");
        chat
    })
    .await;
    assert_distinct("session.open chats", &chats);

    for entity in ["lead", "deal", "contact", "company"] {
        let method = format!("crm.{entity}.add");
        let ids = race(&app, move |app, writer, call| {
            let method = method.clone();
            async move {
                let title = format!("w{writer} c{call}");
                ok(&app, &method, json!({"fields":{"TITLE":title}}))
                    .await
                    .as_i64()
                    .unwrap()
            }
        })
        .await;
        assert_distinct(entity, &ids);
    }

    let messages = race(&app, |app, writer, call| async move {
        let text = format!("w{writer} c{call}");
        let body = json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"USER_ID":2,"CHAT_ID":1763,"MESSAGE":text});
        ok(&app, "imopenlines.crm.message.add", body).await.as_i64().unwrap()
    })
    .await;
    assert_distinct("messages", &messages);
}

/// New ids start above the ids an import wrote, a deleted record's id is never handed out
/// again, and each CRM type counts on its own.
#[tokio::test]
async fn ids_keep_counting_past_deleted_and_imported_records() {
    let app = TestApp::demo_with(r#"{"type":"lead","id":5000,"title":"imported"}"#).await;
    let next = ok(
        &app,
        "crm.lead.add",
        json!({"fields":{"TITLE":"after import"}}),
    )
    .await;
    assert_eq!(next, json!(5001), "new ids start above imported ones");
    ok(&app, "crm.lead.delete", json!({"id":5001})).await;
    let again = ok(
        &app,
        "crm.lead.add",
        json!({"fields":{"TITLE":"after delete"}}),
    )
    .await;
    assert_eq!(again, json!(5002), "a deleted id is not handed out again");
    let deal = ok(
        &app,
        "crm.deal.add",
        json!({"fields":{"TITLE":"own count"}}),
    )
    .await;
    assert!(
        deal.as_i64().unwrap() < 5000,
        "each type counts on its own: {deal}"
    );
}
