//! The open-line life cycle end to end (issue: data in motion), and each operator transition.

use crate::helpers::{chat, TestApp, ADMIN_HOOK};
use serde_json::{json, Value};

async fn call(app: &TestApp, method: &str, body: Value) -> crate::helpers::Answer {
    app.post_json(&format!("{ADMIN_HOOK}/{method}"), body).await
}

async fn chats_of(app: &TestApp, kind: &str, id: i64, flag: &str) -> Value {
    call(
        app,
        "imopenlines.crm.chat.get",
        json!({"CRM_ENTITY_TYPE":kind,"CRM_ENTITY":id,"ACTIVE_ONLY":flag}),
    )
    .await
    .result()
    .clone()
}

#[tokio::test]
async fn whole_life_cycle_scenario() {
    let app = TestApp::demo().await;
    // A customer writes: the chat and a queued session appear.
    let opened = call(
        &app,
        "imopenlines.session.open",
        json!({"USER_CODE":"livechat|1|visitor-1|client-1"}),
    )
    .await;
    assert_eq!(opened.result(), &json!({"chatId":"9853"}));
    let chat_id = 9853;
    // Opening again finds the same chat and session.
    assert_eq!(
        call(
            &app,
            "imopenlines.session.open",
            json!({"USER_CODE":"livechat|1|visitor-1|client-1"})
        )
        .await
        .result(),
        &json!({"chatId":"9853"})
    );

    // The operator answers and creates a lead from the chat.
    assert_eq!(
        call(
            &app,
            "imopenlines.operator.answer",
            json!({"CHAT_ID":chat_id})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(
        call(
            &app,
            "imopenlines.crm.lead.create",
            json!({"CHAT_ID":chat_id})
        )
        .await
        .result(),
        &json!(true)
    );
    let dialog = call(&app, "imopenlines.dialog.get", json!({"CHAT_ID":chat_id})).await;
    let dialog = dialog.result().clone();
    let data1: Vec<&str> = dialog["entity_data_1"]
        .as_str()
        .unwrap()
        .split('|')
        .collect();
    assert_eq!(&data1[..3], ["Y", "LEAD", "1401"]);
    let session_id: i64 = data1[5].parse().unwrap();
    assert_eq!(
        dialog["entity_data_2"],
        json!("LEAD|1401|COMPANY|0|CONTACT|0|DEAL|0")
    );
    assert_eq!(dialog["entity_id"], json!("livechat|1|visitor-1|client-1"));
    assert_eq!(dialog["dialog_id"], json!("chat9853"));
    let expected = json!([chat("9853", "livechat", "Live Chat")]);
    assert_eq!(chats_of(&app, "lead", 1401, "Y").await, expected);

    // The session's activity is bound to deal 288 too: the chat shows under the deal, first
    // (its session changed last).
    let bound = call(
        &app,
        "crm.activity.binding.add",
        json!({"activityId":session_id,"entityTypeId":2,"entityId":288}),
    )
    .await;
    assert_eq!(bound.result(), &json!(true));
    assert_eq!(
        chats_of(&app, "deal", 288, "Y").await,
        json!([
            chat("9853", "livechat", "Live Chat"),
            chat("9852", "livechat", "Live Chat")
        ])
    );
    let listed = call(
        &app,
        "crm.activity.binding.list",
        json!({"activityId":session_id}),
    )
    .await;
    assert_eq!(
        listed.result(),
        &json!([{"entityTypeId":2,"entityId":288},{"entityTypeId":1,"entityId":1401}])
    );

    // Finished: no longer active, still listed with ACTIVE_ONLY=N.
    assert_eq!(
        call(
            &app,
            "imopenlines.operator.finish",
            json!({"CHAT_ID":chat_id})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(
        chats_of(&app, "deal", 288, "Y").await,
        json!([chat("9852", "livechat", "Live Chat")])
    );
    assert_eq!(
        chats_of(&app, "deal", 288, "N").await,
        json!([
            chat("9853", "livechat", "Live Chat"),
            chat("9852", "livechat", "Live Chat")
        ])
    );
    // getLastId has no status filter.
    assert_eq!(
        call(
            &app,
            "imopenlines.crm.chat.getLastId",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288})
        )
        .await
        .result(),
        &json!(chat_id)
    );

    // A new dialog in the same chat keeps the bindings: present again.
    assert_eq!(
        call(
            &app,
            "imopenlines.session.start",
            json!({"CHAT_ID":chat_id})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(
        chats_of(&app, "deal", 288, "Y").await,
        json!([
            chat("9853", "livechat", "Live Chat"),
            chat("9852", "livechat", "Live Chat")
        ])
    );
    assert_eq!(chats_of(&app, "lead", 1401, "Y").await, expected);
}

#[tokio::test]
async fn queued_sessions_are_absent_with_y_and_present_with_n() {
    let app = TestApp::demo().await;
    call(
        &app,
        "imopenlines.session.open",
        json!({"USER_CODE":"telegrambot|1|tg-chat|tg-user"}),
    )
    .await
    .result();
    // Bind the queued session to lead 1300 (session ids continue after the demo's 560).
    assert_eq!(
        call(
            &app,
            "crm.activity.binding.add",
            json!({"activityId":561,"entityTypeId":1,"entityId":1300})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(chats_of(&app, "lead", 1300, "Y").await, json!([]));
    assert_eq!(
        chats_of(&app, "lead", 1300, "N").await,
        json!([chat("9853", "telegrambot", "Telegram")])
    );
    call(&app, "imopenlines.operator.answer", json!({"CHAT_ID":9853}))
        .await
        .result();
    assert_eq!(
        chats_of(&app, "lead", 1300, "Y").await,
        json!([chat("9853", "telegrambot", "Telegram")])
    );
}

#[tokio::test]
async fn operator_transitions_and_their_refusals() {
    let app = TestApp::demo().await;
    // Chat 1763's open session belongs to Oleg (user 2); the admin is not its operator.
    let not_operator = json!({"error":"ACCESS_DENIED","error_description":"You are not the operator of this dialog"});
    call(&app, "imopenlines.operator.finish", json!({"CHAT_ID":1763}))
        .await
        .assert_error(400, not_operator.clone());
    call(&app, "imopenlines.operator.skip", json!({"CHAT_ID":1763}))
        .await
        .assert_error(400, not_operator);
    // Transfer it to the admin, then the admin may skip it back to the queue...
    assert_eq!(
        call(
            &app,
            "imopenlines.operator.transfer",
            json!({"CHAT_ID":1763,"TRANSFER_ID":"1"})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(
        call(&app, "imopenlines.operator.skip", json!({"CHAT_ID":1763}))
            .await
            .result(),
        &json!(true)
    );
    // ...where it is not active any more.
    assert_eq!(chats_of(&app, "lead", 1205, "Y").await, json!([]));
    call(&app, "imopenlines.operator.answer", json!({"CHAT_ID":1763}))
        .await
        .result();
    assert_eq!(
        call(&app, "imopenlines.operator.spam", json!({"CHAT_ID":1763}))
            .await
            .result(),
        &json!(true)
    );
    call(&app, "imopenlines.operator.answer", json!({"CHAT_ID":1763}))
        .await
        .assert_error(400, json!({"error":"ACCESS_DENIED","error_description":"There is no open dialog in this chat"}));
    call(&app, "imopenlines.operator.skip", json!({"CHAT_ID":1763}))
        .await
        .assert_error(
            400,
            json!({"error":"ACCESS_DENIED_KICK","error_description":"The dialog is closed"}),
        );
    // another.finish closes a dialog of someone else (admins may).
    assert_eq!(
        call(
            &app,
            "imopenlines.operator.another.finish",
            json!({"CHAT_ID":2001})
        )
        .await
        .result(),
        &json!(true)
    );
    assert_eq!(chats_of(&app, "contact", 7, "Y").await, json!([]));
}

#[tokio::test]
async fn chat_id_and_transfer_errors() {
    let app = TestApp::demo().await;
    for method in [
        "imopenlines.operator.answer",
        "imopenlines.operator.finish",
        "imopenlines.session.start",
        "imopenlines.crm.lead.create",
    ] {
        call(&app, method, json!({})).await.assert_error(
            400,
            json!({"error":"CHAT_ID","error_description":"Chat ID can't be empty"}),
        );
        call(&app, method, json!({"CHAT_ID":424242}))
            .await
            .assert_error(
                400,
                json!({"error":"CHAT_TYPE","error_description":"Chat is not an Open Lines chat"}),
            );
    }
    call(&app, "imopenlines.operator.transfer", json!({}))
        .await
        .assert_error(
            400,
            json!({"error":"CHAT_ID_EMPTY","error_description":"Chat ID can't be empty"}),
        );
    call(
        &app,
        "imopenlines.operator.transfer",
        json!({"CHAT_ID":2001}),
    )
    .await
    .assert_error(
        400,
        json!({"error":"TRANSFER_ID_EMPTY","error_description":"Transfer ID can't be empty"}),
    );
    call(&app, "imopenlines.operator.transfer", json!({"CHAT_ID":2001,"USER_ID":4}))
        .await
        .assert_error(400, json!({"error":"OPERATOR_WRONG","error_description":"The operator to transfer to does not exist or is not active"}));
    assert_eq!(
        call(
            &app,
            "imopenlines.operator.transfer",
            json!({"CHAT_ID":2001,"TRANSFER_ID":"queue1"})
        )
        .await
        .result(),
        &json!(true)
    );
    call(&app, "imopenlines.crm.lead.create", json!({"CHAT_ID":2001}))
        .await
        .assert_error(400, json!({"error":"ERROR_USER_NOT_OPERATOR","error_description":"You are not the operator of this dialog"}));
    call(&app, "imopenlines.session.open", json!({"USER_CODE":"viber|1|a|b"}))
        .await
        .assert_error(400, json!({"error":"ACCESS_DENIED","error_description":"The open line or connector of USER_CODE is not active"}));
    call(&app, "imopenlines.dialog.get", json!({"DIALOG_ID":"chat424242"}))
        .await
        .assert_error(400, json!({"error":"ACCESS_ERROR","error_description":"You do not have access to the specified dialog"}));
    for body in [
        json!({"DIALOG_ID":"chat1763"}),
        json!({"SESSION_ID":511}),
        json!({"USER_CODE":"livechat|1|1763|588"}),
    ] {
        assert_eq!(
            call(&app, "imopenlines.dialog.get", body).await.result()["id"],
            json!(1763)
        );
    }
}
