//! Threat sharing: who may share and read STIX objects in which TAXII
//! collection, and the record of every share.
//!
//! - A member registers TAXII credentials (`share.credential`: only a
//!   salted hash of the secret) and revokes them (`share.revoke`).
//! - Collections ([`Collection`]): `all` (every member reads and writes),
//!   `member-<ID>` (what one member shares; every member reads) and
//!   `community-<id>` (founded by `share.community`, which lists its
//!   members with `can_read` and `can_write`).
//! - Each envelope a member shares through a credential is recorded by
//!   the secretariat's node as `share.commit`: the sharer, the credential,
//!   the collection, each object's id, version and TLP label (with the
//!   recipients named for TLP:AMBER and above), and the Merkle root of the
//!   objects' salted commitments. The content is not in the log.
//!
//! The fold checks every `share.commit` against the credentials and
//! collections it knows, so a replay (and `accord audit`) finds any share
//! the node recorded in a member's name without that member's credential,
//! or into a collection the member may not write.
//!
//! What it is not: the objects themselves (the node's confidential store)
//! and the TLP rule for readers (`accord_node::threats`), which applies
//! [`ShareState::may_read`] and [`TlpLabel`] per object.

pub(crate) mod engine;
pub(crate) mod snapshot;

use crate::acts::share::CommunityMember;
use crate::ids::{LogIndex, MemberId};
use crate::limits::Bucket;
use accord_stix::Tlp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Most objects in one envelope (one `share.commit`): their names fit in
/// one statement.
pub const MAX_SHARE_OBJECTS: usize = 500;
/// Most recipient lists in one `share.commit`.
pub const MAX_RECIPIENT_LISTS: usize = 64;
/// Most members in one recipient list.
pub const MAX_RECIPIENTS: usize = 64;
/// Most members of a community.
pub const MAX_COMMUNITY_MEMBERS: usize = 256;
/// Longest community title, in characters.
pub const MAX_TITLE: usize = 200;
/// Most sectors an incident names.
pub const MAX_SECTORS: usize = 16;
/// Most credentials a member holds at once (revoked ones do not count).
pub const MAX_CREDENTIALS: usize = 32;
/// Most communities one member founds.
pub const MAX_FOUNDED: usize = 64;
/// Envelopes each member may share: a burst of this many, then this many
/// a minute (a token bucket on entry times, as `crate::limits`). The
/// secretariat signs `share.commit`, but the sharer is charged.
pub const SHARES_PER_MINUTE: u64 = 12_000;

/// A TLP label as the log writes it: `clear`, `green`, `amber`,
/// `amber+strict` or `red` (TLP 1.0 WHITE is `clear`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TlpLabel(pub Tlp);

impl TlpLabel {
    pub fn as_str(self) -> &'static str {
        match self.0 {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<TlpLabel> {
        Some(TlpLabel(match s {
            "clear" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber+strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return None,
        }))
    }

    /// Only named recipients may read it (TLP:AMBER and above).
    pub fn needs_recipients(self) -> bool {
        self.0 >= Tlp::Amber
    }

    /// Its rank, 0 (CLEAR) to 4 (RED), as projections store it.
    pub fn rank(self) -> u8 {
        self.0 as u8
    }
}

impl fmt::Display for TlpLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.label())
    }
}

impl Serialize for TlpLabel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TlpLabel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TlpLabel::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("{s:?} is not a TLP label (clear, green, amber, amber+strict, red)"))
        })
    }
}

/// A TAXII collection, as the log names it (its alias).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Collection {
    /// `all`: every member reads and writes.
    All,
    /// `member-<ID>`: what one member shares; every member reads.
    Member(MemberId),
    /// `community-<id>`: its members, with their rights.
    Community(String),
}

impl Collection {
    pub fn parse(s: &str) -> Result<Collection, String> {
        if s == "all" {
            return Ok(Collection::All);
        }
        if let Some(m) = s.strip_prefix("member-") {
            return match MemberId::parse(m) {
                Some(id) if !id.is_secretariat() => Ok(Collection::Member(id)),
                _ => Err(format!("{:?} names no member id", s.chars().take(64).collect::<String>())),
            };
        }
        if let Some(c) = s.strip_prefix("community-") {
            crate::acts::share::community_id(c)?;
            return Ok(Collection::Community(c.to_string()));
        }
        Err(format!("{:?} is no collection (all, member-<ID>, community-<id>)", s.chars().take(64).collect::<String>()))
    }

    pub fn alias(&self) -> String {
        match self {
            Collection::All => "all".into(),
            Collection::Member(m) => format!("member-{m}"),
            Collection::Community(c) => format!("community-{c}"),
        }
    }
}

/// A registered credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRecord {
    pub id: String,
    pub member: MemberId,
    pub salt: [u8; 32],
    /// SHA-256(salt ‖ secret).
    pub hash: [u8; 32],
    pub since: LogIndex,
    pub revoked: Option<LogIndex>,
}

/// A community.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunityRecord {
    pub id: String,
    pub title: String,
    pub public: bool,
    pub founder: MemberId,
    /// In member order; the founder is among them with both rights.
    pub members: Vec<CommunityMember>,
    pub since: LogIndex,
}

impl CommunityRecord {
    fn rights(&self, m: &MemberId) -> Option<&CommunityMember> {
        self.members.iter().find(|c| &c.member == m)
    }
}

/// Credentials, communities, and what each member's share bucket holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareState {
    pub(crate) credentials: BTreeMap<String, CredentialRecord>,
    pub(crate) communities: BTreeMap<String, CommunityRecord>,
    pub(crate) buckets: BTreeMap<MemberId, Bucket>,
}

impl ShareState {
    pub fn credential(&self, id: &str) -> Option<&CredentialRecord> {
        self.credentials.get(id)
    }

    pub fn credentials(&self) -> impl Iterator<Item = &CredentialRecord> {
        self.credentials.values()
    }

    pub fn community(&self, id: &str) -> Option<&CommunityRecord> {
        self.communities.get(id)
    }

    pub fn communities(&self) -> impl Iterator<Item = &CommunityRecord> {
        self.communities.values()
    }

    /// Does `c` exist? (`member-<ID>` exists for every member; the caller
    /// checks the member.)
    pub fn exists(&self, c: &Collection) -> bool {
        match c {
            Collection::All | Collection::Member(_) => true,
            Collection::Community(id) => self.communities.contains_key(id),
        }
    }

    /// May member `m` read collection `c` (before TLP, which is per object)?
    pub fn may_read(&self, c: &Collection, m: &MemberId) -> bool {
        if m.is_secretariat() {
            return false;
        }
        match c {
            Collection::All | Collection::Member(_) => true,
            Collection::Community(id) => self.communities.get(id).and_then(|k| k.rights(m)).is_some_and(|r| r.can_read),
        }
    }

    /// May member `m` write collection `c`?
    pub fn may_write(&self, c: &Collection, m: &MemberId) -> bool {
        if m.is_secretariat() {
            return false;
        }
        match c {
            Collection::All => true,
            Collection::Member(owner) => owner == m,
            Collection::Community(id) => {
                self.communities.get(id).and_then(|k| k.rights(m)).is_some_and(|r| r.can_write)
            }
        }
    }

    /// May anyone, without an account, read its TLP:CLEAR objects?
    pub fn is_public(&self, c: &Collection) -> bool {
        match c {
            Collection::All | Collection::Member(_) => true,
            Collection::Community(id) => self.communities.get(id).is_some_and(|k| k.public),
        }
    }

    /// The members of a community (for TLP:AMBER recipients named by
    /// community), in member order.
    pub fn community_members(&self, id: &str) -> Option<Vec<MemberId>> {
        self.communities.get(id).map(|k| k.members.iter().filter(|m| m.can_read).map(|m| m.member.clone()).collect())
    }
}

/// The TLP an object without a TLP marking gets in a collection: GREEN
/// (never more visible than that).
pub const DEFAULT_TLP: TlpLabel = TlpLabel(Tlp::Green);

/// Who reads shared objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// No account.
    Anonymous,
    Member(MemberId),
}

/// The TLP rule, for one object version in collection `c` shared by
/// `sharer` with `tlp` and, for TLP:AMBER and above, `recipients`: may
/// `viewer` see it (its content, its manifest entry, its versions, its
/// place in a status)?
///
/// - nobody sees anything of a collection it may not read (the anonymous
///   only public ones);
/// - TLP:CLEAR: everyone who may read the collection;
/// - TLP:GREEN: the members who may read it (the anonymous never);
/// - TLP:AMBER, AMBER+STRICT and RED: the sharer and the named recipients.
pub fn may_see(
    state: &ShareState,
    c: &Collection,
    tlp: TlpLabel,
    sharer: &MemberId,
    recipients: &[MemberId],
    viewer: &Viewer,
) -> bool {
    state.rule_for(c, viewer).admits(tlp, sharer.as_str(), recipients.iter().map(MemberId::as_str))
}

/// [`may_see`] for the objects of one collection and one viewer: the
/// collection's part decided once, the object's part per row.
#[derive(Clone, Debug)]
pub struct TlpRule<'a> {
    reads: bool,
    viewer: Option<&'a MemberId>,
}

impl ShareState {
    pub fn rule_for<'a>(&self, c: &Collection, viewer: &'a Viewer) -> TlpRule<'a> {
        match viewer {
            Viewer::Anonymous => TlpRule { reads: self.is_public(c), viewer: None },
            Viewer::Member(m) => TlpRule { reads: self.may_read(c, m), viewer: Some(m) },
        }
    }
}

impl TlpRule<'_> {
    /// May the viewer see an object shared by `sharer` with `tlp`, naming
    /// `recipients`?
    pub fn admits<'r>(&self, tlp: TlpLabel, sharer: &str, mut recipients: impl Iterator<Item = &'r str>) -> bool {
        if !self.reads {
            return false;
        }
        match self.viewer {
            None => tlp.0 == Tlp::Clear,
            Some(m) => {
                let m = m.as_str();
                tlp.0 <= Tlp::Green || sharer == m || (tlp.needs_recipients() && recipients.any(|r| r == m))
            }
        }
    }
}
