//! The listener: every limit on what one client can hold of the node.
//!
//! axum's `serve` has no connection caps and no timeouts, so the accept
//! loop is written here over hyper: a cap on connections in total (below
//! the process's descriptor limit, raised at start where the system
//! allows) and per client address; a connection over a cap is accepted
//! and closed at once, so the queue of pending connections never fills
//! and other clients are not starved. A connection must send a whole
//! request head within `header_timeout` — also between requests on a
//! keep-alive connection, so idle and slow-header connections are closed
//! — and a request body within `body_timeout`.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// What one client may hold of the node.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections in all (further ones are closed at once).
    pub max_connections: usize,
    /// Open connections from one client address.
    pub max_per_address: usize,
    /// Time to send a request head, and the longest a keep-alive
    /// connection may stay idle.
    pub header_timeout: Duration,
    /// Time to send a request body.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 8192,
            max_per_address: 256,
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(30),
        }
    }
}

/// Descriptors kept for the database, logs and the node's own files.
const RESERVED_DESCRIPTORS: u64 = 256;

impl Limits {
    /// These limits with `max_connections` below the process's descriptor
    /// limit, which is first raised as far as the system allows.
    pub fn fitted_to_descriptors(mut self) -> Limits {
        let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
        let fit = usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS).max(16)).unwrap_or(usize::MAX);
        if self.max_connections > fit {
            tracing::warn!(
                descriptors = limit,
                max_connections = fit,
                "fewer descriptors than connections asked for: capping connections"
            );
            self.max_connections = fit;
        }
        self
    }
}

/// Counts of open connections, in all and by address.
#[derive(Default)]
struct Open {
    total: AtomicUsize,
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// A place among the open connections, given back when dropped.
struct Place {
    open: Arc<Open>,
    address: IpAddr,
}

impl Open {
    fn take(self: &Arc<Open>, address: IpAddr, limits: &Limits) -> Option<Place> {
        let mut by = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        let here = by.get(&address).copied().unwrap_or(0);
        if here >= limits.max_per_address || self.total.load(Ordering::SeqCst) >= limits.max_connections {
            return None;
        }
        by.insert(address, here + 1);
        self.total.fetch_add(1, Ordering::SeqCst);
        Some(Place { open: self.clone(), address })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut by = self.open.by_address.lock().unwrap_or_else(|p| p.into_inner());
        match by.get_mut(&self.address) {
            Some(n) if *n > 1 => *n -= 1,
            _ => {
                by.remove(&self.address);
            }
        }
        self.open.total.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` resolves,
/// then lets open requests finish (up to ten seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout));
    let open = Arc::new(Open::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only (cleartext HTTP/2 is not offered): its header timeout
    // runs from the first byte a connection may send, so a silent
    // connection is closed too; hyper's version detection would wait for
    // that first byte without a timeout.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors, say: wait a moment, never exit.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(place) = open.take(peer.ip(), &limits) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(place);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(10)) => {
            tracing::warn!("connections still open after ten seconds; stopping anyway");
        }
    }
    Ok(())
}
