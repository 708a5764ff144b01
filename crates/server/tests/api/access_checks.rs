//! Access checks that must not leak or lie.
//!
//! Issue 13.2: `crm.activity.binding.*` checks read access to the activity's owners (the
//! records it is bound to now) as well as to the target record; a refusal changes nothing.
//! The demo's limited user (5) reads deal 300 (opened) and her lead 1300, not deals 288 or 301.

use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};
use sqlx::{Connection, Executor};

fn denied() -> Value {
    json!({"error":"ACCESS_DENIED","error_description":"Access denied! You don't have access to this action"})
}

async fn bindings(app: &TestApp, activity: i64) -> Value {
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.list",
        json!({ "activityId": activity }),
    )
    .await
    .result()
    .clone()
}

#[tokio::test]
async fn listing_an_activity_needs_read_access_to_its_owner() {
    let app = TestApp::demo().await;
    // Session 501 is bound to deal 288, which she may not read.
    app.call(
        LIMITED_HOOK,
        "crm.activity.binding.list",
        json!({"activityId":501}),
    )
    .await
    .assert_error(403, denied());
    // Session 550 is bound to the opened deal 300, which she may read.
    let readable = app
        .call(
            LIMITED_HOOK,
            "crm.activity.binding.list",
            json!({"activityId":550}),
        )
        .await;
    assert_eq!(
        readable.result(),
        &json!([{"entityTypeId":2,"entityId":300}])
    );
}

#[tokio::test]
async fn binding_an_activity_she_may_not_read_to_her_own_lead_is_refused() {
    let app = TestApp::demo().await;
    // Session 560 belongs to deal 301; lead 1300 is hers.
    app.call(
        LIMITED_HOOK,
        "crm.activity.binding.add",
        json!({"activityId":560,"entityTypeId":1,"entityId":1300}),
    )
    .await
    .assert_error(403, denied());
    assert_eq!(
        bindings(&app, 560).await,
        json!([{"entityTypeId":2,"entityId":301}])
    );
    let chats = app
        .call(
            LIMITED_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300,"ACTIVE_ONLY":"N"}),
        )
        .await;
    assert_eq!(chats.result(), &json!([]));
    // An activity whose owner she may read can be bound to her lead.
    assert_eq!(
        app.call(
            LIMITED_HOOK,
            "crm.activity.binding.add",
            json!({"activityId":550,"entityTypeId":1,"entityId":1300}),
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(
        bindings(&app, 550).await,
        json!([{"entityTypeId":2,"entityId":300},{"entityTypeId":1,"entityId":1300}])
    );
}

#[tokio::test]
async fn unbinding_needs_read_access_to_every_owner() {
    let app = TestApp::demo().await;
    // The admin binds session 560 (deal 301) to her lead as well.
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.add",
        json!({"activityId":560,"entityTypeId":1,"entityId":1300}),
    )
    .await
    .result();
    app.call(
        LIMITED_HOOK,
        "crm.activity.binding.delete",
        json!({"activityId":560,"entityTypeId":1,"entityId":1300}),
    )
    .await
    .assert_error(403, denied());
    assert_eq!(
        bindings(&app, 560).await,
        json!([{"entityTypeId":2,"entityId":301},{"entityTypeId":1,"entityId":1300}])
    );
}

/// Drops `table` behind the running server's back, so that the next query on it fails.
async fn drop_table(app: &TestApp, table: &str) {
    let url = app.database_url();
    let sql = format!("DROP TABLE {table}");
    if url.starts_with("postgres") {
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        connection.execute(sql.as_str()).await.unwrap();
    } else {
        let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        connection.execute(sql.as_str()).await.unwrap();
    }
}

/// Issue 13.10: a database failure while checking rights is a 500 (and logged), never an
/// access refusal that hides the outage.
#[tokio::test]
async fn a_database_failure_while_checking_rights_is_a_500_not_a_refusal() {
    let app = TestApp::demo().await;
    drop_table(&app, "crm_permissions").await;
    let core_error = json!({"error":"ERROR_CORE","error_description":"SQL query error!"});
    // Lead 1300 is hers; her read level is what the dropped table held.
    for (method, params) in [
        (
            "imopenlines.crm.chat.user.add",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300,"USER_ID":2}),
        ),
        (
            "imopenlines.crm.chat.user.delete",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300,"USER_ID":2}),
        ),
        (
            "imopenlines.crm.message.add",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300,"USER_ID":5,"CHAT_ID":1763,"MESSAGE":"hi"}),
        ),
    ] {
        app.call(LIMITED_HOOK, method, params)
            .await
            .assert_error(500, core_error.clone());
    }
}

/// `imopenlines.dialog.get` shows only the CRM bindings the caller may read: the limited user
/// reads leads she is responsible for, and lead 1205 (chat 1763's record) is Oleg's.
#[tokio::test]
async fn a_dialog_shows_only_the_crm_records_the_caller_may_read() {
    let app = TestApp::demo().await;
    let dialog = |hook: &'static str| {
        let app = &app;
        async move {
            app.call(hook, "imopenlines.dialog.get", json!({"CHAT_ID": 1763}))
                .await
                .result()
                .clone()
        }
    };
    let admin = dialog(ADMIN_HOOK).await;
    assert_eq!(
        admin["entity_data_2"],
        "LEAD|1205|COMPANY|0|CONTACT|0|DEAL|0"
    );
    assert!(
        admin["entity_data_1"]
            .as_str()
            .unwrap()
            .starts_with("Y|LEAD|1205|"),
        "{admin}"
    );
    let limited = dialog(LIMITED_HOOK).await;
    assert_eq!(
        limited["entity_data_2"],
        "LEAD|0|COMPANY|0|CONTACT|0|DEAL|0"
    );
    let data_1 = limited["entity_data_1"].as_str().unwrap();
    assert!(data_1.starts_with("N|NONE|0|N|N|511|"), "{limited}");
    assert!(!limited.to_string().contains("1205"), "{limited}");
    // Once the lead is hers, she sees it.
    app.call(
        ADMIN_HOOK,
        "crm.lead.update",
        json!({"id": 1205, "fields": {"ASSIGNED_BY_ID": 5}}),
    )
    .await
    .result();
    let limited = dialog(LIMITED_HOOK).await;
    assert_eq!(
        limited["entity_data_2"],
        "LEAD|1205|COMPANY|0|CONTACT|0|DEAL|0"
    );
}
