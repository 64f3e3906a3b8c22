//! The portal: desk pages, over HTTP against the real binary.
//!
//! Sign-in by challenge done in Rust as the browser does it (the browser
//! run of `desk.js` is in `browser.rs`): a challenge from `/desk/challenge`,
//! signed with the member's key file, posted to `/desk/session`, opens a
//! session whose cookie shows the member's desk — its open ballots with the
//! forms `desk.js` signs. Wrong keys, unknown members, replayed, forged or
//! foreign challenges and malformed notes are refused with problems and
//! open nothing; sign-out ends the session.

use crate::common::*;
use accord_core::KeyFile;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use std::path::Path;

fn no_redirect() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn append(server: &Server, body: &mut Body, who: usize, kind: &str, b: Value) -> u64 {
    let note = body.members[who].sign(kind, b);
    let r = server.post_statement(&note);
    assert_eq!(r.status().as_u16(), 201, "{kind}: {}", r.text().unwrap());
    r.json::<Value>().unwrap()["index"].as_u64().unwrap()
}

/// A body of four with a recorded vote tabled by M000 (M001 voted on it)
/// and a silence procedure tabled by M001.
fn founded() -> (Body, Server) {
    let mut body = Body::found(4);
    let server = body.serve();
    let closes = accord_core::Timestamp(now().0 + 7_200_000).to_rfc3339();
    let far = accord_core::Timestamp(now().0 + 4 * 86_400_000).to_rfc3339();
    append(
        &server,
        &mut body,
        0,
        "proposal.submit",
        json!({"id": "fund", "title": "A fund", "text": "Set up a fund.", "question": "ordinary", "procedure": "vote", "closes": closes}),
    );
    append(&server, &mut body, 1, "vote.cast", json!({"proposal": "fund", "vote": "no"}));
    append(
        &server,
        &mut body,
        1,
        "proposal.submit",
        json!({"id": "quiet", "title": "A quiet one", "text": "Agree silently.", "question": "ordinary", "procedure": "silence", "closes": far}),
    );
    (body, server)
}

/// `POST /desk/challenge`: the text to sign.
fn challenge(server: &Server) -> String {
    let r = client().post(format!("{}/desk/challenge", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let v: Value = r.json().unwrap();
    assert_eq!(v["expires_in"], 300);
    v["text"].as_str().unwrap().to_string()
}

fn post_session(server: &Server, note: &str) -> Response {
    client()
        .post(format!("{}/desk/session", server.url))
        .header("content-type", "text/plain")
        .body(note.to_string())
        .send()
        .unwrap()
}

fn sign(key: &KeyFile, text: &str) -> String {
    key.signer.sign_note(text).unwrap().to_text()
}

/// Signs in with `key`: the session cookie (`name=value`).
fn sign_in(server: &Server, key: &KeyFile) -> String {
    let r = post_session(server, &sign(key, &challenge(server)));
    assert_eq!(r.status().as_u16(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(set.split("; ").any(|a| a == attr), "{attr} in {set}");
    }
    // Plain HTTP, no proxy saying HTTPS: a Secure cookie would never come back.
    assert!(!set.split("; ").any(|a| a == "Secure"), "{set}");
    let v: Value = r.json().unwrap();
    let id = key.name().rsplit('/').next().unwrap();
    assert_eq!(v["member"], id);
    assert_eq!(v["key_id"], key.signer.verifier().id().to_string());
    set.split(';').next().unwrap().to_string()
}

fn desk(server: &Server, cookie: Option<&str>) -> String {
    let mut req = client().get(format!("{}/desk", server.url));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    r.text().unwrap()
}

fn is_sign_in(html: &str) -> bool {
    html.contains(r#"<input type="file" id="key-file""#)
        && html.contains(r#"<button type="submit" id="sign-in" disabled>"#)
        && html.contains(r#"<label for="key-file">"#)
        && !html.contains("id=\"desk-member\"")
}

/// A fresh key file named `<origin>/members/<id>`, made by `accord keygen`.
fn keygen(dir: &Path, id: &str) -> KeyFile {
    let path = dir.join(format!("other-{id}.key"));
    let out = accord().args(["keygen", "--origin", ORIGIN, "--member", id, "--out"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "keygen: {}", String::from_utf8_lossy(&out.stderr));
    KeyFile::parse(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Asserts a problem and that no session cookie came with it.
fn refused(r: Response, status: u16, code: &str) {
    assert!(r.headers().get("set-cookie").is_none(), "a refusal opens no session");
    assert_problem(r, status, code);
}

#[test]
fn signing_in_by_challenge_shows_the_members_desk() {
    let (body, server) = founded();
    // Not signed in: the sign-in, with the script and its strings.
    let html = desk(&server, None);
    assert!(is_sign_in(&html), "{html}");
    assert!(html.contains(r#"<script type="application/json" id="desk-i18n">"#), "{html}");
    assert!(html.contains("/static/desk.js?v="), "{html}");
    assert!(html.contains(&format!(r#"data-origin="{ORIGIN}""#)), "{html}");

    // The challenge names its purpose, this body and a fresh nonce.
    let text = challenge(&server);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text:?}");
    assert_eq!((lines[0], lines[1]), ("accord/signin/v1", ORIGIN));
    assert_ne!(challenge(&server), text, "each challenge is new");
    // Signing it cannot make a statement the log would take.
    let r = server.post_statement(&sign(&body.members[2].key, &text));
    assert_problem(r, 400, "malformed");

    // M002 signs in: its desk lists both ballots with the forms to act.
    let cookie = sign_in(&server, &body.members[2].key);
    let html = desk(&server, Some(&cookie));
    assert!(!is_sign_in(&html));
    assert!(html.contains(r#"<code id="desk-member">M002</code>"#), "{html}");
    assert!(html.contains(&body.members[2].key.signer.verifier().id().to_string()), "key id shown");
    assert!(html.contains(r#"<form method="post" action="/desk/signout""#), "{html}");
    assert!(html.contains(r#"data-member="M002""#), "{html}");
    // The recorded vote: a vote form (hidden proposal, labelled choice and
    // explanation); no co-sponsoring once voting began.
    assert!(html
        .contains(r#"<form data-act="vote.cast" class="desk-act"><input type="hidden" name="proposal" value="fund">"#));
    for choice in ["yes", "no", "abstain"] {
        let id = format!("vote-fund-{choice}");
        assert!(html.contains(&format!(r#"value="{choice}" id="{id}" required disabled>"#)), "{choice}: {html}");
        assert!(html.contains(&format!(r#"<label for="{id}""#)), "{choice}");
    }
    assert!(html.contains(r#"<label for="expl-fund">"#) && html.contains(r#"name="explanation""#));
    assert!(!html.contains(r#"value="fund"><button"#), "no co-sponsor form for fund: {html}");
    // The silence procedure: an objection and co-sponsoring, no vote.
    assert!(html.contains(
        r#"<form data-act="silence.object" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(html.contains(r#"<label for="reason-quiet">"#));
    assert!(html.contains(
        r#"<form data-act="proposal.cosponsor" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(!html.contains(r#"id="vote-quiet-yes""#));
    // Tabling and amending (fund has votes, quiet is silent: nothing to amend).
    assert!(html.contains(r#"<form data-act="proposal.submit""#));
    for field in
        ["propose-id", "propose-title", "propose-text", "propose-question", "propose-procedure", "propose-closes"]
    {
        assert!(html.contains(&format!(r#"<label for="{field}">"#)), "{field}");
    }
    assert!(html.contains(r#"type="datetime-local" id="propose-closes" name="closes" data-kind="utc""#));
    assert!(!html.contains(r#"<form data-act="proposal.amend""#));
    // Every result region is announced politely.
    let forms = html.matches("<form data-act=").count();
    assert_eq!(html.matches(r#"<div class="act-result" role="status" aria-live="polite">"#).count(), forms);

    // Once M002 voted (from anywhere), its desk no longer offers that vote.
    let mut body = body;
    append(&server, &mut body, 2, "vote.cast", json!({"proposal": "fund", "vote": "yes"}));
    let html = desk(&server, Some(&cookie));
    assert!(!html.contains(r#"name="proposal" value="fund""#), "{html}");
    assert!(html.contains(r#"name="proposal" value="quiet""#));

    // The sponsor of the silence procedure may neither object, dissociate
    // nor co-sponsor it: it may withdraw it.
    let m1 = sign_in(&server, &body.members[1].key);
    let html = desk(&server, Some(&m1));
    assert!(html.contains(r#"<code id="desk-member">M001</code>"#));
    for act in ["silence.object", "silence.dissociate", "proposal.cosponsor"] {
        assert!(
            !html.contains(&format!(
                r#"<form data-act="{act}" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
            )),
            "{act}: {html}"
        );
    }
    assert!(
        html.contains(
            r#"<form data-act="proposal.withdraw" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
        ),
        "{html}"
    );

    // In Arabic, right to left, with the strings for the script translated.
    let r = client().get(format!("{}/desk?lang=ar", server.url)).header("cookie", &cookie).send().unwrap();
    let html = r.text().unwrap();
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(html.contains(r#"<code id="desk-member">M002</code>"#));
    assert!(html.contains("مكتب الوفود"), "{html}");
}

#[test]
fn bad_sign_ins_are_refused_and_open_no_session() {
    let (body, server) = founded();
    let m2 = &body.members[2].key;

    // Another key under M002's name.
    let impostor = keygen(body.dir.path(), "M002");
    refused(post_session(&server, &sign(&impostor, &challenge(&server))), 403, "bad-signature");
    // A member this body does not have.
    let stranger = keygen(body.dir.path(), "ZZZ");
    refused(post_session(&server, &sign(&stranger, &challenge(&server))), 403, "unknown-member");
    // Another member's key, signing for itself, is fine; but a note signed by
    // M003 cannot be passed off with M002's name.
    let note = sign(&body.members[3].key, &challenge(&server)).replace("/members/M003 ", "/members/M002 ");
    refused(post_session(&server, &note), 403, "bad-signature");

    // A challenge answers once.
    let note = sign(m2, &challenge(&server));
    assert_eq!(post_session(&server, &note).status().as_u16(), 200);
    refused(post_session(&server, &note), 409, "challenge-used");

    // A challenge the node never issued, or issued for another body.
    let text = challenge(&server);
    let mut forged: Vec<char> = text.lines().nth(2).unwrap().chars().collect();
    forged[3] = if forged[3] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    refused(
        post_session(&server, &sign(m2, &format!("accord/signin/v1\n{ORIGIN}\n{forged}\n"))),
        400,
        "unknown-challenge",
    );
    refused(
        post_session(&server, &sign(m2, "accord/signin/v1\ne2e.accord.example/log\nAAAA\n")),
        400,
        "unknown-challenge",
    );
    let foreign = text.replace(ORIGIN, "elsewhere.example/log");
    refused(post_session(&server, &sign(m2, &foreign)), 400, "malformed");

    // Malformed notes: unsigned, a statement, extra lines, two signatures.
    let text = challenge(&server);
    refused(post_session(&server, &text), 400, "malformed");
    refused(post_session(&server, "not a note at all"), 400, "malformed");
    let statement = sign_with(m2, &body.members[2].id, 1, "note.publish", json!({"text": "hi"}));
    refused(post_session(&server, &statement), 400, "malformed");
    refused(post_session(&server, &sign(m2, &format!("{text}extra\n"))), 400, "malformed");
    let mut two = m2.signer.sign_note(&text).unwrap();
    two.signatures.push(body.members[3].key.signer.sign(&text));
    refused(post_session(&server, &two.to_text()), 400, "malformed");
    // Wrong media type, too large, from another site.
    let r = client()
        .post(format!("{}/desk/session", server.url))
        .header("content-type", "application/json")
        .body(sign(m2, &text))
        .send()
        .unwrap();
    refused(r, 415, "unsupported-media-type");
    refused(post_session(&server, &"x".repeat(10_000)), 413, "too-large");
    let r = client()
        .post(format!("{}/desk/session", server.url))
        .header("content-type", "text/plain")
        .header("origin", "https://evil.example")
        .body(sign(m2, &text))
        .send()
        .unwrap();
    refused(r, 403, "cross-site");
    let r =
        client().post(format!("{}/desk/challenge", server.url)).header("sec-fetch-site", "cross-site").send().unwrap();
    assert_problem(r, 403, "cross-site");

    // After all that, the challenge left unanswered still signs in.
    let r = post_session(&server, &sign(m2, &text));
    assert_eq!(r.status().as_u16(), 200);

    // A made-up cookie shows the sign-in.
    assert!(is_sign_in(&desk(&server, Some("accord_desk=made-up"))));
}

#[test]
fn signing_out_ends_the_session() {
    let (body, server) = founded();
    let cookie = sign_in(&server, &body.members[3].key);
    assert!(desk(&server, Some(&cookie)).contains(r#"<code id="desk-member">M003</code>"#));
    let r = no_redirect().post(format!("{}/desk/signout", server.url)).header("cookie", &cookie).send().unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/desk");
    let set = r.headers()["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("accord_desk=;") && set.contains("Max-Age=0"), "{set}");
    // The old cookie no longer opens the desk.
    assert!(is_sign_in(&desk(&server, Some(&cookie))));
    // Signing out again, or without a session, is harmless.
    let r = no_redirect().post(format!("{}/desk/signout", server.url)).send().unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[test]
fn a_new_key_ends_the_session_of_the_old_one() {
    let (mut body, server) = founded();
    let cookie = sign_in(&server, &body.members[3].key);
    assert!(desk(&server, Some(&cookie)).contains(r#"<code id="desk-member">M003</code>"#));
    let new_key = keygen(body.dir.path(), "M003");
    let vkey = new_key.signer.verifier().to_vkey();
    append(&server, &mut body, 3, "member.key.rotate", json!({ "vkey": vkey }));
    assert!(is_sign_in(&desk(&server, Some(&cookie))), "the old key's session ended");
    // The old key cannot sign in any more; the new one can.
    refused(post_session(&server, &sign(&body.members[3].key, &challenge(&server))), 403, "bad-signature");
    let cookie = sign_in(&server, &new_key);
    assert!(desk(&server, Some(&cookie)).contains(r#"<code id="desk-member">M003</code>"#));
}

/// The part of `html` from `start` to the next `end`.
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in {html}"));
    let len = html[from..].find(end).unwrap_or_else(|| panic!("{start} is not closed by {end}"));
    &html[from..from + len]
}

#[test]
fn the_desk_lists_what_awaits_soonest_first_and_offers_every_act() {
    let (mut body, server) = founded();
    let in_days = |d: i64| accord_core::Timestamp(now().0 + d * 86_400_000).to_rfc3339();
    // M002 tables "own"; M003 amends it; M002 co-sponsors M001's silence procedure.
    let tabled = append(
        &server,
        &mut body,
        2,
        "proposal.submit",
        json!({"id": "own", "title": "Our own", "text": "Ours.", "question": "ordinary", "procedure": "vote", "closes": in_days(3)}),
    );
    append(
        &server,
        &mut body,
        3,
        "proposal.amend",
        json!({"id": "own-a", "proposal": "own", "title": "Better", "text": "Better.", "closes": in_days(2)}),
    );
    let cosponsored = append(&server, &mut body, 2, "proposal.cosponsor", json!({"proposal": "quiet"}));

    let cookie = sign_in(&server, &body.members[2].key);
    let html = desk(&server, Some(&cookie));
    // What awaits, soonest deadline first: the vote on fund (2 h), the
    // amendment to its own proposal (2 days), its own proposal (3 days), the
    // silence procedure it may object to (4 days); each with its deadline.
    let awaits = part(&html, r#"<ol id="desk-awaits""#, "</ol>");
    let order: Vec<&str> =
        awaits.split(r#"<li data-proposal=""#).skip(1).map(|li| &li[..li.find('"').unwrap()]).collect();
    assert_eq!(order, ["fund", "own-a", "own", "quiet"], "{awaits}");
    assert!(awaits.contains(r#"<li data-proposal="own-a" data-kind="amendment">"#), "{awaits}");
    assert!(awaits.contains(r#"<li data-proposal="quiet" data-kind="object">"#), "{awaits}");
    assert!(awaits.contains(r#"<li data-proposal="fund" data-kind="vote">"#), "{awaits}");
    assert_eq!(awaits.matches("<time datetime=").count(), 4, "{awaits}");
    assert!(awaits.contains("Amendment to own, which your state sponsors or co-sponsors"), "{awaits}");
    assert!(awaits.contains(r##"<a href="#ballot-quiet">"##), "a link to the ballot's forms: {awaits}");
    // Every act on each ballot: withdraw its own proposal (with a
    // confirmation that is not part of the body), dissociate, withdraw the
    // co-sponsorship it gave (and no second co-sponsorship).
    assert!(html.contains(
        r#"<form data-act="proposal.withdraw" class="desk-act"><input type="hidden" name="proposal" value="own"><div class="field"><input type="checkbox" id="proposal-withdraw-own" required disabled>"#
    ), "{html}");
    assert!(html.contains(
        r#"<form data-act="silence.dissociate" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(html.contains(r#"<label for="dissociate-quiet">"#) && html.contains(r#"name="reason""#));
    assert!(html.contains(
        r#"<form data-act="proposal.withdraw-cosponsor" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(!html.contains(
        r#"<form data-act="proposal.cosponsor" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(!html.contains(
        r#"data-act="proposal.withdraw" class="desk-act"><input type="hidden" name="proposal" value="fund">"#
    ));
    // Tabling takes an optional action, as JSON (`accord propose --action`).
    assert!(
        html.contains(r#"<textarea id="propose-action" name="action" rows="3" data-kind="json" data-optional"#),
        "{html}"
    );
    // Its name and names by language, filled in with what the log says.
    let rename = part(&html, r#"<form data-act="member.rename""#, "</form>");
    assert!(rename.contains(r#"name="name" maxlength="200" value="State 2" required disabled"#), "{rename}");
    for lang in ["ar", "zh", "en", "fr", "ru", "es"] {
        let field = format!(r#"name="names.{lang}" data-map="names" data-key="{lang}""#);
        assert!(rename.contains(&field), "{lang}: {rename}");
    }
    // A note, and the key's replacement with its warning.
    assert!(html.contains(r#"<form data-act="note.publish" class="desk-act">"#));
    assert!(html.contains(r#"<textarea id="note-text" name="text" rows="3" maxlength="4096" required disabled"#));
    let rotate = part(&html, r#"<form data-act="member.key.rotate""#, "</form>");
    assert!(rotate.contains(r#"<button type="button" id="rotate-generate""#), "{rotate}");
    assert!(rotate.contains(r#"download="M002.key""#), "{rotate}");
    assert!(rotate.contains("the old key stops working everywhere"), "{rotate}");
    assert!(rotate.contains(r#"<input type="checkbox" id="rotate-saved" required disabled>"#), "{rotate}");
    // The recent acts, newest first, each linked to its entry.
    let recent = part(&html, r#"<ul id="desk-recent""#, "</ul>");
    let c = recent.find(&format!(r#"href="/entries/{cosponsored}""#)).unwrap_or_else(|| panic!("{recent}"));
    let t = recent.find(&format!(r#"href="/entries/{tabled}""#)).unwrap_or_else(|| panic!("{recent}"));
    assert!(c < t, "newest first: {recent}");
    assert!(recent.contains("(proposal.cosponsor)") && recent.contains("(proposal.submit)"), "{recent}");
    let forms = html.matches("<form data-act=").count();
    assert_eq!(html.matches(r#"<div class="act-result" role="status" aria-live="polite">"#).count(), forms);

    // The bodies these forms make are the acts the node takes.
    append(&server, &mut body, 2, "silence.dissociate", json!({"proposal": "quiet", "reason": "We stand apart."}));
    append(&server, &mut body, 2, "proposal.withdraw-cosponsor", json!({"proposal": "quiet"}));
    append(&server, &mut body, 2, "proposal.withdraw", json!({"proposal": "own"}));
    append(&server, &mut body, 2, "note.publish", json!({"text": "A note from the desk."}));
    append(&server, &mut body, 2, "member.rename", json!({"name": "State Two", "names": {"fr": "État deux"}}));
    let html = desk(&server, Some(&cookie));
    let awaits = part(&html, r#"<ol id="desk-awaits""#, "</ol>");
    assert!(!awaits.contains(r#"data-proposal="own"#), "withdrawn, with its amendment: {awaits}");
    assert!(!html.contains(r#"data-act="silence.dissociate""#), "dissociated once: {html}");
    assert!(html.contains(
        r#"<form data-act="proposal.cosponsor" class="desk-act"><input type="hidden" name="proposal" value="quiet">"#
    ));
    assert!(part(&html, r#"<ul id="desk-recent""#, "</ul>").contains("(note.publish)"));
    let rename = part(&html, r#"<form data-act="member.rename""#, "</form>");
    assert!(rename.contains(r#"value="State Two""#) && rename.contains(r#"value="État deux""#), "{rename}");

    // In Arabic, the same list under its Arabic heading.
    let r = client().get(format!("{}/desk?lang=ar", server.url)).header("cookie", &cookie).send().unwrap();
    let html = r.text().unwrap();
    assert!(html.contains("ما ينتظر دولتك"), "{html}");
    assert!(html.contains(r#"<ol id="desk-awaits""#));
}
