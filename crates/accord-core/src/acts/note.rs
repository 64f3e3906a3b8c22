//! `note.publish`: a member publishes a short text.

use serde::{Deserialize, Serialize};

/// Longest note text, in characters.
pub const MAX_NOTE_CHARS: usize = 4096;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotePublish {
    pub text: String,
}

impl NotePublish {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let n = self.text.chars().count();
        if n == 0 || n > MAX_NOTE_CHARS {
            return Err(format!("text must be 1–{MAX_NOTE_CHARS} characters (got {n})"));
        }
        Ok(())
    }
}
