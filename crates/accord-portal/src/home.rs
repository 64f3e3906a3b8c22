//! `/`: what the body is, its members, the ballots open now with their
//! deadlines, the latest decisions, and the log's checkpoint.

use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::decisions::Status;
use accord_store::{ProposalPage, ProposalQuery, ProposalRow, Start};
use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};

/// Open ballots shown at most (the proposals page has them all).
const OPEN_SHOWN: u32 = 50;
const DECISIONS_SHOWN: u32 = 8;

struct Home {
    members: usize,
    open: Vec<ProposalRow>,
    open_total: u64,
    decided: Vec<ProposalRow>,
}

pub(crate) async fn page(ctx: Ctx, State(node): State<AppState>) -> Response {
    let r = load(&node, |n| {
        let s = n.reads();
        let members = s.members().map_err(PageError::storage)?.iter().filter(|m| m.id != "secretariat").count();
        let pending = Status::names(Status::PENDING);
        let query = ProposalQuery { statuses: &pending, newest_first: true, start: Start::First, limit: OPEN_SHOWN };
        let ProposalPage { total: open_total, rows: mut open } = s.proposals(&query).map_err(PageError::storage)?;
        open.sort_by(|a, b| str_field(a, "closes").cmp(str_field(b, "closes")).then(a.seq.cmp(&b.seq)));
        let decided = s.recently_closed(DECISIONS_SHOWN).map_err(PageError::storage)?;
        Ok(Home { members, open, open_total, decided })
    })
    .await;
    reply(&ctx, r.map(|(shell, h)| {
        let body = html! {
            h1 { bdi { (shell.name_in(ctx.ui())) } }
            p class="lead" { (ctx.t("home-intro")) }
            p { a href="/members" { (ctx.tr.ta("home-members", &[("count", (h.members as u64).into())])) } }
            section aria-labelledby="open-h" {
                h2 id="open-h" { (ctx.t("home-open-ballots")) }
                @if h.open.is_empty() {
                    p { (ctx.t("home-no-open-ballots")) }
                } @else {
                    (proposal_table(&ctx, &h.open, true))
                    @if h.open_total > h.open.len() as u64 {
                        p { a href="/proposals?status=open" { (ctx.tr.ta("home-all-open", &[("count", h.open_total.into())])) } }
                    }
                }
            }
            section aria-labelledby="decided-h" {
                h2 id="decided-h" { (ctx.t("home-latest-decisions")) }
                @if h.decided.is_empty() {
                    p { (ctx.t("home-no-decisions")) }
                } @else {
                    (proposal_table(&ctx, &h.decided, false))
                }
            }
            section aria-labelledby="log-h" {
                h2 id="log-h" { (ctx.t("home-log")) }
                p { (ctx.tr.ta("home-log-size", &[("size", shell.size.into())])) }
                p { (ctx.t("home-log-root")) " " code class="hash" { (shell.root) } }
                p { a href="/log" { (ctx.t("home-log-verify")) } }
                p { a href="/witnesses" { (ctx.t("home-witnesses")) } }
            }
        };
        let title = ctx.t("nav-home");
        (shell, Page::new(title, Nav::Home, body))
    }))
}

pub(crate) fn str_field<'a>(p: &'a ProposalRow, key: &str) -> &'a str {
    p.doc().get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// A table of proposals: title, status, and the deadline (open) or the
/// closing entry (decided).
pub(crate) fn proposal_table(ctx: &Ctx, rows: &[ProposalRow], open: bool) -> Markup {
    let [proposal, status, when] =
        ["col-proposal", "col-status", if open { "col-closes" } else { "col-closed-at" }].map(|id| ctx.t(id));
    html! {
        table class="proposals cards" {
            thead {
                tr {
                    th scope="col" { (proposal) }
                    th scope="col" { (status) }
                    th scope="col" { (when) }
                }
            }
            tbody {
                @for p in rows {
                    tr {
                        td data-label=(proposal) { a href=(format!("/proposals/{}", p.id)) { bdi { (str_field(p, "title")) } } }
                        td data-label=(status) { span class=(format!("status status-{}", p.status)) { (ctx.t(&format!("status-{}", p.status))) } }
                        td data-label=(when) {
                            @if open {
                                (layout::deadline(ctx.ui(), str_field(p, "closes")))
                            } @else if let Some(i) = p.doc().get("closed_at").and_then(|v| v.as_u64()) {
                                (layout::entry_link(i))
                            }
                        }
                    }
                }
            }
        }
    }
}
