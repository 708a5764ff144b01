//! Handlers that do not come from `event.bind`: outgoing webhooks made with
//! `openlines webhook outgoing …`, and what `openlines app remove` tells an application's
//! `ONAPPUNINSTALL` handler. Runs the real binary on the test server's database, then
//! flushes and looks at what the handler received over HTTP.

use crate::events::{app, bind, flush, with_token, Receiver, APP_TOKEN, CLIENT};
use crate::helpers::{openlines, stderr, TestApp, ADMIN_HOOK};
use serde_json::json;
use std::collections::BTreeSet;

/// Runs `openlines ARGS --db <the app's database>`; panics unless it succeeds; its stdout.
fn cli_ok(app: &TestApp, args: &[&str]) -> String {
    let db = app.database_url();
    let mut all = args.to_vec();
    all.extend(["--db", &db]);
    let output = openlines(&all, None);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs it expecting a failure; its stderr.
fn cli_err(app: &TestApp, args: &[&str]) -> String {
    let db = app.database_url();
    let mut all = args.to_vec();
    all.extend(["--db", &db]);
    let output = openlines(&all, None);
    assert!(!output.status.success(), "{args:?} succeeded");
    stderr(&output)
}

async fn add_deal(app: &TestApp, title: &str) -> String {
    let answer = app
        .call(
            ADMIN_HOOK,
            "crm.deal.add",
            json!({"fields": {"TITLE": title}}),
        )
        .await;
    answer.result().to_string()
}

#[tokio::test]
async fn an_outgoing_webhook_hears_its_events_with_its_token_and_no_access_token() {
    let app = app().await;
    let handler = Receiver::start(0).await;
    let printed = cli_ok(
        &app,
        &[
            "webhook",
            "outgoing",
            "add",
            "--handler",
            &handler.url,
            "--event",
            "onCrmDealAdd,ONCRMDEALUPDATE",
        ],
    );
    let token = printed.trim().to_owned();
    assert_eq!(token.len(), 64, "{printed}");
    let deal = add_deal(&app, "outgoing").await;
    // A lead is not one of its events.
    app.call(
        ADMIN_HOOK,
        "crm.lead.add",
        json!({"fields": {"TITLE": "x"}}),
    )
    .await
    .result();
    flush(&app).await;
    let deliveries = handler.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let delivery = &deliveries[0];
    let keys: BTreeSet<&str> = delivery.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "event",
            "event_handler_id",
            "data[FIELDS][ID]",
            "ts",
            "auth[domain]",
            "auth[client_endpoint]",
            "auth[server_endpoint]",
            "auth[member_id]",
            "auth[application_token]",
        ])
    );
    assert_eq!(delivery["event"], "ONCRMDEALADD");
    assert_eq!(delivery["data[FIELDS][ID]"], deal.trim_matches('"'));
    assert_eq!(delivery["auth[application_token]"], token);
    assert_eq!(delivery["auth[domain]"], app.address.to_string());
    assert_eq!(
        delivery["auth[client_endpoint]"],
        format!("http://{}/rest/", app.address)
    );

    let listed = cli_ok(&app, &["webhook", "outgoing", "list"]);
    let row = listed.lines().nth(1).expect("one webhook listed");
    assert!(
        row.contains(&handler.url) && row.contains("ONCRMDEALADD,ONCRMDEALUPDATE"),
        "{listed}"
    );
    assert!(!listed.contains(&token), "the token is shown once only");
    let id = row.split_whitespace().next().unwrap().to_owned();

    cli_ok(&app, &["webhook", "outgoing", "delete", &id]);
    add_deal(&app, "after delete").await;
    flush(&app).await;
    assert_eq!(handler.deliveries().len(), 1, "nothing after delete");
    let again = cli_err(&app, &["webhook", "outgoing", "delete", &id]);
    assert!(
        again.contains(&format!("there is no outgoing webhook {id}")),
        "{again}"
    );
    let listed = cli_ok(&app, &["webhook", "outgoing", "list"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[tokio::test]
async fn outgoing_webhook_add_refuses_what_cannot_work() {
    let app = TestApp::demo().await;
    let refused = [
        (
            vec!["--handler", "ftp://x/", "--event", "ONCRMDEALADD"],
            "--handler must be an http:// or https:// URL",
        ),
        (
            vec!["--handler", "http://x/", "--event", "ONNOTHING"],
            "unknown event \"ONNOTHING\"",
        ),
        (
            vec!["--handler", "http://x/", "--event", "ONAPPINSTALL"],
            "ONAPPINSTALL concerns applications",
        ),
        (
            vec![
                "--handler",
                "http://x/",
                "--event",
                "ONCRMDEALADD",
                "--user",
                "999",
            ],
            "there is no user 999",
        ),
    ];
    for (args, message) in refused {
        let mut all = vec!["webhook", "outgoing", "add"];
        all.extend(args);
        let error = cli_err(&app, &all);
        assert!(error.contains(message), "{all:?}: {error}");
    }
    let listed = cli_ok(&app, &["webhook", "outgoing", "list"]);
    assert_eq!(listed.lines().count(), 1, "nothing was made: {listed}");
}

#[tokio::test]
async fn app_remove_delivers_onappuninstall_then_the_application_is_gone() {
    let app = app().await;
    let uninstall = Receiver::start(0).await;
    let deals = Receiver::start(0).await;
    bind(&app, "ONAPPUNINSTALL", &uninstall.url).await;
    bind(&app, "ONCRMDEALADD", &deals.url).await;
    with_token(
        &app,
        APP_TOKEN,
        "app.option.set",
        json!({"options": {"kept": "no"}}),
    )
    .await
    .result();
    add_deal(&app, "before").await;
    flush(&app).await;
    let application_token = deals.deliveries()[0]["auth[application_token]"].clone();

    // Raised but not yet delivered when the application goes: dropped with it.
    add_deal(&app, "undelivered").await;
    cli_ok(&app, &["app", "remove", "--client-id", CLIENT, "--clean"]);
    with_token(&app, APP_TOKEN, "profile", json!({}))
        .await
        .assert_error(
            401,
            json!({"error":"invalid_token","error_description":"Unable to get application by token"}),
        );
    add_deal(&app, "after").await;
    flush(&app).await;

    assert_eq!(deals.deliveries().len(), 1, "{:?}", deals.deliveries());
    let deliveries = uninstall.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let delivery = &deliveries[0];
    assert_eq!(delivery["event"], "ONAPPUNINSTALL");
    assert_eq!(delivery["data[LANGUAGE_ID]"], "en");
    assert_eq!(delivery["data[CLEAN]"], "1");
    assert_eq!(delivery["auth[application_token]"], application_token);
    assert!(!delivery.contains_key("auth[access_token]"), "{delivery:?}");
    assert!(
        !delivery.contains_key("auth[refresh_token]"),
        "{delivery:?}"
    );
    // Once delivered, nothing of the application's events is left.
    assert!(app
        .store
        .event_handlers(CLIENT, None)
        .await
        .unwrap()
        .is_empty());
    let fresh = app.store.application_token(CLIENT, "new").await.unwrap();
    assert_eq!(fresh, "new", "the old application_token was forgotten");

    let again = cli_err(&app, &["app", "remove", "--client-id", CLIENT]);
    assert!(
        again.contains(&format!("there is no application {CLIENT}")),
        "{again}"
    );
}

#[tokio::test]
async fn app_remove_without_clean_says_clean_0_and_without_a_handler_just_removes() {
    let app = app().await;
    let uninstall = Receiver::start(0).await;
    bind(&app, "ONAPPUNINSTALL", &uninstall.url).await;
    cli_ok(&app, &["app", "remove", "--client-id", CLIENT]);
    flush(&app).await;
    assert_eq!(uninstall.deliveries()[0]["data[CLEAN]"], "0");

    let other = TestApp::demo().await;
    cli_ok(&other, &["app", "remove", "--client-id", CLIENT]);
    flush_quietly(&other).await;
    with_token(&other, APP_TOKEN, "profile", json!({}))
        .await
        .assert_error(
            401,
            json!({"error":"invalid_token","error_description":"Unable to get application by token"}),
        );
}

/// The demo server has no admin token: nothing to flush, nothing pending.
async fn flush_quietly(app: &TestApp) {
    assert_eq!(app.store.pending_deliveries().await.unwrap().0, 0);
}
