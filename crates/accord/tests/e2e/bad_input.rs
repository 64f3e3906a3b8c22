//! Bad input over HTTP: every refusal is a 4xx `application/problem+json`
//! with the right code, nothing is appended, and the node keeps answering.
//! Ends with a seeded fuzz of a valid signed note.

use crate::common::*;
use accord_core::statement::STATEMENT_HEADER;
use accord_core::{KeyFile, Timestamp};
use ed25519_dalek::SigningKey;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::Duration;

// ---------------------------------------------------------------- helpers

/// Entries the node holds durably (its metrics gauge, not the checkpoint).
fn durable_size(server: &Server) -> u64 {
    let text = server.get("/metrics").text().unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("accord_log_entries "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no accord_log_entries in /metrics:\n{text}"))
}

fn checkpoint_size(server: &Server) -> u64 {
    let cp = server.get("/log/checkpoint").text().unwrap();
    cp.lines().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad checkpoint:\n{cp}"))
}

/// The settled size of the log: durable and checkpointed.
fn settled_size(server: &Server) -> u64 {
    let size = durable_size(server);
    server.wait_checkpoint(size);
    assert_eq!(checkpoint_size(server), size);
    size
}

/// After a moment, the log is still `size` entries long, in the durable
/// store, in the checkpoint and through the entries API.
fn assert_nothing_appended(server: &Server, size: u64, what: &str) {
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(durable_size(server), size, "{what}: an entry was appended");
    assert_eq!(checkpoint_size(server), size, "{what}: the checkpoint grew");
    eprintln!("bad_input: {what}: /api/v1/entries/{size} must not exist");
    assert_problem(server.get(&format!("/api/v1/entries/{size}")), 404, "not-found");
}

/// The node still takes a valid statement, at the next index.
fn assert_still_serving(server: &Server, m: &mut Member, size: u64) -> u64 {
    let note = m.sign("note.publish", json!({ "text": "still here" }));
    let r = server.post_statement(&note);
    assert_eq!(r.status().as_u16(), 201, "a valid statement after bad input: {}", r.text().unwrap_or_default());
    let v: Value = r.json().unwrap();
    assert_eq!(v["index"], size, "the valid statement did not get the next index");
    server.wait_checkpoint(size + 1);
    size + 1
}

fn post(server: &Server, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> reqwest::blocking::Response {
    let mut rq = client().post(format!("{}/api/v1/statements", server.url)).body(body.into());
    if let Some(ct) = content_type {
        rq = rq.header("content-type", ct);
    }
    rq.send().unwrap()
}

/// Posts `body` as text/plain and asserts the problem; then that nothing
/// was appended.
fn refused(server: &Server, size: u64, what: &str, body: impl Into<Vec<u8>>, status: u16, code: &str) {
    eprintln!("bad_input: {what}: expecting {status} {code}");
    assert_problem(post(server, Some("text/plain"), body), status, code);
    assert_nothing_appended(server, size, what);
}

/// The JSON line of a statement, written by hand (so it can be wrong).
fn line(member: &str, seq: u64, time: Timestamp, kind: &str, body: &str) -> String {
    format!(r#"{{"body":{body},"member":"{member}","seq":{seq},"time":"{}","type":"{kind}"}}"#, time.to_rfc3339())
}

/// A signed note over `accord/statement/v1` and `json_line`.
fn signed(key: &KeyFile, json_line: &str) -> String {
    key.signer.sign_note(&format!("{STATEMENT_HEADER}\n{json_line}\n")).unwrap().to_text()
}

/// A key that no member holds, named `name`.
fn stray_key(name: &str, seed: u8) -> KeyFile {
    KeyFile::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
}

/// A raw HTTP/1.1 GET, for paths a URL library would normalise (`..`).
fn raw_get(server: &Server, path: &str) -> (u16, String, String) {
    let addr = server.url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("GET {path}: no response head: {text:?}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("GET {path}: {head}"));
    let ctype = head
        .lines()
        .find_map(|l| {
            l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

/// GETs `path` and checks the problem with `assert_problem`; a failure
/// (or a dropped connection) is returned rather than raised, so that a
/// table of cases reports every case that fails.
fn check_get(server: &Server, path: &str, status: u16, code: &str) -> Option<String> {
    eprintln!("bad_input: GET {path}: expecting {status} {code}");
    let r = match client().get(format!("{}{path}", server.url)).send() {
        Ok(r) => r,
        Err(e) => return Some(format!("GET {path}: no answer (connection dropped?): {e}")),
    };
    let got = r.status();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_problem(r, status, code);
    }))
    .err()
    .map(|e| {
        let why = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        format!("GET {path}: answered {got}: {}", why.unwrap_or_default())
    })
}

fn founded() -> (Body, Server, u64) {
    let body = Body::found(3);
    let server = body.serve();
    let size = settled_size(&server);
    (body, server, size)
}

// ------------------------------------------------------------------ tests

#[test]
fn malformed_notes_are_refused() {
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    let seq = m.seq + 1;
    let t = now();
    let ok_line = line("M000", seq, t, "note.publish", r#"{"text":"hello"}"#);
    let good = signed(&m.key, &ok_line);
    let (text_part, sig_part) = good.rsplit_once("\n\n").unwrap();
    let sig_line = sig_part.trim_end_matches('\n');
    assert_eq!(sig_line.chars().last(), Some('='), "an Ed25519 note signature is padded base64");

    let mut invalid_utf8 = good.clone().into_bytes();
    let at = invalid_utf8.iter().position(|b| *b == b'h').unwrap();
    invalid_utf8.insert(at, 0xff);
    let garbage: Vec<u8> = (0u8..=255).rev().cycle().take(700).collect();
    let second = signed(&body.members[1].key, &ok_line);
    let two_sigs = format!("{good}{}", second.rsplit_once("\n\n").unwrap().1);

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty body", Vec::new()),
        ("a blank line", b"\n".to_vec()),
        ("no signature block", format!("{STATEMENT_HEADER}\n{ok_line}\n").into_bytes()),
        ("text then a blank line, no signatures", format!("{text_part}\n\n").into_bytes()),
        ("garbage bytes", garbage),
        ("invalid UTF-8 inside the statement", invalid_utf8),
        ("plain words", b"please append this".to_vec()),
        ("base64 cut short (invalid)", format!("{text_part}\n\n{}\n", &sig_line[..sig_line.len() - 10]).into_bytes()),
        (
            "signature line without a key name",
            format!("{text_part}\n\n— {}\n", sig_line.rsplit_once(' ').unwrap().1).into_bytes(),
        ),
        (
            "signature line without the em dash",
            format!("{text_part}\n\n{}\n", sig_line.trim_start_matches('—').trim_start()).into_bytes(),
        ),
        ("signature block without a final newline", good.trim_end_matches('\n').as_bytes().to_vec()),
        ("an extra blank line after the signatures", format!("{good}\n").into_bytes()),
        ("CRLF line endings", good.replace('\n', "\r\n").into_bytes()),
        ("two signatures", two_sigs.into_bytes()),
        ("wrong header", signed(&m.key, &ok_line).replacen(STATEMENT_HEADER, "accord/statement/v2", 1).into_bytes()),
        ("no header", m.key.signer.sign_note(&format!("{ok_line}\n")).unwrap().to_text().into_bytes()),
        ("two JSON lines", signed(&m.key, &format!("{ok_line}\n{ok_line}")).into_bytes()),
        ("JSON that is not an object", signed(&m.key, "[1,2,3]").into_bytes()),
        ("JSON that does not parse", signed(&m.key, r#"{"body":{"text":"x"}"#).into_bytes()),
        (
            "no seq",
            signed(
                &m.key,
                &format!(
                    r#"{{"body":{{"text":"x"}},"member":"M000","time":"{}","type":"note.publish"}}"#,
                    now().to_rfc3339()
                ),
            )
            .into_bytes(),
        ),
        (
            "member id in lower case",
            signed(&m.key, &line("m000", seq, now(), "note.publish", r#"{"text":"x"}"#)).into_bytes(),
        ),
        (
            "time with an offset instead of Z",
            signed(&m.key, &ok_line.replace(&t.to_rfc3339(), &t.to_rfc3339().replace('Z', "+00:00"))).into_bytes(),
        ),
        (
            "time with zero milliseconds spelt out",
            signed(&m.key, &ok_line.replace(&t.to_rfc3339(), &t.to_rfc3339().replace('Z', ".000Z"))).into_bytes(),
        ),
        (
            "body that is not an object",
            signed(&m.key, &line("M000", seq, now(), "note.publish", r#""hello""#)).into_bytes(),
        ),
        ("an unknown statement field", signed(&m.key, &ok_line.replacen("{", r#"{"a":1,"#, 1)).into_bytes()),
    ];
    // Sanity of the hand-made cases: the unmutated note is fine as built.
    assert!(accord_core::SignedStatement::parse(good.as_bytes()).is_ok());
    for (what, bytes) in cases {
        refused(&server, size, what, bytes, 400, "malformed");
    }
    // Numbers outside their range: seq is 1 to 2^53 − 1.
    for (what, seq) in [("seq 0", 0u64), ("seq 2^53", 1 << 53), ("seq 2^63 (JCS form)", 9_223_372_036_854_776_000)] {
        let bytes = signed(&m.key, &line("M000", seq, now(), "note.publish", r#"{"text":"x"}"#)).into_bytes();
        refused(&server, size, what, bytes, 400, "out-of-range");
    }
    // The first valid statement still gets index `size`.
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn oversized_bodies_are_refused_with_413() {
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    // A signed note of 65,500 bytes: above the statement limit (65,471),
    // within the HTTP body limit (65,536).
    let t = now();
    let note_of = |text_len: usize| {
        let text = "a".repeat(text_len);
        signed(&m.key, &line("M000", m.seq + 1, t, "note.publish", &format!(r#"{{"text":"{text}"}}"#)))
    };
    let overhead = note_of(0).len();
    let big_note = note_of(65_500 - overhead);
    assert_eq!(big_note.len(), 65_500);
    refused(&server, size, "a signed note of 65,500 bytes", big_note, 413, "too-large");
    refused(&server, size, "65,472 bytes of text", vec![b'a'; 65_472], 413, "too-large");
    // Exactly at the statement limit, it is judged on its form instead.
    refused(&server, size, "65,471 bytes of text", vec![b'a'; 65_471], 400, "malformed");
    refused(&server, size, "64 KiB + 1 bytes", vec![b'a'; 64 * 1024 + 1], 413, "too-large");
    refused(&server, size, "70,000 bytes", vec![b'x'; 70_000], 413, "too-large");
    refused(&server, size, "1 MiB", vec![b'z'; 1 << 20], 413, "too-large");
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn wrong_content_types_are_refused_with_415() {
    let (mut body, server, size) = founded();
    let note = body.members[0].sign("note.publish", json!({ "text": "typed" }));
    for ct in
        [Some("application/json"), None, Some("text/html"), Some("text/plainx"), Some("multipart/form-data"), Some("")]
    {
        let what = format!("content type {ct:?}");
        eprintln!("bad_input: {what}: expecting 415");
        assert_problem(post(&server, ct, note.clone()), 415, "unsupported-media-type");
        assert_nothing_appended(&server, size, &what);
    }
    // The very note refused for its content type was not consumed.
    let r = post(&server, Some("text/plain; charset=utf-8"), note);
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.json::<Value>().unwrap()["index"], size);
    server.wait_checkpoint(size + 1);
    assert_still_serving(&server, &mut body.members[1], size + 1);
}

#[test]
fn signatures_by_the_wrong_key_are_refused() {
    let (mut body, server, size) = founded();
    let (m0, m1) = (&body.members[0], &body.members[1]);
    let seq = m0.seq + 1;
    let for_m0 = line("M000", seq, now(), "note.publish", r#"{"text":"whose?"}"#);
    let stray_m0 = stray_key(&format!("{ORIGIN}/members/M000"), 7);
    let stray_zzz = stray_key(&format!("{ORIGIN}/members/ZZZ"), 8);
    let stray_sec = stray_key(&format!("{ORIGIN}/secretariat"), 9);

    refused(
        &server,
        size,
        "an unregistered member",
        signed(&stray_zzz, &line("ZZZ", 1, now(), "note.publish", r#"{"text":"hi"}"#)),
        403,
        "unknown-member",
    );
    refused(&server, size, "M000's statement signed by M001", signed(&m1.key, &for_m0), 403, "bad-signature");
    refused(
        &server,
        size,
        "M000's statement signed by a stray key named for M000",
        signed(&stray_m0, &for_m0),
        403,
        "bad-signature",
    );
    refused(
        &server,
        size,
        "the secretariat's statement signed by a stray key",
        signed(&stray_sec, &line("secretariat", 2, now(), "note.publish", r#"{"text":"hi"}"#)),
        403,
        "bad-signature",
    );
    let good = signed(&m0.key, &for_m0);
    refused(&server, size, "text changed after signing", good.replacen("whose?", "whose!", 1), 403, "bad-signature");
    // Cut the base64 by whole 4-character groups: still valid base64, but a
    // short signature.
    let (text_part, sig) = good.rsplit_once("\n\n").unwrap();
    let sig = sig.trim_end_matches('\n');
    refused(
        &server,
        size,
        "base64 cut by 4 characters",
        format!("{text_part}\n\n{}\n", &sig[..sig.len() - 4]),
        403,
        "bad-signature",
    );
    let (name_part, b64) = sig.rsplit_once(' ').unwrap();
    let mut raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).unwrap();
    raw[10] ^= 1;
    let flipped = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw);
    refused(
        &server,
        size,
        "one signature bit flipped",
        format!("{text_part}\n\n{name_part} {flipped}\n"),
        403,
        "bad-signature",
    );
    // The genuine note is then accepted at `size`.
    let r = server.post_statement(&good);
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.json::<Value>().unwrap()["index"], size);
    body.members[0].seq = seq;
    server.wait_checkpoint(size + 1);
    assert_still_serving(&server, &mut body.members[2], size + 1);
}

#[test]
fn non_canonical_json_is_refused() {
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    let seq = m.seq + 1;
    let t = now().to_rfc3339();
    let cases = [
        (
            "keys out of order",
            format!(r#"{{"member":"M000","body":{{"text":"x"}},"seq":{seq},"time":"{t}","type":"note.publish"}}"#),
        ),
        (
            "spaces after colons and commas",
            format!(
                r#"{{"body": {{"text": "x"}}, "member": "M000", "seq": {seq}, "time": "{t}", "type": "note.publish"}}"#
            ),
        ),
        (
            "a trailing space",
            format!(r#"{{"body":{{"text":"x"}},"member":"M000","seq":{seq},"time":"{t}","type":"note.publish"}} "#),
        ),
        (
            "a needless unicode escape",
            format!(r#"{{"body":{{"text":"\u0078"}},"member":"M000","seq":{seq},"time":"{t}","type":"note.publish"}}"#),
        ),
        (
            "an escaped slash",
            format!(r#"{{"body":{{"text":"a\/b"}},"member":"M000","seq":{seq},"time":"{t}","type":"note.publish"}}"#),
        ),
        (
            "seq written as a float",
            format!(r#"{{"body":{{"text":"x"}},"member":"M000","seq":{seq}.0,"time":"{t}","type":"note.publish"}}"#),
        ),
        (
            "seq with an exponent",
            format!(r#"{{"body":{{"text":"x"}},"member":"M000","seq":{seq}e0,"time":"{t}","type":"note.publish"}}"#),
        ),
    ];
    for (what, json_line) in cases {
        refused(&server, size, what, signed(&m.key, &json_line), 400, "not-canonical");
    }
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn unknown_types_and_bad_bodies_are_refused() {
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    let seq = m.seq + 1;
    for kind in ["note.delete", "NOTE.PUBLISH", "", "note.publish ", "vote.delete"] {
        let note = signed(&m.key, &line("M000", seq, now(), kind, r#"{"text":"x"}"#));
        refused(&server, size, &format!("type {kind:?}"), note, 400, "unknown-type");
    }
    let long = "é".repeat(4097);
    let bodies = [
        ("empty text", r#"{"text":""}"#.to_string()),
        ("an extra field", r#"{"extra":1,"text":"x"}"#.to_string()),
        ("no text", "{}".to_string()),
        ("text that is a number", r#"{"text":5}"#.to_string()),
        ("text that is null", r#"{"text":null}"#.to_string()),
        ("4097 characters of text", format!(r#"{{"text":"{long}"}}"#)),
    ];
    for (what, b) in bodies {
        let note = signed(&m.key, &line("M000", seq, now(), "note.publish", &b));
        refused(&server, size, &format!("note.publish with {what}"), note, 400, "bad-body");
    }
    // A well-formed act the rules refuse: rotating to the key one already has.
    let own = m.key.signer.verifier().to_vkey();
    let note = signed(&m.key, &line("M000", seq, now(), "member.key.rotate", &json!({ "vkey": own }).to_string()));
    refused(&server, size, "rotating to the current key", note, 422, "refused-by-rules");
    // Exactly 4096 characters is fine.
    let max = "é".repeat(4096);
    let r = server.post_statement(&body.members[1].sign("note.publish", json!({ "text": max })));
    assert_eq!(r.status().as_u16(), 201, "4096 characters must be accepted");
    server.wait_checkpoint(size + 1);
    assert_still_serving(&server, &mut body.members[0], size + 1);
}

#[test]
fn replayed_seq_is_refused_with_409() {
    let (mut body, server, size) = founded();
    let first = body.members[0].sign("note.publish", json!({ "text": "once" }));
    let second = body.members[0].sign("note.publish", json!({ "text": "twice" }));
    let mut acks = Vec::new();
    for note in [&first, &second] {
        let r = server.post_statement(note);
        assert_eq!(r.status().as_u16(), 201);
        acks.push(r.text().unwrap());
    }
    let size = size + 2;
    server.wait_checkpoint(size);
    // The very same bytes again (a retry after an ambiguous failure): 200
    // with the entry they already are, and nothing appended.
    for (note, ack) in [(&second, &acks[1]), (&first, &acks[0])] {
        let r = server.post_statement(note);
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(&r.text().unwrap(), ack);
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_nothing_appended(&server, size, "the same bytes again");
    let m = &body.members[0];
    let same_seq = signed(&m.key, &line("M000", m.seq, now(), "note.publish", r#"{"text":"again"}"#));
    refused(&server, size, "another note with the same seq", same_seq, 409, "replayed-seq");
    let older = signed(&m.key, &line("M000", m.seq - 1, now(), "note.publish", r#"{"text":"older"}"#));
    refused(&server, size, "a new note with a lower seq", older, 409, "replayed-seq");
    // Another member's seq is its own.
    let size = assert_still_serving(&server, &mut body.members[1], size);
    // And a gap is fine.
    body.members[0].seq += 5;
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn clock_skew_is_refused_with_422() {
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    let ten_min = 10 * 60 * 1000;
    for (what, t) in [
        ("10 minutes ahead", now().0 + ten_min),
        ("10 minutes behind", now().0 - ten_min),
        ("a year ahead", now().0 + 365 * 86_400_000),
    ] {
        let note = signed(&m.key, &line("M000", m.seq + 1, Timestamp(t), "note.publish", r#"{"text":"when?"}"#));
        refused(&server, size, &format!("statement time {what}"), note, 422, "clock-skew");
    }
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn garbage_tile_paths_are_404_problems() {
    let (mut body, server, size) = founded();
    let paths = [
        "/log/tile/0/abc",
        "/log/tile/9/000",
        "/log/tile/8/000",
        "/log/tile/0/000.p/0",
        "/log/tile/0/000.p/256",
        "/log/tile/0/000.p/01",
        "/log/tile/0/000.p/",
        "/log/tile/0/000.p/-1",
        "/log/tile/entries/x000/001",
        "/log/tile/entries/x",
        "/log/tile/entries/00",
        "/log/tile/entries/0000",
        "/log/tile/0/999",
        "/log/tile/0/000",
        "/log/tile/1/000",
        "/log/tile/entries/000",
        "/log/tile/entries/000.p/255",
        "/log/tile/entries/001.p/1",
        "/log/tile/0/x001/000",
        "/log/tile/entries/x999/x999/x999/x999/x999/x999/x999/999",
        "/log/tile/0/x999/x999/x999/x999/x999/x999/999",
        // Tile indexes whose first leaf (index × 256) does not fit 64 bits.
        "/log/tile/0/x072/x057/x594/x037/x927/936",
        "/log/tile/entries/x018/x446/x744/x073/x709/x551/615",
        "/log/tile/7/x018/x446/x744/x073/x709/x551/615.p/255",
        "/log/tile/3/x000/000",
        "/log/tile/-1/000",
        "/log/tile/0",
        "/log/tile/",
        "/log/tile",
        "/log/tile/entries",
        "/log/tile/0/000/",
        "/log/tile/0//000",
        "/log/tile/%00/000",
        "/log/tile/0/%ff%fe",
        "/log/checkpoint/x",
        "/log/",
    ];
    let failures: Vec<String> = paths.iter().filter_map(|p| check_get(&server, p, 404, "not-found")).collect();
    // Paths a URL library would clean up, sent as they are.
    for p in [
        "/log/tile/../../etc/passwd",
        "/log/tile/entries/../../../etc/passwd",
        "/log/tile/0/../000",
        "/log/tile/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let (status, ctype, text) = raw_get(&server, p);
        assert_eq!(status, 404, "GET {p}: {text}");
        assert_eq!(ctype, "application/problem+json", "GET {p}");
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {p}: {e}: {text}"));
        assert_eq!(v["code"], "not-found", "GET {p}: {v}");
        assert_eq!(v["status"], 404);
    }
    assert!(failures.is_empty(), "garbage tile paths not answered with a 404 problem:\n{}", failures.join("\n"));
    // The tiles the checkpoint covers are still served.
    let r = server.get(&format!("/log/tile/entries/000.p/{size}"));
    assert_eq!(r.status().as_u16(), 200);
    assert_nothing_appended(&server, size, "garbage tile paths");
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn bad_api_parameters_are_problems() {
    let (mut body, server, size) = founded();
    let cases: &[(&str, u16, &str)] = &[
        ("/api/v1/entries/abc", 400, "bad-parameter"),
        ("/api/v1/entries/-1", 400, "bad-parameter"),
        ("/api/v1/entries/1.5", 400, "bad-parameter"),
        ("/api/v1/entries/+1", 400, "bad-parameter"),
        ("/api/v1/entries/0x1", 400, "bad-parameter"),
        ("/api/v1/entries/%20", 400, "bad-parameter"),
        // Percent-encoded bytes that are not UTF-8.
        ("/api/v1/entries/%ff", 400, "bad-parameter"),
        ("/api/v1/members/%ff%fe", 404, "not-found"),
        ("/api/v1/entries/99999999999999999999999", 400, "bad-parameter"),
        ("/api/v1/entries/18446744073709551616", 400, "bad-parameter"),
        ("/api/v1/entries/18446744073709551615", 404, "not-found"),
        ("/api/v1/entries/999999", 404, "not-found"),
        ("/api/v1/log/consistency", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?to=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=2&to=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=0&to=999999", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=a&to=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=&to=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=-1&to=1", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=1&to=18446744073709551616", 400, "bad-parameter"),
        ("/api/v1/log/consistency?from=18446744073709551615&to=18446744073709551615", 400, "bad-parameter"),
        ("/api/v1/notes?limit=abc", 400, "bad-parameter"),
        // Out of range is refused, never clamped.
        ("/api/v1/notes?limit=0", 400, "bad-parameter"),
        ("/api/v1/notes?limit=501", 400, "bad-parameter"),
        ("/api/v1/notes?limit=%", 400, "bad-parameter"),
        ("/api/v1/notes?limit=%ff", 400, "bad-parameter"),
        ("/api/v1/notes?before=-1", 400, "bad-parameter"),
        ("/api/v1/members/ZZZ", 404, "not-found"),
        ("/api/v1/members/%00", 404, "not-found"),
        // A member's paged lists: limits 1 to 500, a before that is a number.
        ("/api/v1/members/M000/votes?limit=0", 400, "bad-parameter"),
        ("/api/v1/members/M000/votes?limit=501", 400, "bad-parameter"),
        ("/api/v1/members/M000/statements?limit=18446744073709551616", 400, "bad-parameter"),
        ("/api/v1/members/M000/statements?before=x", 400, "bad-parameter"),
        ("/api/v1/members/ZZZ/votes", 404, "not-found"),
        ("/api/v1/members/ZZZ/statements", 404, "not-found"),
        ("/api/v1/members/ZZZ/subscriptions", 404, "not-found"),
        // The proposal list: statuses, order, one start, limits.
        ("/api/v1/proposals?status=open,closed", 400, "bad-parameter"),
        ("/api/v1/proposals?status=", 400, "bad-parameter"),
        ("/api/v1/proposals?order=latest", 400, "bad-parameter"),
        ("/api/v1/proposals?after=1&offset=1", 400, "bad-parameter"),
        ("/api/v1/proposals?offset=9007199254740993", 400, "bad-parameter"),
        ("/api/v1/proposals?offset=x", 400, "bad-parameter"),
        ("/api/v1/proposals?limit=0", 400, "bad-parameter"),
        ("/api/v1/proposals?limit=1001", 400, "bad-parameter"),
        ("/api/v1/decisions?limit=0", 400, "bad-parameter"),
        ("/api/v1/decisions?limit=101", 400, "bad-parameter"),
        ("/api/v1/decisions?limit=-1", 400, "bad-parameter"),
    ];
    let failures: Vec<String> =
        cases.iter().filter_map(|(p, status, code)| check_get(&server, p, *status, code)).collect();
    assert!(failures.is_empty(), "bad API parameters not answered with the right problem:\n{}", failures.join("\n"));
    assert_nothing_appended(&server, size, "bad API parameters");
    assert_still_serving(&server, &mut body.members[0], size);
}

#[test]
fn unknown_routes_and_wrong_methods_are_problems() {
    let (mut body, server, size) = founded();
    for p in [
        "/index.html",
        "/nope",
        "/api",
        "/api/v2/statements",
        "/api/v1/statement",
        "/api/v1/entries",
        "/api/v1/entries/",
        "/log/checkpoints",
        "/LOG/checkpoint",
    ] {
        eprintln!("bad_input: GET {p}: expecting 404");
        assert_problem(server.get(p), 404, "not-found");
    }
    let c = client();
    let note = body.members[0].sign("note.publish", json!({ "text": "wrong door" }));
    let cases: Vec<(reqwest::Method, &str)> = vec![
        (reqwest::Method::GET, "/api/v1/statements"),
        (reqwest::Method::PUT, "/api/v1/statements"),
        (reqwest::Method::DELETE, "/api/v1/statements"),
        (reqwest::Method::PATCH, "/api/v1/statements"),
        (reqwest::Method::POST, "/log/checkpoint"),
        (reqwest::Method::DELETE, "/log/checkpoint"),
        (reqwest::Method::PUT, "/log/tile/entries/000.p/1"),
        (reqwest::Method::POST, "/api/v1/entries/0"),
        (reqwest::Method::POST, "/api/v1/log/consistency?from=0&to=1"),
        (reqwest::Method::PATCH, "/api/v1/members/M000"),
    ];
    for (method, p) in cases {
        eprintln!("bad_input: {method} {p}: expecting 405");
        let r = c
            .request(method.clone(), format!("{}{p}", server.url))
            .header("content-type", "text/plain")
            .body(note.clone())
            .send()
            .unwrap();
        assert_problem(r, 405, "method-not-allowed");
    }
    assert_nothing_appended(&server, size, "unknown routes and wrong methods");
    // The note sent to the wrong doors was never taken.
    let r = server.post_statement(&note);
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.json::<Value>().unwrap()["index"], size);
    server.wait_checkpoint(size + 1);
    assert_still_serving(&server, &mut body.members[1], size + 1);
}

/// One random mutation of `b`.
fn mutate(rng: &mut StdRng, b: &mut Vec<u8>) {
    const INTERESTING: &[u8] = b"\n\r \t\"\\{}[]:,0-9eE.+/=\x00\x7f\xc3\xa9\xff\xe2\x80\x94";
    match rng.gen_range(0..6) {
        0 if !b.is_empty() => {
            let i = rng.gen_range(0..b.len());
            b[i] ^= rng.gen_range(1..=255u8);
        }
        1 if !b.is_empty() => {
            let i = rng.gen_range(0..b.len());
            b[i] ^= 1 << rng.gen_range(0..8);
        }
        2 => {
            let keep = rng.gen_range(0..=b.len());
            b.truncate(keep);
        }
        3 => {
            let i = rng.gen_range(0..=b.len());
            let n = rng.gen_range(1..=4);
            for _ in 0..n {
                let c = if rng.gen_bool(0.5) { INTERESTING[rng.gen_range(0..INTERESTING.len())] } else { rng.gen() };
                b.insert(i, c);
            }
        }
        4 if !b.is_empty() => {
            let i = rng.gen_range(0..b.len());
            let n = rng.gen_range(1..=(b.len() - i).min(16));
            b.drain(i..i + n);
        }
        _ if !b.is_empty() => {
            let i = rng.gen_range(0..b.len());
            let j = rng.gen_range(i..=b.len().min(i + 32));
            let chunk = b[i..j].to_vec();
            let at = rng.gen_range(0..=b.len());
            b.splice(at..at, chunk);
        }
        _ => b.push(rng.gen()),
    }
}

#[test]
fn random_mutations_are_refused_cleanly() {
    let rounds: usize = std::env::var("ACCORD_FUZZ_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let seed: u64 = std::env::var("ACCORD_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0xBAD1_4B07);
    eprintln!("bad_input: mutation seed {seed} (ACCORD_FUZZ_SEED={seed} reproduces)");
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut body, server, size) = founded();
    let m = &body.members[0];
    let seq = m.seq + 1;
    let originals = [
        signed(&m.key, &line("M000", seq, now(), "note.publish", r#"{"text":"fuzz me — é 文"}"#)),
        signed(
            &m.key,
            &line(
                "M000",
                seq,
                now(),
                "member.key.rotate",
                &json!({ "vkey": body.members[1].key.signer.verifier().to_vkey() }).to_string(),
            ),
        ),
    ];
    let c = client();
    let mut accepted = 0u64;
    let mut codes: std::collections::BTreeMap<String, usize> = Default::default();
    for round in 0..rounds {
        let original = originals[round % originals.len()].as_bytes();
        let mut b = original.to_vec();
        for _ in 0..rng.gen_range(1..=3) {
            mutate(&mut rng, &mut b);
        }
        while b == original {
            mutate(&mut rng, &mut b);
        }
        let shown = String::from_utf8_lossy(&b).chars().take(400).collect::<String>();
        let r = c
            .post(format!("{}/api/v1/statements", server.url))
            .header("content-type", "text/plain")
            .body(b.clone())
            .send()
            .unwrap_or_else(|e| panic!("round {round}: the connection failed: {e}\nbody: {shown:?}"));
        let status = r.status().as_u16();
        if status == 201 {
            eprintln!("bad_input: round {round}: a mutated note was accepted: {shown:?}");
            accepted += 1;
            *codes.entry("201".into()).or_default() += 1;
            continue;
        }
        assert!((400..500).contains(&status), "round {round}: answered {status}\nbody: {shown:?}");
        let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(ct, "application/problem+json", "round {round}");
        let v: Value = r.json().unwrap_or_else(|e| panic!("round {round}: problem body: {e}"));
        assert_eq!(v["status"], status, "round {round}: {v}");
        let code = v["code"].as_str().unwrap_or_else(|| panic!("round {round}: no code: {v}")).to_string();
        assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "round {round}: {v}");
        assert!(v["detail"].as_str().is_some_and(|t| !t.is_empty()), "round {round}: {v}");
        *codes.entry(format!("{status} {code}")).or_default() += 1;
    }
    eprintln!("bad_input: {rounds} mutations answered: {codes:?}");
    let size = size + accepted;
    server.wait_checkpoint(size);
    assert_nothing_appended(&server, size, "random mutations");
    body.members[0].seq = seq;
    assert_still_serving(&server, &mut body.members[0], size);
}
