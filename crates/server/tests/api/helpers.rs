//! `TestApp`: a running server with the demo data, and callers for it.
//!
//! Each test gets its own database: a SQLite file in a temporary directory, or, when
//! `OPENLINES_TEST_BACKEND=postgres`, its own schema in `OPENLINES_TEST_POSTGRES` (see
//! `services`).

use crate::services::{self, PgSchema};
use openlines::clock::Clock;
use openlines::dataset::demo;
use openlines::state::{AppState, Settings};
use openlines::storage::{Store, StoreOptions};
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const ADMIN_HOOK: &str = "/rest/1/demo0123456789ab";
pub const LIMITED_HOOK: &str = "/rest/5/limited0123456789";
pub const CRM_ONLY_HOOK: &str = "/rest/1/crmonly012345678";
pub const NO_SCOPE_HOOK: &str = "/rest/1/noscope012345678";
pub const INACTIVE_HOOK: &str = "/rest/4/inactive01234567";

/// Default settings with both limits off, so suites that are not about limits never trip them.
pub fn quiet_settings() -> Settings {
    Settings {
        limits: openlines::limits::LimitSettings::off(),
        ..Settings::default()
    }
}

/// A server on 127.0.0.1:0 with its own database.
pub struct TestApp {
    pub address: SocketAddr,
    pub http: reqwest::Client,
    pub store: Store,
    _db: TestDb,
    stop: Option<oneshot::Sender<()>>,
}

/// Where a test's data lives; dropping it removes the data.
#[derive(Debug)]
pub enum TestDb {
    Sqlite(TempDir),
    Postgres(PgSchema),
}

impl TestDb {
    /// A fresh, migrated store on the suite's backend.
    async fn fresh() -> (Store, TestDb) {
        if !services::postgres_backend() {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = open_migrated(&dir.path().join("openlines.db").to_string_lossy()).await;
            return (store, TestDb::Sqlite(dir));
        }
        let Some(schema) = PgSchema::create().await else {
            // Every test of this run would be skipped alike; say so once and end the run
            // rather than report each test as passed.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"SKIPPED: the PostgreSQL run of the HTTP suite (OPENLINES_TEST_BACKEND=postgres)\n",
            );
            std::process::exit(0);
        };
        let store = open_migrated(&schema.url()).await;
        (store, TestDb::Postgres(schema))
    }
}

/// Opens and migrates the store at `url`.
pub async fn open_migrated(url: &str) -> Store {
    let options = StoreOptions {
        max_connections: 4,
        ..StoreOptions::new(url)
    };
    let store = Store::open(&options).await.expect("open store");
    store.migrate().await.expect("migrate");
    store
}

/// An answer: status, headers and the body parsed as JSON (or `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl TestApp {
    /// The server with the demo data loaded.
    pub async fn demo() -> TestApp {
        TestApp::with_settings(quiet_settings(), &[demo::DEMO_JSONL]).await
    }

    /// The server with the demo data and extra fixture lines.
    pub async fn demo_with(extra: &str) -> TestApp {
        TestApp::with_settings(quiet_settings(), &[demo::DEMO_JSONL, extra]).await
    }

    /// The server with `settings` and the given fixture files loaded in order.
    pub async fn with_settings(settings: Settings, fixtures: &[&str]) -> TestApp {
        let (store, db) = TestDb::fresh().await;
        let now = Clock::default().now_secs();
        for fixture in fixtures {
            openlines::dataset::import::import(&store, fixture.as_bytes(), now, |_| {})
                .await
                .expect("fixture loads");
        }
        TestApp::start(store, settings, db).await
    }

    /// Serves `store` (which `db` holds) on 127.0.0.1:0.
    pub async fn start(store: Store, settings: Settings, db: TestDb) -> TestApp {
        TestApp::start_with_clock(store, settings, db, Clock::default()).await
    }

    /// The server with `settings`, the demo data, and `clock` (e.g. a manual one).
    pub async fn demo_with_clock(settings: Settings, clock: Clock) -> TestApp {
        let (store, db) = TestDb::fresh().await;
        openlines::dataset::import::import(
            &store,
            demo::DEMO_JSONL.as_bytes(),
            clock.now_secs(),
            |_| {},
        )
        .await
        .expect("fixture loads");
        TestApp::start_with_clock(store, settings, db, clock).await
    }

    /// [`start`](Self::start) with the server reading `clock`.
    pub async fn start_with_clock(
        store: Store,
        settings: Settings,
        db: TestDb,
        clock: Clock,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let state = AppState::new(store.clone(), settings, clock);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(openlines::serve(listener, state, async {
            let _ = stopped.await;
        }));
        TestApp {
            address,
            http: reqwest::Client::new(),
            store,
            _db: db,
            stop: Some(stop),
        }
    }

    /// POSTs `body` as JSON to `method` through `hook` (a webhook path such as [`ADMIN_HOOK`]).
    pub async fn call(&self, hook: &str, method: &str, body: Value) -> Answer {
        self.post_json(&format!("{hook}/{method}"), body).await
    }

    /// The `result` of chat.get for `deal` with every session status, through `hook`.
    pub async fn chats_of_deal(&self, hook: &str, deal: i64) -> Value {
        let params = serde_json::json!({
            "CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": deal, "ACTIVE_ONLY": "N"
        });
        self.call(hook, "imopenlines.crm.chat.get", params)
            .await
            .result()
            .clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// POST with a JSON body.
    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        let response = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        Answer::read(response).await
    }

    /// POST with a raw body and content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Answer {
        let response = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("request");
        Answer::read(response).await
    }

    /// POST `application/x-www-form-urlencoded`.
    pub async fn post_form(&self, path: &str, body: &str) -> Answer {
        self.post_raw(path, "application/x-www-form-urlencoded", body)
            .await
    }

    /// GET.
    pub async fn get(&self, path_and_query: &str) -> Answer {
        let response = self
            .http
            .get(self.url(path_and_query))
            .send()
            .await
            .expect("request");
        Answer::read(response).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    /// The `result` of a success, after checking the envelope's keys and `time` block.
    pub fn result(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.text);
        let keys: Vec<&str> = self
            .json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["result", "time"], "envelope keys of {}", self.text);
        assert_time_block(&self.json["time"]);
        &self.json["result"]
    }

    /// Checks an error answer exactly: status and the whole body.
    pub fn assert_error(&self, status: u16, body: Value) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.json, body, "body");
        assert!(self.json.get("time").is_none() && self.json.get("result").is_none());
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }
}

/// The `time` block of spec §2.2: integer `start`, float `finish`/`duration`, numeric
/// `processing`, ISO-8601 dates with offset, integer `operating_reset_at`, numeric `operating`.
pub fn assert_time_block(time: &Value) {
    let keys: Vec<&str> = time
        .as_object()
        .expect("time object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "start",
            "finish",
            "duration",
            "processing",
            "date_start",
            "date_finish",
            "operating",
            "operating_reset_at"
        ]
    );
    assert!(time["start"].is_i64(), "start is an integer: {time}");
    assert!(time["finish"].is_f64(), "finish is a float: {time}");
    assert!(time["duration"].is_f64(), "duration is a float: {time}");
    assert!(time["processing"].is_number());
    assert!(time["operating"].is_number());
    assert!(time["operating_reset_at"].is_i64());
    for key in ["date_start", "date_finish"] {
        let date = time[key].as_str().expect("date string");
        assert_eq!(date.len(), 25, "{date}");
        assert!(date.ends_with("+00:00"), "{date}");
    }
}

/// `{"CHAT_ID": id, "CONNECTOR_ID": connector, "CONNECTOR_TITLE": title}`.
/// Spec case 1's answer: the active chats of the demo's lead 1205.
pub fn case1() -> Value {
    serde_json::json!([chat("1763", "livechat", "Live Chat")])
}

pub fn chat(id: &str, connector: &str, title: &str) -> Value {
    serde_json::json!({"CHAT_ID": id, "CONNECTOR_ID": connector, "CONNECTOR_TITLE": title})
}

impl TestApp {
    /// The `--db` value of this app's database, for running the real binary on it.
    pub fn database_url(&self) -> String {
        match &self._db {
            TestDb::Sqlite(dir) => dir.path().join("openlines.db").display().to_string(),
            TestDb::Postgres(schema) => schema.url(),
        }
    }

    /// A server over a SQLite file that was filled beforehand (e.g. by `openlines import`);
    /// SQLite whatever the suite's backend.
    pub async fn on_existing_database(dir: TempDir) -> TestApp {
        let store = open_migrated(&dir.path().join("openlines.db").to_string_lossy()).await;
        TestApp::start(store, quiet_settings(), TestDb::Sqlite(dir)).await
    }
}

/// Runs the real `openlines` binary with `args`, feeding it `stdin` when given.
pub fn openlines(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run openlines");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

/// A finished command's standard error, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `content` to a file in `dir` and runs `openlines import` of it into the app's
/// database.
pub fn import_text(app: &TestApp, dir: &tempfile::TempDir, content: &str) -> std::process::Output {
    let file = dir.path().join("import.jsonl");
    std::fs::write(&file, content).unwrap();
    openlines(
        &[
            "import",
            file.to_str().unwrap(),
            "--db",
            &app.database_url(),
        ],
        None,
    )
}

/// [`import_text`] of a file that must load; a failure shows the importer's messages.
pub fn import_ok(app: &TestApp, dir: &tempfile::TempDir, content: &str) {
    let output = import_text(app, dir, content);
    assert!(output.status.success(), "{}", stderr(&output));
}
