//! The auditor's independence from the server is a fact the build checks,
//! not a habit: neither this crate nor the crates it builds on may name
//! the store, the node, the HTTP server or the portal, in any dependency
//! table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

const SERVER_CRATES: [&str; 4] = ["accord-store", "accord-node", "accord-http", "accord-portal"];

/// The dependency names of a Cargo.toml, from every dependency table.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let mut names = Vec::new();
    let mut in_deps = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.trim_matches(['[', ']']).split('.').any(|p| p.ends_with("dependencies"));
            continue;
        }
        if in_deps {
            if let Some((name, _)) = line.split_once('=') {
                // `name = …` or `name.workspace = true`.
                let name = name.trim().trim_matches('"');
                names.push(name.split('.').next().unwrap_or(name).to_string());
            }
        }
    }
    names
}

#[test]
fn the_auditor_and_what_it_builds_on_name_no_server_crate() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let audit = dependencies(&crates.join("accord-audit/Cargo.toml"));
    assert!(audit.iter().any(|d| d == "accord-core"), "the parser sees the dependencies: {audit:?}");
    // Its own accord-* dependencies, and theirs.
    let mut checked = vec!["accord-audit".to_string()];
    let mut queue = vec!["accord-audit".to_string()];
    while let Some(c) = queue.pop() {
        for d in dependencies(&crates.join(&c).join("Cargo.toml")) {
            assert!(
                !SERVER_CRATES.contains(&d.as_str()),
                "{c} depends on {d}: the auditor would share the server's code"
            );
            if d.starts_with("accord") && !checked.contains(&d) {
                checked.push(d.clone());
                queue.push(d);
            }
        }
    }
    assert!(checked.contains(&"accord-log".to_string()), "{checked:?}");
}
