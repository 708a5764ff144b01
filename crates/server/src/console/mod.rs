//! The web console at `/_openlines/`: the call journal live, the data, and the fault
//! switches, in a browser (docs/CONSOLE.md describes each page).
//!
//! One HTML page, one stylesheet and one script, hand-written and embedded in the binary (no
//! build step, nothing fetched from elsewhere: it works on a machine without internet). The
//! page builds its DOM with `textContent` only, so a value from the data is always text.
//!
//! Signing in takes the admin token ([`session`]); everything else here — the script, every
//! JSON endpoint under `/_openlines/console/api/`, the live stream — needs the session cookie,
//! and every change also the session's CSRF token and a same-origin `Origin`. The stylesheet
//! alone is public, because the sign-in form uses it and it holds no data. Without an admin
//! token configured the console does not exist (404, like the admin endpoint).

mod api;
mod data;
mod live;
pub mod session;

use crate::http::respond;
use crate::http::route::Format;
use crate::rpc::ApiError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openlines_wire::ErrorCode;
use secrecy::SecretString;
use serde_json::Value;
use session::Signed;

const INDEX_HTML: &str = include_str!("assets/index.html");
const SIGNIN_HTML: &str = include_str!("assets/signin.html");
const APP_CSS: &str = include_str!("assets/app.css");
const APP_JS: &str = include_str!("assets/app.js");

/// The largest sign-in or sign-out form read (a token is far shorter).
const SIGN_IN_FORM_BYTES: usize = 4096;

/// What the sign-in page says after a wrong token (fixed text: nothing of the request).
const WRONG_TOKEN: &str = "<p class=\"error\" role=\"alert\">That is not the admin token.</p>";

/// The console's routes (merged under the main router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_openlines", get(to_console))
        .route("/_openlines/", get(page))
        .route("/_openlines/login", post(sign_in))
        .route("/_openlines/logout", post(sign_out))
        .route("/_openlines/console/app.css", get(stylesheet))
        .route("/_openlines/console/app.js", get(script))
        .merge(api::routes())
        .merge(data::routes())
}

/// Headers on every console answer: no framing, no sniffing, no caching, and nothing
/// loaded or posted anywhere but this server.
fn harden(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    harden(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// A JSON answer.
pub(crate) fn json(body: &Value) -> Response {
    harden(respond::write(StatusCode::OK, body, Format::Json))
}

/// A Bitrix-style JSON error.
pub(crate) fn refuse(error: &ApiError) -> Response {
    harden(respond::error(error, Format::Json))
}

fn no_console() -> Response {
    refuse(&ApiError::new(ErrorCode::MethodNotFound))
}

fn not_signed_in() -> Response {
    refuse(&ApiError::with_description(
        ErrorCode::InvalidCredentials,
        "Sign in to the console with the admin token first (/_openlines/)",
    ))
}

fn forbidden(why: &'static str) -> Response {
    refuse(&ApiError::with_description(ErrorCode::AccessDenied, why).with_status(403))
}

/// Why a console request is refused (its answer is [`IntoResponse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No admin token is configured: there is no console.
    NoConsole,
    NotSignedIn,
    /// A failed CSRF or Origin check.
    Forbidden(&'static str),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoConsole => no_console(),
            Refusal::NotSignedIn => not_signed_in(),
            Refusal::Forbidden(why) => forbidden(why),
        }
    }
}

/// The session of a request for a page or data, or why it is refused.
pub(crate) fn signed(state: &AppState, headers: &HeaderMap) -> Result<Signed, Refusal> {
    if state.settings().admin_token.is_none() {
        return Err(Refusal::NoConsole);
    }
    state.console().session(headers).ok_or(Refusal::NotSignedIn)
}

/// The session of a change: signed in, from a page of this server, with the CSRF token in
/// `X-CSRF-Token`.
pub(crate) fn signed_change(state: &AppState, headers: &HeaderMap) -> Result<Signed, Refusal> {
    let signed = signed(state, headers)?;
    if !session::same_origin(headers) {
        return Err(Refusal::Forbidden(
            "Changes are accepted only from the console's own pages (Origin)",
        ));
    }
    let presented = headers
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if !signed.csrf_matches(presented) {
        return Err(Refusal::Forbidden("The CSRF token is missing or wrong"));
    }
    Ok(signed)
}

async fn to_console() -> Response {
    harden(
        (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, "/_openlines/")],
        )
            .into_response(),
    )
}

/// The console for a signed-in browser, the sign-in form for anyone else.
async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.settings().admin_token.is_none() {
        return no_console();
    }
    if state.console().session(&headers).is_some() {
        asset("text/html; charset=utf-8", INDEX_HTML)
    } else {
        asset("text/html; charset=utf-8", signin_page(false))
    }
}

/// The sign-in form, after a wrong token or not: two fixed texts, so the page never echoes
/// anything of a request.
fn signin_page(failed: bool) -> &'static str {
    static FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if failed {
        FAILED.get_or_init(|| SIGNIN_HTML.replace("<!--message-->", WRONG_TOKEN))
    } else {
        SIGNIN_HTML
    }
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

async fn script(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed(&state, &headers) {
        Ok(_) => asset("text/javascript; charset=utf-8", APP_JS),
        Err(refused) => refused.into_response(),
    }
}

/// `POST /_openlines/login`, a form with `token`: a session cookie for the admin token.
async fn sign_in(State(state): State<AppState>, request: Request<Body>) -> Response {
    let Some(expected) = state.settings().admin_token.clone() else {
        return no_console();
    };
    let (parts, body) = request.into_parts();
    // A sign-in form on another site would sign the browser in to a session it does not
    // know about (login CSRF): the same Origin check as every change.
    if !session::same_origin(&parts.headers) {
        return forbidden("Sign in from the console's own page (Origin)");
    }
    let Ok(body) = to_bytes(body, SIGN_IN_FORM_BYTES).await else {
        return refuse(
            &ApiError::with_description(
                ErrorCode::InvalidRequest,
                "The sign-in form is larger than it can be",
            )
            .with_status(413),
        );
    };
    let presented = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let matches = crate::domain::credentials::SecretHash::of(&expected).matches(
        &crate::domain::credentials::SecretHash::of(&SecretString::from(presented.clone())),
    );
    if !matches || presented.is_empty() {
        let mut response = asset("text/html; charset=utf-8", signin_page(true));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    }
    let id = state.console().sign_in();
    let secure = crate::http::rest::is_https(&parts);
    let mut response =
        harden((StatusCode::SEE_OTHER, [(header::LOCATION, "/_openlines/")]).into_response());
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::set_cookie(&id, secure));
    response
}

/// `POST /_openlines/logout` with the CSRF token (form field `csrf` or the header).
async fn sign_out(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let signed = match signed(&state, &parts.headers) {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let body = to_bytes(body, SIGN_IN_FORM_BYTES).await.unwrap_or_default();
    let presented = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.into_owned())
        .or_else(|| {
            parts
                .headers
                .get("x-csrf-token")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    if !session::same_origin(&parts.headers) || !signed.csrf_matches(&presented) {
        return forbidden("Sign out from the console's own page");
    }
    state.console().sign_out(&signed);
    let secure = crate::http::rest::is_https(&parts);
    let mut response =
        harden((StatusCode::SEE_OTHER, [(header::LOCATION, "/_openlines/")]).into_response());
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(secure));
    response
}
