//! `/proposals/{id}`: one proposal or amendment — its facts, full text and
//! action in words, its amendments, the silence procedure's state, the
//! recorded vote (each member's vote, the tally as a table and as a chart,
//! the majority and quorum), and every log entry about it.
//!
//! What it is not: no counting of its own. The record and the tally come
//! from `accord_node::ballots`, the same computation the JSON API serves.

use super::action::{self, majority_words, quorum_words};
use super::chart::chart;
use super::record::{
    adopted_by_words, member_link, procedure_words, question_words, status_badge, vote_badge, Record, SilenceNote,
};
use crate::ctx::Ctx;
use crate::layout::{self, entry_link, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::acts::decision::Action;
use accord_core::acts::decision::{valid_id, Procedure, Question};
use accord_core::decisions::rules::Rules;
use accord_core::decisions::{Status, Tally};
use accord_node::ballots::{self, Ballot};
use accord_store::ProposalRow;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// An amendment as listed on its proposal's page.
struct AmendmentLine {
    id: String,
    title: String,
    status: String,
    submitted: Option<u64>,
}

/// Everything the page shows.
struct Detail {
    ballot: Ballot,
    record: Record,
    /// Member names by id.
    names: BTreeMap<String, String>,
    /// For an amendment: the proposal's id and title.
    parent: Option<(String, String)>,
    amendments: Vec<AmendmentLine>,
    /// The rules of procedure in force now, if they can be read.
    rules: Option<Rules>,
    /// For a `code.amend`: the version it amends, as it reads now.
    base: Option<accord_core::code::Version>,
}

pub(crate) async fn page(ctx: Ctx, State(node): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let id = match id {
        Ok(Path(id)) if valid_id(&id) => id,
        Ok(Path(id)) => return reply(&ctx, Err(bad_id(&ctx, &id))),
        Err(e) => return reply(&ctx, Err(bad_id(&ctx, &e.body_text()))),
    };
    let tr = ctx.tr;
    let r = load(&node, move |n| read(n.reads(), &id, tr)).await;
    reply(
        &ctx,
        r.map(|(shell, d)| {
            let title = d.record.title.clone();
            (shell, Page::new(title, Nav::Proposals, body(&ctx, &d)))
        }),
    )
}

fn bad_id(ctx: &Ctx, got: &str) -> PageError {
    let shown: String = got.chars().take(80).collect();
    PageError::bad_request(ctx.tr.ta("proposals-bad-id", &[("got", shown.as_str().into())]))
}

fn read(store: &dyn accord_store::Reads, id: &str, tr: crate::i18n::Tr) -> Result<Detail, PageError> {
    let Some(ballot) = ballots::ballot(store, id).map_err(PageError::storage)? else {
        return Err(PageError::msg(StatusCode::NOT_FOUND, "proposals-unknown"));
    };
    let record = Record::parse(&ballot.record)?;
    let names = crate::names::of_members(tr, &store.members().map_err(PageError::storage)?);
    let parent = match &record.amends {
        Some(p) => store.proposal(p).map_err(PageError::storage)?.map(|row| (row.id.clone(), title_of(&row))),
        None => None,
    };
    let mut amendments = Vec::with_capacity(record.amendments.len());
    for a in &record.amendments {
        if let Some(row) = store.proposal(a).map_err(PageError::storage)? {
            let submitted = row.doc().get("entries").and_then(|e| e.get(0)).and_then(|v| v.as_u64());
            amendments.push(AmendmentLine { id: row.id.clone(), title: title_of(&row), status: row.status, submitted });
        }
    }
    let rules = store.body_fact("rules").map_err(PageError::storage)?.and_then(|s| serde_json::from_str(&s).ok());
    let base = match record.action.as_ref().and_then(|a| serde_json::from_value::<Action>(a.clone()).ok()) {
        Some(Action::CodeAmend { document, base, .. }) => store
            .document(&document)
            .map_err(PageError::storage)?
            .and_then(|d| d.versions.iter().find(|v| v.number == base).map(|v| v.current())),
        _ => None,
    };
    Ok(Detail { ballot, record, names, parent, amendments, rules, base })
}

fn title_of(row: &ProposalRow) -> String {
    row.doc().get("title").and_then(|v| v.as_str()).unwrap_or(&row.id).to_string()
}

impl Detail {
    fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    fn member(&self, id: &str) -> Markup {
        member_link(id, self.name(id))
    }
}

fn body(ctx: &Ctx, d: &Detail) -> Markup {
    let r = &d.record;
    html! {
        (header(ctx, d))
        (facts(ctx, d))
        section aria-labelledby="text-h" {
            h2 id="text-h" { (ctx.t("proposals-text")) }
            (paragraphs(&r.text))
            @if let Some(orig) = &r.original_text {
                details {
                    summary { (ctx.t("proposals-original-text")) }
                    (paragraphs(orig))
                }
            }
        }
        @if let Some(a) = &r.action {
            section aria-labelledby="action-h" {
                h2 id="action-h" { (ctx.t("proposals-action")) }
                (action::describe(ctx, a, &d.names, d.base.as_ref()))
                @if let Some(res) = &r.action_result {
                    p { (ctx.t("proposals-action-result")) " " (action::result_words(ctx, res, a, &d.names)) }
                }
            }
        }
        @if !d.amendments.is_empty() {
            (amendments(ctx, d))
        }
        @if r.procedure == Procedure::Silence {
            (silence(ctx, d))
        }
        @if r.has_vote() {
            (recorded_vote(ctx, d))
        }
        (entries(ctx, d))
    }
}

fn header(ctx: &Ctx, d: &Detail) -> Markup {
    let r = &d.record;
    html! {
        h1 { bdi { (r.title) } }
        p {
            (ctx.t("proposals-status")) " " (status_badge(ctx, &r.status))
            @if let Some(how) = adopted_by_words(ctx, r.adopted_by.as_deref()) { " " (how) }
        }
        @if let Some(parent) = &r.amends {
            p {
                (ctx.t("proposals-amends")) " "
                a href=(format!("/proposals/{parent}")) {
                    (d.parent.as_ref().map_or(parent.as_str(), |(_, t)| t.as_str()))
                }
            }
        }
    }
}

fn facts(ctx: &Ctx, d: &Detail) -> Markup {
    let r = &d.record;
    html! {
        dl class="facts" {
            dt { (ctx.t("proposals-sponsor")) }
            dd {
                (d.member(&r.sponsor))
                @if let Some(i) = r.submitted_at() { " " (entry_link(i)) }
            }
            dt { (ctx.t("proposals-cosponsors")) }
            dd {
                @if r.cosponsors.is_empty() {
                    (ctx.t("proposals-none"))
                } @else {
                    ul { @for c in &r.cosponsors { li { (d.member(&c.member)) " " (entry_link(c.index)) } } }
                }
            }
            dt { (ctx.t("proposals-question")) }
            dd { (question_words(ctx, r.question)) }
            dt { (ctx.t("proposals-procedure")) }
            dd { (procedure_words(ctx, r.procedure)) }
            dt { (ctx.t("proposals-submitted")) }
            dd {
                (layout::time(ctx.ui(), &r.submitted))
                @if let Some(i) = r.submitted_at() { " " (entry_link(i)) }
            }
            dt { (ctx.t("proposals-deadline")) }
            dd {
                @if r.is_pending() { (layout::deadline(ctx.ui(), &r.closes)) } @else { (layout::time(ctx.ui(), &r.closes)) }
            }
            @if let Some(i) = r.closed_at {
                dt { (ctx.t("proposals-closed-at")) }
                dd { (entry_link(i)) }
            }
        }
    }
}

/// The text split into paragraphs on blank lines; single line breaks kept.
pub(crate) fn paragraphs(text: &str) -> Markup {
    let mut paras: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paras.push(current);
    }
    html! {
        @for p in &paras {
            p dir="auto" {
                @for (i, line) in p.iter().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}

fn amendments(ctx: &Ctx, d: &Detail) -> Markup {
    html! {
        section aria-labelledby="amendments-h" {
            h2 id="amendments-h" { (ctx.t("proposals-amendments")) }
            p class="hint" { (ctx.t("proposals-amendments-order")) }
            ol {
                @for a in &d.amendments {
                    li {
                        a href=(format!("/proposals/{}", a.id)) { (a.title) }
                        " " (status_badge(ctx, &a.status))
                        @if let Some(i) = a.submitted { " " (entry_link(i)) }
                    }
                }
            }
        }
    }
}

fn silence(ctx: &Ctx, d: &Detail) -> Markup {
    let r = &d.record;
    let first = r.objections.first();
    html! {
        section aria-labelledby="silence-h" {
            h2 id="silence-h" { (ctx.t("proposals-silence")) }
            @if let Some(o) = first {
                p class="silence-broken" {
                    (ctx.tr.ta("proposals-silence-broken", &[
                        ("member", d.name(&o.member).unwrap_or(&o.member).into()),
                        ("entry", o.index.into()),
                    ]))
                }
                p { (ctx.t("proposals-silence-vote-until")) " " (layout::deadline(ctx.ui(), &r.closes)) }
                (silence_table(ctx, d, &r.objections, "objections", "proposals-objections"))
            } @else if r.is_pending() {
                p class="silence-unbroken" { (ctx.t("proposals-silence-unbroken")) }
                p { (ctx.t("proposals-silence-until")) " " (layout::deadline(ctx.ui(), &r.closes)) }
            } @else if r.adopted_by.as_deref() == Some("consensus") {
                p class="silence-unbroken" { (ctx.t("proposals-silence-held")) }
            } @else {
                p class="silence-unbroken" { (ctx.t("proposals-silence-not-broken")) }
            }
            h3 { (ctx.t("proposals-dissociations")) }
            p class="hint" { (ctx.t("proposals-dissociations-hint")) }
            @if r.dissociations.is_empty() {
                p { (ctx.t("proposals-no-dissociations")) }
            } @else {
                (silence_table(ctx, d, &r.dissociations, "dissociations", "proposals-dissociations"))
            }
        }
    }
}

fn silence_table(ctx: &Ctx, d: &Detail, notes: &[SilenceNote], id: &str, caption: &str) -> Markup {
    let [member, reason, entry] = ["proposals-member", "proposals-reason", "proposals-entry"].map(|id| ctx.t(id));
    html! {
        table id=(id) class="cards" {
            caption { (ctx.t(caption)) }
            thead {
                tr {
                    th scope="col" { (member) }
                    th scope="col" { (reason) }
                    th scope="col" { (entry) }
                }
            }
            tbody {
                @for n in notes {
                    tr {
                        td data-label=(member) { (d.member(&n.member)) }
                        td data-label=(reason) dir="auto" { (n.reason) }
                        td data-label=(entry) { (entry_link(n.index)) }
                    }
                }
            }
        }
    }
}

fn recorded_vote(ctx: &Ctx, d: &Detail) -> Markup {
    let b = &d.ballot;
    let [member, vote, explanation, entry] =
        ["proposals-member", "proposals-vote", "proposals-explanation", "proposals-entry"].map(|id| ctx.t(id));
    html! {
        section aria-labelledby="vote-h" {
            h2 id="vote-h" { (ctx.t("proposals-recorded-vote")) }
            @if b.votes.is_empty() {
                p { (ctx.t("proposals-no-votes")) }
            } @else {
                table id="votes" class="cards" {
                    caption { (ctx.t("proposals-votes-caption")) }
                    thead {
                        tr {
                            th scope="col" { (member) }
                            th scope="col" { (vote) }
                            th scope="col" { (explanation) }
                            th scope="col" { (entry) }
                        }
                    }
                    tbody {
                        @for v in &b.votes {
                            tr {
                                td data-label=(member) { (d.member(&v.member)) }
                                td data-label=(vote) { (vote_badge(ctx, &v.vote)) }
                                td data-label=(explanation) dir="auto" { @if let Some(e) = &v.explanation { (e) } }
                                td data-label=(entry) { (entry_link(v.index)) }
                            }
                        }
                    }
                }
            }
            h3 id="tally-h" { (ctx.t("proposals-tally")) }
            @if b.tally_is_final {
                p { (ctx.t("proposals-tally-final")) @if let Some(i) = d.record.closed_at { " " (entry_link(i)) } }
            } @else if d.record.is_pending() {
                p { (ctx.t("proposals-tally-live")) " " (layout::deadline(ctx.ui(), &d.record.closes)) }
            } @else {
                p { (ctx.t("proposals-tally-not-final")) }
            }
            (tally_table(ctx, &b.tally))
            (chart(ctx, &b.tally, "results"))
            (majority(ctx, d))
        }
    }
}

fn tally_table(ctx: &Ctx, t: &Tally) -> Markup {
    let cells = [
        ("yes", "proposals-vote-yes", t.yes),
        ("no", "proposals-vote-no", t.no),
        ("abstain", "proposals-vote-abstain", t.abstain),
        ("not_voting", "proposals-not-voting", t.not_voting),
    ];
    html! {
        table id="tally" aria-labelledby="tally-h" {
            thead { tr { @for (_, label, _) in &cells { th scope="col" { (ctx.t(label)) } } } }
            tbody { tr { @for (key, _, n) in &cells { td data-vote=(key) { (n) } } } }
        }
    }
}

/// The majority and quorum of the rules in force now, how many took part,
/// and, once closed, whether quorum and majority were met.
fn majority(ctx: &Ctx, d: &Detail) -> Markup {
    let t = &d.ballot.tally;
    let taking_part = t.yes + t.no + t.abstain;
    let entitled = taking_part + t.not_voting;
    let outcome = if d.ballot.tally_is_final { d.record.status() } else { None };
    html! {
        h3 id="majority-h" { (ctx.t("proposals-majority")) }
        @if let Some(rules) = &d.rules {
            p { (ctx.t("proposals-rules-now")) }
            ul {
                li {
                    (ctx.t("proposals-majority-required")) " " (majority_words(ctx, match d.record.question {
                        Question::Ordinary => rules.ordinary_majority,
                        Question::Important => rules.important_majority,
                    }))
                    " (" (question_words(ctx, d.record.question)) ")"
                }
                li { (ctx.t("proposals-rule-quorum")) ": " (quorum_words(ctx, rules.quorum)) }
            }
        }
        p { (ctx.tr.ta("proposals-taking-part", &[("n", taking_part.into()), ("of", entitled.into())])) }
        @match outcome {
            Some(Status::FailedQuorum) => p { (ctx.t("proposals-quorum-not-met")) },
            Some(Status::Adopted) => p { (ctx.t("proposals-quorum-met")) " " (ctx.t("proposals-majority-met")) },
            Some(Status::Rejected) => p { (ctx.t("proposals-quorum-met")) " " (ctx.t("proposals-majority-not-met")) },
            _ => {},
        }
    }
}

fn entries(ctx: &Ctx, d: &Detail) -> Markup {
    let labels = entry_labels(ctx, d);
    html! {
        section aria-labelledby="entries-h" {
            h2 id="entries-h" { (ctx.t("proposals-entries")) }
            p class="hint" { (ctx.t("proposals-entries-hint")) }
            ul class="entries" {
                @for i in &d.ballot.entries {
                    li {
                        (entry_link(*i))
                        @if let Some(l) = labels.get(i) { " — " (l) }
                    }
                }
            }
        }
    }
}

/// What each entry did, where the record says.
fn entry_labels(ctx: &Ctx, d: &Detail) -> BTreeMap<u64, String> {
    let r = &d.record;
    let who = |m: &str| d.name(m).unwrap_or(m).to_string();
    let mut out = BTreeMap::new();
    let mut put = |i: u64, id: &str, arg: (&str, &str)| {
        out.insert(i, ctx.tr.ta(id, &[(arg.0, arg.1.into())]));
    };
    if let Some(i) = r.submitted_at() {
        put(i, "proposals-entry-submitted", ("member", &who(&r.sponsor)));
    }
    for c in &r.cosponsors {
        put(c.index, "proposals-entry-cosponsor", ("member", &who(&c.member)));
    }
    for o in &r.objections {
        put(o.index, "proposals-entry-objection", ("member", &who(&o.member)));
    }
    for o in &r.dissociations {
        put(o.index, "proposals-entry-dissociation", ("member", &who(&o.member)));
    }
    for a in &d.amendments {
        if let Some(i) = a.submitted {
            put(i, "proposals-entry-amendment", ("id", &a.id));
        }
    }
    for v in &d.ballot.votes {
        put(v.index, "proposals-entry-vote", ("member", &who(&v.member)));
    }
    if let Some(i) = r.closed_at {
        put(i, "proposals-entry-closed", ("id", &r.id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let html = paragraphs("First line\nsame paragraph\n\n  \nSecond <b>\n").into_string();
        assert_eq!(html, "<p dir=\"auto\">First line<br>same paragraph</p><p dir=\"auto\">Second &lt;b&gt;</p>");
        assert_eq!(paragraphs("").into_string(), "");
    }
}
