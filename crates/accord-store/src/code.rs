//! The Code's projections as stored, record by record, each as the JSON
//! the core serialises it to: a document's head (`p_documents.doc`: id and
//! title), each version as adopted (`p_versions`), each addendum
//! (`p_addenda`). A translation or a norm link writes one row; nothing is
//! rewritten. Read back into the core's own [`Document`] so that readers
//! compute hashes and diffs with the core's one `Version::hash` and `diff`.

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
    /// Only in rows written whole, before the Code was stored record by
    /// record (migrated at open).
    #[serde(default)]
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

/// A document's head as stored: its id and title.
pub(crate) fn encode_document_head(id: &str, title: &BTreeMap<Lang, String>) -> Result<String> {
    let d = Document { id: id.to_string(), title: title.clone(), versions: Vec::new() };
    let mut v = serde_json::to_value(&d).map_err(|e| StoreError::Encode(format!("document {id}: {e}")))?;
    if let Some(o) = v.as_object_mut() {
        o.remove("versions");
    }
    Ok(v.to_string())
}

/// A version as stored (its addenda are rows of their own).
pub(crate) fn encode_version(v: &Version) -> Result<String> {
    if !v.addenda.is_empty() {
        return Err(StoreError::Encode(format!("version {} of {}: addenda are stored apart", v.number, v.document)));
    }
    serde_json::to_string(v).map_err(|e| StoreError::Encode(format!("version {} of {}: {e}", v.number, v.document)))
}

/// An addendum as stored.
pub(crate) fn encode_addendum(document: &str, a: &Addendum) -> Result<String> {
    serde_json::to_string(a).map_err(|e| StoreError::Encode(format!("addendum {} of {document}: {e}", a.number)))
}

/// A document read back from its records: `head` (id, title), `versions`
/// in order, and `(version, addendum)` in order.
pub(crate) fn assemble_document(
    id: &str,
    head: &str,
    versions: &[String],
    addenda: &[(u32, String)],
) -> Result<Document> {
    let corrupt = |why: String| StoreError::Corrupt(format!("document {id}: {why}"));
    let d: StoredDocument = serde_json::from_str(head).map_err(|e| corrupt(e.to_string()))?;
    let mut out = Document { id: d.id, title: d.title, versions: Vec::new() };
    for (i, json) in versions.iter().enumerate() {
        let v: StoredVersion = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
        let v = version(v, &corrupt)?;
        if v.number as usize != i + 1 {
            return Err(corrupt(format!("version {} stored as number {}", i + 1, v.number)));
        }
        out.versions.push(v);
    }
    for (number, json) in addenda {
        let a: StoredAddendum = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
        let a = addendum(a, *number, &corrupt)?;
        let v = out
            .versions
            .get_mut((*number as usize).wrapping_sub(1))
            .ok_or_else(|| corrupt(format!("an addendum of version {number}, which is not stored")))?;
        v.addenda.push(a);
    }
    Ok(out)
}

/// A document stored whole by an earlier version (`None` if `json` is a
/// head only, as written now).
pub(crate) fn decode_whole_document(id: &str, json: &str) -> Result<Option<Document>> {
    let corrupt = |why: String| StoreError::Corrupt(format!("document {id}: {why}"));
    let d: StoredDocument = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    if d.versions.is_empty() {
        return Ok(None);
    }
    let versions = d.versions.into_iter().map(|v| version(v, &corrupt)).collect::<Result<Vec<_>>>()?;
    Ok(Some(Document { id: d.id, title: d.title, versions }))
}

fn version(v: StoredVersion, corrupt: &dyn Fn(String) -> StoreError) -> Result<Version> {
    let adopted_time = Timestamp::parse_rfc3339(&v.adopted_time)
        .ok_or_else(|| corrupt(format!("version {}: adopted_time {:?}", v.number, v.adopted_time)))?;
    let number = v.number;
    let addenda = v.addenda.into_iter().map(|a| addendum(a, number, corrupt)).collect::<Result<Vec<_>>>()?;
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
}

fn addendum(a: StoredAddendum, version: u32, corrupt: &dyn Fn(String) -> StoreError) -> Result<Addendum> {
    let adopted_time = Timestamp::parse_rfc3339(&a.adopted_time).ok_or_else(|| {
        corrupt(format!("version {version} addendum {}: adopted_time {:?}", a.number, a.adopted_time))
    })?;
    Ok(Addendum {
        number: a.number,
        what: a.what,
        adopted_at: LogIndex(a.adopted_at),
        adopted_time,
        proposal: a.proposal,
    })
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
