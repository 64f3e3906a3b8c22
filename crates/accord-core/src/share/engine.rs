//! The rules of the sharing acts, in the fold.

use super::{Collection, CommunityRecord, CredentialRecord, MAX_CREDENTIALS, MAX_FOUNDED, SHARES_PER_MINUTE};
use crate::acts::share::{ShareCommit, ShareWithdraw};
use crate::acts::ShareAct;
use crate::ids::{LogIndex, MemberId};
use crate::refusal::Refusal;
use crate::state::{Effect, State};
use crate::time::Timestamp;

const MINUTE_MS: u64 = 60_000;

fn rules(why: impl Into<String>) -> Refusal {
    Refusal::Rules(why.into())
}

fn unhex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    // Validated when parsed: 64 lowercase hex digits.
    if let Ok(v) = hex::decode(s) {
        if v.len() == 32 {
            out.copy_from_slice(&v);
        }
    }
    out
}

impl State {
    /// Checks a sharing statement by `signer` (a member, or the
    /// secretariat for the acts its node records).
    pub(crate) fn check_share(&self, signer: &MemberId, act: ShareAct<'_>, time: Timestamp) -> Result<(), Refusal> {
        let by_node = matches!(act, ShareAct::Commit(_) | ShareAct::Withdraw(_));
        if by_node != signer.is_secretariat() {
            return Err(rules(if by_node {
                "share.commit and share.withdraw are recorded by the secretariat's node, in the sharer's name"
            } else {
                "credentials and communities are a member state's own"
            }));
        }
        match act {
            ShareAct::Credential(c) => {
                if let Some(old) = self.share.credentials.get(&c.id) {
                    return Err(rules(format!(
                        "credential id {} is {}'s already; ids are never reused",
                        c.id, old.member
                    )));
                }
                let held =
                    self.share.credentials.values().filter(|r| &r.member == signer && r.revoked.is_none()).count();
                if held >= MAX_CREDENTIALS {
                    return Err(rules(format!(
                        "{signer} holds {MAX_CREDENTIALS} credentials already: revoke one first"
                    )));
                }
                Ok(())
            }
            ShareAct::Revoke(r) => match self.share.credentials.get(&r.id) {
                Some(c) if &c.member == signer && c.revoked.is_none() => Ok(()),
                Some(c) if &c.member == signer => Err(rules(format!("credential {} is revoked already", r.id))),
                _ => Err(rules(format!("{signer} has no credential {}", r.id))),
            },
            ShareAct::Community(k) => {
                match self.share.communities.get(&k.id) {
                    Some(old) if &old.founder != signer => {
                        return Err(rules(format!("community {} was founded by {}", k.id, old.founder)))
                    }
                    Some(_) => {}
                    None => {
                        let founded = self.share.communities.values().filter(|c| &c.founder == signer).count();
                        if founded >= MAX_FOUNDED {
                            return Err(rules(format!("{signer} has founded {MAX_FOUNDED} communities already")));
                        }
                    }
                }
                match k.members.iter().find(|m| &m.member == signer) {
                    Some(m) if m.can_read && m.can_write => {}
                    _ => return Err(rules("the founder is a member of its community, with can_read and can_write")),
                }
                if let Some(m) = k.members.iter().find(|m| !self.actors.contains_key(&m.member)) {
                    return Err(Refusal::UnknownMember(m.member.to_string()));
                }
                Ok(())
            }
            ShareAct::Commit(s) => {
                let c = self.sharer(&s.member, &s.credential, &s.collection, true)?;
                for list in &s.recipients {
                    for m in list {
                        if !self.actors.contains_key(m) {
                            return Err(Refusal::UnknownMember(m.to_string()));
                        }
                        if !self.share.may_read(&c, m) {
                            return Err(rules(format!("recipient {m} may not read {}", s.collection)));
                        }
                    }
                }
                let bucket = self.share.buckets.get(&s.member).copied().unwrap_or_default();
                let wait = bucket.wait_ms(time.millis(), SHARES_PER_MINUTE, MINUTE_MS, 1);
                if wait > 0 {
                    return Err(Refusal::RateLimited {
                        member: s.member.to_string(),
                        why: format!("a member shares at most {SHARES_PER_MINUTE} envelopes a minute"),
                        retry_after_ms: wait,
                    });
                }
                Ok(())
            }
            ShareAct::Withdraw(w) => self.sharer(&w.member, &w.credential, &w.collection, false).map(|_| ()),
        }
    }

    /// The collection a share names, if `member` may act on it through
    /// `credential` (to write into it, or to withdraw from it what it
    /// shared there).
    fn sharer(
        &self,
        member: &MemberId,
        credential: &str,
        collection: &str,
        write: bool,
    ) -> Result<Collection, Refusal> {
        let actor = self.actors.get(member).ok_or_else(|| Refusal::UnknownMember(member.to_string()))?;
        if member.is_secretariat() {
            return Err(rules("the secretariat shares nothing of its own"));
        }
        if write && actor.suspended {
            return Err(rules(format!("{member} is suspended: it may not share")));
        }
        match self.share.credentials.get(credential) {
            Some(c) if &c.member == member && c.revoked.is_none() => {}
            Some(c) if &c.member == member => return Err(rules(format!("credential {credential} is revoked"))),
            _ => return Err(rules(format!("{member} has no credential {credential}"))),
        }
        let c = Collection::parse(collection).map_err(rules)?;
        let exists = match &c {
            Collection::Member(m) => self.actors.contains_key(m),
            other => self.share.exists(other),
        };
        if !exists {
            return Err(rules(format!("there is no collection {collection}")));
        }
        if write && !self.share.may_write(&c, member) {
            return Err(rules(format!("{member} may not write {collection}")));
        }
        Ok(c)
    }

    pub(crate) fn commit_share(
        &mut self,
        index: LogIndex,
        signer: &MemberId,
        act: ShareAct<'_>,
        time: Timestamp,
        out: &mut Vec<Effect>,
    ) {
        match act {
            ShareAct::Credential(c) => {
                let rec = CredentialRecord {
                    id: c.id.clone(),
                    member: signer.clone(),
                    salt: unhex32(&c.salt),
                    hash: unhex32(&c.hash),
                    since: index,
                    revoked: None,
                };
                self.share.credentials.insert(c.id.clone(), rec);
                if self.effects_on {
                    out.push(Effect::CredentialChanged {
                        id: c.id.clone(),
                        member: signer.clone(),
                        now: Some((c.salt.clone(), c.hash.clone())),
                        index,
                    });
                }
            }
            ShareAct::Revoke(r) => {
                if let Some(c) = self.share.credentials.get_mut(&r.id) {
                    c.revoked = Some(index);
                }
                if self.effects_on {
                    out.push(Effect::CredentialChanged { id: r.id.clone(), member: signer.clone(), now: None, index });
                }
            }
            ShareAct::Community(k) => {
                let since = self.share.communities.get(&k.id).map_or(index, |c| c.since);
                let rec = CommunityRecord {
                    id: k.id.clone(),
                    title: k.title.clone(),
                    public: k.public,
                    founder: signer.clone(),
                    members: k.members.clone(),
                    since,
                };
                if self.effects_on {
                    out.push(Effect::CommunityChanged { record: Box::new(rec.clone()), index });
                }
                self.share.communities.insert(k.id.clone(), rec);
            }
            ShareAct::Commit(s) => {
                let bucket = self.share.buckets.entry(s.member.clone()).or_default();
                bucket.take(time.millis(), SHARES_PER_MINUTE, MINUTE_MS, 1);
                if self.effects_on {
                    out.push(Effect::Shared { index, time, share: Box::new(ShareCommit::clone(s)) });
                }
            }
            ShareAct::Withdraw(w) => {
                if self.effects_on {
                    out.push(Effect::Withdrawn { index, share: Box::new(ShareWithdraw::clone(w)) });
                }
            }
        }
    }

    pub fn share(&self) -> &super::ShareState {
        &self.share
    }
}
