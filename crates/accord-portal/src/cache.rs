//! Rendered public pages, kept until a commit touches what they show.
//!
//! Every public page is a function of the projections, the published
//! checkpoint, the URL and the interface language. Each page shows some
//! areas of the body ([`areas_of`]: the proposals, the Code, one member,
//! the log); each commit, reported by the node before it is acknowledged
//! ([`accord_node::CommitObserver`]), says which areas its effects
//! touched ([`touched`]). A kept page is served while no area it shows
//! has changed since the log size it was rendered at, so a log that moves
//! (clock ticks, notes) no longer empties the cache: a note drops the log's
//! pages and its author's, not the proposals'. Membership, names and the
//! rules show everywhere: a change to them drops every page.
//!
//! The footer and the home page's log panel say how large the log was
//! when the page was read. A page that says how far away a deadline is
//! ("closes in 3 days") is kept for the minute it was rendered in only.
//!
//! A page for one signed-in person (`Cache-Control: private`), the desk
//! and its endpoints, static assets, `/witnesses` (its availability
//! changes with every checkpoint), and anything but a 200 are never
//! kept. Set `ACCORD_PAGE_CACHE=off` in the environment to render every
//! request (the benchmark measures both).
//!
//! What it is not: no HTTP cache (pages still say `no-cache` to browsers).

use crate::ctx::Ctx;
use crate::AppState;
use accord_core::state::Effect;
use accord_node::{Changes, CommitObserver, Committed};
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Most pages kept, and most bytes, before the cache is emptied.
const MAX_PAGES: usize = 4096;
const MAX_BYTES: usize = 64 << 20;
/// A page larger than this is served but not kept.
const MAX_PAGE_BYTES: usize = 4 << 20;

/// The current minute since the Unix epoch.
fn minute() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 60)
}

/// A part of the body that pages show and effects change.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Area {
    /// The log's own pages: every entry changes them.
    Log,
    /// Proposals, amendments, votes and tallies.
    Proposals,
    /// The Code's documents, versions and subscriptions.
    Code,
    /// One member's page: its statements, votes, subscriptions.
    Member(String),
    /// The published checkpoint (the log's pages, the home page's log
    /// panel, an entry's proof): not changed by commits but by the
    /// checkpointer, so judged by the checkpoint's size itself.
    Checkpoint,
    /// The root zone's registry and versions (`/registry…`).
    Zone,
    /// Threat sharing: communities, shares and incident counts
    /// (`/sharing…`).
    Sharing,
}

/// What a commit touched: some areas, or (membership, names, rules, the
/// body, or effects not known) everything.
#[derive(Debug, Default, PartialEq)]
struct Touched {
    everything: bool,
    areas: Vec<Area>,
}

/// The areas `effects` change.
fn touched(changes: &Changes) -> Touched {
    let mut t = Touched::default();
    let effects = match changes {
        Changes::Known(e) => e,
        Changes::Unknown => {
            t.everything = true;
            return t;
        }
    };
    for e in effects.iter() {
        match e {
            Effect::BodyFounded { .. }
            | Effect::ActorAdded { .. }
            | Effect::ActorRenamed { .. }
            | Effect::KeyRotated { .. }
            | Effect::MemberSuspended { .. }
            | Effect::RulesChanged(_) => t.everything = true,
            Effect::SeqAccepted { id, .. } => t.areas.extend([Area::Log, Area::Member(id.to_string())]),
            Effect::NotePublished { member, .. } => t.areas.extend([Area::Log, Area::Member(member.to_string())]),
            Effect::ProposalChanged(_) => t.areas.push(Area::Proposals),
            Effect::VoteRecorded { member, .. } => t.areas.extend([Area::Proposals, Area::Member(member.to_string())]),
            // Proposals show the current text beside the proposed one.
            Effect::DocumentFounded { .. } | Effect::VersionAdopted(_) | Effect::AddendumAdded { .. } => {
                t.areas.extend([Area::Code, Area::Proposals])
            }
            Effect::SubscriptionChanged { member, .. } => {
                t.areas.extend([Area::Code, Area::Member(member.to_string())])
            }
            Effect::ZoneDelegation { .. }
            | Effect::ZoneApex { .. }
            | Effect::ZoneVersionFormed(_)
            | Effect::ZonePublished { .. } => t.areas.push(Area::Zone),
            // The witnesses' page is never kept (their availability changes
            // with every checkpoint); a member's page lists its witness.
            Effect::WitnessChanged { member, .. } => t.areas.extend([Area::Log, Area::Member(member.to_string())]),
            Effect::CredentialChanged { member, .. } => {
                t.areas.extend([Area::Sharing, Area::Member(member.to_string())])
            }
            Effect::CommunityChanged { record, .. } => {
                t.areas.push(Area::Sharing);
                t.areas.extend(record.members.iter().map(|m| Area::Member(m.member.to_string())));
            }
            Effect::Shared { share, .. } => t.areas.extend([Area::Sharing, Area::Member(share.member.to_string())]),
            Effect::Withdrawn { share, .. } => t.areas.extend([Area::Sharing, Area::Member(share.member.to_string())]),
        }
    }
    t.areas.sort();
    t.areas.dedup();
    t
}

/// The areas a page shows, by its path (beside everything, which every
/// page shows). A path not listed here shows everything.
fn areas_of(path: &str) -> Option<Vec<Area>> {
    let rest = |p: &str| path.strip_prefix(p).filter(|r| !r.is_empty() && !r.contains('/'));
    Some(match path {
        "/" => vec![Area::Proposals, Area::Checkpoint],
        "/members" => vec![],
        "/log" => vec![Area::Log, Area::Checkpoint],
        _ if path.starts_with("/proposals") => vec![Area::Proposals],
        // Versions link the decision that adopted them, which a vote never changes.
        _ if path.starts_with("/code") => vec![Area::Code],
        _ if path.starts_with("/registry") => vec![Area::Zone],
        _ if path.starts_with("/sharing") => vec![Area::Sharing],
        // An entry never changes, but its proof is against the latest checkpoint.
        _ if rest("/entries/").is_some() => vec![Area::Checkpoint],
        _ => match rest("/members/") {
            Some(id) => vec![Area::Member(id.to_string())],
            None => return None,
        },
    })
}

#[derive(Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    /// The log size and the checkpoint size read before rendering it.
    at: u64,
    checkpoint: u64,
    /// What it shows; `None`: everything.
    areas: Option<Vec<Area>>,
    /// The minute it was rendered in, when it says how far away a
    /// deadline is (`class="relative"`): kept for that minute only.
    minute: Option<u64>,
}

/// The mark of a relative time ("closes in 3 days"), see `dates.rs`.
const RELATIVE: &[u8] = b"class=\"relative\"";

fn says_how_far(page: &[u8]) -> bool {
    page.windows(RELATIVE.len()).any(|w| w == RELATIVE)
}

#[derive(Default)]
struct Pages {
    pages: HashMap<String, Kept>,
    bytes: usize,
    /// The log size at which each area last changed.
    changed: HashMap<Area, u64>,
    /// ... and at which everything last did.
    everything: u64,
}

impl Pages {
    /// Is a page rendered at `at`, showing `areas`, still what it would be now?
    fn fresh(&self, at: u64, areas: Option<&[Area]>) -> bool {
        if self.everything > at {
            return false;
        }
        match areas {
            Some(areas) => areas.iter().all(|a| self.changed.get(a).is_none_or(|c| *c <= at)),
            None => self.changed.values().all(|c| *c <= at),
        }
    }

    /// The page kept for `key`, if it is what it would be now: at this
    /// minute, with this checkpoint size.
    fn get(&mut self, minute: u64, checkpoint: u64, key: &str) -> Option<Kept> {
        let kept = self.pages.get(key)?;
        let shows_checkpoint = kept.areas.as_ref().is_none_or(|a| a.contains(&Area::Checkpoint));
        if self.fresh(kept.at, kept.areas.as_deref())
            && kept.minute.is_none_or(|m| m == minute)
            && (!shows_checkpoint || kept.checkpoint == checkpoint)
        {
            return Some(kept.clone());
        }
        if let Some(old) = self.pages.remove(key) {
            self.bytes -= old.body.len();
        }
        None
    }

    fn put(&mut self, key: String, kept: Kept) {
        // Rendered before a commit that touched it was reported: not kept.
        if !self.fresh(kept.at, kept.areas.as_deref()) {
            return;
        }
        if self.pages.len() >= MAX_PAGES || self.bytes + kept.body.len() > MAX_BYTES {
            self.pages.clear();
            self.bytes = 0;
        }
        self.bytes += kept.body.len();
        if let Some(old) = self.pages.insert(key, kept) {
            self.bytes -= old.body.len();
        }
    }

    /// A commit `..end` touched `t`.
    fn commit(&mut self, end: u64, t: Touched) {
        if t.everything {
            self.everything = self.everything.max(end);
            self.changed.clear();
            self.pages.clear();
            self.bytes = 0;
            return;
        }
        for a in t.areas {
            let c = self.changed.entry(a).or_insert(0);
            *c = (*c).max(end);
        }
    }
}

/// The node's commits, told to the cache.
pub(crate) struct Invalidator;

impl CommitObserver for Invalidator {
    fn committed(&self, c: &Committed) {
        lock().commit(c.end, touched(&c.changes));
    }
}

/// Pages served from the cache, and pages rendered (cacheable requests
/// only), for `/metrics`.
static HITS: AtomicU64 = AtomicU64::new(0);
static RENDERS: AtomicU64 = AtomicU64::new(0);

/// The cache's counters in the Prometheus text format, for `/metrics`.
pub fn metrics() -> String {
    let mut s = String::new();
    for (name, help, v) in [
        ("accord_portal_pages_kept_served_total", "Public pages served from the page cache.", &HITS),
        (
            "accord_portal_pages_rendered_total",
            "Public pages rendered (not in the page cache, or the cache is off).",
            &RENDERS,
        ),
    ] {
        s.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n", v.load(Ordering::Relaxed)));
    }
    s
}

fn pages() -> &'static Mutex<Pages> {
    static P: OnceLock<Mutex<Pages>> = OnceLock::new();
    P.get_or_init(|| Mutex::new(Pages::default()))
}

fn enabled() -> bool {
    static E: OnceLock<bool> = OnceLock::new();
    *E.get_or_init(|| std::env::var("ACCORD_PAGE_CACHE").map_or(true, |v| v != "off"))
}

fn lock() -> std::sync::MutexGuard<'static, Pages> {
    pages().lock().unwrap_or_else(|p| p.into_inner())
}

/// Never kept: the desk (one person's), static assets (served immutable
/// by themselves), and `/witnesses`, whose witnesses' availability changes
/// with every checkpoint, cosigned or not, without any commit.
fn cacheable_path(path: &str) -> bool {
    !(path.starts_with("/desk") || path.starts_with("/static/") || path == "/witnesses" || path == "/witnesses/")
}

/// The middleware: serve a kept page, or render and keep it.
pub(crate) async fn layer(State(node): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !cacheable_path(req.uri().path()) {
        return next.run(req).await;
    }
    if !enabled() {
        RENDERS.fetch_add(1, Ordering::Relaxed);
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &()).await {
        Ok(c) => c,
        Err(never) => match never {},
    };
    let key = format!("{} {}", ctx.ui().code(), parts.uri.path_and_query().map_or("", |p| p.as_str()));
    let areas = areas_of(parts.uri.path());
    // Read before rendering: a page rendered from newer projections than
    // this size says is only fresher, never staler.
    let at = node.metrics().log_size.load(Ordering::Acquire);
    let checkpoint = node.checkpoint().map_or(0, |c| c.size);
    let now = minute();
    if let Some(kept) = lock().get(now, checkpoint, &key) {
        HITS.fetch_add(1, Ordering::Relaxed);
        let mut res = (StatusCode::OK, kept.body).into_response();
        *res.headers_mut() = kept.headers;
        return res;
    }
    RENDERS.fetch_add(1, Ordering::Relaxed);
    let res = next.run(Request::from_parts(parts, body)).await;
    let private = res.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_none_or(|v| v.contains("private"));
    if res.status() != StatusCode::OK || private {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Pages are whole strings, so their size is known before reading.
    if body.size_hint().upper().is_none_or(|n| n > MAX_PAGE_BYTES as u64) {
        return Response::from_parts(parts, body);
    }
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let minute = says_how_far(&bytes).then_some(now);
            let kept = Kept { headers: parts.headers.clone(), body: bytes.clone(), at, checkpoint, areas, minute };
            lock().put(key, kept);
            Response::from_parts(parts, Body::from(bytes))
        }
        // A body made from a string does not fail to read.
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("the page could not be read: {e}\n")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::ids::{LogIndex, MemberId, Seq};

    fn kept(n: usize, at: u64, areas: Option<Vec<Area>>) -> Kept {
        Kept { headers: HeaderMap::new(), body: Bytes::from(vec![b'x'; n]), at, checkpoint: 0, areas, minute: None }
    }

    fn member(id: &str) -> MemberId {
        MemberId::parse(id).unwrap()
    }

    fn note(by: &str, index: u64) -> Changes {
        Changes::Known(
            vec![
                Effect::NotePublished {
                    index: LogIndex(index),
                    member: member(by),
                    time: Default::default(),
                    text: "x".into(),
                },
                Effect::SeqAccepted { id: member(by), seq: Seq(2), index: LogIndex(index), kind: "note.publish" },
            ]
            .into(),
        )
    }

    #[test]
    fn a_commit_drops_only_the_pages_that_show_what_it_touched() {
        let mut p = Pages::default();
        let pages = ["/", "/proposals", "/code/ICCIS", "/log", "/members/M001", "/members/M002", "/entries/3"];
        for path in pages {
            p.put(format!("en {path}"), kept(10, 5, areas_of(path)));
        }
        // A note by M001 at entry 5: the log and M001's page only.
        p.commit(6, touched(&note("M001", 5)));
        let kept_now: Vec<&str> =
            pages.into_iter().filter(|path| p.get(0, 0, &format!("en {path}")).is_some()).collect();
        assert_eq!(kept_now, ["/", "/proposals", "/code/ICCIS", "/members/M002", "/entries/3"]);
        // A page rendered before that commit was reported is not kept.
        p.put("en /log".into(), kept(10, 5, areas_of("/log")));
        assert!(p.get(0, 0, "en /log").is_none());
        p.put("en /log".into(), kept(10, 6, areas_of("/log")));
        assert!(p.get(0, 0, "en /log").is_some());
        // A vote: the proposals and the voter.
        let vote = Changes::Known(
            vec![Effect::VoteRecorded {
                proposal: "p".into(),
                member: member("M002"),
                vote: accord_core::decisions::VoteRecord {
                    vote: accord_core::acts::decision::VoteChoice::Yes,
                    explanation: None,
                    index: LogIndex(6),
                },
            }]
            .into(),
        );
        p.commit(7, touched(&vote));
        assert!(p.get(0, 0, "en /proposals").is_none() && p.get(0, 0, "en /").is_none());
        assert!(p.get(0, 0, "en /members/M002").is_none());
        assert!(p.get(0, 0, "en /code/ICCIS").is_some() && p.get(0, 0, "en /log").is_some());
        // What is not known, or membership, drops everything.
        p.commit(8, touched(&Changes::Unknown));
        assert!(p.pages.is_empty() && p.bytes == 0);
        p.put("en /entries/3".into(), kept(10, 7, areas_of("/entries/3")));
        assert!(p.get(0, 0, "en /entries/3").is_none(), "rendered before everything changed");
    }

    #[test]
    fn a_page_that_says_how_far_a_deadline_is_is_kept_for_its_minute() {
        let mut p = Pages::default();
        p.put("en /".into(), Kept { minute: Some(7), ..kept(10, 1, areas_of("/")) });
        p.put("en /members".into(), kept(10, 1, areas_of("/members")));
        assert!(p.get(7, 0, "en /").is_some());
        assert!(p.get(8, 0, "en /").is_none(), "a minute passed: relative deadlines moved");
        assert!(p.get(8, 0, "en /members").is_some(), "nothing on it moves with the clock");
        assert_eq!(p.bytes, 10);
        // A page that shows the checkpoint is kept while it stays.
        p.put("en /log".into(), kept(10, 1, areas_of("/log")));
        assert!(p.get(8, 0, "en /log").is_some());
        assert!(p.get(8, 1, "en /log").is_none(), "a new checkpoint was published");
        assert!(p.get(8, 1, "en /members").is_some());
        assert!(says_how_far(br#"<time>x</time> <span class="relative">(in 3 days)</span>"#));
        assert!(!says_how_far(b"<time>x</time>"));
    }

    #[test]
    fn the_registry_pages_are_dropped_by_zone_effects_only() {
        let mut p = Pages::default();
        let pages = ["/registry", "/registry/aaa", "/proposals", "/members/M001"];
        for path in pages {
            assert!(areas_of(path).is_some(), "{path} names its areas");
            p.put(format!("en {path}"), kept(10, 5, areas_of(path)));
        }
        // A note touches no registry page.
        p.commit(6, touched(&note("M001", 5)));
        assert!(p.get(0, 0, "en /registry").is_some() && p.get(0, 0, "en /registry/aaa").is_some());
        // Publishing a version (the registry page says where) drops them both, and nothing else.
        let published = Changes::Known(
            vec![Effect::ZonePublished { serial: 2026010100, sha256: "00".into(), index: LogIndex(6) }].into(),
        );
        p.commit(7, touched(&published));
        assert!(p.get(0, 0, "en /registry").is_none() && p.get(0, 0, "en /registry/aaa").is_none());
        assert!(p.get(0, 0, "en /proposals").is_some());
    }

    #[test]
    fn unknown_paths_show_everything() {
        assert_eq!(areas_of("/members/M001"), Some(vec![Area::Member("M001".into())]));
        assert_eq!(areas_of("/members/M001/x"), None);
        assert_eq!(areas_of("/entries/x/y"), None);
        assert_eq!(areas_of("/elsewhere"), None);
        let mut p = Pages::default();
        p.put("en /elsewhere".into(), kept(1, 1, None));
        p.commit(2, touched(&note("M009", 1)));
        assert!(p.get(0, 0, "en /elsewhere").is_none());
    }

    #[test]
    fn bounded_in_pages_and_bytes() {
        let mut p = Pages::default();
        for i in 0..MAX_PAGES + 10 {
            p.put(format!("en /{i}"), kept(1, 0, None));
        }
        assert!(p.pages.len() <= MAX_PAGES);
        p.put("big".into(), kept(MAX_BYTES, 0, None));
        p.put("more".into(), kept(1, 0, None));
        assert!(p.bytes <= MAX_BYTES);
        // Replacing a page does not count it twice.
        let mut q = Pages::default();
        q.put("a".into(), kept(7, 0, None));
        q.put("a".into(), kept(7, 0, None));
        assert_eq!(q.bytes, 7);
    }

    #[test]
    fn the_desk_and_assets_are_never_kept() {
        assert!(!cacheable_path("/desk"));
        assert!(!cacheable_path("/desk/session"));
        assert!(!cacheable_path("/static/portal.css"));
        assert!(cacheable_path("/proposals/p-1"));
    }

    #[test]
    fn the_witnesses_page_is_never_kept() {
        assert!(!cacheable_path("/witnesses"));
        assert!(!cacheable_path("/witnesses/"));
        // The pages that show the line about a checkpoint's cosignatures
        // are kept: a published checkpoint's cosignatures never change,
        // and a new checkpoint drops them (Area::Checkpoint).
        assert!(cacheable_path("/log"));
        assert!(areas_of("/log").is_some_and(|a| a.contains(&Area::Checkpoint)));
        assert!(areas_of("/entries/3").is_some_and(|a| a.contains(&Area::Checkpoint)));
    }
}
