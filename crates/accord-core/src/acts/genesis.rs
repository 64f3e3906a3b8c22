//! `body.genesis`: entry 0 of every log. It names the body and the log,
//! and carries the secretariat's key, the log key and the founding members.

use accord_log::VerifierKey;
use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::names::Names;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The body's name, e.g. "Accord demonstration body".
    pub name: String,
    /// The body's name by language (absent when not given).
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// The log origin; also the log key's name.
    pub origin: String,
    /// The log key's vkey (signs checkpoints).
    pub log_key: String,
    /// The secretariat's vkey (signs genesis and clock ticks).
    pub secretariat_key: String,
    /// Founding members.
    pub members: Vec<FoundingMember>,
    /// The initial rules of procedure; left out, the defaults of
    /// DESIGN.md §6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<crate::decisions::rules::Rules>,
    /// Documents the body is founded on, each as its version 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<crate::code::DocumentDraft>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundingMember {
    pub id: MemberId,
    pub name: String,
    /// The member's official name by language (absent when not given).
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub vkey: String,
}

impl Genesis {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            return Err("name must be 1–200 characters".into());
        }
        self.names.validate("names")?;
        if self.origin.is_empty() || self.origin.chars().any(|c| c.is_whitespace() || c == '+') {
            return Err("origin must be a key name (no spaces, no '+')".into());
        }
        let log = VerifierKey::parse(&self.log_key).map_err(|e| format!("log_key: {e}"))?;
        if log.name() != self.origin {
            return Err("the log key must be named by the origin".into());
        }
        let sec = VerifierKey::parse(&self.secretariat_key).map_err(|e| format!("secretariat_key: {e}"))?;
        if sec.name() != MemberId::secretariat().key_name(&self.origin) {
            return Err(format!(
                "the secretariat key must be named {}",
                MemberId::secretariat().key_name(&self.origin)
            ));
        }
        if let Some(r) = &self.rules {
            r.validate().map_err(|e| format!("rules: {e}"))?;
        }
        let mut ids = std::collections::BTreeSet::new();
        for d in &self.documents {
            d.validate().map_err(|e| format!("documents: {e}"))?;
            if !ids.insert(d.id.as_str()) {
                return Err(format!("document {} is listed twice", d.id));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.members {
            if m.id.is_secretariat() {
                return Err("the secretariat is not a member".into());
            }
            if !seen.insert(m.id.clone()) {
                return Err(format!("member {} is listed twice", m.id));
            }
            let k = VerifierKey::parse(&m.vkey).map_err(|e| format!("member {}: {e}", m.id))?;
            if k.name() != m.id.key_name(&self.origin) {
                return Err(format!("member {}'s key must be named {}", m.id, m.id.key_name(&self.origin)));
            }
            if m.name.trim().is_empty() || m.name.chars().count() > 200 {
                return Err(format!("member {}'s name must be 1–200 characters", m.id));
            }
            m.names.validate(&format!("member {}'s names", m.id))?;
        }
        Ok(())
    }
}
