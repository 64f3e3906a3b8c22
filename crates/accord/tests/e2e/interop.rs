//! Interop with a tlog-tiles verifier nobody here wrote: tlog-scales
//! (PyPI), driven by tests/interop/tlog_verify.py, checks the checkpoint
//! signature, inclusion proofs and a consistency proof against the real
//! server.

use crate::common::*;
use std::process::Command;

#[test]
fn tlog_scales_verifies_checkpoint_inclusion_and_consistency() {
    let Some(py) = python() else { return };
    let mut body = Body::found_with(8, LOAD_RULES);
    let server = body.serve();
    let script = repo_root().join("tests/interop/tlog_verify.py");
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.checkpoint");

    // Runs the verifier with extra arguments; returns (success, output).
    let log_vkey = body.log_vkey.clone();
    let verify = |args: &[&str], checkpoint_file: &std::path::Path| {
        let out = Command::new(&py)
            .arg(&script)
            .args(["--url", &format!("{}/log", server.url), "--vkey", &log_vkey])
            .args(args)
            .arg(checkpoint_file)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    };

    append_concurrently(&mut body, &server, 1600);
    server.wait_checkpoint(1601);
    let (ok, text) = verify(&["--samples", "64", "--save-checkpoint"], &first);
    assert!(ok, "tlog-scales: {text}");

    append_concurrently(&mut body, &server, 1600);
    server.wait_checkpoint(3201);
    let (ok, text) = verify(&["--samples", "128", "--previous-checkpoint"], &first);
    assert!(ok, "tlog-scales: {text}");
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
