#!/usr/bin/env bash
# Create (or refresh) the Python virtualenv used by Accord's interop tests.
#
#   scripts/python-env.sh            # venv at <repo>/.venv
#   ACCORD_VENV=/tmp/v scripts/python-env.sh
#   PY="$(scripts/python-env.sh)"    # stdout is only the venv's python path
#
# Idempotent: pip runs only when the venv is missing/broken or
# scripts/requirements-test.txt changed since the last successful install
# (tracked by a checksum stamp inside the venv). Progress and pip output go to
# stderr; stdout is always exactly one line, the absolute path of the venv's
# python. Relative ACCORD_VENV paths are taken relative to the repo root.
#
# Env:
#   ACCORD_VENV    venv location (default: .venv)
#   ACCORD_PYTHON  interpreter used to create the venv (default: python3; needs >= 3.11)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
req="$repo_root/scripts/requirements-test.txt"
venv="${ACCORD_VENV:-.venv}"
case "$venv" in
  /*) ;;
  *) venv="$repo_root/$venv" ;;
esac
base_python="${ACCORD_PYTHON:-python3}"
venv_python="$venv/bin/python"
stamp="$venv/.accord-requirements.sha256"

log() { echo "python-env: $*" >&2; }

want="$(sha256sum "$req" | cut -d' ' -f1)"

up_to_date() {
  [ -x "$venv_python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
    "$venv_python" -c 'import sys' 2>/dev/null
}

if up_to_date; then
  echo "$venv_python"
  exit 0
fi

mkdir -p "$(dirname "$venv")"
# Serialise concurrent invocations (e.g. parallel test jobs). The lock is
# taken on the (read-only opened) requirements file so no lock file is left
# in the work tree.
if command -v flock >/dev/null 2>&1; then
  exec 9<"$req"
  flock 9
fi

# Another invocation may have finished the job while we waited for the lock.
if up_to_date; then
  echo "$venv_python"
  exit 0
fi

if ! "$base_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  log "error: $base_python is missing or older than Python 3.11 (tlog-scales needs >= 3.11); set ACCORD_PYTHON"
  exit 1
fi

if [ ! -x "$venv_python" ] || ! "$venv_python" -c 'import sys' 2>/dev/null; then
  if [ -e "$venv" ]; then
    # Only ever delete something that looks like a (broken) venv.
    if [ -f "$venv/pyvenv.cfg" ]; then
      log "removing broken venv at $venv"
      rm -rf "$venv"
    elif [ -d "$venv" ] && [ -z "$(ls -A "$venv")" ]; then
      rmdir "$venv"
    else
      log "error: $venv exists and is not a venv; refusing to overwrite it (set ACCORD_VENV)"
      exit 1
    fi
  fi
  log "creating venv at $venv"
  if ! "$base_python" -m venv "$venv" >&2; then
    log "error: '$base_python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
    exit 1
  fi
fi

log "installing pinned packages from scripts/requirements-test.txt"
rm -f "$stamp"
"$venv_python" -m pip install --disable-pip-version-check --no-input -q -r "$req" >&2
if ! check_out="$("$venv_python" -m pip check --disable-pip-version-check 2>&1)"; then
  log "error: pip check failed:"
  echo "$check_out" >&2
  exit 1
fi
echo "$want" >"$stamp"
log "ready"
echo "$venv_python"
