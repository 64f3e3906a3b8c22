//! HTTPS served by the node itself (`accord serve --tls-cert --tls-key`),
//! against the real binary: a self-signed certificate for 127.0.0.1 made
//! here (rcgen), a client that trusts only it signs in to the desk; plain
//! HTTP to the TLS port is refused with a problem and the node keeps
//! serving; silent and half-done handshakes are closed within the header
//! timeout; a certificate without its key, or with another's, is refused
//! at start.

use crate::common::*;
use reqwest::blocking::Client;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A self-signed certificate for 127.0.0.1 written to `dir`: (cert, key,
/// the certificate's PEM).
fn self_signed(dir: &Path, name: &str) -> (PathBuf, PathBuf, String) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert_pem = made.cert.pem();
    let (cert, key) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
    std::fs::write(&cert, &cert_pem).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key, cert_pem)
}

/// A client that trusts `cert_pem` and nothing else.
fn trusting(cert_pem: &str) -> Client {
    Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn serve_tls(body: &Body, cert: &Path, key: &Path, extra: &[&str]) -> Server {
    let mut args = vec!["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()];
    args.extend_from_slice(extra);
    Server::start_with(&body.data(), &args)
}

/// Signs in to the desk as `member` over `http`: the session cookie.
fn sign_in(http: &Client, url: &str, member: &Member) -> String {
    let r = http.post(format!("{url}/desk/challenge")).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.json::<Value>().unwrap()["text"].as_str().unwrap().to_string();
    let note = member.key.signer.sign_note(&text).unwrap().to_text();
    let r = http.post(format!("{url}/desk/session")).header("content-type", "text/plain").body(note).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    // Over the node's own TLS, with no Origin or proxy header to say so.
    assert!(set.split("; ").any(|a| a == "Secure"), "a session opened over TLS is Secure: {set}");
    let cookie = set.split(';').next().unwrap().to_string();
    assert_eq!(r.json::<Value>().unwrap()["member"], member.id.to_string());
    cookie
}

#[test]
fn the_desk_signs_in_over_https_with_a_client_that_trusts_only_the_nodes_certificate() {
    let mut body = Body::found(2);
    let (cert, key, pem) = self_signed(body.dir.path(), "node");
    let server = serve_tls(&body, &cert, &key, &[]);
    assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);
    let https = trusting(&pem);

    // The public pages and the log, over HTTPS.
    let r = https.get(format!("{}/log/checkpoint", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().unwrap().starts_with(ORIGIN));

    // Sign in by challenge, then the member's own desk.
    let cookie = sign_in(&https, &server.url, &body.members[1]);
    let r = https.get(format!("{}/desk", server.url)).header("cookie", &cookie).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().unwrap();
    assert!(html.contains("id=\"desk-member\""), "{html}");
    assert!(html.contains("M001"), "{html}");

    // A statement over HTTPS, like any client's.
    let note = body.members[0].sign("note.publish", serde_json::json!({"text": "over TLS"}));
    let r = https
        .post(format!("{}/api/v1/statements", server.url))
        .header("content-type", "text/plain")
        .body(note)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());

    // A client that does not trust this certificate cannot talk to it.
    let stranger = Client::builder().use_rustls_tls().timeout(Duration::from_secs(10)).build().unwrap();
    let e = stranger.get(format!("{}/log/checkpoint", server.url)).send().unwrap_err();
    assert!(e.is_connect(), "{e:?}");
}

#[test]
fn plain_http_to_the_tls_port_is_refused_with_a_problem_and_the_node_keeps_serving() {
    let body = Body::found(1);
    let (cert, key, pem) = self_signed(body.dir.path(), "node");
    let server = serve_tls(&body, &cert, &key, &[]);
    let addr = server.url.trim_start_matches("https://").to_string();

    // reqwest speaking plain HTTP gets the refusal as an answer.
    let r = client().get(format!("http://{addr}/log/checkpoint")).send().unwrap();
    assert_eq!(r.headers()["connection"], "close");
    let v = assert_problem(r, 400, "tls-required");
    assert!(v["detail"].as_str().unwrap().contains("https://"), "{v}");

    // Raw bytes: the answer, then the connection is closed.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");

    // Garbage that is neither: closed, and nothing else changes.
    let mut junk = TcpStream::connect(&addr).unwrap();
    junk.write_all(&[0u8; 64]).unwrap();
    assert!(closed_within(junk, Duration::from_secs(20)).is_some());

    let r = trusting(&pem).get(format!("{}/api/v1/body", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn a_handshake_that_never_starts_or_never_ends_is_closed_within_the_header_timeout() {
    let body = Body::found(1);
    let (cert, key, pem) = self_signed(body.dir.path(), "node");
    let server = serve_tls(&body, &cert, &key, &["--header-timeout", "2"]);
    let addr = server.url.trim_start_matches("https://").to_string();

    // Connected, nothing sent.
    let silent = TcpStream::connect(&addr).unwrap();
    // A TLS record header promising a ClientHello that never comes.
    let mut half = TcpStream::connect(&addr).unwrap();
    half.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]).unwrap();

    let took = closed_within(silent, Duration::from_secs(6)).expect("a silent connection was kept open");
    assert!(took >= Duration::from_millis(1500), "closed after {took:?}, before the timeout");
    assert!(closed_within(half, Duration::from_secs(6)).is_some(), "a half-done handshake was kept open");

    // Meanwhile and after, others are served.
    let r = trusting(&pem).get(format!("{}/log/checkpoint", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn a_certificate_without_its_key_or_with_another_key_is_refused_at_start() {
    let body = Body::found(1);
    let (cert, _, _) = self_signed(body.dir.path(), "one");
    let (_, other_key, _) = self_signed(body.dir.path(), "two");
    let data = body.data();

    let out = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tls-key"), "{err}");

    let out = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-key"])
        .arg(&other_key)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tls-cert"), "{err}");

    let out = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&other_key)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be used together"), "{err}");
    assert!(out.stdout.is_empty(), "nothing was served");

    let out = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(body.dir.path().join("missing.crt"))
        .arg("--tls-key")
        .arg(&other_key)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.crt"), "{err}");
}
