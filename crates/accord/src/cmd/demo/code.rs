//! The demo's Code: the 2011 International code of conduct for information
//! security (A/66/359) founded with the body, and its 2015 revision
//! (A/69/723) adopted as version 2 by a recorded vote, both from the
//! catalogue in `crates/accord/data/code/` (paraphrased in the project's
//! own words; see its SOURCES.md and each article's note).

use accord_core::code::{Article, ArticleKind, Change, DocumentDraft, Lang};
use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

const V2011: &str = include_str!("../../../data/code/iccis-2011.json");
const V2015: &str = include_str!("../../../data/code/iccis-2015.json");

#[derive(Deserialize)]
struct CatalogueFile {
    document: String,
    title: BTreeMap<String, String>,
    version: CatalogueVersion,
}

#[derive(Deserialize)]
struct CatalogueVersion {
    label: String,
    articles: Vec<CatalogueArticle>,
}

#[derive(Deserialize)]
struct CatalogueArticle {
    id: String,
    kind: ArticleKind,
    texts: BTreeMap<String, String>,
    #[serde(default)]
    norms: Vec<String>,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    source_ref: Option<String>,
    /// Languages whose text is the project's rendering, not checked
    /// against the official UN language version.
    #[serde(default)]
    unofficial: Vec<String>,
}

/// The editorial note of an article, in the UN's six languages: that its
/// text paraphrases `source` in this project's words, and whether the
/// paraphrase was checked against the source. The first is `note`.
fn notes(verified: bool, source: &str) -> [(&'static str, String); 6] {
    if verified {
        [
            ("en", format!("Paraphrase in this project's words of {source}.")),
            ("ar", format!("صياغة بكلمات هذا المشروع لـ {source}.")),
            ("zh", format!("本项目以自己的措辞对 {source} 的转述。")),
            ("fr", format!("Paraphrase, dans les mots de ce projet, de {source}.")),
            ("ru", format!("Пересказ своими словами проекта: {source}.")),
            ("es", format!("Paráfrasis, con las palabras de este proyecto, de {source}.")),
        ]
    } else {
        [
            (
                "en",
                format!("Paraphrase in this project's words; wording NOT verified against the original ({source})."),
            ),
            ("ar", format!("صياغة بكلمات هذا المشروع؛ لم يُتحقق من مطابقتها للنص الأصلي ({source}).")),
            ("zh", format!("本项目以自己的措辞转述；措辞未经与原文核对（{source}）。")),
            (
                "fr",
                format!("Paraphrase dans les mots de ce projet ; formulation NON vérifiée sur l'original ({source})."),
            ),
            ("ru", format!("Пересказ своими словами проекта; формулировка НЕ сверена с оригиналом ({source}).")),
            (
                "es",
                format!(
                    "Paráfrasis con las palabras de este proyecto; redacción NO verificada con el original ({source})."
                ),
            ),
        ]
    }
}

fn langs(m: &BTreeMap<String, String>) -> Result<BTreeMap<Lang, String>> {
    m.iter()
        .map(|(k, v)| {
            Ok((Lang::parse(k).ok_or_else(|| anyhow!("bad language tag {k:?} in the catalogue"))?, v.clone()))
        })
        .collect()
}

fn parse(text: &str) -> Result<DocumentDraft> {
    let f: CatalogueFile = serde_json::from_str(text).context("the Code catalogue does not parse")?;
    let articles = f
        .version
        .articles
        .iter()
        .map(|a| {
            let source = a.source_ref.clone().unwrap_or_default();
            let [(_, note), rest @ ..] = notes(a.verified, &source);
            let notes = rest
                .into_iter()
                .map(|(l, n)| Ok((Lang::parse(l).ok_or_else(|| anyhow!("language tag {l:?}"))?, n)))
                .collect::<Result<BTreeMap<Lang, String>>>()?;
            let unofficial = a
                .unofficial
                .iter()
                .map(|l| Lang::parse(l).ok_or_else(|| anyhow!("bad language tag {l:?} in the catalogue")))
                .collect::<Result<Vec<Lang>>>()?;
            Ok(Article {
                id: a.id.clone(),
                kind: a.kind,
                texts: langs(&a.texts)?,
                norms: a.norms.clone(),
                note: Some(note),
                notes,
                unofficial,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DocumentDraft { id: f.document, title: langs(&f.title)?, label: f.version.label, articles })
}

/// Version 1, for genesis.
pub fn founding_document() -> Result<DocumentDraft> {
    let d = parse(V2011)?;
    d.validate().map_err(|e| anyhow!("the 2011 catalogue: {e}"))?;
    Ok(d)
}

/// The changes that turn the 2011 text into the 2015 revision.
pub fn revision_2015() -> Result<(String, Vec<Change>)> {
    let v1 = parse(V2011)?.articles;
    let DocumentDraft { id, articles: v2, .. } = parse(V2015)?;
    let mut changes = Vec::new();
    let mut prev: Option<String> = None;
    for a in &v2 {
        match v1.iter().find(|b| b.id == a.id) {
            // Unchanged wording: keep the 2011 article (and its note).
            Some(b) if b.texts == a.texts && b.kind == a.kind && b.norms == a.norms => {}
            Some(_) => changes.push(Change::Replace { article: a.clone() }),
            None => changes.push(Change::Insert { article: a.clone(), after: prev.clone() }),
        }
        prev = Some(a.id.clone());
    }
    for b in &v1 {
        if !v2.iter().any(|a| a.id == b.id) {
            changes.push(Change::Delete { id: b.id.clone() });
        }
    }
    // Inserts must come after the article they follow exists: v2's order
    // guarantees that for inserts; deletions go last.
    Ok((id, changes))
}
