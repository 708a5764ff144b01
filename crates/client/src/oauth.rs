//! The OAuth side of a client: the current token pair and the one way to renew it.
//!
//! Refresh tokens are single-use: every refresh returns a new pair and spends the old one
//! (spec §10.2). Two calls that both meet `expired_token` must therefore not both refresh, or
//! the second would present a spent token. Refreshes go through one async lock, and a caller
//! that waited on it first checks whether the access token it failed with is still current.

use crate::credentials::{TokenHook, TokenPair};
use crate::error::{snippet, Error};
use reqwest::Url;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

pub(crate) struct OAuthState {
    token_endpoint: Option<Url>,
    client_id: String,
    client_secret: String,
    tokens: RwLock<TokenPair>,
    refresh_lock: tokio::sync::Mutex<()>,
    hook: Option<TokenHook>,
}

impl std::fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthState")
            .field(
                "token_endpoint",
                &self.token_endpoint.as_ref().map(Url::as_str),
            )
            .field("client_id", &self.client_id)
            .field("hook", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

impl OAuthState {
    pub(crate) fn new(
        access_token: String,
        refresh_token: String,
        client_id: String,
        client_secret: String,
        token_endpoint: Option<Url>,
        hook: Option<TokenHook>,
    ) -> Self {
        OAuthState {
            token_endpoint,
            client_id,
            client_secret,
            tokens: RwLock::new(TokenPair {
                access_token,
                refresh_token,
                expires_in: None,
                expires: None,
                client_endpoint: None,
                member_id: None,
                scope: None,
            }),
            refresh_lock: tokio::sync::Mutex::new(()),
            hook,
        }
    }

    /// Whether `expired_token` can be answered with a refresh.
    pub(crate) fn can_refresh(&self) -> bool {
        self.token_endpoint.is_some()
    }

    pub(crate) fn tokens(&self) -> TokenPair {
        self.tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn access_token(&self) -> String {
        self.tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .access_token
            .clone()
    }

    /// Renews the pair unless another call already replaced `failed_access_token`.
    pub(crate) async fn refresh(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        failed_access_token: &str,
    ) -> Result<(), Error> {
        let Some(endpoint) = &self.token_endpoint else {
            return Err(Error::InvalidInput(
                "no token endpoint is configured, so the token cannot be refreshed".to_owned(),
            ));
        };
        let _one_at_a_time = self.refresh_lock.lock().await;
        let refresh_token = {
            let tokens = self.tokens.read().unwrap_or_else(PoisonError::into_inner);
            if tokens.access_token != failed_access_token {
                return Ok(()); // Another call refreshed while we waited.
            }
            tokens.refresh_token.clone()
        };
        let url = refresh_url(
            endpoint,
            &self.client_id,
            &self.client_secret,
            &refresh_token,
        );
        let response = http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(timeout)
            .send()
            .await
            .map_err(|err| Error::from_reqwest(err, timeout))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|err| Error::from_reqwest(err, timeout))?;
        let pair = parse_token_answer(status, &body)?;
        *self.tokens.write().unwrap_or_else(PoisonError::into_inner) = pair.clone();
        crate::log::info!(expires_in = pair.expires_in, "OAuth access token refreshed");
        if let Some(hook) = &self.hook {
            hook(&pair);
        }
        Ok(())
    }
}

/// `token_endpoint?grant_type=refresh_token&client_id=…&client_secret=…&refresh_token=…`,
/// keeping any query the endpoint already has.
fn refresh_url(endpoint: &Url, client_id: &str, client_secret: &str, refresh_token: &str) -> Url {
    let mut url = endpoint.clone();
    url.query_pairs_mut()
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret)
        .append_pair("refresh_token", refresh_token);
    url
}

/// Reads the token server's answer: a pair on success, its `{"error": …}` otherwise (the
/// Bitrix24 token server answers `WRONG_CLIENT` with status 200, so the body decides).
fn parse_token_answer(status: u16, body: &[u8]) -> Result<TokenPair, Error> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|err| {
        Error::decode(
            status,
            format!(
                "token answer is not JSON ({err}); body starts {}",
                snippet(body)
            ),
        )
    })?;
    if value.get("error").is_some() || !(200..300).contains(&status) {
        return Err(Error::from_error_body(status, body));
    }
    serde_json::from_value(value).map_err(|err| {
        // The body holds tokens: name the problem, never show it.
        Error::decode(status, format!("token answer lacks a token pair: {err}"))
    })
}

#[cfg(test)]
mod tests;
