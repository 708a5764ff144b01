//! Talking to a running server's admin endpoint from the shell: `journal`, `reset`,
//! `snapshot NAME`, `restore NAME`. Every refusal is turned into a sentence that says what to change.

use super::fail;
use clap::Args;
use serde_json::Value;
use std::process::ExitCode;

/// Which server, and its admin token.
#[derive(Debug, Clone, Args)]
pub struct AdminArgs {
    /// The server's base URL.
    #[arg(long, env = "OPENLINES_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The server's admin token (`serve --admin-token`, or the one it printed at start).
    #[arg(long, env = "OPENLINES_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: String,
}

/// HTTP verbs the admin endpoint uses.
#[derive(Debug, Clone, Copy)]
pub enum Verb {
    Get,
    Post,
    Delete,
}

impl AdminArgs {
    /// Sends `verb path` with the admin token; the JSON answer, or a message for a person.
    pub async fn request(&self, verb: Verb, path: &str) -> Result<Value, String> {
        let url = format!("{}{path}", self.url.trim_end_matches('/'));
        let client = reqwest::Client::new();
        let request = match verb {
            Verb::Get => client.get(&url),
            Verb::Post => client.post(&url),
            Verb::Delete => client.delete(&url),
        };
        let response = request
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .map_err(|error| {
                format!(
                    "cannot reach the server at {} ({}); is `openlines serve` running there? \
                     (--url or OPENLINES_URL)",
                    self.url,
                    transport_cause(&error)
                )
            })?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let code = body["error"].as_str().unwrap_or("");
        let description = body["error_description"].as_str().unwrap_or("");
        Err(match status {
            401 => format!(
                "the server at {} refused the admin token (401 {code}): give --admin-token \
                 (or OPENLINES_ADMIN_TOKEN) the token the server was started with, or the \
                 one it printed at start",
                self.url
            ),
            404 if code == "ERROR_METHOD_NOT_FOUND" => format!(
                "{} has no admin endpoint: is it an openlines server, started with this \
                 version? ({code})",
                self.url
            ),
            _ => format!("the server answered {status} {code}: {description}"),
        })
    }
}

/// The innermost cause of a transport failure ("Connection refused (os error 111)").
fn transport_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// `openlines reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub struct NamedArgs {
    /// The snapshot's name: letters, digits, '-', '_' or '.'.
    pub name: String,
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// Puts the server's data back to what it loaded at start.
pub async fn run_reset(args: ResetArgs) -> ExitCode {
    match args
        .admin
        .request(Verb::Post, "/_openlines/admin/reset")
        .await
    {
        Ok(_) => {
            eprintln!("the data of {} is back to its start state", args.admin.url);
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

/// Saves the server's data under a name (`openlines snapshot NAME`).
pub async fn run_snapshot(args: NamedArgs) -> ExitCode {
    let path = format!("/_openlines/admin/snapshots/{}", args.name);
    match args.admin.request(Verb::Post, &path).await {
        Ok(_) => {
            eprintln!(
                "snapshot {} saved; `openlines restore {}` puts the data back to it",
                args.name, args.name
            );
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

/// Puts the server's data back to a named snapshot (`openlines restore NAME`).
pub async fn run_restore(args: NamedArgs) -> ExitCode {
    let path = format!("/_openlines/admin/snapshots/{}/restore", args.name);
    match args.admin.request(Verb::Post, &path).await {
        Ok(_) => {
            eprintln!("the data is back to snapshot {}", args.name);
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}
