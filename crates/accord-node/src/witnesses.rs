//! The node's client of its members' witnesses: the checkpointer's
//! cosigning stage ([`crate::checkpointer::Cosigners`]).
//!
//! Each registered witness has a worker thread of its own and what the
//! node knows of it: the size it last cosigned (its `old` size, learned
//! from its answers, 409s included). A signed checkpoint is offered to
//! every witness whose worker is free, in parallel, each request built
//! with a consistency proof from that witness's own old size. The stage
//! waits until every witness asked has answered, or until the policy's
//! quorum is met and [`WitnessOptions::grace`] has passed, or at most
//! [`WitnessOptions::wait`]: a slow or dead witness costs its own
//! cosignature, never the checkpoint (and never sequencing: this is not
//! the sequencer's thread). A witness still busy with an earlier
//! checkpoint is skipped, and what it answers late only updates its old
//! size.
//!
//! Every cosignature is checked against the key its member registered
//! before it is kept; a bad one is dropped and counted. Results per
//! witness (cosigned, bad, refused, unreachable, busy, late) are counted
//! for `/metrics` and kept for the last [`RECENT`] checkpoints, which the
//! portal shows as each witness's availability.
//!
//! What it is not: the witness (`accord witness`, crate `accord-witness`),
//! nor the policy, which is the fold's (`accord_core::witness`).

use crate::checkpointer::Cosigners;
use crate::node::PolicyInForce;
use accord_log::cosignature::CosignerKey;
use accord_log::merkle::consistency_proof;
use accord_log::witness::{parse_cosignatures, parse_size, AddCheckpoint, SIZE_MEDIA_TYPE};
use accord_log::{Checkpoint, Note, NoteSignature};
use accord_store::{Store, StoreHashes};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How many recent checkpoints' results are kept per witness.
pub const RECENT: usize = 50;
/// Largest answer read from a witness.
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// How the node asks its witnesses.
#[derive(Clone, Debug)]
pub struct WitnessOptions {
    /// Time allowed for one request (connect, send, answer).
    pub timeout: Duration,
    /// Most time the stage waits for answers.
    pub wait: Duration,
    /// Time the stage still waits for the others once a quorum answered.
    pub grace: Duration,
    /// May witness URLs name loopback, private or link-local addresses?
    /// Off on the Internet: a member's URL must not make the node post to
    /// the operator's own network. On for tests, the demo and private
    /// networks (`accord serve --witness-allow-private`).
    pub allow_private: bool,
}

impl Default for WitnessOptions {
    fn default() -> WitnessOptions {
        WitnessOptions {
            timeout: Duration::from_secs(10),
            wait: Duration::from_secs(2),
            grace: Duration::from_millis(50),
            allow_private: false,
        }
    }
}

/// What became of one witness for one checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A valid cosignature, with its timestamp.
    Cosigned(u64),
    /// An answer that was not a valid cosignature by its registered key.
    Bad(String),
    /// The witness refused the checkpoint (its status and why). A 422 is
    /// a witness saying the log is not consistent with what it saw.
    Refused(u16, String),
    /// No answer: connection refused, timeout, or a refused address.
    Unreachable(String),
    /// Still busy with an earlier checkpoint: not asked.
    Busy,
    /// Asked, but no answer within the stage's time.
    Late,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Cosigned(_) => "cosigned",
            Outcome::Bad(_) => "bad",
            Outcome::Refused(..) => "refused",
            Outcome::Unreachable(_) => "unreachable",
            Outcome::Busy => "busy",
            Outcome::Late => "late",
        }
    }

    const LABELS: [&'static str; 6] = ["cosigned", "bad", "refused", "unreachable", "busy", "late"];
}

/// What the node knows of one witness, for `/metrics` and the portal.
#[derive(Clone, Debug, Default)]
pub struct WitnessReport {
    pub member: String,
    pub url: String,
    pub vkey: String,
    /// Checkpoints by outcome label, since the node started.
    pub counts: BTreeMap<&'static str, u64>,
    /// The size it last cosigned, as far as the node knows.
    pub old: u64,
    /// The latest outcome's detail (why it was bad, refused or unreachable).
    pub last_problem: Option<String>,
    /// Unix seconds of its latest valid cosignature.
    pub last_cosigned: Option<u64>,
    /// Outcomes for the last checkpoints, oldest first: (size, label).
    pub recent: Vec<(u64, &'static str)>,
}

struct Task {
    note: Arc<String>,
    text: Arc<String>,
    size: u64,
    /// A consistency proof computed once for every witness at this old
    /// size (most are at the previous checkpoint's): (old, proof).
    proof: Option<(u64, Arc<Vec<accord_log::Hash>>)>,
    reply: Sender<(String, Outcome, Option<NoteSignature>)>,
}

/// A worker's inbox and the condition its thread waits on.
type Shared = Arc<(Mutex<Inbox>, Condvar)>;

#[derive(Default)]
struct Inbox {
    task: Option<Task>,
    busy: bool,
    stop: bool,
}

struct Worker {
    url: String,
    key: CosignerKey,
    inbox: Shared,
    report: Arc<Mutex<WitnessReport>>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let (m, cv) = &*self.inbox;
        lock(m).stop = true;
        cv.notify_all();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The witnesses of the policy in force, asked over HTTP.
pub struct WitnessClient {
    store: Arc<dyn Store>,
    http: reqwest::blocking::Client,
    opts: WitnessOptions,
    workers: Mutex<HashMap<String, Worker>>,
}

impl WitnessClient {
    pub fn new(store: Arc<dyn Store>, opts: WitnessOptions) -> Result<WitnessClient, String> {
        let http = reqwest::blocking::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout)
            .redirect(reqwest::redirect::Policy::none())
            // No proxy from the environment, and names resolved only to
            // public addresses, at the moment of connecting (no second
            // lookup a rebinding name could answer differently).
            .no_proxy()
            .dns_resolver(Arc::new(PublicOnly { allow_private: opts.allow_private }))
            .pool_max_idle_per_host(2)
            .user_agent(concat!("accord-node/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the witnesses' HTTP client: {e}"))?;
        Ok(WitnessClient { store, http, opts, workers: Mutex::new(HashMap::new()) })
    }

    /// Starts, replaces or stops workers to match the policy's witnesses.
    fn sync(&self, policy: &PolicyInForce) -> Vec<(String, Shared)> {
        let mut workers = lock(&self.workers);
        let wanted: BTreeSet<&str> = policy.policy.witnesses.iter().map(|w| w.name.as_str()).collect();
        workers.retain(|name, _| wanted.contains(name.as_str()));
        for w in &policy.policy.witnesses {
            let url = w.url.clone().unwrap_or_default();
            let same = workers.get(&w.name).is_some_and(|x| x.url == url && x.key == w.key);
            if same {
                continue;
            }
            let inbox = Arc::new((Mutex::new(Inbox::default()), Condvar::new()));
            let report = Arc::new(Mutex::new(WitnessReport {
                member: w.name.clone(),
                url: url.clone(),
                vkey: w.key.to_vkey(),
                ..WitnessReport::default()
            }));
            let job = Job {
                name: w.name.clone(),
                url: url.clone(),
                key: w.key.clone(),
                store: self.store.clone(),
                http: self.http.clone(),
                allow_private: self.opts.allow_private,
                report: report.clone(),
            };
            let ib = inbox.clone();
            let spawned =
                std::thread::Builder::new().name(format!("accord-witness-{}", w.name)).spawn(move || job.run(&ib));
            if let Err(e) = spawned {
                tracing::error!(witness = %w.name, error = %e, "cannot start a witness worker");
                continue;
            }
            workers.insert(w.name.clone(), Worker { url, key: w.key.clone(), inbox, report });
        }
        workers.iter().map(|(n, w)| (n.clone(), w.inbox.clone())).collect()
    }

    fn record(&self, name: &str, size: u64, outcome: &Outcome) {
        let workers = lock(&self.workers);
        let Some(w) = workers.get(name) else { return };
        let mut r = lock(&w.report);
        *r.counts.entry(outcome.label()).or_insert(0) += 1;
        r.recent.push((size, outcome.label()));
        if r.recent.len() > RECENT {
            r.recent.remove(0);
        }
        match outcome {
            Outcome::Cosigned(_) => {
                r.last_cosigned = Some(unix_now());
                r.last_problem = None;
            }
            Outcome::Bad(why) | Outcome::Refused(_, why) | Outcome::Unreachable(why) => {
                r.last_problem = Some(why.clone());
            }
            Outcome::Busy | Outcome::Late => {}
        }
    }
}

impl Cosigners for WitnessClient {
    fn cosign(&self, signed: &Note, cp: &Checkpoint, policy: &PolicyInForce) -> Vec<NoteSignature> {
        let inboxes = self.sync(policy);
        if inboxes.is_empty() {
            return Vec::new();
        }
        let note = Arc::new(signed.to_text());
        let text = Arc::new(signed.text().to_string());
        let (tx, rx): (Sender<_>, Receiver<_>) = channel();
        let mut asked = BTreeSet::new();
        let olds: HashMap<String, u64> = {
            let workers = lock(&self.workers);
            workers.iter().map(|(n, w)| (n.clone(), lock(&w.report).old)).collect()
        };
        let mut proofs: HashMap<u64, Option<Arc<Vec<accord_log::Hash>>>> = HashMap::new();
        for (name, inbox) in &inboxes {
            let (m, cv) = &**inbox;
            let mut ib = lock(m);
            if ib.busy {
                drop(ib);
                self.record(name, cp.size, &Outcome::Busy);
                continue;
            }
            let old = olds.get(name).copied().unwrap_or(0);
            let proof = proofs
                .entry(old)
                .or_insert_with(|| match consistency_proof(&mut StoreHashes(self.store.as_ref()), old, cp.size) {
                    Ok(Ok(p)) => Some(Arc::new(p)),
                    _ => None,
                })
                .clone()
                .map(|p| (old, p));
            ib.busy = true;
            ib.task = Some(Task { note: note.clone(), text: text.clone(), size: cp.size, proof, reply: tx.clone() });
            cv.notify_all();
            asked.insert(name.clone());
        }
        drop(tx);
        let started = Instant::now();
        let mut deadline = started + self.opts.wait;
        let mut sigs = Vec::new();
        let mut cosigned = BTreeSet::new();
        let mut answered = BTreeSet::new();
        while answered.len() < asked.len() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match rx.recv_timeout(deadline - now) {
                Ok((name, outcome, sig)) => {
                    self.record(&name, cp.size, &outcome);
                    if let (Outcome::Cosigned(_), Some(s)) = (&outcome, sig) {
                        sigs.push(s);
                        cosigned.insert(name.clone());
                        if policy.policy.satisfied(&cosigned) {
                            deadline = deadline.min(Instant::now() + self.opts.grace);
                        }
                    }
                    answered.insert(name);
                }
                Err(_) => break,
            }
        }
        for name in asked.difference(&answered) {
            self.record(name, cp.size, &Outcome::Late);
        }
        sigs
    }

    fn report(&self) -> Vec<WitnessReport> {
        let workers = lock(&self.workers);
        let mut out: Vec<WitnessReport> = workers.values().map(|w| lock(&w.report).clone()).collect();
        out.sort_by(|a, b| a.member.cmp(&b.member));
        out
    }
}

/// One witness's worker.
struct Job {
    name: String,
    url: String,
    key: CosignerKey,
    store: Arc<dyn Store>,
    http: reqwest::blocking::Client,
    allow_private: bool,
    report: Arc<Mutex<WitnessReport>>,
}

impl Job {
    fn run(self, inbox: &(Mutex<Inbox>, Condvar)) {
        let (m, cv) = inbox;
        loop {
            let task = {
                let mut ib = lock(m);
                loop {
                    if ib.stop {
                        return;
                    }
                    if let Some(t) = ib.task.take() {
                        break t;
                    }
                    ib = cv.wait(ib).unwrap_or_else(|p| p.into_inner());
                }
            };
            let (outcome, sig) = self.ask(&task);
            if let Outcome::Refused(422, why) = &outcome {
                tracing::error!(
                    witness = %self.name, size = task.size, why = %why,
                    "a witness refuses the log's consistency proof: it has seen a checkpoint this log contradicts"
                );
            }
            // The stage may have stopped waiting; the answer still told us
            // the witness's size.
            let _ = task.reply.send((self.name.clone(), outcome, sig));
            lock(m).busy = false;
        }
    }

    fn old(&self) -> u64 {
        lock(&self.report).old
    }

    fn set_old(&self, old: u64) {
        lock(&self.report).old = old;
    }

    fn ask(&self, task: &Task) -> (Outcome, Option<NoteSignature>) {
        if let Err(why) = self.address_allowed() {
            return (Outcome::Unreachable(why), None);
        }
        // At most two rounds: the second after a 409 told the witness's size.
        for _ in 0..2 {
            let old = self.old();
            if old > task.size {
                return (
                    Outcome::Refused(
                        409,
                        format!("the witness is at size {old}, beyond this checkpoint's {}", task.size),
                    ),
                    None,
                );
            }
            let shared = task.proof.as_ref().filter(|(o, _)| *o == old).map(|(_, p)| p.as_ref().clone());
            let proof = match shared {
                Some(p) => p,
                None => match consistency_proof(&mut StoreHashes(self.store.as_ref()), old, task.size) {
                    Ok(Ok(p)) => p,
                    Ok(Err(e)) => return (Outcome::Refused(0, format!("no consistency proof: {e}")), None),
                    Err(e) => return (Outcome::Unreachable(format!("cannot read the log's hashes: {e}")), None),
                },
            };
            let body = AddCheckpoint { old, proof, checkpoint: task.note.as_bytes().to_vec() }.to_bytes();
            let answer = self.http.post(format!("{}/add-checkpoint", self.url)).body(body).send();
            let resp = match answer {
                Ok(r) => r,
                Err(e) => return (Outcome::Unreachable(short(&e.to_string())), None),
            };
            let status = resp.status().as_u16();
            let ctype = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let text = match read_bounded(resp) {
                Ok(t) => t,
                Err(e) => return (Outcome::Unreachable(e), None),
            };
            match status {
                200 => {
                    let lines = match parse_cosignatures(&text) {
                        Ok(l) => l,
                        Err(e) => return (Outcome::Bad(format!("the answer is not signature lines: {e}")), None),
                    };
                    let Some(s) = lines.into_iter().find(|s| self.key.names(s)) else {
                        return (Outcome::Bad("no cosignature by its registered key".into()), None);
                    };
                    return match self.key.verify(&task.text, &s) {
                        Ok(t) => {
                            self.set_old(task.size);
                            (Outcome::Cosigned(t), Some(s))
                        }
                        Err(e) => (Outcome::Bad(e.to_string()), None),
                    };
                }
                409 => {
                    let latest = ctype
                        .starts_with(SIZE_MEDIA_TYPE)
                        .then(|| text.strip_suffix('\n').and_then(parse_size))
                        .flatten();
                    match latest {
                        Some(n) if n != old => self.set_old(n),
                        _ => return (Outcome::Refused(409, short(&text)), None),
                    }
                }
                s => return (Outcome::Refused(s, short(&text)), None),
            }
        }
        (Outcome::Refused(409, "the witness's size changed twice during one request".into()), None)
    }

    /// Refuses URLs whose host resolves to loopback, private, link-local or
    /// unspecified addresses, unless allowed.
    fn address_allowed(&self) -> Result<(), String> {
        if self.allow_private {
            return Ok(());
        }
        let rest = self.url.split_once("://").map_or("", |(_, r)| r);
        let hostport = rest.split('/').next().unwrap_or_default();
        let default_port = if self.url.starts_with("https://") { 443 } else { 80 };
        let addrs: Vec<IpAddr> = match hostport.to_socket_addrs() {
            Ok(a) => a.map(|a| a.ip()).collect(),
            Err(_) => match (hostport, default_port).to_socket_addrs() {
                Ok(a) => a.map(|a| a.ip()).collect(),
                Err(e) => return Err(format!("cannot resolve {hostport}: {e}")),
            },
        };
        match addrs.iter().find(|a| !public(a)) {
            Some(a) => Err(format!("{hostport} resolves to {a}, not a public address (see --witness-allow-private)")),
            None => Ok(()),
        }
    }
}

/// Resolves witness host names for the HTTP client, refusing any name
/// with an address that is not public (unless allowed): the addresses
/// checked are the ones connected to.
struct PublicOnly {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow {
                if let Some(a) = addrs.iter().find(|a| !public(&a.ip())) {
                    return Err(format!("{host} resolves to {a}, not a public address").into());
                }
            }
            let out: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(out)
        })
    }
}

/// Is `a` a public unicast address (not loopback, private, link-local,
/// shared, benchmarking, reserved, documentation-free of special use)?
fn public(a: &IpAddr) -> bool {
    match a {
        IpAddr::V4(v) => {
            let o = v.octets();
            !(v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_multicast()
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18))
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            let embedded_v4 = |x: std::net::Ipv4Addr| !public(&IpAddr::V4(x));
            !(v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v.to_ipv4_mapped().is_some_and(embedded_v4)
                // NAT64 (64:ff9b::/96), 6to4 (2002::/16), IPv4-compatible (::a.b.c.d).
                || (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0])
                || s[0] == 0x2002
                || (s[..6] == [0, 0, 0, 0, 0, 0]))
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

fn read_bounded(resp: reqwest::blocking::Response) -> Result<String, String> {
    use std::io::Read;
    let mut buf = Vec::new();
    resp.take(MAX_ANSWER_BYTES + 1).read_to_end(&mut buf).map_err(|e| short(&e.to_string()))?;
    if buf.len() as u64 > MAX_ANSWER_BYTES {
        return Err("the answer is larger than 64 KiB".into());
    }
    String::from_utf8(buf).map_err(|_| "the answer is not UTF-8".into())
}

/// Renders the witnesses' figures for `/metrics`.
pub fn render_metrics(reports: &[WitnessReport], out: &mut String) {
    use std::fmt::Write;
    if reports.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "# HELP accord_witness_checkpoints_total Checkpoints offered to each witness, by what became of them.\n# TYPE accord_witness_checkpoints_total counter"
    );
    for r in reports {
        for l in Outcome::LABELS {
            let n = r.counts.get(l).copied().unwrap_or(0);
            let _ = writeln!(out, "accord_witness_checkpoints_total{{witness=\"{}\",result=\"{l}\"}} {n}", r.member);
        }
    }
    let _ = writeln!(
        out,
        "# HELP accord_witness_size The tree size each witness last cosigned, as the node knows it.\n# TYPE accord_witness_size gauge"
    );
    for r in reports {
        let _ = writeln!(out, "accord_witness_size{{witness=\"{}\"}} {}", r.member, r.old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass_by_default() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!public(&a.parse().unwrap()), "{a}");
        }
        for a in ["193.0.14.129", "2001:7fd::1", "8.8.8.8"] {
            assert!(public(&a.parse().unwrap()), "{a}");
        }
    }
}
