//! Export, then import into an empty database: the same answers, and the same export again —
//! on the demo data after a life cycle, and on a generated data set.

use crate::helpers::{TestApp, ADMIN_HOOK};
use openlines::dataset::export::export;
use serde_json::{json, Value};

async fn export_text(app: &TestApp) -> String {
    let mut out = Vec::new();
    export(&app.store, &mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

/// Answers of every read method for the records and chats in the data.
async fn answers(
    app: &TestApp,
    records: &[(&str, i64)],
    chats: &[i64],
    sessions: &[i64],
) -> Vec<Value> {
    let mut out = Vec::new();
    let ask = |method: &'static str, body: Value| {
        async move {
            let answer = app
                .post_json(&format!("{ADMIN_HOOK}/{method}"), body.clone())
                .await;
            // Everything but the timing.
            json!({"call": [method, body], "status": answer.status, "result": answer.json.get("result"), "error": answer.json.get("error")})
        }
    };
    for (kind, id) in records {
        for flag in ["Y", "N"] {
            out.push(
                ask(
                    "imopenlines.crm.chat.get",
                    json!({"CRM_ENTITY_TYPE":kind,"CRM_ENTITY":id,"ACTIVE_ONLY":flag}),
                )
                .await,
            );
        }
        out.push(
            ask(
                "imopenlines.crm.chat.getLastId",
                json!({"CRM_ENTITY_TYPE":kind,"CRM_ENTITY":id}),
            )
            .await,
        );
        out.push(ask(crm_get(kind), json!({"id":id})).await);
    }
    for chat in chats {
        let mut dialog = ask("imopenlines.dialog.get", json!({"CHAT_ID":chat})).await;
        // The creation date is written in the server's offset; compare the rest.
        dialog["result"]["date_create"] = Value::Null;
        out.push(dialog);
    }
    for session in sessions {
        out.push(ask("crm.activity.binding.list", json!({"activityId":session})).await);
    }
    for method in ["profile", "scope", "app.info", "user.current"] {
        out.push(ask(method, json!({})).await);
    }
    out
}

fn crm_get(kind: &str) -> &'static str {
    match kind {
        "lead" => "crm.lead.get",
        "deal" => "crm.deal.get",
        "contact" => "crm.contact.get",
        _ => "crm.company.get",
    }
}

async fn round_trip(app: &TestApp, records: &[(&str, i64)], chats: &[i64], sessions: &[i64]) {
    let exported = export_text(app).await;
    let copy = TestApp::with_settings(crate::helpers::quiet_settings(), &[&exported]).await;
    assert_eq!(
        answers(&copy, records, chats, sessions).await,
        answers(app, records, chats, sessions).await
    );
    assert_eq!(
        export_text(&copy).await,
        exported,
        "export of the copy differs"
    );
    // The OAuth token travels as a hash and still works.
    let token = copy
        .post_json("/rest/profile", json!({"auth":"demo-access-token"}))
        .await;
    assert_eq!(token.result()["ID"], json!("1"));
}

#[tokio::test]
async fn demo_data_after_a_life_cycle_survives_export_and_import() {
    let app = TestApp::demo().await;
    let call = |method: &'static str, body: Value| {
        let app = &app;
        async move {
            app.post_json(&format!("{ADMIN_HOOK}/{method}"), body)
                .await
                .result()
                .clone()
        }
    };
    call(
        "imopenlines.session.open",
        json!({"USER_CODE":"livechat|1|v|c"}),
    )
    .await;
    call("imopenlines.operator.answer", json!({"CHAT_ID":9853})).await;
    call("imopenlines.crm.lead.create", json!({"CHAT_ID":9853})).await;
    call(
        "crm.activity.binding.add",
        json!({"activityId":561,"entityTypeId":2,"entityId":288}),
    )
    .await;
    call(
        "imopenlines.crm.chat.user.add",
        json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"CHAT_ID":9853,"USER_ID":2}),
    )
    .await;
    call("imopenlines.crm.message.add", json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"CHAT_ID":9853,"USER_ID":2,"MESSAGE":"hi"})).await;
    call("imopenlines.operator.finish", json!({"CHAT_ID":9853})).await;
    let records = [
        ("deal", 288),
        ("deal", 300),
        ("deal", 301),
        ("lead", 1205),
        ("lead", 1300),
        ("lead", 1400),
        ("lead", 1401),
        ("contact", 7),
        ("company", 3),
    ];
    let chats = [9852, 1763, 1800, 2001, 2100, 2101, 2200, 2300, 9853];
    let sessions = [501, 510, 511, 520, 530, 540, 541, 550, 560, 561];
    round_trip(&app, &records, &chats, &sessions).await;
}

/// A small deterministic generator (xorshift), so the data set is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[tokio::test]
async fn generated_data_survives_export_and_import() {
    let mut rng = Rng(0x5eed_1234_abcd);
    let statuses = [0, 5, 10, 20, 25, 40, 50, 60, 65, 69, 75];
    let connectors = [
        "livechat",
        "telegrambot",
        "whatsappbytwilio",
        "viber",
        "avito",
    ];
    let kinds = ["lead", "deal", "contact", "company"];
    let mut lines = vec![r#"{"type":"user","id":1,"admin":true}"#.to_owned(), r#"{"type":"webhook","user_id":1,"code":"demo0123456789ab","scopes":["imopenlines","crm","user"]}"#.to_owned(),
        r#"{"type":"token","user_id":1,"access_token":"demo-access-token","scopes":["imopenlines"],"expires_at":"2099-01-01T00:00:00Z"}"#.to_owned(),
        r#"{"type":"connector","id":"viber","active":false}"#.to_owned()];
    for kind in kinds {
        for id in 1..=20 {
            lines.push(format!(
                r#"{{"type":"{kind}","id":{id},"title":"{kind} {id}","opened":{}}}"#,
                rng.next(2) == 0
            ));
        }
    }
    let mut session_id = 0;
    let mut sessions = Vec::new();
    for chat in 1..=150 {
        let connector = connectors[rng.next(5) as usize];
        lines.push(format!(
            r#"{{"type":"chat","id":{chat},"connector_id":"{connector}"}}"#
        ));
        for _ in 0..=rng.next(3) {
            session_id += 1;
            sessions.push(session_id);
            let status = statuses[rng.next(statuses.len() as u64) as usize];
            let minute = rng.next(50_000);
            let bindings: Vec<String> = (0..rng.next(3))
                .map(|_| {
                    format!(
                        r#"{{"entity_type":"{}","entity_id":{}}}"#,
                        kinds[rng.next(4) as usize],
                        1 + rng.next(20)
                    )
                })
                .collect();
            lines.push(format!(
                r#"{{"type":"session","id":{session_id},"chat_id":{chat},"status":{status},"modified_at":"{}","crm":[{}]}}"#,
                time::OffsetDateTime::from_unix_timestamp(1_770_000_000 + minute as i64 * 60).unwrap().format(&time::format_description::well_known::Rfc3339).unwrap(),
                bindings.join(",")
            ));
        }
    }
    let fixture = lines.join("\n");
    let app = TestApp::with_settings(crate::helpers::quiet_settings(), &[&fixture]).await;
    let records: Vec<(&str, i64)> = kinds
        .iter()
        .flat_map(|kind| (1..=20).map(move |id| (*kind, id)))
        .collect();
    let chats: Vec<i64> = (1..=150).step_by(7).collect();
    round_trip(&app, &records, &chats, &sessions[..40]).await;
}

#[tokio::test]
async fn a_token_imported_without_an_expiry_lives_one_hour_from_the_import() {
    // An empty store on the suite's engine; the import runs at a fixed moment so the expiry
    // it gives is exact, and the export shows it.
    let app = TestApp::with_settings(crate::helpers::quiet_settings(), &[]).await;
    let lines = r#"{"type":"user","id":1,"name":"Admin","admin":true}
{"type":"token","user_id":1,"access_token":"no-expiry","scopes":["crm"]}
"#;
    openlines::dataset::import::import(&app.store, lines.as_bytes(), 1_700_000_000, |_| {})
        .await
        .unwrap();
    let exported = export_text(&app).await;
    let token = exported
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|line| line["type"] == "token")
        .unwrap();
    // 1,700,000,000 is 2023-11-14T22:13:20Z; the default lifetime is 3,600 s.
    assert_eq!(token["expires_at"], json!("2023-11-14T23:13:20Z"));
}
