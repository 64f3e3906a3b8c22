//! The node never contradicts what it published: it refuses to start on a
//! log that lost entries a published checkpoint covers, or whose history
//! differs from a published checkpoint's root; and one data directory is
//! served by one process at a time.

use crate::common::*;
use serde_json::json;

/// `accord serve` on `data`, expected to refuse: its stderr.
fn refused_to_serve(data: &std::path::Path) -> String {
    let out = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success(), "accord serve started");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn db(body: &Body) -> rusqlite::Connection {
    rusqlite::Connection::open(body.data().join("accord.db")).unwrap()
}

#[test]
fn a_second_process_on_one_data_directory_is_refused() {
    let body = Body::found(1);
    let _server = body.serve();
    let err = refused_to_serve(&body.data());
    assert!(err.contains("another accord process"), "{err}");
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("another accord process"));
}

#[test]
fn a_lost_log_tail_under_a_published_checkpoint_stops_the_node() {
    let mut body = Body::found(1);
    let mut server = body.serve();
    for i in 0..5 {
        let note = body.members[0].sign("note.publish", json!({ "text": format!("n{i}") }));
        assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    }
    server.wait_checkpoint(6);
    server.stop();
    // The last two entries are lost (a restored old backup, a bad disk).
    db(&body).execute("DELETE FROM entries WHERE idx >= 4", []).unwrap();
    let err = refused_to_serve(&body.data());
    assert!(err.contains("covers 6 entries, but the log holds only 4"), "{err}");
}

#[test]
fn a_published_checkpoint_with_another_root_stops_the_node() {
    let mut body = Body::found(1);
    let mut server = body.serve();
    let note = body.members[0].sign("note.publish", json!({ "text": "n" }));
    assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    server.wait_checkpoint(2);
    server.stop();
    // A validly signed checkpoint of size 2 over another tree: as if the
    // log had been rewritten after this was published.
    let key = accord_core::KeyFile::parse(&std::fs::read_to_string(body.data().join("keys/log.key")).unwrap()).unwrap();
    let other = accord_log::Checkpoint::new(ORIGIN, 2, accord_log::Hash::leaf(b"another history"))
        .sign(&key.signer)
        .unwrap()
        .to_text();
    db(&body).execute("UPDATE checkpoints SET note = ?1 WHERE size = 2", [&other]).unwrap();
    let err = refused_to_serve(&body.data());
    assert!(err.contains("the log was rewritten"), "{err}");
}
