//! Each PostgreSQL instance keeps its webhook callers between calls (docs/ARCHITECTURE.md,
//! "The caller cache on PostgreSQL"). Every test here first calls chat.get through one
//! instance, so that it keeps the caller, changes what that caller's check reads through the
//! other instance or the command line, and asserts that the very next chat.get through the
//! first instance sees the change.

use crate::support::{add_webhook, add_webhook_with, Instance, Shared};
use serde_json::{json, Value};
use sqlx::Connection;

const CHAT_GET: &str = "imopenlines.crm.chat.get";
/// The demo's limited user (user 5, department 3: companies at department level).
const LIMITED_HOOK: &str = "/rest/5/limited0123456789";
const ADMIN_HOOK: &str = "/rest/1/demo0123456789ab";
/// The demo's company 3 belongs to user 3, of department 2.
const COMPANY_3: &str = r#"{"CRM_ENTITY_TYPE":"COMPANY","CRM_ENTITY":3}"#;
/// The demo's deal 300 has chats of the Telegram connector.
const DEAL_300: &str = r#"{"CRM_ENTITY_TYPE":"DEAL","CRM_ENTITY":300,"ACTIVE_ONLY":"N"}"#;

fn body(text: &str) -> Value {
    serde_json::from_str(text).expect("a JSON body")
}

async fn chat_get(instance: &Instance, hook: &str, params: &str) -> crate::support::Answer {
    instance
        .call(&format!("{hook}/{CHAT_GET}"), body(params))
        .await
}

/// Two instances over one fresh demo schema; `None` when the services are absent.
async fn two() -> Option<(Shared, Instance, Instance)> {
    let shared = Shared::demo().await?;
    let first = shared.start("first", &["--no-rate-limit"]).await;
    let second = shared.start("second", &["--no-rate-limit"]).await;
    Some((shared, first, second))
}

/// Imports `lines` into the shared database through the command line.
fn import(shared: &Shared, lines: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("change.jsonl");
    std::fs::write(&file, lines).expect("fixture written");
    shared.cli(&["import", &file.display().to_string()]);
}

/// Runs `sql` on the shared schema directly, as an operator with psql would.
async fn execute(shared: &Shared, sql: &str) {
    let mut conn = sqlx::PgConnection::connect(&shared.db)
        .await
        .expect("connect");
    sqlx::query(sql).execute(&mut conn).await.expect(sql);
}

fn assert_unauthorized(answer: &crate::support::Answer) {
    assert_eq!(answer.status, 401, "{}", answer.text);
    assert_eq!(answer.error(), "INVALID_CREDENTIALS", "{}", answer.text);
}

#[tokio::test]
async fn a_webhook_revoked_through_the_command_line_fails_the_next_chat_get_on_every_instance() {
    let Some((shared, first, second)) = two().await else {
        return;
    };
    let (path, id) = add_webhook(&shared.db);
    for instance in [&first, &second] {
        assert_eq!(chat_get(instance, &path, DEAL_300).await.status, 200);
    }
    shared.cli(&["webhook", "revoke", &id]);
    for instance in [&first, &second] {
        assert_unauthorized(&chat_get(instance, &path, DEAL_300).await);
    }
}

#[tokio::test]
async fn a_webhook_added_for_a_kept_user_works_at_once() {
    let Some((shared, first, _second)) = two().await else {
        return;
    };
    assert_eq!(chat_get(&first, ADMIN_HOOK, DEAL_300).await.status, 200);
    let (path, _) = add_webhook(&shared.db);
    let answer = chat_get(&first, &path, DEAL_300).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn a_webhook_past_its_expiry_fails_although_it_was_kept() {
    let Some((shared, first, _second)) = two().await else {
        return;
    };
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::seconds(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a time");
    let (path, _) = add_webhook_with(&shared.db, &["--expires", &soon]);
    assert_eq!(chat_get(&first, &path, DEAL_300).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(3_200)).await;
    let expired = chat_get(&first, &path, DEAL_300).await;
    assert_eq!(expired.status, 401, "{}", expired.text);
}

#[tokio::test]
async fn a_user_switched_off_is_refused_at_once_by_the_instance_that_kept_them() {
    let Some((shared, first, second)) = two().await else {
        return;
    };
    assert_eq!(chat_get(&second, LIMITED_HOOK, DEAL_300).await.status, 200);
    import(
        &shared,
        r#"{"type":"user","id":5,"name":"Lena","last_name":"Limited","active":false,"department_id":3}"#,
    );
    for instance in [&second, &first] {
        let refused = chat_get(instance, LIMITED_HOOK, DEAL_300).await;
        assert_eq!(refused.status, 401, "{}", refused.text);
        assert_eq!(
            refused.json,
            json!({"error":"authorization_error","error_description":"Unable to authorize user"})
        );
    }
}

#[tokio::test]
async fn a_user_made_admin_reads_what_their_rights_refused_on_the_next_call() {
    let Some((shared, _first, second)) = two().await else {
        return;
    };
    let contact = r#"{"CRM_ENTITY_TYPE":"CONTACT","CRM_ENTITY":7}"#;
    let denied = chat_get(&second, LIMITED_HOOK, contact).await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    import(
        &shared,
        r#"{"type":"user","id":5,"name":"Lena","last_name":"Limited","admin":true,"department_id":3}"#,
    );
    let allowed = chat_get(&second, LIMITED_HOOK, contact).await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
}

#[tokio::test]
async fn a_user_moved_to_another_department_reads_by_the_new_one_on_the_next_call() {
    let Some((shared, _first, second)) = two().await else {
        return;
    };
    let denied = chat_get(&second, LIMITED_HOOK, COMPANY_3).await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    import(
        &shared,
        r#"{"type":"user","id":5,"name":"Lena","last_name":"Limited","department_id":2}"#,
    );
    let allowed = chat_get(&second, LIMITED_HOOK, COMPANY_3).await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    import(
        &shared,
        r#"{"type":"user","id":5,"name":"Lena","last_name":"Limited","department_id":3}"#,
    );
    let denied_again = chat_get(&second, LIMITED_HOOK, COMPANY_3).await;
    assert_eq!(denied_again.status, 403, "{}", denied_again.text);
}

#[tokio::test]
async fn a_deleted_user_is_refused_at_once_by_the_instance_that_kept_them() {
    let Some((shared, _first, second)) = two().await else {
        return;
    };
    assert_eq!(chat_get(&second, LIMITED_HOOK, DEAL_300).await.status, 200);
    execute(&shared, "DELETE FROM crm_permissions WHERE user_id = 5").await;
    execute(&shared, "DELETE FROM users WHERE id = 5").await;
    let refused = chat_get(&second, LIMITED_HOOK, DEAL_300).await;
    assert_eq!(refused.status, 401, "{}", refused.text);
}

#[tokio::test]
async fn a_connector_switched_off_is_left_out_of_the_next_answer_on_every_instance() {
    let Some((shared, first, second)) = two().await else {
        return;
    };
    // Deal 300's visible chat is 2001, of the Telegram connector.
    for instance in [&first, &second] {
        let before = chat_get(instance, ADMIN_HOOK, DEAL_300).await;
        assert_eq!(
            before.json["result"][0]["CHAT_ID"], "2001",
            "{}",
            before.text
        );
    }
    import(
        &shared,
        r#"{"type":"connector","id":"telegrambot","active":false}"#,
    );
    for instance in [&first, &second] {
        let after = chat_get(instance, ADMIN_HOOK, DEAL_300).await;
        assert_eq!(after.status, 200, "{}", after.text);
        assert_eq!(after.json["result"], json!([]), "{}", after.text);
    }
}
