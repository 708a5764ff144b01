use super::*;

#[test]
fn debug_output_shows_no_webhook_code() {
    let client = Client::webhook("http://h:8080/rest/1/s3cr3tc0de/").unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("http://h:8080"), "{shown}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
}
