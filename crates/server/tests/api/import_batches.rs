//! `openlines import` sends rows many at a time (`storage::import_rows`). These tests run the
//! real binary on the suite's backend (SQLite, or PostgreSQL in the PostgreSQL run) with files
//! larger than one statement's worth of rows, and prove that batching changes nothing a user
//! can see: a later line for the same record wins, a value a line leaves out keeps the stored
//! one, and a row the database refuses is reported with its line while nothing is stored.

use crate::helpers::{openlines, quiet_settings, stderr, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::Output;

const HOOK: &str = "/rest/1/batch0123456789ab";
const DEALS: i64 = 2_500;

/// Writes `lines` to a file and imports it into the app's database.
fn import(app: &TestApp, dir: &tempfile::TempDir, lines: &[String]) -> Output {
    crate::helpers::import_text(app, dir, &(lines.join("\n") + "\n"))
}

/// `openlines export` of the app's database, one JSON value per record.
fn export(app: &TestApp) -> Vec<Value> {
    let output = openlines(&["export", "--db", &app.database_url()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn find<'a>(records: &'a [Value], kind: &str, id: Value) -> &'a Value {
    records
        .iter()
        .find(|record| record["type"] == kind && record["id"] == id)
        .unwrap_or_else(|| panic!("no {kind} {id} in the export"))
}

/// The fixture: more deals and chats than one statement carries on either engine, with
/// records repeated both right after their first line (still waiting to be sent) and far
/// from it (long since sent).
fn repeated_records() -> Vec<String> {
    let mut lines = vec![
        json!({"type":"user","id":1,"name":"Admin","admin":true}).to_string(),
        json!({"type":"webhook","user_id":1,"code":"batch0123456789ab","scopes":["imopenlines","crm"]})
            .to_string(),
        json!({"type":"connector","id":"telegrambot","title":"Old title"}).to_string(),
    ];
    for id in 1..=DEALS {
        lines.push(json!({"type":"deal","id":id,"title":format!("Deal {id}")}).to_string());
    }
    lines.push(json!({"type":"deal","id":DEALS - 1,"title":"Near, renamed"}).to_string());
    for id in 1..=DEALS {
        lines.push(
            json!({"type":"chat","id":id,"connector_id":"livechat","status":20,
                   "crm":[{"entity_type":"deal","entity_id":id}]})
            .to_string(),
        );
    }
    let moved = [
        json!({"type":"chat","id":DEALS,"connector_id":"livechat","status":20,
               "crm":[{"entity_type":"deal","entity_id":1}]}),
        json!({"type":"deal","id":5,"title":"Far, renamed"}),
        json!({"type":"chat","id":7,"connector_id":"livechat","status":20,
               "crm":[{"entity_type":"deal","entity_id":8}]}),
        // Only the active flag: the title stays.
        json!({"type":"connector","id":"telegrambot","active":false}),
        json!({"type":"session","id":9001,"chat_id":3,"status":20,
               "created_at":"2026-01-01T00:00:00Z","modified_at":"2026-01-02T00:00:00Z",
               "crm":[{"entity_type":"deal","entity_id":3}]}),
        json!({"type":"message","id":1,"chat_id":3,"author_id":1,"text":"first",
               "created_at":"2026-01-01T00:05:00Z"}),
        // No times and no crm: the stored times and the staged bindings stay.
        json!({"type":"session","id":9001,"chat_id":3,"status":60}),
        json!({"type":"message","id":1,"chat_id":3,"author_id":1,"text":"edited"}),
    ];
    lines.extend(moved.iter().map(Value::to_string));
    lines
}

#[tokio::test]
async fn large_files_load_in_batches_and_the_last_line_for_a_record_wins() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let lines = repeated_records();
    let output = import(&app, &dir, &lines);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("imported {0} records from {0} lines", lines.len())),
        "{}",
        stderr(&output)
    );

    let records = export(&app);
    let deals = records.iter().filter(|r| r["type"] == "deal").count();
    assert_eq!(deals, DEALS as usize);
    assert_eq!(find(&records, "deal", json!(5))["title"], "Far, renamed");
    assert_eq!(
        find(&records, "deal", json!(DEALS - 1))["title"],
        "Near, renamed"
    );
    let connector = find(&records, "connector", json!("telegrambot"));
    assert_eq!(
        (&connector["title"], &connector["active"]),
        (&json!("Old title"), &json!(false))
    );
    let session = find(&records, "session", json!(9001));
    assert_eq!(
        session,
        &json!({"type":"session","id":9001,"chat_id":3,"status":60,
                "created_at":"2026-01-01T00:00:00Z","modified_at":"2026-01-02T00:00:00Z",
                "crm":[{"entity_type":"deal","entity_id":3}]})
    );
    let message = find(&records, "message", json!(1));
    assert_eq!(
        (&message["text"], &message["created_at"]),
        (&json!("edited"), &json!("2026-01-01T00:05:00Z"))
    );
    let shorthand_sessions = records
        .iter()
        .filter(|r| r["type"] == "session" && r["id"] != 9001)
        .count();
    assert_eq!(shorthand_sessions, DEALS as usize);

    // Over the wire: chat 7 left deal 7 for deal 8, and chat 2500 moved to deal 1.
    let chats_of = |deal: i64| {
        let app = &app;
        async move {
            let answer = app
                .post_json(
                    &format!("{HOOK}/imopenlines.crm.chat.get"),
                    json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":deal,"ACTIVE_ONLY":"N"}),
                )
                .await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            answer
                .result()
                .as_array()
                .unwrap()
                .iter()
                .map(|chat| chat["CHAT_ID"].as_str().unwrap().to_owned())
                .collect::<BTreeSet<String>>()
        }
    };
    assert_eq!(chats_of(7).await, BTreeSet::new());
    assert_eq!(chats_of(8).await, BTreeSet::from(["7".into(), "8".into()]));
    assert_eq!(
        chats_of(1).await,
        BTreeSet::from(["1".into(), "2500".into()])
    );
    assert_eq!(chats_of(DEALS).await, BTreeSet::new());
    assert_eq!(chats_of(1234).await, BTreeSet::from(["1234".into()]));

    // Importing the same file again changes nothing but the import's own clock.
    let again = import(&app, &dir, &lines);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(export(&app).len(), records.len());
}

#[tokio::test]
async fn a_row_the_database_refuses_is_reported_on_its_lines_and_nothing_is_stored() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let before = export(&app);
    // Two tokens with one refresh token: the unique index refuses the second.
    let token = |access: &str| {
        json!({"type":"token","user_id":1,"access_token":access,"refresh_token":"shared-refresh",
               "scopes":["crm"]})
        .to_string()
    };
    let mut lines = vec![
        json!({"type":"user","id":1,"name":"Admin","admin":true}).to_string(),
        token("access-one"),
        token("access-two"),
        json!({"type":"deal","id":1,"title":"Deal 1"}).to_string(),
    ];

    // Found when the import ends.
    let output = import(&app, &dir, &lines);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains(".jsonl:2: could not be stored:")
            && text.contains("(lines 2 to 3 were written together; one of them was refused)"),
        "{text}"
    );
    assert!(text.contains("nothing was imported"), "{text}");
    assert_eq!(export(&app), before);

    // Found at the first bad line, and reported beside it in line order.
    lines.push("{not json".to_owned());
    let output = import(&app, &dir, &lines);
    assert!(!output.status.success());
    let text = stderr(&output);
    let refused = text.find(".jsonl:2: could not be stored:").expect(&text);
    let broken = text.find(".jsonl:5: not valid JSON").expect(&text);
    assert!(refused < broken, "{text}");
    assert_eq!(export(&app), before);

    // Found when a full statement goes out mid-file (more tokens than one statement holds
    // on either engine); the bad line after it is the only other error.
    let mut bulk = lines[..3].to_vec();
    bulk.extend(tokens("bulk", 1_100));
    bulk.push("{not json".to_owned());
    let reported = refused_import(&app, &dir, &bulk);
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported[0].contains(".jsonl:2: could not be stored:"));
    assert!(reported[1].contains(".jsonl:1104: not valid JSON"));
    assert_eq!(export(&app), before);

    // Found while many later statements wait behind it in the writer's queue
    // (`storage::import_pipe`): still reported on its own lines, and nothing queued after it
    // is stored.
    let mut queued = lines[..3].to_vec();
    queued.extend(tokens("queued", 12_000));
    let reported = refused_import(&app, &dir, &queued);
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(reported[0].contains(".jsonl:2: could not be stored:"));
    assert_eq!(export(&app), before);
}

/// `count` token lines of user 1 with access tokens `<prefix>-<n>`.
fn tokens(prefix: &str, count: usize) -> impl Iterator<Item = String> + '_ {
    (0..count).map(move |n| {
        json!({"type":"token","user_id":1,"access_token":format!("{prefix}-{n}"),"scopes":["crm"]})
            .to_string()
    })
}

/// Imports `lines`, which must fail, and returns the lines of the report that point at a line
/// of the file.
fn refused_import(app: &TestApp, dir: &tempfile::TempDir, lines: &[String]) -> Vec<String> {
    let output = import(app, dir, lines);
    assert!(!output.status.success());
    stderr(&output)
        .lines()
        .filter(|line| line.contains(".jsonl:"))
        .map(str::to_owned)
        .collect()
}

/// Text that PostgreSQL's `COPY` format escapes (tab, newline, carriage return, backslash,
/// a literal `\N`) and text beyond ASCII, written by a first load (which sends new chats and
/// records by `COPY` on PostgreSQL, `storage::import_copy`), comes back from the export as
/// it went in; so does a record given twice, whose second line is an upsert.
#[tokio::test]
async fn a_first_load_keeps_every_character_of_its_text() {
    let app = TestApp::with_settings(quiet_settings(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let awkward = "tab\there, new\nline, cr\rhere, back\\slash, \\N, \\t, Zoë 漢字 🙂";
    let lines = [
        json!({"type":"user","id":1,"name":"Admin","admin":true}),
        json!({"type":"deal","id":1,"title":awkward}),
        json!({"type":"deal","id":2,"title":"first"}),
        json!({"type":"deal","id":2,"title":awkward}),
        json!({"type":"chat","id":10,"connector_id":"livechat","title":awkward,
               "external_chat_id":"a\tb","external_user_id":"\\",
               "status":20,"crm":[{"entity_type":"deal","entity_id":1}]}),
        json!({"type":"chat","id":11,"connector_id":"livechat","title":"first","status":20}),
        json!({"type":"chat","id":11,"connector_id":"livechat","title":awkward,"status":20}),
    ]
    .map(|line| line.to_string());
    let output = import(&app, &dir, &lines);
    assert!(output.status.success(), "{}", stderr(&output));

    let records = export(&app);
    for (kind, id) in [("deal", 1), ("deal", 2), ("chat", 10), ("chat", 11)] {
        assert_eq!(
            find(&records, kind, json!(id))["title"],
            awkward,
            "{kind} {id}"
        );
    }
    let chat = find(&records, "chat", json!(10));
    assert_eq!(
        (&chat["external_chat_id"], &chat["external_user_id"]),
        (&json!("a\tb"), &json!("\\"))
    );
}
