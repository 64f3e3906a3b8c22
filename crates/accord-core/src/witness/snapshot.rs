//! The witnesses' part of a state snapshot ([`crate::snapshot`]).

use super::{WitnessRecord, WitnessState};
use crate::ids::{LogIndex, MemberId};
use crate::snapshot::{Dec, Enc, Reader, SnapshotError, Writer};
use accord_log::cosignature::CosignerKey;

impl Enc for WitnessState {
    fn enc(&self, w: &mut Writer) {
        let WitnessState { registered, set_by } = self;
        w.len(registered.len());
        for (m, rec) in registered {
            let WitnessRecord { member, url, key, since } = rec;
            m.enc(w);
            member.enc(w);
            url.enc(w);
            w.str(&key.to_vkey());
            since.enc(w);
        }
        w.bool(set_by.is_some());
        if let Some((proposal, index)) = set_by {
            proposal.enc(w);
            index.enc(w);
        }
    }
}

impl Dec for WitnessState {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let mut registered = std::collections::BTreeMap::new();
        for _ in 0..r.len()? {
            let m = MemberId::dec(r)?;
            let member = MemberId::dec(r)?;
            if member != m {
                return Err(r.bad("a witness filed under another member"));
            }
            let url = r.str()?;
            let vkey = r.str()?;
            let key = CosignerKey::parse(&vkey).map_err(|e| r.bad(format!("a witness key: {e}")))?;
            let since = LogIndex::dec(r)?;
            registered.insert(m, WitnessRecord { member, url, key, since });
        }
        let set_by = if r.bool()? { Some((r.str()?, LogIndex::dec(r)?)) } else { None };
        Ok(WitnessState { registered, set_by })
    }
}
