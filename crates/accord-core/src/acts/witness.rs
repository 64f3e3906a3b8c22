//! Acts of witnesses (`crate::witness`): a member registers the witness it
//! runs, or retires it.

use crate::witness::MAX_URL;
use accord_log::cosignature::CosignerKey;
use serde::{Deserialize, Serialize};

/// `witness.register`: the member runs a C2SP tlog-witness at `url` (its
/// submission prefix: the node posts to `<url>/add-checkpoint`) that
/// cosigns with `vkey` (a `cosignature/v1` vkey, signature type 0x04). A
/// member has one witness; registering again replaces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessRegister {
    pub url: String,
    pub vkey: String,
}

impl WitnessRegister {
    pub(crate) fn validate(&self) -> Result<(), String> {
        witness_url(&self.url)?;
        let key = self.key()?;
        let name = key.name();
        if name.len() > MAX_KEY_NAME || !name.bytes().all(|b| (0x21..0x7f).contains(&b)) {
            return Err(format!(
                "vkey: the witness's name must be 1 to {MAX_KEY_NAME} printable ASCII characters (it appears on \
                 every checkpoint it cosigns and in the policy, which other verifiers read)"
            ));
        }
        Ok(())
    }

    /// The witness's key; weak keys are refused, as everywhere.
    pub fn key(&self) -> Result<CosignerKey, String> {
        CosignerKey::parse(&self.vkey).map_err(|e| format!("vkey: {e}"))
    }
}

/// Longest witness key name.
pub const MAX_KEY_NAME: usize = 128;

/// An absolute `http://` or `https://` URL of at most [`MAX_URL`]
/// printable ASCII characters, with a host, and no query or fragment.
pub fn witness_url(url: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("url {why}"));
    if url.len() > MAX_URL {
        return bad(&format!("is longer than {MAX_URL} characters"));
    }
    if !url.bytes().all(|b| (0x21..0x7f).contains(&b)) || url.contains('\\') {
        return bad("must be printable ASCII with no spaces and no backslash");
    }
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return bad("must start with https:// or http://");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return bad("must name a host (and no user)");
    }
    if url.contains(['?', '#']) {
        return bad("must have no query or fragment");
    }
    if url.ends_with('/') {
        return bad("must not end with / (it is a prefix: the node adds /add-checkpoint)");
    }
    Ok(())
}

/// `witness.retire`: the member no longer runs a witness. Its body is empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessRetire {}

impl WitnessRetire {
    pub(crate) fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_held_to_one_form() {
        for ok in ["https://witness.example.org", "http://127.0.0.1:7001", "https://w.example/accord/v1"] {
            assert_eq!(witness_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ftp://w.example",
            "https://",
            "https://w.example/",
            "https://w.example/a b",
            "https://user@w.example",
            "https://w.example/?x=1",
            "https://w.example/#f",
            "http://10.0.0.1\\x.attacker.example",
            "witness.example",
        ] {
            assert!(witness_url(bad).is_err(), "{bad}");
        }
        assert!(witness_url(&format!("https://w.example/{}", "a".repeat(MAX_URL))).is_err());
    }
}
