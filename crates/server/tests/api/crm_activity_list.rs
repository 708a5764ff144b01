//! `crm.activity.list`: open-line sessions as CRM activities, with the list methods' paging,
//! filters, order and select, limited to sessions bound to a record the caller may read.

use crate::crm_list::{ids, page};
use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

async fn listed(app: &TestApp, hook: &str, body: Value) -> Vec<i64> {
    let answer = app.call(hook, "crm.activity.list", body).await;
    let (result, _, total) = page(&answer);
    let found = ids(result);
    assert_eq!(total, Some(found.len() as u64));
    found
}

#[tokio::test]
async fn sessions_are_listed_as_activities_of_their_records() {
    let app = TestApp::demo().await;
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.activity.list",
            json!({"filter": {"ID": 530}}),
        )
        .await;
    assert_eq!(
        page(&answer).0,
        &json!([{
            "ID": "530",
            "OWNER_ID": "300",
            "OWNER_TYPE_ID": "2",
            "TYPE_ID": "6",
            "PROVIDER_ID": "IMOPENLINES_SESSION",
            "PROVIDER_TYPE_ID": "IMOPENLINES_SESSION",
            "ASSOCIATED_ENTITY_ID": "530",
            "SUBJECT": "Telegram: Maria (support)",
            "COMPLETED": "N",
            "RESPONSIBLE_ID": "3",
            "CREATED": "2026-03-18T09:00:00+00:00",
            "LAST_UPDATED": "2026-03-18T09:10:00+00:00",
        }])
    );
    let all = listed(&app, ADMIN_HOOK, json!({})).await;
    assert_eq!(all, vec![501, 510, 511, 520, 530, 540, 541, 550, 560]);
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.activity.list",
            json!({"filter": {"ID": 540}, "select": ["RESPONSIBLE_ID", "OWNER_ID", "NOPE"]}),
        )
        .await;
    assert_eq!(
        page(&answer).0,
        &json!([{"ID": "540", "OWNER_ID": "1400", "RESPONSIBLE_ID": null}])
    );
}

#[tokio::test]
async fn filters_on_owner_state_and_responsible() {
    let app = TestApp::demo().await;
    let cases = [
        (json!({"OWNER_TYPE_ID": 1}), vec![510, 511, 520, 540, 541]),
        (json!({"OWNER_TYPE_ID": 2, "OWNER_ID": 300}), vec![530, 550]),
        (
            json!({"OWNER_TYPE_ID": "4", "OWNER_ID": "3"}),
            vec![530, 541],
        ),
        // Both owner conditions hold for one binding: no lead 300 is bound anywhere.
        (json!({"OWNER_TYPE_ID": 1, "OWNER_ID": 300}), vec![]),
        (json!({"@OWNER_ID": [288, 301]}), vec![501, 560]),
        (json!({"COMPLETED": "Y"}), vec![510, 520]),
        (
            json!({"!COMPLETED": "Y", "RESPONSIBLE_ID": 3}),
            vec![530, 541],
        ),
        (json!({"RESPONSIBLE_ID": ""}), vec![540]),
        (json!({">ID": 530}), vec![540, 541, 550, 560]),
        (json!({"@ID": [501, "560"], "UNKNOWN": 1}), vec![501, 560]),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            listed(&app, ADMIN_HOOK, json!({"filter": filter.clone()})).await,
            expected,
            "{filter}"
        );
    }
    let by_responsible = listed(
        &app,
        ADMIN_HOOK,
        json!({"order": {"RESPONSIBLE_ID": "ASC", "ID": "DESC"}}),
    )
    .await;
    assert_eq!(
        by_responsible,
        vec![540, 560, 550, 511, 510, 501, 541, 530, 520]
    );
    app.call(ADMIN_HOOK, "crm.activity.list", json!({"filter": "x"}))
        .await
        .assert_error(
            400,
            json!({"error":"","error_description":"Parameter 'filter' must be array."}),
        );
}

/// Lena reads open deals (deal 300), her own leads (1300 has no chats), no contacts, and her
/// department's companies (none bound): she sees the two sessions of deal 300, in `batch` too.
#[tokio::test]
async fn a_limited_user_sees_sessions_of_records_she_may_read() {
    let app = TestApp::demo().await;
    assert_eq!(listed(&app, LIMITED_HOOK, json!({})).await, vec![530, 550]);
    assert_eq!(
        listed(&app, LIMITED_HOOK, json!({"filter": {"OWNER_TYPE_ID": 1}})).await,
        Vec::<i64>::new()
    );
    let answer = app
        .post_json(
            &format!("{LIMITED_HOOK}/batch"),
            json!({"cmd": {"a": "crm.activity.list?select[]=ID&start=-1"}}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(ids(&answer.json["result"]["result"]["a"]), vec![530, 550]);
    assert_eq!(answer.json["result"]["result_total"], json!({"a": 0}));
}

#[tokio::test]
async fn pages_of_fifty_and_the_fast_walk() {
    let extra: String = (1..=60)
        .map(|n| {
            json!({"type":"chat","id": 5000 + n,"connector_id":"livechat","status":20,
                   "crm":[{"entity_type":"deal","entity_id":288}]})
            .to_string()
                + "\n"
        })
        .collect();
    let app = TestApp::demo_with(&extra).await;
    let answer = app
        .call(ADMIN_HOOK, "crm.activity.list", json!({"select": ["ID"]}))
        .await;
    let (result, next, total) = page(&answer);
    assert_eq!(
        (result.as_array().unwrap().len(), next, total),
        (50, Some(50), Some(69))
    );
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.activity.list",
            json!({"select": ["ID"], "start": 50}),
        )
        .await;
    let (result, next, total) = page(&answer);
    assert_eq!(
        (result.as_array().unwrap().len(), next, total),
        (19, None, Some(69))
    );
    let mut seen = Vec::new();
    let mut last = 0;
    loop {
        let answer = app
            .call(
                ADMIN_HOOK,
                "crm.activity.list",
                json!({"order": {"ID": "ASC"}, "filter": {">ID": last}, "select": ["ID"], "start": -1}),
            )
            .await;
        let found = ids(page(&answer).0);
        seen.extend(found.iter().copied());
        match found.last() {
            Some(id) if found.len() == 50 => last = *id,
            _ => break,
        }
    }
    assert_eq!(seen.len(), 69);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique, seen);
}
