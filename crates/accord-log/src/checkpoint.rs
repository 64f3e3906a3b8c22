//! C2SP tlog-checkpoint: `origin\nsize\nbase64(root)\n[extension lines]`.

use crate::hash::Hash;
use crate::note::{Note, NoteError, Signer, VerifierKey};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum CheckpointError {
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    #[error("checkpoint origin {found:?} is not the expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
}

/// The body of a checkpoint: which log, how big, and its root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Checkpoint {
        Checkpoint { origin: origin.to_string(), size, root, extensions: Vec::new() }
    }

    /// The note text that is signed.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, self.root.to_base64());
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    pub fn parse_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Malformed("no final newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or(CheckpointError::Malformed("no origin"))?;
        let size = lines.next().ok_or(CheckpointError::Malformed("no size"))?;
        if size.is_empty() || (size.len() > 1 && size.starts_with('0')) || !size.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CheckpointError::Malformed("size is not a decimal number"));
        }
        let size: u64 = size.parse().map_err(|_| CheckpointError::Malformed("size out of range"))?;
        let root = lines
            .next()
            .and_then(Hash::from_base64)
            .ok_or(CheckpointError::Malformed("root is not a base64 SHA-256 hash"))?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(|e| e.is_empty()) {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        Ok(Checkpoint { origin: origin.to_string(), size, root, extensions })
    }

    /// Signs the checkpoint with the log key; returns the whole note.
    pub fn sign(&self, log_key: &Signer) -> Result<Note, NoteError> {
        log_key.sign_note(&self.to_text())
    }

    /// Parses a signed checkpoint and checks the log key's signature and
    /// that the origin is the key's name.
    pub fn open(bytes: &[u8], log_key: &VerifierKey) -> Result<(Checkpoint, Note), CheckpointError> {
        let note = Note::parse(bytes)?;
        let cp = Checkpoint::parse_text(note.text())?;
        if cp.origin != log_key.name() {
            return Err(CheckpointError::WrongOrigin { expected: log_key.name().to_string(), found: cp.origin });
        }
        note.verify(log_key)?;
        Ok((cp, note))
    }
}
