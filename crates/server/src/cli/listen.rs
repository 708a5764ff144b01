//! `openlines listen`: a small event handler for people. It serves one URL on a loopback
//! port and prints each delivery it receives as one line of standard output, with the
//! secrets of `auth` masked:
//!
//! ```text
//! event=ONCRMDEALADD handler_id=3 ts=1764567890 data={"FIELDS":{"ID":"289"}} auth={"access_token":"***",…}
//! ```
//!
//! With `--bind EVENT` (repeatable) and an application's OAuth token it calls `event.bind`
//! for its own URL first (events need an application context, so a webhook cannot bind),
//! and `event.unbind` when stopped. With `--token` it checks each delivery's
//! `application_token` and answers a forged one with 401. The parsing is the client crate's
//! ([`openlines_client::events`]), the same a Rust handler uses.

use super::fail;
use super::shutdown::ShutdownSignals;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header::CONTENT_TYPE, HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use clap::Args;
use openlines_client::events::{self, Delivery};
use openlines_client::{Client, Credentials, Params};
use serde_json::{json, Value};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// The `auth` fields never printed.
const SECRETS: [&str; 3] = ["access_token", "refresh_token", "application_token"];

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The address to listen on; port 0 picks a free one (printed at start).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// The expected `application_token`: deliveries without it are marked FORGED and refused
    /// with 401.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Bind this event to the listener with `event.bind` at start (and unbind at exit);
    /// repeatable. Needs --oauth-endpoint and --access-token (an application's).
    #[arg(long = "bind", value_name = "EVENT")]
    pub bind: Vec<String>,
    /// The handler URL to bind, as the server reaches the listener [default: its own
    /// address, http://<listen>/].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// The portal's REST base for --bind, e.g. http://127.0.0.1:8080/rest/
    #[arg(long, env = "OPENLINES_OAUTH_ENDPOINT", value_name = "URL")]
    pub oauth_endpoint: Option<String>,
    /// An application's OAuth access token for --bind
    #[arg(long, env = "OPENLINES_ACCESS_TOKEN", hide_env_values = true)]
    pub access_token: Option<String>,
}

#[derive(Debug)]
struct Listener {
    token: Option<String>,
}

pub async fn run(args: ListenArgs) -> ExitCode {
    let binder = match binder(&args) {
        Ok(binder) => binder,
        Err(message) => return fail(&message),
    };
    let socket = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(socket) => socket,
        Err(error) => return fail(&format!("cannot listen on {}: {error}", args.listen)),
    };
    let address = match socket.local_addr() {
        Ok(address) => address,
        Err(error) => return fail(&error),
    };
    let url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}/"));
    let signals = ShutdownSignals::listen();
    let app = Router::new()
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(Arc::new(Listener {
            token: args.token.clone(),
        }));
    let server = tokio::spawn(async move { axum::serve(socket, app).await });
    eprintln!("listening on http://{address}/ (handler URL {url}); Ctrl-C stops");
    if let Some(client) = &binder {
        for event in &args.bind {
            if let Err(error) = call(client, "event.bind", event, &url).await {
                return fail(&format!("event.bind {event}: {error}"));
            }
            eprintln!("bound {event} to {url}");
        }
    }
    tokio::select! {
        () = signals.received() => {}
        ended = server => {
            if let Ok(Err(error)) = ended {
                return fail(&error);
            }
        }
    }
    if let Some(client) = &binder {
        for event in &args.bind {
            if let Err(error) = call(client, "event.unbind", event, &url).await {
                eprintln!("event.unbind {event}: {error}");
            }
        }
    }
    ExitCode::SUCCESS
}

/// The client that binds, when `--bind` asks for one.
fn binder(args: &ListenArgs) -> Result<Option<Client>, String> {
    if args.bind.is_empty() {
        return Ok(None);
    }
    let (Some(endpoint), Some(token)) = (&args.oauth_endpoint, &args.access_token) else {
        return Err(
            "--bind needs --oauth-endpoint and --access-token (event.bind needs an \
             application's token)"
                .to_owned(),
        );
    };
    let client_endpoint = openlines_client::Url::parse(endpoint)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(|| {
            format!("--oauth-endpoint must be an http:// or https:// URL, not {endpoint:?}")
        })?;
    Client::new(Credentials::OAuth {
        client_endpoint,
        access_token: token.clone(),
        refresh_token: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
        token_endpoint: None,
    })
    .map(Some)
    .map_err(|error| error.to_string())
}

async fn call(
    client: &Client,
    method: &str,
    event: &str,
    handler: &str,
) -> Result<(), openlines_client::Error> {
    let mut params = Params::new();
    params.insert("event".into(), json!(event));
    params.insert("handler".into(), json!(handler));
    client.call(method, params).await.map(|_| ())
}

async fn receive(
    State(listener): State<Arc<Listener>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let delivery = match events::parse(&body, content_type) {
        Ok(delivery) => delivery,
        Err(error) => {
            eprintln!("refused a request that is not a delivery: {error}");
            return (StatusCode::BAD_REQUEST, "not an event delivery");
        }
    };
    let verdict = listener
        .token
        .as_deref()
        .map(|token| delivery.verify(token).is_ok());
    let raw_auth = raw_auth(&body, content_type);
    let mut line = describe(&delivery, &raw_auth);
    match verdict {
        Some(true) => line.push_str(" verified"),
        Some(false) => line.push_str(" FORGED"),
        None => {}
    }
    let mut out = std::io::stdout().lock();
    // A closed standard output must not turn deliveries into failures the server retries.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    if verdict == Some(false) {
        (StatusCode::UNAUTHORIZED, "wrong application_token")
    } else {
        (StatusCode::OK, "ok")
    }
}

/// `auth` as sent (every field, in order), for printing.
fn raw_auth(body: &[u8], content_type: Option<&str>) -> Value {
    let text = std::str::from_utf8(body).unwrap_or("");
    let params = match content_type.map(|value| value.starts_with("application/json")) {
        Some(true) => serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|value| value.as_object().cloned())
            .unwrap_or_default(),
        _ => openlines_wire::params::decode_query(text, Default::default()).unwrap_or_default(),
    };
    params.get("auth").cloned().unwrap_or(Value::Null)
}

/// One line: event, handler id, time, `data` and `auth` (secrets masked) as compact JSON.
fn describe(delivery: &Delivery, auth: &Value) -> String {
    let mut auth = auth.clone();
    if let Some(fields) = auth.as_object_mut() {
        for secret in SECRETS {
            if let Some(value) = fields.get_mut(secret) {
                *value = json!("***");
            }
        }
    }
    let or_dash = |value: Option<i64>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    format!(
        "event={} handler_id={} ts={} data={} auth={}",
        delivery.name,
        or_dash(delivery.handler_id),
        or_dash(delivery.ts),
        delivery.data,
        auth
    )
}

#[cfg(test)]
mod tests;
