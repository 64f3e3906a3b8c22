//! `/registry` and `/registry/{tld}`: the root zone's registry as the
//! fold keeps it — the current serial and the decision that formed it,
//! what was published (`zone.publish`: its entry and SHA-256), the trust
//! anchor, the recent versions, every delegated TLD with its sponsor; and
//! for one TLD, its delegation now (NS, glue, DS) and every change of it
//! with the decision behind it.
//!
//! What it is not: the zone itself (`/registry/root.zone`, served by
//! `accord-http` from the node's signed zone) and no rules: every fact is
//! a `ZoneReads` projection, the same reads `/api/v1/zone` answers from.

use crate::ctx::Ctx;
use crate::layout::{self, load, prose, reply, Nav, Page, PageError};
use crate::names;
use crate::AppState;
use accord_core::zone::{Sponsor, Sponsored, VersionCause};
use accord_store::zone::{DelegationRow, ZoneHistoryRow, ZoneInfo, ZoneVersionRow};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Versions listed on `/registry`, newest first: as many as `/api/v1/zone` lists.
const VERSIONS_LISTED: u32 = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/registry", get(registry)).route("/registry/{tld}", get(tld_page))
}

/// Member id → name in the reader's language.
type Names = BTreeMap<String, String>;

struct RegistryPage {
    info: Option<ZoneInfo>,
    versions: Vec<ZoneVersionRow>,
    delegations: Vec<DelegationRow>,
    names: Names,
}

/// `?tld=` (the form "go to a TLD"): the TLD asked for, if any.
fn asked_tld(q: Option<&str>) -> Option<String> {
    q.unwrap_or("").split('&').find_map(|p| p.strip_prefix("tld=")).map(|v| v.trim().to_string())
}

async fn registry(ctx: Ctx, State(node): State<AppState>, RawQuery(q): RawQuery) -> Response {
    if let Some(asked) = asked_tld(q.as_deref()) {
        // A TLD is ASCII letters, digits and hyphens: nothing in it needs
        // decoding, and what does not parse is no TLD.
        let asked = asked.strip_suffix('.').unwrap_or(&asked);
        return match accord_zone::Tld::parse(asked).ok().filter(|_| !asked.is_empty()) {
            Some(t) => match HeaderValue::from_str(&format!("/registry/{}", t.label())) {
                Ok(to) => (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response(),
                Err(_) => reply(&ctx, Err(unknown_tld())),
            },
            None => reply(&ctx, Err(unknown_tld())),
        };
    }
    let tr = ctx.tr;
    let r = load(&node, move |n| {
        let s = n.reads();
        let info = s.zone_info().map_err(PageError::storage)?;
        let (versions, delegations) = match info {
            Some(_) => (
                s.zone_versions(None, VERSIONS_LISTED).map_err(PageError::storage)?,
                s.zone_delegations().map_err(PageError::storage)?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        let names = names::of_members(tr, &s.members().map_err(PageError::storage)?);
        Ok(RegistryPage { info, versions, delegations, names })
    })
    .await;
    reply(&ctx, r.map(|(shell, p)| (shell, Page::new(ctx.t("registry-title"), Nav::Registry, registry_body(&ctx, &p)))))
}

fn unknown_tld() -> PageError {
    PageError::msg(StatusCode::NOT_FOUND, "registry-unknown-tld")
}

fn sponsor(s: &Sponsor, names: &Names) -> Markup {
    match s {
        Sponsor::Member(m) => {
            let id = m.as_str();
            html! { a href=(format!("/members/{id}")) { bdi { (names.get(id).map_or(id, String::as_str)) } } }
        }
        Sponsor::Organisation(o) => html! { bdi { (o) } },
    }
}

fn proposal_link(id: &str) -> Markup {
    html! { a href=(format!("/proposals/{id}")) { code { (id) } } }
}

/// Why a version was formed, in words, the proposal linked.
fn cause(ctx: &Ctx, c: &VersionCause) -> Markup {
    match c {
        VersionCause::Import => html! { (ctx.t("registry-cause-import")) },
        VersionCause::Change { proposal, tld } => html! {
            (ctx.t("registry-cause-change")) " " (proposal_link(proposal))
            " (" a href=(format!("/registry/{}", tld.label())) { code dir="ltr" { (tld) "." } } ")"
        },
        VersionCause::Resign => html! { (ctx.t("registry-cause-resign")) },
    }
}

fn published(ctx: &Ctx, v: &ZoneVersionRow) -> Markup {
    match &v.published {
        Some((_, index)) => html! { (ctx.t("registry-published-yes")) " " (layout::entry_link(*index)) },
        None => html! { (ctx.t("registry-published-no")) },
    }
}

fn registry_body(ctx: &Ctx, p: &RegistryPage) -> Markup {
    let Some(info) = &p.info else {
        return html! {
            h1 { (ctx.t("registry-title")) }
            p { (ctx.t("registry-none")) }
        };
    };
    let latest = p.versions.first();
    html! {
        h1 { (ctx.t("registry-title")) }
        p { (ctx.t("registry-intro")) }
        dl class="panel code-facts" {
            @if let Some(v) = latest {
                dt { (ctx.t("registry-serial")) } dd { code id="zone-serial" { (v.serial) } }
                dt { (ctx.t("registry-formed")) }
                dd { (layout::time(ctx.ui(), &v.time.to_rfc3339())) " — " (cause(ctx, &v.cause)) " " (layout::entry_link(v.index)) }
                dt { (ctx.t("registry-published")) }
                dd {
                    @match &v.published {
                        Some((sha, index)) => {
                            (ctx.t("registry-published-yes")) " " (layout::entry_link(*index))
                            br;
                            (prose(&ctx.t("registry-sha256"))) " " code class="hash" { (sha) }
                        }
                        None => (ctx.t("registry-not-published-yet")),
                    }
                }
            }
            dt { (prose(&ctx.t("registry-trust-anchor"))) }
            dd {
                @match accord_zone::sign::trust_anchor(&info.keys.ksk) {
                    Some(a) => code class="hash" dir="ltr" { (a) },
                    None => (ctx.t("registry-no-trust-anchor")),
                }
            }
            dt { (ctx.t("registry-zone-file")) }
            dd { a href="/registry/root.zone" { code { "root.zone" } } }
            dt { (ctx.t("registry-source")) }
            dd {
                (ctx.t("registry-col-serial")) " " code { (info.source_serial) } br;
                (prose(&ctx.t("registry-sha256"))) " " code class="hash" { (info.source_sha256) }
            }
        }
        section aria-labelledby="versions-h" {
            h2 id="versions-h" { (ctx.t("registry-versions")) }
            @let [serial, time, why, entry, publ] = [
                "registry-col-serial", "registry-col-time", "registry-col-cause", "registry-col-entry", "registry-col-published",
            ].map(|m| ctx.t(m));
            table id="zone-versions" class="cards" {
                thead { tr {
                    th scope="col" { (serial) }
                    th scope="col" { (time) }
                    th scope="col" { (why) }
                    th scope="col" { (entry) }
                    th scope="col" { (publ) }
                } }
                tbody {
                    @for v in &p.versions {
                        tr {
                            td data-label=(serial) { code { (v.serial) } }
                            td data-label=(time) { (layout::time(ctx.ui(), &v.time.to_rfc3339())) }
                            td data-label=(why) { (cause(ctx, &v.cause)) }
                            td data-label=(entry) { (layout::entry_link(v.index)) }
                            td data-label=(publ) { (published(ctx, v)) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="tlds-h" {
            h2 id="tlds-h" { (ctx.t("registry-tlds")) }
            p { (ctx.tr.ta("registry-tld-count", &[("count", (p.delegations.len() as u64).into())])) }
            form class="inline" method="get" action="/registry" {
                div class="field" {
                    label for="tld" { (ctx.t("registry-go-label")) }
                    input id="tld" name="tld" type="text" dir="ltr" autocomplete="off" spellcheck="false" autocapitalize="none" size="16";
                }
                div class="field" { button type="submit" { (ctx.t("registry-go")) } }
            }
            p class="hint" { (prose(&ctx.t("registry-find-hint"))) }
            @let [tld_h, sponsor_h, ns_h, ds_h] =
                ["registry-col-tld", "registry-col-sponsor", "registry-col-ns", "registry-col-signed"].map(|m| ctx.t(m));
            @let (signed, unsigned) = (ctx.t("registry-signed"), ctx.t("registry-unsigned"));
            table id="tlds" class="cards compact" {
                caption class="visually-hidden" { (ctx.t("registry-tlds")) }
                thead { tr {
                    th scope="col" { (tld_h) }
                    th scope="col" { (sponsor_h) }
                    th scope="col" { (ns_h) }
                    th scope="col" { (ds_h) }
                } }
                tbody {
                    @for d in &p.delegations {
                        tr {
                            th scope="row" data-label=(tld_h) { a href=(format!("/registry/{}", d.tld.label())) { code dir="ltr" { (d.tld) } } }
                            td data-label=(sponsor_h) { (sponsor(&d.sponsored.sponsor, &p.names)) }
                            td data-label=(ns_h) { (d.sponsored.delegation.ns.len()) }
                            td data-label=(ds_h) { @if d.sponsored.delegation.ds.is_empty() { (unsigned) } @else { (signed) } }
                        }
                    }
                }
            }
        }
    }
}

struct TldPage {
    tld: accord_zone::Tld,
    now: Option<DelegationRow>,
    history: Vec<ZoneHistoryRow>,
    names: Names,
}

async fn tld_page(ctx: Ctx, State(node): State<AppState>, tld: Result<Path<String>, PathRejection>) -> Response {
    let tr = ctx.tr;
    let r = async {
        let Path(tld) = tld.map_err(|_| unknown_tld())?;
        // `Tld::parse` takes a final dot; the page's address has none.
        if tld.is_empty() || tld.ends_with('.') {
            return Err(unknown_tld());
        }
        let tld = accord_zone::Tld::parse(&tld).map_err(|_| unknown_tld())?;
        load(&node, move |n| {
            let s = n.reads();
            let now = s.zone_delegation(tld.label()).map_err(PageError::storage)?;
            let history = s.zone_history(tld.label()).map_err(PageError::storage)?;
            if now.is_none() && history.is_empty() {
                return Err(unknown_tld());
            }
            let names = names::of_members(tr, &s.members().map_err(PageError::storage)?);
            Ok(TldPage { tld, now, history, names })
        })
        .await
    }
    .await;
    reply(
        &ctx,
        r.map(|(shell, p)| {
            let title = format!("{}. — {}", p.tld, ctx.t("registry-title"));
            (shell, Page::new(title, Nav::Registry, tld_body(&ctx, &p)))
        }),
    )
}

/// A delegation's name servers, glue and DS records.
fn delegation(ctx: &Ctx, s: &Sponsored, names: &Names) -> Markup {
    let d = &s.delegation;
    html! {
        dl class="panel code-facts" {
            dt { (prose(&ctx.t("registry-ns"))) }
            dd { ul class="plain" dir="ltr" { @for ns in &d.ns { li { code { (ns) } } } } }
            dt { (ctx.t("registry-glue")) }
            dd {
                @if d.glue.is_empty() {
                    (ctx.t("registry-no-glue"))
                } @else {
                    ul class="plain" dir="ltr" {
                        @for (host, addrs) in &d.glue {
                            li { code { (host) } " " @for a in addrs { code { (a) } " " } }
                        }
                    }
                }
            }
            dt { (prose(&ctx.t("registry-ds"))) }
            dd {
                @if d.ds.is_empty() {
                    (prose(&ctx.t("registry-no-ds")))
                } @else {
                    ul class="plain" dir="ltr" {
                        @for ds in &d.ds {
                            li { code class="hash" { (ds.key_tag) " " (ds.algorithm) " " (ds.digest_type) " " (hex::encode_upper(&ds.digest)) } }
                        }
                    }
                }
            }
            dt { (ctx.t("registry-col-sponsor")) }
            dd { (sponsor(&s.sponsor, names)) }
        }
    }
}

/// What a delegation became, in short: its name servers and DS state.
fn became(ctx: &Ctx, now: Option<&Sponsored>, names: &Names) -> Markup {
    match now {
        None => html! { (ctx.t("registry-became-removed")) },
        Some(s) => html! {
            ul class="plain" dir="ltr" { @for ns in &s.delegation.ns { li { code { (ns) } } } }
            (prose(&ctx.tr.ta("registry-ds-count", &[("count", (s.delegation.ds.len() as u64).into())])))
            " · " (ctx.t("registry-col-sponsor")) " " (sponsor(&s.sponsor, names))
        },
    }
}

fn tld_body(ctx: &Ctx, p: &TldPage) -> Markup {
    html! {
        p { a href="/registry" { (layout::arrow_back()) " " (ctx.t("registry-back")) } }
        h1 { (ctx.t("registry-tld-heading")) " " code dir="ltr" { (p.tld) "." } }
        section aria-labelledby="now-h" {
            h2 id="now-h" { (ctx.t("registry-current")) }
            @match &p.now {
                Some(d) => {
                    (delegation(ctx, &d.sponsored, &p.names))
                    p class="hint" { (ctx.t("registry-since")) " " (layout::entry_link(d.since)) }
                }
                None => p { (ctx.t("registry-not-delegated")) },
            }
        }
        section aria-labelledby="history-h" {
            h2 id="history-h" { (ctx.t("registry-history")) }
            @let [entry, decision, now] = ["registry-col-entry", "registry-col-decision", "registry-col-became"].map(|m| ctx.t(m));
            table id="tld-history" class="cards" {
                thead { tr {
                    th scope="col" { (entry) }
                    th scope="col" { (decision) }
                    th scope="col" { (now) }
                } }
                tbody {
                    @for h in &p.history {
                        tr {
                            td data-label=(entry) { (layout::entry_link(h.index)) }
                            td data-label=(decision) {
                                @match &h.proposal {
                                    Some(id) => { (ctx.t("registry-decision-proposal")) " " (proposal_link(id)) }
                                    None => (ctx.t("registry-decision-import")),
                                }
                            }
                            td data-label=(now) { (became(ctx, h.now.as_ref(), &p.names)) }
                        }
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
    fn the_go_to_form_names_a_tld() {
        assert_eq!(asked_tld(None), None);
        assert_eq!(asked_tld(Some("lang=fr")), None);
        assert_eq!(asked_tld(Some("lang=fr&tld=aaa")).as_deref(), Some("aaa"));
        assert_eq!(asked_tld(Some("tld=")).as_deref(), Some(""));
    }
}
