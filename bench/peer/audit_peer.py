#!/usr/bin/env python3
"""Auditor peer for `accord audit`: verify a whole Accord log from outside.

An independent auditor written in Python on the PyPI package tlog-scales 0.0.3
(checkpoint parsing and signature check, tile paths, entry-bundle decoding,
leaf hashes) and `cryptography` (Ed25519, i.e. OpenSSL). It shares no code with
Accord. It is timed side by side with `accord audit` on the same served log.

    PY="$(scripts/python-env.sh)"
    "$PY" bench/peer/audit_peer.py --url http://127.0.0.1:PORT/log \\
        --vkey 'bench.example/log+1234abcd+AT...' [--jobs 8] [--timeout 60]

Checks, in order:
  1. --vkey is a well-formed Ed25519 note vkey whose key ID matches its name
     and key; GET <url>/checkpoint is canonical, its origin is the vkey's name
     and it carries a valid signature by the vkey;
  2. every entry bundle tile/entries/<N>[.p/<W>] is downloaded (keep-alive
     sessions, --jobs parallel downloads, consumed in order) and holds exactly
     the expected number of entries;
  3. every entry is `accord/entry/v1\\ntime <ts>\\n\\n<signed note>`; the note
     text is `accord/statement/v1\\n<json>\\n` with exactly one signature line,
     by the key named `<origin>/members/<member>` with the member's current
     key ID, and the Ed25519 signature over the note text verifies. Entry 0
     must be the `body.genesis` by the secretariat; it supplies the keys (its
     log_key must be --vkey). `member.key.rotate` replaces the member's key
     for its later statements. Sequence numbers must rise per member;
  4. the RFC 9162 Merkle tree hash of all leaf hashes equals the signed root.

stdout on success, one line:
    peer=python-tlog-scales-auditor audit_seconds=<s> entries=<N> verified=ok
audit_seconds runs from the checkpoint request to the root comparison.
On failure: `audit_peer: FAIL: <reason>` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import binascii
import collections
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import requests
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from tlog_scales import backend as ts_backend
    from tlog_scales import signing, tiles, tlog
    from tlog_scales.reader import Tile
    from tlog_scales.utils import sha256
except ImportError as exc:  # pragma: no cover - environment problem
    print(
        f"audit_peer: FAIL: missing dependency ({exc}); run it with the venv python "
        "printed by scripts/python-env.sh",
        file=sys.stderr,
    )
    sys.exit(1)

PEER = "python-tlog-scales-auditor"
ENTRY_PREFIX = b"accord/entry/v1\ntime "
STATEMENT_HEADER = "accord/statement/v1\n"
SECRETARIAT = "secretariat"
ED25519 = 0x01


class AuditError(Exception):
    """The log is not what it claims to be (or could not be read)."""


class HttpStatus(AuditError):
    """A non-200 answer."""

    def __init__(self, msg: str, status: int):
        super().__init__(msg)
        self.status = status


# --------------------------------------------------------------------------
# Keys


class MemberKey:
    """A parsed Ed25519 vkey: name, 4-byte key ID and a ready verifier."""

    __slots__ = ("name", "key_id", "public", "text")

    def __init__(self, text: str, what: str):
        try:
            vk = signing.Vkey.from_string(text)
        except (ValueError, IndexError, binascii.Error) as exc:
            raise AuditError(f"{what}: malformed vkey {text!r}: {exc}") from exc
        if vk.sig_type != ED25519 or len(vk.pubkey) != 32:
            raise AuditError(f"{what}: {text!r} is not an Ed25519 vkey (type 0x01, 32-byte key)")
        # Vkey.from_string trusts the key ID in the string; derive it.
        derived = signing.Vkey(vk.name, None, vk.sig_type, vk.pubkey).key_id
        if derived != vk.key_id:
            raise AuditError(f"{what}: key ID {vk.key_id:08x} in {text!r} does not match name and key ({derived:08x})")
        try:
            self.public = Ed25519PublicKey.from_public_bytes(vk.pubkey)
        except ValueError as exc:
            raise AuditError(f"{what}: not a valid Ed25519 key: {exc}") from exc
        self.name = vk.name
        self.key_id = vk.key_id
        self.text = text

    def describe(self) -> str:
        return f"{self.name}+{self.key_id:08x}"


# --------------------------------------------------------------------------
# HTTP


class Downloader:
    """tlog-scales HttpBackends, one (one keep-alive requests.Session) per thread."""

    def __init__(self, base: str, timeout: float):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.local = threading.local()
        self.requests = 0
        self.bytes = 0
        self.lock = threading.Lock()

    def _backend(self) -> ts_backend.HttpBackend:
        b = getattr(self.local, "backend", None)
        if b is None:
            b = ts_backend.HttpBackend(self.base)
            self.local.backend = b
        return b

    def get(self, path: list[str]) -> bytes:
        # Same URL building as HttpBackend.get, with a timeout and a status.
        b = self._backend()
        url = b.base + "/" + "/".join(path)
        try:
            r = b.session.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise AuditError(f"GET {url} failed: {exc}") from exc
        if r.status_code != 200:
            raise HttpStatus(f"GET {url} answered HTTP {r.status_code}", r.status_code)
        data = r.content
        with self.lock:
            self.requests += 1
            self.bytes += len(data)
        return data


def fetch_bundle(dl: Downloader, n: int, partial: int) -> tuple[bytes, bool]:
    """The bundle at width `partial` (0 = full). If a partial bundle is gone
    because the tile has filled up since the checkpoint (C2SP tlog-tiles
    allows that), the full tile is fetched instead; the flag says so."""
    try:
        return dl.get(tiles.tile_path(-1, n, partial)), False
    except HttpStatus as exc:
        if not partial or exc.status != 404:
            raise
    return dl.get(tiles.tile_path(-1, n)), True


def bundles_in_order(dl: Downloader, size: int, jobs: int):
    """Yields (n, width, data, fell_back) for every entry bundle, in order, with
    up to `jobs` downloads in flight and a bounded read-ahead window."""
    full, partial = divmod(size, 256)
    specs = [(n, 256, 0) for n in range(full)]
    if partial:
        specs.append((full, partial, partial))
    window = max(jobs * 4, 1)
    with ThreadPoolExecutor(max_workers=max(jobs, 1), thread_name_prefix="bundle") as pool:
        pending: collections.deque = collections.deque()
        it = iter(specs)
        try:
            for n, width, p in it:
                pending.append((n, width, pool.submit(fetch_bundle, dl, n, p)))
                if len(pending) >= window:
                    break
            while pending:
                n, width, fut = pending.popleft()
                data, fell_back = fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.append((nxt[0], nxt[1], pool.submit(fetch_bundle, dl, nxt[0], nxt[2])))
                yield n, width, data, fell_back
        finally:
            for _, _, fut in pending:
                fut.cancel()


# --------------------------------------------------------------------------
# Checkpoint


def fetch_checkpoint(dl: Downloader, log_key: MemberKey) -> tlog.Checkpoint:
    raw = dl.get(["checkpoint"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AuditError(f"checkpoint is not UTF-8: {exc}") from exc
    body, sep, _ = text.partition("\n\n")
    if not sep or not text.endswith("\n") or len(body.split("\n")) != 3:
        raise AuditError("checkpoint is not origin, size, root, blank line, signatures")
    try:
        cp = tlog.Checkpoint.from_text(text)
    except (ValueError, IndexError, binascii.Error) as exc:
        raise AuditError(f"checkpoint does not parse: {exc}") from exc
    # tlog-scales verifies its own re-serialisation of the body: insist it is
    # byte-identical to what was served.
    if cp.serialize_body() != body + "\n" or len(cp.root_hash) != 32 or cp.size < 0:
        raise AuditError(f"checkpoint body is not canonical: {body!r}")
    if cp.origin != log_key.name:
        raise AuditError(f"checkpoint origin {cp.origin!r} is not the log key's name {log_key.name!r}")
    try:
        cp.verify(signing.Vkey.from_string(log_key.text))
    except InvalidSignature as exc:
        raise AuditError(f"checkpoint signature by {log_key.describe()} does not verify") from exc
    except RuntimeError as exc:  # "no signature matched vkey"
        raise AuditError(f"checkpoint carries no signature by {log_key.describe()}") from exc
    return cp


# --------------------------------------------------------------------------
# Entries


class Replay:
    """Keys and sequence numbers, from genesis on."""

    def __init__(self, log_key: MemberKey):
        self.log_key = log_key
        self.origin: str | None = None
        self.keys: dict[str, MemberKey] = {}
        self.last_seq: dict[str, int] = {}
        self.signatures = 0

    def entry(self, index: int, data: bytes) -> None:
        if not data.startswith(ENTRY_PREFIX):
            raise AuditError(f"entry {index}: no `accord/entry/v1` header and time line")
        nl = data.find(b"\n", len(ENTRY_PREFIX))
        if nl < 0 or data[nl + 1 : nl + 2] != b"\n":
            raise AuditError(f"entry {index}: no blank line after the time line")
        try:
            note = data[nl + 2 :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AuditError(f"entry {index}: statement is not UTF-8") from exc

        # Signed note: text (ends with "\n"), a blank line, signature lines.
        split = note.rfind("\n\n")
        if split < 0 or not note.endswith("\n"):
            raise AuditError(f"entry {index}: statement is not a signed note")
        text, sig_block = note[: split + 1], note[split + 2 : -1]
        if not text.startswith(STATEMENT_HEADER) or text.count("\n") != 2:
            raise AuditError(f"entry {index}: note text is not `accord/statement/v1` then one JSON line")
        if "\n" in sig_block or not sig_block:
            raise AuditError(f"entry {index}: a statement carries exactly one signature")
        try:
            sig = signing.NoteSignature.from_line(sig_block)
        except (ValueError, IndexError, binascii.Error) as exc:
            raise AuditError(f"entry {index}: bad signature line {sig_block[:120]!r}") from exc
        if not sig_block.startswith("\u2014 ") or len(sig.payload) != 64:
            raise AuditError(f"entry {index}: bad signature line {sig_block[:120]!r}")

        try:
            st = json.loads(text[len(STATEMENT_HEADER) : -1])
            member, seq, kind, body = st["member"], st["seq"], st["type"], st["body"]
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(f"entry {index}: statement JSON: {exc}") from exc
        if not isinstance(member, str) or not isinstance(body, dict) or type(seq) is not int or seq < 1:
            raise AuditError(f"entry {index}: statement fields have the wrong types")

        if index == 0:
            key = self.genesis(member, kind, body)
        else:
            if kind == "body.genesis":
                raise AuditError(f"entry {index}: a second body.genesis")
            key = self.keys.get(member)
            if key is None:
                raise AuditError(f"entry {index}: statement by unknown member {member!r}")
        if seq <= self.last_seq.get(member, 0):
            raise AuditError(f"entry {index}: {member} replays seq {seq} (last {self.last_seq.get(member, 0)})")

        if sig.name != key.name or sig.key_id != key.key_id:
            raise AuditError(
                f"entry {index}: signed by {sig.name}+{sig.key_id:08x}, but {member}'s current key is {key.describe()}"
            )
        try:
            key.public.verify(sig.payload, text.encode("utf-8"))
        except InvalidSignature as exc:
            raise AuditError(f"entry {index}: the signature does not verify with {key.describe()}") from exc
        self.signatures += 1
        self.last_seq[member] = seq

        if kind == "member.key.rotate":
            new = MemberKey(str(body.get("vkey")), f"entry {index}: member.key.rotate")
            if new.name != key.name:
                raise AuditError(f"entry {index}: the new key must be named {key.name}")
            self.keys[member] = new

    def genesis(self, member: str, kind: str, body: dict) -> MemberKey:
        if kind != "body.genesis" or member != SECRETARIAT:
            raise AuditError(f"entry 0 is {kind!r} by {member!r}, not body.genesis by the secretariat")
        origin = body.get("origin")
        if origin != self.log_key.name:
            raise AuditError(f"genesis origin {origin!r} is not the log key's name {self.log_key.name!r}")
        if body.get("log_key") != self.log_key.text:
            raise AuditError(f"genesis names log key {body.get('log_key')!r}, not the trusted --vkey")
        self.origin = origin
        founders = [(SECRETARIAT, body.get("secretariat_key"))]
        for m in body.get("members") or []:
            if not isinstance(m, dict):
                raise AuditError("genesis: a member is not an object")
            founders.append((m.get("id"), m.get("vkey")))
        for mid, vkey in founders:
            if not isinstance(mid, str) or not isinstance(vkey, str):
                raise AuditError(f"genesis: member {mid!r} has no id or vkey")
            if mid in self.keys:
                raise AuditError(f"genesis: member {mid} is listed twice")
            k = MemberKey(vkey, f"genesis: key of {mid}")
            if k.name != f"{origin}/members/{mid}":
                raise AuditError(f"genesis: {mid}'s key must be named {origin}/members/{mid}, not {k.name}")
            self.keys[mid] = k
        return self.keys[SECRETARIAT]


# --------------------------------------------------------------------------
# Merkle tree


class TreeHasher:
    """RFC 9162 MTH, streaming: a stack of perfect subtrees (height, hash)."""

    def __init__(self):
        self.stack: list[tuple[int, bytes]] = []
        self.size = 0

    def push(self, leaf: bytes) -> None:
        h, node = 0, leaf
        while self.stack and self.stack[-1][0] == h:
            _, left = self.stack.pop()
            node = sha256(b"\x01" + left + node)
            h += 1
        self.stack.append((h, node))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return sha256(b"")
        node = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            node = sha256(b"\x01" + left + node)
        return node


# --------------------------------------------------------------------------


def audit(args: argparse.Namespace) -> tuple[int, float, Downloader]:
    log_key = MemberKey(args.vkey.strip(), "--vkey")
    dl = Downloader(args.url, args.timeout)
    started = time.perf_counter()

    cp = fetch_checkpoint(dl, log_key)
    if cp.size == 0:
        raise AuditError("the log is empty: no genesis entry")

    replay = Replay(log_key)
    tree = TreeHasher()
    for n, width, data, fell_back in bundles_in_order(dl, cp.size, args.jobs):
        try:
            entries = Tile.from_entries_bytes(data).entries
        except ValueError as exc:
            raise AuditError(f"entry bundle {n}: {exc}") from exc
        if fell_back and len(entries) == 256:
            entries = entries[:width]  # fell back to the full tile: keep our prefix
        if len(entries) != width:
            raise AuditError(f"entry bundle {n} holds {len(entries)} entries, expected {width}")
        base = n * 256
        for i, entry in enumerate(entries):
            tree.push(tiles.leaf_hash(entry))
            replay.entry(base + i, entry)

    root = tree.root()
    if tree.size != cp.size or root != cp.root_hash:
        raise AuditError(
            f"the entries hash to root {root.hex()} at size {tree.size}, "
            f"but the checkpoint signs {cp.root_hash.hex()} at size {cp.size}"
        )
    if replay.signatures != cp.size:
        raise AuditError(f"verified {replay.signatures} signatures for {cp.size} entries")
    return cp.size, time.perf_counter() - started, dl


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Audit a whole Accord log with tlog-scales + cryptography.")
    p.add_argument("--url", required=True, help="log prefix, e.g. http://127.0.0.1:8080/log")
    p.add_argument("--vkey", required=True, help="the log's vkey: origin+hex8keyid+base64(0x01||pubkey)")
    p.add_argument("--jobs", type=int, default=8, help="parallel bundle downloads (default 8)")
    p.add_argument("--timeout", type=float, default=60.0, help="per-request HTTP timeout, seconds")
    p.add_argument("-v", "--verbose", action="store_true", help="HTTP totals on stderr")
    args = p.parse_args(argv)
    try:
        size, seconds, dl = audit(args)
    except AuditError as exc:
        print(f"audit_peer: FAIL: {exc}", file=sys.stderr)
        return 1
    if args.verbose:
        print(f"audit_peer: {dl.requests} requests, {dl.bytes} bytes", file=sys.stderr)
    print(f"peer={PEER} audit_seconds={seconds:.3f} entries={size} verified=ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
