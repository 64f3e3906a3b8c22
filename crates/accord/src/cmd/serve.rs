//! `accord serve`: runs a node and its HTTP face until SIGINT/SIGTERM.

use crate::files::{db_url, lock_data, log_key_path, read_key, secretariat_key_path, snapshot_path, DataLock};
use accord_http::server::{Limits, Tls};
use accord_node::{Node, NodeConfig, SteadyClock};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How log lines are written on stderr (docs/OPERATIONS.md, "Logs").
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event: time, level, target, message, fields.
    #[default]
    Text,
    /// One JSON object per line: timestamp, level, target, fields (message included).
    Json,
}

/// The format `init_tracing` uses, set once by `main` from `--log-format`.
static LOG_FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// Sets the format of the log lines (before [`init_tracing`]; later calls
/// change nothing).
pub fn set_log_format(format: LogFormat) {
    let _ = LOG_FORMAT.set(format);
}

/// Logs to stderr at `RUST_LOG` (default `info`), in the format set by
/// [`set_log_format`], with colours only when stderr is a terminal.
/// Calling it again changes nothing.
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match LOG_FORMAT.get().copied().unwrap_or_default() {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().with_current_span(false).try_init(),
    };
}

/// How the node asks its members' witnesses (docs/OPERATIONS.md, "Witnesses").
#[derive(clap::Args, Clone, Debug)]
pub struct WitnessArgs {
    /// Let witness URLs name loopback, private and link-local addresses (tests, the demo, private networks).
    #[arg(long)]
    pub witness_allow_private: bool,
    /// Most time, in milliseconds, a checkpoint waits for its witnesses' cosignatures.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub witness_wait_ms: u64,
    /// Time allowed, in milliseconds, for one request to a witness.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub witness_timeout_ms: u64,
}

impl Default for WitnessArgs {
    fn default() -> WitnessArgs {
        WitnessArgs { witness_allow_private: false, witness_wait_ms: 2000, witness_timeout_ms: 10_000 }
    }
}

impl WitnessArgs {
    pub fn options(&self) -> accord_node::witnesses::WitnessOptions {
        accord_node::witnesses::WitnessOptions {
            timeout: Duration::from_millis(self.witness_timeout_ms),
            wait: Duration::from_millis(self.witness_wait_ms),
            allow_private: self.witness_allow_private,
            ..Default::default()
        }
    }
}

/// Starts the node of the body in `data`, holding the directory's lock
/// (keep the returned lock as long as the node runs).
pub fn start_node(
    data: &Path,
    database: Option<&str>,
    snapshot_every: u64,
    witnesses: &WitnessArgs,
) -> Result<(Arc<Node>, DataLock)> {
    let lock = lock_data(data)?;
    let log_key = read_key(&log_key_path(data))?;
    // The secretariat's key lets the node append `clock.tick` entries so
    // that ballots close on time without other traffic. A node without it
    // still serves; deadlines then pass with the next statement.
    let sec_path = secretariat_key_path(data);
    let clock_ticker = if sec_path.exists() {
        Some(read_key(&sec_path)?.signer)
    } else {
        tracing::warn!(path = %sec_path.display(), "no secretariat key: ballots close only when a statement arrives");
        None
    };
    let store = accord_store::open(&db_url(data, database))?;
    let node_ticks = clock_ticker.is_some();
    let client =
        accord_node::witnesses::WitnessClient::new(store.clone(), witnesses.options()).map_err(anyhow::Error::msg)?;
    let config = NodeConfig {
        clock_ticker,
        snapshot: Some(snapshot_path(data)),
        snapshot_every,
        cosigners: accord_node::CosignerSet(Arc::new(client)),
        ..NodeConfig::default()
    };
    let node =
        Node::start(store, log_key.signer, Arc::new(SteadyClock::system()), config).context("cannot start the node")?;
    tracing::info!(
        data = %data.display(),
        log_size = node.metrics().log_size.load(std::sync::atomic::Ordering::Relaxed),
        ticks_clock = node_ticks,
        started_from = ?node.started_from(),
        "node started"
    );
    Ok((Arc::new(node), lock))
}

/// The signed root zone over DNS (docs/OPERATIONS.md, "The root zone").
#[derive(clap::Args, Clone, Default)]
pub struct DnsArgs {
    /// Serve the signed root zone over DNS, UDP and TCP, on this address (e.g. 127.0.0.1:5353; port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    pub dns_listen: Option<std::net::SocketAddr>,
    /// An address allowed to transfer the zone by AXFR or IXFR (a secondary); repeatable.
    #[arg(long, value_name = "IP")]
    pub dns_transfer_allow: Vec<std::net::IpAddr>,
    /// A secondary to NOTIFY of each new serial, as IP:PORT; repeatable.
    #[arg(long, value_name = "ADDR")]
    pub dns_notify: Vec<std::net::SocketAddr>,
}

/// Hands each signed zone to the DNS server.
struct DnsSink(accord_dns::Zones);

impl accord_node::zone::ZoneSink for DnsSink {
    fn publish(&self, zone: &accord_zone::SignedZone) {
        if let Err(e) = self.0.publish(zone.clone()) {
            tracing::error!(error = %e, serial = zone.serial, "the DNS server did not take the zone");
        }
    }
}

/// Starts the zone service of `node` (it builds and signs the zone of each
/// version, with the keys in `data`), and the DNS server if asked.
pub fn start_zone(node: &Arc<Node>, data: &Path, dns: &DnsArgs) -> Result<Option<accord_dns::DnsServer>> {
    let zones = accord_dns::Zones::new();
    let dir = data.to_path_buf();
    let keys: accord_node::zone::ZoneKeySource =
        Arc::new(move || crate::files::read_zone_keys(&dir).map_err(|e| format!("{e:#}")));
    let sec_path = secretariat_key_path(data);
    let secretariat = if sec_path.exists() { Some(read_key(&sec_path)?.signer) } else { None };
    let sinks: Vec<Arc<dyn accord_node::zone::ZoneSink>> = vec![Arc::new(DnsSink(zones.clone()))];
    let service = accord_node::zone::ZoneService::start(node, keys, secretariat, sinks).map_err(anyhow::Error::msg)?;
    node.set_zone_service(service);
    let Some(listen) = dns.dns_listen else { return Ok(None) };
    let mut cfg = accord_dns::DnsConfig::new(listen);
    cfg.transfer_allow = dns.dns_transfer_allow.clone();
    cfg.notify = dns.dns_notify.clone();
    let server = accord_dns::serve(cfg, zones).with_context(|| format!("cannot serve DNS on {listen}"))?;
    tracing::info!(listen = %server.local_addr(), transfer_allow = ?dns.dns_transfer_allow, notify = ?dns.dns_notify, "serving the root zone over DNS");
    eprintln!("accord: dns on {}", server.local_addr());
    Ok(Some(server))
}

/// What one client may hold of the node (docs/PROTOCOL.md §6).
#[derive(clap::Args, Clone, Copy)]
pub struct LimitArgs {
    /// Open connections in all (capped below the descriptor limit).
    #[arg(long, default_value_t = 8192)]
    pub max_connections: usize,
    /// Open connections from one client address.
    #[arg(long, default_value_t = 256)]
    pub max_connections_per_address: usize,
    /// Seconds to send a request head; also the longest idle keep-alive.
    #[arg(long, default_value_t = 15)]
    pub header_timeout: u64,
    /// Seconds to send a request body.
    #[arg(long, default_value_t = 30)]
    pub body_timeout: u64,
}

impl From<LimitArgs> for Limits {
    fn from(a: LimitArgs) -> Limits {
        Limits {
            max_connections: a.max_connections.max(1),
            max_per_address: a.max_connections_per_address.max(1),
            header_timeout: Duration::from_secs(a.header_timeout.max(1)),
            body_timeout: Duration::from_secs(a.body_timeout.max(1)),
        }
    }
}

/// HTTPS served by the node itself (docs/OPERATIONS.md). Both files or
/// neither; they are read once at start, so a renewed certificate takes a
/// restart.
#[derive(clap::Args, Clone)]
pub struct TlsArgs {
    /// Serve HTTPS with this PEM certificate chain (the server's certificate first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, RSA or EC); needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl TlsArgs {
    /// The TLS configuration asked for, if any, with its files read and
    /// checked (a clear error if only one of the two is given).
    pub fn load(&self) -> Result<Option<Tls>> {
        match (&self.tls_cert, &self.tls_key) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => Ok(Some(Tls::from_pem_files(cert, key)?)),
            (Some(_), None) => anyhow::bail!("--tls-cert needs --tls-key (the certificate's private key)"),
            (None, Some(_)) => anyhow::bail!("--tls-key needs --tls-cert (the certificate of that key)"),
        }
    }
}

/// What `accord serve` runs beside the node's HTTP face.
pub struct Extras<'a> {
    pub dns: &'a DnsArgs,
    pub witnesses: &'a WitnessArgs,
}

pub fn run(
    data: &Path,
    listen: &str,
    database: Option<&str>,
    limits: Limits,
    tls: &TlsArgs,
    snapshot_every: u64,
    extras: Extras<'_>,
) -> Result<()> {
    let Extras { dns, witnesses } = extras;
    init_tracing();
    // Read the certificate before taking the data directory: a bad file
    // is an error at once, with nothing started.
    let tls = tls.load()?;
    let (node, _lock) = start_node(data, database, snapshot_every, witnesses)?;
    let _dns = start_zone(&node, data, dns)?;
    serve_node_with(node, listen, limits, tls)
}

/// Serves `node` over plain HTTP (the demo's way: on localhost).
pub fn serve_node(node: Arc<Node>, listen: &str, limits: Limits) -> Result<()> {
    serve_node_with(node, listen, limits, None)
}

/// Serves `node` on `listen`, over HTTPS when `tls` is given.
pub fn serve_node_with(node: Arc<Node>, listen: &str, limits: Limits, tls: Option<Tls>) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        tracing::info!(
            listen = %addr,
            log_size = node.metrics().log_size.load(std::sync::atomic::Ordering::Relaxed),
            tls = tls.is_some(),
            origin = node.origin(),
            log_key = %node.log_vkey(),
            "serving on {scheme}://{addr}"
        );
        // The first line on stdout names the address, for scripts and tests.
        println!("accord: listening on {scheme}://{addr}");
        let app = accord_http::router(node.clone());
        let limits = limits.fitted_to_descriptors();
        tracing::info!(
            max_connections = limits.max_connections,
            per_address = limits.max_per_address,
            header_timeout_s = limits.header_timeout.as_secs(),
            "connection limits"
        );
        accord_http::server::serve(listener, app, limits, tls, shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    tracing::info!("stopping: finishing queued statements and publishing a last checkpoint");
    node.shutdown();
    Ok(())
}

/// Resolves on SIGINT (ctrl-c) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
