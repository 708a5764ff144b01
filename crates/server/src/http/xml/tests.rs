use super::*;
use serde_json::json;

#[test]
fn lists_become_items() {
    let body = json!({"result":[{"CHAT_ID":"1763","T":"a<b"}],"time":{"start":1}});
    assert_eq!(
        document(&body),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><result><item><CHAT_ID>1763</CHAT_ID><T>a&lt;b</T></item></result><time><start>1</start></time></response>"
    );
}
