#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ on the stable toolchain (no sanitizers:
# this is not fuzzing) and replays each target's checked-in seed corpus,
# fuzz/seeds/<target>/, and any crash inputs kept in fuzz/regressions/<target>/,
# as a test: any input that makes a target fail fails this script.
# libfuzzer-sys builds libFuzzer from C++: g++ is installed with apt when
# missing (as root), as the browser tests' Chromium is.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "fuzz-replay: $*" >&2; }
if ! command -v c++ >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing g++ (libfuzzer-sys builds libFuzzer)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends g++ >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends g++ >&2; }
  else
    log "error: no C++ compiler to build libFuzzer"; exit 1
  fi
fi
cargo build --locked --manifest-path fuzz/Cargo.toml --bins >&2
for dir in fuzz/seeds/*/; do
  target=$(basename "$dir")
  inputs=("$dir"*)
  [ -d "fuzz/regressions/$target" ] && inputs+=("fuzz/regressions/$target/"*)
  log "$target: replaying ${#inputs[@]} inputs"
  if ! "fuzz/target/debug/$target" "${inputs[@]}" >/dev/null 2>"fuzz/target/$target.replay.log"; then
    cat "fuzz/target/$target.replay.log" >&2
    log "error: $target failed on its corpus"
    exit 1
  fi
done
log "every target passed its corpus"
