//! `accord keygen`: a member's key file.

use crate::files::write_key;
use accord_core::{KeyFile, MemberId};
use anyhow::{anyhow, Result};
use ed25519_dalek::SigningKey;
use std::path::Path;

pub fn new_key(name: &str) -> Result<KeyFile> {
    let key = SigningKey::generate(&mut rand_core::OsRng);
    Ok(KeyFile::new(name, key)?)
}

pub fn run(origin: &str, member: &str, out: &Path) -> Result<()> {
    let id = MemberId::parse(member)
        .ok_or_else(|| anyhow!("{member:?} is not a member id (upper-case letters and digits, e.g. FRA)"))?;
    let key = new_key(&id.key_name(origin))?;
    write_key(out, &key)?;
    println!("{}", key.signer.verifier().to_vkey());
    Ok(())
}
