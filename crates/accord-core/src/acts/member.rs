//! Acts about membership itself: `member.key.rotate`, `member.rename`.

use crate::names::Names;
use accord_log::VerifierKey;
use serde::{Deserialize, Serialize};

/// `member.key.rotate`: the member replaces its key. Signed with the
/// current key; the new key takes effect for the member's next statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotate {
    /// The new vkey; its name must be the member's key name.
    pub vkey: String,
}

/// `member.rename`: the member changes its own name, and its name by
/// language (each language given replaces the whole set: a language left
/// out is no longer given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub name: String,
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
}

impl Rename {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let n = self.name.chars().count();
        if n == 0 || n > crate::names::MAX_NAME_CHARS || self.name.trim().is_empty() {
            return Err(format!("name must be 1–{} characters (got {n})", crate::names::MAX_NAME_CHARS));
        }
        self.names.validate("names")
    }
}

impl KeyRotate {
    pub(crate) fn validate(&self) -> Result<(), String> {
        VerifierKey::parse(&self.vkey).map(|_| ()).map_err(|e| format!("vkey: {e}"))
    }
}
