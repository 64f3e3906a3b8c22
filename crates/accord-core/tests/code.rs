//! Integration tests of the Code (issue "The Code"; DESIGN.md §6 for the
//! procedure that changes it): documents founded at genesis, `code.amend`
//! proposals and their competition, translations by the silence procedure,
//! subscriptions, the secretariat's norm links, the canonical hash and the
//! diff.
//!
//! Every entry is a real signed statement, round-tripped through its wire
//! form and applied with `SigCheck::Verify`. Times are fixed: entries carry
//! them, there is no clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::decision::VoteChoice::{self, No, Yes};
use accord_core::acts::decision::{Action, Procedure, Question};
use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::{ClockTick, CodeNorms, CodeSubscribe, CodeUnsubscribe, Genesis, ProposalSubmit, VoteCast};
use accord_core::code::{
    diff, Article, ArticleDiff, ArticleKind, Change, Document, DocumentDraft, Lang, NormsDiff, Subscription, TextDiff,
    Version, MAX_ARTICLE_CHARS,
};
use accord_core::decisions::{AdoptedBy, ProposalRecord, Status};
use accord_core::entry::ENTRY_HEADER;
use accord_core::statement::statement_text;
use accord_core::{
    Act, Applied, Effect, Entry, LogIndex, MemberId, Refusal, Seq, SigCheck, State, Statement, Timestamp,
};
use accord_log::Signer;
use ed25519_dalek::SigningKey;
use std::collections::BTreeMap;

#[path = "support/snapshots.rs"]
mod snapshots;

// ---- harness (after tests/decisions.rs) ------------------------------------

const ORIGIN: &str = "test.example/log";
/// 2025-11-25T18:00:00Z.
const T0: i64 = 1_764_093_600_000;
const SEC: i64 = 1000;
const HOUR: i64 = 3600 * SEC;
/// The default (and shortest) silence period: 72 hours.
const SILENCE: i64 = 259_200 * SEC;
const C1: i64 = T0 + 10 * HOUR;
const C2: i64 = T0 + 20 * HOUR;
const C3: i64 = T0 + 30 * HOUR;
const FIVE: [&str; 5] = ["FRA", "CHN", "EGY", "BRA", "IND"];
const SECRETARIAT: &str = "secretariat";
const DOC: &str = "ICCIS";

fn mid(s: &str) -> MemberId {
    MemberId::parse(s).unwrap()
}

fn signer(id: &str, seed: u8) -> Signer {
    Signer::new(&mid(id).key_name(ORIGIN), SigningKey::from_bytes(&[seed; 32])).unwrap()
}

struct Body {
    state: State,
    keys: BTreeMap<MemberId, Signer>,
    seqs: BTreeMap<MemberId, u64>,
    now: i64,
    log: Vec<Entry>,
    effects: Vec<Vec<Effect>>,
}

/// When a test ends well, its body is checked to be snapshot-safe at every
/// index (tests/support/snapshots.rs).
impl Drop for Body {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            snapshots::assert_snapshot_safe(&self.log, &self.effects, &self.state);
        }
    }
}

fn genesis(documents: Vec<DocumentDraft>) -> (Genesis, BTreeMap<MemberId, Signer>) {
    let sec = signer(SECRETARIAT, 1);
    let log_key = Signer::new(ORIGIN, SigningKey::from_bytes(&[2; 32])).unwrap();
    let mut keys = BTreeMap::new();
    let mut members = Vec::new();
    for (i, m) in FIVE.iter().enumerate() {
        let s = signer(m, 10 + u8::try_from(i).unwrap());
        members.push(FoundingMember {
            id: mid(m),
            name: format!("State {m}"),
            names: Default::default(),
            vkey: s.verifier().to_vkey(),
        });
        keys.insert(mid(m), s);
    }
    let g = Genesis {
        name: "Test body".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log_key.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members,
        rules: None,
        documents,
    };
    keys.insert(MemberId::secretariat(), sec);
    (g, keys)
}

fn unfounded(documents: Vec<DocumentDraft>) -> (Body, Genesis) {
    let (g, keys) = genesis(documents);
    let b = Body { state: State::new(), keys, seqs: BTreeMap::new(), now: T0, log: Vec::new(), effects: Vec::new() };
    (b, g)
}

/// Five members, founded on `documents`.
fn found_with(documents: Vec<DocumentDraft>) -> Body {
    let (mut b, g) = unfounded(documents);
    b.apply_at(SECRETARIAT, T0, Act::Genesis(Box::new(g))).unwrap();
    b
}

/// Five members, founded on [`iccis`].
fn found() -> Body {
    found_with(vec![iccis()])
}

impl Body {
    /// A signed statement by `who` at `at`, taking the member's next `seq`.
    fn signed(&mut self, who: &str, at: i64, act: Act) -> Entry {
        let m = mid(who);
        let seq = self.seqs.entry(m.clone()).or_insert(0);
        *seq += 1;
        let st = Statement { member: m.clone(), seq: Seq(*seq), time: Timestamp(at), act };
        let key = self.keys.get(&m).unwrap_or_else(|| panic!("no key for {who}"));
        Entry::new(Timestamp(at), st.sign(key).unwrap())
    }

    /// The entry as a server would parse it from its wire bytes.
    fn try_entry_at(&mut self, who: &str, at: i64, act: Act) -> Result<Entry, Refusal> {
        let e = self.signed(who, at, act);
        let parsed = Entry::parse(&e.to_bytes())?;
        assert_eq!(parsed.to_bytes(), e.to_bytes());
        Ok(parsed)
    }

    fn entry_at(&mut self, who: &str, at: i64, act: Act) -> Entry {
        self.try_entry_at(who, at, act).unwrap_or_else(|r| panic!("{who} at {at}: not a valid entry: {r}"))
    }

    fn apply_entry(&mut self, e: Entry) -> Result<Applied, Refusal> {
        self.now = self.now.max(e.time.millis());
        let r = self.state.apply(&e, SigCheck::Verify);
        if let Ok(a) = &r {
            self.log.push(e);
            self.effects.push(a.effects.clone());
        }
        r
    }

    fn apply_at(&mut self, who: &str, at: i64, act: Act) -> Result<Applied, Refusal> {
        let e = self.entry_at(who, at, act);
        self.apply_entry(e)
    }

    fn apply(&mut self, who: &str, act: Act) -> Result<Applied, Refusal> {
        let at = self.now + SEC;
        self.apply_at(who, at, act)
    }

    #[track_caller]
    fn ok(&mut self, who: &str, act: Act) -> Applied {
        let what = format!("{who} {}", act.type_name());
        self.apply(who, act).unwrap_or_else(|r| panic!("{what} refused: {r}"))
    }

    #[track_caller]
    fn refused(&mut self, who: &str, act: Act) -> Refusal {
        let what = format!("{who} {}", act.type_name());
        match self.apply(who, act) {
            Ok(_) => panic!("{what} was accepted"),
            Err(r) => r,
        }
    }

    /// The refusal of an act whose statement does not even parse.
    #[track_caller]
    fn unparsable(&mut self, who: &str, act: Act) -> Refusal {
        let at = self.now + SEC;
        match self.try_entry_at(who, at, act) {
            Ok(_) => panic!("{who}: the statement parsed"),
            Err(r) => r,
        }
    }

    #[track_caller]
    fn tick_at(&mut self, at: i64) -> Applied {
        self.apply_at(SECRETARIAT, at, Act::ClockTick(ClockTick {})).unwrap()
    }

    fn next_index(&self) -> LogIndex {
        LogIndex(self.state.size())
    }

    fn record(&self, id: &str) -> &ProposalRecord {
        &self.state.decisions().get(id).unwrap_or_else(|| panic!("no proposal {id}")).record
    }

    fn doc(&self) -> &Document {
        self.state.code().document(DOC).unwrap()
    }

    fn version(&self, n: u32) -> &Version {
        self.doc().version(n).unwrap_or_else(|| panic!("{DOC} has no version {n}"))
    }

    fn latest(&self) -> &Version {
        self.doc().latest().unwrap()
    }

    /// Every member votes `v`.
    fn all_vote(&mut self, proposal: &str, v: VoteChoice) {
        for m in FIVE {
            self.ok(m, vote(proposal, v));
        }
    }

    /// Replays the accepted entries into a fresh state, with and without
    /// effects, and checks that each decides exactly as this one did.
    #[track_caller]
    fn assert_replays(&self) {
        for mut again in [State::new(), State::without_effects()] {
            for e in &self.log {
                again.apply(e, SigCheck::Verify).unwrap();
            }
            assert_eq!(again.size(), self.state.size());
            assert_eq!(again.decisions().iter().collect::<Vec<_>>(), self.state.decisions().iter().collect::<Vec<_>>());
            assert_same_code(&again, &self.state);
        }
        // Effect for effect, with effects on.
        let mut again = State::new();
        for (e, effects) in self.log.iter().zip(&self.effects) {
            let a = again.apply(e, SigCheck::Verify).unwrap();
            assert_eq!(&a.effects, effects, "effects of entry at {}", e.time);
        }
    }
}

#[track_caller]
fn assert_same_code(a: &State, b: &State) {
    let da: Vec<&Document> = a.code().documents().collect();
    let db: Vec<&Document> = b.code().documents().collect();
    assert_eq!(da, db);
    for (x, y) in da.iter().zip(&db) {
        let hx: Vec<String> = x.versions.iter().map(Version::hash).collect();
        let hy: Vec<String> = y.versions.iter().map(Version::hash).collect();
        assert_eq!(hx, hy, "hashes of {}", x.id);
        let sx: Vec<&Subscription> = a.code().subscriptions(&x.id).collect();
        let sy: Vec<&Subscription> = b.code().subscriptions(&y.id).collect();
        assert_eq!(sx, sy, "subscriptions to {}", x.id);
    }
}

fn l(s: &str) -> Lang {
    Lang::parse(s).unwrap_or_else(|| panic!("{s:?} is a language tag"))
}

fn texts(t: &[(&str, &str)]) -> BTreeMap<Lang, String> {
    t.iter().map(|(k, v)| (l(k), v.to_string())).collect()
}

fn article(id: &str, kind: ArticleKind, t: &[(&str, &str)]) -> Article {
    Article {
        id: id.into(),
        kind,
        texts: texts(t),
        norms: Vec::new(),
        note: None,
        notes: Default::default(),
        unofficial: Vec::new(),
    }
}

fn pledge(id: &str) -> Article {
    article(id, ArticleKind::Pledge, &[("en", &format!("Pledge {id}.")), ("fr", &format!("Engagement {id}."))])
}

/// A small document in English and French: a preamble, the purpose and
/// three pledges.
fn iccis() -> DocumentDraft {
    DocumentDraft {
        id: DOC.into(),
        title: texts(&[("en", "A code of conduct"), ("fr", "Un code de conduite")]),
        label: "A/66/359 (2011)".into(),
        articles: vec![
            article("pre-1", ArticleKind::Preamble, &[("en", "Recalling its resolutions."), ("fr", "Rappelant.")]),
            article("purpose", ArticleKind::Purpose, &[("en", "The purpose."), ("fr", "Le but.")]),
            pledge("a"),
            pledge("b"),
            pledge("c"),
        ],
    }
}

fn ids(v: &Version) -> Vec<&str> {
    v.articles.iter().map(|a| a.id.as_str()).collect()
}

fn submit(id: &str, question: Question, procedure: Procedure, closes: i64, action: Action) -> Act {
    Act::ProposalSubmit(Box::new(ProposalSubmit {
        id: id.into(),
        title: format!("Proposal {id}"),
        text: format!("The text of {id}."),
        question,
        procedure,
        closes: Timestamp(closes).to_rfc3339(),
        action: Some(action),
    }))
}

fn amend_action(base: u32, changes: Vec<Change>) -> Action {
    Action::CodeAmend { document: DOC.into(), base, changes }
}

/// A `code.amend` of ICCIS: an important question, a recorded vote.
fn code_amend(id: &str, closes: i64, base: u32, changes: Vec<Change>) -> Act {
    submit(id, Question::Important, Procedure::Vote, closes, amend_action(base, changes))
}

fn translate_action(version: u32, article: &str, lang: &str, text: &str) -> Action {
    Action::CodeTranslate { document: DOC.into(), version, article: article.into(), lang: l(lang), text: text.into() }
}

/// A `code.translate` under the silence procedure.
fn translate(id: &str, closes: i64, version: u32, article: &str, lang: &str, text: &str) -> Act {
    submit(id, Question::Ordinary, Procedure::Silence, closes, translate_action(version, article, lang, text))
}

fn reword(id: &str, lang: &str, text: &str) -> Change {
    Change::Reword { id: id.into(), lang: l(lang), text: text.into() }
}

fn delete(id: &str) -> Change {
    Change::Delete { id: id.into() }
}

fn insert(a: Article, after: Option<&str>) -> Change {
    Change::Insert { article: a, after: after.map(Into::into) }
}

fn replace(a: Article) -> Change {
    Change::Replace { article: a }
}

fn vote(proposal: &str, v: VoteChoice) -> Act {
    Act::VoteCast(VoteCast { proposal: proposal.into(), vote: v, explanation: None })
}

fn subscribe(document: &str, version: u32) -> Act {
    Act::CodeSubscribe(CodeSubscribe { document: document.into(), version })
}

fn unsubscribe(document: &str) -> Act {
    Act::CodeUnsubscribe(CodeUnsubscribe { document: document.into() })
}

fn norms(article: &str, n: &[&str]) -> Act {
    Act::CodeNorms(CodeNorms {
        document: DOC.into(),
        article: article.into(),
        norms: n.iter().map(|s| s.to_string()).collect(),
    })
}

#[track_caller]
fn assert_rules_refusal(r: &Refusal, contains: &str) {
    match r {
        Refusal::Rules(why) => assert!(why.contains(contains), "refusal {why:?} does not say {contains:?}"),
        other => panic!("expected a refusal by the rules ({contains:?}), got {other:?}"),
    }
}

#[track_caller]
fn assert_bad_body(r: &Refusal, kind: &str, contains: &str) {
    match r {
        Refusal::BadBody { kind: k, why } => {
            assert_eq!(k, kind);
            assert!(why.contains(contains), "refusal {why:?} does not say {contains:?}");
        }
        other => panic!("expected a bad {kind} body ({contains:?}), got {other:?}"),
    }
}

/// The document `a`'s Code effects touched (the last, if several), as a
/// projection folding every Code effect of `b`'s log so far would hold it:
/// what readers of the projections see.
fn code_changed(b: &Body, a: &Applied) -> Option<Document> {
    let touched = a.effects.iter().rev().find_map(|e| match e {
        Effect::DocumentFounded { id, .. } => Some(id.clone()),
        Effect::VersionAdopted(v) => Some(v.document.clone()),
        Effect::AddendumAdded { document, .. } => Some(document.clone()),
        _ => None,
    })?;
    projected_code(&b.effects).remove(&touched)
}

/// The Code as a projection folding `effects` holds it.
fn projected_code(effects: &[Vec<Effect>]) -> BTreeMap<String, Document> {
    let mut docs: BTreeMap<String, Document> = BTreeMap::new();
    for e in effects.iter().flatten() {
        match e {
            Effect::DocumentFounded { id, title } => {
                docs.insert(id.clone(), Document { id: id.clone(), title: title.clone(), versions: Vec::new() });
            }
            Effect::VersionAdopted(v) => docs.get_mut(&v.document).unwrap().versions.push((**v).clone()),
            Effect::AddendumAdded { document, version, addendum } => {
                let d = docs.get_mut(document).unwrap();
                d.versions[*version as usize - 1].addenda.push((**addendum).clone());
            }
            _ => {}
        }
    }
    docs
}

fn unchanged(id: &str) -> ArticleDiff {
    ArticleDiff { id: id.into(), change: "unchanged", texts: BTreeMap::new(), norms: None }
}

fn td(from: Option<&str>, to: Option<&str>) -> TextDiff {
    TextDiff { from: from.map(Into::into), to: to.map(Into::into) }
}

// ---- genesis -----------------------------------------------------------------

#[test]
fn genesis_with_documents_founds_version_one() {
    let b = found();
    let d = b.doc();
    assert_eq!(d.id, DOC);
    assert_eq!(d.title, iccis().title);
    assert_eq!(d.versions.len(), 1);
    let v = b.version(1);
    assert_eq!(v.document, DOC);
    assert_eq!(v.number, 1);
    assert_eq!(v.label, "A/66/359 (2011)");
    assert_eq!(v.articles, iccis().articles);
    assert_eq!(v.adopted_at, LogIndex(0));
    assert_eq!(v.adopted_time, Timestamp(T0));
    assert_eq!(v.proposal, None);
    assert_eq!(v.official_languages(), vec![l("en"), l("fr")]);
    assert!(b.doc().version(0).is_none() && b.doc().version(2).is_none());
    // Genesis reports the document among its effects.
    assert_eq!(projected_code(&b.effects[..1]).get(DOC), Some(d));
    // Without documents, there is no Code.
    let none = found_with(Vec::new());
    assert_eq!(none.state.code().documents().count(), 0);
    b.assert_replays();
}

/// A genesis whose draft is bad, refused both when its statement is
/// parsed and when an entry built in code skips the parse.
#[test]
fn genesis_refuses_a_bad_draft() {
    let long = "x".repeat(MAX_ARTICLE_CHARS + 1);
    let mut cases: Vec<(&str, DocumentDraft)> = Vec::new();
    let mut d = iccis();
    d.articles.push(pledge("b"));
    cases.push(("appears twice", d));
    for empty in ["", "  \n "] {
        let mut d = iccis();
        d.articles[2].texts.insert(l("fr"), empty.into());
        cases.push(("text must be 1–8000 characters (got", d));
    }
    let mut d = iccis();
    d.articles[3].texts.insert(l("en"), long.clone());
    cases.push(("(got 8001)", d));
    let mut d = iccis();
    d.articles[3].texts.clear();
    cases.push(("has no text", d));
    let mut d = iccis();
    d.articles.clear();
    cases.push(("a version has 1–200 articles", d));
    let mut d = iccis();
    d.articles[1].id = "bad id".into();
    cases.push(("article id", d));
    for bad in ["iccis", "I", "ICCIS_2011", "1CCIS", "-ICCIS", &"A".repeat(33)] {
        let mut d = iccis();
        d.id = bad.into();
        cases.push(("document id", d));
    }
    let mut d = iccis();
    d.articles[0].norms = vec!["not a norm".into()];
    cases.push(("norm id", d));
    for (why, draft) in cases {
        assert!(draft.validate().is_err(), "{why}");
        let (mut b, g) = unfounded(vec![draft.clone()]);
        let r = b.unparsable(SECRETARIAT, Act::Genesis(Box::new(g.clone())));
        assert_bad_body(&r, "body.genesis", why);
        // An entry built in code, never parsed: the fold checks it too.
        let e = b.signed(SECRETARIAT, T0, Act::Genesis(Box::new(g)));
        let r = b.apply_entry(e).unwrap_err();
        assert_bad_body(&r, "body.genesis", why);
        assert_eq!(b.state.size(), 0);
        assert_eq!(b.state.code().documents().count(), 0);
    }
    // A document listed twice.
    let (mut b, g) = unfounded(vec![iccis(), iccis()]);
    assert_bad_body(&b.unparsable(SECRETARIAT, Act::Genesis(Box::new(g))), "body.genesis", "listed twice");
    // Exactly 8,000 characters (of any script) is allowed.
    let mut d = iccis();
    d.articles[3].texts.insert(l("en"), "é".repeat(MAX_ARTICLE_CHARS));
    d.articles[3].texts.insert(l("fr"), "x".repeat(MAX_ARTICLE_CHARS));
    let b = found_with(vec![d]);
    assert_eq!(b.version(1).article("b").unwrap().texts[&l("en")].chars().count(), MAX_ARTICLE_CHARS);
}

/// A malformed language tag cannot be built as a [`Lang`]: it is refused
/// in the JSON of the statement, on the wire.
#[test]
fn genesis_refuses_a_malformed_language_tag() {
    let (b, g) = unfounded(vec![iccis()]);
    let good = Act::Genesis(Box::new(g)).body();
    assert!(Act::parse("body.genesis", &good).is_ok());
    for bad in ["EN", "english", "e", "zh_Hans", "zh-hans", "zh-CN-Hans", "en-", ""] {
        // In an article's texts.
        let mut v = good.clone();
        let t = v["documents"][0]["articles"][0]["texts"].as_object_mut().unwrap();
        let en = t.remove("en").unwrap();
        t.insert(bad.into(), en);
        assert_bad_body(&Act::parse("body.genesis", &v).unwrap_err(), "body.genesis", "language tag");
        // In the title.
        let mut w = good.clone();
        let t = w["documents"][0]["title"].as_object_mut().unwrap();
        let en = t.remove("en").unwrap();
        t.insert(bad.into(), en);
        assert_bad_body(&Act::parse("body.genesis", &w).unwrap_err(), "body.genesis", "language tag");
        // And as a whole signed entry on the wire.
        if bad == "EN" {
            let sec = &b.keys[&MemberId::secretariat()];
            let text = statement_text(&MemberId::secretariat(), Seq(1), Timestamp(T0), "body.genesis", v);
            let note = sec.sign_note(&text).unwrap();
            let mut bytes = format!("{ENTRY_HEADER}\ntime {}\n\n", Timestamp(T0).to_millis_string()).into_bytes();
            bytes.extend_from_slice(note.to_text().as_bytes());
            assert_bad_body(&Entry::parse(&bytes).unwrap_err(), "body.genesis", "\"EN\" is not a language tag");
        }
    }
}

// ---- language tags -----------------------------------------------------------

#[test]
fn lang_parse_accepts_bcp47_tags_of_the_allowed_shape() {
    for ok in ["ar", "zh", "en", "fr", "ru", "es", "zh-Hans", "zh-Hant", "pt-BR", "zh-Hans-CN", "yue", "sr-Latn"] {
        assert_eq!(Lang::parse(ok).map(|x| x.as_str().to_string()), Some(ok.to_string()), "{ok}");
    }
    for &un in accord_core::code::UN_LANGUAGES {
        assert!(Lang::parse(un).is_some());
    }
    for bad in [
        "EN",
        "english",
        "e",
        "zh_Hans",
        "zh-hans",
        "zh-CN-Hans",
        "",
        "-",
        "en-",
        "-en",
        "En",
        "engl",
        "zh-HANS",
        "zh-Hans-Hant",
        "pt-BR-BR",
        "pt-br",
        "pt-B",
        "pt-BRA",
        "en-US-x",
        "zh-Hans-",
        "ζh",
        "en ",
        " en",
    ] {
        assert_eq!(Lang::parse(bad), None, "{bad:?}");
    }
    // A tag deserialises only if it parses.
    assert_eq!(serde_json::from_str::<Lang>("\"zh-Hans\"").unwrap(), l("zh-Hans"));
    assert!(serde_json::from_str::<Lang>("\"EN\"").is_err());
    assert_eq!(serde_json::to_string(&l("pt-BR")).unwrap(), "\"pt-BR\"");
}

// ---- code.amend ----------------------------------------------------------------

#[test]
fn code_amend_and_code_establish_are_important_questions() {
    let mut b = found();
    let a = amend_action(1, vec![reword("b", "en", "New b.")]);
    let r = b.refused("FRA", submit("p", Question::Ordinary, Procedure::Vote, C1, a.clone()));
    assert_rules_refusal(&r, "code.amend is an important question");
    let mut draft = iccis();
    draft.id = "OTHER".into();
    let e = Action::CodeEstablish { document: Box::new(draft.clone()) };
    let r = b.refused("FRA", submit("q", Question::Ordinary, Procedure::Vote, C1, e.clone()));
    assert_rules_refusal(&r, "code.establish is an important question");
    // A translation is not.
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", translate("t", closes, 1, "b", "es", "Compromiso b."));
    b.ok("FRA", submit("p", Question::Important, Procedure::Vote, C1, a));
    b.ok("FRA", submit("q", Question::Important, Procedure::Vote, C1, e));
    assert!(b.state.decisions().get("p").is_some() && b.state.decisions().get("q").is_some());
    // An important question needs two-thirds: 3 of 5 is not enough.
    for (m, v) in [("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", No), ("IND", No)] {
        b.ok(m, vote("p", v));
    }
    for (m, v) in [("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", Yes), ("IND", No)] {
        b.ok(m, vote("q", v));
    }
    b.tick_at(C1);
    assert_eq!(b.record("p").status, Status::Rejected);
    assert_eq!(b.record("p").action_result, None);
    assert_eq!(b.doc().versions.len(), 1);
    assert_eq!(b.record("q").status, Status::Adopted);
    assert_eq!(b.record("q").action_result.as_deref(), Some("applied: OTHER version 1"));
    b.assert_replays();
}

#[test]
fn code_establish_adopted_founds_a_document() {
    let mut b = found();
    let mut draft = iccis();
    draft.id = "OTHER".into();
    draft.label = "Draft (2026)".into();
    let e = Action::CodeEstablish { document: Box::new(draft.clone()) };
    // An existing document is not established again.
    let r = b.refused(
        "FRA",
        submit("dup", Question::Important, Procedure::Vote, C1, Action::CodeEstablish { document: Box::new(iccis()) }),
    );
    assert_rules_refusal(&r, "document ICCIS exists");
    b.ok("FRA", submit("p", Question::Important, Procedure::Vote, C1, e.clone()));
    // A second proposal for the same document is tabled; the first adopted
    // makes it inapplicable.
    b.ok("CHN", submit("p2", Question::Important, Procedure::Vote, C2, e));
    b.all_vote("p", Yes);
    let at = b.next_index();
    let tick = b.tick_at(C1);
    let d = b.state.code().document("OTHER").unwrap();
    assert_eq!(code_changed(&b, &tick).as_ref(), Some(d));
    assert_eq!(d.title, draft.title);
    let v = d.latest().unwrap();
    assert_eq!((v.number, v.label.as_str(), v.proposal.as_deref()), (1, "Draft (2026)", Some("p")));
    assert_eq!((v.adopted_at, v.adopted_time), (at, Timestamp(C1)));
    assert_eq!(v.articles, draft.articles);
    b.all_vote("p2", Yes);
    b.tick_at(C2);
    assert_eq!(b.record("p2").status, Status::Adopted);
    assert_eq!(b.record("p2").action_result.as_deref(), Some("not applied: document OTHER exists"));
    assert_eq!(b.state.code().document("OTHER").unwrap().versions.len(), 1);
    b.assert_replays();
}

#[test]
fn code_amend_is_checked_when_tabled() {
    let mut b = found();
    let cases: Vec<(u32, Vec<Change>, &str)> = vec![
        (2, vec![reword("b", "en", "x")], "amend the latest version, 1 (base 2)"),
        (1, vec![reword("zzz", "en", "x")], "article zzz does not exist"),
        (1, vec![delete("zzz")], "article zzz does not exist"),
        (1, vec![replace(pledge("zzz"))], "article zzz does not exist"),
        (1, vec![insert(pledge("b"), Some("c"))], "article b already exists"),
        (1, vec![insert(pledge("d"), Some("zzz"))], "article zzz (after) does not exist"),
        (
            1,
            vec![delete("pre-1"), delete("purpose"), delete("a"), delete("b"), delete("c")],
            "a version has 1–200 articles",
        ),
    ];
    for (i, (base, changes, why)) in cases.into_iter().enumerate() {
        let r = b.refused("FRA", code_amend(&format!("p{i}"), C1, base, changes));
        assert_rules_refusal(&r, why);
    }
    // Refused by the form of the statement.
    for (changes, base, why) in [
        (vec![], 1, "changes: 1–200"),
        (vec![reword("b", "en", "x"), delete("b")], 1, "article b is changed twice in one amendment"),
        (vec![reword("b", "en", " ")], 1, "text must be"),
        (vec![reword("b", "en", &"x".repeat(MAX_ARTICLE_CHARS + 1))], 1, "(got 8001)"),
        (vec![reword("b", "en", "x")], 0, "base a version number"),
        (vec![insert(pledge("d"), Some("bad after"))], 1, "after: malformed"),
    ] {
        let r = b.unparsable("FRA", code_amend("py", C1, base, changes));
        assert_bad_body(&r, "proposal.submit", why);
    }
    // A document that does not exist.
    let r = b.refused(
        "FRA",
        submit(
            "pz",
            Question::Important,
            Procedure::Vote,
            C1,
            Action::CodeAmend { document: "NOPE".into(), base: 1, changes: vec![delete("a")] },
        ),
    );
    assert_rules_refusal(&r, "no document \"NOPE\"");
    assert_eq!(b.state.decisions().len(), 0);
}

#[test]
fn code_amend_adopted_makes_the_next_version() {
    let mut b = found();
    let v1 = b.version(1).clone();
    b.ok("FRA", code_amend("amend-b", C1, 1, vec![reword("b", "fr", "Nouvel engagement b.")]));
    for (m, v) in [("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", Yes), ("IND", No)] {
        b.ok(m, vote("amend-b", v));
    }
    // Nothing changes before the ballot closes.
    b.tick_at(C1 - 1);
    assert_eq!(b.doc().versions.len(), 1);
    let at = b.next_index();
    let tick = b.tick_at(C1);
    let r = b.record("amend-b");
    assert_eq!(r.status, Status::Adopted);
    assert_eq!(r.adopted_by, Some(AdoptedBy::Vote));
    assert_eq!(r.action_result.as_deref(), Some("applied: ICCIS version 2"));
    assert_eq!(code_changed(&b, &tick).as_ref(), Some(b.doc()));
    assert_eq!(b.doc().versions.len(), 2);
    assert_eq!(b.version(1), &v1, "version 1 stays as it was");
    let v2 = b.version(2);
    assert_eq!(v2.document, DOC);
    assert_eq!(v2.number, 2);
    assert_eq!(v2.label, "Rev.1");
    assert_eq!(v2.proposal.as_deref(), Some("amend-b"));
    assert_eq!(v2.adopted_time, Timestamp(C1));
    assert_eq!(v2.adopted_at, at);
    assert_ne!(v2.hash(), v1.hash());
    assert_eq!(ids(v2), ids(&v1));
    let d = diff(&v1, v2);
    let mut want: Vec<ArticleDiff> = ["pre-1", "purpose", "a", "b", "c"].into_iter().map(unchanged).collect();
    want[3] = ArticleDiff {
        id: "b".into(),
        change: "changed",
        texts: BTreeMap::from([(l("fr"), td(Some("Engagement b."), Some("Nouvel engagement b.")))]),
        norms: None,
    };
    assert_eq!(d, want);

    // Rev.2: replace (adding a language), insert, delete; based on version 2.
    let r = b.refused("FRA", code_amend("late", C2, 1, vec![reword("a", "en", "x")]));
    assert_rules_refusal(&r, "amend the latest version, 2 (base 1)");
    let new_a = article(
        "a",
        ArticleKind::Pledge,
        &[("en", "Pledge a, revised."), ("fr", "Engagement a."), ("es", "Compromiso a.")],
    );
    let d_art = pledge("d");
    b.ok(
        "CHN",
        code_amend("rev-2", C2, 2, vec![replace(new_a.clone()), insert(d_art.clone(), Some("c")), delete("purpose")]),
    );
    b.all_vote("rev-2", Yes);
    b.tick_at(C2);
    let v3 = b.version(3);
    assert_eq!((v3.number, v3.label.as_str(), v3.proposal.as_deref()), (3, "Rev.2", Some("rev-2")));
    assert_eq!(v3.adopted_time, Timestamp(C2));
    assert_eq!(ids(v3), ["pre-1", "a", "b", "c", "d"]);
    assert_eq!(v3.article("a"), Some(&new_a));
    assert_eq!(v3.official_languages(), vec![l("en"), l("fr")]);
    let d = diff(b.version(2), v3);
    let want = vec![
        unchanged("pre-1"),
        ArticleDiff {
            id: "purpose".into(),
            change: "removed",
            texts: BTreeMap::from([(l("en"), td(Some("The purpose."), None)), (l("fr"), td(Some("Le but."), None))]),
            norms: None,
        },
        ArticleDiff {
            id: "a".into(),
            change: "changed",
            texts: BTreeMap::from([
                (l("en"), td(Some("Pledge a."), Some("Pledge a, revised."))),
                (l("es"), td(None, Some("Compromiso a."))),
            ]),
            norms: None,
        },
        unchanged("b"),
        unchanged("c"),
        ArticleDiff {
            id: "d".into(),
            change: "added",
            texts: BTreeMap::from([(l("en"), td(None, Some("Pledge d."))), (l("fr"), td(None, Some("Engagement d.")))]),
            norms: None,
        },
    ];
    assert_eq!(d, want);
    // The diff across two versions is the sum of both changes.
    let d13 = diff(&v1, b.version(3));
    let changes: Vec<(&str, &str)> = d13.iter().map(|x| (x.id.as_str(), x.change)).collect();
    assert_eq!(
        changes,
        [
            ("pre-1", "unchanged"),
            ("purpose", "removed"),
            ("a", "changed"),
            ("b", "changed"),
            ("c", "unchanged"),
            ("d", "added")
        ]
    );
    b.assert_replays();
}

// ---- competing amendments -------------------------------------------------------

#[test]
fn competing_amendment_is_moot_once_the_earlier_is_adopted() {
    let mut b = found();
    b.ok("FRA", code_amend("first", C1, 1, vec![reword("b", "en", "First b.")]));
    b.ok("CHN", code_amend("second", C2, 1, vec![replace(pledge("b")), reword("a", "en", "Second a.")]));
    // Shares no article with either: voted freely.
    b.ok("EGY", code_amend("other", C2, 1, vec![reword("c", "en", "Other c.")]));
    let r = b.refused("BRA", vote("second", Yes));
    assert_rules_refusal(&r, "first, a competing amendment to the same articles, is voted first");
    b.all_vote("first", Yes);
    b.all_vote("other", Yes);
    assert!(b.state.decisions().get("second").unwrap().votes.is_empty());
    let at = b.next_index();
    let tick = b.tick_at(C1);
    assert_eq!(b.record("first").status, Status::Adopted);
    let s = b.record("second");
    assert_eq!(s.status, Status::Moot);
    assert_eq!(s.action_result.as_deref(), Some("not applied: made moot by first"));
    assert_eq!(s.closed_at, Some(at));
    assert_eq!(s.entries.last(), Some(&at));
    assert_eq!(s.tally, None);
    assert!(tick
        .effects
        .iter()
        .any(|e| matches!(e, Effect::ProposalChanged(r) if r.id == "second" && r.status == Status::Moot)));
    assert_eq!(
        b.refused("BRA", vote("second", Yes)),
        Refusal::BallotClosed { proposal: "second".into(), status: "moot".into() }
    );
    // Its deadline is gone: it does not close again, and the other
    // amendment applies onto version 2.
    b.tick_at(C2);
    assert_eq!(b.record("second").status, Status::Moot);
    assert_eq!(b.record("second").closed_at, Some(at));
    assert_eq!(b.record("other").action_result.as_deref(), Some("applied: ICCIS version 3"));
    let v3 = b.version(3);
    assert_eq!(v3.label, "Rev.2");
    assert_eq!(v3.article("b").unwrap().texts[&l("en")], "First b.");
    assert_eq!(v3.article("c").unwrap().texts[&l("en")], "Other c.");
    assert_eq!(v3.article("a").unwrap().texts[&l("en")], "Pledge a.");
    assert_eq!(
        changes(&diff(b.version(2), v3)),
        [("pre-1", "unchanged"), ("purpose", "unchanged"), ("a", "unchanged"), ("b", "unchanged"), ("c", "changed")]
    );
    b.assert_replays();
}

#[test]
fn competing_amendment_is_voted_once_the_earlier_is_rejected() {
    let mut b = found();
    b.ok("FRA", code_amend("first", C1, 1, vec![reword("b", "en", "First b.")]));
    b.ok("CHN", code_amend("second", C2, 1, vec![reword("b", "en", "Second b.")]));
    assert_rules_refusal(&b.refused("IND", vote("second", No)), "first, a competing amendment");
    b.all_vote("first", No);
    // Still pending until its deadline passes.
    assert_rules_refusal(&b.refused("IND", vote("second", No)), "first, a competing amendment");
    b.tick_at(C1);
    assert_eq!(b.record("first").status, Status::Rejected);
    assert_eq!(b.record("second").status, Status::Open);
    assert_eq!(b.doc().versions.len(), 1);
    b.all_vote("second", Yes);
    b.tick_at(C2);
    assert_eq!(b.record("second").status, Status::Adopted);
    assert_eq!(b.record("second").action_result.as_deref(), Some("applied: ICCIS version 2"));
    let v2 = b.version(2);
    assert_eq!(v2.proposal.as_deref(), Some("second"));
    assert_eq!(v2.article("b").unwrap().texts[&l("en")], "Second b.");
    b.assert_replays();
}

/// Competing amendments are voted by `closes`, then by submission.
#[test]
fn competing_amendments_are_voted_by_closes_then_submission() {
    let mut b = found();
    // y is voted ahead of x and z, so it closes at least
    // amendment_lead_seconds (a day by default) before them.
    let late = C1 + 24 * HOUR;
    b.ok("FRA", code_amend("x", late, 1, vec![reword("b", "en", "X.")]));
    b.ok("CHN", code_amend("y", C1, 1, vec![reword("b", "fr", "Y.")]));
    b.ok("EGY", code_amend("z", late, 1, vec![delete("b")]));
    assert_rules_refusal(&b.refused("BRA", vote("x", Yes)), "y, a competing amendment");
    assert_rules_refusal(&b.refused("BRA", vote("z", Yes)), "y, a competing amendment");
    b.all_vote("y", No);
    b.tick_at(C1);
    assert_eq!(b.record("y").status, Status::Rejected);
    // Same deadline: the one tabled first is voted first.
    assert_rules_refusal(&b.refused("BRA", vote("z", Yes)), "x, a competing amendment");
    b.all_vote("x", Yes);
    b.tick_at(late);
    assert_eq!(b.record("x").status, Status::Adopted);
    assert_eq!(b.record("z").status, Status::Moot);
    assert_eq!(b.record("z").action_result.as_deref(), Some("not applied: made moot by x"));
    assert_eq!(b.latest().article("b").unwrap().texts[&l("en")], "X.");
    b.assert_replays();
}

/// An insert depends on the article it follows: deleting that article
/// competes with it.
#[test]
fn an_insert_competes_with_deleting_its_anchor() {
    let mut b = found();
    b.ok("FRA", code_amend("drop-b", C1, 1, vec![delete("b")]));
    b.ok("CHN", code_amend("after-b", C2, 1, vec![insert(pledge("b2"), Some("b"))]));
    assert_rules_refusal(&b.refused("BRA", vote("after-b", Yes)), "drop-b, a competing amendment");
    b.all_vote("drop-b", Yes);
    b.tick_at(C1);
    assert_eq!(b.record("drop-b").status, Status::Adopted);
    assert_eq!(b.record("after-b").status, Status::Moot);
    assert!(b.latest().article("b").is_none());
    b.assert_replays();
}

#[test]
fn non_overlapping_amendments_both_apply() {
    let mut b = found();
    b.ok("FRA", code_amend("one", C1, 1, vec![reword("a", "en", "One a."), insert(pledge("e"), None)]));
    b.ok("CHN", code_amend("two", C1, 1, vec![reword("c", "fr", "Deux c."), delete("purpose")]));
    b.all_vote("two", Yes);
    b.all_vote("one", Yes);
    let at = b.next_index();
    b.tick_at(C1);
    assert_eq!(b.record("one").action_result.as_deref(), Some("applied: ICCIS version 2"));
    assert_eq!(b.record("two").action_result.as_deref(), Some("applied: ICCIS version 3"));
    let (v2, v3) = (b.version(2), b.version(3));
    assert_eq!((v2.proposal.as_deref(), v3.proposal.as_deref()), (Some("one"), Some("two")));
    assert_eq!((v2.adopted_at, v3.adopted_at), (at, at));
    assert_eq!(ids(v2), ["e", "pre-1", "purpose", "a", "b", "c"]);
    assert_eq!(ids(v3), ["e", "pre-1", "a", "b", "c"]);
    assert_eq!(v3.article("a").unwrap().texts[&l("en")], "One a.");
    assert_eq!(v3.article("c").unwrap().texts[&l("fr")], "Deux c.");
    assert_eq!(
        changes(&diff(v2, v3)),
        [
            ("e", "unchanged"),
            ("pre-1", "unchanged"),
            ("purpose", "removed"),
            ("a", "unchanged"),
            ("b", "unchanged"),
            ("c", "changed")
        ]
    );
    b.assert_replays();
}

/// Amendments to an article that an adopted amendment deletes are moot,
/// including an insert after it; tabled later, they are refused.
#[test]
fn amendments_to_a_deleted_article() {
    let mut b = found();
    b.ok("FRA", code_amend("del-c", C1, 1, vec![delete("c")]));
    b.ok("CHN", code_amend("reword-c", C2, 1, vec![reword("c", "en", "Reworded c.")]));
    b.ok("EGY", code_amend("after-c", C2, 1, vec![insert(pledge("d"), Some("c"))]));
    b.all_vote("del-c", Yes);
    // Inserting after c depends on c: a competitor of del-c, voted after it.
    assert_rules_refusal(&b.refused("BRA", vote("after-c", Yes)), "del-c, a competing amendment");
    b.tick_at(C1);
    assert_eq!(ids(b.latest()), ["pre-1", "purpose", "a", "b"]);
    for id in ["reword-c", "after-c"] {
        assert_eq!(b.record(id).status, Status::Moot, "{id}");
        assert_eq!(b.record(id).action_result.as_deref(), Some("not applied: made moot by del-c"), "{id}");
    }
    // Tabled now: on the old base, or on the new one that lacks c.
    assert_rules_refusal(
        &b.refused("BRA", code_amend("late-1", C3, 1, vec![reword("c", "en", "x")])),
        "amend the latest version, 2 (base 1)",
    );
    assert_rules_refusal(
        &b.refused("BRA", code_amend("late-2", C3, 2, vec![reword("c", "en", "x")])),
        "article c does not exist",
    );
    assert_rules_refusal(
        &b.refused("BRA", code_amend("late-3", C3, 2, vec![replace(pledge("c"))])),
        "article c does not exist",
    );
    assert_rules_refusal(
        &b.refused("BRA", code_amend("late-4", C3, 2, vec![insert(pledge("d"), Some("c"))])),
        "article c (after) does not exist",
    );
    // Re-inserting c is an insert, and allowed.
    b.ok("BRA", code_amend("again-c", C3, 2, vec![insert(pledge("c"), Some("b"))]));
    b.tick_at(C2);
    assert_eq!(b.record("after-c").status, Status::Moot);
    assert_eq!(b.doc().versions.len(), 2);
    b.all_vote("again-c", Yes);
    b.tick_at(C3);
    assert_eq!(ids(b.latest()), ["pre-1", "purpose", "a", "b", "c"]);
    assert_eq!(b.latest().label, "Rev.2");
    b.assert_replays();
}

/// A moot amendment no longer holds back the amendments it competed with
/// that the adopted one did not touch.
#[test]
fn a_moot_amendment_no_longer_blocks_its_other_competitors() {
    let mut b = found();
    b.ok("FRA", code_amend("del-c", T0 + 5 * HOUR, 1, vec![delete("c")]));
    b.ok("CHN", code_amend("d-after-c", C1, 1, vec![insert(pledge("d"), Some("c"))]));
    b.ok("EGY", code_amend("d-after-b", C2, 1, vec![insert(pledge("d"), Some("b"))]));
    // d-after-b competes with d-after-c (both insert d), not with del-c.
    assert_rules_refusal(&b.refused("BRA", vote("d-after-b", Yes)), "d-after-c, a competing amendment");
    b.all_vote("del-c", Yes);
    b.tick_at(T0 + 5 * HOUR);
    assert_eq!(b.record("del-c").status, Status::Adopted);
    assert_eq!(b.record("d-after-c").status, Status::Moot);
    assert_eq!(b.record("d-after-b").status, Status::Open);
    assert_eq!(b.record("d-after-b").action_result, None);
    b.all_vote("d-after-b", Yes);
    b.tick_at(C2);
    assert_eq!(b.record("d-after-b").action_result.as_deref(), Some("applied: ICCIS version 3"));
    assert_eq!(ids(b.latest()), ["pre-1", "purpose", "a", "b", "d"]);
    b.assert_replays();
}

// ---- code.translate ---------------------------------------------------------------

#[test]
fn code_translate_only_by_the_silence_procedure() {
    let mut b = found();
    for (q, label) in [(Question::Ordinary, "ordinary"), (Question::Important, "important")] {
        let r = b.refused(
            "FRA",
            submit(&format!("vote-{label}"), q, Procedure::Vote, C1, translate_action(1, "b", "es", "Compromiso b.")),
        );
        assert_rules_refusal(&r, "translations are adopted by the silence procedure");
    }
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", translate("t", closes, 1, "b", "es", "Compromiso b."));
    let r = b.refused("CHN", vote("t", Yes));
    assert_rules_refusal(&r, "there is no vote unless a member objects");
    // Its deadline is at least the silence period away.
    let r = b.refused("FRA", translate("t2", b.now + SILENCE - SEC, 1, "a", "es", "Compromiso a."));
    assert_rules_refusal(&r, "silence");
    // What is refused when tabled.
    for (i, (version, article, lang, why)) in [
        (2, "b", "es", "ICCIS has no version 2"),
        (1, "zzz", "es", "version 1 has no article zzz"),
        (1, "b", "en", "article b already has a en text"),
        (1, "b", "fr", "already has a fr text"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = b.refused("FRA", translate(&format!("bad-{i}"), closes + HOUR, version, article, lang, "Texte."));
        assert_rules_refusal(&r, why);
    }
    let r = b.unparsable("FRA", translate("bad-v", closes + HOUR, 0, "b", "es", "Texte."));
    assert_bad_body(&r, "proposal.submit", "version a version number");
    let r = b.unparsable("FRA", translate("bad-t", closes + HOUR, 1, "b", "es", " "));
    assert_bad_body(&r, "proposal.submit", "text must be");
    b.assert_replays();
}

#[test]
fn code_translate_adopted_by_consensus_adds_the_language() {
    let mut b = found();
    let closes = T0 + 2 * SEC + SILENCE;
    b.ok("FRA", translate("t-b", closes, 1, "b", "es", "Compromiso b."));
    // A second translation of the same text, tabled while the first circulates.
    b.ok("CHN", translate("t-b2", closes + HOUR, 1, "b", "es", "Otro compromiso b."));
    let h1 = b.version(1).hash();
    let before = b.version(1).clone();
    let at = b.next_index();
    let tick = b.tick_at(closes);
    let r = b.record("t-b");
    assert_eq!(r.status, Status::Adopted);
    assert_eq!(r.adopted_by, Some(AdoptedBy::Consensus));
    assert_eq!(r.closed_at, Some(at));
    assert_eq!(r.action_result.as_deref(), Some("applied: b in es"));
    assert_eq!(code_changed(&b, &tick).as_ref(), Some(b.doc()));
    // An addendum of version 1: the version as adopted, and its hash, do
    // not change; it reads in the language now. No new version is made.
    let v1 = b.version(1);
    assert_eq!(b.doc().versions.len(), 1);
    assert_eq!(v1.articles, before.articles);
    assert_eq!(v1.hash(), h1);
    assert_eq!(v1.addenda.len(), 1);
    assert_eq!(v1.addenda[0].adopted_at, at);
    assert_eq!(v1.addenda[0].proposal.as_deref(), Some("t-b"));
    assert_eq!(v1.addenda[0].hash().len(), 64);
    let current = v1.current();
    assert_eq!(current.article("b").unwrap().texts[&l("es")], "Compromiso b.");
    assert!(!v1.article("b").unwrap().texts.contains_key(&l("es")));
    assert_eq!((v1.adopted_at, v1.adopted_time, &v1.label), (LogIndex(0), Timestamp(T0), &before.label));
    // Not an official language until every article has it.
    assert_eq!(v1.official_languages(), vec![l("en"), l("fr")]);
    assert_eq!(
        changes(&diff(&before, &current)),
        [("pre-1", "unchanged"), ("purpose", "unchanged"), ("a", "unchanged"), ("b", "changed"), ("c", "unchanged")]
    );
    // Now refused at tabling; the competing one is adopted but not applied.
    let r = b.refused("EGY", translate("t-b3", b.now + SEC + SILENCE, 1, "b", "es", "Otro."));
    assert_rules_refusal(&r, "article b already has a es text");
    b.tick_at(closes + HOUR);
    assert_eq!(b.record("t-b2").status, Status::Adopted);
    assert_eq!(b.record("t-b2").action_result.as_deref(), Some("not applied: article b already has a es text"));
    assert_eq!(b.version(1).current().article("b").unwrap().texts[&l("es")], "Compromiso b.");
    // Every other article in Spanish.
    let start = b.now + SEC;
    for (i, id) in ["pre-1", "purpose", "a", "c"].into_iter().enumerate() {
        b.ok(FIVE[i], translate(&format!("t-{id}"), start + 10 * SEC + SILENCE, 1, id, "es", &format!("Texto {id}.")));
    }
    b.tick_at(start + 10 * SEC + SILENCE);
    assert_eq!(b.version(1).official_languages(), vec![l("en"), l("es"), l("fr")]);
    assert_eq!(b.version(1).hash(), h1, "translations never change the version's hash");
    assert_eq!(b.version(1).addenda.len(), 5);
    b.assert_replays();
}

/// An objection breaks silence: the translation goes to a recorded vote.
#[test]
fn code_translate_under_a_broken_silence_is_voted() {
    let mut b = found();
    b.ok("FRA", translate("t", T0 + 2 * SEC + SILENCE, 1, "a", "ru", "Обязательство a."));
    b.ok("CHN", Act::SilenceObject(accord_core::acts::SilenceNote { proposal: "t".into(), reason: "Not yet.".into() }));
    b.all_vote("t", No);
    let closes = b.record("t").closes.millis();
    b.tick_at(closes);
    assert_eq!(b.record("t").status, Status::Rejected);
    assert!(!b.version(1).article("a").unwrap().texts.contains_key(&l("ru")));
    b.assert_replays();
}

// ---- subscriptions ------------------------------------------------------------------

#[test]
fn subscribe_and_unsubscribe() {
    let mut b = found();
    let at = b.next_index();
    let a = b.ok("FRA", subscribe(DOC, 1));
    let want = Subscription { member: mid("FRA"), version: 1, index: at, time: Timestamp(b.now) };
    assert!(a.effects.contains(&Effect::SubscriptionChanged {
        document: DOC.into(),
        member: mid("FRA"),
        subscription: Some(want.clone()),
    }));
    assert_eq!(b.state.code().subscriptions(DOC).collect::<Vec<_>>(), vec![&want]);
    assert_rules_refusal(&b.refused("FRA", subscribe(DOC, 1)), "FRA already subscribes to version 1");
    assert_rules_refusal(&b.refused("FRA", subscribe(DOC, 2)), "ICCIS has no version 2");
    assert_rules_refusal(&b.refused("FRA", subscribe("NOPE", 1)), "no document \"NOPE\"");
    assert_rules_refusal(&b.refused(SECRETARIAT, subscribe(DOC, 1)), "only member states subscribe");
    assert_bad_body(&b.unparsable("FRA", subscribe(DOC, 0)), "code.subscribe", "version numbers start at 1");
    assert_bad_body(&b.unparsable("FRA", subscribe("iccis", 1)), "code.subscribe", "document id");
    // Members only: a state that is not a member is unknown.
    b.keys.insert(mid("USA"), signer("USA", 99));
    assert_eq!(b.refused("USA", subscribe(DOC, 1)), Refusal::UnknownMember("USA".into()));
    // Unsubscribing without a subscription.
    assert_rules_refusal(&b.refused("CHN", unsubscribe(DOC)), "CHN does not subscribe to ICCIS");
    assert_rules_refusal(&b.refused(SECRETARIAT, unsubscribe(DOC)), "does not subscribe");
    assert_rules_refusal(&b.refused("CHN", unsubscribe("NOPE")), "no document");
    // A second version; subscribing to it replaces the first.
    b.ok("FRA", code_amend("p", C1, 1, vec![delete("a")]));
    b.all_vote("p", Yes);
    b.tick_at(C1);
    let at2 = b.next_index();
    b.ok("FRA", subscribe(DOC, 2));
    let want2 = Subscription { member: mid("FRA"), version: 2, index: at2, time: Timestamp(b.now) };
    b.ok("CHN", subscribe(DOC, 1));
    let subs: Vec<(&str, u32)> = b.state.code().subscriptions(DOC).map(|s| (s.member.as_str(), s.version)).collect();
    assert_eq!(subs, [("CHN", 1), ("FRA", 2)]);
    assert_eq!(b.state.code().subscriptions(DOC).find(|s| s.member == mid("FRA")), Some(&want2));
    // An older version may still be subscribed to.
    b.ok("FRA", subscribe(DOC, 1));
    assert_eq!(b.state.code().subscriptions(DOC).find(|s| s.member == mid("FRA")).unwrap().version, 1);
    let a = b.ok("FRA", unsubscribe(DOC));
    assert!(a.effects.contains(&Effect::SubscriptionChanged {
        document: DOC.into(),
        member: mid("FRA"),
        subscription: None
    }));
    assert_eq!(b.state.code().subscriptions(DOC).map(|s| s.member.as_str()).collect::<Vec<_>>(), ["CHN"]);
    assert_rules_refusal(&b.refused("FRA", unsubscribe(DOC)), "FRA does not subscribe");
    b.assert_replays();
}

// ---- code.norms -----------------------------------------------------------------------

#[test]
fn norms_are_set_by_the_secretariat_without_a_new_version() {
    let mut b = found();
    let before = b.version(1).clone();
    assert_rules_refusal(&b.refused("FRA", norms("a", &["UNGGE-2015/13a"])), "an editorial act of the secretariat");
    assert_rules_refusal(&b.refused(SECRETARIAT, norms("zzz", &["UNGGE-2015/13a"])), "has no article zzz");
    let r = b.refused(
        SECRETARIAT,
        Act::CodeNorms(CodeNorms { document: "NOPE".into(), article: "a".into(), norms: vec![] }),
    );
    assert_rules_refusal(&r, "no document");
    for bad in ["not a norm", "-x", "", "é", &"x".repeat(65)] {
        assert_bad_body(&b.unparsable(SECRETARIAT, norms("a", &[bad])), "code.norms", "norm id");
    }
    let many: Vec<String> = (0..51).map(|i| format!("N-{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_bad_body(&b.unparsable(SECRETARIAT, norms("a", &many)), "code.norms", "at most 50");
    assert_bad_body(&b.unparsable(SECRETARIAT, norms("bad id", &[])), "code.norms", "article id");

    let a = b.ok(SECRETARIAT, norms("a", &["UNGGE-2015/13a", "UNGGE-2021/13b"]));
    assert_eq!(code_changed(&b, &a).as_ref(), Some(b.doc()));
    assert_eq!(b.doc().versions.len(), 1);
    let v1 = b.version(1);
    // An addendum: the version as adopted, and its hash, do not change.
    assert_eq!(v1.hash(), before.hash());
    assert!(v1.article("a").unwrap().norms.is_empty());
    let current = v1.current();
    assert_eq!(current.article("a").unwrap().norms, ["UNGGE-2015/13a", "UNGGE-2021/13b"]);
    assert_eq!(current.article("a").unwrap().texts, before.article("a").unwrap().texts);
    assert_eq!((v1.adopted_at, v1.adopted_time), (before.adopted_at, before.adopted_time));
    // Only the norms changed: the diff says "changed", with no text.
    let d = diff(&before, &current);
    assert_eq!(
        d[2],
        ArticleDiff {
            id: "a".into(),
            change: "changed",
            texts: BTreeMap::new(),
            norms: Some(NormsDiff { from: vec![], to: vec!["UNGGE-2015/13a".into(), "UNGGE-2021/13b".into()] }),
        }
    );
    assert!(d.iter().filter(|x| x.id != "a").all(|x| x.change == "unchanged"));
    // Cleared again: a second addendum; the text as adopted is untouched.
    b.ok(SECRETARIAT, norms("a", &[]));
    assert_eq!(b.version(1).articles, before.articles);
    assert_eq!(b.version(1).addenda.len(), 2);
    assert_eq!(b.version(1).current().articles, before.articles);
    assert_eq!(b.version(1).hash(), before.hash());

    // Only the latest version's articles: after c is deleted, c has none.
    b.ok("FRA", code_amend("p", C1, 1, vec![delete("c")]));
    b.all_vote("p", Yes);
    b.tick_at(C1);
    assert_rules_refusal(&b.refused(SECRETARIAT, norms("c", &["X-1"])), "the latest version of ICCIS has no article c");
    b.ok(SECRETARIAT, norms("b", &["X-1"]));
    assert_eq!(b.version(2).current().article("b").unwrap().norms, ["X-1"]);
    assert!(b.version(1).current().article("b").unwrap().norms.is_empty(), "version 1 is left alone");
    b.assert_replays();
}

// ---- scripts -----------------------------------------------------------------------------

const ARABIC: &str = "إِنَّ الدُّوَلَ الأَعْضَاءَ، إِذْ تُؤَكِّدُ\u{200f} أَنَّ… ١٢٣ «نص»";
const CHINESE: &str = "各会员国，重申《联合国宪章》的宗旨和原则；𠀀𪚥、（一）“承诺”";
const MIXED: &str = "e\u{301} vs é; Ωmega; תורה; ‍👩‍⚖️; \u{feff}x\u{200b}y";

#[test]
fn arabic_and_chinese_round_trip_byte_for_byte() {
    let mut d = iccis();
    d.title.insert(l("ar"), "مدونة قواعد السلوك".into());
    d.title.insert(l("zh-Hans"), "行为守则".into());
    d.articles[2].texts.insert(l("ar"), ARABIC.into());
    d.articles[2].texts.insert(l("zh"), CHINESE.into());
    d.articles[3].texts.insert(l("en"), MIXED.into());
    d.articles[4].texts.insert(l("fr"), format!("{ARABIC}\n\n{CHINESE}\t\"quoted\" \\ /"));
    let mut b = found_with(vec![d.clone()]);
    // The entry carries the text as UTF-8, unescaped, and parses back to it.
    let bytes = b.log[0].to_bytes();
    let s = std::str::from_utf8(&bytes).unwrap();
    assert!(s.contains(ARABIC) && s.contains(CHINESE) && s.contains(MIXED));
    assert_eq!(Entry::parse(&bytes).unwrap(), b.log[0]);
    let v1 = b.version(1);
    assert_eq!(v1.articles, d.articles);
    assert_eq!(b.doc().title, d.title);
    assert_eq!(v1.article("a").unwrap().texts[&l("ar")].as_bytes(), ARABIC.as_bytes());
    assert_eq!(v1.article("a").unwrap().texts[&l("zh")].as_bytes(), CHINESE.as_bytes());
    assert_eq!(v1.article("b").unwrap().texts[&l("en")].as_bytes(), MIXED.as_bytes());
    assert_ne!(MIXED.chars().nth(1), Some('é'), "no normalisation of the test text itself");
    // Through an amendment and a translation too.
    let reworded = format!("{ARABIC} (مُعدَّل)");
    b.ok("FRA", code_amend("ar", C1, 1, vec![reword("b", "ar", &reworded), reword("c", "zh-Hans-CN", CHINESE)]));
    b.all_vote("ar", Yes);
    b.ok("FRA", translate("zh", b.now + SEC + SILENCE, 1, "purpose", "zh", CHINESE));
    b.tick_at(C1);
    b.tick_at(b.now + SILENCE);
    assert_eq!(b.version(2).article("b").unwrap().texts[&l("ar")].as_bytes(), reworded.as_bytes());
    assert_eq!(b.version(2).article("c").unwrap().texts[&l("zh-Hans-CN")].as_bytes(), CHINESE.as_bytes());
    assert_eq!(b.version(1).current().article("purpose").unwrap().texts[&l("zh")].as_bytes(), CHINESE.as_bytes());
    // Text limits count characters, not bytes: 8,000 Chinese characters fit.
    let long: String = CHINESE.chars().cycle().take(MAX_ARTICLE_CHARS).collect();
    assert!(long.len() > 2 * MAX_ARTICLE_CHARS);
    b.ok("CHN", code_amend("long", b.now + HOUR, 2, vec![reword("a", "zh", &long)]));
    let closes = b.record("long").closes.millis();
    b.all_vote("long", Yes);
    b.tick_at(closes);
    assert_eq!(b.version(3).article("a").unwrap().texts[&l("zh")], long);
    // And a canonical form that keeps them.
    assert!(b.version(3).canonical().contains(CHINESE));
    b.assert_replays();
}

// ---- hash and replay ------------------------------------------------------------------------

#[test]
fn version_hash_is_deterministic_and_changes_with_any_text() {
    let b = found();
    let v = b.version(1).clone();
    let h = v.hash();
    assert_eq!(h.len(), 64);
    assert!(h.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    assert_eq!(v.clone().hash(), h);
    // The same content founded by another body, at the same index and time,
    // hashes the same.
    assert_eq!(found().version(1).hash(), h);
    // The canonical form is RFC 8785 JSON: parsing and re-canonicalising it
    // changes nothing.
    let c = v.canonical();
    let again = accord_core::statement::canonical_json(&serde_json::from_str(&c).unwrap());
    assert_eq!(again, c);
    let mut seen = std::collections::BTreeSet::from([h.clone()]);
    for (i, a) in v.articles.iter().enumerate() {
        for lang in a.texts.keys() {
            let mut w = v.clone();
            let t = w.articles[i].texts.get_mut(lang).unwrap();
            t.push('.');
            assert!(seen.insert(w.hash()), "{} [{}]", a.id, lang.as_str());
            // A one-character change in place.
            let mut w = v.clone();
            let t = w.articles[i].texts.get_mut(lang).unwrap();
            *t = t.replacen('e', "é", 1);
            if w != v {
                assert!(seen.insert(w.hash()), "{} [{}] é", a.id, lang.as_str());
            }
        }
        let mut w = v.clone();
        w.articles[i].norms.push("N-1".into());
        assert!(seen.insert(w.hash()), "norms of {}", a.id);
        let mut w = v.clone();
        w.articles[i].note = Some("A note.".into());
        assert!(seen.insert(w.hash()), "note of {}", a.id);
    }
    let mut w = v.clone();
    w.articles.swap(0, 1);
    assert!(seen.insert(w.hash()), "order");
    let mut w = v.clone();
    w.label.push('x');
    assert!(seen.insert(w.hash()), "label");
    let mut w = v.clone();
    w.proposal = Some("p".into());
    assert!(seen.insert(w.hash()), "proposal");
}

#[test]
fn replay_gives_identical_documents() {
    let mut b = found_with(vec![iccis(), {
        let mut d = iccis();
        d.id = "SECOND".into();
        d
    }]);
    b.ok("FRA", code_amend("p", C1, 1, vec![reword("a", "en", "A."), insert(pledge("d"), Some("c"))]));
    b.ok("CHN", code_amend("q", C2, 1, vec![reword("a", "fr", "A.")]));
    b.ok("EGY", translate("t", T0 + 10 * SEC + SILENCE, 1, "c", "ar", "التزام ج."));
    b.ok("BRA", subscribe(DOC, 1));
    b.ok("IND", subscribe("SECOND", 1));
    b.ok(SECRETARIAT, norms("b", &["UNGGE-2015/13a"]));
    b.all_vote("p", Yes);
    b.tick_at(C1);
    b.ok("BRA", subscribe(DOC, 2));
    b.ok("IND", unsubscribe("SECOND"));
    b.tick_at(T0 + 10 * SEC + SILENCE);
    assert_eq!(b.record("q").status, Status::Moot);
    assert_eq!(b.record("t").action_result.as_deref(), Some("applied: c in ar"));
    assert_eq!(b.doc().versions.len(), 2);
    b.assert_replays();
    // Hashes of a replayed state, from entries parsed again from bytes.
    let mut again = State::without_effects();
    for e in &b.log {
        again.apply(&Entry::parse(&e.to_bytes()).unwrap(), SigCheck::Verify).unwrap();
    }
    assert_same_code(&again, &b.state);
    let hashes = |s: &State| -> Vec<String> {
        s.code().documents().flat_map(|d| d.versions.iter().map(Version::hash)).collect()
    };
    assert_eq!(hashes(&again), hashes(&b.state));
    assert_eq!(hashes(&again).len(), 3);
}

// ---- diff --------------------------------------------------------------------------------------

fn version(articles: Vec<Article>) -> Version {
    Version {
        document: DOC.into(),
        number: 1,
        label: "L".into(),
        articles,
        adopted_at: LogIndex(0),
        adopted_time: Timestamp(T0),
        proposal: None,
        addenda: Vec::new(),
    }
}

fn changes(d: &[ArticleDiff]) -> Vec<(&str, &str)> {
    d.iter().map(|x| (x.id.as_str(), x.change)).collect()
}

#[test]
fn diff_places_removed_articles_after_their_predecessor() {
    let [a, b, c, d, e, x] = ["a", "b", "c", "d", "e", "x"].map(pledge);
    let v = version(vec![a.clone(), b.clone(), c.clone(), d.clone(), e.clone()]);
    let w = version(vec![a.clone(), d.clone(), x.clone()]);
    assert_eq!(
        changes(&diff(&v, &w)),
        [("a", "unchanged"), ("b", "removed"), ("c", "removed"), ("d", "unchanged"), ("e", "removed"), ("x", "added")]
    );
    // The first article removed goes first.
    let w = version(vec![b.clone(), c.clone()]);
    assert_eq!(
        changes(&diff(&version(vec![a.clone(), b.clone(), c.clone()]), &w)),
        [("a", "removed"), ("b", "unchanged"), ("c", "unchanged")]
    );
    // All removed, one added.
    assert_eq!(
        changes(&diff(&version(vec![a.clone(), b.clone()]), &version(vec![x.clone()]))),
        [("a", "removed"), ("b", "removed"), ("x", "added")]
    );
    // In the new order; a predecessor that moved still anchors.
    let w = version(vec![d.clone(), a.clone()]);
    assert_eq!(
        changes(&diff(&version(vec![a.clone(), b.clone(), d.clone()]), &w)),
        [("d", "unchanged"), ("a", "unchanged"), ("b", "removed")]
    );
    // A removed article's texts go from something to nothing.
    let r = diff(&version(vec![a.clone(), b.clone()]), &version(vec![a.clone()]));
    assert_eq!(
        r[1].texts,
        BTreeMap::from([(l("en"), td(Some("Pledge b."), None)), (l("fr"), td(Some("Engagement b."), None))])
    );
    assert_eq!(r[1].norms, None);
    // Identical versions: all unchanged.
    assert!(diff(&v, &v).iter().all(|x| x.change == "unchanged" && x.texts.is_empty() && x.norms.is_none()));
}

#[test]
fn diff_counts_norms_and_kind_as_changes() {
    let a = pledge("a");
    let mut with_norms = a.clone();
    with_norms.norms = vec!["N-1".into()];
    let d = diff(&version(vec![a.clone()]), &version(vec![with_norms.clone()]));
    assert_eq!(
        d,
        vec![ArticleDiff {
            id: "a".into(),
            change: "changed",
            texts: BTreeMap::new(),
            norms: Some(NormsDiff { from: vec![], to: vec!["N-1".into()] })
        }]
    );
    let mut other_kind = a.clone();
    other_kind.kind = ArticleKind::Other;
    let d = diff(&version(vec![a.clone()]), &version(vec![other_kind]));
    assert_eq!(d, vec![ArticleDiff { id: "a".into(), change: "changed", texts: BTreeMap::new(), norms: None }]);
    // So is an article whose only change is its editorial note.
    let mut noted = a.clone();
    noted.note = Some("A paraphrase that could not be checked.".into());
    let d = diff(&version(vec![a.clone()]), &version(vec![noted.clone()]));
    assert_eq!(d, vec![ArticleDiff { id: "a".into(), change: "changed", texts: BTreeMap::new(), norms: None }]);
    assert_eq!(diff(&version(vec![noted.clone()]), &version(vec![a.clone()]))[0].change, "changed");
    assert_eq!(diff(&version(vec![noted.clone()]), &version(vec![noted]))[0].change, "unchanged");
    // A language removed is a change of that language only.
    let mut en_only = a.clone();
    en_only.texts.remove(&l("fr"));
    let d = diff(&version(vec![a.clone()]), &version(vec![en_only]));
    assert_eq!(d[0].change, "changed");
    assert_eq!(d[0].texts, BTreeMap::from([(l("fr"), td(Some("Engagement a."), None))]));
    // Added and removed articles carry no norm pair, whatever their norms.
    let d = diff(&version(vec![with_norms.clone()]), &version(vec![pledge("b")]));
    assert!(d.iter().all(|x| x.norms.is_none()));
    assert_eq!(changes(&d), [("a", "removed"), ("b", "added")]);
}
