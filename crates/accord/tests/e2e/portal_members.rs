//! The portal: members pages, over HTTP against the real binary.

use crate::common::{client, now, Body, Server};
use serde_json::json;

fn page(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(ct, "text/html; charset=utf-8", "GET {path}");
    (status, r.text().unwrap())
}

fn append(server: &Server, body: &mut Body, who: usize, kind: &str, b: serde_json::Value) -> u64 {
    let note = body.members[who].sign(kind, b);
    let r = server.post_statement(&note);
    assert_eq!(r.status().as_u16(), 201, "{kind}");
    r.json::<serde_json::Value>().unwrap()["index"].as_u64().unwrap()
}

#[test]
fn members_list_and_member_page_show_keys_votes_and_statements() {
    let mut body = Body::found(3);
    let server = body.serve();
    let note_at = append(&server, &mut body, 1, "note.publish", json!({"text": "Hello from State 1"}));
    let closes = accord_core::Timestamp(now().0 + 7_200_000).to_rfc3339();
    append(
        &server,
        &mut body,
        0,
        "proposal.submit",
        json!({"id": "p-one", "title": "One", "text": "Decide.", "question": "ordinary", "procedure": "vote", "closes": closes}),
    );
    let vote_at = append(
        &server,
        &mut body,
        1,
        "vote.cast",
        json!({"proposal": "p-one", "vote": "no", "explanation": "Not <yet>."}),
    );
    server.wait_checkpoint(vote_at + 1);

    let (status, list) = page(&server, "/members");
    assert_eq!(status, 200);
    for i in 0..3 {
        assert!(list.contains(&format!("<a href=\"/members/M00{i}\"><code>M00{i}</code></a>")), "{list}");
        assert!(list.contains(&format!("<td data-label=\"Name\"><bdi>State {i}</bdi></td>")), "{list}");
        assert!(list.contains("<table id=\"members\" class=\"cards\">"), "a card per member on a phone: {list}");
    }
    assert!(list.contains("<caption>"), "{list}");
    assert!(list.contains("href=\"/members/secretariat\""), "the secretariat is named apart: {list}");

    let (status, m1) = page(&server, "/members/M001");
    assert_eq!(status, 200);
    assert!(m1.contains("<h1><bdi>State 1</bdi> <small><code>M001</code></small></h1>"), "{m1}");
    let vkey =
        server.get("/api/v1/members/M001").json::<serde_json::Value>().unwrap()["vkey"].as_str().unwrap().to_string();
    assert!(m1.contains(&vkey), "the current key is shown: {m1}");
    // Votes cast, with the explanation escaped, and both statements.
    assert!(m1.contains("<a href=\"/proposals/p-one\"><code>p-one</code></a>"), "{m1}");
    assert!(m1.contains("<span class=\"vote-no\">no</span>"), "{m1}");
    assert!(m1.contains("Not &lt;yet&gt;."), "{m1}");
    for (i, kind) in [(vote_at, "vote.cast"), (note_at, "note.publish")] {
        assert!(m1.contains(&format!("href=\"/entries/{i}\"")), "entry {i}: {m1}");
        assert!(m1.contains(&format!("<code>{kind}</code>")), "{kind}: {m1}");
    }
    let newest = m1.find(&format!("/entries/{vote_at}\"")).unwrap();
    let older = m1.rfind(&format!("/entries/{note_at}\"")).unwrap();
    assert!(newest < older, "newest statement first");

    // Paging by log index: before the vote only the note remains.
    let (_, older_page) = page(&server, &format!("/members/M001?before={vote_at}"));
    assert!(older_page.contains(&format!("href=\"/entries/{note_at}\"")));
    assert!(!older_page.contains("<code>vote.cast</code>"), "{older_page}");

    // In Russian and Arabic.
    let (_, ru) = page(&server, "/members/M001?lang=ru");
    assert!(ru.contains("<html lang=\"ru\" dir=\"ltr\">") && ru.contains("Поданные голоса"), "{ru}");
    let (_, ar) = page(&server, "/members?lang=ar");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">") && ar.contains("الأعضاء"), "{ar}");

    // Unknown and malformed ids, bad paging: HTML error pages, no 500.
    for (path, want) in [
        ("/members/ZZZ", 404),
        ("/members/not%20an%20id", 404),
        ("/members/M001?before=x", 400),
        ("/members/M001?before=-3", 400),
    ] {
        let (status, html) = page(&server, path);
        assert_eq!(status, want, "{path}: {html}");
        assert!(html.contains("role=\"alert\""), "{path}: {html}");
    }
    let r = client()
        .get(format!("{}/members/M001", server.url))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .unwrap();
    assert!(r.text().unwrap().contains("<html lang=\"zh\" dir=\"ltr\">"));

    // Pages are kept only while the log does not grow: a new statement
    // shows at once, in every language already rendered.
    let (_, before) = page(&server, "/members/M002");
    assert!(before.contains("No statement yet."), "{before}");
    let (_, _) = page(&server, "/members/M002?lang=ru");
    let fresh = append(&server, &mut body, 2, "note.publish", json!({"text": "Fresh"}));
    for path in ["/members/M002", "/members/M002?lang=ru"] {
        let (_, after) = page(&server, path);
        assert!(after.contains(&format!("href=\"/entries/{fresh}\"")), "{path}: {after}");
    }

    // A commit drops only the pages that show what it touched: M002's note
    // leaves M001's page and the code kept, and drops the log's (pages
    // without a relative deadline, which would tie them to the minute).
    let counts = || {
        let m = server.get("/metrics").text().unwrap();
        let read =
            |name: &str| m.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).unwrap().parse::<u64>().unwrap();
        (read("accord_portal_pages_kept_served_total"), read("accord_portal_pages_rendered_total"))
    };
    for path in ["/members/M001", "/code", "/log"] {
        page(&server, path);
    }
    append(&server, &mut body, 2, "note.publish", json!({"text": "Unrelated to M001"}));
    let (kept0, rendered0) = counts();
    page(&server, "/members/M001");
    page(&server, "/code");
    assert_eq!(counts(), (kept0 + 2, rendered0), "M001's page and the code stay kept");
    let (_, log) = page(&server, "/log");
    assert!(log.contains("Unrelated to M001") || log.contains("note.publish"), "{log}");
    assert_eq!(counts(), (kept0 + 2, rendered0 + 1), "the log's page is rendered again");
}
