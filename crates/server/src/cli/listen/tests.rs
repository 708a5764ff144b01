use super::*;

#[test]
fn a_line_shows_everything_but_the_secrets() {
    let body = b"event=ONCRMDEALADD&event_handler_id=3&data[FIELDS][ID]=289&ts=17\
        &auth[access_token]=acc&auth[domain]=h:1&auth[application_token]=app";
    let delivery = events::parse(body, None).unwrap();
    let line = describe(&delivery, &raw_auth(body, None));
    assert_eq!(
        line,
        r#"event=ONCRMDEALADD handler_id=3 ts=17 data={"FIELDS":{"ID":"289"}} auth={"access_token":"***","domain":"h:1","application_token":"***"}"#
    );
}
