#!/usr/bin/env python3
"""A tlog-witness client written from the C2SP spec (tlog-witness,
tlog-cosignature, signed-note), not from Accord's code: it drives a witness
over HTTP with consistency proofs computed by tlog-scales from a log's
tiles on disk, and checks every answer with tlog-scales' verifiers.

    witness_client.py --witness URL --witness-vkey VKEY --log-vkey VKEY \
                      --tiles DIR CHECKPOINT_FILE CHECKPOINT_FILE CHECKPOINT_FILE

The three checkpoints are signed notes of one log, of increasing sizes.
The script:

1. add-checkpoint from old size 0 with the first (no proof);
2. add-checkpoint from the first's size to the second, with the proof
   tlog-scales computes from the tiles;
3. sends the third with a stale old size (0), expects 409 with
   `Content-Type: text/x.tlog.size` and the second's size, and retries
   from the size the witness gave;
4. sends a proof with one hash flipped, expects 422;
5. reads the monitoring checkpoint (GET <prefix>/<sha256(origin)>/checkpoint)
   and checks both the log's signature and the witness's cosignature.

Every 200 must be one or more signature lines, one of them a cosignature/v1
by the witness's key over the submitted checkpoint with a non-zero
timestamp. Exits 1 on the first mismatch, printing what it was.
"""

import argparse
import base64
import hashlib
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tlog_scales.backend import LocalBackend
from tlog_scales.reader import TilesReader
from tlog_scales.signing import NoteSignature, Vkey
from tlog_scales.tlog import Checkpoint


class Mismatch(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Mismatch(what)


def http(method, url, body=None):
    """(status, content type, body bytes) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def request_body(old, proof, checkpoint_text):
    lines = [f"old {old}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + checkpoint_text).encode()


def check_cosigned(body, cp, witness_vkey):
    """A 200's body: signature lines, one a valid cosignature by the witness."""
    text = body.decode("utf-8")
    expect(text.endswith("\n"), f"200 body does not end in a newline: {text!r}")
    lines = text[:-1].split("\n")
    expect(len(lines) >= 1, "200 body has no signature line")
    verifier = witness_vkey.get_verifier()
    good = 0
    for line in lines:
        expect(line.startswith("\u2014 "), f"not a signature line: {line!r}")
        sig = NoteSignature.from_line(line)
        if not witness_vkey.match(sig):
            continue  # the spec: ignore cosignatures from unknown keys
        expect(len(sig.payload) == 72, f"cosignature/v1 payload is {len(sig.payload)} bytes, not 8 + 64")
        ts = verifier.get_timestamp(sig.payload)
        expect(ts != 0, "cosignature timestamp is zero")
        try:
            verifier.verify(sig.payload, cp)
        except Exception as e:  # cryptography's InvalidSignature
            raise Mismatch(f"cosignature does not verify: {e!r}")
        good += 1
    expect(good >= 1, f"no cosignature by {witness_vkey.serialize()} in {text!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--witness", required=True)
    ap.add_argument("--witness-vkey", required=True)
    ap.add_argument("--log-vkey", required=True)
    ap.add_argument("--tiles", required=True)
    ap.add_argument("checkpoints", nargs=3)
    a = ap.parse_args()

    prefix = a.witness.rstrip("/")
    witness_vkey = Vkey.from_string(a.witness_vkey)
    expect(witness_vkey.sig_type == 0x04, "the witness vkey is not an Ed25519 cosignature key (type 0x04)")
    log_vkey = Vkey.from_string(a.log_vkey)
    texts = [Path(p).read_text() for p in a.checkpoints]
    cps = [Checkpoint.from_text(t) for t in texts]
    for cp in cps:
        cp.verify(log_vkey)  # our own input is what we think it is
    expect(cps[0].size < cps[1].size < cps[2].size, "checkpoints must grow")

    reader = TilesReader(LocalBackend(Path(a.tiles)))
    reader.set_size(cps[2].size)
    for cp in cps:
        expect(reader.mth(0, cp.size) == cp.root_hash, f"the tiles do not give the root of size {cp.size}")

    def proof(old_cp, new_cp):
        p = reader.get_consistency_proof(old_cp.size, new_cp.size)
        p.check(old_cp.root_hash, new_cp.root_hash)
        return p.node_hashes

    add = prefix + "/add-checkpoint"

    # 1. From nothing.
    status, ctype, body = http("POST", add, request_body(0, [], texts[0]))
    expect(status == 200, f"first add-checkpoint: {status} {body!r}")
    expect(ctype.split(";")[0].strip() == "text/plain", f"200 content type {ctype!r}")
    check_cosigned(body, cps[0], witness_vkey)
    print(f"cosigned size {cps[0].size} from 0")

    # 2. Onwards, with tlog-scales' proof.
    status, _, body = http("POST", add, request_body(cps[0].size, proof(cps[0], cps[1]), texts[1]))
    expect(status == 200, f"second add-checkpoint: {status} {body!r}")
    check_cosigned(body, cps[1], witness_vkey)
    print(f"cosigned size {cps[1].size} from {cps[0].size}")

    # 3. A stale old size: 409 and the latest size, then the retry.
    status, ctype, body = http("POST", add, request_body(0, [], texts[2]))
    expect(status == 409, f"stale old size: {status} {body!r}")
    expect(ctype == "text/x.tlog.size", f"409 content type {ctype!r}, not exactly text/x.tlog.size")
    m = re.fullmatch(rb"(0|[1-9][0-9]*)\n", body)
    expect(m is not None, f"409 body {body!r} is not a decimal size and a newline")
    latest = int(m.group(1))
    expect(latest == cps[1].size, f"409 says {latest}, the witness cosigned {cps[1].size}")
    known = {cp.size: cp for cp in cps}
    expect(latest in known, f"409 names size {latest}, which this client never sent")

    # 4. A broken proof is refused, and moves nothing.
    bad = proof(known[latest], cps[2])
    expect(len(bad) > 0, "expected a non-empty proof")
    bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
    status, ctype, body = http("POST", add, request_body(latest, bad, texts[2]))
    expect(status == 422, f"a flipped proof hash: {status} {body!r}")

    status, _, body = http("POST", add, request_body(latest, proof(known[latest], cps[2]), texts[2]))
    expect(status == 200, f"retry after 409: {status} {body!r}")
    check_cosigned(body, cps[2], witness_vkey)
    print(f"409 said {latest}; cosigned size {cps[2].size} from it")

    # 5. The monitoring checkpoint: log signature and cosignature.
    origin_hash = hashlib.sha256(cps[2].origin.encode()).hexdigest()
    status, _, body = http("GET", f"{prefix}/{origin_hash}/checkpoint")
    expect(status == 200, f"monitoring checkpoint: {status} {body!r}")
    served = Checkpoint.from_text(body.decode("utf-8"))
    expect((served.origin, served.size, served.root_hash) == (cps[2].origin, cps[2].size, cps[2].root_hash),
           f"monitoring checkpoint is {served}, not the last cosigned")
    served.verify(log_vkey)
    lines = "".join(s.serialize() + "\n" for s in served.signatures if witness_vkey.match(s))
    check_cosigned(lines.encode(), served, witness_vkey)
    status, _, _ = http("GET", f"{prefix}/{hashlib.sha256(b'never.example/log').hexdigest()}/checkpoint")
    expect(status == 404, f"monitoring checkpoint of a log never cosigned: {status}")
    print("monitoring checkpoint verified: OK")


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        print(f"MISMATCH: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:
        print(f"ERROR: {e!r}", file=sys.stderr)
        sys.exit(1)
