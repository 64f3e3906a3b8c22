#!/usr/bin/env bash
# Sets up what the portal's browser tests (tests/browser/, run by
# crates/accord/tests/e2e/browser.rs) need on a fresh Debian machine:
#   - Debian's chromium at /usr/bin/chromium (apt-get, as root), unless
#     CHROMIUM names another executable;
#   - the pinned npm packages of tests/browser/package-lock.json
#     (playwright-core, which drives that browser, and axe-core) via npm ci.
# Idempotent and quick when already done: apt runs only when the browser is
# missing, npm ci only when package-lock.json changed since the last install
# (a checksum stamp inside node_modules). Progress goes to stderr.
# Under CI=true a step that cannot be done is a failure; otherwise it is
# reported loudly and the browser test skips itself.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo_root/tests/browser"
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.accord-lock.sha256"

log() { echo "browser-env: $*" >&2; }
fail() {
  log "error: $*"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  log "SKIPPED: the browser tests will be skipped on this machine"
  exit 0
}

install_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] || fail "CHROMIUM=$CHROMIUM is not an executable"
    return 0
  fi
  [ -x /usr/bin/chromium ] && return 0
  command -v apt-get >/dev/null 2>&1 || fail "no /usr/bin/chromium and no apt-get to install it"
  [ "$(id -u)" = 0 ] || fail "no /usr/bin/chromium; install it as root: apt-get install chromium"
  log "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends chromium >&2; then
    apt-get update >&2 || fail "apt-get update failed"
    apt-get install -y --no-install-recommends chromium >&2 || fail "apt-get install chromium failed"
  fi
  [ -x /usr/bin/chromium ] || fail "chromium installed but /usr/bin/chromium is missing"
}

# Fonts for the screenshots of Chinese and Arabic pages (the tests do not
# depend on glyphs, so a failure here is a warning, never a failure).
install_fonts() {
  command -v fc-list >/dev/null 2>&1 || return 0
  if fc-list :lang=zh | grep -q . && fc-list :lang=ar | grep -q .; then
    return 0
  fi
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || {
    log "warning: no Chinese/Arabic fonts; screenshots will show boxes"
    return 0
  }
  log "installing fonts for Chinese and Arabic (fonts-noto-cjk, fonts-noto-core)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk fonts-noto-core >&2 ||
    log "warning: could not install the fonts; screenshots may show boxes"
}

install_node_packages() {
  command -v npm >/dev/null 2>&1 || fail "npm is missing (Node 20 or later is needed)"
  local want
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "installing the pinned npm packages of tests/browser (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund >&2) || fail "npm ci in tests/browser failed"
  echo "$want" >"$stamp"
}

install_chromium
install_fonts
install_node_packages
log "ready"
