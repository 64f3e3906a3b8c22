//! Serves the 2022 IANA root zone's delegations, signed with fixed test
//! keys, on a loopback address, for load tests (dnsperf) against the same
//! zone in NSD: `cargo run --release -p accord-dns --example serve_root --
//! ROOT_ZONE_FILE 127.0.0.1:5353 [ZONE_TEXT_OUT [WORKERS]]`. Runs until killed.

use accord_dns::{serve, DnsConfig, Zones};
use accord_zone::import::read_root_zone;
use accord_zone::model::{Apex, SoaFields};
use accord_zone::sign::{KeyPair, Signer};
use accord_zone::{Name, Registry, SignedZone, ZonePlan};
use ed25519_dalek::SigningKey;
use std::collections::{BTreeMap, BTreeSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(listen)) = (args.get(1), args.get(2)) else {
        return Err("usage: serve_root ROOT_ZONE_FILE ADDR:PORT [ZONE_TEXT_OUT [WORKERS]]".into());
    };
    let imported = read_root_zone(&std::fs::read(file)?)?;
    let name = |s: &str| Name::parse(s);
    let mut ns = BTreeMap::new();
    ns.insert(name("a.root-servers.net")?, BTreeSet::from(["198.41.0.4".parse()?]));
    let apex = Apex {
        ns,
        soa: SoaFields {
            mname: name("a.root-servers.net")?,
            rname: name("nstld.verisign-grs.com")?,
            refresh: 1800,
            retry: 900,
            expire: 604_800,
            minimum: 86_400,
        },
    };
    let mut delegations = imported.delegations;
    // a.root-servers.net's address is glue under net.
    if let Some(net) = delegations.get_mut(&accord_zone::Tld::parse("net")?) {
        net.glue.entry(name("a.root-servers.net")?).or_default().insert("198.41.0.4".parse()?);
    }
    let registry = Registry { apex, delegations };
    let mut signer =
        Signer::new(KeyPair::ksk(SigningKey::from_bytes(&[7; 32])), KeyPair::zsk(SigningKey::from_bytes(&[9; 32])));
    let now = 1_796_120_430;
    let plan = ZonePlan { serial: 2026120100, now, full: now, touched: BTreeMap::new() };
    let zone = SignedZone::build(&registry, &plan, &mut signer)?;
    if let Some(out) = args.get(3) {
        std::fs::write(out, accord_zone::text::zone_text(&zone))?;
    }
    let zones = Zones::new();
    zones.publish(zone)?;
    let mut cfg = DnsConfig::new(listen.parse()?);
    if let Some(w) = args.get(4) {
        cfg.workers = w.parse()?;
    }
    let server = serve(cfg, zones)?;
    println!("serving on {}", server.local_addr());
    loop {
        std::thread::park();
    }
}
