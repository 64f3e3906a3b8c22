//! The Code's projections as stored: a document is kept whole as the JSON
//! the core serialises it to (`p_documents.doc`), and read back into the
//! core's own [`Document`] so that readers compute hashes and diffs with
//! the core's one `Version::hash` and `diff`.

use crate::{Result, StoreError};
use accord_core::code::{Addendum, AddendumKind, Article, Document, Lang, Subscription, Version};
use accord_core::{LogIndex, MemberId, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The JSON of a [`Document`] (which the core only serialises).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDocument {
    id: String,
    title: BTreeMap<Lang, String>,
    versions: Vec<StoredVersion>,
}

/// The JSON of a [`Version`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredVersion {
    document: String,
    number: u32,
    label: String,
    articles: Vec<Article>,
    adopted_at: u64,
    adopted_time: String,
    #[serde(default)]
    proposal: Option<String>,
    #[serde(default)]
    addenda: Vec<StoredAddendum>,
}

/// The JSON of an [`Addendum`] (`flatten` rules out `deny_unknown_fields`).
#[derive(Deserialize)]
struct StoredAddendum {
    number: u32,
    #[serde(flatten)]
    what: AddendumKind,
    adopted_at: u64,
    adopted_time: String,
    #[serde(default)]
    proposal: Option<String>,
}

/// A document as stored.
pub(crate) fn encode_document(d: &Document) -> Result<String> {
    serde_json::to_string(d).map_err(|e| StoreError::Encode(format!("document {}: {e}", d.id)))
}

/// A stored document read back; `id` names it in errors.
pub(crate) fn decode_document(id: &str, json: &str) -> Result<Document> {
    let corrupt = |why: String| StoreError::Corrupt(format!("document {id}: {why}"));
    let d: StoredDocument = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    let versions = d
        .versions
        .into_iter()
        .map(|v| {
            let adopted_time = Timestamp::parse_rfc3339(&v.adopted_time)
                .ok_or_else(|| corrupt(format!("version {}: adopted_time {:?}", v.number, v.adopted_time)))?;
            let addenda = v
                .addenda
                .into_iter()
                .map(|a| {
                    let adopted_time = Timestamp::parse_rfc3339(&a.adopted_time).ok_or_else(|| {
                        corrupt(format!(
                            "version {} addendum {}: adopted_time {:?}",
                            v.number, a.number, a.adopted_time
                        ))
                    })?;
                    Ok(Addendum {
                        number: a.number,
                        what: a.what,
                        adopted_at: LogIndex(a.adopted_at),
                        adopted_time,
                        proposal: a.proposal,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Version {
                document: v.document,
                number: v.number,
                label: v.label,
                articles: v.articles,
                adopted_at: LogIndex(v.adopted_at),
                adopted_time,
                proposal: v.proposal,
                addenda,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Document { id: d.id, title: d.title, versions })
}

/// A stored subscription read back.
pub(crate) fn decode_subscription(
    document: &str,
    member: &str,
    version: u32,
    index: u64,
    time: &str,
) -> Result<Subscription> {
    let corrupt = |why: String| StoreError::Corrupt(format!("subscription of {member} to {document}: {why}"));
    Ok(Subscription {
        member: MemberId::parse(member).ok_or_else(|| corrupt("malformed member id".into()))?,
        version,
        index: LogIndex(index),
        time: Timestamp::parse_rfc3339(time).ok_or_else(|| corrupt(format!("time {time:?}")))?,
    })
}
