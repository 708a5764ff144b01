#![allow(unreachable_pub)] // helpers are `pub` for the test modules of this one binary
//! The HTTP suite: every test starts the real server on an ephemeral port over its own SQLite
//! file (or PostgreSQL schema, see `helpers`) and talks HTTP to it.

mod helpers;
#[path = "../services/mod.rs"]
mod services;

mod auth;
mod batch;
mod chat_get;
mod concurrency;
mod crm_records;
mod engines;
mod envelope;
mod events;
mod export;
mod family;
mod faults;
mod ids;
mod import;
mod import_batches;
mod lifecycle;
mod limits;
mod oauth;
mod read_levels;
mod routing;
mod scopes;
mod tls;
mod utility;
