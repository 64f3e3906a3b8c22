//! `accord witness`: a C2SP tlog-witness run by a member state, cosigning
//! the checkpoints of the logs it trusts (docs/PROTOCOL.md §4.1); and
//! `accord witness-keygen`, its key file.
//!
//! The logs come from `--logs FILE` (`log <vkey> [<url>]` lines), or from
//! `--follow URL`: the body's own `URL/log/policy`, whose log lines are
//! pinned in `DATA/trusted-logs` the first time. Later starts compare
//! what the body serves with the pin and refuse to start on any change of
//! key; if the body cannot be reached (or serves no readable policy), the
//! pin is used.

use crate::cmd::serve::{init_tracing, shutdown_signal, LimitArgs};
use crate::files::{lock_data, make_private_dir, read_key, write_key};
use accord_log::cosignature::Cosigner;
use accord_witness::trusted::MAX_CONFIG_BYTES;
use accord_witness::{Store, TrustedLogs, Witness};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long `--follow` waits for the body's policy.
pub const FOLLOW_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(clap::Args, Clone)]
#[command(group(clap::ArgGroup::new("trust").required(true).args(["logs", "follow"])))]
pub struct WitnessArgs {
    /// Data directory of the witness (created if missing; holds witness.db and, with --follow, trusted-logs).
    #[arg(long)]
    pub data: PathBuf,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: String,
    /// The witness's key file (`accord witness-keygen`); its name is the cosigner's name.
    #[arg(long)]
    pub key: PathBuf,
    /// The logs trusted: a file of `log <vkey> [<url>]` lines (tlog-policy's syntax; other policy lines are ignored).
    #[arg(long, value_name = "FILE")]
    pub logs: Option<PathBuf>,
    /// Trust the log of the body at URL: its URL/log/policy, pinned in DATA/trusted-logs on first start.
    #[arg(long, value_name = "URL")]
    pub follow: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `accord witness-keygen`: writes the key file (mode 0600, never over an
/// existing file) and prints the cosigner vkey (type 0x04).
pub fn keygen(name: &str, out: &Path) -> Result<()> {
    let key = crate::cmd::keygen::new_key(name)?;
    let cosigner = Cosigner::new(name, key.signer.signing_key().clone())?;
    write_key(out, &key)?;
    println!("{}", cosigner.key().to_vkey());
    Ok(())
}

pub fn run(args: &WitnessArgs) -> Result<()> {
    init_tracing();
    let key = read_key(&args.key)?;
    let cosigner = Cosigner::new(key.name(), key.signer.signing_key().clone())?;
    make_private_dir(&args.data)?;
    let _lock = lock_data(&args.data)?;
    let logs = match (&args.logs, &args.follow) {
        (Some(file), None) => read_logs(file)?,
        (None, Some(url)) => follow(&args.data, url)?,
        _ => bail!("give exactly one of --logs FILE and --follow URL"),
    };
    if logs.is_empty() {
        bail!("no log to witness: the trusted logs have no `log <vkey>` line");
    }
    let db = args.data.join("witness.db");
    let store = Store::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
    let witness = Arc::new(Witness::new(logs, cosigner, store));
    serve(witness, &args.listen, args.limits.into())
}

/// Serves `witness` on `listen` until SIGINT or SIGTERM, under the same
/// connection limits and timeouts as `accord serve`.
pub fn serve(witness: Arc<Witness>, listen: &str, limits: accord_http::server::Limits) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let origins: Vec<&str> = witness.trusted().origins().collect();
        tracing::info!(
            listen = %addr,
            cosigner_vkey = %witness.cosigner_key(),
            trusted = ?origins,
            "witness serving on http://{addr}"
        );
        println!("accord: listening on http://{addr}");
        let app = accord_witness::router(witness.clone());
        accord_http::server::serve(listener, app, limits.fitted_to_descriptors(), None, shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    tracing::info!(cosignatures = witness.metrics().cosignatures(), "witness stopped");
    Ok(())
}

fn read_logs(path: &Path) -> Result<TrustedLogs> {
    let len = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if len > MAX_CONFIG_BYTES as u64 {
        bail!("{} is larger than {MAX_CONFIG_BYTES} bytes", path.display());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    TrustedLogs::parse(&text).with_context(|| format!("in {}", path.display()))
}

/// Where `--follow` pins the body's log lines.
pub fn pinned_path(data: &Path) -> PathBuf {
    data.join("trusted-logs")
}

fn follow(data: &Path, url: &str) -> Result<TrustedLogs> {
    let path = pinned_path(data);
    let pinned = if path.exists() { Some(read_logs(&path)?) } else { None };
    let policy_url = format!("{}/log/policy", url.trim_end_matches('/'));
    let served = fetch_policy(&policy_url);
    match (served, pinned) {
        (Ok(served), Some(pinned)) if served.same_keys(&pinned) => {
            tracing::info!(url = %policy_url, pinned = %path.display(), "the body serves the pinned log key(s)");
            Ok(pinned)
        }
        (Ok(served), Some(pinned)) => bail!(
            "the body at {url} now serves the log key(s)\n{}but this witness pinned\n{}in {}.\n\
             A witness must not accept a changed log key silently: it would cosign another history. \
             If the body did rotate its log key (check it out of band, with the other members), \
             move {} away and start again to pin the new key(s).",
            indent(&served.to_text()),
            indent(&pinned.to_text()),
            path.display(),
            path.display()
        ),
        (Ok(served), None) => {
            write_pinned(&path, &policy_url, &served)?;
            tracing::info!(url = %policy_url, pinned = %path.display(), origins = served.len(), "pinned the body's log key(s)");
            Ok(served)
        }
        (Err(e), Some(pinned)) => {
            tracing::warn!(url = %policy_url, error = %format!("{e:#}"), pinned = %path.display(), "cannot read the body's policy: witnessing the pinned log key(s)");
            Ok(pinned)
        }
        (Err(e), None) => Err(e.context(format!("nothing is pinned yet in {}", path.display()))),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// GETs the body's tlog-policy (at most [`MAX_CONFIG_BYTES`]) and reads
/// its log lines; a policy naming no log is an error.
fn fetch_policy(url: &str) -> Result<TrustedLogs> {
    let http = reqwest::blocking::Client::builder().timeout(FOLLOW_TIMEOUT).build()?;
    let resp = http.get(url).send().with_context(|| format!("cannot reach {url}"))?;
    if !resp.status().is_success() {
        bail!("{url} answered {}", resp.status());
    }
    let mut body = Vec::new();
    resp.take(MAX_CONFIG_BYTES as u64 + 1).read_to_end(&mut body).with_context(|| format!("reading {url}"))?;
    if body.len() > MAX_CONFIG_BYTES {
        bail!("{url} is larger than {MAX_CONFIG_BYTES} bytes");
    }
    let text = String::from_utf8(body).map_err(|_| anyhow!("{url} is not UTF-8 text"))?;
    let logs = TrustedLogs::parse(&text).with_context(|| format!("in the policy at {url}"))?;
    if logs.is_empty() {
        bail!("the policy at {url} names no log (no `log <vkey>` line)");
    }
    Ok(logs)
}

/// Writes the pin atomically: a temporary file, fsynced, renamed over,
/// and the directory fsynced.
fn write_pinned(path: &Path, source: &str, logs: &TrustedLogs) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let text = format!(
        "# The log key(s) this witness trusts, pinned from {source} by `accord witness --follow`.\n\
         # A later start refuses a body that serves other keys.\n{}",
        logs.to_text()
    );
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
