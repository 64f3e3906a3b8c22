//! The desk's sign-in sessions, in memory: the only state the portal
//! keeps. A session names the member and the key it signed in with; it
//! lasts [`SESSION_LIFETIME`], or until sign-out, a restart of the node, or
//! the member's key changing (the desk checks the key on every page).
//!
//! Also the nonces of challenges that were answered, so that each
//! challenge signs in at most once; they are forgotten once the challenge
//! would have expired anyway.
//!
//! Bounds: at most [`MAX_SESSIONS`] sessions (the one closest to its end
//! gives way to a new one) and [`MAX_USED`] remembered nonces (past that,
//! sign-in is refused until some expire: forgetting one early would let its
//! note be replayed).
//!
//! What it is not: no clock of its own (`now` is passed in), no
//! persistence; tokens are kept only as their SHA-256.

use super::challenge::{Nonce, CHALLENGE_LIFETIME};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
pub const MAX_SESSIONS: usize = 10_000;
pub const MAX_USED: usize = 100_000;

/// Who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub member: String,
    /// The member's vkey when signing in.
    pub vkey: String,
    pub expires: Instant,
}

/// Why a session was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// The challenge was answered before.
    Used,
    /// Too many sign-ins within one challenge lifetime.
    Busy,
}

#[derive(Default)]
pub struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_token: HashMap<[u8; 32], Session>,
    /// Answered challenges, until when they are remembered.
    used: HashMap<Nonce, Instant>,
}

impl Sessions {
    pub fn new() -> Sessions {
        Sessions::default()
    }

    /// Marks `nonce` answered and opens a session for `member` under
    /// `token`, unless the nonce was answered before.
    pub fn open(&self, nonce: Nonce, token: &str, member: &str, vkey: &str, now: Instant) -> Result<(), OpenError> {
        let mut g = self.lock();
        if g.used.get(&nonce).is_some_and(|until| *until > now) {
            return Err(OpenError::Used);
        }
        if g.used.len() >= MAX_USED {
            g.used.retain(|_, until| *until > now);
            if g.used.len() >= MAX_USED {
                return Err(OpenError::Busy);
            }
        }
        g.used.insert(nonce, now + CHALLENGE_LIFETIME);
        if g.by_token.len() >= MAX_SESSIONS {
            g.by_token.retain(|_, s| s.expires > now);
            if g.by_token.len() >= MAX_SESSIONS {
                let soonest = g.by_token.iter().min_by_key(|(_, s)| s.expires).map(|(k, _)| *k);
                if let Some(k) = soonest {
                    g.by_token.remove(&k);
                }
            }
        }
        let session = Session { member: member.to_string(), vkey: vkey.to_string(), expires: now + SESSION_LIFETIME };
        g.by_token.insert(digest(token), session);
        Ok(())
    }

    /// The session of `token`, if it has not expired.
    pub fn get(&self, token: &str, now: Instant) -> Option<Session> {
        let mut g = self.lock();
        let key = digest(token);
        match g.by_token.get(&key) {
            Some(s) if s.expires > now => Some(s.clone()),
            Some(_) => {
                g.by_token.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends the session of `token` (if any).
    pub fn end(&self, token: &str) {
        self.lock().by_token.remove(&digest(token));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().by_token.len()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every change above leaves the maps consistent, so a panic
        // elsewhere while holding the lock leaves nothing half done.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lasts_until_it_expires_or_ends() {
        let s = Sessions::new();
        let t0 = Instant::now();
        s.open([1; 16], "tok-a", "FRA", "vk", t0).unwrap();
        let got = s.get("tok-a", t0 + Duration::from_secs(60)).unwrap();
        assert_eq!((got.member.as_str(), got.vkey.as_str()), ("FRA", "vk"));
        assert!(s.get("tok-b", t0).is_none());
        assert!(s.get("tok-a", t0 + SESSION_LIFETIME).is_none());
        assert_eq!(s.len(), 0, "an expired session is dropped when seen");
        s.open([2; 16], "tok-c", "DEU", "vk2", t0).unwrap();
        s.end("tok-c");
        assert!(s.get("tok-c", t0).is_none());
    }

    #[test]
    fn a_challenge_signs_in_once() {
        let s = Sessions::new();
        let t0 = Instant::now();
        s.open([1; 16], "tok-a", "FRA", "vk", t0).unwrap();
        assert_eq!(s.open([1; 16], "tok-b", "FRA", "vk", t0 + Duration::from_secs(1)), Err(OpenError::Used));
        assert!(s.get("tok-b", t0).is_none());
    }

    #[test]
    fn sessions_are_bounded() {
        let s = Sessions::new();
        let t0 = Instant::now();
        for i in 0..MAX_SESSIONS + 5 {
            let mut nonce = [0u8; 16];
            nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
            s.open(nonce, &format!("tok-{i}"), "FRA", "vk", t0 + Duration::from_millis(i as u64)).unwrap();
        }
        assert_eq!(s.len(), MAX_SESSIONS);
        // The oldest gave way; the newest are there.
        assert!(s.get("tok-0", t0).is_none());
        assert!(s.get(&format!("tok-{}", MAX_SESSIONS + 4), t0).is_some());
    }
}
