//! Signing the real root zone (1,487 delegations, `../shared/data/rootzone/`):
//! a full build and signature of every RRset, and a build after a
//! one-delegation change, where only what changed is signed again.
//! `cargo bench -p accord-zone --bench sign`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_zone::import::read_root_zone;
use accord_zone::model::{Apex, SoaFields};
use accord_zone::sign::{KeyPair, Signer};
use accord_zone::text::zone_text;
use accord_zone::{Ds, Name, Registry, SignedZone, Tld, ZonePlan};
use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn registry() -> Option<Registry> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rootzone/root-2022021501.zone");
    let Ok(bytes) = std::fs::read(&p) else {
        eprintln!("SKIPPED: no shared root zone at {}", p.display());
        return None;
    };
    let imported = read_root_zone(&bytes).unwrap();
    let n = |s: &str| Name::parse(s).unwrap();
    let apex = Apex {
        ns: BTreeMap::from([(n("a.accord-servers.net"), BTreeSet::from(["127.0.0.53".parse().unwrap()]))]),
        soa: SoaFields {
            mname: n("a.accord-servers.net"),
            rname: n("secretariat.accord-servers.net"),
            refresh: 1800,
            retry: 900,
            expire: 604_800,
            minimum: 86_400,
        },
    };
    Some(Registry { apex, delegations: imported.delegations })
}

fn signer() -> Signer {
    Signer::new(KeyPair::ksk(SigningKey::from_bytes(&[7; 32])), KeyPair::zsk(SigningKey::from_bytes(&[9; 32])))
}

fn bench(c: &mut Criterion) {
    let Some(mut reg) = registry() else { return };
    let t0 = 1_796_120_430;
    let plan = ZonePlan { serial: 2026120100, now: t0, full: t0, touched: BTreeMap::new() };
    c.bench_function("full sign of the root zone", |b| {
        b.iter(|| SignedZone::build(&reg, &plan, &mut signer()).unwrap())
    });
    let zone = SignedZone::build(&reg, &plan, &mut signer()).unwrap();
    c.bench_function("zone text of the root zone", |b| b.iter(|| zone_text(&zone)));

    let mut s = signer();
    SignedZone::build(&reg, &plan, &mut s).unwrap();
    let tld = Tld::parse("aaa").unwrap();
    let mut flip = false;
    c.bench_function("one-delegation change of the root zone", |b| {
        b.iter(|| {
            flip = !flip;
            let d = reg.delegations.get_mut(&tld).unwrap();
            let extra = Ds { key_tag: 2, algorithm: 15, digest_type: 2, digest: vec![1; 32] };
            if flip {
                d.ds.insert(extra);
            } else {
                d.ds.remove(&extra);
            }
            let mut p = plan.clone();
            p.now = t0 + 3600;
            p.touched.insert(tld.clone(), t0 + 3600);
            SignedZone::build(&reg, &p, &mut s).unwrap()
        })
    });
}

criterion_group! { name = benches; config = Criterion::default().sample_size(10); targets = bench }
criterion_main!(benches);
