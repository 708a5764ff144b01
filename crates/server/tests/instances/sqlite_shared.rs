//! Two processes on one SQLite file. Each remembers small tables (the caller's webhooks, the
//! connectors) per reading connection until the file changes (`storage/sqlite_reader.rs`);
//! a change made by another process must be seen by the very next call.

use crate::support::{Instance, ADMIN_HOOK};
use serde_json::json;
use std::process::Command;

fn cli(db: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args(args)
        .args(["--db", db])
        .output()
        .expect("run openlines");
    assert!(
        output.status.success(),
        "openlines {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test]
async fn a_webhook_revoked_by_another_process_is_refused_by_both_servers_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let db = db.to_str().expect("a UTF-8 path");
    let first = Instance::start(dir.path().join("first.log"), &["--db", db, "--demo"]).await;
    let second = Instance::start(dir.path().join("second.log"), &["--db", db]).await;

    let added = cli(
        db,
        &[
            "webhook",
            "add",
            "--user",
            "1",
            "--scope",
            "imopenlines,crm",
        ],
    );
    let url = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let path = &url[url.find("/rest/").expect("a webhook URL")..];
    let id = String::from_utf8_lossy(&added.stderr)
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("webhook ")?;
            Some(rest.split_once(" created")?.0.to_owned())
        })
        .expect("webhook <id> created");
    let chat_get = format!("{path}imopenlines.crm.chat.get");
    let lead = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1, "ACTIVE_ONLY": "N"});
    // Several calls each, so that every reading connection has the webhook remembered.
    for instance in [&first, &second] {
        for _ in 0..3 {
            assert_eq!(instance.call(&chat_get, lead.clone()).await.status, 200);
        }
    }

    cli(db, &["webhook", "revoke", &id]);
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
