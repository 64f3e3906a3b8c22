//! The Code itself: a negotiated, versioned text (issue "The Code").
//!
//! A document is a list of versions; a version is an ordered list of
//! articles (preamble paragraphs, purpose, lettered pledges), each with a
//! stable id, its text in one or more of the UN's six languages, and links
//! to related norms in other instruments. Version 1 comes with genesis (or
//! an adopted `code.establish`); every later version is produced by an
//! adopted `code.amend`. Translations are adopted by the silence procedure
//! (`code.translate`) and add a language to an existing version.
//!
//! What it is not: no I/O. Exports (Markdown, HTML) are built by the HTTP
//! layer from these types; [`diff`] and [`Version::hash`] are the one
//! diff and the one canonical hash everyone (server, auditor) uses.

pub(crate) mod engine;
mod snapshot;

use crate::ids::LogIndex;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Longest text of one article in one language, in characters.
pub const MAX_ARTICLE_CHARS: usize = 8_000;
/// Most articles in one version.
pub const MAX_ARTICLES: usize = 200;

/// The six official languages of the UN, as BCP 47 primary subtags.
pub const UN_LANGUAGES: &[&str] = &["ar", "zh", "en", "fr", "ru", "es"];

/// A language tag: a BCP 47 primary subtag of 2–3 lower-case letters,
/// optionally a script (`Hans`) and a region (`CN`), e.g. `zh-Hans`,
/// `pt-BR`. Documents are written in the UN's six; others are allowed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        let mut parts = s.split('-');
        let primary = parts.next()?;
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let mut seen_region = false;
        let mut seen_script = false;
        for p in parts {
            let script = p.len() == 4
                && p.as_bytes()[0].is_ascii_uppercase()
                && p.bytes().skip(1).all(|b| b.is_ascii_lowercase());
            let region = p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase());
            if script && !seen_script && !seen_region {
                seen_script = true;
            } else if region && !seen_region {
                seen_region = true;
            } else {
                return None;
            }
        }
        Some(Lang(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("{s:?} is not a language tag such as \"fr\" or \"zh-Hans\""))
        })
    }
}

/// A document id: `[A-Z][A-Z0-9-]{1,31}`, e.g. `ICCIS`.
pub fn valid_document_id(s: &str) -> bool {
    (2..=32).contains(&s.len())
        && s.as_bytes()[0].is_ascii_uppercase()
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// An article id: 1–64 of `A-Z a-z 0-9 . _ / -`, starting with a letter or
/// digit, e.g. `ICCIS-2011/b`.
pub fn valid_article_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
}

/// A norm id in the catalogue of related norms, e.g. `UNGGE-2015/13a`
/// (same characters as an article id).
pub fn valid_norm_id(s: &str) -> bool {
    valid_article_id(s)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArticleKind {
    Preamble,
    Purpose,
    Pledge,
    Other,
}

/// One article of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: String,
    pub kind: ArticleKind,
    /// Its text per language.
    pub texts: BTreeMap<Lang, String>,
    /// Related norms in other instruments (catalogue ids).
    #[serde(default)]
    pub norms: Vec<String>,
    /// An editorial note on the text: its source, or that its wording is a
    /// paraphrase that could not be checked against the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The editorial note in other languages (`note` is the one every
    /// reader falls back to).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<Lang, String>,
    /// Languages whose text is an unofficial rendering: written for the
    /// body, not checked against an official text of the instrument.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unofficial: Vec<Lang>,
}

impl Article {
    pub fn validate(&self) -> Result<(), String> {
        if !valid_article_id(&self.id) {
            return Err(format!("article id {:?} must be 1–64 of A-Z a-z 0-9 . _ / -", self.id));
        }
        if self.texts.is_empty() {
            return Err(format!("article {} has no text", self.id));
        }
        for (lang, t) in &self.texts {
            check_text(&self.id, lang, t)?;
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > 1_000) {
            return Err(format!("article {}: note is over 1,000 characters", self.id));
        }
        for (lang, n) in &self.notes {
            if n.trim().is_empty() || n.chars().count() > 1_000 {
                return Err(format!("article {} [{}]: a note must be 1–1,000 characters", self.id, lang.as_str()));
            }
        }
        for (i, lang) in self.unofficial.iter().enumerate() {
            if !self.texts.contains_key(lang) || self.unofficial[..i].contains(lang) {
                return Err(format!(
                    "article {}: unofficial names {} twice or a language it has no text in",
                    self.id,
                    lang.as_str()
                ));
            }
        }
        for n in &self.norms {
            if !valid_norm_id(n) {
                return Err(format!("article {}: norm id {n:?} is malformed", self.id));
            }
        }
        Ok(())
    }
}

pub(crate) fn check_text(article: &str, lang: &Lang, t: &str) -> Result<(), String> {
    let n = t.chars().count();
    if t.trim().is_empty() || n > MAX_ARTICLE_CHARS {
        return Err(format!(
            "article {article} [{}]: text must be 1–{MAX_ARTICLE_CHARS} characters (got {n})",
            lang.as_str()
        ));
    }
    Ok(())
}

/// A version's content, as proposed (`code.establish`, genesis).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDraft {
    pub id: String,
    /// The title per language.
    pub title: BTreeMap<Lang, String>,
    /// A label for version 1, e.g. `A/66/359 (2011)`.
    pub label: String,
    pub articles: Vec<Article>,
}

impl DocumentDraft {
    pub fn validate(&self) -> Result<(), String> {
        if !valid_document_id(&self.id) {
            return Err(format!("document id {:?} must be [A-Z][A-Z0-9-]{{1,31}}", self.id));
        }
        if self.title.is_empty() || self.title.values().any(|t| t.trim().is_empty() || t.chars().count() > 300) {
            return Err("title: 1–300 characters in at least one language".into());
        }
        if self.label.trim().is_empty() || self.label.chars().count() > 100 {
            return Err("label must be 1–100 characters".into());
        }
        check_articles(&self.articles)
    }
}

fn check_articles(articles: &[Article]) -> Result<(), String> {
    if articles.is_empty() || articles.len() > MAX_ARTICLES {
        return Err(format!("a version has 1–{MAX_ARTICLES} articles"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for a in articles {
        a.validate()?;
        if !seen.insert(a.id.as_str()) {
            return Err(format!("article {} appears twice", a.id));
        }
    }
    Ok(())
}

/// One version of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    pub document: String,
    /// 1, 2, 3…
    pub number: u32,
    /// `A/66/359 (2011)` for the first; `Rev.1`, `Rev.2`… after.
    pub label: String,
    pub articles: Vec<Article>,
    /// The entry that produced it (genesis, or the one that closed the
    /// adopting ballot).
    pub adopted_at: LogIndex,
    #[serde(serialize_with = "rfc3339")]
    pub adopted_time: Timestamp,
    /// The adopted proposal that produced it (none for genesis).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// What was added to it after its adoption, in order: translations
    /// and norm links. They never change the version's text or its hash
    /// (which cover `articles` as adopted); each has its own entry and
    /// its own hash.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addenda: Vec<Addendum>,
}

/// Something added to an adopted version without changing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Addendum {
    /// 1, 2, 3… within the version.
    pub number: u32,
    #[serde(flatten)]
    pub what: AddendumKind,
    /// The entry that made it (the one that closed the adopting ballot,
    /// or the secretariat's `code.norms`).
    pub adopted_at: LogIndex,
    #[serde(serialize_with = "rfc3339")]
    pub adopted_time: Timestamp,
    /// The adopted proposal that made it (none for the secretariat's
    /// editorial norm links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AddendumKind {
    /// One article's text in one more language.
    Translation { article: String, lang: Lang, text: String },
    /// One article's related norms, replacing those listed before.
    Norms { article: String, norms: Vec<String> },
}

impl Addendum {
    /// SHA-256 of its RFC 8785 JSON, lower-case hex.
    pub fn hash(&self) -> String {
        crate::statement::canonical_sha256(&serde_json::to_value(self).unwrap_or(serde_json::Value::Null))
    }
}

fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}

impl Version {
    /// The articles as they read now: as adopted, with every addendum
    /// applied (translations added, norm links replaced). What pages and
    /// exports show, and what the next amendment builds on.
    pub fn current_articles(&self) -> Vec<Article> {
        let mut articles = self.articles.clone();
        for a in &self.addenda {
            match &a.what {
                AddendumKind::Translation { article, lang, text } => {
                    if let Some(art) = articles.iter_mut().find(|x| &x.id == article) {
                        art.texts.entry(lang.clone()).or_insert_with(|| text.clone());
                    }
                }
                AddendumKind::Norms { article, norms } => {
                    if let Some(art) = articles.iter_mut().find(|x| &x.id == article) {
                        art.norms = norms.clone();
                    }
                }
            }
        }
        articles
    }

    /// This version as it reads now (see [`Version::current_articles`]),
    /// its addenda still listed.
    pub fn current(&self) -> Version {
        Version { articles: self.current_articles(), ..self.clone() }
    }

    /// Languages in which every article has a text, translations added
    /// since adoption included: the version's official languages.
    pub fn official_languages(&self) -> Vec<Lang> {
        let articles = self.current_articles();
        let mut langs: Vec<Lang> = articles.first().map(|a| a.texts.keys().cloned().collect()).unwrap_or_default();
        langs.retain(|l| articles.iter().all(|a| a.texts.contains_key(l)));
        langs
    }

    /// Languages some article reads in only as an unofficial rendering
    /// (its `unofficial`): drafts, not checked against an official text.
    pub fn unofficial_languages(&self) -> Vec<Lang> {
        let set: std::collections::BTreeSet<&Lang> = self.articles.iter().flat_map(|a| a.unofficial.iter()).collect();
        set.into_iter().cloned().collect()
    }

    /// Its canonical form: RFC 8785 JSON of the version as adopted (its
    /// addenda left out), so that it never changes.
    pub fn canonical(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.remove("addenda");
        }
        crate::statement::canonical_json(&v)
    }

    /// SHA-256 of the canonical form, lower-case hex: what `accord audit`
    /// compares with the node's.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
}

/// A document and all its versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: String,
    pub title: BTreeMap<Lang, String>,
    pub versions: Vec<Version>,
}

impl Document {
    pub fn latest(&self) -> Option<&Version> {
        self.versions.last()
    }

    pub fn version(&self, n: u32) -> Option<&Version> {
        n.checked_sub(1).and_then(|i| self.versions.get(i as usize))
    }
}

/// One change of a `code.amend`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Change {
    /// A new article, after `after` (or first when `after` is left out).
    Insert {
        article: Article,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// An article replaced whole (same id).
    Replace {
        article: Article,
    },
    Delete {
        id: String,
    },
    /// One language's wording of one article.
    Reword {
        id: String,
        lang: Lang,
        text: String,
    },
}

impl Change {
    pub fn article_id(&self) -> &str {
        match self {
            Change::Insert { article, .. } | Change::Replace { article } => &article.id,
            Change::Delete { id } | Change::Reword { id, .. } => id,
        }
    }

    /// The articles this change depends on: its own and, for an insert,
    /// the one it follows (deleting that one would leave it nowhere).
    pub fn articles_touched(&self) -> impl Iterator<Item = &str> {
        let anchor = match self {
            Change::Insert { after, .. } => after.as_deref(),
            _ => None,
        };
        std::iter::once(self.article_id()).chain(anchor)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Change::Insert { article, after } => {
                article.validate()?;
                if after.as_deref().is_some_and(|a| !valid_article_id(a)) {
                    return Err("after: malformed article id".into());
                }
                Ok(())
            }
            Change::Replace { article } => article.validate(),
            Change::Delete { id } => {
                if valid_article_id(id) {
                    Ok(())
                } else {
                    Err(format!("article id {id:?} is malformed"))
                }
            }
            Change::Reword { id, lang, text } => {
                if !valid_article_id(id) {
                    return Err(format!("article id {id:?} is malformed"));
                }
                check_text(id, lang, text)
            }
        }
    }
}

/// Checks a list of changes (no state).
pub(crate) fn validate_changes(changes: &[Change]) -> Result<(), String> {
    if changes.is_empty() || changes.len() > MAX_ARTICLES {
        return Err(format!("changes: 1–{MAX_ARTICLES}"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in changes {
        c.validate()?;
        if !seen.insert(c.article_id()) {
            return Err(format!("article {} is changed twice in one amendment", c.article_id()));
        }
    }
    Ok(())
}

/// The articles that result from applying `changes` to `articles`, or why
/// they cannot apply (an article that does not exist, or already does).
pub fn apply_changes(articles: &[Article], changes: &[Change]) -> Result<Vec<Article>, String> {
    let mut out = articles.to_vec();
    let pos = |out: &[Article], id: &str| out.iter().position(|a| a.id == id);
    for c in changes {
        match c {
            Change::Insert { article, after } => {
                if pos(&out, &article.id).is_some() {
                    return Err(format!("article {} already exists", article.id));
                }
                let at = match after {
                    None => 0,
                    Some(a) => pos(&out, a).ok_or_else(|| format!("article {a} (after) does not exist"))? + 1,
                };
                out.insert(at, article.clone());
            }
            Change::Replace { article } => {
                let i = pos(&out, &article.id).ok_or_else(|| format!("article {} does not exist", article.id))?;
                out[i] = article.clone();
            }
            Change::Delete { id } => {
                let i = pos(&out, id).ok_or_else(|| format!("article {id} does not exist"))?;
                out.remove(i);
            }
            Change::Reword { id, lang, text } => {
                let i = pos(&out, id).ok_or_else(|| format!("article {id} does not exist"))?;
                out[i].texts.insert(lang.clone(), text.clone());
            }
        }
    }
    check_articles(&out)?;
    Ok(out)
}

/// How one article differs between two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleDiff {
    pub id: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub change: &'static str,
    /// Per language whose text differs: the text before and after (absent
    /// on the side where the language or the article does not exist).
    pub texts: BTreeMap<Lang, TextDiff>,
    /// Norm links before and after, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norms: Option<NormsDiff>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NormsDiff {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextDiff {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The article-by-article difference from `a` to `b`, in `b`'s order with
/// removed articles after the article that preceded them in `a`.
pub fn diff(a: &Version, b: &Version) -> Vec<ArticleDiff> {
    let mut out: Vec<ArticleDiff> = Vec::new();
    for art in &b.articles {
        let before = a.article(&art.id);
        out.push(article_diff(&art.id, before, Some(art)));
    }
    for (i, art) in a.articles.iter().enumerate() {
        if b.article(&art.id).is_some() {
            continue;
        }
        let anchor = a.articles[..i].iter().rev().find_map(|p| out.iter().position(|d| d.id == p.id));
        let d = article_diff(&art.id, Some(art), None);
        match anchor {
            Some(j) => out.insert(j + 1, d),
            None => out.insert(0, d),
        }
    }
    out
}

fn article_diff(id: &str, a: Option<&Article>, b: Option<&Article>) -> ArticleDiff {
    let mut texts = BTreeMap::new();
    let langs: std::collections::BTreeSet<&Lang> = a.iter().chain(b.iter()).flat_map(|x| x.texts.keys()).collect();
    for l in langs {
        let (x, y) = (a.and_then(|x| x.texts.get(l)), b.and_then(|y| y.texts.get(l)));
        if x != y {
            texts.insert(l.clone(), TextDiff { from: x.cloned(), to: y.cloned() });
        }
    }
    let (na, nb) = (a.map(|x| x.norms.clone()).unwrap_or_default(), b.map(|y| y.norms.clone()).unwrap_or_default());
    let norms = (na != nb && a.is_some() && b.is_some()).then_some(NormsDiff { from: na, to: nb });
    let change = match (a, b) {
        (None, _) => "added",
        (_, None) => "removed",
        _ if texts.is_empty()
            && norms.is_none()
            && a.map(|x| x.kind) == b.map(|y| y.kind)
            && a.map(|x| &x.note) == b.map(|y| &y.note) =>
        {
            "unchanged"
        }
        _ => "changed",
    };
    ArticleDiff { id: id.to_string(), change, texts, norms }
}

/// A member's subscription to a version of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subscription {
    pub member: crate::ids::MemberId,
    pub version: u32,
    /// The entry of the `code.subscribe`, and its time.
    pub index: LogIndex,
    #[serde(serialize_with = "rfc3339")]
    pub time: Timestamp,
}

/// All documents and subscriptions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Code {
    pub(crate) documents: BTreeMap<String, Document>,
    /// (document, member) → subscription.
    pub(crate) subscriptions: BTreeMap<(String, crate::ids::MemberId), Subscription>,
}

impl Code {
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.get(id)
    }

    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    /// Subscriptions to `document`, by member.
    pub fn subscriptions<'a>(&'a self, document: &'a str) -> impl Iterator<Item = &'a Subscription> + 'a {
        self.subscriptions.iter().filter(move |((d, _), _)| d == document).map(|(_, s)| s)
    }
}
