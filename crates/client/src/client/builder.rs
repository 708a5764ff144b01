//! [`ClientBuilder`]: everything about a client that is chosen once.

use super::{Client, Inner};
use crate::credentials::{Credentials, TokenHook, TokenPair};
use crate::limiter::{Limiter, RateLimit};
use crate::oauth::OAuthState;
use crate::retry::RetryPolicy;
use crate::Error;
use reqwest::header::HeaderValue;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Configures a [`Client`]: timeouts, the client-side rate limit, retries and the token hook.
///
/// ```
/// use openlines_client::{Client, Credentials, RateLimit, RetryPolicy};
/// use std::time::Duration;
///
/// let client = Client::builder(Credentials::webhook("http://127.0.0.1:8080/rest/1/code/")?)
///     .timeout(Duration::from_secs(5))
///     .rate_limit(RateLimit { drain_per_second: 5.0, burst: 250 })
///     .retry(RetryPolicy { max_attempts: 2, ..RetryPolicy::default() })
///     .build()?;
/// # let _ = client;
/// # Ok::<(), openlines_client::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    rate_limit: Option<RateLimit>,
    retry: RetryPolicy,
    hook: Option<TokenHook>,
    user_agent: String,
    ca_files: Vec<PathBuf>,
}

/// The environment variable that names a PEM file of extra trusted CA certificates, as
/// OpenSSL, Python and curl read it.
const SSL_CERT_FILE: &str = "SSL_CERT_FILE";

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("hook", &self.hook.is_some())
            .field("user_agent", &self.user_agent)
            .field("ca_files", &self.ca_files)
            .finish()
    }
}

impl ClientBuilder {
    /// Defaults: request timeout 60 s (a portal cuts requests at 60 s), connect timeout
    /// 10 s, rate limit [`RateLimit::STANDARD`], [`RetryPolicy::default`], no token hook.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            credentials,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            rate_limit: Some(RateLimit::STANDARD),
            retry: RetryPolicy::default(),
            hook: None,
            user_agent: concat!("openlines-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            ca_files: Vec::new(),
        }
    }

    /// Also trusts the CA certificates in this PEM file, beside the built-in roots: for
    /// openlines' own CA (`openlines-tls-ca.pem`, made by `serve --tls-self-signed`) or a
    /// company CA. The file is read by [`build`](Self::build). A file named by the
    /// `SSL_CERT_FILE` environment variable is trusted the same way, without this call.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("https://h/rest/1/code/")?);
    /// let builder = builder.ca_certificate_file("/var/lib/openlines/openlines-tls-ca.pem");
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn ca_certificate_file(mut self, path: impl AsRef<Path>) -> Self {
        self.ca_files.push(path.as_ref().to_path_buf());
        self
    }

    /// How long one HTTP request may take, from sending to the last byte of the answer.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.timeout(std::time::Duration::from_secs(5));
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long opening a connection may take.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.connect_timeout(std::time::Duration::from_secs(2));
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Paces requests with this client-side bucket (shared by all clones of the client).
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials, RateLimit};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.rate_limit(RateLimit::ENTERPRISE);
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Sends requests as fast as they come (for tests, or when another layer paces them).
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.no_rate_limit();
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// When to send a failed call again; see [`RetryPolicy`] and [`crate::is_read_only`].
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials, RetryPolicy};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.retry(RetryPolicy::never());
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calls `hook` with every new token pair after an automatic refresh.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.on_token_refresh(|pair| {
    ///     // Store pair.access_token and pair.refresh_token somewhere safe.
    ///     let _ = pair;
    /// });
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn on_token_refresh(mut self, hook: impl Fn(&TokenPair) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Like [`on_token_refresh`](Self::on_token_refresh) with a shared hook.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials, TokenHook};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let hook: TokenHook = std::sync::Arc::new(|_pair| {});
    /// let builder = builder.token_hook(hook);
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn token_hook(mut self, hook: TokenHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// The `User-Agent` header (default `openlines-client/<version>`).
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// # let builder = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?);
    /// let builder = builder.user_agent("my-crm-sync/1.0");
    /// # let _ = builder;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The client. Fails on an invalid rate limit or user agent, on a CA file (given, or
    /// named by `SSL_CERT_FILE`) that cannot be read, or when the TLS backend cannot start.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// let client = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?).build()?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        if let Some(limit) = &self.rate_limit {
            limit.validate()?;
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::InvalidInput("the user agent is not a valid header".to_owned()))?;
        let mut http = reqwest::Client::builder();
        for certificate in extra_roots(&self.ca_files)? {
            http = http.add_root_certificate(certificate);
        }
        let http = http
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout)
            // A moved portal answers 302 and wants the POST repeated at the new address;
            // following it here would turn the POST into a GET without parameters.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| Error::from_reqwest(err, self.timeout))?;
        let (base, oauth) = match self.credentials {
            Credentials::Webhook { base_url } => (base_url, None),
            Credentials::OAuth {
                client_endpoint,
                access_token,
                refresh_token,
                client_id,
                client_secret,
                token_endpoint,
            } => (
                client_endpoint,
                Some(OAuthState::new(
                    access_token,
                    refresh_token,
                    client_id,
                    client_secret,
                    token_endpoint,
                    self.hook,
                )),
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                oauth,
                limiter: self.rate_limit.map(Limiter::new),
                retry: self.retry,
                timeout: self.timeout,
            }),
        })
    }

    /// A [`crate::blocking::Client`] with this configuration.
    ///
    /// ```
    /// # use openlines_client::{ClientBuilder, Credentials};
    /// let client = ClientBuilder::new(Credentials::webhook("http://h/rest/1/code/")?)
    ///     .build_blocking()?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        crate::blocking::Client::from_async(self.build()?)
    }
}

/// The certificates of `files` and of `SSL_CERT_FILE`, if set.
fn extra_roots(files: &[PathBuf]) -> Result<Vec<reqwest::Certificate>, Error> {
    let from_env = std::env::var_os(SSL_CERT_FILE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    let mut roots = Vec::new();
    for (file, origin) in files
        .iter()
        .map(|file| (file, "the CA file"))
        .chain(from_env.iter().map(|file| (file, "SSL_CERT_FILE")))
    {
        let unusable = |reason: String| {
            Error::InvalidInput(format!("cannot use {origin} {}: {reason}", file.display()))
        };
        let pem = std::fs::read(file).map_err(|err| unusable(err.to_string()))?;
        let certificates =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| unusable(err.to_string()))?;
        if certificates.is_empty() {
            return Err(unusable("no PEM certificate in it".to_owned()));
        }
        roots.extend(certificates);
    }
    Ok(roots)
}

#[cfg(test)]
mod tests;
