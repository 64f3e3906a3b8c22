//! `accord demo`: the seeded body a newcomer meets first.

use crate::common::{accord, Server};

#[test]
fn the_demo_serves_a_seeded_body_that_audits_clean() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("accord-demo");
    let server = Server::demo(&demo);

    // Threat sharing: a CERT's credential from the demo's file reads what
    // its TLP allows; the anonymous only TLP:CLEAR.
    let creds = std::fs::read_to_string(demo.join("demo-keys/taxii-credentials.txt")).unwrap();
    let fra: Vec<&str> = creds.lines().find(|l| l.starts_with("FRA ")).unwrap().split_whitespace().collect();
    let taxii = |auth: Option<(&str, &str)>, path: &str| -> serde_json::Value {
        let mut r = reqwest::blocking::Client::new()
            .get(format!("{}/taxii2/accord/collections/{path}", server.url))
            .header("accept", "application/taxii+json;version=2.1");
        if let Some((u, p)) = auth {
            r = r.basic_auth(u, Some(p));
        }
        r.send().unwrap().json().unwrap()
    };
    let labels = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
        v["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["object_marking_refs"][0].as_str().map(str::to_string))
            .collect()
    };
    let as_fra = taxii(Some((fra[1], fra[2])), "all/objects/?limit=1000");
    // CLEAR, GREEN, AMBER (named), AMBER+STRICT (named) and its own RED incident.
    assert_eq!(labels(&as_fra).len(), 5, "FRA's TLP labels in all: {:?}", labels(&as_fra));
    let anonymous = taxii(None, "all/objects/?limit=1000");
    assert_eq!(labels(&anonymous).len(), 1, "the anonymous reads TLP:CLEAR only: {:?}", labels(&anonymous));
    let isac = taxii(Some((fra[1], fra[2])), "community-energy-isac/objects/?limit=1000");
    assert_eq!(isac["objects"].as_array().map(Vec::len), Some(16), "FRA reads the energy ISAC's GREEN and RED");

    let members: serde_json::Value = server.get("/api/v1/members").json().unwrap();
    let ids: Vec<&str> = members["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    for id in ["CHN", "RUS", "FRA", "USA", "KEN", "secretariat"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(demo.join("demo-keys/README.txt").exists());
    // Every demo state is named in the UN's six languages, and so is the body.
    for m in members["members"].as_array().unwrap().iter().filter(|m| m["id"] != "secretariat") {
        let langs: Vec<&String> = m["names"].as_object().unwrap().keys().collect();
        assert_eq!(langs, ["ar", "en", "es", "fr", "ru", "zh"], "{m}");
    }
    let chn = members["members"].as_array().unwrap().iter().find(|m| m["id"] == "CHN").unwrap();
    assert_eq!((chn["names"]["zh"].as_str(), chn["names"]["ar"].as_str()), (Some("中国"), Some("الصين")));
    let body: serde_json::Value = server.get("/api/v1/body").json().unwrap();
    assert_eq!(body["names"].as_object().unwrap().len(), 6, "{body}");
    let page = server.get("/members?lang=zh").text().unwrap();
    assert!(page.contains("肯尼亚") && page.contains("秘书处") && !page.contains(">Kenya<"), "{page}");
    // A proposal that amends the Code shows each change beside the text
    // it changes, in the reader's language, with the changed words marked.
    let page = server.get("/proposals/iccis-rev-2015?lang=ar").text().unwrap();
    assert!(page.contains("المقترح") && page.contains(r#"<div class="code-text" lang="ar" dir="rtl">"#), "{page}");
    assert!(page.contains("<del>") && page.contains("<ins>"), "{page}");
    let page = server.get("/?lang=ru").text().unwrap();
    assert!(page.contains("Демонстрационный орган Accord"), "{page}");

    let list: serde_json::Value = server.get("/api/v1/proposals").json().unwrap();
    let proposals = list["proposals"].as_array().unwrap();
    // The shared root zone is imported (the tests need it; under CI=true it
    // is there) and .accord delegated by a vote of all twelve.
    assert_eq!(proposals.len(), 4, "{list}");
    let tld: serde_json::Value = server.get("/api/v1/proposals/delegate-accord").json().unwrap();
    assert_eq!(tld["status"], "adopted", "{tld}");
    let zone = (0..100)
        .find_map(|_| {
            let r = server.get("/registry/root.zone");
            let text = r.text().unwrap();
            if text.contains("accord.\t172800\tIN\tNS\tns1.nic.accord.\n") {
                return Some(text);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            None
        })
        .expect("the demo serves the zone with .accord delegated");
    assert!(zone.contains("ns1.nic.accord.\t172800\tIN\tA\t193.0.14.53\n"), "glue of .accord");
    let h: serde_json::Value = server.get("/api/v1/zone/delegations/accord").json().unwrap();
    assert_eq!(h["history"][0]["proposal"], "delegate-accord", "{h}");
    let rev: serde_json::Value = server.get("/api/v1/proposals/iccis-rev-2015").json().unwrap();
    assert_eq!(rev["status"], "adopted", "{rev}");
    assert_eq!(rev["tally"], serde_json::json!({"yes": 10, "no": 1, "abstain": 1, "not_voting": 0}));
    let fund: serde_json::Value = server.get("/api/v1/proposals/capacity-fund-2027").json().unwrap();
    assert_eq!(fund["status"], "open");
    assert_eq!(fund["tally"]["yes"], 3);
    assert_eq!(fund["tally"]["abstain"], 1);
    assert_eq!(fund["tally"]["not_voting"], 8);
    assert_eq!(fund["cosponsors"].as_array().unwrap().len(), 2);
    let poc: serde_json::Value = server.get("/api/v1/proposals/poc-directory").json().unwrap();
    assert_eq!(poc["status"], "open");
    assert_eq!(poc["procedure"], "silence");
    assert_eq!(poc["dissociations"][0]["member"], "USA");

    // The Code: the 2011 text founded with the body, the 2015 revision
    // adopted by that vote as version 2, and who subscribes to which.
    let docs: serde_json::Value = server.get("/api/v1/documents").json().unwrap();
    assert_eq!(docs["documents"][0]["id"], "ICCIS", "{docs}");
    assert_eq!(docs["documents"][0]["versions"], serde_json::json!([1, 2]), "{docs}");
    let v2: serde_json::Value = server.get("/api/v1/documents/ICCIS/versions/2").json().unwrap();
    assert_eq!(v2["proposal"], "iccis-rev-2015", "{v2}");
    assert_eq!(v2["adopted_at"], rev["closed_at"], "{v2}");
    let subscribers = |v: &serde_json::Value| -> Vec<String> {
        v["subscribers"].as_array().unwrap().iter().map(|s| s["member"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(subscribers(&v2), ["BRA", "CHN", "KEN", "RUS", "UZB"], "{v2}");
    // Every article in the six languages; four of them are said to be
    // unofficial renderings, in the API and on the page, with the
    // editorial note in the reader's language.
    assert_eq!(v2["official_languages"].as_array().unwrap().len(), 6, "{v2}");
    assert_eq!(v2["unofficial_languages"], serde_json::json!(["ar", "es", "ru", "zh"]), "{v2}");
    let page = server.get("/code/ICCIS/versions/2?lang=ar").text().unwrap();
    assert!(page.contains("صيغة غير رسمية") && page.contains("صياغة بكلمات هذا المشروع"), "{page}");
    let v1: serde_json::Value = server.get("/api/v1/documents/ICCIS/versions/1").json().unwrap();
    assert_eq!(subscribers(&v1), ["TJK"], "{v1}");
    let diff: serde_json::Value = server.get("/api/v1/documents/ICCIS/diff?from=1&to=2").json().unwrap();
    let changed = diff["articles"].as_array().unwrap().iter().filter(|a| a["change"] != "unchanged").count();
    assert!(changed > 0, "the 2015 revision changes nothing? {diff}");

    // Every seeded act is in the log and the auditor agrees with the node.
    let vkey = std::fs::read_to_string(demo.join("log.vkey")).unwrap();
    // genesis, 6 notes, 9 decision acts, 4 subscriptions, the revision with
    // 3 co-sponsors and 12 votes, the clock tick, 5 subscriptions.
    server.wait_checkpoint(1 + 6 + 9 + 4 + 1 + 3 + 12 + 1 + 5);
    // The demo's witnesses register as it starts: wait for a checkpoint a
    // quorum of the five cosigned (a witness still writing an earlier
    // cosignature may miss one).
    for i in 0.. {
        let v: serde_json::Value = server.get("/api/v1/witnesses").json().unwrap();
        let policy_has_five =
            v["policy"]["text"].as_str().is_some_and(|t| t.contains("group _counted 3 BRA CHN FRA KEN RUS"));
        if policy_has_five && v["checkpoints"][0]["quorum"] == true {
            break;
        }
        assert!(i < 400, "no checkpoint cosigned by a quorum of the five demo witnesses: {v:#}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let state = dir.path().join("audit-state.json");
    let out = accord().args(["audit", &server.url, "--log-key", vkey.trim(), "--state"]).arg(&state).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "audit failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("proposals"), "{stdout}");
    // Five member states' witnesses, one per UN regional group, cosign it.
    assert!(stdout.contains("quorum met: ") && stdout.contains("3 of 5 counted needed"), "{stdout}");

    // The demo keeps a snapshot of its state; a restart starts from it and
    // serves the same body.
    // (Compared once the zone's last version is recorded by zone.publish,
    // the secretariat's last act.)
    for _ in 0..100 {
        let z: serde_json::Value = server.get("/api/v1/zone").json().unwrap();
        if !z["versions"][0]["published"].is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let members: serde_json::Value = server.get("/api/v1/members").json().unwrap();
    let mut server = server;
    server.stop();
    let snapshot = demo.join("data/state.snapshot");
    assert!(snapshot.exists(), "the demo wrote no state snapshot");
    let again = Server::demo(&demo);
    let members_again: serde_json::Value = again.get("/api/v1/members").json().unwrap();
    assert_eq!(members_again, members);
    let metrics = again.get("/metrics").text().unwrap();
    assert!(metrics.contains("accord_snapshot_bytes"), "{metrics}");
}

/// `--snapshot-every` takes a count of at least one entry.
#[test]
fn serve_refuses_a_snapshot_interval_of_zero() {
    let out = accord().args(["serve", "--data", "/nonexistent", "--snapshot-every", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--snapshot-every") && err.contains("0"), "{err}");
}
