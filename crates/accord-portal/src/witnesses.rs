//! `/witnesses`: who witnesses the log and what their cosignatures make —
//! the witness policy in force (its quorum in words, the decision that set
//! it, its C2SP tlog-policy text), each registered witness with its recent
//! availability, and the recent checkpoints with who cosigned each and
//! whether that met the quorum. Also the short line the log page and the
//! entry pages show under a checkpoint ([`line`]).
//!
//! What it is not: the check. The node collects and verifies the
//! cosignatures (`accord-node`'s witnesses); the visitor's browser checks
//! them again on an entry's page (`verify.js`) against `/log/policy`. The
//! page is never kept by the page cache: availability changes with every
//! checkpoint (`cache::cacheable_path`).

use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::witness::{COUNTED_GROUP, QUORUM_GROUP};
use accord_log::policy::{Policy, Threshold};
use accord_node::witnesses::WitnessReport;
use accord_node::{PolicyInForce, Published};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Results shown in a witness's row (the node keeps the last 50).
const ROW: usize = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/witnesses", get(page))
}

/// Member id → name in the reader's language, for every member.
pub(crate) fn member_names(n: &accord_node::Node, tr: crate::i18n::Tr) -> Result<BTreeMap<String, String>, PageError> {
    let rows = n.reads().members().map_err(PageError::storage)?;
    Ok(crate::names::of_members(tr, &rows))
}

struct Data {
    checkpoint: Option<Arc<Published>>,
    recent: Vec<Arc<Published>>,
    reports: Vec<WitnessReport>,
    names: BTreeMap<String, String>,
}

async fn page(ctx: Ctx, State(node): State<AppState>) -> Response {
    let tr = ctx.tr;
    let r = load(&node, move |n| {
        Ok(Data {
            checkpoint: n.checkpoint(),
            recent: n.recent_checkpoints(),
            reports: n.witness_reports(),
            names: member_names(n, tr)?,
        })
    })
    .await;
    reply(
        &ctx,
        r.map(|(shell, d)| {
            let body = body(&ctx, &d);
            (shell, Page::new(ctx.t("witnesses-title"), Nav::Log, body))
        }),
    )
}

fn body(ctx: &Ctx, d: &Data) -> Markup {
    html! {
        h1 { (ctx.t("witnesses-title")) }
        p class="lead" { (ctx.t("witnesses-intro")) }
        @if let Some(cp) = &d.checkpoint {
            (policy_section(ctx, &cp.policy, cp.size))
            (witness_section(ctx, &cp.policy, &d.reports, &d.names))
            (checkpoint_section(ctx, &d.recent, &d.names))
        } @else {
            p { (ctx.t("log-no-checkpoint")) }
        }
    }
}

/// A member's name linked to its page, its id beside it.
fn member_link(id: &str, names: &BTreeMap<String, String>) -> Markup {
    html! {
        a href=(format!("/members/{id}")) {
            bdi { (names.get(id).map_or(id, String::as_str)) }
        }
        " " code { (id) }
    }
}

/// One condition of a quorum, as the page words it.
#[derive(Debug, PartialEq, Eq)]
enum Condition {
    /// k of the n witnesses that count.
    Counted { k: usize, n: usize },
    /// k of the n members of a group of the rules.
    Group { name: String, k: usize, n: usize },
    /// One witness's cosignature.
    Witness(String),
}

/// The quorum of `p` as conditions that must all hold; empty: none is
/// required (`quorum none`). Accord's policies are `_quorum = all of
/// (_counted, the rules' groups)`; any other shape is read as one
/// condition on the quorum's group or witness.
fn conditions(p: &Policy) -> Vec<Condition> {
    let Some(q) = &p.quorum else { return Vec::new() };
    let group = |name: &str| p.groups.iter().find(|g| g.name == name);
    let one = |name: &str| match group(name) {
        Some(g) if g.name == COUNTED_GROUP => Condition::Counted { k: g.needed(), n: g.members.len() },
        Some(g) => Condition::Group { name: g.name.clone(), k: g.needed(), n: g.members.len() },
        None => Condition::Witness(name.to_string()),
    };
    match group(q) {
        Some(g) if g.name == QUORUM_GROUP && g.threshold == Threshold::All => {
            g.members.iter().map(|m| one(m)).collect()
        }
        _ => vec![one(q)],
    }
}

fn condition(ctx: &Ctx, c: &Condition, names: &BTreeMap<String, String>) -> Markup {
    match c {
        Condition::Counted { k, n } => {
            html! { (ctx.tr.ta("witnesses-quorum-counted", &[("k", (*k as u64).into()), ("n", (*n as u64).into())])) }
        }
        Condition::Group { name, k, n } => layout::message(
            ctx.tr,
            "witnesses-quorum-group",
            &[("k", (*k as u64).into()), ("n", (*n as u64).into())],
            &[("group", name)],
        ),
        Condition::Witness(id) => html! { (ctx.t("witnesses-quorum-witness")) " " (member_link(id, names)) },
    }
}

fn policy_section(ctx: &Ctx, p: &PolicyInForce, size: u64) -> Markup {
    let conds = conditions(&p.policy);
    let names = BTreeMap::new();
    html! {
        section aria-labelledby="policy-h" {
            h2 id="policy-h" { (ctx.t("witnesses-policy-heading")) }
            @if conds.is_empty() {
                p id="quorum-words" { (layout::prose(&ctx.t(if p.witnesses.is_empty() { "witnesses-quorum-none-registered" } else { "witnesses-quorum-none" }))) }
            } @else {
                p { (ctx.t("witnesses-quorum-intro")) }
                ul id="quorum-words" {
                    @for c in &conds { li { (condition(ctx, c, &names)) } }
                }
            }
            p id="policy-set-by" {
                @match &p.set_by {
                    Some((proposal, index)) => {
                        (ctx.t("witnesses-set-by")) " "
                        a href=(format!("/proposals/{proposal}")) { code { (proposal) } }
                        " (" (layout::entry_link(*index)) ")"
                    }
                    None => { (ctx.t("witnesses-set-by-genesis")) }
                }
            }
            figure class="note" {
                figcaption { (layout::prose(&ctx.tr.ta("witnesses-policy-text", &[("size", size.into())]))) }
                pre class="exact" dir="ltr" id="policy-text" { (p.text) }
            }
            p { a href="/log/policy" { (ctx.t("witnesses-policy-raw")) } " " code dir="ltr" { "/log/policy" } }
        }
    }
}

/// A result label's mark in a witness's row, shown beside its words
/// (read aloud) so that no outcome is told by colour alone.
fn mark(label: &str) -> &'static str {
    match label {
        "cosigned" => "✓",
        "bad" => "✗",
        "refused" => "⊘",
        "unreachable" => "?",
        "busy" => "…",
        _ => "◷",
    }
}

const LABELS: [&str; 6] = ["cosigned", "bad", "refused", "unreachable", "busy", "late"];

/// How many of the last results were cosignatures, of how many.
fn availability(r: &WitnessReport) -> (u64, u64) {
    let cosigned = r.recent.iter().filter(|(_, l)| *l == "cosigned").count();
    (cosigned as u64, r.recent.len() as u64)
}

fn unix_rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(|| secs.to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn witness_section(
    ctx: &Ctx,
    p: &PolicyInForce,
    reports: &[WitnessReport],
    names: &BTreeMap<String, String>,
) -> Markup {
    html! {
        section aria-labelledby="registered-h" {
            h2 id="registered-h" { (ctx.t("witnesses-registered-heading")) }
            @if p.witnesses.is_empty() {
                p { (ctx.t("witnesses-none-registered")) }
            } @else {
                p class="hint" id="results-legend" {
                    (ctx.t("witnesses-legend")) " "
                    @for (i, l) in LABELS.iter().enumerate() {
                        @if i > 0 { ", " }
                        span aria-hidden="true" class=(format!("result result-{l}")) { (mark(l)) } " " (ctx.t(&format!("witnesses-result-{l}")))
                    }
                }
                @for w in &p.witnesses {
                    @let r = reports.iter().find(|r| r.member == w.member);
                    section class="panel witness" aria-labelledby=(format!("w-{}", w.member)) {
                        h3 id=(format!("w-{}", w.member)) { (member_link(&w.member, names)) }
                        dl {
                            dt { (ctx.t("witnesses-url")) }
                            dd { code dir="ltr" { (w.url) } }
                            dt { (ctx.t("witnesses-vkey")) }
                            dd { code class="hash" dir="ltr" { (w.vkey) } }
                            dt { (ctx.t("witnesses-counted")) }
                            dd { (ctx.t(if w.counted { "witnesses-counted-yes" } else { "witnesses-counted-no" })) }
                            dt { (ctx.t("witnesses-since")) }
                            dd { (layout::entry_link(w.since)) }
                            dt { (ctx.t("witnesses-availability")) }
                            dd {
                                @match r.map(availability).filter(|(_, n)| *n > 0) {
                                    Some((k, n)) => {
                                        (ctx.tr.ta("witnesses-availability-share", &[("k", k.into()), ("n", n.into()), ("percent", (k * 100 / n).into())]))
                                        (results_row(ctx, r.map_or(&[][..], |r| r.recent.as_slice())))
                                    }
                                    None => { (ctx.t("witnesses-availability-none")) }
                                }
                            }
                            @if let Some(t) = r.and_then(|r| r.last_cosigned) {
                                dt { (ctx.t("witnesses-last-cosigned")) }
                                dd { (layout::time(ctx.ui(), &unix_rfc3339(t))) }
                            }
                            @if let Some(why) = r.and_then(|r| r.last_problem.as_deref()) {
                                dt { (ctx.t("witnesses-last-problem")) }
                                // The node's own words, in English.
                                dd { code dir="ltr" lang="en" { (why) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The last results, oldest first: a mark each, its words for screen
/// readers and on hover.
fn results_row(ctx: &Ctx, recent: &[(u64, &'static str)]) -> Markup {
    let shown = &recent[recent.len().saturating_sub(ROW)..];
    html! {
        ol class="results" aria-label=(ctx.tr.ta("witnesses-row-label", &[("n", (shown.len() as u64).into())])) {
            @for (size, label) in shown {
                @let words = ctx.tr.ta("witnesses-row-item", &[("size", (*size).into()), ("result", ctx.t(&format!("witnesses-result-{label}")).as_str().into())]);
                li class=(format!("result result-{label}")) title=(words) {
                    span aria-hidden="true" { (mark(label)) }
                    span class="visually-hidden" { (words) }
                }
            }
        }
    }
}

fn checkpoint_section(ctx: &Ctx, recent: &[Arc<Published>], names: &BTreeMap<String, String>) -> Markup {
    let cols = ["witnesses-col-size", "witnesses-col-published", "witnesses-col-cosigned", "witnesses-col-quorum"]
        .map(|id| ctx.t(id));
    html! {
        section aria-labelledby="recent-h" {
            h2 id="recent-h" { (ctx.t("witnesses-recent-heading")) }
            table class="cards" id="recent-checkpoints" {
                caption { (ctx.tr.ta("witnesses-recent-caption", &[("count", (recent.len() as u64).into())])) }
                thead { tr { @for c in &cols { th scope="col" { (c) } } } }
                tbody {
                    @for c in recent {
                        tr {
                            td data-label=(cols[0]) { (c.size) }
                            td data-label=(cols[1]) { (layout::time(ctx.ui(), &unix_rfc3339(c.at))) }
                            td data-label=(cols[2]) { (cosigners(ctx, c.cosigned.keys(), names)) }
                            td data-label=(cols[3]) { (quorum_mark(ctx, Witnessed::of(c).state())) }
                        }
                    }
                }
            }
        }
    }
}

fn cosigners<'a>(ctx: &Ctx, ids: impl Iterator<Item = &'a String>, names: &BTreeMap<String, String>) -> Markup {
    let ids: Vec<&String> = ids.collect();
    html! {
        @if ids.is_empty() {
            (ctx.t("witnesses-cosigned-nobody"))
        } @else {
            @for (i, id) in ids.iter().enumerate() {
                @if i > 0 { ", " }
                (member_link(id, names))
            }
        }
    }
}

/// Whether a checkpoint met its witness quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QuorumState {
    Met,
    NotMet,
    /// The policy asks for no cosignature (`quorum none`).
    NotRequired,
}

fn quorum_mark(ctx: &Ctx, s: QuorumState) -> Markup {
    let (m, id, class) = match s {
        QuorumState::Met => ("✓", "witnesses-quorum-met", "ok"),
        QuorumState::NotMet => ("✗", "witnesses-quorum-not-met", "error"),
        QuorumState::NotRequired => ("–", "witnesses-quorum-not-required", "hint"),
    };
    html! { span class=(class) { span aria-hidden="true" { (m) } " " (ctx.t(id)) } }
}

/// Who cosigned a checkpoint and what that makes, for [`line`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Witnessed {
    /// Member ids with a valid cosignature.
    pub cosigned: Vec<String>,
    pub quorum: bool,
    /// Does the policy ask for any cosignature?
    pub required: bool,
}

impl Witnessed {
    pub(crate) fn of(c: &Published) -> Witnessed {
        Witnessed {
            cosigned: c.cosigned.keys().cloned().collect(),
            quorum: c.quorum,
            required: c.policy.policy.quorum.is_some(),
        }
    }

    /// For a checkpoint note the node no longer keeps: its cosignatures
    /// checked against `policy`.
    pub(crate) fn verify(policy: &Policy, note: &accord_log::Note) -> Witnessed {
        let v = policy.verify(note);
        Witnessed { cosigned: v.cosigned.into_keys().collect(), quorum: v.quorum, required: policy.quorum.is_some() }
    }

    /// The checkpoint of `size` and `root`, as the node published it if it
    /// still keeps it, else checked against the policy now in force.
    pub(crate) fn find(
        n: &accord_node::Node,
        size: u64,
        root: &accord_log::Hash,
        note: &accord_log::Note,
    ) -> Option<Witnessed> {
        if let Some(c) = n.recent_checkpoints().iter().find(|c| c.size == size && c.root == *root) {
            return Some(Witnessed::of(c));
        }
        n.checkpoint().map(|c| Witnessed::verify(&c.policy.policy, note))
    }

    fn state(&self) -> QuorumState {
        match (self.required, self.quorum) {
            (false, _) => QuorumState::NotRequired,
            (true, true) => QuorumState::Met,
            (true, false) => QuorumState::NotMet,
        }
    }
}

/// The line under a checkpoint on the log's pages: who cosigned it and
/// whether that met the quorum, with a link to this page.
pub(crate) fn line(ctx: &Ctx, w: &Witnessed, names: &BTreeMap<String, String>) -> Markup {
    html! {
        p id="checkpoint-witnesses" data-quorum=(match w.state() { QuorumState::Met => "met", QuorumState::NotMet => "not-met", QuorumState::NotRequired => "none" }) {
            @if w.required || !w.cosigned.is_empty() {
                (ctx.t("witnesses-line-cosigned")) " " (cosigners(ctx, w.cosigned.iter(), names)) ". "
            }
            @if w.required {
                (quorum_mark(ctx, w.state())) " "
            } @else {
                (ctx.t("witnesses-line-none")) " "
            }
            a href="/witnesses" { (ctx.t("witnesses-line-link")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Tr, Ui};
    use accord_log::cosignature::Cosigner;
    use accord_log::Hash;
    use accord_node::WitnessView;
    use ed25519_dalek::SigningKey;

    fn ctx(ui: Ui) -> Ctx {
        Ctx { tr: Tr::new(ui), path: "/witnesses".into(), query_rest: String::new(), remember: false }
    }

    fn vkey(i: u8) -> String {
        Cosigner::new(&format!("w{i}.example"), SigningKey::from_bytes(&[i; 32])).unwrap().key().to_vkey()
    }

    fn policy(text: &str, witnesses: &[(&str, u8)], set_by: Option<(&str, u64)>) -> Arc<PolicyInForce> {
        Arc::new(PolicyInForce {
            policy: Policy::parse(text).unwrap(),
            text: text.to_string(),
            witnesses: witnesses
                .iter()
                .map(|(m, i)| WitnessView {
                    member: m.to_string(),
                    url: format!("https://witness.{m}.example/"),
                    vkey: vkey(*i),
                    since: 7,
                    counted: *m != "NOR",
                })
                .collect(),
            set_by: set_by.map(|(p, i)| (p.to_string(), i)),
            rules: serde_json::json!({}),
        })
    }

    fn published(size: u64, cosigned: &[&str], quorum: bool, policy: &Arc<PolicyInForce>) -> Arc<Published> {
        Arc::new(Published {
            size,
            root: Hash([size as u8; 32]),
            note: String::new(),
            cosigned: cosigned.iter().map(|m| (m.to_string(), 1_800_000_000)).collect(),
            quorum,
            policy: policy.clone(),
            at: 1_800_000_000 + size,
        })
    }

    fn three() -> Arc<PolicyInForce> {
        let text = format!(
            "witness FRA {}\nwitness KEN {}\nwitness NOR {}\ngroup _counted 2 FRA KEN\ngroup africa 1 KEN\ngroup _quorum all _counted africa\nquorum _quorum\n",
            vkey(1),
            vkey(2),
            vkey(3)
        );
        policy(&text, &[("FRA", 1), ("KEN", 2), ("NOR", 3)], Some(("witness-rules-2027", 41)))
    }

    fn data(p: &Arc<PolicyInForce>) -> Data {
        let recent = vec![published(12, &["FRA", "KEN"], true, p), published(11, &["FRA"], false, p)];
        let report = WitnessReport {
            member: "KEN".into(),
            counts: [("cosigned", 1), ("unreachable", 1)].into_iter().collect(),
            last_problem: Some("connection refused".into()),
            last_cosigned: Some(1_800_000_012),
            recent: vec![(11, "unreachable"), (12, "cosigned")],
            ..WitnessReport::default()
        };
        let names = [("FRA", "France"), ("KEN", "Kenya")].map(|(a, b)| (a.to_string(), b.to_string())).into();
        Data { checkpoint: recent.first().cloned(), recent, reports: vec![report], names }
    }

    #[test]
    fn the_quorum_in_words() {
        let p = three();
        assert_eq!(
            conditions(&p.policy),
            vec![Condition::Counted { k: 2, n: 2 }, Condition::Group { name: "africa".into(), k: 1, n: 1 }]
        );
        let en = body(&ctx(Ui::En), &data(&p)).into_string();
        assert!(en.contains("2 of the 2 counted witnesses"), "{en}");
        assert!(en.contains("the one counted witness of group <bdi>africa</bdi>"), "{en}");
        assert!(en.contains("href=\"/proposals/witness-rules-2027\""));
        assert!(Policy::parse("quorum none\n").map(|p| conditions(&p)).unwrap().is_empty());
        let single = Policy::parse(&format!("witness FRA {}\nquorum FRA\n", vkey(1))).unwrap();
        assert_eq!(conditions(&single), vec![Condition::Witness("FRA".into())]);
    }

    #[test]
    fn renders_in_all_six_languages() {
        let p = three();
        let none = policy("quorum none\n", &[], None);
        for ui in Ui::ALL {
            let c = ctx(ui);
            let html = body(&c, &data(&p)).into_string();
            for want in [
                "id=\"quorum-words\"",
                "id=\"policy-text\"",
                "href=\"/log/policy\"",
                "href=\"/members/KEN\"",
                "<bdi>Kenya</bdi>",
                "https://witness.KEN.example/",
                "class=\"results\"",
                "class=\"visually-hidden\"",
                "connection refused",
                "id=\"recent-checkpoints\"",
                "<time datetime=\"2027-01-15T08:00:12Z\">",
                "<code>C2SP tlog-policy</code>",
            ] {
                assert!(html.contains(want), "{}: no {want} in {html}", ui.code());
            }
            // Every message this page uses exists in this language.
            assert!(!html.contains("witnesses-"), "{}: a message id shown as text: {html}", ui.code());
            let empty = Data { checkpoint: Some(published(1, &[], true, &none)), ..data(&none) };
            let html = body(&c, &empty).into_string();
            assert!(html.contains(&c.t("witnesses-none-registered")), "{}", ui.code());
            assert!(html.contains("<code>quorum none</code>"), "{}: {html}", ui.code());
            assert!(!html.contains("witnesses-"), "{}: {html}", ui.code());
            if ui != Ui::En {
                assert_ne!(c.t("witnesses-intro"), ctx(Ui::En).t("witnesses-intro"), "{} copies English", ui.code());
            }
        }
    }

    #[test]
    fn the_line_under_a_checkpoint() {
        let p = three();
        let names = data(&p).names;
        let met = line(&ctx(Ui::En), &Witnessed::of(&published(12, &["FRA", "KEN"], true, &p)), &names).into_string();
        assert!(met.contains("data-quorum=\"met\"") && met.contains("<bdi>France</bdi>") && met.contains("/witnesses"));
        let not = line(&ctx(Ui::Fr), &Witnessed::of(&published(11, &[], false, &p)), &names).into_string();
        assert!(not.contains("data-quorum=\"not-met\"") && not.contains(&ctx(Ui::Fr).t("witnesses-cosigned-nobody")));
        let none = policy("quorum none\n", &[], None);
        let free = line(&ctx(Ui::Ar), &Witnessed::of(&published(3, &[], true, &none)), &names).into_string();
        assert!(free.contains("data-quorum=\"none\"") && free.contains(&ctx(Ui::Ar).t("witnesses-line-none")));
        assert!(!free.contains(&ctx(Ui::Ar).t("witnesses-line-cosigned")));
    }
}
