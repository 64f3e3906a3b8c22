//! `accord-audit`: the outside verifier behind `accord audit URL`.
//!
//! What it is not: a client of the server's code. Its `Cargo.toml` allows
//! only the pure crates and an HTTP client.
//!
//! It uses only the pure crates (`accord-log`, `accord-core`) and an HTTP
//! client — never the server's HTTP or storage code — so that a bug in
//! those cannot hide itself on both sides. It downloads the checkpoint and
//! every tile, recomputes the tree, replays the state machine from genesis
//! (every signature verified by the strict rule, every rule applied), checks
//! the hash tiles the node serves, checks consistency with the checkpoint
//! it remembers from its last run (trust on first use, or a pinned
//! `--log-key`), and compares everything the read API publishes with the
//! replay, field by field, each answer at exactly the log size it says it
//! reflects (`Accord-Log-Size`): members (name, key, admission, key change,
//! suspension, last seq), the rules in force, the proposal list under every
//! filter the portal offers, the latest decisions, every proposal's whole
//! record with every vote and explanation, each member's votes, statements
//! and subscriptions, every note, every version of every document
//! whole, its hash computed from the text served, and a random sample of
//! `/api/v1/entries/{n}` with their inclusion proofs (see `published`).
//!
//! A hostile node cannot crash it: every answer is read up to what its kind
//! can be, `--max-entries` bounds the log it takes on, `--timeout` every
//! request. Exit codes: 0 audited, 1 the node is not what it claims, 2 the
//! audit could not be carried out, 3 the published state could not be
//! compared (never a pass).

#![forbid(unsafe_code)]

pub mod fork;
pub mod progress;
mod published;

use accord_core::decisions::Status;
use accord_core::{Entry, MemberId, SigCheck, State};
use accord_log::merkle::{verify_consistency, MemoryTree};
use accord_log::tile::{decode_bundle, tiles_for_size, TileKind, TilePath};
use accord_log::{Checkpoint, Hash, VerifierKey};
use anyhow::{anyhow, Context};
use progress::bar;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// Refuse to audit a log claiming more entries than this (the auditor
    /// holds every leaf hash in memory: 32 bytes an entry).
    #[arg(long, default_value_t = 100_000_000)]
    pub max_entries: u64,
    /// Seconds any one request may take.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// A second vantage point on the same log (another URL, a mirror, the
    /// same node through another network): its checkpoint must be
    /// consistent with the one audited, or the fork is reported with both
    /// signed checkpoints as evidence.
    #[arg(long, value_name = "OTHER_URL")]
    pub compare: Option<String>,
    /// Where to write the fork evidence if --compare finds one
    /// (`accord evidence FILE` checks it).
    #[arg(long, value_name = "FILE", default_value = "accord-fork-evidence.txt")]
    pub evidence: PathBuf,
}

/// The largest answer the auditor reads for each kind of resource: a
/// hostile node gets a clear failure, never an unbounded allocation.
#[derive(Clone, Copy)]
enum Limit {
    /// A signed checkpoint: a few lines and at most 100 signatures.
    Checkpoint,
    /// A hash tile: 256 hashes of 32 bytes.
    HashTile,
    /// An entry bundle: 256 entries of at most 65,535 bytes, each with a
    /// two-byte length.
    Bundle,
    /// A JSON answer of the read API.
    Json,
    /// A zone file: ten times the 2022 root's 1.5 MB when Accord signs it.
    Zone,
}

impl Limit {
    fn bytes(self) -> u64 {
        match self {
            Limit::Checkpoint => 64 * 1024,
            Limit::HashTile => 256 * 32,
            Limit::Bundle => 256 * (2 + 65_535),
            Limit::Json => 256 << 20,
            Limit::Zone => 64 << 20,
        }
    }
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
    /// The node's published state could not be compared with the log
    /// (exit 3): never a pass.
    NotCompared(String),
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

/// When `e` means the node at `url` could not be reached at all
/// (connection refused, no such host, a timeout), the one message every
/// command that talks to a node gives: "cannot reach the node at URL:
/// <error>; is `accord serve` running there?". `None` for other errors
/// (the node answered, but not as expected).
pub fn cannot_reach(url: &str, e: &reqwest::Error) -> Option<anyhow::Error> {
    if !(e.is_connect() || e.is_timeout()) {
        return None;
    }
    // reqwest's own message names the URL; its sources say what failed.
    let mut why = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why.push(s.to_string());
        source = s.source();
    }
    let why = if why.is_empty() { e.to_string() } else { why.join(": ") };
    Some(anyhow!("cannot reach the node at {url}: {why}; is `accord serve` running there?"))
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
        Err(Outcome::NotCompared(why)) => {
            eprintln!("accord audit: NOT COMPARED: {why}");
            ExitCode::from(3)
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

pub(crate) struct Http {
    client: reqwest::blocking::Client,
    base: String,
}

impl Http {
    /// GET `path`, reading at most the limit for what `path` is.
    fn get(&self, path: &str) -> Result<Vec<u8>, Outcome> {
        let limit = if path == "/log/checkpoint" {
            Limit::Checkpoint
        } else if path.starts_with("/log/tile/entries/") {
            Limit::Bundle
        } else if path.starts_with("/log/tile/") {
            Limit::HashTile
        } else {
            Limit::Json
        };
        self.fetch(path, limit).map(|(_, body)| body)
    }

    /// GET `path` of the read API: the body, and the log size its state
    /// reflects (the `Accord-Log-Size` header, which it must carry).
    fn get_sized(&self, path: &str) -> Result<(u64, Vec<u8>), Outcome> {
        match self.fetch(path, Limit::Json)? {
            (Some(n), body) => Ok((n, body)),
            (None, _) => fail(format!(
                "GET {}{path}: the answer does not say which log size it reflects (Accord-Log-Size)",
                self.base
            )),
        }
    }

    /// GET `path`: its `Accord-Log-Size` if any, and its body, read up to
    /// `limit`; a failure status is a failure.
    fn fetch(&self, path: &str, limit: Limit) -> Result<(Option<u64>, Vec<u8>), Outcome> {
        let url = format!("{}{path}", self.base);
        let r = self.client.get(&url).send().map_err(|e| match cannot_reach(&self.base, &e) {
            Some(unreachable) => unreachable,
            None => anyhow::Error::new(e).context(format!("GET {url}")),
        })?;
        let status = r.status();
        let size = r.headers().get("accord-log-size").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let max = limit.bytes();
        if let Some(n) = r.content_length().filter(|n| *n > max) {
            return fail(format!("GET {url}: the answer is {n} bytes; at most {max} are allowed"));
        }
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(r, max + 1), &mut body)
            .with_context(|| format!("GET {url}"))?;
        if body.len() as u64 > max {
            return fail(format!("GET {url}: the answer is over {max} bytes, the most it may be"));
        }
        if !status.is_success() {
            let detail = String::from_utf8_lossy(&body).chars().take(300).collect::<String>();
            return fail(format!("GET {url} answered {status}: {detail}"));
        }
        Ok((size, body))
    }

    /// GET `/log/policy`: the size it says it holds at, and its text.
    fn get_policy(&self) -> Result<(Option<u64>, String), Outcome> {
        let url = format!("{}/log/policy", self.base);
        let r = self.client.get(&url).send().map_err(|e| match cannot_reach(&self.base, &e) {
            Some(unreachable) => unreachable,
            None => anyhow::Error::new(e).context(format!("GET {url}")),
        })?;
        if !r.status().is_success() {
            return fail(format!("GET {url} answered {}", r.status()));
        }
        let at = r.headers().get("accord-policy-size").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let max = accord_log::policy::MAX_POLICY_BYTES as u64;
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(r, max + 1), &mut body)
            .with_context(|| format!("GET {url}"))?;
        if body.len() as u64 > max {
            return fail(format!("GET {url}: the policy is over {max} bytes"));
        }
        let text = String::from_utf8(body).map_err(|_| Failure(format!("GET {url}: the policy is not UTF-8")))?;
        Ok((at, text))
    }

    /// GET a zone file: its status (200 or 404; others fail), the
    /// `Accord-Zone-Serial` it names, and its text.
    fn get_zone(&self, path: &str) -> Result<(u16, Option<u32>, String), Outcome> {
        let url = format!("{}{path}", self.base);
        let r = self.client.get(&url).send().map_err(|e| match cannot_reach(&self.base, &e) {
            Some(unreachable) => unreachable,
            None => anyhow::Error::new(e).context(format!("GET {url}")),
        })?;
        let status = r.status().as_u16();
        if status == 404 {
            return Ok((404, None, String::new()));
        }
        if status != 200 {
            return fail(format!("GET {url} answered {status}"));
        }
        let serial = r.headers().get("accord-zone-serial").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let max = Limit::Zone.bytes();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(r, max + 1), &mut body)
            .with_context(|| format!("GET {url}"))?;
        if body.len() as u64 > max {
            return fail(format!("GET {url}: the zone is over {max} bytes"));
        }
        let text = String::from_utf8(body).map_err(|_| crate::Failure(format!("GET {url}: the zone is not UTF-8")))?;
        Ok((200, serial, text))
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
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(args.timeout.max(1)))
            .build()
            .context("HTTP client")?,
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
    let mut replay = Replay {
        state: State::without_effects(),
        tree: MemoryTree::new(),
        signatures: 0,
        max_entries: args.max_entries,
        rotated: BTreeMap::new(),
        notes: Vec::new(),
        statements: BTreeMap::new(),
    };
    replay.extend(&http, args.jobs, size)?;

    // 4. The tree: the signed root, and every hash tile the node serves.
    if replay.tree.root_at(size) != cp.root {
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
                check_hash_tile(&replay.tree, tp, data, level)?;
            }
            pb.inc(chunk.len() as u64);
        }
        pb.finish_and_clear();
        level += 1;
    }

    // 5. The log key is the one genesis names.
    let Some(body) = replay.state.body().cloned() else {
        return fail("the log has no genesis entry");
    };
    if body.log_key != vkey {
        return fail(format!("genesis names log key {}, not the trusted {}", body.log_key, vkey));
    }

    // 5b. A quorum of the members' witnesses cosigned it, under the policy
    // in force at its size (the replay is at exactly that size).
    quorum(&replay.state, &cp_bytes)?;

    // 6. Consistency with what was verified before.
    if let Some(r) = &remembered {
        let old_root = Hash::from_base64(&r.root).ok_or_else(|| anyhow!("state file root is not base64"))?;
        if replay.tree.root_at(r.size) != old_root {
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

    // 7. What the node publishes agrees with the replay (this may replay
    // entries appended meanwhile: the checkpoint remembered is the last
    // one verified).
    let verified_size = size;
    let mut verified = Verified { cp, bytes: cp_bytes };
    let published = published::compare_published(&http, args.jobs, &vkey, &mut replay, &mut verified)?;
    let (cp, cp_bytes, size) = (verified.cp, verified.bytes, replay.state.size());
    let witnessed = quorum(&replay.state, &cp_bytes)?;
    let policy_said = compare_policy(&http, &replay.state, size)?;
    let (state, signatures) = (&replay.state, replay.signatures);

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
    println!("  proposals:   {}", proposal_summary(state));
    println!("  documents:   {}", document_summary(state));
    println!("  checkpoint:  size {size}, root {}", cp.root.to_base64());
    if size != verified_size {
        println!("  (the node appended entries {verified_size}..{size} during the audit; they were verified and replayed too)");
    }
    println!("  log key:     {log_key}{}", if tofu { " (trusted on first use, now pinned)" } else { "" });
    match &remembered {
        Some(r) => println!("  consistency: with the checkpoint of size {} verified before", r.size),
        None => println!("  consistency: first audit of this log; checkpoint remembered in {}", state_path.display()),
    }
    println!("  witnesses:   {witnessed}");
    println!("  policy:      {policy_said}");
    println!("  published:   {published}");
    if let Some(other) = &args.compare {
        let said = fork::compare(&http, other, &args.evidence, &vkey, &replay.tree, &cp, &cp_bytes, args.timeout)?;
        println!("  compared:    {said}");
    }
    println!("  took:        {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Checks that the signed checkpoint `bytes` carries a quorum of valid
/// cosignatures under the witness policy of `state` (the state after
/// exactly the checkpoint's entries). Says who cosigned, in words.
fn quorum(state: &State, bytes: &[u8]) -> Result<String, Outcome> {
    let policy = state.witness_policy();
    let note = accord_log::Note::parse(bytes).map_err(|e| Failure(format!("the checkpoint note: {e}")))?;
    let v = policy.verify(&note);
    let who: Vec<&str> = v.cosigned.keys().map(String::as_str).collect();
    let counted = policy.groups.iter().find(|g| g.name == accord_core::witness::COUNTED_GROUP);
    if !v.bad.is_empty() {
        eprintln!(
            "accord audit: bad cosignatures (not counted) on the checkpoint by: {}",
            v.bad.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    if !v.quorum {
        let need = counted.map_or("its quorum".to_string(), |g| {
            format!("{} of the {} counted witnesses{}", g.needed(), g.members.len(), groups_said(&policy))
        });
        return fail(format!(
            "the checkpoint is not trusted: it has valid cosignatures from {} witness{} ({}), and the witness policy \
             in force at its size needs {need}",
            who.len(),
            if who.len() == 1 { "" } else { "es" },
            if who.is_empty() { "none".to_string() } else { who.join(", ") },
        ));
    }
    Ok(match counted {
        None => format!(
            "none required by the policy ({} registered): trust rests on the log key alone",
            policy.witnesses.len()
        ),
        Some(g) => format!(
            "quorum met: {} cosigned ({}), {} of {} counted needed{}",
            who.len(),
            who.join(", "),
            g.needed(),
            g.members.len(),
            groups_said(&policy)
        ),
    })
}

fn groups_said(policy: &accord_log::policy::Policy) -> String {
    let gs: Vec<String> = policy
        .groups
        .iter()
        .filter(|g| !g.name.starts_with('_'))
        .map(|g| format!("{} of group {}", g.needed(), g.name))
        .collect();
    if gs.is_empty() {
        String::new()
    } else {
        format!(", and {}", gs.join(", "))
    }
}

/// `/log/policy` is the policy the replay has at the size it says it
/// holds at (compared only when that is the size audited).
fn compare_policy(http: &Http, state: &State, size: u64) -> Result<String, Outcome> {
    let (at, text) = http.get_policy()?;
    let want = state.witness_policy().to_text();
    match at {
        Some(n) if n == size => {
            if text != want {
                return fail(format!(
                    "/log/policy at size {size} is not the policy of the rules and registered witnesses:\n{text}\nthe replay \
                     has:\n{want}"
                ));
            }
            Ok(format!("/log/policy is the replay's, at size {size}"))
        }
        Some(n) => Ok(format!("/log/policy is at size {n}, not the {size} audited: not compared")),
        None => fail("/log/policy does not say the size it holds at (accord-policy-size)"),
    }
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

/// The replay so far: the state, the tree and how many signatures were
/// verified.
struct Replay {
    state: State,
    tree: MemoryTree,
    signatures: u64,
    /// The most entries this audit takes on (`--max-entries`).
    max_entries: u64,
    /// The index of each member's last accepted key rotation.
    rotated: BTreeMap<MemberId, u64>,
    /// Every published note: (index, member, entry time, text).
    notes: Vec<(u64, MemberId, String, String)>,
    /// Every accepted statement of each member: (index, seq, type).
    statements: BTreeMap<MemberId, Vec<(u64, u64, &'static str)>>,
}

impl Replay {
    /// Downloads the entries from the replay's size up to `to`, hashes them
    /// into the tree, applies them and verifies every signature with the
    /// key the replay says was current. Entries already replayed that a
    /// (now fuller) bundle holds again must not have changed.
    fn extend(&mut self, http: &Http, jobs: usize, to: u64) -> Result<(), Outcome> {
        if to > self.max_entries {
            return fail(format!(
                "the node's checkpoint claims {to} entries, more than --max-entries {}; raise it to audit a log that \
                 large",
                self.max_entries
            ));
        }
        let from = self.tree.size();
        let pb = bar(to.saturating_sub(from), "entries");
        let bundles: Vec<TilePath> = tiles_for_size(TileKind::Entries, to)
            .into_iter()
            .filter(|tp| tp.index * 256 + u64::from(tp.width) > from)
            .collect();
        for chunk in bundles.chunks(64) {
            let paths: Vec<String> = chunk.iter().map(|t| format!("/log/{t}")).collect();
            let datas = http.get_all(&paths, jobs)?;
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
                    let leaf = Hash::leaf(bytes);
                    if index < from {
                        if self.tree.level(0).get(index as usize) != Some(&leaf) {
                            return fail(format!("{tp}: entry {index} differs from the one verified earlier"));
                        }
                        continue;
                    }
                    self.tree.push(leaf);
                    let entry = match Entry::parse(bytes) {
                        Ok(e) => e,
                        Err(r) => return fail(format!("entry {index} is malformed: {r}")),
                    };
                    match self.state.apply(&entry, SigCheck::Deferred) {
                        Ok(applied) => {
                            let st = &entry.statement.statement;
                            self.statements.entry(st.member.clone()).or_default().push((
                                index,
                                st.seq.0,
                                st.act.type_name(),
                            ));
                            match &st.act {
                                accord_core::Act::KeyRotate(_) => {
                                    self.rotated.insert(st.member.clone(), index);
                                }
                                accord_core::Act::NotePublish(n) => self.notes.push((
                                    index,
                                    st.member.clone(),
                                    entry.time.to_millis_string(),
                                    n.text.clone(),
                                )),
                                _ => {}
                            }
                            to_verify.push((index, applied.signer, entry))
                        }
                        Err(r) => return fail(format!("entry {index} breaks the rules: {r}")),
                    }
                }
            }
            // Each signature checked alone by the strict rule, chunks spread
            // over every core; the first bad entry is named.
            let items: Vec<(&accord_log::Note, &VerifierKey)> =
                to_verify.iter().map(|(_, k, e)| (&e.statement.note, k.as_ref())).collect();
            let verdicts: Vec<bool> = items
                .par_chunks(64)
                .flat_map_iter(|c| accord_log::verify_many(c).into_iter().map(|r| r.is_ok()))
                .collect();
            let bad = to_verify.iter().zip(&verdicts).find(|(_, ok)| !**ok).map(|(t, _)| t);
            if let Some((index, k, _)) = bad {
                return fail(format!(
                    "entry {index}: the signature does not verify with {k}, the member's key at that point"
                ));
            }
            self.signatures += to_verify.len() as u64;
            pb.inc(to_verify.len() as u64);
        }
        pb.finish_and_clear();
        Ok(())
    }
}

/// The newest checkpoint verified, as parsed and as served.
struct Verified {
    cp: Checkpoint,
    bytes: Vec<u8>,
}

/// `1 (ICCIS: 3 versions, latest Rev.2)`.
fn document_summary(state: &State) -> String {
    let docs: Vec<String> = state
        .code()
        .documents()
        .map(|d| {
            let latest = d.latest().map_or(String::new(), |v| format!(", latest {}", v.label));
            format!("{}: {} version{}{latest}", d.id, d.versions.len(), if d.versions.len() == 1 { "" } else { "s" })
        })
        .collect();
    if docs.is_empty() {
        "0".to_string()
    } else {
        format!("{} ({})", docs.len(), docs.join("; "))
    }
}

/// `3 (1 adopted, 1 rejected, 1 open)`.
fn proposal_summary(state: &State) -> String {
    let mut by: BTreeMap<Status, usize> = BTreeMap::new();
    for p in state.decisions().iter() {
        *by.entry(p.record.status).or_default() += 1;
    }
    let parts: Vec<String> = by.iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        format!("{} ({})", state.decisions().len(), parts.join(", "))
    }
}

/// Entry points for the fuzz targets (`fuzz/fuzz_targets/audit_answers.rs`):
/// the comparisons of what a node serves with a replay, fed any JSON. They
/// must fail cleanly, never panic. Not an API.
#[doc(hidden)]
pub mod fuzzing {
    use accord_core::State;

    /// The first page of the proposal list against `state`.
    pub fn proposal_list(answer: &serde_json::Value, state: &State) -> bool {
        super::published::compare_first_page(answer, state).is_ok()
    }

    /// A proposal's record against `state`.
    pub fn proposal_record(id: &str, answer: &serde_json::Value, state: &State) -> bool {
        super::published::compare_proposal_record(id, answer, state).is_ok()
    }

    /// The member list against `state` (no key rotations, no notes).
    pub fn members(answer: &serde_json::Value, state: &State) -> bool {
        let replay = super::Replay {
            state: state.clone(),
            tree: accord_log::merkle::MemoryTree::new(),
            signatures: 0,
            max_entries: 0,
            rotated: Default::default(),
            notes: Vec::new(),
            statements: Default::default(),
        };
        super::published::compare_members(answer, &replay).is_ok()
    }

    /// The hash of a version as served.
    pub fn version_hash(answer: &serde_json::Value) -> String {
        super::published::hash_of_served(answer)
    }
}
