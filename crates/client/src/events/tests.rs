//! Payload shapes from the portal's documentation pages and from openlines' own deliveries,
//! form-encoded as they arrive.

use super::*;
use openlines_wire::params::encode;
use openlines_wire::CrmEntityType;
use serde_json::json;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// The form a sender would POST for this tree (PHP bracket form, as openlines sends it).
fn form(tree: Value) -> Vec<u8> {
    let Value::Object(params) = tree else {
        panic!("an object")
    };
    encode(&params).into_bytes()
}

fn auth() -> Value {
    json!({
        "access_token": "acc", "expires_in": "3600", "scope": "crm",
        "domain": "127.0.0.1:8080", "server_endpoint": "http://127.0.0.1:8080/rest/",
        "status": "L", "client_endpoint": "http://127.0.0.1:8080/rest/",
        "member_id": "m1", "application_token": "apptoken",
    })
}

#[test]
fn an_openlines_crm_delivery_parses_with_every_field() {
    let body = form(json!({
        "event": "ONCRMDEALADD", "event_handler_id": "3",
        "data": {"FIELDS": {"ID": "289"}}, "ts": "1764567890", "auth": auth(),
    }));
    let delivery = parse(&body, FORM).unwrap();
    assert_eq!(
        delivery.event,
        Event::CrmRecord {
            entity: CrmEntityType::Deal,
            change: Change::Add,
            id: 289
        }
    );
    assert_eq!(delivery.name, "ONCRMDEALADD");
    assert_eq!(delivery.handler_id, Some(3));
    assert_eq!(delivery.ts, Some(1_764_567_890));
    assert_eq!(delivery.data, json!({"FIELDS": {"ID": "289"}}));
    assert_eq!(delivery.auth.access_token.as_deref(), Some("acc"));
    assert_eq!(delivery.auth.expires_in, Some(3600));
    assert_eq!(delivery.auth.domain.as_deref(), Some("127.0.0.1:8080"));
    assert_eq!(delivery.auth.member_id.as_deref(), Some("m1"));
    assert_eq!(delivery.auth.status.as_deref(), Some("L"));
    assert!(delivery.verify("apptoken").is_ok());
}

#[test]
fn every_crm_and_activity_name_is_typed_in_any_case() {
    for entity in CrmEntityType::ALL {
        for (suffix, change) in [
            ("ADD", Change::Add),
            ("UPDATE", Change::Update),
            ("DELETE", Change::Delete),
        ] {
            let name = format!("onCrm{}{suffix}", entity.as_str());
            let body = form(json!({"event": name, "data": {"FIELDS": {"ID": "7"}}}));
            let delivery = parse(&body, None).unwrap();
            assert_eq!(
                delivery.event,
                Event::CrmRecord {
                    entity,
                    change,
                    id: 7
                },
                "{name}"
            );
            let body = form(json!({
                "event": format!("ONCRMACTIVITY{suffix}"), "data": {"FIELDS": {"ID": "12"}},
            }));
            assert_eq!(
                parse(&body, None).unwrap().event,
                Event::CrmActivity { change, id: 12 }
            );
        }
    }
}

#[test]
fn a_crm_event_without_its_id_is_refused() {
    let body = form(json!({"event": "ONCRMLEADUPDATE", "data": {"FIELDS": {}}}));
    assert_eq!(
        parse(&body, FORM),
        Err(EventError::Data {
            event: "ONCRMLEADUPDATE".into(),
            field: "data[FIELDS][ID]"
        })
    );
}

#[test]
fn outgoing_webhook_and_uninstall_deliveries_have_no_access_token() {
    // The outgoing-webhook page's example: only address fields and the token.
    let body = b"event=ONCRMDEALUPDATE&data[FIELDS][ID]=662&ts=1724140800\
        &auth[domain]=example.bitrix24.com&auth[member_id]=xxx&auth[application_token]=tok";
    let delivery = parse(body, FORM).unwrap();
    assert_eq!(delivery.auth.access_token, None);
    assert_eq!(delivery.handler_id, None);
    assert!(delivery.verify("tok").is_ok());

    let body = form(json!({
        "event": "ONAPPUNINSTALL", "data": {"LANGUAGE_ID": "de", "CLEAN": "1"},
        "ts": "1466439714", "auth": {"domain": "d", "application_token": "t"},
    }));
    assert_eq!(
        parse(&body, FORM).unwrap().event,
        Event::AppUninstall(AppUninstall {
            language_id: Some("de".into()),
            clean: true
        })
    );
}

#[test]
fn install_and_offline_events() {
    let body = form(json!({
        "event": "ONAPPINSTALL",
        "data": {"VERSION": "1", "ACTIVE": "Y", "INSTALLED": "Y", "LANGUAGE_ID": "en"},
        "auth": {"refresh_token": "ref", "application_token": "t"},
    }));
    let delivery = parse(&body, FORM).unwrap();
    assert_eq!(
        delivery.event,
        Event::AppInstall(AppInstall {
            version: Some("1".into()),
            active: true,
            installed: true,
            language_id: Some("en".into())
        })
    );
    assert_eq!(delivery.auth.refresh_token.as_deref(), Some("ref"));
    // ONOFFLINEEVENT arrives with no data field at all.
    let delivery = parse(b"event=ONOFFLINEEVENT&event_handler_id=9&ts=1", FORM).unwrap();
    assert_eq!(delivery.event, Event::OfflineEvent);
    assert_eq!(delivery.data, Value::Null);
}

#[test]
fn connector_message_events_read_every_documented_field() {
    let body = form(json!({
        "event": "ONIMCONNECTORMESSAGEADD", "event_handler_id": "555",
        "data": {"CONNECTOR": "myconnector", "LINE": "107", "MESSAGES": [
            {"im": {"chat_id": "1807", "message_id": "86497"},
             "message": {"user_id": "27", "text": "[b]Klaus:[/b] Guten Tag!",
                         "files": [{"name": "a.png", "link": "http://x/a.png", "size": "10"}]},
             "chat": {"id": "channel-123"}},
        ]},
        "ts": "1773759161", "auth": auth(),
    }));
    let Event::ConnectorMessage {
        change,
        connector,
        line,
        messages,
    } = parse(&body, FORM).unwrap().event
    else {
        panic!("a connector message")
    };
    assert_eq!(
        (change, connector.as_str(), line),
        (Change::Add, "myconnector", 107)
    );
    assert_eq!(
        messages,
        vec![ConnectorMessage {
            im_chat_id: Some(1807),
            im_message_id: Some(86497),
            message_ids: vec![],
            text: Some("[b]Klaus:[/b] Guten Tag!".into()),
            files: vec![json!({"name": "a.png", "link": "http://x/a.png", "size": "10"})],
            user_id: Some(27),
            external_chat_id: Some("channel-123".into()),
        }]
    );

    // Update sends the external ids as a list, delete as one value.
    for (event, id, change) in [
        (
            "ONIMCONNECTORMESSAGEUPDATE",
            json!(["ext-5"]),
            Change::Update,
        ),
        ("ONIMCONNECTORMESSAGEDELETE", json!("ext-5"), Change::Delete),
    ] {
        let body = form(json!({
            "event": event,
            "data": {"CONNECTOR": "c", "LINE": "1", "MESSAGES": [
                {"im": {"chat_id": "1", "message_id": "2"}, "message": {"id": id}, "chat": {"id": "x"}},
            ]},
        }));
        let Event::ConnectorMessage {
            change: got,
            messages,
            ..
        } = parse(&body, FORM).unwrap().event
        else {
            panic!("{event}")
        };
        assert_eq!(got, change);
        assert_eq!(messages[0].message_ids, vec!["ext-5".to_owned()], "{event}");
    }
}

#[test]
fn connector_dialog_status_and_line_events() {
    let body = form(json!({
        "event": "ONIMCONNECTORDIALOGFINISH",
        "data": {"CONNECTOR": "c", "LINE": "105", "DATA": [
            {"connector": {"connector_id": "c", "line_id": "105", "chat_id": "8", "user_id": "0"},
             "session": {"id": "3282", "closed": "Y", "parent_id": "0", "close_term": "10"},
             "chat": {"id": "8"}, "user": {"id": "0"}},
        ]},
    }));
    assert_eq!(
        parse(&body, FORM).unwrap().event,
        Event::ConnectorDialog {
            stage: DialogStage::Finish,
            connector: "c".into(),
            line: 105,
            dialogs: vec![ConnectorDialog {
                chat_id: Some(8),
                session_id: Some(3282),
                closed: true
            }],
        }
    );
    let body = b"event=ONIMCONNECTORSTATUSDELETE&data[connector]=myconnector&data[line]=107";
    assert_eq!(
        parse(body, FORM).unwrap().event,
        Event::ConnectorStatusDelete {
            connector: "myconnector".into(),
            line: 107
        }
    );
    let body = b"event=ONIMCONNECTORLINEDELETE&event_handler_id=563&data=107";
    assert_eq!(
        parse(body, FORM).unwrap().event,
        Event::ConnectorLineDelete { line: 107 }
    );
}

#[test]
fn unknown_events_keep_their_data_tree() {
    let body = b"event=OnTaskAdd&data[FIELDS_AFTER][ID]=5&data[FIELDS_AFTER][TAGS][0]=a";
    let delivery = parse(body, FORM).unwrap();
    assert_eq!(delivery.event, Event::Other);
    assert_eq!(delivery.name, "ONTASKADD");
    assert_eq!(
        delivery.data,
        json!({"FIELDS_AFTER": {"ID": "5", "TAGS": ["a"]}})
    );
}

#[test]
fn json_bodies_with_numbers_parse_too() {
    let body = json!({
        "event": "ONIMCONNECTORMESSAGEADD", "event_handler_id": 555,
        "data": {"CONNECTOR": "c", "LINE": 107, "MESSAGES": [
            {"im": {"chat_id": 1807, "message_id": 86497}, "message": {"text": "hi"}, "chat": {"id": "x"}},
        ]},
        "ts": 1773759161, "auth": {"application_token": "t", "user_id": 27},
    })
    .to_string();
    let delivery = parse(body.as_bytes(), Some("application/json; charset=utf-8")).unwrap();
    assert_eq!(delivery.handler_id, Some(555));
    assert_eq!(delivery.auth.user_id, Some(27));
    let Event::ConnectorMessage { line, messages, .. } = delivery.event else {
        panic!("a connector message")
    };
    assert_eq!((line, messages[0].im_chat_id), (107, Some(1807)));
}

#[test]
fn forged_or_tokenless_deliveries_fail_verification() {
    let body = b"event=ONCRMDEALADD&data[FIELDS][ID]=1&auth[application_token]=right";
    assert_eq!(parse_verified(body, FORM, "wrong"), Err(EventError::Forged));
    assert_eq!(parse_verified(body, FORM, "righ"), Err(EventError::Forged));
    assert_eq!(parse_verified(body, FORM, ""), Err(EventError::Forged));
    let tokenless = b"event=ONCRMDEALADD&data[FIELDS][ID]=1";
    assert_eq!(parse_verified(tokenless, FORM, ""), Err(EventError::Forged));
    assert!(parse_verified(body, FORM, "right").is_ok());
}

#[test]
fn bodies_that_are_not_deliveries_are_refused() {
    assert_eq!(parse(b"ts=1", FORM), Err(EventError::NoEvent));
    assert_eq!(
        parse(b"event=X", Some("text/plain")),
        Err(EventError::ContentType("text/plain".into()))
    );
    assert!(matches!(parse(b"\xff", FORM), Err(EventError::Body(_))));
    assert!(matches!(
        parse(b"{", Some("application/json")),
        Err(EventError::Body(_))
    ));
}

#[test]
fn debug_output_masks_secrets() {
    let body =
        form(json!({"event": "ONCRMDEALADD", "data": {"FIELDS": {"ID": "1"}}, "auth": auth()}));
    let shown = format!("{:?}", parse(&body, FORM).unwrap());
    assert!(
        !shown.contains("apptoken") && !shown.contains("\"acc\""),
        "{shown}"
    );
    assert!(shown.contains("127.0.0.1:8080"), "{shown}");
}

/// The extractor over a real socket: a delivery reaches the handler typed, anything else is
/// a 400 with the reason.
#[cfg(feature = "axum")]
#[tokio::test]
async fn the_axum_extractor_parses_or_refuses() {
    use ::axum::{routing::post, Router};

    async fn handler(delivery: Delivery) -> String {
        match delivery.verify("tok") {
            Ok(()) => format!("{:?}", delivery.event),
            Err(error) => error.to_string(),
        }
    }
    let app = Router::new().route("/events", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    tokio::spawn(async move { ::axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let send = |body: &'static str, content_type: &'static str| {
        http.post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let answer = send(
        "event=ONCRMLEADADD&data[FIELDS][ID]=5&auth[application_token]=tok",
        "application/x-www-form-urlencoded",
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.text().await.unwrap(),
        "CrmRecord { entity: Lead, change: Add, id: 5 }"
    );
    let answer = send("event=X", "text/plain").await.unwrap();
    assert_eq!(answer.status(), 400);
    assert_eq!(
        answer.text().await.unwrap(),
        "unsupported content type \"text/plain\": expected application/x-www-form-urlencoded"
    );
}
