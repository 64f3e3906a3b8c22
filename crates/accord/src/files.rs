//! Files of a data directory and key files on disk.

use accord_core::KeyFile;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub fn db_url(data: &Path, database: Option<&str>) -> String {
    match database {
        Some(u) => u.to_string(),
        None => format!("sqlite://{}", data.join("accord.db").display()),
    }
}

/// Where `accord serve` keeps the snapshot of its state that makes a
/// start fast (a cache of the log's fold; deleting it costs one full
/// replay, nothing else).
pub fn snapshot_path(data: &Path) -> std::path::PathBuf {
    data.join("state.snapshot")
}

/// The exclusive lock a process holds on a data directory for as long as
/// it writes to it (`serve`, `demo`, `rebuild`, `witness`): two of them on one log
/// would each sign its own history (and two witnesses on one state
/// would each cosign from it). Released when dropped, or when the
/// process ends in any way (it is an OS file lock, `flock`).
pub struct DataLock {
    _file: std::fs::File,
}

/// Takes the data directory's lock, or says who holds it.
pub fn lock_data(data: &Path) -> Result<DataLock> {
    let path = data.join("accord.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(DataLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another accord process (serve, demo, rebuild or witness) is using {}; stop it first (lock: {})",
            data.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

pub fn keys_dir(data: &Path) -> PathBuf {
    data.join("keys")
}

pub fn log_key_path(data: &Path) -> PathBuf {
    keys_dir(data).join("log.key")
}

pub fn secretariat_key_path(data: &Path) -> PathBuf {
    keys_dir(data).join("secretariat.key")
}

/// The root zone's key-signing and zone-signing keys (Ed25519, PKCS#8 PEM).
pub fn zone_key_paths(data: &Path) -> (PathBuf, PathBuf) {
    (keys_dir(data).join("zone-ksk.pem"), keys_dir(data).join("zone-zsk.pem"))
}

/// The zone's keys, if both files are there.
pub fn read_zone_keys(data: &Path) -> Result<Option<(ed25519_dalek::SigningKey, ed25519_dalek::SigningKey)>> {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    let (ksk, zsk) = zone_key_paths(data);
    if !ksk.exists() || !zsk.exists() {
        return Ok(None);
    }
    let read = |p: &Path| -> Result<ed25519_dalek::SigningKey> {
        let pem = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        if std::fs::metadata(p)?.permissions().mode() & 0o077 != 0 {
            tracing::warn!("key file {} is readable by others; chmod 600 it", p.display());
        }
        ed25519_dalek::SigningKey::from_pkcs8_pem(&pem)
            .map_err(|e| anyhow::anyhow!("{} is not an Ed25519 PKCS#8 key: {e}", p.display()))
    };
    Ok(Some((read(&ksk)?, read(&zsk)?)))
}

/// The zone's keys: read, or made now (mode 0600) if neither file exists.
pub fn zone_keys(data: &Path) -> Result<(ed25519_dalek::SigningKey, ed25519_dalek::SigningKey)> {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    if let Some(k) = read_zone_keys(data)? {
        return Ok(k);
    }
    let (ksk_path, zsk_path) = zone_key_paths(data);
    if ksk_path.exists() || zsk_path.exists() {
        bail!("only one of {} and {} exists; restore the other", ksk_path.display(), zsk_path.display());
    }
    make_private_dir(&keys_dir(data))?;
    let mut made = Vec::new();
    for path in [&ksk_path, &zsk_path] {
        let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let pem = key
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(pem.as_bytes())?;
        f.sync_all()?;
        made.push(key);
    }
    let zsk = made.pop().context("two keys were made")?;
    let ksk = made.pop().context("two keys were made")?;
    Ok((ksk, zsk))
}

/// Writes a key file with mode 0600, refusing to overwrite.
pub fn write_key(path: &Path, key: &KeyFile) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create key file {} (it must not exist yet)", path.display()))?;
    f.write_all(key.to_text().as_bytes())?;
    f.sync_all()?;
    Ok(())
}

pub fn read_key(path: &Path) -> Result<KeyFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read key file {}", path.display()))?;
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!("key file {} is readable by others; chmod 600 it", path.display());
    }
    KeyFile::parse(&text).with_context(|| format!("{} is not an Accord key file", path.display()))
}

pub fn make_private_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

pub fn ensure_empty_or_missing(dir: &Path) -> Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} already exists and is not empty; choose a new data directory", dir.display());
    }
    Ok(())
}
