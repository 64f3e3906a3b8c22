#!/usr/bin/env python3
"""Verifies a cosigned Accord checkpoint with tlog-scales (PyPI), an
implementation of C2SP signed notes and tlog-cosignature nobody here wrote.

    cosigned_verify.py CHECKPOINT_FILE LOG_VKEY [WITNESS_VKEY ...]

The log's signature (type 0x01) and one cosignature/v1 line (type 0x04) by
each witness vkey given must verify. Prints "N cosignatures verified" and
exits 0; exits 1 on any failure.
"""

import sys

from tlog_scales.signing import Vkey
from tlog_scales.tlog import Checkpoint


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    text = open(sys.argv[1], encoding="utf-8").read()
    cp = Checkpoint.from_text(text)
    log = Vkey.from_string(sys.argv[2])
    if log.sig_type != 1:
        print(f"the log vkey is of type {log.sig_type}, not 1", file=sys.stderr)
        return 1
    mine = [s for s in cp.signatures if log.match(s)]
    if len(mine) != 1:
        print(f"{len(mine)} signature lines by the log key", file=sys.stderr)
        return 1
    log.get_verifier().verify_note(mine[0], cp)
    verified = 0
    for v in sys.argv[3:]:
        w = Vkey.from_string(v)
        if w.sig_type != 4:
            print(f"witness vkey {v} is of type {w.sig_type}, not 4 (cosignature/v1)", file=sys.stderr)
            return 1
        lines = [s for s in cp.signatures if w.match(s)]
        if len(lines) != 1:
            print(f"{len(lines)} cosignature lines by {w.name}", file=sys.stderr)
            return 1
        timestamp = int.from_bytes(lines[0].payload[:8])
        if timestamp == 0:
            print(f"the cosignature by {w.name} has a zero timestamp", file=sys.stderr)
            return 1
        w.get_verifier().verify_note(lines[0], cp)
        verified += 1
    print(f"log signature verified; {verified} cosignatures verified")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a verification error is a refusal, said plainly
        print(f"refused: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
