//! Member key files: one Ed25519 private key as PKCS#8 PEM, preceded by a
//! line naming the key (`name: <origin>/members/<id>`). The PKCS#8 form is
//! RFC 8410's v1 encoding, which OpenSSL and WebCrypto both import as is.

use accord_log::note::{check_key_name, NoteError};
use accord_log::Signer;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::SigningKey;
use thiserror::Error;

/// DER prefix of an RFC 8410 PKCS#8 v1 Ed25519 private key; the 32-byte
/// seed follows.
const PKCS8_ED25519_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

#[derive(Debug, Error)]
pub enum KeyFileError {
    #[error("key file must start with a line `name: <key name>`")]
    NoName,
    #[error("key name: {0}")]
    BadName(#[from] NoteError),
    #[error("key file does not hold a PKCS#8 Ed25519 private key in PEM")]
    BadPem,
}

/// A parsed key file: the key's name and the private key.
#[derive(Clone)]
pub struct KeyFile {
    pub signer: Signer,
}

impl KeyFile {
    pub fn new(name: &str, key: SigningKey) -> Result<KeyFile, KeyFileError> {
        Ok(KeyFile { signer: Signer::new(name, key)? })
    }

    pub fn name(&self) -> &str {
        self.signer.verifier().name()
    }

    pub fn parse(text: &str) -> Result<KeyFile, KeyFileError> {
        let (first, pem) = text.split_once('\n').ok_or(KeyFileError::NoName)?;
        let name = first.strip_prefix("name:").ok_or(KeyFileError::NoName)?.trim();
        check_key_name(name)?;
        let key = SigningKey::from_pkcs8_pem(pem.trim()).map_err(|_| KeyFileError::BadPem)?;
        KeyFile::new(name, key)
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut der = PKCS8_ED25519_PREFIX.to_vec();
        der.extend_from_slice(self.signer.signing_key().as_bytes());
        let b64 = B64.encode(der);
        format!("name: {}\n-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n", self.name())
    }
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyFile({})", self.signer.verifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip() {
        let k = KeyFile::new("accord.example/log/members/FRA", SigningKey::from_bytes(&[0x12; 32])).unwrap();
        let text = k.to_text();
        assert!(text.starts_with("name: accord.example/log/members/FRA\n-----BEGIN PRIVATE KEY-----\n"));
        let back = KeyFile::parse(&text).unwrap();
        assert_eq!(back.signer.verifier(), k.signer.verifier());
        assert!(KeyFile::parse("-----BEGIN PRIVATE KEY-----\n").is_err());
        assert!(KeyFile::parse("name: x\nnot a pem").is_err());
    }
}
