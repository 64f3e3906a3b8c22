//! `accord bench audit`: `accord audit` on a large served log, beside the peer auditor.

use super::{found_bench_body, start_server};
use accord::progress::bar;
use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq, Timestamp};
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Writes `entries` signed `note.publish` entries straight into a founded
/// body's store (signing in parallel), as a sequencer would have, and
/// signs a checkpoint for them.
fn fill_store(data: &Path, keys: &[KeyFile], entries: u64) -> Result<()> {
    use accord_core::{Entry, SigCheck, SignedStatement};
    use accord_log::merkle::{Frontier, TILE_HEIGHT};
    use accord_log::{Checkpoint, Hash};
    use accord_store::{AppendBatch, StoreHashes};
    use rayon::prelude::*;
    let store = accord_store::open(&accord::files::db_url(data, None))?;
    let log_key = accord::files::read_key(&accord::files::log_key_path(data))?;
    let mut state = accord_node::load_state(store.as_ref())?;
    let mut frontier = Frontier::load(&mut StoreHashes(store.as_ref()), state.size())?;
    let ids: Vec<MemberId> =
        keys.iter().map(|k| accord::cmd::submit::member_of_key(k.name()).map(|x| x.1)).collect::<Result<_>>()?;
    // Whole seconds after genesis, so that entry times never decrease.
    let start_time = Timestamp(state.last_time().0 - state.last_time().0 % 1000 + 1000);
    let pb = bar(entries, "fill");
    let chunk = 20_000u64;
    let mut done = 0u64;
    while done < entries {
        let n = chunk.min(entries - done);
        let notes: Vec<SignedStatement> = (done..done + n)
            .into_par_iter()
            .map(|i| {
                let m = (i % keys.len() as u64) as usize;
                let seq = i / keys.len() as u64 + 1;
                let text = statement_text(
                    &ids[m],
                    Seq(seq),
                    Timestamp(start_time.0 + (i / 1000) as i64),
                    "note.publish",
                    serde_json::json!({ "text": format!("benchmark statement {i} of the audit log") }),
                );
                let note = keys[m].signer.sign_note(&text).map_err(|e| anyhow!("{e}"))?;
                SignedStatement::parse(note.to_text().as_bytes()).map_err(|e| anyhow!("{e}"))
            })
            .collect::<Result<_>>()?;
        let mut batch = AppendBatch { first: state.size(), ..AppendBatch::default() };
        for (i, signed) in notes.into_iter().enumerate() {
            let entry = Entry::new(Timestamp(start_time.0 + ((done + i as u64) / 1000) as i64), signed);
            let applied = state.apply(&entry, SigCheck::Deferred).map_err(|r| anyhow!("{r}"))?;
            let bytes = entry.to_bytes();
            let leaf = Hash::leaf(&bytes);
            frontier.push(leaf, |(level, idx, h)| {
                if level > 0 && level % TILE_HEIGHT == 0 {
                    batch.nodes.push((level, idx, h));
                }
            });
            batch.effects.extend(applied.effects);
            batch.entries.push((bytes, leaf));
        }
        store.append(&batch)?;
        done += n;
        pb.set_position(done);
    }
    pb.finish_and_clear();
    let cp = Checkpoint::new(log_key.signer.verifier().name(), frontier.size(), frontier.root());
    let previous = store.latest_checkpoint()?.map_or(0, |(s, _)| s);
    store.put_checkpoint(previous, frontier.size(), &cp.sign(&log_key.signer)?.to_text())?;
    Ok(())
}

pub(super) fn bench_audit(entries: u64, members: usize, peer: bool) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("accord-bench-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let keys = found_bench_body(&tmp, members)?;
    let data = tmp.join("data");
    let t = Instant::now();
    fill_store(&data, &keys, entries)?;
    eprintln!("accord bench audit: wrote {entries} signed entries in {:.1}s", t.elapsed().as_secs_f64());
    let log_vkey = accord::files::read_key(&accord::files::log_key_path(&data))?.signer.verifier().to_vkey();
    let node = start_server(&data, keys)?;
    let state = tmp.join("audit-state.json");
    let t = Instant::now();
    let out = Command::new(super::accord_exe()?)
        .args(["audit", &node.url, "--log-key", &log_vkey, "--state"])
        .arg(&state)
        .stderr(Stdio::inherit())
        .output()?;
    let secs = t.elapsed().as_secs_f64();
    let peer_line = if peer { Some(run_audit_peer(&node.url, &log_vkey)?) } else { None };
    drop(node);
    let _ = std::fs::remove_dir_all(&tmp);
    if !out.status.success() {
        bail!("audit failed: {}", String::from_utf8_lossy(&out.stdout));
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("accord bench audit: {entries} entries audited in {secs:.1}s ({:.0} entries/s)", entries as f64 / secs);
    println!("accord audit_seconds={secs:.2} entries={entries} entries_per_sec={:.0}", entries as f64 / secs);
    if let Some(line) = peer_line {
        println!("{line}");
        let peer_secs = line
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix("audit_seconds="))
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| anyhow!("the peer did not report audit_seconds: {line}"))?;
        println!("ratio peer/accord (audit time): {:.1}x faster", peer_secs / secs);
    }
    Ok(())
}

/// Runs the peer auditor from the repository (found beside the binary's
/// source tree or in the current directory) on the same log.
fn run_audit_peer(url: &str, log_vkey: &str) -> Result<String> {
    let script = Path::new("bench/peer/audit_peer.py");
    if !script.exists() {
        bail!("run from the repository root: bench/peer/audit_peer.py not found");
    }
    let py = Command::new("scripts/python-env.sh").stderr(Stdio::inherit()).output()?;
    if !py.status.success() {
        bail!("scripts/python-env.sh failed");
    }
    let python = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let out = Command::new(python)
        .arg(script)
        .args(["--url", &format!("{url}/log"), "--vkey", log_vkey])
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("the peer auditor failed: {text}");
    }
    text.lines()
        .find(|l| l.starts_with("peer="))
        .map(str::to_string)
        .ok_or_else(|| anyhow!("the peer printed no result line: {text}"))
}
