//! The portal in a real browser: starts `accord demo` and runs
//! `tests/browser/portal.mjs` (headless Debian Chromium driven by
//! playwright-core, with axe-core) against it: accessibility of every page
//! in all six languages (also at a phone's 390 px in English and Arabic,
//! where no page may be wider than the screen, and with arrows mirrored
//! right to left), what Arabic, Chinese and Russian readers see in their
//! language (names, dates, the Code's text), the language switcher,
//! keyboard use, signing in on the desk and casting a vote, the entry's
//! proof checked in the browser (its witness quorum too: `/witnesses`, and
//! `entry_verdict` for the split-view test), the desk over plain HTTP by a name that is
//! not loopback (it says it needs HTTPS) and over HTTPS (`accord serve
//! --tls-cert` on a copy of the demo body, with a certificate for
//! `accord.test` made here), pages without JavaScript, and screenshots into
//! `target/browser-screenshots/` for a person to look at.
//!
//! Not here: what the pages say (the `portal_*` modules fetch them over
//! HTTP). Needs Chromium and `tests/browser/node_modules`
//! (`scripts/browser-env.sh` installs both): under CI=true their absence
//! is a failure, elsewhere a loud skip.

use crate::common::{ci, repo_root, Server};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The script's own checks take about a minute (every page in six
/// languages); past this it hangs.
const HANG: Duration = Duration::from_secs(240);

/// Chromium (checking node and the pinned npm packages too), or what is missing.
fn tools() -> Result<PathBuf, String> {
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Err(format!("no Chromium at {} (set CHROMIUM or run scripts/browser-env.sh)", chromium.display()));
    }
    let modules = repo_root().join("tests/browser/node_modules");
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).join("package.json").exists() {
            return Err(format!("{package} is not in {} (run scripts/browser-env.sh)", modules.display()));
        }
    }
    match Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(chromium),
        other => Err(format!("node does not run: {other:?}")),
    }
}

/// The screenshot folder, beside the build's other outputs.
fn screenshot_dir() -> PathBuf {
    let target =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map_or_else(|| repo_root().join("target"), Path::to_path_buf);
    target.join("browser-screenshots")
}

/// A self-signed certificate for `accord.test`, the name the browser
/// gives the nodes (mapped to 127.0.0.1 in Chromium), written to `dir`:
/// (certificate, key).
fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let made = rcgen::generate_simple_self_signed(vec!["accord.test".to_string()]).unwrap();
    let (cert, key) = (dir.join("accord-test.crt"), dir.join("accord-test.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

/// Copies the folder `from` to `to`, files and subfolders, with their modes.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::set_permissions(to, std::fs::metadata(from).unwrap().permissions()).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The nodes the script drives: `accord demo` over HTTP, and `accord
/// serve` over HTTPS on a copy of the same demo body.
struct Nodes<'a> {
    url: &'a str,
    tls_url: &'a str,
    tls_cert: &'a Path,
}

/// Runs the script to its end (killing it if it hangs): exit success and
/// everything it printed.
fn run_script(chromium: &Path, nodes: &Nodes, demo: &Path, shots: &Path, log: &Path) -> (bool, String) {
    let out = std::fs::File::create(log).unwrap();
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/browser/portal.mjs"))
        .arg("--url")
        .arg(nodes.url)
        .arg("--demo-dir")
        .arg(demo)
        .arg("--screenshots")
        .arg(shots)
        .arg("--tls-url")
        .arg(nodes.tls_url)
        .arg("--tls-cert")
        .arg(nodes.tls_cert)
        .env("CHROMIUM", chromium)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut printed = std::fs::read_to_string(log).unwrap_or_default();
    if status.is_none() {
        printed.push_str(&format!("\n(killed: still running after {}s)\n", HANG.as_secs()));
    }
    (status.is_some_and(|s| s.success()), printed)
}

#[test]
fn the_portal_works_in_a_real_browser() {
    let chromium = match tools() {
        Ok(chromium) => chromium,
        Err(why) if ci() => panic!("CI=true but the browser tests cannot run: {why}"),
        Err(why) => {
            eprintln!("SKIPPED: the portal's browser tests: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("accord-demo");
    // Founded and seeded on its first start; stopped, it is copied whole
    // (keys and all) for the HTTPS node, so one --demo-dir signs in on both.
    Server::demo(&demo).stop();
    let tls_demo = dir.path().join("accord-demo-tls");
    copy_dir(&demo, &tls_demo);
    let server = Server::demo(&demo);
    let (cert, key) = certificate(dir.path());
    let tls = Server::start_with(
        &tls_demo.join("data"),
        &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()],
    );
    assert!(tls.url.starts_with("https://127.0.0.1:"), "{}", tls.url);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();

    let nodes = Nodes { url: &server.url, tls_url: &tls.url, tls_cert: &cert };
    let (ok, printed) = run_script(&chromium, &nodes, &demo, &shots, &dir.path().join("browser.log"));
    assert!(ok, "the browser checks failed (screenshots in {}):\n{printed}", shots.display());
    println!("{printed}");
}

/// The verdict of the in-browser proof check on the entry page `entry` of
/// the node at `url` (`tests/browser/verdict.mjs` in headless Chromium):
/// `None`, loudly, when the browser tools are missing outside CI; a
/// failure under CI=true.
pub fn entry_verdict(url: &str, entry: u64) -> Option<serde_json::Value> {
    let chromium = match tools() {
        Ok(c) => c,
        Err(why) if ci() => panic!("CI=true but the browser tools are missing: {why}"),
        Err(why) => {
            eprintln!("SKIPPED: the browser's proof check: {why}");
            return None;
        }
    };
    let out = Command::new("node")
        .arg(repo_root().join("tests/browser/verdict.mjs"))
        .args(["--url", url, "--entry", &entry.to_string()])
        .env("CHROMIUM", chromium)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "verdict.mjs: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}
