//! `accord-dns`: authoritative DNS for Accord's root zone.
//!
//! What it is: a server that answers for one zone, the root, as signed by
//! `accord-zone`, over UDP and TCP on one address and port
//! ([`serve`], [`DnsConfig`]), with a handle ([`Zones`]) through which
//! each new version is published while the server runs. What it answers
//! ([`engine::answer`], a pure function of the served zone, the query's
//! octets and the transport):
//!
//! - a name at or under a delegated TLD, any type but DS at the cut: a
//!   referral (NOERROR, no AA), written by `accord_zone::referral::Referral`
//!   — the very rule the referral-size check of a proposed delegation uses —
//!   NS, then with DO the DS and its RRSIG (or the NSEC proving no DS),
//!   in-domain glue (TC when it does not fit, RFC 9471), sibling glue while
//!   it fits;
//! - DS at a delegation point: an authoritative answer (AA), or NODATA
//!   with the SOA and, with DO, the NSEC of the name;
//! - the apex: SOA, NS (with the apex name servers' addresses), DNSKEY,
//!   NSEC, ZONEMD, RRSIG; other types NODATA (SOA, and with DO the apex
//!   NSEC); ANY gets the SOA RRset only (RFC 8482);
//! - a name under no delegated TLD: NXDOMAIN with the SOA and, with DO, the
//!   NSEC covering the name and the one covering `*.` (once if the same);
//! - signatures (RRSIG) only when the query's OPT has DO;
//! - EDNS(0) (RFC 6891): an OPT in the answer when the query had one,
//!   advertising [`engine::MAX_UDP_SIZE`]; UDP answers limited to the
//!   client's size between 512 and 1,232 octets, 512 without EDNS; EDNS
//!   version above 0 gets BADVERS; what does not fit sets TC;
//! - AXFR (RFC 5936) and IXFR (RFC 1995) over TCP, to the addresses in
//!   [`DnsConfig::transfer_allow`] only (others REFUSED), in messages of
//!   at most [`engine::TRANSFER_MESSAGE_SIZE`] octets, every record whole;
//!   IXFR from a serial of the last [`served::HISTORY`] versions sends the
//!   differences, from an unknown one the whole zone. Over UDP, AXFR is
//!   REFUSED (RFC 5936 §4.2), IXFR gets the SOA when the client is up to
//!   date and an empty TC answer otherwise (come again over TCP);
//! - NOTIFY (RFC 1996) sent to [`DnsConfig::notify`] on each new serial,
//!   retried [`notify::NOTIFY_ATTEMPTS`] times; NOTIFY received, and every
//!   opcode but QUERY, gets NOTIMP; a class other than IN (CH included)
//!   REFUSED; a malformed query or one without exactly one question
//!   FORMERR; a response (QR set) or anything shorter than a header no
//!   answer at all.
//!
//! Limits, each a constant and tested: [`engine::PLAIN_UDP_SIZE`],
//! [`engine::MAX_UDP_SIZE`], [`engine::TCP_MESSAGE_SIZE`],
//! [`engine::TRANSFER_MESSAGE_SIZE`], [`server::MAX_TCP_CONNECTIONS`],
//! [`server::TCP_IDLE`], [`server::TCP_MAX_CONNECTION_TIME`],
//! [`server::TCP_MAX_QUERIES`], [`server::MAX_TRANSFERS`],
//! [`served::HISTORY`], [`notify::NOTIFY_ATTEMPTS`], [`cache::CACHE_ENTRIES`]
//! (each UDP worker keeps whole responses, exactly as the engine writes
//! them: see [`cache`]).
//!
//! What it is not: a resolver or a cache (no recursion, RD is ignored);
//! a general authoritative server — one zone, the root, and only the record
//! types `accord-zone` builds; no NSEC3, no TSIG, no DNS cookies, no
//! DNS-over-TLS/HTTPS; no zone files (the zone comes from `accord-zone` in
//! memory). It decides nothing about what the zone holds: that is the
//! fold's, through `accord-zone`.

#![forbid(unsafe_code)]

pub mod cache;
pub mod engine;
pub mod notify;
pub mod parse;
pub mod served;
pub mod server;
pub mod zones;

pub use engine::{answer, Context, Reply, Transport};
pub use served::Served;
pub use server::{serve, DnsConfig, DnsServer};
pub use zones::{PublishError, Zones};
