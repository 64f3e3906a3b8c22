//! The Code's part of a state snapshot ([`crate::snapshot`]): documents,
//! their versions and addenda, and subscriptions. Articles and addenda
//! keep their wire JSON.

use super::{Addendum, Code, Document, Subscription, Version};
use crate::snapshot::{Dec, Enc, Reader, SnapshotError, Writer};

impl Enc for Code {
    fn enc(&self, w: &mut Writer) {
        let Code { documents, subscriptions } = self;
        documents.enc(w);
        subscriptions.enc(w);
    }
}
impl Dec for Code {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Code { documents: Dec::dec(r)?, subscriptions: Dec::dec(r)? })
    }
}

impl Enc for Document {
    fn enc(&self, w: &mut Writer) {
        let Document { id, title, versions } = self;
        id.enc(w);
        title.enc(w);
        versions.enc(w);
    }
}
impl Dec for Document {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Document { id: r.str()?, title: Dec::dec(r)?, versions: Dec::dec(r)? })
    }
}

impl Enc for Version {
    fn enc(&self, w: &mut Writer) {
        let Version { document, number, label, articles, adopted_at, adopted_time, proposal, addenda } = self;
        document.enc(w);
        number.enc(w);
        label.enc(w);
        w.len(articles.len());
        articles.iter().for_each(|a| w.json(a));
        adopted_at.enc(w);
        adopted_time.enc(w);
        proposal.enc(w);
        addenda.enc(w);
    }
}
impl Dec for Version {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Version {
            document: r.str()?,
            number: r.u32()?,
            label: r.str()?,
            articles: {
                let n = r.len()?;
                (0..n).map(|_| r.json()).collect::<Result<_, _>>()?
            },
            adopted_at: Dec::dec(r)?,
            adopted_time: Dec::dec(r)?,
            proposal: Dec::dec(r)?,
            addenda: Dec::dec(r)?,
        })
    }
}

impl Enc for Addendum {
    fn enc(&self, w: &mut Writer) {
        let Addendum { number, what, adopted_at, adopted_time, proposal } = self;
        number.enc(w);
        w.json(what);
        adopted_at.enc(w);
        adopted_time.enc(w);
        proposal.enc(w);
    }
}
impl Dec for Addendum {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Addendum {
            number: r.u32()?,
            what: r.json()?,
            adopted_at: Dec::dec(r)?,
            adopted_time: Dec::dec(r)?,
            proposal: Dec::dec(r)?,
        })
    }
}

impl Enc for Subscription {
    fn enc(&self, w: &mut Writer) {
        let Subscription { member, version, index, time } = self;
        member.enc(w);
        version.enc(w);
        index.enc(w);
        time.enc(w);
    }
}
impl Dec for Subscription {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Subscription { member: Dec::dec(r)?, version: r.u32()?, index: Dec::dec(r)?, time: Dec::dec(r)? })
    }
}
