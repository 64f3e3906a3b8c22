#!/usr/bin/env bash
# Peer benchmark for `accord bench log`: durable signed appends/s of a C2SP
# tlog-tiles log written by tlog-scales (PyPI, pinned in
# scripts/requirements-test.txt) behind a loopback HTTP server that verifies
# each Ed25519 signed note, group-commits up to --batch entries per commit
# (fsync'd tiles + signed checkpoint) and acks. See bench/peer/README.md.
#
#   bench/peer/run.sh --entries 20000 --batch 256 --clients 256
#   PEER_ENTRIES=20000 PEER_BATCH=256 PEER_CLIENTS=256 bench/peer/run.sh
#
# Options (env var in brackets, default after '='):
#   --entries N     [PEER_ENTRIES=20000]  statements to append
#   --batch B       [PEER_BATCH=256]      max entries per commit
#   --clients C     [PEER_CLIENTS=256]    concurrent submitting connections
#   --mode M        [PEER_MODE=http]      http | direct (no HTTP; writer ceiling)
#   --linger-ms X   [PEER_LINGER_MS=0]    sequencer waits up to X ms to fill a batch
#   --members M     [PEER_MEMBERS=16]     distinct signing keys
#   --seed S        [PEER_SEED=1]
#   --repeat R      [PEER_REPEAT=1]       run R times (one result line each)
#   --tmpdir DIR    [PEER_TMPDIR=${TMPDIR:-/tmp}]  where the log is written;
#                   put it on the same filesystem as Accord's bench data dir
#   --keep                                keep the temp dir (path on stderr)
#
# stdout: one line per run, e.g.
#   peer=tlog-scales-0.0.3 appends_per_sec=1234.5 entries=20000 batch=256 clients=256 p50_ms=.. p99_ms=.. ...
# Everything else goes to stderr. Exit status is non-zero if the run or the
# post-run verification of the log fails.
#
# Setup is idempotent: the first run creates the repo's Python venv via
# scripts/python-env.sh (PyPI needed once); later runs work offline. Only
# 127.0.0.1 and a fresh temp dir are used; the temp dir is removed on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

entries="${PEER_ENTRIES:-20000}"
batch="${PEER_BATCH:-256}"
clients="${PEER_CLIENTS:-256}"
mode="${PEER_MODE:-http}"
linger="${PEER_LINGER_MS:-0}"
members="${PEER_MEMBERS:-16}"
seed="${PEER_SEED:-1}"
repeat="${PEER_REPEAT:-1}"
tmpbase="${PEER_TMPDIR:-${TMPDIR:-/tmp}}"
keep=0

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }
need() { [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }; }

while [ $# -gt 0 ]; do
  case "$1" in
    --entries) need "$@"; entries="$2"; shift 2 ;;
    --batch) need "$@"; batch="$2"; shift 2 ;;
    --clients) need "$@"; clients="$2"; shift 2 ;;
    --mode) need "$@"; mode="$2"; shift 2 ;;
    --linger-ms) need "$@"; linger="$2"; shift 2 ;;
    --members) need "$@"; members="$2"; shift 2 ;;
    --seed) need "$@"; seed="$2"; shift 2 ;;
    --repeat) need "$@"; repeat="$2"; shift 2 ;;
    --tmpdir) need "$@"; tmpbase="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --entries=*|--batch=*|--clients=*|--mode=*|--linger-ms=*|--members=*|--seed=*|--repeat=*|--tmpdir=*)
      k="${1%%=*}"; v="${1#*=}"; shift; set -- "$k" "$v" "$@" ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage 2 ;;
  esac
done

for v in entries batch clients members repeat; do
  case "${!v}" in ''|*[!0-9]*) echo "run.sh: --$v must be a positive integer" >&2; exit 2 ;; esac
  [ "${!v}" -ge 1 ] || { echo "run.sh: --$v must be >= 1" >&2; exit 2; }
done
case "$mode" in http|direct) ;; *) echo "run.sh: --mode must be http or direct" >&2; exit 2 ;; esac

# --- setup (idempotent; offline once the venv exists) -----------------------
py="$("$repo_root/scripts/python-env.sh")"
"$py" - <<'EOF' >&2
import importlib.metadata as m, sys
v = m.version("tlog-scales")
if v != "0.0.3":
    sys.exit(f"run.sh: expected tlog-scales 0.0.3 in the venv, found {v}")
EOF

# --- run ---------------------------------------------------------------------
mkdir -p "$tmpbase"
work="$(mktemp -d "$tmpbase/accord-peer.XXXXXX")"
child=""
cleanup() {
  local rc=$?
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then
    echo "run.sh: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run.sh: peer=tlog-scales mode=$mode entries=$entries batch=$batch clients=$clients fs=$(df -PT "$work" | awk 'NR==2{print $2}') dir=$work" >&2
for ((i = 1; i <= repeat; i++)); do
  rm -rf "$work/run"
  "$py" "$here/tlog_scales_peer.py" bench --workdir "$work/run" \
    --entries "$entries" --batch "$batch" --clients "$clients" --mode "$mode" \
    --linger-ms "$linger" --members "$members" --seed "$seed" &
  child=$!
  wait "$child"
  child=""
done
