use super::*;

#[test]
fn invalid_rate_limits_are_refused_at_build() {
    let credentials = Credentials::webhook("http://h/rest/1/code/").unwrap();
    let built = Client::builder(credentials)
        .rate_limit(RateLimit {
            drain_per_second: 0.0,
            burst: 1,
        })
        .build();
    assert!(matches!(built, Err(Error::InvalidInput(_))));
}

#[test]
fn user_agents_must_be_header_values() {
    let credentials = Credentials::webhook("http://h/rest/1/code/").unwrap();
    let built = ClientBuilder::new(credentials)
        .user_agent("bad\nagent")
        .build();
    assert!(matches!(built, Err(Error::InvalidInput(_))));
}
