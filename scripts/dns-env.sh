#!/usr/bin/env bash
# Installs the DNS tools that the root-zone tests check Accord against, all
# from Debian's packages (bookworm's versions, pinned by the release):
#   ldnsutils         ldns-verify-zone (DNSSEC and ZONEMD of a zone file)
#   knot-dnssecutils  kzonecheck
#   knot-dnsutils     kdig
#   nsd, knot         secondaries that transfer the zone from Accord
#   unbound           a validating resolver
#   dnsperf           the load generator of bench/dns
# None of their services is started: a policy-rc.d refuses every start
# while apt runs, and the tests start their own instances on loopback.
# Idempotent: apt runs only when a tool is missing. Progress goes to stderr.
# Under CI=true a tool that cannot be installed is a failure; otherwise it
# is reported and the tests that need it skip themselves with a message.
set -euo pipefail

log() { echo "dns-env: $*" >&2; }
fail() {
  log "error: $*"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  log "SKIPPED: the DNS interop tests will be skipped on this machine"
  exit 0
}

need=()
for pair in ldns-verify-zone:ldnsutils kzonecheck:knot-dnssecutils kdig:knot-dnsutils \
  nsd:nsd knotd:knot unbound:unbound dnsperf:dnsperf; do
  tool="${pair%%:*}" pkg="${pair##*:}"
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || need+=("$pkg")
done
[ "${#need[@]}" = 0 ] && exit 0
command -v apt-get >/dev/null 2>&1 || fail "missing ${need[*]} and no apt-get to install them"
[ "$(id -u)" = 0 ] || fail "missing ${need[*]}; install them as root: apt-get install ${need[*]}"
log "installing Debian's ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ "$had_policy" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
if ! apt-get install -y --no-install-recommends "${need[@]}" >&2; then
  apt-get update >&2 || fail "apt-get update failed"
  apt-get install -y --no-install-recommends "${need[@]}" >&2 || fail "apt-get install ${need[*]} failed"
fi
