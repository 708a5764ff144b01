#![allow(unreachable_pub)] // helpers are `pub` for the test modules of this one binary
//! Several real `openlines serve` processes, as a deployment runs them: over one PostgreSQL
//! schema and one Redis key prefix, each test its own. A client must see one portal
//! whichever instance answers. PostgreSQL or Redis absent: each test says `SKIPPED:` and
//! returns, or fails under `OPENLINES_REQUIRE_SERVICES=1` (CI).
//!
//! `single` needs neither: one process, for what a load balancer and a proxy see.

#[path = "../services/mod.rs"]
mod services;
mod support;

mod caller_cache;
mod events;
mod limits;
mod oauth;
mod pool;
mod single;
mod sqlite_shared;
mod writes;
