#!/usr/bin/env bash
# Public page times, Accord beside nginx, same machine, same run:
# `accord bench portal --peer` builds a body of 193 members and 10,000
# proposals decided by recorded vote (plus the demo's Code), serves it with
# the real `accord serve`, and loads each public page and the stylesheet
# with wrk; nginx serves the same bytes as static files (an upper bound:
# precomputed bytes, where Accord renders from its projections on every
# request). Installs wrk and nginx from Debian's packages if missing.
#
#   bench/portal.sh [--members 193] [--proposals 10000] [--duration 10]
#                   [--connections 32] [--threads 2]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/portal.sh: please install ${need[*]} (apt-get install ${need[*]})" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release -q -p accord -p accord-bench
exec target/release/accord bench portal --peer "$@"
