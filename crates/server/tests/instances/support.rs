//! Starting `openlines serve` processes and talking to them.

use crate::services::{self, PgSchema};
use openlines::clock::Clock;
use openlines::dataset::demo;
use openlines::storage::{Store, StoreOptions};
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;
use tempfile::TempDir;

/// The demo portal's admin webhook.
pub const ADMIN_HOOK: &str = "/rest/1/demo0123456789ab";
/// The admin endpoint's token of every instance started here.
pub const ADMIN_TOKEN: &str = "instances-admin-token";

/// One PostgreSQL schema with the demo data and one Redis prefix, for instances to share.
#[derive(Debug)]
pub struct Shared {
    /// Dropped (with the schema) when the test ends.
    _schema: PgSchema,
    pub db: String,
    pub redis: String,
    pub prefix: String,
    logs: TempDir,
}

impl Shared {
    /// A fresh schema with the demo data, and a fresh Redis prefix; `None` when PostgreSQL or
    /// Redis is absent (and absence is allowed).
    pub async fn demo() -> Option<Shared> {
        let schema = PgSchema::create().await?;
        let redis = services::redis_url();
        if let Err(error) = redis_ping(&redis).await {
            return services::absent("Redis", &redis, &error);
        }
        let db = schema.durable_url();
        let store = Store::open(&StoreOptions::new(&db)).await.expect("open");
        store.migrate().await.expect("migrate");
        demo::load(&store, Clock::default().now_secs())
            .await
            .expect("demo data");
        store.close().await;
        Some(Shared {
            _schema: schema,
            db,
            redis,
            prefix: services::unique("openlines-test:instances:") + ":",
            logs: tempfile::tempdir().expect("temp dir"),
        })
    }

    /// Starts an instance over this database and Redis with `flags` added, ready to serve.
    pub async fn start(&self, name: &str, flags: &[&str]) -> Instance {
        let mut args = vec![
            "--db",
            &self.db,
            "--redis",
            &self.redis,
            "--redis-prefix",
            &self.prefix,
        ];
        args.extend_from_slice(flags);
        Instance::start(self.logs.path().join(name), &args).await
    }

    /// Runs an `openlines` subcommand against this database (`--db` is added).
    pub fn cli(&self, args: &[&str]) -> Output {
        cli_on(&self.db, args)
    }
}

/// `openlines ARGS --db DB`, which must succeed.
pub fn cli_on(db: &str, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args(args)
        .args(["--db", db])
        .output()
        .expect("run openlines");
    assert!(
        output.status.success(),
        "openlines {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Adds a webhook of user 1 (scopes imopenlines and crm) from the command line: its path
/// prefix (`/rest/1/<code>/`) and its id.
pub fn add_webhook(db: &str) -> (String, String) {
    add_webhook_with(db, &[])
}

/// [`add_webhook`] with more flags of `webhook add` (`--expires TIME`, say).
pub fn add_webhook_with(db: &str, flags: &[&str]) -> (String, String) {
    let mut args = vec![
        "webhook",
        "add",
        "--user",
        "1",
        "--scope",
        "imopenlines,crm",
    ];
    args.extend_from_slice(flags);
    let added = cli_on(db, &args);
    let url = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let path = url[url.find("/rest/").expect("a webhook URL")..].to_owned();
    let id = String::from_utf8_lossy(&added.stderr)
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("webhook ")?;
            Some(rest.split_once(" created")?.0.to_owned())
        })
        .expect("webhook <id> created");
    (path, id)
}

impl Drop for Shared {
    /// Removes this test's Redis keys (they would expire anyway).
    fn drop(&mut self) {
        let (url, prefix) = (self.redis.clone(), self.prefix.clone());
        let _ = std::thread::spawn(move || {
            let client = ::redis::Client::open(url).ok()?;
            let mut connection = client.get_connection().ok()?;
            let keys: Vec<String> = ::redis::cmd("KEYS")
                .arg(format!("{prefix}*"))
                .query(&mut connection)
                .ok()?;
            if !keys.is_empty() {
                let _: () = ::redis::cmd("DEL").arg(keys).query(&mut connection).ok()?;
            }
            Some(())
        })
        .join();
    }
}

async fn redis_ping(url: &str) -> Result<(), ::redis::RedisError> {
    let client = ::redis::Client::open(url)?;
    let mut connection = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .map_err(|_| ::redis::RedisError::from((::redis::ErrorKind::Io, "connect timed out")))??;
    ::redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await?;
    Ok(())
}

/// A running `openlines serve`, stopped (SIGKILL) when dropped unless stopped before.
#[derive(Debug)]
pub struct Instance {
    pub base: String,
    /// Behind a lock so a test can wait for the exit while others still call the instance.
    child: Mutex<Child>,
    log: PathBuf,
    pub http: reqwest::Client,
}

impl Instance {
    /// Starts `openlines serve` with `args` on a free port and waits until `/readyz` says so.
    pub async fn start(log: PathBuf, args: &[&str]) -> Instance {
        let instance = Instance::spawn(log, args);
        instance.wait_until_ok("/readyz").await;
        instance
    }

    /// Starts `openlines serve` with `args` on a free port, without waiting.
    pub fn spawn(log: PathBuf, args: &[&str]) -> Instance {
        Instance::spawn_with_env(log, args, &[])
    }

    /// [`spawn`](Self::spawn) with extra environment variables.
    pub fn spawn_with_env(log: PathBuf, args: &[&str], env: &[(&str, &str)]) -> Instance {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_openlines"))
            .arg("serve")
            .args(["--listen", &listen, "--admin-token", ADMIN_TOKEN])
            .args(args)
            .env("OPENLINES_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::from(File::create(&log).expect("log file")))
            .stderr(Stdio::from(
                File::options().append(true).open(&log).expect("log file"),
            ))
            .spawn()
            .expect("start openlines serve");
        Instance {
            base: format!("http://{listen}"),
            child: Mutex::new(child),
            log,
            http: reqwest::Client::new(),
        }
    }

    /// Polls `path` until it answers 200 (the process needs a moment to migrate and bind);
    /// fails with the log if the process exits first.
    pub async fn wait_until_ok(&self, path: &str) {
        loop {
            if let Some(status) = self.exit_status() {
                panic!("openlines serve exited with {status}:\n{}", self.log());
            }
            let ready = self.http.get(self.url(path)).send().await;
            if ready.is_ok_and(|answer| answer.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What the process wrote so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST with a JSON body and optional extra headers; `Err` when no answer came back.
    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Answer::read(request.send().await?).await
    }

    /// POST with a JSON body; panics when no answer comes back.
    pub async fn call(&self, path: &str, body: Value) -> Answer {
        self.post(path, &body, &[]).await.expect("an answer")
    }

    /// GET; panics when no answer comes back.
    pub async fn get(&self, path: &str) -> Answer {
        let response = self.http.get(self.url(path)).send().await.expect("answer");
        Answer::read(response).await.expect("body")
    }

    fn pid(&self) -> u32 {
        self.child.lock().expect("child lock").id()
    }

    /// SIGTERM: the graceful shutdown a process manager or load balancer drain starts.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
    }

    /// How the process ended, if it has.
    fn exit_status(&self) -> Option<ExitStatus> {
        let mut child = self.child.lock().expect("child lock");
        child.try_wait().expect("process state")
    }

    /// Waits for the process to exit (after [`terminate`](Self::terminate)).
    pub async fn wait(&self) -> ExitStatus {
        loop {
            if let Some(status) = self.exit_status() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port nobody listens on right now (the OS picks it; the process binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// An answer: status and the body as JSON (or `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub text: String,
    pub json: Value,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Result<Answer, reqwest::Error> {
        let status = response.status().as_u16();
        let text = response.text().await?;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Answer { status, text, json })
    }

    /// The `result` of a success.
    pub fn result(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.text);
        &self.json["result"]
    }

    /// Checks status and the whole body.
    pub fn assert_exact(&self, status: u16, body: Value) {
        assert_eq!((self.status, &self.json), (status, &body), "{}", self.text);
    }

    /// The Bitrix error code (`error`).
    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or_default()
    }
}
