//! `openlines call`: call any method from the command line (feature `cli`).
//!
//! This module only offers the arguments ([`CallArgs`], a `clap::Args`) and [`run`]; a binary
//! mounts them as a subcommand:
//!
//! ```no_run
//! use clap::{Parser, Subcommand};
//! use openlines_client::cli::{run, CallArgs};
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(subcommand)]
//!     command: Command,
//! }
//!
//! #[derive(Subcommand)]
//! enum Command {
//!     /// Call a REST method.
//!     Call(CallArgs),
//! }
//!
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     match Cli::parse().command {
//!         Command::Call(args) => run(args).await,
//!     }
//! }
//! ```

mod table;

use crate::credentials::parse_http_url;
use crate::{Answer, Client, Credentials, Error, TokenPair};
use openlines_wire::params::{DecodeError, Limits, Params, ParamsBuilder};
use openlines_wire::ErrorBody;
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `openlines call [--webhook URL | --oauth-endpoint URL --access-token T …]
/// <method> [KEY=VALUE]…`.
///
/// `KEY` may carry PHP brackets (`FIELDS[TITLE]=x`, `select[]=ID`); the pairs are read exactly
/// as a portal reads a query string, then sent as a form body. Values are strings, as they
/// would be in a query string.
///
/// ```
/// use clap::Parser;
/// use openlines_client::cli::CallArgs;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     call: CallArgs,
/// }
///
/// let cli = Cli::try_parse_from([
///     "openlines", "--webhook", "http://127.0.0.1:8080/rest/1/code/",
///     "imopenlines.crm.chat.get", "CRM_ENTITY_TYPE=deal", "CRM_ENTITY=288", "ACTIVE_ONLY=N",
/// ])?;
/// assert_eq!(cli.call.method, "imopenlines.crm.chat.get");
/// assert_eq!(cli.call.params.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct CallArgs {
    /// Webhook URL, e.g. `http://127.0.0.1:8080/rest/1/<code>/`.
    #[arg(
        long,
        env = "OPENLINES_WEBHOOK",
        hide_env_values = true,
        value_name = "URL",
        help = "Webhook URL, e.g. http://127.0.0.1:8080/rest/1/<code>/"
    )]
    pub webhook: Option<String>,

    /// OAuth client endpoint (the portal's REST base), e.g. http://127.0.0.1:8080/rest/
    #[arg(long, env = "OPENLINES_OAUTH_ENDPOINT", value_name = "URL")]
    pub oauth_endpoint: Option<String>,

    /// OAuth access token, sent as `auth`
    #[arg(long, env = "OPENLINES_ACCESS_TOKEN", hide_env_values = true)]
    pub access_token: Option<String>,

    /// OAuth refresh token, used once if the access token has expired
    #[arg(long, env = "OPENLINES_REFRESH_TOKEN", hide_env_values = true)]
    pub refresh_token: Option<String>,

    /// OAuth application id, needed to refresh
    #[arg(long, env = "OPENLINES_CLIENT_ID")]
    pub client_id: Option<String>,

    /// OAuth application secret, needed to refresh
    #[arg(long, env = "OPENLINES_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,

    /// OAuth token URL, e.g. http://127.0.0.1:8080/oauth/token/; without it no refresh is tried
    #[arg(long, env = "OPENLINES_TOKEN_ENDPOINT", value_name = "URL")]
    pub token_endpoint: Option<String>,

    /// Print the answer envelope (or the error body) as JSON instead of a table
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait for an answer
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// Also trust the CA certificate(s) in this PEM file, e.g. the openlines-tls-ca.pem that
    /// `openlines serve --tls-self-signed` made (SSL_CERT_FILE is honoured as well)
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<std::path::PathBuf>,

    /// Method to call, e.g. imopenlines.crm.chat.get
    pub method: String,

    /// Parameters as `KEY=VALUE`; `KEY` may use brackets: `FIELDS[TITLE]=x`.
    #[arg(
        value_name = "KEY=VALUE",
        help = "Parameters as KEY=VALUE; KEY may use brackets: FIELDS[TITLE]=x"
    )]
    pub params: Vec<String>,
}

/// Calls the method and prints the answer; returns the process's exit code.
///
/// Output: with `--json` the answer envelope (`result`, `time`, `next`, `total`) as one line
/// of JSON; otherwise a table when the result is a non-empty array of objects (one column per
/// key, in first-seen order; `next`/`total` noted on stderr), else the result as pretty JSON.
/// Errors go to stderr; with `--json` an API error's body is also printed to stdout.
///
/// Exit codes:
///
/// | code | meaning |
/// |---|---|
/// | 0 | the call succeeded |
/// | 2 | usage error: missing or conflicting credentials, a malformed URL or `KEY=VALUE` |
/// | 3 | API error about authentication or authorisation (HTTP 401, `insufficient_scope`, `expired_token`, `WRONG_AUTH_TYPE`, …) |
/// | 4 | any other API error (`ERROR_ARGUMENT`, `ACCESS_DENIED`, `ERROR_METHOD_NOT_FOUND`, method errors, server errors) |
/// | 5 | rate or time limit (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`, `OVERLOAD_LIMIT`) after the retries |
/// | 6 | no usable answer: timeout, transport failure, or an answer that is not the protocol |
///
/// When an OAuth refresh happens, the new token pair is printed to stderr: the old refresh
/// token no longer works, so it must not be lost.
///
/// ```no_run
/// # async fn demo(args: openlines_client::cli::CallArgs) {
/// let code = openlines_client::cli::run(args).await;
/// # let _ = code;
/// # }
/// ```
pub async fn run(args: CallArgs) -> ExitCode {
    ExitCode::from(run_code(args).await)
}

async fn run_code(args: CallArgs) -> u8 {
    let prepared = credentials(&args).and_then(|credentials| {
        let params = build_params(&args.params)?;
        Ok((credentials, params))
    });
    let (credentials, params) = match prepared {
        Ok(prepared) => prepared,
        Err(usage) => {
            eprintln!("openlines call: {usage}");
            return EXIT_USAGE;
        }
    };
    let mut builder = Client::builder(credentials)
        .timeout(Duration::from_secs(args.timeout))
        .on_token_refresh(announce_refresh);
    if let Some(file) = &args.cacert {
        builder = builder.ca_certificate_file(file);
    }
    let client = builder.build();
    let answer = match client {
        Ok(client) => client.call(&args.method, params).await,
        Err(err) => Err(err),
    };
    match answer {
        Ok(answer) => {
            print_answer(&answer, args.json);
            0
        }
        Err(err) => {
            report_error(&err, args.json);
            exit_code(&err)
        }
    }
}

const EXIT_USAGE: u8 = 2;

/// The exit code [`run`] gives for `error` (see the table there).
///
/// ```
/// use openlines_client::{cli::exit_code, Error};
/// let expired = Error::from_error_body(401, br#"{"error":"expired_token"}"#);
/// assert_eq!(exit_code(&expired), 3);
/// let limited = Error::from_error_body(503, br#"{"error":"QUERY_LIMIT_EXCEEDED"}"#);
/// assert_eq!(exit_code(&limited), 5);
/// assert_eq!(exit_code(&Error::Timeout(std::time::Duration::from_secs(1))), 6);
/// ```
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Api(api) if api.is_rate_limited() => 5,
        Error::Api(api) if api.is_auth_error() => 3,
        Error::Api(_) | Error::NotExecuted { .. } => 4,
        Error::InvalidInput(_) => EXIT_USAGE,
        Error::Timeout(_) | Error::Transport(_) | Error::Decode { .. } | Error::Runtime(_) => 6,
    }
}

/// Picks webhook or OAuth credentials from the arguments.
fn credentials(args: &CallArgs) -> Result<Credentials, String> {
    match (&args.webhook, &args.oauth_endpoint) {
        (Some(_), Some(_)) => Err(
            "give either --webhook or --oauth-endpoint, not both (check OPENLINES_WEBHOOK and \
             OPENLINES_OAUTH_ENDPOINT)"
                .to_owned(),
        ),
        (Some(url), None) => Credentials::webhook(url).map_err(|err| err.to_string()),
        (None, Some(endpoint)) => oauth_credentials(args, endpoint),
        (None, None) => Err(
            "no credentials: give --webhook URL (or OPENLINES_WEBHOOK), or --oauth-endpoint URL \
             with --access-token"
                .to_owned(),
        ),
    }
}

fn oauth_credentials(args: &CallArgs, endpoint: &str) -> Result<Credentials, String> {
    let client_endpoint =
        parse_http_url(endpoint, "--oauth-endpoint").map_err(|err| err.to_string())?;
    let access_token = args
        .access_token
        .clone()
        .ok_or("--oauth-endpoint needs --access-token")?;
    let token_endpoint = match &args.token_endpoint {
        Some(url) => Some(parse_http_url(url, "--token-endpoint").map_err(|err| err.to_string())?),
        None => None,
    };
    let refresh_part = |value: &Option<String>, flag: &str| match (value, &token_endpoint) {
        (Some(value), _) => Ok(value.clone()),
        (None, None) => Ok(String::new()),
        (None, Some(_)) => Err(format!("--token-endpoint needs {flag}")),
    };
    Ok(Credentials::OAuth {
        client_endpoint,
        access_token,
        refresh_token: refresh_part(&args.refresh_token, "--refresh-token")?,
        client_id: refresh_part(&args.client_id, "--client-id")?,
        client_secret: refresh_part(&args.client_secret, "--client-secret")?,
        token_endpoint,
    })
}

/// Reads `KEY=VALUE` pairs the way a portal reads a query string.
fn build_params(pairs: &[String]) -> Result<Params, String> {
    let mut builder = ParamsBuilder::new(Limits::default());
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("expected KEY=VALUE, got {pair:?}"));
        };
        if key.trim().is_empty() || key.starts_with('[') {
            return Err(format!("parameter {pair:?} has no name"));
        }
        builder
            .insert(key, Value::String(value.to_owned()))
            .map_err(|err: DecodeError| err.to_string())?;
    }
    Ok(builder.finish())
}

fn print_answer(answer: &Answer<Value>, json: bool) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (`| head`) is not worth a failure exit.
    let _ = if json {
        match serde_json::to_string(answer) {
            Ok(text) => writeln!(out, "{text}"),
            Err(_) => Ok(()),
        }
    } else if let Some(rendered) = table::render(&answer.result) {
        if answer.next.is_some() || answer.total.is_some() {
            let count = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
            eprintln!(
                "total: {}, next: {}",
                count(answer.total),
                count(answer.next)
            );
        }
        write!(out, "{rendered}")
    } else {
        let text = serde_json::to_string_pretty(&answer.result).unwrap_or_default();
        writeln!(out, "{text}")
    };
}

fn report_error(error: &Error, json: bool) {
    // Transport errors say little at the top ("error sending request"); the cause says why.
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = inner.source();
    }
    eprintln!("openlines call: {message}{}", connect_hint(error, &message));
    if let (true, Some(api)) = (json, error.api()) {
        let body = ErrorBody {
            error: api.code.clone(),
            error_description: api.description.clone(),
            argument: api.argument.clone(),
        };
        if let Ok(text) = serde_json::to_string(&body) {
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        }
    }
}

/// What to do about a connection that could not be made (empty for other errors).
fn connect_hint(error: &Error, message: &str) -> &'static str {
    if !error.is_connect_failure() {
        ""
    } else if message.contains("certificate") {
        "\n  the server's certificate is not trusted: give --cacert FILE (for openlines, the \
         openlines-tls-ca.pem it printed at start) or set SSL_CERT_FILE"
    } else {
        "\n  nothing answered at that address: is the server running (`openlines serve`), \
         and are the host and port in the URL right?"
    }
}

/// Prints a refreshed token pair to stderr: the program is a one-shot, and the old refresh
/// token is spent, so the user must be able to store the new one.
fn announce_refresh(pair: &TokenPair) {
    eprintln!(
        "openlines call: the access token had expired and was refreshed; the old refresh token \
         no longer works. New tokens:"
    );
    if let Ok(text) = serde_json::to_string(pair) {
        eprintln!("{text}");
    }
}

#[cfg(test)]
mod tests;
