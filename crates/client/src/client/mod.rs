//! The async client: how one call becomes HTTP requests.
//!
//! Every request takes the same path: wait for the client-side bucket, POST the parameters
//! as a PHP-style form body (what Bitrix24 SDKs send, and what every portal accepts), read the
//! envelope, and on failure ask [`crate::retry`] whether to refresh the token, wait and send
//! again, or give up. Typed calls ([`crate::crm`]) and [`crate::batch`] are built on
//! [`Client::call`] and the same path.

mod builder;

pub use builder::ClientBuilder;

use crate::answer::{parse_answer, Answer};
use crate::credentials::{join_method, Credentials, TokenPair};
use crate::limiter::Limiter;
use crate::method::Method;
use crate::oauth::OAuthState;
use crate::retry::{is_read_only, Attempts, Next, RetryPolicy};
use crate::Error;
use openlines_wire::params::{encode, Params};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A client for one portal (or openlines server) and one identity. Cheap to clone: clones
/// share the connection pool, the rate-limit bucket and the OAuth tokens.
///
/// ```no_run
/// # async fn demo() -> openlines_client::Result<()> {
/// use openlines_client::{Client, CrmEntityType};
/// let client = Client::webhook("http://127.0.0.1:8080/rest/1/demo0123456789ab/")?;
/// let chats = client.crm_chat_get(CrmEntityType::Deal, 288, false).await?;
/// for chat in &chats.result {
///     println!("{} via {}", chat.chat_id, chat.connector_title);
/// }
/// println!("took {} s", chats.time.duration);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Webhook base or OAuth client endpoint; method names are appended.
    base: Url,
    oauth: Option<OAuthState>,
    limiter: Option<Limiter>,
    retry: RetryPolicy,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.inner.base.origin().ascii_serialization())
            .field("oauth", &self.inner.oauth)
            .field("rate_limited", &self.inner.limiter.is_some())
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    ///
    /// ```
    /// # use openlines_client::{Client, Credentials};
    /// let client = Client::builder(Credentials::webhook("http://h/rest/1/code/")?).build()?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(credentials)
    }

    /// A client with default settings.
    ///
    /// ```
    /// # use openlines_client::{Client, Credentials};
    /// let client = Client::new(Credentials::webhook("http://h/rest/1/code/")?)?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        ClientBuilder::new(credentials).build()
    }

    /// A client with default settings for a webhook URL (see [`Credentials::webhook`]).
    ///
    /// ```
    /// # use openlines_client::Client;
    /// let client = Client::webhook("http://127.0.0.1:8080/rest/1/demo0123456789ab/")?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn webhook(url: &str) -> Result<Client, Error> {
        Client::new(Credentials::webhook(url)?)
    }

    /// The current OAuth token pair (after any refresh), or `None` for a webhook client.
    ///
    /// ```
    /// # use openlines_client::Client;
    /// let client = Client::webhook("http://h/rest/1/code/")?;
    /// assert!(client.tokens().is_none());
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn tokens(&self) -> Option<TokenPair> {
        self.inner.oauth.as_ref().map(OAuthState::tokens)
    }

    /// Calls any method with any parameters; the answer's `result` stays untyped.
    ///
    /// Parameters are sent as a PHP-style form body (`FIELDS[TITLE]=…`): nested objects and
    /// arrays become bracketed names, `true`/`false` become `1`/`0`, `null` is left out.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use serde_json::json;
    /// let params = json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288, "ACTIVE_ONLY": "N"});
    /// let answer = client
    ///     .call("imopenlines.crm.chat.get", params.as_object().cloned().unwrap_or_default())
    ///     .await?;
    /// println!("{}", answer.result);
    /// # Ok(()) }
    /// ```
    pub async fn call(&self, method: &str, params: Params) -> Result<Answer<Value>, Error> {
        self.send_request(method, params, is_read_only(method))
            .await
    }

    /// Like [`call`](Self::call), reading the result as `T`.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// let now = client.call_as::<String>("server.time", Default::default()).await?;
    /// println!("{}", now.result);
    /// # Ok(()) }
    /// ```
    pub async fn call_as<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Params,
    ) -> Result<Answer<T>, Error> {
        self.call(method, params).await?.decode()
    }

    /// Calls a typed [`Method`].
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::crm::{CrmChatGetLastId, CrmEntityType};
    /// let last = client
    ///     .send(&CrmChatGetLastId { entity_type: CrmEntityType::Lead, entity_id: 1205 })
    ///     .await?;
    /// println!("chat {}", last.result);
    /// # Ok(()) }
    /// ```
    pub async fn send<M: Method>(&self, method: &M) -> Result<Answer<M::Output>, Error> {
        self.call_as(M::NAME, method.params()).await
    }

    /// One call through bucket, retries and token refresh. `read_only` says whether the call
    /// may be sent again after a timeout or transport failure.
    pub(crate) async fn send_request(
        &self,
        method: &str,
        mut params: Params,
        read_only: bool,
    ) -> Result<Answer<Value>, Error> {
        let inner = &*self.inner;
        let url = join_method(&inner.base, method);
        let can_refresh = inner.oauth.as_ref().is_some_and(OAuthState::can_refresh);
        let mut attempts = Attempts::default();
        loop {
            let access_token = inner.oauth.as_ref().map(OAuthState::access_token);
            if let Some(token) = &access_token {
                params.insert("auth".to_owned(), Value::String(token.clone()));
            }
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            attempts.sent();
            let error = match self.post(&url, encode(&params)).await {
                Ok(answer) => return Ok(answer),
                Err(error) => error,
            };
            if error.is_query_limit_exceeded() {
                if let Some(limiter) = &inner.limiter {
                    limiter.saturate();
                }
            }
            match attempts.next(&inner.retry, &error, read_only, can_refresh) {
                Next::GiveUp => return Err(error),
                Next::Retry { wait } => {
                    crate::log::warning!(
                        method,
                        error = %error,
                        wait_ms = wait.as_millis() as u64,
                        "call failed, sending it again after a pause"
                    );
                    tokio::time::sleep(wait).await;
                }
                Next::Refresh => {
                    crate::log::info!(method, "access token expired, refreshing it");
                    if let (Some(oauth), Some(token)) = (&inner.oauth, &access_token) {
                        oauth.refresh(&inner.http, inner.timeout, token).await?;
                    }
                }
            }
        }
    }

    /// One HTTP request and its answer, nothing more.
    async fn post(&self, url: &Url, body: String) -> Result<Answer<Value>, Error> {
        let timeout = self.inner.timeout;
        let response = self
            .inner
            .http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(body)
            .timeout(timeout)
            .send()
            .await
            .map_err(|err| Error::from_reqwest(err, timeout))?;
        let status = response.status();
        if status.is_redirection() {
            // Name only the new origin: the path of a webhook URL holds its secret.
            let target = response
                .headers()
                .get(LOCATION)
                .and_then(|location| location.to_str().ok())
                .and_then(|location| url.join(location).ok())
                .map_or_else(
                    || "elsewhere".to_owned(),
                    |to| to.origin().ascii_serialization(),
                );
            return Err(Error::decode(
                status.as_u16(),
                format!("the portal moved to {target}; build the client with its new address"),
            ));
        }
        let body = response
            .bytes()
            .await
            .map_err(|err| Error::from_reqwest(err, timeout))?;
        parse_answer(status.as_u16(), &body)
    }
}

#[cfg(test)]
mod tests;
