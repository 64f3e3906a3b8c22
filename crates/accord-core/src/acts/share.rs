//! Acts of threat sharing (`crate::share`): a member registers and
//! revokes the TAXII credentials it shares with, and founds communities;
//! the secretariat's node records each accepted envelope (`share.commit`)
//! and each withdrawal (`share.withdraw`) in the sharer's name.

use crate::ids::MemberId;
use crate::share::{
    TlpLabel, MAX_COMMUNITY_MEMBERS, MAX_RECIPIENTS, MAX_RECIPIENT_LISTS, MAX_SECTORS, MAX_SHARE_OBJECTS, MAX_TITLE,
};
use serde::{Deserialize, Serialize};

/// `share.credential`: the member lets whoever holds the secret of
/// credential `id` share and read in its name (TAXII over HTTP Basic: the
/// user name is `id`, the password the secret). The statement carries only
/// a salted hash: `hash` = SHA-256(salt ‖ secret), both hex.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareCredential {
    pub id: String,
    pub salt: String,
    pub hash: String,
}

impl ShareCredential {
    pub(crate) fn validate(&self) -> Result<(), String> {
        credential_id(&self.id)?;
        hex32(&self.salt).map_err(|e| format!("salt {e}"))?;
        hex32(&self.hash).map_err(|e| format!("hash {e}"))?;
        Ok(())
    }
}

/// `share.revoke`: the credential `id` no longer works. Its id is never
/// given out again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRevoke {
    pub id: String,
}

impl ShareRevoke {
    pub(crate) fn validate(&self) -> Result<(), String> {
        credential_id(&self.id)
    }
}

/// One member of a community and what it may do in the community's
/// collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityMember {
    pub member: MemberId,
    pub can_read: bool,
    pub can_write: bool,
}

/// `share.community`: the member founds a community (or, if it founded
/// it, replaces its title and members), with a TAXII collection of its
/// own. The founder is always a member with both rights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareCommunity {
    pub id: String,
    pub title: String,
    /// May anyone, without an account, read its TLP:CLEAR objects?
    pub public: bool,
    pub members: Vec<CommunityMember>,
}

impl ShareCommunity {
    pub(crate) fn validate(&self) -> Result<(), String> {
        community_id(&self.id)?;
        title(&self.title)?;
        if self.members.is_empty() || self.members.len() > MAX_COMMUNITY_MEMBERS {
            return Err(format!("members: from 1 to {MAX_COMMUNITY_MEMBERS}"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, m) in self.members.iter().enumerate() {
            if m.member.is_secretariat() {
                return Err(format!("members[{i}]: the secretariat is no community member"));
            }
            if !seen.insert(&m.member) {
                return Err(format!("members[{i}]: {} is listed twice", m.member));
            }
            if m.can_write && !m.can_read {
                return Err(format!("members[{i}]: can_write needs can_read"));
            }
        }
        if self.members.windows(2).any(|w| w[0].member >= w[1].member) {
            return Err("members must be in order of member id".into());
        }
        Ok(())
    }
}

/// What the public learns of a shared incident: its month and the
/// sectors it hit, for the counts the portal shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentFacts {
    /// `YYYY-MM`, of the incident's first seen (else its creation).
    pub month: String,
    pub sectors: Vec<String>,
}

/// One object of a shared envelope, as the log names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedObject {
    /// The STIX id.
    pub id: String,
    /// Its `modified` (else `created`); left out for an unversioned object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub tlp: TlpLabel,
    /// Who may read it, beside the sharer: an index into
    /// [`ShareCommit::recipients`]. Given exactly for TLP:AMBER and above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
    /// For an `incident`: what the public counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<IncidentFacts>,
}

/// `share.commit` (signed by the secretariat's node): `member` shared an
/// envelope of STIX objects into `collection`, authenticated by
/// `credential`. `root` is the RFC 9162 Merkle root over the objects'
/// salted commitments, in order: leaf *i* is SHA-256(salt ‖ canonical
/// JSON of object *i*). Contents and salts stay in the confidential store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareCommit {
    pub member: MemberId,
    pub credential: String,
    pub collection: String,
    pub root: String,
    pub objects: Vec<SharedObject>,
    /// Recipient lists, each in member order, referred to by
    /// [`SharedObject::to`]; every list is used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Vec<MemberId>>,
}

impl ShareCommit {
    pub(crate) fn validate(&self) -> Result<(), String> {
        credential_id(&self.credential).map_err(|e| format!("credential: {e}"))?;
        crate::share::Collection::parse(&self.collection).map_err(|e| format!("collection: {e}"))?;
        hex32(&self.root).map_err(|e| format!("root {e}"))?;
        if self.objects.is_empty() || self.objects.len() > MAX_SHARE_OBJECTS {
            return Err(format!("objects: from 1 to {MAX_SHARE_OBJECTS}"));
        }
        if self.recipients.len() > MAX_RECIPIENT_LISTS {
            return Err(format!("recipients: at most {MAX_RECIPIENT_LISTS} lists"));
        }
        for (i, list) in self.recipients.iter().enumerate() {
            if list.is_empty() || list.len() > MAX_RECIPIENTS {
                return Err(format!("recipients[{i}]: from 1 to {MAX_RECIPIENTS} members"));
            }
            if list.windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!("recipients[{i}]: members in order, each once"));
            }
            if list.iter().any(MemberId::is_secretariat) {
                return Err(format!("recipients[{i}]: the secretariat receives nothing"));
            }
        }
        let mut used = vec![false; self.recipients.len()];
        let mut seen = std::collections::BTreeSet::new();
        for (i, o) in self.objects.iter().enumerate() {
            let at = |why: String| format!("objects[{i}]: {why}");
            let id = accord_stix::StixId::parse(&o.id).map_err(|e| at(format!("id: {e}")))?;
            if let Some(v) = &o.version {
                accord_stix::StixTime::parse(v).map_err(|e| at(format!("version: {e}")))?;
            }
            if !seen.insert((o.id.as_str(), o.version.as_deref())) {
                return Err(at("this id and version are listed twice".into()));
            }
            match (o.tlp.needs_recipients(), o.to) {
                (true, None) => return Err(at(format!("{} needs recipients (to)", o.tlp))),
                (false, Some(_)) => return Err(at(format!("{} has no recipients (to)", o.tlp))),
                (true, Some(t)) => match used.get_mut(t as usize) {
                    Some(u) => *u = true,
                    None => return Err(at(format!("to: there is no recipient list {t}"))),
                },
                (false, None) => {}
            }
            if let Some(f) = &o.incident {
                if id.type_str() != "incident" {
                    return Err(at("incident facts are for incident objects".into()));
                }
                incident_facts(f).map_err(at)?;
            }
        }
        if let Some(i) = used.iter().position(|u| !u) {
            return Err(format!("recipients[{i}]: no object uses this list"));
        }
        Ok(())
    }
}

/// An object version named by a withdrawal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectVersion {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `share.withdraw` (signed by the secretariat's node): `member` withdrew
/// these versions of objects it had shared into `collection` (TAXII's
/// delete). Their content is erased from the confidential store; their
/// commitments stay in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareWithdraw {
    pub member: MemberId,
    pub credential: String,
    pub collection: String,
    pub objects: Vec<ObjectVersion>,
}

impl ShareWithdraw {
    pub(crate) fn validate(&self) -> Result<(), String> {
        credential_id(&self.credential).map_err(|e| format!("credential: {e}"))?;
        crate::share::Collection::parse(&self.collection).map_err(|e| format!("collection: {e}"))?;
        if self.objects.is_empty() || self.objects.len() > MAX_SHARE_OBJECTS {
            return Err(format!("objects: from 1 to {MAX_SHARE_OBJECTS}"));
        }
        for (i, o) in self.objects.iter().enumerate() {
            accord_stix::StixId::parse(&o.id).map_err(|e| format!("objects[{i}].id: {e}"))?;
            if let Some(v) = &o.version {
                accord_stix::StixTime::parse(v).map_err(|e| format!("objects[{i}].version: {e}"))?;
            }
        }
        Ok(())
    }
}

/// A credential id: 3 to 64 characters of `a-z`, `0-9`, `.`, `_` and `-`
/// (it is a user name in HTTP Basic, which cannot hold `:`).
pub fn credential_id(s: &str) -> Result<(), String> {
    let ok = (3..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(format!("a credential id is 3 to 64 characters of a-z, 0-9, '.', '_' and '-' (got {:?})", clip(s)))
    }
}

/// A community id: 1 to 32 characters of `a-z`, `0-9` and `-`, starting
/// with a letter.
pub fn community_id(s: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&s.len())
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!("a community id is 1 to 32 characters of a-z, 0-9 and '-', from a letter (got {:?})", clip(s)))
    }
}

fn title(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0 || n > MAX_TITLE || s.trim() != s || s.chars().any(char::is_control) {
        return Err(format!("title: 1 to {MAX_TITLE} characters, no control characters, no outer spaces"));
    }
    Ok(())
}

fn incident_facts(f: &IncidentFacts) -> Result<(), String> {
    let b = f.month.as_bytes();
    let month_ok = b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(f.month[5..].parse::<u8>(), Ok(1..=12));
    if !month_ok {
        return Err(format!("incident.month must be YYYY-MM (got {:?})", clip(&f.month)));
    }
    if f.sectors.len() > MAX_SECTORS {
        return Err(format!("incident.sectors: at most {MAX_SECTORS}"));
    }
    for s in &f.sectors {
        let ok = (1..=64).contains(&s.len())
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(format!("incident.sectors: {:?} is not a sector name (a-z, 0-9, '-')", clip(s)));
        }
    }
    if f.sectors.windows(2).any(|w| w[0] >= w[1]) {
        return Err("incident.sectors: in order, each once".into());
    }
    Ok(())
}

/// 64 lowercase hex digits.
fn hex32(s: &str) -> Result<(), String> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err("must be 64 lowercase hex digits".into())
    }
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}
