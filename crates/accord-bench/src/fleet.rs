//! Witnesses for a benchmark body: `accord witness` processes on
//! loopback, each registered by one member, stopped on drop.

use super::{accord_exe, ChildNode};
use accord_core::statement::statement_text;
use accord_core::{KeyFile, Seq};
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub(super) struct Fleet {
    children: Vec<Child>,
    /// Cosignatures a checkpoint needs (a majority of the witnesses).
    pub quorum: usize,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
        }
        for c in &mut self.children {
            let _ = c.wait();
        }
    }
}

/// Cosignature lines on a checkpoint note (signature lines not by the log).
pub(super) fn cosignatures(note: &str) -> usize {
    let origin = note.lines().next().unwrap_or_default();
    note.lines().filter(|l| l.starts_with("\u{2014} ") && l.split(' ').nth(1) != Some(origin)).count()
}

/// Starts one witness per key of `members` (each member registers its
/// own), and waits until the node's checkpoint carries a quorum.
pub(super) fn start(dir: &Path, node: &ChildNode, members: &[KeyFile]) -> Result<Fleet> {
    let exe = accord_exe()?;
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let body: serde_json::Value = http.get(format!("{}/api/v1/body", node.url)).send()?.json()?;
    let log_vkey = body["log_key"].as_str().ok_or_else(|| anyhow!("no log key"))?;
    let trusted = dir.join("trusted-logs");
    std::fs::write(&trusted, format!("log {log_vkey}\n"))?;
    let mut fleet = Fleet { children: Vec::new(), quorum: members.len() / 2 + 1 };
    for (i, key) in members.iter().enumerate() {
        let wkey = dir.join(format!("witness{i}.key"));
        let out = Command::new(&exe)
            .args(["witness-keygen", "--name", &format!("w{i}.bench.example"), "--out"])
            .arg(&wkey)
            .output()?;
        anyhow::ensure!(out.status.success(), "witness-keygen: {}", String::from_utf8_lossy(&out.stderr));
        let vkey = String::from_utf8(out.stdout)?.trim().to_string();
        let mut cmd = Command::new(&exe);
        cmd.args(["witness", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.join(format!("witness{i}")))
            .arg("--key")
            .arg(&wkey)
            .arg("--logs")
            .arg(&trusted);
        let (child, url) = super::spawn_listening(cmd)?;
        fleet.children.push(child);
        let (_, id) = accord::cmd::submit::member_of_key(key.name())?;
        let text = statement_text(
            &id,
            Seq(1),
            accord::cmd::submit::now(),
            "witness.register",
            serde_json::json!({"url": url, "vkey": vkey}),
        );
        let note = key.signer.sign_note(&text)?.to_text();
        let r = http
            .post(format!("{}/api/v1/statements", node.url))
            .header("content-type", "text/plain")
            .body(note)
            .send()?;
        if r.status().as_u16() != 201 {
            bail!("witness.register answered {}: {}", r.status(), r.text().unwrap_or_default());
        }
    }
    let started = Instant::now();
    loop {
        let cp = http.get(format!("{}/log/checkpoint", node.url)).send()?.text()?;
        if cosignatures(&cp) >= members.len() {
            return Ok(fleet);
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the checkpoint is not cosigned by all {} witnesses after 30 s:\n{cp}", members.len());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
