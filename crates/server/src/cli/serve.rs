//! `openlines serve`: check every flag, bind every listener, then open the database (and load
//! the demo or fixtures into it), then announce; serve until SIGTERM/Ctrl-C.
//!
//! The order matters: a start that fails (a busy port, a bad `--fault`, missing TLS files)
//! must fail before it creates, migrates or loads anything, and before it prints a banner
//! with credentials for a server that will not run. A second `serve --demo` on a busy port
//! thus leaves the running server's database alone.

use super::serve_data::{self, ServeDb};
use super::{fail, DbArgs};
use crate::clock::Clock;
use crate::dataset::demo;
use crate::domain::credentials::generate_token;
use crate::limits::redis::RedisState;
use crate::limits::{
    BucketConfig, LimitSettings, Limiter, LimiterError, LimiterState, OperatingConfig,
};
use crate::state::{AppState, Settings};
use crate::storage::Store;
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
    /// Address to listen on: an IP address and a port (`localhost:PORT` means 127.0.0.1).
    #[arg(long, env = "OPENLINES_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Load the demo dataset and print ready-to-paste calls. Without --db, into a fresh
    /// temporary database every run; with --db, only into an empty database.
    #[arg(long, env = "OPENLINES_DEMO")]
    pub demo: bool,
    /// A JSON Lines fixture (the `import` format) to load at start, after the demo; repeatable.
    /// Loaded like --demo: without --db into a temporary database, with --db only into an
    /// empty one.
    #[arg(
        long = "fixture",
        value_name = "FILE",
        env = "OPENLINES_FIXTURES",
        value_delimiter = ','
    )]
    pub fixtures: Vec<PathBuf>,
    /// Directory for generated files (the self-signed TLS CA, certificate and key). By
    /// default the directory of the SQLite file, or the temporary directory of a temporary
    /// database; a PostgreSQL --db needs it for --tls-self-signed.
    #[arg(long, env = "OPENLINES_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
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
    #[command(flatten)]
    pub connections: super::connection_args::ConnectionArgs,
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
    #[arg(long, env = "OPENLINES_HTTPS_LISTEN", default_value = "127.0.0.1:8443", value_parser = parse_listen)]
    pub https_listen: SocketAddr,
    /// PEM certificate (chain) for HTTPS.
    #[arg(long, env = "OPENLINES_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, env = "OPENLINES_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate for localhost, made on first start and kept
    /// in the data directory (see --data-dir).
    #[arg(long, env = "OPENLINES_TLS_SELF_SIGNED", conflicts_with = "tls_cert")]
    pub tls_self_signed: bool,
    /// Also answer as the OAuth server for requests to this host name (repeatable), e.g.
    /// `oauth.bitrix24.tech` for b24pysdk; --tls-self-signed adds the names to its certificate.
    #[arg(
        long = "oauth-host",
        value_name = "NAME",
        env = "OPENLINES_OAUTH_HOSTS",
        value_delimiter = ','
    )]
    pub oauth_hosts: Vec<String>,
}

impl TlsArgs {
    /// The certificate files to use, if HTTPS is wanted; a self-signed set is made in
    /// `data_dir()` on first use.
    fn files(
        &self,
        data_dir: impl FnOnce() -> Result<PathBuf, String>,
    ) -> Result<Option<TlsFiles>, String> {
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
        let dir = data_dir()?;
        tls::self_signed_for(&dir, &self.oauth_hosts)
            .map(Some)
            .map_err(|error: TlsError| error.to_string())
    }
}

/// The two Bitrix24 limits; defaults are the non-Enterprise plans' numbers.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Leaky bucket size: requests one client may burst (above 0).
    #[arg(long, env = "OPENLINES_RATE_LIMIT_BURST", default_value_t = 50.0, value_parser = parse_positive_rate)]
    pub rate_limit_burst: f64,
    /// Leaky bucket drain, requests per second (above 0; --no-rate-limit switches it off).
    #[arg(long, env = "OPENLINES_RATE_LIMIT_PER_SECOND", default_value_t = 2.0, value_parser = parse_positive_rate)]
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

/// A rate-limit number: finite and above 0. Zero is refused rather than read as "off": a
/// bucket that never drains refuses everyone for good after the first burst, and "0 means
/// unlimited" is a guess a reader of the command line cannot check. `--no-rate-limit` says
/// off plainly.
fn parse_positive_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!(
            "expected a number above 0, not {text:?}; to switch the request limit off, use \
             --no-rate-limit (OPENLINES_NO_RATE_LIMIT=true)"
        )),
    }
}

/// `IP:PORT`, or `localhost:PORT` for 127.0.0.1 (the name most people type). Other host
/// names are refused: which of their addresses to bind would be a guess.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(address) = text.trim().parse::<SocketAddr>() {
        return Ok(address);
    }
    if let Some(port) = text.trim().strip_prefix("localhost:") {
        if let Ok(port) = port.parse::<u16>() {
            return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
        }
    }
    Err(format!(
        "expected an IP address and a port, such as 127.0.0.1:8080, 0.0.0.0:8080 or \
         [::1]:8080, not {text:?}"
    ))
}

fn parse_offset(text: &str) -> Result<UtcOffset, String> {
    let format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    UtcOffset::parse(text, format)
        .map_err(|_| format!("expected an offset like +03:00, not {text:?}"))
}

/// What a start has checked and bound before it touches the database.
struct Prepared {
    faults: Vec<crate::http::admin::NewFault>,
    database: ServeDb,
    limiter: Limiter,
    listener: tokio::net::TcpListener,
    https: Option<Https>,
}

/// HTTPS, ready to serve.
struct Https {
    files: TlsFiles,
    config: axum_server::tls_rustls::RustlsConfig,
    listener: std::net::TcpListener,
}

/// Steps 1 and 2 of a start: every flag checked, every listener bound. Nothing here creates
/// or changes a database, and nothing is printed.
async fn prepare(args: &ServeArgs) -> Result<Prepared, String> {
    let faults = startup_faults(&args.faults, args.faults_list.as_deref())?;
    serve_data::check_fixtures(&args.fixtures)?;
    let database = ServeDb::choose(&args.db, args.demo || !args.fixtures.is_empty())?;
    let tls_files = args
        .tls
        .files(|| database.data_dir(args.data_dir.as_deref()))?;
    let tls = match tls_files {
        Some(files) => match tls::rustls_config(&files).await {
            Ok(config) => Some((files, config)),
            Err(error) => return Err(format!("HTTPS: {error}")),
        },
        None => None,
    };
    let limiter = args
        .limits
        .limiter()
        .await
        .map_err(|error| format!("--redis: {error}"))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| listen_error("--listen", args.listen, &error))?;
    let https = match tls {
        Some((files, config)) => {
            let listener = std::net::TcpListener::bind(args.tls.https_listen)
                .map_err(|error| listen_error("--https-listen", args.tls.https_listen, &error))?;
            Some(Https {
                files,
                config,
                listener,
            })
        }
        None => None,
    };
    Ok(Prepared {
        faults,
        database,
        limiter,
        listener,
        https,
    })
}

pub async fn run(args: ServeArgs) -> ExitCode {
    let Prepared {
        faults,
        database,
        limiter,
        listener,
        https,
    } = match prepare(&args).await {
        Ok(prepared) => prepared,
        Err(error) => return fail(&error),
    };
    // 3. The database.
    let clock = Clock::with_offset(args.utc_offset);
    let store = match args.db.open_url(database.url()).await {
        Ok(store) => store,
        Err(error) => return fail(&error),
    };
    let load = match serve_data::load(&store, &args.fixtures, args.demo, clock.now_secs()).await {
        Ok(load) => load,
        Err(error) => {
            store.close().await;
            return fail(&error);
        }
    };
    // 4. Announce, then serve.
    let signals = super::shutdown::ShutdownSignals::listen();
    let address = listener.local_addr().unwrap_or(args.listen);
    let generated = args.admin_token.is_none();
    let admin_token = SecretString::from(
        args.admin_token
            .clone()
            .unwrap_or_else(|| generate_token().expose_secret().to_owned()),
    );
    let state = AppState::with_limiter(
        store.clone(),
        settings(&args, admin_token.clone()),
        clock,
        limiter,
    );
    if let Some(start) = load.start_state {
        state.snapshots().set_start(start);
    }
    for fault in faults {
        let (kind, scope) = fault.into_parts();
        state.faults().add(kind, scope);
    }
    tracing::info!(listen.address = %address, db = %mask_db_url(database.url()), "openlines is listening");
    println!("Listening on http://{address}/");
    for line in &load.report {
        println!("{line}");
    }
    println!("{}", database.describe());
    if args.demo && load.loaded {
        print_demo_banner(address);
    }
    if generated {
        println!(
            "Admin token (fault switches, journal, reset): {}",
            admin_token.expose_secret()
        );
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let https = https.map(|https| start_https(https, state.clone(), stopped.clone()));
    tokio::spawn(async move {
        signals.received().await;
        let _ = stop.send(true);
    });
    let served = crate::serve(listener, state, wait_for(stopped)).await;
    finish(https, &store).await;
    drop(database);
    match served {
        Ok(()) => {
            tracing::info!("openlines stopped");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// Waits for the HTTPS task and closes the store (SQLite checkpoints its WAL then).
async fn finish(https: Option<tokio::task::JoinHandle<std::io::Result<()>>>, store: &Store) {
    if let Some(task) = https {
        if let Ok(Err(error)) = task.await {
            tracing::error!(error.cause = %error, "the HTTPS listener failed");
        }
    }
    store.close().await;
}

/// The answer-shaping settings of the flags.
fn settings(args: &ServeArgs, admin_token: SecretString) -> Settings {
    Settings {
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
        admin_token: Some(admin_token),
        journal_capacity: args.journal_size,
        connections: args.connections.limits(),
        oauth_hosts: args
            .tls
            .oauth_hosts
            .iter()
            .map(|name| name.to_ascii_lowercase())
            .collect(),
    }
}

/// Why `address` cannot be bound, with what to do about it.
fn listen_error(flag: &str, address: SocketAddr, error: &std::io::Error) -> String {
    let hint = match error.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "; another program (or another openlines) already listens there: stop it, or give \
             {flag} another port"
        ),
        std::io::ErrorKind::PermissionDenied => {
            format!("; ports below 1024 need privileges: give {flag} a port above 1023")
        }
        std::io::ErrorKind::AddrNotAvailable => format!(
            "; this machine has no such address: give {flag} one of its own, such as 127.0.0.1"
        ),
        _ => String::new(),
    };
    format!("cannot listen on {address} ({flag}): {error}{hint}; nothing was started")
}

/// Serves HTTPS on its bound listener in a task of its own.
fn start_https(
    https: Https,
    state: AppState,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let Https {
        files,
        config,
        listener,
    } = https;
    if let Ok(address) = listener.local_addr() {
        tracing::info!(listen.address = %address, "HTTPS is listening");
        println!(
            "HTTPS on https://{address}/\n{}",
            tls::trust_hints(&files.trust)
        );
    }
    tokio::spawn(crate::serve_tls(listener, config, state, wait_for(stopped)))
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
         OAuth token:     {token}\n\
         Refresh token:   {refresh}\n\
         OAuth client_id: {client_id}\n\
         OAuth secret:    {client_secret}\n\n\
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
        client_id = demo::APP_CLIENT_ID,
        client_secret = demo::APP_CLIENT_SECRET,
        refresh = demo::REFRESH_TOKEN,
    );
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
