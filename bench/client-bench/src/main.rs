//! Sends batches of 50 `imopenlines.crm.chat.get` commands through `openlines-client` for a
//! fixed time and prints commands per second.
//!
//! ```text
//! client-bench WEBHOOK_URL [SECONDS=30] [CONCURRENCY=1] [MAX_DEAL=100000]
//! ```
//!
//! The client's own rate limit is switched off (`no_rate_limit`); the server should run with
//! `--no-rate-limit` too. CONCURRENCY batches are in flight at once (tasks sharing one client).
//! Every command's outcome is checked: a failed command or an empty list is counted as an
//! error (every deal 1..MAX_DEAL of the benchmark fixture has chats).

use openlines_client::{Batch, Client, Credentials, CrmChatGet, CrmEntityType};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PER_BATCH: usize = 50;

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    commands: AtomicU64,
    command_errors: AtomicU64,
    request_errors: AtomicU64,
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        eprintln!("usage: client-bench WEBHOOK_URL [SECONDS] [CONCURRENCY] [MAX_DEAL]");
        std::process::exit(2);
    };
    let arg = |i: usize, default: u64| args.get(i).map_or(default, |s| s.parse().expect("number"));
    let seconds = arg(2, 30);
    let concurrency = arg(3, 1);
    let max_deal = arg(4, 100_000);

    let client = Client::builder(Credentials::webhook(url).expect("webhook URL"))
        .no_rate_limit()
        .build()
        .expect("client");
    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);

    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let counters = Arc::clone(&counters);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (worker + 1));
            while Instant::now() < deadline {
                let mut batch = Batch::new();
                for i in 0..PER_BATCH {
                    let call = CrmChatGet {
                        entity_type: CrmEntityType::Deal,
                        entity_id: rng.next() % max_deal + 1,
                        active_only: false,
                    };
                    batch.push(format!("c{i}"), &call);
                }
                match client.batch(&batch).await {
                    Ok(results) => {
                        counters.batches.fetch_add(1, Ordering::Relaxed);
                        for (_, outcome) in results.iter() {
                            counters.commands.fetch_add(1, Ordering::Relaxed);
                            let ok = matches!(outcome, Ok(answer)
                                if answer.result.as_array().is_some_and(|list| !list.is_empty()));
                            if !ok {
                                counters.command_errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    Err(error) => {
                        if counters.request_errors.fetch_add(1, Ordering::Relaxed) < 5 {
                            eprintln!("batch failed: {error}");
                        }
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let commands = counters.commands.load(Ordering::Relaxed);
    let batches = counters.batches.load(Ordering::Relaxed);
    println!(
        "rust openlines-client: concurrency={concurrency} seconds={elapsed:.1} batches={batches} \
         commands={commands} command_errors={} request_errors={} batches/s={:.1} commands/s={:.0}",
        counters.command_errors.load(Ordering::Relaxed),
        counters.request_errors.load(Ordering::Relaxed),
        batches as f64 / elapsed,
        commands as f64 / elapsed,
    );
}
