//! Lists show a limited user exactly the records `.get` lets her read, directly and in
//! `batch`. Lena (user 5, Marketing) reads leads `own`, deals `open`, contacts `none` and
//! companies `department`.

use crate::crm_list::{ids, page};
use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

/// Colleagues of Lena's department (6) and of a department below it (7), and records of
/// each kind of ownership.
const WORLD: &str = r#"{"type":"department","id":4,"name":"Marketing EU","parent_id":3}
{"type":"user","id":6,"name":"Mark","last_name":"Marketing","department_id":3}
{"type":"user","id":7,"name":"Eva","last_name":"Europe","department_id":4}
{"type":"company","id":20,"title":"Colleague's company","assigned_by_id":6}
{"type":"company","id":21,"title":"Sub-department's company","assigned_by_id":7}
{"type":"company","id":22,"title":"Lena's company","assigned_by_id":5}
{"type":"company","id":23,"title":"Nobody's company","opened":true}
{"type":"deal","id":40,"title":"Lena's deal","assigned_by_id":5}
{"type":"deal","id":41,"title":"Open deal below","assigned_by_id":7,"opened":true}
{"type":"deal","id":42,"title":"Colleague's deal","assigned_by_id":6}
{"type":"deal","id":43,"title":"Deal below","assigned_by_id":7}
{"type":"deal","id":44,"title":"Support's deal","assigned_by_id":3}
{"type":"lead","id":50,"title":"Colleague's lead","assigned_by_id":6}
"#;

async fn all_ids(app: &TestApp, hook: &str, kind: &str) -> Vec<i64> {
    let answer = app
        .call(hook, &format!("crm.{kind}.list"), json!({"select": ["ID"]}))
        .await;
    let (result, next, total) = page(&answer);
    assert_eq!(next, None);
    assert_eq!(total, Some(result.as_array().unwrap().len() as u64));
    ids(result)
}

/// The ids among `candidates` that Lena's `.get` answers.
async fn readable_by_get(app: &TestApp, kind: &str, candidates: &[i64]) -> Vec<i64> {
    let mut readable = Vec::new();
    for id in candidates {
        let answer = app
            .call(LIMITED_HOOK, &format!("crm.{kind}.get"), json!({"id": id}))
            .await;
        match answer.status {
            200 => readable.push(*id),
            _ => answer.assert_error(
                400,
                json!({"error":"","error_description":"Access denied."}),
            ),
        }
    }
    readable
}

#[tokio::test]
async fn a_limited_user_lists_exactly_what_get_lets_her_read() {
    let app = TestApp::demo_with(WORLD).await;
    let expected = [
        ("lead", vec![1300]),
        ("deal", vec![40, 41, 42, 43, 300]),
        ("company", vec![20, 22]),
    ];
    for (kind, mine) in expected {
        let everything = all_ids(&app, ADMIN_HOOK, kind).await;
        let by_get = readable_by_get(&app, kind, &everything).await;
        let listed = all_ids(&app, LIMITED_HOOK, kind).await;
        assert_eq!(listed, by_get, "{kind}");
        assert_eq!(listed, mine, "{kind}");
    }
    app.call(LIMITED_HOOK, "crm.contact.list", json!({}))
        .await
        .assert_error(
            400,
            json!({"error":"","error_description":"Access denied."}),
        );
}

/// Filters narrow what she may read; they never widen it.
#[tokio::test]
async fn filters_apply_within_her_rights() {
    let app = TestApp::demo_with(WORLD).await;
    let answer = app
        .call(
            LIMITED_HOOK,
            "crm.deal.list",
            json!({"filter": {"@ASSIGNED_BY_ID": [3, 7]}, "select": ["ID"]}),
        )
        .await;
    assert_eq!(ids(page(&answer).0), vec![41, 43]);
    let answer = app
        .call(
            LIMITED_HOOK,
            "crm.company.list",
            json!({"filter": {"OPENED": "Y"}}),
        )
        .await;
    assert_eq!(page(&answer), (&json!([]), None, Some(0)));
}

#[tokio::test]
async fn lists_inside_batch_keep_her_rights() {
    let app = TestApp::demo_with(WORLD).await;
    let answer = app
        .post_json(
            &format!("{LIMITED_HOOK}/batch"),
            json!({"halt": 0, "cmd": {
                "deals": "crm.deal.list?select[]=ID&order[ID]=DESC",
                "companies": "crm.company.list?select[]=ID&start=-1",
                "contacts": "crm.contact.list",
                "items": "crm.item.list?entityTypeId=1&select[]=id",
            }}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let result = &answer.json["result"];
    assert_eq!(ids(&result["result"]["deals"]), vec![300, 43, 42, 41, 40]);
    assert_eq!(ids(&result["result"]["companies"]), vec![20, 22]);
    assert_eq!(result["result"]["items"], json!({"items": [{"id": 1300}]}));
    assert_eq!(
        result["result_error"]["contacts"],
        json!({"error":"","error_description":"Access denied."})
    );
    assert_eq!(
        result["result_total"],
        json!({"deals": 5, "companies": 0, "items": 1})
    );
    let next: &Value = &result["result_next"];
    assert_eq!(next, &json!([]));
}
