#!/usr/bin/env python3
"""Interop verifier: check a C2SP tlog-tiles log with an independent client.

Uses the third-party `tlog-scales` package (pinned in
scripts/requirements-test.txt; set up the venv with scripts/python-env.sh) for
all tile fetching, Merkle-tree hashing and proof checking, so Accord's log is
checked by code that Accord did not write.

    PY="$(scripts/python-env.sh)"
    "$PY" tests/interop/tlog_verify.py --url http://127.0.0.1:8080/log \\
        --vkey 'origin+1234abcd+AT...' [--samples 16] [--seed 1] \\
        [--previous-checkpoint old.cp] [--save-checkpoint new.cp]

Checks, in order:
  1. the vkey string is a well-formed Ed25519 note vkey (type 0x01, 32-byte key)
     whose key ID matches the one tlog-scales derives from name and key;
  2. GET <url>/checkpoint parses, is in canonical form, its origin equals the
     expected origin (default: the vkey's name), and it carries a valid
     signature by the vkey;
  3. the root hash recomputed from the hash tiles equals the signed root;
  4. for the sampled leaf indices (always 0 and size-1): the entry is fetched
     from the entry bundles, its leaf hash matches the level-0 hash tile, and
     an inclusion proof built from the tiles verifies against the signed root;
  5. with --previous-checkpoint: that checkpoint is also validly signed, has
     the same origin, is not larger than the current one, and a consistency
     proof built from the tiles verifies old root -> new root.

Exit status: 0 = all checks passed, 1 = verification failed (reason on
stderr), 2 = usage error or missing dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from pathlib import Path

try:
    import requests
    from cryptography.exceptions import InvalidSignature
    from tlog_scales import backend as ts_backend
    from tlog_scales import signing, tiles, tlog
    from tlog_scales.reader import TilesReader
except ImportError as exc:  # pragma: no cover - environment problem
    print(
        f"tlog_verify: missing dependency ({exc}); run it with the venv python "
        "printed by scripts/python-env.sh",
        file=sys.stderr,
    )
    sys.exit(2)

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2

ED25519_SIG_TYPE = 0x01


class VerifyError(Exception):
    """A verification failure, with a human-readable reason."""


class RecordingHttpBackend(ts_backend.HttpBackend):
    """tlog-scales' HttpBackend plus a request timeout and bookkeeping.

    The upstream backend calls requests without a timeout (a stalled server
    would hang the verifier forever) and maps every non-200 status to None,
    which the reader reports only as "could not get tile". We keep the same
    contract (bytes on 200, None otherwise) but remember what happened so
    failures can name the URL and status.
    """

    def __init__(self, base: str, timeout: float):
        super().__init__(base)
        self.timeout = timeout
        self.requests = 0
        self.bytes = 0
        self.last_miss: tuple[str, int] | None = None

    def get(self, *path: str) -> bytes | None:
        url = self.base + "/" + "/".join(path)
        try:
            resp = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise VerifyError(f"GET {url} failed: {exc}") from exc
        self.requests += 1
        if resp.status_code != 200:
            self.last_miss = (url, resp.status_code)
            return None
        self.bytes += len(resp.content)
        return resp.content


@contextlib.contextmanager
def step(what: str, backend=None):
    """Turn any exception raised by tlog-scales into a VerifyError naming the step."""
    if isinstance(backend, RecordingHttpBackend):
        backend.last_miss = None
    try:
        yield
    except VerifyError as exc:
        raise VerifyError(f"{what}: {exc}") from exc
    except InvalidSignature as exc:
        raise VerifyError(f"{what}: Ed25519 signature does not verify") from exc
    except Exception as exc:  # tlog-scales raises Assertion/Runtime/Value/IndexError
        msg = f"{what}: {type(exc).__name__}: {exc}".rstrip(": ")
        miss = backend.last_miss if isinstance(backend, RecordingHttpBackend) else None
        if miss is not None:
            msg += f" (last non-200 response: GET {miss[0]} -> HTTP {miss[1]})"
        raise VerifyError(msg) from exc


def parse_vkey(text: str) -> signing.Vkey:
    with step("parsing --vkey"):
        vkey = signing.Vkey.from_string(text.strip())
    if vkey.sig_type != ED25519_SIG_TYPE:
        raise VerifyError(
            f"--vkey has signature type 0x{vkey.sig_type:02x}; a log key must be Ed25519 (0x01)"
        )
    if len(vkey.pubkey) != 32:
        raise VerifyError(f"--vkey public key is {len(vkey.pubkey)} bytes, expected 32")
    # Vkey.from_string trusts the key ID in the string; recompute it the way
    # tlog-scales does for keys it creates (key_id=None) and compare.
    derived = signing.Vkey(vkey.name, None, vkey.sig_type, vkey.pubkey)
    if derived.key_id != vkey.key_id:
        raise VerifyError(
            f"--vkey key ID {vkey.key_id:08x} does not match the key "
            f"(expected {derived.key_id:08x} for name {vkey.name!r})"
        )
    return vkey


def parse_checkpoint(raw: bytes, source: str) -> tlog.Checkpoint:
    """Parse with tlog-scales, after checks its lenient parser skips."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerifyError(f"{source}: not valid UTF-8: {exc}") from exc
    if not text.endswith("\n"):
        raise VerifyError(f"{source}: does not end with a newline")
    body, sep, _sigs = text.partition("\n\n")
    if not sep:
        raise VerifyError(f"{source}: no blank line between note body and signatures")
    body_lines = body.split("\n")
    if len(body_lines) != 3:
        # tlog-scales 0.0.3 cannot parse (or verify) extension lines.
        raise VerifyError(
            f"{source}: note body has {len(body_lines)} lines; expected exactly "
            "origin, size, root hash (extension lines are not supported by tlog-scales)"
        )
    with step(f"{source}: parsing checkpoint"):
        cp = tlog.Checkpoint.from_text(text)
    if len(cp.root_hash) != 32:
        raise VerifyError(f"{source}: root hash is {len(cp.root_hash)} bytes, expected 32")
    if cp.size < 0:
        raise VerifyError(f"{source}: negative tree size {cp.size}")
    # tlog-scales verifies the signature over its own re-serialisation of the
    # body, so make sure that is byte-identical to what was served.
    if body + "\n" != cp.serialize_body():
        raise VerifyError(
            f"{source}: note body is not in canonical form "
            f"(served {body!r}, canonical {cp.serialize_body().rstrip(chr(10))!r})"
        )
    return cp


def verify_signature(cp: tlog.Checkpoint, vkey: signing.Vkey, expected_origin: str, source: str) -> None:
    if cp.origin != expected_origin:
        raise VerifyError(
            f"{source}: origin {cp.origin!r} does not match expected origin {expected_origin!r}"
        )
    if not any(vkey.match(sig) for sig in cp.signatures):
        present = ", ".join(f"{s.name}+{s.key_id:08x}" for s in cp.signatures) or "none"
        raise VerifyError(
            f"{source}: no signature line from key {vkey.name}+{vkey.key_id:08x} "
            f"(signatures present: {present})"
        )
    with step(f"{source}: verifying signature of {vkey.name}+{vkey.key_id:08x}"):
        cp.verify(vkey)


def pick_samples(size: int, count: int, rng: random.Random, everything: bool) -> list[int]:
    if size == 0:
        return []
    if everything or count >= size:
        return list(range(size))
    chosen = {0, size - 1}
    interior = range(1, size - 1)
    extra = max(0, count - len(chosen))
    if extra and len(interior):
        chosen.update(rng.sample(interior, min(extra, len(interior))))
    return sorted(chosen)


def format_indices(indices: list[int], limit: int = 12) -> str:
    if len(indices) <= limit:
        return ", ".join(map(str, indices))
    head = ", ".join(map(str, indices[: limit - 1]))
    return f"{head}, ..., {indices[-1]}"


def verify_consistency(reader: TilesReader, old: tlog.Checkpoint, new: tlog.Checkpoint, backend) -> str:
    if old.size > new.size:
        raise VerifyError(
            f"previous checkpoint size {old.size} > current size {new.size}: the log shrank (rollback)"
        )
    if old.size == new.size:
        if old.root_hash != new.root_hash:
            raise VerifyError(
                f"previous and current checkpoint both have size {new.size} but different roots "
                f"({old.root_hash.hex()} vs {new.root_hash.hex()}): split view / fork"
            )
        return f"{old.size} -> {new.size} (same tree)"
    if old.size == 0:
        # TilesReader.get_consistency_proof(0, n) trips an assertion in
        # tiles.next_split(1); an empty proof is what RFC 9162 expects here and
        # ConsistencyProof.check handles that case (old root must be MTH({})).
        proof = tlog.ConsistencyProof(0, new.size, [])
    else:
        with step(f"building consistency proof {old.size} -> {new.size} from tiles", backend):
            proof = reader.get_consistency_proof(old.size, new.size)
    try:
        proof.check(old.root_hash, new.root_hash)
    except tlog.ConsistencyProofInvalid as exc:
        raise VerifyError(
            f"consistency proof {old.size} -> {new.size} does not verify: the previous "
            f"checkpoint's tree is not a prefix of the current tree (fork / rewritten history); "
            f"tlog-scales says: {exc}"
        ) from exc
    return f"{old.size} -> {new.size} verified ({len(proof.node_hashes)} proof hashes)"


def run(args: argparse.Namespace) -> list[str]:
    vkey = parse_vkey(args.vkey)
    expected_origin = args.origin if args.origin is not None else vkey.name

    url = args.url
    if url.startswith(("http://", "https://")):
        backend = RecordingHttpBackend(url, args.timeout)
    else:
        with step(f"opening {url}"):
            backend = ts_backend.make_backend(url)
    reader = TilesReader(backend)

    # Same as TilesReader.get_checkpoint(), but keeping the raw bytes so the
    # exact served note can be saved and checked for canonical form.
    with step("fetching checkpoint", backend):
        raw = backend.get("checkpoint")
    if raw is None:
        miss = backend.last_miss if isinstance(backend, RecordingHttpBackend) else None
        detail = f" (HTTP {miss[1]})" if miss else ""
        raise VerifyError(f"no checkpoint at {url.rstrip('/')}/checkpoint{detail}")
    cp = parse_checkpoint(raw, "checkpoint")
    reader.set_size(cp.size)
    verify_signature(cp, vkey, expected_origin, "checkpoint")

    summary = [
        f"log          {url}",
        f"checkpoint   origin={cp.origin} size={cp.size} root={cp.root_hash.hex()}",
        f"signature    OK ({vkey.name}+{vkey.key_id:08x}, Ed25519)",
    ]

    with step("recomputing root hash from tiles", backend):
        computed = reader.calculate_root_hash()
    if computed != cp.root_hash:
        raise VerifyError(
            f"root hash computed from tiles {computed.hex()} != signed root {cp.root_hash.hex()}"
        )
    summary.append("tiles root   OK (recomputed from hash tiles)")

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    indices = pick_samples(cp.size, args.samples, random.Random(seed), args.all)
    for idx in indices:
        with step(f"leaf {idx}: fetching entry", backend):
            entry = reader.get_entry(idx)
        leaf_hash = tiles.leaf_hash(entry)
        with step(f"leaf {idx}: reading level-0 hash tile", backend):
            tile_hash = reader.mth(idx, idx + 1)
        if tile_hash != leaf_hash:
            raise VerifyError(
                f"leaf {idx}: hash of entry bundle data {leaf_hash.hex()} != "
                f"level-0 tile hash {tile_hash.hex()}"
            )
        with step(f"leaf {idx}: building inclusion proof from tiles", backend):
            proof = reader.get_inclusion_proof(idx, cp.size)
        with step(f"leaf {idx}: inclusion proof against root of size {cp.size}"):
            proof.check(leaf_hash, cp.root_hash)
    summary.append(
        f"inclusion    {len(indices)} leaves OK (seed {seed}): {format_indices(indices)}"
        if indices
        else "inclusion    empty tree, nothing to prove"
    )

    if args.previous_checkpoint is not None:
        path = Path(args.previous_checkpoint)
        try:
            old_raw = path.read_bytes()
        except OSError as exc:
            raise VerifyError(f"cannot read previous checkpoint {path}: {exc}") from exc
        old = parse_checkpoint(old_raw, f"previous checkpoint {path}")
        verify_signature(old, vkey, expected_origin, f"previous checkpoint {path}")
        summary.append("consistency  " + verify_consistency(reader, old, cp, backend))

    if args.save_checkpoint is not None:
        out = Path(args.save_checkpoint)
        try:
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_bytes(raw)
            tmp.replace(out)
        except OSError as exc:
            raise VerifyError(f"cannot save checkpoint to {out}: {exc}") from exc
        summary.append(f"saved        verified checkpoint -> {out}")

    if isinstance(backend, RecordingHttpBackend):
        summary.append(f"http         {backend.requests} requests, {backend.bytes} bytes")
    return summary


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Verify a C2SP tlog-tiles log using the independent tlog-scales client.",
    )
    p.add_argument("--url", required=True,
                   help="log prefix, e.g. http://127.0.0.1:8080/log (a local directory path also works)")
    p.add_argument("--vkey", required=True,
                   help="log's Ed25519 note verifier key: name+hex8keyid+base64(0x01||pubkey)")
    p.add_argument("--origin", default=None,
                   help="expected checkpoint origin (default: the vkey's key name)")
    p.add_argument("--samples", type=int, default=16,
                   help="number of leaf indices to prove, including 0 and size-1 (default 16)")
    p.add_argument("--all", action="store_true", help="prove every leaf (small logs only)")
    p.add_argument("--seed", type=int, default=None, help="RNG seed for sampling (default: random, printed)")
    p.add_argument("--previous-checkpoint", metavar="FILE",
                   help="earlier checkpoint of the same log; verify consistency to the current one")
    p.add_argument("--save-checkpoint", metavar="FILE",
                   help="after successful verification, write the served checkpoint here")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request HTTP timeout in seconds")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.samples < 0:
        print("tlog_verify: --samples must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = run(args)
    except VerifyError as exc:
        print(f"tlog_verify: FAIL: {exc}", file=sys.stderr)
        return EXIT_FAIL
    print("tlog_verify: OK")
    for line in summary:
        print("  " + line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
