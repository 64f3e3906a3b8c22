#!/usr/bin/env bash
# The peer for `accord-bench taxii`: medallion (PyPI, the OASIS TC's TAXII
# 2.1 reference server), memory backend, on 127.0.0.1. See README.md here.
#
#   bench/peer/taxii/medallion.sh [--port N]
#
# Creates (once) its own venv from requirements.txt beside this script,
# writes a medallion config into a fresh temp dir (one API root, one
# collection readable and writable, one user), starts medallion, waits until
# it answers server discovery, then prints one line on stdout, the base URL
#
#   http://127.0.0.1:PORT
#
# and keeps running until it is sent TERM or INT (it then stops medallion and
# removes its temp dir), until its parent process is gone, or until
# MEDALLION_MAX_SECONDS have passed. Everything else goes to stderr.
#
# Environment (default after '='):
#   ACCORD_BENCH_VENV=<repo>/target/bench-venv-medallion   the venv
#   ACCORD_PYTHON=python3           interpreter the venv is made from (>= 3.11)
#   MEDALLION_PORT=                 port to listen on (default: a free one)
#   MEDALLION_USER=bench            the one user
#   MEDALLION_PASSWORD=             its password (default: random, on stderr)
#   MEDALLION_API_ROOT=trustgroup1  the API root's path segment
#   MEDALLION_COLLECTION=91a7b528-80eb-42ed-a74d-c6fbd5a26116   collection id
#   MEDALLION_MAX_PAGE=1000         taxii.max_page_size (the most per page)
#   MEDALLION_SESSION_TIMEOUT=86400 s a paging session (`next`) stays valid
#   MEDALLION_MAX_SECONDS=14400     s after which the peer stops by itself
#   TMPDIR=/tmp                     where the temp dir goes
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
req="$here/requirements.txt"

log() { echo "medallion.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

port="${MEDALLION_PORT:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || die "--port needs a value"; port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

user="${MEDALLION_USER:-bench}"
password="${MEDALLION_PASSWORD:-}"
api_root="${MEDALLION_API_ROOT:-trustgroup1}"
collection="${MEDALLION_COLLECTION:-91a7b528-80eb-42ed-a74d-c6fbd5a26116}"
max_page="${MEDALLION_MAX_PAGE:-1000}"
session_timeout="${MEDALLION_SESSION_TIMEOUT:-86400}"
max_seconds="${MEDALLION_MAX_SECONDS:-14400}"
for v in max_page session_timeout max_seconds; do
  is_uint "${!v}" && [ "${!v}" -ge 1 ] || die "$v must be a positive integer, not '${!v}'"
done
[ -z "$port" ] || is_uint "$port" || die "--port must be a number, not '$port'"
case "$api_root" in ''|*[!A-Za-z0-9_-]*) die "MEDALLION_API_ROOT must be one path segment of [A-Za-z0-9_-]" ;; esac
case "$collection" in ''|*[!a-f0-9-]*) die "MEDALLION_COLLECTION must be a lower-case UUID" ;; esac
case "$user$password" in *[\"\\]*) die "MEDALLION_USER and MEDALLION_PASSWORD must not hold '\"' or '\\'" ;; esac

# --- venv (idempotent; offline once made) ------------------------------------
venv="${ACCORD_BENCH_VENV:-$repo_root/target/bench-venv-medallion}"
case "$venv" in /*) ;; *) venv="$repo_root/$venv" ;; esac
py="$venv/bin/python"
stamp="$venv/.accord-medallion-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
ready_venv() { [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$py" -c 'import medallion' 2>/dev/null; }
if ! ready_venv; then
  mkdir -p "$(dirname "$venv")"
  # Serialise concurrent set-ups (the lock is the requirements file itself).
  exec 9<"$req"
  flock 9
  if ! ready_venv; then
    base_python="${ACCORD_PYTHON:-python3}"
    "$base_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null ||
      die "$base_python is missing or older than 3.11 (set ACCORD_PYTHON)"
    if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
      die "$venv exists and is not a venv; refusing to touch it (set ACCORD_BENCH_VENV)"
    fi
    [ -x "$py" ] || { log "creating venv at $venv"; "$base_python" -m venv "$venv" >&2; }
    log "installing the pinned packages of $req"
    rm -f "$stamp"
    "$py" -m pip install --disable-pip-version-check --no-input -q --no-deps -r "$req" >&2
    "$py" -m pip check --disable-pip-version-check >&2 || die "pip check failed in $venv"
    echo "$want" >"$stamp"
  fi
  exec 9<&-
fi
version="$("$py" -c 'import importlib.metadata as m; print(m.version("medallion"))')"
[ "$version" = "3.0.0" ] || die "expected medallion 3.0.0 in $venv, found $version"

# --- config ------------------------------------------------------------------
if [ -z "$password" ]; then
  password="$("$py" -c 'import secrets; print(secrets.token_urlsafe(18))')"
  log "user $user, password $password (set MEDALLION_PASSWORD to choose it)"
fi
if [ -z "$port" ]; then
  # A port the kernel has just handed out and released; another process
  # could take it before medallion binds, in which case the start fails.
  port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
base="http://127.0.0.1:$port"

work="$(mktemp -d "${TMPDIR:-/tmp}/accord-medallion.XXXXXX")"
child=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The memory backend's data file: server discovery, the API root (its
# information, its status list) and the collection with no objects yet.
cat >"$work/data.json" <<EOF
{
  "/discovery": {
    "title": "Accord benchmark peer (medallion)",
    "description": "medallion $version, memory backend, for accord-bench taxii",
    "default": "$base/$api_root/",
    "api_roots": ["$base/$api_root/"]
  },
  "$api_root": {
    "information": {
      "title": "Benchmark API root",
      "description": "One collection, readable and writable",
      "versions": ["application/taxii+json;version=2.1"],
      "max_content_length": 104857600
    },
    "status": [],
    "collections": [
      {
        "id": "$collection",
        "title": "Benchmark indicators",
        "description": "Written and read by accord-bench taxii",
        "can_read": true,
        "can_write": true,
        "media_types": ["application/stix+json;version=2.1"],
        "objects": [],
        "manifest": []
      }
    ]
  }
}
EOF
cat >"$work/config.json" <<EOF
{
  "backend": {
    "module": "medallion.backends.memory_backend",
    "module_class": "MemoryBackend",
    "filename": "$work/data.json",
    "session_timeout": $session_timeout
  },
  "users": { "$user": "$password" },
  "taxii": { "max_page_size": $max_page }
}
EOF

# --- run ---------------------------------------------------------------------
# medallion's own entry point (the `medallion` script: Flask's built-in
# threaded server), with werkzeug's one-line-per-request log turned off so
# that logging costs it nothing, and a watchdog thread that ends it if this
# script goes away without stopping it (killed with KILL, say). Its stdout
# (Flask's banner) goes to stderr.
log "starting medallion $version on $base (temp dir $work)"
"$py" -c '
import logging, os, sys, threading, time
logging.getLogger("werkzeug").setLevel(logging.WARNING)
parent = os.getppid()
def watchdog():
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)
threading.Thread(target=watchdog, daemon=True).start()
from medallion.scripts.run import main
sys.exit(main())
' --host 127.0.0.1 --port "$port" --log-level WARN "$work/config.json" >&2 &
child=$!

# Ready when server discovery answers 200 with our credentials.
"$py" - "$base/taxii2/" "$user" "$password" "$child" <<'EOF' >&2 || die "medallion did not come up on $base"
import base64, os, sys, time, urllib.request
url, user, password, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
auth = base64.b64encode(f"{user}:{password}".encode()).decode()
req = urllib.request.Request(url, headers={"Accept": "application/taxii+json;version=2.1", "Authorization": f"Basic {auth}"})
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("medallion.sh: medallion exited during start-up")
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit("medallion.sh: no answer from server discovery within 60 s")
EOF

echo "$base"
log "ready; stops on TERM/INT, when its parent $PPID exits, or after $max_seconds s"
parent=$PPID
start=$SECONDS
while kill -0 "$child" 2>/dev/null; do
  kill -0 "$parent" 2>/dev/null || { log "parent $parent is gone; stopping"; exit 0; }
  if [ $((SECONDS - start)) -ge "$max_seconds" ]; then
    log "MEDALLION_MAX_SECONDS ($max_seconds s) reached; stopping"
    exit 0
  fi
  # Interruptible by TERM (a foreground sleep would delay the trap).
  sleep 1 &
  wait $! || true
done
wait "$child" || die "medallion exited with status $?"
die "medallion exited"
