//! Threat sharing's part of a state snapshot ([`crate::snapshot`]).

use super::{CommunityRecord, CredentialRecord, ShareState};
use crate::acts::share::CommunityMember;
use crate::ids::{LogIndex, MemberId};
use crate::snapshot::{Dec, Enc, Reader, SnapshotError, Writer};

impl Enc for ShareState {
    fn enc(&self, w: &mut Writer) {
        let ShareState { credentials, communities, buckets } = self;
        w.len(credentials.len());
        for (k, c) in credentials {
            let CredentialRecord { id, member, salt, hash, since, revoked } = c;
            k.enc(w);
            id.enc(w);
            member.enc(w);
            w.str(&hex::encode(salt));
            w.str(&hex::encode(hash));
            since.enc(w);
            revoked.enc(w);
        }
        w.len(communities.len());
        for (k, c) in communities {
            let CommunityRecord { id, title, public, founder, members, since } = c;
            k.enc(w);
            id.enc(w);
            title.enc(w);
            public.enc(w);
            founder.enc(w);
            w.len(members.len());
            for m in members {
                let CommunityMember { member, can_read, can_write } = m;
                member.enc(w);
                can_read.enc(w);
                can_write.enc(w);
            }
            since.enc(w);
        }
        buckets.enc(w);
    }
}

fn hex32(r: &mut Reader) -> Result<[u8; 32], SnapshotError> {
    let s = r.str()?;
    let v = hex::decode(&s).map_err(|_| r.bad("a credential's salt or hash is not hex"))?;
    v.try_into().map_err(|_| r.bad("a credential's salt or hash is not 32 bytes"))
}

impl Dec for ShareState {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let mut credentials = std::collections::BTreeMap::new();
        for _ in 0..r.len()? {
            let k = String::dec(r)?;
            let id = String::dec(r)?;
            if id != k {
                return Err(r.bad("a credential filed under another id"));
            }
            let member = MemberId::dec(r)?;
            let salt = hex32(r)?;
            let hash = hex32(r)?;
            let since = LogIndex::dec(r)?;
            let revoked = Option::<LogIndex>::dec(r)?;
            credentials.insert(k, CredentialRecord { id, member, salt, hash, since, revoked });
        }
        let mut communities = std::collections::BTreeMap::new();
        for _ in 0..r.len()? {
            let k = String::dec(r)?;
            let id = String::dec(r)?;
            if id != k {
                return Err(r.bad("a community filed under another id"));
            }
            let title = String::dec(r)?;
            let public = bool::dec(r)?;
            let founder = MemberId::dec(r)?;
            let mut members = Vec::new();
            for _ in 0..r.len()? {
                members.push(CommunityMember { member: MemberId::dec(r)?, can_read: r.bool()?, can_write: r.bool()? });
            }
            let since = LogIndex::dec(r)?;
            communities.insert(k, CommunityRecord { id, title, public, founder, members, since });
        }
        Ok(ShareState { credentials, communities, buckets: Dec::dec(r)? })
    }
}
