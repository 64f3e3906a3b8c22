//! The portal's root zone registry (`/registry`, `/registry/{tld}`) over
//! HTTP against the real binary: a body with no registry says so; after
//! `accord zone import` of the real IANA root zone (1487 delegations) and
//! one delegation changed by vote, the registry page shows the serial,
//! the versions with the decision linked and every TLD, the TLD's page
//! shows its delegation and history, unknown or invalid TLDs get the
//! portal's 404 page, and none of these pages has English left in the
//! five other languages (the crawler's detectors, `portal_languages`: the
//! demo has no registry yet, so these pages are visited here).
//!
//! Needs the shared root zone at `../shared/data/rootzone/` (a skip
//! without it, a failure under CI=true), no DNS tools.

use crate::common::*;
use crate::portal_languages::{english_in, LANGS};
use crate::zone::root_zone_file;
use scraper::{Html, Selector};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The body's name in the six languages (`[names]` of the members file).
const NAMES: &str = "[names]\nar = \"هيئة الاختبار\"\nzh = \"测试机构\"\nen = \"Test body\"\nfr = \"Organe d’essai\"\nru = \"Испытательный орган\"\nes = \"Órgano de prueba\"\n";

fn page(server: &Server, path: &str) -> (u16, String) {
    let r = client().get(format!("{}{path}", server.url)).header("accept", "text/html").send().unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(ct, "text/html; charset=utf-8", "GET {path}");
    (status, r.text().unwrap())
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<Vec<_>>().join("")
}

/// `/api/v1/zone` once its newest version is the `n`th and recorded as published.
fn published_versions(server: &Server, n: usize) -> Value {
    let start = Instant::now();
    loop {
        let v: Value = server.get("/api/v1/zone").json().unwrap();
        if v["versions"].as_array().is_some_and(|a| a.len() == n) && v["versions"][0]["published"].is_object() {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "waited for version {n}, published: {v}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_registry_pages_show_the_root_zone_its_tlds_and_each_change_by_vote() {
    let Some(file) = root_zone_file() else { return };
    // Named in every language, as a real body is: the frame shows the name.
    let mut body = Body::found_with(3, NAMES);
    let server = body.serve();

    // No registry yet: the page says so.
    let (status, html) = page(&server, "/registry");
    assert_eq!(status, 200);
    assert!(html.contains("There is no registry yet"), "{html}");
    let doc = Html::parse_document(&html);
    let nav: Vec<_> = select(&doc, "nav.main a[aria-current=page]").iter().map(|a| a.value().attr("href")).collect();
    assert_eq!(nav, [Some("/registry")], "the registry is in the site navigation, current");

    let out = accord()
        .args(["zone", "import", "--server", &server.url, "--data"])
        .arg(body.data())
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "zone import: {}", String::from_utf8_lossy(&out.stderr));
    let v = published_versions(&server, 1);
    let first_serial = v["versions"][0]["serial"].as_u64().unwrap();

    // The page after the import (and kept by the page cache until a zone change).
    let (status, html) = page(&server, "/registry");
    assert_eq!(status, 200);
    let doc = Html::parse_document(&html);
    assert_eq!(text(&select(&doc, "#zone-serial")[0]), first_serial.to_string());
    assert_eq!(select(&doc, "#tlds tbody tr").len(), 1487, "every delegated TLD is listed");

    // aaa gets new name servers by vote.
    let change = json!({
        "id": "aaa-ns", "title": "New name servers for aaa", "text": "The registry of aaa moves to two new servers.",
        "question": "important", "procedure": "vote", "closes": accord_core::Timestamp(now().0 + 6_000).to_rfc3339(),
        "action": {"type": "zone.change", "op": "change", "tld": "aaa", "delegation": {
            "ns": ["ns1.new.aaa.", "ns2.new.aaa."],
            "glue": {"ns1.new.aaa.": ["193.0.14.1"], "ns2.new.aaa.": ["2001:7fd::1"]}}}
    });
    let note = body.members[0].sign("proposal.submit", change);
    let r = server.post_statement(&note);
    assert!(r.status().is_success(), "{}", r.text().unwrap());
    for i in 0..3 {
        let note = body.members[i].sign("vote.cast", json!({"proposal": "aaa-ns", "vote": "yes"}));
        assert!(server.post_statement(&note).status().is_success());
    }
    let v = published_versions(&server, 2);
    let serial = v["versions"][0]["serial"].as_u64().unwrap();
    assert!(serial > first_serial);
    let published_at = v["versions"][0]["published"]["index"].as_u64().unwrap();
    let sha = v["versions"][0]["published"]["sha256"].as_str().unwrap().to_string();

    // /registry: the new serial (the cached page was dropped), why, where published.
    let (status, html) = page(&server, "/registry");
    assert_eq!(status, 200);
    let doc = Html::parse_document(&html);
    assert_eq!(text(&select(&doc, "#zone-serial")[0]), serial.to_string(), "the page shows the new serial");
    let facts = text(&select(&doc, "main dl.panel")[0]);
    assert!(facts.contains("Change adopted by proposal") && facts.contains(&sha), "{facts}");
    assert!(!select(&doc, &format!("main dl.panel a[href='/entries/{published_at}']")).is_empty());
    let anchor = v["trust_anchor"].as_str().unwrap();
    assert!(facts.contains(anchor), "the trust anchor as the API gives it: {anchor} in {facts}");
    assert!(!select(&doc, "main a[href='/registry/root.zone']").is_empty());
    let versions = select(&doc, "#zone-versions tbody tr");
    assert_eq!(versions.len(), 2);
    assert!(text(&versions[0]).contains(&serial.to_string()));
    assert!(versions[0].select(&Selector::parse("a[href='/proposals/aaa-ns']").unwrap()).next().is_some());
    assert!(text(&versions[1]).contains("Initial import"), "{}", text(&versions[1]));
    let tlds = select(&doc, "#tlds tbody tr");
    assert_eq!(tlds.len(), 1487);
    let aaa = tlds.iter().find(|tr| text(tr).starts_with("aaa")).expect("aaa in the list");
    let aaa_text = text(aaa);
    assert!(aaa_text.contains('2') && aaa_text.contains("not signed"), "aaa: 2 NS now, and no DS: {aaa_text}");
    assert!(aaa.select(&Selector::parse("a[href='/registry/aaa']").unwrap()).next().is_some());
    // Sponsors are user content, isolated.
    assert!(aaa.select(&Selector::parse("bdi").unwrap()).next().is_some(), "{}", aaa.html());

    // /registry/aaa: the delegation now, and its two changes.
    let (status, html) = page(&server, "/registry/aaa");
    assert_eq!(status, 200);
    let doc = Html::parse_document(&html);
    let now = text(&select(&doc, "main dl.panel")[0]);
    assert!(now.contains("ns1.new.aaa.") && now.contains("193.0.14.1") && now.contains("2001:7fd::1"), "{now}");
    let rows = select(&doc, "#tld-history tbody tr");
    assert_eq!(rows.len(), 2, "the import and the change");
    assert!(text(&rows[0]).contains("The initial import"), "{}", text(&rows[0]));
    assert!(rows[0].select(&Selector::parse("a[href^='/entries/']").unwrap()).next().is_some());
    assert!(rows[1].select(&Selector::parse("a[href='/proposals/aaa-ns']").unwrap()).next().is_some());
    assert!(rows[1].select(&Selector::parse("a[href^='/entries/']").unwrap()).next().is_some());
    assert!(text(&rows[1]).contains("ns2.new.aaa."), "{}", text(&rows[1]));
    // A signed TLD shows its DS as code.
    let (_, html) = page(&server, "/registry/com");
    let doc = Html::parse_document(&html);
    assert!(text(&select(&doc, "main dl.panel")[0]).contains("30909 8 2"), "com's DS in the 2022 root");

    // Unknown or invalid: the portal's 404 page.
    for path in ["/registry/nonexistent-tld", "/registry/NOT..VALID", "/registry/a.b", "/registry/aaa."] {
        let (status, html) = page(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("No such top-level domain in the registry"), "{path}: {html}");
        assert!(html.contains("<html lang=\"en\""), "{path}");
    }
    // The form "go to a TLD" leads to its page.
    let r = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/registry?tld=AAA", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/registry/aaa");
    assert_eq!(page(&server, "/registry?tld=..").0, 404);

    // No English outside user content in the five other languages.
    let mut report = Vec::new();
    for lang in LANGS {
        for (path, want) in
            [("/registry", 200), ("/registry/aaa", 200), ("/registry/com", 200), ("/registry/nope", 404)]
        {
            let (status, html) = page(&server, &format!("{path}?lang={lang}"));
            assert_eq!(status, want, "{path} in {lang}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path} in {lang}");
            let found = english_in(&html, lang);
            if !found.is_empty() {
                report.push(format!(
                    "{lang} {path}:\n  {}",
                    found.iter().take(12).cloned().collect::<Vec<_>>().join("\n  ")
                ));
            }
        }
    }
    assert!(report.is_empty(), "English left:\n{}", report.join("\n"));
}
