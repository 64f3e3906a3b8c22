//! Shared helpers: found a body with the CLI, start and stop servers,
//! sign statements, and find outside tools (loudly).

use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq, Timestamp};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

pub fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The test venv's python (created by scripts/python-env.sh); `None`
/// (loudly) outside CI when it cannot be made; a failure under CI=true.
pub fn python() -> Option<PathBuf> {
    let out = Command::new(repo_root().join("scripts/python-env.sh")).current_dir(repo_root()).output();
    match out {
        Ok(o) if o.status.success() => {
            let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string());
            Some(p)
        }
        other => {
            let why = format!("{other:?}");
            if ci() {
                panic!("CI=true but the Python test venv could not be set up: {why}");
            }
            eprintln!("SKIPPED: the Python test venv could not be set up: {why}");
            None
        }
    }
}

pub struct Member {
    pub id: MemberId,
    pub key: KeyFile,
    pub key_path: PathBuf,
    pub seq: u64,
}

impl Member {
    /// Signs a statement with the next seq.
    pub fn sign(&mut self, kind: &str, body: serde_json::Value) -> String {
        self.seq += 1;
        sign_with(&self.key, &self.id, self.seq, kind, body)
    }
}

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    Timestamp(ms - ms % 1000)
}

pub fn sign_with(key: &KeyFile, id: &MemberId, seq: u64, kind: &str, body: serde_json::Value) -> String {
    let text = statement_text(id, Seq(seq), now(), kind, body);
    key.signer.sign_note(&text).unwrap().to_text()
}

/// `accord keygen` of member `id` into `dir`; returns the key file and the vkey.
pub fn keygen(dir: &Path, id: &str) -> (PathBuf, String) {
    let key_path = dir.join(format!("{id}.key"));
    let out = accord().args(["keygen", "--origin", ORIGIN, "--member", id, "--out"]).arg(&key_path).output().unwrap();
    assert!(out.status.success(), "keygen: {}", String::from_utf8_lossy(&out.stderr));
    (key_path, String::from_utf8(out.stdout).unwrap().trim().to_string())
}

/// Writes `members_toml` to `dir/members.toml` and runs `accord init`
/// on it into `dir/data`.
pub fn init(dir: &Path, members_toml: &str) -> std::process::Output {
    std::fs::write(dir.join("members.toml"), members_toml).unwrap();
    accord()
        .args(["init", "--data"])
        .arg(dir.join("data"))
        .arg("--members")
        .arg(dir.join("members.toml"))
        .output()
        .unwrap()
}

/// A body founded with `accord keygen` and `accord init` in a temp folder.
pub struct Body {
    pub dir: tempfile::TempDir,
    pub members: Vec<Member>,
    pub log_vkey: String,
}

pub const ORIGIN: &str = "e2e.accord.example/log";

/// Rules of procedure for bodies that tests load with many statements a
/// member: rate limits they cannot reach (the limits have tests of their own).
pub const LOAD_RULES: &str = "[rules]\nrate_statements_per_minute = 1000000\nrate_bytes_per_day = 1099511627776\n";

impl Body {
    pub fn found(n: usize) -> Body {
        Body::found_with(n, "")
    }

    /// Like [`Body::found`], with `extra` appended to the members file
    /// (a `[rules]` table, say).
    pub fn found_with(n: usize, extra: &str) -> Body {
        let dir = tempfile::tempdir().unwrap();
        let mut toml = format!("origin = \"{ORIGIN}\"\nname = \"End-to-end test body\"\n");
        let mut members = Vec::new();
        for i in 0..n {
            let id = format!("M{i:03}");
            let (key_path, vkey) = keygen(dir.path(), &id);
            toml.push_str(&format!("\n[[member]]\nid = \"{id}\"\nname = \"State {i}\"\nvkey = \"{vkey}\"\n"));
            let key = KeyFile::parse(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
            members.push(Member { id: MemberId::parse(&id).unwrap(), key, key_path, seq: 0 });
        }
        toml.push('\n');
        toml.push_str(extra);
        let out = init(dir.path(), &toml);
        assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
        let log_vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
        Body { dir, members, log_vkey }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn serve(&self) -> Server {
        Server::start(&self.data())
    }
}

/// A running `accord serve` on 127.0.0.1 with a free port.
pub struct Server {
    pub child: Option<Child>,
    pub url: String,
}

impl Server {
    /// `accord serve` on the body in `data`, on a free loopback port.
    pub fn start(data: &Path) -> Server {
        Server::spawn(&["serve", "--listen", "127.0.0.1:0", "--data"], data)
    }

    /// `accord serve` on `data` with extra arguments (limits, say).
    pub fn start_with(data: &Path, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        args.push("--data");
        Server::spawn(&args, data)
    }

    /// `accord demo` founding (once) and serving the demo body in `dir`,
    /// on a free loopback port, as a newcomer would run it.
    pub fn demo(dir: &Path) -> Server {
        Server::spawn(&["demo", "--listen", "127.0.0.1:0", "--dns-listen", "127.0.0.1:0", "--dir"], dir)
    }

    /// Runs `accord ARGS PATH` and waits for its "listening on" line.
    fn spawn(args: &[&str], path: &Path) -> Server {
        let mut cmd = accord();
        cmd.args(args).arg(path).env("RUST_LOG", "warn");
        Server::listening(cmd)
    }

    /// Starts `cmd` (an `accord serve`, `demo` or `witness`) and waits for
    /// its "accord: listening on URL" line.
    pub fn listening(mut cmd: Command) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("accord: listening on ")
            .unwrap_or_else(|| panic!("{cmd:?} said {line:?}"))
            .to_string();
        Server { child: Some(child), url }
    }

    /// SIGKILL, no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        client().get(format!("{}{path}", self.url)).send().unwrap()
    }

    pub fn post_statement(&self, note: &str) -> reqwest::blocking::Response {
        client()
            .post(format!("{}/api/v1/statements", self.url))
            .header("content-type", "text/plain")
            .body(note.to_string())
            .send()
            .unwrap()
    }

    /// Waits until the published checkpoint covers `size` entries.
    pub fn wait_checkpoint(&self, size: u64) -> String {
        for _ in 0..200 {
            let cp = self.get("/log/checkpoint").text().unwrap();
            if cp.lines().nth(1).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0) >= size {
                return cp;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("no checkpoint of size {size} within 5 s");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// POSTs a signed statement to the node at `url` with `http`.
pub fn post_note(http: &reqwest::blocking::Client, url: &str, note: String) -> reqwest::blocking::Response {
    http.post(format!("{url}/api/v1/statements")).header("content-type", "text/plain").body(note).send().unwrap()
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Asserts an RFC 9457 problem response with the given status and code.
pub fn assert_problem(r: reqwest::blocking::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(r.status().as_u16(), status, "expected {status} {code}");
    let ct = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert_eq!(ct, "application/problem+json");
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["status"], status);
    assert_eq!(v["code"], code, "problem: {v}");
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(v["detail"].as_str().is_some_and(|t| !t.is_empty()));
    v
}

/// Every member submits `total / members` notes, all members at once, each
/// on its own connection; every one must be acknowledged.
pub fn append_concurrently(body: &mut Body, server: &Server, total: usize) {
    let per = total / body.members.len();
    std::thread::scope(|s| {
        for m in body.members.iter_mut() {
            let url = server.url.clone();
            s.spawn(move || {
                let http = client();
                for i in 0..per {
                    let note = m.sign("note.publish", serde_json::json!({ "text": format!("{} statement {i}", m.id) }));
                    assert_eq!(post_note(&http, &url, note).status().as_u16(), 201);
                }
            });
        }
    });
}

/// A proxy in front of a node that serves everything as the node does,
/// except what `rewrite` changes (given each path and answer): what a
/// dishonest node, or one caught mid-append, would show.
pub struct Proxy {
    pub url: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub type Rewrite = Arc<std::sync::Mutex<Box<dyn FnMut(&str, Vec<u8>) -> Vec<u8> + Send>>>;

pub fn rewrite(f: impl FnMut(&str, Vec<u8>) -> Vec<u8> + Send + 'static) -> Rewrite {
    Arc::new(std::sync::Mutex::new(Box::new(f)))
}

impl Proxy {
    pub fn start(upstream: &str, doctor: Rewrite) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let (upstream, stop2) = (upstream.to_string(), stop.clone());
        let thread = std::thread::spawn(move || {
            let http = client();
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                // One request per connection; errors only end that connection.
                let _ = serve_one(conn, &http, &upstream, &doctor);
            }
        });
        Proxy { url, stop, thread: Some(thread) }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_one(
    conn: TcpStream,
    http: &reqwest::blocking::Client,
    upstream: &str,
    doctor: &Rewrite,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, ctype, size, body) = match http.get(format!("{upstream}{path}")).send() {
        Ok(r) => {
            let status = r.status().as_u16();
            let header = |h: &str| r.headers().get(h).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            // The headers the auditor reads, forwarded as they are.
            let mut kept = String::new();
            for h in ["accord-log-size", "accord-zone-serial", "accord-policy-size"] {
                let v = header(h);
                if !v.is_empty() {
                    kept.push_str(&format!("{h}: {v}\r\n"));
                }
            }
            (status, header("content-type"), kept, r.bytes().map(|b| b.to_vec()).unwrap_or_default())
        }
        Err(_) => (502, "text/plain".to_string(), String::new(), b"upstream".to_vec()),
    };
    let body = if status == 200 { (doctor.lock().unwrap())(&path, body) } else { body };
    let mut conn = conn;
    write!(
        conn,
        "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\n{size}content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(&body)?;
    conn.flush()?;
    // Drain what the client may still send before closing.
    let _ = reader.get_mut().set_read_timeout(Some(Duration::from_millis(10)));
    let _ = reader.read(&mut [0u8; 64]);
    Ok(())
}

/// Waits until the server closes `s` (a read gives 0 bytes or an error);
/// how long that took, at most `within`.
pub fn closed_within(mut s: std::net::TcpStream, within: std::time::Duration) -> Option<std::time::Duration> {
    let started = std::time::Instant::now();
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match std::io::Read::read(&mut s, &mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                return None
            }
            Err(_) => return Some(started.elapsed()),
        }
    }
}
