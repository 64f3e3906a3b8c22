#!/usr/bin/env bash
# Side-by-side benchmark of durable signed appends: Accord (`accord bench
# log`, real server on loopback) and the peer (bench/peer/run.sh:
# tlog-scales' tlog-tiles writer behind a verifying, group-committing HTTP
# server), same client count, same machine, same run. Prints both result
# lines and the ratio. Both sides sign every statement before the timed
# window (the peer always does; Accord with --presign), so the figure is
# the server's, not the signing clients' that share its two cores.
#
#   bench/log.sh [--clients 400] [--duration 20] [--peer-entries 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=400 duration=20 peer_entries=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --peer-entries) peer_entries="$2"; shift 2 ;;
    *) echo "bench/log.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cargo build --release -q -p accord -p accord-bench
accord_line=$(target/release/accord bench log --clients "$clients" --duration "$duration" --presign | tee /dev/stderr | grep '^accord appends_per_sec=')
peer_line=$(bench/peer/run.sh --entries "$peer_entries" --batch 4096 --clients "$clients" | tail -n 1)
echo "$accord_line"
echo "$peer_line"
a=$(sed -E 's/.*appends_per_sec=([0-9.]+).*/\1/' <<<"$accord_line")
p=$(sed -E 's/.*appends_per_sec=([0-9.]+).*/\1/' <<<"$peer_line")
python3 -c "print(f'ratio accord/peer (durable signed appends/s): {float($a)/float($p):.1f}x')"
