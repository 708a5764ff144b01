//! Credentials live in the database, so a change through one instance (or the command line)
//! holds on every instance at once: nothing is cached per process.

use crate::support::{add_webhook, Shared};
use serde_json::json;

/// `key=value` lines of `openlines app add`.
fn field<'a>(output: &'a str, key: &str) -> &'a str {
    output
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key} in {output}"))
}

#[tokio::test]
async fn a_token_refreshed_through_one_instance_works_on_the_other_and_the_old_refresh_fails_there()
{
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let added = shared.cli(&["app", "add", "--name", "Two instances", "--user", "1"]);
    let printed = String::from_utf8_lossy(&added.stdout).into_owned();
    let (client, secret, refresh) = (
        field(&printed, "client_id"),
        field(&printed, "client_secret"),
        field(&printed, "refresh_token"),
    );
    let first = shared.start("first", &["--no-rate-limit"]).await;
    let second = shared.start("second", &["--no-rate-limit"]).await;
    let refresh_on = |refresh: &str| {
        format!("/oauth/token/?grant_type=refresh_token&client_id={client}&client_secret={secret}&refresh_token={refresh}")
    };

    let refreshed = first.get(&refresh_on(refresh)).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let access = refreshed.json["access_token"].as_str().unwrap();
    let profile = second.call("/rest/profile", json!({"auth": access})).await;
    assert_eq!(profile.result()["ID"], json!("1"), "{}", profile.text);

    let spent = second.get(&refresh_on(refresh)).await;
    assert_eq!(
        spent.json,
        json!({"error":"invalid_grant","error_description":"Invalid refresh token"})
    );
    assert_eq!(spent.status, 400);
}

#[tokio::test]
async fn a_webhook_revoked_from_the_command_line_is_refused_by_every_instance_at_once() {
    let Some(shared) = Shared::demo().await else {
        return;
    };
    let first = shared.start("first", &["--no-rate-limit"]).await;
    let second = shared.start("second", &["--no-rate-limit"]).await;
    let (path, id) = add_webhook(&shared.db);
    let call = format!("{path}server.time");
    for instance in [&first, &second] {
        assert_eq!(instance.call(&call, json!({})).await.status, 200);
    }

    shared.cli(&["webhook", "revoke", &id]);
    for instance in [&first, &second] {
        let refused = instance.call(&call, json!({})).await;
        assert_eq!(refused.status, 401, "{}", refused.text);
        assert_eq!(refused.error(), "INVALID_CREDENTIALS");
    }
}
