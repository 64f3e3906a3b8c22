//! What an adopted proposal would do, in words: admit, suspend or
//! reinstate a member, change rules of procedure, establish, amend or
//! translate a document of the Code. The exact JSON follows in a
//! `<details>` for those who want every byte.
//!
//! What it is not: it does not check the action (the core did when the
//! proposal was tabled) and says nothing of what became of it (that is
//! the record's `action_result`).

use super::record::member_link;
use crate::code::diff::runs_markup;
use crate::code::langs;
use crate::code::words::{self, Mark};
use crate::ctx::Ctx;
use crate::layout::prose;
use accord_core::acts::decision::{Action, ZoneOp};
use accord_core::code::{Change, DocumentDraft, Lang, Version};
use accord_core::decisions::rules::{Majority, Quorum, RulesChange};
use accord_core::MemberId;
use maud::{html, Markup};
use serde_json::Value;
use std::collections::BTreeMap;

/// The action in words, then its JSON. `names` maps member ids to names;
/// `base` is, for a `code.amend`, the version it amends as it reads now,
/// whose text each change is shown beside.
pub(crate) fn describe(ctx: &Ctx, json: &Value, names: &BTreeMap<String, String>, base: Option<&Version>) -> Markup {
    let parsed: Option<Action> = serde_json::from_value(json.clone()).ok();
    let pretty = serde_json::to_string_pretty(json).unwrap_or_else(|_| json.to_string());
    html! {
        @match &parsed {
            Some(a) => (in_words(ctx, a, names, base)),
            None => p { (ctx.t("proposals-action-unknown")) },
        }
        details {
            summary { (ctx.t("proposals-action-json")) }
            pre { code lang="en" dir="ltr" { (pretty) } }
        }
    }
}

fn in_words(ctx: &Ctx, a: &Action, names: &BTreeMap<String, String>, amended: Option<&Version>) -> Markup {
    let member = |id: &str| member_link(id, names.get(id).map(String::as_str));
    match a {
        Action::MemberAdmit { member: id, name, names: signed, vkey } => html! {
            p {
                (ctx.t("proposals-action-admit")) " "
                strong { bdi { (crate::names::in_language(ctx.ui(), id.as_str(), name, signed.get(ctx.ui().code()))) } }
                " (" code { (id.as_str()) } ")"
            }
            p { (ctx.t("proposals-action-key")) " " code class="hash" { (vkey) } }
        },
        Action::MemberSuspend { member: id } => html! {
            p { (ctx.t("proposals-action-suspend")) " " (member(id.as_str())) }
        },
        Action::MemberReinstate { member: id } => html! {
            p { (ctx.t("proposals-action-reinstate")) " " (member(id.as_str())) }
        },
        Action::RulesChange { rules } => rules_change(ctx, rules),
        Action::CodeEstablish { document } => establish(ctx, document),
        Action::CodeAmend { document, base, changes } => html! {
            p {
                (ctx.t("proposals-action-amend")) " "
                a href=(format!("/code/{document}")) { code { (document) } }
                " — " (ctx.tr.ta("proposals-action-base", &[("version", u64::from(*base).into())]))
            }
            ol { @for c in changes { li { (change(ctx, c)) (beside(ctx, c, amended)) } } }
        },
        Action::CodeTranslate { document, version, article, lang, .. } => html! {
            p { (ctx.t("proposals-action-translate")) }
            ul {
                li { (ctx.t("proposals-action-document")) " " a href=(format!("/code/{document}")) { code { (document) } } }
                li {
                    a href=(format!("/code/{document}/versions/{version}")) {
                        (ctx.tr.ta("proposals-action-version", &[("version", u64::from(*version).into())]))
                    }
                }
                li { (crate::layout::message(ctx.tr, "proposals-action-article", &[], &[("article", article)])) }
                li { (ctx.t("proposals-action-language")) " " code { (lang.as_str()) } }
            }
        },
        Action::ZoneChange { op, tld, delegation, sponsor } => {
            zone_change(ctx, *op, tld, delegation.as_ref(), sponsor.as_ref(), &member)
        }
    }
}

/// A `zone.change` in words: what it does to which TLD, the delegation
/// proposed (names and digests as code, left to right), its sponsor, and
/// the technical checks it passed to be tabled at all.
fn zone_change(
    ctx: &Ctx,
    op: ZoneOp,
    tld: &accord_zone::Tld,
    d: Option<&accord_zone::Delegation>,
    sponsor: Option<&accord_core::zone::Sponsor>,
    member: &dyn Fn(&str) -> Markup,
) -> Markup {
    use accord_zone::checks::Check;
    let what = match op {
        ZoneOp::Add => "proposals-action-zone-add",
        ZoneOp::Change => "proposals-action-zone-change",
        ZoneOp::Remove => "proposals-action-zone-remove",
    };
    let checks: Vec<Check> = match op {
        ZoneOp::Remove => vec![Check::NotInUse],
        ZoneOp::Add | ZoneOp::Change => Check::ALL.into_iter().filter(|c| *c != Check::NotInUse).collect(),
    };
    html! {
        p { (prose(&ctx.t(what))) " " code dir="ltr" { bdi { (tld) "." } } }
        @if let Some(d) = d {
            p { (prose(&ctx.t("proposals-action-zone-ns"))) }
            ul dir="ltr" { @for ns in &d.ns { li { code { (ns) } } } }
            @if !d.glue.is_empty() {
                p { (prose(&ctx.t("proposals-action-zone-glue"))) }
                ul dir="ltr" {
                    @for (host, addrs) in &d.glue {
                        li { code { (host) } " " @for a in addrs { code { (a) } " " } }
                    }
                }
            }
            @if d.ds.is_empty() {
                p { (prose(&ctx.t("proposals-action-zone-no-ds"))) }
            } @else {
                p { (prose(&ctx.t("proposals-action-zone-ds"))) }
                ul dir="ltr" {
                    @for ds in &d.ds {
                        li { code class="hash" { (ds.key_tag) " " (ds.algorithm) " " (ds.digest_type) " " (hex::encode(&ds.digest)) } }
                    }
                }
            }
        }
        @if let Some(s) = sponsor {
            p {
                (prose(&ctx.t("proposals-action-zone-sponsor"))) " "
                @match s {
                    accord_core::zone::Sponsor::Member(m) => (member(m.as_str())),
                    accord_core::zone::Sponsor::Organisation(o) => bdi { (o) },
                }
            }
        }
        p { (prose(&ctx.t("proposals-action-zone-checks"))) }
        ul class="checks" { @for c in checks { li { "✓ " (prose(&ctx.t(&format!("zone-check-{}", c.code())))) } } }
    }
}

fn establish(ctx: &Ctx, d: &DocumentDraft) -> Markup {
    html! {
        p { (ctx.t("proposals-action-establish")) " " code { (d.id) } " — " bdi { (d.label) } }
        ul {
            @for (lang, title) in &d.title {
                li { code { (lang.as_str()) } " " span lang=(lang.as_str()) { (title) } }
            }
        }
        p { (ctx.tr.ta("proposals-action-articles", &[("count", (d.articles.len() as u64).into())])) }
    }
}

/// A change beside the text it changes: the article as it reads now in
/// the version amended | as proposed, in the reader's language (a
/// rewording: in its own), the changed words marked.
fn beside(ctx: &Ctx, c: &Change, base: Option<&Version>) -> Markup {
    let ui = ctx.ui();
    let now = |id: &str| base.and_then(|v| v.article(id));
    let (lang, before, after): (Option<Lang>, Option<String>, Option<String>) = match c {
        Change::Insert { article, .. } => match langs::preferred(&article.texts, ui) {
            Some((l, t)) => (Some(l.clone()), None, Some(t.clone())),
            None => (None, None, None),
        },
        Change::Replace { article } => match langs::preferred(&article.texts, ui) {
            Some((l, t)) => (Some(l.clone()), now(&article.id).and_then(|a| a.texts.get(l).cloned()), Some(t.clone())),
            None => (None, None, None),
        },
        Change::Delete { id } => match now(id).and_then(|a| langs::preferred(&a.texts, ui)) {
            Some((l, t)) => (Some(l.clone()), Some(t.clone()), None),
            None => (None, None, None),
        },
        Change::Reword { id, lang, text } => {
            (Some(lang.clone()), now(id).and_then(|a| a.texts.get(lang).cloned()), Some(text.clone()))
        }
    };
    let Some(lang) = lang else { return html! {} };
    let text = |runs: &[(Mark, String)]| {
        html! { div class="code-text" lang=(lang.as_str()) dir=(langs::dir(&lang)) { (runs_markup(ctx, runs)) } }
    };
    let (b, a) = match (&before, &after) {
        (Some(x), Some(y)) => {
            let sides = words::diff(x, y);
            (text(&sides.before), text(&sides.after))
        }
        (Some(x), None) => (text(&[(Mark::Same, x.clone())]), html! { p class="hint" { (ctx.t("code-absent")) } }),
        (None, Some(y)) => (html! { p class="hint" { (ctx.t("code-absent")) } }, text(&[(Mark::Same, y.clone())])),
        (None, None) => return html! {},
    };
    let version = base.map_or(0, |v| u64::from(v.number));
    html! {
        div class="diff" {
            div class="before" { p { strong { (ctx.tr.ta("code-before", &[("n", version.into())])) } } (b) }
            div class="after" { p { strong { (ctx.t("proposals-change-proposed")) } } (a) }
        }
    }
}

/// What became of an adopted action, in the reader's language. The core
/// records it as `applied: …` or `not applied: <why>` (in English, in the
/// log's replayed state); "applied" is told from the action itself, and a
/// reason for "not applied" is shown as the core wrote it, marked English.
pub(crate) fn result_words(ctx: &Ctx, result: &str, json: &Value, names: &BTreeMap<String, String>) -> Markup {
    let Some(done) = result.strip_prefix("applied: ") else {
        let why = result.strip_prefix("not applied: ").unwrap_or(result);
        return html! { (ctx.t("proposals-result-not-applied")) " " span lang="en" dir="ltr" { (why) } };
    };
    let name = |id: &MemberId| names.get(id.as_str()).cloned().unwrap_or_else(|| id.to_string());
    let said = match serde_json::from_value::<Action>(json.clone()) {
        Ok(Action::MemberAdmit { member, .. }) => {
            ctx.tr.ta("proposals-result-admitted", &[("member", name(&member).as_str().into())])
        }
        Ok(Action::MemberSuspend { member }) => {
            ctx.tr.ta("proposals-result-suspended", &[("member", name(&member).as_str().into())])
        }
        Ok(Action::MemberReinstate { member }) => {
            ctx.tr.ta("proposals-result-reinstated", &[("member", name(&member).as_str().into())])
        }
        Ok(Action::RulesChange { .. }) => ctx.t("proposals-result-rules"),
        Ok(Action::CodeEstablish { document }) => {
            ctx.tr.ta("proposals-result-version", &[("document", document.id.as_str().into()), ("n", 1u64.into())])
        }
        Ok(Action::CodeAmend { document, .. }) => {
            // `applied: ICCIS version 2`: the number is the new version's.
            match done.rsplit(' ').next().and_then(|n| n.parse::<u64>().ok()) {
                Some(n) => {
                    ctx.tr.ta("proposals-result-version", &[("document", document.as_str().into()), ("n", n.into())])
                }
                None => return html! { span lang="en" dir="ltr" { (result) } },
            }
        }
        Ok(Action::CodeTranslate { article, lang, .. }) => ctx.tr.ta(
            "proposals-result-translated",
            &[("article", article.as_str().into()), ("lang", langs::native_name(&lang).as_str().into())],
        ),
        Ok(Action::ZoneChange { tld, .. }) => {
            // `applied: aaa changed, serial 2026120301`.
            let serial = done.rsplit(' ').next().filter(|n| n.parse::<u64>().is_ok()).unwrap_or("?");
            return crate::layout::message(
                ctx.tr,
                "proposals-result-zone",
                &[],
                &[("tld", tld.label()), ("serial", serial)],
            );
        }
        Err(_) => return html! { span lang="en" dir="ltr" { (result) } },
    };
    html! { (said) }
}

/// A change in words; article ids are the proposer's, shown as code.
fn change(ctx: &Ctx, c: &Change) -> Markup {
    let m = |id: &str, user: &[(&str, &str)]| crate::layout::message(ctx.tr, id, &[], user);
    match c {
        Change::Insert { article, after: Some(after) } => {
            m("proposals-change-insert-after", &[("article", &article.id), ("after", after)])
        }
        Change::Insert { article, after: None } => m("proposals-change-insert-first", &[("article", &article.id)]),
        Change::Replace { article } => m("proposals-change-replace", &[("article", &article.id)]),
        Change::Delete { id } => m("proposals-change-delete", &[("article", id)]),
        Change::Reword { id, lang, .. } => m("proposals-change-reword", &[("article", id), ("lang", lang.as_str())]),
    }
}

fn rules_change(ctx: &Ctx, r: &RulesChange) -> Markup {
    let mut items: Vec<(&str, String)> = Vec::new();
    if let Some(m) = r.ordinary_majority {
        items.push(("proposals-rule-ordinary-majority", majority_words(ctx, m)));
    }
    if let Some(m) = r.important_majority {
        items.push(("proposals-rule-important-majority", majority_words(ctx, m)));
    }
    if let Some(a) = &r.important_actions {
        items.push(("proposals-rule-important-actions", a.join(", ")));
    }
    if let Some(q) = r.quorum {
        items.push(("proposals-rule-quorum", quorum_words(ctx, q)));
    }
    for (id, v) in [
        ("proposals-rule-min-silence", r.min_silence_seconds),
        ("proposals-rule-min-vote", r.min_vote_seconds),
        ("proposals-rule-silence-vote", r.silence_vote_seconds),
    ] {
        if let Some(s) = v {
            items.push((id, ctx.tr.ta("proposals-seconds", &[("n", s.into())])));
        }
    }
    if let Some(b) = r.allow_vote_change {
        items.push(("proposals-rule-vote-change", ctx.t(if b { "proposals-yes" } else { "proposals-no" })));
    }
    html! {
        p { (ctx.t("proposals-action-rules")) }
        ul { @for (label, value) in &items { li { (ctx.t(label)) ": " (value) } } }
    }
}

pub(crate) fn majority_words(ctx: &Ctx, m: Majority) -> String {
    ctx.t(match m {
        Majority::Simple => "proposals-majority-simple",
        Majority::TwoThirds => "proposals-majority-two-thirds",
    })
}

pub(crate) fn quorum_words(ctx: &Ctx, q: Quorum) -> String {
    ctx.t(match q {
        Quorum::None => "proposals-quorum-none",
        Quorum::OneThird => "proposals-quorum-one-third",
        Quorum::Majority => "proposals-quorum-majority",
        Quorum::TwoThirds => "proposals-quorum-two-thirds",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Tr, Ui};
    use serde_json::json;

    fn ctx() -> Ctx {
        Ctx { tr: Tr::new(Ui::En), path: "/".into(), query_rest: String::new(), remember: false }
    }

    #[test]
    fn a_rules_change_is_told_in_words_with_its_json() {
        let a = json!({ "type": "rules.change", "rules": { "quorum": "two-thirds", "allow_vote_change": true } });
        let html = describe(&ctx(), &a, &BTreeMap::new(), None).into_string();
        assert!(html.contains(&ctx().t("proposals-quorum-two-thirds")), "{html}");
        assert!(html.contains("<details>") && html.contains("&quot;rules.change&quot;"), "{html}");
    }

    #[test]
    fn a_suspension_links_the_member() {
        let names = BTreeMap::from([("ITA".to_string(), "Italy".to_string())]);
        let a = json!({ "type": "member.suspend", "member": "ITA" });
        let html = describe(&ctx(), &a, &names, None).into_string();
        assert!(html.contains("<a href=\"/members/ITA\"><bdi>Italy</bdi></a>"), "{html}");
    }

    #[test]
    fn what_became_of_an_action_is_told_in_the_readers_language() {
        let fr = Ctx { tr: Tr::new(Ui::Fr), path: "/".into(), query_rest: String::new(), remember: false };
        let amend = json!({ "type": "code.amend", "document": "ICCIS", "base": 1, "changes": [] });
        let html = result_words(&fr, "applied: ICCIS version 2", &amend, &BTreeMap::new()).into_string();
        assert!(html.contains("version 2") && html.contains("adoptée") && !html.contains("applied"), "{html}");
        let names = BTreeMap::from([("ITA".to_string(), "Italie".to_string())]);
        let admit = json!({ "type": "member.suspend", "member": "ITA" });
        let html = result_words(&fr, "applied: ITA suspended", &admit, &names).into_string();
        assert!(html.contains("Italie a été suspendu"), "{html}");
        let html = result_words(&fr, "not applied: ITA is not a member", &admit, &names).into_string();
        assert!(
            html.contains("Non appliqué") && html.contains(r#"<span lang="en" dir="ltr">ITA is not a member</span>"#),
            "{html}"
        );
    }

    #[test]
    fn an_action_that_does_not_parse_still_shows_its_json() {
        let html = describe(&ctx(), &json!({ "type": "zone.change" }), &BTreeMap::new(), None).into_string();
        assert!(html.contains(&ctx().t("proposals-action-unknown")) && html.contains("zone.change"), "{html}");
    }
}
