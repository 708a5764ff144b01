use super::*;

#[test]
fn webhook_urls_are_normalised_and_checked() {
    let ok = [
        (
            "http://127.0.0.1:8080/rest/1/code/",
            "http://127.0.0.1:8080/rest/1/code/",
        ),
        (
            "https://p.example/rest/12/code",
            "https://p.example/rest/12/code/",
        ),
        ("http://h/sub/rest/1/code/", "http://h/sub/rest/1/code/"),
    ];
    for (input, expected) in ok {
        let Credentials::Webhook { base_url } = Credentials::webhook(input).unwrap() else {
            panic!("not a webhook")
        };
        assert_eq!(base_url.as_str(), expected);
    }
    for bad in [
        "ftp://h/rest/1/code/",
        "http://h/rest/1/",
        "http://h/rest/x/code/",
        "http://h/rest/1/code/server.time",
        "/rest/1/code/",
    ] {
        assert!(Credentials::webhook(bad).is_err(), "{bad}");
    }
}

#[test]
fn method_urls_append_one_segment() {
    let oauth = Credentials::OAuth {
        client_endpoint: Url::parse("http://h/rest").unwrap(),
        access_token: String::new(),
        refresh_token: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
        token_endpoint: None,
    };
    assert_eq!(
        oauth.method_url("profile").as_str(),
        "http://h/rest/profile"
    );
    let webhook = Credentials::webhook("http://h/rest/1/code/").unwrap();
    assert_eq!(
        webhook.method_url("a/b?c").as_str(),
        "http://h/rest/1/code/a%2Fb%3Fc"
    );
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let webhook = Credentials::webhook("http://h/rest/1/s3cr3tc0de/").unwrap();
    assert_eq!(
        format!("{webhook:?}"),
        r#"Webhook { base_url: "http://h/rest/1/***/" }"#
    );
    let err = Credentials::webhook("http://h/rest/1/s3cr3tc0de/profile").unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
}

#[test]
fn token_pairs_accept_numbers_as_strings() {
    let pair: TokenPair =
        serde_json::from_str(r#"{"access_token":"a","refresh_token":"r","expires_in":"3600"}"#)
            .unwrap();
    assert_eq!(pair.expires_in, Some(3600));
    assert_eq!(pair.expires, None);
}
