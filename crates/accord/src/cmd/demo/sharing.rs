//! The demo's threat sharing: TAXII credentials for six members' CERTs
//! (written to `demo-keys/taxii-credentials.txt`: demo secrets, not
//! secret), two communities, and a few dozen indicators at each TLP plus
//! incidents against critical infrastructure, shared over the node's own
//! use case as a TAXII client's envelope would be.

use super::Seeder;
use accord_node::share::Reader;
use anyhow::{anyhow, Context, Result};
use serde_json::{json, Value};

/// The members whose CERTs get a credential.
const CERTS: [&str; 6] = ["FRA", "KEN", "BRA", "DEU", "IND", "EGY"];

const TLP2: [(&str, &str); 5] = [
    ("clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
    ("green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
    ("amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
    ("amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
    ("red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"),
];

/// The file the demo's credentials are written to.
pub const CREDENTIALS_FILE: &str = "taxii-credentials.txt";

/// A UUID (version 4 form) from a demo number, so that the demo's objects
/// have stable ids.
fn uuid(kind: u32, n: u32) -> String {
    format!("{kind:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", n & 0xffff, n % 0xfff, (n * 7) % 0xfff, u64::from(n) * 104_729)
}

fn indicator(n: u32, tlp: usize, recipients: &[&str], by: &str) -> Value {
    let day = 1 + n % 28;
    let mut o = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--{}", uuid(1, n)),
        "created": format!("2026-11-{day:02}T08:00:00.000Z"),
        "modified": format!("2026-11-{day:02}T08:00:00.000Z"),
        "name": format!("C2 server seen by CERT-{by} ({})", TLP2[tlp].0),
        "description": "Command-and-control address observed in an intrusion against a national network operator.",
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '203.0.{}.{}']", 113 + n / 200, n % 200 + 1),
        "pattern_type": "stix",
        "valid_from": format!("2026-11-{day:02}T08:00:00Z"),
        "object_marking_refs": [TLP2[tlp].1],
    });
    if !recipients.is_empty() {
        o["x_accord_recipients"] = json!(recipients);
    }
    o
}

fn incident(n: u32, tlp: usize, recipients: &[&str], month: &str, sectors: &[&str], name: &str) -> Value {
    let mut o = json!({
        "type": "incident",
        "spec_version": "2.1",
        "id": format!("incident--{}", uuid(2, n)),
        "created": format!("{month}-15T09:00:00.000Z"),
        "modified": format!("{month}-15T09:00:00.000Z"),
        "name": name,
        "description": "Reported by the member's national CERT under the code's pledge to protect critical information infrastructure.",
        "object_marking_refs": [TLP2[tlp].1],
        "x_accord_sectors": sectors,
        "extensions": {
            "extension-definition--ef765651-680c-498d-9894-99799f2fa126": {
                "extension_type": "property-extension",
                "determination": "successful-attempt",
                "investigation_status": "open",
                "first_seen": format!("{month}-14T22:00:00.000Z"),
            }
        },
    });
    if !recipients.is_empty() {
        o["x_accord_recipients"] = json!(recipients);
    }
    o
}

/// Registers the credentials and communities, and shares the demo's
/// objects.
pub(super) fn seed_sharing(s: &mut Seeder<'_>) -> Result<()> {
    let mut lines = String::from(
        "DEMO TAXII CREDENTIALS — NOT SECRET, NOT FOR REAL USE\n\
         member user password (HTTP Basic; discovery at http://127.0.0.1:8080/taxii2/)\n",
    );
    let mut readers = std::collections::BTreeMap::new();
    for m in CERTS {
        let id = format!("cert-{}", m.to_ascii_lowercase());
        let (secret, body) = crate::cmd::taxii::new_credential(&id)?;
        s.json(m, "share.credential", body)?;
        lines.push_str(&format!("{m} {id} {secret}\n"));
        readers.insert(m, (id, secret));
    }
    std::fs::write(s.dir.join("demo-keys").join(CREDENTIALS_FILE), lines)?;
    s.json(
        "KEN",
        "share.community",
        json!({"id": "africa-cert", "title": "African CERT cooperation", "public": true, "members": [
            {"member": "EGY", "can_read": true, "can_write": true},
            {"member": "FRA", "can_read": true, "can_write": false},
            {"member": "KEN", "can_read": true, "can_write": true},
        ]}),
    )?;
    s.json(
        "DEU",
        "share.community",
        json!({"id": "energy-isac", "title": "Energy sector information sharing", "public": false, "members": [
            {"member": "BRA", "can_read": true, "can_write": true},
            {"member": "DEU", "can_read": true, "can_write": true},
            {"member": "FRA", "can_read": true, "can_write": true},
            {"member": "IND", "can_read": true, "can_write": false},
        ]}),
    )?;
    let reader = |m: &str| -> Result<Reader> {
        let (id, secret) = readers.get(m).ok_or_else(|| anyhow!("no demo credential for {m}"))?;
        s.node.authenticate(id, secret).map_err(|e| anyhow!("demo credential {id}: {e}"))
    };
    // (sharer, collection, tlp, recipients), eight indicators each.
    let plan: [(&str, &str, usize, &[&str]); 8] = [
        ("FRA", "all", 0, &[]),
        ("KEN", "all", 1, &[]),
        ("BRA", "member-BRA", 0, &[]),
        ("DEU", "energy-isac", 1, &[]),
        ("FRA", "all", 2, &["DEU", "KEN"]),
        ("KEN", "africa-cert", 2, &["community-africa-cert"]),
        ("IND", "all", 3, &["FRA"]),
        ("DEU", "energy-isac", 4, &["FRA"]),
    ];
    let mut n = 0;
    let mut envelopes: Vec<(&str, String, Vec<Value>)> = Vec::new();
    for (by, collection, tlp, recipients) in plan {
        let alias = if collection.starts_with("member-") || collection == "all" {
            collection.to_string()
        } else {
            format!("community-{collection}")
        };
        let objects = (0..8)
            .map(|_| {
                n += 1;
                indicator(n, tlp, recipients, by)
            })
            .collect();
        envelopes.push((by, alias, objects));
    }
    let incidents = vec![
        incident(1, 0, &[], "2026-09", &["energy"], "Power distribution SCADA outage"),
        incident(2, 1, &[], "2026-10", &["financial-services"], "Payment network intrusion"),
        incident(3, 2, &["DEU"], "2026-10", &["energy", "utilities"], "Grid operator ransomware"),
        incident(4, 1, &[], "2026-11", &["telecommunications"], "Submarine cable landing station attack"),
        incident(5, 4, &["KEN"], "2026-11", &["government-national"], "Ministry mail compromise"),
        incident(6, 0, &[], "2026-11", &["healthcare"], "Hospital network disruption"),
    ];
    envelopes.push(("FRA", "all".into(), incidents));
    for (by, alias, objects) in envelopes {
        let r = reader(by)?;
        let body = serde_json::to_vec(&json!({ "objects": objects }))?;
        let st =
            s.rt.block_on(s.node.share_envelope(&r, &alias, &body))
                .map_err(|e| anyhow!("demo share by {by} into {alias}: {e}"))?;
        if !st.failures.is_empty() {
            let why: Vec<String> = st.failures.iter().map(|f| format!("{}: {}", f.id, f.message)).collect();
            return Err(anyhow!("demo share by {by} into {alias} refused objects: {}", why.join("; ")));
        }
    }
    Ok(())
}

/// The demo's credential of `member`, from the file the seed wrote.
pub fn demo_credential(dir: &std::path::Path, member: &str) -> Result<(String, String)> {
    let text = std::fs::read_to_string(dir.join("demo-keys").join(CREDENTIALS_FILE))
        .with_context(|| format!("the demo's {CREDENTIALS_FILE}"))?;
    text.lines()
        .filter_map(|l| {
            let mut p = l.split_whitespace();
            Some((p.next()?, p.next()?, p.next()?))
        })
        .find(|(m, _, _)| *m == member)
        .map(|(_, u, p)| (u.to_string(), p.to_string()))
        .ok_or_else(|| anyhow!("no demo credential for {member}"))
}
