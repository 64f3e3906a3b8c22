//! `accord bench portal`: public page times on a large body, beside nginx.
//!
//! What it is: it writes straight into a fresh store the log of a body of
//! M members that decides N proposals by recorded vote (the generator of
//! `accord bench decisions`, statements with unchecked signatures) and
//! was founded with the demo's Code (ICCIS, version 1), folding every
//! entry into the projections as the sequencer would; starts the real
//! `accord serve` on it as a child process; fetches a fixed list of
//! public pages and one static asset once (a page that does not answer
//! 200 is reported and skipped); then loads each with Debian's `wrk` and
//! reports req/s and p50/p99 latency (after two seconds of the same load,
//! unmeasured), the time of one request alone and the server's CPU time
//! per request. With `--peer`, nginx serves the
//! same bytes as static files on another loopback port, each page loaded
//! with the same `wrk` settings right after Accord's run of it.
//!
//! What it is not: a pass/fail test, or a fair fight. nginx serves bytes
//! computed once (an upper bound for any server), while Accord renders
//! every request from its SQLite projections. Every process it starts is
//! stopped by its PID when it returns, on error too.

use super::decisions::{decided_proposals, Roster, ORIGIN};
use super::ChildNode;
use accord::cmd::keygen::new_key;
use accord::files::{db_url, keys_dir, log_key_path, make_private_dir, secretariat_key_path, write_key};
use accord::progress::bar;
use accord_core::acts::Genesis;
use accord_core::{Entry, MemberId, SigCheck, State, Timestamp};
use accord_log::merkle::{Frontier, TILE_HEIGHT};
use accord_log::{Checkpoint, Hash, Signer};
use accord_node::Clock;
use accord_store::{AppendBatch, Store, StoreHashes};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `accord bench portal` measures, and how hard it pushes.
#[derive(Clone, Copy)]
pub(super) struct PortalShape {
    pub members: usize,
    pub proposals: usize,
    pub duration: u64,
    pub connections: usize,
    pub threads: usize,
    pub peer: bool,
    /// Unrelated appends per second while measuring.
    pub background: u32,
}

/// Unmeasured load on each URL before its measured run.
const WARM_UP_SECONDS: u64 = 2;

/// The issue's goal for every public page.
const GOAL_P99_MS: f64 = 20.0;

pub(super) fn bench_portal(shape: PortalShape, keep: Option<&Path>) -> Result<()> {
    check_shape(shape)?;
    let tmp = TempDir::create("accord-bench-portal")?;
    let data = match keep {
        Some(dir) => {
            let data = dir.join("data");
            if data.exists() {
                bail!("--keep {}: {} exists already; give a folder that holds no body", dir.display(), data.display());
            }
            data
        }
        None => tmp.0.join("data"),
    };
    let roster = Roster::new(shape.members)?;
    let t = Instant::now();
    let size = build_body(&data, &roster, shape.proposals)?;
    eprintln!(
        "accord bench portal: wrote and projected {size} entries ({} members, {} proposals) in {:.1} s",
        shape.members,
        shape.proposals,
        t.elapsed().as_secs_f64()
    );
    let node = start_serve(&data)?;
    let pages = fetch_pages(&node.url, &page_paths(&roster, shape.proposals, size))?;
    let nginx = if shape.peer { Some(Nginx::start(&tmp.0.join("nginx"), &pages)?) } else { None };
    let background = Background::start(&node.url, &roster, shape.background)?;
    let rows = measure(&node, nginx.as_ref(), &pages, shape)?;
    let appended = background.stop()?;
    drop(nginx);
    drop(node);
    print_report(shape, size, &pages, &rows);
    if shape.background > 0 {
        println!("background: {appended} notes appended during the measurement ({} a second asked)", shape.background);
    }
    if let Some(dir) = keep {
        println!("the body is kept in {}: accord serve --data {}", dir.display(), data.display());
    }
    Ok(())
}

/// Unrelated appends at a steady rate while the pages are measured: notes
/// by the first member (M000), whose page is not among those measured.
struct Background {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<Result<u64>>>,
}

impl Background {
    fn start(url: &str, roster: &Roster, per_second: u32) -> Result<Background> {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        if per_second == 0 {
            return Ok(Background { stop, thread: None });
        }
        let (id, key) = (roster.ids[0].clone(), roster.keys[0].signer.clone());
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build()?;
        let member: serde_json::Value = http.get(format!("{url}/api/v1/members/{id}")).send()?.json()?;
        let mut seq = member["last_seq"].as_u64().ok_or_else(|| anyhow!("no last_seq for {id}: {member}"))?;
        let (url, flag) = (url.to_string(), stop.clone());
        let every = Duration::from_secs_f64(1.0 / f64::from(per_second));
        let thread = std::thread::spawn(move || -> Result<u64> {
            let started = Instant::now();
            let mut sent = 0u64;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                seq += 1;
                let now = accord_node::SystemClock.now().0;
                let st = accord_core::Statement {
                    member: id.clone(),
                    seq: accord_core::Seq(seq),
                    time: Timestamp(now - now % 1000),
                    act: accord_core::Act::NotePublish(accord_core::acts::NotePublish {
                        text: format!("background note {sent}"),
                    }),
                };
                let raw = st.sign(&key)?.raw;
                let r = http
                    .post(format!("{url}/api/v1/statements"))
                    .header("content-type", "text/plain")
                    .body(raw)
                    .send()?;
                if !r.status().is_success() {
                    bail!("a background note was refused: {} {}", r.status(), r.text().unwrap_or_default());
                }
                sent += 1;
                // Paced on the clock: a slow answer is made up, not added.
                let due = every * u32::try_from(sent).unwrap_or(u32::MAX);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            Ok(sent)
        });
        Ok(Background { stop, thread: Some(thread) })
    }

    /// Stops it: how many notes it appended.
    fn stop(mut self) -> Result<u64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| anyhow!("the background thread panicked"))?,
            None => Ok(0),
        }
    }
}

fn check_shape(shape: PortalShape) -> Result<()> {
    if !(3..=400).contains(&shape.members) {
        bail!("--members must be 3–400");
    }
    if shape.proposals < 2 {
        bail!("--proposals must be at least 2");
    }
    if shape.threads == 0 || shape.connections < shape.threads {
        bail!("--connections must be at least --threads, and --threads at least 1");
    }
    if shape.duration == 0 {
        bail!("--duration must be at least 1 second");
    }
    if shape.background > 1000 {
        bail!("--background must be 0–1000 appends a second");
    }
    require_tool("wrk", "-v", "wrk is needed to load the pages: apt-get install wrk (or run bench/portal.sh)")?;
    if shape.peer {
        require_tool("nginx", "-v", "nginx is needed for --peer: apt-get install nginx (or run bench/portal.sh)")?;
    }
    Ok(())
}

/// Fails with `hint` unless `tool` can be started.
fn require_tool(tool: &str, arg: &str, hint: &str) -> Result<()> {
    match Command::new(tool).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(_) => Ok(()),
        Err(_) => bail!("{hint}"),
    }
}

/// A temporary folder, removed on drop.
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn create(prefix: &str) -> Result<TempDir> {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sequencer's clock at genesis: fixed, so that the whole generated
/// log lies in the past.
struct FixedClock(Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The demo's Code without its editorial notes in the five other
/// languages: with them, 193 founding members and the Code outgrow one
/// entry (64 KiB). The texts stay in six languages; a version's page then
/// shows the English note, a few hundred bytes less than the demo's.
fn founding_document() -> Result<accord_core::code::DocumentDraft> {
    let mut d = accord::cmd::demo::code::founding_document()?;
    for a in &mut d.articles {
        a.notes.clear();
    }
    Ok(d)
}

/// Founds the body in `data` (keys written as `accord init` does) with the
/// demo's Code, then appends the decisions; returns the log size.
pub(super) fn build_body(data: &Path, roster: &Roster, proposals: usize) -> Result<u64> {
    std::fs::create_dir_all(data)?;
    make_private_dir(&keys_dir(data))?;
    let sec = new_key(&MemberId::secretariat().key_name(ORIGIN))?;
    let log = new_key(ORIGIN)?;
    // Two seconds per proposal, ending two seconds ago.
    let now = accord_node::SystemClock.now();
    let t0 = Timestamp(now.0 - now.0 % 1000 - 2000 * (proposals as i64 + 2));
    let genesis = Genesis {
        name: "Benchmark body".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.signer.verifier().to_vkey(),
        secretariat_key: sec.signer.verifier().to_vkey(),
        members: roster.founding_members(),
        rules: Some(super::bench_rules()),
        documents: vec![founding_document()?],
    };
    let store = accord_store::open(&db_url(data, None))?;
    accord_node::found_body(store.as_ref(), genesis, &sec.signer, &log.signer, &FixedClock(t0))?;
    write_key(&secretariat_key_path(data), &sec)?;
    write_key(&log_key_path(data), &log)?;
    let mut writer = LogWriter::open(store)?;
    let pb = bar(proposals as u64, "proposals");
    decided_proposals(roster, sec.signer.verifier().id(), t0, proposals, &pb, &mut |entry, _| writer.push(&entry))?;
    pb.finish_and_clear();
    writer.finish(&log.signer)
}

/// Appends entries to a store as the sequencer would: folded into state,
/// projected, tile hashes kept, in batches; a signed checkpoint at the end.
struct LogWriter {
    store: Arc<dyn Store>,
    state: State,
    frontier: Frontier,
    batch: AppendBatch,
}

impl LogWriter {
    const BATCH: usize = 20_000;

    fn open(store: Arc<dyn Store>) -> Result<LogWriter> {
        let state = accord_node::load_state(store.as_ref())?;
        let frontier = Frontier::load(&mut StoreHashes(store.as_ref()), state.size())?;
        let batch = AppendBatch { first: state.size(), ..AppendBatch::default() };
        Ok(LogWriter { store, state, frontier, batch })
    }

    fn push(&mut self, entry: &Entry) -> Result<()> {
        let applied = self
            .state
            .apply(entry, SigCheck::Deferred)
            .map_err(|r| anyhow!("entry {} refused: {r}", self.state.size()))?;
        let bytes = entry.to_bytes();
        let leaf = Hash::leaf(&bytes);
        let nodes = &mut self.batch.nodes;
        self.frontier.push(leaf, |(level, idx, h)| {
            if level > 0 && level % TILE_HEIGHT == 0 {
                nodes.push((level, idx, h));
            }
        });
        self.batch.effects.extend(applied.effects);
        self.batch.entries.push((bytes, leaf));
        if self.batch.entries.len() >= Self::BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if !self.batch.entries.is_empty() {
            self.store.append(&self.batch)?;
        }
        self.batch = AppendBatch { first: self.state.size(), ..AppendBatch::default() };
        Ok(())
    }

    /// Flushes, signs a checkpoint for the whole log, returns its size.
    fn finish(mut self, log_key: &Signer) -> Result<u64> {
        self.flush()?;
        let cp = Checkpoint::new(log_key.verifier().name(), self.frontier.size(), self.frontier.root());
        let previous = self.store.latest_checkpoint()?.map_or(0, |(s, _)| s);
        self.store.put_checkpoint(previous, self.frontier.size(), &cp.sign(log_key)?.to_text())?;
        Ok(self.frontier.size())
    }
}

/// Starts `accord serve` (this binary) on `data` and waits, at most five
/// minutes, for it to say where it listens.
pub(super) fn start_serve(data: &Path) -> Result<ChildNode> {
    let child = Command::new(super::accord_exe()?)
        .args(["serve", "--listen", "127.0.0.1:0", "--max-connections-per-address", "100000", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start accord serve")?;
    // From here on, the guard stops the server however this returns.
    let mut node = ChildNode { child, url: String::new(), keys: Vec::new() };
    let stdout = node.child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        // Keep draining so that the server never writes into a closed pipe.
        for _ in lines {}
    });
    let line = match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(Some(Ok(line))) => line,
        Ok(_) => bail!("accord serve stopped before it listened"),
        Err(_) => bail!("accord serve did not listen within 300 s"),
    };
    node.url = line
        .trim()
        .strip_prefix("accord: listening on ")
        .ok_or_else(|| anyhow!("accord serve did not say where it listens: {line:?}"))?
        .to_string();
    Ok(node)
}

/// The public pages measured: paths into the middle of the body.
fn page_paths(roster: &Roster, proposals: usize, entries: u64) -> Vec<String> {
    let member = &roster.ids[roster.ids.len() / 2];
    vec![
        "/".into(),
        "/members".into(),
        format!("/members/{member}"),
        "/proposals".into(),
        "/proposals?page=100".into(),
        format!("/proposals/p{}", proposals / 2),
        "/code/ICCIS".into(),
        "/code/ICCIS/versions/1".into(),
        "/log".into(),
        format!("/entries/{}", entries / 2),
    ]
}

/// One page as first fetched.
struct Page {
    path: String,
    status: u16,
    body: Vec<u8>,
    cache_control: Option<String>,
    /// The file name nginx serves it under, and its content type.
    file: String,
}

impl Page {
    fn ok(&self) -> bool {
        self.status == 200
    }
}

/// Fetches every page once, then the stylesheet the home page links to.
fn fetch_pages(url: &str, paths: &[String]) -> Result<Vec<Page>> {
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let mut pages = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        pages.push(fetch(&http, url, path, format!("{i}.html"))?);
    }
    let css =
        pages.first().filter(|home| home.ok()).and_then(|home| stylesheet_href(&String::from_utf8_lossy(&home.body)));
    match css {
        Some(path) => pages.push(fetch(&http, url, &path, "portal.css".into())?),
        None => eprintln!("accord bench portal: the home page links no /static/portal.css?v=…; asset skipped"),
    }
    Ok(pages)
}

fn fetch(http: &reqwest::blocking::Client, url: &str, path: &str, file: String) -> Result<Page> {
    let res = http.get(format!("{url}{path}")).send().with_context(|| format!("GET {path}"))?;
    let status = res.status().as_u16();
    let cache_control =
        res.headers().get(reqwest::header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = res.bytes().with_context(|| format!("GET {path}: body"))?.to_vec();
    Ok(Page { path: path.to_string(), status, body, cache_control, file })
}

/// `/static/portal.css?v=…` as the page links it.
fn stylesheet_href(html: &str) -> Option<String> {
    let start = html.find("/static/portal.css")?;
    let rest = &html[start..];
    let end = rest.find(['"', '\'', ' ', '>']).unwrap_or(rest.len());
    Some(rest[..end].replace("&amp;", "&"))
}

/// nginx serving the pages' bytes from files, stopped on drop.
struct Nginx {
    child: Child,
    url: String,
}

impl Nginx {
    /// Writes the pages that answered 200 and a minimal config into `dir`,
    /// starts nginx with as many workers as Accord has runtime threads,
    /// and checks that it serves the same bytes.
    fn start(dir: &Path, pages: &[Page]) -> Result<Nginx> {
        use std::os::unix::fs::PermissionsExt;
        let www = dir.join("www");
        std::fs::create_dir_all(&www)?;
        // nginx's workers drop to `nobody` when started by root.
        for d in [dir, &www] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))?;
        }
        for p in pages.iter().filter(|p| p.ok()) {
            let f = www.join(&p.file);
            std::fs::write(&f, &p.body)?;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644))?;
        }
        let port = free_port()?;
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::fs::write(dir.join("nginx.conf"), nginx_conf(dir, &www, port, workers))?;
        let child = Command::new("nginx")
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start nginx")?;
        let mut nginx = Nginx { child, url: format!("http://127.0.0.1:{port}") };
        nginx.wait_listening(port, dir)?;
        nginx.check_same_bytes(pages)?;
        Ok(nginx)
    }

    fn wait_listening(&mut self, port: u16, dir: &Path) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                bail!("nginx exited ({status}): {log}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("nginx did not listen on port {port} within 10 s")
    }

    fn check_same_bytes(&self, pages: &[Page]) -> Result<()> {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build()?;
        for p in pages.iter().filter(|p| p.ok()) {
            let res = http.get(format!("{}/{}", self.url, p.file)).send()?;
            let status = res.status();
            if !status.is_success() || res.bytes()?.as_ref() != p.body.as_slice() {
                bail!("nginx does not serve {} as Accord did (status {status})", p.path);
            }
        }
        Ok(())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

/// SIGTERM, up to five seconds to exit, then SIGKILL — this child only.
fn stop_child(child: &mut Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A loopback port nobody listens on right now.
fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Static files, keep-alive without a request limit (hyper has none),
/// no access log: nginx at its fastest for these bytes.
fn nginx_conf(dir: &Path, www: &Path, port: u16, workers: usize) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nworker_processes {workers};\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000000;\n\
         \x20 types {{ text/html html; text/css css; }}\n  default_type application/octet-stream;\n\
         \x20 server {{ listen 127.0.0.1:{port}; root {}; }}\n}}\n",
        www.display()
    )
}

/// What `wrk` reported for one URL.
#[derive(Debug, Clone, Default, PartialEq)]
struct WrkResult {
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    /// "Non-2xx or 3xx responses" and socket errors, if any.
    trouble: Option<String>,
}

/// One measured page: Accord's figures, and the peer's.
struct Row {
    path: String,
    bytes: usize,
    accord: WrkResult,
    /// Median time of one request with nothing else running (21 in a row).
    alone_ms: f64,
    /// The server's CPU time (user + system) per request under load.
    cpu_ms_per_request: f64,
    peer: Option<WrkResult>,
}

fn measure(node: &ChildNode, nginx: Option<&Nginx>, pages: &[Page], shape: PortalShape) -> Result<Vec<Row>> {
    let ok: Vec<&Page> = pages.iter().filter(|p| p.ok()).collect();
    let runs = ok.len() as u64 * if nginx.is_some() { 2 } else { 1 };
    let pb = bar(runs, "wrk runs");
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let pid = node.child.id().to_string();
    let mut rows = Vec::new();
    for p in ok {
        let url = format!("{}{}", node.url, p.path);
        let alone_ms = alone(&http, &url)?;
        warm_up(&url, shape)?;
        let cpu0 = super::cpu_seconds(&pid);
        let accord = wrk(&url, shape)?;
        let cpu_ms_per_request = 1000.0 * (super::cpu_seconds(&pid) - cpu0) / accord.requests.max(1) as f64;
        pb.inc(1);
        let peer = match nginx {
            Some(n) => {
                let url = format!("{}/{}", n.url, p.file);
                warm_up(&url, shape)?;
                let r = wrk(&url, shape)?;
                pb.inc(1);
                Some(r)
            }
            None => None,
        };
        rows.push(Row { path: p.path.clone(), bytes: p.body.len(), accord, alone_ms, cpu_ms_per_request, peer });
    }
    pb.finish_and_clear();
    Ok(rows)
}

/// The median time of 21 requests in a row on one keep-alive connection.
fn alone(http: &reqwest::blocking::Client, url: &str) -> Result<f64> {
    let mut times = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        let res = http.get(url).send()?;
        if !res.status().is_success() {
            bail!("GET {url}: {}", res.status());
        }
        res.bytes()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(super::percentile(&times, 0.5))
}

/// The same load for two seconds, not measured: connections, caches and
/// the server's reader pool warm before the clock starts (both servers).
fn warm_up(url: &str, shape: PortalShape) -> Result<()> {
    wrk(url, PortalShape { duration: WARM_UP_SECONDS, ..shape }).map(|_| ())
}

/// `wrk -t T -c C -d D --latency URL`, stopped if it overruns by 60 s.
fn wrk(url: &str, shape: PortalShape) -> Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t",
        &shape.threads.to_string(),
        "-c",
        &shape.connections.to_string(),
        "-d",
        &format!("{}s", shape.duration),
        "--timeout",
        "10s",
        "--latency",
        url,
    ]);
    let out = run_bounded(cmd, Duration::from_secs(shape.duration + 60))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk {url} failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text).ok_or_else(|| anyhow!("cannot read wrk's report for {url}:\n{text}"))
}

/// Runs `cmd` to completion, killing it (by its PID) after `limit`.
fn run_bounded(mut cmd: Command, limit: Duration) -> Result<Output> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait()?.is_some() {
            return Ok(child.wait_with_output()?);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{cmd:?} ran longer than {} s and was stopped", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Reads req/s, the 50 % and 99 % latencies and any errors from wrk's
/// `--latency` report.
fn parse_wrk(text: &str) -> Option<WrkResult> {
    let mut r = WrkResult::default();
    let mut trouble = Vec::new();
    let (mut rps, mut p50, mut p99) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("50%") {
            p50 = wrk_millis(v.trim());
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = wrk_millis(v.trim());
        } else if line.starts_with("Non-2xx") || line.starts_with("Socket errors") {
            trouble.push(line.to_string());
        } else if let Some((n, _)) = line.split_once(" requests in ") {
            r.requests = n.trim().parse().unwrap_or(0);
        }
    }
    r.requests_per_sec = rps?;
    r.p50_ms = p50?;
    r.p99_ms = p99?;
    r.trouble = (!trouble.is_empty()).then(|| trouble.join("; "));
    Some(r)
}

/// A wrk duration (`812.00us`, `1.23ms`, `2.01s`, `1.00m`) in milliseconds.
fn wrk_millis(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = v.strip_suffix('h') {
        (n, 3_600_000.0)
    } else {
        (v, 1.0)
    };
    num.trim().parse::<f64>().ok().map(|x| x * scale)
}

fn print_report(shape: PortalShape, size: u64, pages: &[Page], rows: &[Row]) {
    let PortalShape { members, proposals, duration, connections, threads, peer, .. } = shape;
    println!(
        "accord bench portal: {members} members, {proposals} proposals ({size} entries); \
         wrk -t{threads} -c{connections} -d{duration}s per page, loopback"
    );
    for p in pages {
        let cache = p.cache_control.as_deref().unwrap_or("none");
        let note = if p.ok() { String::new() } else { " — skipped (not built yet?)".into() };
        println!("  GET {:<24} {} {:>7} bytes, Cache-Control: {cache}{note}", p.path, p.status, p.body.len());
    }
    println!();
    if peer {
        println!(
            "| page | bytes | Accord req/s | p50 | p99 | alone | CPU/req | nginx req/s | nginx p99 | Accord ÷ nginx req/s |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
    } else {
        println!("| page | bytes | Accord req/s | p50 | p99 | alone | CPU/req |");
        println!("|---|---|---|---|---|---|---|");
    }
    for r in rows {
        let a = &r.accord;
        let mut line = format!(
            "| `{}` | {} | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            short(&r.path),
            r.bytes,
            a.requests_per_sec,
            a.p50_ms,
            a.p99_ms,
            r.alone_ms,
            r.cpu_ms_per_request
        );
        if let Some(n) = &r.peer {
            line.push_str(&format!(
                " {:.0} | {:.2} ms | {:.3} |",
                n.requests_per_sec,
                n.p99_ms,
                a.requests_per_sec / n.requests_per_sec
            ));
        }
        println!("{line}");
    }
    println!();
    print_notes(rows, peer);
    for r in rows {
        let a = &r.accord;
        println!(
            "accord page={} rps={:.1} p50_ms={:.3} p99_ms={:.3} alone_ms={:.3} cpu_ms_per_req={:.3}",
            r.path, a.requests_per_sec, a.p50_ms, a.p99_ms, r.alone_ms, r.cpu_ms_per_request
        );
        if let Some(n) = &r.peer {
            println!(
                "nginx page={} rps={:.1} p50_ms={:.3} p99_ms={:.3}",
                r.path, n.requests_per_sec, n.p50_ms, n.p99_ms
            );
        }
    }
}

/// A path for the table: an asset's version hash shortened.
fn short(path: &str) -> String {
    match path.split_once("?v=") {
        Some((p, _)) => format!("{p}?v=…"),
        None => path.to_string(),
    }
}

fn print_notes(rows: &[Row], peer: bool) {
    let missed: Vec<String> = rows
        .iter()
        .filter(|r| r.accord.p99_ms > GOAL_P99_MS)
        .map(|r| format!("{} ({:.1} ms)", short(&r.path), r.accord.p99_ms))
        .collect();
    if missed.is_empty() {
        println!("goal p99 ≤ {GOAL_P99_MS} ms: met on all {} pages measured", rows.len());
    } else {
        println!("goal p99 ≤ {GOAL_P99_MS} ms: missed on {}", missed.join(", "));
    }
    for r in rows {
        if let Some(t) = &r.accord.trouble {
            println!("  accord {}: {t}", r.path);
        }
        if let Some(t) = r.peer.as_ref().and_then(|p| p.trouble.as_ref()) {
            println!("  nginx {}: {t}", r.path);
        }
    }
    println!(
        "alone: median of 21 requests one at a time; CPU/req: the server's CPU (user + system) per request \
         under load; wrk runs on the same cores; each URL had {WARM_UP_SECONDS} s of the same load, unmeasured, first."
    );
    if peer {
        println!(
            "nginx serves the same bytes precomputed, from files (an upper bound); \
             Accord renders each request from its SQLite projections."
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 10s test @ http://127.0.0.1:8080/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  800.10us  20.01ms   90.00%
    Req/Sec    10.60k     1.20k   12.00k    70.00%
  Latency Distribution
     50%  812.00us
     75%    1.80ms
     90%    2.50ms
     99%    1.05s
  211000 requests in 10.00s, 1.20GB read
  Non-2xx or 3xx responses: 3
Requests/sec:  21099.50
Transfer/sec:    122.88MB
";

    #[test]
    fn reads_wrk_report() {
        let r = parse_wrk(REPORT).unwrap();
        assert_eq!(r.requests_per_sec, 21099.5);
        assert!((r.p50_ms - 0.812).abs() < 1e-9);
        assert!((r.p99_ms - 1050.0).abs() < 1e-9);
        assert_eq!(r.requests, 211_000);
        assert_eq!(r.trouble.as_deref(), Some("Non-2xx or 3xx responses: 3"));
        assert!(parse_wrk("Running 10s test\n").is_none());
    }

    #[test]
    fn finds_versioned_stylesheet() {
        let html = r#"<link rel="stylesheet" href="/static/portal.css?v=0123abcd"><p>x</p>"#;
        assert_eq!(stylesheet_href(html).as_deref(), Some("/static/portal.css?v=0123abcd"));
        assert_eq!(stylesheet_href("<p>none</p>"), None);
    }
}
