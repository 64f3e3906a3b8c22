//! C2SP tlog-proof: a self-contained inclusion proof with its checkpoint.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! [extra <base64>]
//! index <N>
//! <base64 hash>…
//!
//! <signed checkpoint note>
//! ```

use crate::hash::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use thiserror::Error;

pub const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TlogProofError {
    #[error("malformed tlog-proof: {0}")]
    Malformed(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub hashes: Vec<Hash>,
    /// The signed checkpoint note, byte for byte.
    pub checkpoint: String,
}

impl TlogProof {
    pub fn to_text(&self) -> String {
        let mut s = format!("{PROOF_HEADER}\n");
        if let Some(e) = &self.extra {
            s.push_str(&format!("extra {}\n", B64.encode(e)));
        }
        s.push_str(&format!("index {}\n", self.index));
        for h in &self.hashes {
            s.push_str(&h.to_base64());
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.checkpoint);
        s
    }

    pub fn parse(text: &str) -> Result<TlogProof, TlogProofError> {
        let m = TlogProofError::Malformed;
        let (head, checkpoint) = text.split_once("\n\n").ok_or(m("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(PROOF_HEADER) {
            return Err(m("wrong header line"));
        }
        let mut line = lines.next().ok_or(m("no index line"))?;
        let mut extra = None;
        if let Some(e) = line.strip_prefix("extra ") {
            extra = Some(B64.decode(e).map_err(|_| m("extra is not base64"))?);
            line = lines.next().ok_or(m("no index line"))?;
        }
        let index = line.strip_prefix("index ").and_then(|n| n.parse::<u64>().ok()).ok_or(m("bad index line"))?;
        let hashes = lines.map(|l| Hash::from_base64(l).ok_or(m("bad hash line"))).collect::<Result<Vec<_>, _>>()?;
        Ok(TlogProof { extra, index, hashes, checkpoint: checkpoint.to_string() })
    }
}
