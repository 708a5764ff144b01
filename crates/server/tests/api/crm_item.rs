//! `crm.item.list` and `crm.item.get` for entity types 1–4: camelCase, integer ids, the
//! list under `result.items`, and the newer API's `INVALID_ARG_VALUE` refusals.

use crate::crm_list::page;
use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

fn item_ids(result: &Value) -> Vec<i64> {
    result["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_i64().expect("integer id"))
        .collect()
}

#[tokio::test]
async fn items_of_each_type_in_the_camel_case_shape() {
    let app = TestApp::demo().await;
    let answer = app
        .call(ADMIN_HOOK, "crm.item.list", json!({"entityTypeId": 2}))
        .await;
    let (result, next, total) = page(&answer);
    assert_eq!(
        result,
        &json!({"items": [
            {"id":288,"title":"Website redesign","assignedById":1,"opened":"N"},
            {"id":300,"title":"Annual support contract","assignedById":2,"opened":"Y"},
            {"id":301,"title":"Private negotiation","assignedById":2,"opened":"N"},
        ]})
    );
    assert_eq!((next, total), (None, Some(3)));
    for (type_id, expected) in [(1, vec![1205, 1300, 1400]), (3, vec![7]), (4, vec![3])] {
        let answer = app
            .call(
                ADMIN_HOOK,
                "crm.item.list",
                json!({"entityTypeId": type_id}),
            )
            .await;
        assert_eq!(item_ids(page(&answer).0), expected, "{type_id}");
    }
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.item.list",
            json!({"entityTypeId": "3", "select": ["name"]}),
        )
        .await;
    assert_eq!(
        page(&answer).0,
        &json!({"items": [{"id": 7, "name": "Maria Customer"}]})
    );
}

#[tokio::test]
async fn filter_order_and_the_fast_pattern() {
    let app = TestApp::demo().await;
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.item.list",
            json!({"entityTypeId": 1, "filter": {">id": 1205, "%title": "LEAD"}, "order": {"id": "desc"}, "select": ["id", "title"]}),
        )
        .await;
    assert_eq!(
        page(&answer).0,
        &json!({"items": [{"id":1400,"title":"Lead in the queue"},{"id":1300,"title":"Lead without chats"}]})
    );
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.item.list",
            json!({"entityTypeId": 2, "filter": {">id": 288}, "order": {"id": "ASC"}, "start": -1}),
        )
        .await;
    let (result, next, total) = page(&answer);
    assert_eq!(
        (item_ids(result), next, total),
        (vec![300, 301], None, Some(0))
    );
}

#[tokio::test]
async fn bad_arguments_are_refused_with_invalid_arg_value() {
    let app = TestApp::demo().await;
    let refused = |body: Value| app.call(ADMIN_HOOK, "crm.item.list", body);
    let invalid = |text: &str| json!({"error":"INVALID_ARG_VALUE","error_description":text});
    refused(json!({"entityTypeId": 2, "filter": {"stageId": "NEW"}}))
        .await
        .assert_error(
            400,
            invalid("Invalid filter: field 'stageId' is not allowed in filter"),
        );
    refused(json!({"entityTypeId": 2, "filter": {">id": "many"}}))
        .await
        .assert_error(400, invalid("Invalid filter: field 'id' has invalid value"));
    refused(json!({"entityTypeId": 2, "order": {"stageId": "ASC"}}))
        .await
        .assert_error(
            400,
            invalid("Invalid order: field 'stageId' is not allowed in order"),
        );
    refused(json!({"entityTypeId": 2, "order": {"id": "UP"}}))
        .await
        .assert_error(
            400,
            invalid(
                "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'id'",
            ),
        );
    for type_id in [json!(0), json!(7), json!("deal"), Value::Null] {
        refused(json!({"entityTypeId": type_id}))
            .await
            .assert_error(
                400,
                json!({"error":"NOT_FOUND","error_description":"SPA not found"}),
            );
    }
}

#[tokio::test]
async fn a_limited_user_sees_only_her_items() {
    let app = TestApp::demo().await;
    let answer = app
        .call(LIMITED_HOOK, "crm.item.list", json!({"entityTypeId": 2}))
        .await;
    assert_eq!(item_ids(page(&answer).0), vec![300]);
    // No read right at all: nothing is listed, nothing is refused.
    let answer = app
        .call(LIMITED_HOOK, "crm.item.list", json!({"entityTypeId": 3}))
        .await;
    assert_eq!(page(&answer), (&json!({"items": []}), None, Some(0)));
}

#[tokio::test]
async fn item_get_answers_one_record() {
    let app = TestApp::demo().await;
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.item.get",
            json!({"entityTypeId": 2, "id": 300}),
        )
        .await;
    assert_eq!(
        answer.result(),
        &json!({"item": {"id":300,"title":"Annual support contract","assignedById":2,"opened":"Y"}})
    );
    app.call(
        ADMIN_HOOK,
        "crm.item.get",
        json!({"entityTypeId": 2, "id": 999}),
    )
    .await
    .assert_error(
        400,
        json!({"error":"NOT_FOUND","error_description":"Element not found"}),
    );
    app.call(LIMITED_HOOK, "crm.item.get", json!({"entityTypeId": 2, "id": 301}))
        .await
        .assert_error(
            400,
            json!({"error":"ACCESS_DENIED","error_description":"You do not have permission to view this item"}),
        );
    app.call(
        ADMIN_HOOK,
        "crm.item.get",
        json!({"entityTypeId": 9, "id": 1}),
    )
    .await
    .assert_error(
        400,
        json!({"error":"NOT_FOUND","error_description":"SPA not found"}),
    );
}
