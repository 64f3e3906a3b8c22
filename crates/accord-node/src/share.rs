//! Threat sharing's use cases: who reads and writes which TAXII
//! collection, the ingest of an envelope (validation, salted commitments,
//! one `share.commit`), and every read, with TLP applied to each object.
//!
//! The access checks live here and only here: the TAXII endpoints
//! (`accord-http`) and the portal call these functions and never the
//! store. Each read applies TLP twice: in the store's SQL (so that pages
//! are full and cheap) and again here, row by row, with the core's one
//! rule ([`accord_core::share::may_see`]); a row the second check refuses
//! is dropped and logged as a fault.
//!
//! `share.commit` is signed by the secretariat's key, which this node
//! holds: a TAXII client authenticates with HTTP Basic and cannot sign.
//! The statement names the member and the credential it used, which the
//! member registered by its own signed statement (holding only a salted
//! hash of the secret); so the replay checks every share against a
//! credential the member gave, and a member finds every share made in its
//! name in the public log (`/api/v1/members/{id}/shares`), and can revoke
//! the credential.

use crate::node::{Node, SubmitError};
use crate::sequencer::{Job, What};
use accord_core::acts::share::{IncidentFacts, ObjectVersion, SharedObject};
use accord_core::acts::{ShareCommit, ShareWithdraw};
use accord_core::share::{Collection, ShareState, TlpLabel, Viewer, DEFAULT_TLP, MAX_SHARE_OBJECTS};
use accord_core::{Act, MemberId, Refusal, Timestamp};
use accord_log::merkle::all_inclusion_proofs;
use accord_log::Hash;
use accord_stix::{StixId, StixTime, Tlp};
use accord_store::confidential::Confidential;
use accord_store::share::{
    version_key, ObjectQuery, ObjectRow, PrivateWrite, Versions, Viewer as StoreViewer, POS_PER_ENTRY,
};
use accord_store::StoreError;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Largest TAXII request body, in bytes (the API root's `max_content_length`).
pub const MAX_ENVELOPE_BYTES: usize = 10 << 20;
/// Most objects a page holds.
pub const MAX_PAGE: u32 = 1000;
/// Objects a page holds when the client does not say.
pub const DEFAULT_PAGE: u32 = 100;
/// Most values of one `match[...]` filter.
pub const MAX_MATCH_VALUES: usize = 100;
/// How long shared contents are kept: ten years.
pub const RETENTION_MS: i64 = 10 * 366 * 24 * 3600 * 1000;
/// The custom property that names who may read a TLP:AMBER (or stricter)
/// object: member ids, and for TLP:AMBER also `community-<id>`.
pub const RECIPIENTS_PROPERTY: &str = "x_accord_recipients";
/// The incident-core extension of STIX 2.1.
pub const INCIDENT_CORE: &str = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

/// Why a sharing request was not served. Each maps to one TAXII status.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// 401: no valid credential where one is needed.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the reader may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 413: too large.
    #[error("{0}")]
    TooLarge(String),
    /// 422: a malformed envelope or filter.
    #[error("{0}")]
    Unprocessable(String),
    /// 400: a bad query parameter.
    #[error("{0}")]
    BadRequest(String),
    /// 429: the sharer's rate limit.
    #[error("{why}")]
    RateLimited { why: String, retry_after_ms: u64 },
    /// 503: storage or the sequencer.
    #[error("{0}")]
    Unavailable(String),
}

impl From<StoreError> for ShareError {
    fn from(e: StoreError) -> ShareError {
        ShareError::Unavailable(format!("storage: {e}"))
    }
}

/// Who a request comes from, once authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reader {
    Anonymous,
    Member { member: MemberId, credential: String },
}

impl Reader {
    fn viewer(&self) -> Viewer {
        match self {
            Reader::Anonymous => Viewer::Anonymous,
            Reader::Member { member, .. } => Viewer::Member(member.clone()),
        }
    }
}

/// A collection as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionView {
    pub collection: Collection,
    /// Its TAXII id: a UUID derived from the body's origin and its alias.
    pub id: String,
    pub alias: String,
    pub title: String,
    pub description: String,
    pub can_read: bool,
    pub can_write: bool,
    pub public: bool,
}

/// A collection's TAXII id: a version-8 UUID (RFC 9562) from
/// SHA-256("accord collection\n" ‖ origin ‖ "\n" ‖ alias), so that every
/// node of a body gives one collection the same id.
pub fn collection_uuid(origin: &str, alias: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"accord collection\n");
    h.update(origin.as_bytes());
    h.update(b"\n");
    h.update(alias.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

/// A query of shared objects, as TAXII's filters give it.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub added_after: Option<i64>,
    pub limit: Option<u32>,
    /// A `next` cursor from an earlier page.
    pub next: Option<String>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: Versions,
    /// `match[spec_version]`: only 2.1 is stored.
    pub spec_versions: Vec<String>,
}

/// A page of object versions.
#[derive(Clone, Debug)]
pub struct Page {
    pub rows: Vec<ObjectRow>,
    /// A cursor for the next page, if there are more.
    pub next: Option<String>,
}

/// The receipt of one shared object: with its salt and content, the
/// sharer can prove to anyone what it shared and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectReceipt {
    /// The `share.commit` entry.
    pub index: u64,
    /// Its place among the envelope's objects, and how many there were.
    pub leaf: u64,
    pub leaves: u64,
    pub commitment: String,
    pub salt: String,
    /// The RFC 9162 inclusion path of `SHA-256(0x00 ‖ commitment)` in the
    /// envelope's tree, whose root the entry carries.
    pub path: Vec<String>,
}

/// One object's outcome in a status resource.
#[derive(Clone, Debug)]
pub struct StatusDetail {
    pub id: String,
    pub version: String,
    pub message: String,
    pub receipt: Option<ObjectReceipt>,
}

/// A TAXII status resource.
#[derive(Clone, Debug)]
pub struct StatusView {
    pub id: String,
    pub request_timestamp: String,
    pub successes: Vec<StatusDetail>,
    pub failures: Vec<StatusDetail>,
}

/// What is kept of a status: written with the share (or on its own when
/// no object was new).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredStatus {
    id: String,
    member: String,
    collection: String,
    request_timestamp: String,
    objects: Vec<StoredOutcome>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredOutcome {
    id: String,
    version: String,
    /// `None`: a success (new or already shared); else why it failed.
    failure: Option<String>,
}

/// The envelopes' inclusion paths a status read has computed, by entry
/// index.
#[derive(Default)]
struct Trees(std::collections::BTreeMap<u64, Vec<Vec<Hash>>>);

/// The largest `next` cursor accepted, in characters.
const MAX_CURSOR: usize = 24;

fn parse_cursor(s: &str) -> Result<u64, ShareError> {
    if s.len() > MAX_CURSOR || s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::BadRequest(format!("next: {:?} is not a cursor this server gave", clip(s))));
    }
    s.parse().map_err(|_| ShareError::BadRequest("next: out of range".into()))
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// A STIX timestamp (as in `added_after`) in whole milliseconds, rounded
/// down: date-added times are whole milliseconds, so `added > t` is the
/// same in both.
pub fn timestamp_millis(s: &str) -> Result<i64, String> {
    let t = StixTime::parse(s).map_err(|e| e.to_string())?;
    let (secs, nanos) = t.instant();
    Ok(secs * 1000 + i64::from(nanos / 1_000_000))
}

/// A date-added time as TAXII writes it: milliseconds, UTC.
pub fn format_millis(ms: i64) -> String {
    Timestamp::from_millis(ms).to_millis_string()
}

impl Node {
    /// The sharing state (credentials, communities) as of the last commit
    /// that changed it.
    pub fn sharing(&self) -> Arc<ShareState> {
        self.shared_sharing()
    }

    /// Who sends HTTP Basic `user`:`secret`: the credential's member, if
    /// the credential is registered, not revoked, and the secret hashes to
    /// what the member registered.
    pub fn authenticate(&self, user: &str, secret: &str) -> Result<Reader, ShareError> {
        let s = self.sharing();
        let bad = || ShareError::Unauthorized("the credential or its secret is not right".into());
        let c = s.credential(user).ok_or_else(bad)?;
        if c.revoked.is_some() {
            return Err(ShareError::Unauthorized(format!("credential {user} was revoked")));
        }
        let mut h = Sha256::new();
        h.update(c.salt);
        h.update(secret.as_bytes());
        let got: [u8; 32] = h.finalize().into();
        // Compared in constant time.
        if got.iter().zip(c.hash.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
            return Err(bad());
        }
        Ok(Reader::Member { member: c.member.clone(), credential: c.id.clone() })
    }

    fn view_of(&self, s: &ShareState, c: Collection, reader: &Reader) -> CollectionView {
        let alias = c.alias();
        let (title, description) = match &c {
            Collection::All => ("All members".to_string(), "Shared with every member state of the body.".to_string()),
            Collection::Member(m) => (format!("Shared by {m}"), format!("What {m} shares with every member state.")),
            Collection::Community(id) => {
                let k = s.community(id);
                (
                    k.map_or_else(|| id.clone(), |k| k.title.clone()),
                    format!("The community {id}: its members, with the rights its founder's statement gives."),
                )
            }
        };
        let (can_read, can_write) = match reader {
            Reader::Anonymous => (s.is_public(&c), false),
            Reader::Member { member, .. } => (s.may_read(&c, member), s.may_write(&c, member)),
        };
        CollectionView {
            id: collection_uuid(self.origin(), &alias),
            public: s.is_public(&c),
            collection: c,
            alias,
            title,
            description,
            can_read,
            can_write,
        }
    }

    /// The collections `reader` may read or write, in order: `all`, the
    /// members', the communities'.
    pub fn collections(&self, reader: &Reader) -> Result<Vec<CollectionView>, ShareError> {
        let s = self.sharing();
        let mut all = vec![Collection::All];
        for m in self.reads().members()? {
            if let Some(id) = MemberId::parse(&m.id).filter(|id| !id.is_secretariat()) {
                all.push(Collection::Member(id));
            }
        }
        all.extend(s.communities().map(|k| Collection::Community(k.id.clone())));
        Ok(all.into_iter().map(|c| self.view_of(&s, c, reader)).filter(|v| v.can_read || v.can_write).collect())
    }

    /// One collection by its TAXII id (or its alias), if `reader` may read
    /// or write it; otherwise not found (its existence is not told).
    pub fn collection(&self, reader: &Reader, id: &str) -> Result<CollectionView, ShareError> {
        if id.len() > 64 {
            return Err(ShareError::NotFound("no such collection".into()));
        }
        self.collections(reader)?.into_iter().find(|v| v.id == id || v.alias == id).ok_or_else(|| match reader {
            Reader::Anonymous => {
                ShareError::Unauthorized("no public collection has this id: authenticate to see more".into())
            }
            Reader::Member { .. } => ShareError::NotFound(format!("no collection {} that you may use", clip(id))),
        })
    }

    fn readable(&self, reader: &Reader, id: &str) -> Result<CollectionView, ShareError> {
        let v = self.collection(reader, id)?;
        if !v.can_read {
            return Err(match reader {
                Reader::Anonymous => ShareError::Unauthorized("this collection is for members".into()),
                Reader::Member { .. } => ShareError::Forbidden(format!("you may not read {}", v.alias)),
            });
        }
        Ok(v)
    }

    /// Object versions of a collection that `reader` may see, in
    /// date-added order: objects (with content), manifest and versions
    /// (without).
    pub fn share_page(
        &self,
        reader: &Reader,
        collection: &str,
        f: &Filters,
        content: bool,
    ) -> Result<Page, ShareError> {
        let v = self.readable(reader, collection)?;
        let limit = f.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        if f.ids.len() > MAX_MATCH_VALUES || f.types.len() > MAX_MATCH_VALUES || f.versions.at.len() > MAX_MATCH_VALUES
        {
            return Err(ShareError::BadRequest(format!("a match filter takes at most {MAX_MATCH_VALUES} values")));
        }
        if !f.spec_versions.is_empty() && !f.spec_versions.iter().any(|s| s == "2.1") {
            return Ok(Page { rows: Vec::new(), next: None });
        }
        let after = f.next.as_deref().map(parse_cursor).transpose()?;
        let member_id = match reader {
            Reader::Member { member, .. } => Some(member.as_str().to_string()),
            Reader::Anonymous => None,
        };
        let q = ObjectQuery {
            collection: &v.alias,
            viewer: match &member_id {
                Some(m) => StoreViewer::Member(m),
                None => StoreViewer::Anonymous,
            },
            after,
            added_after: f.added_after,
            ids: &f.ids,
            types: &f.types,
            versions: f.versions.clone(),
            limit: limit + 1,
            content,
        };
        let mut rows = self.reads().share_objects(&q)?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(|r| r.pos.to_string()) } else { None };
        let s = self.sharing();
        let viewer = reader.viewer();
        let rule = s.rule_for(&v.collection, &viewer);
        let before = rows.len();
        rows.retain(|r| rule.admits(r.tlp, &r.member, r.recipients.iter().map(String::as_str)));
        if rows.len() != before {
            tracing::error!(
                collection = %v.alias,
                dropped = before - rows.len(),
                "the store returned shared objects that TLP forbids this reader; they were dropped"
            );
        }
        Ok(Page { rows, next })
    }

    /// A status resource: only the member whose request it answers may
    /// read it; to anyone else it does not exist.
    pub fn share_status(&self, reader: &Reader, id: &str) -> Result<StatusView, ShareError> {
        let Reader::Member { member, .. } = reader else {
            return Err(ShareError::Unauthorized("status resources are for the member that made the request".into()));
        };
        let missing = || ShareError::NotFound(format!("no status {} of yours", clip(id)));
        if id.len() > 64 {
            return Err(missing());
        }
        let (owner, doc) = self.reads().share_status(id)?.ok_or_else(missing)?;
        if owner != member.as_str() {
            return Err(missing());
        }
        let st: StoredStatus =
            serde_json::from_str(&doc).map_err(|e| ShareError::Unavailable(format!("a stored status: {e}")))?;
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        let mut trees = Trees::default();
        for o in st.objects {
            match o.failure {
                Some(why) => failures.push(StatusDetail { id: o.id, version: o.version, message: why, receipt: None }),
                None => {
                    let vkey = if o.version.is_empty() { String::new() } else { version_key(Some(&o.version)) };
                    let found = self.receipt(&st.collection, &o.id, &vkey, member, &mut trees)?;
                    let (message, receipt) = match found {
                        Some(r) => (
                            format!(
                                "shared in log entry {}, object {} of {}; commitment {}",
                                r.index,
                                r.leaf + 1,
                                r.leaves,
                                r.commitment
                            ),
                            Some(r),
                        ),
                        None => ("already in this collection, shared by another member".to_string(), None),
                    };
                    successes.push(StatusDetail { id: o.id, version: o.version, message, receipt });
                }
            }
        }
        Ok(StatusView { id: st.id, request_timestamp: st.request_timestamp, successes, failures })
    }

    /// The receipt of an object version `member` shared into `collection`
    /// (`None` if another member shared it there first, or it was
    /// withdrawn).
    fn receipt(
        &self,
        collection: &str,
        id: &str,
        vkey: &str,
        member: &MemberId,
        trees: &mut Trees,
    ) -> Result<Option<ObjectReceipt>, ShareError> {
        let Some((row, commitment)) = self.reads().share_object(collection, id, vkey)? else { return Ok(None) };
        if row.member != member.as_str() {
            return Ok(None);
        }
        let Some(commitment) = commitment else { return Ok(None) };
        let (index, leaf) = (row.pos / POS_PER_ENTRY, row.pos % POS_PER_ENTRY);
        if let std::collections::btree_map::Entry::Vacant(e) = trees.0.entry(index) {
            let Some(share) = self.reads().share(index)? else { return Ok(None) };
            let Some(commitments) = self.reads().share_envelope(&share.root)? else { return Ok(None) };
            let leaves: Vec<Hash> = commitments.iter().map(|c| Hash::leaf(c)).collect();
            e.insert(all_inclusion_proofs(&leaves).1);
        }
        let Some(paths) = trees.0.get(&index) else { return Ok(None) };
        let leaves = paths.len() as u64;
        let Some(path) = paths.get(leaf as usize) else {
            return Err(ShareError::Unavailable(format!("object {leaf} is not in the envelope of entry {index}")));
        };
        let c = accord_store::confidential::Commitment::parse(&commitment)
            .ok_or_else(|| ShareError::Unavailable("a stored commitment is not hex".into()))?;
        let salt = self.reads_confidential(&c)?.map(|r| hex::encode(r.salt)).unwrap_or_default();
        Ok(Some(ObjectReceipt {
            index,
            leaf,
            leaves,
            commitment,
            salt,
            path: path.iter().map(|h| hex::encode(h.0)).collect(),
        }))
    }

    /// Shares an envelope into a collection: validates each object, keeps
    /// the new ones (content and salt in the confidential store) and
    /// records one `share.commit`, all in one durable transaction; answers
    /// with the status, which lists each object's outcome and receipt.
    pub async fn share_envelope(
        &self,
        reader: &Reader,
        collection: &str,
        body: &[u8],
    ) -> Result<StatusView, ShareError> {
        let Reader::Member { member, credential } = reader else {
            return Err(ShareError::Unauthorized("sharing needs a member's credential".into()));
        };
        let v = self.collection(reader, collection)?;
        if !v.can_write {
            return Err(ShareError::Forbidden(format!("{member} may not write {}", v.alias)));
        }
        if body.len() > MAX_ENVELOPE_BYTES {
            return Err(ShareError::TooLarge(format!("an envelope is at most {MAX_ENVELOPE_BYTES} bytes")));
        }
        let objects = parse_envelope(body)?;
        if objects.len() > MAX_SHARE_OBJECTS {
            return Err(ShareError::TooLarge(format!(
                "an envelope holds at most {MAX_SHARE_OBJECTS} objects (it is one log entry); this one holds {}",
                objects.len()
            )));
        }
        let s = self.sharing();
        let now = self.now();
        let mut outcomes = Vec::with_capacity(objects.len());
        let mut shared: Vec<SharedObject> = Vec::new();
        let mut lists: Vec<Vec<MemberId>> = Vec::new();
        let mut records: Vec<Confidential> = Vec::new();
        let mut in_envelope: std::collections::BTreeMap<(String, String), Vec<u8>> = Default::default();
        let markings_here: std::collections::BTreeSet<String> = objects
            .iter()
            .filter_map(|(o, _)| o.get("id").and_then(Value::as_str))
            .filter(|id| id.starts_with("marking-definition--"))
            .map(str::to_string)
            .collect();
        for (raw, len) in &objects {
            let id = raw.get("id").and_then(Value::as_str).unwrap_or("").chars().take(300).collect::<String>();
            let version_shown = raw
                .get("modified")
                .or_else(|| raw.get("created"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(64)
                .collect::<String>();
            let fail =
                |why: String| StoredOutcome { id: id.clone(), version: version_shown.clone(), failure: Some(why) };
            let checked = self.check_object(&s, &v.collection, member, raw, *len, &markings_here, &v.alias);
            let (object, tlp, recipients, incident) = match checked {
                Ok(c) => c,
                Err(why) => {
                    outcomes.push(fail(why));
                    continue;
                }
            };
            let version = version_of(&object);
            let vkey = version_key(version.as_deref());
            let content = accord_core::statement::canonical_json(object.raw()).into_bytes();
            // The same id and version twice in one envelope: one object.
            if let Some(first) = in_envelope.get(&(id.clone(), vkey.clone())) {
                if *first == content {
                    outcomes.push(StoredOutcome { id, version: version_shown, failure: None });
                } else {
                    outcomes.push(fail("the envelope holds another object with this id and version".into()));
                }
                continue;
            }
            in_envelope.insert((id.clone(), vkey.clone()), content.clone());
            // Already in the collection: idempotent.
            if self.reads().share_object(&v.alias, &id, &vkey)?.is_some() {
                outcomes.push(StoredOutcome { id, version: version_shown, failure: None });
                continue;
            }
            let salt = random_salt()?;
            let record =
                Confidential::new(salt, content, "threats", Timestamp::from_millis(now.millis() + RETENTION_MS))
                    .map_err(|e| ShareError::TooLarge(e.to_string()))?;
            let to = if tlp.needs_recipients() {
                let pos = match lists.iter().position(|l| *l == recipients) {
                    Some(p) => p,
                    None => {
                        lists.push(recipients);
                        lists.len() - 1
                    }
                };
                Some(pos as u32)
            } else {
                None
            };
            shared.push(SharedObject { id: id.clone(), version, tlp, to, incident });
            records.push(record);
            outcomes.push(StoredOutcome { id, version: version_shown, failure: None });
        }
        let status_id = random_uuid()?;
        let status = StoredStatus {
            id: status_id.clone(),
            member: member.to_string(),
            collection: v.alias.clone(),
            request_timestamp: now.to_millis_string(),
            objects: outcomes,
        };
        let doc = serde_json::to_string(&status).map_err(|e| ShareError::Unavailable(format!("a status: {e}")))?;
        let status_write = PrivateWrite::Status { id: status_id.clone(), member: member.to_string(), doc };
        if shared.is_empty() {
            let store = self.store_handle();
            tokio::task::spawn_blocking(move || store.put_private(&[status_write]))
                .await
                .map_err(|e| ShareError::Unavailable(format!("worker: {e}")))??;
        } else {
            let commitments: Vec<[u8; 32]> = records.iter().map(commitment_bytes).collect();
            let leaves: Vec<Hash> = commitments.iter().map(|c| Hash::leaf(c)).collect();
            let mut tree = accord_log::merkle::MemoryTree::new();
            for l in &leaves {
                tree.push(*l);
            }
            let root = tree.root_at(leaves.len() as u64);
            let act = ShareCommit {
                member: member.clone(),
                credential: credential.clone(),
                collection: v.alias.clone(),
                root: hex::encode(root.0),
                objects: shared,
                recipients: lists,
            };
            let mut private: Vec<PrivateWrite> = records.into_iter().map(PrivateWrite::Record).collect();
            private.push(PrivateWrite::Envelope { root: hex::encode(root.0), commitments });
            private.push(status_write);
            self.record_as_secretariat(Act::ShareCommit(Box::new(act)), private).await.map_err(submit_error)?;
        }
        self.share_status(reader, &status_id)
    }

    /// Checks one object for sharing into `c` by `member`: the STIX rules,
    /// its markings and recipients. Answers the object, its TLP, its
    /// recipients (for TLP:AMBER and above) and, for an incident, what the
    /// public counts; or why it fails.
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn check_object(
        &self,
        s: &ShareState,
        c: &Collection,
        member: &MemberId,
        raw: &Value,
        len: usize,
        markings_here: &std::collections::BTreeSet<String>,
        alias: &str,
    ) -> Result<(accord_stix::StixObject, TlpLabel, Vec<MemberId>, Option<IncidentFacts>), String> {
        let object = accord_stix::parse_object(raw, len).map_err(|e| e.to_string())?;
        if object.stix_type() == "marking-definition" && Tlp::of_marking(object.id()).is_some() {
            return Err(
                "the TLP marking definitions are built into STIX and the TLP extension; they are not shared".into()
            );
        }
        for m in object.other_markings() {
            let known = markings_here.contains(m.as_str())
                || self.marking_known(alias, m).map_err(|e| format!("cannot check marking {m}: {e}"))?;
            if !known {
                return Err(format!(
                    "marking {m} is neither a TLP marking, nor in this envelope, nor in this collection"
                ));
            }
        }
        let tlp = object.tlp().map(TlpLabel).unwrap_or(DEFAULT_TLP);
        let recipients = if tlp.needs_recipients() { self.recipients(s, c, member, &object, tlp)? } else { Vec::new() };
        let incident = (object.stix_type() == "incident").then(|| incident_facts(&object));
        Ok((object, tlp, recipients, incident))
    }

    /// Is marking `m` among the objects of this collection? (Any reader's
    /// object may cite it; only its existence is checked.)
    fn marking_known(&self, alias: &str, m: &StixId) -> Result<bool, StoreError> {
        let rows = self.reads().share_object(alias, m.as_str(), "")?;
        Ok(rows.is_some())
    }

    /// The recipients an object names in [`RECIPIENTS_PROPERTY`], in member
    /// order: for TLP:AMBER, member ids and communities (their readers at
    /// the time of sharing); for AMBER+STRICT and RED, member ids only.
    /// Each must be able to read the collection.
    fn recipients(
        &self,
        s: &ShareState,
        c: &Collection,
        member: &MemberId,
        object: &accord_stix::StixObject,
        tlp: TlpLabel,
    ) -> Result<Vec<MemberId>, String> {
        let Some(list) = object.raw().get(RECIPIENTS_PROPERTY) else {
            return Err(format!(
                "{tlp} is for named recipients only: list them in {RECIPIENTS_PROPERTY} (member ids{})",
                if tlp.0 == Tlp::Amber { ", or community-<id>" } else { "" }
            ));
        };
        let Some(list) = list.as_array().filter(|l| !l.is_empty() && l.len() <= accord_core::share::MAX_RECIPIENTS)
        else {
            return Err(format!(
                "{RECIPIENTS_PROPERTY} must list 1 to {} recipients",
                accord_core::share::MAX_RECIPIENTS
            ));
        };
        let mut out = std::collections::BTreeSet::new();
        for r in list {
            let Some(r) = r.as_str() else { return Err(format!("{RECIPIENTS_PROPERTY} holds strings")) };
            if let Some(k) = r.strip_prefix("community-") {
                if tlp.0 != Tlp::Amber {
                    return Err(format!("{tlp} names members one by one, not community {k}"));
                }
                let members = s.community_members(k).ok_or_else(|| format!("there is no community {}", clip(k)))?;
                out.extend(members);
                continue;
            }
            match MemberId::parse(r).filter(|m| !m.is_secretariat()) {
                Some(m) => {
                    out.insert(m);
                }
                None => return Err(format!("{RECIPIENTS_PROPERTY}: {:?} is no member id", clip(r))),
            }
        }
        out.remove(member);
        let members = self.reads().members().map_err(|e| format!("cannot read the members: {e}"))?;
        for m in &out {
            if !members.iter().any(|row| row.id == m.as_str()) {
                return Err(format!("{RECIPIENTS_PROPERTY}: {m} is no member"));
            }
            if !s.may_read(c, m) {
                return Err(format!("{RECIPIENTS_PROPERTY}: {m} may not read {}", c.alias()));
            }
        }
        if out.is_empty() {
            return Err(format!("{RECIPIENTS_PROPERTY} names nobody but the sharer"));
        }
        Ok(out.into_iter().collect())
    }

    /// Withdraws object `id` (the versions given, or all) that `reader`
    /// shared into a collection: one `share.withdraw`; the contents are
    /// erased in the same transaction. Not found if it shared none.
    pub async fn withdraw(&self, reader: &Reader, collection: &str, id: &str, f: &Filters) -> Result<u64, ShareError> {
        let Reader::Member { member, credential } = reader else {
            return Err(ShareError::Unauthorized("withdrawing needs a member's credential".into()));
        };
        let v = self.readable(reader, collection)?;
        let filters = Filters { ids: vec![id.to_string()], next: None, limit: Some(MAX_PAGE), ..f.clone() };
        let page = self.share_page(reader, &v.alias, &filters, false)?;
        let mine: Vec<&ObjectRow> = page.rows.iter().filter(|r| r.member == member.as_str()).collect();
        if mine.is_empty() {
            return Err(ShareError::NotFound(format!("you shared no version of {} here", clip(id))));
        }
        let mut private = Vec::new();
        for r in &mine {
            if let Some((_, Some(c))) =
                self.reads().share_object(&v.alias, &r.id, &version_key(r.version.as_deref()))?
            {
                if let Some(c) = accord_store::confidential::Commitment::parse(&c) {
                    private.push(PrivateWrite::Erase(c));
                }
            }
        }
        let act = ShareWithdraw {
            member: member.clone(),
            credential: credential.clone(),
            collection: v.alias.clone(),
            objects: mine.iter().map(|r| ObjectVersion { id: r.id.clone(), version: r.version.clone() }).collect(),
        };
        let n = mine.len() as u64;
        self.record_as_secretariat(Act::ShareWithdraw(Box::new(act)), private).await.map_err(submit_error)?;
        Ok(n)
    }

    /// Records `act` with the secretariat's key (signed by the sequencer
    /// with its next seq), with `private` written in its transaction.
    pub async fn record_as_secretariat(
        &self,
        act: Act,
        private: Vec<PrivateWrite>,
    ) -> Result<crate::node::Receipt, SubmitError> {
        let (reply, wait) = tokio::sync::oneshot::channel();
        self.enqueue(Job { what: What::BySecretariat(act), private, reply })?;
        match wait.await {
            Ok(r) => r,
            Err(_) => Err(SubmitError::Unavailable("the sequencer stopped before committing".into())),
        }
    }

    /// Incidents shared, counted by month and sector (every TLP: no content).
    pub fn incident_counts(&self) -> Result<Vec<(String, String, u64)>, ShareError> {
        Ok(self.reads().incident_counts()?)
    }
}

fn submit_error(e: SubmitError) -> ShareError {
    match e {
        SubmitError::Refused(Refusal::RateLimited { why, retry_after_ms, .. }) => {
            ShareError::RateLimited { why, retry_after_ms }
        }
        SubmitError::Refused(r) => ShareError::Forbidden(format!("the body's rules refuse this share: {r}")),
        SubmitError::Unavailable(why) => ShareError::Unavailable(why),
    }
}

/// The objects of a TAXII envelope, each with the length of its JSON.
/// Refused (422) unless it is a JSON object whose `objects` is an array of
/// objects, with no repeated key anywhere; `more` and `next` may be there.
fn parse_envelope(body: &[u8]) -> Result<Vec<(Value, usize)>, ShareError> {
    let bad = |why: String| ShareError::Unprocessable(format!("the envelope is malformed: {why}"));
    let v = accord_stix::parse_json_value(body).map_err(|e| bad(e.to_string()))?;
    let Value::Object(mut top) = v else { return Err(bad("it is not a JSON object".into())) };
    for k in top.keys() {
        if !matches!(k.as_str(), "objects" | "more" | "next") {
            return Err(bad(format!("it has a property {:?} (an envelope has objects, more and next)", clip(k))));
        }
    }
    let objects = match top.remove("objects") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad("objects is not a list".into())),
        None => return Err(bad("it has no objects".into())),
    };
    if objects.is_empty() {
        return Err(bad("objects is empty".into()));
    }
    objects
        .into_iter()
        .enumerate()
        .map(|(i, o)| match o {
            Value::Object(_) => {
                let len = serde_json::to_vec(&o).map_or(0, |b| b.len());
                Ok((o, len))
            }
            _ => Err(bad(format!("objects[{i}] is not a JSON object"))),
        })
        .collect()
}

/// An object's version as the log names it: `modified`, else `created`;
/// none for an unversioned object.
fn version_of(o: &accord_stix::StixObject) -> Option<String> {
    o.modified().or(o.created()).map(|t| t.as_str().to_string())
}

/// The custom property naming the sectors an incident hit (STIX's
/// `industry-sector-ov` words), which the public counts.
pub const SECTORS_PROPERTY: &str = "x_accord_sectors";

/// What the public counts of an incident: the month it was first seen
/// (the incident-core extension's `first_seen`, else `created`) and the
/// sectors named in [`SECTORS_PROPERTY`] (the extension's
/// `impacted_entity_counts` counts entity types, not sectors).
fn incident_facts(o: &accord_stix::StixObject) -> IncidentFacts {
    let ext = o.raw().get("extensions").and_then(|e| e.get(INCIDENT_CORE));
    let first_seen = ext.and_then(|e| e.get("first_seen")).and_then(Value::as_str);
    let when = first_seen.or(o.created().map(|t| t.as_str())).unwrap_or("0000-01");
    let month = when.get(..7).filter(|m| StixTime::parse(when).is_ok() && m.len() == 7).unwrap_or("0000-01");
    let month = if month == "0000-01" { "1970-01".to_string() } else { month.to_string() };
    let mut sectors: Vec<String> = o
        .raw()
        .get(SECTORS_PROPERTY)
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(Value::as_str)
                .filter(|k| {
                    (1..=64).contains(&k.len())
                        && k.as_bytes()[0].is_ascii_lowercase()
                        && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    sectors.sort();
    sectors.dedup();
    sectors.truncate(accord_core::share::MAX_SECTORS);
    IncidentFacts { month, sectors }
}

fn commitment_bytes(r: &Confidential) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(v) = hex::decode(r.commitment().as_str()) {
        if v.len() == 32 {
            out.copy_from_slice(&v);
        }
    }
    out
}

fn random_salt() -> Result<[u8; 32], ShareError> {
    let mut salt = [0u8; 32];
    rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut salt)
        .map_err(|e| ShareError::Unavailable(format!("no randomness: {e}")))?;
    Ok(salt)
}

/// A random (version 4) UUID, for status resources.
pub fn random_uuid() -> Result<String, ShareError> {
    let mut b = [0u8; 16];
    rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut b)
        .map_err(|e| ShareError::Unavailable(format!("no randomness: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    Ok(format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32]))
}

/// The status resource as TAXII 2.1 writes it, with each success's
/// receipt under `x_accord_receipt`.
pub fn status_json(s: &StatusView) -> Value {
    let detail = |d: &StatusDetail| {
        let mut v = json!({"id": d.id, "version": d.version, "message": d.message});
        if let Some(r) = &d.receipt {
            v["x_accord_receipt"] = json!({
                "index": r.index, "leaf": r.leaf, "leaves": r.leaves,
                "commitment": r.commitment, "salt": r.salt, "path": r.path,
            });
        }
        v
    };
    json!({
        "id": s.id,
        "status": "complete",
        "request_timestamp": s.request_timestamp,
        "total_count": s.successes.len() + s.failures.len(),
        "success_count": s.successes.len(),
        "successes": s.successes.iter().map(detail).collect::<Vec<_>>(),
        "failure_count": s.failures.len(),
        "failures": s.failures.iter().map(detail).collect::<Vec<_>>(),
        "pending_count": 0,
        "pendings": [],
    })
}
