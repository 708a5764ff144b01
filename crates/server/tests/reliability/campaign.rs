//! The randomized HTTP campaign: many random requests (see `requests`) from several kept-alive
//! connections against the real binary, on SQLite and on PostgreSQL. It fails on any 5xx, a
//! panic in the server's log, a connection the server drops without `Connection: close`, an
//! answer that is not JSON where JSON was asked, or a request left unanswered.
//!
//! `OPENLINES_CAMPAIGN_REQUESTS` (default 3,000 per engine) sets the size,
//! `OPENLINES_CAMPAIGN_SEED` repeats a run: worker `w` draws from `seed + w`, so each
//! connection sends the same requests again (their answers may differ with the interleaving).

use crate::raw::{Connection, ExchangeError};
use crate::requests::probe;
use crate::server::{count, panic_lines, seed, Database, Server, ADMIN_HOOK};
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections sending at once.
const WORKERS: u64 = 8;
/// The body limit the server runs with: small, so bodies beyond it stay cheap to send.
const BODY_LIMIT: usize = 256 * 1024;
/// Longest wait for one answer before the request counts as unanswered. Generous: the
/// campaign looks for hangs, not for slowness.
const ANSWER_WAIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaign_on_sqlite() {
    campaign(Database::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaign_on_postgres() {
    let Some(db) = Database::postgres().await else {
        return;
    };
    campaign(db).await;
}

/// What the workers saw.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, u64>,
    failures: Vec<String>,
    reconnects: u64,
    server_closes: u64,
    parser_refusals: u64,
}

async fn campaign(db: Database) {
    let engine = db.engine();
    let seed = seed("OPENLINES_CAMPAIGN_SEED", &format!("campaign_on_{engine}"));
    let total = count("OPENLINES_CAMPAIGN_REQUESTS", 3_000);
    let limit = BODY_LIMIT.to_string();
    let mut server = Server::start(
        &db,
        "campaign.log",
        &["--no-rate-limit", "--max-body-bytes", &limit],
    )
    .await;
    let methods = method_names(&server).await;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let sent = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (address, methods) = (server.address.clone(), methods.clone());
            let (tally, sent) = (tally.clone(), sent.clone());
            tokio::spawn(async move {
                let rng = StdRng::seed_from_u64(seed.wrapping_add(worker));
                work(rng, &address, &methods, total, &sent, &tally).await;
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let alive = server.alive();
    let log = server.log_text();
    let tally = tally.lock().unwrap();
    let summary = format!(
        "campaign_on_{engine}: seed {seed}, {} requests, statuses {:?}, {} reconnects by choice, \
         {} closes announced by the server, {} refusals by the HTTP parser (414/431)",
        sent.load(Ordering::Relaxed).min(total),
        tally.statuses,
        tally.reconnects,
        tally.server_closes,
        tally.parser_refusals
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{summary}\n").as_bytes());
    assert!(alive, "the server died\n{summary}\n{log}");
    let panics = panic_lines(&log);
    assert!(
        panics.is_empty(),
        "panics in the server log: {panics:#?}\n{summary}"
    );
    // A 500's cause is logged by the server, never sent: show the first few with the failures.
    let errors: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("ERROR"))
        .take(5)
        .collect();
    assert!(
        tally.failures.is_empty(),
        "{} failures, the first ones:\n{}\n{summary}\nthe server's first errors:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        errors.join("\n")
    );
}

/// The server's own method list (`methods` with `full=true`), as a client discovers it.
async fn method_names(server: &Server) -> Vec<String> {
    let answer: serde_json::Value =
        reqwest::get(server.url(&format!("{ADMIN_HOOK}/methods?full=true")))
            .await
            .expect("methods")
            .json()
            .await
            .expect("methods JSON");
    let names: Vec<String> = answer["result"]
        .as_array()
        .expect("a method list")
        .iter()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect();
    assert!(names.len() > 40, "{answer}");
    names
}

/// One connection's share: sends until `total` requests were sent by all workers together.
async fn work(
    mut rng: StdRng,
    address: &str,
    methods: &[String],
    total: u64,
    sent: &AtomicU64,
    tally: &Mutex<Tally>,
) {
    let fail = |text: String| tally.lock().unwrap().failures.push(text);
    let mut connection: Option<Connection> = None;
    while sent.fetch_add(1, Ordering::Relaxed) < total {
        let request = probe(&mut rng, address, methods, BODY_LIMIT);
        // A new connection now and then, by choice; otherwise the last one is reused.
        if rand::Rng::random_range(&mut rng, 0..50) == 0 && connection.take().is_some() {
            tally.lock().unwrap().reconnects += 1;
        }
        let mut open = match connection.take() {
            Some(open) => open,
            None => match Connection::open(address).await {
                Ok(open) => open,
                Err(error) => {
                    fail(format!("connect failed: {error}"));
                    return;
                }
            },
        };
        let answer =
            tokio::time::timeout(ANSWER_WAIT, open.exchange(&request.bytes, request.head)).await;
        let (response, _written) = match answer {
            Err(_) => {
                fail(format!("no answer in {ANSWER_WAIT:?}: {}", request.summary));
                continue;
            }
            Ok(Err(ExchangeError::Dropped(error))) => {
                fail(format!(
                    "connection dropped without `Connection: close` ({error}): {}",
                    request.summary
                ));
                continue;
            }
            Ok(Err(ExchangeError::Malformed(what))) => {
                fail(format!("not HTTP ({what}): {}", request.summary));
                continue;
            }
            Ok(Ok(answer)) => answer,
        };
        *tally
            .lock()
            .unwrap()
            .statuses
            .entry(response.status)
            .or_default() += 1;
        if response.status >= 500 {
            fail(format!(
                "{} {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body),
                request.summary
            ));
        }
        // hyper refuses a request line over 64 KiB (414) or a header block over its bounds
        // (431) before the application sees it: an empty body and a closed connection, which
        // no handler of ours can change (docs/RELIABILITY.md).
        let parser_refusal =
            matches!(response.status, 414 | 431) && response.body.is_empty() && response.closes();
        if parser_refusal {
            tally.lock().unwrap().parser_refusals += 1;
        } else if request.expect_json
            && serde_json::from_slice::<serde_json::Value>(&response.body).is_err()
        {
            fail(format!(
                "not JSON ({} {:?} {:?}): {}",
                response.status,
                response.headers,
                String::from_utf8_lossy(&response.body)
                    .chars()
                    .take(200)
                    .collect::<String>(),
                request.summary
            ));
        }
        if response.closes() {
            tally.lock().unwrap().server_closes += 1;
        } else if !request.client_close {
            connection = Some(open);
        }
    }
}
