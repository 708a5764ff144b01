//! A client for Bitrix24-style REST servers: the openlines server, or a real portal.
//!
//! ```no_run
//! # async fn demo() -> openlines_client::Result<()> {
//! use openlines_client::{Client, CrmEntityType};
//!
//! let client = Client::webhook("http://127.0.0.1:8080/rest/1/demo0123456789ab/")?;
//! let chats = client.crm_chat_get(CrmEntityType::Deal, 288, false).await?;
//! for chat in &chats.result {
//!     println!("chat {} via {}", chat.chat_id, chat.connector_title);
//! }
//! # Ok(()) }
//! ```
//!
//! # A tour
//!
//! - [`credentials`]: webhook URL or OAuth token, and the hook that hears about refreshed tokens.
//! - [`client`]: [`Client`] and [`ClientBuilder`]; one call = bucket, POST, envelope, retry.
//! - [`answer`]: [`Answer`], the `result` plus the `time` block (and `next`/`total`).
//! - [`error`]: [`Error`], with the Bitrix24 code, description, HTTP status and `argument`.
//! - [`crm`]: typed `imopenlines.crm.*` calls and their domain types.
//! - [`method`]: the [`Method`] trait that typed calls implement, usable alone or in a batch.
//! - [`batch`]: [`Batch`] and [`BatchResults`]; double encoding, splitting by 50.
//! - [`limiter`]: the client-side leaky bucket ([`RateLimit`], [`LeakyBucket`]).
//! - [`retry`]: [`RetryPolicy`] and which methods are safe to send twice ([`is_read_only`]).
//! - [`blocking`]: the same client for programs without an async runtime.
//! - [`events`]: receiving events: parse a delivery, check its `application_token`.
//! - `cli` (feature `cli`): the `openlines call` subcommand for a binary to mount.
//!
//! Requests are POSTed as `application/x-www-form-urlencoded` bodies in PHP bracket form
//! ([`openlines_wire::params::encode`]), as the official SDKs send them; OAuth tokens travel as
//! the `auth` parameter. Optional feature `tracing` logs retries, waits and refreshes.

#![deny(missing_docs)]

pub mod answer;
pub mod batch;
pub mod blocking;
#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod credentials;
pub mod crm;
pub mod error;
pub mod events;
pub mod limiter;
pub mod method;
pub mod retry;

mod lenient;
mod log;
mod oauth;
#[cfg(test)]
mod readme_tests;

pub use answer::Answer;
pub use batch::{Batch, BatchResults};
pub use client::{Client, ClientBuilder};
pub use credentials::{Credentials, TokenHook, TokenPair};
pub use crm::{
    ChatId, CrmChat, CrmChatGet, CrmChatGetLastId, CrmChatUserAdd, CrmChatUserDelete,
    CrmEntityType, CrmLeadCreate, CrmMessageAdd, MessageId,
};
pub use error::{ApiError, Error, Result};
pub use limiter::{LeakyBucket, RateLimit};
pub use method::Method;
pub use openlines_wire::params::Params;
pub use openlines_wire::{ErrorCode, Time};
pub use reqwest::Url;
pub use retry::{is_read_only, RetryPolicy};

/// This crate's README: its Rust examples compile as doc tests, so they keep up with the API
/// (and `docs/check-examples.sh` runs `examples/chat_get.rs` against a demo server).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ClientReadme;

/// The repository's README: its Rust example compiles as a doc test too.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct RepositoryReadme;
