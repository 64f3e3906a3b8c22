//! `accord bench decisions`: the decision fold alone. It builds in memory
//! the log of a body of M members that decides N proposals, every member
//! voting on each (≈ N × (M + 1) entries), then times `State::apply` over
//! it (best of three) without signature checks (`SigCheck::Deferred`; the statements carry
//! a well-formed but unchecked signature so that building 2 M entries does
//! not take minutes of signing), first from parsed entries, then from
//! entry bytes (parse + fold, as `accord audit` does). With `--peer` it
//! also runs `bench/peer/decisions_peer.py`, a straightforward fold of the
//! same statements written in Python, and checks that both reach the same
//! outcomes.

use accord::cmd::keygen::new_key;
use accord::progress::bar;
use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::statement::statement_text;
use accord_core::{Act, Entry, KeyFile, MemberId, Seq, SigCheck, SignedStatement, State, Statement, Timestamp};
use accord_log::note::NoteSignature;
use accord_log::{KeyId, Note};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::ProgressBar;
use serde_json::json;
use std::io::Write as _;
use std::time::Instant;

pub(super) const ORIGIN: &str = "bench.accord.example/log";

pub(super) fn bench_decisions(members: usize, proposals: usize, runs: usize, peer: bool) -> Result<()> {
    if !(3..=400).contains(&members) {
        bail!("--members must be 3–400");
    }
    let (entries, statements) = build(members, proposals)?;
    let n = entries.len();
    println!("accord bench decisions: {members} members, {proposals} proposals, {n} entries");

    // Best of `runs` (default three), each from an empty state (the first also pays
    // for the allocator's fresh pages); the peer does the same.
    let mut fold_s = f64::INFINITY;
    let mut state = State::without_effects();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        state = fold(&entries)?;
        fold_s = fold_s.min(t.elapsed().as_secs_f64());
    }
    let bytes: Vec<Vec<u8>> = entries.iter().map(Entry::to_bytes).collect();
    drop(entries);
    let t = Instant::now();
    let mut again = State::without_effects();
    for b in &bytes {
        let e = Entry::parse(b).map_err(|e| anyhow!("entry does not parse: {e}"))?;
        again.apply(&e, SigCheck::Deferred).map_err(|r| anyhow!("entry refused: {r}"))?;
    }
    let parse_fold_s = t.elapsed().as_secs_f64();
    let outcome = outcomes(&state);
    if outcome.digest != outcomes(&again).digest {
        bail!("the two folds disagree");
    }
    println!("  outcomes:               {}", outcome.summary);
    println!("  fold (parsed entries):  {fold_s:.2} s, {:.0} entries/s", n as f64 / fold_s);
    println!("  parse + fold (bytes):   {parse_fold_s:.2} s, {:.0} entries/s", n as f64 / parse_fold_s);
    println!(
        "accord entries={n} fold_entries_per_sec={:.0} parse_fold_entries_per_sec={:.0}",
        n as f64 / fold_s,
        n as f64 / parse_fold_s
    );
    if peer {
        let dir = std::env::temp_dir().join(format!("accord-bench-decisions-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("statements.jsonl");
        {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
            for line in &statements {
                f.write_all(line.as_bytes())?;
                f.write_all(b"\n")?;
            }
        }
        let script = std::path::Path::new("bench/peer/decisions_peer.py");
        if !script.exists() {
            bail!("run from the repository root: bench/peer/decisions_peer.py not found");
        }
        // The peer needs only Python's standard library.
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&path)
            .arg(members.to_string())
            .output()
            .context("cannot run the peer")?;
        let _ = std::fs::remove_dir_all(&dir);
        if !out.status.success() {
            bail!("the peer failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or_default().to_string();
        println!("{line}");
        let field = |k: &str| -> Option<String> {
            line.split_whitespace().find_map(|kv| kv.strip_prefix(&format!("{k}=")).map(str::to_string))
        };
        let peer_rate: f64 = field("fold_entries_per_sec").and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        if field("outcomes").as_deref() != Some(outcome.digest.as_str()) {
            bail!("the peer reached other outcomes: {:?} vs ours {}", field("outcomes"), outcome.digest);
        }
        println!("  peer outcomes agree ({})", outcome.digest);
        println!("ratio accord/peer (fold entries/s): {:.1}x", (n as f64 / fold_s) / peer_rate);
    }
    Ok(())
}

fn fold(entries: &[Entry]) -> Result<State> {
    let mut state = State::without_effects();
    for e in entries {
        state.apply(e, SigCheck::Deferred).map_err(|r| anyhow!("entry {} refused: {r}", state.size()))?;
    }
    Ok(state)
}

struct Outcomes {
    summary: String,
    /// adopted/rejected/failed-quorum counts and the total of yes votes
    /// counted, compared with the peer.
    digest: String,
}

fn outcomes(state: &State) -> Outcomes {
    let (mut adopted, mut rejected, mut failed, mut yes) = (0, 0, 0, 0);
    for p in state.decisions().iter() {
        match p.record.status.as_str() {
            "adopted" => adopted += 1,
            "rejected" => rejected += 1,
            "failed-quorum" => failed += 1,
            _ => {}
        }
        yes += p.record.tally.map_or(0, |t| t.yes);
    }
    Outcomes {
        summary: format!("{adopted} adopted, {rejected} rejected, {failed} failed quorum"),
        digest: format!("{adopted}/{rejected}/{failed}/{yes}"),
    }
}

/// A statement with a well-formed signature line that is not checked.
fn unsigned(
    member: &MemberId,
    key_id: accord_log::KeyId,
    seq: u64,
    time: Timestamp,
    kind: &str,
    body: serde_json::Value,
) -> Result<SignedStatement> {
    let text = statement_text(member, Seq(seq), time, kind, body);
    let mut note = Note::new(&text)?;
    note.signatures.push(NoteSignature { name: member.key_name(ORIGIN), key_id, signature: vec![0; 64] });
    SignedStatement::parse(note.to_text().as_bytes()).map_err(|e| anyhow!("{e}"))
}

/// The entries, and for the peer one JSON line per statement:
/// `{"time": entry ms, "member", "type", "body"}`.
fn build(members: usize, proposals: usize) -> Result<(Vec<Entry>, Vec<String>)> {
    let pb = bar(proposals as u64, "building the log (proposals)");
    let sec = new_key(&MemberId::secretariat().key_name(ORIGIN))?;
    let log = new_key(ORIGIN)?;
    let roster = Roster::new(members)?;
    let t0 = Timestamp::from_millis(1_800_000_000_000);
    let genesis = Genesis {
        name: "Benchmark body".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.signer.verifier().to_vkey(),
        secretariat_key: sec.signer.verifier().to_vkey(),
        members: roster.founding_members(),
        rules: Some(super::bench_rules()),
        documents: Vec::new(),
    };
    let g = Statement { member: MemberId::secretariat(), seq: Seq(1), time: t0, act: Act::Genesis(Box::new(genesis)) }
        .sign(&sec.signer)
        .map_err(|e| anyhow!("genesis: {e}"))?;
    let mut entries = vec![Entry::new(t0, g)];
    let mut lines = Vec::new();
    decided_proposals(&roster, sec.signer.verifier().id(), t0, proposals, &pb, &mut |entry, s| {
        lines.push(
            json!({"time": s.time.millis(), "member": s.member.as_str(), "type": s.kind, "body": s.body}).to_string(),
        );
        entries.push(entry);
        Ok(())
    })?;
    pb.finish_and_clear();
    Ok((entries, lines))
}

/// The members of a generated body (`M000`, `M001`, …) and their keys.
pub(super) struct Roster {
    pub ids: Vec<MemberId>,
    pub keys: Vec<KeyFile>,
}

impl Roster {
    pub(super) fn new(members: usize) -> Result<Roster> {
        let ids: Vec<MemberId> = (0..members)
            .map(|i| MemberId::parse(&format!("M{i:03}")).ok_or_else(|| anyhow!("bad member id")))
            .collect::<Result<_>>()?;
        let keys = ids.iter().map(|id| new_key(&id.key_name(ORIGIN))).collect::<Result<Vec<_>>>()?;
        Ok(Roster { ids, keys })
    }

    /// The genesis's list of founding members.
    pub(super) fn founding_members(&self) -> Vec<FoundingMember> {
        self.ids
            .iter()
            .zip(&self.keys)
            .map(|(id, k)| FoundingMember {
                id: id.clone(),
                name: format!("Member {id}"),
                names: Default::default(),
                vkey: k.signer.verifier().to_vkey(),
            })
            .collect()
    }
}

/// One generated statement, as the peer reads it.
pub(super) struct Generated<'a> {
    pub time: Timestamp,
    pub member: &'a MemberId,
    pub kind: &'static str,
    pub body: &'a serde_json::Value,
}

/// The entries that follow a genesis at `t0` (the secretariat's seq 1)
/// in a body that decides `proposals` proposals by recorded vote, each
/// handed to `sink` in log order; `pb` advances by one per proposal.
///
/// Proposal i is tabled at t0 + 2 s·(i+1), every member votes in the
/// next milliseconds, and it closes 1 s after tabling — closed by the
/// next proposal's entry (and the last by a secretariat `clock.tick` at
/// t0 + 2 s·(proposals+1)).
pub(super) fn decided_proposals(
    roster: &Roster,
    secretariat: KeyId,
    t0: Timestamp,
    proposals: usize,
    pb: &ProgressBar,
    sink: &mut dyn FnMut(Entry, Generated<'_>) -> Result<()>,
) -> Result<()> {
    let members = roster.ids.len();
    let mut seqs = vec![0u64; members];
    for i in 0..proposals {
        let base = t0.millis() + 2000 * (i as i64 + 1);
        let sponsor = i % members;
        let id = format!("p{i}");
        let closes = Timestamp::from_millis(base + 1000);
        let body = json!({"id": id, "title": format!("Proposal {i}"), "text": "The body decides as follows.",
            "question": if i % 3 == 0 { "important" } else { "ordinary" }, "procedure": "vote", "closes": closes.to_rfc3339()});
        let mut push = |m: usize, off: i64, kind: &'static str, body: serde_json::Value| -> Result<()> {
            seqs[m] += 1;
            let time = Timestamp::from_millis(base + off);
            let member = &roster.ids[m];
            let s = unsigned(member, roster.keys[m].signer.verifier().id(), seqs[m], time, kind, body.clone())?;
            sink(Entry::new(time, s), Generated { time, member, kind, body: &body })
        };
        push(sponsor, 0, "proposal.submit", body)?;
        for m in 0..members {
            // A deterministic spread of yes, no, abstain and non-voters.
            let h = (i * 7919 + m * 104_729) % 20;
            let vote = match h {
                0..=10 => "yes",
                11..=16 => "no",
                17..=18 => "abstain",
                _ => continue,
            };
            push(m, 1 + m as i64, "vote.cast", json!({"proposal": id, "vote": vote}))?;
        }
        pb.inc(1);
    }
    let end = Timestamp::from_millis(t0.millis() + 2000 * (proposals as i64 + 1));
    let secretariat_id = MemberId::secretariat();
    let body = json!({});
    let tick = unsigned(&secretariat_id, secretariat, 2, end, "clock.tick", body.clone())?;
    sink(Entry::new(end, tick), Generated { time: end, member: &secretariat_id, kind: "clock.tick", body: &body })
}
