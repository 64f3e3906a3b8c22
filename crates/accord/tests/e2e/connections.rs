//! What one client can hold of the node: idle and slow connections by the
//! thousand, bounded in count and time, against the real binary.

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A GET from `local` (an address of 127.0.0.0/8) to the server; the
/// status line and how long it took.
fn get_from(local: &str, server: &Server, path: &str) -> (String, Duration) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let started = Instant::now();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{local}:0").parse().unwrap()).unwrap();
        let addr = server.url.trim_start_matches("http://").parse().unwrap();
        let mut s = socket.connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await.unwrap().unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        (text, started.elapsed())
    })
}

#[test]
fn idle_and_slow_connections_are_bounded_and_others_are_answered() {
    let body = Body::found(1);
    let server = Server::start_with(&body.data(), &["--max-connections-per-address", "64", "--header-timeout", "2"]);
    let addr = server.url.trim_start_matches("http://").to_string();

    // 2,000 idle connections from 127.0.0.1: 64 are held, the rest closed at once.
    let idle: Vec<TcpStream> = (0..2000).filter_map(|_| TcpStream::connect(&addr).ok()).collect();
    // Another client address is answered at once, with nosniff.
    let (answer, took) = get_from("127.0.0.2", &server, "/log/checkpoint");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("x-content-type-options: nosniff"), "{answer}");
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
    // The idle ones are all closed within the header timeout (and slack).
    let started = Instant::now();
    let mut still_open = 0;
    for s in idle {
        let left = Duration::from_secs(6).saturating_sub(started.elapsed()).max(Duration::from_millis(10));
        if closed_within(s, left).is_none() {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "idle connections outlived the header timeout ({:?})", started.elapsed());

    // A slow header: half a request head, then nothing.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /log/checkpoint HTTP/1.1\r\nhost: x\r\n").unwrap();
    assert!(closed_within(slow, Duration::from_secs(5)).is_some(), "a slow header was kept open");

    // An idle keep-alive connection after a request is closed too.
    let mut keep = TcpStream::connect(&addr).unwrap();
    keep.write_all(b"GET /log/checkpoint HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    let mut first = [0u8; 64];
    assert!(keep.read(&mut first).unwrap() > 0);
    assert!(closed_within(keep, Duration::from_secs(6)).is_some(), "an idle keep-alive connection was kept open");

    // The node answers as before, from the first address too.
    let (answer, _) = get_from("127.0.0.1", &server, "/api/v1/body");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
