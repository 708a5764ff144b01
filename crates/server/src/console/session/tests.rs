use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn a_session_is_found_by_its_cookie_only() {
    let console = Console::default();
    let id = console.sign_in();
    let cookie = format!("other=1; {COOKIE}={}", id.expose_secret());
    let signed = console.session(&headers(&[("cookie", &cookie)])).unwrap();
    assert!(signed.csrf_matches(&signed.csrf.clone()));
    assert!(!signed.csrf_matches(""));
    assert!(!signed.csrf_matches("x"));
    assert!(console
        .session(&headers(&[("cookie", "openlines_console=guess")]))
        .is_none());
    console.sign_out(&signed);
    assert!(console.session(&headers(&[("cookie", &cookie)])).is_none());
}

#[test]
fn only_this_hosts_origin_may_change_things() {
    let host = ("host", "127.0.0.1:8080");
    assert!(same_origin(&headers(&[
        host,
        ("origin", "http://127.0.0.1:8080")
    ])));
    assert!(same_origin(&headers(&[
        host,
        ("referer", "http://127.0.0.1:8080/_openlines/")
    ])));
    assert!(!same_origin(&headers(&[
        host,
        ("origin", "http://evil.example")
    ])));
    assert!(!same_origin(&headers(&[host, ("origin", "null")])));
    assert!(!same_origin(&headers(&[host])));
}
