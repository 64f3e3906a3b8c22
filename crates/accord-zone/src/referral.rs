//! A referral to a TLD, written into a message: one rule for the DNS
//! server and for the size check a proposed delegation must pass.
//!
//! What goes in (RFC 1034 §4.3.2, RFC 4035 §3.1.4, RFC 9471):
//! - the authority section: the NS RRset; with DO set, the DS RRset and
//!   its RRSIG, or the NSEC that proves there is no DS, and its RRSIG;
//! - the additional section: the addresses of the name servers that the
//!   zone holds, those under the TLD itself (in-domain glue) first, then
//!   those under other TLDs (sibling glue).
//!
//! If the NS RRset, the DNSSEC records asked for, or any in-domain glue
//! does not fit, the message is marked truncated (TC): RFC 9471 makes
//! in-domain glue mandatory. Sibling glue is added while it fits and is
//! otherwise left out without TC.

use crate::message::{MessageWriter, Section};
use crate::wire::Record;

/// The records of one referral.
#[derive(Clone, Debug, Default)]
pub struct Referral<'a> {
    pub ns: Vec<&'a Record>,
    /// DS and its RRSIG, or NSEC and its RRSIG: written only when DO is set.
    pub proof: Vec<&'a Record>,
    pub in_domain: Vec<&'a Record>,
    pub sibling: Vec<&'a Record>,
}

/// How a referral went into the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Everything mandatory fitted (no TC needed).
    pub complete: bool,
    /// Sibling glue records left out.
    pub sibling_left_out: usize,
}

impl Referral<'_> {
    /// Writes the referral; the caller sets TC when `complete` is false.
    pub fn write(&self, w: &mut MessageWriter, dnssec_ok: bool) -> Written {
        let mut complete = w.records(Section::Authority, self.ns.iter().copied());
        if complete && dnssec_ok {
            complete = w.records(Section::Authority, self.proof.iter().copied());
        }
        if complete {
            for r in &self.in_domain {
                if !w.record(Section::Additional, r) {
                    complete = false;
                    break;
                }
            }
        }
        let mut sibling_left_out = 0;
        for r in &self.sibling {
            if !complete || !w.record(Section::Additional, r) {
                sibling_left_out += 1;
            }
        }
        Written { complete, sibling_left_out }
    }
}
