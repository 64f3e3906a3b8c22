//! What an operator sees: the node's log lines (text without colours when
//! stderr is not a terminal, or JSON with `--log-format json`), one per
//! accepted and per refused statement; and the CLI's message when no node
//! is there.

use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// `accord [--log-format FORMAT] serve` on `body` at RUST_LOG=info, its
/// stderr in a file; returns the server (stopped on drop) and that file.
fn serve_logged(body: &Body, format: &str) -> (Server, std::path::PathBuf) {
    let log = body.dir.path().join(format!("serve-{format}.log"));
    let mut child = accord()
        .args(["--log-format", format, "serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(body.data())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("accord: listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
    (Server { child: Some(child), url }, log)
}

#[test]
fn json_logs_say_what_was_accepted_and_refused() {
    let mut body = Body::found(2);
    let (mut server, log) = serve_logged(&body, "json");
    let note = body.members[0].sign("note.publish", serde_json::json!({"text": "logged"}));
    assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    // The same seq again with other bytes: refused, replayed-seq.
    body.members[0].seq -= 1;
    let again = body.members[0].sign("note.publish", serde_json::json!({"text": "again"}));
    assert_eq!(server.post_statement(&again).status().as_u16(), 409);
    assert_eq!(server.post_statement("not a note").status().as_u16(), 400);
    server.stop();

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    let with = |message: &str| -> Vec<&Value> {
        lines.iter().filter(|v| v["fields"]["message"].as_str().is_some_and(|m| m.starts_with(message))).collect()
    };
    let started = with("node started");
    assert_eq!(started.len(), 1, "{text}");
    assert_eq!(started[0]["fields"]["log_size"], 1);
    assert!(started[0]["fields"]["data"].as_str().unwrap().ends_with("data"), "{text}");
    let serving = with("serving on http://");
    assert_eq!(serving.len(), 1, "{text}");
    assert_eq!(serving[0]["fields"]["tls"], false);
    assert_eq!(serving[0]["fields"]["listen"], server.url.trim_start_matches("http://"));
    assert_eq!(serving[0]["level"], "INFO");

    let accepted = with("statement accepted");
    assert_eq!(accepted.len(), 1, "{text}");
    let f = &accepted[0]["fields"];
    assert_eq!(
        (f["member"].as_str(), f["type"].as_str(), f["index"].as_u64()),
        (Some("M000"), Some("note.publish"), Some(1))
    );

    let refused = with("statement refused");
    assert_eq!(refused.len(), 2, "{text}");
    let f = &refused[0]["fields"];
    assert_eq!(
        (f["member"].as_str(), f["type"].as_str(), f["code"].as_str()),
        (Some("M000"), Some("note.publish"), Some("replayed-seq"))
    );
    let f = &refused[1]["fields"];
    assert_eq!(f["code"], "malformed");
    assert!(f.get("member").is_none() && f.get("type").is_none(), "{f}");

    assert_eq!(with("replay of the log done").len(), 1, "{text}");
    assert_eq!(with("last checkpoint published").len(), 1, "{text}");
}

#[test]
fn text_logs_have_no_colours_when_stderr_is_not_a_terminal() {
    let mut body = Body::found(1);
    let (mut server, log) = serve_logged(&body, "text");
    let note = body.members[0].sign("note.publish", serde_json::json!({"text": "plain"}));
    assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    server.stop();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains('\u{1b}'), "ANSI escapes in a log file:\n{text}");
    let line = text.lines().find(|l| l.contains("statement accepted")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("INFO") && line.contains("member=M000"), "{line}");
    assert!(line.contains(r#"type="note.publish""#), "{line}");
    assert!(line.contains("index=1"), "{line}");
}

#[test]
fn a_command_against_no_node_says_it_cannot_reach_it() {
    let body = Body::found(1);
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");

    let out = accord()
        .args(["submit", "--server", &url, "--type", "note.publish", "--body", r#"{"text":"x"}"#, "--key"])
        .arg(&body.members[0].key_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot reach the node at {url}: ")), "{err}");
    assert!(err.contains("is `accord serve` running there?"), "{err}");
    assert!(err.to_lowercase().contains("connection refused"), "{err}");

    let out = accord()
        .args(["vote", "--server", &url, "--key"])
        .arg(&body.members[0].key_path)
        .args(["some-proposal", "yes"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot reach the node at {url}: ")), "{err}");

    let out = accord().args(["audit", &url, "--log-key", &body.log_vkey]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot reach the node at {url}: ")), "{err}");
}
