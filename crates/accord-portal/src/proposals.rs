//! `/proposals` and `/proposals/{id}`: every proposal and amendment with
//! its status, deadline and tally, newest first, 50 a page, filtered by
//! status; and each one's page with its recorded vote (see `detail`).
//!
//! What it is not: no counting of its own and no SQL. A page is one store
//! query; the tally of a closed ballot is the one its record keeps, and
//! the few open ballots are counted live by `accord_node::ballots`, the
//! computation the JSON API shares.

mod action;
mod chart;
mod detail;
mod record;

use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::decisions::{Status, Tally};
use accord_node::ballots::LiveTallies;
use accord_store::{ProposalPage, ProposalQuery, Reads, Start};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use record::{member_link, procedure_words, status_badge, Record};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Proposals a page.
const PER_PAGE: u32 = 50;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/proposals", get(list)).route("/proposals/{id}", get(detail::page))
}

/// Which proposals the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    All,
    /// Still to be decided: open or voting.
    Open,
    /// Decided by the members: adopted, rejected or failed for want of
    /// quorum.
    Decided,
    One(Status),
}

impl Filter {
    /// The choices of the form, in order.
    fn choices() -> Vec<Filter> {
        let mut v = vec![Filter::All, Filter::Open, Filter::Decided];
        // `open` names the group above (open or voting), as the home
        // page's link to every open ballot expects.
        v.extend(Status::ALL.iter().copied().filter(|s| *s != Status::Open).map(Filter::One));
        v
    }

    fn parse(s: &str) -> Option<Filter> {
        Filter::choices().into_iter().find(|f| f.value() == s).or((s.is_empty()).then_some(Filter::All))
    }

    fn value(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Open => "open",
            Filter::Decided => "decided",
            Filter::One(s) => s.as_str(),
        }
    }

    fn label(self, ctx: &Ctx) -> String {
        match self {
            Filter::All => ctx.t("proposals-filter-all"),
            Filter::Open => ctx.t("proposals-filter-open"),
            Filter::Decided => ctx.t("proposals-filter-decided"),
            Filter::One(s) => ctx.t(&format!("status-{}", s.as_str())),
        }
    }

    /// The statuses it selects (none: every one).
    fn statuses(self) -> Vec<&'static str> {
        match self {
            Filter::All => Vec::new(),
            Filter::Open => Status::names(Status::PENDING),
            Filter::Decided => Status::names(Status::DECIDED),
            Filter::One(s) => vec![s.as_str()],
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    page: Option<String>,
    status: Option<String>,
}

/// The list's query, checked: the filter and the page (from 1).
fn parse_query(ctx: &Ctx, q: Result<Query<ListQuery>, QueryRejection>) -> Result<(Filter, u64), PageError> {
    let Query(q) = q.map_err(|e| {
        PageError::bad_request(ctx.tr.ta("proposals-bad-query", &[("why", e.body_text().as_str().into())]))
    })?;
    let filter = match q.status.as_deref() {
        None => Filter::All,
        Some(s) => Filter::parse(s).ok_or_else(|| {
            let allowed: Vec<&str> = Filter::choices().into_iter().map(Filter::value).collect();
            let got: String = s.chars().take(40).collect();
            PageError::bad_request(ctx.tr.ta(
                "proposals-bad-status",
                &[("got", got.as_str().into()), ("allowed", allowed.join(", ").as_str().into())],
            ))
        })?,
    };
    let page = match q.page.as_deref() {
        None | Some("") => 1,
        Some(p) => p.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            let got: String = p.chars().take(40).collect();
            PageError::bad_request(ctx.tr.ta("proposals-bad-page", &[("got", got.as_str().into())]))
        })?,
    };
    Ok((filter, page))
}

/// What a row's tally column shows.
enum TallyCell {
    Count(Tally),
    /// Adopted under the silence procedure: no vote was held.
    Consensus,
    /// Under the silence procedure, unbroken so far.
    Silence,
    /// Closed without a count (withdrawn, moot).
    None,
}

struct Row {
    record: Record,
    tally: TallyCell,
}

struct ListPage {
    rows: Vec<Row>,
    total: u64,
    names: BTreeMap<String, String>,
}

async fn list(ctx: Ctx, State(node): State<AppState>, q: Result<Query<ListQuery>, QueryRejection>) -> Response {
    let (filter, page) = match parse_query(&ctx, q) {
        Ok(v) => v,
        Err(e) => return reply(&ctx, Err(e)),
    };
    let tr = ctx.tr;
    let r = load(&node, move |n| read_page(n.reads(), filter, page, tr)).await;
    reply(
        &ctx,
        r.map(|(shell, data)| {
            let title = ctx.t("proposals-title");
            let body = list_body(&ctx, filter, page, &data);
            (shell, Page::new(title, Nav::Proposals, body))
        }),
    )
}

/// One page query, the members once, and a live count for each ballot on
/// the page that is still being voted (closed ones keep their count).
fn read_page(store: &dyn Reads, filter: Filter, page: u64, tr: crate::i18n::Tr) -> Result<ListPage, PageError> {
    // Far past any real log; keeps the offset within SQL's integers.
    const MAX_OFFSET: u64 = 1 << 53;
    let offset = (page - 1).saturating_mul(u64::from(PER_PAGE)).min(MAX_OFFSET);
    // The query `/api/v1/proposals?status=…&order=newest&offset=…` makes,
    // which `accord audit` compares for every filter offered here.
    let statuses = filter.statuses();
    let query =
        ProposalQuery { statuses: &statuses, newest_first: true, start: Start::Offset(offset), limit: PER_PAGE };
    let ProposalPage { total, rows: found } = store.proposals(&query).map_err(PageError::storage)?;
    let members = store.members().map_err(PageError::storage)?;
    let mut live = LiveTallies::with_members(store, &members);
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        let record = Record::parse_str(&row.json)?;
        let tally = match record.tally.map(accord_core::decisions::Tally::from) {
            _ if record.adopted_by.as_deref() == Some("consensus") => TallyCell::Consensus,
            Some(t) => TallyCell::Count(t),
            None if record.is_pending() && record.has_vote() => {
                TallyCell::Count(live.count(&row.id).map_err(PageError::storage)?)
            }
            None if record.is_pending() => TallyCell::Silence,
            None => TallyCell::None,
        };
        rows.push(Row { record, tally });
    }
    let names = crate::names::of_members(tr, &members);
    Ok(ListPage { rows, total, names })
}

fn pages(total: u64) -> u64 {
    total.div_ceil(u64::from(PER_PAGE)).max(1)
}

fn list_href(filter: Filter, page: u64) -> String {
    match (filter, page) {
        (Filter::All, 1) => "/proposals".into(),
        (Filter::All, p) => format!("/proposals?page={p}"),
        (f, 1) => format!("/proposals?status={}", f.value()),
        (f, p) => format!("/proposals?status={}&page={p}", f.value()),
    }
}

fn list_body(ctx: &Ctx, filter: Filter, page: u64, data: &ListPage) -> Markup {
    let last = pages(data.total);
    html! {
        h1 { (ctx.t("proposals-title")) }
        form class="inline" method="get" action="/proposals" {
            div class="field" {
                label for="status" { (ctx.t("proposals-filter-label")) }
                select id="status" name="status" {
                    @for f in Filter::choices() {
                        option value=(f.value()) selected[f == filter] { (f.label(ctx)) }
                    }
                }
            }
            div class="field" { button type="submit" { (ctx.t("proposals-filter-show")) } }
        }
        p { (ctx.tr.ta("proposals-count", &[("count", data.total.into())])) }
        @if data.rows.is_empty() && page > last {
            p { (page_words(ctx, "proposals-beyond-end", page, last)) }
            p { a href=(list_href(filter, last)) { (ctx.t("proposals-back-to-last")) } }
        } @else if data.rows.is_empty() {
            p { (ctx.t("proposals-none-found")) }
        } @else {
            (table(ctx, &data.rows, &data.names))
            (pager(ctx, filter, page, last))
        }
    }
}

/// Message `id` about page `page` of `last`. Page numbers go in as text:
/// any `u64` may be asked for, and numbers past 2^53 do not survive `f64`.
fn page_words(ctx: &Ctx, id: &str, page: u64, last: u64) -> String {
    let (page, last) = (page.to_string(), last.to_string());
    ctx.tr.ta(id, &[("page", page.as_str().into()), ("pages", last.as_str().into())])
}

fn pager(ctx: &Ctx, filter: Filter, page: u64, last: u64) -> Markup {
    html! {
        nav class="pager" aria-label=(ctx.t("proposals-pages")) {
            @if page > 1 {
                a rel="prev" href=(list_href(filter, page - 1)) { (layout::arrow_back()) " " (ctx.t("proposals-previous")) }
            }
            span { (page_words(ctx, "proposals-page-of", page, last)) }
            @if page < last {
                a rel="next" href=(list_href(filter, page + 1)) { (ctx.t("proposals-next")) " " (layout::arrow_forward()) }
            }
        }
    }
}

fn table(ctx: &Ctx, rows: &[Row], names: &BTreeMap<String, String>) -> Markup {
    let [proposal, sponsor, procedure, status, deadline, tally] = [
        "col-proposal",
        "proposals-sponsor",
        "proposals-procedure",
        "col-status",
        "proposals-deadline",
        "proposals-tally",
    ]
    .map(|id| ctx.t(id));
    html! {
        table class="proposals cards" {
            caption { (ctx.t("proposals-list-caption")) }
            thead {
                tr {
                    th scope="col" { (proposal) }
                    th scope="col" { (sponsor) }
                    th scope="col" { (procedure) }
                    th scope="col" { (status) }
                    th scope="col" { (deadline) }
                    th scope="col" { (tally) }
                }
            }
            tbody {
                @for row in rows {
                    @let r = &row.record;
                    tr {
                        td data-label=(proposal) {
                            a href=(format!("/proposals/{}", r.id)) { bdi { (r.title) } }
                            @if let Some(p) = &r.amends {
                                br;
                                span class="hint" {
                                    (ctx.t("proposals-amends")) " " a href=(format!("/proposals/{p}")) { (p) }
                                }
                            }
                        }
                        td data-label=(sponsor) { (member_link(&r.sponsor, names.get(&r.sponsor).map(String::as_str))) }
                        td data-label=(procedure) { (procedure_words(ctx, r.procedure)) }
                        td data-label=(status) { (status_badge(ctx, &r.status)) }
                        td data-label=(deadline) {
                            @if r.is_pending() { (layout::deadline(ctx.ui(), &r.closes)) } @else { (layout::time(ctx.ui(), &r.closes)) }
                        }
                        td data-label=(tally) { (tally_cell(ctx, &row.tally)) }
                    }
                }
            }
        }
    }
}

fn tally_cell(ctx: &Ctx, t: &TallyCell) -> Markup {
    match t {
        TallyCell::Count(t) => html! {
            (ctx.tr.ta("proposals-tally-short", &[("yes", t.yes.into()), ("no", t.no.into()), ("abstain", t.abstain.into())]))
        },
        TallyCell::Consensus => html! { (ctx.t("proposals-by-consensus")) },
        TallyCell::Silence => html! { (ctx.t("proposals-silence-no-vote")) },
        TallyCell::None => html! { (ctx.t("proposals-no-count")) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_and_open_means_open_or_voting() {
        for f in Filter::choices() {
            assert_eq!(Filter::parse(f.value()), Some(f));
        }
        assert_eq!(Filter::parse(""), Some(Filter::All));
        assert_eq!(Filter::parse("closed"), None);
        assert_eq!(Filter::Open.statuses(), ["open", "voting"]);
        assert_eq!(Filter::parse("failed-quorum"), Some(Filter::One(Status::FailedQuorum)));
    }

    #[test]
    fn pages_and_links() {
        assert_eq!((pages(0), pages(50), pages(51)), (1, 1, 2));
        assert_eq!(list_href(Filter::All, 1), "/proposals");
        assert_eq!(list_href(Filter::Decided, 3), "/proposals?status=decided&page=3");
    }
}
