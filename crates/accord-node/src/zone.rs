//! The signed root zone, following the log.
//!
//! A [`ZoneService`] is told of every commit ([`crate::CommitObserver`]);
//! when one carries a zone effect (or after a storage fault, when anything
//! may have changed), its own thread reads the registry and the latest
//! version from one consistent snapshot of the store, builds and signs the
//! zone (`accord_zone::SignedZone::build`, with the version's plan: the
//! same log gives the same zone, and an RRset whose content and times did
//! not change keeps its signature), hands it to every [`ZoneSink`] (the
//! DNS server), keeps its text for `GET /registry/root.zone`, and — when
//! this node holds the secretariat's key — records it with `zone.publish`.
//!
//! The private keys come from a [`ZoneKeySource`] (files in the data
//! folder, read by the binary); the service signs nothing unless their
//! public halves are the keys the log's `zone.import` named.
//!
//! What it is not: a DNS server (that is `accord-dns`, a sink), and it
//! decides nothing: the registry and the plan are the fold's.

use crate::changes::{Changes, CommitObserver, Committed};
use crate::node::Node;
use accord_core::state::Effect;
use accord_log::Signer;
use accord_zone::sign::{KeyPair, Signer as ZoneSigner};
use accord_zone::{Registry, SignedZone};
use base64::Engine;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, RwLock, Weak};
use std::time::Instant;

/// Where a signed zone goes: the DNS server.
pub trait ZoneSink: Send + Sync {
    fn publish(&self, zone: &SignedZone);
}

/// The zone's private keys (KSK, ZSK), if there are any yet: read when a
/// zone is first built (an import may create them while the node runs).
pub type ZoneKeySource = Arc<dyn Fn() -> Result<Option<(SigningKey, SigningKey)>, String> + Send + Sync>;

/// A zone as built and served.
#[derive(Debug)]
pub struct BuiltZone {
    pub serial: u32,
    /// The zone in presentation form (`accord_zone::text::zone_text`).
    pub text: Arc<str>,
    /// SHA-256 of `text`, lowercase hex: what `zone.publish` records.
    pub sha256: String,
    /// Signatures made for this version (the others were reused).
    pub signatures_made: u64,
    /// How long building and signing took, in milliseconds.
    pub build_ms: f64,
    pub zone: Arc<SignedZone>,
}

pub struct ZoneService {
    current: RwLock<Option<Arc<BuiltZone>>>,
    wake: SyncSender<()>,
}

struct Observer(SyncSender<()>);

impl CommitObserver for Observer {
    fn committed(&self, c: &Committed) {
        let zone = match &c.changes {
            Changes::Unknown => true,
            // Only a new version changes the zone (its delegations and apex
            // come with it); a `zone.publish` changes nothing to build.
            Changes::Known(effects) => effects.iter().any(|e| matches!(e, Effect::ZoneVersionFormed(_))),
        };
        if zone {
            // A full queue already means "build": never block the sequencer.
            let _ = self.0.try_send(());
        }
    }
}

struct Worker {
    node: Weak<Node>,
    keys: ZoneKeySource,
    secretariat: Option<Signer>,
    sinks: Vec<Arc<dyn ZoneSink>>,
    signer: Option<ZoneSigner>,
    service: Weak<ZoneService>,
}

impl ZoneService {
    /// Starts following `node`: builds the zone of the latest version now,
    /// and again after every commit that changes it.
    pub fn start(
        node: &Arc<Node>,
        keys: ZoneKeySource,
        secretariat: Option<Signer>,
        sinks: Vec<Arc<dyn ZoneSink>>,
    ) -> Result<Arc<ZoneService>, String> {
        let (tx, rx) = sync_channel(1);
        let service = Arc::new(ZoneService { current: RwLock::new(None), wake: tx.clone() });
        let mut worker = Worker {
            node: Arc::downgrade(node),
            keys,
            secretariat,
            sinks,
            signer: None,
            service: Arc::downgrade(&service),
        };
        node.observe(Arc::new(Observer(tx.clone())));
        let _ = tx.try_send(());
        std::thread::Builder::new()
            .name("accord-zone".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| format!("cannot start the zone builder: {e}"))?;
        Ok(service)
    }

    /// The zone served now, if one was built.
    pub fn current(&self) -> Option<Arc<BuiltZone>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Asks for a build (after keys were put in place, say).
    pub fn poke(&self) {
        let _ = self.wake.try_send(());
    }
}

/// The registry and the latest version, read at one log size; the
/// registry is not read when the version is the one already built.
struct Snapshot {
    info: accord_store::zone::ZoneInfo,
    registry: Option<Registry>,
    version: accord_store::zone::ZoneVersionRow,
}

impl Worker {
    fn run(&mut self, rx: Receiver<()>) {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "the zone builder cannot start its runtime");
                return;
            }
        };
        while rx.recv().is_ok() {
            let (Some(node), Some(service)) = (self.node.upgrade(), self.service.upgrade()) else { return };
            if let Err(e) = self.build(&node, &service, &rt) {
                tracing::error!(error = %e, "the zone was not built");
            }
        }
    }

    fn read(node: &Node, built: Option<u32>) -> Result<Option<Snapshot>, String> {
        let reads = node.reads();
        let mut out = None;
        reads
            .snapshot(&mut |_| {
                let Some(version) = reads.zone_versions(None, 1)?.into_iter().next() else { return Ok(()) };
                let Some(info) = reads.zone_info()? else { return Ok(()) };
                let registry = if built == Some(version.serial) {
                    None
                } else {
                    let delegations =
                        reads.zone_delegations()?.into_iter().map(|r| (r.tld, r.sponsored.delegation)).collect();
                    Some(Registry { apex: info.apex.clone(), delegations })
                };
                out = Some(Snapshot { info, registry, version });
                Ok(())
            })
            .map_err(|e| format!("reading the registry: {e}"))?;
        Ok(out)
    }

    fn signer(&mut self, info: &accord_store::zone::ZoneInfo) -> Result<Option<&mut ZoneSigner>, String> {
        if self.signer.is_none() {
            let Some((ksk, zsk)) = (self.keys)()? else { return Ok(None) };
            let b64 = |k: &SigningKey| base64::engine::general_purpose::STANDARD.encode(k.verifying_key().to_bytes());
            if b64(&ksk) != info.keys.ksk || b64(&zsk) != info.keys.zsk {
                return Err(
                    "the zone keys in the data folder are not the ones zone.import published; not signing".into()
                );
            }
            self.signer = Some(ZoneSigner::new(KeyPair::ksk(ksk), KeyPair::zsk(zsk)));
        }
        Ok(self.signer.as_mut())
    }

    fn build(&mut self, node: &Node, service: &ZoneService, rt: &tokio::runtime::Runtime) -> Result<(), String> {
        let current = service.current();
        let Some(snap) = Worker::read(node, current.as_ref().map(|c| c.serial))? else { return Ok(()) };
        let v = &snap.version;
        let built = match (current.filter(|c| c.serial == v.serial), &snap.registry) {
            (Some(c), _) => c,
            (None, None) => return Ok(()),
            (None, Some(registry)) => {
                let started = Instant::now();
                let Some(signer) = self.signer(&snap.info)? else {
                    tracing::warn!("no zone keys in the data folder: the zone is not signed or served");
                    return Ok(());
                };
                let before = signer.made;
                let zone = SignedZone::build(registry, &v.plan, signer).map_err(|e| e.to_string())?;
                let made = signer.made - before;
                // DNS first: the text and its hash are for HTTP and the log.
                for s in &self.sinks {
                    s.publish(&zone);
                }
                let text: Arc<str> = accord_zone::text::zone_text(&zone).into();
                let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
                let built = Arc::new(BuiltZone {
                    serial: zone.serial,
                    text,
                    sha256,
                    signatures_made: made,
                    build_ms: started.elapsed().as_secs_f64() * 1000.0,
                    zone: Arc::new(zone),
                });
                *service.current.write().unwrap_or_else(|p| p.into_inner()) = Some(built.clone());
                tracing::info!(
                    serial = built.serial,
                    delegations = registry.delegations.len(),
                    signatures_made = made,
                    build_ms = format!("{:.1}", built.build_ms),
                    "zone built and served"
                );
                built
            }
        };
        if v.published.is_none() {
            self.publish(node, &built, rt);
        }
        Ok(())
    }

    /// Records `built` with `zone.publish`, signed by the sequencer with
    /// the secretariat's key and its next seq (so it never races the
    /// node's other acts for a seq).
    fn publish(&self, node: &Node, built: &BuiltZone, rt: &tokio::runtime::Runtime) {
        if self.secretariat.is_none() {
            return;
        }
        let body = serde_json::json!({"serial": built.serial, "sha256": built.sha256});
        let act = match accord_core::Act::build("zone.publish", &body) {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "zone.publish: cannot build the act");
                return;
            }
        };
        match rt.block_on(node.record_as_secretariat(act, Vec::new())) {
            Ok(r) => tracing::info!(serial = built.serial, index = r.index, "zone.publish recorded"),
            Err(e) => tracing::info!(serial = built.serial, error = %e, "zone.publish not recorded"),
        }
    }
}
