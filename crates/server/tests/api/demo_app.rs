//! The demo's OAuth app is registered with a known secret, so the demo's refresh token can be
//! exchanged as every SDK does, and the new token works.

use crate::crm_list::page;
use crate::helpers::TestApp;
use openlines::dataset::demo;
use serde_json::json;

#[tokio::test]
async fn the_demo_refresh_token_is_exchanged_with_the_demo_app_secret() {
    let app = TestApp::demo().await;
    let refresh = format!(
        "/oauth/token/?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
        demo::APP_CLIENT_ID,
        demo::APP_CLIENT_SECRET,
        demo::REFRESH_TOKEN
    );
    let answer = app.get(&refresh).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["user_id"], json!(1));
    assert_eq!(answer.json["scope"], json!("imopenlines,crm,user"));
    let token = answer.json["access_token"]
        .as_str()
        .expect("a new access token");
    let listed = app
        .post_json(
            "/rest/crm.deal.list",
            json!({"auth": token, "select": ["ID"]}),
        )
        .await;
    assert_eq!(page(&listed).2, Some(3));
    // A wrong secret is still refused.
    let wrong = refresh.replace(demo::APP_CLIENT_SECRET, "not-the-secret");
    assert_eq!(app.get(&wrong).await.status, 401);
}
