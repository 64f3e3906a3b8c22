//! The root zone served by the real binary, checked against DNS software
//! nobody here wrote: NSD and Knot as secondaries of `accord serve` follow
//! a change adopted by vote, and a validating unbound follows the chain of
//! trust from Accord's root through a TLD added by vote to a child zone
//! signed with ldns, and refuses the child once a signature is tampered
//! or once the root's DS for it, changed by vote, matches no key.
//! Everything is on loopback; every daemon runs in the foreground in its
//! own temp dir and is ended by its PID when the test ends. Without the
//! tools (`scripts/dns-env.sh`) or the shared root zone the tests skip with
//! a message, and under CI=true they fail.

use crate::common::*;
use crate::zone::{
    adopt_by_vote, free_port, import_root_zone, kdig, new_aaa_servers, published_zone, root_zone_file, tool, wait_until,
};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A daemon this test started, in the foreground, with its output in
/// `log`; ended by its PID when dropped: SIGTERM, then SIGKILL if it is
/// still there after a few seconds (NSD's own children leave with it).
struct Daemon {
    name: &'static str,
    child: std::process::Child,
    log: PathBuf,
    port: u16,
}

impl Daemon {
    fn spawn(name: &'static str, mut cmd: Command, log: PathBuf, port: u16) -> Daemon {
        let out = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        Daemon { name, child, log, port }
    }

    /// Starts a daemon with `spawn` on a free port and waits until it is
    /// `ready` there. A port is only free when asked, so another process
    /// may take it before the daemon binds it: the daemon then exits, and
    /// it is started again on another port (a bounded number of times).
    fn on_a_free_port(spawn: impl Fn(u16) -> Daemon, ready: impl Fn(u16) -> bool) -> Daemon {
        for _ in 0..5 {
            let mut d = spawn(free_port());
            let start = Instant::now();
            loop {
                if ready(d.port) {
                    return d;
                }
                if let Ok(Some(_)) = d.child.try_wait() {
                    eprintln!("{} exited at start (port taken?), again on another port: {}", d.name, d.log());
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(10), "{} never became ready: {}", d.name, d.log());
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("no daemon started in 5 tries");
    }

    fn log(&self) -> String {
        format!("{} log:\n{}", self.name, std::fs::read_to_string(&self.log).unwrap_or_default())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` distinct free loopback ports (UDP and TCP).
fn free_ports(n: usize) -> Vec<u16> {
    let mut ports: Vec<u16> = Vec::new();
    while ports.len() < n {
        let p = free_port();
        if !ports.contains(&p) {
            ports.push(p);
        }
    }
    ports
}

fn soa_serial(port: u16) -> Option<u32> {
    kdig(port, &["+short", "+time=1", "+retry=0", ".", "SOA"]).split_whitespace().nth(2)?.parse().ok()
}

/// The flags of a kdig answer (";; Flags: qr rd ra ad; QUERY: ...").
fn flags(answer: &str) -> Vec<String> {
    let line = answer.lines().find_map(|l| l.strip_prefix(";; Flags:")).unwrap_or_else(|| panic!("no flags: {answer}"));
    line.split(';').next().unwrap().split_whitespace().map(str::to_string).collect()
}

fn status(answer: &str) -> &str {
    answer
        .lines()
        .find_map(|l| l.split("status: ").nth(1))
        .and_then(|s| s.split(';').next())
        .map(str::trim)
        .unwrap_or_else(|| panic!("no status: {answer}"))
}

/// NSD as a secondary of the primary at `primary` (AXFR, NOTIFY from
/// loopback), in `dir`, answering on `port`.
fn nsd_secondary(nsd: &Path, dir: &Path, port: u16, primary: u16) -> Daemon {
    let zone = format!("request-xfr: AXFR 127.0.0.1@{primary} NOKEY\n  allow-notify: 127.0.0.1 NOKEY\n");
    nsd_with(nsd, dir, port, ".", &dir.join("root.zone"), &zone)
}

/// NSD serving `zonefile` for `origin` as its primary, in `dir`, on a
/// free port, once it answers for the zone.
fn nsd_primary(nsd: &Path, dir: &Path, origin: &str, zonefile: &Path) -> Daemon {
    Daemon::on_a_free_port(
        |port| nsd_with(nsd, dir, port, origin, zonefile, ""),
        |port| kdig(port, &["+time=1", "+retry=0", origin, "SOA"]).contains("status: NOERROR"),
    )
}

fn nsd_with(nsd: &Path, dir: &Path, port: u16, origin: &str, zonefile: &Path, zone_extra: &str) -> Daemon {
    std::fs::create_dir_all(dir).unwrap();
    let conf = format!(
        "server:\n  ip-address: 127.0.0.1@{port}\n  server-count: 1\n  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  database: \"\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  \
         zonelistfile: \"{d}/zone.list\"\n  xfrdir: \"{d}\"\n  verbosity: 2\n  do-ip6: no\n\
         remote-control:\n  control-enable: no\n\
         zone:\n  name: \"{origin}\"\n  zonefile: \"{z}\"\n  {zone_extra}",
        d = dir.display(),
        z = zonefile.display(),
    );
    std::fs::write(dir.join("nsd.conf"), conf).unwrap();
    let mut cmd = Command::new(nsd);
    cmd.arg("-d").arg("-c").arg(dir.join("nsd.conf"));
    Daemon::spawn("nsd", cmd, dir.join("nsd.log"), port)
}

/// Knot as a secondary of the primary at `primary`, in `dir`, on `port`.
fn knot_secondary(knotd: &Path, dir: &Path, port: u16, primary: u16) -> Daemon {
    std::fs::create_dir_all(dir).unwrap();
    let conf = format!(
        "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\n\
         database:\n  storage: \"{d}\"\n\
         log:\n  - target: stderr\n    any: info\n\
         remote:\n  - id: primary\n    address: 127.0.0.1@{primary}\n\
         acl:\n  - id: notify\n    address: 127.0.0.1\n    action: notify\n\
         template:\n  - id: default\n    storage: \"{d}\"\n\
         zone:\n  - domain: .\n    master: primary\n    acl: notify\n",
        d = dir.display(),
    );
    std::fs::write(dir.join("knot.conf"), conf).unwrap();
    let mut cmd = Command::new(knotd);
    cmd.arg("-c").arg(dir.join("knot.conf"));
    Daemon::spawn("knot", cmd, dir.join("knot.log"), port)
}

#[test]
fn nsd_and_knot_as_secondaries_of_the_binary_follow_a_change_adopted_by_vote() {
    let Some(file) = root_zone_file() else { return };
    let (Some(nsd), Some(knotd), Some(_)) = (tool("nsd"), tool("knotd"), tool("kdig")) else { return };
    let mut body = Body::found(3);
    let ports = free_ports(3);
    let (port, nsd_port, knot_port) = (ports[0], ports[1], ports[2]);
    let (listen, to_nsd, to_knot) =
        (format!("127.0.0.1:{port}"), format!("127.0.0.1:{nsd_port}"), format!("127.0.0.1:{knot_port}"));
    let server = Server::start_with(
        &body.data(),
        &[
            "--dns-listen",
            &listen,
            "--dns-transfer-allow",
            "127.0.0.1",
            "--dns-notify",
            &to_nsd,
            "--dns-notify",
            &to_knot,
        ],
    );
    import_root_zone(&server, &body, &file);
    let (serial, _) = published_zone(&server, 0);

    // The secondaries start on a published zone and transfer it at once.
    let dir = tempfile::tempdir().unwrap();
    let nsd = nsd_secondary(&nsd, &dir.path().join("nsd"), nsd_port, port);
    let knot = knot_secondary(&knotd, &dir.path().join("knot"), knot_port, port);
    let secondaries = [(&nsd, nsd_port), (&knot, knot_port)];
    for (d, p) in secondaries {
        let start = Instant::now();
        while soa_serial(p) != Some(serial) {
            assert!(start.elapsed() < Duration::from_secs(60), "{} never served serial {serial}: {}", d.name, d.log());
            std::thread::sleep(Duration::from_millis(200));
        }
        let a = kdig(p, &["+norec", "www.example.aaa", "A"]);
        assert!(a.contains("NS\tns1.dns.nic.aaa."), "{}: {a}", d.name);
    }

    // A change adopted by vote reaches both by NOTIFY and transfer.
    adopt_by_vote(&mut body, &server, "aaa-ns", "New name servers for aaa", new_aaa_servers());
    let (new_serial, _) = published_zone(&server, serial);
    for (d, p) in secondaries {
        let a = wait_until(&format!("the new delegation at {}", d.name), Duration::from_secs(20), || {
            let a = kdig(p, &["+norec", "www.example.aaa", "A"]);
            a.contains("ns1.new.aaa.").then_some(a)
        });
        assert!(a.contains("NS\tns2.new.aaa.") && a.contains("193.0.14.1"), "{}: {a}", d.name);
        assert!(!a.contains("ns1.dns.nic.aaa."), "{}: the old servers are gone: {a}", d.name);
        assert_eq!(soa_serial(p), Some(new_serial), "{}", d.name);
    }
    // Both took the change because Accord told them: NOTIFY, then a transfer.
    let l = nsd.log();
    assert!(l.contains(&format!("notify for . from 127.0.0.1 serial {new_serial}")), "NSD heard a NOTIFY: {l}");
    let l = knot.log();
    assert!(l.contains("notify, incoming, remote 127.0.0.1@") && l.contains(&format!("serial {new_serial}")), "{l}");
    assert!(l.contains("IXFR, incoming") && !l.contains("fallback to AXFR"), "Knot takes the change by IXFR: {l}");
}

/// A child zone `tld` signed with ldns: a KSK and a ZSK (Ed25519), NSEC.
/// Returns the signed zone file and the KSK's DS (SHA-256) as a
/// `zone.change` wants it.
fn signed_child_zone(dir: &Path, tld: &str) -> (PathBuf, serde_json::Value) {
    let (Some(keygen), Some(signzone), Some(key2ds)) =
        (tool("ldns-keygen"), tool("ldns-signzone"), tool("ldns-key2ds"))
    else {
        unreachable!("checked by the caller")
    };
    std::fs::create_dir_all(dir).unwrap();
    let run = |cmd: &mut Command| {
        let out = cmd.current_dir(dir).output().unwrap();
        assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let ksk = run(Command::new(&keygen).args(["-a", "ED25519", "-k", tld]));
    let zsk = run(Command::new(&keygen).args(["-a", "ED25519", tld]));
    let zone = format!(
        "$ORIGIN {tld}.\n$TTL 3600\n\
         @ IN SOA ns1.nic.{tld}. hostmaster.{tld}. 1 1800 900 604800 86400\n\
         @ IN NS ns1.nic.{tld}.\n@ IN NS ns2.nic.{tld}.\n\
         ns1.nic IN A 193.0.14.1\nns2.nic IN A 199.7.83.42\n\
         www IN A 127.0.0.80\n"
    );
    let file = dir.join(format!("{tld}.zone"));
    std::fs::write(&file, zone).unwrap();
    run(Command::new(&signzone).arg(&file).arg(&ksk).arg(&zsk));
    // "accord-test.	3600	IN	DS	36114 15 2 026b..."
    let ds = run(Command::new(&key2ds).args(["-n", "-2"]).arg(format!("{ksk}.key")));
    let f: Vec<&str> = ds.split_whitespace().collect();
    assert_eq!(f[3], "DS", "{ds}");
    let ds = json!({
        "key_tag": f[4].parse::<u16>().unwrap(),
        "algorithm": f[5].parse::<u8>().unwrap(),
        "digest_type": f[6].parse::<u8>().unwrap(),
        "digest": f[7..].concat().to_lowercase(),
    });
    assert_eq!(ds["algorithm"], 15, "{ds}");
    (dir.join(format!("{tld}.zone.signed")), ds)
}

/// The signed zone with one signature altered: the RRSIG over `www`'s A.
fn tampered(signed: &Path, owner: &str) -> String {
    let text = std::fs::read_to_string(signed).unwrap();
    let mut done = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if !done && f.first() == Some(&owner) && f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"A") {
                done = true;
                // The signature is the last field, in base64: change one
                // character in its middle to another base64 character.
                let sig = *f.last().unwrap();
                let at = l.len() - sig.len() + sig.len() / 2;
                let c = l.as_bytes()[at];
                let to = if c == b'A' { 'B' } else { 'A' };
                format!("{}{to}{}", &l[..at], &l[at + 1..])
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "no RRSIG over {owner} A in {text}");
    out.join("\n") + "\n"
}

/// A validating unbound, in `dir`, on `port`: the root at Accord's DNS
/// port, `tld` at the child's port, the root's DS as the trust anchor.
/// Outgoing queries leave from 127.0.0.1 only, from ports above the
/// kernel's ephemeral range (32768-60999 by default), where `free_port`
/// finds the ports of the other daemons.
fn unbound(unbound: &Path, dir: &Path, root: u16, tld: &str, child: u16, anchor: &str) -> Daemon {
    Daemon::on_a_free_port(
        |port| unbound_on(unbound, dir, port, root, tld, child, anchor),
        |port| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
    )
}

fn unbound_on(unbound: &Path, dir: &Path, port: u16, root: u16, tld: &str, child: u16, anchor: &str) -> Daemon {
    std::fs::create_dir_all(dir).unwrap();
    let conf = format!(
        "server:\n  verbosity: 1\n  val-log-level: 2\n  interface: 127.0.0.1\n  port: {port}\n  do-ip6: no\n  \
         do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  pidfile: \"{d}/unbound.pid\"\n  \
         logfile: \"\"\n  use-syslog: no\n  num-threads: 1\n  outgoing-interface: 127.0.0.1\n  \
         outgoing-port-avoid: 0-60999\n  outgoing-range: 64\n  \
         access-control: 127.0.0.0/8 allow\n  module-config: \"validator iterator\"\n  \
         trust-anchor: \"{anchor}\"\n  do-not-query-localhost: no\n  qname-minimisation: no\n  \
         use-caps-for-id: no\n\
         remote-control:\n  control-enable: no\n\
         stub-zone:\n  name: \".\"\n  stub-addr: 127.0.0.1@{root}\n  stub-prime: no\n\
         stub-zone:\n  name: \"{tld}.\"\n  stub-addr: 127.0.0.1@{child}\n  stub-prime: no\n",
        d = dir.display(),
    );
    std::fs::write(dir.join("unbound.conf"), conf).unwrap();
    let mut cmd = Command::new(unbound);
    cmd.arg("-d").arg("-c").arg(dir.join("unbound.conf"));
    Daemon::spawn("unbound", cmd, dir.join("unbound.log"), port)
}

#[test]
fn a_validating_unbound_trusts_a_tld_added_by_vote_and_refuses_a_tampered_child_or_a_wrong_ds() {
    let Some(file) = root_zone_file() else { return };
    let tools = ["nsd", "unbound", "kdig", "ldns-keygen", "ldns-signzone", "ldns-key2ds"];
    let found: Vec<Option<PathBuf>> = tools.iter().map(|t| tool(t)).collect();
    if found.iter().any(Option::is_none) {
        return;
    }
    let (nsd, unbound_bin) = (found[0].clone().unwrap(), found[1].clone().unwrap());
    let tld = "accord-test";
    let dir = tempfile::tempdir().unwrap();
    let (signed, ds) = signed_child_zone(&dir.path().join("child"), tld);

    let mut body = Body::found(3);
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let server = Server::start_with(&body.data(), &["--dns-listen", &listen]);
    import_root_zone(&server, &body, &file);
    let (serial, _) = published_zone(&server, 0);

    // The TLD joins the root by vote, with its name servers' (global) glue
    // and the DS of the child's KSK.
    let member = body.members[0].id.to_string();
    let delegation = |ds: &serde_json::Value| {
        json!({
            "ns": [format!("ns1.nic.{tld}."), format!("ns2.nic.{tld}.")],
            "glue": {format!("ns1.nic.{tld}."): ["193.0.14.1"], format!("ns2.nic.{tld}."): ["199.7.83.42"]},
            "ds": [ds]})
    };
    let add = json!({"type": "zone.change", "op": "add", "tld": tld, "sponsor": {"member": member},
        "delegation": delegation(&ds)});
    adopt_by_vote(&mut body, &server, "accord-test-add", "A TLD for the interop test", add);
    let (serial, _) = published_zone(&server, serial);
    let a = wait_until("the new TLD's DS over DNS", Duration::from_secs(10), || {
        let a = kdig(port, &["+dnssec", "+norec", &format!("{tld}."), "DS"]);
        a.contains("RRSIG\tDS 15 1").then_some(a)
    });
    assert!(a.contains(&format!("DS\t{} 15 2 ", ds["key_tag"])), "{a}");

    let z: serde_json::Value = server.get("/api/v1/zone").json().unwrap();
    let anchor = z["trust_anchor"].as_str().unwrap().to_string();
    assert!(anchor.starts_with(". IN DS ") && anchor.contains(" 15 2 "), "{anchor}");

    // The child's own server, then a resolver that knows only the root's DS.
    let child = nsd_primary(&nsd, &dir.path().join("nsd"), &format!("{tld}."), &signed);
    let resolver = unbound(&unbound_bin, &dir.path().join("unbound"), port, tld, child.port, &anchor);
    let unbound_port = resolver.port;
    let www = format!("www.{tld}.");
    let a = kdig(unbound_port, &["+dnssec", "+time=5", "+retry=1", &www, "A"]);
    assert_eq!(status(&a), "NOERROR", "{a}\n{}\n{}", resolver.log(), child.log());
    assert!(flags(&a).iter().any(|f| f == "ad"), "validated: {a}\n{}", resolver.log());
    assert!(a.contains("A\t127.0.0.80"), "{a}");
    // The root itself validates too.
    let a = kdig(unbound_port, &["+dnssec", "+time=5", "+retry=1", ".", "SOA"]);
    assert!(status(&a) == "NOERROR" && flags(&a).iter().any(|f| f == "ad"), "{a}");
    drop(resolver);
    let good_child = child;

    // The same child with one signature altered: a fresh resolver (no
    // cache) refuses the answer.
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let bad_zone = bad.join(format!("{tld}.zone.signed"));
    std::fs::write(&bad_zone, tampered(&signed, &www)).unwrap();
    let child = nsd_primary(&nsd, &bad.join("nsd"), &format!("{tld}."), &bad_zone);
    let a = kdig(child.port, &["+norec", &www, "A"]);
    assert!(a.contains("A\t127.0.0.80"), "the child serves the tampered zone: {a}\n{}", child.log());
    let resolver = unbound(&unbound_bin, &bad.join("unbound"), port, tld, child.port, &anchor);
    let unbound2_port = resolver.port;
    let a = kdig(unbound2_port, &["+dnssec", "+time=5", "+retry=1", &www, "A"]);
    assert_eq!(status(&a), "SERVFAIL", "{a}\n{}", resolver.log());
    // Only the tampered answer: the child's apex still validates.
    let a = kdig(unbound2_port, &["+dnssec", "+time=5", "+retry=1", &format!("{tld}."), "SOA"]);
    assert!(status(&a) == "NOERROR" && flags(&a).iter().any(|f| f == "ad"), "{a}\n{}", resolver.log());
    drop(resolver);
    drop(child);

    // The honest child again, but the root's DS for it changed by vote to
    // a digest of no key of the child: the chain breaks at the root's DS,
    // so a fresh resolver refuses the child's answers.
    let mut wrong = ds.clone();
    let digest = ds["digest"].as_str().unwrap();
    let first = if digest.starts_with('0') { "1" } else { "0" };
    wrong["digest"] = json!(format!("{first}{}", &digest[1..]));
    let change = json!({"type": "zone.change", "op": "change", "tld": tld, "delegation": delegation(&wrong)});
    adopt_by_vote(&mut body, &server, "accord-test-wrong-ds", "A DS of no key", change);
    published_zone(&server, serial);
    wait_until("the wrong DS over DNS", Duration::from_secs(10), || {
        kdig(port, &["+norec", &format!("{tld}."), "DS"])
            .to_lowercase()
            .contains(wrong["digest"].as_str().unwrap())
            .then_some(())
    });
    let resolver = unbound(&unbound_bin, &dir.path().join("unbound3"), port, tld, good_child.port, &anchor);
    let a = kdig(resolver.port, &["+dnssec", "+time=5", "+retry=1", &www, "A"]);
    assert_eq!(status(&a), "SERVFAIL", "{a}\n{}\n{}", resolver.log(), good_child.log());
}
