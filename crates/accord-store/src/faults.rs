//! A fault-injecting [`Store`] for tests: it wraps a real store and makes
//! chosen appends fail in the ways the durability contract allows (see
//! [`Store`]): after persisting, before persisting, or slowly.
//!
//! What it is not: a mock. Everything it does not fail is done by the
//! wrapped store, so what is durable is what the real store made durable.

use crate::confidential::{Commitment, Confidential, ConfidentialStore};
use crate::prelude::*;
use crate::{
    AppendBatch, MemberRow, NoteRow, ProposalPage, ProposalQuery, ProposalRow, Result, StatementRow, Store, StoreError,
    VoteRow,
};
use accord_core::Effect;
use accord_log::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the next appends do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Commit, then report a failure (an fsync error after the write).
    FailAfterPersisting,
    /// Report a failure without writing anything.
    FailWithoutPersisting,
    /// Commit after a delay (a slow fsync).
    Slow(Duration),
}

/// A store whose appends fail by plan: `plan(n)` says what the n-th
/// append (from 0) does, `None` being a plain append.
pub struct FaultyStore {
    inner: Arc<dyn Store>,
    plan: Box<dyn Fn(u64) -> Option<Fault> + Send + Sync>,
    appends: AtomicU64,
    /// Every fault injected, in order: (append number, fault).
    pub injected: Mutex<Vec<(u64, Fault)>>,
}

impl FaultyStore {
    pub fn new(inner: Arc<dyn Store>, plan: impl Fn(u64) -> Option<Fault> + Send + Sync + 'static) -> FaultyStore {
        FaultyStore { inner, plan: Box::new(plan), appends: AtomicU64::new(0), injected: Mutex::new(Vec::new()) }
    }

    fn injected(&self, n: u64, f: Fault) {
        self.injected.lock().unwrap_or_else(|p| p.into_inner()).push((n, f));
    }
}

impl LogStore for FaultyStore {
    fn append(&self, batch: &AppendBatch) -> Result<()> {
        let n = self.appends.fetch_add(1, Ordering::SeqCst);
        match (self.plan)(n) {
            None => self.inner.append(batch),
            Some(f @ Fault::FailAfterPersisting) => {
                self.inner.append(batch)?;
                self.injected(n, f);
                Err(StoreError::Corrupt("injected fault: the commit persisted, then failed".into()))
            }
            Some(f @ Fault::FailWithoutPersisting) => {
                self.injected(n, f);
                Err(StoreError::Corrupt("injected fault: the commit failed before persisting".into()))
            }
            Some(f @ Fault::Slow(d)) => {
                self.injected(n, f);
                std::thread::sleep(d);
                self.inner.append(batch)
            }
        }
    }
}

impl CheckpointStore for FaultyStore {
    fn put_checkpoint(&self, previous: u64, size: u64, note: &str) -> Result<()> {
        self.inner.put_checkpoint(previous, size, note)
    }
}

impl ProjectionStore for FaultyStore {
    fn clear_projections(&self) -> Result<()> {
        self.inner.clear_projections()
    }
    fn write_projections(&self, effects: &[Effect]) -> Result<()> {
        self.inner.write_projections(effects)
    }
}

impl LogReads for FaultyStore {
    fn size(&self) -> Result<u64> {
        self.inner.size()
    }
    fn snapshot(&self, f: &mut dyn FnMut(u64) -> Result<()>) -> Result<()> {
        self.inner.snapshot(f)
    }
    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>> {
        self.inner.entries(start, end)
    }
    fn statement_at(&self, member: &str, seq: u64) -> Result<Option<u64>> {
        self.inner.statement_at(member, seq)
    }
    fn hashes(&self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>> {
        self.inner.hashes(level, start, end)
    }
}

impl CheckpointReads for FaultyStore {
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        self.inner.latest_checkpoint()
    }
}

impl BodyReads for FaultyStore {
    fn members(&self) -> Result<Vec<MemberRow>> {
        self.inner.members()
    }
    fn member(&self, id: &str) -> Result<Option<MemberRow>> {
        self.inner.member(id)
    }
    fn notes(&self, before: Option<u64>, limit: u32) -> Result<Vec<NoteRow>> {
        self.inner.notes(before, limit)
    }
    fn body_fact(&self, key: &str) -> Result<Option<String>> {
        self.inner.body_fact(key)
    }
    fn statements_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<StatementRow>> {
        self.inner.statements_by_member(member, before, limit)
    }
}

impl DecisionReads for FaultyStore {
    fn proposals(&self, q: &ProposalQuery) -> Result<ProposalPage> {
        self.inner.proposals(q)
    }
    fn proposal(&self, id: &str) -> Result<Option<ProposalRow>> {
        self.inner.proposal(id)
    }
    fn votes(&self, proposal: &str) -> Result<Vec<VoteRow>> {
        self.inner.votes(proposal)
    }
    fn recently_closed(&self, limit: u32) -> Result<Vec<ProposalRow>> {
        self.inner.recently_closed(limit)
    }
    fn votes_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<VoteRow>> {
        self.inner.votes_by_member(member, before, limit)
    }
}

impl CodeReads for FaultyStore {
    fn documents(&self) -> Result<Vec<accord_core::code::Document>> {
        self.inner.documents()
    }
    fn document(&self, id: &str) -> Result<Option<accord_core::code::Document>> {
        self.inner.document(id)
    }
    fn subscriptions(&self, document: &str) -> Result<Vec<accord_core::code::Subscription>> {
        self.inner.subscriptions(document)
    }
    fn subscriptions_of(&self, member: &str) -> Result<Vec<(String, accord_core::code::Subscription)>> {
        self.inner.subscriptions_of(member)
    }
}

impl ZoneReads for FaultyStore {
    fn zone_info(&self) -> Result<Option<crate::zone::ZoneInfo>> {
        self.inner.zone_info()
    }
    fn zone_delegations(&self) -> Result<Vec<crate::zone::DelegationRow>> {
        self.inner.zone_delegations()
    }
    fn zone_delegation(&self, tld: &str) -> Result<Option<crate::zone::DelegationRow>> {
        self.inner.zone_delegation(tld)
    }
    fn zone_history(&self, tld: &str) -> Result<Vec<crate::zone::ZoneHistoryRow>> {
        self.inner.zone_history(tld)
    }
    fn zone_versions(&self, before: Option<u32>, limit: u32) -> Result<Vec<crate::zone::ZoneVersionRow>> {
        self.inner.zone_versions(before, limit)
    }
}

impl ProjectionReads for FaultyStore {
    fn projection_digest(&self) -> Result<Hash> {
        self.inner.projection_digest()
    }
}

impl ConfidentialStore for FaultyStore {
    fn put_confidential(&self, r: &Confidential) -> Result<()> {
        self.inner.put_confidential(r)
    }
    fn confidential(&self, c: &Commitment) -> Result<Option<Confidential>> {
        self.inner.confidential(c)
    }
    fn delete_confidential(&self, c: &Commitment) -> Result<bool> {
        self.inner.delete_confidential(c)
    }
    fn expire(&self, now: accord_core::Timestamp) -> Result<u64> {
        self.inner.expire(now)
    }
    fn put_private(&self, writes: &[crate::share::PrivateWrite]) -> Result<()> {
        self.inner.put_private(writes)
    }
}

impl crate::share::ShareReads for FaultyStore {
    fn credential(&self, id: &str) -> Result<Option<crate::share::CredentialRow>> {
        self.inner.credential(id)
    }
    fn credentials_of(&self, member: &str) -> Result<Vec<crate::share::CredentialRow>> {
        self.inner.credentials_of(member)
    }
    fn communities(&self) -> Result<Vec<accord_core::share::CommunityRecord>> {
        self.inner.communities()
    }
    fn share(&self, index: u64) -> Result<Option<crate::share::ShareRow>> {
        self.inner.share(index)
    }
    fn shares_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<crate::share::ShareRow>> {
        self.inner.shares_by_member(member, before, limit)
    }
    fn share_objects(&self, q: &crate::share::ObjectQuery) -> Result<Vec<crate::share::ObjectRow>> {
        self.inner.share_objects(q)
    }
    fn share_object(
        &self,
        collection: &str,
        id: &str,
        vkey: &str,
    ) -> Result<Option<(crate::share::ObjectRow, Option<String>)>> {
        self.inner.share_object(collection, id, vkey)
    }
    fn share_envelope(&self, root: &str) -> Result<Option<Vec<[u8; 32]>>> {
        self.inner.share_envelope(root)
    }
    fn share_status(&self, id: &str) -> Result<Option<(String, String)>> {
        self.inner.share_status(id)
    }
    fn incident_counts(&self) -> Result<Vec<(String, String, u64)>> {
        self.inner.incident_counts()
    }
}
