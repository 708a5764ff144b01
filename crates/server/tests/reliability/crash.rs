//! kill -9 of the server during concurrent writes, and of `openlines import` during an
//! import, on SQLite and on PostgreSQL; then a restart on the same data. Every write that was
//! answered 200 must be readable afterwards, an import must be all there or not at all, and
//! the database must be whole (`integrity`).
//!
//! `OPENLINES_CRASH_ROUNDS` (default 3) sets the rounds per test, `OPENLINES_CRASH_SEED`
//! repeats the kill moments.

use crate::integrity::{count_titled, problems};
use crate::server::{count, panic_lines, seed, Database, Server, ADMIN_HOOK};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Writers at once.
const WRITERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_writes_on_sqlite() {
    kill9_during_writes(Database::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_writes_on_postgres() {
    let Some(db) = Database::postgres().await else {
        return;
    };
    kill9_during_writes(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_an_import_on_sqlite() {
    kill9_during_an_import(Database::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_an_import_on_postgres() {
    let Some(db) = Database::postgres().await else {
        return;
    };
    kill9_during_an_import(db).await;
}

/// The writes the server acknowledged with 200.
#[derive(Default, Clone)]
struct Acknowledged {
    /// Lead id and its title (`crm.lead.add`).
    leads: Vec<(i64, String)>,
    /// `USER_CODE` and the chat id `imopenlines.session.open` answered.
    chats: Vec<(String, i64)>,
    /// Chats whose session `imopenlines.crm.lead.create` bound to a new lead.
    chats_with_lead: Vec<i64>,
    /// Answers that were neither 200 nor a lost connection.
    errors: Vec<String>,
}

async fn kill9_during_writes(db: Database) {
    let engine = db.engine();
    let seed = seed(
        "OPENLINES_CRASH_SEED",
        &format!("kill9_during_writes_on_{engine}"),
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let rounds = count("OPENLINES_CRASH_ROUNDS", 3);
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..rounds {
        let mut server =
            Server::start(&db, &format!("writes-{round}.log"), &["--no-rate-limit"]).await;
        let so_far = acknowledged.lock().unwrap().clone();
        verify(&server, &so_far).await;
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (base, acknowledged) = (server.url(ADMIN_HOOK), acknowledged.clone());
                tokio::spawn(
                    async move { write_until_refused(base, round, writer, acknowledged).await },
                )
            })
            .collect();
        // The kill lands at a different moment of the writes each round.
        tokio::time::sleep(Duration::from_millis(rng.random_range(200..1500))).await;
        let log = server.log_text();
        server.kill9();
        for writer in writers {
            writer.await.expect("writer");
        }
        let panics = panic_lines(&log);
        assert!(panics.is_empty(), "round {round}: {panics:#?}");
        let broken = problems(&db).await;
        assert!(
            broken.is_empty(),
            "{engine}, after kill {round}: {broken:#?}"
        );
    }
    let server = Server::start(&db, "writes-final.log", &["--no-rate-limit"]).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    verify(&server, &acknowledged).await;
    assert!(acknowledged.errors.is_empty(), "{:#?}", acknowledged.errors);
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "kill9_during_writes_on_{engine}: seed {seed}, {rounds} kills, {} leads, {} chats, {} chat leads acknowledged and found\n",
            acknowledged.leads.len(),
            acknowledged.chats.len(),
            acknowledged.chats_with_lead.len()
        )
        .as_bytes(),
    );
}

/// POSTs JSON; `None` when the connection failed (the kill), else status and body.
async fn post(http: &reqwest::Client, url: &str, body: Value) -> Option<(u16, Value)> {
    let response = http.post(url).json(&body).send().await.ok()?;
    let status = response.status().as_u16();
    let body = response.json().await.ok()?;
    Some((status, body))
}

/// One writer: a lead, a chat, an answered session with a lead of its own, again and again,
/// until the server is gone.
async fn write_until_refused(
    base: String,
    round: u64,
    writer: usize,
    acknowledged: Arc<Mutex<Acknowledged>>,
) {
    let http = reqwest::Client::new();
    let error = |what: &str, status: u16, body: &Value| {
        acknowledged
            .lock()
            .unwrap()
            .errors
            .push(format!("{what}: {status} {body}"));
    };
    for n in 0.. {
        let title = format!("crash r{round} w{writer} n{n}");
        let url = format!("{base}/crm.lead.add");
        let Some((status, body)) = post(&http, &url, json!({"fields": {"TITLE": title}})).await
        else {
            return;
        };
        match body["result"].as_i64() {
            Some(id) if status == 200 => acknowledged.lock().unwrap().leads.push((id, title)),
            _ => return error("crm.lead.add", status, &body),
        }

        let code = format!("livechat|1|crash-{round}-{writer}-{n}|client");
        let url = format!("{base}/imopenlines.session.open");
        let Some((status, body)) = post(&http, &url, json!({"USER_CODE": code})).await else {
            return;
        };
        let chat = match body["result"]["chatId"]
            .as_str()
            .and_then(|id| id.parse().ok())
        {
            Some(chat) if status == 200 => chat,
            _ => return error("imopenlines.session.open", status, &body),
        };
        acknowledged.lock().unwrap().chats.push((code, chat));

        for method in ["imopenlines.operator.answer", "imopenlines.crm.lead.create"] {
            let url = format!("{base}/{method}");
            let Some((status, body)) = post(&http, &url, json!({"CHAT_ID": chat})).await else {
                return;
            };
            if status != 200 || body["result"] != json!(true) {
                return error(method, status, &body);
            }
        }
        acknowledged.lock().unwrap().chats_with_lead.push(chat);
    }
}

/// Every acknowledged write reads back as written.
async fn verify(server: &Server, acknowledged: &Acknowledged) {
    let http = reqwest::Client::new();
    let call = |method: &str, body: Value| {
        let url = server.url(&format!("{ADMIN_HOOK}/{method}"));
        let http = http.clone();
        async move {
            let (status, body) = post(&http, &url, body).await.expect("an answer");
            assert_eq!(status, 200, "{body}");
            body["result"].clone()
        }
    };
    for (id, title) in &acknowledged.leads {
        let lead = call("crm.lead.get", json!({"id": id})).await;
        assert_eq!(lead["TITLE"], json!(title), "lead {id}");
    }
    for (code, chat) in &acknowledged.chats {
        let dialog = call("imopenlines.dialog.get", json!({"USER_CODE": code})).await;
        assert_eq!(dialog["id"], json!(chat), "{code}");
    }
    for chat in &acknowledged.chats_with_lead {
        let dialog = call("imopenlines.dialog.get", json!({"CHAT_ID": chat})).await;
        let data = dialog["entity_data_1"].as_str().unwrap_or_default();
        assert!(data.starts_with("Y|LEAD|"), "chat {chat}: {dialog}");
    }
}

/// Leads per import file: enough that the import takes a while, so a kill lands inside it.
const IMPORTED_LEADS: i64 = 20_000;

/// A file of `IMPORTED_LEADS` leads titled `title`, each with a chat whose session is bound
/// to it (so the import also writes sessions, bindings and the chat index).
fn import_file(db: &Database, title: &str) -> std::path::PathBuf {
    let mut text = String::new();
    for n in 0..IMPORTED_LEADS {
        let (lead, chat) = (100_000 + n, 500_000 + n);
        text.push_str(
            &json!({"type":"lead","id":lead,"title":title,"assigned_by_id":2}).to_string(),
        );
        text.push('\n');
        if n % 4 == 0 {
            text.push_str(
                &json!({"type":"chat","id":chat,"connector_id":"livechat","status":20,
                "crm":[{"entity_type":"lead","entity_id":lead}]})
                .to_string(),
            );
            text.push('\n');
        }
    }
    let path = db
        .scratch()
        .join(format!("{}.jsonl", title.replace(' ', "-")));
    std::fs::write(&path, text).expect("write the import file");
    path
}

async fn kill9_during_an_import(db: Database) {
    let engine = db.engine();
    let seed = seed(
        "OPENLINES_CRASH_SEED",
        &format!("kill9_during_an_import_on_{engine}"),
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let rounds = count("OPENLINES_CRASH_ROUNDS", 3);
    // A migrated database with the demo data, as a deployment has it.
    drop(Server::start(&db, "import-setup.log", &[]).await);
    // One import to its end: the title every imported lead has now, and how long an import
    // takes here, so that the kills below land inside one (at a random moment of it).
    let calibration = import_file(&db, "import calibration");
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args([
            "import",
            &calibration.display().to_string(),
            "--db",
            &db.url(),
        ])
        .output()
        .expect("run openlines import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let duration_ms = (started.elapsed().as_millis() as u64).max(20);
    let mut committed = Some("import calibration".to_owned());
    let (mut killed, mut killed_after_commit, mut finished) = (0, 0, 0);
    for round in 0..rounds {
        let title = format!("import round {round}");
        let file = import_file(&db, &title);
        let mut child = Command::new(env!("CARGO_BIN_EXE_openlines"))
            .args(["import", &file.display().to_string(), "--db", &db.url()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start openlines import");
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..duration_ms))).await;
        let exited = child.try_wait().expect("process state");
        let _ = child.kill();
        let status = child.wait().expect("wait");
        let new = count_titled(&db, "lead", &title).await;
        match exited {
            Some(status) => {
                assert!(status.success(), "the import failed by itself: {status}");
                assert_eq!(new, IMPORTED_LEADS, "a finished import is all there");
                finished += 1;
                committed = Some(title);
            }
            None if new == IMPORTED_LEADS => {
                // Killed after its commit, before it exited.
                killed_after_commit += 1;
                committed = Some(title);
            }
            None => {
                assert_eq!(new, 0, "a killed import ({status}) left part of its lines");
                killed += 1;
                if let Some(old) = &committed {
                    assert_eq!(count_titled(&db, "lead", old).await, IMPORTED_LEADS);
                }
            }
        }
        let broken = problems(&db).await;
        assert!(
            broken.is_empty(),
            "{engine}, after import round {round}: {broken:#?}"
        );
    }
    // An import run to its end after the kills loads completely, and the server reads it.
    let file = import_file(&db, "import final");
    let output = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args(["import", &file.display().to_string(), "--db", &db.url()])
        .output()
        .expect("run openlines import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        count_titled(&db, "lead", "import final").await,
        IMPORTED_LEADS
    );
    assert!(problems(&db).await.is_empty());
    let server = Server::start(&db, "import-final.log", &["--no-rate-limit"]).await;
    let http = reqwest::Client::new();
    let url = server.url(&format!("{ADMIN_HOOK}/imopenlines.crm.chat.get"));
    let (status, body) = post(
        &http,
        &url,
        json!({"CRM_ENTITY_TYPE":"lead","CRM_ENTITY":100_000}),
    )
    .await
    .expect("an answer");
    assert_eq!(
        (status, &body["result"][0]["CHAT_ID"]),
        (200, &json!("500000")),
        "{body}"
    );
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "kill9_during_an_import_on_{engine}: seed {seed}, an import takes {duration_ms} ms, {killed} imports killed before their commit, {killed_after_commit} after it, {finished} finished before the kill, all whole\n"
        )
        .as_bytes(),
    );
}
