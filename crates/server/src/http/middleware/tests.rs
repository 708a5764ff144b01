use super::*;

#[test]
fn codes_are_masked() {
    assert_eq!(
        mask_webhook_code("/rest/1/abcd1234efgh5678/imopenlines.crm.chat.get"),
        "/rest/1/***/imopenlines.crm.chat.get"
    );
    assert_eq!(mask_webhook_code("/rest/server.time"), "/rest/server.time");
}
