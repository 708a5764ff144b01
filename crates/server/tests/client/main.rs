#![allow(unreachable_pub)]
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

#[tokio::test]
async fn smoke() {
    let app = helpers::TestApp::demo().await;
    let client = openlines_client::Client::webhook(&format!(
        "http://{}/rest/1/demo0123456789ab/",
        app.address
    ))
    .unwrap();
    let chats = client
        .crm_chat_get(openlines_client::CrmEntityType::Deal, 288, false)
        .await
        .unwrap();
    assert_eq!(chats.result.len(), 1);
}
