//! Behaviours a user would notice that no test pinned: each was once broken on purpose, by a
//! one-line change, and every suite still passed (issue 13, "Tests that catch what breaks").
//! Each test here fails under that change. The leaky bucket's clamp is pinned in
//! `limits/tests.rs`, the client's batch retry in `tests/client/timeouts.rs`.

use crate::helpers::{openlines, stderr, TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

fn error(code: &str, description: &str) -> Value {
    json!({"error": code, "error_description": description})
}

/// Only members of a chat (and admins) remove others from it: a reader of the record who is
/// no member gets `403 CHAT_DELETE_USER_PERMISSION_DENIED`, and the member stays.
#[tokio::test]
async fn a_non_member_may_not_remove_a_member() {
    let app = TestApp::demo().await;
    // Deal 300 is open to the limited user; Sofia (3) is a member of its chat 2001, she is not.
    let remove = json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300,"CHAT_ID":2001,"USER_ID":3});
    app.call(
        LIMITED_HOOK,
        "imopenlines.crm.chat.user.delete",
        remove.clone(),
    )
    .await
    .assert_error(
        403,
        error(
            "CHAT_DELETE_USER_PERMISSION_DENIED",
            "You don't have access to delete a user from this chat",
        ),
    );
    // Still a member: the admin's removal finds her there.
    let removed = app
        .call(ADMIN_HOOK, "imopenlines.crm.chat.user.delete", remove)
        .await;
    assert_eq!(removed.result(), &json!(2001));
}

/// PHP's `json_encode` writes control characters as `\u001f`, in lower case.
#[tokio::test]
async fn control_characters_are_escaped_in_lower_case_hex() {
    let app = TestApp::demo().await;
    let added = app
        .call(
            ADMIN_HOOK,
            "crm.lead.add",
            json!({"fields":{"TITLE":"a\u{1f}b\u{1b}c"}}),
        )
        .await;
    let id = added.result().clone();
    let got = app
        .call(ADMIN_HOOK, "crm.lead.get", json!({ "id": id }))
        .await;
    assert!(
        got.text.contains(r#""TITLE":"a\u001fb\u001bc""#),
        "{}",
        got.text
    );
}

/// `halt=1` stops at a command that cannot even run (unknown, or not allowed in a batch),
/// not only at one that fails: the write after it never happens.
#[tokio::test]
async fn halt_stops_after_an_unknown_or_unbatchable_command() {
    let app = TestApp::demo().await;
    let before = app
        .call(ADMIN_HOOK, "crm.lead.add", json!({"fields":{"TITLE":"x"}}))
        .await
        .result()
        .as_i64()
        .unwrap();
    for (first, error_body) in [
        (
            "no.such.method",
            error("ERROR_METHOD_NOT_FOUND", "Method not found!"),
        ),
        (
            "batch?cmd[y]=server.time",
            error(
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ),
        ),
    ] {
        let answer = app
            .call(
                ADMIN_HOOK,
                "batch",
                json!({"halt":1,"cmd":{"a":first,"b":"crm.lead.add?fields[TITLE]=y"}}),
            )
            .await;
        let result = answer.result();
        assert_eq!(result["result"], json!([]), "{first}");
        assert_eq!(
            result["result_error"],
            json!({ "a": error_body }),
            "{first}"
        );
    }
    // Neither batch added a lead: the next one follows the first.
    let after = app
        .call(ADMIN_HOOK, "crm.lead.add", json!({"fields":{"TITLE":"z"}}))
        .await;
    assert_eq!(after.result(), &json!(before + 1));
}

/// `$result[a][TITLE]` is replaced inside a nested parameter (`fields[TITLE]=…`) too.
#[tokio::test]
async fn back_references_are_substituted_inside_nested_parameters() {
    let app = TestApp::demo().await;
    let answer = app
        .call(
            ADMIN_HOOK,
            "batch",
            json!({"halt":1,"cmd":{
                "a":"crm.lead.get?id=1205",
                "b":"crm.lead.add?fields[TITLE]=$result[a][TITLE]"
            }}),
        )
        .await;
    let new_lead = answer.result()["result"]["b"].clone();
    let copied = app
        .call(ADMIN_HOOK, "crm.lead.get", json!({ "id": new_lead }))
        .await;
    assert_eq!(
        copied.result()["TITLE"],
        json!("Inbound request from the website")
    );
}

/// A deactivated user's OAuth token opens nothing, like her webhook.
#[tokio::test]
async fn an_oauth_token_of_a_deactivated_user_is_refused() {
    let app = TestApp::demo_with(
        r#"{"type":"token","user_id":4,"access_token":"inactive-user-token","scopes":["imopenlines"],"expires_at":"2099-12-31T23:59:59Z","client_id":"local.demo0000000000.00000000"}"#,
    )
    .await;
    let refused = error("authorization_error", "Unable to authorize user");
    app.post_json(
        "/rest/imopenlines.crm.chat.get",
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":"inactive-user-token"}),
    )
    .await
    .assert_error(401, refused.clone());
    let bearer = app
        .http
        .post(app.url("/rest/server.time"))
        .bearer_auth("inactive-user-token")
        .send()
        .await
        .unwrap();
    crate::helpers::Answer::read(bearer)
        .await
        .assert_error(401, refused);
}

/// An import line whose `assigned_by_id` names no user is refused, naming the line, and
/// nothing of the file is written.
#[tokio::test]
async fn import_refuses_a_record_assigned_to_no_user() {
    let app = TestApp::demo().await;
    let file = "{\"type\":\"lead\",\"id\":1500,\"title\":\"Orphan\",\"assigned_by_id\":404}\n";
    let db = app.database_url();
    let output = openlines(&["import", "-", "--db", &db], Some(file));
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains("-:1: lead 1500 is assigned to user 404, who does not exist"),
        "{text}"
    );
    app.call(ADMIN_HOOK, "crm.lead.get", json!({"id":1500}))
        .await
        .assert_error(400, error("", "Not found"));
}

/// `imopenlines.crm.message.add` stores the text it was given (the export shows it).
#[tokio::test]
async fn an_added_message_keeps_its_text() {
    let app = TestApp::demo().await;
    let added = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.message.add",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"USER_ID":2,"CHAT_ID":1763,"MESSAGE":"We will call you back"}),
        )
        .await;
    let id = added.result().as_i64().unwrap();
    let output = openlines(&["export", "--db", &app.database_url()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let exported = String::from_utf8(output.stdout).unwrap();
    let message: Value = exported
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["type"] == "message" && line["id"] == json!(id))
        .unwrap_or_else(|| panic!("message {id} in {exported}"));
    assert_eq!(message["text"], "We will call you back");
    assert_eq!(message["chat_id"], 1763);
    assert_eq!(message["author_id"], 2);
}
