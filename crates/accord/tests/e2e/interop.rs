//! Interop with a tlog-tiles verifier nobody here wrote: tlog-scales
//! (PyPI), driven by tests/interop/tlog_verify.py, checks the checkpoint
//! signature, inclusion proofs and a consistency proof against the real
//! server.

use crate::common::*;
use std::process::Command;

#[test]
fn tlog_scales_verifies_checkpoint_inclusion_and_consistency() {
    let Some(py) = python() else { return };
    let mut body = Body::found(8);
    let server = body.serve();
    let script = repo_root().join("tests/interop/tlog_verify.py");
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.checkpoint");

    append_concurrently(&mut body, &server, 1600);
    server.wait_checkpoint(1601);
    let out = Command::new(&py)
        .arg(&script)
        .args([
            "--url",
            &format!("{}/log", server.url),
            "--vkey",
            &body.log_vkey,
            "--samples",
            "64",
            "--save-checkpoint",
        ])
        .arg(&first)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tlog-scales: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    append_concurrently(&mut body, &server, 1600);
    server.wait_checkpoint(3201);
    let out = Command::new(&py)
        .arg(&script)
        .args([
            "--url",
            &format!("{}/log", server.url),
            "--vkey",
            &body.log_vkey,
            "--samples",
            "128",
            "--previous-checkpoint",
        ])
        .arg(&first)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "tlog-scales: {text}");
    assert!(text.contains("OK"), "{text}");

    // And it refuses the log under another key.
    let other = Body::found(1);
    let out = Command::new(&py)
        .arg(&script)
        .args(["--url", &format!("{}/log", server.url), "--vkey", &other.log_vkey])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
