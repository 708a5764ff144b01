//! Spec §12 group E: `batch`, including fast-bitrix24's form and batch security.

use crate::helpers::{assert_time_block, chat, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

fn assert_batch_shape(answer: &crate::helpers::Answer) -> &Value {
    let result = answer.result();
    let keys: Vec<&str> = result
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "result",
            "result_error",
            "result_total",
            "result_next",
            "result_time"
        ]
    );
    result
}

#[tokio::test]
async fn case_61_two_commands() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"halt":0,"cmd":{"a":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205","b":"server.time"}}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(
        result["result"]["a"],
        json!([chat("1763", "livechat", "Live Chat")])
    );
    assert!(result["result"]["b"].as_str().unwrap().ends_with("+00:00"));
    for empty in ["result_error", "result_total", "result_next"] {
        assert_eq!(result[empty], json!([]), "{empty}");
    }
    assert_time_block(&result["result_time"]["a"]);
    assert_time_block(&result["result_time"]["b"]);
}

#[tokio::test]
async fn case_62_the_51st_command_is_refused() {
    let app = TestApp::demo().await;
    let cmd: serde_json::Map<String, Value> = (0..51)
        .map(|i| (format!("c{i}"), json!("server.time")))
        .collect();
    let answer = app
        .post_json(&format!("{ADMIN_HOOK}/batch"), json!({"cmd": cmd}))
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(result["result"].as_object().unwrap().len(), 50);
    assert_eq!(
        result["result_error"],
        json!({"c50":{"error":"ERROR_BATCH_LENGTH_EXCEEDED","error_description":"Max batch length exceeded"}})
    );
}

#[tokio::test]
async fn case_63_64_halt_stops_after_the_first_error() {
    let app = TestApp::demo().await;
    let error = json!({"error":"ERROR_ARGUMENT","error_description":"Argument 'CRM_ENTITY_TYPE' is null or empty","argument":"CRM_ENTITY_TYPE"});
    let halted = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"halt":1,"cmd":{"a":"imopenlines.crm.chat.get","b":"server.time"}}),
        )
        .await;
    let result = assert_batch_shape(&halted);
    assert_eq!(result["result"], json!([]));
    assert_eq!(result["result_error"], json!({"a": error}));
    assert_eq!(result["result_time"], json!([]));
    let full = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"halt":0,"cmd":{"a":"imopenlines.crm.chat.get","b":"server.time"}}),
        )
        .await;
    let result = assert_batch_shape(&full);
    assert!(result["result"]["b"].is_string());
    assert_eq!(result["result_error"], json!({"a": error}));
}

#[tokio::test]
async fn case_65_67_nested_batch_and_unknown_methods() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"cmd":{"x":"batch?cmd[y]=server.time","k":"no.such.method","t":"SERVER.TIME"}}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(
        result["result_error"],
        json!({
            "x":{"error":"ERROR_BATCH_METHOD_NOT_ALLOWED","error_description":"Method is not allowed for batch usage"},
            "k":{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}
        })
    );
    assert!(result["result"]["t"].is_string());
}

#[tokio::test]
async fn case_66_back_references() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"cmd":{
                "list":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=deal&CRM_ENTITY=300",
                "again":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=contact&CRM_ENTITY=$result[list][0][CHAT_ID]",
                "named":"method.get?name=$result[list][0][CONNECTOR_ID]"
            }}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(
        result["result"]["list"],
        json!([chat("2001", "telegrambot", "Telegram")])
    );
    // Contact 2001 does not exist: the reference was resolved to 2001, not left as text.
    assert_eq!(result["result"]["again"], json!([]));
    assert_eq!(
        result["result"]["named"],
        json!({"isExisting":false,"isAvailable":false})
    );
}

#[tokio::test]
async fn case_68_insufficient_scope_inside_batch_has_no_description() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{CRM_ONLY_HOOK}/batch"),
            json!({"cmd":{"k":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205"}}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(
        result["result_error"],
        json!({"k":{"error":"insufficient_scope","error_description":""}})
    );
}

#[tokio::test]
async fn case_69_list_commands_give_list_sections() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/batch"),
            json!({"cmd":["server.time","server.time"]}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(result["result"].as_array().unwrap().len(), 2);
    assert_eq!(result["result_time"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn fast_bitrix24_form_double_encoded_with_order_key() {
    // fast-bitrix24 posts the batch form-encoded; each command is itself a query string with
    // bracketed parameters and an extra `__order` key, so it is encoded twice.
    let app = TestApp::demo().await;
    let inner = "imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205&ACTIVE_ONLY=N&__order=order0000000000";
    let with_brackets = "imopenlines.crm.chat.get?FILTER%5BX%5D%5B0%5D=1&CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&__order=order0000000001";
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("halt", "0")
        .append_pair("cmd[order0000000000]", inner)
        .append_pair("cmd[order0000000001]", with_brackets)
        .finish();
    let answer = app.post_form(&format!("{ADMIN_HOOK}/batch"), &body).await;
    let result = assert_batch_shape(&answer);
    assert_eq!(
        result["result"],
        json!({
            "order0000000000": [chat("1763", "livechat", "Live Chat"), chat("1800", "telegrambot", "Telegram")],
            "order0000000001": [chat("9852", "livechat", "Live Chat")]
        })
    );
}

#[tokio::test]
async fn batch_cannot_reach_what_the_caller_cannot() {
    let app = TestApp::demo().await;
    let denied = json!({"error":"ACCESS_DENIED","error_description":"Access denied! You don't have access to this action"});
    // Lena may read lead 1300 but not lead 1205, also not through a back-reference.
    let answer = app
        .post_json(
            &format!("{LIMITED_HOOK}/batch"),
            json!({"cmd":{
                "mine":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1300",
                "other":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205",
                "id":"profile",
                "via_ref":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=120$result[id][ID]",
                "as_admin":"imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205&auth=demo-access-token",
                "user":"user.current"
            }}),
        )
        .await;
    let result = assert_batch_shape(&answer);
    assert_eq!(result["result"]["mine"], json!([]));
    assert_eq!(result["result_error"]["other"], denied);
    assert_eq!(result["result_error"]["via_ref"], denied);
    assert_eq!(result["result_error"]["as_admin"], denied);
    assert_eq!(
        result["result_error"]["user"],
        json!({"error":"insufficient_scope","error_description":""})
    );
}

#[tokio::test]
async fn batch_over_query_string_and_without_commands() {
    let app = TestApp::demo().await;
    let answer = app
        .get(&format!("{ADMIN_HOOK}/batch?cmd%5Bt%5D=server.time"))
        .await;
    assert!(assert_batch_shape(&answer)["result"]["t"].is_string());
    let empty = app
        .post_json(&format!("{ADMIN_HOOK}/batch"), json!({}))
        .await;
    let result = assert_batch_shape(&empty);
    assert_eq!(result["result"], json!([]));
}
