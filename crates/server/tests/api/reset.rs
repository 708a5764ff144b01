//! A clean slate between tests: `POST /_openlines/admin/reset` and `openlines reset` put the
//! data back to what `serve --demo`/`--fixture` loaded; `openlines snapshot NAME` and
//! `openlines restore NAME` do the same for a state saved by name. On both engines.

use crate::helpers::{TestApp, ADMIN_HOOK};
use crate::served::{run, text, BackendDb, Served, ADMIN_TOKEN};
use reqwest::Method;
use serde_json::json;
use sqlx::{Connection, Executor};

const HOOK_OPEN: &str = "/rest/1/demo0123456789ab/imopenlines.session.open";
const HOOK_DIALOG: &str = "/rest/1/demo0123456789ab/imopenlines.dialog.get";
const HOOK_LEAD_ADD: &str = "/rest/1/demo0123456789ab/crm.lead.add";
const HOOK_LEAD_GET: &str = "/rest/1/demo0123456789ab/crm.lead.get";

/// `openlines reset|snapshot|restore …` against `served`.
fn admin_command(served: &Served, args: &[&str]) -> std::process::Output {
    let url = served.url();
    let mut all = args.to_vec();
    all.extend(["--url", &url, "--admin-token", ADMIN_TOKEN]);
    run(&all)
}

#[tokio::test]
async fn reset_puts_the_demo_back_after_writes() {
    let db = BackendDb::new().await;
    let served = Served::start(&["--demo", "--db", &db.url]);
    let (status, opened) = served
        .post_form(HOOK_OPEN, "USER_CODE=livechat|1|visitor-1|client-1")
        .await;
    assert_eq!((status, &opened["result"]["chatId"]), (200, &json!("9853")));
    let (status, _) = served.post_form(HOOK_DIALOG, "CHAT_ID=9853").await;
    assert_eq!(status, 200);

    let reset = admin_command(&served, &["reset"]);
    assert_eq!(reset.status.code(), Some(0), "{:?}", text(&reset));

    let (status, gone) = served.post_form(HOOK_DIALOG, "CHAT_ID=9853").await;
    assert_eq!(status, 400, "{gone}");
    let (_, again) = served
        .post_form(HOOK_OPEN, "USER_CODE=livechat|1|visitor-1|client-1")
        .await;
    assert_eq!(
        again["result"]["chatId"],
        json!("9853"),
        "after a reset, new ids start where the demo's end"
    );
    let (status, body) = served.admin(Method::POST, "/_openlines/admin/reset").await;
    assert_eq!(
        (status, &body["restored"]),
        (200, &json!("start")),
        "{body}"
    );
    assert!(
        body["tables"].as_u64().unwrap() >= 15,
        "every data table: {body}"
    );
}

#[tokio::test]
async fn named_snapshots_restore_what_they_saved() {
    let db = BackendDb::new().await;
    let served = Served::start(&["--demo", "--db", &db.url]);
    let saved = admin_command(&served, &["snapshot", "before-lead"]);
    assert_eq!(saved.status.code(), Some(0), "{:?}", text(&saved));
    let (_, added) = served.post_form(HOOK_LEAD_ADD, "fields[TITLE]=New").await;
    let id = added["result"].as_i64().expect("a lead id");
    let (status, _) = served.post_form(HOOK_LEAD_GET, &format!("id={id}")).await;
    assert_eq!(status, 200);

    let restored = admin_command(&served, &["restore", "before-lead"]);
    assert_eq!(restored.status.code(), Some(0), "{:?}", text(&restored));
    let (status, _) = served.post_form(HOOK_LEAD_GET, &format!("id={id}")).await;
    assert_eq!(status, 400, "the lead made after the snapshot is gone");
    let (_, again) = served.post_form(HOOK_LEAD_ADD, "fields[TITLE]=Again").await;
    assert_eq!(
        again["result"],
        json!(id),
        "the id counters are back where the snapshot found them"
    );

    let (status, list) = served
        .admin(Method::GET, "/_openlines/admin/snapshots")
        .await;
    assert_eq!((status, list), (200, json!({"snapshots": ["before-lead"]})));
    let unknown = admin_command(&served, &["restore", "no-such"]);
    let (stderr, _) = text(&unknown);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr.contains("No snapshot"), "{stderr}");
    let (status, body) = served
        .admin(Method::POST, "/_openlines/admin/snapshots/a%2Fb")
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "ERROR_ARGUMENT");
    let (status, body) = served
        .admin(Method::DELETE, "/_openlines/admin/snapshots/before-lead")
        .await;
    assert_eq!((status, body), (200, json!({"removed": 1})));
}

#[tokio::test]
async fn reset_needs_the_admin_token_and_data_loaded_at_start() {
    let db = BackendDb::new().await;
    let plain = Served::start(&["--db", &db.url]);
    let (status, body) = plain.admin(Method::POST, "/_openlines/admin/reset").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "ERROR_ARGUMENT");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("--demo or --fixture"));

    let wrong = run(&[
        "reset",
        "--url",
        &plain.url(),
        "--admin-token",
        "not-the-token",
    ]);
    let (stderr, _) = text(&wrong);
    assert_eq!(wrong.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("refused the admin token") && stderr.contains("--admin-token"),
        "{stderr}"
    );
    let response = reqwest::Client::new()
        .post(format!("{}/_openlines/admin/reset", plain.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "INVALID_CREDENTIALS");
}

/// A restore empties every table the database has, found in its catalog: one added after
/// the snapshot (by a later migration, say) too.
#[tokio::test]
async fn a_restore_empties_tables_the_snapshot_never_saw() {
    let app = TestApp::demo().await;
    let snapshot = app.store.take_snapshot().await.unwrap();
    let before = app.store.table_counts().await.unwrap();
    let url = app.database_url();
    let statements = [
        "CREATE TABLE later_table (id BIGINT PRIMARY KEY, note TEXT)",
        "INSERT INTO later_table (id, note) VALUES (1, 'left over')",
        "DELETE FROM users WHERE id = 5",
    ];
    if url.starts_with("postgres") {
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        for sql in statements {
            connection.execute(sql).await.unwrap();
        }
    } else {
        let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        for sql in statements {
            connection.execute(sql).await.unwrap();
        }
    }
    app.store.restore_snapshot(&snapshot).await.unwrap();
    assert_eq!(
        app.store.table_counts().await.unwrap(),
        before,
        "every table as it was, the new one empty, user 5 back"
    );
    let chats = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288, "ACTIVE_ONLY": "N"}),
        )
        .await;
    assert_eq!(chats.status, 200, "{}", chats.text);
    assert_eq!(chats.json["result"][0]["CHAT_ID"], "9852");
}
