//! C2SP signed notes with Ed25519 keys (signature type 0x01).
//!
//! A note is UTF-8 text ending in a newline, a blank line, then one or more
//! signature lines `— <key name> <base64(key ID ‖ signature)>`. Vkeys are
//! `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`, and the key ID is
//! `SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4]`.

use crate::ed25519::{BadSignature, StrongKey, WeakKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};
use std::fmt;
use thiserror::Error;

/// Signature algorithm byte for Ed25519 in C2SP signed notes.
pub const ALG_ED25519: u8 = 0x01;
/// The em dash that starts every signature line.
const DASH: &str = "\u{2014} ";
/// Refuse notes with more signature lines than this (C2SP suggests a bound).
pub const MAX_SIGNATURES: usize = 100;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum NoteError {
    #[error("note is not valid UTF-8")]
    NotUtf8,
    #[error("note has no blank line separating text from signatures")]
    NoSignatureBlock,
    #[error("note text is empty")]
    EmptyText,
    #[error("note text contains a control character other than newline")]
    ControlCharacter,
    #[error("malformed signature line: {0}")]
    BadSignatureLine(String),
    #[error("too many signature lines")]
    TooManySignatures,
    #[error("malformed key name {0:?}")]
    BadKeyName(String),
    #[error("malformed vkey: {0}")]
    BadVkey(String),
    #[error("no signature by key {0}")]
    NoSignatureByKey(String),
    #[error("signature by key {0} does not verify")]
    BadSignature(String),
    #[error("signature by key {key} does not verify: {why}")]
    StrictSignature { key: String, why: BadSignature },
    #[error("refused key: {0}")]
    WeakKey(WeakKey),
}

/// A key name: non-empty, no whitespace, no `+`.
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+') {
        return Err(NoteError::BadKeyName(name.to_string()));
    }
    Ok(())
}

/// The 4-byte key ID of a signed-note key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    pub fn ed25519(name: &str, public: &[u8; 32]) -> KeyId {
        KeyId::of(name, ALG_ED25519, public)
    }

    /// `SHA-256(name ‖ "\n" ‖ type ‖ public key)[:4]`, for any signature type.
    pub fn of(name: &str, alg: u8, public: &[u8]) -> KeyId {
        let mut h = Sha256::new();
        h.update(name.as_bytes());
        h.update(b"\n");
        h.update([alg]);
        h.update(public);
        let d = h.finalize();
        KeyId([d[0], d[1], d[2], d[3]])
    }
}

/// A vkey's parts: name, key ID, signature type, key bytes.
pub(crate) type VkeyParts<'a> = (&'a str, [u8; 4], u8, Vec<u8>);

/// Splits a vkey `name+hexid+base64(type ‖ key)` into its name, key ID,
/// signature type and key bytes, checking the name and the ID's spelling
/// (not yet that the ID matches: that needs the type's rule).
pub(crate) fn split_vkey(vkey: &str) -> Result<VkeyParts<'_>, NoteError> {
    let bad = |why: &str| NoteError::BadVkey(format!("{why} in {:?}", vkey.chars().take(200).collect::<String>()));
    let mut parts = vkey.splitn(3, '+');
    let (Some(name), Some(idhex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("expected name+keyid+key"));
    };
    check_key_name(name)?;
    let id: [u8; 4] = hex::decode(idhex)
        .ok()
        .and_then(|v| v.try_into().ok())
        .filter(|_| idhex.len() == 8 && idhex == idhex.to_lowercase())
        .ok_or_else(|| bad("key ID is not 8 lower-case hex digits"))?;
    let raw = B64.decode(b64).map_err(|_| bad("key is not base64"))?;
    let (alg, public) = raw.split_first().ok_or_else(|| bad("empty key"))?;
    Ok((name, id, *alg, public.to_vec()))
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", hex::encode(self.0))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// A named Ed25519 verifier key, as written in a vkey. Only a strong key
/// (see [`crate::ed25519`]) can be one: every place a key enters Accord —
/// genesis, admission, rotation, key files, the auditor's `--log-key` —
/// goes through [`VerifierKey::new`] or [`VerifierKey::parse`].
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: KeyId,
    key: StrongKey,
}

impl VerifierKey {
    /// A named key from its 32 public bytes; weak keys are refused.
    pub fn new(name: &str, public: &[u8; 32]) -> Result<VerifierKey, NoteError> {
        check_key_name(name)?;
        let key = StrongKey::parse(public).map_err(NoteError::WeakKey)?;
        let id = KeyId::ed25519(name, public);
        Ok(VerifierKey { name: name.to_string(), id, key })
    }

    /// Parses `name+hexid+base64(0x01‖pub)`, checking that the key ID matches.
    pub fn parse(vkey: &str) -> Result<VerifierKey, NoteError> {
        let bad = |why: &str| NoteError::BadVkey(format!("{why} in {:?}", vkey.chars().take(200).collect::<String>()));
        let (name, id, alg, public) = split_vkey(vkey)?;
        if alg != ALG_ED25519 {
            return Err(bad("not an Ed25519 key (type 0x01)"));
        }
        let public: [u8; 32] = public.as_slice().try_into().map_err(|_| bad("Ed25519 key is not 32 bytes"))?;
        let k = VerifierKey::new(name, &public)?;
        if k.id.0 != id {
            return Err(bad("key ID does not match name and key"));
        }
        Ok(k)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn key(&self) -> &StrongKey {
        &self.key
    }

    /// The vkey string.
    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, self.id, B64.encode(raw))
    }

    /// Does this key's signature over `text` verify, by the strict rule?
    pub fn check(&self, text: &[u8], sig: &NoteSignature) -> Result<(), BadSignature> {
        if sig.name != self.name || sig.key_id != self.id {
            return Err(BadSignature::Equation);
        }
        self.key.verify(text, &sig.signature)
    }

    /// Does this key's signature over `text` verify, by the strict rule?
    pub fn verifies(&self, text: &[u8], sig: &NoteSignature) -> bool {
        self.check(text, sig).is_ok()
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({})", self.to_vkey())
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

/// A named Ed25519 signing key.
#[derive(Clone)]
pub struct Signer {
    verifier: VerifierKey,
    key: SigningKey,
}

impl Signer {
    pub fn new(name: &str, key: SigningKey) -> Result<Signer, NoteError> {
        let verifier = VerifierKey::new(name, key.verifying_key().as_bytes())?;
        Ok(Signer { verifier, key })
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    pub fn sign(&self, text: &str) -> NoteSignature {
        let sig = self.key.sign(text.as_bytes());
        NoteSignature { name: self.verifier.name.clone(), key_id: self.verifier.id, signature: sig.to_bytes().to_vec() }
    }

    /// Signs `text` (which must end in a newline) and returns the whole note.
    pub fn sign_note(&self, text: &str) -> Result<Note, NoteError> {
        let mut note = Note::new(text)?;
        note.signatures.push(self.sign(text));
        Ok(note)
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({})", self.verifier.to_vkey())
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: KeyId,
    /// The signature proper, without the key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    fn parse_line(line: &str) -> Result<NoteSignature, NoteError> {
        let bad = || NoteError::BadSignatureLine(line.chars().take(120).collect());
        let rest = line.strip_prefix(DASH).ok_or_else(bad)?;
        let (name, b64) = rest.split_once(' ').ok_or_else(bad)?;
        check_key_name(name).map_err(|_| bad())?;
        let raw = B64.decode(b64).map_err(|_| bad())?;
        if raw.len() < 5 {
            return Err(bad());
        }
        let key_id = KeyId([raw[0], raw[1], raw[2], raw[3]]);
        Ok(NoteSignature { name: name.to_string(), key_id, signature: raw[4..].to_vec() })
    }

    pub fn to_line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.0);
        raw.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, B64.encode(raw))
    }
}

/// A signed note: its text and its signature lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// A note with `text` and no signatures yet.
    pub fn new(text: &str) -> Result<Note, NoteError> {
        check_text(text)?;
        Ok(Note { text: text.to_string(), signatures: Vec::new() })
    }

    /// Parses a whole note: text, blank line, signature lines.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        let split = s.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let text = &s[..=split];
        let sigs = &s[split + 2..];
        check_text(text)?;
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::NoSignatureBlock);
        }
        let mut signatures = Vec::new();
        for line in sigs[..sigs.len() - 1].split('\n') {
            if signatures.len() >= MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(NoteSignature::parse_line(line)?);
        }
        Ok(Note { text: text.to_string(), signatures })
    }

    /// The signed text, ending in a newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature by `key`, checked by the strict rule; other
    /// signatures are ignored.
    pub fn verify(&self, key: &VerifierKey) -> Result<(), NoteError> {
        let mut why = None;
        for s in &self.signatures {
            if s.name == key.name && s.key_id == key.id {
                match key.check(self.text.as_bytes(), s) {
                    Ok(()) => return Ok(()),
                    Err(e) => why = Some(e),
                }
            }
        }
        match why {
            Some(why) => Err(NoteError::StrictSignature { key: key.to_vkey(), why }),
            None => Err(NoteError::NoSignatureByKey(key.to_vkey())),
        }
    }

    /// The note's bytes: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 120 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.to_line());
        }
        out
    }
}

/// Verifies many notes, each against one key, each by the strict rule.
/// (Batch verification used to decide here; it accepted signatures that
/// every single verifier refuses, see [`crate::ed25519`].)
pub fn verify_many(items: &[(&Note, &VerifierKey)]) -> Vec<Result<(), NoteError>> {
    items.iter().map(|(note, key)| note.verify(key)).collect()
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() || text == "\n" {
        return Err(NoteError::EmptyText);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::NoSignatureBlock);
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::ControlCharacter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_many_finds_exactly_the_bad_ones() {
        let a = Signer::new("x/members/A", SigningKey::from_bytes(&[1; 32])).unwrap();
        let b = Signer::new("x/members/B", SigningKey::from_bytes(&[2; 32])).unwrap();
        let notes: Vec<Note> = (0..150).map(|i| a.sign_note(&format!("n{i}\n")).unwrap()).collect();
        let mut items: Vec<(&Note, &VerifierKey)> = notes.iter().map(|n| (n, a.verifier())).collect();
        items[7].1 = b.verifier();
        items[100].1 = b.verifier();
        let r = verify_many(&items);
        assert_eq!(r.len(), 150);
        for (i, x) in r.iter().enumerate() {
            assert_eq!(x.is_ok(), i != 7 && i != 100, "{i}");
        }
        let mut tampered = notes[3].clone();
        tampered.signatures[0].signature[0] ^= 1;
        assert!(verify_many(&[(&tampered, a.verifier())])[0].is_err());
    }
}
