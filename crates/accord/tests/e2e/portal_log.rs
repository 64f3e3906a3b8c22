//! The portal: log pages, over HTTP against the real binary.
//!
//! `/log` (checkpoint, key, audit command, latest entries), the form's
//! redirect, `/entries/{n}` (the decoded statement, the proof and the data
//! `verify.js` checks, compared with `/api/v1/entries/{n}` and checked here
//! with `accord-log`), and bad or unknown indices as HTML error pages.
//! The browser run of `verify.js` is in `browser.rs`.

use crate::common::{client, now, Body, Server};
use accord_log::merkle::verify_inclusion;
use accord_log::{Checkpoint, Hash, VerifierKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::{json, Value};

fn page(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(ct, "text/html; charset=utf-8", "GET {path}");
    (status, r.text().unwrap())
}

fn append(server: &Server, body: &mut Body, who: usize, kind: &str, b: Value) -> u64 {
    let note = body.members[who].sign(kind, b);
    let r = server.post_statement(&note);
    assert_eq!(r.status().as_u16(), 201, "{kind}");
    r.json::<Value>().unwrap()["index"].as_u64().unwrap()
}

/// The text between `start` (which must occur) and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).unwrap_or_else(|| panic!("no {start:?} in {html}")) + start.len();
    let j = html[i..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?}")) + i;
    &html[i..j]
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// A body of three with five entries: genesis, two notes (one full of
/// markup), a proposal and a vote on it.
fn founded() -> (Body, Server) {
    let mut body = Body::found(3);
    let server = body.serve();
    append(&server, &mut body, 0, "note.publish", json!({"text": "First note"}));
    append(&server, &mut body, 1, "note.publish", json!({"text": "A </script> & <b>bold</b> \"note\""}));
    let closes = accord_core::Timestamp(now().0 + 7_200_000).to_rfc3339();
    append(
        &server,
        &mut body,
        0,
        "proposal.submit",
        json!({"id": "p-one", "title": "One", "text": "Decide.", "question": "ordinary", "procedure": "vote", "closes": closes}),
    );
    let last = append(&server, &mut body, 2, "vote.cast", json!({"proposal": "p-one", "vote": "yes"}));
    assert_eq!(last, 4);
    server.wait_checkpoint(5);
    (body, server)
}

#[test]
fn log_page_shows_checkpoint_key_audit_and_latest_entries() {
    let (body, server) = founded();
    let (status, log) = page(&server, "/log");
    assert_eq!(status, 200);
    let checkpoint = server.get("/log/checkpoint").text().unwrap();
    assert_eq!(
        unescape(between(&log, "<pre class=\"exact\" id=\"checkpoint-note\" dir=\"ltr\">", "</pre>")),
        checkpoint
    );
    assert!(log.contains("<dd id=\"checkpoint-size\">5</dd>"), "{log}");
    let root = checkpoint.lines().nth(2).unwrap();
    assert!(log.contains(&format!("id=\"checkpoint-root\">{root}</code>")), "{log}");
    assert!(log.contains(&format!("id=\"log-vkey\">{}</code>", body.log_vkey)), "{log}");
    let command = format!("<code>accord audit {} --log-key '{}'</code>", server.url, body.log_vkey);
    assert!(log.contains(&command), "audit command pinned to the key: {log}");
    // The command shown works as shown.
    let state = body.dir.path().join("audit-state.json");
    let out = crate::common::accord()
        .args(["audit", &server.url, "--log-key", &body.log_vkey, "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert!(out.status.success(), "the page's audit command: {}", String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("<a href=\"/log/checkpoint\">"), "{log}");
    assert!(log.contains("/log/tile/"), "{log}");
    // The form: a labelled GET to /entries.
    assert!(log.contains("<form class=\"inline\" method=\"get\" action=\"/entries\">"), "{log}");
    assert!(log.contains("<label for=\"entry-index\">"), "{log}");
    assert!(log.contains("<input id=\"entry-index\" name=\"index\""), "{log}");
    // Latest entries, newest first: index, member, type.
    let table = between(&log, "<table id=\"latest-entries\">", "</table>");
    let order: Vec<usize> = (0..5).map(|i| table.find(&format!("href=\"/entries/{i}\"")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] > w[1]), "newest first: {table}");
    assert!(table.contains("<a href=\"/members/secretariat\">"), "{table}");
    assert!(table.contains("<a href=\"/members/M002\"><code>M002</code></a>"), "{table}");
    for kind in ["body.genesis", "note.publish", "proposal.submit", "vote.cast"] {
        assert!(table.contains(&format!("({kind})")), "{kind}: {table}");
    }
    assert!(!log.contains("class=\"pager\""), "five entries need no pager: {log}");

    // Paging back: `before` lists older entries only, with a way back.
    let (status, older) = page(&server, "/log?before=3");
    assert_eq!(status, 200);
    let table = between(&older, "<table id=\"latest-entries\">", "</table>");
    assert!(table.contains("href=\"/entries/2\"") && !table.contains("href=\"/entries/3\""), "{table}");
    assert!(older.contains("<a href=\"/log\">"), "{older}");
    let (status, none) = page(&server, "/log?before=0");
    assert_eq!(status, 200);
    assert!(!none.contains("<table id=\"latest-entries\">") && none.contains("no older entry"), "{none}");
}

#[test]
fn the_form_redirects_and_bad_indices_are_html_errors() {
    let (_body, server) = founded();
    let no_redirect = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (query, to) in [("2", "/entries/2"), ("%232", "/entries/2"), ("+4+", "/entries/4")] {
        let r = no_redirect.get(format!("{}/entries?index={query}", server.url)).send().unwrap();
        assert_eq!(r.status().as_u16(), 303, "index={query}");
        assert_eq!(r.headers()["location"], to);
    }
    let r = no_redirect.get(format!("{}/entries?index=3&lang=fr", server.url)).send().unwrap();
    assert_eq!(r.headers()["location"], "/entries/3?lang=fr", "the language asked for is kept");
    let r = no_redirect.get(format!("{}/entries/002", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["location"], "/entries/2");

    for path in [
        "/entries?index=x",
        "/entries?index=-1",
        "/entries",
        "/entries/abc",
        "/entries/-1",
        "/entries/1e3",
        "/log?before=x",
    ] {
        let (status, html) = page(&server, path);
        assert_eq!(status, 400, "{path}");
        assert!(html.contains("<p role=\"alert\">"), "{path}: {html}");
    }
    let (status, html) = page(&server, "/entries/99999999999999999999999");
    assert_eq!(status, 400, "{html}");
    for path in ["/entries/5", "/entries/18446744073709551615"] {
        let (status, html) = page(&server, path);
        assert_eq!(status, 404, "{path}");
        let alert = between(&html, "<p role=\"alert\">", "</p>");
        assert!(alert.contains("the log holds 5 entries"), "{path}: {alert}");
    }
}

#[test]
fn entry_page_decodes_the_statement_and_embeds_the_proof_the_api_serves() {
    let (body, server) = founded();
    let api: Value = server.get("/api/v1/entries/2").json().unwrap();
    let (status, html) = page(&server, "/entries/2");
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Entry 2</h1>"), "{html}");

    // The statement, decoded: member, seq, times, type, body (escaped).
    let st = &api["statement"];
    assert!(html.contains("<a href=\"/members/M001\"><code>M001</code></a>"), "{html}");
    assert!(html.contains(&format!("<dd>{}</dd>", st["seq"])), "{html}");
    assert!(html.contains(&format!(">{}</code>", st["time"].as_str().unwrap())), "{html}");
    assert!(html.contains(&format!(">{}</code>", api["time"].as_str().unwrap())), "{html}");
    assert!(html.contains("(note.publish)"), "{html}");
    let shown_body = unescape(between(&html, "id=\"statement-body\" dir=\"ltr\">", "</pre>"));
    assert_eq!(serde_json::from_str::<Value>(&shown_body).unwrap(), st["body"]);
    assert!(shown_body.contains('\n'), "pretty-printed: {shown_body}");
    assert!(html.contains("&lt;/script&gt;"), "markup in the body is escaped: {html}");

    // Signature, the entry's exact text, the leaf hash.
    let sig = &api["signature"];
    assert!(html.contains(&format!("id=\"key-name\">{}</code>", sig["key_name"].as_str().unwrap())), "{html}");
    assert!(html.contains(&format!("id=\"key-id\">{}</code>", sig["key_id"].as_str().unwrap())), "{html}");
    let text = unescape(between(&html, "id=\"entry-text\" dir=\"ltr\">", "</pre>"));
    assert_eq!(text, api["entry"].as_str().unwrap());
    assert!(html.contains(&format!("id=\"leaf-hash\">{}</code>", api["leaf_hash"].as_str().unwrap())), "{html}");

    // The proof, hash by hash and in order, and its checkpoint.
    let inclusion: Vec<&str> = api["inclusion"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert!(!inclusion.is_empty());
    let list = between(&html, "<ol id=\"proof-hashes\" dir=\"ltr\">", "</ol>");
    let shown: Vec<&str> =
        list.split("<li><code class=\"hash\">").skip(1).map(|s| s.split('<').next().unwrap()).collect();
    assert_eq!(shown, inclusion);
    let note = api["checkpoint"]["note"].as_str().unwrap();
    assert_eq!(unescape(between(&html, "id=\"checkpoint-note\" dir=\"ltr\">", "</pre>")), note);

    // The data verify.js reads is the API's data.
    let data: Value =
        serde_json::from_str(between(&html, "<script type=\"application/json\" id=\"proof-data\">", "</script>"))
            .unwrap();
    assert_eq!(data["index"], 2);
    assert_eq!(data["size"], api["checkpoint"]["size"]);
    assert_eq!(B64.decode(data["entry"].as_str().unwrap()).unwrap(), api["entry"].as_str().unwrap().as_bytes());
    assert_eq!(data["leaf_hash"], api["leaf_hash"]);
    assert_eq!(data["inclusion"], api["inclusion"]);
    assert_eq!(data["checkpoint"], api["checkpoint"]["note"]);
    assert_eq!(data["root"], api["checkpoint"]["root"]);
    assert_eq!(data["log_key"], body.log_vkey.as_str());

    // ... and it proves what it claims: checked here with accord-log.
    let key = VerifierKey::parse(data["log_key"].as_str().unwrap()).unwrap();
    let (cp, _) = Checkpoint::open(data["checkpoint"].as_str().unwrap().as_bytes(), &key).unwrap();
    let bytes = B64.decode(data["entry"].as_str().unwrap()).unwrap();
    let proof: Vec<Hash> = inclusion.iter().map(|h| Hash::from_base64(h).unwrap()).collect();
    verify_inclusion(&Hash::leaf(&bytes), 2, cp.size, &proof, &cp.root).unwrap();

    // The browser's check: its script, its live outcome element, and the
    // way to check without JavaScript.
    assert!(html.contains("<script src=\"/static/verify.js?v="), "{html}");
    assert!(html.contains("<div id=\"proof-result\" class=\"panel\" role=\"status\" aria-live=\"polite\""), "{html}");
    assert!(html.contains("data-msg-ok=\"") && html.contains("data-msg-root-differs=\""), "{html}");
    assert!(html.contains(&format!("--log-key '{}'</code>", body.log_vkey)), "{html}");
    let js = client().get(format!("{}/static/verify.js", server.url)).send().unwrap();
    assert_eq!(js.status().as_u16(), 200);
    assert!(js.text().unwrap().contains("crypto.subtle"));
}

#[test]
fn entries_link_what_they_concern_and_speak_arabic_right_to_left() {
    let (mut body, server) = founded();
    let (status, proposal) = page(&server, "/entries/3");
    assert_eq!(status, 200);
    assert!(proposal.contains("<ul id=\"concerns\"><li><a href=\"/proposals/p-one\">"), "{proposal}");
    let (_, vote) = page(&server, "/entries/4");
    assert!(vote.contains("<ul id=\"concerns\"><li><a href=\"/proposals/p-one\">"), "{vote}");
    assert!(vote.contains("rel=\"prev\"") && !vote.contains("rel=\"next\""), "the last entry has no next: {vote}");
    let (_, genesis) = page(&server, "/entries/0");
    assert!(genesis.contains("(body.genesis)") && !genesis.contains("rel=\"prev\""), "{genesis}");

    // The link to an act, followed the moment the act is acknowledged,
    // opens its entry (the page waits briefly for the next checkpoint).
    let index = append(&server, &mut body, 1, "note.publish", json!({"text": "Just now"}));
    let (status, fresh) = page(&server, &format!("/entries/{index}"));
    assert_eq!(status, 200, "{fresh}");
    assert!(fresh.contains("Just now"), "{fresh}");

    for path in ["/log?lang=ar", "/entries/2?lang=ar", "/entries/99?lang=ar"] {
        let (_, html) = page(&server, path);
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{path}: {html}");
    }
    let (_, ar) = page(&server, "/entries/2?lang=ar");
    assert!(ar.contains("<h1>القيد 2</h1>"), "{ar}");
    // Hashes, keys and the entry's bytes stay left to right.
    assert!(ar.contains("id=\"entry-text\" dir=\"ltr\""), "{ar}");
}
