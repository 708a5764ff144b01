//! The same client for programs without an async runtime.
//!
//! [`Client`] owns a current-thread tokio runtime and runs each call of the async
//! [`crate::Client`] to completion on it, so behaviour (rate limit, retries, token refresh)
//! is identical. Calling it from inside an async runtime panics, as any `block_on` would: use
//! the async client there.

use crate::{
    Answer, Batch, BatchResults, ChatId, ClientBuilder, Credentials, CrmChat, CrmEntityType, Error,
    MessageId, Method, TokenPair,
};
use openlines_wire::params::Params;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// A blocking client. Cheap to clone; clones share the runtime, connections, bucket and
/// tokens, and may be used from several threads.
///
/// ```no_run
/// use openlines_client::blocking::Client;
/// use openlines_client::CrmEntityType;
///
/// let client = Client::webhook("http://127.0.0.1:8080/rest/1/demo0123456789ab/")?;
/// let chats = client.crm_chat_get(CrmEntityType::Deal, 288, false)?;
/// println!("{:?}", chats.result);
/// # Ok::<(), openlines_client::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Wraps an async client (see [`ClientBuilder::build_blocking`] for the usual way).
    ///
    /// ```
    /// let async_client = openlines_client::Client::webhook("http://h/rest/1/code/")?;
    /// let client = openlines_client::blocking::Client::from_async(async_client)?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn from_async(inner: crate::Client) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Runtime(Arc::new(err)))?;
        Ok(Client {
            inner,
            runtime: Arc::new(runtime),
        })
    }

    /// A client with default settings.
    ///
    /// ```
    /// # use openlines_client::{blocking::Client, Credentials};
    /// let client = Client::new(Credentials::webhook("http://h/rest/1/code/")?)?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        ClientBuilder::new(credentials).build_blocking()
    }

    /// A client with default settings for a webhook URL.
    ///
    /// ```
    /// let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// # let _ = client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn webhook(url: &str) -> Result<Client, Error> {
        Client::new(Credentials::webhook(url)?)
    }

    /// The async client underneath.
    ///
    /// ```
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// let async_client: &openlines_client::Client = client.as_async();
    /// # let _ = async_client;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    fn block<T>(&self, future: impl Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    /// See [`crate::Client::tokens`].
    ///
    /// ```
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// assert!(client.tokens().is_none());
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn tokens(&self) -> Option<TokenPair> {
        self.inner.tokens()
    }

    /// See [`crate::Client::call`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// let answer = client.call("server.time", Default::default())?;
    /// println!("{}", answer.result);
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn call(&self, method: &str, params: Params) -> Result<Answer<Value>, Error> {
        self.block(self.inner.call(method, params))
    }

    /// See [`crate::Client::call_as`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// let scopes = client.call_as::<Vec<String>>("scope", Default::default())?;
    /// # let _ = scopes;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn call_as<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Params,
    ) -> Result<Answer<T>, Error> {
        self.block(self.inner.call_as(method, params))
    }

    /// See [`crate::Client::send`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::{ChatId, CrmLeadCreate};
    /// client.send(&CrmLeadCreate { chat_id: ChatId(1763) })?;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn send<M: Method>(&self, method: &M) -> Result<Answer<M::Output>, Error> {
        self.block(self.inner.send(method))
    }

    /// See [`crate::Client::batch`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// let mut batch = openlines_client::Batch::new();
    /// batch.add("now", "server.time", serde_json::json!({}));
    /// let results = client.batch(&batch)?;
    /// println!("{}", results.get::<String>("now")?.result);
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        self.block(self.inner.batch(batch))
    }

    /// See [`crate::Client::crm_chat_get`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::CrmEntityType;
    /// let chats = client.crm_chat_get(CrmEntityType::Lead, 1205, true)?;
    /// # let _ = chats;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_chat_get(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        active_only: bool,
    ) -> Result<Answer<Vec<CrmChat>>, Error> {
        self.block(self.inner.crm_chat_get(entity_type, entity_id, active_only))
    }

    /// See [`crate::Client::crm_chat_get_last_id`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::CrmEntityType;
    /// let last = client.crm_chat_get_last_id(CrmEntityType::Lead, 1205)?;
    /// # let _ = last;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_chat_get_last_id(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
    ) -> Result<Answer<ChatId>, Error> {
        self.block(self.inner.crm_chat_get_last_id(entity_type, entity_id))
    }

    /// See [`crate::Client::crm_chat_user_add`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::CrmEntityType;
    /// let joined = client.crm_chat_user_add(CrmEntityType::Lead, 1205, 503, None)?;
    /// # let _ = joined;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_chat_user_add(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: Option<ChatId>,
    ) -> Result<Answer<Option<ChatId>>, Error> {
        self.block(
            self.inner
                .crm_chat_user_add(entity_type, entity_id, user_id, chat_id),
        )
    }

    /// See [`crate::Client::crm_chat_user_delete`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::{ChatId, CrmEntityType};
    /// client.crm_chat_user_delete(CrmEntityType::Lead, 1205, 503, Some(ChatId(1763)))?;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_chat_user_delete(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: Option<ChatId>,
    ) -> Result<Answer<Option<ChatId>>, Error> {
        self.block(
            self.inner
                .crm_chat_user_delete(entity_type, entity_id, user_id, chat_id),
        )
    }

    /// See [`crate::Client::crm_message_add`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::{ChatId, CrmEntityType};
    /// client.crm_message_add(CrmEntityType::Deal, 288, 1, ChatId(9852), "Hello")?;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_message_add(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: ChatId,
        message: &str,
    ) -> Result<Answer<MessageId>, Error> {
        self.block(
            self.inner
                .crm_message_add(entity_type, entity_id, user_id, chat_id, message),
        )
    }

    /// See [`crate::Client::crm_lead_create`].
    ///
    /// ```no_run
    /// # let client = openlines_client::blocking::Client::webhook("http://h/rest/1/code/")?;
    /// use openlines_client::ChatId;
    /// client.crm_lead_create(ChatId(1763))?;
    /// # Ok::<(), openlines_client::Error>(())
    /// ```
    pub fn crm_lead_create(&self, chat_id: ChatId) -> Result<Answer<bool>, Error> {
        self.block(self.inner.crm_lead_create(chat_id))
    }
}
