//! `openlines journal`: the last requests of a running server, from its admin endpoint.

use super::fail;
use clap::Args;
use serde_json::Value;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// The server's base URL.
    #[arg(long, env = "OPENLINES_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The server's admin token.
    #[arg(long, env = "OPENLINES_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: String,
    /// How many requests to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print the entries as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: JournalArgs) -> ExitCode {
    let url = format!(
        "{}/_openlines/admin/journal?limit={}",
        args.url.trim_end_matches('/'),
        args.limit
    );
    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&args.admin_token)
        .send()
        .await;
    let body: Value = match response {
        Ok(response) if response.status().is_success() => match response.json().await {
            Ok(body) => body,
            Err(error) => return fail(&format!("unexpected answer: {error}")),
        },
        Ok(response) => return fail(&format!("the server answered {}", response.status())),
        Err(error) => return fail(&format!("cannot reach {}: {error}", args.url)),
    };
    let entries = body["entries"].as_array().cloned().unwrap_or_default();
    if args.json {
        println!("{}", Value::Array(entries));
        return ExitCode::SUCCESS;
    }
    println!(
        "{:<19}  {:>6}  {:>8}  {:<32}  {:<26}  {:<22}  params",
        "at (UTC)", "status", "ms", "method", "caller", "error"
    );
    for entry in entries {
        let at = entry["at"].as_f64().unwrap_or(0.0);
        let at = crate::clock::Clock::default().iso8601(at);
        println!(
            "{:<19}  {:>6}  {:>8.1}  {:<32}  {:<26}  {:<22}  {}",
            &at[..19.min(at.len())],
            entry["status"],
            entry["duration_ms"].as_f64().unwrap_or(0.0),
            entry["method"].as_str().unwrap_or(""),
            entry["caller"].as_str().unwrap_or(""),
            entry["error"].as_str().unwrap_or(""),
            entry["params"],
        );
    }
    ExitCode::SUCCESS
}
