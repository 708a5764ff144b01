//! Console sign-in: sessions, their cookie, and the checks every console request passes.
//!
//! Signing in with the admin token makes a session: a random id that only the cookie carries
//! (`HttpOnly; SameSite=Strict; Path=/_openlines/`, `Secure` over HTTPS) — never the admin
//! token itself — and a random CSRF token the page reads once and sends back on every change.
//! The server keeps only the SHA-256 of each session id, in memory: sessions end with the
//! process, on sign-out, or after [`SESSION_LIFETIME`].
//!
//! A change (`POST`) must pass three checks: the session cookie, the CSRF token (compared in
//! constant time) and an `Origin` naming this server's own host. A webhook code or an OAuth
//! token never opens anything here: nothing in this module reads them.

use crate::domain::credentials::{generate_token, SecretHash};
use axum::http::{header, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie's name.
pub const COOKIE: &str = "openlines_console";
/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Most sessions kept at once; signing in beyond this drops the oldest.
const MAX_SESSIONS: usize = 256;

/// One signed-in browser.
#[derive(Debug, Clone)]
struct Session {
    csrf: String,
    started: Instant,
}

/// A signed-in request's session: what a handler may use.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The session's CSRF token (the page needs it for its changes).
    pub csrf: String,
    /// The session id's hash (to sign out).
    key: String,
}

/// The console's sessions and its shutdown switch.
#[derive(Debug)]
pub struct Console {
    sessions: Mutex<HashMap<String, Session>>,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for Console {
    fn default() -> Self {
        Console {
            sessions: Mutex::default(),
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl Console {
    /// Starts a session; returns the id for the cookie (shown to the browser only).
    pub fn sign_in(&self) -> SecretString {
        let id = generate_token();
        let session = Session {
            csrf: generate_token().expose_secret().to_owned(),
            started: Instant::now(),
        };
        let mut sessions = self.lock();
        sessions.retain(|_, session| session.started.elapsed() < SESSION_LIFETIME);
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, session)| session.started)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(SecretHash::of(&id).as_str().to_owned(), session);
        id
    }

    /// The session the request's cookie names, if it is live.
    pub fn session(&self, headers: &HeaderMap) -> Option<Signed> {
        let id = cookie_value(headers, COOKIE)?;
        let key = SecretHash::of(&SecretString::from(id.to_owned()))
            .as_str()
            .to_owned();
        let mut sessions = self.lock();
        let session = sessions.get(&key)?;
        if session.started.elapsed() >= SESSION_LIFETIME {
            sessions.remove(&key);
            return None;
        }
        Some(Signed {
            csrf: session.csrf.clone(),
            key,
        })
    }

    /// Ends a session.
    pub fn sign_out(&self, signed: &Signed) {
        self.lock().remove(&signed.key);
    }

    /// Ends every live stream (the server is stopping: open streams would hold it up).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Turns true when the server stops.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Signed {
    /// Whether `presented` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        let expected = SecretHash::of(&SecretString::from(self.csrf.clone()));
        let presented_hash = SecretHash::of(&SecretString::from(presented.to_owned()));
        !presented.is_empty() && expected.matches(&presented_hash)
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// The `Set-Cookie` value that stores session `id`.
pub fn set_cookie(id: &SecretString, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{COOKIE}={}; Path=/_openlines/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        id.expose_secret(),
        SESSION_LIFETIME.as_secs()
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "openlines_console=; Path=/_openlines/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static(
            "openlines_console=; Path=/_openlines/; HttpOnly; SameSite=Strict; Max-Age=0",
        )
    }
}

/// Whether a change comes from a page of this server: its `Origin` (or, lacking one, its
/// `Referer`) names the host the request was sent to. A browser always sends `Origin` with
/// a `POST`, so a form on another site is refused even if it reached us with the cookie.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|value| value.to_str().ok());
    let Some(origin) = origin else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .map(|rest| rest.split('/').next().unwrap_or(""));
    authority.is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests;
