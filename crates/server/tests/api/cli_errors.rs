//! Errors of the `openlines` command that say what is wrong and what to do, over the real
//! binary: exit codes and messages naming the database, address or flag, and commands that
//! only read refusing to create a database.

use crate::served::{command, run, text, BackendDb, Served, ADMIN_TOKEN};
use std::io::Read;
use std::process::Stdio;

#[test]
fn a_sqlite_file_in_a_missing_directory_is_named_with_the_fix() {
    let output = run(&["migrate", "--db", "/no/such/dir/x.db"]);
    let (stderr, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create the SQLite database /no/such/dir/x.db")
            && stderr.contains("the directory /no/such/dir does not exist"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_postgresql_is_named_with_its_cause() {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    let output = run(&[
        "export",
        "--db",
        "postgres://someone:secret@127.0.0.1:1/things",
    ]);
    let (stderr, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:1")
            && stderr.contains("\"things\"")
            && stderr.to_lowercase().contains("refused")
            && !stderr.contains("secret"),
        "{stderr}"
    );
}

#[test]
fn read_only_commands_refuse_a_missing_database_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.db");
    let db = typo.display().to_string();
    for args in [
        vec!["export", "--db", &db],
        vec!["webhook", "list", "--db", &db],
        vec!["webhook", "revoke", "1", "--db", &db],
        vec!["token", "add", "--user", "1", "--db", &db],
    ] {
        let output = run(&args);
        let (stderr, stdout) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("there is no database at {db}"))
                && stderr.contains("openlines migrate --db"),
            "{args:?}: {stderr}"
        );
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(!typo.exists(), "{args:?} created the database");
    }
    let empty = run(&["export", "--db", ""]);
    let (stderr, _) = text(&empty);
    assert_eq!(empty.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--db is empty"), "{stderr}");
}

#[tokio::test]
async fn read_only_commands_refuse_a_database_that_was_never_migrated() {
    let db = BackendDb::new().await;
    if !db.url.starts_with("postgres") {
        // An existing file that is no openlines database.
        std::fs::write(&db.url, b"").unwrap();
    }
    let output = run(&["export", "--db", &db.url]);
    let (stderr, stdout) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("holds no openlines data (it was never migrated)"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
    let listed = run(&["webhook", "list", "--db", &db.url]);
    assert_eq!(listed.status.code(), Some(1), "{:?}", text(&listed));
}

#[tokio::test]
async fn migrate_says_what_it_did() {
    let db = BackendDb::new().await;
    // One migration per file, the same count in both engines' folders.
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
    let count = std::fs::read_dir(folder).unwrap().count();
    let applied = format!("applied {count} migrations");
    let first = run(&["migrate", "--db", &db.url]);
    let (stderr, _) = text(&first);
    assert_eq!(first.status.code(), Some(0), "{stderr}");
    if db.url.starts_with("postgres") {
        assert!(stderr.contains(&format!("{applied} to")), "{stderr}");
    } else {
        assert!(
            stderr.contains("created ") && stderr.contains(&applied),
            "{stderr}"
        );
    }
    let second = run(&["migrate", "--db", &db.url]);
    let (stderr, _) = text(&second);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("was already up to date") && stderr.contains("nothing was changed"),
        "{stderr}"
    );
}

#[test]
fn webhook_list_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("list.db").display().to_string();
    let fixture = dir.path().join("demo.jsonl");
    std::fs::write(&fixture, openlines::dataset::demo::DEMO_JSONL).unwrap();
    let imported = run(&["import", "--db", &db, &fixture.display().to_string()]);
    assert_eq!(imported.status.code(), Some(0), "{:?}", text(&imported));
    let mut child = command(&["webhook", "list", "--db", &db])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the command gets to write (it opens the database
    // first), as `| head -0` would: every line it prints meets a closed pipe.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn journal_with_a_wrong_admin_token_says_which_token_to_give() {
    let served = Served::start(&[]);
    let url = served.url();
    let output = run(&["journal", "--url", &url, "--admin-token", "wrong"]);
    let (stderr, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("the server at {url} refused the admin token"))
            && stderr.contains("the token the server was started with"),
        "{stderr}"
    );
    let right = run(&["journal", "--url", &url, "--admin-token", ADMIN_TOKEN]);
    assert_eq!(right.status.code(), Some(0), "{:?}", text(&right));
}

/// A server that accepts connections and closes them at once, counting them: what a client
/// sees from a port that speaks no TLS when it expects HTTPS.
fn counting_listener() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (address, count)
}

#[test]
fn call_does_not_retry_a_connection_that_cannot_be_made() {
    use std::sync::atomic::Ordering;
    let (address, connections) = counting_listener();
    // A read, which is retried after a lost answer; a failed TLS handshake is no such thing.
    let output = run(&[
        "call",
        "--webhook",
        &format!("https://{address}/rest/1/demo0123456789ab/"),
        "server.time",
    ]);
    let (stderr, _) = text(&output);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{stderr}");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let refused = run(&[
        "call",
        "--webhook",
        &format!("http://{closed}/rest/1/demo0123456789ab/"),
        "server.time",
    ]);
    let (stderr, _) = text(&refused);
    assert_eq!(refused.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("nothing answered at that address") && stderr.contains("openlines serve"),
        "{stderr}"
    );
}

#[tokio::test]
async fn call_trusts_openlines_own_ca_with_cacert_or_ssl_cert_file() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let served = Served::start(&[
        "--demo",
        "--tls-self-signed",
        "--https-listen",
        "127.0.0.1:0",
        "--data-dir",
        &data_dir,
    ]);
    let https = served.wait_for_line("HTTPS on https://");
    let hook = format!("https://{https}rest/1/demo0123456789ab/");
    let untrusted = run(&["call", "--webhook", &hook, "server.time"]);
    let (stderr, _) = text(&untrusted);
    assert_eq!(untrusted.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("certificate is not trusted") && stderr.contains("--cacert"),
        "{stderr}"
    );
    let ca = data.path().join("openlines-tls-ca.pem");
    assert!(ca.exists(), "the CA is in --data-dir");
    let ca = ca.display().to_string();
    let trusted = run(&["call", "--cacert", &ca, "--webhook", &hook, "server.time"]);
    assert_eq!(trusted.status.code(), Some(0), "{:?}", text(&trusted));
    let from_env = command(&["call", "--webhook", &hook, "server.time"])
        .env("SSL_CERT_FILE", &ca)
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(0), "{:?}", text(&from_env));
}

#[tokio::test]
async fn switched_on_faults_and_client_mistakes_are_not_logged_as_errors() {
    let served = Served::try_start(
        &["--log-format", "json"],
        &[
            "--demo",
            "--fault",
            r#"{"kind":"internal_error","method":"server.time","count":1}"#,
            // One request per client, then 503 QUERY_LIMIT_EXCEEDED.
            "--rate-limit-burst",
            "1",
            "--rate-limit-per-second",
            "0.001",
        ],
    )
    .expect("starts");
    let (status, _) = served
        .post_form("/rest/1/demo0123456789ab/server.time", "")
        .await;
    assert_eq!(status, 500, "the forced 500");
    let (status, _) = served
        .post_form("/rest/1/demo0123456789ab/no.such.method", "")
        .await;
    assert_eq!(status, 404);
    let (status, _) = served.post_form("/rest/1/wrong-code/server.time", "").await;
    assert_eq!(status, 503, "the rate limit");
    let log = {
        let stderr_of = served.stderr_handle();
        assert_eq!(served.terminate(), Some(0));
        let text = stderr_of.lock().unwrap().clone();
        text
    };
    assert!(!log.contains('\u{1b}'), "no colour codes: {log}");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "openlines stopped"),
        "{log}"
    );
    assert!(
        lines.iter().all(|line| line["level"] != "ERROR"),
        "nothing at ERROR: {log}"
    );
}

#[test]
fn text_logs_have_no_colour_codes_when_stderr_is_not_a_terminal() {
    let output = run(&["migrate", "--db", "/no/such/dir/x.db"]);
    let served = Served::start(&[]);
    let stderr = served.stderr_handle();
    assert_eq!(served.terminate(), Some(0));
    let log = stderr.lock().unwrap().clone();
    assert!(log.contains("openlines is listening"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
    assert!(!text(&output).0.contains('\u{1b}'));
}
