//! Issue 13.3–13.5 over bare sockets: slow and idle clients are cut off, open connections are
//! capped, an early answer never strands a kept-alive connection, and only GET and POST (and
//! the OPTIONS preflight) reach a method.

use crate::helpers::{quiet_settings, TestApp, ADMIN_HOOK};
use crate::raw_http::{send_body, server_time, RawConnection};
use openlines::dataset::demo;
use openlines::http::connections::ConnectionLimits;
use openlines::state::Settings;
use serde_json::json;
use std::time::Duration;

/// A bound on how long a test waits for the server to act, far above the limits under test;
/// reaching it means the server did not act at all.
const PATIENCE: Duration = Duration::from_secs(20);

async fn app_with(connections: ConnectionLimits, max_body_bytes: usize) -> TestApp {
    let settings = Settings {
        connections,
        max_body_bytes,
        ..quiet_settings()
    };
    TestApp::with_settings(settings, &[demo::DEMO_JSONL]).await
}

fn limits(header: u64, idle: u64, max_connections: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_secs(header),
        idle_timeout: Duration::from_secs(idle),
        max_connections,
    }
}

#[tokio::test]
async fn a_client_sending_its_headers_a_byte_at_a_time_is_cut_off() {
    let app = app_with(limits(1, 60, 100), 1 << 20).await;
    let mut connection = RawConnection::open(app.address).await;
    let request = server_time(ADMIN_HOOK);
    let trickle = async {
        for byte in request.iter().cycle().take(200) {
            if connection.writer.try_write(&[*byte]).is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    // The header limit is 1 s; 200 bytes take 20 s. The server must close long before.
    tokio::select! {
        () = trickle => panic!("still open after 20 s of headers"),
        closed = connection.reader.closed_by_server() => assert!(closed),
    }
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let app = app_with(limits(30, 1, 100), 1 << 20).await;
    let mut used = RawConnection::open(app.address).await;
    used.send(&server_time(ADMIN_HOOK)).await;
    assert_eq!(used.answer().await.unwrap().status, 200);
    let mut silent = RawConnection::open(app.address).await;
    for connection in [&mut used, &mut silent] {
        let closed = tokio::time::timeout(PATIENCE, connection.closed_by_server()).await;
        assert_eq!(closed, Ok(true), "closed after the 1 s idle limit");
    }
}

#[tokio::test]
async fn connections_over_the_cap_are_answered_503_and_closed() {
    let app = app_with(limits(30, 60, 2), 1 << 20).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut connection = RawConnection::open(app.address).await;
        connection.send(&server_time(ADMIN_HOOK)).await;
        assert_eq!(connection.answer().await.unwrap().status, 200);
        held.push(connection);
    }
    let mut third = RawConnection::open(app.address).await;
    third.send(&server_time(ADMIN_HOOK)).await;
    let refused = third.answer().await.unwrap();
    assert_eq!(refused.status, 503);
    assert_eq!(
        refused.json,
        json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many open connections"})
    );
    assert_eq!(refused.header("connection"), Some("close"));
    assert!(third.closed_by_server().await);
    // A closed connection frees its slot (the server notices the close a moment later).
    drop(held.pop());
    let mut answered = false;
    for _ in 0..200 {
        let mut next = RawConnection::open(app.address).await;
        next.send(&server_time(ADMIN_HOOK)).await;
        if next
            .answer()
            .await
            .is_some_and(|answer| answer.status == 200)
        {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(answered, "a freed slot serves a new connection");
}

/// The head of a form POST of `length` bytes to `path`.
fn post_head(path: &str, length: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn after_an_early_404_the_kept_alive_connection_still_answers() {
    let app = TestApp::demo().await;
    let mut connection = RawConnection::open(app.address).await;
    connection
        .send(&post_head(&format!("{ADMIN_HOOK}/no.such.method"), 300_000))
        .await;
    let RawConnection { reader, writer } = &mut connection;
    let (answer, ()) = tokio::join!(reader.answer(), send_body(writer, 300_000));
    assert_eq!(answer.unwrap().status, 404);
    connection.send(&server_time(ADMIN_HOOK)).await;
    let next = connection.answer().await;
    assert_eq!(
        next.map(|answer| answer.status),
        Some(200),
        "the next request is answered"
    );
}

#[tokio::test]
async fn after_a_413_the_connection_is_drained_or_closed_with_notice() {
    let app = app_with(ConnectionLimits::default(), 1000).await;
    // A body a little over the limit is read and thrown away: the connection goes on.
    let mut drained = RawConnection::open(app.address).await;
    drained
        .send(&post_head(&format!("{ADMIN_HOOK}/server.time"), 100_000))
        .await;
    let RawConnection { reader, writer } = &mut drained;
    let (answer, ()) = tokio::join!(reader.answer(), send_body(writer, 100_000));
    let answer = answer.unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.header("connection"), None);
    drained.send(&server_time(ADMIN_HOOK)).await;
    assert_eq!(
        drained.answer().await.map(|answer| answer.status),
        Some(200)
    );
    // A body far over it (and over what is worth draining) ends the connection, and the
    // answer says so.
    let length = 8 * 1024 * 1024;
    let mut closed = RawConnection::open(app.address).await;
    closed
        .send(&post_head(&format!("{ADMIN_HOOK}/server.time"), length))
        .await;
    let RawConnection { reader, writer } = &mut closed;
    let (answer, ()) = tokio::join!(reader.answer(), send_body(writer, length));
    let answer = answer.unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(closed.closed_by_server().await);
}

#[tokio::test]
async fn verbs_other_than_get_and_post_are_refused_before_dispatch() {
    let app = TestApp::demo().await;
    let add = |title: &str| json!({"fields":{"TITLE": title}});
    let first = app.call(ADMIN_HOOK, "crm.lead.add", add("before")).await;
    let first = first.result().as_i64().unwrap();
    let refused = json!({"error":"INVALID_REQUEST","error_description":"HTTP method CONNECT is not accepted; use GET or POST"});
    let mut connection = RawConnection::open(app.address).await;
    connection
        .send(
            format!(
                "CONNECT {ADMIN_HOOK}/crm.lead.add?fields%5BTITLE%5D=x HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            .as_bytes(),
        )
        .await;
    let answer = connection.answer().await.unwrap();
    assert_eq!((answer.status, &answer.json), (405, &refused));
    assert_eq!(answer.header("allow"), Some("GET, POST, OPTIONS"));
    for verb in ["PUT", "DELETE", "PATCH"] {
        let response = app
            .http
            .request(
                verb.parse().unwrap(),
                app.url(&format!("{ADMIN_HOOK}/crm.lead.add?fields%5BTITLE%5D=x")),
            )
            .send()
            .await
            .unwrap();
        let answer = crate::helpers::Answer::read(response).await;
        answer.assert_error(
            405,
            json!({"error":"INVALID_REQUEST","error_description":format!("HTTP method {verb} is not accepted; use GET or POST")}),
        );
    }
    let head = app
        .http
        .head(app.url(&format!("{ADMIN_HOOK}/crm.lead.add?fields%5BTITLE%5D=x")))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 405);
    // None of them created a lead: the next one follows the first.
    let next = app.call(ADMIN_HOOK, "crm.lead.add", add("after")).await;
    assert_eq!(next.result(), &json!(first + 1));
}

/// The HTTPS listener has the same limits: a connection that never starts its TLS handshake
/// is closed, and connections over the cap are refused.
#[tokio::test]
async fn https_connections_have_the_same_limits() {
    let dir = tempfile::tempdir().unwrap();
    let files = openlines::tls::self_signed_in(dir.path()).unwrap();
    let app = TestApp::demo().await;
    let state = openlines::state::AppState::new(
        app.store.clone(),
        Settings {
            connections: limits(1, 60, 1),
            ..quiet_settings()
        },
        openlines::clock::Clock::default(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let config = openlines::tls::rustls_config(&files).await.unwrap();
    tokio::spawn(openlines::serve_tls(
        listener,
        config,
        state,
        std::future::pending(),
    ));
    let mut silent = RawConnection::open(address).await;
    let closed = tokio::time::timeout(PATIENCE, silent.closed_by_server()).await;
    assert_eq!(closed, Ok(true), "closed by the 1 s header limit");
    // Each client keeps its connection open after its request; the cap is one.
    let client = || {
        let ca = reqwest::Certificate::from_pem(&std::fs::read(&files.trust).unwrap()).unwrap();
        reqwest::Client::builder()
            .add_root_certificate(ca)
            .build()
            .unwrap()
    };
    let url = format!(
        "https://localhost:{}{ADMIN_HOOK}/server.time",
        address.port()
    );
    let first = client();
    let mut served = false;
    for _ in 0..200 {
        // The slot of the silent connection is freed a moment after its close.
        if first.get(&url).send().await.unwrap().status() == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(served);
    let refused = client().get(&url).send().await.unwrap();
    crate::helpers::Answer::read(refused).await.assert_error(
        503,
        json!({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many open connections"}),
    );
}
