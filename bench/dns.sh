#!/usr/bin/env bash
# The signed root zone over DNS, Accord beside NSD, same machine, same run.
#
# Founds a body (`accord keygen` + `accord init`), starts the real `accord
# serve --dns-listen`, imports the shared 2022 IANA root zone (`accord zone
# import`), fetches the signed zone Accord serves (GET /registry/root.zone)
# and gives that same file to NSD (Debian's, rate limiting off, one server
# process per core, SO_REUSEPORT as Accord's UDP workers). Then dnsperf,
# the same flags for both, with a query mix drawn from the zone
# (bench/dns_queries.py, fixed seed): UDP with DO, TCP with DO, and UDP
# with DO at a fixed rate for latency. dnsperf runs on the same two cores
# as the server it loads. Prints each side's line and the ratios, and the
# zone's memory (RSS of accord before and after the import, NSD's).
#
#   bench/dns.sh [--duration 20] [--clients 32] [--threads 2] [--outstanding 200]
#                [--rate 50000] [--rounds 1] [--keep DIR]
#
# Every run is bounded (dnsperf -l, and `timeout` around it); both servers
# are stopped by PID on exit. Timings decide no pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
duration=20 clients=32 threads=2 outstanding=200 rate=50000 rounds=1 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --outstanding) outstanding="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "bench/dns.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
zonefile="$root/../shared/data/rootzone/root-2022021501.zone"
[ -f "$zonefile" ] || { echo "bench/dns.sh: no shared root zone at $zonefile" >&2; exit 2; }
command -v dnsperf >/dev/null && [ -x /usr/sbin/nsd ] || CI=true scripts/dns-env.sh
command -v dnsperf >/dev/null && [ -x /usr/sbin/nsd ] || { echo "bench/dns.sh: dnsperf and nsd are needed" >&2; exit 2; }
cargo build --release -q -p accord
accord="$root/target/release/accord"

if [ -n "$keep" ]; then
  mkdir -p "$keep"; tmp=$(cd "$keep" && pwd)
else
  tmp=$(mktemp -d /tmp/accord-bench-dns.XXXXXX)
fi
accord_pid="" nsd_pid=""
cleanup() {
  # Only the two servers this script started, by PID.
  [ -n "$nsd_pid" ] && kill -TERM "$nsd_pid" 2>/dev/null && wait "$nsd_pid" 2>/dev/null || true
  [ -n "$accord_pid" ] && kill -TERM "$accord_pid" 2>/dev/null && wait "$accord_pid" 2>/dev/null || true
  [ -z "$keep" ] && rm -rf "$tmp"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench/dns: $*" >&2; }
# A loopback port free for UDP and TCP both.
free_port() {
  python3 -c '
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); p = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
# A process and its children (NSD forks its servers and xfrd).
tree_pids() { local c; echo "$1"; for c in $(ps -o pid= --ppid "$1"); do tree_pids "$c"; done; }

# --- Accord: found a body, serve, import the root zone ------------------
log "founding a body of 3 members in $tmp"
origin="bench.accord.example/log"
members="$tmp/members.toml"
printf 'origin = "%s"\nname = "DNS benchmark body"\n' "$origin" >"$members"
for i in 0 1 2; do
  id="M00$i"
  vkey=$("$accord" keygen --origin "$origin" --member "$id" --out "$tmp/$id.key")
  printf '\n[[member]]\nid = "%s"\nname = "Member %s"\nvkey = "%s"\n' "$id" "$i" "$vkey" >>"$members"
done
"$accord" init --data "$tmp/data" --members "$members" >/dev/null

accord_port=$(free_port)
RUST_LOG=warn "$accord" serve --data "$tmp/data" --listen 127.0.0.1:0 --dns-listen "127.0.0.1:$accord_port" \
  >"$tmp/accord.out" 2>"$tmp/accord.err" &
accord_pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's/^accord: listening on //p' "$tmp/accord.out")
  [ -n "$url" ] && break
  kill -0 "$accord_pid" 2>/dev/null || { cat "$tmp/accord.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { log "accord serve did not listen within 60 s"; exit 1; }
sleep 1
accord_rss_before=$(rss_kb "$accord_pid")
log "accord serve (PID $accord_pid) on $url, DNS on 127.0.0.1:$accord_port; RSS ${accord_rss_before} kB"
t0=$(date +%s.%N)
"$accord" zone import --server "$url" --data "$tmp/data" "$zonefile" >&2
# The signed zone, once zone.publish recorded it.
for _ in $(seq 1200); do
  if curl -sf -o "$tmp/root.zone" "$url/registry/root.zone" &&
    curl -sf "$url/api/v1/zone" | python3 -c 'import json,sys; v=json.load(sys.stdin)["versions"]; sys.exit(0 if v and v[0]["published"] else 1)'; then
    break
  fi
  sleep 0.1
done
[ -s "$tmp/root.zone" ] || { log "no signed zone from $url/registry/root.zone"; exit 1; }
t1=$(date +%s.%N)
sleep 1
accord_rss_after=$(rss_kb "$accord_pid")
serial=$(awk '$4 == "SOA" {print $7; exit}' "$tmp/root.zone")
log "imported and signed in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s: serial $serial, $(wc -l <"$tmp/root.zone") records, $(wc -c <"$tmp/root.zone") bytes; RSS ${accord_rss_after} kB"

# --- NSD: the same file -------------------------------------------------
nsd_port=$(free_port)
mkdir -p "$tmp/nsd"
cp "$tmp/root.zone" "$tmp/nsd/root.zone"
cat >"$tmp/nsd/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: $nsd_port
    do-ip6: no
    server-count: 2
    reuseport: yes
    username: ""
    chroot: ""
    zonesdir: "$tmp/nsd"
    zonelistfile: "$tmp/nsd/zone.list"
    database: ""
    pidfile: "$tmp/nsd/nsd.pid"
    xfrdfile: "$tmp/nsd/xfrd.state"
    xfrdir: "$tmp/nsd"
    logfile: "$tmp/nsd/nsd.log"
    verbosity: 0
    hide-version: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    tcp-count: 100
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "root.zone"
EOF
/usr/sbin/nsd-checkconf "$tmp/nsd/nsd.conf"
/usr/sbin/nsd -d -c "$tmp/nsd/nsd.conf" 2>>"$tmp/nsd/nsd.err" &
nsd_pid=$!
for _ in $(seq 300); do
  if kdig @127.0.0.1 -p "$nsd_port" +short +time=1 +retry=0 . SOA 2>/dev/null | grep -q " $serial "; then break; fi
  kill -0 "$nsd_pid" 2>/dev/null || { cat "$tmp/nsd/nsd.err" "$tmp/nsd/nsd.log" >&2; exit 1; }
  sleep 0.1
done
kdig @127.0.0.1 -p "$nsd_port" +short . SOA | grep -q " $serial " || { log "NSD does not serve serial $serial"; exit 1; }
sleep 1
log "nsd (PID $nsd_pid) on 127.0.0.1:$nsd_port: $(cat "$tmp/nsd/nsd.log" 2>/dev/null | tail -n 1)"

echo "machine $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the load (other work on these cores skews both sides)"

# --- Queries ----------------------------------------------------------
python3 bench/dns_queries.py "$tmp/root.zone" "$tmp/queries.txt"
# Both answer the same: compare a sample, header flags and counts aside.
for q in "www.example.com A" "com DS" "nonexistenttld A" ". DNSKEY"; do
  a=$(kdig @127.0.0.1 -p "$accord_port" +dnssec +norec +noall +answer +authority $q | grep -v '^;' | sort)
  n=$(kdig @127.0.0.1 -p "$nsd_port" +dnssec +norec +noall +answer +authority $q | grep -v '^;' | sort)
  [ "$a" = "$n" ] || log "note: answers differ for '$q' (records in answer and authority)"
done

# --- Load -------------------------------------------------------------
# dnsperf NAME PORT MODE OUT [extra flags]: bounded by -l and by timeout.
perf_run() {
  local port=$1 mode=$2 out=$3; shift 3
  timeout $((duration + 30)) dnsperf -s 127.0.0.1 -p "$port" -m "$mode" -d "$tmp/queries.txt" -D \
    -c "$clients" -T "$threads" -q "$outstanding" -l "$duration" -t 2 "$@" >"$out" 2>&1 || true
}
field() { sed -nE "s/^ *$2 *([0-9.]+).*/\1/p" "$1" | head -n 1; }
lost() { sed -nE 's/^ *Queries lost: *([0-9]+).*/\1/p' "$1" | head -n 1; }
avg_ms() { sed -nE 's/^ *Average Latency \(s\): *([0-9.]+).*max ([0-9.]+)\).*/\1 \2/p' "$1" | head -n 1; }
line() { # side transport file
  local qps lat
  qps=$(field "$3" "Queries per second:")
  read -r avg max <<<"$(avg_ms "$3")"
  printf '%-7s %-13s qps=%-10s avg_ms=%-7s max_ms=%-7s lost=%s\n' "$1" "$2" "$qps" \
    "$(python3 -c "print(f'{$avg*1000:.3f}')")" "$(python3 -c "print(f'{$max*1000:.2f}')")" "$(lost "$3")"
}
# A p99 of the per-query latencies dnsperf -v prints ("> RCODE NAME TYPE SECONDS").
p99_line() { # side file
  python3 - "$1" "$2" "$rate" <<'EOF'
import sys
side, path, rate = sys.argv[1], sys.argv[2], sys.argv[3]
lat = []
qps = ""
with open(path, errors="replace") as f:
    for l in f:
        if l.startswith("> "):
            try:
                lat.append(float(l.split()[-1]))
            except ValueError:
                pass
        elif "Queries per second:" in l:
            qps = l.split(":")[1].strip()
lat.sort()
def pct(p):
    return lat[min(len(lat) - 1, round((len(lat) - 1) * p))] * 1000 if lat else float("nan")
print(f"{side:<7} udp+DO@{rate:<6} qps={qps:<10} p50_ms={pct(.5):.3f} p99_ms={pct(.99):.3f} p999_ms={pct(.999):.3f} max_ms={pct(1):.2f} answers={len(lat)}")
EOF
}

udp_a=() udp_n=() tcp_a=() tcp_n=()
# utime + stime, past the command name (NSD's hold spaces).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
tree_ticks() { local t=0 p; for p in $(tree_pids "$1"); do t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done; echo $t; }
for r in $(seq "$rounds"); do
  for mode in udp tcp; do
    for side in accord nsd; do
      port=$accord_port pid=$accord_pid
      [ "$side" = nsd ] && port=$nsd_port pid=$nsd_pid
      log "round $r: $side $mode+DO, ${duration} s, -c $clients -T $threads -q $outstanding"
      before=$(tree_ticks "$pid")
      perf_run "$port" "$mode" "$tmp/$side.$mode.$r.txt"
      after=$(tree_ticks "$pid")
      q=$(field "$tmp/$side.$mode.$r.txt" "Queries per second:")
      echo "$(line "$side" "$mode+DO" "$tmp/$side.$mode.$r.txt") server_cpu=$(python3 -c "print(f'{($after - $before) / 100 / $duration:.2f} cores, {1e6 * ($after - $before) / 100 / ($q * $duration):.2f} us/query')")"
      case "$side.$mode" in
        accord.udp) udp_a+=("$q") ;; nsd.udp) udp_n+=("$q") ;;
        accord.tcp) tcp_a+=("$q") ;; nsd.tcp) tcp_n+=("$q") ;;
      esac
    done
  done
done
accord_rss_load=$(rss_kb "$accord_pid")
# Latency at a fixed rate: every answer's time, from dnsperf -v.
for side in accord nsd; do
  port=$accord_port
  [ "$side" = nsd ] && port=$nsd_port
  log "$side udp+DO at $rate qps, ${duration} s, per-query latencies (-v)"
  perf_run "$port" udp "$tmp/$side.rate.txt" -Q "$rate" -v
  p99_line "$side" "$tmp/$side.rate.txt"
done

nsd_rss=0 nsd_pss=0 n=0
for p in $(tree_pids "$nsd_pid"); do
  nsd_rss=$((nsd_rss + $(rss_kb "$p"))); nsd_pss=$((nsd_pss + $(pss_kb "$p"))); n=$((n + 1))
done
accord_pss=$(pss_kb "$accord_pid")
echo "memory  accord RSS before import ${accord_rss_before} kB, after ${accord_rss_after} kB (zone: +$((accord_rss_after - accord_rss_before)) kB), after the load ${accord_rss_load} kB (PSS $accord_pss kB)"
echo "memory  nsd ${n} processes: RSS summed ${nsd_rss} kB, PSS summed ${nsd_pss} kB (main process RSS $(rss_kb "$nsd_pid") kB)"
python3 - "${udp_a[*]}" "${udp_n[*]}" "${tcp_a[*]}" "${tcp_n[*]}" <<'EOF'
import statistics, sys
ua, un, ta, tn = ([float(x) for x in s.split()] for s in sys.argv[1:5])
med = statistics.median
print(f"ratio accord/nsd UDP+DO qps: {med(ua) / med(un):.2f} (goal >= 0.90)   TCP+DO qps: {med(ta) / med(tn):.2f} (goal >= 0.60)")
EOF
echo "machine load average $(cut -d' ' -f1-3 /proc/loadavg) after the load"
[ -n "$keep" ] && log "kept in $tmp (zone, query file, dnsperf outputs)"
