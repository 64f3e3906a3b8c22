//! The portal: proposals pages, over HTTP against the real binary. Acts
//! are signed statements posted to `/api/v1/statements`; the pages must
//! show what the JSON API shows — the list with tallies and pages, each
//! proposal with its recorded vote, tally table, results chart, silence
//! procedure and log entries — in English and in Arabic, and answer bad
//! input with 400/404 pages, never a 500.

use crate::common::*;
use accord_core::Timestamp;
use serde_json::{json, Value};
use std::time::Duration;

// ---------------------------------------------------------------- helpers

/// Fetches a page; it must be HTML.
fn page(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(ct, "text/html; charset=utf-8", "GET {path}");
    (status, r.text().unwrap())
}

/// A page that must be there.
fn ok_page(server: &Server, path: &str) -> String {
    let (status, html) = page(server, path);
    assert_eq!(status, 200, "GET {path}: {html}");
    html
}

/// Posts a signed statement that must be accepted; returns its index.
fn accepted(server: &Server, note: &str) -> u64 {
    let r = server.post_statement(note);
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    assert_eq!(status, 201, "refused: {text}");
    serde_json::from_str::<Value>(&text).unwrap()["index"].as_u64().unwrap()
}

fn deadline(secs: i64) -> (Timestamp, String) {
    let t = Timestamp(now().0 + secs * 1000);
    (t, t.to_rfc3339())
}

fn submit(m: &mut Member, id: &str, procedure: &str, closes: &str, text: &str) -> String {
    m.sign(
        "proposal.submit",
        json!({
            "id": id, "title": format!("Title of {id}"), "text": text,
            "question": "ordinary", "procedure": procedure, "closes": closes,
        }),
    )
}

fn vote(m: &mut Member, proposal: &str, vote: &str) -> String {
    m.sign("vote.cast", json!({ "proposal": proposal, "vote": vote }))
}

/// The element that starts with `start` (e.g. `<table id="votes"`), up to
/// its closing `end` tag.
fn element<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in {html}"));
    let len = html[from..].find(end).unwrap_or_else(|| panic!("{start} is not closed by {end}"));
    &html[from..from + len + end.len()]
}

/// Waits until the ballot on `id`, due at `t`, is closed: the node ticks
/// the clock itself when it holds the secretariat key; else a note from
/// `m` is the entry that closes it.
fn wait_closed(server: &Server, m: &mut Member, id: &str, t: Timestamp) -> Value {
    loop {
        let n = now().0;
        if n > t.0 + 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis((t.0 + 250 - n) as u64));
    }
    let get = || server.get(&format!("/api/v1/proposals/{id}")).json::<Value>().unwrap();
    let pending = |d: &Value| matches!(d["status"].as_str(), Some("open" | "voting"));
    for _ in 0..40 {
        let d = get();
        if !pending(&d) {
            return d;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    accepted(server, &m.sign("note.publish", json!({ "text": "time passes" })));
    let d = get();
    assert!(!pending(&d), "{id} is still pending after its deadline: {d}");
    d
}

/// Asserts a page-level error: HTML, with `status`, naming `words`.
fn error_page(server: &Server, path: &str, status: u16, words: &[&str]) {
    let (got, html) = page(server, path);
    assert_eq!(got, status, "GET {path}: {html}");
    assert!(html.contains("role=\"alert\""), "GET {path} says what went wrong: {html}");
    for w in words {
        assert!(html.contains(w), "GET {path} names {w:?}: {html}");
    }
}

// ---------------------------------------------------------------- tests

#[test]
fn a_proposal_page_shows_the_recorded_vote_tally_chart_and_entries() {
    // The amendment closes half an hour before its proposal.
    let mut body = Body::found_with(5, "[rules]\namendment_lead_seconds = 600\n");
    let server = body.serve();
    let (soon, in_three_secs) = deadline(3);
    let (_, in_an_hour) = deadline(3600);
    let (_, in_half_an_hour) = deadline(1800);
    let (_, in_four_days) = deadline(4 * 24 * 3600);
    let m = &mut body.members;

    // A recorded vote that closes in a moment, with an explanation of vote.
    let text = "The body adopts its budget.\n\nIt is paid in equal shares.\nEach year.";
    let budget = accepted(&server, &submit(&mut m[0], "p-budget", "vote", &in_three_secs, text));
    let cosponsor = accepted(&server, &m[4].sign("proposal.cosponsor", json!({ "proposal": "p-budget" })));
    let explanation = "We need it <now> & here.";
    let v0 = accepted(
        &server,
        &m[0].sign("vote.cast", json!({ "proposal": "p-budget", "vote": "yes", "explanation": explanation })),
    );
    let v1 = accepted(&server, &vote(&mut m[1], "p-budget", "no"));
    let v2 = accepted(&server, &vote(&mut m[2], "p-budget", "abstain"));
    let v3 = accepted(&server, &vote(&mut m[3], "p-budget", "yes"));
    // A silence procedure: a dissociation, then an objection breaks it.
    let calendar = accepted(&server, &submit(&mut m[1], "p-calendar", "silence", &in_four_days, "A calendar."));
    let dissociation = accepted(
        &server,
        &m[3].sign("silence.dissociate", json!({ "proposal": "p-calendar", "reason": "We keep our holidays." })),
    );
    let objection = accepted(
        &server,
        &m[2].sign("silence.object", json!({ "proposal": "p-calendar", "reason": "The dates clash." })),
    );
    // A silence left unbroken, a proposal with an action, an amendment.
    accepted(&server, &submit(&mut m[4], "p-quiet", "silence", &in_four_days, "Quiet."));
    let rules = m[2].sign(
        "proposal.submit",
        json!({
            "id": "p-rules", "title": "Stricter quorum", "text": "Raise the quorum.", "question": "important",
            "procedure": "vote", "closes": in_an_hour,
            "action": { "type": "rules.change", "rules": { "quorum": "two-thirds" } },
        }),
    );
    accepted(&server, &rules);
    let amend = m[3].sign(
        "proposal.amend",
        json!({
            "id": "p-rules-a1", "proposal": "p-rules", "title": "A milder quorum",
            "text": "Raise the quorum a little.", "closes": in_half_an_hour,
        }),
    );
    let a1 = accepted(&server, &amend);
    let va = accepted(&server, &vote(&mut m[0], "p-rules-a1", "no"));

    let closed = wait_closed(&server, &mut m[4], "p-budget", soon);
    assert_eq!((closed["status"].as_str(), closed["adopted_by"].as_str()), (Some("adopted"), Some("vote")));
    let closed_at = closed["closed_at"].as_u64().unwrap();

    // ---- the list: every proposal, newest first, with tallies.
    let list = ok_page(&server, "/proposals");
    assert!(list.contains("<html lang=\"en\" dir=\"ltr\">"), "{list}");
    assert!(list.contains("<h1>Proposals and decisions</h1>"), "{list}");
    assert!(list.contains("<label for=\"status\">") && list.contains("<select id=\"status\" name=\"status\">"));
    for v in ["all", "open", "decided", "voting", "adopted", "rejected", "failed-quorum", "withdrawn", "moot"] {
        assert!(list.contains(&format!("<option value=\"{v}\"")), "the filter offers {v}: {list}");
    }
    assert!(list.contains("<button type=\"submit\">"), "{list}");
    let order: Vec<usize> = ["p-rules-a1", "p-rules", "p-quiet", "p-calendar", "p-budget"]
        .iter()
        .map(|id| list.find(&format!("<a href=\"/proposals/{id}\">")).unwrap_or_else(|| panic!("{id} in {list}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first: {order:?}");
    assert!(list.contains("<a href=\"/members/M000\"><bdi>State 0</bdi></a>"), "the sponsor links its page: {list}");
    assert!(list.contains("Yes 2, no 1, abstaining 1"), "the final tally of p-budget: {list}");
    assert!(list.contains("Yes 0, no 1, abstaining 0"), "the live tally of p-rules-a1: {list}");
    assert!(list.contains("No vote unless silence is broken"), "p-quiet has no count: {list}");
    assert!(list.contains("<span class=\"status status-adopted\">adopted</span>"), "{list}");
    assert!(list.contains("<span class=\"status status-voting\">voting</span>"), "{list}");
    assert!(list.contains("Page 1 of 1") && list.contains("<nav class=\"pager\" aria-label=\"Pages of the list\">"));
    // Filters.
    let open = ok_page(&server, "/proposals?status=open");
    assert!(open.contains("/proposals/p-calendar\"") && !open.contains("/proposals/p-budget\""), "{open}");
    assert!(open.contains("<option value=\"open\" selected>"), "the choice stays selected: {open}");
    let decided = ok_page(&server, "/proposals?status=decided");
    assert!(decided.contains("/proposals/p-budget\"") && !decided.contains("/proposals/p-quiet\""), "{decided}");
    let voting = ok_page(&server, "/proposals?status=voting&page=1");
    assert!(voting.contains("/proposals/p-calendar\"") && !voting.contains("/proposals/p-rules\""), "{voting}");

    // ---- a recorded vote, closed: the votes, the tally, the chart.
    let p = ok_page(&server, "/proposals/p-budget");
    assert!(p.contains("<h1><bdi>Title of p-budget</bdi></h1>"), "{p}");
    assert!(p.contains("<span class=\"status status-adopted\">adopted</span> by recorded vote"), "{p}");
    assert!(p.contains("<p dir=\"auto\">The body adopts its budget.</p><p dir=\"auto\">It is paid in equal shares.<br>Each year.</p>"), "{p}");
    let votes = element(&p, "<table id=\"votes\" class=\"cards\">", "</table>");
    for (member, v, index) in [("M000", "yes", v0), ("M001", "no", v1), ("M002", "abstain", v2), ("M003", "yes", v3)] {
        let row = format!("<a href=\"/members/{member}\">");
        assert!(votes.contains(&row), "{member} in {votes}");
        assert!(votes.contains(&format!("<a href=\"/entries/{index}\" class=\"entry\">#{index}</a>")), "{votes}");
        assert!(votes.contains(&format!("<span class=\"vote-{v}\">")), "{votes}");
    }
    assert!(votes.contains("<span class=\"vote-abstain\">Abstain</span>"), "the vote in words: {votes}");
    assert!(votes.contains("We need it &lt;now&gt; &amp; here."), "the explanation, escaped: {votes}");
    let tally = element(&p, "<table id=\"tally\"", "</table>");
    for (k, n) in [("yes", 2), ("no", 1), ("abstain", 1), ("not_voting", 1)] {
        assert!(tally.contains(&format!("<td data-vote=\"{k}\">{n}</td>")), "{k} = {n} in {tally}");
    }
    let svg = element(&p, "<svg class=\"chart\" role=\"img\" aria-labelledby=\"", "</svg>");
    assert!(svg.contains("<title id=") && svg.contains("Results of the vote</title>"), "{svg}");
    assert!(svg.contains("<desc id=") && svg.contains("Yes: 2. No: 1. Abstain: 1. Not voting: 1.</desc>"), "{svg}");
    for n in [2, 1, 1, 1] {
        assert!(svg.contains(&format!("class=\"count\">{n}</text>")), "{svg}");
    }
    assert_eq!(svg.matches("<rect ").count(), 4, "{svg}");
    assert!(!svg.contains("font-face") && !svg.contains("http://fonts"), "no outside fonts: {svg}");
    assert!(p.contains("Quorum was met.") && p.contains("The required majority was reached."), "{p}");
    assert!(p.contains("Members taking part: 4 of 5 entitled to vote."), "{p}");
    assert!(p.contains("a simple majority of the votes cast"), "the majority in force: {p}");
    // Sponsor and co-sponsor with their entries; every entry involved.
    assert!(
        p.contains(&format!("<a href=\"/members/M004\"><bdi>State 4</bdi></a> <a href=\"/entries/{cosponsor}\"")),
        "{p}"
    );
    let entries = element(&p, "<ul class=\"entries\">", "</ul>");
    for i in [budget, cosponsor, v0, v1, v2, v3, closed_at] {
        assert!(entries.contains(&format!("href=\"/entries/{i}\"")), "entry {i} in {entries}");
    }
    assert!(entries.contains("vote of State 1") && entries.contains("ballot closed"), "{entries}");

    // ---- the same page in Arabic: right to left, translated headings.
    let ar = ok_page(&server, "/proposals/p-budget?lang=ar");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("<h2 id=\"vote-h\">التصويت المسجل</h2>"), "{ar}");
    assert!(ar.contains("<h2 id=\"entries-h\">قيود السجل</h2>"), "{ar}");
    assert!(ar.contains("<span class=\"vote-no\">معارض</span>"), "{ar}");
    assert!(ar.contains("direction=\"rtl\""), "the chart is mirrored: {ar}");
    assert!(element(&ar, "<table id=\"tally\"", "</table>").contains("<td data-vote=\"yes\">2</td>"), "{ar}");
    let ar_list = ok_page(&server, "/proposals?lang=ar");
    assert!(ar_list.contains("<h1>المقترحات والمقررات</h1>"), "{ar_list}");

    // ---- the silence procedure, broken by an objection.
    let s = ok_page(&server, "/proposals/p-calendar");
    assert!(s.contains(&format!("Silence broken by State 2 at entry #{objection}.")), "{s}");
    let objections = element(&s, "<table id=\"objections\" class=\"cards\">", "</table>");
    assert!(objections.contains("The dates clash.") && objections.contains(&format!("/entries/{objection}")));
    let dissociations = element(&s, "<table id=\"dissociations\" class=\"cards\">", "</table>");
    assert!(
        dissociations.contains("We keep our holidays.") && dissociations.contains(&format!("/entries/{dissociation}"))
    );
    assert!(s.contains("<span class=\"status status-voting\">voting</span>"), "{s}");
    assert!(s.contains("No vote has been cast yet."), "silence broken: now a recorded vote: {s}");
    for i in [calendar, dissociation, objection] {
        assert!(element(&s, "<ul class=\"entries\">", "</ul>").contains(&format!("href=\"/entries/{i}\"")));
    }
    let q = ok_page(&server, "/proposals/p-quiet");
    assert!(q.contains("Silence unbroken"), "{q}");
    assert!(!q.contains("<table id=\"votes\"") && !q.contains("<table id=\"tally\""), "no vote under silence: {q}");

    // ---- an action in words with its JSON; amendments in order.
    let r = ok_page(&server, "/proposals/p-rules");
    assert!(r.contains("Change these rules of procedure:"), "{r}");
    assert!(r.contains("Quorum: at least two thirds of the members entitled to vote take part"), "{r}");
    assert!(r.contains("<details><summary>The action as signed (JSON)</summary>"), "{r}");
    assert!(r.contains("&quot;rules.change&quot;"), "{r}");
    assert!(
        r.contains("two thirds of the votes cast (important question)"),
        "the majority of an important question: {r}"
    );
    let amendments = element(&r, "<section aria-labelledby=\"amendments-h\">", "</section>");
    assert!(amendments.contains("<a href=\"/proposals/p-rules-a1\">A milder quorum</a>"), "{amendments}");
    assert!(amendments.contains(&format!("/entries/{a1}")), "{amendments}");
    let a = ok_page(&server, "/proposals/p-rules-a1");
    assert!(a.contains("Amendment to: <a href=\"/proposals/p-rules\">Stricter quorum</a>"), "{a}");
    assert!(a.contains("The count so far"), "{a}");
    assert!(element(&a, "<table id=\"tally\"", "</table>").contains("<td data-vote=\"no\">1</td>"), "{a}");
    assert!(a.contains(&format!("/entries/{va}")), "{a}");
}

#[test]
fn the_list_pages_by_fifty_and_bad_input_gets_an_error_page() {
    let mut body = Body::found(2);
    let server = body.serve();
    let (_, in_an_hour) = deadline(3600);
    let total = 53;
    for i in 0..total {
        accepted(&server, &submit(&mut body.members[i % 2], &format!("p-{i:03}"), "vote", &in_an_hour, "Text."));
    }

    let first = ok_page(&server, "/proposals");
    assert!(first.contains("Proposals and amendments found: 53"), "{first}");
    assert_eq!(first.matches("<a href=\"/proposals/p-").count(), 50, "fifty a page");
    assert!(first.contains("/proposals/p-052\"") && !first.contains("/proposals/p-002\""), "newest first");
    let pager = element(&first, "<nav class=\"pager\"", "</nav>");
    assert!(pager.contains("Page 1 of 2") && pager.contains("<a rel=\"next\" href=\"/proposals?page=2\">"));
    // The arrow beside "Next page" is decorative, and mirrored in Arabic by the stylesheet.
    assert!(pager.contains("Next page <span class=\"arrow\" aria-hidden=\"true\">→</span></a>"), "{pager}");
    assert!(!pager.contains("rel=\"prev\""), "{pager}");
    let second = ok_page(&server, "/proposals?page=2");
    assert_eq!(second.matches("<a href=\"/proposals/p-").count(), 3);
    for i in 0..3 {
        assert!(second.contains(&format!("/proposals/p-{i:03}\"")), "{second}");
    }
    let pager = element(&second, "<nav class=\"pager\"", "</nav>");
    assert!(pager.contains("Page 2 of 2") && pager.contains("<a rel=\"prev\" href=\"/proposals\">"));
    assert!(pager.contains("<span class=\"arrow\" aria-hidden=\"true\">←</span> Previous page</a>"), "{pager}");
    let filtered = ok_page(&server, "/proposals?status=open&page=2");
    assert!(filtered.contains("<a rel=\"prev\" href=\"/proposals?status=open\">"), "the filter is kept: {filtered}");

    // Beyond the end: an empty list with a way back, not an error.
    let beyond = ok_page(&server, "/proposals?page=9");
    assert!(beyond.contains("There is no page 9"), "{beyond}");
    assert!(beyond.contains("<a href=\"/proposals?page=2\">"), "{beyond}");
    assert!(!beyond.contains("<a href=\"/proposals/p-"), "{beyond}");
    let none = ok_page(&server, "/proposals?status=moot");
    assert!(none.contains("No proposal matches this choice."), "{none}");

    // Bad input: 400 pages that say what was wrong; unknown ids: 404.
    error_page(&server, "/proposals?page=0", 400, &["page number", "<code>0</code>"]);
    error_page(&server, "/proposals?page=abc", 400, &["page number", "<code>abc</code>"]);
    error_page(&server, "/proposals?page=-1", 400, &["page number"]);
    error_page(&server, "/proposals?status=closed", 400, &["<code>closed</code>", "decided", "failed-quorum"]);
    error_page(&server, "/proposals?status=open&status=moot", 400, &["status"]);
    error_page(&server, "/proposals/Not_An_Id", 400, &["<code>Not_An_Id</code>", "not a proposal id"]);
    error_page(&server, &format!("/proposals/{}", "a".repeat(65)), 400, &["not a proposal id"]);
    error_page(&server, "/proposals/p-nothing", 404, &["no proposal or amendment with this id"]);
    error_page(&server, "/proposals/p-nothing?lang=ar", 404, &["<html lang=\"ar\" dir=\"rtl\">"]);
    error_page(&server, "/proposals?page=99999999999999999999999", 400, &["page number"]);
    // A page number past any offset the store can take is simply empty.
    let huge = ok_page(&server, "/proposals?page=18446744073709551615");
    assert!(huge.contains("There is no page 18446744073709551615"), "{huge}");
}
