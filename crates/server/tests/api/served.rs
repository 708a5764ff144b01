//! `Served`: the real `openlines serve` binary as a child process, for what only the binary
//! does (its start order, the temporary demo database, the banner, the shell commands that
//! talk to it). It listens on 127.0.0.1:0 and is found by the `Listening on …` line it
//! prints once it is ready, so no test waits or polls.

use crate::services::{self, PgSchema};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;

/// The admin token every served test passes.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// `openlines ARGS`, with no `OPENLINES_*` variable of the calling environment leaking in,
/// run in the system's temporary directory so that a default `openlines.db` never lands in
/// the source tree.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openlines"));
    command.args(args).current_dir(std::env::temp_dir());
    for (name, _) in std::env::vars() {
        if name.starts_with("OPENLINES_") {
            command.env_remove(name);
        }
    }
    command.env_remove("SSL_CERT_FILE");
    command
}

/// Runs `openlines ARGS` to the end.
pub fn run(args: &[&str]) -> Output {
    command(args)
        .stdin(Stdio::null())
        .output()
        .expect("run openlines")
}

/// Standard error and output of a finished command, for assertion messages.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stderr).into_owned(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// A database for a served test on the suite's backend: a SQLite file in a temporary
/// directory, or a fresh PostgreSQL schema.
pub struct BackendDb {
    pub url: String,
    _dir: TempDir,
    _schema: Option<PgSchema>,
}

impl BackendDb {
    pub async fn new() -> BackendDb {
        let dir = tempfile::tempdir().expect("temp dir");
        if services::postgres_backend() {
            if let Some(schema) = PgSchema::create().await {
                return BackendDb {
                    url: schema.url(),
                    _dir: dir,
                    _schema: Some(schema),
                };
            }
        }
        BackendDb {
            url: dir.path().join("served.db").display().to_string(),
            _dir: dir,
            _schema: None,
        }
    }
}

/// A running `openlines serve`.
pub struct Served {
    child: Child,
    pub address: SocketAddr,
    /// What it printed on standard output up to and including the `Database:` line (the
    /// last line about the data: what was loaded or found comes before it).
    pub banner: Vec<String>,
    stdout: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    _cwd: TempDir,
}

/// Why a server did not start: its exit and what it printed.
#[derive(Debug)]
pub struct NotStarted {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Served {
    /// `openlines serve --listen 127.0.0.1:0 --admin-token … ARGS`, once it listens.
    pub fn start(args: &[&str]) -> Served {
        match Served::try_start(&[], args) {
            Ok(served) => served,
            Err(failed) => panic!("openlines serve did not start: {failed:#?}"),
        }
    }

    /// Like [`start`](Self::start), with global flags before `serve`; the exit and output
    /// when it stops before listening.
    pub fn try_start(global: &[&str], args: &[&str]) -> Result<Served, NotStarted> {
        let mut all: Vec<&str> = global.to_vec();
        all.extend(["serve", "--admin-token", ADMIN_TOKEN]);
        if !args.contains(&"--listen") {
            all.extend(["--listen", "127.0.0.1:0"]);
        }
        all.extend(args);
        // Its own working directory: a server without --db makes `openlines.db` there.
        let cwd = tempfile::tempdir().expect("temp dir");
        let mut child = command(&all)
            .current_dir(cwd.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn openlines serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read) = err_pipe.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        });
        let (lines, stdout) = mpsc::channel();
        let out_pipe = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out_pipe).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        let mut address = None;
        // A guard against a hung start, not a timing assertion.
        while let Ok(line) = stdout.recv_timeout(Duration::from_secs(120)) {
            if let Some(rest) = line.strip_prefix("Listening on http://") {
                address = rest.trim_end_matches('/').parse().ok();
            }
            let done = line.starts_with("Database: ");
            banner.push(line);
            if done {
                break;
            }
        }
        match address {
            Some(address) => Ok(Served {
                child,
                address,
                banner,
                stdout,
                stderr,
                stderr_reader: Some(stderr_reader),
                _cwd: cwd,
            }),
            None => {
                let status = child.wait().expect("wait");
                // Everything it wrote is read once the pipe's reader has seen its end.
                let _ = stderr_reader.join();
                // Let the reader threads drain what is left.
                let rest: Vec<String> = stdout.iter().collect();
                banner.extend(rest);
                let stderr = stderr.lock().unwrap().clone();
                Err(NotStarted {
                    code: status.code(),
                    stdout: banner.join("\n"),
                    stderr,
                })
            }
        }
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The banner as one text.
    pub fn banner_text(&self) -> String {
        self.banner.join("\n")
    }

    /// What it logged so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The shared buffer of what it logs (complete once [`terminate`](Self::terminate)
    /// returned).
    pub fn stderr_handle(&self) -> Arc<Mutex<String>> {
        Arc::clone(&self.stderr)
    }

    /// Waits for the next standard output line that starts with `prefix`; the rest of it.
    pub fn wait_for_line(&self, prefix: &str) -> String {
        // A guard against a hung server, not a timing assertion.
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(120)) {
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.to_owned();
            }
        }
        panic!("no line starting {prefix:?}: {}", self.stderr());
    }

    /// Stops it as SIGTERM does (a graceful shutdown) and waits for the exit code.
    pub fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let status = self.child.wait().expect("wait");
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        status.code()
    }

    /// POSTs a form to `path` and returns status and JSON.
    pub async fn post_form(&self, path: &str, body: &str) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    /// A call of the admin endpoint with the admin token.
    pub async fn admin(&self, method: reqwest::Method, path: &str) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .request(method, format!("{}{path}", self.url()))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
