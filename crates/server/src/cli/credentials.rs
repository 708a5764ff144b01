//! `openlines webhook add|list|revoke` (incoming webhooks) and `openlines token add`;
//! `webhook outgoing …` is in `super::outgoing`.
//!
//! A new secret is printed once and stored only as a hash; it cannot be shown again.

use super::output::out;
use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::dataset::records::parse_time;
use crate::domain::credentials::{generate_token, generate_webhook_code, SecretHash};
use crate::domain::scope::{format_scope_list, parse_scope_list, Scope, UnknownScope};
use crate::storage::admin::NewToken;
use clap::{Args, Subcommand};
use secrecy::ExposeSecret;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Create a webhook and print its URL (shown once).
    Add(WebhookAddArgs),
    /// List webhooks (never their codes).
    List(DbOnly),
    /// Revoke a webhook by id.
    Revoke(RevokeArgs),
    /// Manage outgoing webhooks: a handler URL that receives events.
    #[command(subcommand)]
    Outgoing(super::outgoing::OutgoingCommand),
}

#[derive(Debug, Args)]
pub struct DbOnly {
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct WebhookAddArgs {
    /// The user the webhook acts as.
    #[arg(long)]
    pub user: i64,
    /// Granted scopes, comma-separated (e.g. `imopenlines,crm`).
    #[arg(long, value_parser = parse_scopes, default_value = "imopenlines,crm")]
    pub scope: ScopeList,
    /// Expiry as RFC 3339 (e.g. 2027-01-01T00:00:00Z); never by default.
    #[arg(long)]
    pub expires: Option<String>,
    /// The server's public base URL, for the printed webhook URL.
    #[arg(
        long,
        env = "OPENLINES_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The webhook id (see `webhook list`).
    pub id: i64,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an OAuth access token and print it (shown once).
    Add(TokenAddArgs),
}

#[derive(Debug, Args)]
pub struct TokenAddArgs {
    /// The user the token acts as.
    #[arg(long)]
    pub user: i64,
    /// Granted scopes, comma-separated.
    #[arg(long, value_parser = parse_scopes, default_value = "imopenlines,crm")]
    pub scope: ScopeList,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub ttl: i64,
    /// The application's client id.
    #[arg(long)]
    pub client_id: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// A parsed `--scope` value.
#[derive(Debug, Clone)]
pub struct ScopeList(pub Vec<Scope>);

pub fn parse_scopes(text: &str) -> Result<ScopeList, UnknownScope> {
    parse_scope_list(text).map(ScopeList)
}

pub async fn run_webhook(command: WebhookCommand) -> ExitCode {
    match command {
        WebhookCommand::Add(args) => add_webhook(args).await,
        WebhookCommand::List(args) => list_webhooks(args).await,
        WebhookCommand::Revoke(args) => revoke_webhook(args).await,
        WebhookCommand::Outgoing(command) => super::outgoing::run(command).await,
    }
}

async fn add_webhook(args: WebhookAddArgs) -> ExitCode {
    let expires_at = match args
        .expires
        .as_deref()
        .map(|text| parse_time("--expires", text))
        .transpose()
    {
        Ok(expires) => expires,
        Err(error) => return fail(&error),
    };
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let outcome = async {
        if store.user(args.user).await?.is_none() {
            return Ok(Err(format!(
                "there is no user {}; import one first",
                args.user
            )));
        }
        let code = generate_webhook_code();
        let hash = SecretHash::of(&code);
        let scopes = format_scope_list(&args.scope.0);
        let id = store
            .add_webhook(
                args.user,
                hash.as_str(),
                &scopes,
                expires_at,
                Clock::default().now_secs(),
            )
            .await?;
        Ok::<_, crate::storage::StoreError>(Ok((id, code)))
    }
    .await;
    store.close().await;
    match outcome {
        Ok(Ok((id, code))) => {
            let base = args.base_url.trim_end_matches('/');
            out!("{base}/rest/{}/{}/", args.user, code.expose_secret());
            eprintln!("webhook {id} created; the code is shown only this once");
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => fail(&message),
        Err(error) => fail(&error),
    }
}

async fn list_webhooks(args: DbOnly) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let rows = store.list_webhooks().await;
    store.close().await;
    match rows {
        Ok(rows) => {
            out!(
                "{:>4}  {:>6}  {:<28}  {:<20}  state",
                "id",
                "user",
                "scopes",
                "expires"
            );
            for row in rows {
                let expires = row.expires_at.map_or_else(
                    || "never".to_owned(),
                    |at| Clock::default().iso8601(at as f64),
                );
                let state = if row.revoked { "revoked" } else { "active" };
                out!(
                    "{:>4}  {:>6}  {:<28}  {:<20}  {state}",
                    row.id,
                    row.user_id,
                    row.scopes,
                    expires
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

async fn revoke_webhook(args: RevokeArgs) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let revoked = store.revoke_webhook(args.id).await;
    store.close().await;
    match revoked {
        Ok(true) => {
            eprintln!("webhook {} revoked", args.id);
            ExitCode::SUCCESS
        }
        Ok(false) => fail(&format!("there is no webhook {}", args.id)),
        Err(error) => fail(&error),
    }
}

pub async fn run_token(command: TokenCommand) -> ExitCode {
    let TokenCommand::Add(args) = command;
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let token = generate_token();
    let hash = SecretHash::of(&token);
    let scopes = format_scope_list(&args.scope.0);
    let outcome = async {
        if store.user(args.user).await?.is_none() {
            return Ok(Err(format!(
                "there is no user {}; import one first",
                args.user
            )));
        }
        store
            .add_token(&NewToken {
                access_sha256: hash.as_str(),
                refresh_sha256: None,
                user_id: args.user,
                scopes: &scopes,
                expires_at: Clock::default().now_secs() + args.ttl,
                client_id: args.client_id.as_deref(),
            })
            .await?;
        Ok::<_, crate::storage::StoreError>(Ok(()))
    }
    .await;
    store.close().await;
    match outcome {
        Ok(Ok(())) => {
            out!("{}", token.expose_secret());
            eprintln!(
                "token for user {} valid for {} s; shown only this once",
                args.user, args.ttl
            );
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => fail(&message),
        Err(error) => fail(&error),
    }
}
