//! `openlines webhook outgoing add|list|delete`: outgoing webhooks, a handler URL that hears
//! events without an application (see `storage::event_owners`).
//!
//! `add` prints the webhook's `application_token` once, as the portal shows it once; the
//! handler compares each delivery's `auth[application_token]` with it.

use super::output::out;
use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::domain::credentials::generate_token;
use crate::domain::event;
use crate::domain::scope::Scope;
use crate::storage::event_owners::{outgoing_client_id, NewOutgoing};
use clap::{Args, Subcommand};
use secrecy::ExposeSecret;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum OutgoingCommand {
    /// Bind a handler URL to events; prints its application_token (shown once).
    Add(OutgoingAddArgs),
    /// List outgoing webhooks and their events (never their tokens).
    List(super::credentials::DbOnly),
    /// Delete an outgoing webhook by id; its undelivered events are dropped.
    Delete(OutgoingDeleteArgs),
}

#[derive(Debug, Args)]
pub struct OutgoingAddArgs {
    /// The handler URL (`http://…` or `https://…`) that receives the events.
    #[arg(long, value_name = "URL")]
    pub handler: String,
    /// Events to send, comma-separated or repeated (e.g. `ONCRMDEALADD,ONCRMDEALUPDATE`).
    #[arg(long = "event", value_delimiter = ',', required = true)]
    pub events: Vec<String>,
    /// The user who makes the webhook (shown by `list`).
    #[arg(long, default_value_t = 1)]
    pub user: i64,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct OutgoingDeleteArgs {
    /// The outgoing webhook id (see `webhook outgoing list`).
    pub id: i64,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(command: OutgoingCommand) -> ExitCode {
    match command {
        OutgoingCommand::Add(args) => add(args).await,
        OutgoingCommand::List(args) => list(args).await,
        OutgoingCommand::Delete(args) => delete(args).await,
    }
}

/// The upper-case names of `events`, or why one cannot be sent to an outgoing webhook.
fn event_names(events: &[String]) -> Result<Vec<&'static str>, String> {
    let mut names = Vec::new();
    for name in events.iter().filter(|name| !name.trim().is_empty()) {
        let Some(def) = event::find(name) else {
            return Err(format!("unknown event {name:?}; `events` lists them"));
        };
        // The application events speak of an application; a webhook has none.
        if def.scope.is_none() {
            return Err(format!(
                "{} concerns applications and cannot be sent to an outgoing webhook",
                def.name
            ));
        }
        // A custom connector's events go to the connector's own application only.
        if def.scope == Some(Scope::Imconnector) {
            return Err(format!(
                "{} goes only to its connector's application and cannot be sent to an \
                 outgoing webhook",
                def.name
            ));
        }
        if !names.contains(&def.name) {
            names.push(def.name);
        }
    }
    if names.is_empty() {
        return Err("name at least one --event".to_owned());
    }
    Ok(names)
}

async fn add(args: OutgoingAddArgs) -> ExitCode {
    if !(args.handler.starts_with("http://") || args.handler.starts_with("https://")) {
        return fail(&format!(
            "--handler must be an http:// or https:// URL, not {:?}",
            args.handler
        ));
    }
    let events = match event_names(&args.events) {
        Ok(events) => events,
        Err(message) => return fail(&message),
    };
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let token = generate_token();
    let outcome = async {
        if store.user(args.user).await?.is_none() {
            return Ok(Err(format!(
                "there is no user {}; import one first",
                args.user
            )));
        }
        let id = store
            .add_outgoing_webhook(&NewOutgoing {
                handler: &args.handler,
                events: &events,
                user_id: args.user,
                application_token: token.expose_secret(),
                now: Clock::default().now_secs(),
            })
            .await?;
        Ok::<_, crate::storage::StoreError>(Ok(id))
    }
    .await;
    store.close().await;
    match outcome {
        Ok(Ok(id)) => {
            out!("{}", token.expose_secret());
            eprintln!(
                "outgoing webhook {id} sends {} to {}; its application_token is shown only this once",
                events.join(","),
                args.handler
            );
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => fail(&message),
        Err(error) => fail(&error),
    }
}

async fn list(args: super::credentials::DbOnly) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let outcome = async {
        let mut lines = Vec::new();
        for row in store.outgoing_webhooks().await? {
            let events: Vec<String> = store
                .event_handlers(&outgoing_client_id(row.id), None)
                .await?
                .into_iter()
                .map(|handler| handler.event)
                .collect();
            lines.push((row, events.join(",")));
        }
        Ok::<_, crate::storage::StoreError>(lines)
    }
    .await;
    store.close().await;
    match outcome {
        Ok(lines) => {
            out!("{:>4}  {:>6}  {:<40}  events", "id", "user", "handler");
            for (row, events) in lines {
                out!(
                    "{:>4}  {:>6}  {:<40}  {events}",
                    row.id,
                    row.user_id,
                    row.handler
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

async fn delete(args: OutgoingDeleteArgs) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let deleted = store.delete_outgoing_webhook(args.id).await;
    store.close().await;
    match deleted {
        Ok(true) => {
            eprintln!("outgoing webhook {} deleted", args.id);
            ExitCode::SUCCESS
        }
        Ok(false) => fail(&format!("there is no outgoing webhook {}", args.id)),
        Err(error) => fail(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Result<Vec<&'static str>, String> {
        event_names(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn event_names_are_read_in_any_case_once_each() {
        assert_eq!(
            names(&["onCrmDealAdd", "ONCRMDEALADD", "oncrmleadupdate"]),
            Ok(vec!["ONCRMDEALADD", "ONCRMLEADUPDATE"])
        );
    }

    #[test]
    fn application_and_unknown_events_are_refused() {
        assert!(names(&["ONAPPINSTALL"])
            .unwrap_err()
            .contains("applications"));
        assert!(names(&["ONNOTHING"]).unwrap_err().contains("unknown"));
        assert!(names(&["OnImConnectorMessageAdd"])
            .unwrap_err()
            .contains("connector's application"));
        assert!(names(&[""]).is_err());
    }
}
