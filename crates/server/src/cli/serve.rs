//! `openlines serve`: migrate, optionally load the demo data, listen until SIGTERM/Ctrl-C.

use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::domain::credentials::generate_token;
use crate::fixtures::demo;
use crate::limits::redis::RedisState;
use crate::limits::{
    BucketConfig, LimitSettings, Limiter, LimiterError, LimiterState, OperatingConfig,
};
use crate::state::{AppState, Settings};
use crate::tls::{self, TlsError, TlsFiles};
use clap::Args;
use openlines_wire::params::Limits;
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use time::UtcOffset;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "OPENLINES_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo dataset (idempotent) and print ready-to-paste calls.
    #[arg(long, env = "OPENLINES_DEMO")]
    pub demo: bool,
    /// Largest request body, in bytes.
    #[arg(long, env = "OPENLINES_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Most parameters one request may carry.
    #[arg(long, env = "OPENLINES_MAX_PARAMS", default_value_t = 1000)]
    pub max_params: usize,
    /// Deepest parameter nesting (`a[b][c]` is 3).
    #[arg(long, env = "OPENLINES_MAX_DEPTH", default_value_t = 64)]
    pub max_depth: usize,
    /// Seconds a method may run before the call fails.
    #[arg(long, env = "OPENLINES_REQUEST_TIMEOUT", default_value_t = 60)]
    pub request_timeout: u64,
    /// Portal time zone offset for dates in answers, e.g. `+03:00`.
    #[arg(long, env = "OPENLINES_UTC_OFFSET", default_value = "+00:00", value_parser = parse_offset)]
    pub utc_offset: UtcOffset,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Lifetime of access tokens issued by /oauth/token/, in seconds.
    #[arg(long, env = "OPENLINES_ACCESS_TOKEN_TTL", default_value_t = 3600)]
    pub access_token_ttl: i64,
    /// Lifetime of refresh tokens, in seconds (180 days by default).
    #[arg(
        long,
        env = "OPENLINES_REFRESH_TOKEN_TTL",
        default_value_t = 15_552_000
    )]
    pub refresh_token_ttl: i64,
    /// The admin endpoint's token (fault switches, journal); a random one is made and printed
    /// when not given.
    #[arg(long, env = "OPENLINES_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// A fault to switch on at start, as the admin endpoint's JSON, e.g.
    /// '{"kind":"latency","min_ms":100,"max_ms":300}'; repeatable.
    #[arg(long = "fault", value_name = "JSON")]
    pub faults: Vec<String>,
    /// Faults to switch on at start from the environment (containers): one JSON object as
    /// for --fault, or a JSON array of them. Added to the --fault flags.
    #[arg(long = "faults", value_name = "JSON", env = "OPENLINES_FAULTS")]
    pub faults_list: Option<String>,
    /// How many requests the call journal keeps.
    #[arg(long, env = "OPENLINES_JOURNAL_SIZE", default_value_t = 200)]
    pub journal_size: usize,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Refuse webhook calls over plain HTTP with `400 INVALID_REQUEST` like Bitrix24 cloud
    /// (a reverse proxy's `X-Forwarded-Proto: https` counts as HTTPS).
    #[arg(long, env = "OPENLINES_REQUIRE_HTTPS")]
    pub require_https: bool,
    /// Behind a reverse proxy: rate-limit each client by the last `X-Forwarded-For` address
    /// (the one the proxy appended) instead of the proxy's own address. Only with a proxy
    /// that appends it; otherwise clients could pick their own bucket.
    #[arg(long, env = "OPENLINES_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// HTTPS, beside plain HTTP.
#[derive(Debug, Clone, Args)]
pub struct TlsArgs {
    /// Address for HTTPS (used with --tls-cert/--tls-key or --tls-self-signed).
    #[arg(long, env = "OPENLINES_HTTPS_LISTEN", default_value = "127.0.0.1:8443")]
    pub https_listen: SocketAddr,
    /// PEM certificate (chain) for HTTPS.
    #[arg(long, env = "OPENLINES_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, env = "OPENLINES_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate for localhost, made on first start and kept
    /// beside the database.
    #[arg(long, env = "OPENLINES_TLS_SELF_SIGNED", conflicts_with = "tls_cert")]
    pub tls_self_signed: bool,
}

impl TlsArgs {
    /// The certificate files to use, if HTTPS is wanted.
    fn files(&self, db: &str) -> Result<Option<TlsFiles>, TlsError> {
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            return Ok(Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                trust: cert.clone(),
            }));
        }
        if !self.tls_self_signed {
            return Ok(None);
        }
        // Beside a SQLite file; in the working directory for PostgreSQL.
        let dir = if db.contains("://") && !db.starts_with("sqlite:") {
            PathBuf::from(".")
        } else {
            let file = PathBuf::from(
                db.trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:"),
            );
            file.parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from)
        };
        tls::self_signed_in(&dir).map(Some)
    }
}

/// The two Bitrix24 limits; defaults are the non-Enterprise plans' numbers.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Leaky bucket size: requests one client may burst.
    #[arg(long, env = "OPENLINES_RATE_LIMIT_BURST", default_value_t = 50.0)]
    pub rate_limit_burst: f64,
    /// Leaky bucket drain, requests per second.
    #[arg(long, env = "OPENLINES_RATE_LIMIT_PER_SECOND", default_value_t = 2.0)]
    pub rate_limit_per_second: f64,
    /// Switch the request-intensity limit off.
    #[arg(long, env = "OPENLINES_NO_RATE_LIMIT")]
    pub no_rate_limit: bool,
    /// Seconds one method may run per webhook or application within the window.
    #[arg(long, env = "OPENLINES_OPERATING_LIMIT", default_value_t = 480.0)]
    pub operating_limit: f64,
    /// The operating-time window in seconds.
    #[arg(long, env = "OPENLINES_OPERATING_WINDOW", default_value_t = 600)]
    pub operating_window: i64,
    /// Switch the operating-time limit off.
    #[arg(long, env = "OPENLINES_NO_OPERATING_LIMIT")]
    pub no_operating_limit: bool,
    /// Keep buckets and budgets in Redis, shared by every instance that names it
    /// (`redis://[user:password@]host:port[/db]`); in this process when not given.
    #[arg(long, env = "OPENLINES_REDIS", hide_env_values = true)]
    pub redis: Option<String>,
    /// Prefix of this server's Redis keys: instances of one portal share it.
    #[arg(long, env = "OPENLINES_REDIS_PREFIX", default_value = "openlines:")]
    pub redis_prefix: String,
}

impl LimitArgs {
    pub fn settings(&self) -> LimitSettings {
        LimitSettings {
            bucket: (!self.no_rate_limit).then_some(BucketConfig {
                capacity: self.rate_limit_burst,
                drain_per_second: self.rate_limit_per_second,
            }),
            operating: (!self.no_operating_limit).then_some(OperatingConfig {
                limit_seconds: self.operating_limit,
                window_seconds: self.operating_window,
            }),
        }
    }
}

impl LimitArgs {
    /// The limiter: settings, and state in Redis or in this process. An unreachable Redis is
    /// only a warning here (it may come up later; `/readyz` says so meanwhile).
    pub async fn limiter(&self) -> Result<Limiter, LimiterError> {
        let Some(url) = &self.redis else {
            return Ok(Limiter::in_memory(self.settings()));
        };
        let state = RedisState::open(url, &self.redis_prefix)?;
        match state.ping().await {
            Ok(()) => tracing::info!(redis = %mask_db_url(url), "limiter state is in Redis"),
            Err(error) => {
                tracing::warn!(redis = %mask_db_url(url), error.cause = %error, "Redis does not answer yet")
            }
        }
        Ok(Limiter::new(self.settings(), Arc::new(state)))
    }
}

fn parse_offset(text: &str) -> Result<UtcOffset, String> {
    let format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    UtcOffset::parse(text, format)
        .map_err(|_| format!("expected an offset like +03:00, not {text:?}"))
}

pub async fn run(args: ServeArgs) -> ExitCode {
    let store = match args.db.open().await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let clock = Clock::with_offset(args.utc_offset);
    if args.demo {
        if let Err(error) = demo::load(&store, clock.now_secs()).await {
            return fail(&format!("loading the demo data failed: {error}"));
        }
    }
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => return fail(&format!("cannot listen on {}: {error}", args.listen)),
    };
    let address = listener.local_addr().unwrap_or(args.listen);
    let generated = args.admin_token.is_none();
    let admin_token = SecretString::from(
        args.admin_token
            .clone()
            .unwrap_or_else(|| generate_token().expose_secret().to_owned()),
    );
    let settings = Settings {
        param_limits: Limits {
            max_params: args.max_params,
            max_depth: args.max_depth,
        },
        max_body_bytes: args.max_body_bytes,
        request_timeout: Duration::from_secs(args.request_timeout),
        require_https: args.require_https,
        trust_forwarded_for: args.trust_forwarded_for,
        limits: args.limits.settings(),
        access_token_ttl: args.access_token_ttl,
        refresh_token_ttl: args.refresh_token_ttl,
        admin_token: Some(admin_token.clone()),
        journal_capacity: args.journal_size,
    };
    tracing::info!(listen.address = %address, db = %mask_db_url(&args.db.db), "openlines is listening");
    if args.demo {
        print_demo_banner(address);
    }
    let tls_files = match args.tls.files(&args.db.db) {
        Ok(files) => files,
        Err(error) => return fail(&error),
    };
    let limiter = match args.limits.limiter().await {
        Ok(limiter) => limiter,
        Err(error) => return fail(&format!("--redis: {error}")),
    };
    let state = AppState::with_limiter(store.clone(), settings, clock, limiter);
    let faults = match startup_faults(&args.faults, args.faults_list.as_deref()) {
        Ok(faults) => faults,
        Err(error) => return fail(&error),
    };
    for fault in faults {
        let (kind, scope) = fault.into_parts();
        state.faults().add(kind, scope);
    }
    if generated {
        println!(
            "Admin token (fault switches, journal): {}",
            admin_token.expose_secret()
        );
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let https = match tls_files {
        None => None,
        Some(files) => match start_https(&args.tls, &files, state.clone(), stopped.clone()).await {
            Ok(task) => Some(task),
            Err(error) => return fail(&error),
        },
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let served = crate::serve(listener, state, wait_for(stopped)).await;
    if let Some(task) = https {
        if let Ok(Err(error)) = task.await {
            tracing::error!(error.cause = %error, "the HTTPS listener failed");
        }
    }
    store.close().await;
    match served {
        Ok(()) => {
            tracing::info!("openlines stopped");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// Binds the HTTPS listener and serves on it in a task of its own.
async fn start_https(
    tls: &TlsArgs,
    files: &TlsFiles,
    state: AppState,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, String> {
    let config = tls::rustls_config(files)
        .await
        .map_err(|error| error.to_string())?;
    let listener = std::net::TcpListener::bind(tls.https_listen)
        .map_err(|error| format!("cannot listen on {}: {error}", tls.https_listen))?;
    let address = listener.local_addr().unwrap_or(tls.https_listen);
    tracing::info!(listen.address = %address, "HTTPS is listening");
    println!(
        "HTTPS on https://{address}/\n{}",
        tls::trust_hints(&files.trust)
    );
    Ok(tokio::spawn(crate::serve_tls(
        listener,
        config,
        state,
        wait_for(stopped),
    )))
}

/// Resolves once `stopped` turns true (or its sender is gone).
async fn wait_for(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Hides a PostgreSQL or Redis password in logs.
fn mask_db_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn print_demo_banner(address: SocketAddr) {
    let base = format!("http://{address}");
    let hook = format!("{base}/rest/1/{}", demo::ADMIN_WEBHOOK_CODE);
    println!(
        "\nopenlines demo is running.\n\n\
         Admin webhook:   {hook}/\n\
         Limited webhook: {base}/rest/5/{limited}/\n\
         OAuth token:     {token}\n\n\
         Try the method page's example (deal 288 → chat 9852, Live Chat):\n\n\
         curl -X POST -H \"Content-Type: application/json\" -H \"Accept: application/json\" \\\n  \
           -d '{{\"CRM_ENTITY_TYPE\":\"deal\",\"CRM_ENTITY\":288,\"ACTIVE_ONLY\":\"N\"}}' \\\n  \
           {hook}/imopenlines.crm.chat.get\n\n\
         The OAuth form, token in the body:\n\n\
         curl -X POST -H \"Content-Type: application/json\" \\\n  \
           -d '{{\"CRM_ENTITY_TYPE\":\"deal\",\"CRM_ENTITY\":288,\"ACTIVE_ONLY\":\"N\",\"auth\":\"{token}\"}}' \\\n  \
           {base}/rest/imopenlines.crm.chat.get\n\n\
         A lead with an active and a closed chat, as a form post:\n\n\
         curl -d 'CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205&ACTIVE_ONLY=N' {hook}/imopenlines.crm.chat.get\n",
        limited = demo::LIMITED_WEBHOOK_CODE,
        token = demo::ACCESS_TOKEN,
    );
}

/// Resolves on SIGTERM or Ctrl-C (public for the fixed-answer ceiling in `bench/ceiling`).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing open requests");
}

/// The faults of `--fault` (one JSON object each) and of `--faults` / `OPENLINES_FAULTS` (an
/// object or an array of them), or what is wrong with one.
fn startup_faults(
    flags: &[String],
    list: Option<&str>,
) -> Result<Vec<crate::http::admin::NewFault>, String> {
    use crate::http::admin::NewFault;
    let mut faults = Vec::new();
    for flag in flags {
        let fault = serde_json::from_str::<NewFault>(flag)
            .map_err(|error| format!("--fault {flag}: {error}"))?;
        faults.push(fault);
    }
    if let Some(list) = list.map(str::trim).filter(|list| !list.is_empty()) {
        let parsed = if list.starts_with('[') {
            serde_json::from_str::<Vec<NewFault>>(list)
        } else {
            serde_json::from_str::<NewFault>(list).map(|fault| vec![fault])
        };
        let parsed =
            parsed.map_err(|error| format!("--faults / OPENLINES_FAULTS {list}: {error}"))?;
        faults.extend(parsed);
    }
    Ok(faults)
}
