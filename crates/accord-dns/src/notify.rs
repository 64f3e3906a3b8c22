//! NOTIFY (RFC 1996): on each new serial, tell the secondaries over UDP,
//! again and again with a doubling wait until each answers with the
//! message's id, at most [`NOTIFY_ATTEMPTS`] times. It runs on its own
//! thread, so that a publish never waits on the network; a newer serial
//! published meanwhile replaces the one being notified.

use crate::parse::{FLAG_AA, FLAG_QR, OPCODE_MASK, OPCODE_NOTIFY};
use crate::zones::Zones;
use accord_zone::message::{MessageWriter, Section};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many times one NOTIFY is sent to a secondary that does not answer.
pub const NOTIFY_ATTEMPTS: u32 = 5;
/// The wait for an answer after the first send; doubled after each.
pub const NOTIFY_FIRST_WAIT: Duration = Duration::from_millis(500);
/// How often the thread looks at the stop flag while idle.
const POLL: Duration = Duration::from_millis(100);

/// The NOTIFY message for the current SOA.
pub fn notify_message(id: u16, soa: &accord_zone::wire::Record) -> Vec<u8> {
    let flags = ((OPCODE_NOTIFY as u16) << 11) | FLAG_AA;
    let mut w = MessageWriter::new(id, flags, 512);
    w.question(&[0], &[0], 6, 1);
    w.record(Section::Answer, soa);
    w.finish()
}

fn random_id() -> u16 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish() as u16
}

/// Whether `msg` answers a NOTIFY with `id`.
fn answers(msg: &[u8], id: u16) -> bool {
    msg.len() >= 12 && u16::from_be_bytes([msg[0], msg[1]]) == id && {
        let f = u16::from_be_bytes([msg[2], msg[3]]);
        f & FLAG_QR != 0 && ((f & OPCODE_MASK) >> 11) as u8 == OPCODE_NOTIFY
    }
}

pub(crate) fn run(
    zones: Zones,
    targets: Vec<SocketAddr>,
    socket: UdpSocket,
    wake: Receiver<()>,
    stop: Arc<AtomicBool>,
) {
    let mut buf = [0u8; 512];
    'idle: while !stop.load(Ordering::Acquire) {
        match wake.recv_timeout(POLL) {
            Ok(()) => {}
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        }
        'serial: loop {
            let Some(served) = zones.current() else { continue 'idle };
            let Some(soa) = served.soa_record() else { continue 'idle };
            let id = random_id();
            let msg = notify_message(id, soa);
            let mut pending = targets.clone();
            let mut wait = NOTIFY_FIRST_WAIT;
            for attempt in 0..NOTIFY_ATTEMPTS {
                for t in &pending {
                    if let Err(e) = socket.send_to(&msg, t) {
                        tracing::debug!(target = %t, error = %e, "NOTIFY send failed");
                    }
                }
                let until = Instant::now() + wait;
                while !pending.is_empty() {
                    if stop.load(Ordering::Acquire) {
                        return;
                    }
                    if wake.try_recv().is_ok() {
                        // A newer serial: notify that one instead.
                        continue 'serial;
                    }
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    let _ = socket.set_read_timeout(Some(left.min(POLL)));
                    if let Ok((n, from)) = socket.recv_from(&mut buf) {
                        if buf.get(..n).is_some_and(|m| answers(m, id)) {
                            pending.retain(|t| *t != from);
                        }
                    }
                }
                if pending.is_empty() {
                    tracing::debug!(serial = served.serial(), attempt, "NOTIFY answered by every secondary");
                    break;
                }
                wait *= 2;
            }
            if !pending.is_empty() {
                tracing::warn!(
                    serial = served.serial(),
                    ?pending,
                    "NOTIFY unanswered after {NOTIFY_ATTEMPTS} attempts"
                );
            }
            continue 'idle;
        }
    }
}
