//! tlog-tiles paths, hash tiles and entry bundles.
//!
//! Paths are relative to the log prefix: `tile/<L>/<N>[.p/<W>]` for hash
//! tiles and `tile/entries/<N>[.p/<W>]` for entry bundles. `N` is written in
//! groups of three digits, all but the last prefixed with `x`
//! (1234067 → `x001/x234/067`).

use crate::merkle::TILE_WIDTH;
use std::fmt;
use thiserror::Error;

/// Highest hash-tile level a 64-bit tree can need.
pub const MAX_TILE_LEVEL: u8 = 7;
/// Largest entry an entry bundle can carry (two-byte length prefix).
pub const MAX_ENTRY_LEN: usize = 65535;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum TileError {
    #[error("bad tile path: {0}")]
    BadPath(&'static str),
    #[error("entry bundle is truncated")]
    Truncated,
    #[error("entry of {0} bytes does not fit a bundle (max 65535)")]
    EntryTooLarge(usize),
}

/// What a tile path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// Hash tile at tile level `L` (tree level `8·L`).
    Hash(u8),
    /// Entry bundle.
    Entries,
}

/// A parsed tile path: kind, tile index and width (256 for a full tile).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TilePath {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

impl TilePath {
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// Parses the part after `tile/`, e.g. `0/x001/234.p/7` or `entries/000`.
    pub fn parse(p: &str) -> Result<TilePath, TileError> {
        let (kind_s, rest) = p.split_once('/').ok_or(TileError::BadPath("missing level"))?;
        let kind = if kind_s == "entries" {
            TileKind::Entries
        } else {
            if kind_s.is_empty() || kind_s.len() > 1 || !kind_s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TileError::BadPath("level must be one decimal digit"));
            }
            let l: u8 = kind_s.parse().map_err(|_| TileError::BadPath("level"))?;
            if l > MAX_TILE_LEVEL {
                return Err(TileError::BadPath("level too high"));
            }
            TileKind::Hash(l)
        };
        let (n_s, width) = match rest.split_once(".p/") {
            Some((n, w)) => {
                if w.is_empty() || w.len() > 3 || w.starts_with('0') || !w.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(TileError::BadPath("partial width must be 1..255 without leading zeros"));
                }
                let w: u16 = w.parse().map_err(|_| TileError::BadPath("width"))?;
                if w == 0 || u64::from(w) >= TILE_WIDTH {
                    return Err(TileError::BadPath("partial width must be 1..255"));
                }
                (n, w)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let index = parse_index(n_s)?;
        Ok(TilePath { kind, index, width })
    }

    /// The path after `tile/`.
    pub fn to_path(&self) -> String {
        let kind = match self.kind {
            TileKind::Hash(l) => l.to_string(),
            TileKind::Entries => "entries".to_string(),
        };
        let mut s = format!("{kind}/{}", format_index(self.index));
        if !self.is_full() {
            s.push_str(&format!(".p/{}", self.width));
        }
        s
    }
}

impl fmt::Display for TilePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tile/{}", self.to_path())
    }
}

fn parse_index(s: &str) -> Result<u64, TileError> {
    let groups: Vec<&str> = s.split('/').collect();
    if groups.is_empty() || groups.len() > 7 {
        return Err(TileError::BadPath("tile index has the wrong number of groups"));
    }
    let mut n: u64 = 0;
    let last = groups.len() - 1;
    for (i, g) in groups.iter().enumerate() {
        let digits = if i < last {
            g.strip_prefix('x').ok_or(TileError::BadPath("inner index groups start with x"))?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TileError::BadPath("index groups are three digits"));
        }
        let v: u64 = digits.parse().map_err(|_| TileError::BadPath("index"))?;
        n = n.checked_mul(1000).and_then(|n| n.checked_add(v)).ok_or(TileError::BadPath("index out of range"))?;
    }
    // One encoding per number: no leading all-zero groups.
    if groups.len() > 1 && groups[0] == "x000" {
        return Err(TileError::BadPath("index has a leading zero group"));
    }
    Ok(n)
}

fn format_index(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// Encodes entries as a bundle: each prefixed by its big-endian u16 length.
pub fn encode_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, TileError> {
    let mut out = Vec::new();
    for e in entries {
        let len = u16::try_from(e.len()).map_err(|_| TileError::EntryTooLarge(e.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries.
pub fn decode_bundle(mut data: &[u8]) -> Result<Vec<&[u8]>, TileError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        if data.len() < 2 {
            return Err(TileError::Truncated);
        }
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        let rest = &data[2..];
        if rest.len() < len {
            return Err(TileError::Truncated);
        }
        out.push(&rest[..len]);
        data = &rest[len..];
    }
    Ok(out)
}

/// Every tile path (full or partial) that a tree of `size` publishes for
/// `kind`, in index order. Level `L` covers nodes at tree level `8·L`.
pub fn tiles_for_size(kind: TileKind, size: u64) -> Vec<TilePath> {
    let level = match kind {
        TileKind::Hash(l) => u32::from(l),
        TileKind::Entries => 0,
    };
    let nodes = size >> (8 * level);
    let full = nodes / TILE_WIDTH;
    let partial = nodes % TILE_WIDTH;
    let mut out: Vec<TilePath> = (0..full).map(|index| TilePath { kind, index, width: TILE_WIDTH as u16 }).collect();
    if partial > 0 {
        out.push(TilePath { kind, index: full, width: partial as u16 });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for (s, kind, index, width) in [
            ("0/000", TileKind::Hash(0), 0, 256),
            ("1/x001/234.p/7", TileKind::Hash(1), 1234, 7),
            ("entries/x001/x234/067", TileKind::Entries, 1_234_067, 256),
            ("entries/000.p/4", TileKind::Entries, 0, 4),
        ] {
            let p = TilePath::parse(s).unwrap();
            assert_eq!(p, TilePath { kind, index, width });
            assert_eq!(p.to_path(), s);
        }
    }

    #[test]
    fn bad_paths_are_refused() {
        for s in [
            "",
            "0",
            "0/",
            "0/00",
            "0/0000",
            "0/x000/001",
            "0/001/002",
            "8/000",
            "00/000",
            "entries/000.p/0",
            "entries/000.p/256",
            "entries/000.p/007",
            "a/000",
            "0/-01",
            "0/x999/x999/x999/x999/x999/x999/x999/999",
            "0/000.p/",
            "0/x18446744073709551/000",
        ] {
            assert!(TilePath::parse(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn bundles_round_trip() {
        let es: Vec<&[u8]> = vec![b"a", b"", b"hello"];
        let b = encode_bundle(es.iter().copied()).unwrap();
        assert_eq!(decode_bundle(&b).unwrap(), es);
        assert_eq!(decode_bundle(&b[..b.len() - 1]), Err(TileError::Truncated));
    }

    #[test]
    fn tiles_for_sizes() {
        assert!(tiles_for_size(TileKind::Hash(0), 0).is_empty());
        let t = tiles_for_size(TileKind::Hash(0), 513);
        assert_eq!(t.len(), 3);
        assert_eq!(t[2].width, 1);
        assert_eq!(tiles_for_size(TileKind::Hash(1), 513).len(), 1);
        assert_eq!(tiles_for_size(TileKind::Hash(1), 513)[0].width, 2);
    }
}
