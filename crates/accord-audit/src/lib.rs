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
//! suspension, last seq), the rules in force, every proposal's whole record
//! with every vote and explanation, every note, and every version of every
//! document whole, its hash computed from the text served.
//!
//! A hostile node cannot crash it: every answer is read up to what its kind
//! can be, `--max-entries` bounds the log it takes on, `--timeout` every
//! request. Exit codes: 0 audited, 1 the node is not what it claims, 2 the
//! audit could not be carried out, 3 the published state could not be
//! compared (never a pass).

#![forbid(unsafe_code)]

pub mod progress;

use accord_core::acts::decision::Question;
use accord_core::decisions::{tally, Proposal, Status, Tally};
use accord_core::{Entry, MemberId, SigCheck, State};
use accord_log::merkle::{verify_consistency, MemoryTree};
use accord_log::tile::{decode_bundle, tiles_for_size, TileKind, TilePath};
use accord_log::{Checkpoint, Hash, VerifierKey};
use anyhow::{anyhow, Context};
use progress::bar;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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
}

impl Limit {
    fn bytes(self) -> u64 {
        match self {
            Limit::Checkpoint => 64 * 1024,
            Limit::HashTile => 256 * 32,
            Limit::Bundle => 256 * (2 + 65_535),
            Limit::Json => 256 << 20,
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

struct Http {
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
        let r = self.client.get(&url).send().with_context(|| format!("GET {url}"))?;
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
    let published = compare_published(&http, args.jobs, &vkey, &mut replay, &mut verified)?;
    let (cp, cp_bytes, size) = (verified.cp, verified.bytes, replay.state.size());
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
            // Ed25519 batch verification over chunks, on every core; a failing
            // chunk is re-checked one by one, so the first bad entry is exact.
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

/// How long the auditor waits for a checkpoint that covers the log size a
/// response reflects (the node signs one within milliseconds of a commit).
const COVER_WAIT: Duration = Duration::from_secs(20);

/// A JSON answer of the read API with the log size it reflects
/// (`Accord-Log-Size`).
fn fetch_at(http: &Http, path: &str) -> Result<(u64, serde_json::Value), Outcome> {
    let (size, body) = http.get_sized(path)?;
    let v = serde_json::from_slice(&body).map_err(|e| Failure(format!("{path} is not JSON: {e}")))?;
    Ok((size, v))
}

/// Brings the replay to exactly `size`, the log size an answer reflects:
/// waits for a signed checkpoint that covers it, then replays the entries
/// up to it (their root is checked against that checkpoint at the end).
fn reach(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    newest: &mut Verified,
    size: u64,
) -> Result<(), Outcome> {
    let at = replay.state.size();
    if size < at {
        return fail(format!("the node answered at log size {size} after answering at {at}: its state went back"));
    }
    let started = Instant::now();
    while newest.cp.size < size {
        let bytes = http.get("/log/checkpoint")?;
        let cp = match Checkpoint::open(&bytes, vkey) {
            Ok((cp, _)) => cp,
            Err(e) => return fail(format!("the checkpoint does not verify against the log key: {e}")),
        };
        if cp.size < newest.cp.size {
            return fail(format!(
                "rollback: the node now shows size {} but size {} was verified",
                cp.size, newest.cp.size
            ));
        }
        *newest = Verified { cp, bytes };
        if newest.cp.size >= size {
            break;
        }
        if started.elapsed() > COVER_WAIT {
            return Err(Outcome::NotCompared(format!(
                "the node answered at log size {size}, but no checkpoint covers it after {} s (latest: {})",
                COVER_WAIT.as_secs(),
                newest.cp.size
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    replay.extend(http, jobs, size)
}

/// Compares everything the read API publishes with the replay, each answer
/// at exactly the log size it says it reflects (`Accord-Log-Size`), so a
/// node that keeps appending is compared as surely as an idle one. Then
/// replays to the newest checkpoint seen and checks its signed root.
fn compare_published(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    verified: &mut Verified,
) -> Result<String, Outcome> {
    let mut said = Vec::new();
    let mut newest = Verified { cp: verified.cp.clone(), bytes: verified.bytes.clone() };

    let (n, members) = fetch_at(http, "/api/v1/members")?;
    reach(http, jobs, vkey, replay, &mut newest, n)?;
    said.push(compare_members(&members, replay)?);

    let (n, body) = fetch_at(http, "/api/v1/body")?;
    reach(http, jobs, vkey, replay, &mut newest, n)?;
    let rules = serde_json::to_value(replay.state.rules()).context("rules")?;
    if body["rules"] != rules {
        return fail(format!("the node publishes rules {}, the replay has {rules}", body["rules"]));
    }
    said.push("the rules in force".to_string());

    // The list, page by page, each page at its own size; then every
    // proposal of the replay (at the last page's size) must have been listed.
    let mut ids: Vec<String> = Vec::new();
    let mut after: Option<u64> = None;
    loop {
        let path = match after {
            Some(a) => format!("/api/v1/proposals?limit=1000&after={a}"),
            None => "/api/v1/proposals?limit=1000".to_string(),
        };
        let (n, page) = fetch_at(http, &path)?;
        reach(http, jobs, vkey, replay, &mut newest, n)?;
        ids.extend(compare_proposals(&page, &replay.state)?);
        match page.get("next") {
            None => break,
            Some(next) => match next.as_u64() {
                Some(c) if after.is_none_or(|a| c > a) => after = Some(c),
                _ => return fail(format!("{path}: the next cursor {next} does not move forward")),
            },
        }
    }
    let listed: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    if listed.len() != ids.len() {
        return fail("the node lists a proposal twice");
    }
    if let Some(p) = replay.state.decisions().iter().find(|p| !listed.contains(p.record.id.as_str())) {
        return fail(format!("the node does not list proposal {}", p.record.id));
    }
    said.push(format!("{} proposals listed with their status and tally", ids.len()));
    for id in &ids {
        let (n, detail) = fetch_at(http, &format!("/api/v1/proposals/{id}"))?;
        reach(http, jobs, vkey, replay, &mut newest, n)?;
        compare_proposal_record(id, &detail, &replay.state)?;
    }
    said.push(format!("{} proposal records with every vote, explanation and entry", ids.len()));

    said.push(compare_member_lists(http, jobs, vkey, replay, &mut newest)?);
    said.push(compare_notes(http, jobs, vkey, replay, &mut newest)?);
    said.push(compare_code(http, jobs, vkey, replay, &mut newest)?);

    // The newest checkpoint seen covers every size compared: its signed
    // root must be the root of what was replayed.
    replay.extend(http, jobs, newest.cp.size)?;
    if replay.tree.root_at(newest.cp.size) != newest.cp.root {
        return fail(format!("the entries do not hash to the checkpoint's root at size {}", newest.cp.size));
    }
    *verified = newest;
    Ok(said.join("; "))
}

/// One field that differs, named.
fn differs(what: &str, field: &str, got: &serde_json::Value, want: &serde_json::Value) -> Result<(), Outcome> {
    if got == want {
        return Ok(());
    }
    let show = |v: &serde_json::Value| if v.is_null() { "nothing".to_string() } else { v.to_string() };
    let (g, w) = (show(got), show(want));
    let cut = |s: String| if s.chars().count() > 300 { s.chars().take(300).collect::<String>() + "…" } else { s };
    fail(format!("{what}: the node publishes {field} {}, the replay says {}", cut(g), cut(w)))
}

/// Every field of a proposal's published record against the replay's:
/// texts, status, tally, every recorded vote with its explanation,
/// objections, dissociations, co-sponsors, amendments, the action and its
/// result, and every entry involved.
fn compare_proposal_record(id: &str, got: &serde_json::Value, state: &State) -> Result<(), Outcome> {
    let what = format!("proposal {id}");
    let Some(p) = state.decisions().get(id) else {
        return fail(format!("the node publishes proposal {id}, which the log does not hold"));
    };
    let mut want = serde_json::to_value(&p.record).context("record")?;
    let mut votes: Vec<(&MemberId, &accord_core::decisions::VoteRecord)> = p.votes.iter().collect();
    votes.sort_by_key(|(_, v)| v.index);
    let votes: Vec<serde_json::Value> = votes
        .iter()
        .map(|(m, v)| {
            let mut o = serde_json::json!({ "member": m.as_str(), "vote": v.vote, "index": v.index.0 });
            if let Some(e) = &v.explanation {
                o["explanation"] = serde_json::json!(e);
            }
            o
        })
        .collect();
    let mut entries: BTreeSet<u64> = p.record.entries.iter().map(|i| i.0).collect();
    entries.extend(p.votes.values().map(|v| v.index.0));
    want["tally"] = serde_json::to_value(expected_tally(p, state)).context("tally")?;
    want["votes"] = serde_json::json!(votes);
    want["entries"] = serde_json::json!(entries);
    same_object(&what, got, &want)
}

/// Every field of `want` is in `got` with the same value, and `got` has
/// no other: the first difference, named.
fn same_object(what: &str, got: &serde_json::Value, want: &serde_json::Value) -> Result<(), Outcome> {
    let (Some(g), Some(w)) = (got.as_object(), want.as_object()) else {
        return fail(format!("{what}: the node's answer is not an object"));
    };
    for (k, wv) in w {
        differs(what, k, g.get(k).unwrap_or(&serde_json::Value::Null), wv)?;
    }
    if let Some(k) = g.keys().find(|k| !w.contains_key(*k)) {
        return fail(format!("{what}: the node publishes a field {k} the replay does not have"));
    }
    Ok(())
}

/// Most items the auditor asks for in one page of a newest-first list.
const PAGE: usize = 500;

/// Pages through a newest-first list of the read API (`path?limit=500`,
/// then `&before=` the last index seen), each page at its own log size:
/// `want` says what the replay holds below `before` (`PAGE` at most), and
/// each page must be exactly that. Returns how many items were listed.
#[allow(clippy::too_many_arguments)]
fn compare_pages(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    newest: &mut Verified,
    (path, key, what): (&str, &str, &str),
    want: impl Fn(&Replay, Option<u64>) -> Vec<serde_json::Value>,
) -> Result<usize, Outcome> {
    let mut before: Option<u64> = None;
    let mut count = 0;
    loop {
        let page_path = match before {
            Some(b) => format!("{path}?limit={PAGE}&before={b}"),
            None => format!("{path}?limit={PAGE}"),
        };
        let (n, page) = fetch_at(http, &page_path)?;
        reach(http, jobs, vkey, replay, newest, n)?;
        let got = page[key].as_array().cloned().unwrap_or_default();
        let expected = want(replay, before);
        differs(what, &format!("{key} (page {page_path}):"), &serde_json::json!(got), &serde_json::json!(expected))?;
        count += got.len();
        match got.last().and_then(|x| x["index"].as_u64()) {
            Some(last) if got.len() == PAGE => before = Some(last),
            _ => return Ok(count),
        }
    }
}

/// Each member's recorded votes and accepted statements, page by page,
/// each page at its own log size: what the member's portal page shows.
fn compare_member_lists(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    newest: &mut Verified,
) -> Result<String, Outcome> {
    let ids: Vec<MemberId> = replay.state.actors().map(|a| a.id.clone()).collect();
    let (mut votes, mut statements) = (0, 0);
    for id in &ids {
        let (path, what) = (format!("/api/v1/members/{id}/votes"), format!("member {id}"));
        votes += compare_pages(http, jobs, vkey, replay, newest, (&path, "votes", &what), |r, before| {
            let mut all: Vec<(&str, &accord_core::decisions::VoteRecord)> = r
                .state
                .decisions()
                .iter()
                .filter_map(|p| p.votes.get(id).map(|v| (p.record.id.as_str(), v)))
                .filter(|(_, v)| before.is_none_or(|b| v.index.0 < b))
                .collect();
            all.sort_by_key(|(_, v)| std::cmp::Reverse(v.index));
            all.into_iter()
                .take(PAGE)
                .map(|(proposal, v)| {
                    let mut o = serde_json::json!({ "proposal": proposal, "member": id.as_str(),
                                                    "vote": v.vote, "index": v.index.0 });
                    if let Some(e) = &v.explanation {
                        o["explanation"] = serde_json::json!(e);
                    }
                    o
                })
                .collect()
        })?;
        let path = format!("/api/v1/members/{id}/statements");
        statements += compare_pages(http, jobs, vkey, replay, newest, (&path, "statements", &what), |r, before| {
            r.statements
                .get(id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .rev()
                .filter(|(i, ..)| before.is_none_or(|b| *i < b))
                .take(PAGE)
                .map(|(i, seq, kind)| serde_json::json!({ "index": i, "seq": seq, "type": kind }))
                .collect()
        })?;
    }
    Ok(format!("each member's {votes} votes and {statements} statements"))
}

/// Every note, page by page (each page at its own log size).
fn compare_notes(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    newest: &mut Verified,
) -> Result<String, Outcome> {
    let count = compare_pages(http, jobs, vkey, replay, newest, ("/api/v1/notes", "notes", "notes"), |r, before| {
        r.notes
            .iter()
            .rev()
            .filter(|(i, ..)| before.is_none_or(|b| *i < b))
            .take(PAGE)
            .map(|(i, m, t, text)| serde_json::json!({ "index": i, "member": m.as_str(), "time": t, "text": text }))
            .collect()
    })?;
    Ok(format!("{count} notes"))
}

/// The member list, whole: every field of every member and the
/// secretariat against the replay.
fn compare_members(v: &serde_json::Value, replay: &Replay) -> Result<String, Outcome> {
    let state = &replay.state;
    let rows = v["members"].as_array().cloned().unwrap_or_default();
    let mut n = 0;
    for a in state.actors() {
        let Some(row) = rows.iter().find(|r| r["id"] == a.id.as_str()) else {
            return fail(format!("the node does not publish member {}", a.id));
        };
        let what = format!("member {}", a.id);
        let key_since = replay.rotated.get(&a.id).copied().unwrap_or(a.since.0);
        differs(&what, "name", &row["name"], &a.name.as_str().into())?;
        differs(&what, "vkey", &row["vkey"], &a.key.to_vkey().into())?;
        differs(&what, "last_seq", &row["last_seq"], &a.last_seq.0.into())?;
        differs(&what, "since", &row["since"], &a.since.0.into())?;
        differs(&what, "key_since", &row["key_since"], &key_since.into())?;
        differs(&what, "suspended", &row["suspended"], &a.suspended.into())?;
        n += 1;
    }
    if rows.len() != n {
        return fail(format!("the node publishes {} members, the log has {n}", rows.len()));
    }
    Ok(format!(
        "{} members and the secretariat: names, keys, admission, key changes, suspension, sequence numbers",
        n - 1
    ))
}

/// The count the node must publish for a proposal: the final tally if the
/// ballot closed with one; otherwise the live count of the votes of the
/// members entitled to vote now (member states not suspended).
fn expected_tally(p: &Proposal, state: &State) -> Tally {
    if let Some(t) = p.record.tally {
        return t;
    }
    let eligible: BTreeSet<&MemberId> = state.members().filter(|a| !a.suspended).map(|a| &a.id).collect();
    let rules = state.rules();
    let majority = match p.record.question {
        Question::Ordinary => rules.ordinary_majority,
        Question::Important => rules.important_majority,
    };
    tally(p.votes.iter().map(|(m, v)| (m, v.vote)), &eligible, majority, rules.quorum).0
}

/// Every proposal of a page of the list is in the replay, with the same
/// status, adopted_by and tally; returns the ids listed.
fn compare_proposals(v: &serde_json::Value, state: &State) -> Result<Vec<String>, Outcome> {
    let rows = v["proposals"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(id) = row["id"].as_str() else {
            return fail(format!("the node publishes a proposal without an id: {row}"));
        };
        let Some(p) = state.decisions().get(id) else {
            return fail(format!("the node publishes proposal {id}, which the log does not hold"));
        };
        let what = format!("proposal {id}");
        let r = &p.record;
        differs(&what, "status", &row["status"], &r.status.as_str().into())?;
        // Left out and null both say "not adopted".
        let want = r.adopted_by.map_or(serde_json::Value::Null, |a| serde_json::to_value(a).unwrap_or_default());
        differs(&what, "adopted_by", &row["adopted_by"], &want)?;
        let t = expected_tally(p, state);
        for (k, n) in [("yes", t.yes), ("no", t.no), ("abstain", t.abstain), ("not_voting", t.not_voting)] {
            differs(&what, &format!("tally.{k}"), &row["tally"][k], &n.into())?;
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

/// The fields of a version that its hash covers (`Version::hash`).
const VERSION_FIELDS: &[&str] = &["document", "number", "label", "articles", "adopted_at", "adopted_time", "proposal"];

/// The hash of a version as served: SHA-256 of the RFC 8785 form of its
/// hashed fields, computed from what the node serves, not from what it says.
fn hash_of_served(v: &serde_json::Value) -> String {
    let mut m = serde_json::Map::new();
    for f in VERSION_FIELDS {
        if let Some(x) = v.get(*f) {
            m.insert((*f).to_string(), x.clone());
        }
    }
    accord_core::statement::canonical_sha256(&serde_json::Value::Object(m))
}

/// The Code: the document list, every document's versions, and every
/// version whole (articles, texts in every language, norm links, label,
/// adoption, subscribers), each answer at its own log size; each version's
/// hash is computed from the text served, and must be the hash the node
/// states and the hash of the replay's version.
fn compare_code(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    newest: &mut Verified,
) -> Result<String, Outcome> {
    let (n, list) = fetch_at(http, "/api/v1/documents")?;
    reach(http, jobs, vkey, replay, newest, n)?;
    let code = replay.state.code();
    let rows = list["documents"].as_array().cloned().unwrap_or_default();
    let mut listed: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for row in rows {
        let Some(id) = row["id"].as_str().map(str::to_string) else {
            return fail(format!("the node publishes a document without an id: {row}"));
        };
        if code.document(&id).is_none() {
            return fail(format!("the node publishes document {id}, which the log does not hold"));
        }
        if listed.insert(id.clone(), row).is_some() {
            return fail(format!("the node publishes document {id} twice"));
        }
    }
    let mut wanted: Vec<(String, u32)> = Vec::new();
    for d in code.documents() {
        let Some(row) = listed.get(&d.id) else {
            return fail(format!("the node does not publish document {}", d.id));
        };
        let what = format!("document {}", d.id);
        differs(&what, "title", &row["title"], &serde_json::to_value(&d.title).context("title")?)?;
        let numbers: Vec<u32> = d.versions.iter().map(|v| v.number).collect();
        differs(&what, "versions", &row["versions"], &serde_json::json!(numbers))?;
        wanted.extend(numbers.iter().map(|n| (d.id.clone(), *n)));
    }
    for (doc, number) in &wanted {
        let (n, got) = fetch_at(http, &format!("/api/v1/documents/{doc}/versions/{number}"))?;
        reach(http, jobs, vkey, replay, newest, n)?;
        let code = replay.state.code();
        let what = format!("document {doc} version {number}");
        let Some(v) = code.document(doc).and_then(|d| d.version(*number)) else {
            return fail(format!("{what}: the replay no longer has it"));
        };
        let served = hash_of_served(&got);
        if got["hash"] != served.as_str() {
            return fail(format!(
                "{what}: the node states hash {}, but the text it serves hashes to {served}",
                got["hash"]
            ));
        }
        // Each addendum's stated hash is the hash of what is served of it.
        for a in got["addenda"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let mut fields = a.clone();
            if let Some(o) = fields.as_object_mut() {
                o.remove("hash");
            }
            let computed = accord_core::statement::canonical_sha256(&fields);
            if a["hash"] != computed.as_str() {
                return fail(format!(
                    "{what}: the node states hash {} for addendum {}, but what it serves hashes to {computed}",
                    a["hash"], a["number"]
                ));
            }
        }
        let mut want = serde_json::to_value(v).context("version")?;
        if let Some(list) = want.get_mut("addenda").and_then(serde_json::Value::as_array_mut) {
            for (a, w) in v.addenda.iter().zip(list) {
                w["hash"] = serde_json::json!(a.hash());
            }
        }
        let subscribers: Vec<serde_json::Value> = code
            .subscriptions(doc)
            .filter(|s| s.version == *number)
            .map(
                |s| serde_json::json!({ "member": s.member.as_str(), "index": s.index.0, "time": s.time.to_rfc3339() }),
            )
            .collect();
        let langs: Vec<String> = v.official_languages().iter().map(|l| l.as_str().to_string()).collect();
        want["official_languages"] = serde_json::json!(langs);
        want["hash"] = serde_json::json!(v.hash());
        want["subscribers"] = serde_json::json!(subscribers);
        same_object(&what, &got, &want)?;
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    Ok(format!(
        "{} and {} whole, each hash computed from the text served",
        plural(listed.len(), "document"),
        plural(wanted.len(), "version")
    ))
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

    /// A page of the proposal list against `state`.
    pub fn proposal_list(answer: &serde_json::Value, state: &State) -> bool {
        super::compare_proposals(answer, state).is_ok()
    }

    /// A proposal's record against `state`.
    pub fn proposal_record(id: &str, answer: &serde_json::Value, state: &State) -> bool {
        super::compare_proposal_record(id, answer, state).is_ok()
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
        super::compare_members(answer, &replay).is_ok()
    }

    /// The hash of a version as served.
    pub fn version_hash(answer: &serde_json::Value) -> String {
        super::hash_of_served(answer)
    }
}
