//! The server: UDP workers, TCP connections, the NOTIFY sender, on plain
//! threads and blocking sockets.

use crate::cache::{Cached, ResponseCache};
use crate::engine::{answer, Context, Reply, Transport};
use crate::parse::is_transfer;
use crate::zones::{Snapshot, Zones};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Default bound on open TCP connections; those past it are closed at once.
pub const MAX_TCP_CONNECTIONS: usize = 64;
/// Default time a TCP connection may sit idle between (or within) queries.
pub const TCP_IDLE: Duration = Duration::from_secs(10);
/// Default longest life of a TCP connection, whatever it does.
pub const TCP_MAX_CONNECTION_TIME: Duration = Duration::from_secs(120);
/// Default most queries on one TCP connection.
pub const TCP_MAX_QUERIES: usize = 1_000;
/// How long a write to a TCP client may block (a client that does not read).
pub const TCP_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most zone transfers (AXFR, IXFR) at once; more are REFUSED.
pub const MAX_TRANSFERS: usize = 4;
/// How often an idle UDP worker looks at the stop flag.
const UDP_POLL: Duration = Duration::from_millis(100);
/// The largest UDP datagram read (a query longer than this is cut and so
/// malformed).
const UDP_BUFFER: usize = 65_535;
/// The socket buffers asked of the kernel for UDP (it may give less).
const UDP_SOCKET_BUFFER: usize = 4 << 20;

/// How to serve.
#[derive(Clone, Debug)]
pub struct DnsConfig {
    /// UDP and TCP on this address and port; port 0 takes a free port, for
    /// both ([`DnsServer::local_addr`] says which).
    pub listen: SocketAddr,
    /// Who may transfer the zone (AXFR, IXFR over TCP).
    pub transfer_allow: Vec<IpAddr>,
    /// Secondaries to NOTIFY of each new serial.
    pub notify: Vec<SocketAddr>,
    /// UDP worker threads (each with its own SO_REUSEPORT socket).
    pub workers: usize,
    pub max_tcp_connections: usize,
    pub tcp_idle: Duration,
    pub tcp_max_connection_time: Duration,
    pub tcp_max_queries: usize,
}

impl DnsConfig {
    /// The defaults: one UDP worker per core, the limits of this module.
    pub fn new(listen: SocketAddr) -> DnsConfig {
        DnsConfig {
            listen,
            transfer_allow: Vec::new(),
            notify: Vec::new(),
            workers: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            max_tcp_connections: MAX_TCP_CONNECTIONS,
            tcp_idle: TCP_IDLE,
            tcp_max_connection_time: TCP_MAX_CONNECTION_TIME,
            tcp_max_queries: TCP_MAX_QUERIES,
        }
    }
}

/// Open TCP connections, so that shutdown can close them.
#[derive(Default)]
struct Connections {
    next: u64,
    open: HashMap<u64, (TcpStream, Option<JoinHandle<()>>)>,
}

struct Shared {
    zones: Zones,
    cfg: DnsConfig,
    stop: AtomicBool,
    tcp_open: AtomicUsize,
    transfers: AtomicUsize,
    connections: Mutex<Connections>,
}

/// A running server; [`DnsServer::shutdown`] (or drop) stops it.
pub struct DnsServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    notify_stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

fn domain_of(addr: &SocketAddr) -> Domain {
    if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    }
}

fn udp_socket(addr: SocketAddr) -> io::Result<UdpSocket> {
    let s = Socket::new(domain_of(&addr), Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_port(true)?;
    let _ = s.set_recv_buffer_size(UDP_SOCKET_BUFFER);
    let _ = s.set_send_buffer_size(UDP_SOCKET_BUFFER);
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.bind(&addr.into())?;
    let s: UdpSocket = s.into();
    s.set_read_timeout(Some(UDP_POLL))?;
    Ok(s)
}

/// Starts serving `zones` as `cfg` says.
pub fn serve(cfg: DnsConfig, zones: Zones) -> io::Result<DnsServer> {
    // The TCP listener first: with port 0 it picks the port UDP then takes.
    let l = Socket::new(domain_of(&cfg.listen), Type::STREAM, Some(Protocol::TCP))?;
    l.set_reuse_address(true)?;
    if cfg.listen.is_ipv6() {
        l.set_only_v6(true)?;
    }
    l.bind(&cfg.listen.into())?;
    l.listen(128)?;
    let listener: TcpListener = l.into();
    let addr = listener.local_addr()?;
    let mut udp = Vec::new();
    for _ in 0..cfg.workers.max(1) {
        udp.push(udp_socket(addr)?);
    }
    let notify_socket = if cfg.notify.is_empty() {
        None
    } else {
        let s = UdpSocket::bind(SocketAddr::new(addr.ip(), 0))?;
        Some(s)
    };
    let shared = Arc::new(Shared {
        zones: zones.clone(),
        cfg,
        stop: AtomicBool::new(false),
        tcp_open: AtomicUsize::new(0),
        transfers: AtomicUsize::new(0),
        connections: Mutex::new(Connections::default()),
    });
    let mut threads = Vec::new();
    for (i, sock) in udp.into_iter().enumerate() {
        let sh = shared.clone();
        threads.push(std::thread::Builder::new().name(format!("dns-udp-{i}")).spawn(move || udp_worker(sock, sh))?);
    }
    let sh = shared.clone();
    threads.push(std::thread::Builder::new().name("dns-tcp".into()).spawn(move || tcp_acceptor(listener, sh))?);
    let notify_stop = Arc::new(AtomicBool::new(false));
    if let Some(sock) = notify_socket {
        let (tx, rx) = sync_channel(1);
        zones.add_notifier(tx);
        let targets = shared.cfg.notify.clone();
        let stop = notify_stop.clone();
        threads.push(
            std::thread::Builder::new()
                .name("dns-notify".into())
                .spawn(move || crate::notify::run(zones, targets, sock, rx, stop))?,
        );
    }
    tracing::info!(%addr, "DNS server listening (UDP and TCP)");
    Ok(DnsServer { addr, shared, notify_stop, threads })
}

impl DnsServer {
    /// The address served, with the real port.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops every thread and closes every socket; returns when they are.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.shared.stop.swap(true, Ordering::AcqRel) {
            return;
        }
        self.notify_stop.store(true, Ordering::Release);
        // Wake the acceptor.
        let wake = match self.addr.ip() {
            IpAddr::V4(a) if a.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.addr.port()),
            IpAddr::V6(a) if a.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.addr.port()),
            _ => self.addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let open: Vec<(TcpStream, Option<JoinHandle<()>>)> = {
            let mut c = self.shared.connections.lock().unwrap_or_else(PoisonError::into_inner);
            c.open.drain().map(|(_, v)| v).collect()
        };
        for (s, _) in &open {
            let _ = s.shutdown(Shutdown::Both);
        }
        for (_, t) in open {
            if let Some(t) = t {
                let _ = t.join();
            }
        }
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn udp_worker(sock: UdpSocket, sh: Arc<Shared>) {
    let mut snap = Snapshot::new(sh.zones.clone());
    let mut buf = vec![0u8; UDP_BUFFER];
    let allow = &sh.cfg.transfer_allow;
    let mut cache = ResponseCache::new();
    while !sh.stop.load(Ordering::Relaxed) {
        let (n, peer) = match sock.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            Err(e) => {
                tracing::debug!(error = %e, "UDP receive failed");
                continue;
            }
        };
        let Some(msg) = buf.get(..n) else { continue };
        // Only a transfer query pays for the look at the client's address.
        let transfer_allowed = is_transfer(msg) && allowed(allow, peer.ip());
        let ctx = Context { transport: Transport::Udp, transfer_allowed };
        snap.get();
        let version = snap.version();
        let out = match cache.answer(version, snap.get(), msg, &ctx) {
            Cached::Drop => continue,
            Cached::Bytes(b) => sock.send_to(b, peer),
            Cached::Owned(v) => sock.send_to(&v, peer),
        };
        if let Err(e) = out {
            tracing::debug!(%peer, error = %e, "UDP send failed");
        }
    }
}

fn tcp_acceptor(listener: TcpListener, sh: Arc<Shared>) {
    for stream in listener.incoming() {
        if sh.stop.load(Ordering::Acquire) {
            return;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e, "TCP accept failed");
                // Out of descriptors, say: do not spin.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if sh.tcp_open.load(Ordering::Acquire) >= sh.cfg.max_tcp_connections {
            // Closed at once: the backlog must not fill with the excess.
            drop(stream);
            continue;
        }
        let Ok(clone) = stream.try_clone() else { continue };
        sh.tcp_open.fetch_add(1, Ordering::AcqRel);
        let id = {
            let mut c = sh.connections.lock().unwrap_or_else(PoisonError::into_inner);
            c.next += 1;
            let id = c.next;
            c.open.insert(id, (clone, None));
            id
        };
        let sh2 = sh.clone();
        let spawned = std::thread::Builder::new().name("dns-tcp-conn".into()).spawn(move || {
            tcp_connection(stream, &sh2);
            sh2.connections.lock().unwrap_or_else(PoisonError::into_inner).open.remove(&id);
            sh2.tcp_open.fetch_sub(1, Ordering::AcqRel);
        });
        match spawned {
            Ok(h) => {
                let mut c = sh.connections.lock().unwrap_or_else(PoisonError::into_inner);
                match c.open.get_mut(&id) {
                    Some(entry) => entry.1 = Some(h),
                    // Already done: nothing to join later but this.
                    None => {
                        drop(c);
                        let _ = h.join();
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "no thread for a TCP connection");
                sh.connections.lock().unwrap_or_else(PoisonError::into_inner).open.remove(&id);
                sh.tcp_open.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }
}

/// Reads exactly `buf.len()` octets before `deadline`, each read waiting at
/// most `idle`: false on end of stream, timeout or error.
fn read_full(s: &mut TcpStream, buf: &mut [u8], deadline: Instant, idle: Duration) -> bool {
    let mut got = 0;
    while got < buf.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || s.set_read_timeout(Some(left.min(idle))).is_err() {
            return false;
        }
        match s.read(buf.get_mut(got..).unwrap_or_default()) {
            Ok(0) => return false,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

fn write_message(s: &mut TcpStream, msg: &[u8]) -> io::Result<()> {
    let len = u16::try_from(msg.len()).map_err(|_| io::Error::other("message over 65535 octets"))?;
    let mut framed = Vec::with_capacity(msg.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(msg);
    s.write_all(&framed)
}

/// A transfer slot, given back on drop.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn take_slot(n: &AtomicUsize) -> Option<Slot<'_>> {
    let mut cur = n.load(Ordering::Acquire);
    loop {
        if cur >= MAX_TRANSFERS {
            return None;
        }
        match n.compare_exchange(cur, cur + 1, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return Some(Slot(n)),
            Err(now) => cur = now,
        }
    }
}

fn tcp_connection(mut s: TcpStream, sh: &Shared) {
    let peer = match s.peer_addr() {
        Ok(p) => p,
        Err(_) => return,
    };
    let _ = s.set_nodelay(true);
    let _ = s.set_write_timeout(Some(TCP_WRITE_TIMEOUT));
    let deadline = Instant::now() + sh.cfg.tcp_max_connection_time;
    let ip_allowed = allowed(&sh.cfg.transfer_allow, peer.ip());
    let mut snap = Snapshot::new(sh.zones.clone());
    let mut buf = vec![0u8; 65_535];
    for _ in 0..sh.cfg.tcp_max_queries {
        if sh.stop.load(Ordering::Acquire) {
            return;
        }
        let mut len = [0u8; 2];
        if !read_full(&mut s, &mut len, deadline, sh.cfg.tcp_idle) {
            return;
        }
        let len = u16::from_be_bytes(len) as usize;
        let Some(msg) = buf.get_mut(..len) else { return };
        if !read_full(&mut s, msg, deadline, sh.cfg.tcp_idle) {
            return;
        }
        let slot = if is_transfer(msg) { take_slot(&sh.transfers) } else { None };
        let ctx = Context::tcp(ip_allowed && slot.is_some());
        let sent = match answer(snap.get(), msg, &ctx) {
            Reply::Drop => Ok(()),
            Reply::Message(m) => write_message(&mut s, &m),
            Reply::Transfer(ms) => ms.iter().try_for_each(|m| write_message(&mut s, m)),
        };
        drop(slot);
        if sent.is_err() {
            return;
        }
    }
}

fn allowed(list: &[IpAddr], ip: IpAddr) -> bool {
    list.iter().any(|a| canonical(*a) == canonical(ip))
}

/// An IPv4-mapped IPv6 address as the IPv4 address it maps.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(a),
        v4 => v4,
    }
}
