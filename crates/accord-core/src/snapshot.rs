//! A snapshot of the folded state at a log index, as bytes.
//!
//! What it is: an explicit binary encoding of [`State`] (every field of
//! every sub-state, written by a destructuring `let`, so that a field added
//! to a state type does not compile until it is encoded), and its decoder.
//! A node keeps one beside its store and, at start, folds only the entries
//! after it. Acts, actions, articles and rules, which have a wire format
//! already, are carried as their canonical JSON, which the property tests
//! show to round-trip.
//!
//! ```text
//! file    = MAGIC ‖ u32 FORMAT ‖ str writer ‖ u64 size ‖ [32] root ‖ state ‖ [32] SHA-256 of all before it
//! integers are little-endian; str = u64 length ‖ UTF-8; a sequence = u64 count ‖ items
//! ```
//!
//! What it is not: a wire format between implementations, nor a source of
//! truth. The log is the truth; a snapshot is a cache of its fold. Any
//! doubt (checksum, format, writer, a root that is not the log's at that
//! size) means the caller folds the whole log instead, which always gives
//! the right state. [`FORMAT`] changes whenever the encoding does (a golden
//! test pins it); `writer` names the accord-core version, so that a
//! snapshot written by another version of the rules is never trusted.
//!
//! Each domain encodes its own sub-state beside its rules
//! (`decisions/snapshot.rs`, `code/snapshot.rs`); this file holds the
//! framing, the primitives and the body's part.

use crate::deadlines::{Deadline, DeadlineKind, Deadlines};
use crate::ids::{LogIndex, MemberId, Seq};
use crate::limits::{Bucket, RateBuckets};
use crate::names::Names;
use crate::state::{Actor, Body, State};
use crate::time::Timestamp;
use accord_log::{Hash, VerifierKey};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The first bytes of every snapshot file.
pub const MAGIC: &[u8; 16] = b"accord-snapshot\n";

/// The encoding's version: bumped with every change of what is written.
pub const FORMAT: u32 = 4;

/// Who wrote a snapshot: a snapshot of another version is not trusted.
pub const WRITER: &str = concat!("accord-core ", env!("CARGO_PKG_VERSION"));

/// Why a snapshot is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a snapshot (no magic)")]
    NotASnapshot,
    #[error("its checksum does not match: the file is damaged")]
    Checksum,
    #[error("format {0}, this version reads format {FORMAT}")]
    Format(u32),
    #[error("written by {0}, not by {WRITER}")]
    Writer(String),
    #[error("damaged at byte {at}: {what}")]
    Damaged { at: usize, what: String },
    #[error("the state has effects waiting for the next entry; snapshot it after that entry")]
    NotQuiet,
}

/// What a snapshot says about itself, before the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The number of entries folded into it.
    pub size: u64,
    /// The log's root at `size`: the snapshot is of this log and no other.
    pub root: Hash,
}

/// The snapshot of `state`, whose log has root `root` at `state.size()`.
/// Refused while effects wait for the next entry (they are not state
/// that a replay of the log would hold).
pub fn encode(state: &State, root: &Hash) -> Result<Vec<u8>, SnapshotError> {
    if state.has_pending_effects() {
        return Err(SnapshotError::NotQuiet);
    }
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.u32(FORMAT);
    w.str(WRITER);
    w.u64(state.size());
    w.0.extend_from_slice(&root.0);
    state.enc(&mut w);
    let sum = Sha256::digest(&w.0);
    w.0.extend_from_slice(&sum);
    Ok(w.0)
}

/// The header and state of a snapshot, checked whole: magic, checksum,
/// format, writer, every field, nothing left over. The state decides
/// exactly as the state that was encoded (its `effects_on` is the
/// default's: effects are reported).
pub fn decode(bytes: &[u8]) -> Result<(Header, State), SnapshotError> {
    if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    let (body, sum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != sum {
        return Err(SnapshotError::Checksum);
    }
    let mut r = Reader { bytes: body, at: MAGIC.len() };
    let Header { size, root } = read_header(&mut r)?;
    let state = State::dec(&mut r)?;
    if r.at != body.len() {
        return Err(r.bad("bytes after the state"));
    }
    if state.size() != size {
        return Err(r.bad(format!("the header says {size} entries, the state {}", state.size())));
    }
    Ok((Header { size, root }, state))
}

/// Reads only the header (after the checksum): what a caller checks
/// against the log before decoding the rest.
pub fn header(bytes: &[u8]) -> Result<Header, SnapshotError> {
    if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    read_header(&mut Reader { bytes: &bytes[..bytes.len() - 32], at: MAGIC.len() })
}

/// Format, writer, size and root, after the magic.
fn read_header(r: &mut Reader) -> Result<Header, SnapshotError> {
    let format = r.u32()?;
    if format != FORMAT {
        return Err(SnapshotError::Format(format));
    }
    let writer = r.str()?;
    if writer != WRITER {
        return Err(SnapshotError::Writer(writer));
    }
    Ok(Header { size: r.u64()?, root: Hash(r.array()?) })
}

// ---- primitives ----

pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    pub(crate) fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    /// A value with a serde wire format, as its JSON.
    pub(crate) fn json<T: serde::Serialize>(&mut self, v: &T) {
        // Every type written this way serialises without error (no map
        // with non-string keys, no failing serialize_with).
        let s = serde_json::to_string(v).unwrap_or_default();
        self.str(&s);
    }
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn bad(&self, what: impl Into<String>) -> SnapshotError {
        SnapshotError::Damaged { at: self.at, what: what.into() }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| self.bad("truncated"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], SnapshotError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn i64(&mut self) -> Result<i64, SnapshotError> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    pub(crate) fn u128(&mut self) -> Result<u128, SnapshotError> {
        Ok(u128::from_le_bytes(self.array()?))
    }
    pub(crate) fn bool(&mut self) -> Result<bool, SnapshotError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.bad(format!("{b} is not a boolean"))),
        }
    }
    /// A count of items, each at least one byte: never more than the
    /// bytes left, so a damaged count cannot ask for a huge allocation.
    pub(crate) fn len(&mut self) -> Result<usize, SnapshotError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err(self.bad(format!("a count of {n} with {left} bytes left")));
        }
        Ok(n as usize)
    }
    pub(crate) fn str(&mut self) -> Result<String, SnapshotError> {
        let n = self.len()?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| self.bad("a string that is not UTF-8"))
    }
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, SnapshotError> {
        let s = self.str()?;
        serde_json::from_str(&s).map_err(|e| self.bad(format!("{e}")))
    }
}

/// Written into a snapshot.
pub(crate) trait Enc {
    fn enc(&self, w: &mut Writer);
}

/// Read back from a snapshot.
pub(crate) trait Dec: Sized {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError>;
}

macro_rules! prim {
    ($t:ty, $f:ident) => {
        impl Enc for $t {
            fn enc(&self, w: &mut Writer) {
                w.$f(*self)
            }
        }
        impl Dec for $t {
            fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
                r.$f()
            }
        }
    };
}
prim!(u32, u32);
prim!(u64, u64);
prim!(i64, i64);
prim!(u128, u128);
prim!(bool, bool);

impl Enc for String {
    fn enc(&self, w: &mut Writer) {
        w.str(self)
    }
}
impl Dec for String {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        r.str()
    }
}

impl<T: Enc> Enc for Option<T> {
    fn enc(&self, w: &mut Writer) {
        match self {
            None => w.u8(0),
            Some(v) => {
                w.u8(1);
                v.enc(w)
            }
        }
    }
}
impl<T: Dec> Dec for Option<T> {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        match r.u8()? {
            0 => Ok(None),
            1 => Ok(Some(T::dec(r)?)),
            b => Err(r.bad(format!("option tag {b}"))),
        }
    }
}

impl<T: Enc> Enc for Vec<T> {
    fn enc(&self, w: &mut Writer) {
        w.len(self.len());
        self.iter().for_each(|v| v.enc(w));
    }
}
impl<T: Dec> Dec for Vec<T> {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let n = r.len()?;
        (0..n).map(|_| T::dec(r)).collect()
    }
}

impl<K: Enc, V: Enc> Enc for BTreeMap<K, V> {
    fn enc(&self, w: &mut Writer) {
        w.len(self.len());
        for (k, v) in self {
            k.enc(w);
            v.enc(w);
        }
    }
}
impl<K: Dec + Ord, V: Dec> Dec for BTreeMap<K, V> {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let n = r.len()?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = K::dec(r)?;
            let v = V::dec(r)?;
            if m.insert(k, v).is_some() {
                return Err(r.bad("a key twice in a map"));
            }
        }
        Ok(m)
    }
}

impl<T: Enc> Enc for BTreeSet<T> {
    fn enc(&self, w: &mut Writer) {
        w.len(self.len());
        self.iter().for_each(|v| v.enc(w));
    }
}
impl<T: Dec + Ord> Dec for BTreeSet<T> {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let n = r.len()?;
        let mut s = BTreeSet::new();
        for _ in 0..n {
            if !s.insert(T::dec(r)?) {
                return Err(r.bad("an item twice in a set"));
            }
        }
        Ok(s)
    }
}

impl<A: Enc, B: Enc> Enc for (A, B) {
    fn enc(&self, w: &mut Writer) {
        self.0.enc(w);
        self.1.enc(w);
    }
}
impl<A: Dec, B: Dec> Dec for (A, B) {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok((A::dec(r)?, B::dec(r)?))
    }
}

// ---- ids, times, names, keys ----

impl Enc for MemberId {
    fn enc(&self, w: &mut Writer) {
        w.str(self.as_str())
    }
}
impl Dec for MemberId {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let s = r.str()?;
        MemberId::parse(&s).ok_or_else(|| r.bad(format!("{s:?} is not a member id")))
    }
}

/// A newtype over an integer, as that integer.
macro_rules! newtype {
    ($t:ident, $f:ident) => {
        impl Enc for $t {
            fn enc(&self, w: &mut Writer) {
                w.$f(self.0)
            }
        }
        impl Dec for $t {
            fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
                Ok($t(r.$f()?))
            }
        }
    };
}
newtype!(Seq, u64);
newtype!(LogIndex, u64);
newtype!(Timestamp, i64);

impl Enc for crate::code::Lang {
    fn enc(&self, w: &mut Writer) {
        w.str(self.as_str())
    }
}
impl Dec for crate::code::Lang {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let s = r.str()?;
        crate::code::Lang::parse(&s).ok_or_else(|| r.bad(format!("{s:?} is not a language tag")))
    }
}

impl Enc for Names {
    fn enc(&self, w: &mut Writer) {
        w.json(self)
    }
}
impl Dec for Names {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        r.json()
    }
}

impl Enc for VerifierKey {
    fn enc(&self, w: &mut Writer) {
        w.str(&self.to_vkey())
    }
}
impl Dec for VerifierKey {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let s = r.str()?;
        VerifierKey::parse(&s).map_err(|e| r.bad(format!("a key: {e}")))
    }
}

// ---- the body's part of the state ----

impl Enc for State {
    fn enc(&self, w: &mut Writer) {
        let State {
            body,
            actors,
            size,
            last_time,
            rules,
            decisions,
            code,
            zone,
            witnesses,
            share,
            deadlines,
            // Empty: `encode` refuses a state whose effects wait.
            pending: _,
            clock_floor,
            // How the reader wants the fold, not state.
            effects_on: _,
        } = self;
        body.enc(w);
        actors.enc(w);
        size.enc(w);
        last_time.enc(w);
        w.json(rules);
        decisions.enc(w);
        code.enc(w);
        zone.enc(w);
        witnesses.enc(w);
        share.enc(w);
        deadlines.enc(w);
        clock_floor.enc(w);
    }
}
impl Dec for State {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let body = Option::<Body>::dec(r)?;
        let actors = BTreeMap::<MemberId, Actor>::dec(r)?;
        if actors.iter().any(|(id, a)| *id != a.id) {
            return Err(r.bad("an actor filed under another id"));
        }
        Ok(State {
            body,
            actors,
            size: r.u64()?,
            last_time: Timestamp::dec(r)?,
            rules: r.json()?,
            decisions: Dec::dec(r)?,
            code: Dec::dec(r)?,
            zone: Dec::dec(r)?,
            witnesses: Dec::dec(r)?,
            share: Dec::dec(r)?,
            deadlines: Dec::dec(r)?,
            pending: Vec::new(),
            clock_floor: Timestamp::dec(r)?,
            effects_on: true,
        })
    }
}

impl Enc for Body {
    fn enc(&self, w: &mut Writer) {
        let Body { name, names, origin, log_key } = self;
        name.enc(w);
        names.enc(w);
        origin.enc(w);
        log_key.enc(w);
    }
}
impl Dec for Body {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Body { name: r.str()?, names: Names::dec(r)?, origin: r.str()?, log_key: VerifierKey::dec(r)? })
    }
}

impl Enc for Actor {
    fn enc(&self, w: &mut Writer) {
        let Actor { id, name, names, key, last_seq, since, suspended, rate } = self;
        id.enc(w);
        name.enc(w);
        names.enc(w);
        key.as_ref().enc(w);
        last_seq.enc(w);
        since.enc(w);
        suspended.enc(w);
        rate.enc(w);
    }
}
impl Dec for Actor {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Actor {
            id: MemberId::dec(r)?,
            name: r.str()?,
            names: Names::dec(r)?,
            key: Arc::new(VerifierKey::dec(r)?),
            last_seq: Seq::dec(r)?,
            since: LogIndex::dec(r)?,
            suspended: r.bool()?,
            rate: RateBuckets::dec(r)?,
        })
    }
}

impl Enc for RateBuckets {
    fn enc(&self, w: &mut Writer) {
        let RateBuckets { statements, bytes } = self;
        statements.enc(w);
        bytes.enc(w);
    }
}
impl Dec for RateBuckets {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(RateBuckets { statements: Bucket::dec(r)?, bytes: Bucket::dec(r)? })
    }
}

impl Enc for Bucket {
    fn enc(&self, w: &mut Writer) {
        let Bucket { level, at } = self;
        level.enc(w);
        at.enc(w);
    }
}
impl Dec for Bucket {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Bucket { level: Dec::dec(r)?, at: r.i64()? })
    }
}

impl Enc for Deadlines {
    fn enc(&self, w: &mut Writer) {
        self.0.enc(w)
    }
}
impl Dec for Deadlines {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Deadlines(BTreeSet::dec(r)?))
    }
}

impl Enc for Deadline {
    fn enc(&self, w: &mut Writer) {
        let Deadline { time, index, kind } = self;
        time.enc(w);
        index.enc(w);
        match kind {
            DeadlineKind::Ballot(id) => {
                w.u8(0);
                id.enc(w)
            }
            DeadlineKind::ZoneResign => w.u8(1),
        }
    }
}
impl Dec for Deadline {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let time = Timestamp::dec(r)?;
        let index = LogIndex::dec(r)?;
        let kind = match r.u8()? {
            0 => DeadlineKind::Ballot(r.str()?),
            1 => DeadlineKind::ZoneResign,
            b => return Err(r.bad(format!("deadline kind {b}"))),
        };
        Ok(Deadline { time, index, kind })
    }
}
