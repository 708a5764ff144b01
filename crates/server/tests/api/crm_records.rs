//! CRM records over REST: add/get/update/delete for the four types, their permissions, and
//! what deleting does to chats bound to the record.

use crate::helpers::{chat, TestApp, ADMIN_HOOK, CRM_ONLY_HOOK, LIMITED_HOOK};
use serde_json::{json, Value};

fn crm_error(text: &str) -> Value {
    json!({"error":"","error_description":text})
}

#[tokio::test]
async fn add_get_update_delete_for_each_type() {
    let app = TestApp::demo().await;
    for (kind, name_field, next_id) in [
        ("lead", "TITLE", 1401),
        ("deal", "TITLE", 302),
        ("company", "TITLE", 4),
        ("contact", "NAME", 8),
    ] {
        let added = app
            .call(
                CRM_ONLY_HOOK,
                &format!("crm.{kind}.add"),
                json!({"fields":{name_field:"New one","OPENED":"Y"}}),
            )
            .await;
        assert_eq!(added.result(), &json!(next_id), "{kind}");
        let got = app
            .call(
                CRM_ONLY_HOOK,
                &format!("crm.{kind}.get"),
                json!({"id":next_id}),
            )
            .await;
        assert_eq!(
            got.result(),
            &json!({"ID":next_id.to_string(),name_field:"New one","ASSIGNED_BY_ID":"1","OPENED":"Y"}),
            "{kind}"
        );
        let updated = app
            .call(
                CRM_ONLY_HOOK,
                &format!("crm.{kind}.update"),
                json!({"ID":next_id,"FIELDS":{name_field:"Renamed","ASSIGNED_BY_ID":2}}),
            )
            .await;
        assert_eq!(updated.result(), &json!(true));
        let got = app
            .call(
                CRM_ONLY_HOOK,
                &format!("crm.{kind}.get"),
                json!({"ID":next_id}),
            )
            .await;
        assert_eq!(got.result()[name_field], json!("Renamed"));
        assert_eq!(got.result()["ASSIGNED_BY_ID"], json!("2"));
        assert_eq!(
            app.call(
                CRM_ONLY_HOOK,
                &format!("crm.{kind}.delete"),
                json!({"id":next_id})
            )
            .await
            .result(),
            &json!(true)
        );
        app.call(
            CRM_ONLY_HOOK,
            &format!("crm.{kind}.get"),
            json!({"id":next_id}),
        )
        .await
        .assert_error(400, crm_error("Not found"));
    }
}

#[tokio::test]
async fn a_deleted_id_is_never_handed_out_again() {
    let app = TestApp::demo().await;
    let add = |title: &'static str| {
        let app = &app;
        async move {
            app.call(
                ADMIN_HOOK,
                "crm.deal.add",
                json!({"fields":{"TITLE":title}}),
            )
            .await
            .result()
            .clone()
        }
    };
    let delete = |id: Value| {
        let app = &app;
        async move {
            app.call(ADMIN_HOOK, "crm.deal.delete", json!({"id":id}))
                .await
                .result()
                .clone()
        }
    };
    assert_eq!(add("First").await, json!(302));
    assert_eq!(add("Second").await, json!(303));
    // The newest goes, then an older one: neither id comes back.
    assert_eq!(delete(json!(303)).await, json!(true));
    assert_eq!(add("Third").await, json!(304));
    assert_eq!(delete(json!(304)).await, json!(true));
    assert_eq!(delete(json!(302)).await, json!(true));
    assert_eq!(add("Fourth").await, json!(305));
    // Other types keep their own counters.
    let lead = app
        .call(
            ADMIN_HOOK,
            "crm.lead.add",
            json!({"fields":{"TITLE":"Lead"}}),
        )
        .await;
    assert_eq!(lead.result(), &json!(1401));
}

#[tokio::test]
async fn argument_errors() {
    let app = TestApp::demo().await;
    app.call(ADMIN_HOOK, "crm.lead.get", json!({}))
        .await
        .assert_error(400, crm_error("ID is not defined or invalid."));
    app.call(ADMIN_HOOK, "crm.lead.get", json!({"id":"abc"}))
        .await
        .assert_error(400, crm_error("ID is not defined or invalid."));
    app.call(ADMIN_HOOK, "crm.lead.add", json!({}))
        .await
        .assert_error(400, crm_error("The parameter 'fields' must be array."));
    app.call(ADMIN_HOOK, "crm.deal.update", json!({"id":288}))
        .await
        .assert_error(400, crm_error("The parameter 'fields' must be array."));
    app.call(ADMIN_HOOK, "crm.deal.delete", json!({"id":999}))
        .await
        .assert_error(400, crm_error("Not found"));
}

#[tokio::test]
async fn writes_need_permission_and_change_nothing_when_refused() {
    let app = TestApp::demo().await;
    let denied = crm_error("Access denied.");
    // Lena reads no contacts, and only her own leads.
    app.call(
        LIMITED_HOOK,
        "crm.contact.add",
        json!({"fields":{"NAME":"X"}}),
    )
    .await
    .assert_error(400, denied.clone());
    app.call(
        LIMITED_HOOK,
        "crm.lead.update",
        json!({"id":1205,"fields":{"TITLE":"Hijacked"}}),
    )
    .await
    .assert_error(400, denied.clone());
    app.call(LIMITED_HOOK, "crm.lead.delete", json!({"id":1205}))
        .await
        .assert_error(400, denied.clone());
    app.call(LIMITED_HOOK, "crm.lead.get", json!({"id":1205}))
        .await
        .assert_error(400, denied);
    let unchanged = app
        .call(ADMIN_HOOK, "crm.lead.get", json!({"id":1205}))
        .await;
    assert_eq!(
        unchanged.result()["TITLE"],
        json!("Inbound request from the website")
    );
    // Binding needs read access to the target record too.
    app.call(LIMITED_HOOK, "crm.activity.binding.add", json!({"activityId":511,"entityTypeId":3,"entityId":7}))
        .await
        .assert_error(403, json!({"error":"ACCESS_DENIED","error_description":"Access denied! You don't have access to this action"}));
    let bindings = app
        .call(
            ADMIN_HOOK,
            "crm.activity.binding.list",
            json!({"activityId":511}),
        )
        .await;
    assert_eq!(
        bindings.result(),
        &json!([{"entityTypeId":1,"entityId":1205}])
    );
    // And her own lead is hers to change.
    assert_eq!(
        app.call(
            LIMITED_HOOK,
            "crm.lead.update",
            json!({"id":1300,"fields":{"TITLE":"Mine"}})
        )
        .await
        .result(),
        &json!(true)
    );
}

#[tokio::test]
async fn deleting_a_record_unbinds_its_chats() {
    let app = TestApp::demo().await;
    // Chat 2001 belongs to contact 7, company 3 and deal 300.
    assert_eq!(
        app.call(ADMIN_HOOK, "crm.contact.delete", json!({"id":7}))
            .await
            .result(),
        &json!(true)
    );
    let contact = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"contact","CRM_ENTITY":7,"ACTIVE_ONLY":"N"}),
        )
        .await;
    assert_eq!(contact.result(), &json!([]));
    let deal = app
        .call(
            ADMIN_HOOK,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":300}),
        )
        .await;
    assert_eq!(
        deal.result(),
        &json!([chat("2001", "telegrambot", "Telegram")])
    );
    let bindings = app
        .call(
            ADMIN_HOOK,
            "crm.activity.binding.list",
            json!({"activityId":530}),
        )
        .await;
    assert_eq!(
        bindings.result(),
        &json!([{"entityTypeId":4,"entityId":3},{"entityTypeId":2,"entityId":300}])
    );
    // A record with the same id added later does not inherit the old chats.
    app.call(
        ADMIN_HOOK,
        "crm.contact.add",
        json!({"fields":{"NAME":"Someone else"}}),
    )
    .await
    .result();
}

#[tokio::test]
async fn binding_errors() {
    let app = TestApp::demo().await;
    let not_found = |what: &str| json!({"error":"NOT_FOUND","error_description":what});
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.add",
        json!({"activityId":99999,"entityTypeId":2,"entityId":288}),
    )
    .await
    .assert_error(400, not_found("Activity not found"));
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.add",
        json!({"activityId":511,"entityTypeId":2,"entityId":99999}),
    )
    .await
    .assert_error(400, not_found("Owner not found"));
    app.call(
        ADMIN_HOOK,
        "crm.activity.binding.delete",
        json!({"activityId":511,"entityTypeId":2,"entityId":288}),
    )
    .await
    .assert_error(400, not_found("Binding not found"));
    app.call(ADMIN_HOOK, "crm.activity.binding.add", json!({"activityId":511,"entityTypeId":9,"entityId":288}))
        .await
        .assert_error(400, json!({"error":"ERROR_ARGUMENT","error_description":"The value of an argument 'entityTypeId' has an invalid type","argument":"entityTypeId"}));
    app.call(ADMIN_HOOK, "crm.activity.binding.list", json!({}))
        .await
        .assert_error(400, json!({"error":"ERROR_ARGUMENT","error_description":"Argument 'activityId' is null or empty","argument":"activityId"}));
}
