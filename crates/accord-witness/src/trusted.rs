//! The logs a witness trusts: `log <vkey> [<url>]` lines, tlog-policy's
//! syntax for a log. A log is its origin, the name of its keys; an origin
//! may have several keys (a key rotation: checkpoints signed by any of
//! them are accepted).
//!
//! ```text
//! # comments and blank lines are ignored
//! log example.org/log+1a2b3c4d+AQ… https://example.org/log/
//! witness w1 w1.example+…            (other tlog-policy lines: ignored)
//! ```
//!
//! Refused, with the line's number: a malformed or weak vkey, a key named
//! twice, an unknown keyword, more than [`MAX_ORIGINS`] origins or
//! [`MAX_KEYS_PER_ORIGIN`] keys for one, a file over [`MAX_CONFIG_BYTES`].

use accord_log::note::VerifierKey;
use std::collections::BTreeMap;
use thiserror::Error;

/// Origins a witness tracks at most: every origin it stores state for is
/// one of these, so this bounds its table too.
pub const MAX_ORIGINS: usize = 1024;
/// Keys one origin may have at once (rotations overlap briefly).
pub const MAX_KEYS_PER_ORIGIN: usize = 16;
/// Largest trusted-logs file read.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;
/// Largest URL kept on a `log` line.
pub const MAX_URL_BYTES: usize = 2048;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("trusted logs, line {line}: {why}")]
pub struct ConfigError {
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub why: String,
}

/// One trusted log key, with the URL its line gave (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedLog {
    pub key: VerifierKey,
    pub url: Option<String>,
}

/// The trusted logs, by origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedLogs {
    by_origin: BTreeMap<String, Vec<VerifierKey>>,
    lines: Vec<TrustedLog>,
}

impl TrustedLogs {
    pub fn parse(text: &str) -> Result<TrustedLogs, ConfigError> {
        let err = |line: usize, why: String| ConfigError { line, why };
        if text.len() > MAX_CONFIG_BYTES {
            return Err(err(0, format!("larger than {MAX_CONFIG_BYTES} bytes")));
        }
        let mut out = TrustedLogs::default();
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            let line = raw.trim_matches([' ', '\t', '\r']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split([' ', '\t']).filter(|t| !t.is_empty()).collect();
            match fields.as_slice() {
                ["log", vkey] => out.add(n, vkey, None)?,
                ["log", vkey, url] => out.add(n, vkey, Some(url))?,
                ["log", ..] => return Err(err(n, "expected `log <vkey> [<url>]`".into())),
                ["witness" | "group" | "quorum", ..] => {}
                [other, ..] => {
                    let word: String = other.chars().take(40).collect();
                    return Err(err(n, format!("unknown keyword {word:?} (expected log, witness, group or quorum)")));
                }
                [] => {}
            }
        }
        Ok(out)
    }

    fn add(&mut self, n: usize, vkey: &str, url: Option<&str>) -> Result<(), ConfigError> {
        let err = |why: String| ConfigError { line: n, why };
        let key = VerifierKey::parse(vkey).map_err(|e| err(e.to_string()))?;
        if let Some(u) = url {
            if u.len() > MAX_URL_BYTES {
                return Err(err(format!("URL longer than {MAX_URL_BYTES} bytes")));
            }
        }
        if self.lines.iter().any(|l| l.key.name() == key.name() && l.key.id() == key.id()) {
            return Err(err(format!("key {} is listed twice", key.to_vkey())));
        }
        let origins = self.by_origin.len();
        let keys = self.by_origin.entry(key.name().to_string()).or_default();
        if keys.is_empty() && origins == MAX_ORIGINS {
            return Err(err(format!("more than {MAX_ORIGINS} origins")));
        }
        if keys.len() == MAX_KEYS_PER_ORIGIN {
            return Err(err(format!("more than {MAX_KEYS_PER_ORIGIN} keys for origin {}", key.name())));
        }
        keys.push(key.clone());
        self.lines.push(TrustedLog { key, url: url.map(str::to_string) });
        Ok(())
    }

    /// The keys trusted for `origin`; `None` if it is not a trusted log.
    pub fn keys(&self, origin: &str) -> Option<&[VerifierKey]> {
        self.by_origin.get(origin).map(Vec::as_slice)
    }

    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.by_origin.keys().map(String::as_str)
    }

    pub fn logs(&self) -> &[TrustedLog] {
        &self.lines
    }

    pub fn len(&self) -> usize {
        self.by_origin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_origin.is_empty()
    }

    /// Do both trust exactly the same keys (URLs aside)?
    pub fn same_keys(&self, other: &TrustedLogs) -> bool {
        let keys = |t: &TrustedLogs| {
            let mut v: Vec<String> = t.lines.iter().map(|l| l.key.to_vkey()).collect();
            v.sort();
            v
        };
        keys(self) == keys(other)
    }

    /// The `log` lines, one per key, in the order read.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str("log ");
            s.push_str(&l.key.to_vkey());
            if let Some(u) = &l.url {
                s.push(' ');
                s.push_str(u);
            }
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_log::Signer;
    use ed25519_dalek::SigningKey;

    fn vkey(name: &str, seed: u8) -> String {
        Signer::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap().verifier().to_vkey()
    }

    #[test]
    fn log_lines_are_read_and_the_rest_of_a_policy_ignored() {
        let text = format!(
            "# trusted\n\nlog {} https://a.example/log/\n  log\t{}\nwitness w1 x\ngroup g any w1\nquorum g\nlog {}\n",
            vkey("a.example/log", 1),
            vkey("a.example/log", 2),
            vkey("b.example/log", 3)
        );
        let t = TrustedLogs::parse(&text).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.keys("a.example/log").unwrap().len(), 2);
        assert_eq!(t.keys("b.example/log").unwrap().len(), 1);
        assert!(t.keys("c.example/log").is_none());
        assert_eq!(t.logs()[0].url.as_deref(), Some("https://a.example/log/"));
        let again = TrustedLogs::parse(&t.to_text()).unwrap();
        assert_eq!(again, t);
        assert!(again.same_keys(&t));
        assert!(!again.same_keys(&TrustedLogs::parse(&format!("log {}\n", vkey("a.example/log", 1))).unwrap()));
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let a = vkey("a.example/log", 1);
        let cases = [
            (format!("\nlog {a}\nlog {a}\n"), 3),
            ("log nonsense\n".to_string(), 1),
            (format!("# x\nlog {a} url extra\n"), 2),
            ("\n\nlgo x\n".to_string(), 3),
            (format!("log {a} {}\n", "u".repeat(MAX_URL_BYTES + 1)), 1),
            // A key of type 0x04 (a cosigner's) is not a log key.
            (
                format!(
                    "log {}\n",
                    accord_log::cosignature::Cosigner::new("w", SigningKey::from_bytes(&[5; 32])).unwrap().key()
                ),
                1,
            ),
        ];
        for (text, line) in cases {
            let e = TrustedLogs::parse(&text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
        assert_eq!(TrustedLogs::parse(&"#".repeat(MAX_CONFIG_BYTES + 1)).unwrap_err().line, 0);
    }

    #[test]
    fn the_bounds_hold() {
        let mut text = String::new();
        for i in 0..=MAX_KEYS_PER_ORIGIN {
            text.push_str(&format!("log {}\n", vkey("a.example/log", i as u8 + 1)));
        }
        assert_eq!(TrustedLogs::parse(&text).unwrap_err().line, MAX_KEYS_PER_ORIGIN + 1);
        let mut text = String::new();
        let key = Signer::new("x", SigningKey::from_bytes(&[9; 32])).unwrap();
        let public = key.verifier().key().as_bytes();
        for i in 0..=MAX_ORIGINS {
            text.push_str(&format!("log {}\n", VerifierKey::new(&format!("o{i}.example/log"), public).unwrap()));
        }
        assert_eq!(TrustedLogs::parse(&text).unwrap_err().line, MAX_ORIGINS + 1);
    }
}
