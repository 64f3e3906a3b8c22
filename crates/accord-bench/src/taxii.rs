//! `accord-bench taxii`: TAXII 2.1 servers side by side, with the same data
//! in the same run. For each size N, a fresh server of each kind gets N
//! deterministic STIX 2.1 indicators in envelopes, then is read back:
//!
//! * `ingest`: POST `objects/` in envelopes of `--envelope` from
//!   `--clients` concurrent posters; a status that is not `complete` is
//!   polled (`GET status/{id}/`) until it is, and that wait is counted.
//! * `first_page` / `first_page_nolimit`: `GET objects/?limit=100` and
//!   `GET objects/`, each `--reads` times (p50, p99, max).
//! * `full_read`: `GET objects/?limit=L` and then `&next=…` while `more`,
//!   checking that every id ingested comes back exactly once.
//! * `manifest_first_page` / `manifest_full`: the same on `manifest/`.
//!
//! Every phase has a deadline (`--peer-time-limit-s` for the peer,
//! `--accord-time-limit-s` for Accord). A phase past it is stopped and
//! reported as where it stopped; since the server may still be working on
//! the request that was abandoned, it is then restarted and filled again
//! (untimed) before the next phase.
//!
//! The driver speaks plain TAXII 2.1 over HTTP to any [`Target`]; the peer
//! is medallion (`bench/peer/taxii/medallion.sh`). Figures go to stdout as
//! one `key=value` line per (server, size, phase), the table and the
//! Accord/medallion ratios to stderr.

use accord::progress::bar;
use accord_stix::tlp::TLP2;
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The media type of every TAXII 2.1 request and response here.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// The TLP:CLEAR and TLP:GREEN marking definitions of TLP 2.0 (the OASIS
/// TLP 2.0 extension's fixed ids, as `accord-stix` lists them).
const TLP_CLEAR: &str = TLP2[0].0;
const TLP_GREEN: &str = TLP2[1].0;

/// The first page's `limit`.
const FIRST_PAGE_LIMIT: usize = 100;

/// The peer's API root and collection (passed to medallion.sh).
const PEER_API_ROOT: &str = "trustgroup1";
const PEER_COLLECTION: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

/// Which TLP 2.0 marking the generated indicators carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TlpMix {
    /// Every indicator TLP:CLEAR.
    Clear,
    /// Every indicator TLP:GREEN.
    Green,
    /// Even-numbered indicators TLP:CLEAR, odd-numbered TLP:GREEN.
    Alternate,
}

impl TlpMix {
    fn marking(self, i: u64) -> &'static str {
        match self {
            TlpMix::Clear => TLP_CLEAR,
            TlpMix::Green => TLP_GREEN,
            TlpMix::Alternate if i.is_multiple_of(2) => TLP_CLEAR,
            TlpMix::Alternate => TLP_GREEN,
        }
    }
}

/// What `accord-bench taxii` was asked for.
pub(super) struct TaxiiShape {
    pub sizes: Vec<usize>,
    pub envelope: usize,
    pub peer_time_limit_s: u64,
    pub accord_time_limit_s: u64,
    pub clients: usize,
    pub reads: usize,
    pub page_limit: usize,
    pub tlp: TlpMix,
    pub seed: u64,
    pub only_peer: bool,
}

/// A TAXII 2.1 server as the driver sees it.
#[derive(Clone, Debug)]
pub struct Target {
    /// `accord` or `medallion`: the `server=` of every figure.
    pub name: String,
    /// Scheme, host and port, e.g. `http://127.0.0.1:5000` (loopback only).
    pub base: String,
    /// The API root's path, e.g. `/trustgroup1/`.
    pub api_root: String,
    /// The collection's id.
    pub collection: String,
    pub user: String,
    pub password: String,
}

impl Target {
    fn api_root_url(&self) -> String {
        format!("{}/{}/", self.base.trim_end_matches('/'), self.api_root.trim_matches('/'))
    }

    fn collection_url(&self, tail: &str) -> String {
        format!("{}collections/{}/{tail}", self.api_root_url(), self.collection)
    }

    fn status_url(&self, id: &str) -> String {
        format!("{}status/{id}/", self.api_root_url())
    }
}

/// The benchmark's data for one size: every indicator's id in order, and
/// the envelopes as posted (object count, JSON body).
#[derive(Clone)]
struct Dataset {
    ids: Vec<String>,
    envelopes: Vec<(u64, Vec<u8>)>,
}

/// A UUID v4 (RFC 9562 version and variant bits) drawn from `seed` and `i`
/// by SplitMix64, so that the same seed gives the same ids on every server
/// and in every run.
fn uuid_v4(seed: u64, i: u64) -> String {
    const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let base = mix(seed.wrapping_add(GOLDEN));
    let hi = mix(base.wrapping_add(GOLDEN.wrapping_mul(2 * i + 1)));
    let lo = mix(base.wrapping_add(GOLDEN.wrapping_mul(2 * i + 2)));
    let hi = (hi & !0xf000) | 0x4000; // version 4
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // variant 10
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// Indicator number `i`: valid STIX 2.1, its times one millisecond apart
/// from 2026-01-01T00:00:00.000Z, its pattern one address of 10.0.0.0/8.
fn indicator(seed: u64, i: u64, tlp: TlpMix) -> Result<serde_json::Value> {
    const BASE_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    let t = chrono::DateTime::from_timestamp_millis(BASE_MS + i as i64)
        .ok_or_else(|| anyhow!("indicator {i}: time out of range"))?
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let ip = format!("10.{}.{}.{}", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    Ok(serde_json::json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--{}", uuid_v4(seed, i)),
        "created": t,
        "modified": t,
        "name": format!("accord-bench indicator {i}"),
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '{ip}']"),
        "pattern_type": "stix",
        "valid_from": t,
        "object_marking_refs": [tlp.marking(i)],
    }))
}

fn dataset(size: usize, envelope: usize, seed: u64, tlp: TlpMix) -> Result<Dataset> {
    let mut ids = Vec::with_capacity(size);
    let mut envelopes = Vec::with_capacity(size.div_ceil(envelope));
    let mut objects = Vec::with_capacity(envelope);
    for i in 0..size as u64 {
        let o = indicator(seed, i, tlp)?;
        ids.push(o["id"].as_str().unwrap_or_default().to_string());
        objects.push(o);
        if objects.len() == envelope || i + 1 == size as u64 {
            let n = objects.len() as u64;
            let body = serde_json::to_vec(&serde_json::json!({ "objects": std::mem::take(&mut objects) }))?;
            envelopes.push((n, body));
        }
    }
    Ok(Dataset { ids, envelopes })
}

// --- the TAXII client ---------------------------------------------------------

/// A TAXII 2.1 status resource, as far as the driver reads it.
#[derive(Deserialize)]
struct Status {
    id: String,
    status: String,
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    success_count: u64,
    #[serde(default)]
    failure_count: u64,
    #[serde(default)]
    failures: Vec<StatusDetail>,
}

#[derive(Deserialize)]
struct StatusDetail {
    id: String,
    #[serde(default)]
    message: Option<String>,
}

/// An envelope (objects) or a manifest resource: only what paging needs.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    more: bool,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    objects: Vec<IdOnly>,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Clone)]
struct Taxii {
    http: reqwest::Client,
    target: Target,
}

impl Taxii {
    fn new(target: &Target, clients: usize) -> Result<Taxii> {
        check_loopback(&target.base)?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(clients.max(1))
            .build()?;
        Ok(Taxii { http, target: target.clone() })
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(&self.target.user, Some(&self.target.password))
            .header(reqwest::header::ACCEPT, TAXII_MEDIA_TYPE)
    }

    /// GETs `url` with `query`: the body once complete, and the time from
    /// sending to the last byte in ms.
    async fn get(&self, url: &str, query: &[(&str, &str)]) -> Result<(Vec<u8>, f64)> {
        let t0 = Instant::now();
        let resp = self.request(reqwest::Method::GET, url).query(query).send().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() {
            bail!("GET {url} {query:?}: {status}: {}", snippet(&body));
        }
        Ok((body.to_vec(), ms))
    }

    /// POSTs one envelope; returns its status once `complete` (polling
    /// `status/{id}/` until then) and how many polls that took.
    async fn post_envelope(&self, body: Vec<u8>, deadline: Instant) -> Result<(Status, u64)> {
        let url = self.target.collection_url("objects/");
        let resp = self
            .request(reqwest::Method::POST, &url)
            .header(reqwest::header::CONTENT_TYPE, TAXII_MEDIA_TYPE)
            .body(body)
            .send()
            .await?;
        let code = resp.status();
        let bytes = resp.bytes().await?;
        if !code.is_success() {
            bail!("POST {url}: {code}: {}", snippet(&bytes));
        }
        let mut status: Status =
            serde_json::from_slice(&bytes).with_context(|| format!("POST {url}: not a status: {}", snippet(&bytes)))?;
        let mut polls = 0u64;
        let mut wait = Duration::from_millis(1);
        while status.status != "complete" {
            if Instant::now() >= deadline {
                bail!("status {} still {:?} at the deadline", status.id, status.status);
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_millis(50));
            let (b, _) = self.get(&self.target.status_url(&status.id), &[]).await?;
            status = serde_json::from_slice(&b).with_context(|| format!("status {}: {}", status.id, snippet(&b)))?;
            polls += 1;
        }
        Ok((status, polls))
    }

    /// Checks server discovery, the API root and the collection before
    /// anything is measured.
    async fn check(&self) -> Result<()> {
        let base = self.target.base.trim_end_matches('/');
        let (b, _) = self.get(&format!("{base}/taxii2/"), &[]).await.context("server discovery")?;
        let d: serde_json::Value = serde_json::from_slice(&b).context("server discovery: not JSON")?;
        let root = self.target.api_root_url();
        let path = format!("/{}/", self.target.api_root.trim_matches('/'));
        let listed = d["api_roots"].as_array().is_some_and(|a| {
            a.iter().filter_map(|v| v.as_str()).any(|u| u == root || u == path || u.ends_with(path.as_str()))
        });
        if !listed {
            bail!("server discovery does not list the API root {root}: {}", snippet(&b));
        }
        let (b, _) = self.get(&root, &[]).await.context("API root information")?;
        let info: serde_json::Value = serde_json::from_slice(&b).context("API root: not JSON")?;
        if !info["versions"].as_array().is_some_and(|v| v.iter().any(|x| x.as_str() == Some(TAXII_MEDIA_TYPE))) {
            bail!("the API root does not offer {TAXII_MEDIA_TYPE}: {}", snippet(&b));
        }
        let (b, _) = self.get(&self.target.collection_url(""), &[]).await.context("the collection")?;
        let c: serde_json::Value = serde_json::from_slice(&b).context("collection: not JSON")?;
        if c["can_read"] != serde_json::Value::Bool(true) || c["can_write"] != serde_json::Value::Bool(true) {
            bail!("the collection must be readable and writable by {}: {}", self.target.user, snippet(&b));
        }
        Ok(())
    }
}

fn snippet(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    let s = s.trim();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The benchmark sends traffic to loopback only.
fn check_loopback(base: &str) -> Result<()> {
    let rest = base.strip_prefix("http://").ok_or_else(|| anyhow!("{base}: only http:// on loopback"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        bail!("{base}: the TAXII benchmark talks to loopback addresses only");
    }
    Ok(())
}

// --- phases ----------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Ingest,
    FirstPage,
    FirstPageNoLimit,
    FullRead,
    ManifestFirstPage,
    ManifestFull,
}

impl Phase {
    const ALL: [Phase; 6] = [
        Phase::Ingest,
        Phase::FirstPage,
        Phase::FirstPageNoLimit,
        Phase::FullRead,
        Phase::ManifestFirstPage,
        Phase::ManifestFull,
    ];

    fn name(self) -> &'static str {
        match self {
            Phase::Ingest => "ingest",
            Phase::FirstPage => "first_page",
            Phase::FirstPageNoLimit => "first_page_nolimit",
            Phase::FullRead => "full_read",
            Phase::ManifestFirstPage => "manifest_first_page",
            Phase::ManifestFull => "manifest_full",
        }
    }

    /// Phases measured by objects/s; the others by latency.
    fn is_throughput(self) -> bool {
        matches!(self, Phase::Ingest | Phase::FullRead | Phase::ManifestFull)
    }
}

/// What was measured of one phase.
#[derive(Clone, Debug, Default)]
struct Figures {
    objects_per_sec: Option<f64>,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    wall_s: f64,
    /// Further `key=value` pairs for the machine line.
    extra: Vec<(&'static str, String)>,
    /// False when a check failed (a count or an id set that is not what
    /// was ingested): such a figure is shown but never put in a ratio.
    verified: bool,
}

#[derive(Clone, Debug)]
enum Outcome {
    Done(Figures),
    /// Past the deadline: after `after_s`, `done` of `of` `unit`s.
    Stopped {
        after_s: f64,
        done: u64,
        of: u64,
        unit: &'static str,
        partial: Figures,
    },
    Skipped(String),
    Failed(String),
}

#[derive(Clone, Debug)]
struct Row {
    server: String,
    size: usize,
    phase: Phase,
    outcome: Outcome,
}

/// What a phase has done so far, kept outside its future so that a phase
/// stopped at its deadline still says how far it got.
#[derive(Default)]
struct Progress {
    /// Objects confirmed (ingest) or received (reads).
    objects: AtomicU64,
    failed: AtomicU64,
    polls: AtomicU64,
    /// Completed requests (reads, pages, envelopes).
    requests: AtomicU64,
    latencies_ms: Mutex<Vec<f64>>,
    ids: Mutex<Vec<String>>,
    first_failure: Mutex<Option<String>>,
    /// When the last request completed, from the phase's start.
    last_done_s: Mutex<f64>,
    /// The last page's size and `more` (first-page phases).
    last_page: Mutex<Option<(usize, bool)>>,
}

impl Progress {
    fn record(&self, start: Instant, ms: f64) {
        if let Ok(mut l) = self.latencies_ms.lock() {
            l.push(ms);
        }
        if let Ok(mut t) = self.last_done_s.lock() {
            *t = start.elapsed().as_secs_f64();
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn latency_figures(&self) -> (f64, f64, f64) {
        let mut l = self.latencies_ms.lock().map(|l| l.clone()).unwrap_or_default();
        l.sort_by(f64::total_cmp);
        (super::percentile(&l, 0.5), super::percentile(&l, 0.99), l.last().copied().unwrap_or(f64::NAN))
    }
}

enum Bounded {
    Done(f64),
    Stopped(f64),
    Failed(f64, anyhow::Error),
}

/// Runs `phase` until it ends or `limit` has passed.
async fn bounded(limit: Duration, phase: impl Future<Output = Result<()>>) -> Bounded {
    let t0 = Instant::now();
    match tokio::time::timeout(limit, phase).await {
        Ok(Ok(())) => Bounded::Done(t0.elapsed().as_secs_f64()),
        Ok(Err(e)) => Bounded::Failed(t0.elapsed().as_secs_f64(), e),
        Err(_) => Bounded::Stopped(t0.elapsed().as_secs_f64()),
    }
}

/// POSTs every envelope with `clients` concurrent posters.
async fn ingest(taxii: &Taxii, envelopes: Vec<(u64, Vec<u8>)>, clients: usize, p: Arc<Progress>, deadline: Instant) {
    let total: u64 = envelopes.iter().map(|(n, _)| n).sum();
    let pb = bar(total, "ingest");
    let queue = Arc::new(Mutex::new(envelopes.into_iter()));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (taxii, queue, p, pb) = (taxii.clone(), queue.clone(), p.clone(), pb.clone());
        set.spawn(async move {
            // The lock is held only while the next envelope is taken.
            let next = || queue.lock().ok().and_then(|mut q| q.next());
            while let Some((n, body)) = next() {
                let t0 = Instant::now();
                match taxii.post_envelope(body, deadline).await {
                    Ok((status, polls)) => {
                        p.record(start, t0.elapsed().as_secs_f64() * 1000.0);
                        p.objects.fetch_add(status.success_count, Ordering::Relaxed);
                        p.failed.fetch_add(status.failure_count, Ordering::Relaxed);
                        p.polls.fetch_add(polls, Ordering::Relaxed);
                        pb.inc(status.success_count);
                        let odd = if status.total_count != n {
                            Some(format!("status {} counts {} objects of {n} posted", status.id, status.total_count))
                        } else {
                            status
                                .failures
                                .first()
                                .map(|f| format!("{}: {}", f.id, f.message.as_deref().unwrap_or("failed, no message")))
                        };
                        if let (Some(msg), Ok(mut first)) = (odd, p.first_failure.lock()) {
                            first.get_or_insert(msg);
                        }
                    }
                    Err(e) => {
                        p.failed.fetch_add(n, Ordering::Relaxed);
                        if let Ok(mut first) = p.first_failure.lock() {
                            first.get_or_insert(format!("{e:#}"));
                        }
                    }
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
    pb.finish_and_clear();
}

/// `reads` sequential GETs of a first page.
async fn first_pages(taxii: &Taxii, url: &str, limit: Option<usize>, reads: usize, p: &Progress) -> Result<()> {
    let start = Instant::now();
    let limit_text = limit.map(|l| l.to_string());
    let query: Vec<(&str, &str)> = limit_text.iter().map(|l| ("limit", l.as_str())).collect();
    for _ in 0..reads {
        let (body, ms) = taxii.get(url, &query).await?;
        let page: Page = serde_json::from_slice(&body).with_context(|| format!("GET {url}: {}", snippet(&body)))?;
        p.record(start, ms);
        p.objects.fetch_add(page.objects.len() as u64, Ordering::Relaxed);
        if let Ok(mut last) = p.last_page.lock() {
            *last = Some((page.objects.len(), page.more));
        }
    }
    Ok(())
}

/// Pages through `url` with `limit` by `next` while `more`.
async fn read_all(taxii: &Taxii, url: &str, limit: usize, expected: u64, p: &Progress) -> Result<()> {
    let pb = bar(expected, "read");
    let start = Instant::now();
    let limit = limit.to_string();
    let mut next: Option<String> = None;
    loop {
        let mut query = vec![("limit", limit.as_str())];
        if let Some(n) = &next {
            query.push(("next", n.as_str()));
        }
        let (body, ms) = taxii.get(url, &query).await?;
        let page: Page = serde_json::from_slice(&body).with_context(|| format!("GET {url}: {}", snippet(&body)))?;
        p.record(start, ms);
        let got = page.objects.len() as u64;
        p.objects.fetch_add(got, Ordering::Relaxed);
        pb.inc(got);
        if let Ok(mut ids) = p.ids.lock() {
            ids.extend(page.objects.into_iter().map(|o| o.id));
        }
        if !page.more {
            break;
        }
        match page.next {
            Some(n) if got > 0 => next = Some(n),
            Some(_) => bail!("GET {url}: an empty page that says more=true"),
            None => bail!("GET {url}: more=true without next (this driver pages by next only)"),
        }
        if p.requests.load(Ordering::Relaxed) > expected + 10 {
            bail!("GET {url}: more pages than objects; the server does not advance");
        }
    }
    pb.finish_and_clear();
    Ok(())
}

/// Every ingested id seen exactly once: `ok`, or what is wrong.
fn verify_ids(expected: &[String], seen: &[String]) -> (bool, String) {
    let mut count: HashMap<&str, u32> = expected.iter().map(|id| (id.as_str(), 0)).collect();
    let mut unexpected = 0u64;
    for id in seen {
        match count.get_mut(id.as_str()) {
            Some(c) => *c += 1,
            None => unexpected += 1,
        }
    }
    let missing = count.values().filter(|c| **c == 0).count();
    let repeated = count.values().filter(|c| **c > 1).count();
    if missing == 0 && repeated == 0 && unexpected == 0 {
        (true, "ok".into())
    } else {
        (false, format!("FAIL(missing={missing},repeated={repeated},unexpected={unexpected})"))
    }
}

/// Runs one phase against `taxii` and turns what it did into a row.
async fn run_phase(taxii: &Taxii, phase: Phase, data: &Dataset, shape: &TaxiiShape, limit: Duration) -> Outcome {
    let n = data.ids.len() as u64;
    let p = Arc::new(Progress::default());
    let deadline = Instant::now() + limit;
    let result = match phase {
        Phase::Ingest => {
            let envelopes = data.envelopes.clone();
            bounded(limit, async {
                ingest(taxii, envelopes, shape.clients, p.clone(), deadline).await;
                Ok(())
            })
            .await
        }
        Phase::FirstPage | Phase::FirstPageNoLimit | Phase::ManifestFirstPage => {
            let (tail, lim) = match phase {
                Phase::FirstPage => ("objects/", Some(FIRST_PAGE_LIMIT)),
                Phase::FirstPageNoLimit => ("objects/", None),
                _ => ("manifest/", Some(FIRST_PAGE_LIMIT)),
            };
            let url = taxii.target.collection_url(tail);
            bounded(limit, first_pages(taxii, &url, lim, shape.reads, &p)).await
        }
        Phase::FullRead | Phase::ManifestFull => {
            let tail = if phase == Phase::FullRead { "objects/" } else { "manifest/" };
            let url = taxii.target.collection_url(tail);
            bounded(limit, read_all(taxii, &url, shape.page_limit, n, &p)).await
        }
    };
    let objects = p.objects.load(Ordering::Relaxed);
    let requests = p.requests.load(Ordering::Relaxed);
    let (p50_ms, p99_ms, max_ms) = p.latency_figures();
    let last_done_s = p.last_done_s.lock().map(|t| *t).unwrap_or(f64::NAN);
    let mut f = Figures { p50_ms, p99_ms, max_ms, verified: true, ..Figures::default() };
    let latency_phase = !phase.is_throughput();
    match phase {
        Phase::Ingest => {
            let failed = p.failed.load(Ordering::Relaxed);
            f.wall_s = last_done_s;
            f.objects_per_sec = Some(objects as f64 / last_done_s);
            f.verified = objects == n && failed == 0;
            f.extra = vec![
                ("successes", objects.to_string()),
                ("failures", failed.to_string()),
                ("status_polls", p.polls.load(Ordering::Relaxed).to_string()),
                ("clients", shape.clients.to_string()),
                ("envelope", shape.envelope.to_string()),
            ];
            if let Some(first) = p.first_failure.lock().ok().and_then(|f| f.clone()) {
                f.extra.push(("first_failure", format!("{first:?}")));
            }
        }
        _ if latency_phase => {
            f.wall_s = last_done_s;
            let (page, more) = p.last_page.lock().ok().and_then(|l| *l).unwrap_or((0, false));
            f.extra =
                vec![("reads", requests.to_string()), ("page_objects", page.to_string()), ("more", more.to_string())];
            if phase != Phase::FirstPageNoLimit {
                let want = (n as usize).min(FIRST_PAGE_LIMIT);
                f.verified = requests == 0 || (page == want && more == (n as usize > want));
            }
        }
        _ => {
            f.wall_s = last_done_s;
            f.objects_per_sec = Some(objects as f64 / last_done_s);
            f.extra = vec![("pages", requests.to_string()), ("limit", shape.page_limit.to_string())];
            if let Bounded::Done(_) = result {
                let ids = p.ids.lock().map(|mut i| std::mem::take(&mut *i)).unwrap_or_default();
                let (ok, text) = verify_ids(&data.ids, &ids);
                f.verified = ok;
                f.extra.push(("verified", text));
            }
        }
    }
    let (done, of, unit) =
        if latency_phase { (requests, shape.reads as u64, "reads") } else { (objects, n, "objects") };
    match result {
        Bounded::Done(_) => Outcome::Done(f),
        Bounded::Stopped(after_s) => Outcome::Stopped { after_s, done, of, unit, partial: f },
        Bounded::Failed(after_s, e) => Outcome::Failed(format!("after {after_s:.1} s, {done} of {of} {unit}: {e:#}")),
    }
}

/// A server child process, stopped (TERM by its PID, then KILL) on drop.
struct ServerGuard {
    child: Child,
    what: String,
}

impl ServerGuard {
    fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            eprintln!("accord-bench taxii: {} (pid {}) ignored TERM for 10 s; killing it", self.what, self.child.id());
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where `bench/peer/taxii/medallion.sh` is: under the working directory
/// (the repository root), else beside this crate's sources.
fn peer_script() -> Result<PathBuf> {
    let here = Path::new("bench/peer/taxii/medallion.sh");
    if here.exists() {
        return Ok(here.to_path_buf());
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/peer/taxii/medallion.sh");
    if built.exists() {
        return Ok(built);
    }
    bail!("bench/peer/taxii/medallion.sh not found: run from the repository root")
}

/// A password for one run's peer user.
fn random_password() -> String {
    use rand_core::RngCore as _;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// Starts a fresh medallion (memory backend, no objects) and waits for its
/// base URL. The first start creates the peer's venv (PyPI needed once).
fn medallion_target() -> Result<(ServerGuard, Target)> {
    let script = peer_script()?;
    let password = random_password();
    let child = Command::new("bash")
        .arg(&script)
        .env("MEDALLION_USER", "bench")
        .env("MEDALLION_PASSWORD", &password)
        .env("MEDALLION_API_ROOT", PEER_API_ROOT)
        .env("MEDALLION_COLLECTION", PEER_COLLECTION)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", script.display()))?;
    // From here on, the guard stops the peer however this returns.
    let mut guard = ServerGuard { child, what: "medallion.sh".into() };
    let stdout = guard.child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let line = match rx.recv_timeout(Duration::from_secs(600)) {
        Ok(Some(Ok(line))) => line,
        Ok(_) => bail!("{} stopped before it printed its URL", script.display()),
        Err(_) => bail!("{} printed no URL within 600 s", script.display()),
    };
    let base = line.trim().to_string();
    check_loopback(&base)?;
    let target = Target {
        name: "medallion".into(),
        base,
        api_root: format!("/{PEER_API_ROOT}/"),
        collection: PEER_COLLECTION.into(),
        user: "bench".into(),
        password,
    };
    Ok((guard, target))
}

/// Starts Accord's TAXII server on a fresh, empty data folder `dir` and
/// returns the child process and how to reach it.
///
/// To be filled in once the server exists. It is called once per size, and
/// again for a fresh server after a stopped phase and for `tlp_cost` (each
/// time after `dir` was emptied). The target's `name` must be `accord`
/// (the ratios pair rows by it). What the driver needs of the server:
/// * a base URL on loopback (`http://127.0.0.1:PORT`), server discovery at
///   `/taxii2/` listing the API root (as an absolute URL or its path), and
///   the API root information with `versions` holding
///   `application/taxii+json;version=2.1`;
/// * one collection, empty, that `user` may read and write (its resource
///   says `can_read` and `can_write` true), every TLP marking of the
///   data readable by `user`, HTTP Basic authentication;
/// * `POST objects/` answering 2xx with a status resource; one not yet
///   `complete` is polled at `status/{id}/` until it is;
/// * `GET objects/` and `manifest/` with `limit`, `more` and `next` (the
///   `next` token sent back with the same `limit`);
/// * the child stopping on TERM; on loopback only.
fn accord_target(dir: &Path, size: usize) -> Result<(Child, Target)> {
    let _ = size;
    let keys = crate::found_bench_body(dir, 2)?;
    let mut paths = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let p = dir.join(format!("M{i:04}.key"));
        accord::files::write_key(&p, k)?;
        paths.push(p);
    }
    let (child, url) = crate::spawn_listening(crate::serve_command(&dir.join("data"))?)?;
    let made = || -> Result<(String, String)> {
        let writer = accord_credential(&url, &paths[0], "bench-writer")?;
        // The reader of `accord_tlp_reader`: another member, made now so
        // that its credential is in the log before the load starts.
        let (reader, reader_password) = accord_credential(&url, &paths[1], "bench-reader")?;
        std::fs::write(dir.join("reader.credential"), format!("{reader}:{reader_password}"))?;
        Ok(writer)
    };
    let mut child = child;
    let (user, password) = match made() {
        Ok(c) => c,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
    };
    let base = url.trim_end_matches('/').to_string();
    let target = Target {
        name: "accord".into(),
        base,
        api_root: "/taxii2/accord/".into(),
        collection: "all".into(),
        user,
        password,
    };
    Ok((child, target))
}

/// A credential of the member whose key is `key`, registered on `url`.
fn accord_credential(url: &str, key: &Path, id: &str) -> Result<(String, String)> {
    let s = accord::cmd::submit::Submitter::new(url, key)?;
    let (secret, body) = accord::cmd::taxii::new_credential(id)?;
    s.submit("share.credential", body, None)?;
    Ok((id.to_string(), secret))
}

/// A second user of the Accord target: another member than the sharer,
/// who sees the data (TLP:CLEAR and GREEN) through the same checks.
/// `tlp_cost` over HTTP thus compares the sharer with another member;
/// the cost of the TLP rule itself is measured in process by `cargo
/// bench -p accord-node --bench tlp`.
fn accord_tlp_reader(dir: &Path, target: &Target) -> Result<Target> {
    let text = std::fs::read_to_string(dir.join("reader.credential"))?;
    let (user, password) = text.split_once(':').ok_or_else(|| anyhow::anyhow!("reader.credential has no ':'"))?;
    Ok(Target { user: user.to_string(), password: password.to_string(), ..target.clone() })
}

async fn tlp_cost(
    everything: &Target,
    checked: &Target,
    size: usize,
    shape: &TaxiiShape,
    limit: Duration,
    runs: usize,
) -> Result<(f64, f64, u64)> {
    let a = Taxii::new(everything, 1)?;
    let b = Taxii::new(checked, 1)?;
    let url_a = a.target.collection_url("objects/");
    let url_b = b.target.collection_url("objects/");
    // rates[0]: without checks, rates[1]: with; and the objects each read.
    let mut rates = [Vec::new(), Vec::new()];
    let mut seen = [0u64; 2];
    for _ in 0..runs.max(1) {
        for (k, (taxii, url)) in [(&a, &url_a), (&b, &url_b)].into_iter().enumerate() {
            let p = Progress::default();
            match bounded(limit, read_all(taxii, url, shape.page_limit, size as u64, &p)).await {
                Bounded::Done(s) => {
                    seen[k] = p.objects.load(Ordering::Relaxed);
                    rates[k].push(seen[k] as f64 / s);
                }
                Bounded::Stopped(s) => bail!("tlp_cost: a full read as {} stopped after {s:.1} s", taxii.target.user),
                Bounded::Failed(_, e) => {
                    return Err(e.context(format!("tlp_cost: a full read as {}", taxii.target.user)))
                }
            }
        }
    }
    for r in &mut rates {
        r.sort_by(f64::total_cmp);
    }
    if seen[0] != seen[1] {
        eprintln!(
            "  tlp_cost: the checked reader read {} objects, the other {}: the rates are of different work",
            seen[1], seen[0]
        );
    }
    Ok((super::percentile(&rates[0], 0.5), super::percentile(&rates[1], 0.5), seen[1]))
}

// --- the run ---------------------------------------------------------------------

fn machine_line(row: &Row) -> String {
    let mut s = format!("server={} size={} phase={}", row.server, row.size, row.phase.name());
    let figures = |s: &mut String, f: &Figures| {
        if let Some(r) = f.objects_per_sec {
            let _ = write!(s, " objects_per_sec={r:.1}");
        }
        let _ =
            write!(s, " p50_ms={:.2} p99_ms={:.2} max_ms={:.2} wall_s={:.3}", f.p50_ms, f.p99_ms, f.max_ms, f.wall_s);
        for (k, v) in &f.extra {
            let _ = write!(s, " {k}={v}");
        }
    };
    match &row.outcome {
        Outcome::Done(f) => figures(&mut s, f),
        Outcome::Stopped { after_s, done, of, unit, partial } => {
            let _ = write!(s, " stopped=1 after_s={after_s:.1} done={done} of={of} unit={unit}");
            if *done > 0 {
                figures(&mut s, partial);
            }
        }
        Outcome::Skipped(why) => {
            let _ = write!(s, " skipped={why:?}");
        }
        Outcome::Failed(why) => {
            let _ = write!(s, " failed={why:?}");
        }
    }
    s
}

fn human_figure(phase: Phase, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Done(f) => {
            let main = if phase.is_throughput() {
                format!("{:>9.0} objects/s in {:.2} s", f.objects_per_sec.unwrap_or(f64::NAN), f.wall_s)
            } else {
                format!("p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", f.p50_ms, f.p99_ms, f.max_ms)
            };
            let check = if f.verified { String::new() } else { "  CHECK FAILED".to_string() };
            let detail: Vec<String> = f
                .extra
                .iter()
                .filter(|(k, _)| matches!(*k, "failures" | "verified" | "page_objects" | "first_failure"))
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            format!("{main}  ({}){check}", detail.join(", "))
        }
        Outcome::Stopped { after_s, done, of, unit, partial } => {
            let so_far = if *done > 0 && !phase.is_throughput() {
                format!(" (those took p50 {:.1} ms, max {:.1} ms)", partial.p50_ms, partial.max_ms)
            } else {
                String::new()
            };
            format!("stopped at {} after {after_s:.0} s, {done} of {of} {unit}{so_far}", phase.name())
        }
        Outcome::Skipped(why) => format!("skipped: {why}"),
        Outcome::Failed(why) => format!("FAILED: {why}"),
    }
}

/// Measures every phase of one size on one kind of server. `start` gives a
/// fresh, empty server; it is called again after a stopped phase, and the
/// new one is filled (untimed) before the next phase.
fn measure(
    rt: &tokio::runtime::Runtime,
    start: &dyn Fn() -> Result<(ServerGuard, Target)>,
    data: &Dataset,
    shape: &TaxiiShape,
    limit: Duration,
    rows: &mut Vec<Row>,
) -> Result<()> {
    let size = data.ids.len();
    let (mut guard, mut target) = start()?;
    let mut taxii = Taxii::new(&target, shape.clients)?;
    rt.block_on(taxii.check()).with_context(|| format!("{} at {}", target.name, target.base))?;
    let mut skip: Option<String> = None;
    for phase in Phase::ALL {
        let reads_phase = matches!(phase, Phase::FirstPage | Phase::FirstPageNoLimit | Phase::ManifestFirstPage);
        let outcome = if let Some(why) = &skip {
            Outcome::Skipped(why.clone())
        } else if reads_phase && shape.reads == 0 {
            Outcome::Skipped("--reads 0".into())
        } else {
            rt.block_on(run_phase(&taxii, phase, data, shape, limit))
        };
        let row = Row { server: target.name.clone(), size, phase, outcome };
        println!("{}", machine_line(&row));
        match &row.outcome {
            Outcome::Done(_) | Outcome::Skipped(_) => {}
            Outcome::Failed(_) => skip = Some(format!("{} failed", phase.name())),
            Outcome::Stopped { .. } if phase == Phase::Ingest => {
                skip = Some("ingest did not complete".into());
            }
            Outcome::Stopped { .. } => {
                // The server may still be busy with the abandoned request:
                // a fresh one, filled again, for the next phase.
                guard.stop();
                drop(guard);
                (guard, target) = start()?;
                taxii = Taxii::new(&target, shape.clients)?;
                rt.block_on(taxii.check())?;
                eprintln!("  ({} restarted after the stopped {}; refilling {size} objects)", target.name, phase.name());
                match rt.block_on(run_phase(&taxii, Phase::Ingest, data, shape, limit)) {
                    Outcome::Done(f) if f.verified => {}
                    other => {
                        skip = Some(format!(
                            "refill after the stopped {} failed: {}",
                            phase.name(),
                            human_figure(Phase::Ingest, &other)
                        ))
                    }
                }
            }
        }
        rows.push(row);
    }
    drop(guard);
    Ok(())
}

pub(super) fn bench_taxii(shape: TaxiiShape) -> Result<()> {
    if shape.sizes.is_empty() || shape.sizes.contains(&0) {
        bail!("--sizes must list sizes of 1 or more");
    }
    if shape.envelope == 0 || shape.clients == 0 || shape.page_limit == 0 {
        bail!("--envelope, --clients and --page-limit must be at least 1");
    }
    let peer_limit = Duration::from_secs(shape.peer_time_limit_s.max(1));
    let accord_limit = Duration::from_secs(shape.accord_time_limit_s.max(1));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let tmp = std::env::temp_dir().join(format!("accord-bench-taxii-{}", std::process::id()));
    eprintln!(
        "accord-bench taxii: sizes {:?}, envelopes of {}, {} posting clients, {} first-page reads, full reads by {}, \
         indicators marked {:?}; time limit per phase {} s (medallion), {} s (accord){}",
        shape.sizes,
        shape.envelope,
        shape.clients,
        shape.reads,
        shape.page_limit,
        shape.tlp,
        peer_limit.as_secs(),
        accord_limit.as_secs(),
        if shape.only_peer { "; --only-peer: medallion alone" } else { "" }
    );
    let mut rows = Vec::new();
    let mut tlp_rows = Vec::new();
    let result = (|| -> Result<()> {
        for &size in &shape.sizes {
            let data = dataset(size, shape.envelope, shape.seed, shape.tlp)?;
            if !shape.only_peer {
                let dir = tmp.join(format!("accord-{size}"));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)?;
                let start = || -> Result<(ServerGuard, Target)> {
                    let _ = std::fs::remove_dir_all(&dir);
                    std::fs::create_dir_all(&dir)?;
                    let (child, target) = accord_target(&dir, size)?;
                    Ok((ServerGuard { child, what: "accord".into() }, target))
                };
                let first = rows.len();
                measure(&rt, &start, &data, &shape, accord_limit, &mut rows)?;
                let ingested = rows[first..]
                    .iter()
                    .any(|r| r.phase == Phase::Ingest && matches!(&r.outcome, Outcome::Done(f) if f.verified));
                if ingested {
                    // A server of its own, filled, for the TLP comparison.
                    let (guard, target) = start()?;
                    let fill = rt.block_on(run_phase(
                        &Taxii::new(&target, shape.clients)?,
                        Phase::Ingest,
                        &data,
                        &shape,
                        accord_limit,
                    ));
                    if !matches!(&fill, Outcome::Done(f) if f.verified) {
                        bail!("accord: filling the server for tlp_cost: {}", human_figure(Phase::Ingest, &fill));
                    }
                    let checked = accord_tlp_reader(&dir, &target)?;
                    let (all, with_checks, seen) =
                        rt.block_on(tlp_cost(&target, &checked, size, &shape, accord_limit, 3))?;
                    let cost = 100.0 * (1.0 - with_checks / all);
                    println!(
                        "server=accord size={size} phase=tlp_cost all_objects_per_sec={all:.1} \
                         checked_objects_per_sec={with_checks:.1} checked_objects={seen} cost_pct={cost:.1}"
                    );
                    tlp_rows.push((size, all, with_checks, cost));
                    drop(guard);
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
            measure(&rt, &medallion_target, &data, &shape, peer_limit, &mut rows)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    print_tables(&rows, &tlp_rows, &shape);
    result
}

fn print_tables(rows: &[Row], tlp_rows: &[(usize, f64, f64, f64)], shape: &TaxiiShape) {
    if rows.is_empty() {
        return;
    }
    eprintln!("\naccord-bench taxii (one run, same data on every server)");
    eprintln!("  {:<10} {:>8}  {:<20} result", "server", "size", "phase");
    for r in rows {
        eprintln!("  {:<10} {:>8}  {:<20} {}", r.server, r.size, r.phase.name(), human_figure(r.phase, &r.outcome));
    }
    for (size, all, checked, cost) in tlp_rows {
        eprintln!(
            "  {:<10} {:>8}  {:<20} {all:.0} objects/s as the sharer, {checked:.0} as another member: {cost:.1}% \
             (the TLP rule alone: cargo bench -p accord-node --bench tlp)",
            "accord", size, "tlp_cost"
        );
    }
    if shape.only_peer {
        eprintln!("\n  (no ratios: --only-peer measured medallion alone)");
        return;
    }
    let done = |server: &str, size: usize, phase: Phase| {
        rows.iter().find_map(|r| match &r.outcome {
            Outcome::Done(f) if r.server == server && r.size == size && r.phase == phase && f.verified => Some(f),
            _ => None,
        })
    };
    eprintln!("\n  Accord / medallion, for every phase both completed (throughput: objects/s; latency: medallion p50 / Accord p50)");
    let mut any = false;
    for &size in &shape.sizes {
        for phase in Phase::ALL {
            let (Some(a), Some(m)) = (done("accord", size, phase), done("medallion", size, phase)) else { continue };
            let ratio = match (phase.is_throughput(), a.objects_per_sec, m.objects_per_sec) {
                (true, Some(ra), Some(rm)) => ra / rm,
                _ => m.p50_ms / a.p50_ms,
            };
            any = true;
            eprintln!("  {size:>8}  {:<20} {ratio:>8.1}x", phase.name());
            println!("ratio size={size} phase={} accord_over_medallion={ratio:.2}", phase.name());
        }
    }
    if !any {
        eprintln!("  (none: no phase completed on both)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_indicators_are_valid_stix_with_the_chosen_tlp() {
        for (i, mix, want) in [
            (0, TlpMix::Alternate, accord_stix::Tlp::Clear),
            (1, TlpMix::Alternate, accord_stix::Tlp::Green),
            (7, TlpMix::Clear, accord_stix::Tlp::Clear),
            (8, TlpMix::Green, accord_stix::Tlp::Green),
        ] {
            let v = indicator(1, i, mix).expect("indicator");
            let bytes = serde_json::to_vec(&v).expect("json");
            let o = accord_stix::parse_json(&bytes).expect("valid STIX");
            assert_eq!(o.tlp(), Some(want));
        }
    }

    #[test]
    fn ids_are_uuid_v4_deterministic_and_distinct() {
        let a: Vec<String> = (0..100_000).map(|i| uuid_v4(1, i)).collect();
        let set: std::collections::HashSet<&String> = a.iter().collect();
        assert_eq!(set.len(), a.len());
        assert_eq!(uuid_v4(1, 5), a[5]);
        assert_ne!(uuid_v4(2, 5), a[5]);
        for u in &a[..100] {
            assert_eq!(&u[14..15], "4");
            assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        }
    }

    #[test]
    fn envelopes_hold_every_object_once() {
        let d = dataset(250, 100, 1, TlpMix::Alternate).expect("dataset");
        assert_eq!(d.envelopes.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![100, 100, 50]);
        let mut seen = Vec::new();
        for (_, body) in &d.envelopes {
            let v: serde_json::Value = serde_json::from_slice(body).expect("json");
            let objects = v["objects"].as_array().expect("objects");
            seen.extend(objects.iter().map(|o| o["id"].as_str().expect("id").to_string()));
        }
        assert_eq!(verify_ids(&d.ids, &seen), (true, "ok".to_string()));
        seen.pop();
        seen.push(d.ids[0].clone());
        assert!(!verify_ids(&d.ids, &seen).0);
    }

    #[test]
    fn only_loopback_targets() {
        for ok in ["http://127.0.0.1:5000", "http://localhost:1/", "http://[::1]:8080", "http://127.0.0.2:1"] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for bad in ["http://10.0.0.1:5000", "https://127.0.0.1:1", "http://example.org", "http://192.168.1.1"] {
            assert!(check_loopback(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_join_base_root_and_collection() {
        let t = Target {
            name: "x".into(),
            base: "http://127.0.0.1:9/".into(),
            api_root: "/trustgroup1/".into(),
            collection: "c1".into(),
            user: "u".into(),
            password: "p".into(),
        };
        assert_eq!(t.collection_url("objects/"), "http://127.0.0.1:9/trustgroup1/collections/c1/objects/");
        assert_eq!(t.status_url("s"), "http://127.0.0.1:9/trustgroup1/status/s/");
    }
}
