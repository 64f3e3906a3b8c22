#!/usr/bin/env python3
"""Peer for `accord bench decisions`: a straightforward fold of the same
decision statements, written plainly in Python (standard library only).

Input: a JSON-lines file, one statement per line:
  {"time": <entry ms>, "member": ..., "type": ..., "body": {...}}
and the number of members (all entitled to vote; the benchmark suspends
nobody). It reads and parses every line first (not timed), then times the
fold (best of three runs): close every ballot whose deadline is at or before the entry's time,
then apply proposal.submit / vote.cast / clock.tick. Tally per DESIGN.md §6:
majority of members present and voting (abstentions not counted, a tie
fails), two-thirds for important questions, quorum = more than half of the
members took part.

Prints one line:
  peer=python-fold entries=N fold_entries_per_sec=R outcomes=A/R/F/Y
where outcomes are adopted/rejected/failed-quorum counts and the total of
yes votes counted, for comparison with Accord's fold.
"""
import json
import sys
import time


def main() -> None:
    path, members = sys.argv[1], int(sys.argv[2])
    with open(path, encoding="utf-8") as f:
        statements = [json.loads(line) for line in f]
    # Best of three runs, as Accord's side does.
    best, outcomes = float("inf"), None
    for _ in range(3):
        elapsed, outcomes = fold(statements, members)
        best = min(best, elapsed)
    print(
        f"peer=python-fold entries={len(statements)} "
        f"fold_entries_per_sec={len(statements) / best:.0f} "
        f"outcomes={outcomes}"
    )


def fold(statements, members):
    proposals = {}  # id -> dict
    pending = []  # [closes_ms, order, id], kept sorted
    order = 0
    adopted = rejected = failed = yes_total = 0

    def parse_rfc3339_ms(s: str) -> int:
        # "2027-01-15T08:00:01Z" or with ".123Z"
        from datetime import datetime, timezone
        base, _, frac = s.rstrip("Z").partition(".")
        dt = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
        return int(dt.timestamp()) * 1000 + (int(frac) if frac else 0)

    start = time.perf_counter()
    for st in statements:
        now = st["time"]
        while pending and pending[0][0] <= now:
            _, _, pid = pending.pop(0)
            p = proposals[pid]
            p["open"] = False
            y = sum(1 for v in p["votes"].values() if v == "yes")
            n = sum(1 for v in p["votes"].values() if v == "no")
            a = sum(1 for v in p["votes"].values() if v == "abstain")
            yes_total += y
            if (y + n + a) * 2 <= members:
                failed += 1
            elif p["important"] and y > n and y * 3 >= (y + n) * 2:
                adopted += 1
            elif not p["important"] and y > n:
                adopted += 1
            else:
                rejected += 1
        kind, body = st["type"], st["body"]
        if kind == "proposal.submit":
            closes = parse_rfc3339_ms(body["closes"])
            proposals[body["id"]] = {
                "important": body["question"] == "important",
                "votes": {},
                "open": True,
            }
            pending.append([closes, order, body["id"]])
            pending.sort()
            order += 1
        elif kind == "vote.cast":
            p = proposals.get(body["proposal"])
            if p and p["open"] and st["member"] not in p["votes"]:
                p["votes"][st["member"]] = body["vote"]
    elapsed = time.perf_counter() - start
    return elapsed, f"{adopted}/{rejected}/{failed}/{yes_total}"


if __name__ == "__main__":
    main()
