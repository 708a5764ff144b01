//! Who the client calls as: an incoming webhook or an OAuth application token.
//!
//! A webhook carries its secret in the URL path (`/rest/<user_id>/<code>/`), so calls go to
//! `<base>/<method>` and carry nothing else. An OAuth token is sent as the `auth` parameter of
//! every call to the portal's `client_endpoint`; when the portal answers `401 expired_token`
//! the client trades the refresh token for a new pair (spec §10.2) and tells the program
//! through a [`TokenHook`], since every refresh invalidates the old refresh token.
//!
//! `Debug` output never shows a secret: webhook codes, tokens and the client secret print as
//! `***`.

use crate::Error;
use reqwest::Url;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::sync::Arc;

/// Where calls go and how they authenticate.
///
/// ```
/// use openlines_client::{Credentials, Url};
/// let webhook = Credentials::webhook("http://127.0.0.1:8080/rest/1/4l777m8lapmdaz1n/")?;
///
/// let oauth = Credentials::OAuth {
///     client_endpoint: Url::parse("http://127.0.0.1:8080/rest/")?,
///     access_token: "a-token".into(),
///     refresh_token: "r-token".into(),
///     client_id: "local.app".into(),
///     client_secret: "s3cr3t".into(),
///     token_endpoint: Some(Url::parse("http://127.0.0.1:8080/oauth/token/")?),
/// };
/// let shown = format!("{webhook:?} {oauth:?}");
/// for secret in ["4l777m8lapmdaz1n", "a-token", "r-token", "s3cr3t"] {
///     assert!(!shown.contains(secret));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub enum Credentials {
    /// An incoming webhook; build it with [`Credentials::webhook`].
    Webhook {
        /// `http(s)://host/rest/<user_id>/<code>/`, always with the trailing slash.
        base_url: Url,
    },
    /// An OAuth application token.
    OAuth {
        /// The portal's REST base, e.g. `http://host/rest/`; calls go to `<endpoint><method>`.
        client_endpoint: Url,
        /// Sent as `auth` with every call.
        access_token: String,
        /// Traded for a new pair when the access token expires.
        refresh_token: String,
        /// The application's id, needed for a refresh.
        client_id: String,
        /// The application's secret, needed for a refresh.
        client_secret: String,
        /// The OAuth server's token URL, e.g. `http://host/oauth/token/`. `None` turns
        /// automatic refresh off: `expired_token` is then returned like any other error.
        token_endpoint: Option<Url>,
    },
}

impl Credentials {
    /// Reads a webhook URL such as `https://portal/rest/1/4l777m8lapmdaz1n/`.
    ///
    /// The path must end in `rest/<user_id>/<code>` (a trailing slash is added if missing);
    /// anything after the code, such as a method name pasted along, is refused rather than
    /// guessed at. A prefix before `rest` is kept, for servers mounted under a sub-path.
    ///
    /// ```
    /// use openlines_client::Credentials;
    /// let Credentials::Webhook { base_url } =
    ///     Credentials::webhook("http://127.0.0.1:8080/rest/1/abcd1234efgh5678")?
    /// else { unreachable!() };
    /// assert_eq!(base_url.as_str(), "http://127.0.0.1:8080/rest/1/abcd1234efgh5678/");
    ///
    /// assert!(Credentials::webhook("http://127.0.0.1/rest/1/abcd/profile").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn webhook(url: &str) -> Result<Credentials, Error> {
        let mut base_url = parse_http_url(url, "webhook URL")?;
        let segments: Vec<&str> = base_url
            .path_segments()
            .map(|segments| segments.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let shape_ok = match segments.as_slice() {
            [.., rest, user, code] => {
                *rest == "rest"
                    && !user.is_empty()
                    && user.bytes().all(|b| b.is_ascii_digit())
                    && !code.is_empty()
            }
            _ => false,
        };
        if !shape_ok {
            return Err(Error::InvalidInput(format!(
                "a webhook URL ends in /rest/<user_id>/<code>/, got path {:?}",
                redact_path(base_url.path())
            )));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Ok(Credentials::Webhook { base_url })
    }

    /// The URL a call of `method` goes to: `<base>/<method>` for a webhook,
    /// `<client_endpoint>/<method>` for OAuth.
    ///
    /// ```
    /// use openlines_client::Credentials;
    /// let webhook = Credentials::webhook("http://h/rest/1/abcd/")?;
    /// assert_eq!(
    ///     webhook.method_url("imopenlines.crm.chat.get").as_str(),
    ///     "http://h/rest/1/abcd/imopenlines.crm.chat.get"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn method_url(&self, method: &str) -> Url {
        let base = match self {
            Credentials::Webhook { base_url } => base_url,
            Credentials::OAuth {
                client_endpoint, ..
            } => client_endpoint,
        };
        join_method(base, method)
    }
}

/// `<base>/<method>`, the method name as one percent-encoded path segment.
pub(crate) fn join_method(base: &Url, method: &str) -> Url {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(method);
    }
    url
}

/// Parses an absolute `http`/`https` URL, naming `what` in the error.
pub(crate) fn parse_http_url(url: &str, what: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url.trim())
        .map_err(|err| Error::InvalidInput(format!("{what} is not a URL: {err}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(Error::InvalidInput(format!(
            "{what} must be an http:// or https:// URL with a host"
        )));
    }
    Ok(parsed)
}

/// A webhook path with its code hidden: `/rest/1/***/`.
fn redact_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if let Some(position) = parts.iter().position(|part| *part == "rest") {
        if let Some(code) = parts.get_mut(position + 2) {
            if !code.is_empty() {
                *code = "***";
            }
        }
    }
    parts.join("/")
}

fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_path(&redact_path(url.path()));
    shown.to_string()
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Webhook { base_url } => f
                .debug_struct("Webhook")
                .field("base_url", &redact_url(base_url))
                .finish(),
            Credentials::OAuth {
                client_endpoint,
                client_id,
                token_endpoint,
                ..
            } => f
                .debug_struct("OAuth")
                .field("client_endpoint", &client_endpoint.as_str())
                .field("access_token", &"***")
                .field("refresh_token", &"***")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("token_endpoint", &token_endpoint.as_ref().map(Url::as_str))
                .finish(),
        }
    }
}

/// The token server's answer to a refresh (spec §10.2): a new access token and a new refresh
/// token (the old one stops working), plus what the server says about them.
///
/// ```
/// use openlines_client::TokenPair;
/// let pair: TokenPair = serde_json::from_str(
///     r#"{"access_token":"a2","refresh_token":"r2","expires_in":3600,"expires":1773227332,
///         "client_endpoint":"http://h/rest/","member_id":"m","scope":"imopenlines","status":"L"}"#,
/// )?;
/// assert_eq!(pair.expires_in, Some(3600));
/// assert!(!format!("{pair:?}").contains("a2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    /// The new access token.
    pub access_token: String,
    /// The new refresh token; persist it, the previous one is spent.
    pub refresh_token: String,
    /// Seconds the access token lives (3600 on Bitrix24).
    #[serde(
        default,
        deserialize_with = "lenient_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_in: Option<u64>,
    /// Unix time the access token expires.
    #[serde(
        default,
        deserialize_with = "lenient_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<i64>,
    /// The portal's REST base as the token server reports it. The client keeps calling the
    /// endpoint it was built with; a program that wants to follow a moved portal reads this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_endpoint: Option<String>,
    /// The portal's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// Granted scopes, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"***")
            .field("refresh_token", &"***")
            .field("expires_in", &self.expires_in)
            .field("expires", &self.expires)
            .field("client_endpoint", &self.client_endpoint)
            .field("member_id", &self.member_id)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Called with every rotated [`TokenPair`], right after a successful refresh and before the
/// call is retried, so the program can persist it. Runs on the calling task; keep it short
/// (hand the pair to a channel if storing it is slow).
///
/// ```
/// use openlines_client::{TokenHook, TokenPair};
/// use std::sync::{Arc, Mutex};
/// let store: Arc<Mutex<Option<TokenPair>>> = Arc::default();
/// let sink = store.clone();
/// let hook: TokenHook = Arc::new(move |pair: &TokenPair| {
///     // A poisoned lock only means another hook call panicked; keep the newest pair anyway.
///     let mut slot = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
///     *slot = Some(pair.clone());
/// });
/// # let _ = hook;
/// ```
pub type TokenHook = Arc<dyn Fn(&TokenPair) + Send + Sync>;

/// Accepts `3600`, `"3600"` or nothing.
fn lenient_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(crate::lenient::number_or_string(deserializer)?.and_then(|n| n.as_u64()))
}

/// Accepts `1773227332`, `"1773227332"` or nothing.
fn lenient_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(crate::lenient::number_or_string(deserializer)?.and_then(|n| n.as_i64()))
}

#[cfg(test)]
mod tests;
