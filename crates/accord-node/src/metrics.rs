//! Counters the node keeps for `/metrics` (Prometheus text exposition).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Default)]
pub struct Metrics {
    pub accepted: AtomicU64,
    pub refused: AtomicU64,
    pub unavailable: AtomicU64,
    pub batches: AtomicU64,
    pub batch_entries: AtomicU64,
    pub commit_micros: AtomicU64,
    /// CPU time (not wall time) the sequencer thread spent inside
    /// `Store::append`, from Linux's per-thread schedstat; 0 elsewhere.
    pub commit_cpu_nanos: AtomicU64,
    pub log_size: AtomicU64,
    pub checkpoint_size: AtomicU64,
    pub checkpoints_published: AtomicU64,
    /// Checkpoints published without a quorum of valid cosignatures
    /// under the policy in force at their size.
    pub checkpoints_without_quorum: AtomicU64,
    /// Time spent in each stage of the checkpoint pipeline, in µs.
    pub checkpoint_sign_micros: AtomicU64,
    pub checkpoint_cosign_micros: AtomicU64,
    pub checkpoint_store_micros: AtomicU64,
    pub checkpoint_publish_micros: AtomicU64,
    /// Wall clock minus entry-time clock, in ms (see `clock.rs`).
    pub clock_drift_ms: std::sync::atomic::AtomicI64,
    /// The snapshot writer's figures ([`crate::snapshots`]).
    pub snapshots: std::sync::Arc<crate::snapshots::SnapshotStats>,
}

impl Metrics {
    pub fn render(&self) -> String {
        let mut s = String::new();
        let mut put = |name: &str, kind: &str, help: &str, v: f64| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        put(
            "accord_statements_accepted_total",
            "counter",
            "Statements appended to the log.",
            self.accepted.load(Relaxed) as f64,
        );
        put(
            "accord_statements_refused_total",
            "counter",
            "Statements refused (4xx).",
            self.refused.load(Relaxed) as f64,
        );
        put(
            "accord_statements_unavailable_total",
            "counter",
            "Statements not taken because the node was overloaded or storage failed.",
            self.unavailable.load(Relaxed) as f64,
        );
        put(
            "accord_commit_batches_total",
            "counter",
            "Group commits (one transaction and one fsync each).",
            self.batches.load(Relaxed) as f64,
        );
        put(
            "accord_commit_batch_entries_total",
            "counter",
            "Entries written by group commits.",
            self.batch_entries.load(Relaxed) as f64,
        );
        put(
            "accord_commit_seconds_total",
            "counter",
            "Time spent in durable commits.",
            self.commit_micros.load(Relaxed) as f64 / 1e6,
        );
        put(
            "accord_commit_cpu_seconds_total",
            "counter",
            "CPU time the sequencer spent in durable commits (Linux only).",
            self.commit_cpu_nanos.load(Relaxed) as f64 / 1e9,
        );
        put("accord_log_entries", "gauge", "Durable entries in the log.", self.log_size.load(Relaxed) as f64);
        put(
            "accord_checkpoint_size",
            "gauge",
            "Tree size of the latest published checkpoint.",
            self.checkpoint_size.load(Relaxed) as f64,
        );
        put(
            "accord_clock_drift_seconds",
            "gauge",
            "How far the system's wall clock is from the clock that gives entry times (wall minus entry).",
            self.clock_drift_ms.load(Relaxed) as f64 / 1000.0,
        );
        put(
            "accord_checkpoints_published_total",
            "counter",
            "Checkpoints signed and published.",
            self.checkpoints_published.load(Relaxed) as f64,
        );
        put(
            "accord_checkpoints_without_quorum_total",
            "counter",
            "Checkpoints published without a quorum of valid witness cosignatures under the policy at their size.",
            self.checkpoints_without_quorum.load(Relaxed) as f64,
        );
        for (stage, v) in [
            ("sign", &self.checkpoint_sign_micros),
            ("cosign", &self.checkpoint_cosign_micros),
            ("store", &self.checkpoint_store_micros),
            ("publish", &self.checkpoint_publish_micros),
        ] {
            put(
                &format!("accord_checkpoint_{stage}_seconds_total"),
                "counter",
                &format!("Time spent in the checkpoint pipeline's {stage} stage (divide by accord_checkpoints_published_total for the mean)."),
                v.load(Relaxed) as f64 / 1e6,
            );
        }
        let sn = &self.snapshots;
        put("accord_snapshots_written_total", "counter", "State snapshots written.", sn.written.load(Relaxed) as f64);
        put(
            "accord_snapshots_failed_total",
            "counter",
            "State snapshots that could not be written (the next start replays more).",
            sn.failed.load(Relaxed) as f64,
        );
        put(
            "accord_snapshot_entries",
            "gauge",
            "Entries covered by the latest state snapshot written.",
            sn.size.load(Relaxed) as f64,
        );
        put(
            "accord_snapshot_bytes",
            "gauge",
            "Size of the latest state snapshot written.",
            sn.bytes.load(Relaxed) as f64,
        );
        put(
            "accord_snapshot_write_seconds_total",
            "counter",
            "Time the snapshot writer spent encoding, checking and writing snapshots.",
            sn.write_micros.load(Relaxed) as f64 / 1e6,
        );
        put(
            "accord_snapshot_copy_seconds_total",
            "counter",
            "Time the sequencer spent copying its state for the snapshot writer.",
            sn.copy_micros.load(Relaxed) as f64 / 1e6,
        );
        s
    }
}

/// This thread's CPU time so far, in nanoseconds (`/proc/thread-self/schedstat`,
/// Linux); `None` where it cannot be read.
pub(crate) fn thread_cpu_nanos() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
