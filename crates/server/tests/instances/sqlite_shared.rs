//! Two processes on one SQLite file. Each remembers small tables (the caller's webhooks, the
//! connectors) per reading connection until the file changes (`storage/sqlite_reader.rs`);
//! a change made by another process must be seen by the very next call.

use crate::support::{add_webhook, cli_on, Instance, ADMIN_HOOK};
use serde_json::json;

#[tokio::test]
async fn a_webhook_revoked_by_another_process_is_refused_by_both_servers_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let db = db.to_str().expect("a UTF-8 path");
    let first = Instance::start(dir.path().join("first.log"), &["--db", db, "--demo"]).await;
    let second = Instance::start(dir.path().join("second.log"), &["--db", db]).await;

    let (path, id) = add_webhook(db);
    let chat_get = format!("{path}imopenlines.crm.chat.get");
    let lead = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1, "ACTIVE_ONLY": "N"});
    // Several calls each, so that every reading connection has the webhook remembered.
    for instance in [&first, &second] {
        for _ in 0..3 {
            assert_eq!(instance.call(&chat_get, lead.clone()).await.status, 200);
        }
    }

    cli_on(db, &["webhook", "revoke", &id]);
    for instance in [&first, &second] {
        let refused = instance.call(&chat_get, lead.clone()).await;
        assert_eq!(refused.status, 401, "{}", refused.text);
        assert_eq!(refused.error(), "INVALID_CREDENTIALS");
    }
    // The demo's own admin webhook, remembered beside it, still works.
    let still = second
        .call(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"), lead)
        .await;
    assert_eq!(still.status, 200, "{}", still.text);
}
