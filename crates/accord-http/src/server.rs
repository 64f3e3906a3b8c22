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
//!
//! With [`Tls`] the same listener serves HTTPS (rustls, HTTP/1.1 only): the
//! TLS handshake must be done within `header_timeout` too, so a client that
//! opens a connection and never completes (or never starts) a handshake is
//! closed like a silent one, and the request head then has its own
//! `header_timeout`. A plain HTTP request sent to a TLS listener is answered
//! `400 tls-required` (problem+json) in plain HTTP and closed.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// The server side of TLS: a certificate chain and its private key, read
/// once at start (a renewed certificate takes a restart).
#[derive(Clone)]
pub struct Tls {
    acceptor: tokio_rustls::TlsAcceptor,
}

/// Why a certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {source}")]
    Cert { path: PathBuf, source: rustls_pki_types::pem::Error },
    #[error("no certificate in {0} (a PEM file of CERTIFICATE blocks, the server's first)")]
    NoCert(PathBuf),
    #[error("cannot read the TLS private key {path} (a PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY): {source}")]
    Key { path: PathBuf, source: rustls_pki_types::pem::Error },
    #[error("the TLS certificate and key cannot be used together: {0}")]
    Config(#[from] tokio_rustls::rustls::Error),
}

impl Tls {
    /// Reads a PEM certificate chain (the server's certificate first, then
    /// intermediates) and a PEM private key, and checks that they match.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        use tokio_rustls::rustls;
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|source| TlsError::Cert { path: cert.to_path_buf(), source })?;
        if chain.is_empty() {
            return Err(TlsError::NoCert(cert.to_path_buf()));
        }
        let private =
            PrivateKeyDer::from_pem_file(key).map_err(|source| TlsError::Key { path: key.to_path_buf(), source })?;
        // One provider, named: ring (the one reqwest's rustls already uses).
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, private)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls { acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)) })
    }
}

/// The first byte of a TLS record carrying a handshake (RFC 8446 §5.1).
const TLS_HANDSHAKE: u8 = 0x16;

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

/// Serves `app` on `listener` under `limits` (over TLS when `tls` is
/// given) until `shutdown` resolves, then lets open requests finish (up
/// to ten seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout));
    // Requests that came over this listener's TLS say so (the desk's
    // session cookie is then `Secure`): an extension, which no client can set.
    let tls_app = app.clone().layer(axum::Extension(accord_portal::ctx::ServedOverTls));
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
        let tls_service = TowerToHyperService::new(tls_app.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => {
                    let _ = watcher.watch(builder.serve_connection(TokioIo::new(stream), service)).await;
                }
                Some(tls) => {
                    // The handshake, plain-HTTP detection included, within
                    // the header timeout; then hyper's own header timeout.
                    let handshake = tokio::time::timeout(limits.header_timeout, accept_tls(&tls, stream)).await;
                    match handshake {
                        Ok(Ok(Accepted::Tls(stream))) => {
                            let _ = watcher.watch(builder.serve_connection(TokioIo::new(stream), tls_service)).await;
                        }
                        Ok(Ok(Accepted::Plain(stream))) => {
                            let refuse = TowerToHyperService::new(plain_http_refusal());
                            let _ = watcher.watch(builder.serve_connection(TokioIo::new(stream), refuse)).await;
                        }
                        Ok(Ok(Accepted::Closed)) => {}
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake not done within the header timeout"),
                    }
                }
            }
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

/// A connection to a TLS listener, once its first bytes are seen.
enum Accepted {
    Tls(Box<tokio_rustls::server::TlsStream<tokio::net::TcpStream>>),
    /// Not a TLS handshake: plain HTTP, most likely.
    Plain(tokio::net::TcpStream),
    /// Closed before sending anything.
    Closed,
}

async fn accept_tls(tls: &Tls, stream: tokio::net::TcpStream) -> std::io::Result<Accepted> {
    let mut first = [0u8; 1];
    if stream.peek(&mut first).await? == 0 {
        return Ok(Accepted::Closed);
    }
    if first[0] != TLS_HANDSHAKE {
        return Ok(Accepted::Plain(stream));
    }
    Ok(Accepted::Tls(Box::new(tls.acceptor.accept(stream).await?)))
}

/// What a plain HTTP request to a TLS listener is answered: `400
/// tls-required`, and the connection closed.
fn plain_http_refusal() -> Router {
    Router::new().fallback(|| async {
        let problem = crate::Problem::bad_request(
            "tls-required",
            "this node serves HTTPS only: send the request again to https:// at the same address",
        );
        let mut response = axum::response::IntoResponse::into_response(problem);
        response.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
        response
    })
}
