//! The demo's witnesses: five member states, one in each UN regional
//! group, each run `accord witness` as a process of its own (started, and
//! stopped, by `accord demo`), and register it by a signed statement.
//! Their checkpoints are then cosigned by a quorum (three of five).

use super::Seeder;
use crate::files::make_private_dir;
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// (member, its UN regional group).
pub const DEMO_WITNESSES: &[(&str, &str)] = &[
    ("KEN", "African States"),
    ("CHN", "Asia-Pacific States"),
    ("RUS", "Eastern European States"),
    ("BRA", "Latin American and Caribbean States"),
    ("FRA", "Western European and Other States"),
];

/// The witness processes; stopped when dropped.
pub struct Witnesses {
    children: Vec<Child>,
    /// (member, URL, cosigner vkey).
    pub running: Vec<(String, String, String)>,
}

impl Drop for Witnesses {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
        }
        for c in &mut self.children {
            let _ = c.wait();
        }
    }
}

/// Starts each demo witness on loopback — on the address it is
/// registered at when that is free (a restarted demo then registers
/// nothing new), else on a free port — trusting the body's log key
/// (`DIR/log.vkey`); keys and state live in `DIR/witnesses/<ID>/`.
pub fn start(dir: &Path, registered: &accord_node::PolicyInForce) -> Result<Witnesses> {
    let exe = std::env::current_exe().context("the accord binary")?;
    let root = dir.join("witnesses");
    make_private_dir(&root)?;
    let log_vkey = std::fs::read_to_string(dir.join("log.vkey")).context("the demo's log.vkey")?;
    let trusted = root.join("trusted-logs");
    std::fs::write(
        &trusted,
        format!("# The demo body's log, which every demo witness cosigns.\nlog {}\n", log_vkey.trim()),
    )?;
    let mut w = Witnesses { children: Vec::new(), running: Vec::new() };
    for (id, _) in DEMO_WITNESSES {
        let home = root.join(id);
        make_private_dir(&home)?;
        let key = home.join("witness.key");
        if !key.exists() {
            let out = Command::new(&exe)
                .args(["witness-keygen", "--name", &format!("witness.{}.demo.accord", id.to_lowercase()), "--out"])
                .arg(&key)
                .output()
                .context("accord witness-keygen")?;
            anyhow::ensure!(out.status.success(), "witness-keygen: {}", String::from_utf8_lossy(&out.stderr));
        }
        let before = registered
            .witnesses
            .iter()
            .find(|w| w.member == *id)
            .and_then(|w| w.url.strip_prefix("http://"))
            .filter(|a| a.starts_with("127.0.0.1:"))
            .map(str::to_string);
        let mut started = None;
        for listen in before.into_iter().chain(["127.0.0.1:0".to_string()]) {
            let mut child = Command::new(&exe)
                .args(["witness", "--listen", &listen, "--data"])
                .arg(home.join("data"))
                .arg("--key")
                .arg(&key)
                .arg("--logs")
                .arg(&trusted)
                .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .context("starting a demo witness")?;
            let mut line = String::new();
            if let Some(out) = child.stdout.take() {
                BufReader::new(out).read_line(&mut line)?;
            }
            match line.trim().strip_prefix("accord: listening on ") {
                Some(u) => {
                    started = Some((child, u.to_string()));
                    break;
                }
                None => {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
        }
        let Some((child, url)) = started else {
            anyhow::bail!("the demo witness of {id} did not start");
        };
        let vkey = witness_vkey(&exe, &key)?;
        w.children.push(child);
        w.running.push((id.to_string(), url, vkey));
    }
    Ok(w)
}

/// The cosigner vkey of a witness key file (read from the key: the
/// keygen printed it once).
fn witness_vkey(_exe: &Path, key: &Path) -> Result<String> {
    let k = crate::files::read_key(key)?;
    let c = accord_log::cosignature::Cosigner::new(k.signer.verifier().name(), k.signer.signing_key().clone())
        .map_err(|e| anyhow::anyhow!("witness key: {e}"))?;
    Ok(c.key().to_vkey())
}

/// Registers each running witness whose URL or key is not the one in the
/// log (a restarted demo's witnesses listen on new ports).
pub fn register(s: &mut Seeder<'_>, w: &Witnesses) -> Result<()> {
    let policy = s.node.witness_policy();
    for (id, url, vkey) in &w.running {
        let same = policy.witnesses.iter().any(|r| r.member == *id && r.url == *url && r.vkey == *vkey);
        if same {
            continue;
        }
        let last = s.node.reads().member(id)?.map_or(0, |m| m.last_seq);
        s.seqs.insert(id.clone(), last);
        s.json(id, "witness.register", serde_json::json!({"url": url, "vkey": vkey}))?;
    }
    Ok(())
}
