//! The REST handler: one request, one method call, in the portal's order of checks:
//! method lookup (404 before auth, spec §1.6) → request-intensity limit → body and
//! parameters → credentials → scope, budget and method (in `dispatch`).

use super::route::{self, Format};
use super::{credentials, params, respond};
use crate::auth::{authenticate, Credentials};
use crate::clock::CallSpan;
use crate::journal::{kept_answer, masked, Entry, ParamsText, CODE_PLACEHOLDER};
use crate::rpc::dispatch::{dispatch, Executed};
use crate::rpc::registry::{self, MethodDef};
use crate::rpc::{ApiError, CallContext};
use crate::state::AppState;
use crate::storage::{CallerChanged, StoreError};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, State};
use axum::http::{Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use std::net::SocketAddr;

/// Every request that no other route takes.
pub async fn entry(State(state): State<AppState>, request: Request<Body>) -> Response {
    let started = state.clock().now();
    let Some(path) = route::parse(request.uri().path()) else {
        return not_found();
    };
    let format = path.format;
    if request.method() == Method::OPTIONS {
        // CORS preflight from browser apps: the portal's headers, no body.
        let mut response = StatusCode::OK.into_response();
        respond::add_portal_headers(response.headers_mut());
        return response;
    }
    if !accepted_verb(request.method()) {
        return verb_refused(request.method(), format);
    }
    let mut trace = Trace::new(&state, &path.method, started);
    // Boxed here, once: the call's future holds every state of authentication and of the
    // method, tens of kilobytes, and each tower layer above (`MapFuture`, `from_fn`) moves the
    // handler's future into a box of its own. Unboxed, those moves copied it whole several
    // times per request (callgrind: a fifth of chat.get's instructions were `memcpy`).
    let response = match Box::pin(call(&state, path, request, started, &mut trace)).await {
        Ok(response) => response,
        Err(error) => {
            if let Some(cause) = error.internal_cause() {
                tracing::error!(
                    method = %trace.method,
                    http.path = %trace.path,
                    error.code = %error.code(),
                    error.cause = cause,
                    "request failed"
                );
            }
            trace.error = Some(error.code().to_string());
            respond::error(&error, format)
        }
    };
    trace.status = Some(response.status().as_u16());
    if !state.journal().is_on() {
        return response;
    }
    // The answer is one buffer already (`respond` writes whole bodies), so this takes it
    // without waiting and puts it back.
    let (parts, body) = response.into_parts();
    match to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            trace.answer = Some(kept_answer(&bytes));
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => Response::from_parts(parts, Body::empty()),
    }
}

/// What the journal learns about a request while it is handled. It is written to the journal
/// when dropped, so a request whose client hung up mid-call (the handler is dropped then) is
/// recorded too, with status 499.
#[derive(Debug)]
struct Trace {
    state: AppState,
    started: f64,
    method: String,
    caller: String,
    params: ParamsText,
    status: Option<u16>,
    error: Option<String>,
    path: String,
    credential: &'static str,
    answer: Option<bytes::Bytes>,
}

impl Trace {
    fn new(state: &AppState, method: &str, started: f64) -> Self {
        Trace {
            state: state.clone(),
            started,
            method: method.to_owned(),
            caller: "anonymous".to_owned(),
            params: ParamsText::default(),
            status: None,
            error: None,
            path: String::new(),
            credential: "none",
            answer: None,
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        let (status, error) = match self.status {
            Some(status) => (status, self.error.take()),
            None => (499, Some("CLIENT_CLOSED_REQUEST".to_owned())),
        };
        let duration_ms = ((self.state.clock().now() - self.started) * 1e6).round() / 1e3;
        self.state.journal().record(Entry {
            id: 0,
            at: self.started,
            method: std::mem::take(&mut self.method),
            caller: std::mem::take(&mut self.caller),
            params: std::mem::take(&mut self.params),
            status,
            error,
            duration_ms,
            path: std::mem::take(&mut self.path),
            credential: self.credential,
            answer: self.answer.take(),
        });
    }
}

async fn call(
    state: &AppState,
    path: route::RestPath,
    request: Request<Body>,
    started: f64,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let def =
        registry::lookup(&path.method).ok_or_else(|| ApiError::new(ErrorCode::MethodNotFound))?;
    if state.limiter().counts_requests() {
        let client = client_address(&request, state.settings().trust_forwarded_for);
        if !state
            .limiter()
            .admit(&client, started)
            .await
            .map_err(ApiError::internal)?
        {
            return Err(ApiError::new(ErrorCode::QueryLimitExceeded));
        }
    }
    let settings = state.settings();
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, settings.max_body_bytes)
        .await
        .map_err(|_| body_too_large(settings.max_body_bytes))?;
    let mut params = params::gather(
        &parts.method,
        parts.uri.query(),
        &parts.headers,
        body,
        settings.param_limits,
    )
    .await?;
    let credentials = credentials::extract(path.webhook, &mut params, &parts.headers);
    if settings.require_https
        && matches!(credentials, Credentials::Webhook { .. })
        && !is_https(&parts)
    {
        // Bitrix24 cloud refuses webhooks over plain HTTP; OAuth calls have no such check.
        return Err(ApiError::new(ErrorCode::InvalidRequest));
    }
    trace.params = masked(&params);
    (trace.path, trace.credential) = replayable_path(&path.method, path.format, &credentials);
    // A method that only reads reads everything, the caller's credentials included, from one
    // snapshot: one read transaction for the request instead of one per statement (SQLite),
    // or a kept caller confirmed by the method's first statement (PostgreSQL). When the kept
    // caller turns out to have changed, the answer is dropped and the request runs again
    // with a fresh check, on a copy of its inputs kept for that (PostgreSQL only).
    let ran = if def.reads_only {
        let again = state
            .store()
            .keeps_callers()
            .then(|| (credentials.clone(), params.clone()));
        let run = authenticate_and_run(state, def, credentials, params, &parts.uri, trace);
        match (state.store().on_one_snapshot(run).await, again) {
            (Ok(ran), _) => ran,
            (Err(CallerChanged), Some((credentials, params))) => {
                // Rare, and boxed so that its future does not enlarge every request's.
                Box::pin(authenticate_and_run(
                    state,
                    def,
                    credentials,
                    params,
                    &parts.uri,
                    trace,
                ))
                .await
            }
            (Err(CallerChanged), None) => Err(StoreError::CallerChanged.into()),
        }
    } else {
        authenticate_and_run(state, def, credentials, params, &parts.uri, trace).await
    };
    let executed = match ran? {
        Ran::Early(response) => return response,
        Ran::Executed(executed) => executed,
    };
    let output = executed.result?;
    let span = CallSpan {
        start: started,
        method_start: executed.method_start,
        method_end: executed.method_end,
        finish: state.clock().now(),
    };
    let time = state
        .clock()
        .time_block(span, executed.operating, executed.operating_reset_at);
    Ok(respond::success(output, &time, path.format))
}

/// How a request that got past its parameters ended.
enum Ran {
    /// A fault switched on for this caller answered first (a refusal or a redirect).
    Early(Result<Response, ApiError>),
    /// The method ran.
    Executed(Executed),
}

/// Authentication, the caller's faults, then the method within the request time limit.
async fn authenticate_and_run(
    state: &AppState,
    def: &'static MethodDef,
    credentials: Credentials,
    params: Params,
    uri: &axum::http::Uri,
    trace: &mut Trace,
) -> Result<Ran, ApiError> {
    let caller = authenticate(state.store(), credentials, state.clock().now_secs()).await?;
    trace.caller = caller.describe();
    if let Some(early) = request_faults(state, &caller.credential_hash, uri).await {
        return Ok(Ran::Early(early));
    }
    let ctx = CallContext {
        state: state.clone(),
        caller,
        in_batch: false,
    };
    let timeout = state.settings().request_timeout;
    tokio::time::timeout(timeout, dispatch(def, ctx, params))
        .await
        .map(Ran::Executed)
        .map_err(|_| timed_out(timeout.as_secs()))
}

/// The path that repeats this call, without its secret, and how the credential came: a
/// webhook's code (in the path or in `aplogin`/`ap`) becomes a placeholder in the path form.
fn replayable_path(
    method: &str,
    format: Format,
    credentials: &Credentials,
) -> (String, &'static str) {
    let suffix = match format {
        Format::Json => "",
        Format::Xml => ".xml",
    };
    // Concatenated by hand (not `format!`): this runs on every call.
    let path = |parts: &[&str]| {
        let mut path = String::with_capacity(64);
        for part in parts {
            path.push_str(part);
        }
        path
    };
    match credentials {
        Credentials::Webhook { user, .. } => (
            path(&["/rest/", user, "/", CODE_PLACEHOLDER, "/", method, suffix]),
            "webhook",
        ),
        Credentials::Token(_) => (path(&["/rest/", method, suffix]), "token"),
        Credentials::None => (path(&["/rest/", method, suffix]), "none"),
    }
}

/// Applies the request-level fault switches: latency first, then a forced rate limit or a
/// redirect. `Some` when the request must end here.
async fn request_faults(
    state: &AppState,
    credential: &str,
    uri: &axum::http::Uri,
) -> Option<Result<Response, ApiError>> {
    if state.faults().is_empty() {
        return None;
    }
    let pick = |min: u64, max: u64| rand::random_range(min..=max);
    let faults = state.faults().for_request(credential, pick);
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.query_limit {
        return Some(Err(ApiError::new(ErrorCode::QueryLimitExceeded)));
    }
    let new_base = faults.redirect_to?;
    // A moved portal answers 302 with the same path and query on its new address (spec §1.5).
    let target = format!(
        "{}{}",
        new_base.trim_end_matches('/'),
        uri.path_and_query().map_or("", |pq| pq.as_str())
    );
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = axum::http::HeaderValue::from_str(&target) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, location);
    }
    respond::add_portal_headers(response.headers_mut());
    Some(Ok(response))
}

/// The client's address, the key of its leaky bucket (with the one portal this server is).
/// Behind a trusted proxy it is the last `X-Forwarded-For` entry: the proxy appends the peer
/// it saw, while anything before it came from the client and may be forged.
pub(super) fn client_address(request: &Request<Body>, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for
        .then(|| {
            request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .rfind(|entry| !entry.is_empty())
                .and_then(|entry| entry.parse::<std::net::IpAddr>().ok())
        })
        .flatten();
    match forwarded {
        Some(address) => address.to_string(),
        None => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string()),
    }
}

/// Whether the request arrived over TLS: our own listener marks it, or a reverse proxy says so
/// in `X-Forwarded-Proto` (trusted, since `--require-https` is meant for use behind one).
pub fn is_https(parts: &axum::http::request::Parts) -> bool {
    parts.extensions.get::<ServedOverTls>().is_some()
        || parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// Request extension set by the TLS listener.
#[derive(Debug, Clone, Copy)]
pub struct ServedOverTls;

fn body_too_large(limit: usize) -> ApiError {
    ApiError::with_description(
        ErrorCode::InvalidRequest,
        format!("Request body is larger than {limit} bytes"),
    )
    .with_status(413)
}

fn timed_out(seconds: u64) -> ApiError {
    ApiError::with_description(
        ErrorCode::InternalServerError,
        format!("The method did not finish within {seconds} s"),
    )
}

/// A portal runs methods for GET and POST only (OPTIONS is the CORS preflight above). Any other
/// verb is refused here, before the method lookup, so it can have no side effect: `CONNECT` or
/// `PUT` must never create a lead, and `HEAD` would run a method only to drop its answer.
fn accepted_verb(method: &Method) -> bool {
    method == Method::GET || method == Method::POST
}

/// `405 INVALID_REQUEST` with `Allow`, not journaled and not logged as an error: it is the
/// client's mistake, and the method never ran.
fn verb_refused(method: &Method, format: Format) -> Response {
    let error = ApiError::with_description(
        ErrorCode::InvalidRequest,
        format!("HTTP method {method} is not accepted; use GET or POST"),
    )
    .with_status(405);
    let mut response = respond::error(&error, format);
    response.headers_mut().insert(
        axum::http::header::ALLOW,
        axum::http::HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    response
}

/// Paths outside `/rest/` answer like an unknown method.
fn not_found() -> Response {
    respond::error(&ApiError::new(ErrorCode::MethodNotFound), Format::Json)
}

/// `GET /readyz`: 200 when the database and the limiter state (Redis, if configured) answer,
/// 503 with the first that does not otherwise. Load balancers route only to ready instances.
pub async fn ready(State(state): State<AppState>) -> Response {
    if let Err(error) = state.store().ping().await {
        tracing::warn!(error.cause = %error, "readiness check failed: database");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    if let Err(error) = state.limiter().ping().await {
        tracing::warn!(error.cause = %error, "readiness check failed: limiter state");
        return (StatusCode::SERVICE_UNAVAILABLE, "redis unreachable").into_response();
    }
    "ready".into_response()
}
