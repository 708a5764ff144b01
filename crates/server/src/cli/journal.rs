//! `openlines journal`: the last requests of a running server, from its admin endpoint.

use super::admin_client::{AdminArgs, Verb};
use super::fail;
use super::output::out;
use clap::Args;
use serde_json::Value;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(flatten)]
    pub admin: AdminArgs,
    /// How many requests to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print the entries as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: JournalArgs) -> ExitCode {
    let path = format!("/_openlines/admin/journal?limit={}", args.limit);
    let body = match args.admin.request(Verb::Get, &path).await {
        Ok(body) => body,
        Err(message) => return fail(&message),
    };
    let entries = body["entries"].as_array().cloned().unwrap_or_default();
    if args.json {
        out!("{}", Value::Array(entries));
        return ExitCode::SUCCESS;
    }
    out!(
        "{:<19}  {:>6}  {:>8}  {:<32}  {:<26}  {:<22}  params",
        "at (UTC)",
        "status",
        "ms",
        "method",
        "caller",
        "error"
    );
    for entry in entries {
        let at = entry["at"].as_f64().unwrap_or(0.0);
        let at = crate::clock::Clock::default().iso8601(at);
        out!(
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
