//! Names in six languages: from the members file, and changed by the
//! member itself with `member.rename`; served, shown and audited.

use crate::common::{accord, Body};
use serde_json::json;

#[test]
fn names_come_from_the_members_file_and_a_members_own_rename() {
    // The body's names (`[names]`) come after the members in the file.
    let mut body = Body::found_with(2, "\n[names]\nar = \"هيئة الاختبار\"\nfr = \"Organe d'essai\"\n");
    let server = body.serve();
    let b: serde_json::Value = server.get("/api/v1/body").json().unwrap();
    assert_eq!(b["names"], json!({"ar": "هيئة الاختبار", "fr": "Organe d'essai"}), "{b}");
    assert!(
        server.get("/?lang=fr").text().unwrap().contains("Organe d&#39;essai")
            || server.get("/?lang=fr").text().unwrap().contains("Organe d'essai")
    );

    let m = &mut body.members;
    let rename = m[0].sign("member.rename", json!({ "name": "Kenya", "names": { "ar": "كينيا", "fr": "Kenya" } }));
    assert_eq!(server.post_statement(&rename).status().as_u16(), 201);
    // Only the member itself renames itself: M001 cannot sign for M000.
    let empty = m[1].sign("member.rename", json!({ "name": "X", "names": {} }));
    let r = server.post_statement(&empty);
    assert_eq!(r.status().as_u16(), 400, "empty names are left out, not written out");
    let size = server.wait_checkpoint(2);

    let members: serde_json::Value = server.get("/api/v1/members").json().unwrap();
    let m0 = members["members"].as_array().unwrap().iter().find(|x| x["id"] == "M000").unwrap();
    assert_eq!((m0["name"].as_str(), &m0["names"]), (Some("Kenya"), &json!({"ar": "كينيا", "fr": "Kenya"})));
    let page = server.get("/members/M000?lang=ar").text().unwrap();
    assert!(page.contains("كينيا"), "{page}");
    // Russian was not given: the one name (M000 is no ISO 3166 code).
    assert!(server.get("/members?lang=ru").text().unwrap().contains("Kenya"));

    let out = accord()
        .args(["audit", &server.url, "--log-key", &body.log_vkey, "--state"])
        .arg(body.dir.path().join("audit.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "audit at size {size}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("names (in every language given)"), "{stdout}");
}
