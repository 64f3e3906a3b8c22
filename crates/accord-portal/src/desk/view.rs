//! The signed-in desk: who you are; what awaits your state, soonest
//! deadline first (ballots it has not voted on, silence procedures it could
//! object to, amendments to proposals it sponsors or co-sponsors); your
//! pending ballots with every act you may take on each (vote, object,
//! dissociate, co-sponsor or withdraw co-sponsorship, withdraw your own
//! proposal); the forms to table a proposal, propose an amendment, publish
//! a note, subscribe to a version of the Code or unsubscribe, and replace
//! your state's key; and your state's recent acts with their entries.
//!
//! Forms are rendered with their controls disabled: `desk.js` enables
//! them once it knows the browser can sign and holds the member's key, and
//! intercepts each submit to build, sign and send the statement. Without
//! JavaScript the page still reads well and says why nothing can be sent.
//!
//! What it is not: no rules. Which acts are offered is a convenience read
//! from the projections; the node's rules decide, and the form shows their
//! refusal if it comes.

use crate::ctx::Ctx;
use crate::home::str_field;
use crate::i18n::Ui;
use crate::layout::{self, PageError};
use accord_core::decisions::Status;
use accord_node::Node;
use accord_store::{MemberRow, ProposalPage, ProposalQuery, ProposalRow, Start, StatementRow, VoteRow};
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Pending proposals read at most.
const PENDING_READ: u32 = 200;
/// The member's own recent acts shown.
const RECENT_ACTS: u32 = 10;

pub(super) struct DeskData {
    pub member: MemberRow,
    pub key_id: String,
    pub ballots: Vec<Ballot>,
    /// More proposals are pending than were read.
    pub more_pending: bool,
    /// Proposals open to amendment: (id, title).
    pub amendable: Vec<(String, String)>,
    pub documents: Vec<DocChoice>,
    /// The member's subscriptions: (document, version, entry).
    pub subscriptions: Vec<(String, u32, u64)>,
    /// What awaits the member's state, soonest deadline first.
    pub awaits: Vec<Await>,
    /// The member's latest statements, newest first.
    pub recent: Vec<StatementRow>,
}

/// One thing that awaits the member's state: a pending proposal, why, and
/// its deadline.
pub(super) struct Await {
    pub id: String,
    pub title: String,
    pub closes: String,
    pub why: Why,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Why {
    /// A ballot it has not voted on.
    Vote,
    /// An unbroken silence procedure it could object to.
    Object,
    /// An amendment to a proposal it sponsors or co-sponsors (its id).
    Amends(String),
}

/// A pending proposal and what the member may do about it.
pub(super) struct Ballot {
    pub row: ProposalRow,
    pub vote: bool,
    pub object: bool,
    pub dissociate: bool,
    pub cosponsor: bool,
    pub withdraw_cosponsor: bool,
    pub withdraw: bool,
}

pub(super) struct DocChoice {
    pub id: String,
    pub title: String,
    pub latest: u32,
}

/// Reads the desk of `member` (blocking: call inside `layout::load`).
pub(super) fn read(n: &Node, member: MemberRow, key_id: String, lang: &str) -> Result<DeskData, PageError> {
    let s = n.reads();
    let statuses = Status::names(Status::PENDING);
    let query = ProposalQuery { statuses: &statuses, newest_first: true, start: Start::First, limit: PENDING_READ };
    let ProposalPage { total, rows: mut pending } = s.proposals(&query).map_err(PageError::storage)?;
    pending.sort_by(|a, b| str_field(a, "closes").cmp(str_field(b, "closes")).then(a.seq.cmp(&b.seq)));
    let mut votes = BTreeMap::new();
    for row in &pending {
        votes.insert(row.id.clone(), s.votes(&row.id).map_err(PageError::storage)?);
    }
    // Has voting begun on a proposal or on any of its amendments? An
    // amendment no longer pending was voted on unless it was withdrawn.
    let mut began = BTreeMap::new();
    for row in &pending {
        let mut b = votes.get(&row.id).is_some_and(|v| !v.is_empty());
        for a in list_of(row, "amendments") {
            b |= match votes.get(&a) {
                Some(v) => !v.is_empty(),
                None => s.proposal(&a).map_err(PageError::storage)?.is_some_and(|q| q.status != "withdrawn"),
            };
        }
        began.insert(row.id.clone(), b);
    }
    let awaits = awaits_of(&member, &pending, &votes);
    let mut ballots = Vec::new();
    let mut amendable = Vec::new();
    for row in pending {
        let v = votes.remove(&row.id).unwrap_or_default();
        if is_amendable(&row, &v) {
            amendable.push((row.id.clone(), str_field(&row, "title").to_string()));
        }
        let began = began.get(&row.id).copied().unwrap_or(true);
        if let Some(b) = ballot_for(&member, row, &v, began) {
            ballots.push(b);
        }
    }
    let recent = s.statements_by_member(&member.id, None, RECENT_ACTS).map_err(PageError::storage)?;
    let documents = s
        .documents()
        .map_err(PageError::storage)?
        .into_iter()
        .map(|d| {
            let title = d
                .title
                .iter()
                .find(|(l, _)| l.as_str() == lang)
                .or_else(|| d.title.iter().find(|(l, _)| l.as_str() == "en"))
                .or_else(|| d.title.iter().next())
                .map_or_else(|| d.id.clone(), |(_, t)| t.clone());
            let latest = d.latest().map_or(1, |v| v.number);
            DocChoice { id: d.id, title, latest }
        })
        .collect();
    let subscriptions = s
        .subscriptions_of(&member.id)
        .map_err(PageError::storage)?
        .into_iter()
        .map(|(doc, sub)| (doc, sub.version, sub.index.0))
        .collect();
    Ok(DeskData {
        member,
        key_id,
        ballots,
        more_pending: total > u64::from(PENDING_READ),
        amendable,
        documents,
        subscriptions,
        awaits,
        recent,
    })
}

/// What awaits `member` among the pending proposals, soonest deadline
/// first (then in order of submission): ballots it has not voted on,
/// silence procedures it could object to, amendments to proposals it
/// sponsors or co-sponsors. A convenience read, like the forms: the
/// node's rules decide.
fn awaits_of(member: &MemberRow, pending: &[ProposalRow], votes: &BTreeMap<String, Vec<VoteRow>>) -> Vec<Await> {
    let me = member.id.as_str();
    let mine = |id: &str| {
        pending
            .iter()
            .find(|p| p.id == id)
            .is_some_and(|p| str_field(p, "sponsor") == me || members_of(p, "cosponsors").iter().any(|m| m == me))
    };
    let mut out: Vec<(u64, Await)> = Vec::new();
    for row in pending {
        let voted = votes.get(&row.id).is_some_and(|v| v.iter().any(|v| v.member == me));
        let why = if unbroken_silence(row) {
            let objected = members_of(row, "objections").iter().any(|m| m == me);
            (str_field(row, "sponsor") != me && !objected && !member.suspended).then_some(Why::Object)
        } else {
            (!voted && !member.suspended).then_some(Why::Vote)
        };
        let amends =
            row.doc().get("amends").and_then(|v| v.as_str()).filter(|p| mine(p)).map(|p| Why::Amends(p.to_string()));
        // An amendment to one's own proposal says so, whether or not the
        // vote on it is still to be cast.
        if let Some(why) = amends.or(why) {
            let a = Await {
                id: row.id.clone(),
                title: str_field(row, "title").to_string(),
                closes: str_field(row, "closes").to_string(),
                why,
            };
            out.push((row.seq, a));
        }
    }
    // RFC 3339 in the one spelling sorts as time.
    out.sort_by(|(sa, a), (sb, b)| a.closes.cmp(&b.closes).then(sa.cmp(sb)));
    out.into_iter().map(|(_, a)| a).collect()
}

fn list_of(row: &ProposalRow, list: &str) -> Vec<String> {
    row.doc()
        .get(list)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn members_of(row: &ProposalRow, list: &str) -> Vec<String> {
    row.doc()
        .get(list)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.get("member")?.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A silence procedure that no objection has broken yet.
fn unbroken_silence(row: &ProposalRow) -> bool {
    row.status == "open" && str_field(row, "procedure") == "silence"
}

/// What `member` may do about the pending proposal `row` (`began`: has
/// voting begun on it or on any of its amendments); `None` if nothing
/// (already voted, and nothing else to do). A suspended member may do
/// none of these acts (PROTOCOL.md §5).
fn ballot_for(member: &MemberRow, row: ProposalRow, votes: &[VoteRow], began: bool) -> Option<Ballot> {
    if (row.status != "open" && row.status != "voting") || member.suspended {
        return None;
    }
    let me = member.id.as_str();
    let sponsor = str_field(&row, "sponsor") == me;
    let silence = unbroken_silence(&row);
    let voted = votes.iter().any(|v| v.member == me);
    let vote = !silence && !voted;
    let object = silence && !sponsor && !members_of(&row, "objections").iter().any(|m| m == me);
    let dissociate = silence && !sponsor && !members_of(&row, "dissociations").iter().any(|m| m == me);
    let is_cosponsor = members_of(&row, "cosponsors").iter().any(|m| m == me);
    let cosponsor = !sponsor && !began && !is_cosponsor;
    let withdraw_cosponsor = !began && is_cosponsor;
    let withdraw = sponsor && !began && row.doc().get("original_text").is_none();
    (vote || object || dissociate || cosponsor || withdraw_cosponsor || withdraw).then_some(Ballot {
        row,
        vote,
        object,
        dissociate,
        cosponsor,
        withdraw_cosponsor,
        withdraw,
    })
}

/// A proposal (not an amendment) still pending, not under an unbroken
/// silence, with no vote cast yet (PROTOCOL.md §5.3).
fn is_amendable(row: &ProposalRow, votes: &[VoteRow]) -> bool {
    (row.status == "open" || row.status == "voting")
        && row.doc().get("amends").is_none()
        && !unbroken_silence(row)
        && votes.is_empty()
}

/// The signed-in desk's content (below the page's `h1`).
pub(super) fn render(ctx: &Ctx, d: &DeskData) -> Markup {
    html! {
        (you(ctx, d))
        (awaits(ctx, d))
        section aria-labelledby="ballots-h" {
            h2 id="ballots-h" { (ctx.t("desk-ballots-heading")) }
            @if d.member.suspended {
                p class="panel" { (ctx.t("desk-suspended")) }
            }
            @if d.ballots.is_empty() {
                p { (ctx.t("desk-no-ballots")) }
            }
            @for b in &d.ballots {
                (ballot(ctx, b))
            }
            @if d.more_pending {
                p { a href="/proposals?status=open" { (ctx.t("desk-more-pending")) } }
            }
        }
        section aria-labelledby="propose-h" {
            h2 id="propose-h" { (ctx.t("desk-propose-heading")) }
            (propose_form(ctx))
        }
        section aria-labelledby="amend-h" {
            h2 id="amend-h" { (ctx.t("desk-amend-heading")) }
            @if d.amendable.is_empty() {
                p { (ctx.t("desk-no-amendable")) }
            } @else {
                (amend_form(ctx, &d.amendable))
            }
        }
        section aria-labelledby="note-h" {
            h2 id="note-h" { (ctx.t("desk-note-heading")) }
            (note_form(ctx))
        }
        section aria-labelledby="subscribe-h" {
            h2 id="subscribe-h" { (ctx.t("desk-subscribe-heading")) }
            (subscriptions(ctx, d))
            @if !d.documents.is_empty() {
                (subscribe_form(ctx, &d.documents))
            }
        }
        (rename_section(ctx, d))
        (recent(ctx, d))
        (rotate_section(ctx, d))
    }
}

/// What awaits the member's state, soonest deadline first.
fn awaits(ctx: &Ctx, d: &DeskData) -> Markup {
    html! {
        section aria-labelledby="awaits-h" {
            h2 id="awaits-h" { (ctx.t("desk-awaits-heading")) }
            @if d.awaits.is_empty() {
                p { (ctx.t("desk-awaits-none")) }
            } @else {
                ol id="desk-awaits" class="desk-awaits" {
                    @for a in &d.awaits {
                        @let kind = match &a.why { Why::Vote => "vote", Why::Object => "object", Why::Amends(_) => "amendment" };
                        li data-proposal=(a.id) data-kind=(kind) {
                            span class="desk-deadline" { (ctx.t("desk-awaits-deadline")) " " (layout::deadline(ctx.ui(), &a.closes)) }
                            " "
                            span class="desk-why" {
                                @match &a.why {
                                    Why::Vote => { (ctx.t("desk-awaits-vote")) }
                                    Why::Object => { (ctx.t("desk-awaits-object")) }
                                    Why::Amends(p) => { (ctx.tr.ta("desk-awaits-amendment", &[("proposal", p.as_str().into())])) }
                                }
                            }
                            " "
                            a href=(format!("/proposals/{}", a.id)) { bdi { (a.title) } }
                            @if d.ballots.iter().any(|b| b.row.id == a.id) {
                                " · " a href=(format!("#ballot-{}", a.id)) { (ctx.t("desk-awaits-act")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The member's latest statements, each with its entry.
fn recent(ctx: &Ctx, d: &DeskData) -> Markup {
    html! {
        section aria-labelledby="recent-h" {
            h2 id="recent-h" { (ctx.t("desk-recent-heading")) }
            @if d.recent.is_empty() {
                p { (ctx.t("desk-recent-none")) }
            } @else {
                ul id="desk-recent" class="desk-recent" {
                    @for r in &d.recent {
                        li { (layout::entry_link(r.index)) " " (crate::log::type_label(ctx, &r.kind)) }
                    }
                }
                p { a href=(format!("/members/{}", d.member.id)) { (ctx.t("desk-recent-all")) } }
            }
        }
    }
}

/// The member's name and its names by language (`member.rename`), filled
/// in with what the log says now: the names given replace the whole set.
fn rename_section(ctx: &Ctx, d: &DeskData) -> Markup {
    let m = &d.member;
    // The UN's six first, then any other language the member is named in.
    let mut langs: Vec<(String, String)> =
        Ui::ALL.iter().map(|u| (u.code().to_string(), u.native_name().to_string())).collect();
    for tag in m.names.keys() {
        if !langs.iter().any(|(l, _)| l == tag) {
            langs.push((tag.clone(), tag.clone()));
        }
    }
    let content = html! {
        div class="field" {
            label for="rename-name" { (ctx.t("desk-field-name")) }
            input type="text" id="rename-name" name="name" maxlength="200" value=(m.name) required disabled dir="auto";
        }
        fieldset class="desk-choice" {
            legend { (ctx.t("desk-field-names")) }
            p class="hint" id="rename-names-hint" { (ctx.t("desk-rename-hint")) }
            @for (tag, shown) in &langs {
                @let id = format!("rename-names-{tag}");
                div class="field" {
                    label for=(id) lang=(tag) { (shown) }
                    input type="text" id=(id) name=(format!("names.{tag}")) data-map="names" data-key=(tag) maxlength="200"
                        value=[m.names.get(tag)] lang=(tag) dir="auto" disabled aria-describedby="rename-names-hint";
                }
            }
        }
    };
    html! {
        section aria-labelledby="rename-h" {
            h2 id="rename-h" { (ctx.t("desk-rename-heading")) }
            (act_form("member.rename", content, &ctx.t("desk-rename-submit")))
        }
    }
}

/// Replacing the member's key: a new key made in the browser, its key
/// file saved, then `member.key.rotate` signed with the current key.
fn rotate_section(ctx: &Ctx, d: &DeskData) -> Markup {
    let file = format!("{}.key", d.member.id);
    let content = html! {
        p { (ctx.t("desk-rotate-explain")) }
        p class="panel" { strong { (ctx.t("desk-rotate-warning")) } }
        div class="field" {
            button type="button" id="rotate-generate" class="secondary" disabled { (ctx.t("desk-rotate-generate")) }
        }
        p id="rotate-file" hidden {
            a id="rotate-download" download=(file) href="#" { (layout::message(ctx.tr, "desk-rotate-download", &[], &[("file", &file)])) }
        }
        div class="field" {
            input type="checkbox" id="rotate-saved" required disabled;
            " "
            label for="rotate-saved" class="inline" { (ctx.t("desk-rotate-saved")) }
        }
    };
    html! {
        section aria-labelledby="rotate-h" {
            h2 id="rotate-h" { (ctx.t("desk-rotate-heading")) }
            (act_form("member.key.rotate", content, &ctx.t("desk-rotate-submit")))
        }
    }
}

fn you(ctx: &Ctx, d: &DeskData) -> Markup {
    html! {
        section aria-labelledby="you-h" class="panel" {
            h2 id="you-h" { (ctx.t("desk-you-heading")) }
            dl class="desk-you" {
                dt { (ctx.t("desk-member")) }
                dd {
                    code id="desk-member" { (d.member.id) }
                    " — "
                    a href=(format!("/members/{}", d.member.id)) { bdi { (crate::names::of_member(ctx.tr, &d.member)) } }
                }
                dt { (ctx.t("desk-key-id")) }
                dd { code class="hash" id="desk-key-id" { (d.key_id) } }
            }
            div id="desk-key-status" class="hint" role="status" aria-live="polite" {}
            form method="post" action="/desk/signout" class="inline" id="sign-out-form" {
                button type="submit" id="sign-out" { (ctx.t("desk-sign-out")) }
                button type="submit" class="secondary" id="sign-out-forget" { (ctx.t("desk-sign-out-forget")) }
            }
        }
    }
}

fn ballot(ctx: &Ctx, b: &Ballot) -> Markup {
    let p = &b.row;
    let head = format!("ballot-{}", p.id);
    html! {
        article class="panel ballot" aria-labelledby=(head) {
            h3 id=(head) { a href=(format!("/proposals/{}", p.id)) { bdi { (str_field(p, "title")) } } }
            p {
                span class=(format!("status status-{}", p.status)) { (ctx.t(&format!("status-{}", p.status))) }
                " " (ctx.t("desk-closes")) " " (layout::deadline(ctx.ui(), str_field(p, "closes")))
                " · " (ctx.t("desk-sponsor")) " " code { (str_field(p, "sponsor")) }
                @if let Some(a) = p.doc().get("amends").and_then(|v| v.as_str()) {
                    " · " (ctx.t("desk-amends")) " " a href=(format!("/proposals/{a}")) { code { (a) } }
                }
            }
            @if unbroken_silence(p) {
                p class="hint" { (ctx.t("desk-silence-note")) }
            }
            @if b.vote { (vote_form(ctx, &p.id)) }
            @if b.object { (object_form(ctx, &p.id)) }
            @if b.dissociate { (dissociate_form(ctx, &p.id)) }
            @if b.cosponsor { (cosponsor_form(ctx, &p.id)) }
            @if b.withdraw_cosponsor { (ref_form(ctx, "proposal.withdraw-cosponsor", &p.id, None, "desk-withdraw-cosponsor")) }
            @if b.withdraw { (ref_form(ctx, "proposal.withdraw", &p.id, Some("desk-withdraw-confirm"), "desk-withdraw")) }
        }
    }
}

/// A form `desk.js` signs: controls disabled until it enables them, the
/// submit button, and the region where the outcome is announced.
fn act_form(act: &str, content: Markup, submit: &str) -> Markup {
    html! {
        form data-act=(act) class="desk-act" {
            (content)
            button type="submit" disabled { (submit) }
            div class="act-result" role="status" aria-live="polite" {}
        }
    }
}

fn vote_form(ctx: &Ctx, id: &str) -> Markup {
    let content = html! {
        input type="hidden" name="proposal" value=(id);
        fieldset class="desk-choice" {
            legend { (ctx.t("desk-your-vote")) }
            @for choice in ["yes", "no", "abstain"] {
                @let cid = format!("vote-{id}-{choice}");
                span class="desk-option" {
                    input type="radio" name="vote" value=(choice) id=(cid) required disabled;
                    label for=(cid) class=(format!("vote-{choice}")) { (ctx.t(&format!("desk-vote-{choice}"))) }
                }
            }
        }
        div class="field" {
            label for=(format!("expl-{id}")) { (ctx.t("desk-explanation")) }
            textarea id=(format!("expl-{id}")) name="explanation" rows="2" maxlength="2000" data-optional disabled {}
        }
    };
    act_form("vote.cast", content, &ctx.t("desk-cast-vote"))
}

fn object_form(ctx: &Ctx, id: &str) -> Markup {
    let content = html! {
        input type="hidden" name="proposal" value=(id);
        div class="field" {
            label for=(format!("reason-{id}")) { (ctx.t("desk-objection")) }
            textarea id=(format!("reason-{id}")) name="reason" rows="2" maxlength="2000" required disabled {}
        }
    };
    act_form("silence.object", content, &ctx.t("desk-object"))
}

fn dissociate_form(ctx: &Ctx, id: &str) -> Markup {
    let hint = format!("dissociate-{id}-hint");
    let content = html! {
        input type="hidden" name="proposal" value=(id);
        div class="field" {
            label for=(format!("dissociate-{id}")) { (ctx.t("desk-dissociation")) }
            p class="hint" id=(hint) { (ctx.t("desk-dissociate-hint")) }
            textarea id=(format!("dissociate-{id}")) name="reason" rows="2" maxlength="2000" required disabled aria-describedby=(hint) {}
        }
    };
    act_form("silence.dissociate", content, &ctx.t("desk-dissociate"))
}

/// A form whose body is `{"proposal"}`, with an optional confirmation
/// (a required checkbox with no name: it is not part of the body).
fn ref_form(ctx: &Ctx, act: &str, id: &str, confirm: Option<&str>, submit: &str) -> Markup {
    let cid = format!("{}-{id}", act.replace('.', "-"));
    let content = html! {
        input type="hidden" name="proposal" value=(id);
        @if let Some(c) = confirm {
            div class="field" {
                input type="checkbox" id=(cid) required disabled;
                " "
                label for=(cid) class="inline" { (ctx.t(c)) }
            }
        }
    };
    act_form(act, content, &ctx.t(submit))
}

fn note_form(ctx: &Ctx) -> Markup {
    let content = html! {
        div class="field" {
            label for="note-text" { (ctx.t("desk-note-field")) }
            p class="hint" id="note-text-hint" { (ctx.t("desk-note-hint")) }
            textarea id="note-text" name="text" rows="3" maxlength="4096" required disabled aria-describedby="note-text-hint" {}
        }
    };
    act_form("note.publish", content, &ctx.t("desk-note-publish"))
}

fn cosponsor_form(ctx: &Ctx, id: &str) -> Markup {
    let content = html! { input type="hidden" name="proposal" value=(id); };
    act_form("proposal.cosponsor", content, &ctx.t("desk-cosponsor"))
}

fn text_field(ctx: &Ctx, id: &str, name: &str, label: &str, max: u32, hint: Option<&str>) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class="field" {
            label for=(id) { (ctx.t(label)) }
            @if let Some(h) = hint {
                p class="hint" id=(hint_id) { (ctx.t(h)) }
                input type="text" id=(id) name=(name) maxlength=(max) required disabled aria-describedby=(hint_id);
            } @else {
                input type="text" id=(id) name=(name) maxlength=(max) required disabled;
            }
        }
    }
}

fn id_field(ctx: &Ctx, id: &str) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class="field" {
            label for=(id) { (ctx.t("desk-field-id")) }
            p class="hint" id=(hint_id) { (layout::prose(&ctx.t("desk-field-id-hint"))) }
            input type="text" id=(id) name="id" maxlength="64" pattern="[a-z0-9][a-z0-9\\-]{0,63}" required disabled
                autocomplete="off" spellcheck="false" aria-describedby=(hint_id);
        }
    }
}

fn text_area(ctx: &Ctx, id: &str, hint: Option<&str>) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class="field" {
            label for=(id) { (ctx.t("desk-field-text")) }
            @if let Some(h) = hint {
                p class="hint" id=(hint_id) { (ctx.t(h)) }
                textarea id=(id) name="text" rows="6" maxlength="20000" required disabled aria-describedby=(hint_id) {}
            } @else {
                textarea id=(id) name="text" rows="6" maxlength="20000" required disabled {}
            }
        }
    }
}

fn closes_field(ctx: &Ctx, id: &str) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class="field" {
            label for=(id) { (ctx.t("desk-field-closes")) }
            p class="hint" id=(hint_id) { (ctx.t("desk-field-closes-hint")) }
            input type="datetime-local" id=(id) name="closes" data-kind="utc" required disabled aria-describedby=(hint_id);
        }
    }
}

fn select_field(ctx: &Ctx, id: &str, name: &str, label: &str, options: &[(&str, String)]) -> Markup {
    html! {
        div class="field" {
            label for=(id) { (ctx.t(label)) }
            select id=(id) name=(name) required disabled {
                @for (value, text) in options {
                    option value=(value) { (text) }
                }
            }
        }
    }
}

fn propose_form(ctx: &Ctx) -> Markup {
    let question = [("ordinary", ctx.t("desk-question-ordinary")), ("important", ctx.t("desk-question-important"))];
    let procedure = [("vote", ctx.t("desk-procedure-vote")), ("silence", ctx.t("desk-procedure-silence"))];
    let content = html! {
        (id_field(ctx, "propose-id"))
        (text_field(ctx, "propose-title", "title", "desk-field-title", 200, None))
        (text_area(ctx, "propose-text", None))
        (select_field(ctx, "propose-question", "question", "desk-field-question", &question))
        (select_field(ctx, "propose-procedure", "procedure", "desk-field-procedure", &procedure))
        (closes_field(ctx, "propose-closes"))
        div class="field" {
            label for="propose-action" { (ctx.t("desk-field-action")) }
            p class="hint" id="propose-action-hint" {
                (layout::prose(&ctx.t("desk-field-action-hint"))) " " code { r#"{"type": "member.suspend", "member": "XYZ"}"# }
            }
            textarea id="propose-action" name="action" rows="3" data-kind="json" data-optional dir="ltr" spellcheck="false"
                autocomplete="off" disabled aria-describedby="propose-action-hint" {}
        }
    };
    act_form("proposal.submit", content, &ctx.t("desk-propose"))
}

fn amend_form(ctx: &Ctx, amendable: &[(String, String)]) -> Markup {
    let options: Vec<(&str, String)> =
        amendable.iter().map(|(id, title)| (id.as_str(), format!("{title} ({id})"))).collect();
    let content = html! {
        (select_field(ctx, "amend-proposal", "proposal", "desk-field-proposal", &options))
        (id_field(ctx, "amend-id"))
        (text_field(ctx, "amend-title", "title", "desk-field-title", 200, None))
        (text_area(ctx, "amend-text", Some("desk-amend-hint")))
        (closes_field(ctx, "amend-closes"))
    };
    act_form("proposal.amend", content, &ctx.t("desk-amend"))
}

fn subscriptions(ctx: &Ctx, d: &DeskData) -> Markup {
    html! {
        @if d.subscriptions.is_empty() {
            p { (ctx.t("desk-no-subscriptions")) }
        } @else {
            p { (ctx.t("desk-your-subscriptions")) }
            ul {
                @for (doc, version, index) in &d.subscriptions {
                    li {
                        (ctx.tr.ta("desk-subscription", &[("document", doc.as_str().into()), ("version", u64::from(*version).into())]))
                        " " (layout::entry_link(*index))
                        (act_form("code.unsubscribe", html! { input type="hidden" name="document" value=(doc); },
                            &ctx.tr.ta("desk-unsubscribe", &[("document", doc.as_str().into())])))
                    }
                }
            }
        }
    }
}

fn subscribe_form(ctx: &Ctx, docs: &[DocChoice]) -> Markup {
    let options: Vec<(&str, String)> = docs
        .iter()
        .map(|d| {
            let latest = ctx.tr.ta(
                "desk-document-latest",
                &[("title", d.title.as_str().into()), ("latest", u64::from(d.latest).into())],
            );
            (d.id.as_str(), format!("{} — {latest}", d.id))
        })
        .collect();
    let latest = docs.first().map_or(1, |d| d.latest);
    let content = html! {
        (select_field(ctx, "subscribe-document", "document", "desk-field-document", &options))
        div class="field" {
            label for="subscribe-version" { (ctx.t("desk-field-version")) }
            input type="number" id="subscribe-version" name="version" min="1" step="1" value=(latest) data-kind="int" required disabled;
        }
    };
    act_form("code.subscribe", content, &ctx.t("desk-subscribe"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn member(id: &str, suspended: bool) -> MemberRow {
        MemberRow {
            id: id.into(),
            name: id.into(),
            names: Default::default(),
            vkey: String::new(),
            last_seq: 0,
            since: 0,
            key_since: 0,
            suspended,
        }
    }

    fn row(id: &str, status: &str, procedure: &str, sponsor: &str, extra: serde_json::Value) -> ProposalRow {
        let mut doc = json!({"id": id, "title": "T", "sponsor": sponsor, "procedure": procedure,
            "closes": "2030-01-01T00:00:00Z", "cosponsors": [], "objections": []});
        if let (Some(d), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        ProposalRow::new(id.into(), 1, status.into(), doc.to_string()).unwrap()
    }

    fn vote(member: &str) -> VoteRow {
        VoteRow { proposal: "p".into(), member: member.into(), vote: "yes".into(), explanation: None, index: 5 }
    }

    /// `ballot_for` where voting began exactly when someone voted on it.
    fn ballot_of(m: &MemberRow, r: ProposalRow, votes: &[VoteRow]) -> Option<Ballot> {
        ballot_for(m, r, votes, !votes.is_empty())
    }

    #[test]
    fn a_recorded_vote_offers_a_vote_until_cast() {
        let fra = member("FRA", false);
        let b = ballot_of(&fra, row("p", "open", "vote", "DEU", json!({})), &[]).unwrap();
        assert!(b.vote && b.cosponsor && !b.object && !b.dissociate && !b.withdraw && !b.withdraw_cosponsor);
        // Once anyone voted, co-sponsoring is over; once FRA voted, nothing is left.
        let b = ballot_of(&fra, row("p", "open", "vote", "DEU", json!({})), &[vote("DEU")]).unwrap();
        assert!(b.vote && !b.cosponsor);
        assert!(ballot_of(&fra, row("p", "open", "vote", "DEU", json!({})), &[vote("FRA")]).is_none());
        // A suspended member is offered nothing.
        assert!(ballot_of(&member("FRA", true), row("p", "open", "vote", "DEU", json!({})), &[]).is_none());
        // Decided ballots are not offered.
        assert!(ballot_of(&fra, row("p", "adopted", "vote", "DEU", json!({})), &[]).is_none());
    }

    #[test]
    fn the_sponsor_may_withdraw_until_voting_begins_and_unless_amended() {
        let fra = member("FRA", false);
        let b = ballot_of(&fra, row("p", "open", "vote", "FRA", json!({})), &[]).unwrap();
        assert!(b.withdraw && b.vote && !b.cosponsor && !b.withdraw_cosponsor);
        // Voting began on one of its amendments: no withdrawal.
        let b = ballot_for(&fra, row("p", "open", "vote", "FRA", json!({})), &[], true).unwrap();
        assert!(!b.withdraw && b.vote);
        let amended = json!({"original_text": "before"});
        assert!(!ballot_of(&fra, row("p", "open", "vote", "FRA", amended), &[]).unwrap().withdraw);
        // Someone else's proposal is never FRA's to withdraw.
        assert!(!ballot_of(&fra, row("p", "open", "vote", "DEU", json!({})), &[]).unwrap().withdraw);
    }

    #[test]
    fn a_cosponsor_may_withdraw_its_cosponsorship_until_voting_begins() {
        let fra = member("FRA", false);
        let co = json!({"cosponsors": [{"member": "FRA", "index": 2}]});
        let b = ballot_of(&fra, row("p", "open", "vote", "DEU", co.clone()), &[]).unwrap();
        assert!(b.withdraw_cosponsor && !b.cosponsor);
        let b = ballot_for(&fra, row("p", "open", "vote", "DEU", co), &[], true).unwrap();
        assert!(!b.withdraw_cosponsor && !b.cosponsor && b.vote);
    }

    #[test]
    fn a_silence_procedure_offers_an_objection_and_a_dissociation_not_a_vote() {
        let fra = member("FRA", false);
        let b = ballot_of(&fra, row("s", "open", "silence", "DEU", json!({})), &[]).unwrap();
        assert!(b.object && b.dissociate && !b.vote && b.cosponsor);
        // The sponsor neither objects, dissociates nor co-sponsors: it may withdraw.
        let b = ballot_of(&fra, row("s", "open", "silence", "FRA", json!({})), &[]).unwrap();
        assert!(b.withdraw && !b.object && !b.dissociate && !b.cosponsor);
        let done = json!({"objections": [{"member": "FRA", "reason": "r", "index": 3}],
            "dissociations": [{"member": "FRA", "reason": "r", "index": 4}],
            "cosponsors": [{"member": "FRA", "index": 2}]});
        let b = ballot_of(&fra, row("s", "open", "silence", "DEU", done), &[]).unwrap();
        assert!(!b.object && !b.dissociate && !b.cosponsor && b.withdraw_cosponsor);
        // Broken silence: now a recorded vote.
        let b = ballot_of(&fra, row("s", "voting", "silence", "DEU", json!({})), &[]).unwrap();
        assert!(b.vote && !b.object && !b.dissociate);
    }

    #[test]
    fn what_awaits_is_ordered_by_deadline_and_names_amendments_to_ones_own() {
        let fra = member("FRA", false);
        let mut late = row("late", "open", "vote", "DEU", json!({"closes": "2030-03-01T00:00:00Z"}));
        late.seq = 1;
        let mut quiet = row("quiet", "open", "silence", "DEU", json!({"closes": "2030-02-01T00:00:00Z"}));
        quiet.seq = 2;
        let mine = row("mine", "open", "vote", "FRA", json!({"closes": "2030-04-01T00:00:00Z"}));
        let mut amend =
            row("amend", "open", "vote", "DEU", json!({"closes": "2030-01-15T00:00:00Z", "amends": "mine"}));
        amend.seq = 4;
        let mut voted = row("voted", "open", "vote", "DEU", json!({"closes": "2030-01-01T00:00:00Z"}));
        voted.seq = 5;
        let pending = vec![late, quiet, mine, amend, voted];
        let votes = BTreeMap::from([("voted".to_string(), vec![vote("FRA")])]);
        let a = awaits_of(&fra, &pending, &votes);
        let got: Vec<(&str, Why)> = a.iter().map(|a| (a.id.as_str(), a.why.clone())).collect();
        assert_eq!(
            got,
            [("amend", Why::Amends("mine".into())), ("quiet", Why::Object), ("late", Why::Vote), ("mine", Why::Vote)]
        );
    }

    #[test]
    fn only_unvoted_proposals_outside_silence_are_amendable() {
        assert!(is_amendable(&row("p", "open", "vote", "DEU", json!({})), &[]));
        assert!(!is_amendable(&row("p", "open", "vote", "DEU", json!({})), &[vote("DEU")]));
        assert!(!is_amendable(&row("p", "open", "silence", "DEU", json!({})), &[]));
        assert!(is_amendable(&row("p", "voting", "silence", "DEU", json!({})), &[]));
        assert!(!is_amendable(&row("a", "open", "vote", "DEU", json!({"amends": "p"})), &[]));
        assert!(!is_amendable(&row("p", "rejected", "vote", "DEU", json!({})), &[]));
    }
}
