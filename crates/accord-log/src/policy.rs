//! C2SP tlog-policy: which logs, which witnesses, and the quorum of
//! cosignatures a checkpoint needs to be trusted.
//!
//! ```text
//! log <vkey> [<url>]
//! witness <name> <vkey> [<url>]
//! group <name> all|any|<k> <name>...
//! quorum <name>|none
//! ```
//!
//! [`Policy::parse`] holds the spec's rules (names defined before use,
//! each name at most once in a group, `1 <= k <= n`, no duplicate keys,
//! exactly one quorum line, only tab, newline and printable octets) and
//! [`Policy::to_text`] writes the one form Accord serves.
//! [`Policy::verify`] tells which witnesses validly cosigned a checkpoint
//! and whether they make the quorum.

use crate::cosignature::CosignerKey;
use crate::note::{Note, VerifierKey};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Limits a policy is held to (the spec recommends supporting at least
/// 32 of each; a body of states may have up to 193 witnesses).
pub const MAX_LOGS: usize = 32;
pub const MAX_WITNESSES: usize = 256;
pub const MAX_GROUPS: usize = 64;
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
#[error("tlog-policy line {line}: {why}")]
pub struct PolicyError {
    pub line: usize,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    pub key: VerifierKey,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    pub name: String,
    pub key: CosignerKey,
    pub url: Option<String>,
}

/// How many of a group's members must have witnessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    All,
    Any,
    AtLeast(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyGroup {
    pub name: String,
    pub threshold: Threshold,
    pub members: Vec<String>,
}

impl PolicyGroup {
    /// k, for this group's n members.
    pub fn needed(&self) -> usize {
        match self.threshold {
            Threshold::All => self.members.len(),
            Threshold::Any => 1,
            Threshold::AtLeast(k) => k,
        }
    }
}

/// A whole policy. `quorum` is `None` for `quorum none`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Policy {
    pub logs: Vec<PolicyLog>,
    pub witnesses: Vec<PolicyWitness>,
    pub groups: Vec<PolicyGroup>,
    pub quorum: Option<String>,
}

/// Which witnesses cosigned a checkpoint, and whether that is a quorum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Witness names with a valid cosignature, and its timestamp.
    pub cosigned: BTreeMap<String, u64>,
    /// Witness names whose line was there but did not verify.
    pub bad: BTreeSet<String>,
    pub quorum: bool,
}

fn token_ok(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b > 0x20 && b != 0x7f)
}

impl Policy {
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let url = |u: &Option<String>| u.as_ref().map(|u| format!(" {u}")).unwrap_or_default();
        for l in &self.logs {
            s.push_str(&format!("log {}{}\n", l.key.to_vkey(), url(&l.url)));
        }
        for w in &self.witnesses {
            s.push_str(&format!("witness {} {}{}\n", w.name, w.key.to_vkey(), url(&w.url)));
        }
        for g in &self.groups {
            let t = match g.threshold {
                Threshold::All => "all".to_string(),
                Threshold::Any => "any".to_string(),
                Threshold::AtLeast(k) => k.to_string(),
            };
            s.push_str(&format!("group {} {} {}\n", g.name, t, g.members.join(" ")));
        }
        s.push_str(&format!("quorum {}\n", self.quorum.as_deref().unwrap_or("none")));
        s
    }

    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let err = |line: usize, why: String| PolicyError { line, why };
        if text.len() > MAX_POLICY_BYTES {
            return Err(err(0, format!("larger than {MAX_POLICY_BYTES} bytes")));
        }
        if let Some(b) = text.bytes().find(|&b| b != b'\t' && b != b'\n' && (b < 0x20 || b == 0x7f)) {
            return Err(err(0, format!("control character 0x{b:02x}")));
        }
        let mut p = Policy::default();
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut quorum_seen = false;
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            let line = raw.trim_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split([' ', '\t']).filter(|t| !t.is_empty()).collect();
            match f[0] {
                "log" => {
                    if !(2..=3).contains(&f.len()) {
                        return Err(err(n, "expected `log <vkey> [<url>]`".into()));
                    }
                    let key = VerifierKey::parse(f[1]).map_err(|e| err(n, e.to_string()))?;
                    if p.logs.iter().any(|l| l.key.key() == key.key()) {
                        return Err(err(n, "duplicate log key".into()));
                    }
                    if p.logs.len() == MAX_LOGS {
                        return Err(err(n, format!("more than {MAX_LOGS} logs")));
                    }
                    p.logs.push(PolicyLog { key, url: f.get(2).map(|u| u.to_string()) });
                }
                "witness" => {
                    if !(3..=4).contains(&f.len()) {
                        return Err(err(n, "expected `witness <name> <vkey> [<url>]`".into()));
                    }
                    let key = CosignerKey::parse(f[2]).map_err(|e| err(n, e.to_string()))?;
                    if p.witnesses.iter().any(|w| w.key.public() == key.public()) {
                        return Err(err(n, "duplicate witness key".into()));
                    }
                    define(&mut names, f[1]).map_err(|why| err(n, why))?;
                    if p.witnesses.len() == MAX_WITNESSES {
                        return Err(err(n, format!("more than {MAX_WITNESSES} witnesses")));
                    }
                    p.witnesses.push(PolicyWitness {
                        name: f[1].to_string(),
                        key,
                        url: f.get(3).map(|u| u.to_string()),
                    });
                }
                "group" => {
                    if f.len() < 4 {
                        return Err(err(n, "expected `group <name> all|any|<k> <name>...`".into()));
                    }
                    let members: Vec<String> = f[3..].iter().map(|m| m.to_string()).collect();
                    let mut seen = BTreeSet::new();
                    for m in &members {
                        if m == "none" || !names.contains(m) {
                            return Err(err(n, format!("group member {m:?} is not defined on an earlier line")));
                        }
                        if !seen.insert(m) {
                            return Err(err(n, format!("{m:?} is listed twice")));
                        }
                    }
                    let threshold = match f[2] {
                        "all" => Threshold::All,
                        "any" => Threshold::Any,
                        k => {
                            let k = crate::witness::parse_size(k)
                                .and_then(|k| usize::try_from(k).ok())
                                .filter(|k| (1..=members.len()).contains(k))
                                .ok_or_else(|| {
                                    err(n, format!("threshold {k:?} is not all, any or 1 to {}", members.len()))
                                })?;
                            Threshold::AtLeast(k)
                        }
                    };
                    define(&mut names, f[1]).map_err(|why| err(n, why))?;
                    if p.groups.len() == MAX_GROUPS {
                        return Err(err(n, format!("more than {MAX_GROUPS} groups")));
                    }
                    p.groups.push(PolicyGroup { name: f[1].to_string(), threshold, members });
                }
                "quorum" => {
                    if f.len() != 2 {
                        return Err(err(n, "expected `quorum <name>`".into()));
                    }
                    if quorum_seen {
                        return Err(err(n, "a second quorum line".into()));
                    }
                    quorum_seen = true;
                    if f[1] != "none" && !names.contains(f[1]) {
                        return Err(err(n, format!("quorum {:?} is not defined on an earlier line", f[1])));
                    }
                    p.quorum = (f[1] != "none").then(|| f[1].to_string());
                }
                other => {
                    return Err(err(n, format!("unknown keyword {:?}", other.chars().take(40).collect::<String>())))
                }
            }
        }
        if !quorum_seen {
            return Err(err(0, "no quorum line".into()));
        }
        Ok(p)
    }

    /// Is the quorum met when exactly `witnessed` (witness names) cosigned?
    pub fn satisfied(&self, witnessed: &BTreeSet<String>) -> bool {
        let Some(q) = &self.quorum else { return true };
        let mut met: BTreeMap<&str, bool> = BTreeMap::new();
        for w in &self.witnesses {
            met.insert(&w.name, witnessed.contains(&w.name));
        }
        // Groups only name earlier definitions, so one pass in order does.
        for g in &self.groups {
            let count = g.members.iter().filter(|m| met.get(m.as_str()).copied().unwrap_or(false)).count();
            met.insert(&g.name, count >= g.needed());
        }
        met.get(q.as_str()).copied().unwrap_or(false)
    }

    /// Checks a signed checkpoint's cosignatures against the policy's
    /// witnesses (lines by keys it does not list are ignored) and says
    /// whether they make the quorum. The log's own signature is not
    /// checked here.
    pub fn verify(&self, note: &Note) -> Verdict {
        let mut cosigned = BTreeMap::new();
        let mut bad = BTreeSet::new();
        for w in &self.witnesses {
            for s in note.signatures.iter().filter(|s| w.key.names(s)) {
                match w.key.verify(note.text(), s) {
                    Ok(t) => {
                        cosigned.insert(w.name.clone(), t);
                    }
                    Err(_) => {
                        bad.insert(w.name.clone());
                    }
                }
            }
        }
        let names: BTreeSet<String> = cosigned.keys().cloned().collect();
        Verdict { quorum: self.satisfied(&names), cosigned, bad }
    }
}

fn define(names: &mut BTreeSet<String>, name: &str) -> Result<(), String> {
    if !token_ok(name) || name == "none" {
        return Err(format!("{name:?} cannot be a name"));
    }
    if !names.insert(name.to_string()) {
        return Err(format!("{name:?} is defined twice"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::Cosigner;
    use crate::note::Signer;
    use ed25519_dalek::SigningKey;

    fn w(i: u8) -> Cosigner {
        Cosigner::new(&format!("w{i}.example"), SigningKey::from_bytes(&[i; 32])).unwrap()
    }

    fn policy() -> (Policy, Vec<Cosigner>) {
        let ws: Vec<Cosigner> = (1..=6).map(w).collect();
        let log = Signer::new("example.org/log", SigningKey::from_bytes(&[42; 32])).unwrap();
        let mut t = format!("# a comment\nlog {} https://example.org/\n\n", log.verifier().to_vkey());
        for (i, c) in ws.iter().enumerate() {
            t.push_str(&format!("  witness\tX{i} {}\n", c.key().to_vkey()));
        }
        t.push_str("group A 2 X0 X1 X2\ngroup B any X3 X4 X5\ngroup AB all A B\nquorum AB\n");
        (Policy::parse(&t).unwrap(), ws)
    }

    #[test]
    fn nested_groups_decide_as_the_spec_says() {
        let (p, _) = policy();
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert!(p.satisfied(&set(&["X0", "X1", "X3"])));
        assert!(!p.satisfied(&set(&["X0", "X3", "X4"])));
        assert!(!p.satisfied(&set(&["X0", "X1", "X2"])));
        assert_eq!(Policy::parse(&p.to_text()).unwrap(), p);
    }

    #[test]
    fn verify_counts_only_valid_cosignatures_of_listed_witnesses() {
        let (p, ws) = policy();
        let log = Signer::new("example.org/log", SigningKey::from_bytes(&[42; 32])).unwrap();
        let mut note = log.sign_note("example.org/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").unwrap();
        for c in [&ws[0], &ws[1], &ws[3]] {
            note.signatures.push(c.cosign(note.text(), 1000));
        }
        assert!(p.verify(&note).quorum);
        // A bad line from X1 is not a cosignature: A falls to one of three.
        note.signatures[2].signature[20] ^= 1;
        let v = p.verify(&note);
        assert!(!v.quorum);
        assert!(v.bad.contains("X1"));
        assert_eq!(v.cosigned.keys().cloned().collect::<Vec<_>>(), vec!["X0".to_string(), "X3".to_string()]);
    }

    #[test]
    fn malformed_policies_are_refused_with_the_line() {
        let c = w(1).key().to_vkey();
        for (text, line) in [
            (format!("witness a {c}\nwitness b {c}\nquorum a\n"), 2),
            (format!("witness a {c}\ngroup g 2 a\nquorum g\n"), 2),
            (format!("witness a {c}\ngroup g any a a\nquorum g\n"), 2),
            (format!("group g any a\nwitness a {c}\nquorum g\n"), 1),
            (format!("witness a {c}\nquorum a\nquorum a\n"), 3),
            (format!("witness a {c}\n"), 0),
            (format!("witness none {c}\nquorum none\n"), 1),
            ("quorum x\n".to_string(), 1),
            (format!("witness a {c}\x01\nquorum a\n"), 0),
        ] {
            assert_eq!(Policy::parse(&text).map_err(|e| e.line), Err(line), "{text}");
        }
        assert_eq!(Policy::parse("quorum none\n").unwrap().quorum, None);
    }
}
