//! Spec §12 group H and cases 20, 21, 50: headers, escaping, the `time` block, error shape.

use crate::helpers::{TestApp, ADMIN_HOOK};
use serde_json::json;

#[tokio::test]
async fn case_20_headers_on_success_and_error() {
    let app = TestApp::demo().await;
    let ok = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    let error = app
        .post_json(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"), json!({}))
        .await;
    for answer in [&ok, &error] {
        assert_eq!(
            answer.header("content-type"),
            "application/json; charset=utf-8"
        );
        assert_eq!(answer.header("access-control-allow-origin"), "*");
        assert_eq!(
            answer.header("access-control-allow-headers"),
            "origin, content-type, accept"
        );
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
    }
}

#[tokio::test]
async fn case_21_php_escaping_and_raw_utf8() {
    let app = TestApp::demo_with(
        r#"{"type":"connector","id":"custom_app","title":"A/B <x> & 'q' \"d\" Живой чат"}
{"type":"lead","id":77,"title":"Escaping"}
{"type":"chat","id":7700,"connector_id":"custom_app","status":20,"crm":[{"entity_type":"lead","entity_id":77}]}"#,
    )
    .await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":77}),
        )
        .await;
    assert!(
        answer.text.starts_with(
            r#"{"result":[{"CHAT_ID":"7700","CONNECTOR_ID":"custom_app","CONNECTOR_TITLE":"A\/B \u003Cx\u003E \u0026 \u0027q\u0027 \u0022d\u0022 Живой чат"}],"time":{"#
        ),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn case_50_time_block_types() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    answer.result(); // checks every field's type
    let time = &answer.json["time"];
    let start = time["start"].as_i64().unwrap();
    let finish = time["finish"].as_f64().unwrap();
    assert!(finish >= start as f64);
    assert!((time["duration"].as_f64().unwrap() - (finish - start as f64)).abs() < 1e-5);
}

#[tokio::test]
async fn case_80_errors_carry_no_result_or_time() {
    let app = TestApp::demo().await;
    for path in [
        "/rest/no.such.method",
        "/rest/imopenlines.crm.chat.get",
        &format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"),
    ] {
        let answer = app.post_json(path, json!({})).await;
        let object = answer.json.as_object().unwrap();
        assert!(
            object.contains_key("error") && object.contains_key("error_description"),
            "{path}"
        );
        assert!(
            !object.contains_key("result") && !object.contains_key("time"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn oversized_body_too_many_params_and_deep_nesting_are_refused() {
    let settings = openlines::state::Settings {
        max_body_bytes: 1024,
        param_limits: openlines_wire::params::Limits {
            max_params: 10,
            max_depth: 3,
        },
        ..Default::default()
    };
    let app = TestApp::with_settings(settings, &[openlines::dataset::demo::DEMO_JSONL]).await;
    let path = format!("{ADMIN_HOOK}/imopenlines.crm.chat.get");
    app.post_form(&path, &"a=1&".repeat(400)).await.assert_error(
        413,
        json!({"error":"INVALID_REQUEST","error_description":"Request body is larger than 1024 bytes"}),
    );
    let many: String = (0..11).map(|i| format!("p{i}=1&")).collect();
    app.post_form(&path, &many).await.assert_error(
        400,
        json!({"error":"INVALID_REQUEST","error_description":"Too many parameters: at most 10 are accepted"}),
    );
    app.post_form(&path, "a[b][c][d]=1").await.assert_error(
        400,
        json!({"error":"INVALID_REQUEST","error_description":"Parameters nest too deeply: at most 3 levels are accepted"}),
    );
    app.post_json(&path, json!({"a":{"b":{"c":{"d":1}}}})).await.assert_error(
        400,
        json!({"error":"INVALID_REQUEST","error_description":"Parameters nest too deeply: at most 3 levels are accepted"}),
    );
    // Within the limits the method answers as usual.
    app.post_form(&path, "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205")
        .await
        .result();
}

#[tokio::test]
async fn options_preflight_gets_cors_headers() {
    let app = TestApp::demo().await;
    let response = app
        .http
        .request(
            reqwest::Method::OPTIONS,
            app.url(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}
