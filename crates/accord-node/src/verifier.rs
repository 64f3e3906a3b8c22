//! The verifier: checks statement signatures ahead of the sequencer.
//!
//! A signature does not depend on the state, only on the key the member
//! had when the statement arrived (the sequencer then checks that key is
//! still current). So it is checked here, on its own thread, while the
//! sequencer commits the previous batch and waits for its fsync.
//!
//! Ed25519 batch verification costs about half as much per signature as
//! checking each on its own, but only in full batches. So while the
//! sequencer is busy, the verifier gathers submissions and checks them in
//! chunks of 64; as soon as the sequencer waits for work, it checks
//! whatever it holds, so a lone submission is not delayed. A bad
//! signature is refused from here; the rest go on to the sequencer.
//!
//! It runs on this one thread: spreading the check over a rayon pool was
//! measured slower under load, because the pool's idle workers spin on the
//! cores the HTTP side needs.

use crate::node::{Shared, SubmitError};
use crate::sequencer::Job;
use accord_core::Refusal;
use std::sync::atomic::Ordering::{Acquire, Relaxed};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::Duration;

/// Signatures per Ed25519 batch.
const CHUNK: usize = 64;
/// How long to wait for more submissions while the sequencer is busy.
const GATHER: Duration = Duration::from_micros(200);

pub(crate) fn run(shared: Arc<Shared>, rx: Receiver<Job>, tx: SyncSender<Vec<Job>>) {
    let mut pending: Vec<Job> = Vec::new();
    let mut open = true;
    while open || !pending.is_empty() {
        if pending.is_empty() {
            match rx.recv() {
                Ok(j) => pending.push(j),
                Err(_) => return,
            }
        }
        while let Ok(j) = rx.try_recv() {
            pending.push(j);
        }
        let ready = if pending.len() >= CHUNK {
            pending.len() - pending.len() % CHUNK
        } else if !open || shared.sequencer_idle.load(Acquire) {
            pending.len()
        } else {
            match rx.recv_timeout(GATHER) {
                Ok(j) => pending.push(j),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => open = false,
            }
            continue;
        };
        let rest = pending.split_off(ready);
        let round = std::mem::replace(&mut pending, rest);
        if !forward(&shared, round, &tx) {
            return;
        }
    }
}

/// Checks a round and sends the good ones on; false if the sequencer has
/// stopped (dropping the jobs then tells their submitters so).
fn forward(shared: &Shared, jobs: Vec<Job>, tx: &SyncSender<Vec<Job>>) -> bool {
    let verdicts: Vec<_> = {
        let items: Vec<_> = jobs.iter().map(|j| (&j.signed.note, j.key.as_ref())).collect();
        items.chunks(CHUNK).flat_map(accord_log::verify_many).collect()
    };
    let mut good = Vec::with_capacity(jobs.len());
    for (job, verdict) in jobs.into_iter().zip(verdicts) {
        match verdict {
            Ok(()) => good.push(job),
            Err(e) => {
                shared.metrics.refused.fetch_add(1, Relaxed);
                let _ = job.reply.send(Err(SubmitError::Refused(Refusal::BadSignature(e.to_string()))));
            }
        }
    }
    good.is_empty() || tx.send(good).is_ok()
}
