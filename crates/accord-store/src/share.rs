//! Threat sharing as stored.
//!
//! Projections (rebuilt from the log, in the digest):
//! - `p_credentials`: each credential, its member, salt and hash, and
//!   when it was revoked;
//! - `p_communities`: each community's record, as JSON;
//! - `p_shares`: each `share.commit` (sharer, credential, collection, the
//!   envelope's root, its entry time);
//! - `p_share_objects`: each object version shared, by collection and
//!   position (`pos` = entry index × 1024 + place in the envelope, which
//!   is also date-added order), with its TLP rank, its sharer and the
//!   commitment to its content; `p_share_recipients`: who was named for
//!   TLP:AMBER and above; `p_incidents`: the month and sectors of each
//!   incident, which the public counts.
//!
//! Beside the confidential records (`c_records`, content keyed by its
//! salted commitment), two tables that are not projections either:
//! `c_share_envelopes` (an envelope's root → the commitments of its
//! objects in order, so a rebuild can find each object's content again)
//! and `c_share_status` (TAXII status resources). Both are written in the
//! same transaction as the `share.commit` they belong to
//! ([`crate::AppendBatch::private`]).
//!
//! Reads apply TLP in SQL ([`ObjectQuery::viewer`]); the node checks
//! every row again with the core's rule before anything leaves it.

use crate::confidential::Confidential;
use crate::{Result, StoreError};
use accord_core::share::{CommunityRecord, TlpLabel};
use accord_core::{Effect, LogIndex, MemberId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS p_credentials (id TEXT PRIMARY KEY, member TEXT NOT NULL, salt TEXT NOT NULL,
    hash TEXT NOT NULL, since INTEGER NOT NULL, revoked INTEGER NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_communities (id TEXT PRIMARY KEY, doc TEXT NOT NULL, changed INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_shares (idx INTEGER PRIMARY KEY, time INTEGER NOT NULL, member TEXT NOT NULL,
    credential TEXT NOT NULL, collection TEXT NOT NULL, root TEXT NOT NULL, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS p_shares_member ON p_shares (member, idx);
CREATE TABLE IF NOT EXISTS p_share_objects (collection TEXT NOT NULL, pos INTEGER NOT NULL, id TEXT NOT NULL,
    vkey TEXT NOT NULL, version TEXT NULL, type TEXT NOT NULL, tlp INTEGER NOT NULL, member TEXT NOT NULL,
    added INTEGER NOT NULL, commitment TEXT NULL, PRIMARY KEY (collection, pos)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS p_share_objects_version ON p_share_objects (collection, id, vkey);
CREATE INDEX IF NOT EXISTS p_share_objects_type ON p_share_objects (collection, type, pos);
CREATE TABLE IF NOT EXISTS p_share_recipients (collection TEXT NOT NULL, pos INTEGER NOT NULL, member TEXT NOT NULL,
    PRIMARY KEY (collection, pos, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_incidents (pos INTEGER NOT NULL, sector TEXT NOT NULL, collection TEXT NOT NULL,
    month TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (collection, pos, sector)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS c_share_envelopes (root TEXT PRIMARY KEY, commitments BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS c_share_status (id TEXT PRIMARY KEY, member TEXT NOT NULL, doc TEXT NOT NULL)
    WITHOUT ROWID;
";

/// The sharing projections, in digest order, with their ordering columns.
pub(crate) const PROJECTIONS: &[(&str, &str)] = &[
    ("p_credentials", "id"),
    ("p_communities", "id"),
    ("p_shares", "idx"),
    ("p_share_objects", "collection, pos"),
    ("p_share_recipients", "collection, pos, member"),
    ("p_incidents", "collection, pos, sector"),
];

/// Places in one envelope's `pos` range: more than the most objects a
/// `share.commit` names.
pub const POS_PER_ENTRY: u64 = 1024;

/// What a `share.commit` brings beside its entry, written in the same
/// transaction (and only if the entry is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateWrite {
    /// An object's content, under its salted commitment.
    Record(Confidential),
    /// An envelope's root and the commitments of its objects, in order.
    Envelope { root: String, commitments: Vec<[u8; 32]> },
    /// A TAXII status resource, readable by `member` only.
    Status { id: String, member: String, doc: String },
    /// A withdrawn object's content, erased (its commitment stays in the log).
    Erase(crate::confidential::Commitment),
}

/// A credential as projected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: String,
    pub member: String,
    pub salt: [u8; 32],
    pub hash: [u8; 32],
    pub since: u64,
    pub revoked: Option<u64>,
}

/// A `share.commit` as projected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareRow {
    pub index: u64,
    /// Entry time, in ms.
    pub time: i64,
    pub member: String,
    pub credential: String,
    pub collection: String,
    pub root: String,
    pub count: u32,
}

/// Who reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer<'a> {
    /// No account: TLP:CLEAR objects only (the caller checks that the
    /// collection is public).
    Anonymous,
    /// A member that may read the collection (the caller checks it).
    Member(&'a str),
}

/// Which versions of each object (TAXII's `match[version]`). Empty: the
/// latest (the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    pub first: bool,
    pub last: bool,
    pub all: bool,
    /// Version keys ([`version_key`]).
    pub at: Vec<String>,
}

/// A read of shared objects: objects, manifest, versions and by id all
/// go through it.
#[derive(Clone, Debug)]
pub struct ObjectQuery<'a> {
    pub collection: &'a str,
    pub viewer: Viewer<'a>,
    /// Past this position (a `next` cursor).
    pub after: Option<u64>,
    /// Added strictly after this time, in ms.
    pub added_after: Option<i64>,
    /// Only these ids (`match[id]`); all when empty.
    pub ids: &'a [String],
    /// Only these types (`match[type]`); all when empty.
    pub types: &'a [String],
    pub versions: Versions,
    /// At most this many rows (the reader asks one more to know if there
    /// are more).
    pub limit: u32,
    /// Join the content (objects, by id) or not (manifest, versions).
    pub content: bool,
}

/// An object version as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRow {
    pub pos: u64,
    pub id: String,
    pub version: Option<String>,
    /// Date added: the entry time of its `share.commit`, in ms.
    pub added: i64,
    pub tlp: TlpLabel,
    pub member: String,
    /// Who was named (TLP:AMBER and above): every recipient in member
    /// order from [`ShareReads::share_object`]; from
    /// [`ShareReads::share_objects`], only the viewer, if it was named (a
    /// reader learns no other recipient from the row).
    pub recipients: Vec<String>,
    /// The canonical JSON (when asked for and still kept).
    pub content: Option<Vec<u8>>,
}

/// A sortable key for a STIX version: the timestamp with nine fraction
/// digits (`2026-01-02T03:04:05.100000000Z`), so that the string order is
/// the time order and two spellings of one instant are one version; `""`
/// for an unversioned object.
pub fn version_key(version: Option<&str>) -> String {
    let Some(v) = version else { return String::new() };
    let body = v.strip_suffix('Z').unwrap_or(v);
    let (secs, frac) = body.split_once('.').unwrap_or((body, ""));
    let mut f: String = frac.chars().take(9).collect();
    while f.len() < 9 {
        f.push('0');
    }
    format!("{secs}.{f}Z")
}

/// Sharing's projections, read. Every read sees only what committed.
pub trait ShareReads: Send + Sync {
    fn credential(&self, id: &str) -> Result<Option<CredentialRow>>;
    /// A member's credentials (revoked ones too), by id.
    fn credentials_of(&self, member: &str) -> Result<Vec<CredentialRow>>;
    fn communities(&self) -> Result<Vec<CommunityRecord>>;
    /// The `share.commit` at `index`.
    fn share(&self, index: u64) -> Result<Option<ShareRow>>;
    /// Shares recorded in `member`'s name, newest first, before `before`.
    fn shares_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<ShareRow>>;
    /// Shared object versions (see [`ObjectQuery`]), in date-added order.
    fn share_objects(&self, q: &ObjectQuery) -> Result<Vec<ObjectRow>>;
    /// One object version as shared into a collection, whoever may see it
    /// (for receipts and idempotent shares): its row and commitment.
    fn share_object(&self, collection: &str, id: &str, vkey: &str) -> Result<Option<(ObjectRow, Option<String>)>>;
    /// The commitments of an envelope's objects, in order.
    fn share_envelope(&self, root: &str) -> Result<Option<Vec<[u8; 32]>>>;
    /// A status resource: its member and document.
    fn share_status(&self, id: &str) -> Result<Option<(String, String)>>;
    /// Incidents shared, counted by month and sector (`""`: no sector
    /// given), every TLP included: (month, sector, count).
    fn incident_counts(&self) -> Result<Vec<(String, String, u64)>>;
}

fn unhex32(s: &str, what: &str) -> Result<[u8; 32]> {
    let v = hex::decode(s).map_err(|_| StoreError::Corrupt(format!("{what} is not hex")))?;
    v.try_into().map_err(|_| StoreError::Corrupt(format!("{what} is not 32 bytes")))
}

/// Writes one sharing effect; `false` if `e` is not one.
pub(crate) fn write_effect(tx: &Transaction, e: &Effect) -> Result<bool> {
    match e {
        Effect::CredentialChanged { id, member, now: Some((salt, hash)), index } => {
            tx.prepare_cached("INSERT INTO p_credentials (id, member, salt, hash, since) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![id, member.as_str(), salt, hash, index.0])?;
        }
        Effect::CredentialChanged { id, now: None, index, .. } => {
            tx.prepare_cached("UPDATE p_credentials SET revoked = ?2 WHERE id = ?1")?.execute(params![id, index.0])?;
        }
        Effect::CommunityChanged { record, index } => {
            tx.prepare_cached(
                "INSERT INTO p_communities (id, doc, changed) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, changed = excluded.changed",
            )?
            .execute(params![record.id, encode_community(record)?, index.0])?;
        }
        Effect::Shared { index, time, share } => write_shared(tx, *index, time.millis(), share)?,
        Effect::Withdrawn { share, .. } => {
            let mut find = tx.prepare_cached(
                "SELECT pos FROM p_share_objects WHERE collection = ?1 AND id = ?2 AND vkey = ?3 AND member = ?4",
            )?;
            let mut del = tx.prepare_cached("DELETE FROM p_share_objects WHERE collection = ?1 AND pos = ?2")?;
            let mut del_r = tx.prepare_cached("DELETE FROM p_share_recipients WHERE collection = ?1 AND pos = ?2")?;
            let mut del_i = tx.prepare_cached("DELETE FROM p_incidents WHERE collection = ?1 AND pos = ?2")?;
            for o in &share.objects {
                let key = version_key(o.version.as_deref());
                let pos: Option<u64> = find
                    .query_row(params![share.collection, o.id, key, share.member.as_str()], |r| r.get(0))
                    .optional()?;
                if let Some(pos) = pos {
                    del.execute(params![share.collection, pos])?;
                    del_r.execute(params![share.collection, pos])?;
                    del_i.execute(params![share.collection, pos])?;
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn write_shared(tx: &Transaction, index: LogIndex, time: i64, s: &accord_core::acts::ShareCommit) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO p_shares (idx, time, member, credential, collection, root, count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![index.0, time, s.member.as_str(), s.credential, s.collection, s.root, s.objects.len()])?;
    // The commitments, if the envelope's record is kept (a rebuild finds
    // it again; an erased envelope leaves its objects without content).
    let commitments: Option<Vec<u8>> = tx
        .prepare_cached("SELECT commitments FROM c_share_envelopes WHERE root = ?1")?
        .query_row([&s.root], |r| r.get(0))
        .optional()?;
    let commitment = |i: usize| -> Option<String> {
        let c = commitments.as_ref()?;
        (c.len() == 32 * s.objects.len()).then(|| hex::encode(&c[32 * i..32 * (i + 1)]))
    };
    // A version already shared into the collection stays the one it was
    // (the node answers such a share as idempotent; two at once may both
    // reach the log, and the first in log order wins).
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO p_share_objects (collection, pos, id, vkey, version, type, tlp, member, added,
         commitment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut rcp = tx.prepare_cached("INSERT INTO p_share_recipients (collection, pos, member) VALUES (?1, ?2, ?3)")?;
    let mut inc = tx.prepare_cached(
        "INSERT INTO p_incidents (pos, sector, collection, month, member) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, o) in s.objects.iter().enumerate() {
        let pos = index.0 * POS_PER_ENTRY + i as u64;
        let kind = o.id.split_once("--").map_or("", |(t, _)| t);
        let fresh = ins.execute(params![
            s.collection,
            pos,
            o.id,
            version_key(o.version.as_deref()),
            o.version,
            kind,
            o.tlp.rank(),
            s.member.as_str(),
            time,
            commitment(i)
        ])? == 1;
        if !fresh {
            continue;
        }
        if let Some(list) = o.to.and_then(|t| s.recipients.get(t as usize)) {
            for m in list {
                rcp.execute(params![s.collection, pos, m.as_str()])?;
            }
        }
        if let Some(f) = &o.incident {
            if f.sectors.is_empty() {
                inc.execute(params![pos, "", s.collection, f.month, s.member.as_str()])?;
            }
            for sector in &f.sectors {
                inc.execute(params![pos, sector, s.collection, f.month, s.member.as_str()])?;
            }
        }
    }
    Ok(())
}

pub(crate) fn write_private(tx: &Transaction, w: &PrivateWrite) -> Result<()> {
    match w {
        PrivateWrite::Record(r) => {
            tx.prepare_cached(
                "INSERT INTO c_records (commitment, salt, content, domain, retain_until) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (commitment) DO UPDATE SET retain_until = MAX(retain_until, excluded.retain_until)",
            )?
            .execute(params![
                r.commitment().as_str(),
                &r.salt[..],
                &r.content,
                &r.domain,
                r.retain_until.millis()
            ])?;
        }
        PrivateWrite::Envelope { root, commitments } => {
            let blob: Vec<u8> = commitments.iter().flatten().copied().collect();
            tx.prepare_cached("INSERT OR IGNORE INTO c_share_envelopes (root, commitments) VALUES (?1, ?2)")?
                .execute(params![root, blob])?;
        }
        PrivateWrite::Status { id, member, doc } => {
            tx.prepare_cached("INSERT OR REPLACE INTO c_share_status (id, member, doc) VALUES (?1, ?2, ?3)")?
                .execute(params![id, member, doc])?;
        }
        PrivateWrite::Erase(c) => {
            tx.prepare_cached("DELETE FROM c_records WHERE commitment = ?1")?.execute([c.as_str()])?;
        }
    }
    Ok(())
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredCommunity {
    id: String,
    title: String,
    public: bool,
    founder: MemberId,
    members: Vec<accord_core::acts::share::CommunityMember>,
    since: u64,
}

fn encode_community(c: &CommunityRecord) -> Result<String> {
    let CommunityRecord { id, title, public, founder, members, since } = c;
    let s = StoredCommunity {
        id: id.clone(),
        title: title.clone(),
        public: *public,
        founder: founder.clone(),
        members: members.clone(),
        since: since.0,
    };
    serde_json::to_string(&s).map_err(|e| StoreError::Encode(format!("community {id}: {e}")))
}

fn decode_community(doc: &str) -> Result<CommunityRecord> {
    let s: StoredCommunity =
        serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(format!("a stored community: {e}")))?;
    Ok(CommunityRecord {
        id: s.id,
        title: s.title,
        public: s.public,
        founder: s.founder,
        members: s.members,
        since: LogIndex(s.since),
    })
}

fn credential_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, String, u64, Option<u64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn to_credential(
    (id, member, salt, hash, since, revoked): (String, String, String, String, u64, Option<u64>),
) -> Result<CredentialRow> {
    Ok(CredentialRow {
        salt: unhex32(&salt, "a credential's salt")?,
        hash: unhex32(&hash, "a credential's hash")?,
        id,
        member,
        since,
        revoked,
    })
}

fn share_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ShareRow> {
    Ok(ShareRow {
        index: r.get(0)?,
        time: r.get(1)?,
        member: r.get(2)?,
        credential: r.get(3)?,
        collection: r.get(4)?,
        root: r.get(5)?,
        count: r.get(6)?,
    })
}

const SHARE_COLS: &str = "idx, time, member, credential, collection, root, count";

pub(crate) fn credential(c: &Connection, id: &str) -> Result<Option<CredentialRow>> {
    let row = c
        .prepare_cached("SELECT id, member, salt, hash, since, revoked FROM p_credentials WHERE id = ?1")?
        .query_row([id], credential_row)
        .optional()?;
    row.map(to_credential).transpose()
}

pub(crate) fn credentials_of(c: &Connection, member: &str) -> Result<Vec<CredentialRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, member, salt, hash, since, revoked FROM p_credentials WHERE member = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([member], credential_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(to_credential).collect()
}

pub(crate) fn communities(c: &Connection) -> Result<Vec<CommunityRecord>> {
    let mut st = c.prepare_cached("SELECT doc FROM p_communities ORDER BY id")?;
    let docs = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    docs.iter().map(|d| decode_community(d)).collect()
}

pub(crate) fn share(c: &Connection, index: u64) -> Result<Option<ShareRow>> {
    Ok(c.prepare_cached(&format!("SELECT {SHARE_COLS} FROM p_shares WHERE idx = ?1"))?
        .query_row([index], share_row)
        .optional()?)
}

pub(crate) fn shares_by_member(c: &Connection, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<ShareRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {SHARE_COLS} FROM p_shares WHERE member = ?1 AND idx < ?2 ORDER BY idx DESC LIMIT ?3"
    ))?;
    let before = before.unwrap_or(i64::MAX as u64);
    let rows = st.query_map(params![member, before, limit], share_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The SQL that a viewer may see a row `o` of `p_share_objects`: the TLP
/// rule, with `?V` the member (unused for the anonymous).
fn visible(alias: &str, viewer: Viewer<'_>) -> String {
    match viewer {
        Viewer::Anonymous => format!("{alias}.tlp = 0"),
        Viewer::Member(_) => format!(
            "({alias}.tlp <= 1 OR {alias}.member = :viewer OR EXISTS (SELECT 1 FROM p_share_recipients r \
             WHERE r.collection = {alias}.collection AND r.pos = {alias}.pos AND r.member = :viewer))"
        ),
    }
}

pub(crate) fn share_objects(c: &Connection, q: &ObjectQuery) -> Result<Vec<ObjectRow>> {
    let mut sql = String::from("SELECT o.pos, o.id, o.version, o.added, o.tlp, o.member, rv.member");
    if q.content {
        sql.push_str(
            ", c.salt, c.content, o.commitment FROM p_share_objects o JOIN c_records c ON c.commitment = o.commitment",
        );
    } else {
        sql.push_str(", NULL, NULL, NULL FROM p_share_objects o");
    }
    // The viewer's own line among the recipients, if it was named: one
    // lookup by primary key, which the TLP test and the node's recheck use.
    sql.push_str(match q.viewer {
        Viewer::Member(_) => {
            " LEFT JOIN p_share_recipients rv ON rv.collection = o.collection AND rv.pos = o.pos \
             AND rv.member = :viewer"
        }
        Viewer::Anonymous => " LEFT JOIN (SELECT NULL AS member) rv ON 0",
    });
    let mut named: Vec<(String, rusqlite::types::Value)> =
        vec![(":collection".into(), q.collection.to_string().into())];
    if let Viewer::Member(m) = q.viewer {
        named.push((":viewer".into(), m.to_string().into()));
    }
    sql.push_str(" WHERE o.collection = :collection AND ");
    sql.push_str(&match q.viewer {
        Viewer::Anonymous => "o.tlp = 0".to_string(),
        Viewer::Member(_) => "(o.tlp <= 1 OR o.member = :viewer OR rv.member IS NOT NULL)".to_string(),
    });
    if let Some(after) = q.after {
        sql.push_str(" AND o.pos > :after");
        named.push((":after".into(), (after as i64).into()));
    }
    if let Some(t) = q.added_after {
        sql.push_str(" AND o.added > :added_after");
        named.push((":added_after".into(), t.into()));
    }
    let list = |col: &str, values: &[String], named: &mut Vec<(String, rusqlite::types::Value)>| {
        if values.is_empty() {
            return String::new();
        }
        let names: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let n = format!(":{col}{i}");
                named.push((n.clone(), v.clone().into()));
                n
            })
            .collect();
        format!(" AND o.{col} IN ({})", names.join(", "))
    };
    let ids = list("id", q.ids, &mut named);
    sql.push_str(&ids);
    let types = list("type", q.types, &mut named);
    sql.push_str(&types);
    let v = &q.versions;
    if !v.all {
        // The latest (earliest) version the viewer may see: no visible
        // version after (before) it. An object of one version finds no
        // other row in the index and never evaluates the TLP test twice.
        let extreme = |cmp: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM p_share_objects o2 WHERE o2.collection = o.collection \
                 AND o2.id = o.id AND o2.vkey {cmp} o.vkey AND {})",
                visible("o2", q.viewer)
            )
        };
        let mut any: Vec<String> = Vec::new();
        if v.last || (!v.first && v.at.is_empty()) {
            any.push(extreme(">"));
        }
        if v.first {
            any.push(extreme("<"));
        }
        for (i, at) in v.at.iter().enumerate() {
            let n = format!(":at{i}");
            named.push((n.clone(), at.clone().into()));
            any.push(format!("o.vkey = {n}"));
        }
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    sql.push_str(" ORDER BY o.pos LIMIT :limit");
    named.push((":limit".into(), i64::from(q.limit).into()));
    let mut st = c.prepare_cached(&sql)?;
    let refs: Vec<(&str, &dyn rusqlite::ToSql)> =
        named.iter().map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql)).collect();
    let mut rows = st.query(refs.as_slice())?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let tlp: u8 = r.get(4)?;
        let tlp = rank_label(tlp)?;
        let recipients: Option<String> = r.get(6)?;
        let content = if q.content {
            let salt: Vec<u8> = r.get(7)?;
            let content: Vec<u8> = r.get(8)?;
            let commitment: String = r.get(9)?;
            let rec = crate::confidential::stored(&commitment, &salt, content, "threats".into(), 0)?;
            Some(rec.content)
        } else {
            None
        };
        out.push(ObjectRow {
            pos: r.get(0)?,
            id: r.get(1)?,
            version: r.get(2)?,
            added: r.get(3)?,
            tlp,
            member: r.get(5)?,
            recipients: recipients.into_iter().collect(),
            content,
        });
    }
    Ok(out)
}

fn rank_label(rank: u8) -> Result<TlpLabel> {
    use accord_stix::Tlp;
    Ok(TlpLabel(match rank {
        0 => Tlp::Clear,
        1 => Tlp::Green,
        2 => Tlp::Amber,
        3 => Tlp::AmberStrict,
        4 => Tlp::Red,
        other => return Err(StoreError::Corrupt(format!("a shared object's TLP rank is {other}"))),
    }))
}

pub(crate) fn share_object(
    c: &Connection,
    collection: &str,
    id: &str,
    vkey: &str,
) -> Result<Option<(ObjectRow, Option<String>)>> {
    let row = c
        .prepare_cached(
            "SELECT pos, version, added, tlp, member, commitment FROM p_share_objects
             WHERE collection = ?1 AND id = ?2 AND vkey = ?3",
        )?
        .query_row(params![collection, id, vkey], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, u8>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    let Some((pos, version, added, tlp, member, commitment)) = row else { return Ok(None) };
    let mut st =
        c.prepare_cached("SELECT member FROM p_share_recipients WHERE collection = ?1 AND pos = ?2 ORDER BY member")?;
    let recipients = st.query_map(params![collection, pos], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let row =
        ObjectRow { pos, id: id.to_string(), version, added, tlp: rank_label(tlp)?, member, recipients, content: None };
    Ok(Some((row, commitment)))
}

pub(crate) fn share_envelope(c: &Connection, root: &str) -> Result<Option<Vec<[u8; 32]>>> {
    let blob: Option<Vec<u8>> = c
        .prepare_cached("SELECT commitments FROM c_share_envelopes WHERE root = ?1")?
        .query_row([root], |r| r.get(0))
        .optional()?;
    let Some(blob) = blob else { return Ok(None) };
    if blob.len() % 32 != 0 {
        return Err(StoreError::Corrupt(format!("envelope {root}: its commitments are not 32-byte hashes")));
    }
    Ok(Some(blob.chunks_exact(32).map(|c| c.try_into().unwrap_or([0; 32])).collect()))
}

pub(crate) fn share_status(c: &Connection, id: &str) -> Result<Option<(String, String)>> {
    Ok(c.prepare_cached("SELECT member, doc FROM c_share_status WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub(crate) fn incident_counts(c: &Connection) -> Result<Vec<(String, String, u64)>> {
    let mut st = c.prepare_cached(
        "SELECT month, sector, COUNT(*) FROM p_incidents GROUP BY month, sector ORDER BY month, sector",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
