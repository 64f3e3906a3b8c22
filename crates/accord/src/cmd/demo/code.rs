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
    source: Source,
    /// Languages whose text is the project's rendering, not checked
    /// against the official UN language version.
    #[serde(default)]
    unofficial: Vec<String>,
}

/// Where in the UN document an article's substance comes from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    /// The UN document symbol, `A/66/359`.
    symbol: String,
    part: Part,
    /// The pledge's letter or number, the letter's paragraph.
    #[serde(default)]
    item: Option<String>,
    seen: Sighting,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Part {
    /// The covering letter of the document.
    Letter,
    Preamble,
    /// The annex's "Purpose and scope".
    Purpose,
    Pledge,
}

/// How much of the source was seen when the paraphrase was written.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Sighting {
    Seen,
    NotSeen,
    /// The wording was seen, not its position in the annex.
    PositionNotSeen,
    /// The wording was seen, not the pledge's letter.
    LetterNotSeen,
    /// Seen in the covering letter; the annex's own wording not seen.
    NotInAnnex,
}

/// The words of a source reference in one language.
struct Words {
    lang: &'static str,
    /// Between the parts of the reference.
    comma: &'static str,
    annex: &'static str,
    preamble: &'static str,
    purpose: &'static str,
    pledge: &'static str,
    letter: &'static str,
    paragraph: &'static str,
    not_seen: &'static str,
    position_not_seen: &'static str,
    letter_not_seen: &'static str,
    not_in_annex: &'static str,
}

/// In the UN's order; English first, as the untagged `note`.
const WORDS: [Words; 6] = [
    Words {
        lang: "en",
        comma: ", ",
        annex: "annex",
        preamble: "preamble",
        purpose: "'Purpose and scope'",
        pledge: "pledge",
        letter: "covering letter",
        paragraph: "para",
        not_seen: "(not seen)",
        position_not_seen: "(position not seen)",
        letter_not_seen: "(letter not seen)",
        not_in_annex: "(the annex's wording not seen)",
    },
    Words {
        lang: "ar",
        comma: "، ",
        annex: "المرفق",
        preamble: "الديباجة",
        purpose: "«الغرض والنطاق»",
        pledge: "التعهد",
        letter: "رسالة الإحالة",
        paragraph: "الفقرة",
        not_seen: "(لم يُطّلع عليه)",
        position_not_seen: "(لم يُطّلع على موضعه)",
        letter_not_seen: "(لم يُطّلع على حرف البند)",
        not_in_annex: "(لم يُطّلع على صيغة المرفق)",
    },
    Words {
        lang: "zh",
        comma: "，",
        annex: "附件",
        preamble: "序言",
        purpose: "“目的和范围”",
        pledge: "承诺",
        letter: "转递函",
        paragraph: "段",
        not_seen: "（未见原文）",
        position_not_seen: "（未见其位置）",
        letter_not_seen: "（未见项目字母）",
        not_in_annex: "（未见附件措辞）",
    },
    Words {
        lang: "fr",
        comma: ", ",
        annex: "annexe",
        preamble: "préambule",
        purpose: "« Objet et portée »",
        pledge: "engagement",
        letter: "lettre de transmission",
        paragraph: "paragraphe",
        not_seen: "(non consulté)",
        position_not_seen: "(position non consultée)",
        letter_not_seen: "(lettre de l’alinéa non consultée)",
        not_in_annex: "(libellé de l’annexe non consulté)",
    },
    Words {
        lang: "ru",
        comma: ", ",
        annex: "приложение",
        preamble: "преамбула",
        purpose: "«Цель и сфера применения»",
        pledge: "обязательство",
        letter: "сопроводительное письмо",
        paragraph: "пункт",
        not_seen: "(не просмотрено)",
        position_not_seen: "(место в тексте не просмотрено)",
        letter_not_seen: "(буква пункта не просмотрена)",
        not_in_annex: "(формулировка приложения не просмотрена)",
    },
    Words {
        lang: "es",
        comma: ", ",
        annex: "anexo",
        preamble: "preámbulo",
        purpose: "«Propósito y alcance»",
        pledge: "compromiso",
        letter: "carta de envío",
        paragraph: "párrafo",
        not_seen: "(no consultado)",
        position_not_seen: "(posición no consultada)",
        letter_not_seen: "(letra del apartado no consultada)",
        not_in_annex: "(redacción del anexo no consultada)",
    },
];

impl Source {
    /// "A/66/359, annex, pledge (a) (not seen)" in the words of `w`.
    fn cite(&self, w: &Words) -> String {
        let item = self.item.as_deref();
        let place = match (self.part, item) {
            (Part::Letter, Some(n)) => format!("{} ({} {n})", w.letter, w.paragraph),
            (Part::Letter, None) => w.letter.to_string(),
            (Part::Preamble, _) => format!("{}{}{}", w.annex, w.comma, w.preamble),
            (Part::Purpose, _) => format!("{}{}{}", w.annex, w.comma, w.purpose),
            (Part::Pledge, Some(n)) => format!("{}{}{} ({n})", w.annex, w.comma, w.pledge),
            (Part::Pledge, None) => format!("{}{}{}", w.annex, w.comma, w.pledge),
        };
        let seen = match self.seen {
            Sighting::Seen => "",
            Sighting::NotSeen => w.not_seen,
            Sighting::PositionNotSeen => w.position_not_seen,
            Sighting::LetterNotSeen => w.letter_not_seen,
            Sighting::NotInAnnex => w.not_in_annex,
        };
        let cited = format!("{}{}{place}", self.symbol, w.comma);
        if seen.is_empty() {
            cited
        } else {
            format!("{cited} {seen}")
        }
    }
}

/// The editorial note of an article in one language: that its text
/// paraphrases `source` in this project's words, and whether the
/// paraphrase was checked against the source.
fn note(w: &Words, verified: bool, source: &Source) -> String {
    let s = source.cite(w);
    match (w.lang, verified) {
        ("ar", true) => format!("صياغة بكلمات هذا المشروع لـ {s}."),
        ("zh", true) => format!("本项目以自己的措辞对 {s} 的转述。"),
        ("fr", true) => format!("Paraphrase, dans les mots de ce projet, de {s}."),
        ("ru", true) => format!("Пересказ своими словами проекта: {s}."),
        ("es", true) => format!("Paráfrasis, con las palabras de este proyecto, de {s}."),
        (_, true) => format!("Paraphrase in this project's words of {s}."),
        ("ar", false) => format!("صياغة بكلمات هذا المشروع؛ لم يُتحقق من مطابقتها للنص الأصلي ({s})."),
        ("zh", false) => format!("本项目以自己的措辞转述；措辞未经与原文核对（{s}）。"),
        ("fr", false) => {
            format!("Paraphrase dans les mots de ce projet ; formulation NON vérifiée sur l'original ({s}).")
        }
        ("ru", false) => format!("Пересказ своими словами проекта; формулировка НЕ сверена с оригиналом ({s})."),
        ("es", false) => {
            format!("Paráfrasis con las palabras de este proyecto; redacción NO verificada con el original ({s}).")
        }
        (_, false) => format!("Paraphrase in this project's words; wording NOT verified against the original ({s})."),
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
            let [en, rest @ ..] = &WORDS;
            let notes = rest
                .iter()
                .map(|w| {
                    let l = Lang::parse(w.lang).ok_or_else(|| anyhow!("language tag {:?}", w.lang))?;
                    Ok((l, note(w, a.verified, &a.source)))
                })
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
                note: Some(note(en, a.verified, &a.source)),
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
