//! Spec §12 group A: URL forms, verbs, encodings, parameter precedence.

use crate::helpers::{case1, chat, TestApp, ADMIN_HOOK};
use serde_json::json;

fn not_found() -> serde_json::Value {
    json!({"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"})
}

#[tokio::test]
async fn case_01_json_post_to_a_webhook() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_02_all_chats_newest_session_first() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"ACTIVE_ONLY":"N"}),
        )
        .await;
    // Chat 1763's newest session changed at 12:30, chat 1800's at 12:00.
    assert_eq!(
        answer.result(),
        &json!([
            chat("1763", "livechat", "Live Chat"),
            chat("1800", "telegrambot", "Telegram")
        ])
    );
}

#[tokio::test]
async fn case_03_get_with_a_query_string() {
    let app = TestApp::demo().await;
    let answer = app
        .get(&format!(
            "{ADMIN_HOOK}/imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205"
        ))
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_04_form_urlencoded_post() {
    let app = TestApp::demo().await;
    let answer = app
        .post_form(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205",
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_05_multipart_post() {
    let app = TestApp::demo().await;
    let form = reqwest::multipart::Form::new()
        .text("CRM_ENTITY_TYPE", "lead")
        .text("CRM_ENTITY", "1205");
    let response = app
        .http
        .post(app.url(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let answer = crate::helpers::Answer::read(response).await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_10_json_suffix() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get.json"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn case_11_xml_suffix() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get.xml"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), "text/xml; charset=utf-8");
    assert!(
        answer.text.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><result><item><CHAT_ID>1763</CHAT_ID><CONNECTOR_ID>livechat</CONNECTOR_ID><CONNECTOR_TITLE>Live Chat</CONNECTOR_TITLE></item></result><time><start>"
        ),
        "{}",
        answer.text
    );
    assert!(answer.text.ends_with("</time></response>"));
}

#[tokio::test]
async fn case_12_13_method_case_and_trailing_slash() {
    let app = TestApp::demo().await;
    for path in [
        "IMOPENLINES.CRM.CHAT.GET",
        "imopenlines.crm.chat.get/",
        "Imopenlines.Crm.Chat.Get.json/",
    ] {
        let answer = app
            .post_json(
                &format!("{ADMIN_HOOK}/{path}"),
                json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
            )
            .await;
        assert_eq!(answer.result(), &case1(), "{path}");
    }
}

#[tokio::test]
async fn doubled_slashes_from_joined_endpoints_are_accepted() {
    // b24jssdk joins `client_endpoint` ("…/rest/") with "/method".
    let app = TestApp::demo().await;
    let oauth = app
        .post_json(
            "/rest//imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"auth":"demo-access-token"}),
        )
        .await;
    assert_eq!(oauth.result(), &case1());
    let hook = app
        .post_json(
            "/rest/1/demo0123456789ab//imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    assert_eq!(hook.result(), &case1());
}

#[tokio::test]
async fn case_14_15_unknown_suffix_and_typo_are_404() {
    let app = TestApp::demo().await;
    for path in ["imopenlines.crm.chat.get.yaml", "imopenlines.crm.chats.get"] {
        let answer = app
            .post_json(&format!("{ADMIN_HOOK}/{path}"), json!({}))
            .await;
        answer.assert_error(404, not_found());
    }
}

#[tokio::test]
async fn case_16_17_lookup_precedes_auth() {
    let app = TestApp::demo().await;
    app.post_json("/rest/imopenlines.crm.chats.get", json!({}))
        .await
        .assert_error(404, not_found());
    app.get("/rest/").await.assert_error(404, not_found());
    app.get("/rest/1/wrongcode0000000/no.such.method")
        .await
        .assert_error(404, not_found());
    app.get("/rest/api/1/demo0123456789ab/imopenlines.crm.chat.get")
        .await
        .assert_error(404, not_found());
}

#[tokio::test]
async fn case_18_malformed_json_is_no_parameters() {
    let app = TestApp::demo().await;
    let answer = app
        .post_raw(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            "application/json",
            r#"{"CRM_ENTITY_TYPE":"lead","#,
        )
        .await;
    answer.assert_error(
        400,
        json!({"error":"ERROR_ARGUMENT","error_description":"Argument 'CRM_ENTITY_TYPE' is null or empty","argument":"CRM_ENTITY_TYPE"}),
    );
}

#[tokio::test]
async fn case_19_body_wins_over_query() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get?CRM_ENTITY=1&ACTIVE_ONLY=N"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    // CRM_ENTITY comes from the body; ACTIVE_ONLY, only in the query, still applies.
    assert_eq!(answer.result().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn json_content_type_parameters_are_ignored() {
    let app = TestApp::demo().await;
    let answer = app
        .post_raw(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            "application/json; charset=utf-8",
            r#"{"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":"1205"}"#,
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn raw_body_without_content_type_is_read_as_a_query_string() {
    let app = TestApp::demo().await;
    let answer = app
        .post_raw(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            "text/plain",
            "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205",
        )
        .await;
    assert_eq!(answer.result(), &case1());
}

#[tokio::test]
async fn php_brackets_reach_the_method() {
    // A bracketed name is a different parameter: CRM_ENTITY[0] is an array, not a number.
    let app = TestApp::demo().await;
    let answer = app
        .post_form(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            "CRM_ENTITY_TYPE=lead&CRM_ENTITY%5B0%5D=1205",
        )
        .await;
    answer.assert_error(
        400,
        json!({"error":"ERROR_ARGUMENT","error_description":"The value of an argument 'CRM_ENTITY' has an invalid type","argument":"CRM_ENTITY"}),
    );
}

#[tokio::test]
async fn paths_outside_rest_are_not_found_and_health_checks_answer() {
    let app = TestApp::demo().await;
    app.get("/nothing/here")
        .await
        .assert_error(404, not_found());
    assert_eq!(app.get("/healthz").await.text, "ok");
    assert_eq!(app.get("/readyz").await.text, "ready");
}
