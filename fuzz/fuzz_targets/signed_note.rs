//! Signed notes and checkpoints: parse → encode → compare.
//!
//! A note that parses has exactly one layout, so encoding it again must give
//! back the input byte for byte and parse to the same note. When the note's
//! text is a checkpoint, the checkpoint re-encodes to that same text.
#![no_main]

use accord_log::{Checkpoint, Note};
use libfuzzer_sys::fuzz_target;

fn check_checkpoint(text: &str) {
    let Ok(cp) = Checkpoint::parse_text(text) else {
        return;
    };
    let encoded = cp.to_text();
    let again = Checkpoint::parse_text(&encoded).expect("re-encoded checkpoint must parse");
    assert_eq!(again, cp, "checkpoint changed across encode/parse");
    assert_eq!(encoded, text, "checkpoint text is not in its one layout");
}

fuzz_target!(|data: &[u8]| {
    // Checkpoint bodies on their own, so the fuzzer reaches them without
    // first having to build a whole note around them.
    if let Ok(s) = std::str::from_utf8(data) {
        check_checkpoint(s);
    }

    let Ok(note) = Note::parse(data) else {
        return;
    };
    let encoded = note.to_text();
    let again = Note::parse(encoded.as_bytes()).expect("re-encoded note must parse");
    assert_eq!(again, note, "note changed across encode/parse");
    assert_eq!(
        encoded.as_bytes(),
        data,
        "note parsed but is not in its one canonical layout"
    );

    check_checkpoint(note.text());
});
