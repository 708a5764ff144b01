use super::*;
use serde_json::json;

#[test]
fn numeric_like_php() {
    let cases = [
        (json!("12"), Some(12)),
        (json!("12.7"), Some(12)),
        (json!(" 12 "), Some(12)),
        (json!("1e3"), Some(1000)),
        (json!("-3"), Some(-3)),
        (json!(12.9), Some(12)),
        (json!(1205), Some(1205)),
        (json!("abc"), None),
        (json!("12abc"), None),
        (json!("0x1A"), None),
        (json!("inf"), None),
        (json!("."), None),
        (json!("1e"), None),
        (json!(true), None),
        (json!([1]), None),
    ];
    for (value, expected) in cases {
        assert_eq!(php_numeric_int(&value), expected, "{value}");
    }
}

#[test]
fn required_uses_php_empty() {
    let Value::Object(params) = json!({"A":"0","B":"x"}) else {
        unreachable!()
    };
    assert_eq!(
        required(&params, "A").unwrap_err().description(),
        "Argument 'A' is null or empty"
    );
    assert!(required(&params, "B").is_ok());
    assert!(required(&params, "C").is_err());
}
