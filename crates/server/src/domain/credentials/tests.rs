use super::*;

#[test]
fn hashes_are_stable_hex() {
    let hash = SecretHash::of(&SecretString::from("demo0123456789ab"));
    assert_eq!(hash.as_str().len(), 64);
    assert!(hash.matches(&SecretHash::from_hex(&hash.as_str().to_uppercase()).unwrap()));
    assert!(!hash.matches(&SecretHash::of(&SecretString::from("demo0123456789ac"))));
}

#[test]
fn generated_codes_are_valid() {
    let code = generate_webhook_code();
    assert!(is_valid_webhook_code(code.expose_secret()));
    assert_eq!(code.expose_secret().len(), 16);
    assert!(!is_valid_webhook_code("short"));
    assert!(!is_valid_webhook_code("has-dash-in-it"));
}
