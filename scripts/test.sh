#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: sets up what the tests
# need (the pinned Python venv with tlog-scales), then the whole workspace's
# unit, integration and end-to-end tests. Under CI=true a missing tool is a
# failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setting up the Python test tools (pinned in scripts/requirements-test.txt)"
scripts/python-env.sh >/dev/null
scripts/browser-env.sh # Chromium and the pinned npm packages of tests/browser

echo "== cargo test (workspace)"
cargo test --workspace --locked "$@"
