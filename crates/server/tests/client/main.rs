#![allow(unreachable_pub)] // helpers are `pub` for the test modules of this one binary
//! The client suite: `openlines-client` against the real openlines server, started in-process
//! on an ephemeral port by each test (no mocks).
//!
//! - `support`: clients aimed at a test server, the OAuth app fixture, exact error checks.
//! - `observed`: the server behind a layer that logs every request, to count retries.
//! - `calls`: every typed and untyped call the server has, over webhooks and OAuth.
//! - `oauth`: refresh on `expired_token`, rotation, a wrong client secret.
//! - `errors`: every error answer, code, status, description and `argument`.
//! - `limits`: the server's bucket and time budget against the client's retries and bucket.
//! - `batch`: splitting, back-references, per-command errors, `halt`.
//! - `encoding`: what the client encodes is what the server decodes (property tests).
//! - `cli`: the `openlines call` binary end to end.
//! - `faults`: the server's switchable faults (admin endpoint) against retries and refresh.
//! - `timeouts`: after a timeout a read is sent again, a write never.
//! - `crm_family`: the typed `imopenlines.crm.*` calls.

#[path = "../api/helpers.rs"]
#[allow(dead_code)] // the HTTP suite's harness; this binary uses part of it
mod helpers;
#[path = "../services/mod.rs"]
mod services; // PostgreSQL for `helpers` when OPENLINES_TEST_BACKEND=postgres

mod observed;
mod support;

mod batch;
mod calls;
mod cli;
mod crm_family;
mod encoding;
mod errors;
mod faults;
mod limits;
mod oauth;
mod timeouts;
