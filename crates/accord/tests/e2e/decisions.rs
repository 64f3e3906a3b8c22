//! Decisions end to end, with the real binary: a body founded with a
//! `[rules]` table, proposals tabled with `accord propose`, recorded votes
//! with `accord vote` and over HTTP, a silence procedure broken with
//! `accord object`, ballots closing at their deadline, the adopted action
//! taking effect, bad votes refused with nothing appended, and `accord
//! audit` passing on an honest node and failing on a doctored outcome
//! (served by a small proxy in front of the real node).

use crate::common::*;
use accord_core::MemberId;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

/// Rules that let ballots close within seconds.
const FAST_RULES: &str = "[rules]\nmin_vote_seconds = 0\nmin_silence_seconds = 0\nsilence_vote_seconds = 6\n";

/// Runs `accord <cmd> --server URL --key KEY <args…>`.
fn cli(server: &Server, cmd: &str, key: &Path, args: &[&str]) -> Output {
    accord().args([cmd, "--server", &server.url, "--key"]).arg(key).args(args).output().unwrap()
}

/// The acknowledgement a successful command printed.
fn ack(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["index"].as_u64().is_some() && v["leaf_hash"].as_str().is_some(), "{v}");
    v
}

/// A refusal: exit 1 and the problem's code and detail on stderr.
fn refused(out: &Output, code: &str, detail: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "expected a refusal: {err}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(err.contains(code) && err.contains(detail), "expected {code} / {detail:?}: {err}");
}

fn vote(server: &Server, m: &Member, proposal: &str, choice: &str) -> Output {
    cli(server, "vote", &m.key_path, &[proposal, choice])
}

fn last_seq(server: &Server, id: &MemberId) -> u64 {
    let v: Value = server.get(&format!("/api/v1/members/{id}")).json().unwrap();
    v["last_seq"].as_u64().unwrap()
}

/// Signs with the member's next seq as the node knows it (the CLI may have
/// used some) and posts over HTTP.
fn post_as(server: &Server, m: &mut Member, kind: &str, body: Value) -> reqwest::blocking::Response {
    m.seq = last_seq(server, &m.id);
    let note = m.sign(kind, body);
    server.post_statement(&note)
}

fn proposal(server: &Server, id: &str) -> Value {
    let r = server.get(&format!("/api/v1/proposals/{id}"));
    assert_eq!(r.status().as_u16(), 200, "GET /api/v1/proposals/{id}");
    r.json().unwrap()
}

fn published_size(server: &Server) -> u64 {
    let cp = server.get("/log/checkpoint").text().unwrap();
    cp.lines().nth(1).unwrap().parse().unwrap()
}

/// The size once the published checkpoint stops moving.
fn settled_size(server: &Server) -> u64 {
    let mut last = published_size(server);
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(200));
        let now = published_size(server);
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the log kept growing for 10 s");
}

/// Polls until the proposal is decided (neither open nor voting); at most
/// 15 s after its deadline. The server ticks the clock by itself once a
/// deadline passes; should it not have within 2 s, any statement closes
/// the ballot, so `nudge` publishes a note once.
fn wait_decided(server: &Server, id: &str, nudge: &Path) -> Value {
    let closes = proposal(server, id)["closes"].as_str().unwrap().to_string();
    let closes_ms = accord_core::Timestamp::parse_rfc3339(&closes).unwrap().millis();
    let now_ms = wall_ms;
    assert!(closes_ms - now_ms() < 60_000, "deadline {closes} is too far away for a test");
    let give_up = Instant::now() + Duration::from_millis((closes_ms - now_ms()).max(0) as u64 + 15_000);
    let mut nudged = false;
    loop {
        let p = proposal(server, id);
        let status = p["status"].as_str().unwrap();
        if status != "open" && status != "voting" {
            return p;
        }
        assert!(Instant::now() < give_up, "{id} still {status} 15 s after its deadline {closes}: {p}");
        if !nudged && now_ms() > closes_ms + 2000 {
            eprintln!("note: no clock tick closed {id} within 2 s of its deadline; nudging with a statement");
            let out = accord()
                .args(["submit", "--server", &server.url, "--type", "note.publish", "--body"])
                .arg(r#"{"text":"nudge"}"#)
                .arg("--key")
                .arg(nudge)
                .output()
                .unwrap();
            ack(&out);
            nudged = true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn audit(url: &str, state: &Path, log_key: &str) -> (i32, String, String) {
    let out = accord().args(["audit", url, "--log-key", log_key, "--state"]).arg(state).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tally(p: &Value) -> [u64; 4] {
    let t = &p["tally"];
    ["yes", "no", "abstain", "not_voting"].map(|k| t[k].as_u64().unwrap_or_else(|| panic!("tally.{k} in {p}")))
}

#[test]
fn admission_by_two_thirds_then_the_new_member_votes_and_audit_passes() {
    let mut body = Body::found_with(4, FAST_RULES);
    let server = body.serve();
    let m = &body.members;

    // A new state's key, made by the state itself.
    let (new_key, new_vkey) = keygen(body.dir.path(), "N004");
    let action = json!({ "type": "member.admit", "member": "N004", "name": "State 4", "vkey": new_vkey }).to_string();
    let out = cli(
        &server,
        "propose",
        &m[0].key_path,
        &[
            "--id",
            "admit-n004",
            "--title",
            "Admission of N004",
            "--text",
            "The body admits N004 as a member state.",
            "--question",
            "important",
            "--closes-in",
            "8s",
            "--action",
            &action,
        ],
    );
    assert_eq!(ack(&out)["index"], 1);

    // Before admission the node does not know the new state.
    let out = cli(&server, "vote", &new_key, &["admit-n004", "yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("N004"));

    // Three yes, one no: two thirds of the votes cast.
    ack(&vote(&server, &m[0], "admit-n004", "yes"));
    ack(&cli(&server, "vote", &m[1].key_path, &["admit-n004", "yes", "--explanation", "A welcome addition."]));
    let r = post_as(&server, &mut body.members[2], "vote.cast", json!({ "proposal": "admit-n004", "vote": "no" }));
    assert_eq!(r.status().as_u16(), 201);
    let m = &body.members;
    ack(&vote(&server, &m[3], "admit-n004", "yes"));

    // While open: the live count.
    let p = proposal(&server, "admit-n004");
    assert_eq!(p["status"], "open", "{p}");
    assert_eq!(p["question"], "important");
    assert_eq!(tally(&p), [3, 1, 0, 0], "{p}");
    let votes = p["votes"].as_array().unwrap();
    assert_eq!(votes.len(), 4, "{p}");
    assert!(votes.iter().any(|v| v["member"] == "M001" && v["explanation"] == "A welcome addition."), "{p}");

    // The deadline passes; the ballot closes and the action is taken.
    let p = wait_decided(&server, "admit-n004", &m[0].key_path);
    assert_eq!(p["status"], "adopted", "{p}");
    assert_eq!(p["adopted_by"], "vote", "{p}");
    assert_eq!(tally(&p), [3, 1, 0, 0], "{p}");
    let list: Value = server.get("/api/v1/proposals?status=adopted").json().unwrap();
    assert_eq!(list["proposals"].as_array().unwrap().len(), 1, "{list}");
    let members: Value = server.get("/api/v1/members").json().unwrap();
    assert!(members["members"].as_array().unwrap().iter().any(|r| r["id"] == "N004"), "{members}");

    // The new member votes on the next proposal; the eligible count grew.
    let closes = accord_core::Timestamp::from_millis(now().millis() + 3_600_000).to_rfc3339();
    let out = cli(
        &server,
        "propose",
        &m[1].key_path,
        &["--id", "work-plan", "--title", "Work plan", "--text", "Meet monthly.", "--closes", &closes],
    );
    ack(&out);
    let out = accord()
        .args(["vote", "--server", &server.url, "--key"])
        .arg(&new_key)
        .args(["work-plan", "abstain", "--explanation", "New here."])
        .output()
        .unwrap();
    ack(&out);
    let p = proposal(&server, "work-plan");
    assert_eq!(p["status"], "open");
    assert_eq!(p["question"], "ordinary");
    assert_eq!(p["closes"], closes);
    assert_eq!(tally(&p), [0, 0, 1, 4], "{p}");
    assert!(p["votes"].as_array().unwrap().iter().any(|v| v["member"] == "N004"), "{p}");

    // The auditor recomputes all of it.
    let state = body.dir.path().join("audit.json");
    let (code, out, err) = audit(&server.url, &state, &body.log_vkey);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("proposals:   2 (1 open, 1 adopted)"), "{out}");
    assert!(out.contains("2 proposals listed with every field and tally"), "{out}");
}

#[test]
fn silence_broken_by_an_objection_goes_to_a_vote() {
    let body = Body::found_with(4, FAST_RULES);
    let server = body.serve();
    let m = &body.members;

    let out = cli(
        &server,
        "propose",
        &m[0].key_path,
        &[
            "--id",
            "joint-statement",
            "--title",
            "Joint statement",
            "--text-file",
            body.dir.path().join("members.toml").to_str().unwrap(),
            "--procedure",
            "silence",
            "--closes-in",
            "1h",
        ],
    );
    ack(&out);
    // No vote while silence holds; the sponsor does not object.
    refused(&vote(&server, &m[1], "joint-statement", "yes"), "refused-by-rules", "silence procedure");
    let out = cli(&server, "object", &m[0].key_path, &["joint-statement", "--reason", "own"]);
    refused(&out, "refused-by-rules", "sponsor");

    // A dissociation is recorded and does not break silence.
    let out = cli(&server, "object", &m[2].key_path, &["joint-statement", "--dissociate", "--reason", "Not for us."]);
    ack(&out);
    let p = proposal(&server, "joint-statement");
    assert_eq!(p["status"], "open", "{p}");
    assert_eq!(p["dissociations"][0]["member"], "M002", "{p}");

    // An objection breaks it: a recorded vote of silence_vote_seconds.
    let out = cli(&server, "object", &m[1].key_path, &["joint-statement", "--reason", "Paragraph 2 goes too far."]);
    let objected_at = ack(&out)["index"].as_u64().unwrap();
    let p = proposal(&server, "joint-statement");
    assert_eq!(p["status"], "voting", "{p}");
    assert_eq!(p["objections"][0]["member"], "M001", "{p}");
    assert_eq!(p["objections"][0]["index"], objected_at, "{p}");
    let closes = accord_core::Timestamp::parse_rfc3339(p["closes"].as_str().unwrap()).unwrap();
    assert!(closes.millis() - now().millis() <= 7_000, "silence_vote_seconds = 6 sets the new deadline: {p}");
    // Silence is broken once only.
    let out = cli(&server, "object", &m[3].key_path, &["joint-statement", "--reason", "Me too."]);
    refused(&out, "refused-by-rules", "not under a silence procedure");

    ack(&vote(&server, &m[0], "joint-statement", "yes"));
    ack(&vote(&server, &m[2], "joint-statement", "yes"));
    ack(&vote(&server, &m[1], "joint-statement", "no"));

    let p = wait_decided(&server, "joint-statement", &m[3].key_path);
    assert_eq!(p["status"], "adopted", "{p}");
    assert_eq!(p["adopted_by"], "vote", "{p}");
    assert_eq!(tally(&p), [2, 1, 0, 1], "{p}");

    let (code, out, err) = audit(&server.url, &body.dir.path().join("audit.json"), &body.log_vkey);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("proposals:   1 (1 adopted)"), "{out}");
}

#[test]
fn bad_votes_and_bad_input_are_refused_and_nothing_is_appended() {
    let mut body = Body::found_with(3, FAST_RULES);
    let server = body.serve();
    let dir = body.dir.path().to_path_buf();
    let m = &mut body.members;

    ack(&cli(
        &server,
        "propose",
        &m[0].key_path,
        &["--id", "soon", "--title", "Soon", "--text", "T", "--closes-in", "2s"],
    ));
    ack(&cli(
        &server,
        "propose",
        &m[0].key_path,
        &["--id", "later", "--title", "Later", "--text", "T", "--closes-in", "1h"],
    ));
    ack(&vote(&server, &m[1], "later", "yes"));
    // Nobody voted on "soon": it fails for want of a quorum.
    let p = wait_decided(&server, "soon", &m[2].key_path);
    assert_eq!(p["status"], "failed-quorum", "{p}");
    assert_eq!(tally(&p), [0, 0, 0, 3], "{p}");

    let size = settled_size(&server);
    let seqs: Vec<u64> = m.iter().map(|x| last_seq(&server, &x.id)).collect();

    // Unknown proposal.
    refused(&vote(&server, &m[1], "no-such-thing", "yes"), "unknown-proposal", "no-such-thing");
    let r = post_as(&server, &mut m[1], "vote.cast", json!({ "proposal": "no-such-thing", "vote": "yes" }));
    assert_problem(r, 422, "unknown-proposal");
    // Closed ballot.
    refused(&vote(&server, &m[1], "soon", "yes"), "ballot-closed", "soon");
    let r = post_as(&server, &mut m[2], "vote.cast", json!({ "proposal": "soon", "vote": "no" }));
    assert_problem(r, 422, "ballot-closed");
    // A second vote.
    refused(&vote(&server, &m[1], "later", "no"), "refused-by-rules", "already voted");
    let r = post_as(&server, &mut m[1], "vote.cast", json!({ "proposal": "later", "vote": "yes" }));
    assert_problem(r, 422, "refused-by-rules");
    // The same id twice; a deadline already passed.
    let out =
        cli(&server, "propose", &m[2].key_path, &["--id", "later", "--title", "L", "--text", "T", "--closes-in", "1h"]);
    refused(&out, "refused-by-rules", "taken");
    let out = cli(
        &server,
        "propose",
        &m[2].key_path,
        &["--id", "past", "--title", "P", "--text", "T", "--closes", "2020-01-01T00:00:00Z"],
    );
    refused(&out, "refused-by-rules", "closes");
    // The action's question must be declared important.
    let (_, vkey) = keygen(&dir, "N009");
    let action = json!({ "type": "member.admit", "member": "N009", "name": "Nine", "vkey": vkey }).to_string();
    let out = cli(
        &server,
        "propose",
        &m[2].key_path,
        &[
            "--id",
            "n9",
            "--title",
            "N9",
            "--text",
            "T",
            "--question",
            "ordinary",
            "--closes-in",
            "1h",
            "--action",
            &action,
        ],
    );
    refused(&out, "refused-by-rules", "important question");

    // Refused locally, before anything is sent (exit 2, not a refusal).
    for args in [
        &["--id", "x", "--title", "X", "--text", "T", "--closes", "2030-01-01T00:00:00.000Z"][..],
        &["--id", "x", "--title", "X", "--text", "T", "--closes", "2030-01-01 00:00:00"][..],
        &["--id", "x", "--title", "X", "--text", "T", "--closes-in", "10x"][..],
        &["--id", "x", "--title", "X", "--text", "T", "--closes-in", "1h", "--action", r#"{"type":"code.burn"}"#][..],
        &["--id", "x", "--title", "X", "--closes-in", "1h"][..],
        &["--id", "x", "--title", "X", "--text", "T"][..],
    ] {
        let out = cli(&server, "propose", &m[2].key_path, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = vote(&server, &m[2], "later", "maybe");
    assert_eq!(out.status.code(), Some(2));

    // Nothing was appended, no seq was used.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(settled_size(&server), size);
    let after: Vec<u64> = m.iter().map(|x| last_seq(&server, &x.id)).collect();
    assert_eq!(after, seqs);
    let p = proposal(&server, "later");
    assert_eq!(tally(&p), [1, 0, 0, 2], "{p}");

    // The unknown proposal over the read API.
    assert_problem(server.get("/api/v1/proposals/no-such-thing"), 404, "unknown-proposal");
}

#[test]
fn init_refuses_unknown_rules() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, names) in [
        ("[rules]\nmin_silense_seconds = 0\n", "min_silense_seconds"),
        ("[rules]\nquorum = \"most\"\n", "most"),
        ("[rules]\nimportant_actions = [\"code.burn\"]\n", "code.burn"),
    ] {
        let file = dir.path().join("members.toml");
        std::fs::write(&file, format!("origin = \"{ORIGIN}\"\nname = \"B\"\n{extra}")).unwrap();
        let out = accord()
            .args(["init", "--data"])
            .arg(dir.path().join("data"))
            .arg("--members")
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(names), "{extra}: {err}");
        assert!(!dir.path().join("data").exists(), "nothing is created for a bad members file");
    }
}

#[test]
fn audit_fails_when_the_node_publishes_a_doctored_outcome() {
    let body = Body::found_with(3, FAST_RULES);
    let server = body.serve();
    let m = &body.members;

    ack(&cli(
        &server,
        "propose",
        &m[0].key_path,
        &["--id", "lost", "--title", "Lost", "--text", "T", "--closes-in", "3s"],
    ));
    ack(&cli(
        &server,
        "propose",
        &m[0].key_path,
        &["--id", "pending", "--title", "P", "--text", "T", "--closes-in", "1h"],
    ));
    ack(&vote(&server, &m[0], "lost", "yes"));
    ack(&vote(&server, &m[1], "lost", "no"));
    ack(&vote(&server, &m[2], "lost", "no"));
    ack(&vote(&server, &m[1], "pending", "yes"));
    let p = wait_decided(&server, "lost", &m[2].key_path);
    assert_eq!(p["status"], "rejected", "{p}");
    settled_size(&server);

    // Rewrites the published proposals with `f`.
    let edit = |f: fn(&mut Value)| {
        rewrite(move |path, body| {
            if !path.starts_with("/api/v1/proposals?") {
                return body;
            }
            let mut v: Value = serde_json::from_slice(&body).unwrap();
            f(&mut v);
            serde_json::to_vec(&v).unwrap()
        })
    };
    fn find<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
        v["proposals"].as_array_mut().unwrap().iter_mut().find(|p| p["id"] == id).unwrap()
    }
    let cases: [(&str, Rewrite, &str); 7] = [
        ("honest", edit(|_| {}), ""),
        (
            "rejected shown adopted",
            edit(|v| {
                let p = find(v, "lost");
                p["status"] = json!("adopted");
                p["adopted_by"] = json!("vote");
            }),
            "proposal lost (in /api/v1/proposals?limit=1000): the node publishes status \"adopted\"",
        ),
        (
            "adopted_by added",
            edit(|v| find(v, "lost")["adopted_by"] = json!("consensus")),
            "proposal lost (in /api/v1/proposals?limit=1000): the node publishes a field adopted_by",
        ),
        (
            "final tally",
            edit(|v| find(v, "lost")["tally"]["no"] = json!(1)),
            "proposal lost (in /api/v1/proposals?limit=1000): the node publishes tally {\"abstain\":0,\"no\":1",
        ),
        (
            "live tally",
            edit(|v| find(v, "pending")["tally"]["not_voting"] = json!(0)),
            "proposal pending (in /api/v1/proposals?limit=1000): the node publishes tally",
        ),
        ("phantom", edit(|v| find(v, "pending")["id"] = json!("phantom")), "is \"phantom\", the replay says pending"),
        (
            "hidden",
            edit(|v| v["proposals"].as_array_mut().unwrap().retain(|p| p["id"] != "pending")),
            "/api/v1/proposals?limit=1000: the node lists 1 rows, the replay 2",
        ),
    ];
    for (what, doctor, fault) in cases {
        let proxy = Proxy::start(&server.url, doctor);
        let state = body.dir.path().join(format!("audit-{}.json", what.replace(' ', "-")));
        let (code, out, err) = audit(&proxy.url, &state, &body.log_vkey);
        if fault.is_empty() {
            assert_eq!(code, 0, "{what}: {out}{err}");
            assert!(out.contains("2 proposals listed with every field and tally"), "{what}: {out}");
        } else {
            assert_eq!(code, 1, "{what}: {out}{err}");
            assert!(err.contains("FAILED") && err.contains(fault), "{what}: {err}");
        }
    }
}

/// The node appends while it is audited: the audit verified an older
/// checkpoint, and the proposals it then reads already count later votes.
/// The audit replays the new entries too (a fuller bundle, whose first
/// entries must not have changed) and compares with them.
#[test]
fn audit_catches_up_with_a_node_that_appends_meanwhile() {
    let body = Body::found_with(3, FAST_RULES);
    let server = body.serve();
    let m = &body.members;
    ack(&cli(&server, "propose", &m[0].key_path, &["--id", "p", "--title", "P", "--text", "T", "--closes-in", "1h"]));
    let before = settled_size(&server);
    let stale = server.get("/log/checkpoint").bytes().unwrap().to_vec();
    ack(&vote(&server, &m[1], "p", "yes"));
    ack(&vote(&server, &m[2], "p", "no"));
    let after = settled_size(&server);
    assert_eq!(after, before + 2);

    // The first checkpoint the auditor reads is the older one.
    let mut first = true;
    let proxy = Proxy::start(
        &server.url,
        rewrite(
            move |path, body| {
                if path == "/log/checkpoint" && std::mem::take(&mut first) {
                    stale.clone()
                } else {
                    body
                }
            },
        ),
    );
    let state = body.dir.path().join("audit.json");
    let (code, out, err) = audit(&proxy.url, &state, &body.log_vkey);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("appended entries {before}..{after} during the audit")), "{out}");
    assert!(out.contains(&format!("entries:     {after} (every signature verified: {after};")), "{out}");
    assert!(out.contains("1 proposals listed with every field and tally"), "{out}");
    // It remembered the newer checkpoint: the next audit starts from it.
    let (code, out, err) = audit(&server.url, &state, &body.log_vkey);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("with the checkpoint of size {after} verified before")), "{out}");
}
