//! `openlines serve` over the real binary: a fresh temporary demo every start, `--db` loaded
//! only when empty, `--fixture`, and the start order (flags, then listeners, then the
//! database, then the banner), so that a start that fails changes nothing.

use crate::served::{run, text, BackendDb, Served};
use serde_json::json;

const HOOK_OPEN: &str = "/rest/1/demo0123456789ab/imopenlines.session.open";
const HOOK_FINISH: &str = "/rest/1/demo0123456789ab/imopenlines.operator.another.finish";
const HOOK_DIALOG: &str = "/rest/1/demo0123456789ab/imopenlines.dialog.get";
const HOOK_CHAT_GET: &str = "/rest/1/demo0123456789ab/imopenlines.crm.chat.get";
/// Deal 288's active chats: chat 9852 until it is finished.
const ACTIVE_UNDER_DEAL_288: &str = "CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=Y";

/// The temporary database's path from the banner's `Database: PATH (temporary…` line.
fn temporary_path(served: &Served) -> std::path::PathBuf {
    let line = served
        .banner
        .iter()
        .find(|line| line.starts_with("Database: "))
        .expect("a Database: line");
    assert!(line.contains("(temporary"), "{line}");
    let path = line
        .trim_start_matches("Database: ")
        .split(" (")
        .next()
        .unwrap();
    std::path::PathBuf::from(path)
}

#[tokio::test]
async fn demo_without_db_starts_fresh_every_time_and_leaves_nothing() {
    let first = Served::start(&["--demo"]);
    let file = temporary_path(&first);
    assert!(file.exists());
    let (_, opened) = first
        .post_form(HOOK_OPEN, "USER_CODE=livechat|1|visitor-1|client-1")
        .await;
    assert_eq!(opened["result"]["chatId"], json!("9853"));
    assert_eq!(first.terminate(), Some(0));
    assert!(
        !file.parent().unwrap().exists(),
        "the temporary directory is removed at exit"
    );

    let second = Served::start(&["--demo"]);
    assert_ne!(temporary_path(&second), file);
    let (_, opened) = second
        .post_form(HOOK_OPEN, "USER_CODE=livechat|1|visitor-1|client-1")
        .await;
    assert_eq!(
        opened["result"]["chatId"],
        json!("9853"),
        "the README's walk-through gives the same answers on every run"
    );
}

#[tokio::test]
async fn demo_into_a_database_with_data_says_what_it_found_and_loads_nothing() {
    let db = BackendDb::new().await;
    let first = Served::start(&["--demo", "--db", &db.url]);
    let (status, body) = first.post_form(HOOK_FINISH, "CHAT_ID=9852").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(first.terminate(), Some(0));

    let second = Served::start(&["--demo", "--db", &db.url]);
    let banner = second.banner_text();
    assert!(
        banner.contains("already holds data (")
            && banner.contains("chats: ")
            && banner.contains("demo was not loaded over it"),
        "{banner}"
    );
    let (_, active) = second.post_form(HOOK_CHAT_GET, ACTIVE_UNDER_DEAL_288).await;
    assert_eq!(
        active["result"],
        json!([]),
        "the finished chat stays finished: {active}"
    );
}

#[tokio::test]
async fn a_second_serve_on_a_busy_port_changes_nothing_and_prints_no_banner() {
    let db = BackendDb::new().await;
    let running = Served::start(&["--demo", "--db", &db.url]);
    let (status, _) = running.post_form(HOOK_FINISH, "CHAT_ID=9852").await;
    assert_eq!(status, 200);
    let (_, before) = running
        .post_form(HOOK_CHAT_GET, ACTIVE_UNDER_DEAL_288)
        .await;
    assert_eq!(before["result"], json!([]));

    let busy = running.address.to_string();
    let second = run(&["serve", "--demo", "--db", &db.url, "--listen", &busy]);
    let (stderr, stdout) = text(&second);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {busy} (--listen)"))
            && stderr.contains("give --listen another port"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "no banner, no credentials: {stdout}");
    let (_, after) = running
        .post_form(HOOK_CHAT_GET, ACTIVE_UNDER_DEAL_288)
        .await;
    assert_eq!(
        after["result"],
        json!([]),
        "the finished chat did not come back"
    );
}

#[test]
fn a_start_that_fails_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.db");
    let db = file.display().to_string();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().to_string();
    let cases: [(&[&str], &str); 4] = [
        (&["--listen", &busy], "cannot listen on"),
        (
            &["--listen", "127.0.0.1:0", "--fault", "{\"kind\":\"nope\"}"],
            "--fault",
        ),
        (
            &[
                "--listen",
                "127.0.0.1:0",
                "--tls-cert",
                "/no/such/cert.pem",
                "--tls-key",
                "/no/such/key.pem",
            ],
            "/no/such/cert.pem",
        ),
        (
            &[
                "--listen",
                "127.0.0.1:0",
                "--fixture",
                "/no/such/fixture.jsonl",
            ],
            "cannot read the fixture /no/such/fixture.jsonl",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["serve", "--demo", "--db", &db];
        args.extend(flags);
        let output = run(&args);
        let (stderr, stdout) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{flags:?}: {stderr}");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
        assert!(stdout.is_empty(), "{flags:?}: no banner: {stdout}");
        assert!(!file.exists(), "{flags:?}: no database was created");
    }
}

#[tokio::test]
async fn fixture_files_load_at_start_and_bad_lines_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, openlines::dataset::demo::DEMO_JSONL).unwrap();
    let served = Served::start(&["--fixture", &good.display().to_string()]);
    assert!(
        served.banner_text().contains("Loaded ") && served.banner_text().contains("good.jsonl"),
        "{}",
        served.banner_text()
    );
    let (status, _) = served.post_form(HOOK_DIALOG, "CHAT_ID=9852").await;
    assert_eq!(status, 200);
    let (status, body) = served
        .admin(reqwest::Method::POST, "/_openlines/admin/reset")
        .await;
    assert_eq!(status, 200, "a fixture start can be reset to: {body}");

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"type\":\"user\",\"id\":1}\n{\"type\":\"nonsense\"}\n",
    )
    .unwrap();
    let failed = Served::try_start(&[], &["--fixture", &bad.display().to_string()])
        .err()
        .expect("a bad fixture stops the start");
    assert_eq!(failed.code, Some(1));
    assert!(failed.stderr.contains("bad.jsonl:2:"), "{}", failed.stderr);
    assert!(!failed.stdout.contains("Listening"), "{}", failed.stdout);
}

#[tokio::test]
async fn listen_takes_localhost_and_explains_what_it_cannot_take() {
    let served = Served::start(&["--listen", "localhost:0"]);
    assert!(served.address.ip().is_loopback());
    let output = run(&["serve", "--listen", "my-host:8080"]);
    let (stderr, _) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("expected an IP address and a port, such as 127.0.0.1:8080"),
        "{stderr}"
    );
}

#[test]
fn a_rate_limit_of_zero_is_refused_with_the_flag_that_switches_it_off() {
    for flag in ["--rate-limit-per-second", "--rate-limit-burst"] {
        let output = run(&["serve", flag, "0"]);
        let (stderr, _) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("expected a number above 0") && stderr.contains("--no-rate-limit"),
            "{stderr}"
        );
    }
}
