use super::*;
use serde_json::json;

fn read(value: Value) -> Result<u64, serde_json::Error> {
    u64_from(value)
}

#[test]
fn integers_and_numeric_strings_are_read() {
    assert_eq!(read(json!(1763)).unwrap(), 1763);
    assert_eq!(read(json!("9852")).unwrap(), 9852);
    assert_eq!(read(json!(" 7 ")).unwrap(), 7);
}

#[test]
fn everything_else_is_refused() {
    for bad in [
        json!(-1),
        json!(1.5),
        json!("abc"),
        json!(null),
        json!([1]),
        json!(""),
    ] {
        assert!(read(bad.clone()).is_err(), "{bad}");
    }
}
