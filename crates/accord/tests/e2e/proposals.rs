//! Decisions over HTTP: proposals and amendments tabled with signed
//! statements, recorded votes, the read API (`/api/v1/proposals`), live and
//! final tallies, an adopted action, and refusals that append nothing.

use crate::common::*;
use accord_core::Timestamp;
use serde_json::{json, Value};
use std::time::Duration;

// ---------------------------------------------------------------- helpers

/// Entries the node holds durably (its metrics gauge).
fn durable_size(server: &Server) -> u64 {
    let text = server.get("/metrics").text().unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("accord_log_entries "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no accord_log_entries in /metrics:\n{text}"))
}

/// Posts a signed statement that must be accepted; returns its index.
fn accepted(server: &Server, note: &str) -> u64 {
    let r = server.post_statement(note);
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    assert_eq!(status, 201, "refused: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["index"].as_u64().unwrap()
}

/// Posts a signed statement that must be refused with `status` and `code`;
/// then checks that the log did not grow.
fn refused(server: &Server, note: &str, status: u16, code: &str, what: &str) -> Value {
    let size = durable_size(server);
    eprintln!("proposals: {what}: expecting {status} {code}");
    let p = assert_problem(server.post_statement(note), status, code);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(durable_size(server), size, "{what}: an entry was appended");
    p
}

fn get_json(server: &Server, path: &str) -> Value {
    let r = server.get(path);
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    assert_eq!(r.headers()["content-type"], "application/json");
    r.json().unwrap()
}

/// An RFC 3339 deadline `secs` seconds from now (whole seconds, the one
/// spelling statements accept).
fn deadline(secs: i64) -> (Timestamp, String) {
    let t = Timestamp(now().0 + secs * 1000);
    (t, t.to_rfc3339())
}

/// Sleeps until the wall clock is past `t`.
fn sleep_past(t: Timestamp) {
    loop {
        let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
        if n > t.0 + 200 {
            return;
        }
        std::thread::sleep(Duration::from_millis((t.0 + 250 - n) as u64));
    }
}

/// Waits until the ballot on `id`, due at `t`, is closed, and returns its
/// detail. A node holding the secretariat key ticks the clock itself at
/// the deadline; otherwise (or if it is slow to) a note from `m` is the
/// entry that closes it.
fn wait_closed(server: &Server, m: &mut Member, id: &str, t: Timestamp) -> Value {
    sleep_past(t);
    let pending = |d: &Value| matches!(d["status"].as_str(), Some("open" | "voting"));
    for _ in 0..40 {
        let d = get_json(server, &format!("/api/v1/proposals/{id}"));
        if !pending(&d) {
            return d;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    accepted(server, &m.sign("note.publish", json!({ "text": "time passes" })));
    let d = get_json(server, &format!("/api/v1/proposals/{id}"));
    assert!(!pending(&d), "{id} is still pending after its deadline and a later entry: {d}");
    d
}

/// The entry that closed a ballot is in the log and listed last.
fn assert_closed_by_entry(server: &Server, d: &Value, after: u64) {
    let closed_at = d["closed_at"].as_u64().unwrap_or_else(|| panic!("no closed_at: {d}"));
    assert!(closed_at > after, "closed at {closed_at}, before entry {after}: {d}");
    assert_eq!(d["entries"].as_array().unwrap().last().unwrap(), closed_at, "{d}");
    server.wait_checkpoint(closed_at + 1);
    assert_eq!(get_json(server, &format!("/api/v1/entries/{closed_at}"))["index"], closed_at);
}

fn submit(m: &mut Member, id: &str, procedure: &str, closes: &str) -> String {
    m.sign(
        "proposal.submit",
        json!({
            "id": id,
            "title": format!("Title of {id}"),
            "text": format!("The body resolves {id}."),
            "question": "ordinary",
            "procedure": procedure,
            "closes": closes,
        }),
    )
}

fn vote(m: &mut Member, proposal: &str, vote: &str) -> String {
    m.sign("vote.cast", json!({ "proposal": proposal, "vote": vote }))
}

fn ids(list: &Value) -> Vec<&str> {
    list["proposals"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect()
}

/// A body founded as `Body::found` does, with a `[rules]` table added to
/// its members file.
fn found_with_rules(n: usize, rules: &str) -> Body {
    let mut body = Body::found(n);
    let members = body.dir.path().join("members.toml");
    let toml = std::fs::read_to_string(&members).unwrap();
    std::fs::write(&members, format!("{toml}\n[rules]\n{rules}\n")).unwrap();
    std::fs::remove_dir_all(body.data()).unwrap();
    let out = accord().args(["init", "--data"]).arg(body.data()).arg("--members").arg(&members).output().unwrap();
    assert!(out.status.success(), "init with [rules]: {}", String::from_utf8_lossy(&out.stderr));
    body.log_vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    body
}

// ---------------------------------------------------------------- tests

#[test]
fn proposals_votes_and_live_tallies_are_served() {
    // The amendment closes half an hour before its proposal.
    let mut body = Body::found_with(4, "[rules]\namendment_lead_seconds = 600\n");
    let server = body.serve();
    let (_, in_an_hour) = deadline(3600);
    let (_, in_four_days) = deadline(4 * 24 * 3600);
    let (_, in_half_an_hour) = deadline(1800);

    let m = &mut body.members;
    let budget = accepted(&server, &submit(&mut m[0], "p-budget", "vote", &in_an_hour));
    let calendar = accepted(&server, &submit(&mut m[1], "p-calendar", "silence", &in_four_days));
    let charter = accepted(&server, &submit(&mut m[2], "p-charter", "vote", &in_an_hour));
    let amend = m[3].sign(
        "proposal.amend",
        json!({
            "id": "p-charter-a1",
            "proposal": "p-charter",
            "title": "Shorter charter",
            "text": "The body resolves briefly.",
            "closes": in_half_an_hour,
        }),
    );
    let a1 = accepted(&server, &amend);
    let v0 = accepted(
        &server,
        &m[0].sign("vote.cast", json!({ "proposal": "p-budget", "vote": "yes", "explanation": "We need it." })),
    );
    let v2 = accepted(&server, &vote(&mut m[2], "p-budget", "abstain"));
    let v1 = accepted(&server, &vote(&mut m[1], "p-budget", "no"));
    // Co-sponsors join until voting on the proposal or its amendments begins.
    let cosponsor = accepted(&server, &m[1].sign("proposal.cosponsor", json!({ "proposal": "p-charter" })));
    let va = accepted(&server, &vote(&mut m[0], "p-charter-a1", "yes"));
    // Co-sponsors join only until the vote begins: p-budget has votes.
    let late = m[3].sign("proposal.cosponsor", json!({ "proposal": "p-budget" }));
    refused(&server, &late, 422, "refused-by-rules", "co-sponsoring once the vote began");
    // Amendments are voted first.
    refused(&server, &vote(&mut m[3], "p-charter", "yes"), 422, "refused-by-rules", "a vote before the amendment's");

    // The list, in submission order, with live tallies.
    let list = get_json(&server, "/api/v1/proposals");
    assert_eq!(ids(&list), ["p-budget", "p-calendar", "p-charter", "p-charter-a1"]);
    let first = &list["proposals"][0];
    assert_eq!(first["title"], "Title of p-budget");
    assert_eq!(first["sponsor"], "M000");
    assert_eq!(first["status"], "open");
    assert_eq!(first["question"], "ordinary");
    assert_eq!(first["procedure"], "vote");
    assert_eq!(first["closes"], in_an_hour);
    assert!(first.get("adopted_by").is_none() && first.get("amends").is_none(), "{first}");
    assert!(first.get("text").is_none(), "the list leaves the text out: {first}");
    assert_eq!(first["tally"], json!({ "yes": 1, "no": 1, "abstain": 1, "not_voting": 1 }));
    assert_eq!(list["proposals"][1]["procedure"], "silence");
    assert_eq!(list["proposals"][1]["tally"], json!({ "yes": 0, "no": 0, "abstain": 0, "not_voting": 4 }));
    assert_eq!(list["proposals"][3]["amends"], "p-charter");
    assert_eq!(list["proposals"][3]["tally"], json!({ "yes": 1, "no": 0, "abstain": 0, "not_voting": 3 }));

    // Filters.
    assert_eq!(ids(&get_json(&server, "/api/v1/proposals?status=open")).len(), 4);
    for s in ["voting", "adopted", "rejected", "failed-quorum", "withdrawn", "moot"] {
        assert!(ids(&get_json(&server, &format!("/api/v1/proposals?status={s}"))).is_empty(), "{s}");
    }
    // Several statuses, newest first, by offset and by cursor, with how
    // many match: the portal's own queries.
    let newest = get_json(&server, "/api/v1/proposals?status=open,voting&order=newest&limit=2");
    assert_eq!((ids(&newest), &newest["total"]), (vec!["p-charter-a1", "p-charter"], &json!(4)), "{newest}");
    let next = newest["next"].as_u64().unwrap();
    let rest = get_json(&server, &format!("/api/v1/proposals?status=open&status=voting&order=newest&after={next}"));
    assert_eq!(ids(&rest), ["p-calendar", "p-budget"], "{rest}");
    assert!(rest.get("next").is_none(), "{rest}");
    let skipped = get_json(&server, "/api/v1/proposals?order=newest&offset=3");
    assert_eq!((ids(&skipped), &skipped["total"]), (vec!["p-budget"], &json!(4)), "{skipped}");
    let none = get_json(&server, "/api/v1/proposals?status=adopted,rejected,failed-quorum");
    assert_eq!((ids(&none).len(), &none["total"]), (0, &json!(0)), "{none}");
    assert_eq!(get_json(&server, "/api/v1/decisions"), json!({ "decisions": [] }));
    let p = assert_problem(server.get("/api/v1/proposals?status=closed"), 400, "bad-parameter");
    let detail = p["detail"].as_str().unwrap();
    for s in ["open", "voting", "adopted", "rejected", "failed-quorum", "withdrawn", "moot"] {
        assert!(detail.contains(s), "the problem names the allowed values: {detail}");
    }

    // The detail: the record, its votes in log order, every entry involved.
    let d = get_json(&server, "/api/v1/proposals/p-budget");
    assert_eq!(d["id"], "p-budget");
    assert_eq!(d["text"], "The body resolves p-budget.");
    assert_eq!(d["sponsor"], "M000");
    assert_eq!(d["status"], "open");
    assert!(d["submitted"].as_str().unwrap().ends_with('Z'), "{d}");
    assert_eq!(d["amendments"], json!([]));
    assert_eq!(d["objections"], json!([]));
    assert_eq!(d["dissociations"], json!([]));
    assert!(d.get("closed_at").is_none() && d.get("original_text").is_none(), "{d}");
    assert_eq!(
        d["votes"],
        json!([
            { "member": "M000", "vote": "yes", "explanation": "We need it.", "index": v0 },
            { "member": "M002", "vote": "abstain", "index": v2 },
            { "member": "M001", "vote": "no", "index": v1 },
        ])
    );
    assert_eq!(d["tally"], json!({ "yes": 1, "no": 1, "abstain": 1, "not_voting": 1 }));
    let mut entries = vec![budget, v0, v2, v1];
    entries.sort();
    assert_eq!(d["entries"], json!(entries));

    let c = get_json(&server, "/api/v1/proposals/p-charter");
    assert_eq!(c["amendments"], json!(["p-charter-a1"]));
    assert_eq!(c["entries"], json!([charter, a1, cosponsor]));
    assert_eq!(c["cosponsors"], json!([{ "member": "M001", "index": cosponsor }]));
    assert_eq!(c["votes"], json!([]));
    let a = get_json(&server, "/api/v1/proposals/p-charter-a1");
    assert_eq!((a["amends"].as_str(), a["procedure"].as_str()), (Some("p-charter"), Some("vote")));
    assert_eq!(a["entries"], json!([a1, va]));
    let s = get_json(&server, "/api/v1/proposals/p-calendar");
    assert_eq!(s["entries"], json!([calendar]));

    // Unknown and invalid ids.
    let p = assert_problem(server.get("/api/v1/proposals/p-nothing"), 404, "unknown-proposal");
    assert!(p["detail"].as_str().unwrap().contains("p-nothing"), "{p}");
    assert_problem(server.get("/api/v1/proposals/Not_An_Id"), 400, "bad-parameter");
    assert_problem(server.get("/api/v1/proposals/-dash"), 400, "bad-parameter");
    assert_problem(server.get(&format!("/api/v1/proposals/{}", "a".repeat(65))), 400, "bad-parameter");

    // The rules in force, and members in good standing.
    let b = get_json(&server, "/api/v1/body");
    assert_eq!(b["rules"]["ordinary_majority"], "simple");
    assert_eq!(b["rules"]["important_majority"], "two-thirds");
    assert_eq!(b["rules"]["quorum"], "majority");
    assert_eq!(b["rules"]["allow_vote_change"], false);
    let members = get_json(&server, "/api/v1/members");
    assert!(members["members"].as_array().unwrap().iter().all(|m| m["suspended"] == false), "{members}");
}

#[test]
fn bad_decision_statements_are_refused_and_append_nothing() {
    let mut body = Body::found(3);
    let server = body.serve();
    let (_, in_an_hour) = deadline(3600);
    let (_, in_four_days) = deadline(4 * 24 * 3600);
    let m = &mut body.members;
    accepted(&server, &submit(&mut m[0], "p-open", "vote", &in_an_hour));
    accepted(&server, &submit(&mut m[0], "p-quiet", "silence", &in_four_days));
    accepted(&server, &vote(&mut m[1], "p-open", "yes"));

    let p =
        refused(&server, &vote(&mut m[1], "p-nowhere", "yes"), 422, "unknown-proposal", "vote on an unknown proposal");
    assert!(p["detail"].as_str().unwrap().contains("p-nowhere"), "{p}");
    refused(&server, &vote(&mut m[1], "p-open", "no"), 422, "refused-by-rules", "a second vote");
    refused(&server, &vote(&mut m[2], "p-quiet", "yes"), 422, "refused-by-rules", "a vote under silence");
    refused(
        &server,
        &m[2].sign("vote.cast", json!({ "proposal": "p-open", "vote": "maybe" })),
        400,
        "bad-body",
        "a vote that is not yes, no or abstain",
    );
    refused(&server, &m[2].sign("vote.cast", json!({ "vote": "yes" })), 400, "bad-body", "a vote without a proposal");
    refused(
        &server,
        &m[2].sign("vote.cast", json!({ "proposal": "p-open", "vote": "yes", "weight": 2 })),
        400,
        "bad-body",
        "a vote with an unknown field",
    );
    refused(
        &server,
        &m[2].sign("vote.cast", json!({ "proposal": "P OPEN", "vote": "yes" })),
        400,
        "bad-body",
        "a vote on an invalid id",
    );
    refused(
        &server,
        &m[2].sign("cosponsor.join", json!({ "proposal": "p-open" })),
        400,
        "unknown-type",
        "an unknown statement type",
    );
    refused(
        &server,
        &submit(&mut m[2], "p-late", "vote", "2026-11-25 18:00"),
        400,
        "bad-body",
        "a deadline that is not RFC 3339",
    );
    refused(
        &server,
        &submit(&mut m[2], "p-past", "vote", "2001-01-01T00:00:00Z"),
        422,
        "refused-by-rules",
        "a past deadline",
    );
    refused(&server, &submit(&mut m[2], "p-open", "vote", &in_an_hour), 422, "refused-by-rules", "a taken id");
    refused(
        &server,
        &m[2].sign("proposal.cosponsor", json!({ "proposal": "p-absent" })),
        422,
        "unknown-proposal",
        "co-sponsoring an unknown proposal",
    );

    // Nothing of that shows in the read API.
    let d = get_json(&server, "/api/v1/proposals/p-open");
    assert_eq!(d["votes"].as_array().unwrap().len(), 1);
    assert_eq!(d["tally"], json!({ "yes": 1, "no": 0, "abstain": 0, "not_voting": 2 }));
    assert_eq!(ids(&get_json(&server, "/api/v1/proposals")), ["p-open", "p-quiet"]);
    assert_problem(server.get("/api/v1/proposals/p-late"), 404, "unknown-proposal");

    // A ballot past its deadline is closed: a late vote is refused.
    let (t, soon) = deadline(4);
    accepted(&server, &submit(&mut m[1], "p-soon", "vote", &soon));
    let voted = accepted(&server, &vote(&mut m[0], "p-soon", "yes"));
    // 1 of 3 took part: no quorum.
    let d = wait_closed(&server, &mut m[2], "p-soon", t);
    assert_eq!(d["status"], "failed-quorum");
    assert!(d.get("adopted_by").is_none(), "{d}");
    assert_eq!(d["tally"], json!({ "yes": 1, "no": 0, "abstain": 0, "not_voting": 2 }));
    assert_closed_by_entry(&server, &d, voted);
    refused(&server, &vote(&mut m[2], "p-soon", "no"), 422, "ballot-closed", "a vote after the deadline");
    assert_eq!(ids(&get_json(&server, "/api/v1/proposals?status=failed-quorum")), ["p-soon"]);
}

#[test]
fn an_adopted_suspension_changes_who_counts_and_survives_rebuild() {
    let mut body = Body::found(4);
    let mut server = body.serve();
    let (t, soon) = deadline(4);
    let (_, in_an_hour) = deadline(3600);
    let m = &mut body.members;
    let suspend = m[0].sign(
        "proposal.submit",
        json!({
            "id": "suspend-m003",
            "title": "Suspend M003",
            "text": "M003 is suspended from voting.",
            "question": "important",
            "procedure": "vote",
            "closes": soon,
            "action": { "type": "member.suspend", "member": "M003" },
        }),
    );
    let submitted = accepted(&server, &suspend);
    accepted(&server, &submit(&mut m[1], "p-other", "vote", &in_an_hour));
    let mut last_vote = 0;
    for member in m.iter_mut().take(3) {
        last_vote = accepted(&server, &vote(member, "suspend-m003", "yes"));
    }
    accepted(&server, &vote(&mut m[3], "p-other", "yes"));
    accepted(&server, &vote(&mut m[0], "p-other", "no"));
    let other = get_json(&server, "/api/v1/proposals/p-other");
    assert_eq!(other["tally"], json!({ "yes": 1, "no": 1, "abstain": 0, "not_voting": 2 }));

    let d = wait_closed(&server, &mut m[1], "suspend-m003", t);
    assert_eq!(d["status"], "adopted");
    assert_eq!(d["adopted_by"], "vote");
    assert_eq!(d["question"], "important");
    assert_eq!(d["action"], json!({ "type": "member.suspend", "member": "M003" }));
    assert_eq!(d["tally"], json!({ "yes": 3, "no": 0, "abstain": 0, "not_voting": 1 }));
    assert!(d["action_result"].as_str().unwrap().starts_with("applied"), "{d}");
    assert_closed_by_entry(&server, &d, last_vote);
    let entries: Vec<u64> = d["entries"].as_array().unwrap().iter().map(|e| e.as_u64().unwrap()).collect();
    assert_eq!((entries[0], entries.len()), (submitted, 5), "submission, 3 votes, close: {d}");
    let adopted = get_json(&server, "/api/v1/proposals?status=adopted");
    assert_eq!(ids(&adopted), ["suspend-m003"]);
    assert_eq!(adopted["proposals"][0]["adopted_by"], "vote");

    // M003 is suspended: its vote no longer counts in the live tally, and
    // it may not vote.
    assert_eq!(get_json(&server, "/api/v1/members/M003")["suspended"], true);
    assert_eq!(get_json(&server, "/api/v1/members/M002")["suspended"], false);
    let other = get_json(&server, "/api/v1/proposals/p-other");
    assert_eq!(other["tally"], json!({ "yes": 0, "no": 1, "abstain": 0, "not_voting": 2 }));
    assert_eq!(other["votes"].as_array().unwrap().len(), 2, "the vote stays on record: {other}");
    accepted(&server, &submit(&mut m[2], "p-third", "vote", &in_an_hour));
    refused(&server, &vote(&mut m[3], "p-third", "yes"), 422, "refused-by-rules", "a vote by a suspended member");
    // Nor table, co-sponsor or amend (GA rules, art. 19): only its key and its voice remain.
    let p = refused(&server, &submit(&mut m[3], "p-m003", "vote", &in_an_hour), 422, "refused-by-rules", "tabling");
    assert!(p["detail"].as_str().unwrap().contains("M003 is suspended"), "{p}");
    let cosponsor = m[3].sign("proposal.cosponsor", json!({ "proposal": "p-third" }));
    refused(&server, &cosponsor, 422, "refused-by-rules", "co-sponsoring while suspended");
    accepted(&server, &m[3].sign("note.publish", json!({ "text": "We object to our suspension." })));

    // Projections rebuilt from the log are identical, and served the same.
    let list = get_json(&server, "/api/v1/proposals");
    let detail = get_json(&server, "/api/v1/proposals/suspend-m003");
    let members = get_json(&server, "/api/v1/members");
    let rules = get_json(&server, "/api/v1/body")["rules"].clone();
    server.stop();
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "rebuild: {text} {}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("projections identical"), "{text}");
    let server = body.serve();
    assert_eq!(get_json(&server, "/api/v1/proposals"), list);
    assert_eq!(get_json(&server, "/api/v1/proposals/suspend-m003"), detail);
    assert_eq!(get_json(&server, "/api/v1/members"), members);
    assert_eq!(get_json(&server, "/api/v1/body")["rules"], rules);
}

#[test]
fn a_changed_vote_replaces_the_earlier_one_when_the_rules_allow() {
    let mut body = found_with_rules(3, "allow_vote_change = true\nquorum = \"none\"");
    let server = body.serve();
    let (_, in_an_hour) = deadline(3600);
    let m = &mut body.members;
    let submitted = accepted(&server, &submit(&mut m[0], "p-mind", "vote", &in_an_hour));
    let first = accepted(&server, &vote(&mut m[1], "p-mind", "yes"));
    let changed = accepted(
        &server,
        &m[1].sign("vote.cast", json!({ "proposal": "p-mind", "vote": "no", "explanation": "Persuaded." })),
    );
    let b = get_json(&server, "/api/v1/body");
    assert_eq!((b["rules"]["allow_vote_change"].as_bool(), b["rules"]["quorum"].as_str()), (Some(true), Some("none")));
    let d = get_json(&server, "/api/v1/proposals/p-mind");
    assert_eq!(d["votes"], json!([{ "member": "M001", "vote": "no", "explanation": "Persuaded.", "index": changed }]));
    assert_eq!(d["tally"], json!({ "yes": 0, "no": 1, "abstain": 0, "not_voting": 2 }));
    // The replaced vote stays among the entries involved.
    assert_eq!(d["entries"], json!([submitted, first, changed]));
}

#[test]
fn the_proposal_list_is_paged_with_a_stateless_cursor() {
    let mut body = Body::found(2);
    let server = body.serve();
    let (_, in_an_hour) = deadline(3600);
    for i in 0..5 {
        accepted(&server, &submit(&mut body.members[0], &format!("p-{i}"), "vote", &in_an_hour));
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/proposals?limit=2".to_string();
    loop {
        let r = server.get(&path);
        assert!(r.headers().get("accord-log-size").is_some(), "{path} says no log size");
        let page: Value = r.json().unwrap();
        let got = ids(&page).into_iter().map(str::to_string).collect::<Vec<_>>();
        assert!(got.len() <= 2, "{page}");
        seen.extend(got);
        match page["next"].as_u64() {
            Some(n) => path = format!("/api/v1/proposals?limit=2&after={n}"),
            None => break,
        }
    }
    assert_eq!(seen, ["p-0", "p-1", "p-2", "p-3", "p-4"]);
    // The default page holds them all here; bad parameters are problems.
    assert_eq!(ids(&get_json(&server, "/api/v1/proposals")).len(), 5);
    for bad in ["limit=0", "limit=1001", "limit=x", "after=-1", "after="] {
        assert_problem(server.get(&format!("/api/v1/proposals?{bad}")), 400, "bad-parameter");
    }
}
