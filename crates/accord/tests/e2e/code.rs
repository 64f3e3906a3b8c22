//! The Code end to end, with the real binary: a document established by
//! an adopted `code.establish`, amended by a recorded vote into Rev.1 (its
//! diff, subscribers, Markdown and HTML exports, and `accord audit`
//! recomputing every version's hash — and failing on a doctored one),
//! competing amendments voted in order (the later one moot), an amendment
//! to a deleted article refused, Arabic and Chinese text kept byte for
//! byte, a translation adopted by the silence procedure, and bad input
//! refused with problem bodies and nothing appended.

use crate::common::*;
use accord_core::Timestamp;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Recorded votes may be short; silence lasts at least 2 s.
const RULES: &str = "[rules]\nmin_vote_seconds = 0\nmin_silence_seconds = 2\nsilence_vote_seconds = 6\n";

const AR_PREAMBLE: &str = "إنّ الدول الأعضاء، إذ تؤكّد أنّ تكنولوجيا المعلومات والاتصالات تُستخدم لأغراض سلمية؛";
const ZH_PREAMBLE: &str = "会员国强调，信息和通信技术应用于和平目的；𠀀（扩展汉字）";
const AR_REWORD: &str = "أن تمتثل لميثاق الأمم المتحدة — «نصّ مُعدَّل» ١٢٣";

/// A body of `n` members founded with [`RULES`].
fn found(n: usize) -> Body {
    Body::found_with(n, RULES)
}

/// The founding text: a preamble and three pledges in Arabic, Chinese,
/// English and French. Pledge b's English has markup characters that the
/// exports must escape.
pub(crate) fn iccis() -> Value {
    let article = |id: &str, kind: &str, texts: [&str; 4]| {
        let [en, fr, ar, zh] = texts;
        json!({ "id": id, "kind": kind, "texts": { "ar": ar, "en": en, "fr": fr, "zh": zh }, "norms": [] })
    };
    json!({
        "id": "ICCIS",
        "title": {
            "en": "International code of conduct for information security",
            "fr": "Code de conduite international pour la sécurité de l'information",
        },
        "label": "A/66/359 (2011)",
        "articles": [
            article("ICCIS-2011/preamble", "preamble", [
                "The member states, stressing that ICTs serve peaceful purposes;",
                "Les États membres, soulignant que les TIC servent des fins pacifiques ;",
                AR_PREAMBLE,
                ZH_PREAMBLE,
            ]),
            article("ICCIS-2011/a", "pledge", [
                "To comply with the Charter of the United Nations.",
                "Respecter la Charte des Nations Unies.",
                "أن تمتثل لميثاق الأمم المتحدة.",
                "遵守《联合国宪章》。",
            ]),
            article("ICCIS-2011/b", "pledge", [
                "Not to use ICTs <script>alert(1)</script> & \"other\" means to carry out hostile activities.",
                "Ne pas utiliser les TIC pour mener des activités hostiles.",
                "ألا تستخدم تكنولوجيا المعلومات للقيام بأنشطة عدائية.",
                "不利用信息通信技术从事敌对活动。",
            ]),
            article("ICCIS-2011/c", "pledge", [
                "To cooperate in combating criminal and terrorist activities.",
                "Coopérer pour lutter contre les activités criminelles et terroristes.",
                "أن تتعاون في مكافحة الأنشطة الإجرامية والإرهابية.",
                "合作打击犯罪和恐怖活动。",
            ]),
        ],
    })
}

/// `closes` for a ballot `secs` seconds from now.
fn closes_in(secs: i64) -> String {
    Timestamp::from_millis(now().millis() + secs * 1000).to_rfc3339()
}

fn post(server: &Server, m: &mut Member, kind: &str, body: Value) -> reqwest::blocking::Response {
    let note = m.sign(kind, body);
    server.post_statement(&note)
}

/// Posts and expects it appended; returns its index.
pub(crate) fn appended(server: &Server, m: &mut Member, kind: &str, body: Value) -> u64 {
    let r = post(server, m, kind, body.clone());
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    assert_eq!(status, 201, "{kind} {body}: {text}");
    serde_json::from_str::<Value>(&text).unwrap()["index"].as_u64().unwrap()
}

fn propose(
    server: &Server,
    m: &mut Member,
    id: &str,
    procedure: &str,
    question: &str,
    secs: i64,
    action: Value,
) -> reqwest::blocking::Response {
    let body = json!({
        "id": id,
        "title": format!("Proposal {id}"),
        "text": format!("The body decides as {id} says."),
        "question": question,
        "procedure": procedure,
        "closes": closes_in(secs),
        "action": action,
    });
    post(server, m, "proposal.submit", body)
}

fn get_json(server: &Server, path: &str) -> Value {
    let r = server.get(path);
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    assert_eq!(status, 200, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn get_text(server: &Server, path: &str, content_type: &str) -> String {
    let r = server.get(path);
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    assert_eq!(r.headers()["content-type"].to_str().unwrap(), content_type, "GET {path}");
    r.text().unwrap()
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// Polls until the proposal is decided; at most 15 s after its deadline.
/// The node ticks the clock itself when a deadline passes; should it not
/// have within 2 s, a note from `nudge` closes the ballot.
fn wait_decided(server: &Server, id: &str, nudge: &mut Member) -> Value {
    let p = get_json(server, &format!("/api/v1/proposals/{id}"));
    let closes_ms = Timestamp::parse_rfc3339(p["closes"].as_str().unwrap()).unwrap().millis();
    assert!(closes_ms - wall_ms() < 60_000, "deadline of {id} is too far away for a test");
    let give_up = Instant::now() + Duration::from_millis((closes_ms - wall_ms()).max(0) as u64 + 15_000);
    let mut nudged = false;
    loop {
        let p = get_json(server, &format!("/api/v1/proposals/{id}"));
        let status = p["status"].as_str().unwrap().to_string();
        if status != "open" && status != "voting" {
            return p;
        }
        assert!(Instant::now() < give_up, "{id} still {status} 15 s after its deadline: {p}");
        if !nudged && wall_ms() > closes_ms + 2000 {
            eprintln!("note: no clock tick closed {id} within 2 s of its deadline; nudging with a statement");
            appended(server, nudge, "note.publish", json!({ "text": "nudge" }));
            nudged = true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every member votes yes on `id`.
fn all_vote_yes(server: &Server, body: &mut Body, id: &str) {
    for m in body.members.iter_mut() {
        appended(server, m, "vote.cast", json!({ "proposal": id, "vote": "yes" }));
    }
}

/// Establishes `document` by an adopted `code.establish`; returns the
/// proposal's submission index.
pub(crate) fn establish(server: &Server, body: &mut Body, document: Value) -> u64 {
    let id = format!("establish-{}", document["id"].as_str().unwrap().to_lowercase());
    let action = json!({ "type": "code.establish", "document": document });
    let r = propose(server, &mut body.members[0], &id, "vote", "important", 4, action);
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    assert_eq!(status, 201, "{text}");
    let index = serde_json::from_str::<Value>(&text).unwrap()["index"].as_u64().unwrap();
    all_vote_yes(server, body, &id);
    let p = wait_decided(server, &id, &mut body.members[0]);
    assert_eq!(p["status"], "adopted", "{p}");
    assert_eq!(p["action_result"], format!("applied: {} version 1", document["id"].as_str().unwrap()), "{p}");
    index
}

fn published_size(server: &Server) -> u64 {
    server.get("/log/checkpoint").text().unwrap().lines().nth(1).unwrap().parse().unwrap()
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

fn audit(body: &Body, server: &Server) -> (i32, String, String) {
    let out = accord()
        .args(["audit", &server.url, "--log-key", &body.log_vkey, "--state"])
        .arg(body.dir.path().join("audit.json"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn article<'a>(version: &'a Value, id: &str) -> &'a Value {
    version["articles"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap_or_else(|| panic!("{id}"))
}

fn texts_of(version: &Value, id: &str, lang: &str) -> String {
    article(version, id)["texts"][lang].as_str().unwrap_or_else(|| panic!("{id} [{lang}] in {version}")).to_string()
}

const REWORDED_B: &str = "Not to use ICTs, including networks, to carry out hostile activities or acts of aggression.";

#[test]
fn an_amendment_adopted_by_vote_makes_rev_1_with_its_diff_subscribers_exports_and_audit() {
    let mut body = found(3);
    let server = body.serve();
    establish(&server, &mut body, iccis());

    let list = get_json(&server, "/api/v1/documents");
    assert_eq!(list["documents"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["documents"][0]["id"], "ICCIS", "{list}");
    assert_eq!(list["documents"][0]["versions"], json!([1]), "{list}");
    assert_eq!(list["documents"][0]["title"]["fr"], iccis()["title"]["fr"], "{list}");
    let v1 = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    assert_eq!(v1["label"], "A/66/359 (2011)");
    assert_eq!(v1["proposal"], "establish-iccis");
    assert_eq!(v1["official_languages"], json!(["ar", "en", "fr", "zh"]), "{v1}");
    let v1_hash = v1["hash"].as_str().unwrap().to_string();
    assert!(v1_hash.len() == 64 && v1_hash.bytes().all(|b| b.is_ascii_hexdigit()), "{v1}");

    // M001 subscribes to version 1.
    let sub_at =
        appended(&server, &mut body.members[1], "code.subscribe", json!({ "document": "ICCIS", "version": 1 }));

    // An amendment to pledge b, by a recorded vote.
    let action = json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
        { "op": "reword", "id": "ICCIS-2011/b", "lang": "en", "text": REWORDED_B },
    ]});
    let r = propose(&server, &mut body.members[0], "amend-b", "vote", "important", 4, action);
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
    all_vote_yes(&server, &mut body, "amend-b");
    let p = wait_decided(&server, "amend-b", &mut body.members[2]);
    assert_eq!(p["status"], "adopted", "{p}");
    assert_eq!(p["action_result"], "applied: ICCIS version 2", "{p}");

    let list = get_json(&server, "/api/v1/documents");
    assert_eq!(list["documents"][0]["versions"], json!([1, 2]), "{list}");
    let v2 = get_json(&server, "/api/v1/documents/ICCIS/versions/2");
    assert_eq!(v2["document"], "ICCIS");
    assert_eq!(v2["number"], 2);
    assert_eq!(v2["label"], "Rev.1", "{v2}");
    assert_eq!(v2["proposal"], "amend-b", "{v2}");
    assert_eq!(v2["adopted_at"], p["closed_at"], "{v2}");
    assert_eq!(v2["adopted_time"], p["closes"], "{v2}");
    assert_eq!(texts_of(&v2, "ICCIS-2011/b", "en"), REWORDED_B);
    assert_eq!(texts_of(&v2, "ICCIS-2011/b", "fr"), texts_of(&v1, "ICCIS-2011/b", "fr"));
    assert_eq!(article(&v2, "ICCIS-2011/b")["kind"], "pledge");
    assert_eq!(article(&v2, "ICCIS-2011/b")["norms"], json!([]));
    assert_ne!(v2["hash"], v1["hash"]);
    // Version 1 is unchanged.
    assert_eq!(get_json(&server, "/api/v1/documents/ICCIS/versions/1")["hash"], v1_hash.as_str());

    // The diff: pledge b's English changed, nothing else.
    let d = get_json(&server, "/api/v1/documents/ICCIS/diff?from=1&to=2");
    assert_eq!((d["document"].as_str(), d["from"].as_u64(), d["to"].as_u64()), (Some("ICCIS"), Some(1), Some(2)));
    let arts = d["articles"].as_array().unwrap();
    let ids: Vec<&str> = arts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ICCIS-2011/preamble", "ICCIS-2011/a", "ICCIS-2011/b", "ICCIS-2011/c"], "{d}");
    for a in arts {
        if a["id"] == "ICCIS-2011/b" {
            assert_eq!(a["change"], "changed", "{d}");
            assert_eq!(a["texts"]["en"]["from"], article(&v1, "ICCIS-2011/b")["texts"]["en"], "{d}");
            assert_eq!(a["texts"]["en"]["to"], REWORDED_B, "{d}");
            assert_eq!(a["texts"].as_object().unwrap().len(), 1, "{d}");
        } else {
            assert_eq!(a["change"], "unchanged", "{d}");
        }
    }

    // M001 is shown subscribed to version 1, not 2.
    let subs = get_json(&server, "/api/v1/documents/ICCIS/subscriptions");
    assert_eq!(subs["subscriptions"].as_array().unwrap().len(), 1, "{subs}");
    assert_eq!(subs["subscriptions"][0]["member"], "M001");
    assert_eq!(subs["subscriptions"][0]["version"], 1);
    assert_eq!(subs["subscriptions"][0]["index"], sub_at);
    let v1 = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    assert_eq!(v1["subscribers"].as_array().unwrap().len(), 1, "{v1}");
    assert_eq!(v1["subscribers"][0]["member"], "M001", "{v1}");
    assert_eq!(v1["subscribers"][0]["index"], sub_at, "{v1}");
    assert_eq!(v2["subscribers"], json!([]), "{v2}");

    // Exports. Markdown: every article id, escaped text.
    let md = get_text(&server, "/api/v1/documents/ICCIS/versions/2/export.md", "text/markdown; charset=utf-8");
    for a in v2["articles"].as_array().unwrap() {
        assert!(md.contains(a["id"].as_str().unwrap()), "{md}");
    }
    assert!(md.contains("Rev.1") && md.contains(v2["hash"].as_str().unwrap()), "{md}");
    assert!(md.contains(AR_PREAMBLE) && md.contains(ZH_PREAMBLE), "{md}");
    let md_v1 = get_text(&server, "/api/v1/documents/ICCIS/versions/1/export.md", "text/markdown; charset=utf-8");
    assert!(md_v1.contains(r"\<script\>") && !md_v1.contains("<script>"), "{md_v1}");
    let md_fr =
        get_text(&server, "/api/v1/documents/ICCIS/versions/1/export.md?lang=fr", "text/markdown; charset=utf-8");
    assert!(md_fr.contains("Respecter la Charte") && !md_fr.contains("To comply"), "{md_fr}");
    // A one-language export is labelled in that language; of several, in English.
    for label in ["- Document : `ICCIS`, version 1", "- Adoptée : entrée ", "- Langues : fr", "- Empreinte (SHA-256"]
    {
        assert!(md_fr.contains(label), "{label:?} in {md_fr}");
    }
    for english in ["Adopted", "Languages", "Hash", "log entry", "(preamble)", "Related norms"] {
        assert!(!md_fr.contains(english), "{english:?} in {md_fr}");
    }
    assert!(md_v1.contains("- Adopted: log entry ") && md_v1.contains("(Preamble)"), "{md_v1}");

    // HTML: a standalone page, Arabic right to left, everything escaped.
    let html_type = "text/html; charset=utf-8";
    let r = server.get("/api/v1/documents/ICCIS/versions/1/export.html");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let page = get_text(&server, "/api/v1/documents/ICCIS/versions/1/export.html", html_type);
    assert!(page.starts_with("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">"), "{page}");
    assert!(page.contains("<meta charset=\"utf-8\">"), "{page}");
    assert!(page.contains("<title>International code of conduct for information security — A/66/359 (2011)</title>"));
    assert!(
        page.contains(&format!(
            "<div class=\"text\" lang=\"ar\" dir=\"rtl\"><span class=\"lang\">ar</span> {AR_PREAMBLE}</div>"
        )),
        "{page}"
    );
    assert!(page.contains("lang=\"zh\" dir=\"ltr\""), "{page}");
    assert!(page.contains(ZH_PREAMBLE), "{page}");
    for a in v1["articles"].as_array().unwrap() {
        assert!(page.contains(&format!("<article id=\"{}\">", a["id"].as_str().unwrap())), "{page}");
    }
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;other&quot;"), "{page}");
    assert_eq!(page.matches("<article ").count(), 4);
    assert_eq!(page.matches("</article>").count(), 4);
    assert!(page.contains(&v1_hash) && page.trim_end().ends_with("</html>"), "{page}");
    let page = get_text(&server, "/api/v1/documents/ICCIS/versions/2/export.html?lang=ar", html_type);
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("Rev.1") && page.contains("<span class=\"lang\">ar</span>"), "{page}");
    assert!(!page.contains("<span class=\"lang\">en</span>"), "{page}");
    assert!(page.contains("<p>اعتُمدت: القيد ") && page.contains("<span class=\"kind\">الديباجة</span>"), "{page}");
    assert!(!page.contains("Adopted") && !page.contains("Languages:"), "{page}");

    // The auditor recomputes every version's hash.
    let (code, out, err) = audit(&body, &server);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("documents:   1 (ICCIS: 2 versions, latest Rev.1)"), "{out}");
    assert!(out.contains("1 document and 2 versions whole, each hash computed from the text served"), "{out}");

    // A doctored projection (one word of version 1) is caught, naming it.
    let db = rusqlite::Connection::open(body.data().join("accord.db")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let n = db
        .execute(
            "UPDATE p_versions SET doc = replace(doc, 'Respecter la Charte', 'Ignorer la Charte') \
             WHERE document = 'ICCIS' AND number = 1",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(db);
    let (code, out, err) = audit(&body, &server);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("document ICCIS version 1"), "{err}");
}

#[test]
fn competing_amendments_are_voted_in_order_and_an_amendment_to_a_deleted_article_is_refused() {
    let mut body = found(3);
    let mut server = body.serve();
    let submitted = establish(&server, &mut body, iccis());

    // Arabic and Chinese went through the statement and the log byte for
    // byte, and come back so from the API.
    let entry = get_json(&server, &format!("/api/v1/entries/{submitted}"));
    let arts = &entry["statement"]["body"]["action"]["document"]["articles"];
    assert_eq!(arts[0]["texts"]["ar"], AR_PREAMBLE);
    assert_eq!(arts[0]["texts"]["zh"], ZH_PREAMBLE);
    let raw = entry["entry"].as_str().unwrap();
    assert!(raw.contains(AR_PREAMBLE) && raw.contains(ZH_PREAMBLE), "{raw}");
    let v1 = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    assert_eq!(texts_of(&v1, "ICCIS-2011/preamble", "ar").as_bytes(), AR_PREAMBLE.as_bytes());
    assert_eq!(texts_of(&v1, "ICCIS-2011/preamble", "zh").as_bytes(), ZH_PREAMBLE.as_bytes());

    // Two amendments touching pledge c: the first to close deletes it (and
    // rewords pledge a in Arabic), the second rewords it.
    let delete = json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
        { "op": "delete", "id": "ICCIS-2011/c" },
        { "op": "reword", "id": "ICCIS-2011/a", "lang": "ar", "text": AR_REWORD },
    ]});
    let reword = json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
        { "op": "reword", "id": "ICCIS-2011/c", "lang": "en", "text": "To cooperate closely." },
    ]});
    let r = propose(&server, &mut body.members[0], "delete-c", "vote", "important", 4, delete);
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
    let r = propose(&server, &mut body.members[1], "reword-c", "vote", "important", 30, reword);
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());

    // The later one is not voted while the first is undecided.
    let r = post(&server, &mut body.members[2], "vote.cast", json!({ "proposal": "reword-c", "vote": "yes" }));
    let p = assert_problem(r, 422, "refused-by-rules");
    assert!(p["detail"].as_str().unwrap().contains("delete-c"), "{p}");

    all_vote_yes(&server, &mut body, "delete-c");
    let p = wait_decided(&server, "delete-c", &mut body.members[2]);
    assert_eq!(p["status"], "adopted", "{p}");
    let moot = get_json(&server, "/api/v1/proposals/reword-c");
    assert_eq!(moot["status"], "moot", "{moot}");
    assert_eq!(moot["closed_at"], p["closed_at"], "{moot}");
    let r = post(&server, &mut body.members[2], "vote.cast", json!({ "proposal": "reword-c", "vote": "yes" }));
    assert_problem(r, 422, "ballot-closed");

    // Version 2 has no pledge c; pledge a's Arabic is exactly as sent.
    let v2 = get_json(&server, "/api/v1/documents/ICCIS/versions/2");
    assert_eq!(v2["articles"].as_array().unwrap().len(), 3, "{v2}");
    assert_eq!(texts_of(&v2, "ICCIS-2011/a", "ar").as_bytes(), AR_REWORD.as_bytes());
    let d = get_json(&server, "/api/v1/documents/ICCIS/diff?from=1&to=2");
    let changes: Vec<(&str, &str)> = d["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            ("ICCIS-2011/preamble", "unchanged"),
            ("ICCIS-2011/a", "changed"),
            ("ICCIS-2011/b", "unchanged"),
            ("ICCIS-2011/c", "removed")
        ],
        "{d}"
    );
    assert_eq!(d["articles"][1]["texts"]["ar"]["to"], AR_REWORD, "{d}");
    assert_eq!(d["articles"][3]["texts"]["en"]["from"], article(&v1, "ICCIS-2011/c")["texts"]["en"], "{d}");

    // An amendment to the deleted pledge is refused; so is one on a base
    // that is no longer the latest.
    let size = settled_size(&server);
    let again = json!({ "type": "code.amend", "document": "ICCIS", "base": 2, "changes": [
        { "op": "reword", "id": "ICCIS-2011/c", "lang": "en", "text": "To cooperate." },
    ]});
    let r = propose(&server, &mut body.members[1], "reword-c-again", "vote", "important", 30, again);
    let p = assert_problem(r, 422, "refused-by-rules");
    assert!(p["detail"].as_str().unwrap().contains("ICCIS-2011/c does not exist"), "{p}");
    let stale = json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
        { "op": "reword", "id": "ICCIS-2011/b", "lang": "en", "text": "Stale." },
    ]});
    let r = propose(&server, &mut body.members[1], "stale-base", "vote", "important", 30, stale);
    assert_problem(r, 422, "refused-by-rules");
    assert_eq!(settled_size(&server), size);

    // Subscriptions: a later one replaces the earlier; one is withdrawn.
    appended(&server, &mut body.members[2], "code.subscribe", json!({ "document": "ICCIS", "version": 1 }));
    let at = appended(&server, &mut body.members[2], "code.subscribe", json!({ "document": "ICCIS", "version": 2 }));
    appended(&server, &mut body.members[1], "code.subscribe", json!({ "document": "ICCIS", "version": 2 }));
    appended(&server, &mut body.members[1], "code.unsubscribe", json!({ "document": "ICCIS" }));
    let subs = get_json(&server, "/api/v1/documents/ICCIS/subscriptions");
    let subs = subs["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!((subs[0]["member"].as_str(), subs[0]["version"].as_u64()), (Some("M002"), Some(2)));
    assert_eq!(subs[0]["index"], at);

    let (code, out, err) = audit(&body, &server);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ICCIS: 2 versions, latest Rev.1"), "{out}");

    // The projections of the Code refold identically from the log.
    let before =
        (get_json(&server, "/api/v1/documents/ICCIS"), get_json(&server, "/api/v1/documents/ICCIS/subscriptions"));
    server.stop();
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("projections identical"), "{text}");
    let server = body.serve();
    let after =
        (get_json(&server, "/api/v1/documents/ICCIS"), get_json(&server, "/api/v1/documents/ICCIS/subscriptions"));
    assert_eq!(after, before);
}

#[test]
fn a_translation_adopted_by_silence_adds_an_official_language() {
    let mut body = found(3);
    let server = body.serve();
    establish(&server, &mut body, iccis());
    let v1 = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    let ids: Vec<String> =
        v1["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    let translate = |article: &str, lang: &str, text: &str| {
        json!({
            "type": "code.translate", "document": "ICCIS", "version": 1,
            "article": article, "lang": lang, "text": text,
        })
    };

    // Only by silence; only a language the article does not have.
    let r = propose(
        &server,
        &mut body.members[0],
        "ru-by-vote",
        "vote",
        "ordinary",
        30,
        translate(&ids[0], "ru", "Текст."),
    );
    let p = assert_problem(r, 422, "refused-by-rules");
    assert!(p["detail"].as_str().unwrap().contains("silence"), "{p}");
    let r = propose(
        &server,
        &mut body.members[0],
        "fr-again",
        "silence",
        "ordinary",
        30,
        translate(&ids[0], "fr", "Texte."),
    );
    assert_problem(r, 422, "refused-by-rules");

    // Russian for the first three articles: the language is not official
    // until every article has it.
    let russian = |i: usize| format!("Русский текст статьи {i}.");
    for (i, id) in ids.iter().enumerate().take(3) {
        let r = propose(
            &server,
            &mut body.members[0],
            &format!("ru-{i}"),
            "silence",
            "ordinary",
            4,
            translate(id, "ru", &russian(i)),
        );
        assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
    }
    for i in 0..3 {
        let p = wait_decided(&server, &format!("ru-{i}"), &mut body.members[1]);
        assert_eq!((p["status"].as_str(), p["adopted_by"].as_str()), (Some("adopted"), Some("consensus")), "{p}");
    }
    let v = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    // Version 1 as adopted never changes: each translation is an addendum
    // with its own hash, its entry and its proposal.
    assert_eq!(v["hash"], v1["hash"], "a translation changed the version's hash");
    assert_eq!(v["articles"], v1["articles"], "a translation changed the version's text");
    let addenda = v["addenda"].as_array().unwrap();
    assert_eq!(addenda.len(), 3, "{v}");
    for (i, a) in addenda.iter().enumerate() {
        assert_eq!((a["kind"].as_str(), a["lang"].as_str()), (Some("translation"), Some("ru")), "{a}");
        assert_eq!(a["article"], ids[i].as_str());
        assert_eq!(a["text"], russian(i));
        assert_eq!(a["proposal"], format!("ru-{i}"));
        assert!(a["hash"].as_str().is_some_and(|h| h.len() == 64), "{a}");
    }
    assert_eq!(v["official_languages"], json!(["ar", "en", "fr", "zh"]), "{v}");

    let r =
        propose(&server, &mut body.members[0], "ru-3", "silence", "ordinary", 4, translate(&ids[3], "ru", &russian(3)));
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
    let p = wait_decided(&server, "ru-3", &mut body.members[1]);
    assert_eq!(p["status"], "adopted", "{p}");
    let v = get_json(&server, "/api/v1/documents/ICCIS/versions/1");
    assert_eq!(v["official_languages"], json!(["ar", "en", "fr", "ru", "zh"]), "{v}");
    // No new version.
    assert_eq!(get_json(&server, "/api/v1/documents")["documents"][0]["versions"], json!([1]));
    let page = get_text(&server, "/api/v1/documents/ICCIS/versions/1/export.html", "text/html; charset=utf-8");
    assert!(page.contains("lang=\"ru\" dir=\"ltr\"") && page.contains(&russian(3)), "{page}");

    let (code, out, err) = audit(&body, &server);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ICCIS: 1 version, latest A/66/359 (2011)"), "{out}");
}

fn last_seqs(server: &Server, body: &Body) -> Vec<u64> {
    body.members
        .iter()
        .map(|m| get_json(server, &format!("/api/v1/members/{}", m.id))["last_seq"].as_u64().unwrap())
        .collect()
}

#[test]
fn bad_code_input_is_refused_with_problems_and_nothing_appended() {
    let mut body = found(3);
    let server = body.serve();
    establish(&server, &mut body, iccis());
    let size = settled_size(&server);
    let seqs = last_seqs(&server, &body);
    let hash = get_json(&server, "/api/v1/documents/ICCIS/versions/1")["hash"].clone();

    let reword = |id: &str, lang: &str, text: &str| {
        json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
            { "op": "reword", "id": id, "lang": lang, "text": text },
        ]})
    };
    let m = &mut body.members[0];
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (reword("ICCIS-2011/zz", "en", "Text."), 422, "refused-by-rules", "ICCIS-2011/zz"),
        (reword("ICCIS 2011 b", "en", "Text."), 400, "bad-body", "malformed"),
        (reword("ICCIS-2011/b", "en", ""), 400, "bad-body", "1–8000"),
        (reword("ICCIS-2011/b", "en", "   "), 400, "bad-body", "1–8000"),
        (reword("ICCIS-2011/b", "en", &"x".repeat(8_001)), 400, "bad-body", "8001"),
        (reword("ICCIS-2011/b", "EN", "Text."), 400, "bad-body", "language tag"),
        (reword("ICCIS-2011/b", "english", "Text."), 400, "bad-body", "language tag"),
        (
            json!({ "type": "code.amend", "document": "NOPE", "base": 1, "changes": [
                { "op": "delete", "id": "ICCIS-2011/b" }]}),
            422,
            "refused-by-rules",
            "NOPE",
        ),
        (
            json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [
                { "op": "delete", "id": "ICCIS-2011/b" },
                { "op": "reword", "id": "ICCIS-2011/b", "lang": "en", "text": "T" }]}),
            400,
            "bad-body",
            "twice",
        ),
        (json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [] }), 400, "bad-body", "changes"),
    ];
    for (i, (action, status, code, detail)) in cases.into_iter().enumerate() {
        let r = propose(&server, m, &format!("bad-{i}"), "vote", "important", 30, action.clone());
        let p = assert_problem(r, status, code);
        assert!(p["detail"].as_str().unwrap().contains(detail), "case {i} {action}: {p}");
    }
    // An amendment of the Code is an important question.
    let r = propose(&server, m, "bad-ordinary", "vote", "ordinary", 30, reword("ICCIS-2011/b", "zh", "字"));
    let p = assert_problem(r, 422, "refused-by-rules");
    assert!(p["detail"].as_str().unwrap().contains("important"), "{p}");

    // Statements about documents.
    let statements: Vec<(&str, Value, u16, &str)> = vec![
        ("code.subscribe", json!({ "document": "NOPE", "version": 1 }), 422, "refused-by-rules"),
        ("code.subscribe", json!({ "document": "ICCIS", "version": 9 }), 422, "refused-by-rules"),
        ("code.subscribe", json!({ "document": "ICCIS", "version": 0 }), 400, "bad-body"),
        ("code.subscribe", json!({ "document": "iccis", "version": 1 }), 400, "bad-body"),
        ("code.subscribe", json!({ "document": "ICCIS", "version": 1, "extra": true }), 400, "bad-body"),
        ("code.unsubscribe", json!({ "document": "ICCIS" }), 422, "refused-by-rules"),
        (
            "code.norms",
            json!({ "document": "ICCIS", "article": "ICCIS-2011/a", "norms": ["UNGGE-2015/13a"] }),
            422,
            "refused-by-rules",
        ),
    ];
    for (kind, b, status, code) in statements {
        let r = post(&server, m, kind, b.clone());
        assert_problem(r, status, code);
    }

    // Nothing was appended.
    assert_eq!(settled_size(&server), size);
    assert_eq!(last_seqs(&server, &body), seqs);
    assert_eq!(get_json(&server, "/api/v1/documents/ICCIS/versions/1")["hash"], hash);

    // Reads: malformed parameters are 400, unknown things 404.
    for (path, status, code) in [
        ("/api/v1/documents/NOPE", 404, "not-found"),
        ("/api/v1/documents/iccis", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/0", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/x", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/-1", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/99999999999", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/9", 404, "not-found"),
        ("/api/v1/documents/NOPE/versions/1", 404, "not-found"),
        ("/api/v1/documents/ICCIS/versions/1/export.html?lang=EN", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/1/export.md?lang=english", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/versions/1/export.md?lang=ru", 404, "not-found"),
        ("/api/v1/documents/ICCIS/versions/9/export.md", 404, "not-found"),
        ("/api/v1/documents/ICCIS/diff?from=1", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/diff?from=x&to=1", 400, "bad-parameter"),
        ("/api/v1/documents/ICCIS/diff?from=1&to=9", 404, "not-found"),
        ("/api/v1/documents/NOPE/diff?from=1&to=1", 404, "not-found"),
        ("/api/v1/documents/NOPE/subscriptions", 404, "not-found"),
        ("/api/v1/documents/x/subscriptions", 400, "bad-parameter"),
    ] {
        let p = assert_problem(server.get(path), status, code);
        assert!(!p["detail"].as_str().unwrap().is_empty(), "{path}");
    }
    assert_eq!(get_json(&server, "/api/v1/documents/ICCIS/subscriptions"), json!({ "subscriptions": [] }));
    assert_eq!(get_json(&server, "/api/v1/documents/ICCIS/diff?from=1&to=1")["articles"].as_array().unwrap().len(), 4);
}
