//! The node and its members' witnesses, end to end: members register
//! witnesses (real `accord witness` processes) by signed statements, the
//! node's checkpoints carry their cosignatures, `accord audit` trusts a
//! checkpoint only with a quorum, a dead, a slow and a lying witness never
//! hold checkpoints back, and a split view (the operator serving two
//! histories under one log key) is refused by every honest witness and
//! reported by `accord audit --compare` with evidence anyone can check.

use crate::common::*;
use accord_log::cosignature::Cosigner;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A real `accord witness` for a member: its key's vkey, its server.
struct Witness {
    vkey: String,
    server: Server,
    _dir: tempfile::TempDir,
}

fn witness(name: &str, follow: &str) -> Witness {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("witness.key");
    let out = accord().args(["witness-keygen", "--name", name, "--out"]).arg(&key).output().unwrap();
    assert!(out.status.success(), "witness-keygen: {}", String::from_utf8_lossy(&out.stderr));
    let vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let server = crate::witness::start_witness(&dir.path().join("data"), &key, &["--follow", follow]);
    Witness { vkey, server, _dir: dir }
}

fn register(server: &Server, m: &mut Member, url: &str, vkey: &str) {
    let st = m.sign("witness.register", serde_json::json!({ "url": url, "vkey": vkey }));
    let r = server.post_statement(&st);
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
}

fn note(server: &Server, m: &mut Member, text: &str) -> u64 {
    let st = m.sign("note.publish", serde_json::json!({ "text": text }));
    let r = server.post_statement(&st);
    assert_eq!(r.status().as_u16(), 201);
    r.json::<serde_json::Value>().unwrap()["index"].as_u64().unwrap()
}

fn witnesses_view(server: &Server) -> serde_json::Value {
    server.get("/api/v1/witnesses").json().unwrap()
}

/// Waits (bounded) for a published checkpoint of at least `size` whose
/// cosigners satisfy `ok`; returns its entry in /api/v1/witnesses.
fn wait_cosigned(server: &Server, size: u64, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let v = witnesses_view(server);
        if let Some(cp) = v["checkpoints"].as_array().and_then(|a| a.first()) {
            if cp["size"].as_u64().unwrap_or(0) >= size && ok(cp) {
                return cp.clone();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no checkpoint of size {size} as wanted: {v:#}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Like [`wait_cosigned`], appending a note by `m` every 2 s meanwhile: a
/// witness still writing an earlier cosignature misses one checkpoint,
/// and on a loaded machine the one wanted may be that one.
fn wait_cosigned_nudging(
    server: &Server,
    m: &mut Member,
    size: u64,
    ok: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    let mut nudged = Instant::now();
    loop {
        let v = witnesses_view(server);
        if let Some(cp) = v["checkpoints"].as_array().and_then(|a| a.first()) {
            if cp["size"].as_u64().unwrap_or(0) >= size && ok(cp) {
                return cp.clone();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no checkpoint of size {size} as wanted: {v:#}");
        if nudged.elapsed() > Duration::from_secs(2) {
            note(server, m, "nudge");
            nudged = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn audit(url: &str, state: &Path, extra: &[&str]) -> std::process::Output {
    accord().arg("audit").arg(url).arg("--state").arg(state).args(extra).output().unwrap()
}

/// Checks the checkpoint's log signature and every cosignature with
/// tlog-scales (PyPI), which nobody here wrote.
fn verify_independently(server: &Server, log_vkey: &str, witness_vkeys: &[&str]) {
    let Some(py) = python() else { return };
    let cp = server.get("/log/checkpoint").text().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoint");
    std::fs::write(&file, &cp).unwrap();
    let mut cmd = std::process::Command::new(py);
    cmd.arg(repo_root().join("tests/interop/cosigned_verify.py")).arg(&file).arg(log_vkey);
    for v in witness_vkeys {
        cmd.arg(v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "tlog-scales refuses: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("{} cosignatures verified", witness_vkeys.len())), "{said}");
}

#[test]
fn checkpoints_carry_a_quorum_of_member_cosignatures_and_audit_requires_one() {
    let mut body = Body::found(3);
    let server = Server::start_with(&body.data(), &["--witness-allow-private"]);
    server.wait_checkpoint(1);
    let ws: Vec<Witness> = (0..3).map(|i| witness(&format!("witness{i}.e2e.example"), &server.url)).collect();
    for (m, w) in body.members.iter_mut().zip(&ws) {
        register(&server, m, &w.server.url, &w.vkey);
    }
    let at = note(&server, &mut body.members[0], "cosigned");
    let cp = wait_cosigned_nudging(&server, &mut body.members[2], at + 1, |cp| {
        cp["cosigned"].as_object().is_some_and(|o| o.len() == 3)
    });
    assert_eq!(cp["quorum"], true);
    // The policy in force names the three, a majority of them needed.
    let policy = server.get("/log/policy").text().unwrap();
    for m in ["M000", "M001", "M002"] {
        assert!(policy.contains(&format!("witness {m} ")), "{policy}");
    }
    assert!(policy.contains("group _counted 2 M000 M001 M002"), "{policy}");
    let vkeys: Vec<&str> = ws.iter().map(|w| w.vkey.as_str()).collect();
    verify_independently(&server, &body.log_vkey, &vkeys);
    let state = body.dir.path().join("audit.json");
    let out = audit(&server.url, &state, &[]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "audit: {said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("quorum met: 3 cosigned (M000, M001, M002), 2 of 3 counted needed"), "{said}");
    assert!(said.contains("/log/policy is the replay's"), "{said}");

    // A node serving another policy than its rules and registrations make
    // (here: none required) is caught.
    let proxy = Proxy::start(
        &server.url,
        rewrite(|path, b| {
            if path == "/log/policy" {
                let text = String::from_utf8(b).unwrap();
                let log = text.lines().next().unwrap().to_string();
                format!("{log}\nquorum none\n").into_bytes()
            } else {
                b
            }
        }),
    );
    let out = audit(&proxy.url, &body.dir.path().join("proxied.json"), &["--log-key", &body.log_vkey]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is not the policy of the rules and registered witnesses"), "{err}");
    drop(proxy);

    // Two witnesses gone: the next checkpoint has one cosignature, which
    // is not a quorum, and the audit does not trust it.
    let mut ws = ws;
    for w in ws.iter_mut().skip(1) {
        w.server.kill9();
    }
    let at = note(&server, &mut body.members[0], "one witness left");
    let cp = wait_cosigned(&server, at + 1, |_| true);
    assert_eq!(cp["quorum"], false, "{cp}");
    let out = audit(&server.url, &state, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not trusted") && err.contains("needs 2 of the 3 counted witnesses"), "{err}");
    let metrics = server.get("/metrics").text().unwrap();
    assert!(metrics.contains("accord_witness_checkpoints_total{witness=\"M001\",result=\"unreachable\"}"), "{metrics}");
    assert!(!metrics.contains("accord_checkpoints_without_quorum_total 0\n"), "{metrics}");
}

/// A witness that answers every request with what `answer` gives, after
/// `delay`: a stand-in for a slow or a lying one.
fn fake_witness(delay: Duration, answer: impl Fn() -> String + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                std::thread::sleep(delay);
                let a = answer();
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{a}",
                    a.len()
                );
            });
        }
    });
    url
}

#[test]
fn a_dead_a_slow_and_a_lying_witness_never_hold_checkpoints_back() {
    let mut body = Body::found(7);
    let server = Server::start_with(&body.data(), &["--witness-allow-private"]);
    server.wait_checkpoint(1);
    let honest: Vec<Witness> = (0..4).map(|i| witness(&format!("honest{i}.e2e.example"), &server.url)).collect();
    let dead_url = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let slow_key = Cosigner::new("slow.e2e.example", ed25519_dalek::SigningKey::from_bytes(&[31; 32])).unwrap();
    let liar_key = Cosigner::new("liar.e2e.example", ed25519_dalek::SigningKey::from_bytes(&[32; 32])).unwrap();
    let dead_key = Cosigner::new("dead.e2e.example", ed25519_dalek::SigningKey::from_bytes(&[33; 32])).unwrap();
    let slow_url = fake_witness(Duration::from_secs(5), || "not a cosignature\n".to_string());
    let liar = liar_key.clone();
    let liar_url = fake_witness(Duration::ZERO, move || {
        // A well-formed line by its registered key, over another text.
        liar.cosign("another checkpoint\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 1_800_000_000).to_line()
    });
    let fakes = [
        (dead_url, dead_key.key().to_vkey()),
        (slow_url, slow_key.key().to_vkey()),
        (liar_url, liar_key.key().to_vkey()),
    ];
    let (first, rest) = body.members.split_at_mut(4);
    for (m, w) in first.iter_mut().zip(&honest) {
        register(&server, m, &w.server.url, &w.vkey);
    }
    for (m, (url, vkey)) in rest.iter_mut().zip(&fakes) {
        register(&server, m, url, vkey);
    }
    // Seven witnesses, a majority is four: the honest ones make it.
    for round in 0..4 {
        let started = Instant::now();
        let at = note(&server, &mut body.members[0], &format!("round {round}"));
        let cp = wait_cosigned_nudging(&server, &mut body.members[1], at + 1, |cp| cp["quorum"] == true);
        let names: Vec<&String> = cp["cosigned"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["M000", "M001", "M002", "M003"], "{cp}");
        eprintln!(
            "round {round}: cosigned checkpoint of size {} published {:?} after the append",
            cp["size"],
            started.elapsed()
        );
    }
    let v = witnesses_view(&server);
    let result = |m: &str, label: &str| -> u64 {
        let w = v["witnesses"].as_array().unwrap().iter().find(|w| w["member"] == m).unwrap();
        w["results"][label].as_u64().unwrap_or(0)
    };
    assert!(result("M004", "unreachable") > 0, "{v:#}");
    assert!(result("M005", "late") + result("M005", "busy") > 0, "{v:#}");
    assert!(result("M006", "bad") > 0, "{v:#}");
    assert_eq!(result("M004", "cosigned") + result("M005", "cosigned") + result("M006", "cosigned"), 0);
    let metrics = server.get("/metrics").text().unwrap();
    for (m, label) in [("M004", "unreachable"), ("M006", "bad")] {
        let line = format!("accord_witness_checkpoints_total{{witness=\"{m}\",result=\"{label}\"}} ");
        let n: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{line} not in {metrics}"));
        assert!(n > 0, "{line}{n}");
    }
    // The published checkpoint carries no line from the liar.
    let cp = server.get("/log/checkpoint").text().unwrap();
    assert!(!cp.contains("liar.e2e.example"), "{cp}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_name() != "accord.lock" {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The split view. The fault injected is the operator's own, and needs
/// no code in any binary: it copies its data directory (log key
/// included) and runs two nodes that accept different statements, so one
/// log key signs two histories. Every honest witness cosigns the first
/// and refuses the second; no checkpoint of the fork reaches a quorum;
/// `accord audit --compare` reports the fork with the evidence, which
/// `accord evidence` checks with the log key alone.
#[test]
fn a_split_view_is_refused_by_every_witness_and_reported_with_evidence() {
    let mut body = Body::found(3);
    let data = body.data();
    let mut a = Server::start_with(&data, &["--witness-allow-private"]);
    a.wait_checkpoint(1);
    let ws: Vec<Witness> = (0..3).map(|i| witness(&format!("w{i}.split.example"), &a.url)).collect();
    for (m, w) in body.members.iter_mut().zip(&ws) {
        register(&a, m, &w.server.url, &w.vkey);
    }
    let at = note(&a, &mut body.members[0], "before the fork");
    wait_cosigned_nudging(&a, &mut body.members[2], at + 1, |cp| {
        cp["cosigned"].as_object().is_some_and(|o| o.len() == 3)
    });
    a.stop();
    let fork_dir = tempfile::tempdir().unwrap();
    let fork_data: PathBuf = fork_dir.path().join("data");
    copy_dir(&data, &fork_data);
    let a = Server::start_with(&data, &["--witness-allow-private"]);
    let b = Server::start_with(&fork_data, &["--witness-allow-private"]);
    // The same member, the same seq, two different statements.
    let mut twin = Member {
        id: body.members[1].id.clone(),
        key: accord_core::KeyFile::parse(&std::fs::read_to_string(&body.members[1].key_path).unwrap()).unwrap(),
        key_path: body.members[1].key_path.clone(),
        seq: body.members[1].seq,
    };
    let at_a = note(&a, &mut body.members[1], "history A");
    wait_cosigned_nudging(&a, &mut body.members[2], at_a + 1, |cp| cp["quorum"] == true);
    let at_b = note(&b, &mut twin, "history B");
    note(&b, &mut twin, "history B, longer");
    assert_eq!(at_a, at_b);
    // B signs its checkpoints; every witness refuses them.
    let started = Instant::now();
    let v = loop {
        let v = witnesses_view(&b);
        let refused =
            v["witnesses"].as_array().unwrap().iter().all(|w| w["results"]["refused"].as_u64().unwrap_or(0) > 0);
        let top = v["checkpoints"].as_array().and_then(|c| c.first()).cloned().unwrap_or_default();
        if refused && top["size"].as_u64() == Some(at_b + 2) {
            break v;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the witnesses did not all refuse B: {v:#}");
        std::thread::sleep(Duration::from_millis(50));
    };
    for cp in v["checkpoints"].as_array().unwrap() {
        if cp["size"].as_u64().unwrap() > at_b {
            assert_eq!(cp["quorum"], false, "a forked checkpoint reached a quorum: {cp}");
            assert!(cp["cosigned"].as_object().unwrap().is_empty(), "{cp}");
        }
    }
    for w in v["witnesses"].as_array().unwrap() {
        assert_eq!(w["results"]["cosigned"].as_u64().unwrap_or(0), 0, "{w}");
        assert!(w["last_problem"].as_str().is_some_and(|p| !p.is_empty()), "{w}");
    }
    // The portal's proof check, in a browser, refuses B's checkpoint and
    // trusts A's.
    if let Some(v) = crate::browser::entry_verdict(&b.url, at_b) {
        assert_eq!(v["pass"], false, "{v}");
        assert_eq!(v["quorum"], "not-met", "{v}");
        assert_eq!(v["cosignatures"], 0, "{v}");
        assert_eq!(v["needed"], 2, "{v}");
    }
    if let Some(v) = crate::browser::entry_verdict(&a.url, at_a) {
        assert_eq!(v["pass"], true, "{v}");
        assert_eq!(v["quorum"], "met", "{v}");
        assert_eq!(v["cosigners"], serde_json::json!(["M000", "M001", "M002"]), "{v}");
    }
    // B alone does not pass an audit: its checkpoint lacks a quorum.
    let out = audit(&b.url, &fork_dir.path().join("b.json"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not trusted"));
    // A passes, and comparing it with B reports the fork with evidence.
    let evidence = fork_dir.path().join("evidence.txt");
    let out = audit(
        &a.url,
        &fork_dir.path().join("a.json"),
        &["--compare", &b.url, "--evidence", evidence.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}{err}", String::from_utf8_lossy(&out.stdout));
    assert!(err.contains("FORK"), "{err}");
    let out = accord().arg("evidence").arg(&evidence).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("FORK PROVEN"), "{said}");
    // The evidence holds A's cosigned checkpoint and B's bare one.
    let text = std::fs::read_to_string(&evidence).unwrap();
    assert!(text.contains("w0.split.example") && text.contains(&format!("\n{}\n", at_b + 2)), "{text}");
    // Tampering with it is caught.
    let forged = text.replacen(&format!("\n{}\n", at_b + 2), &format!("\n{}\n", at_b + 3), 1);
    std::fs::write(&evidence, forged).unwrap();
    let out = accord().arg("evidence").arg(&evidence).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    // Comparing A with itself is consistent.
    let out = audit(&a.url, &fork_dir.path().join("a2.json"), &["--compare", &a.url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("consistent"));
}
