//! What the node publishes under `/api/v1`, compared with the replay: each
//! answer at exactly the log size it says it reflects (`Accord-Log-Size`),
//! so a node that keeps appending is compared as surely as an idle one.
//!
//! Every list the portal shows is read by the same store query as one of
//! these answers, and each is compared here with the query the portal
//! makes: the proposal list under every filter the portal offers, newest
//! first by offset as its numbered pages read it (the open ballots of the
//! home page and the desk are its first page); the latest decisions; and
//! each member's subscriptions, votes and statements. Entries are sampled
//! (`entries`).

mod entries;
mod zone;

use crate::{fail, Http, Outcome, Replay, Verified};
use accord_core::acts::decision::Question;
use accord_core::decisions::{tally, Proposal, Status, Tally, VoteRecord};
use accord_core::{MemberId, State};
use accord_log::{Checkpoint, VerifierKey};
use anyhow::Context;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How long the auditor waits for a checkpoint that covers the log size a
/// response reflects (the node signs one within milliseconds of a commit).
const COVER_WAIT: Duration = Duration::from_secs(20);

/// Reads the read API with the replay kept at the log size of each answer.
pub(crate) struct Reader<'a> {
    pub http: &'a Http,
    pub jobs: usize,
    pub vkey: &'a VerifierKey,
    pub replay: &'a mut Replay,
    /// The newest checkpoint seen: it covers every size compared.
    pub newest: Verified,
}

impl Reader<'_> {
    /// A JSON answer of the read API, with the replay brought to exactly
    /// the log size it reflects.
    fn fetch(&mut self, path: &str) -> Result<Value, Outcome> {
        let (size, body) = self.http.get_sized(path)?;
        let v = serde_json::from_slice(&body).map_err(|e| crate::Failure(format!("{path} is not JSON: {e}")))?;
        self.reach(size)?;
        Ok(v)
    }

    fn state(&self) -> &State {
        &self.replay.state
    }

    /// Brings the replay to exactly `size`: waits for a signed checkpoint
    /// that covers it, then replays the entries up to it (their root is
    /// checked against the newest checkpoint at the end).
    fn reach(&mut self, size: u64) -> Result<(), Outcome> {
        let at = self.replay.state.size();
        if size < at {
            return fail(format!("the node answered at log size {size} after answering at {at}: its state went back"));
        }
        let started = Instant::now();
        while self.newest.cp.size < size {
            let bytes = self.http.get("/log/checkpoint")?;
            let cp = match Checkpoint::open(&bytes, self.vkey) {
                Ok((cp, _)) => cp,
                Err(e) => return fail(format!("the checkpoint does not verify against the log key: {e}")),
            };
            if cp.size < self.newest.cp.size {
                return fail(format!(
                    "rollback: the node now shows size {} but size {} was verified",
                    cp.size, self.newest.cp.size
                ));
            }
            self.newest = Verified { cp, bytes };
            if self.newest.cp.size >= size {
                break;
            }
            if started.elapsed() > COVER_WAIT {
                return Err(Outcome::NotCompared(format!(
                    "the node answered at log size {size}, but no checkpoint covers it after {} s (latest: {})",
                    COVER_WAIT.as_secs(),
                    self.newest.cp.size
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.replay.extend(self.http, self.jobs, size)
    }
}

/// Compares everything the read API publishes with the replay; then
/// replays to the newest checkpoint seen and checks its signed root.
/// Returns what was compared, said in words.
pub(crate) fn compare_published(
    http: &Http,
    jobs: usize,
    vkey: &VerifierKey,
    replay: &mut Replay,
    verified: &mut Verified,
) -> Result<String, Outcome> {
    let newest = Verified { cp: verified.cp.clone(), bytes: verified.bytes.clone() };
    let mut r = Reader { http, jobs, vkey, replay, newest };
    let mut said = Vec::new();

    let members = r.fetch("/api/v1/members")?;
    said.push(compare_members(&members, r.replay)?);

    let body = r.fetch("/api/v1/body")?;
    let rules = serde_json::to_value(r.state().rules()).context("rules")?;
    if body["rules"] != rules {
        return fail(format!("the node publishes rules {}, the replay has {rules}", body["rules"]));
    }
    said.push("the rules in force".to_string());
    if let Some(b) = r.state().body() {
        differs("the body", "name", &body["name"], &b.name.as_str().into())?;
        differs("the body", "names", &body["names"], &serde_json::to_value(&b.names).context("names")?)?;
        said.push("the body's name in every language given".to_string());
    }

    said.push(compare_proposal_lists(&mut r)?);
    said.push(compare_decisions(&mut r)?);
    said.push(compare_member_lists(&mut r)?);
    said.push(compare_notes(&mut r)?);
    said.push(compare_code(&mut r)?);
    said.push(entries::compare_entries(&mut r)?);
    said.push(zone::compare_zone(&mut r)?);

    let newest = r.newest;
    replay.extend(http, jobs, newest.cp.size)?;
    if replay.tree.root_at(newest.cp.size) != newest.cp.root {
        return fail(format!("the entries do not hash to the checkpoint's root at size {}", newest.cp.size));
    }
    *verified = newest;
    Ok(said.join("; "))
}

/// One field that differs, named.
pub(crate) fn differs(what: &str, field: &str, got: &Value, want: &Value) -> Result<(), Outcome> {
    if got == want {
        return Ok(());
    }
    let show = |v: &Value| if v.is_null() { "nothing".to_string() } else { v.to_string() };
    let (g, w) = (show(got), show(want));
    let cut = |s: String| if s.chars().count() > 300 { s.chars().take(300).collect::<String>() + "…" } else { s };
    fail(format!("{what}: the node publishes {field} {}, the replay says {}", cut(g), cut(w)))
}

/// Every field of `want` is in `got` with the same value, and `got` has
/// no other: the first difference, named.
pub(crate) fn same_object(what: &str, got: &Value, want: &Value) -> Result<(), Outcome> {
    let (Some(g), Some(w)) = (got.as_object(), want.as_object()) else {
        return fail(format!("{what}: the node's answer is not an object"));
    };
    for (k, wv) in w {
        differs(what, k, g.get(k).unwrap_or(&Value::Null), wv)?;
    }
    if let Some(k) = g.keys().find(|k| !w.contains_key(*k)) {
        return fail(format!("{what}: the node publishes a field {k} the replay does not have"));
    }
    Ok(())
}

/// Rows of a list, each against the replay's, in order: the first
/// difference, named by the row's `id`.
fn same_rows(what: &str, got: &Value, want: &[Value]) -> Result<(), Outcome> {
    let Some(got) = got.as_array() else {
        return fail(format!("{what}: the node's answer holds no list"));
    };
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let id = w["id"].as_str().unwrap_or("?");
        if g["id"] != w["id"] {
            return fail(format!("{what}: row {i} is {}, the replay says {id}", g["id"]));
        }
        same_object(&format!("proposal {id} (in {what})"), g, w)?;
    }
    if got.len() != want.len() {
        return fail(format!("{what}: the node lists {} rows, the replay {}", got.len(), want.len()));
    }
    Ok(())
}

// ---- proposals ---------------------------------------------------------

/// The fields of a proposal each row of a list shows (PROTOCOL §4), with
/// its `tally`.
const LIST_FIELDS: &[&str] =
    &["id", "title", "sponsor", "status", "adopted_by", "question", "procedure", "closes", "amends", "closed_at"];

/// Most proposals the auditor asks for in one page of the list.
const LIST_PAGE: usize = 1000;

/// The entry that submitted a proposal: the lists' order and cursor.
fn seq_of(p: &Proposal) -> u64 {
    p.record.entries.first().map_or(0, |i| i.0)
}

/// A row of a list as the replay has it.
fn list_row(p: &Proposal, state: &State) -> Result<Value, Outcome> {
    let record = serde_json::to_value(&p.record).context("record")?;
    let mut row = serde_json::Map::new();
    for f in LIST_FIELDS {
        if let Some(v) = record.get(*f) {
            row.insert((*f).to_string(), v.clone());
        }
    }
    row.insert("tally".into(), serde_json::to_value(expected_tally(p, state)).context("tally")?);
    Ok(Value::Object(row))
}

/// Where a page of the list starts.
#[derive(Clone, Copy)]
enum PageStart {
    First,
    After(u64),
    Offset(usize),
}

/// A filter of the list and the way it is paged.
struct ListQuery<'a> {
    statuses: &'a [Status],
    newest_first: bool,
    by_offset: bool,
}

impl ListQuery<'_> {
    fn path(&self, from: PageStart) -> String {
        let mut path = format!("/api/v1/proposals?limit={LIST_PAGE}");
        if self.newest_first {
            path.push_str("&order=newest");
        }
        if !self.statuses.is_empty() {
            path.push_str("&status=");
            path.push_str(&Status::names(self.statuses).join(","));
        }
        match from {
            PageStart::First => {}
            PageStart::After(seq) => path.push_str(&format!("&after={seq}")),
            PageStart::Offset(n) => path.push_str(&format!("&offset={n}")),
        }
        path
    }

    /// What the replay lists from `from`: how many match, the page, and
    /// the cursor of the next page if there is one.
    fn expect<'s>(&self, state: &'s State, from: PageStart) -> (u64, Vec<&'s Proposal>, Option<u64>) {
        let mut all: Vec<&Proposal> = state
            .decisions()
            .iter()
            .filter(|p| self.statuses.is_empty() || self.statuses.contains(&p.record.status))
            .collect();
        all.sort_by_key(|p| seq_of(p));
        if self.newest_first {
            all.reverse();
        }
        let total = all.len() as u64;
        let rest: Vec<&Proposal> = match from {
            PageStart::First => all,
            PageStart::After(c) => {
                all.into_iter().filter(|p| if self.newest_first { seq_of(p) < c } else { seq_of(p) > c }).collect()
            }
            PageStart::Offset(n) => all.into_iter().skip(n).collect(),
        };
        let next = (rest.len() > LIST_PAGE).then(|| seq_of(rest[LIST_PAGE - 1]));
        (total, rest.into_iter().take(LIST_PAGE).collect(), next)
    }

    /// One page as served (`what` names it) against the replay's from
    /// `from`, whole: rows, `total` and `next`. Returns the rows listed
    /// and the cursor of the next page.
    fn compare_page<'s>(
        &self,
        what: &str,
        page: &Value,
        state: &'s State,
        from: PageStart,
    ) -> Result<(Vec<&'s Proposal>, Option<u64>), Outcome> {
        let (total, rows, next) = self.expect(state, from);
        let want: Vec<Value> = rows.iter().map(|p| list_row(p, state)).collect::<Result<_, _>>()?;
        differs(what, "total", &page["total"], &total.into())?;
        same_rows(what, &page["proposals"], &want)?;
        differs(what, "next", &page["next"], &next.map_or(Value::Null, Value::from))?;
        Ok((rows, next))
    }
}

/// One filter of the list, every page compared whole (rows, `total`,
/// `next`) at its own log size; returns the ids listed.
fn compare_list(r: &mut Reader, q: &ListQuery) -> Result<Vec<String>, Outcome> {
    let mut ids = Vec::new();
    let mut from = PageStart::First;
    let mut listed = 0;
    loop {
        let path = q.path(from);
        let page = r.fetch(&path)?;
        let (rows, next) = q.compare_page(&path, &page, r.state(), from)?;
        ids.extend(rows.iter().map(|p| p.record.id.clone()));
        listed += rows.len();
        match next {
            None => return Ok(ids),
            Some(_) if q.by_offset => from = PageStart::Offset(listed),
            Some(c) => from = PageStart::After(c),
        }
    }
}

/// The list oldest first by cursor (what an API client pages through),
/// then newest first by offset under every filter the portal offers;
/// then every proposal's whole record.
fn compare_proposal_lists(r: &mut Reader) -> Result<String, Outcome> {
    let ids = compare_list(r, &ListQuery { statuses: &[], newest_first: false, by_offset: false })?;
    let listed: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    if listed.len() != ids.len() {
        return fail("the node lists a proposal twice");
    }
    if let Some(p) = r.state().decisions().iter().find(|p| !listed.contains(p.record.id.as_str())) {
        return fail(format!("the node does not list proposal {}", p.record.id));
    }
    let singles: Vec<[Status; 1]> = Status::ALL.iter().map(|s| [*s]).collect();
    let mut filters: Vec<&[Status]> = vec![&[], Status::PENDING, Status::DECIDED];
    filters.extend(singles.iter().map(|s| s.as_slice()));
    for statuses in &filters {
        compare_list(r, &ListQuery { statuses, newest_first: true, by_offset: true })?;
    }
    for id in &ids {
        let detail = r.fetch(&format!("/api/v1/proposals/{id}"))?;
        compare_proposal_record(id, &detail, r.state())?;
    }
    Ok(format!(
        "{} proposals listed with every field and tally, under {} filters; each whole record with every vote, \
         explanation and entry",
        ids.len(),
        filters.len()
    ))
}

/// The most decisions the auditor asks for: the API's most.
const DECISIONS: usize = 100;

/// The latest decisions: the ballots closed last, latest first (by the
/// entry that closed them, then id), each as a row of the list.
fn compare_decisions(r: &mut Reader) -> Result<String, Outcome> {
    let path = format!("/api/v1/decisions?limit={DECISIONS}");
    let page = r.fetch(&path)?;
    let state = r.state();
    let mut closed: Vec<&Proposal> = state.decisions().iter().filter(|p| p.record.closed_at.is_some()).collect();
    closed.sort_by(|a, b| b.record.closed_at.cmp(&a.record.closed_at).then(a.record.id.cmp(&b.record.id)));
    let want: Vec<Value> = closed.iter().take(DECISIONS).map(|p| list_row(p, state)).collect::<Result<_, _>>()?;
    same_rows(&path, &page["decisions"], &want)?;
    Ok(format!("the latest {} decisions", want.len()))
}

/// Every field of a proposal's published record against the replay's:
/// texts, status, tally, every recorded vote with its explanation,
/// objections, dissociations, co-sponsors, amendments, the action and its
/// result, and every entry involved.
pub(crate) fn compare_proposal_record(id: &str, got: &Value, state: &State) -> Result<(), Outcome> {
    let what = format!("proposal {id}");
    let Some(p) = state.decisions().get(id) else {
        return fail(format!("the node publishes proposal {id}, which the log does not hold"));
    };
    let mut want = serde_json::to_value(&p.record).context("record")?;
    let mut votes: Vec<(&MemberId, &VoteRecord)> = p.votes.iter().collect();
    votes.sort_by_key(|(_, v)| v.index);
    let votes: Vec<Value> = votes.iter().map(|(m, v)| vote_json(None, m, v)).collect();
    let mut entries: BTreeSet<u64> = p.record.entries.iter().map(|i| i.0).collect();
    entries.extend(p.votes.values().map(|v| v.index.0));
    want["tally"] = serde_json::to_value(expected_tally(p, state)).context("tally")?;
    want["votes"] = json!(votes);
    want["entries"] = json!(entries);
    same_object(&what, got, &want)
}

fn vote_json(proposal: Option<&str>, member: &MemberId, v: &VoteRecord) -> Value {
    let mut o = json!({ "member": member.as_str(), "vote": v.vote, "index": v.index.0 });
    if let Some(p) = proposal {
        o["proposal"] = json!(p);
    }
    if let Some(e) = &v.explanation {
        o["explanation"] = json!(e);
    }
    o
}

/// The count the node must publish for a proposal: the final tally if the
/// ballot closed with one; otherwise the live count of the votes of the
/// members entitled to vote now (member states not suspended).
pub(crate) fn expected_tally(p: &Proposal, state: &State) -> Tally {
    if let Some(t) = p.record.tally {
        return t;
    }
    let eligible: BTreeSet<&MemberId> = state.members().filter(|a| !a.suspended).map(|a| &a.id).collect();
    let rules = state.rules();
    let majority = match p.record.question {
        Question::Ordinary => rules.ordinary_majority,
        Question::Important => rules.important_majority,
    };
    tally(p.votes.iter().map(|(m, v)| (m, v.vote)), &eligible, majority, rules.quorum).0
}

/// A page of the oldest-first list against `state`, as the first page
/// (for the fuzz target).
pub(crate) fn compare_first_page(page: &Value, state: &State) -> Result<(), Outcome> {
    let q = ListQuery { statuses: &[], newest_first: false, by_offset: false };
    q.compare_page("the list", page, state, PageStart::First).map(|_| ())
}

// ---- members -------------------------------------------------------------

/// The member list, whole: every field of every member and the
/// secretariat against the replay.
pub(crate) fn compare_members(v: &Value, replay: &Replay) -> Result<String, Outcome> {
    let state = &replay.state;
    let rows = v["members"].as_array().cloned().unwrap_or_default();
    let mut n = 0;
    for a in state.actors() {
        let Some(row) = rows.iter().find(|r| r["id"] == a.id.as_str()) else {
            return fail(format!("the node does not publish member {}", a.id));
        };
        let what = format!("member {}", a.id);
        let key_since = replay.rotated.get(&a.id).copied().unwrap_or(a.since.0);
        differs(&what, "name", &row["name"], &a.name.as_str().into())?;
        differs(&what, "names", &row["names"], &serde_json::to_value(&a.names).context("names")?)?;
        differs(&what, "vkey", &row["vkey"], &a.key.to_vkey().into())?;
        differs(&what, "last_seq", &row["last_seq"], &a.last_seq.0.into())?;
        differs(&what, "since", &row["since"], &a.since.0.into())?;
        differs(&what, "key_since", &row["key_since"], &key_since.into())?;
        differs(&what, "suspended", &row["suspended"], &a.suspended.into())?;
        n += 1;
    }
    if rows.len() != n {
        return fail(format!("the node publishes {} members, the log has {n}", rows.len()));
    }
    Ok(format!(
        "{} members and the secretariat: names (in every language given), keys, admission, key changes, suspension, sequence numbers",
        n - 1
    ))
}

/// Most items the auditor asks for in one page of a newest-first list.
const PAGE: usize = 500;

/// Pages through a newest-first list of the read API (`path?limit=500`,
/// then `&before=` the last index seen), each page at its own log size:
/// `want` says what the replay holds below `before` (`PAGE` at most), and
/// each page must be exactly that. Returns how many items were listed.
fn compare_pages(
    r: &mut Reader,
    (path, key, what): (&str, &str, &str),
    want: impl Fn(&Replay, Option<u64>) -> Vec<Value>,
) -> Result<usize, Outcome> {
    let mut before: Option<u64> = None;
    let mut count = 0;
    loop {
        let page_path = match before {
            Some(b) => format!("{path}?limit={PAGE}&before={b}"),
            None => format!("{path}?limit={PAGE}"),
        };
        let page = r.fetch(&page_path)?;
        let got = page[key].as_array().cloned().unwrap_or_default();
        let expected = want(r.replay, before);
        differs(what, &format!("{key} (page {page_path}):"), &json!(got), &json!(expected))?;
        count += got.len();
        match got.last().and_then(|x| x["index"].as_u64()) {
            Some(last) if got.len() == PAGE => before = Some(last),
            _ => return Ok(count),
        }
    }
}

/// Each member's recorded votes and accepted statements, page by page,
/// and subscriptions: what the member's portal page and desk show.
fn compare_member_lists(r: &mut Reader) -> Result<String, Outcome> {
    let ids: Vec<MemberId> = r.state().actors().map(|a| a.id.clone()).collect();
    let (mut votes, mut statements, mut subscriptions) = (0, 0, 0);
    for id in &ids {
        let (path, what) = (format!("/api/v1/members/{id}/votes"), format!("member {id}"));
        votes += compare_pages(r, (&path, "votes", &what), |r, before| {
            let mut all: Vec<(&str, &VoteRecord)> = r
                .state
                .decisions()
                .iter()
                .filter_map(|p| p.votes.get(id).map(|v| (p.record.id.as_str(), v)))
                .filter(|(_, v)| before.is_none_or(|b| v.index.0 < b))
                .collect();
            all.sort_by_key(|(_, v)| std::cmp::Reverse(v.index));
            all.into_iter().take(PAGE).map(|(proposal, v)| vote_json(Some(proposal), id, v)).collect()
        })?;
        let path = format!("/api/v1/members/{id}/statements");
        statements += compare_pages(r, (&path, "statements", &what), |r, before| {
            r.statements
                .get(id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .rev()
                .filter(|(i, ..)| before.is_none_or(|b| *i < b))
                .take(PAGE)
                .map(|(i, seq, kind)| json!({ "index": i, "seq": seq, "type": kind }))
                .collect()
        })?;
        let path = format!("/api/v1/members/{id}/subscriptions");
        let got = r.fetch(&path)?;
        let code = r.state().code();
        let mut want: Vec<(&str, Value)> = code
            .documents()
            .flat_map(|d| code.subscriptions(&d.id).filter(|s| s.member == *id).map(|s| (d.id.as_str(), s)))
            .map(|(doc, s)| {
                (doc, json!({ "document": doc, "version": s.version, "index": s.index.0, "time": s.time.to_rfc3339() }))
            })
            .collect();
        want.sort_by(|a, b| a.0.cmp(b.0));
        let want: Vec<Value> = want.into_iter().map(|(_, v)| v).collect();
        differs(&what, "subscriptions", &got["subscriptions"], &json!(want))?;
        subscriptions += want.len();
    }
    Ok(format!("each member's {votes} votes, {statements} statements and {subscriptions} subscriptions"))
}

/// Every note, page by page (each page at its own log size).
fn compare_notes(r: &mut Reader) -> Result<String, Outcome> {
    let count = compare_pages(r, ("/api/v1/notes", "notes", "notes"), |r, before| {
        r.notes
            .iter()
            .rev()
            .filter(|(i, ..)| before.is_none_or(|b| *i < b))
            .take(PAGE)
            .map(|(i, m, t, text)| json!({ "index": i, "member": m.as_str(), "time": t, "text": text }))
            .collect()
    })?;
    Ok(format!("{count} notes"))
}

// ---- the Code ------------------------------------------------------------

/// The fields of a version that its hash covers (`Version::hash`).
const VERSION_FIELDS: &[&str] = &["document", "number", "label", "articles", "adopted_at", "adopted_time", "proposal"];

/// The hash of a version as served: SHA-256 of the RFC 8785 form of its
/// hashed fields, computed from what the node serves, not from what it says.
pub(crate) fn hash_of_served(v: &Value) -> String {
    let mut m = serde_json::Map::new();
    for f in VERSION_FIELDS {
        if let Some(x) = v.get(*f) {
            m.insert((*f).to_string(), x.clone());
        }
    }
    accord_core::statement::canonical_sha256(&Value::Object(m))
}

/// The Code: the document list, every document's versions, and every
/// version whole (articles, texts in every language, norm links, label,
/// adoption, subscribers), each answer at its own log size; each version's
/// hash is computed from the text served, and must be the hash the node
/// states and the hash of the replay's version.
fn compare_code(r: &mut Reader) -> Result<String, Outcome> {
    let list = r.fetch("/api/v1/documents")?;
    let code = r.state().code();
    let rows = list["documents"].as_array().cloned().unwrap_or_default();
    let mut listed: BTreeMap<String, Value> = BTreeMap::new();
    for row in rows {
        let Some(id) = row["id"].as_str().map(str::to_string) else {
            return fail(format!("the node publishes a document without an id: {row}"));
        };
        if code.document(&id).is_none() {
            return fail(format!("the node publishes document {id}, which the log does not hold"));
        }
        if listed.insert(id.clone(), row).is_some() {
            return fail(format!("the node publishes document {id} twice"));
        }
    }
    let mut wanted: Vec<(String, u32)> = Vec::new();
    for d in code.documents() {
        let Some(row) = listed.get(&d.id) else {
            return fail(format!("the node does not publish document {}", d.id));
        };
        let what = format!("document {}", d.id);
        differs(&what, "title", &row["title"], &serde_json::to_value(&d.title).context("title")?)?;
        let numbers: Vec<u32> = d.versions.iter().map(|v| v.number).collect();
        differs(&what, "versions", &row["versions"], &json!(numbers))?;
        wanted.extend(numbers.iter().map(|n| (d.id.clone(), *n)));
    }
    for (doc, number) in &wanted {
        let got = r.fetch(&format!("/api/v1/documents/{doc}/versions/{number}"))?;
        let code = r.state().code();
        let what = format!("document {doc} version {number}");
        let Some(v) = code.document(doc).and_then(|d| d.version(*number)) else {
            return fail(format!("{what}: the replay no longer has it"));
        };
        let served = hash_of_served(&got);
        if got["hash"] != served.as_str() {
            return fail(format!(
                "{what}: the node states hash {}, but the text it serves hashes to {served}",
                got["hash"]
            ));
        }
        // Each addendum's stated hash is the hash of what is served of it.
        for a in got["addenda"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let mut fields = a.clone();
            if let Some(o) = fields.as_object_mut() {
                o.remove("hash");
            }
            let computed = accord_core::statement::canonical_sha256(&fields);
            if a["hash"] != computed.as_str() {
                return fail(format!(
                    "{what}: the node states hash {} for addendum {}, but what it serves hashes to {computed}",
                    a["hash"], a["number"]
                ));
            }
        }
        let mut want = serde_json::to_value(v).context("version")?;
        if let Some(list) = want.get_mut("addenda").and_then(Value::as_array_mut) {
            for (a, w) in v.addenda.iter().zip(list) {
                w["hash"] = json!(a.hash());
            }
        }
        let subscribers: Vec<Value> = code
            .subscriptions(doc)
            .filter(|s| s.version == *number)
            .map(|s| json!({ "member": s.member.as_str(), "index": s.index.0, "time": s.time.to_rfc3339() }))
            .collect();
        let langs: Vec<String> = v.official_languages().iter().map(|l| l.as_str().to_string()).collect();
        want["official_languages"] = json!(langs);
        let drafts: Vec<String> = v.unofficial_languages().iter().map(|l| l.as_str().to_string()).collect();
        want["unofficial_languages"] = json!(drafts);
        want["hash"] = json!(v.hash());
        want["subscribers"] = json!(subscribers);
        same_object(&what, &got, &want)?;
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    Ok(format!(
        "{} and {} whole, each hash computed from the text served",
        plural(listed.len(), "document"),
        plural(wanted.len(), "version")
    ))
}
