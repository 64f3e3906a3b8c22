//! `accord zone check --live`: asks a delegation's name servers whether
//! they serve it.
//!
//! The technical checks of the fold read only the registry; this one goes
//! on the network, so it is a separate, optional command, never part of a
//! decision. For each name server of the delegation and each of its
//! addresses (the glue, or the registry's addresses of a host under
//! another TLD):
//! - over UDP and over TCP, `<tld> SOA` is answered NOERROR with the AA
//!   bit (the server is authoritative for the TLD);
//! - with DO, `<tld> DNSKEY` returns a key whose digest is each DS of the
//!   delegation (same key tag, algorithm and digest).
//!
//! The delegation comes from the node's registry (`--tld`), from an open
//! proposal's `zone.change` (`--proposal`), or from a JSON file in the
//! body's form (`--delegation`). `--port` asks another port than 53 (for
//! tests on loopback). Every query has a timeout; nothing is retried.

use accord_zone::message::MessageWriter;
use accord_zone::wire::{Dnskey, Rtype};
use accord_zone::{Delegation, Name, Tld};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Query the name servers themselves (the only check this command makes).
    #[arg(long, required = true)]
    pub live: bool,
    /// The TLD whose delegation to check.
    #[arg(long)]
    pub tld: String,
    /// Base URL of the node (the registry, or the proposal, is read from it).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// Check the delegation an open proposal would make, by its id.
    #[arg(long, conflicts_with = "delegation")]
    pub proposal: Option<String>,
    /// Check the delegation in this JSON file ({"ns": [...], "glue": {...}, "ds": [...]}).
    #[arg(long)]
    pub delegation: Option<PathBuf>,
    /// The port to ask (53 on the Internet).
    #[arg(long, default_value_t = 53)]
    pub port: u16,
    /// Milliseconds to wait for each answer.
    #[arg(long, default_value_t = 3_000)]
    pub timeout_ms: u64,
}

fn get_json(url: &str) -> Result<serde_json::Value> {
    let r = reqwest::blocking::get(url).with_context(|| format!("cannot reach {url}"))?;
    if !r.status().is_success() {
        bail!("GET {url}: {}", r.status());
    }
    r.json().with_context(|| format!("{url} did not answer JSON"))
}

fn delegation_of(a: &CheckArgs, tld: &Tld) -> Result<Delegation> {
    let base = a.server.trim_end_matches('/');
    let v = match (&a.delegation, &a.proposal) {
        (Some(file), _) => serde_json::from_str(
            &std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?,
        )?,
        (None, Some(id)) => {
            let p = get_json(&format!("{base}/api/v1/proposals/{id}"))?;
            let action = &p["action"];
            if action["type"] != "zone.change" || action["tld"] != tld.label() {
                bail!("proposal {id} does not change the delegation of {tld}");
            }
            action["delegation"].clone()
        }
        (None, None) => {
            get_json(&format!("{base}/api/v1/zone/delegations/{}", tld.label()))?["now"]["delegation"].clone()
        }
    };
    serde_json::from_value(v).map_err(|e| anyhow!("not a delegation: {e}"))
}

/// The addresses to ask for each name server: its glue, or (for a host
/// under another TLD) the registry's glue of that host.
fn addresses(a: &CheckArgs, d: &Delegation) -> Result<Vec<(Name, IpAddr)>> {
    let base = a.server.trim_end_matches('/');
    let mut out = Vec::new();
    for ns in &d.ns {
        let from_registry = || -> Result<Vec<IpAddr>> {
            let Some(t) = ns.tld() else { return Ok(vec![]) };
            let v = get_json(&format!("{base}/api/v1/zone/delegations/{}", t.label()));
            let glue = v.ok().map(|v| v["now"]["delegation"]["glue"][ns.to_string()].clone());
            Ok(glue.and_then(|g| serde_json::from_value(g).ok()).unwrap_or_default())
        };
        let addrs: Vec<IpAddr> = match d.glue.get(ns) {
            Some(g) => g.iter().copied().collect(),
            None => from_registry()?,
        };
        if addrs.is_empty() {
            println!("FAIL {ns}: no address known (no glue, and none in the registry)");
        }
        out.extend(addrs.into_iter().map(|ip| (ns.clone(), ip)));
    }
    Ok(out)
}

fn query(id: u16, name: &Name, qtype: Rtype, dnssec: bool) -> Vec<u8> {
    let mut w = MessageWriter::new(id, 0, 512);
    w.question(name.wire(), name.wire(), qtype.0, 1);
    w.opt(1232, 0, dnssec);
    w.finish()
}

fn ask_udp(to: SocketAddr, msg: &[u8], timeout: Duration) -> Result<Vec<u8>> {
    let bind: SocketAddr = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse()?;
    let s = UdpSocket::bind(bind)?;
    s.set_read_timeout(Some(timeout))?;
    s.connect(to)?;
    s.send(msg)?;
    let mut buf = vec![0u8; 4096];
    let n = s.recv(&mut buf).with_context(|| format!("no UDP answer from {to}"))?;
    buf.truncate(n);
    Ok(buf)
}

fn ask_tcp(to: SocketAddr, msg: &[u8], timeout: Duration) -> Result<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&to, timeout).with_context(|| format!("no TCP connection to {to}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let mut framed = (msg.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(msg);
    s.write_all(&framed)?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).with_context(|| format!("no TCP answer from {to}"))?;
    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

/// The answer, checked to be ours, NOERROR and authoritative.
fn authoritative(bytes: Vec<u8>, id: u16) -> Result<domain::base::Message<Vec<u8>>> {
    let m = domain::base::Message::from_octets(bytes).map_err(|_| anyhow!("a malformed answer"))?;
    let h = m.header();
    if h.id() != id || !h.qr() {
        bail!("an answer to another query");
    }
    if h.rcode() != domain::base::iana::Rcode::NOERROR {
        bail!("rcode {}", h.rcode());
    }
    if !h.aa() {
        bail!("not authoritative (no AA bit)");
    }
    Ok(m)
}

fn dnskeys(m: &domain::base::Message<Vec<u8>>) -> Result<Vec<Dnskey>> {
    let mut keys = Vec::new();
    for r in m.answer().map_err(|_| anyhow!("a malformed answer"))?.limit_to::<domain::rdata::Dnskey<_>>() {
        let r = r.map_err(|_| anyhow!("a malformed DNSKEY"))?;
        let k = r.data();
        keys.push(Dnskey {
            flags: k.flags(),
            protocol: k.protocol(),
            algorithm: k.algorithm().to_int(),
            public_key: AsRef::<[u8]>::as_ref(k.public_key()).to_vec(),
        });
    }
    Ok(keys)
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let tld = Tld::parse(&a.tld).map_err(|e| anyhow!("--tld: {e}"))?;
    let d = delegation_of(a, &tld)?;
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let mut failed = 0;
    let mut passed = 0;
    let mut id: u16 = 0x4ac0;
    for (ns, ip) in addresses(a, &d)? {
        let to = SocketAddr::new(ip, a.port);
        let mut step = |what: &str, r: Result<String>| match r {
            Ok(ok) => {
                passed += 1;
                println!("ok   {ns} {to} {what}: {ok}");
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {ns} {to} {what}: {e:#}");
            }
        };
        id = id.wrapping_add(1);
        let q = query(id, tld.name(), Rtype::SOA, false);
        step(
            "SOA over UDP",
            ask_udp(to, &q, timeout).and_then(|b| authoritative(b, id)).map(|_| "authoritative".into()),
        );
        step(
            "SOA over TCP",
            ask_tcp(to, &q, timeout).and_then(|b| authoritative(b, id)).map(|_| "authoritative".into()),
        );
        if d.ds.is_empty() {
            continue;
        }
        id = id.wrapping_add(1);
        let q = query(id, tld.name(), Rtype::DNSKEY, true);
        let answer = ask_udp(to, &q, timeout).and_then(|b| {
            let tc = domain::base::Message::from_octets(b.clone()).map(|m| m.header().tc()).unwrap_or(false);
            if tc {
                ask_tcp(to, &q, timeout)
            } else {
                Ok(b)
            }
        });
        let keys = answer.and_then(|b| authoritative(b, id)).and_then(|m| dnskeys(&m));
        step(
            "DNSKEY for every DS",
            keys.and_then(|keys| {
                let missing: Vec<String> =
                    d.ds.iter()
                        .filter(|ds| {
                            !keys.iter().any(|k| {
                                k.key_tag() == ds.key_tag
                                    && k.algorithm == ds.algorithm
                                    && accord_zone::sign::ds_digest(tld.name(), k, ds.digest_type).as_deref()
                                        == Some(&ds.digest[..])
                            })
                        })
                        .map(|ds| format!("DS {} {} {}", ds.key_tag, ds.algorithm, ds.digest_type))
                        .collect();
                if missing.is_empty() {
                    Ok(format!("{} keys, every DS matched", keys.len()))
                } else {
                    Err(anyhow!("no DNSKEY matches {}", missing.join(", ")))
                }
            }),
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 || passed == 0 {
        bail!("the live check of {tld} failed");
    }
    Ok(())
}
