//! Statements: what an actor signs.
//!
//! ```text
//! accord/statement/v1
//! {"body":{…},"member":"FRA","seq":17,"time":"2026-11-25T18:00:00Z","type":"vote.cast"}
//!
//! — <origin>/members/FRA <base64(keyID ‖ signature)>
//! ```
//! The JSON line must be byte-for-byte RFC 8785 (JCS) canonical.

use crate::acts::Act;
use crate::ids::{MemberId, Seq};
use crate::refusal::Refusal;
use crate::time::Timestamp;
use accord_log::{Note, Signer};
use serde_json::{Map, Value};

pub const STATEMENT_HEADER: &str = "accord/statement/v1";
/// Largest statement note accepted: an entry (statement plus a 48-byte
/// header) must fit the 65,535-byte limit of tlog-tiles entry bundles.
pub const MAX_STATEMENT_BYTES: usize = 65_535 - 64;

/// The content of a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub member: MemberId,
    pub seq: Seq,
    pub time: Timestamp,
    pub act: Act,
}

/// RFC 8785 canonical form of a JSON value.
pub fn canonical_json(v: &Value) -> String {
    // Serialising a `serde_json::Value` cannot fail: keys are strings and
    // numbers are finite by construction.
    serde_json_canonicalizer::to_string(v).unwrap_or_default()
}

/// SHA-256 of the RFC 8785 form of a JSON value, lower-case hex: how the
/// Code's versions and addenda are hashed.
pub fn canonical_sha256(v: &Value) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(canonical_json(v).as_bytes()))
}

/// The signed-note text of a statement from its wire fields: the header
/// line and the canonical JSON line. This is the one encoder of statements;
/// it takes any `type` so that clients can build types this version of the
/// core does not interpret.
pub fn statement_text(member: &MemberId, seq: Seq, time: Timestamp, kind: &str, body: Value) -> String {
    let mut m = Map::new();
    m.insert("body".into(), body);
    m.insert("member".into(), Value::String(member.as_str().into()));
    m.insert("seq".into(), Value::from(seq.0));
    m.insert("time".into(), Value::String(time.to_rfc3339()));
    m.insert("type".into(), Value::String(kind.into()));
    format!("{STATEMENT_HEADER}\n{}\n", canonical_json(&Value::Object(m)))
}

impl Statement {
    /// The signed-note text: header line and canonical JSON line.
    pub fn to_note_text(&self) -> String {
        statement_text(&self.member, self.seq, self.time, self.act.type_name(), self.act.body())
    }

    /// Signs with `signer`, whose name must be the member's key name.
    ///
    /// Refused (as `Malformed`) when the text cannot be a signed note: JCS
    /// escapes U+0000–U+001F but leaves U+007F–U+009F as they are, and a
    /// signed note carries no control character but the newline.
    pub fn sign(self, signer: &Signer) -> Result<SignedStatement, Refusal> {
        let text = self.to_note_text();
        let mut note = Note::new(&text).map_err(|e| Refusal::Malformed(format!("statement text: {e}")))?;
        note.signatures.push(signer.sign(&text));
        Ok(SignedStatement { raw: note.to_text(), note, statement: self })
    }
}

/// A statement together with its signed note, byte for byte as received.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedStatement {
    pub raw: String,
    pub note: Note,
    pub statement: Statement,
}

impl SignedStatement {
    /// Parses and checks the form of a signed statement (not its signature,
    /// which needs the member's key from the state).
    pub fn parse(bytes: &[u8]) -> Result<SignedStatement, Refusal> {
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Err(Refusal::TooLarge { size: bytes.len(), limit: MAX_STATEMENT_BYTES });
        }
        let note = Note::parse(bytes).map_err(|e| Refusal::Malformed(format!("signed note: {e}")))?;
        let raw = note.to_text();
        if raw.as_bytes() != bytes {
            return Err(Refusal::Malformed("signed note is not in its one canonical layout".into()));
        }
        let text = note.text();
        let json_line = text
            .strip_prefix(STATEMENT_HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .and_then(|r| r.strip_suffix('\n'))
            .ok_or_else(|| Refusal::Malformed(format!("note text must be `{STATEMENT_HEADER}` then one JSON line")))?;
        if json_line.contains('\n') {
            return Err(Refusal::Malformed("statement JSON must be one line".into()));
        }
        let value: Value =
            serde_json::from_str(json_line).map_err(|e| Refusal::Malformed(format!("statement JSON: {e}")))?;
        let canonical = canonical_json(&value);
        if canonical != json_line {
            let mut expected: String = canonical.chars().take(200).collect();
            if canonical.len() > expected.len() {
                expected.push('…');
            }
            return Err(Refusal::NotCanonical { expected });
        }
        let statement = Statement::from_json(value)?;
        if note.signatures.len() != 1 {
            return Err(Refusal::Malformed("a statement carries exactly one signature".into()));
        }
        Ok(SignedStatement { raw, note, statement })
    }
}

impl Statement {
    fn from_json(value: Value) -> Result<Statement, Refusal> {
        let Value::Object(mut m) = value else {
            return Err(Refusal::Malformed("statement JSON must be an object".into()));
        };
        let mut take = |k: &str| m.remove(k).ok_or_else(|| Refusal::Malformed(format!("statement has no {k:?}")));
        let body = take("body")?;
        let member = take("member")?;
        let seq = take("seq")?;
        let time = take("time")?;
        let kind = take("type")?;
        if let Some(k) = m.keys().next() {
            return Err(Refusal::Malformed(format!("unknown statement field {k:?}")));
        }
        let member = member
            .as_str()
            .and_then(MemberId::parse)
            .ok_or_else(|| Refusal::Malformed("\"member\" must be a member id such as \"FRA\"".into()))?;
        let seq = seq.as_u64().and_then(Seq::new).ok_or_else(|| Refusal::OutOfRange {
            field: "seq".into(),
            range: format!("an integer from 1 to {}", Seq::MAX.0),
        })?;
        let time = time.as_str().and_then(|s| Timestamp::parse_rfc3339(s).filter(|t| t.to_rfc3339() == s)).ok_or_else(
            || {
                Refusal::Malformed(
                    "\"time\" must be RFC 3339 UTC in its one spelling: 2026-11-25T18:00:00Z, \
                     or 2026-11-25T18:00:00.123Z when the milliseconds are not zero"
                        .into(),
                )
            },
        )?;
        let kind = kind.as_str().ok_or_else(|| Refusal::Malformed("\"type\" must be a string".into()))?.to_string();
        if !body.is_object() {
            return Err(Refusal::Malformed("\"body\" must be an object".into()));
        }
        let act = Act::parse(&kind, &body)?;
        Ok(Statement { member, seq, time, act })
    }
}
