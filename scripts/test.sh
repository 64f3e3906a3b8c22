#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: sets up what the tests
# need (the pinned Python venv with tlog-scales; Chromium; Debian's DNS
# tools), checks formatting and
# clippy, builds the fuzz targets and replays their seed corpora, then the
# whole workspace's unit, integration and end-to-end tests. Under CI=true a missing tool is a
# failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setting up the Python test tools (pinned in scripts/requirements-test.txt)"
scripts/python-env.sh >/dev/null
scripts/browser-env.sh # Chromium and the pinned npm packages of tests/browser
scripts/dns-env.sh     # ldns, Knot, NSD, unbound, dnsperf from Debian's packages

echo "== cargo fmt --check, cargo clippy -D warnings"
for c in rustfmt clippy; do
  cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$c"
done
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== fuzz targets: build on stable and replay their seed corpora"
scripts/fuzz-replay.sh

echo "== cargo test (workspace)"
cargo test --workspace --locked "$@"
