//! `accord audit URL`: verifies a node from outside.
//!
//! It uses only the pure crates (`accord-log`, `accord-core`) and an HTTP
//! client — never the server's HTTP or storage code — so that a bug in
//! those cannot hide itself on both sides. It downloads the checkpoint and
//! every tile, recomputes the tree, replays the state machine from genesis
//! (every signature verified, every rule applied), checks the hash tiles
//! the node serves, checks consistency with the checkpoint it remembers
//! from its last run (trust on first use, or a pinned `--log-key`), and
//! compares what the node publishes with what it recomputed.

use crate::progress::bar;
use accord_core::{Entry, SigCheck, State};
use accord_log::merkle::{verify_consistency, MemoryTree};
use accord_log::tile::{decode_bundle, tiles_for_size, TileKind, TilePath};
use accord_log::{Checkpoint, Hash, VerifierKey};
use anyhow::{anyhow, Context};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct AuditArgs {
    /// Base URL of the node, e.g. https://accord.example or http://127.0.0.1:8080.
    pub url: String,
    /// The log's vkey to trust. Without it, the key remembered in the state
    /// file is used, or on first use the key the node names (said loudly).
    #[arg(long)]
    pub log_key: Option<String>,
    /// State file remembering the log key and the last verified checkpoint
    /// (default: $XDG_STATE_HOME/accord/audit/<host>.json).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Parallel downloads.
    #[arg(long, default_value_t = 8)]
    pub jobs: usize,
}

/// What the auditor remembers between runs.
#[derive(Serialize, Deserialize, Clone, Debug)]
struct Remembered {
    url: String,
    log_key: String,
    size: u64,
    root: String,
    checkpoint: String,
}

/// A verification failure: the node is not what it claims (exit 1).
#[derive(Debug)]
struct Failure(String);

/// Either the audit found a fault, or it could not be carried out.
enum Outcome {
    Failed(Failure),
    Trouble(anyhow::Error),
}

impl From<anyhow::Error> for Outcome {
    fn from(e: anyhow::Error) -> Self {
        Outcome::Trouble(e)
    }
}

impl From<Failure> for Outcome {
    fn from(f: Failure) -> Self {
        Outcome::Failed(f)
    }
}

fn fail<T>(msg: impl Into<String>) -> Result<T, Outcome> {
    Err(Outcome::Failed(Failure(msg.into())))
}

pub fn run(args: AuditArgs) -> ExitCode {
    match audit(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Outcome::Failed(Failure(msg))) => {
            eprintln!("accord audit: FAILED: {msg}");
            ExitCode::from(1)
        }
        Err(Outcome::Trouble(e)) => {
            eprintln!("accord audit: could not complete the audit: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn default_state_path(url: &str) -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("."));
    let host: String = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
        .collect();
    base.join("accord").join("audit").join(format!("{host}.json"))
}

struct Http {
    client: reqwest::blocking::Client,
    base: String,
}

impl Http {
    fn get(&self, path: &str) -> Result<Vec<u8>, Outcome> {
        let url = format!("{}{path}", self.base);
        let r = self.client.get(&url).send().with_context(|| format!("GET {url}"))?;
        let status = r.status();
        let body = r.bytes().with_context(|| format!("GET {url}"))?.to_vec();
        if !status.is_success() {
            let detail = String::from_utf8_lossy(&body).chars().take(300).collect::<String>();
            return fail(format!("GET {url} answered {status}: {detail}"));
        }
        Ok(body)
    }

    /// Fetches all paths with `jobs` parallel requests; results in order.
    fn get_all(&self, paths: &[String], jobs: usize) -> Result<Vec<Vec<u8>>, Outcome> {
        type Slot = Option<Result<Vec<u8>, Outcome>>;
        let next = AtomicUsize::new(0);
        let results: std::sync::Mutex<Vec<Slot>> = std::sync::Mutex::new((0..paths.len()).map(|_| None).collect());
        std::thread::scope(|s| {
            for _ in 0..jobs.clamp(1, paths.len().max(1)) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= paths.len() {
                        break;
                    }
                    let r = self.get(&paths[i]);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(Outcome::Trouble(anyhow!("a download did not run")))))
            .collect()
    }
}

fn audit(args: &AuditArgs) -> Result<(), Outcome> {
    let started = Instant::now();
    let base = args.url.trim_end_matches('/').to_string();
    let http = Http {
        client: reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().context("HTTP client")?,
        base: base.clone(),
    };
    let state_path = args.state.clone().unwrap_or_else(|| default_state_path(&base));
    let remembered: Option<Remembered> = match std::fs::read_to_string(&state_path) {
        Ok(s) => Some(serde_json::from_str(&s).with_context(|| format!("state file {}", state_path.display()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(anyhow!("cannot read state file {}: {e}", state_path.display()).into()),
    };

    // 1. Which log key to trust.
    let (log_key, tofu) = match (&args.log_key, &remembered) {
        (Some(k), Some(r)) if *k != r.log_key => {
            return fail(format!(
                "--log-key {k} differs from the key remembered in {} ({}); the log key must never change",
                state_path.display(),
                r.log_key
            ))
        }
        (Some(k), _) => (k.clone(), false),
        (None, Some(r)) => (r.log_key.clone(), false),
        (None, None) => {
            let body: serde_json::Value =
                serde_json::from_slice(&http.get("/api/v1/body")?).context("/api/v1/body is not JSON")?;
            let k = body["log_key"].as_str().ok_or_else(|| anyhow!("/api/v1/body names no log_key"))?.to_string();
            eprintln!("accord audit: no log key pinned; trusting on first use the key the node names:\n  {k}");
            eprintln!("  (pin it with --log-key, or compare it with the one the body's secretariat publishes)");
            (k, true)
        }
    };
    let vkey = VerifierKey::parse(&log_key).map_err(|e| anyhow!("log key: {e}"))?;

    // 2. The checkpoint.
    let cp_bytes = http.get("/log/checkpoint")?;
    let (cp, _) = match Checkpoint::open(&cp_bytes, &vkey) {
        Ok(x) => x,
        Err(e) => return fail(format!("the checkpoint does not verify against the log key: {e}")),
    };
    if let Some(r) = &remembered {
        if cp.size < r.size {
            return fail(format!(
                "rollback: the node now shows size {} but size {} was verified before",
                cp.size, r.size
            ));
        }
    }
    let size = cp.size;

    // 3. Every entry: download, hash, replay, verify signatures.
    let pb = bar(size, "entries");
    let bundles = tiles_for_size(TileKind::Entries, size);
    let mut tree = MemoryTree::new();
    let mut state = State::new();
    let mut signatures = 0u64;
    for chunk in bundles.chunks(64) {
        let paths: Vec<String> = chunk.iter().map(|t| format!("/log/{t}")).collect();
        let datas = http.get_all(&paths, args.jobs)?;
        let mut to_verify = Vec::new();
        for (tp, data) in chunk.iter().zip(&datas) {
            let entries = match decode_bundle(data) {
                Ok(e) => e,
                Err(e) => return fail(format!("{tp}: {e}")),
            };
            if entries.len() != usize::from(tp.width) {
                return fail(format!("{tp} holds {} entries, expected {}", entries.len(), tp.width));
            }
            for (i, bytes) in entries.iter().enumerate() {
                let index = tp.index * 256 + i as u64;
                tree.push(Hash::leaf(bytes));
                let entry = match Entry::parse(bytes) {
                    Ok(e) => e,
                    Err(r) => return fail(format!("entry {index} is malformed: {r}")),
                };
                match state.apply(&entry, SigCheck::Deferred) {
                    Ok(applied) => to_verify.push((index, applied.signer, entry)),
                    Err(r) => return fail(format!("entry {index} breaks the rules: {r}")),
                }
            }
        }
        // Ed25519 batch verification over chunks, on every core; a failing
        // chunk is re-checked one by one, so the first bad entry is exact.
        let items: Vec<(&accord_log::Note, &VerifierKey)> =
            to_verify.iter().map(|(_, k, e)| (&e.statement.note, k)).collect();
        let verdicts: Vec<bool> =
            items.par_chunks(64).flat_map_iter(|c| accord_log::verify_many(c).into_iter().map(|r| r.is_ok())).collect();
        let bad = to_verify.iter().zip(&verdicts).find(|(_, ok)| !**ok).map(|(t, _)| t);
        if let Some((index, k, _)) = bad {
            return fail(format!(
                "entry {index}: the signature does not verify with {k}, the member's key at that point"
            ));
        }
        signatures += to_verify.len() as u64;
        pb.inc(to_verify.len() as u64);
    }
    pb.finish_and_clear();

    // 4. The tree: the signed root, and every hash tile the node serves.
    if tree.root_at(size) != cp.root {
        return fail(format!("the entries do not hash to the checkpoint's root at size {size}"));
    }
    let mut level = 0u8;
    loop {
        let tiles = tiles_for_size(TileKind::Hash(level), size);
        if tiles.is_empty() {
            break;
        }
        let pb = bar(tiles.len() as u64, &format!("tiles L{level}"));
        for chunk in tiles.chunks(256) {
            let paths: Vec<String> = chunk.iter().map(|t| format!("/log/{t}")).collect();
            let datas = http.get_all(&paths, args.jobs)?;
            for (tp, data) in chunk.iter().zip(&datas) {
                check_hash_tile(&tree, tp, data, level)?;
            }
            pb.inc(chunk.len() as u64);
        }
        pb.finish_and_clear();
        level += 1;
    }

    // 5. The log key is the one genesis names.
    let Some(body) = state.body() else {
        return fail("the log has no genesis entry");
    };
    if body.log_key != vkey {
        return fail(format!("genesis names log key {}, not the trusted {}", body.log_key, vkey));
    }

    // 6. Consistency with what was verified before.
    if let Some(r) = &remembered {
        let old_root = Hash::from_base64(&r.root).ok_or_else(|| anyhow!("state file root is not base64"))?;
        if tree.root_at(r.size) != old_root {
            return fail(format!(
                "fork: the log at size {} no longer has the root verified before ({}); history was rewritten",
                r.size, r.root
            ));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&http.get(&format!("/api/v1/log/consistency?from={}&to={size}", r.size))?)
                .context("consistency proof is not JSON")?;
        let proof: Vec<Hash> = v["proof"]
            .as_array()
            .map(|a| a.iter().filter_map(|h| h.as_str().and_then(Hash::from_base64)).collect())
            .unwrap_or_default();
        if let Err(e) = verify_consistency(r.size, size, &proof, &old_root, &cp.root) {
            return fail(format!("the node's consistency proof from {} to {size} does not verify: {e}", r.size));
        }
    }

    // 7. What the node publishes agrees with the replay.
    let published = compare_published(&http, &state, size)?;

    // 8. Remember and report.
    let rem = Remembered {
        url: base.clone(),
        log_key: log_key.clone(),
        size,
        root: cp.root.to_base64(),
        checkpoint: String::from_utf8_lossy(&cp_bytes).into_owned(),
    };
    if let Some(dir) = state_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = state_path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&rem).context("state")?)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &state_path).with_context(|| format!("cannot write {}", state_path.display()))?;

    println!("audit OK: {base}");
    println!("  body:        {} ({})", body.name, body.origin);
    println!("  entries:     {size} (every signature verified: {signatures}; every rule replayed from genesis)");
    println!("  members:     {}", state.members().count());
    println!("  checkpoint:  size {size}, root {}", cp.root.to_base64());
    println!("  log key:     {log_key}{}", if tofu { " (trusted on first use, now pinned)" } else { "" });
    match &remembered {
        Some(r) => println!("  consistency: with the checkpoint of size {} verified before", r.size),
        None => println!("  consistency: first audit of this log; checkpoint remembered in {}", state_path.display()),
    }
    println!("  published:   {published}");
    println!("  took:        {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

fn check_hash_tile(tree: &MemoryTree, tp: &TilePath, data: &[u8], level: u8) -> Result<(), Outcome> {
    let row = tree.level(8 * u32::from(level));
    let start = (tp.index * 256) as usize;
    let want = &row[start..start + usize::from(tp.width)];
    if data.len() != want.len() * 32 {
        return fail(format!("{tp} is {} bytes, expected {}", data.len(), want.len() * 32));
    }
    for (i, (h, got)) in want.iter().zip(data.chunks(32)).enumerate() {
        if h.0 != got {
            return fail(format!("{tp}: hash {i} differs from the hash recomputed from the entries (tampered tile)"));
        }
    }
    Ok(())
}

fn compare_published(http: &Http, state: &State, size: u64) -> Result<String, Outcome> {
    let v: serde_json::Value =
        serde_json::from_slice(&http.get("/api/v1/members")?).context("/api/v1/members is not JSON")?;
    // The node may have moved on while we audited; then its projections
    // describe a longer log and a strict comparison would be unfair.
    let cp_now = http.get("/log/checkpoint")?;
    let now_size = accord_log::Note::parse(&cp_now)
        .ok()
        .and_then(|n| Checkpoint::parse_text(n.text()).ok())
        .map_or(size, |c| c.size);
    if now_size != size {
        return Ok(format!("node advanced to size {now_size} during the audit; published state not compared"));
    }
    let rows = v["members"].as_array().cloned().unwrap_or_default();
    let mut n = 0;
    for a in state.actors() {
        let Some(row) = rows.iter().find(|r| r["id"] == a.id.as_str()) else {
            return fail(format!("the node does not publish member {}", a.id));
        };
        if row["vkey"] != a.key.to_vkey() || row["last_seq"] != a.last_seq.0 {
            return fail(format!(
                "the node publishes member {} with key {} and last seq {}, but the log says {} and {}",
                a.id,
                row["vkey"],
                row["last_seq"],
                a.key.to_vkey(),
                a.last_seq.0
            ));
        }
        n += 1;
    }
    if rows.len() != n {
        return fail(format!("the node publishes {} members, the log has {n}", rows.len()));
    }
    Ok(format!("{} members, the secretariat, their keys and sequence numbers agree with the replay", n - 1))
}
