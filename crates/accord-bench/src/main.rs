//! `accord-bench`: whole-system benchmarks on loopback, a binary of its
//! own so that the production `accord` carries none of it (`accord bench
//! …` runs this binary when it is built beside it). They start the real
//! `accord serve` as a child process on a fresh body in a temporary folder
//! (or in `--keep DIR`), drive it, print figures, and stop it by its PID.
//!
//! What it is not: a test. Timings never decide a pass or a fail.

#![forbid(unsafe_code)]

// The same allocator as the `accord` binary, so that what is measured in
// process (the decision fold, body building) is what the node runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod audit;
mod decisions;
mod fleet;
mod log;
mod portal;
mod start;
mod taxii;
mod witness;
mod zone;

use log::{bench_log, LoadShape};

use accord::cmd::init::{MemberEntry, MembersFile};
use accord::cmd::keygen::new_key;
use accord_core::{KeyFile, MemberId, Timestamp};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// Durable signed appends through HTTP: throughput, submit→ack latency,
    /// and how far checkpoints trail acks.
    Log {
        /// Concurrent signing clients (each a member with its own key).
        #[arg(long, default_value_t = 256)]
        clients: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Target total rate in statements/s (open loop); default: as fast as acks come back.
        #[arg(long)]
        rate: Option<f64>,
        /// Bytes of note text per statement.
        #[arg(long, default_value_t = 200)]
        text_bytes: usize,
        /// Sign every client's statements before the clock starts, so that
        /// the clients' signing does not take the server's cores (as when
        /// clients run on their own machines). The server's work is
        /// unchanged: it still verifies every signature.
        #[arg(long)]
        presign: bool,
        /// Members' witnesses (`accord witness` processes) cosigning every
        /// checkpoint; the append→checkpoint figure then waits for a quorum.
        #[arg(long, default_value_t = 0)]
        witnesses: usize,
    },
    /// `accord bench log` without witnesses and with each count of
    /// witnesses given, one after the other in one run: throughput, and
    /// append→quorum-cosigned checkpoint, side by side.
    Witnessed {
        /// Concurrent signing clients.
        #[arg(long, default_value_t = 256)]
        clients: usize,
        /// Seconds of load per run.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Sign every statement before the clock starts.
        #[arg(long)]
        presign: bool,
        /// The witness counts, beside the run without any.
        #[arg(long, value_delimiter = ',', default_value = "5,25")]
        witnesses: Vec<usize>,
    },
    /// Builds a log of N signed entries, serves it, and times `accord audit`
    /// on it (download, tree, replay, every signature).
    Audit {
        /// Entries in the log.
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Members signing them.
        #[arg(long, default_value_t = 193)]
        members: usize,
        /// Also time the peer auditor (bench/peer/audit_peer.py, tlog-scales
        /// and Python's cryptography) on the same served log.
        #[arg(long)]
        peer: bool,
    },
    /// The decision fold alone: builds the log of a body that decides N
    /// proposals with every member voting, and times `State::apply` over
    /// it (no signature checks), then parse + fold from entry bytes.
    Decisions {
        /// Members voting on every proposal.
        #[arg(long, default_value_t = 193)]
        members: usize,
        /// Proposals decided.
        #[arg(long, default_value_t = 10_000)]
        proposals: usize,
        /// Timed folds (the best is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Also run the peer (bench/peer/decisions_peer.py, a straightforward
        /// fold in Python) on the same statements, from the repository root.
        #[arg(long)]
        peer: bool,
    },
    /// Public pages under load: a body of M members and N decided
    /// proposals, served by `accord serve`, each page loaded with `wrk`
    /// (req/s, p50, p99); with `--peer`, nginx serving the same bytes.
    Portal {
        /// Members of the body.
        #[arg(long, default_value_t = 193)]
        members: usize,
        /// Proposals decided by recorded vote.
        #[arg(long, default_value_t = 10_000)]
        proposals: usize,
        /// Seconds of load per page.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Open connections (wrk -c).
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// wrk threads (wrk -t).
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Also load nginx serving the same bytes as static files.
        #[arg(long)]
        peer: bool,
        /// Unrelated appends per second (notes by the secretariat) during
        /// the measurement, 0–1000: how the pages hold up while the log moves.
        #[arg(long, default_value_t = 0)]
        background: u32,
        /// Build the body in DIR (which must not hold one) and leave it
        /// there, for `accord serve --data DIR/data` later (start-up times).
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
    },
    /// Time until `accord serve` answers on a large body, from its state
    /// snapshot and by a full replay (the peer, in the same run).
    Start {
        /// An existing body's data folder (one `--keep` left, say).
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        /// Build the body in DIR (which must not hold one) and leave it there.
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
        /// Members of the body built.
        #[arg(long, default_value_t = 193)]
        members: usize,
        /// Proposals it decides by recorded vote.
        #[arg(long, default_value_t = 10_000)]
        proposals: usize,
        /// Starts of each kind (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// The signed root zone: a one-delegation change voted through, from
    /// its adoption to the new serial answered over DNS (`accord serve
    /// --dns-listen`, the shared IANA root zone imported). Run from the
    /// repository root, or give --zone-file.
    ZoneChange {
        /// Members of the body; every one votes yes on each change.
        #[arg(long, default_value_t = 5)]
        members: usize,
        /// Changes tabled and adopted, one after the other.
        #[arg(long, default_value_t = 10)]
        changes: usize,
        /// Each change's deadline, in ms after it is tabled (the ballot
        /// closes then, by the node's clock tick).
        #[arg(long, default_value_t = 1500)]
        deadline_ms: u64,
        /// The root zone file imported (default: the shared
        /// ../shared/data/rootzone/root-2022021501.zone).
        #[arg(long)]
        zone_file: Option<std::path::PathBuf>,
    },
    /// TAXII 2.1 side by side with the same data: ingest in envelopes, the
    /// first page, a full paged read and the manifest, on Accord's TAXII
    /// server and on medallion (bench/peer/taxii/medallion.sh, PyPI), each
    /// size on fresh servers. Run from the repository root.
    Taxii {
        /// Indicators ingested, one size after the other.
        #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
        sizes: Vec<usize>,
        /// Objects per POSTed envelope.
        #[arg(long, default_value_t = 100)]
        envelope: usize,
        /// Seconds each phase may take on medallion before it is stopped.
        #[arg(long, default_value_t = 120)]
        peer_time_limit_s: u64,
        /// Seconds each phase may take on Accord before it is stopped.
        #[arg(long, default_value_t = 3600)]
        accord_time_limit_s: u64,
        /// Concurrent posting clients.
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// Repeated first-page reads (each first-page phase).
        #[arg(long, default_value_t = 20)]
        reads: usize,
        /// `limit` of the full paged reads (a server may give fewer per page).
        #[arg(long, default_value_t = 1000)]
        page_limit: usize,
        /// TLP 2.0 marking of the indicators: clear, green, or alternate.
        #[arg(long, value_enum, default_value_t = taxii::TlpMix::Alternate)]
        tlp: taxii::TlpMix,
        /// Seed of the indicators' ids (the same seed, the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Measure medallion alone (no Accord, no ratios).
        #[arg(long)]
        only_peer: bool,
    },
    /// `accord witness` under load: durable add-checkpoint/s and latency,
    /// one origin per client and all clients on one origin.
    Witness {
        /// Concurrent clients (each its own log, or all one log with --mode one-origin).
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Seconds of load per mode.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// per-origin, one-origin, or both (one after the other, each on a fresh witness).
        #[arg(long, value_enum, default_value_t = witness::WitnessMode::Both)]
        mode: witness::WitnessMode,
    },
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Log { clients, duration, rate, text_bytes, presign, witnesses } => {
            bench_log(LoadShape { clients, duration, rate, text_bytes, presign, witnesses }).map(|_| ())
        }
        BenchCommand::Witnessed { clients, duration, presign, witnesses } => {
            let shape = LoadShape { clients, duration, rate: None, text_bytes: 200, presign, witnesses: 0 };
            let mut rows = vec![(0, bench_log(shape)?)];
            for w in witnesses {
                rows.push((w, bench_log(LoadShape { witnesses: w, ..shape })?));
            }
            let base = rows[0].1.appends_per_sec;
            println!("\naccord bench witnessed: {clients} clients, {duration} s each, one run");
            println!("  witnesses  appends/s  vs none  ack p50/p99 ms   append→(cosigned) checkpoint p50/p99 ms");
            for (w, f) in &rows {
                println!(
                    "  {w:>9}  {:>9.0}  {:>6.2}x  {:>6.1} / {:<6.1}  {:>6.0} / {:<6.0}",
                    f.appends_per_sec,
                    f.appends_per_sec / base,
                    f.ack_p50_ms,
                    f.ack_p99_ms,
                    f.checkpoint_p50_ms,
                    f.checkpoint_p99_ms
                );
            }
            Ok(())
        }
        BenchCommand::Audit { entries, members, peer } => audit::bench_audit(entries, members, peer),
        BenchCommand::Decisions { members, proposals, runs, peer } => {
            decisions::bench_decisions(members, proposals, runs, peer)
        }
        BenchCommand::Portal { members, proposals, duration, connections, threads, peer, background, keep } => {
            let shape = portal::PortalShape { members, proposals, duration, connections, threads, peer, background };
            portal::bench_portal(shape, keep.as_deref())
        }
        BenchCommand::Start { data, keep, members, proposals, runs } => {
            start::bench_start(start::StartShape { data, keep, members, proposals, runs })
        }
        BenchCommand::ZoneChange { members, changes, deadline_ms, zone_file } => {
            zone::bench_zone_change(zone::ZoneShape { members, changes, deadline_ms, zone_file })
        }
        BenchCommand::Taxii {
            sizes,
            envelope,
            peer_time_limit_s,
            accord_time_limit_s,
            clients,
            reads,
            page_limit,
            tlp,
            seed,
            only_peer,
        } => taxii::bench_taxii(taxii::TaxiiShape {
            sizes,
            envelope,
            peer_time_limit_s,
            accord_time_limit_s,
            clients,
            reads,
            page_limit,
            tlp,
            seed,
            only_peer,
        }),
        BenchCommand::Witness { clients, duration, mode } => {
            witness::bench_witness(witness::WitnessShape { clients, duration, mode })
        }
    }
}

/// A body served by a child `accord serve`, stopped on drop.
pub struct ChildNode {
    pub child: Child,
    pub url: String,
    pub keys: Vec<KeyFile>,
}

impl Drop for ChildNode {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Founds a body of `members` members in `dir` and starts a server on it.
pub fn start_body(dir: &Path, members: usize) -> Result<ChildNode> {
    let keys = found_bench_body(dir, members)?;
    start_server(&dir.join("data"), keys)
}

/// The rules benchmark bodies are founded with: the defaults, but rate
/// limits that the load cannot reach (each bench client is one member
/// sending many statements a second).
pub(crate) fn bench_rules() -> accord_core::decisions::rules::Rules {
    accord_core::decisions::rules::Rules {
        rate_statements_per_minute: accord_core::decisions::rules::RATE_STATEMENTS.1,
        rate_bytes_per_day: accord_core::decisions::rules::RATE_BYTES.1,
        ..Default::default()
    }
}

pub(crate) fn found_bench_body(dir: &Path, members: usize) -> Result<Vec<KeyFile>> {
    let origin = "bench.accord.example/log";
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    for i in 0..members {
        let id = MemberId::parse(&format!("M{i:04}")).ok_or_else(|| anyhow!("member id"))?;
        let k = new_key(&id.key_name(origin))?;
        entries.push(MemberEntry {
            id,
            name: format!("Member {i}"),
            vkey: k.signer.verifier().to_vkey(),
            names: Default::default(),
        });
        keys.push(k);
    }
    let file = MembersFile {
        origin: origin.into(),
        name: "Benchmark body".into(),
        names: Default::default(),
        members: entries,
    };
    accord::cmd::init::found_with_rules(&dir.join("data"), &file, Some(bench_rules()), Vec::new(), None)?;
    Ok(keys)
}

fn start_server(data: &Path, keys: Vec<KeyFile>) -> Result<ChildNode> {
    let (child, url) = spawn_listening(serve_command(data)?)?;
    Ok(ChildNode { child, url, keys })
}

/// `accord serve` on `data` as every benchmark runs it.
pub(crate) fn serve_command(data: &Path) -> Result<Command> {
    let mut cmd = Command::new(accord_exe()?);
    // All load comes from one address here: no per-address cap.
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--max-connections-per-address", "100000"])
        // Benchmark witnesses listen on loopback.
        .arg("--witness-allow-private")
        .arg("--data")
        .arg(data);
    Ok(cmd)
}

/// Starts `cmd` (an `accord serve` or `accord witness`) logging at warn,
/// and reads its "accord: listening on URL" line: the child and the URL.
pub(crate) fn spawn_listening(mut cmd: Command) -> Result<(Child, String)> {
    let mut child = cmd
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    match line.trim().strip_prefix("accord: listening on ") {
        Some(url) => Ok((child, url.to_string())),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{cmd:?} did not say where it listens: {line:?}")
        }
    }
}

fn now_secs() -> Timestamp {
    accord::cmd::submit::now()
}

/// CPU seconds (user + system) a process has used so far, from /proc.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return f64::NAN };
    // Fields after the command name (which may hold spaces) start at ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// On-CPU nanoseconds of each thread of process `pid`, summed by role:
/// `verify` (the verifier thread), `sequence` (the sequencer: the fold and
/// the store's append), `store-wal` (SQLite's WAL folding), `checkpoint`,
/// `http` (the tokio workers: HTTP, parsing, routing) and `other`. From
/// `/proc/<pid>/task/*/schedstat` (Linux); empty elsewhere.
fn thread_cpu_nanos(pid: &str) -> std::collections::BTreeMap<&'static str, u64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return out };
    for t in tasks.flatten() {
        let dir = t.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let ns: u64 = std::fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0);
        let role = match comm.trim() {
            "accord-verifier" => "verify",
            "accord-sequence" | "accord-sequencer" => "sequence",
            "accord-sqlite-w" | "accord-sqlite-wal" => "store-wal",
            "accord-checkpoi" | "accord-checkpointer" => "checkpoint",
            c if c.starts_with("tokio") => "http",
            _ => "other",
        };
        *out.entry(role).or_insert(0) += ns;
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The `accord` binary the benchmarks drive: beside this one (as cargo
/// builds them), else on the PATH.
pub(crate) fn accord_exe() -> Result<std::path::PathBuf> {
    let beside = std::env::current_exe()?.with_file_name(format!("accord{}", std::env::consts::EXE_SUFFIX));
    if beside.exists() {
        return Ok(beside);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("accord"))
        .find(|p| p.exists());
    on_path.ok_or_else(|| {
        anyhow!("no accord binary beside {} or on the PATH: cargo build --release -p accord", beside.display())
    })
}

#[derive(clap::Parser)]
#[command(
    name = "accord-bench",
    version,
    about = "Accord's whole-system benchmarks on loopback (also run as `accord bench …`)"
)]
struct Cli {
    #[command(subcommand)]
    command: BenchCommand,
}

fn main() -> std::process::ExitCode {
    use clap::Parser;
    accord::cmd::serve::init_tracing();
    match run(Cli::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("accord-bench: error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
