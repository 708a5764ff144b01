//! `openlines listen` over the real wire: the binary binds itself with `event.bind` (an
//! application's token), a write on the test server raises the event, the flush delivers
//! it, and the line the listener prints is checked; SIGTERM unbinds it again.

use crate::events::{app, flush, with_token, APP_TOKEN, CLIENT};
use crate::helpers::ADMIN_HOOK;
use openlines::http::oauth::MEMBER_ID;
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Generous: only a hung binary waits this long; nothing is asserted about time.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// The lines a child writes to one of its pipes, as they come.
fn lines_of(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Reads lines until one contains `needle`; returns it.
fn wait_for(lines: &Receiver<String>, needle: &str) -> String {
    let mut seen = Vec::new();
    loop {
        let line = lines
            .recv_timeout(HANG_GUARD)
            .unwrap_or_else(|_| panic!("no line with {needle:?} in {seen:?}"));
        seen.push(line.clone());
        if line.contains(needle) {
            return line;
        }
    }
}

struct Listening {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    url: String,
}

fn start_listen(args: &[&str]) -> Listening {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .arg("listen")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run openlines listen");
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = lines_of(child.stderr.take().unwrap());
    let banner = wait_for(&stderr, "listening on ");
    let url = banner
        .split_whitespace()
        .nth(2)
        .expect("the listener's URL")
        .to_owned();
    Listening {
        child,
        stdout,
        stderr,
        url,
    }
}

// Several threads: the test blocks its own while it waits for the child's output, and the
// server under test must go on answering the child meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_binds_itself_prints_each_delivery_and_unbinds_on_sigterm() {
    let app = app().await;
    // The application's token is made on first use; fix it so `--token` can check it.
    app.store
        .application_token(CLIENT, "known-app-token")
        .await
        .unwrap();
    let rest = format!("http://{}/rest/", app.address);
    let mut listening = start_listen(&[
        "--bind",
        "ONCRMDEALADD",
        "--oauth-endpoint",
        &rest,
        "--access-token",
        APP_TOKEN,
        "--token",
        "known-app-token",
    ]);
    wait_for(&listening.stderr, "bound ONCRMDEALADD");
    let bound = with_token(&app, APP_TOKEN, "event.get", json!({})).await;
    assert_eq!(
        bound.result(),
        &json!([{"event":"ONCRMDEALADD","handler":listening.url,"auth_type":"0","offline":0}])
    );

    let deal = app
        .call(
            ADMIN_HOOK,
            "crm.deal.add",
            json!({"fields": {"TITLE": "heard"}}),
        )
        .await
        .result()
        .clone();
    flush(&app).await;
    let line = listening
        .stdout
        .recv_timeout(HANG_GUARD)
        .expect("a printed delivery");
    let (head, tail) = line.split_once(" data=").expect("data= in the line");
    let fields: Vec<&str> = head.split(' ').collect();
    assert_eq!(fields[0], "event=ONCRMDEALADD", "{line}");
    assert!(
        fields[1]
            .strip_prefix("handler_id=")
            .unwrap()
            .parse::<i64>()
            .is_ok(),
        "{line}"
    );
    assert!(
        fields[2]
            .strip_prefix("ts=")
            .unwrap()
            .parse::<i64>()
            .is_ok(),
        "{line}"
    );
    let (data, rest) = tail.split_once(" auth=").expect("auth= in the line");
    assert_eq!(
        data,
        json!({"FIELDS": {"ID": deal.to_string()}}).to_string()
    );
    let auth = rest.strip_suffix(" verified").expect("verified");
    let mut auth: serde_json::Value = serde_json::from_str(auth).unwrap();
    let expires = auth["expires"].take();
    assert!(expires.as_str().unwrap().parse::<i64>().is_ok(), "{line}");
    let endpoint = format!("http://{}/rest/", app.address);
    assert_eq!(
        auth.to_string(),
        json!({
            "access_token": "***", "expires": null, "expires_in": "3600", "scope": "crm",
            "domain": app.address.to_string(), "server_endpoint": endpoint, "status": "L",
            "client_endpoint": endpoint, "member_id": MEMBER_ID, "user_id": "1",
            "application_token": "***",
        })
        .to_string()
    );

    // A forged delivery is printed as such and refused.
    let forged = reqwest::Client::new()
        .post(&listening.url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("event=ONCRMDEALADD&data[FIELDS][ID]=1&auth[application_token]=guess")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let line = listening.stdout.recv_timeout(HANG_GUARD).unwrap();
    assert!(line.ends_with(" FORGED"), "{line}");

    // SIGTERM: the listener unbinds before it exits.
    let pid = listening.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = listening.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let bound = with_token(&app, APP_TOKEN, "event.get", json!({})).await;
    assert_eq!(bound.result(), &json!([]));
}

#[tokio::test]
async fn listen_bind_needs_an_application_token() {
    // Without the variables that would stand in for the flags in the caller's environment.
    let output = Command::new(env!("CARGO_BIN_EXE_openlines"))
        .args([
            "listen",
            "--listen",
            "127.0.0.1:0",
            "--bind",
            "ONCRMDEALADD",
        ])
        .env_remove("OPENLINES_ACCESS_TOKEN")
        .env_remove("OPENLINES_OAUTH_ENDPOINT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        crate::helpers::stderr(&output)
            .contains("--bind needs --oauth-endpoint and --access-token"),
        "{}",
        crate::helpers::stderr(&output)
    );
}
