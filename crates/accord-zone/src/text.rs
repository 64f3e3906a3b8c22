//! The zone in presentation form (RFC 1035 §5, RFC 4034 §§2.2–5.3, RFC
//! 8976 §2.3): one record per line, owner, TTL, class, type and data
//! separated by tabs, fully qualified names, in canonical order — the
//! shape of the file IANA publishes. The same zone always gives the same
//! bytes: what `zone.publish` hashes.

use crate::wire::{Rdata, Record};
use crate::zone::SignedZone;
use base64::Engine;
use std::fmt::Write;

/// An RRSIG time as `YYYYMMDDHHmmSS` (RFC 4034 §3.2).
pub fn rrsig_time(t: u32) -> String {
    let secs = t as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// algorithm, public domain description).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The data part of a record in presentation form.
pub fn rdata_text(rdata: &Rdata) -> String {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    match rdata {
        Rdata::A(a) => a.to_string(),
        Rdata::Aaaa(a) => a.to_string(),
        Rdata::Ns(n) => n.to_string(),
        Rdata::Soa(s) => {
            format!("{} {} {} {} {} {} {}", s.mname, s.rname, s.serial, s.refresh, s.retry, s.expire, s.minimum)
        }
        Rdata::Ds(d) => format!("{} {} {} {}", d.key_tag, d.algorithm, d.digest_type, hex::encode_upper(&d.digest)),
        Rdata::Dnskey(k) => format!("{} {} {} {}", k.flags, k.protocol, k.algorithm, b64(&k.public_key)),
        Rdata::Rrsig(r) => format!(
            "{} {} {} {} {} {} {} {} {}",
            r.type_covered.mnemonic(),
            r.algorithm,
            r.labels,
            r.original_ttl,
            rrsig_time(r.expiration),
            rrsig_time(r.inception),
            r.key_tag,
            r.signer,
            b64(&r.signature)
        ),
        Rdata::Nsec { next, types } => {
            let mut sorted = types.clone();
            sorted.sort();
            sorted.dedup();
            let names: Vec<String> = sorted.iter().map(|t| t.mnemonic()).collect();
            format!("{next} {}", names.join(" "))
        }
        Rdata::Zonemd(z) => format!("{} {} {} {}", z.serial, z.scheme, z.hash_algorithm, hex::encode_upper(&z.digest)),
    }
}

/// One record as a line (without the newline).
pub fn record_line(r: &Record) -> String {
    format!("{}\t{}\tIN\t{}\t{}", r.owner, r.ttl, r.rdata.rtype().mnemonic(), rdata_text(&r.rdata))
}

/// The whole zone, one record per line: the SOA first (RFC 1035 §5.2, and
/// what NSD and Knot expect of a zone file), then every other record in
/// canonical order.
pub fn zone_text(zone: &SignedZone) -> String {
    let mut out = String::with_capacity(zone.nodes.len() * 400);
    let is_soa = |r: &Record| r.owner.is_root() && matches!(r.rdata, Rdata::Soa(_));
    for r in zone.records().filter(|r| is_soa(r)).chain(zone.records().filter(|r| !is_soa(r))) {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{}", record_line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrsig_times_print_as_rfc4034_says() {
        assert_eq!(rrsig_time(0), "19700101000000");
        // 2022-02-28 17:00:00 UTC, an expiration in the IANA root zone.
        assert_eq!(rrsig_time(1_646_067_600), "20220228170000");
        assert_eq!(rrsig_time(951_782_400), "20000229000000");
    }
}
