use super::*;
use clap::Parser;
use serde_json::json;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    call: CallArgs,
}

/// Parses without the environment leaking in (clap reads `OPENLINES_*` variables).
fn parse(args: &[&str]) -> Result<CallArgs, clap::Error> {
    Cli::try_parse_from(std::iter::once("openlines").chain(args.iter().copied())).map(|cli| {
        let mut call = cli.call;
        let given = |flag: &str| args.iter().any(|arg| arg.starts_with(flag));
        for (flag, field) in [
            ("--webhook", &mut call.webhook),
            ("--oauth-endpoint", &mut call.oauth_endpoint),
            ("--access-token", &mut call.access_token),
            ("--refresh-token", &mut call.refresh_token),
            ("--client-id", &mut call.client_id),
            ("--client-secret", &mut call.client_secret),
            ("--token-endpoint", &mut call.token_endpoint),
        ] {
            if !given(flag) {
                *field = None;
            }
        }
        call
    })
}

#[test]
fn flags_and_pairs_are_parsed() {
    let args = parse(&[
        "--webhook",
        "http://h/rest/1/code/",
        "--json",
        "imopenlines.crm.chat.get",
        "CRM_ENTITY_TYPE=deal",
        "CRM_ENTITY=288",
        "--timeout",
        "5",
    ])
    .unwrap();
    assert!(args.json);
    assert_eq!(args.timeout, 5);
    assert_eq!(args.params, ["CRM_ENTITY_TYPE=deal", "CRM_ENTITY=288"]);
    assert!(
        parse(&["--webhook", "x"]).is_err(),
        "the method is required"
    );
}

#[test]
fn bracketed_keys_build_the_tree_a_portal_would_read() {
    let params = build_params(&[
        "FIELDS[TITLE]=a=b & c".to_owned(),
        "FIELDS[PHONE][0][VALUE]=+49".to_owned(),
        "select[]=ID".to_owned(),
        "select[]=TITLE".to_owned(),
        "EMPTY=".to_owned(),
    ])
    .unwrap();
    assert_eq!(
        Value::Object(params.clone()),
        json!({
            "FIELDS": {"TITLE": "a=b & c", "PHONE": [{"VALUE": "+49"}]},
            "select": ["ID", "TITLE"],
            "EMPTY": ""
        })
    );
    assert_eq!(
        openlines_wire::params::encode(&params),
        "FIELDS%5BTITLE%5D=a%3Db+%26+c&FIELDS%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B49\
         &select%5B0%5D=ID&select%5B1%5D=TITLE&EMPTY="
    );
}

#[test]
fn malformed_pairs_are_usage_errors() {
    for bad in ["NOVALUE", "=x", "[a]=1", " =1"] {
        assert!(build_params(&[bad.to_owned()]).is_err(), "{bad}");
    }
}

#[test]
fn credentials_come_from_exactly_one_source() {
    let webhook = parse(&["--webhook", "http://h/rest/1/code/", "m"]).unwrap();
    assert!(matches!(
        credentials(&webhook),
        Ok(Credentials::Webhook { .. })
    ));

    let both = parse(&[
        "--webhook",
        "http://h/rest/1/code/",
        "--oauth-endpoint",
        "http://h/rest/",
        "m",
    ])
    .unwrap();
    assert!(credentials(&both).is_err());

    let neither = parse(&["m"]).unwrap();
    assert!(credentials(&neither).is_err());

    let bad_url = parse(&["--webhook", "http://h/rest/1/", "m"]).unwrap();
    assert!(credentials(&bad_url).is_err());
}

#[test]
fn oauth_needs_a_token_and_refresh_needs_all_its_parts() {
    let no_token = parse(&["--oauth-endpoint", "http://h/rest/", "m"]).unwrap();
    assert!(credentials(&no_token)
        .unwrap_err()
        .contains("--access-token"));

    let plain = parse(&[
        "--oauth-endpoint",
        "http://h/rest/",
        "--access-token",
        "t",
        "m",
    ])
    .unwrap();
    let Ok(Credentials::OAuth { token_endpoint, .. }) = credentials(&plain) else {
        panic!("not OAuth")
    };
    assert!(token_endpoint.is_none());

    let partial = parse(&[
        "--oauth-endpoint",
        "http://h/rest/",
        "--access-token",
        "t",
        "--token-endpoint",
        "http://h/oauth/token/",
        "--refresh-token",
        "r",
        "m",
    ])
    .unwrap();
    assert!(credentials(&partial).unwrap_err().contains("--client-id"));

    let full = parse(&[
        "--oauth-endpoint",
        "http://h/rest/",
        "--access-token",
        "t",
        "--token-endpoint",
        "http://h/oauth/token/",
        "--refresh-token",
        "r",
        "--client-id",
        "app",
        "--client-secret",
        "s",
        "m",
    ])
    .unwrap();
    assert!(matches!(
        credentials(&full),
        Ok(Credentials::OAuth {
            token_endpoint: Some(_),
            ..
        })
    ));
}

#[test]
fn exit_codes_follow_the_table() {
    let api = |status: u16, code: &str| {
        Error::from_error_body(status, format!(r#"{{"error":"{code}"}}"#).as_bytes())
    };
    let cases = [
        (api(401, "INVALID_CREDENTIALS"), 3),
        (api(401, "insufficient_scope"), 3),
        (api(403, "WRONG_AUTH_TYPE"), 3),
        (api(400, "ERROR_ARGUMENT"), 4),
        (api(403, "ACCESS_DENIED"), 4),
        (api(404, "ERROR_METHOD_NOT_FOUND"), 4),
        (api(500, "INTERNAL_SERVER_ERROR"), 4),
        (api(503, "QUERY_LIMIT_EXCEEDED"), 5),
        (api(429, "OPERATION_TIME_LIMIT"), 5),
        (Error::decode(502, "html"), 6),
        (Error::InvalidInput("x".to_owned()), 2),
    ];
    for (error, code) in cases {
        assert_eq!(exit_code(&error), code, "{error}");
    }
}

#[tokio::test]
async fn usage_errors_exit_with_2_before_any_request() {
    let args = parse(&["--webhook", "http://h/rest/1/code/", "m", "oops"]).unwrap();
    assert_eq!(run_code(args).await, 2);
}

#[test]
fn the_arguments_are_a_valid_clap_definition_with_env_fallbacks() {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.clone().debug_assert();
    let help = command.render_long_help().to_string();
    for env in [
        "OPENLINES_WEBHOOK",
        "OPENLINES_OAUTH_ENDPOINT",
        "OPENLINES_ACCESS_TOKEN",
        "OPENLINES_REFRESH_TOKEN",
        "OPENLINES_CLIENT_ID",
        "OPENLINES_CLIENT_SECRET",
        "OPENLINES_TOKEN_ENDPOINT",
    ] {
        assert!(help.contains(env), "{env} missing from\n{help}");
    }
}
