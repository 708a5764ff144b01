#![allow(unreachable_pub)] // helpers are `pub` for the modules of this one binary
//! Reliability tests against the real `openlines serve` binary: the randomized HTTP campaign
//! (`campaign`) and kill -9 during writes and imports (`crash`), each on SQLite and on
//! PostgreSQL. PostgreSQL absent: the PostgreSQL tests say `SKIPPED:` and return, or fail under
//! `OPENLINES_REQUIRE_SERVICES=1` (CI). Sizes are small by default; `.ci/run` and
//! docs/RELIABILITY.md give the variables for long runs.

#[path = "../services/mod.rs"]
mod services;

mod campaign;
mod crash;
mod integrity;
mod raw;
mod requests;
mod server;
