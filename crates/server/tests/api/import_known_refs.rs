//! The importer skips staging a record's line number when the connector, line or user it
//! refers to is already known as the line arrives (`storage/import_known.rs`). These tests run
//! the real binary on the suite's backend and check that the outcome is still decided by the
//! last line of each record: an earlier good line does not hide a later bad one, an earlier
//! bad one is repaired by a later good one, and references to records further down the file
//! still resolve.

use crate::helpers::{import_ok, import_text, quiet_settings, stderr, TestApp};
use serde_json::json;

const HOOK: &str = "/rest/1/known0123456789ab";

/// The reported lines, without the file name.
fn reported(output: &std::process::Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter_map(|line| {
            line.split_once("import.jsonl:")
                .map(|(_, rest)| rest.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_later_line_that_breaks_a_known_reference_is_reported() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = r#"{"type":"user","id":1,"admin":true}
{"type":"deal","id":1,"title":"A","assigned_by_id":1}
{"type":"chat","id":5,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":5,"connector_id":"nosuchconnector","status":20,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"deal","id":1,"title":"A","assigned_by_id":404}
{"type":"chat","id":6,"connector_id":"livechat","line_id":7}
{"type":"chat","id":8,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"chat","id":8,"connector_id":"livechat","status":20,"crm":[{"entity_type":"deal","entity_id":999}]}
"#;
    let output = import_text(&app, &dir, file);
    assert!(!output.status.success());
    assert_eq!(
        reported(&output),
        [
            "4: chat 5 uses connector nosuchconnector, which does not exist (add a connector record)",
            "5: deal 1 is assigned to user 404, who does not exist",
            "6: chat 6 belongs to line 7, which does not exist",
            "8: binding to deal 999, which does not exist",
        ],
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn references_further_down_and_repaired_by_a_later_line_load() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = r#"{"type":"chat","id":5,"connector_id":"mybot","line_id":3,"status":20,"crm":[{"entity_type":"deal","entity_id":999}]}
{"type":"deal","id":1,"title":"A","assigned_by_id":404}
{"type":"chat","id":5,"connector_id":"mybot","line_id":3,"status":20,"crm":[{"entity_type":"deal","entity_id":1}]}
{"type":"deal","id":1,"title":"A","assigned_by_id":2}
{"type":"connector","id":"mybot","title":"My bot"}
{"type":"line","id":3}
{"type":"user","id":2}
{"type":"user","id":1,"admin":true}
{"type":"webhook","user_id":1,"code":"known0123456789ab","scopes":["imopenlines","crm"]}
"#;
    import_ok(&app, &dir, file);
    let answer = app
        .call(
            HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 1, "ACTIVE_ONLY": "N"}),
        )
        .await;
    assert_eq!(
        answer.result(),
        &json!([{"CHAT_ID": "5", "CONNECTOR_ID": "mybot", "CONNECTOR_TITLE": "My bot"}])
    );
}
