#![allow(unreachable_pub)] // helpers are `pub` for the test modules of this one binary
//! The HTTP suite: every test starts the real server on an ephemeral port over its own SQLite
//! file (or PostgreSQL schema, see `helpers`) and talks HTTP to it.

mod helpers;
mod served;
#[path = "../services/mod.rs"]
mod services;

mod access_checks;
mod app_options;
mod auth;
mod batch;

mod chat_get;
mod cli_errors;
mod concurrency;
mod connections;
mod connectors;
mod console;
mod crm_activity_list;
mod crm_item;
mod crm_list;
mod crm_list_rights;
mod crm_records;
mod demo_app;
mod edge_hardening;
mod engines;
mod envelope;
mod events;
mod events_listen;
mod events_owners;
mod export;
mod family;
mod faults;
mod ids;
mod import;
mod import_batches;
mod import_chat_index;
mod import_index_rebuild;
mod import_known_refs;
mod import_shorthand_ids;
mod lean_indexes_upgrade;
mod lifecycle;
mod limits;
mod oauth;
mod oauth_host;
mod raw_http;
mod read_levels;
mod regressions;
mod reset;
mod routing;
mod scopes;
mod start;
mod test_schemas;
mod tls;
mod utility;
