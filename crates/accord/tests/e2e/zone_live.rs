//! `accord zone check --live` against a name server the test starts on
//! loopback: NSD serving a child zone signed by ldns-signzone with an
//! Ed25519 key from ldns-keygen. The delegation it checks is given as a
//! file, with loopback glue and the port the test chose.

use crate::common::*;
use crate::zone::{free_port, tool};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_live_check_asks_the_servers_and_matches_the_ds_to_their_keys() {
    let (Some(keygen), Some(signzone), Some(nsd), Some(kdig)) =
        (tool("ldns-keygen"), tool("ldns-signzone"), tool("nsd"), tool("kdig"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = run(Command::new(keygen).current_dir(d).args(["-a", "ED25519", "-k", "accord-test"])).trim().to_string();
    std::fs::write(
        d.join("accord-test.zone"),
        "accord-test.\t3600\tIN\tSOA\tns1.accord-test. hostmaster.accord-test. 1 3600 900 604800 300\n\
         accord-test.\t3600\tIN\tNS\tns1.accord-test.\n\
         accord-test.\t3600\tIN\tNS\tns2.accord-test.\n\
         ns1.accord-test.\t3600\tIN\tA\t127.0.0.1\n\
         ns2.accord-test.\t3600\tIN\tA\t127.0.0.1\n\
         www.accord-test.\t3600\tIN\tA\t127.0.0.1\n",
    )
    .unwrap();
    run(Command::new(signzone).current_dir(d).arg("accord-test.zone").arg(&key));
    // The DS ldns-keygen wrote: "accord-test. IN DS <tag> 15 2 <HEX>".
    let ds = std::fs::read_to_string(d.join(format!("{key}.ds"))).unwrap();
    let f: Vec<&str> = ds.split_whitespace().collect();
    let (tag, digest_type, digest) = (f[f.len() - 4], f[f.len() - 2], f[f.len() - 1].to_lowercase());

    let port = free_port();
    let conf = format!(
        "server:\n  ip-address: 127.0.0.1@{port}\n  server-count: 1\n  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  database: \"\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  \
         zonelistfile: \"{d}/zone.list\"\n  xfrdir: \"{d}\"\n\
         remote-control:\n  control-enable: no\n\
         zone:\n  name: \"accord-test\"\n  zonefile: \"{d}/accord-test.zone.signed\"\n",
        d = d.display()
    );
    std::fs::write(d.join("nsd.conf"), conf).unwrap();
    let _nsd =
        Kill(Command::new(nsd).arg("-d").arg("-c").arg(d.join("nsd.conf")).stdout(Stdio::null()).spawn().unwrap());
    let started = Instant::now();
    while !String::from_utf8_lossy(
        &Command::new(&kdig)
            .args(["@127.0.0.1", "-p", &port.to_string(), "accord-test", "SOA"])
            .output()
            .unwrap()
            .stdout,
    )
    .contains("NOERROR")
    {
        assert!(started.elapsed() < Duration::from_secs(20), "NSD did not start");
        std::thread::sleep(Duration::from_millis(100));
    }

    let delegation = |digest: &str| {
        serde_json::json!({
            "ns": ["ns1.accord-test.", "ns2.accord-test."],
            "glue": {"ns1.accord-test.": ["127.0.0.1"], "ns2.accord-test.": ["127.0.0.1"]},
            "ds": [{"key_tag": tag.parse::<u16>().unwrap(), "algorithm": 15,
                    "digest_type": digest_type.parse::<u8>().unwrap(), "digest": digest}]
        })
    };
    let check = |json: serde_json::Value, port: u16| {
        let file = d.join("delegation.json");
        std::fs::write(&file, json.to_string()).unwrap();
        accord()
            .args(["zone", "check", "--live", "--tld", "accord-test", "--timeout-ms", "1000", "--port"])
            .arg(port.to_string())
            .arg("--delegation")
            .arg(&file)
            .output()
            .unwrap()
    };
    let out = check(delegation(&digest), port);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("SOA over UDP: authoritative") && said.contains("SOA over TCP: authoritative"), "{said}");
    assert!(said.contains("every DS matched") && said.contains("6 passed, 0 failed"), "{said}");

    // A DS that names no key of the child's.
    let out = check(delegation(&"00".repeat(32)), port);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && said.contains("no DNSKEY matches"), "{said}");
    // A server that is not there.
    let out = check(delegation(&digest), free_port());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && said.contains("FAIL") && said.contains("0 passed"), "{said}");
}

/// The zone's API refuses what is not a TLD with a problem, and says 404
/// for one never delegated; the zone file is 404 before there is a zone.
#[test]
fn the_zone_api_answers_bad_input_with_problems() {
    let body = Body::found(1);
    let server = body.serve();
    assert_problem(server.get("/registry/root.zone"), 404, "no-zone");
    for bad in ["NOT..VALID", "a.b", "%00", &"a".repeat(64), "a%20b"] {
        let r = server.get(&format!("/api/v1/zone/delegations/{bad}"));
        assert_problem(r, 400, "bad-parameter");
    }
    assert_problem(server.get("/api/v1/zone/delegations/nonexistent"), 404, "not-found");
    let v: serde_json::Value = server.get("/api/v1/zone").json().unwrap();
    assert!(v["registry"].is_null(), "{v}");
}
