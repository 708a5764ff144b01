//! Spec §12 group C: `imopenlines.crm.chat.get` parameters, permissions, activity, bindings,
//! and the method page's own example.

use crate::helpers::{chat, Answer, TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

async fn chat_get(app: &TestApp, hook: &str, body: Value) -> Answer {
    app.post_json(&format!("{hook}/imopenlines.crm.chat.get"), body)
        .await
}

fn argument_error(description: &str, argument: &str) -> Value {
    json!({"error":"ERROR_ARGUMENT","error_description":description,"argument":argument})
}

fn denied() -> Value {
    json!({"error":"ACCESS_DENIED","error_description":"Access denied! You don't have access to this action"})
}

#[tokio::test]
async fn method_page_example_webhook_oauth_and_form() {
    let app = TestApp::demo().await;
    let expected = json!([chat("9852", "livechat", "Live Chat")]);
    let hook = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":"N"}),
    )
    .await;
    assert_eq!(hook.result(), &expected);
    let oauth = app
        .post_json(
            "/rest/imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":"N","auth":"demo-access-token"}),
        )
        .await;
    assert_eq!(oauth.result(), &expected);
    // BX24.callMethod and CRest post a form body, CRest with `auth` among the fields.
    let form = app
        .post_form(
            "/rest/imopenlines.crm.chat.get",
            "CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N&auth=demo-access-token",
        )
        .await;
    assert_eq!(form.result(), &expected);
}

#[tokio::test]
async fn cases_31_to_36_argument_errors_in_order() {
    let app = TestApp::demo().await;
    let type_empty = argument_error(
        "Argument 'CRM_ENTITY_TYPE' is null or empty",
        "CRM_ENTITY_TYPE",
    );
    let id_empty = argument_error("Argument 'CRM_ENTITY' is null or empty", "CRM_ENTITY");
    let id_type = argument_error(
        "The value of an argument 'CRM_ENTITY' has an invalid type",
        "CRM_ENTITY",
    );
    let cases = [
        (json!({}), &type_empty),
        (json!({"CRM_ENTITY_TYPE":"lead"}), &id_empty),
        (json!({"CRM_ENTITY":1205}), &type_empty),
        (json!({"CRM_ENTITY_TYPE":"","CRM_ENTITY":1205}), &type_empty),
        (
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":"abc"}),
            &id_type,
        ),
        (json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":-3}), &id_type),
        (
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":true}),
            &id_type,
        ),
        (json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":0}), &id_empty),
        (
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":"0"}),
            &id_empty,
        ),
        (
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":false}),
            &id_empty,
        ),
        (
            json!({"crm_entity_type":"lead","crm_entity":1205}),
            &type_empty,
        ),
        // The type is only checked for emptiness before the id.
        (json!({"CRM_ENTITY_TYPE":"foo","CRM_ENTITY":"x"}), &id_type),
    ];
    for (body, expected) in cases {
        let answer = chat_get(&app, ADMIN_HOOK, body.clone()).await;
        answer.assert_error(400, expected.clone());
    }
}

#[tokio::test]
async fn cases_37_38_numeric_strings_and_type_case() {
    let app = TestApp::demo().await;
    let expected = json!([chat("1763", "livechat", "Live Chat")]);
    for body in [
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":"1205"}),
        json!({"CRM_ENTITY_TYPE":"LEAD","CRM_ENTITY":1205}),
        json!({"CRM_ENTITY_TYPE":"Lead","CRM_ENTITY":"1205.7"}),
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":" 1205"}),
    ] {
        assert_eq!(chat_get(&app, ADMIN_HOOK, body).await.result(), &expected);
    }
}

#[tokio::test]
async fn cases_40_41_only_exact_n_lists_closed_chats() {
    let app = TestApp::demo().await;
    let active = json!([chat("1763", "livechat", "Live Chat")]);
    for flag in [
        json!("Y"),
        json!("n"),
        json!("false"),
        json!(false),
        json!(0),
        json!("no"),
        json!(null),
    ] {
        let answer = chat_get(
            &app,
            ADMIN_HOOK,
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"ACTIVE_ONLY":flag}),
        )
        .await;
        assert_eq!(answer.result(), &active, "ACTIVE_ONLY={flag}");
    }
    let omitted = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
    )
    .await;
    assert_eq!(omitted.result(), &active);
}

#[tokio::test]
async fn cases_42_43_no_chats_and_missing_record_are_empty_lists() {
    let app = TestApp::demo().await;
    for id in [1300, 9_999_999] {
        let answer = chat_get(
            &app,
            ADMIN_HOOK,
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":id}),
        )
        .await;
        assert_eq!(answer.result(), &json!([]));
        assert!(answer.text.contains("\"result\":[]"), "{}", answer.text);
    }
}

#[tokio::test]
async fn case_44_caller_without_read_permission() {
    let app = TestApp::demo().await;
    // Lena reads only her own leads; lead 1205 is Oleg's.
    chat_get(
        &app,
        LIMITED_HOOK,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
    )
    .await
    .assert_error(403, denied());
    // Lead 1300 is hers; a lead that does not exist is an empty list for her too.
    assert_eq!(
        chat_get(
            &app,
            LIMITED_HOOK,
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300})
        )
        .await
        .result(),
        &json!([])
    );
    assert_eq!(
        chat_get(
            &app,
            LIMITED_HOOK,
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":9_999_999})
        )
        .await
        .result(),
        &json!([])
    );
}

#[tokio::test]
async fn permission_levels_open_none_and_department() {
    let app = TestApp::demo().await;
    // Deals: "open" — deal 300 is flagged open, deal 301 is not.
    let open = chat_get(
        &app,
        LIMITED_HOOK,
        json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300}),
    )
    .await;
    assert_eq!(
        open.result(),
        &json!([chat("2001", "telegrambot", "Telegram")])
    );
    chat_get(
        &app,
        LIMITED_HOOK,
        json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":301}),
    )
    .await
    .assert_error(403, denied());
    // Contacts: "none".
    chat_get(
        &app,
        LIMITED_HOOK,
        json!({"CRM_ENTITY_TYPE":"contact","CRM_ENTITY":7}),
    )
    .await
    .assert_error(403, denied());
    // Companies: "department" — company 3 belongs to Sofia of Support, not Lena's Marketing.
    chat_get(
        &app,
        LIMITED_HOOK,
        json!({"CRM_ENTITY_TYPE":"company","CRM_ENTITY":3}),
    )
    .await
    .assert_error(403, denied());
}

#[tokio::test]
async fn subdepartment_level_reaches_down_the_tree() {
    // Sofia (Support, under Sales) reads leads of her subtree only: lead 1400 is hers, lead
    // 1205 belongs to Oleg in Sales, above her.
    let app = TestApp::demo_with(
        r#"{"type":"webhook","user_id":3,"code":"sofia0123456789a","scopes":["imopenlines"]}"#,
    )
    .await;
    let hook = "/rest/3/sofia0123456789a";
    let own = chat_get(
        &app,
        hook,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1400,"ACTIVE_ONLY":"N"}),
    )
    .await;
    assert_eq!(own.result().as_array().unwrap().len(), 2);
    chat_get(
        &app,
        hook,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
    )
    .await
    .assert_error(403, denied());
}

#[tokio::test]
async fn case_45_unknown_entity_type() {
    let app = TestApp::demo().await;
    for kind in ["invoice", "foo"] {
        let admin = chat_get(
            &app,
            ADMIN_HOOK,
            json!({"CRM_ENTITY_TYPE":kind,"CRM_ENTITY":1205}),
        )
        .await;
        assert_eq!(admin.result(), &json!([]));
        chat_get(
            &app,
            LIMITED_HOOK,
            json!({"CRM_ENTITY_TYPE":kind,"CRM_ENTITY":1205}),
        )
        .await
        .assert_error(403, denied());
    }
}

#[tokio::test]
async fn case_46_queued_and_closing_sessions_are_not_active() {
    let app = TestApp::demo().await;
    let active = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1400}),
    )
    .await;
    assert_eq!(active.result(), &json!([]));
    let all = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1400,"ACTIVE_ONLY":"N"}),
    )
    .await;
    // The closing session (50) changed at 11:00, the queued one (0) at 10:00.
    assert_eq!(
        all.result(),
        &json!([
            chat("2101", "avito", "Avito"),
            chat("2100", "whatsappbytwilio", "WhatsApp")
        ])
    );
}

#[tokio::test]
async fn case_47_chat_with_two_sessions_appears_once() {
    let app = TestApp::demo().await;
    let all = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"ACTIVE_ONLY":"N"}),
    )
    .await;
    let ids: Vec<&str> = all
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CHAT_ID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1763", "1800"]);
}

#[tokio::test]
async fn case_48_disabled_connector_is_hidden() {
    let app = TestApp::demo().await;
    // Deal 300 has chat 2001 (telegrambot) and chat 2200 (viber, disabled).
    for flag in ["Y", "N"] {
        let answer = chat_get(
            &app,
            ADMIN_HOOK,
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300,"ACTIVE_ONLY":flag}),
        )
        .await;
        assert_eq!(
            answer.result(),
            &json!([chat("2001", "telegrambot", "Telegram")])
        );
    }
}

#[tokio::test]
async fn case_49_one_chat_bound_to_several_records() {
    let app = TestApp::demo().await;
    let expected = json!([chat("2001", "telegrambot", "Telegram")]);
    assert_eq!(
        chat_get(
            &app,
            ADMIN_HOOK,
            json!({"CRM_ENTITY_TYPE":"contact","CRM_ENTITY":7})
        )
        .await
        .result(),
        &expected
    );
    let company = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"company","CRM_ENTITY":3,"ACTIVE_ONLY":"N"}),
    )
    .await;
    assert_eq!(
        company.result(),
        &json!([
            chat("2101", "avito", "Avito"),
            chat("2001", "telegrambot", "Telegram")
        ])
    );
}

#[tokio::test]
async fn renamed_connector_title_is_used() {
    let app = TestApp::demo().await;
    let answer = chat_get(
        &app,
        ADMIN_HOOK,
        json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":301}),
    )
    .await;
    assert_eq!(
        answer.result(),
        &json!([chat("2300", "wechat", "WeChat (demo rename)")])
    );
}
