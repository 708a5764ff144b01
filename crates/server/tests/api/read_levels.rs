//! The department read levels over a deeper tree than the demo's: a record owned two levels
//! below the reader counts for `subdepartments` and `open` but not for `department`; a record
//! owned above or beside the reader never does. chat.get answers `[]` for a readable record
//! without chats, and `403 ACCESS_DENIED` otherwise.

use crate::helpers::{TestApp, ADMIN_HOOK};
use serde_json::json;

/// Departments 10 → 11 → 12 and a sibling 13; Vera (user 20) heads 10, the owners sit in each.
const TREE: &str = r#"{"type":"department","id":10,"name":"Head office"}
{"type":"department","id":11,"name":"Region","parent_id":10}
{"type":"department","id":12,"name":"Branch","parent_id":11}
{"type":"department","id":13,"name":"Elsewhere"}
{"type":"user","id":20,"name":"Vera","department_id":11}
{"type":"user","id":21,"name":"Boss","department_id":10}
{"type":"user","id":22,"name":"Colleague","department_id":11}
{"type":"user","id":23,"name":"Branch clerk","department_id":12}
{"type":"user","id":24,"name":"Stranger","department_id":13}
{"type":"webhook","user_id":20,"code":"vera0123456789abc","scopes":["imopenlines","crm"]}
{"type":"lead","id":7001,"title":"above","assigned_by_id":21}
{"type":"lead","id":7002,"title":"same department","assigned_by_id":22}
{"type":"lead","id":7003,"title":"below","assigned_by_id":23}
{"type":"lead","id":7004,"title":"beside","assigned_by_id":24}
{"type":"lead","id":7005,"title":"beside but open","assigned_by_id":24,"opened":true}
{"type":"lead","id":7006,"title":"her own","assigned_by_id":20}"#;

const VERA: &str = "/rest/20/vera0123456789abc";

/// Which of leads 7001..=7006 Vera may read at `level`.
async fn readable_at(level: &str) -> Vec<bool> {
    let grant =
        format!(r#"{{"type":"permission","user_id":20,"entity_type":"lead","read":"{level}"}}"#);
    let app = TestApp::demo_with(&format!("{TREE}\n{grant}")).await;
    let mut readable = Vec::new();
    for lead in 7001..=7006 {
        let body = json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":lead,"ACTIVE_ONLY":"N"});
        let answer = app
            .call(VERA, "imopenlines.crm.chat.get", body.clone())
            .await;
        match answer.status {
            200 => assert_eq!(answer.result(), &json!([]), "lead {lead} at {level}"),
            _ => answer.assert_error(
                403,
                json!({"error":"ACCESS_DENIED","error_description":"Access denied! You don't have access to this action"}),
            ),
        }
        readable.push(answer.status == 200);
        // The admin reads every one of them.
        let admin = app.call(ADMIN_HOOK, "imopenlines.crm.chat.get", body).await;
        assert_eq!(admin.status, 200, "admin on lead {lead}");
    }
    readable
}

#[tokio::test]
async fn each_level_reads_its_part_of_the_tree() {
    //                                 above  same   below  beside open   own
    let table = [
        ("none", [false, false, false, false, false, false]),
        ("own", [false, false, false, false, false, true]),
        ("department", [false, true, false, false, false, true]),
        ("subdepartments", [false, true, true, false, false, true]),
        ("open", [false, true, true, false, true, true]),
        ("all", [true, true, true, true, true, true]),
    ];
    for (level, expected) in table {
        assert_eq!(readable_at(level).await, expected, "read level {level}");
    }
}
