//! Spec §12 group D: the imopenlines.crm family beside chat.get, with each method's error
//! order, and imconnector.list.

use crate::helpers::{TestApp, ADMIN_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

fn error(code: &str, text: &str) -> Value {
    json!({"error":code,"error_description":text})
}

#[tokio::test]
async fn case_51_to_53_get_last_id() {
    let app = TestApp::demo().await;
    let last = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.getLastId",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205}),
        )
        .await;
    // Chat 1763's session changed last (an integer, spec case 51); no status filter.
    assert_eq!(last.result(), &json!(1763));
    assert!(last.text.starts_with(r#"{"result":1763,"#));
    let empty = error("CRM_CHAT_EMPTY_CRM_DATA", "Empty CRM data");
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.getLastId",
        json!({"CRM_ENTITY_TYPE":"lead"}),
    )
    .await
    .assert_error(400, empty.clone());
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.getLastId",
        json!({"CRM_ENTITY":1205}),
    )
    .await
    .assert_error(400, empty);
    let missing = error("CRM_CHAT_EMPTY_CRM_DATA", "Could not find CRM object");
    for body in [
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300}),
        json!({"CRM_ENTITY_TYPE":"invoice","CRM_ENTITY":1205}),
    ] {
        app.call(ADMIN_HOOK, "imopenlines.crm.chat.getLastId", body)
            .await
            .assert_error(400, missing.clone());
    }
    app.call(ADMIN_HOOK, "imopenlines.crm.chat.getLastId", json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":"x"}))
        .await
        .assert_error(400, json!({"error":"ERROR_ARGUMENT","error_description":"The value of an argument 'CRM_ENTITY' has an invalid type","argument":"CRM_ENTITY"}));
    // No permission check on this path (spec §7.2): Lena gets the id too.
    assert_eq!(
        app.call(
            LIMITED_HOOK,
            "imopenlines.crm.chat.getLastId",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205})
        )
        .await
        .result(),
        &json!(1763)
    );
}

#[tokio::test]
async fn case_54_55_56_chat_user_add_and_delete() {
    let app = TestApp::demo().await;
    let lead = |extra: Value| {
        let mut body = json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.delete",
        lead(json!({})),
    )
    .await
    .assert_error(400, error("CRM_CHAT_EMPTY_USER", "Empty User ID"));
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.delete",
        json!({"USER_ID":3}),
    )
    .await
    .assert_error(400, error("CRM_CHAT_EMPTY_CRM_DATA", "Empty CRM data"));
    let none = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.add",
            json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1300,"USER_ID":503}),
        )
        .await;
    assert_eq!(none.result(), &json!(0));
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.add",
        lead(json!({"CHAT_ID":1800,"USER_ID":3})),
    )
    .await
    .assert_error(
        400,
        error(
            "CHAT_NOT_IN_CRM",
            "Chat does not belong to the CRM object being checked",
        ),
    );
    app.call(ADMIN_HOOK, "imopenlines.crm.chat.user.add", lead(json!({})))
        .await
        .assert_error(400, json!({"error":"ERROR_ARGUMENT","error_description":"Argument 'Empty USER_ID' is null or empty","argument":"Empty USER_ID"}));
    // Sofia (3) reads leads of her subtree, lead 1205 is above her.
    app.call(ADMIN_HOOK, "imopenlines.crm.chat.user.add", lead(json!({"CHAT_ID":1763,"USER_ID":5})))
        .await
        .assert_error(403, error("ACCESS_DENIED", "Access denied! This user does not have access to the chat because he does not have access to this CRM object"));
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.add",
        lead(json!({"CHAT_ID":1763,"USER_ID":4})),
    )
    .await
    .assert_error(400, error("CRM_CHAT_USER_NOT_ACTIVE", "User not active"));
    app.call(
        LIMITED_HOOK,
        "imopenlines.crm.chat.user.add",
        lead(json!({"CHAT_ID":1763,"USER_ID":1})),
    )
    .await
    .assert_error(
        403,
        error(
            "ACCESS_DENIED",
            "Access denied! You don't have access to join user to chat",
        ),
    );
    // Chat 1763 is the active one; Oleg (2) is already a member, the admin is added.
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.add",
        lead(json!({"CHAT_ID":1763,"USER_ID":2})),
    )
    .await
    .assert_error(
        400,
        error(
            "WRONG_REQUEST",
            "You don't have access or user already member in chat",
        ),
    );
    assert_eq!(
        app.call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.add",
            lead(json!({"CHAT_ID":1763,"USER_ID":1}))
        )
        .await
        .result(),
        &json!(1763)
    );
    assert_eq!(
        app.call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.delete",
            lead(json!({"CHAT_ID":1763,"USER_ID":1}))
        )
        .await
        .result(),
        &json!(1763)
    );
    app.call(
        ADMIN_HOOK,
        "imopenlines.crm.chat.user.delete",
        lead(json!({"CHAT_ID":1763,"USER_ID":1})),
    )
    .await
    .assert_error(
        400,
        error(
            "WRONG_REQUEST",
            "You don't have access or user already not in chat",
        ),
    );
}

#[tokio::test]
async fn case_57_message_add() {
    let app = TestApp::demo().await;
    let full = json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"USER_ID":2,"CHAT_ID":1763,"MESSAGE":"We will call you back"});
    for missing in [
        "CRM_ENTITY_TYPE",
        "CRM_ENTITY",
        "USER_ID",
        "CHAT_ID",
        "MESSAGE",
    ] {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(missing);
        app.call(ADMIN_HOOK, "imopenlines.crm.message.add", body).await.assert_error(
            400,
            json!({"error":"ERROR_ARGUMENT","error_description":format!("Argument '{missing}' is null or empty"),"argument":missing}),
        );
    }
    let added = app
        .call(ADMIN_HOOK, "imopenlines.crm.message.add", full.clone())
        .await;
    assert_eq!(added.result(), &json!(2));
    let mut closed = full.clone();
    closed["CHAT_ID"] = json!(1800);
    app.call(ADMIN_HOOK, "imopenlines.crm.message.add", closed)
        .await
        .assert_error(
            400,
            error(
                "CHAT_NOT_IN_CRM",
                "Chat does not belong to the CRM object being checked",
            ),
        );
    let mut stranger = full.clone();
    stranger["USER_ID"] = json!(5);
    app.call(ADMIN_HOOK, "imopenlines.crm.message.add", stranger)
        .await
        .assert_error(
            403,
            error(
                "ACCESS_DENIED",
                "Access denied! User don't have access to this entity",
            ),
        );
    app.call(LIMITED_HOOK, "imopenlines.crm.message.add", full)
        .await
        .assert_error(
            403,
            error(
                "ACCESS_DENIED",
                "Access denied! You don't have access to this action",
            ),
        );
}

#[tokio::test]
async fn case_58_59_imconnector_list() {
    let app = TestApp::demo().await;
    app.call(ADMIN_HOOK, "imconnector.list", json!({}))
        .await
        .assert_error(
        403,
        error(
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method. Application context required",
        ),
    );
    let answer = app
        .post_json(
            "/rest/imconnector.list",
            json!({"auth":"demo-access-token"}),
        )
        .await;
    let list = answer.result().as_object().unwrap();
    assert_eq!(list["livechat"], json!("Live Chat"));
    assert_eq!(list["telegrambot"], json!("Telegram"));
    assert!(
        !list.contains_key("viber"),
        "disabled connectors are not listed"
    );
}

#[tokio::test]
async fn case_60_lead_create_errors_are_400() {
    let app = TestApp::demo().await;
    app.post_json(
        "/rest/imopenlines.crm.lead.create",
        json!({"CHAT_ID":0,"auth":"demo-access-token"}),
    )
    .await
    .assert_error(400, error("CHAT_ID", "Chat ID can't be empty"));
    // Lena may not create leads? She may (level "own"); a user with level none may not.
    let app = TestApp::demo_with(
        r#"{"type":"permission","user_id":5,"entity_type":"lead","read":"none"}"#,
    )
    .await;
    app.call(
        LIMITED_HOOK,
        "imopenlines.crm.lead.create",
        json!({"CHAT_ID":1763}),
    )
    .await
    .assert_error(
        400,
        error("ACCESS_DENIED", "You don't have access to create leads"),
    );
}

#[tokio::test]
async fn unknown_entity_type_with_an_explicit_chat_is_not_in_crm() {
    let app = TestApp::demo().await;
    for method in [
        "imopenlines.crm.chat.user.add",
        "imopenlines.crm.chat.user.delete",
    ] {
        app.call(
            ADMIN_HOOK,
            method,
            json!({"CRM_ENTITY_TYPE":"invoice","CRM_ENTITY":1205,"CHAT_ID":1763,"USER_ID":1}),
        )
        .await
        .assert_error(
            400,
            error(
                "CHAT_NOT_IN_CRM",
                "Chat does not belong to the CRM object being checked",
            ),
        );
    }
}

#[tokio::test]
async fn an_unknown_entity_type_is_refused_to_a_non_admin() {
    // The permission check resolves an unknown type to "undefined", which only admins pass
    // (spec §7.1 note 4): Lena is refused before any chat is looked at.
    let app = TestApp::demo().await;
    for (method, text) in [
        (
            "imopenlines.crm.chat.user.add",
            "Access denied! You don't have access to join user to chat",
        ),
        (
            "imopenlines.crm.chat.user.delete",
            "Access denied! You don't have access to join user to chat",
        ),
        (
            "imopenlines.crm.message.add",
            "Access denied! You don't have access to this action",
        ),
    ] {
        app.call(
            LIMITED_HOOK,
            method,
            json!({"CRM_ENTITY_TYPE":"invoice","CRM_ENTITY":1205,"CHAT_ID":1763,"USER_ID":5,"MESSAGE":"hi"}),
        )
        .await
        .assert_error(403, error("ACCESS_DENIED", text));
    }
}

#[tokio::test]
async fn an_empty_chat_id_means_the_records_latest_chat() {
    // PHP's empty(): "" and 0 are no CHAT_ID, so the record's latest chat (1763) is used.
    let app = TestApp::demo().await;
    let body = |chat_id: Value| json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":1205,"USER_ID":1,"CHAT_ID":chat_id});
    let added = app
        .call(ADMIN_HOOK, "imopenlines.crm.chat.user.add", body(json!("")))
        .await;
    assert_eq!(added.result(), &json!(1763));
    let removed = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.user.delete",
            body(json!(0)),
        )
        .await;
    assert_eq!(removed.result(), &json!(1763));
}
