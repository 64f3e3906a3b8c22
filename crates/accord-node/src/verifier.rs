//! The verifier: checks statement signatures ahead of the sequencer.
//!
//! A signature does not depend on the state, only on the key the member
//! had when the statement arrived (the sequencer then checks that key is
//! still current). So it is checked here, on its own thread, while the
//! sequencer commits the previous batch and waits for its fsync.
//!
//! Every signature is checked on its own by the strict rule
//! (`accord_log::ed25519`): batch verification decided here once, and it
//! let through signatures that every single verifier refuses. The thread
//! takes whatever has queued, checks it, and hands the good ones on as one
//! round; a bad signature is refused from here.
//!
//! It runs on this one thread: spreading the check over a rayon pool was
//! measured slower under load, because the pool's idle workers spin on the
//! cores the HTTP side needs.

use crate::node::{Shared, SubmitError};
use crate::sequencer::{Job, What};
use accord_core::Refusal;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

/// Most submissions checked and handed on as one round.
const ROUND: usize = 1024;

pub(crate) fn run(shared: Arc<Shared>, rx: Receiver<Job>, tx: SyncSender<Vec<Job>>) {
    while let Ok(first) = rx.recv() {
        let mut round = vec![first];
        while round.len() < ROUND {
            match rx.try_recv() {
                Ok(j) => round.push(j),
                Err(_) => break,
            }
        }
        if !forward(&shared, round, &tx) {
            return;
        }
    }
}

/// Checks a round and sends the good ones on; false if the sequencer has
/// stopped (dropping the jobs then tells their submitters so).
fn forward(shared: &Shared, jobs: Vec<Job>, tx: &SyncSender<Vec<Job>>) -> bool {
    let mut good = Vec::with_capacity(jobs.len());
    for job in jobs {
        let checked = match &job.what {
            What::Signed { signed, key } => signed.note.verify(key),
            // Signed by the sequencer itself, with the key it holds.
            What::BySecretariat(_) => Ok(()),
        };
        match checked {
            Ok(()) => good.push(job),
            Err(e) => {
                shared.metrics.refused.fetch_add(1, Relaxed);
                let _ = job.reply.send(Err(SubmitError::Refused(Refusal::BadSignature(e.to_string()))));
            }
        }
    }
    good.is_empty() || tx.send(good).is_ok()
}
