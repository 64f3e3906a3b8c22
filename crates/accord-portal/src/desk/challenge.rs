//! Sign-in challenges of the delegate's desk.
//!
//! A challenge is a signed note the browser signs with the member's key:
//!
//! ```text
//! accord/signin/v1
//! <origin>
//! <token>
//!
//! — <origin>/members/<ID> <base64(key ID ‖ signature)>
//! ```
//! Its first line names its purpose and differs from `accord/statement/v1`,
//! so a sign-in signature can never pass for a statement, nor a statement
//! for a sign-in; the origin ties it to this body.
//!
//! The token is `nonce(16) ‖ issued(8, ms since the key's epoch, big
//! endian) ‖ HMAC-SHA-256(secret, purpose ‖ nonce ‖ issued)[..16]`,
//! base64url: the node keeps no state per challenge issued (a flood of
//! challenge requests costs it nothing), yet knows a token is one it issued
//! and how old it is. That a token is used only once is kept by
//! [`super::session::Sessions`], which remembers the nonces of successful
//! sign-ins until they expire.
//!
//! What it is not: no clock and no randomness of its own — both are passed
//! in — and no storage.

use accord_core::MemberId;
use accord_log::Note;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::{Duration, Instant};

/// The first line of a sign-in note.
pub const SIGNIN_HEADER: &str = "accord/signin/v1";
/// How long a challenge may be answered.
pub const CHALLENGE_LIFETIME: Duration = Duration::from_secs(300);
/// Largest sign-in note read (a real one is about 200 bytes).
pub const MAX_SIGNIN_BYTES: usize = 4096;

pub type Nonce = [u8; 16];
const TOKEN_LEN: usize = 16 + 8 + 16;

/// The per-process secret that authenticates tokens.
pub struct ChallengeKey {
    secret: [u8; 32],
    epoch: Instant,
}

/// Why a sign-in note is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigninError {
    /// Not a sign-in note of this body (the words say why).
    Malformed(String),
    /// The token was not issued by this node (or since its last start).
    UnknownChallenge,
    /// The token is older than [`CHALLENGE_LIFETIME`].
    Expired,
}

/// A sign-in note of this body, neither its token nor its signature
/// checked yet.
#[derive(Debug, Clone)]
pub struct SigninNote {
    pub note: Note,
    pub member: MemberId,
    pub token: String,
}

impl ChallengeKey {
    pub fn new(secret: [u8; 32], epoch: Instant) -> ChallengeKey {
        ChallengeKey { secret, epoch }
    }

    /// A token for a fresh `nonce`, issued at `now`.
    pub fn issue(&self, nonce: Nonce, now: Instant) -> String {
        let issued = millis_since(self.epoch, now).to_be_bytes();
        let mut raw = Vec::with_capacity(TOKEN_LEN);
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&issued);
        raw.extend_from_slice(&self.tag(&nonce, &issued));
        B64URL.encode(raw)
    }

    /// The nonce of `token` if this key issued it less than
    /// [`CHALLENGE_LIFETIME`] before `now`.
    pub fn check(&self, token: &str, now: Instant) -> Result<Nonce, SigninError> {
        let raw = B64URL.decode(token).map_err(|_| SigninError::UnknownChallenge)?;
        if raw.len() != TOKEN_LEN {
            return Err(SigninError::UnknownChallenge);
        }
        let (nonce, rest) = raw.split_at(16);
        let (issued, tag) = rest.split_at(8);
        let nonce: Nonce = nonce.try_into().map_err(|_| SigninError::UnknownChallenge)?;
        let issued: [u8; 8] = issued.try_into().map_err(|_| SigninError::UnknownChallenge)?;
        if !same_bytes(&self.tag(&nonce, &issued), tag) {
            return Err(SigninError::UnknownChallenge);
        }
        let age = millis_since(self.epoch, now).checked_sub(u64::from_be_bytes(issued));
        match age {
            Some(ms) if u128::from(ms) < CHALLENGE_LIFETIME.as_millis() => Ok(nonce),
            Some(_) => Err(SigninError::Expired),
            None => Err(SigninError::UnknownChallenge),
        }
    }

    fn tag(&self, nonce: &[u8], issued: &[u8]) -> [u8; 16] {
        let mut msg = Vec::with_capacity(SIGNIN_HEADER.len() + nonce.len() + issued.len());
        msg.extend_from_slice(SIGNIN_HEADER.as_bytes());
        msg.extend_from_slice(nonce);
        msg.extend_from_slice(issued);
        let mac = hmac_sha256(&self.secret, &msg);
        let mut out = [0u8; 16];
        out.copy_from_slice(&mac[..16]);
        out
    }
}

/// The text the browser signs for `token`.
pub fn challenge_text(origin: &str, token: &str) -> String {
    format!("{SIGNIN_HEADER}\n{origin}\n{token}\n")
}

/// Parses a sign-in note for this body: its one canonical layout, the
/// header, this origin, one signature by a key named
/// `<origin>/members/<ID>`. The token is then checked with
/// [`ChallengeKey::check`], the signature against the member's key.
pub fn parse_signin(bytes: &[u8], origin: &str) -> Result<SigninNote, SigninError> {
    let bad = |s: &str| SigninError::Malformed(s.to_string());
    if bytes.len() > MAX_SIGNIN_BYTES {
        return Err(bad("a sign-in note is a few hundred bytes"));
    }
    let note = Note::parse(bytes).map_err(|e| SigninError::Malformed(format!("not a signed note: {e}")))?;
    if note.to_text().as_bytes() != bytes {
        return Err(bad("the signed note is not in its one canonical layout"));
    }
    let mut lines = note.text().lines();
    if lines.next() != Some(SIGNIN_HEADER) {
        return Err(SigninError::Malformed(format!("a sign-in note starts with the line {SIGNIN_HEADER}")));
    }
    if lines.next() != Some(origin) {
        return Err(SigninError::Malformed(format!("this challenge is not for this body ({origin})")));
    }
    let token = lines.next().ok_or_else(|| bad("the sign-in note has no challenge"))?.to_string();
    if lines.next().is_some() {
        return Err(bad("a sign-in note has exactly three lines"));
    }
    let [sig] = note.signatures.as_slice() else {
        return Err(bad("a sign-in note carries exactly one signature"));
    };
    let member = sig
        .name
        .strip_prefix(origin)
        .and_then(|r| r.strip_prefix("/members/"))
        .and_then(MemberId::parse)
        .ok_or_else(|| SigninError::Malformed(format!("the key name must be {origin}/members/<ID>")))?;
    Ok(SigninNote { note, member, token })
}

/// HMAC-SHA-256 (RFC 2104), by RustCrypto's `hmac`.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // Any key length is valid for HMAC; `new_from_slice` cannot fail here.
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(msg);
            m.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// Compares without stopping at the first difference.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn millis_since(epoch: Instant, now: Instant) -> u64 {
    u64::try_from(now.saturating_duration_since(epoch).as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::KeyFile;
    use base64::engine::general_purpose::STANDARD as B64;

    const ORIGIN: &str = "desk.example/log";

    /// A key file for member `id` from a fixed seed (PKCS#8 v1 PEM).
    pub(crate) fn key_file(origin: &str, id: &str, seed: u8) -> KeyFile {
        let mut der =
            vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
        der.extend_from_slice(&[seed; 32]);
        let text = format!(
            "name: {origin}/members/{id}\n-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            B64.encode(der)
        );
        KeyFile::parse(&text).unwrap()
    }

    fn signed(key: &KeyFile, text: &str) -> Vec<u8> {
        key.signer.sign_note(text).unwrap().to_text().into_bytes()
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn tokens_are_checked_for_issuer_age_and_tampering() {
        let epoch = Instant::now();
        let key = ChallengeKey::new([7; 32], epoch);
        let t0 = epoch + Duration::from_secs(10);
        let token = key.issue([1; 16], t0);
        assert_eq!(key.check(&token, t0), Ok([1; 16]));
        assert_eq!(key.check(&token, t0 + Duration::from_secs(299)), Ok([1; 16]));
        assert_eq!(key.check(&token, t0 + CHALLENGE_LIFETIME), Err(SigninError::Expired));
        // Another process (another secret) did not issue it.
        let other = ChallengeKey::new([8; 32], epoch);
        assert_eq!(other.check(&token, t0), Err(SigninError::UnknownChallenge));
        // Any changed byte, and anything not a token, is unknown.
        let mut raw = B64URL.decode(&token).unwrap();
        for i in [0, 16, 23, 24, TOKEN_LEN - 1] {
            raw[i] ^= 1;
            assert_eq!(key.check(&B64URL.encode(&raw), t0), Err(SigninError::UnknownChallenge), "byte {i}");
            raw[i] ^= 1;
        }
        for junk in ["", "x", "!!!!", &token[..token.len() - 2]] {
            assert_eq!(key.check(junk, t0), Err(SigninError::UnknownChallenge), "{junk:?}");
        }
        // Two challenges differ by their nonces.
        assert_ne!(key.issue([2; 16], t0), token);
    }

    #[test]
    fn the_challenge_text_is_never_a_statement() {
        let text = challenge_text(ORIGIN, "abc");
        assert_eq!(text, "accord/signin/v1\ndesk.example/log\nabc\n");
        assert!(accord_core::SignedStatement::parse(&signed(&key_file(ORIGIN, "FRA", 3), &text)).is_err());
    }

    #[test]
    fn sign_in_notes_are_parsed_strictly() {
        let fra = key_file(ORIGIN, "FRA", 3);
        let text = challenge_text(ORIGIN, "tok");
        let n = parse_signin(&signed(&fra, &text), ORIGIN).unwrap();
        assert_eq!(n.member.as_str(), "FRA");
        assert_eq!(n.token, "tok");
        assert!(n.note.verify(fra.signer.verifier()).is_ok());

        let malformed = |bytes: &[u8]| matches!(parse_signin(bytes, ORIGIN), Err(SigninError::Malformed(_)));
        // Another body's challenge, or a key of another body.
        assert!(malformed(&signed(&fra, &challenge_text("other.example/log", "tok"))));
        assert!(malformed(&signed(&key_file("other.example/log", "FRA", 3), &text)));
        // A statement, extra lines, no token, not a note at all.
        assert!(malformed(&signed(&fra, "accord/statement/v1\n{}\n")));
        assert!(malformed(&signed(&fra, &format!("{text}more\n"))));
        assert!(malformed(&signed(&fra, &format!("{SIGNIN_HEADER}\n{ORIGIN}\n"))));
        assert!(malformed(text.as_bytes()));
        assert!(malformed(b"\xff\xfe"));
        assert!(malformed(&vec![b'a'; MAX_SIGNIN_BYTES + 1]));
        // Two signatures.
        let mut two = fra.signer.sign_note(&text).unwrap();
        two.signatures.push(key_file(ORIGIN, "DEU", 4).signer.sign(&text));
        assert!(malformed(two.to_text().as_bytes()));
    }
}
