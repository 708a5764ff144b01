use super::*;
use openlines_wire::params::{decode_query, encode, Limits};

#[test]
fn typed_params_decode_as_the_server_will_read_them() {
    let call = CrmMessageAdd {
        entity_type: CrmEntityType::Contact,
        entity_id: 7,
        user_id: 3,
        chat_id: ChatId(9),
        message: "a=b&c [d]".to_owned(),
    };
    let decoded = decode_query(&encode(&call.params()), Limits::default()).unwrap();
    assert_eq!(
        Value::Object(decoded),
        json!({"CRM_ENTITY_TYPE":"contact","CRM_ENTITY":"7","USER_ID":"3","CHAT_ID":"9","MESSAGE":"a=b&c [d]"})
    );
}

#[test]
fn active_only_is_y_or_n() {
    let mut call = CrmChatGet {
        entity_type: CrmEntityType::Lead,
        entity_id: 1,
        active_only: true,
    };
    assert_eq!(call.params()["ACTIVE_ONLY"], "Y");
    call.active_only = false;
    assert_eq!(call.params()["ACTIVE_ONLY"], "N");
}
