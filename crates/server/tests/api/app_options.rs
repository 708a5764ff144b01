//! `app.option.*` and `user.option.*` (per application, per user) and the fixed currency set
//! that SDK helper managers load at start.

use crate::crm_list::page;
use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

/// Lena's token in the demo app, and the admin's token in a second app.
const TOKENS: &str = r#"{"type":"token","user_id":5,"access_token":"lena-demo-app","scopes":["crm"],"expires_at":"2099-12-31T23:59:59Z","client_id":"local.demo0000000000.00000000"}
{"type":"token","user_id":1,"access_token":"admin-other-app","scopes":["crm"],"expires_at":"2099-12-31T23:59:59Z","client_id":"local.other000000000.00000000"}
"#;
const ADMIN: &str = "demo-access-token";

async fn call(app: &TestApp, token: &str, method: &str, body: Value) -> crate::helpers::Answer {
    let mut body = body;
    body["auth"] = json!(token);
    app.post_json(&format!("/rest/{method}"), body).await
}

#[tokio::test]
async fn app_options_belong_to_the_app_and_keep_their_types() {
    let app = TestApp::demo_with(TOKENS).await;
    let set = call(
        &app,
        ADMIN,
        "app.option.set",
        json!({"options": {"mode": "fast", "limit": 5, "tags": ["a", "b"]}}),
    )
    .await;
    assert_eq!(set.result(), &json!(true));
    let set = call(
        &app,
        ADMIN,
        "app.option.set",
        json!({"options": {"mode": "slow"}}),
    )
    .await;
    assert_eq!(set.result(), &json!(true));
    let all = call(&app, ADMIN, "app.option.get", json!({})).await;
    assert_eq!(
        all.result(),
        &json!({"limit": 5, "mode": "slow", "tags": ["a", "b"]})
    );
    let one = call(
        &app,
        "lena-demo-app",
        "app.option.get",
        json!({"option": "mode"}),
    )
    .await;
    assert_eq!(one.result(), &json!("slow"));
    let missing = call(&app, ADMIN, "app.option.get", json!({"option": "nope"})).await;
    assert_eq!(missing.result(), &Value::Null);
    // Another application sees none of them.
    let other = call(&app, "admin-other-app", "app.option.get", json!({})).await;
    assert_eq!(other.result(), &json!([]));
}

#[tokio::test]
async fn app_option_refusals() {
    let app = TestApp::demo_with(TOKENS).await;
    let access = |text: &str| json!({"error":"AccessException","error_description":text});
    call(
        &app,
        "lena-demo-app",
        "app.option.set",
        json!({"options": {"a": 1}}),
    )
    .await
    .assert_error(400, access("Administrator authorization required"));
    for method in [
        "app.option.get",
        "app.option.set",
        "user.option.get",
        "user.option.set",
    ] {
        app.call(ADMIN_HOOK, method, json!({"options": {"a": 1}}))
            .await
            .assert_error(400, access("Application context required"));
    }
    for options in [json!({}), json!([]), json!("x"), Value::Null] {
        call(&app, ADMIN, "app.option.set", json!({"options": options}))
            .await
            .assert_error(
                400,
                json!({"error":"ArgumentNullException","error_description":"options is empty"}),
            );
    }
    // A refused write left nothing behind.
    assert_eq!(
        call(&app, ADMIN, "app.option.get", json!({}))
            .await
            .result(),
        &json!([])
    );
}

#[tokio::test]
async fn user_options_are_per_user_within_the_app() {
    let app = TestApp::demo_with(TOKENS).await;
    let set = call(
        &app,
        "lena-demo-app",
        "user.option.set",
        json!({"options": {"theme": "dark"}}),
    )
    .await;
    assert_eq!(set.result(), &json!(true));
    let set = call(
        &app,
        ADMIN,
        "user.option.set",
        json!({"options": {"theme": "light"}}),
    )
    .await;
    assert_eq!(set.result(), &json!(true));
    let lena = call(&app, "lena-demo-app", "user.option.get", json!({})).await;
    assert_eq!(lena.result(), &json!({"theme": "dark"}));
    let admin = call(&app, ADMIN, "user.option.get", json!({"option": "theme"})).await;
    assert_eq!(admin.result(), &json!("light"));
    let other = call(
        &app,
        "admin-other-app",
        "user.option.get",
        json!({"option": "theme"}),
    )
    .await;
    assert_eq!(other.result(), &Value::Null);
}

#[tokio::test]
async fn currencies_of_the_fixed_set() {
    let app = TestApp::demo().await;
    let base = app
        .call(LIMITED_HOOK, "crm.currency.base.get", json!({}))
        .await;
    assert_eq!(base.result(), &json!("USD"));
    let list = app.call(ADMIN_HOOK, "crm.currency.list", json!({})).await;
    let (result, next, total) = page(&list);
    let codes: Vec<&str> = result
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CURRENCY"].as_str().unwrap())
        .collect();
    assert_eq!(
        (codes, next, total),
        (vec!["USD", "EUR", "GBP", "RUB"], None, Some(4))
    );
    assert_eq!(result[0]["BASE"], json!("Y"));
    assert_eq!(result[1]["BASE"], json!("N"));
    let eur = app
        .call(ADMIN_HOOK, "crm.currency.get", json!({"id": "eur"}))
        .await;
    assert_eq!(eur.result()["CURRENCY"], json!("EUR"));
    assert_eq!(eur.result()["AMOUNT"], json!("1.0800"));
    assert_eq!(eur.result()["LANG"]["en"]["FULL_NAME"], json!("Euro"));
    app.call(ADMIN_HOOK, "crm.currency.get", json!({"id": "XYZ"}))
        .await
        .assert_error(400, json!({"error":"","error_description":"Not found"}));
}
