#!/usr/bin/env python3
"""Writes a dnsperf query file drawn from a signed root zone (the text of
GET /registry/root.zone), with a fixed seed, so that both servers of
bench/dns.sh get the same questions in the same order.

    bench/dns_queries.py ZONE_FILE OUT_FILE [--count 200000] [--seed 2022]

The mix (of every query written):
  70 %  referrals   `www.example.<tld> A`, <tld> any delegated TLD
  10 %  DS          `<tld> DS`, <tld> a delegated TLD that has a DS RRset
  15 %  NXDOMAIN    `<random 8-14 letters> A`, checked to be no TLD
   5 %  apex        `. SOA`, `. DNSKEY`, `. NS` (a third each)
Prints the counts it wrote on stderr.
"""

import argparse
import random
import string
import sys

MIX = [("referral", 70), ("ds", 10), ("nxdomain", 15), ("apex", 5)]


def read_zone(path):
    tlds, with_ds = set(), set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith(";"):
                continue
            fields = line.split()
            if len(fields) < 4:
                continue
            owner, rtype = fields[0].lower(), fields[3].upper()
            # A TLD: one label, then the root.
            if owner == "." or owner.count(".") != 1 or not owner.endswith("."):
                continue
            if rtype == "NS":
                tlds.add(owner)
            elif rtype == "DS":
                with_ds.add(owner)
    return sorted(tlds), sorted(with_ds & tlds)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("zone")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=2022)
    a = p.parse_args()
    tlds, with_ds = read_zone(a.zone)
    if len(tlds) < 100 or not with_ds:
        sys.exit(f"dns_queries.py: {a.zone} has {len(tlds)} TLDs and {len(with_ds)} with DS: not a root zone")
    rng = random.Random(a.seed)
    taken = set(tlds)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    counts = dict.fromkeys(kinds, 0)
    apex = [". SOA", ". DNSKEY", ". NS"]
    lines = []
    for _ in range(a.count):
        kind = rng.choices(kinds, weights)[0]
        counts[kind] += 1
        if kind == "referral":
            lines.append(f"www.example.{rng.choice(tlds)} A")
        elif kind == "ds":
            lines.append(f"{rng.choice(with_ds)} DS")
        elif kind == "nxdomain":
            while True:
                label = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(8, 14)))
                if label + "." not in taken:
                    break
            lines.append(f"{label}. A")
        else:
            lines.append(rng.choice(apex))
    with open(a.out, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    shares = ", ".join(f"{k} {100 * v / a.count:.1f} %" for k, v in counts.items())
    print(
        f"dns_queries.py: {a.count} queries ({shares}) from {len(tlds)} TLDs, {len(with_ds)} with DS, seed {a.seed}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
