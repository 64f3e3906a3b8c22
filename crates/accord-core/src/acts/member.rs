//! Acts about membership itself: `member.key.rotate`.

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

impl KeyRotate {
    pub(crate) fn validate(&self) -> Result<(), String> {
        VerifierKey::parse(&self.vkey).map(|_| ()).map_err(|e| format!("vkey: {e}"))
    }
}
