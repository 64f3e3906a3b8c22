//! The zone's part of a state snapshot ([`crate::snapshot`]). Delegations,
//! the apex, sponsors and keys keep their wire JSON; versions and plans
//! are binary.

use super::{ImportProgress, Published, VersionCause, ZoneState, ZoneVersion};
use crate::ids::LogIndex;
use crate::snapshot::{Dec, Enc, Reader, SnapshotError, Writer};
use crate::time::Timestamp;
use accord_zone::{Registry, Tld, ZonePlan};
use std::collections::BTreeMap;

fn tld(r: &mut Reader) -> Result<Tld, SnapshotError> {
    let s = r.str()?;
    Tld::parse(&s).map_err(|e| r.bad(e.to_string()))
}

impl Enc for ZoneState {
    fn enc(&self, w: &mut Writer) {
        let ZoneState { import, registry, sponsors, keys, version, published, source } = self;
        w.bool(import.is_some());
        if let Some(p) = import {
            let ImportProgress { file_sha256, source_serial, parts, done, apex, keys, delegations } = p;
            file_sha256.enc(w);
            source_serial.enc(w);
            parts.enc(w);
            done.enc(w);
            w.json(apex);
            w.json(keys);
            w.json(delegations);
        }
        w.bool(registry.is_some());
        if let Some(Registry { apex, delegations }) = registry {
            w.json(apex);
            w.len(delegations.len());
            for (t, d) in delegations {
                w.str(t.label());
                w.json(d);
            }
        }
        w.json(sponsors);
        w.json(keys);
        version.enc(w);
        published.enc(w);
        source.enc(w);
    }
}

impl Dec for ZoneState {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let import = if r.bool()? {
            Some(ImportProgress {
                file_sha256: r.str()?,
                source_serial: r.u32()?,
                parts: r.u32()?,
                done: r.u32()?,
                apex: r.json()?,
                keys: r.json()?,
                delegations: r.json()?,
            })
        } else {
            None
        };
        let registry = if r.bool()? {
            let apex = r.json()?;
            let n = r.len()?;
            let mut delegations = BTreeMap::new();
            for _ in 0..n {
                let t = tld(r)?;
                delegations.insert(t, r.json()?);
            }
            Some(Registry { apex, delegations })
        } else {
            None
        };
        Ok(ZoneState {
            import,
            registry,
            sponsors: r.json()?,
            keys: r.json()?,
            version: Dec::dec(r)?,
            published: Dec::dec(r)?,
            source: Dec::dec(r)?,
        })
    }
}

impl Enc for ZoneVersion {
    fn enc(&self, w: &mut Writer) {
        let ZoneVersion { serial, index, time, cause, plan } = self;
        serial.enc(w);
        index.enc(w);
        time.enc(w);
        w.json(cause);
        let ZonePlan { serial, now, full, touched } = plan;
        serial.enc(w);
        now.enc(w);
        full.enc(w);
        w.len(touched.len());
        for (t, at) in touched {
            w.str(t.label());
            at.enc(w);
        }
    }
}

impl Dec for ZoneVersion {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let serial = r.u32()?;
        let index = LogIndex::dec(r)?;
        let time = Timestamp::dec(r)?;
        let cause: VersionCause = r.json()?;
        let plan_serial = r.u32()?;
        let now = r.u64()?;
        let full = r.u64()?;
        let n = r.len()?;
        let mut touched = BTreeMap::new();
        for _ in 0..n {
            let t = tld(r)?;
            touched.insert(t, r.u64()?);
        }
        Ok(ZoneVersion { serial, index, time, cause, plan: ZonePlan { serial: plan_serial, now, full, touched } })
    }
}

impl Enc for Published {
    fn enc(&self, w: &mut Writer) {
        let Published { serial, sha256, index } = self;
        serial.enc(w);
        sha256.enc(w);
        index.enc(w);
    }
}

impl Dec for Published {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Published { serial: r.u32()?, sha256: r.str()?, index: LogIndex::dec(r)? })
    }
}
