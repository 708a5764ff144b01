use super::*;

#[test]
fn both_forms_with_suffixes_and_slashes() {
    let oauth = parse("/rest/imopenlines.crm.chat.get").unwrap();
    assert_eq!(oauth.webhook, None);
    assert_eq!(oauth.method, "imopenlines.crm.chat.get");
    let hook = parse("/rest/1/abc/imopenlines.crm.chat.get.xml/").unwrap();
    assert_eq!(hook.webhook, Some(("1".into(), "abc".into())));
    assert_eq!(hook.method, "imopenlines.crm.chat.get");
    assert_eq!(hook.format, Format::Xml);
    assert_eq!(parse("/rest/x.yaml").unwrap().method, "x.yaml");
    assert_eq!(parse("/rest/").unwrap().method, "");
    assert_eq!(parse("/rest/api/1/abc/x").unwrap().method, "");
    assert!(parse("/other").is_none());
    assert_eq!(parse("/rest//batch").unwrap().method, "batch");
    let doubled = parse("/rest/1/abc//server.time").unwrap();
    assert_eq!(
        (doubled.webhook.is_some(), doubled.method.as_str()),
        (true, "server.time")
    );
}
