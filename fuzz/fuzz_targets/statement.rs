//! Signed statements and log entries: parse → encode → compare.
//!
//! A statement that parses keeps its bytes (`raw`), and its typed form must
//! re-encode to the very note text that was signed; otherwise two different
//! byte strings would stand for one statement. Entries re-encode to their
//! input byte for byte.
//!
//! The input is tried twice: as a whole signed statement (and as an entry),
//! and as the JSON line alone, wrapped in the statement header and a fixed
//! signature line. The second form keeps most mutations inside the JSON,
//! where the statement's own rules are, instead of in the note layout.
#![no_main]

use accord_core::{Entry, SignedStatement};
use libfuzzer_sys::fuzz_target;

/// A well-formed signature line (the signature is not checked by `parse`).
const SIG_LINE: &str = "\u{2014} accord.example/log/members/CHN HtmKQb1UELJFvBSkGCy4KYZhai8GGNLRXm2IfF3VYSYpbeSpsJ5+psk/BS31WGmW48IqbOYu+mij07oi1xnarEixYAs=\n";

fn check_statement(data: &[u8]) {
    let Ok(s) = SignedStatement::parse(data) else {
        return;
    };
    assert_eq!(s.raw.as_bytes(), data, "raw is not the input");
    assert_eq!(
        s.statement.to_note_text(),
        s.note.text(),
        "typed statement does not re-encode to the signed text"
    );
    let again = SignedStatement::parse(s.raw.as_bytes()).expect("raw must parse again");
    assert_eq!(again, s, "statement changed across encode/parse");
}

fn check_entry(data: &[u8]) {
    let Ok(entry) = Entry::parse(data) else {
        return;
    };
    let encoded = entry.to_bytes();
    assert_eq!(encoded, data, "entry does not re-encode to its input");
    let again = Entry::parse(&encoded).expect("re-encoded entry must parse");
    assert_eq!(again, entry, "entry changed across encode/parse");
}

fuzz_target!(|data: &[u8]| {
    check_statement(data);
    check_entry(data);

    // The input as the statement's JSON line.
    if let Ok(json) = std::str::from_utf8(data) {
        if !json.contains('\n') {
            let note = format!("accord/statement/v1\n{json}\n\n{SIG_LINE}");
            check_statement(note.as_bytes());
        }
    }
});
