//! The real `openlines serve` binary on a free port, over a database that outlives it (so a
//! test can kill it with SIGKILL and start it again on the same data).

use crate::services::PgSchema;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tempfile::TempDir;

pub const ADMIN_HOOK: &str = "/rest/1/demo0123456789ab";

/// Where the data lives: a SQLite file or a PostgreSQL schema (with durable commits: a test
/// about what survives a crash must not relax them).
pub enum Database {
    Sqlite { dir: TempDir },
    Postgres { schema: PgSchema, logs: TempDir },
}

impl Database {
    /// A SQLite file in a fresh temporary directory.
    pub fn sqlite() -> Database {
        Database::Sqlite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fresh PostgreSQL schema; `None` when PostgreSQL is absent and that is allowed.
    pub async fn postgres() -> Option<Database> {
        Some(Database::Postgres {
            schema: PgSchema::create().await?,
            logs: tempfile::tempdir().expect("temp dir"),
        })
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Database::Sqlite { .. } => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    /// The `--db` value.
    pub fn url(&self) -> String {
        match self {
            Database::Sqlite { dir } => sqlite_path(dir).display().to_string(),
            Database::Postgres { schema, .. } => schema.durable_url(),
        }
    }

    /// A directory for logs and files, beside the data.
    pub fn scratch(&self) -> &Path {
        match self {
            Database::Sqlite { dir } => dir.path(),
            Database::Postgres { logs, .. } => logs.path(),
        }
    }
}

fn sqlite_path(dir: &TempDir) -> PathBuf {
    dir.path().join("openlines.db")
}

/// A running server; killed (SIGKILL) when dropped.
pub struct Server {
    pub address: String,
    child: Child,
    pub log: PathBuf,
}

impl Server {
    /// Starts `openlines serve --db <db> --demo` (the demo loads only into an empty database)
    /// with `flags` added, and waits until `/readyz` answers 200.
    pub async fn start(db: &Database, log_name: &str, flags: &[&str]) -> Server {
        let address = format!("127.0.0.1:{}", free_port());
        let log = db.scratch().join(log_name);
        let child = Command::new(env!("CARGO_BIN_EXE_openlines"))
            .args(["serve", "--demo", "--listen", &address, "--db", &db.url()])
            .args(flags)
            .env("OPENLINES_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(File::create(&log).expect("log file")))
            .spawn()
            .expect("start openlines serve");
        let mut server = Server {
            address,
            child,
            log,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&mut self) {
        let http = reqwest::Client::new();
        let url = format!("http://{}/readyz", self.address);
        loop {
            if let Some(status) = self.child.try_wait().expect("process state") {
                panic!("openlines serve exited with {status}:\n{}", self.log_text());
            }
            let ready = http.get(&url).send().await;
            if ready.is_ok_and(|answer| answer.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().expect("process state").is_none()
    }

    /// SIGKILL, as a crash or an OOM killer ends it: no shutdown code runs.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A port nobody listens on right now (the OS picks it; the process binds it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The seed of a randomized test: `variable` when set, else a fresh one, printed on the real
/// stderr (past the harness's capture) so a failing run can be repeated.
pub fn seed(variable: &str, test: &str) -> u64 {
    let seed = std::env::var(variable)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{test}: seed {seed} (repeat with {variable}={seed})\n").as_bytes(),
    );
    seed
}

/// A count from `variable`, else `default`.
pub fn count(variable: &str, default: u64) -> u64 {
    std::env::var(variable)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

/// The lines of a server log that show a panic.
pub fn panic_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains("panicked") || line.contains("panic"))
        .collect()
}
