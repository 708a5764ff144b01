//! Spec §12 group G: utility methods.

use crate::helpers::{TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, NO_SCOPE_HOOK};
use serde_json::json;

#[tokio::test]
async fn case_72_73_method_get() {
    let app = TestApp::demo().await;
    let get = |hook: &'static str, body| {
        let app = &app;
        async move { app.post_json(&format!("{hook}/method.get"), body).await }
    };
    assert_eq!(
        get(ADMIN_HOOK, json!({"name":"imopenlines.crm.chat.get"}))
            .await
            .result(),
        &json!({"isExisting":true,"isAvailable":true})
    );
    assert_eq!(
        get(CRM_ONLY_HOOK, json!({"name":"imopenlines.crm.chat.get"}))
            .await
            .result(),
        &json!({"isExisting":true,"isAvailable":false})
    );
    assert_eq!(
        get(ADMIN_HOOK, json!({})).await.result(),
        &json!({"isExisting":false,"isAvailable":false})
    );
    assert_eq!(
        get(NO_SCOPE_HOOK, json!({"name":"batch"})).await.result(),
        &json!({"isExisting":true,"isAvailable":true})
    );
}

#[tokio::test]
async fn case_74_scope() {
    let app = TestApp::demo().await;
    assert_eq!(
        app.post_json(&format!("{ADMIN_HOOK}/scope"), json!({}))
            .await
            .result(),
        &json!(["imopenlines", "crm", "user"])
    );
    assert_eq!(
        app.post_json(&format!("{NO_SCOPE_HOOK}/scope"), json!({}))
            .await
            .result(),
        &json!([])
    );
    let full = app
        .post_json(&format!("{NO_SCOPE_HOOK}/scope"), json!({"full":true}))
        .await;
    assert!(full
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("imopenlines")));
}

#[tokio::test]
async fn case_75_methods_lists_lower_case_names() {
    let app = TestApp::demo().await;
    let by_scope = app
        .post_json(
            &format!("{ADMIN_HOOK}/methods"),
            json!({"scope":"imopenlines"}),
        )
        .await;
    let names = by_scope.result().as_array().unwrap();
    assert!(names.contains(&json!("imopenlines.crm.chat.get")));
    assert!(names
        .iter()
        .all(|name| name.as_str().unwrap() == name.as_str().unwrap().to_lowercase()));
    let global = app
        .post_json(&format!("{ADMIN_HOOK}/methods"), json!({"scope":""}))
        .await;
    assert!(global
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("batch")));
    assert!(!global
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("imopenlines.crm.chat.get")));
    let mine = app
        .post_json(&format!("{CRM_ONLY_HOOK}/methods"), json!({}))
        .await;
    assert!(!mine
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("imopenlines.crm.chat.get")));
    let all = app
        .post_json(&format!("{CRM_ONLY_HOOK}/methods"), json!({"full":"true"}))
        .await;
    assert!(all
        .result()
        .as_array()
        .unwrap()
        .contains(&json!("imopenlines.crm.chat.get")));
}

#[tokio::test]
async fn case_76_feature_get() {
    let app = TestApp::demo().await;
    app.post_json(&format!("{ADMIN_HOOK}/feature.get"), json!({}))
        .await
        .assert_error(
            400,
            json!({"error":"CODE_EMPTY","error_description":"CODE can't be empty"}),
        );
    let answer = app
        .post_json(
            &format!("{ADMIN_HOOK}/feature.get"),
            json!({"CODE":"rest_offline_extended"}),
        )
        .await;
    assert_eq!(answer.result(), &json!({"value":"N"}));
}

#[tokio::test]
async fn case_77_profile() {
    let app = TestApp::demo().await;
    let answer = app
        .post_json(&format!("{NO_SCOPE_HOOK}/profile"), json!({}))
        .await;
    assert_eq!(
        answer.result(),
        &json!({"ID":"1","ADMIN":true,"NAME":"Anna","LAST_NAME":"Admin","PERSONAL_GENDER":"","TIME_ZONE":"","TIME_ZONE_OFFSET":0})
    );
}

#[tokio::test]
async fn case_78_app_info_for_webhooks_and_tokens() {
    let app = TestApp::demo().await;
    let hook = app
        .post_json(&format!("{ADMIN_HOOK}/app.info"), json!({}))
        .await;
    assert_eq!(
        hook.result(),
        &json!({"SCOPE":["imopenlines","crm","user"],"LICENSE":"en_selfhosted"})
    );
    let token = app
        .post_json("/rest/app.info", json!({"auth":"demo-access-token"}))
        .await;
    assert_eq!(
        token.result()["CODE"],
        json!("local.demo0000000000.00000000")
    );
    assert_eq!(token.result()["INSTALLED"], json!(true));
}

#[tokio::test]
async fn case_79_user_current_needs_a_user_scope() {
    let app = TestApp::demo().await;
    app.post_json(&format!("{CRM_ONLY_HOOK}/user.current"), json!({})).await.assert_error(
        401,
        json!({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}),
    );
    let answer = app
        .post_json(&format!("{ADMIN_HOOK}/user.current"), json!({}))
        .await;
    assert_eq!(answer.result()["ID"], json!("1"));
    assert_eq!(answer.result()["UF_DEPARTMENT"], json!([1]));
}
