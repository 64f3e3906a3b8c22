//! `/members` and `/members/{id}`: who the members are, since when, their
//! current key, what they subscribe to, the votes they cast and every
//! statement they signed (newest first, paged by log index).

use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::names;
use crate::AppState;
use accord_core::code::Subscription;
use accord_core::MemberId;
use accord_store::{MemberRow, StatementRow, VoteRow};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

/// Rows of votes and statements shown per page of a member.
const PER_PAGE: u32 = 50;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/members", get(list)).route("/members/{id}", get(member))
}

/// The `+<hex>+` key id in a vkey (`name+<8 hex>+<base64>`).
fn key_id(vkey: &str) -> &str {
    vkey.split('+').nth(1).unwrap_or("")
}

async fn list(ctx: Ctx, State(node): State<AppState>) -> Response {
    let r = load(&node, |n| n.reads().members().map_err(PageError::storage)).await;
    reply(
        &ctx,
        r.map(|(shell, members)| {
            let (secretariat, states): (Vec<&MemberRow>, Vec<&MemberRow>) =
                members.iter().partition(|m| m.id == "secretariat");
            let body = html! {
                h1 { (ctx.t("members-title")) }
                p { (ctx.tr.ta("members-count", &[("count", (states.len() as u64).into())])) }
                @let [id, name, since, key, standing_h] = [
                    "members-col-id", "members-col-name", "members-col-since", "members-col-key", "members-col-standing",
                ].map(|m| ctx.t(m));
                // On a phone each row becomes a card, each cell under its heading.
                table id="members" class="cards" {
                    caption { (ctx.t("members-caption")) }
                    thead { tr {
                        th scope="col" { (id) }
                        th scope="col" { (name) }
                        th scope="col" { (since) }
                        th scope="col" { (key) }
                        th scope="col" { (standing_h) }
                    } }
                    tbody {
                        @for m in &states {
                            tr {
                                td data-label=(id) { a href=(format!("/members/{}", m.id)) { code { (m.id) } } }
                                td data-label=(name) { bdi { (names::of_member(ctx.tr, m)) } }
                                td data-label=(since) { (layout::entry_link(m.since)) }
                                td data-label=(key) { code { (key_id(&m.vkey)) } }
                                td data-label=(standing_h) { (standing(&ctx, m)) }
                            }
                        }
                    }
                }
                @for s in &secretariat {
                    p class="hint" {
                        (ctx.t("members-secretariat-note")) " "
                        a href=(format!("/members/{}", s.id)) { (names::of_member(ctx.tr, s)) }
                    }
                }
            };
            (shell, Page::new(ctx.t("members-title"), Nav::Members, body))
        }),
    )
}

fn standing(ctx: &Ctx, m: &MemberRow) -> String {
    ctx.t(if m.suspended { "members-suspended" } else { "members-in-good-standing" })
}

/// `?before=N`: show entries older than log index N.
fn parse_before(q: Option<&str>) -> Result<Option<u64>, String> {
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        if let Some(v) = pair.strip_prefix("before=") {
            return v.parse::<u64>().map(Some).map_err(|_| format!("before must be a log index (got {v:?})"));
        }
    }
    Ok(None)
}

struct MemberPage {
    m: MemberRow,
    subscriptions: Vec<(String, Subscription)>,
    votes: Vec<VoteRow>,
    statements: Vec<StatementRow>,
}

async fn member(
    ctx: Ctx,
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let Path(id) = id.map_err(|_| PageError::not_found())?;
        let id = MemberId::parse(&id).ok_or_else(PageError::not_found)?;
        let before = parse_before(q.as_deref()).map_err(PageError::bad_request)?;
        load(&node, move |n| {
            let s = n.reads();
            let m = s.member(id.as_str()).map_err(PageError::storage)?.ok_or_else(PageError::not_found)?;
            Ok(MemberPage {
                subscriptions: s.subscriptions_of(id.as_str()).map_err(PageError::storage)?,
                votes: s.votes_by_member(id.as_str(), None, PER_PAGE).map_err(PageError::storage)?,
                statements: s.statements_by_member(id.as_str(), before, PER_PAGE).map_err(PageError::storage)?,
                m,
            })
        })
        .await
    }
    .await;
    reply(
        &ctx,
        r.map(|(shell, p)| (shell, Page::new(names::of_member(ctx.tr, &p.m), Nav::Members, member_body(&ctx, &p)))),
    )
}

fn member_body(ctx: &Ctx, p: &MemberPage) -> Markup {
    let m = &p.m;
    html! {
        h1 { bdi { (names::of_member(ctx.tr, m)) } " " small { code { (m.id) } } }
        dl class="panel" {
            dt { (ctx.t("members-joined")) } dd { (layout::entry_link(m.since)) }
            dt { (ctx.t("members-current-key")) }
            dd { code class="hash" { (m.vkey) } " " span class="hint" { (ctx.t("members-key-since")) " " (layout::entry_link(m.key_since)) } }
            dt { (ctx.t("members-col-standing")) } dd { (standing(ctx, m)) }
            dt { (ctx.t("members-statements-signed")) } dd { (m.last_seq) }
        }
        section aria-labelledby="subs-h" {
            h2 id="subs-h" { (ctx.t("members-subscriptions")) }
            @if p.subscriptions.is_empty() {
                p { (ctx.t("members-no-subscriptions")) }
            } @else {
                ul {
                    @for (doc, s) in &p.subscriptions {
                        li {
                            a href=(format!("/code/{doc}/versions/{}", s.version)) {
                                (ctx.tr.ta("members-subscribes-to", &[("document", doc.as_str().into()), ("version", u64::from(s.version).into())]))
                            }
                            " — " (ctx.t("members-since")) " " (layout::entry_link(s.index.0)) " " (layout::time(ctx.ui(), &s.time.to_rfc3339()))
                        }
                    }
                }
            }
        }
        section aria-labelledby="votes-h" {
            h2 id="votes-h" { (ctx.t("members-votes")) }
            @if p.votes.is_empty() {
                p { (ctx.t("members-no-votes")) }
            } @else {
                @let [proposal, vote, explanation, entry] =
                    ["col-proposal", "members-col-vote", "members-col-explanation", "members-col-entry"].map(|m| ctx.t(m));
                table id="member-votes" class="cards" {
                    thead { tr {
                        th scope="col" { (proposal) }
                        th scope="col" { (vote) }
                        th scope="col" { (explanation) }
                        th scope="col" { (entry) }
                    } }
                    tbody {
                        @for v in &p.votes {
                            tr {
                                td data-label=(proposal) { a href=(format!("/proposals/{}", v.proposal)) { code { (v.proposal) } } }
                                td data-label=(vote) { span class=(format!("vote-{}", v.vote)) { (ctx.t(&format!("members-vote-{}", v.vote))) } }
                                @match &v.explanation {
                                    Some(e) => td data-label=(explanation) { span dir="auto" { (e) } },
                                    None => td {},
                                }
                                td data-label=(entry) { (layout::entry_link(v.index)) }
                            }
                        }
                    }
                }
                @if p.votes.len() as u32 == PER_PAGE {
                    p class="hint" { (ctx.tr.ta("members-latest-votes-only", &[("count", u64::from(PER_PAGE).into())])) }
                }
            }
        }
        section aria-labelledby="st-h" {
            h2 id="st-h" { (ctx.t("members-statements")) }
            @if p.statements.is_empty() {
                p { (ctx.t("members-no-statements")) }
            } @else {
                @let [entry, kind, seq] = ["members-col-entry", "members-col-type", "members-col-seq"].map(|m| ctx.t(m));
                table id="member-statements" class="cards" {
                    thead { tr {
                        th scope="col" { (entry) }
                        th scope="col" { (kind) }
                        th scope="col" { (seq) }
                    } }
                    tbody {
                        @for s in &p.statements {
                            tr {
                                td data-label=(entry) { (layout::entry_link(s.index)) }
                                td data-label=(kind) { code { (s.kind) } }
                                td data-label=(seq) { (s.seq) }
                            }
                        }
                    }
                }
                @if let Some(last) = p.statements.last().filter(|_| p.statements.len() as u32 == PER_PAGE) {
                    nav class="pager" aria-label=(ctx.t("members-statements-pages")) {
                        a href=(format!("/members/{}?before={}", m.id, last.index)) { (ctx.t("members-older")) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_is_the_middle_field_of_a_vkey() {
        assert_eq!(key_id("demo.accord/log/members/FRA+1a2b3c4d+AXyz+/="), "1a2b3c4d");
        assert_eq!(key_id("nonsense"), "");
    }

    #[test]
    fn before_parameter() {
        assert_eq!(parse_before(None), Ok(None));
        assert_eq!(parse_before(Some("lang=fr&before=12")), Ok(Some(12)));
        assert!(parse_before(Some("before=x")).is_err());
        assert!(parse_before(Some("before=-1")).is_err());
    }
}
