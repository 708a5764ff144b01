//! `openlines app add` (an OAuth application and its installation for a user),
//! `openlines app code` (an authorization code, valid 30 s, for the code grant) and
//! `openlines app remove` (the uninstallation: `ONAPPUNINSTALL`, then its access is gone).

use super::credentials::ScopeList;
use super::output::out;
use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::domain::credentials::{generate_token, generate_webhook_code, SecretHash};
use crate::domain::scope::format_scope_list;
use crate::storage::event_owners::Removal;
use crate::storage::events::NewHandler;
use crate::storage::oauth::{AppRow, NewPair};
use clap::{Args, Subcommand};
use secrecy::ExposeSecret;
use std::process::ExitCode;

/// Authorization codes live 30 seconds (spec §10.2).
const CODE_TTL: i64 = 30;

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Register an application and install it for a user; prints its credentials once.
    Add(AppAddArgs),
    /// Issue an authorization code (valid 30 s) for the authorization_code grant.
    Code(AppCodeArgs),
    /// Uninstall an application: its ONAPPUNINSTALL handlers hear of it once a server runs;
    /// its tokens, codes and other event bindings go at once.
    Remove(AppRemoveArgs),
}

#[derive(Debug, Args)]
pub struct AppRemoveArgs {
    /// The application's client id.
    #[arg(long)]
    pub client_id: String,
    /// Also delete the data the application stored (`app.option.*`, `user.option.*`);
    /// `ONAPPUNINSTALL` carries `data[CLEAN]=1`.
    #[arg(long)]
    pub clean: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct AppAddArgs {
    /// A name for people.
    #[arg(long)]
    pub name: String,
    /// Scopes the application gets, comma-separated.
    #[arg(long, value_parser = super::credentials::parse_scopes, default_value = "imopenlines,crm")]
    pub scope: ScopeList,
    /// The user the installation acts as.
    #[arg(long, default_value_t = 1)]
    pub user: i64,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub access_token_ttl: i64,
    /// Refresh token lifetime in seconds.
    #[arg(long, default_value_t = 15_552_000)]
    pub refresh_token_ttl: i64,
    /// The application's install handler (`http://…` or `https://…`): it receives
    /// `ONAPPINSTALL`, with a refresh token, once a server runs on this database.
    #[arg(long, value_name = "URL")]
    pub install_handler: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct AppCodeArgs {
    /// The application's client id.
    #[arg(long)]
    pub client_id: String,
    /// The user who authorizes.
    #[arg(long, default_value_t = 1)]
    pub user: i64,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(command: AppCommand) -> ExitCode {
    match command {
        AppCommand::Add(args) => add(args).await,
        AppCommand::Code(args) => code(args).await,
        AppCommand::Remove(args) => remove(args).await,
    }
}

/// `data` of `ONAPPINSTALL` (the documented fields; one version, English).
const INSTALL_DATA: &str = r#"{"VERSION":"1","ACTIVE":"Y","INSTALLED":"Y","LANGUAGE_ID":"en"}"#;

async fn add(args: AppAddArgs) -> ExitCode {
    if let Some(url) = &args.install_handler {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return fail(&format!(
                "--install-handler must be an http:// or https:// URL, not {url:?}"
            ));
        }
    }
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let now = Clock::default().now_secs();
    let client_id = format!("local.{}", generate_webhook_code().expose_secret());
    let secret = generate_token();
    let access = generate_token();
    let refresh = generate_token();
    let scopes = format_scope_list(&args.scope.0);
    let outcome = async {
        if store.user(args.user).await?.is_none() {
            return Ok(Err(format!(
                "there is no user {}; import one first",
                args.user
            )));
        }
        let app = AppRow {
            client_id: client_id.clone(),
            client_secret_sha256: SecretHash::of(&secret).as_str().to_owned(),
            name: args.name.clone(),
            scopes: scopes.clone(),
        };
        store.add_app(&app, now).await?;
        store
            .add_pair(&NewPair {
                access_sha256: SecretHash::of(&access).as_str(),
                refresh_sha256: SecretHash::of(&refresh).as_str(),
                user_id: args.user,
                scopes: &scopes,
                client_id: &client_id,
                expires_at: now + args.access_token_ttl,
                refresh_expires_at: now + args.refresh_token_ttl,
            })
            .await?;
        if let Some(url) = &args.install_handler {
            let handler = NewHandler {
                client_id: &client_id,
                event: "ONAPPINSTALL",
                handler: url,
                auth_type: args.user,
                offline: false,
                auth_connector: "",
                options: "{}",
                bound_by: args.user,
                scopes: &scopes,
                now,
            };
            store.add_install_handler(&handler, INSTALL_DATA).await?;
        }
        Ok::<_, crate::storage::StoreError>(Ok(()))
    }
    .await;
    store.close().await;
    match outcome {
        Ok(Ok(())) => {
            out!("client_id={client_id}");
            out!("client_secret={}", secret.expose_secret());
            out!("access_token={}", access.expose_secret());
            out!("refresh_token={}", refresh.expose_secret());
            eprintln!(
                "application installed for user {}; secrets are shown only this once",
                args.user
            );
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => fail(&message),
        Err(error) => fail(&error),
    }
}

async fn code(args: AppCodeArgs) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let code = generate_token();
    let outcome = async {
        if store.app(&args.client_id).await?.is_none() {
            return Ok(Err(format!("there is no application {}", args.client_id)));
        }
        let expires_at = Clock::default().now_secs() + CODE_TTL;
        store
            .add_code(
                SecretHash::of(&code).as_str(),
                &args.client_id,
                args.user,
                expires_at,
            )
            .await?;
        Ok::<_, crate::storage::StoreError>(Ok(()))
    }
    .await;
    store.close().await;
    match outcome {
        Ok(Ok(())) => {
            out!("{}", code.expose_secret());
            eprintln!("authorization code valid for {CODE_TTL} s");
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => fail(&message),
        Err(error) => fail(&error),
    }
}

/// `data` of `ONAPPUNINSTALL`: the language, and whether the application's data was cleared
/// (`"1"`/`"0"`, text as every value of the form).
fn uninstall_data(clean: bool) -> String {
    serde_json::json!({"LANGUAGE_ID": "en", "CLEAN": if clean { "1" } else { "0" }}).to_string()
}

async fn remove(args: AppRemoveArgs) -> ExitCode {
    let store = match args.db.open_existing().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let data = uninstall_data(args.clean);
    let removed = store
        .remove_app(&Removal {
            client_id: &args.client_id,
            data: &data,
            clean: args.clean,
        })
        .await;
    store.close().await;
    match removed {
        Ok(true) => {
            eprintln!("application {} removed", args.client_id);
            ExitCode::SUCCESS
        }
        Ok(false) => fail(&format!("there is no application {}", args.client_id)),
        Err(error) => fail(&error),
    }
}
