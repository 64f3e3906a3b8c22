//! Threat sharing end to end: the real binary, TAXII 2.1 over HTTP, HTTP
//! Basic credentials made by `accord taxii credential`, TLP on every read
//! path, receipts checked against the log, and the ecosystem's own client
//! and validator (taxii2-client, stix2-validator).

use crate::common::*;
use accord_log::merkle::verify_inclusion;
use accord_log::Hash;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const TAXII: &str = "application/taxii+json;version=2.1";
const TLP_CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const TLP_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const TLP_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const TLP_RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

/// A TAXII credential made by `accord taxii credential`.
#[derive(Clone, Debug)]
pub struct Credential {
    pub user: String,
    pub password: String,
}

pub fn credential(server: &str, key: &std::path::Path) -> Credential {
    let out = accord().args(["taxii", "credential", "--server", server, "--key"]).arg(key).output().unwrap();
    assert!(out.status.success(), "taxii credential: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
    Credential { user: field("user:"), password: field("password:") }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap()
}

fn get(url: &str, who: Option<&Credential>) -> reqwest::blocking::Response {
    let mut r = client().get(url).header("accept", TAXII);
    if let Some(c) = who {
        r = r.basic_auth(&c.user, Some(&c.password));
    }
    r.send().unwrap()
}

fn get_json(url: &str, who: Option<&Credential>) -> (u16, Value) {
    let r = get(url, who);
    let status = r.status().as_u16();
    if status < 400 {
        assert_eq!(r.headers()["content-type"], TAXII, "{url}");
    }
    (status, r.json().unwrap_or(Value::Null))
}

pub fn post_envelope(url: &str, who: &Credential, objects: &[Value]) -> (u16, Value) {
    let r = client()
        .post(url)
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .basic_auth(&who.user, Some(&who.password))
        .body(serde_json::to_vec(&json!({ "objects": objects })).unwrap())
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// The log's size, as an `/api/v1` answer says it.
fn log_size(base: &str) -> u64 {
    let r = client().get(format!("{base}/api/v1/members")).send().unwrap();
    r.headers()["accord-log-size"].to_str().unwrap().parse().unwrap()
}

fn uuid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{:012x}", n as u64 * 7919)
}

pub fn indicator(n: u32, marking: Option<&str>, recipients: &[&str]) -> Value {
    let mut o = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--{}", uuid(n)),
        "created": "2026-11-01T10:00:00.000Z",
        "modified": "2026-11-01T10:00:00.000Z",
        "name": format!("Indicator {n}"),
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '198.51.100.{}']", n % 250),
        "pattern_type": "stix",
        "valid_from": "2026-11-01T10:00:00Z",
    });
    if let Some(m) = marking {
        o["object_marking_refs"] = json!([m]);
    }
    if !recipients.is_empty() {
        o["x_accord_recipients"] = json!(recipients);
    }
    o
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A body of four members, served, with a credential for each of the
/// first three: the writer, a recipient, an outsider.
pub struct Sharing {
    pub body: Body,
    pub server: Server,
    pub creds: Vec<Credential>,
}

impl Sharing {
    pub fn start() -> Sharing {
        let body = Body::found_with(4, LOAD_RULES);
        let server = body.serve();
        let creds = (0..3).map(|i| credential(&server.url, &body.members[i].key_path)).collect();
        Sharing { body, server, creds }
    }

    pub fn objects(&self, alias: &str) -> String {
        format!("{}/taxii2/accord/collections/{alias}/objects/", self.server.url)
    }
}

#[test]
fn a_cert_shares_and_every_read_path_keeps_to_tlp() {
    let s = Sharing::start();
    let (writer, recipient, outsider) = (&s.creds[0], &s.creds[1], &s.creds[2]);
    let base = &s.server.url;

    // Discovery names the API root by an absolute URL; anyone may ask.
    let (status, d) = get_json(&format!("{base}/taxii2/"), None);
    assert_eq!(status, 200);
    assert_eq!(d["api_roots"][0], format!("{base}/taxii2/accord/"));

    // The writer may write `all` and its own collection, not another's.
    let (_, c) = get_json(&format!("{base}/taxii2/accord/collections/"), Some(writer));
    let by_alias = |a: &str| c["collections"].as_array().unwrap().iter().find(|x| x["alias"] == a).cloned();
    assert_eq!(by_alias("all").unwrap()["can_write"], true);
    assert_eq!(by_alias("member-M000").unwrap()["can_write"], true);
    assert_eq!(by_alias("member-M001").unwrap()["can_write"], false);
    let all_id = by_alias("all").unwrap()["id"].as_str().unwrap().to_string();

    let objects = vec![
        indicator(1, Some(TLP_CLEAR), &[]),
        indicator(2, Some(TLP_GREEN), &[]),
        indicator(3, Some(TLP_AMBER), &["M001"]),
        indicator(4, Some(TLP_RED), &["M001"]),
        indicator(5, None, &[]),
        // CLEAR and RED at once: RED.
        {
            let mut o = indicator(6, Some(TLP1_WHITE), &["M001"]);
            o["object_marking_refs"] = json!([TLP1_WHITE, TLP_RED]);
            o
        },
        // Refused: no pattern; AMBER naming nobody; a forged marking.
        {
            let mut o = indicator(7, Some(TLP_GREEN), &[]);
            o.as_object_mut().unwrap().remove("pattern");
            o
        },
        indicator(8, Some(TLP_AMBER), &[]),
        indicator(9, Some("marking-definition--00000000-0000-4000-8000-000000000009"), &[]),
    ];
    let (status, st) = post_envelope(&format!("{base}/taxii2/accord/collections/{all_id}/objects/"), writer, &objects);
    assert_eq!(status, 202, "{st}");
    assert_eq!(st["status"], "complete");
    assert_eq!(st["success_count"], 6, "{st}");
    assert_eq!(st["failure_count"], 3, "{st}");
    let failed = ids(&st, "failures");
    assert!(failed.iter().all(|f| [7, 8, 9].iter().any(|n| f.ends_with(&uuid(*n)))), "{failed:?}");
    for f in st["failures"].as_array().unwrap() {
        assert!(!f["message"].as_str().unwrap().is_empty());
    }

    // Every success carries a receipt that proves the object against the
    // share.commit entry's root, with the salt and the object alone.
    for ok in st["successes"].as_array().unwrap() {
        let r = &ok["x_accord_receipt"];
        let index = r["index"].as_u64().unwrap();
        s.server.wait_checkpoint(index + 1);
        let entry: Value = client().get(format!("{base}/api/v1/entries/{index}")).send().unwrap().json().unwrap();
        let body = &entry["statement"]["body"];
        assert_eq!(entry["statement"]["type"], "share.commit", "{entry}");
        assert_eq!(body["member"], "M000");
        assert_eq!(body["credential"], writer.user.as_str());
        let sent = objects.iter().find(|o| o["id"] == ok["id"]).unwrap();
        let canonical = accord_core::statement::canonical_json(sent);
        let salt = hex::decode(r["salt"].as_str().unwrap()).unwrap();
        let mut h = Sha256::new();
        h.update(&salt);
        h.update(canonical.as_bytes());
        let commitment: [u8; 32] = h.finalize().into();
        assert_eq!(hex::encode(commitment), r["commitment"].as_str().unwrap());
        let path: Vec<Hash> = r["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| Hash::from_slice(&hex::decode(p.as_str().unwrap()).unwrap()).unwrap())
            .collect();
        let root = Hash::from_slice(&hex::decode(body["root"].as_str().unwrap()).unwrap()).unwrap();
        verify_inclusion(
            &Hash::leaf(&commitment),
            r["leaf"].as_u64().unwrap(),
            r["leaves"].as_u64().unwrap(),
            &path,
            &root,
        )
        .expect("the receipt proves the object against the logged root");
        // The log names the object, its version and its TLP, never its content.
        let text = entry["statement"].to_string();
        assert!(!text.contains("198.51.100"), "content in the log: {text}");
    }

    // Who sees what, on every read path.
    let hidden: Vec<String> = [3, 4, 6].iter().map(|n| format!("indicator--{}", uuid(*n))).collect();
    let open: Vec<String> = [1, 2, 5].iter().map(|n| format!("indicator--{}", uuid(*n))).collect();
    let objects_url = s.objects("all");
    let manifest_url = format!("{base}/taxii2/accord/collections/all/manifest/");
    for (who, sees_hidden) in [(writer, true), (recipient, true), (outsider, false)] {
        for url in [&objects_url, &manifest_url] {
            let (status, page) = get_json(url, Some(who));
            assert_eq!(status, 200);
            let got = ids(&page, "objects");
            for h in &hidden {
                assert_eq!(got.contains(h), sees_hidden, "{} at {url}: {got:?}", who.user);
            }
            for o in &open {
                assert!(got.contains(o), "{} at {url}", who.user);
            }
        }
        for h in &hidden {
            let (status, _) = get_json(&format!("{objects_url}{h}/"), Some(who));
            assert_eq!(status == 200, sees_hidden, "{} by id {h}", who.user);
            let (status, _) = get_json(&format!("{objects_url}{h}/versions/"), Some(who));
            assert_eq!(status == 200, sees_hidden, "{} versions {h}", who.user);
            let (_, page) = get_json(&format!("{objects_url}?match[id]={h}"), Some(who));
            assert_eq!(ids(&page, "objects").contains(h), sees_hidden);
        }
    }
    let status_url = format!("{base}/taxii2/accord/status/{}/", st["id"].as_str().unwrap());
    assert_eq!(get_json(&status_url, Some(writer)).0, 200);
    assert_eq!(get_json(&status_url, Some(outsider)).0, 404);
    assert_eq!(get_json(&status_url, None).0, 401);

    // The anonymous reader: TLP:CLEAR of a public collection, nothing else.
    let (_, page) = get_json(&objects_url, None);
    assert_eq!(ids(&page, "objects"), vec![format!("indicator--{}", uuid(1))]);
    let (status, _) = post_envelope(&objects_url, &Credential { user: "nobody".into(), password: "x".into() }, &[]);
    assert_eq!(status, 401);

    // The same envelope again: every valid object is a success, nothing new is kept.
    let size = |u: &str| log_size(u);
    let before = size(base);
    let (_, again) = post_envelope(&objects_url, writer, &objects[..6]);
    assert_eq!(again["success_count"], 6, "{again}");
    assert_eq!(size(base), before, "an idempotent share appends nothing");

    // Paging: limit and next, with the date-added headers.
    let r = get(&format!("{objects_url}?limit=2"), Some(writer));
    assert!(r.headers().contains_key("x-taxii-date-added-first"));
    assert!(r.headers().contains_key("x-taxii-date-added-last"));
    let first: Value = r.json().unwrap();
    assert_eq!(first["more"], true);
    let (_, second) =
        get_json(&format!("{objects_url}?limit=2&next={}", first["next"].as_str().unwrap()), Some(writer));
    assert!(ids(&second, "objects").iter().all(|i| !ids(&first, "objects").contains(i)));
}

#[test]
fn bad_requests_get_taxii_errors_and_change_nothing() {
    let s = Sharing::start();
    let w = &s.creds[0];
    let url = s.objects("all");
    let size = || log_size(&s.server.url);
    let before = size();
    let send = |ct: &str, accept: &str, body: Vec<u8>, auth: Option<(&str, &str)>| {
        let mut r = client().post(&url).header("accept", accept).header("content-type", ct).body(body);
        if let Some((u, p)) = auth {
            r = r.basic_auth(u, Some(p));
        }
        let r = r.send().unwrap();
        let status = r.status().as_u16();
        let www = r.headers().get("www-authenticate").is_some();
        let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
        let body: Value = r.json().unwrap_or(Value::Null);
        (status, www, ct, body)
    };
    let auth = Some((w.user.as_str(), w.password.as_str()));
    let ok_body = serde_json::to_vec(&json!({"objects": [indicator(1, Some(TLP_GREEN), &[])]})).unwrap();
    type Answered = (u16, bool, Option<String>, Value);
    let cases: Vec<(&str, u16, Answered)> = vec![
        ("wrong Accept", 406, send(TAXII, "application/json", ok_body.clone(), auth)),
        ("wrong Content-Type", 415, send("application/json", TAXII, ok_body.clone(), auth)),
        ("bad secret", 401, send(TAXII, TAXII, ok_body.clone(), Some((w.user.as_str(), "wrong")))),
        ("unknown user", 401, send(TAXII, TAXII, ok_body.clone(), Some(("nobody-here", "x")))),
        ("not JSON", 422, send(TAXII, TAXII, b"{not json".to_vec(), auth)),
        ("not an envelope", 422, send(TAXII, TAXII, br#"{"objects": 5}"#.to_vec(), auth)),
        ("repeated key", 422, send(TAXII, TAXII, br#"{"objects": [], "objects": []}"#.to_vec(), auth)),
        (
            "too many objects",
            413,
            send(
                TAXII,
                TAXII,
                serde_json::to_vec(&json!({"objects": (0..501).map(|n| indicator(n, None, &[])).collect::<Vec<_>>()}))
                    .unwrap(),
                auth,
            ),
        ),
        ("too large", 413, send(TAXII, TAXII, vec![b' '; 11 << 20], auth)),
    ];
    for (what, want, (status, www, ct, body)) in cases {
        assert_eq!(status, want, "{what}: {body}");
        assert_eq!(ct.as_deref(), Some(TAXII), "{what}");
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{what}: {body}");
        assert_eq!(body["http_status"], want.to_string(), "{what}");
        assert_eq!(www, want == 401, "{what}");
    }
    // Writing someone else's collection, reading a collection that is not there.
    let other = format!("{}/taxii2/accord/collections/member-M001/objects/", s.server.url);
    let (status, _) = post_envelope(&other, w, &[indicator(2, None, &[])]);
    assert_eq!(status, 403);
    let (status, body) = get_json(&format!("{}/taxii2/accord/collections/nothing/objects/", s.server.url), Some(w));
    assert_eq!((status, body["http_status"].as_str()), (404, Some("404")));
    let (status, _) = get_json(&format!("{url}?match[version]=yesterday"), Some(w));
    assert_eq!(status, 400);
    let (status, _) = get_json(&format!("{url}?next=abc"), Some(w));
    assert_eq!(status, 400);
    let (status, _) = get_json(&format!("{url}?colour=red"), Some(w));
    assert_eq!(status, 400);
    assert_eq!(size(), before, "nothing was logged");
}

#[test]
fn a_revoked_credential_stops_working() {
    let s = Sharing::start();
    let w = &s.creds[0];
    assert_eq!(get_json(&s.objects("all"), Some(w)).0, 200);
    let out = accord()
        .args(["taxii", "revoke", "--server", &s.server.url, "--id", &w.user, "--key"])
        .arg(&s.body.members[0].key_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(get_json(&s.objects("all"), Some(w)).0, 401);
    let (status, _) = post_envelope(&s.objects("all"), w, &[indicator(1, None, &[])]);
    assert_eq!(status, 401);
}

#[test]
fn taxii2_client_and_stix2_validator_interoperate() {
    let Some(py) = python() else { return };
    let s = Sharing::start();
    let arg = |c: &Credential| format!("{}:{}", c.user, c.password);
    let out = std::process::Command::new(py)
        .arg(repo_root().join("tests/interop/taxii_client.py"))
        .args(["--base", &s.server.url, "--writer", &arg(&s.creds[0])])
        .args(["--reader", &arg(&s.creds[1]), "--outsider", &arg(&s.creds[2])])
        .args(["--writer-member", "M000", "--reader-member", "M001", "--timeout", "600"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "taxii_client.py failed:\n{}",
        text.lines().filter(|l| l.starts_with("FAIL")).collect::<Vec<_>>().join("\n")
    );
    assert!(text.lines().filter(|l| l.starts_with("ok ")).count() > 50, "too few checks ran");
}

/// An object whose status said success, with its receipt.
#[derive(Clone, Debug)]
struct Acked {
    object: Value,
    status: String,
    index: u64,
    commitment: String,
}

#[test]
fn kill_9_during_ingest_loses_no_object_whose_status_said_success() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};
    let mut s = Sharing::start();
    let writer = s.creds[0].clone();
    let counter = Arc::new(AtomicU32::new(1000));
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    const CYCLES: usize = 5;
    for cycle in 0..CYCLES {
        let stop = Arc::new(AtomicBool::new(false));
        let url = s.objects("all");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (url, writer, counter, acked, stop) =
                    (url.clone(), writer.clone(), counter.clone(), acked.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let first = counter.fetch_add(20, Ordering::SeqCst);
                        let objects: Vec<Value> = (first..first + 20)
                            .map(|n| indicator(n, Some(if n % 2 == 0 { TLP_GREEN } else { TLP_CLEAR }), &[]))
                            .collect();
                        let r = client()
                            .post(&url)
                            .header("accept", TAXII)
                            .header("content-type", TAXII)
                            .basic_auth(&writer.user, Some(&writer.password))
                            .body(serde_json::to_vec(&json!({ "objects": objects })).unwrap())
                            .send();
                        let Ok(r) = r else { break };
                        if r.status().as_u16() != 202 {
                            continue;
                        }
                        let Ok(st) = r.json::<Value>() else { break };
                        for ok in st["successes"].as_array().into_iter().flatten() {
                            let o = objects.iter().find(|o| o["id"] == ok["id"]).unwrap().clone();
                            acked.lock().unwrap().push(Acked {
                                object: o,
                                status: st["id"].as_str().unwrap().to_string(),
                                index: ok["x_accord_receipt"]["index"].as_u64().unwrap(),
                                commitment: ok["x_accord_receipt"]["commitment"].as_str().unwrap().to_string(),
                            });
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(300 + 150 * cycle as u64));
        s.server.kill9();
        stop.store(true, Ordering::SeqCst);
        for t in threads {
            t.join().unwrap();
        }
        s.server = s.body.serve();
        // Everything acknowledged so far is there, with its receipt.
        let all = acked.lock().unwrap().clone();
        assert!(!all.is_empty() || cycle > 0, "cycle {cycle}: nothing was acknowledged before the kill");
        let mut statuses: std::collections::BTreeMap<String, Value> = Default::default();
        for a in &all {
            let id = a.object["id"].as_str().unwrap();
            let (status, page) = get_json(&format!("{}{id}/", s.objects("all")), Some(&writer));
            assert_eq!(status, 200, "cycle {cycle}: {id} was acknowledged and is gone");
            assert_eq!(page["objects"][0], a.object, "cycle {cycle}: {id} changed");
            let st = statuses.entry(a.status.clone()).or_insert_with(|| {
                get_json(&format!("{}/taxii2/accord/status/{}/", s.server.url, a.status), Some(&writer)).1
            });
            let d = st["successes"].as_array().unwrap().iter().find(|d| d["id"] == id).unwrap();
            assert_eq!(d["x_accord_receipt"]["index"], a.index, "cycle {cycle}: {id}'s receipt moved");
            assert_eq!(d["x_accord_receipt"]["commitment"], a.commitment.as_str());
        }
        println!("cycle {cycle}: {} objects acknowledged in all, every one present", all.len());
    }
    // The replay of an outsider agrees with what the node serves.
    let size = log_size(&s.server.url);
    s.server.wait_checkpoint(size);
    let state = s.body.dir.path().join("audit-state");
    let out =
        accord().args(["audit", &s.server.url, "--log-key", &s.body.log_vkey, "--state"]).arg(&state).output().unwrap();
    assert!(
        out.status.success(),
        "audit: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
