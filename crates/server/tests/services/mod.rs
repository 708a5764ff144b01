//! The PostgreSQL and Redis that test binaries share (included with `#[path]` by `api` and
//! `instances`), and the one rule for when they are absent: with
//! `OPENLINES_REQUIRE_SERVICES=1` (CI) the test fails; otherwise it prints a `SKIPPED:` line
//! and returns early.
//!
//! Every test gets its own PostgreSQL schema (dropped with its [`PgSchema`]) and its own Redis
//! key prefix. Schema names are `t_<run>_<random>`, where `<run>` starts with the Unix time the
//! run began (see [`schema_run`]): a run can then clean up what it made, and what a killed run
//! left once it is old enough, without touching the schemas of a run still going on the same
//! server (`.ci/run` does both).

#![allow(dead_code)] // each binary uses its part

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection, Executor};
use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

/// The database the PostgreSQL runs use, unless `OPENLINES_TEST_POSTGRES` names another.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The Redis the shared-limiter tests use, unless `OPENLINES_TEST_REDIS` names another.
pub const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";

pub fn postgres_url() -> String {
    std::env::var("OPENLINES_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned())
}

pub fn redis_url() -> String {
    std::env::var("OPENLINES_TEST_REDIS").unwrap_or_else(|_| DEFAULT_REDIS.to_owned())
}

/// Whether `OPENLINES_TEST_BACKEND=postgres` asks for the HTTP suite on PostgreSQL.
pub fn postgres_backend() -> bool {
    std::env::var("OPENLINES_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// Whether an absent service must fail the run (CI) rather than skip.
pub fn services_required() -> bool {
    std::env::var("OPENLINES_REQUIRE_SERVICES").is_ok_and(|value| value == "1")
}

/// A service that does not answer: panics when services are required, otherwise reports the
/// skip (on the real stderr, past the test harness's capture) and returns `None`, so a test
/// reads `let Some(x) = … else { return };`.
pub fn absent<T>(service: &str, url: &str, error: &dyn std::fmt::Display) -> Option<T> {
    let url = mask(url);
    if services_required() {
        panic!("{service} not reachable at {url} ({error}), and OPENLINES_REQUIRE_SERVICES=1");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {service} not reachable at {url} ({error}); set OPENLINES_REQUIRE_SERVICES=1 to fail instead"
    );
    None
}

/// A URL without its password.
fn mask(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// A random lowercase name part, unique enough for one test run.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{:016x}", rand::random::<u64>())
}

/// The run part of this process's schema names: `OPENLINES_TEST_RUN` when set (`.ci/run` sets
/// it to `<unix seconds>r<pid>`, so it can drop `t_<run>_%` when it ends), else the Unix time
/// this process first asked. Either way the name starts with a ten-digit start time, which is
/// what lets a later run tell a killed run's leftovers (old) from a live run's schemas (young).
pub fn schema_run() -> String {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        run_part(std::env::var("OPENLINES_TEST_RUN").ok().as_deref(), now)
    })
    .clone()
}

/// `given` if it is a usable run id (a ten-digit Unix time, then at most 20 lowercase letters
/// and digits: it goes unquoted into SQL and must survive PostgreSQL's case folding), else
/// `now`. A malformed `OPENLINES_TEST_RUN` is a set-up mistake, so it panics rather than
/// silently making names that no cleanup would match.
pub fn run_part(given: Option<&str>, now: u64) -> String {
    match given {
        None | Some("") => format!("{now:010}"),
        Some(run) => {
            let well_formed = run.len() <= 30
                && run.len() >= 10
                && run.bytes().take(10).all(|b| b.is_ascii_digit())
                && run
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
            assert!(
                well_formed,
                "OPENLINES_TEST_RUN={run:?}: expected a ten-digit Unix time, then up to 20 of [a-z0-9] (e.g. 1796000000r4242)"
            );
            run.to_owned()
        }
    }
}

/// A fresh, empty PostgreSQL schema, dropped (with everything in it) when this is dropped.
#[derive(Debug)]
pub struct PgSchema {
    pub name: String,
    base: String,
}

impl PgSchema {
    /// Creates `t_<run>_<random>` in the test database; `None` (or a panic, see [`absent`])
    /// when PostgreSQL does not answer.
    pub async fn create() -> Option<PgSchema> {
        let base = postgres_url();
        let name = unique(&format!("t_{}_", schema_run()));
        let created = async {
            let mut admin = connect(&base).await?;
            admin
                .execute(format!("CREATE SCHEMA {name}").as_str())
                .await?;
            admin.close().await
        }
        .await;
        match created {
            Ok(()) => Some(PgSchema { name, base }),
            Err(error) => absent("PostgreSQL", &base, &error),
        }
    }

    /// The URL of the test database with `search_path` set to this schema, as `--db` and
    /// `Store::open` take it. Commits do not wait for the WAL flush (only a PostgreSQL crash
    /// could lose them), which makes the per-test migrations noticeably faster.
    pub fn url(&self) -> String {
        format!("{}%20-c%20synchronous_commit%3Doff", self.durable_url())
    }

    /// [`url`](Self::url) with PostgreSQL's default durable commits, for tests about what a
    /// deployment keeps.
    pub fn durable_url(&self) -> String {
        let separator = if self.base.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.base, self.name
        )
    }
}

async fn connect(url: &str) -> Result<PgConnection, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
    tokio::time::timeout(Duration::from_secs(5), options.connect())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
}

impl Drop for PgSchema {
    /// Drops the schema from a thread of its own (a test's runtime may be single-threaded and
    /// busy dropping this). Best effort: `.ci/run` sweeps what a crash leaves behind.
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = connect(&base).await.ok()?;
                admin
                    .execute("SET lock_timeout = '5s'; SET synchronous_commit = off")
                    .await
                    .ok()?;
                admin
                    .execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}
