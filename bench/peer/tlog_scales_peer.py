#!/usr/bin/env python3
"""Peer benchmark for `accord bench log`: durable signed appends to a C2SP
tlog-tiles log written by tlog-scales (PyPI `tlog-scales`, TilesWriter).

Workload (mirrors Accord's append path, see bench/peer/README.md):

  * M member Ed25519 keys; N statements, each a C2SP signed note of
    ~300-450 bytes ("accord/statement/v1" + canonical JSON + one Ed25519
    signature line), all signed before the timed window.
  * A server process on 127.0.0.1 (ephemeral port) takes
    `POST /add` (body = the note) over HTTP/1.1 keep-alive, verifies the
    note's signature (key id + Ed25519), wraps it in a log entry
    ("accord/entry/v1\\ntime ...\\n\\n<note>"), queues it, and a single
    sequencer group-commits up to --batch queued entries with
    TilesWriter.commit() (entry bundle + hash tiles + signed checkpoint, each
    written with fsync(file) + rename + fsync(dir)), then acks every entry
    of the batch with {"index", "leaf_hash"}.
  * C concurrent client connections (asyncio, one process) submit the notes;
    appends/s = N / (first send .. last ack); latency = send .. ack per entry.
  * Afterwards the log on disk is re-read and checked (size, checkpoint
    signature, root hash, spot inclusion proofs, entry bytes).

Prints one line:
  peer=tlog-scales-<ver> appends_per_sec=<f> entries=<N> batch=<B> clients=<C>
  p50_ms=<f> p99_ms=<f> commits=<n> avg_batch=<f> ...

`--mode direct` skips HTTP: one process verifies + appends the pre-signed
notes in batches of exactly --batch (the writer's ceiling, no submit->ack
latency reported).

All files live under --workdir (run.sh passes a fresh temp dir and removes it).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from tlog_scales import reader as ts_reader
from tlog_scales import signing as ts_signing
from tlog_scales import tlog as ts_tlog
from tlog_scales import backend as ts_backend
from tlog_scales import writer as ts_writer

try:
    from tlog_scales.__about__ import __version__ as TS_VERSION
except Exception:  # pragma: no cover
    TS_VERSION = "unknown"

ORIGIN = "bench.accord.example/peer"
EM_DASH = "\u2014"
STATEMENT_HEADER = b"accord/statement/v1\n"
ENTRY_HEADER = b"accord/entry/v1\n"


# --------------------------------------------------------------------------
# signed notes (C2SP signed-note, Ed25519 type 0x01)
# --------------------------------------------------------------------------

def key_id(name: str, pub: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4]


def vkey_string(name: str, pub: bytes) -> str:
    b64 = base64.b64encode(b"\x01" + pub).decode()
    return f"{name}+{key_id(name, pub).hex()}+{b64}"


def parse_vkey(s: str) -> tuple[str, bytes, bytes]:
    name, kid_hex, b64 = s.split("+", 2)
    raw = base64.b64decode(b64)
    if raw[0] != 1 or len(raw) != 33:
        raise ValueError("not an Ed25519 vkey")
    pub = raw[1:]
    kid = bytes.fromhex(kid_hex)
    if kid != key_id(name, pub):
        raise ValueError("vkey key id mismatch")
    return name, kid, pub


def sign_note(text: bytes, name: str, kid: bytes, sk: Ed25519PrivateKey) -> bytes:
    sig = sk.sign(text)
    line = f"{EM_DASH} {name} {base64.b64encode(kid + sig).decode()}\n"
    return text + b"\n" + line.encode()


class NoteVerifier:
    """Verifies notes signed by any of a set of known Ed25519 vkeys."""

    def __init__(self, vkeys: list[str]):
        self.keys: dict[tuple[str, bytes], Ed25519PublicKey] = {}
        for v in vkeys:
            name, kid, pub = parse_vkey(v)
            self.keys[(name, kid)] = Ed25519PublicKey.from_public_bytes(pub)

    def verify(self, note: bytes) -> None:
        # text ends with "\n"; signatures follow the last blank line.
        split = note.rfind(b"\n\n")
        if split < 0 or not note.endswith(b"\n"):
            raise ValueError("malformed note")
        text = note[: split + 1]
        ok = False
        for line in note[split + 2 : -1].split(b"\n"):
            parts = line.decode().split(" ")
            if len(parts) != 3 or parts[0] != EM_DASH:
                raise ValueError("malformed signature line")
            blob = base64.b64decode(parts[2], validate=True)
            if len(blob) != 4 + 64:
                continue
            pk = self.keys.get((parts[1], blob[:4]))
            if pk is None:
                continue
            try:
                pk.verify(blob[4:], text)
            except InvalidSignature:
                raise ValueError("bad signature")
            ok = True
        if not ok:
            raise ValueError("no signature by a known key")


# --------------------------------------------------------------------------
# workload generation
# --------------------------------------------------------------------------

def make_members(m: int, seed: int):
    rnd = random.Random(seed)
    members = []
    for i in range(m):
        sk = Ed25519PrivateKey.from_private_bytes(rnd.randbytes(32))
        pub = sk.public_key().public_bytes_raw()
        mid = f"M{i:02d}"
        name = f"{ORIGIN}/members/{mid}"
        members.append((mid, name, key_id(name, pub), sk, vkey_string(name, pub)))
    return members


def make_notes(n: int, members, seed: int) -> list[bytes]:
    """N signed statements of ~300-450 bytes (target mean ~400)."""
    rnd = random.Random(seed + 1)
    seqs = {m[0]: 0 for m in members}
    base = dt.datetime(2026, 11, 25, 18, 0, 0, tzinfo=dt.timezone.utc)
    notes = []
    for i in range(n):
        mid, name, kid, sk, _ = members[i % len(members)]
        seqs[mid] += 1
        target = rnd.randint(350, 450)
        body = {
            "ballot": f"P-{rnd.randrange(10**6):06d}",
            "choice": rnd.choice(["yes", "no", "abstain"]),
            "comment": "",
        }
        stmt = {
            "body": body,
            "member": mid,
            "seq": seqs[mid],
            "time": (base + dt.timedelta(milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "type": "vote.cast",
        }

        def render() -> bytes:
            js = json.dumps(stmt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            text = STATEMENT_HEADER + js.encode() + b"\n"
            return text

        # signature line: em dash(3) + space + name + space + b64(68 bytes)=92 + \n, plus blank line
        overhead = 1 + len(EM_DASH.encode()) + 1 + len(name) + 1 + 92 + 1
        pad = max(0, target - overhead - len(render()))
        body["comment"] = rnd.randbytes(pad // 2 + 1).hex()[:pad]
        notes.append(sign_note(render(), name, kid, sk))
    return notes


def make_entry(note: bytes, now: dt.datetime) -> bytes:
    t = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return ENTRY_HEADER + b"time " + t.encode() + b"\n\n" + note


# --------------------------------------------------------------------------
# server
# --------------------------------------------------------------------------

class Sequencer:
    def __init__(self, root: Path, signer, batch: int, linger_ms: float):
        self.writer = ts_writer.TilesWriter.create(root, ORIGIN)
        self.signer = signer
        self.batch = batch
        self.linger = linger_ms / 1000.0
        self.queue: asyncio.Queue = asyncio.Queue()
        self.commits = 0
        self.committed = 0
        self.commit_secs = 0.0
        self.max_batch_seen = 0

    def _commit(self, entries: list[bytes]) -> tuple[int, list[bytes]]:
        start = self.writer.size
        for e in entries:
            self.writer.add_leaf(e)
        self.writer.commit([self.signer])
        return start, [hashlib.sha256(b"\x00" + e).digest() for e in entries]

    async def run(self):
        loop = asyncio.get_running_loop()
        while True:
            first = await self.queue.get()
            if first is None:
                return
            items = [first]
            deadline = loop.time() + self.linger
            while len(items) < self.batch:
                try:
                    items.append(self.queue.get_nowait())
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        items.append(await asyncio.wait_for(self.queue.get(), remaining))
                    except asyncio.TimeoutError:
                        break
            stop = False
            if items[-1] is None:
                items.pop()
                stop = True
            if items:
                t0 = time.perf_counter()
                start, hashes = await loop.run_in_executor(None, self._commit, [e for e, _ in items])
                self.commit_secs += time.perf_counter() - t0
                self.commits += 1
                self.committed += len(items)
                self.max_batch_seen = max(self.max_batch_seen, len(items))
                for k, (_, fut) in enumerate(items):
                    if not fut.done():
                        fut.set_result((start + k, hashes[k]))
            if stop:
                return


async def serve(args) -> None:
    root = Path(args.workdir) / "log"
    vkeys = Path(args.workdir, "members.vkeys").read_text().split()
    verifier = NoteVerifier(vkeys)
    log_sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(Path(args.workdir, "log.key").read_text().strip()))
    signer = ts_signing.PlainEd25519Signer(ORIGIN, log_sk)
    seq = Sequencer(root, signer, args.batch, args.linger_ms)
    seq_task = asyncio.create_task(seq.run())
    done = asyncio.Event()
    stats = {"rejected": 0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                method, path, _ = lines[0].split(b" ", 2)
                clen = 0
                for h in lines[1:]:
                    if h[:15].lower() == b"content-length:":
                        clen = int(h[15:])
                if clen > 65535:
                    raise ValueError("body too large")
                body = await reader.readexactly(clen) if clen else b""
                if method == b"POST" and path == b"/add":
                    try:
                        verifier.verify(body)
                    except Exception as e:  # refused: 400
                        stats["rejected"] += 1
                        msg = str(e).encode()
                        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(msg), msg))
                        continue
                    entry = make_entry(body, dt.datetime.now(dt.timezone.utc))
                    fut = asyncio.get_running_loop().create_future()
                    seq.queue.put_nowait((entry, fut))
                    index, lh = await fut
                    resp = b'{"index":%d,"leaf_hash":"%s"}' % (index, base64.b64encode(lh))
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(resp), resp))
                elif method == b"POST" and path == b"/shutdown":
                    await seq.queue.put(None)
                    await seq_task
                    ru = resource.getrusage(resource.RUSAGE_SELF)
                    out = json.dumps({
                        "commits": seq.commits,
                        "committed": seq.committed,
                        "commit_secs": seq.commit_secs,
                        "max_batch": seq.max_batch_seen,
                        "rejected": stats["rejected"],
                        "server_cpu_secs": ru.ru_utime + ru.ru_stime,
                    }).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out))
                    await writer.drain()
                    done.set()
                    return
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def orphan_watchdog():
        parent = os.getppid()
        while not done.is_set():
            await asyncio.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)

    watchdog = asyncio.create_task(orphan_watchdog())
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await done.wait()
    watchdog.cancel()


# --------------------------------------------------------------------------
# client / orchestration
# --------------------------------------------------------------------------

def pct(sorted_vals: list[float], p: float) -> float:
    if not sorted_vals:
        return float("nan")
    k = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


async def http_call(reader, writer, path: bytes, body: bytes) -> tuple[int, bytes]:
    writer.write(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s" % (path, len(body), body))
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    clen = 0
    for h in lines[1:]:
        if h[:15].lower() == b"content-length:":
            clen = int(h[15:])
    data = await reader.readexactly(clen) if clen else b""
    return status, data


async def load(port: int, notes: list[bytes], clients: int):
    lat = [0.0] * len(notes)
    acks: list[tuple[int, str] | None] = [None] * len(notes)
    next_i = 0
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(clients)]

    async def worker(r, w):
        nonlocal next_i
        while True:
            i = next_i
            if i >= len(notes):
                return
            next_i += 1
            t0 = time.perf_counter()
            status, data = await http_call(r, w, b"/add", notes[i])
            lat[i] = time.perf_counter() - t0
            if status != 200:
                raise RuntimeError(f"entry {i}: HTTP {status}: {data!r}")
            j = json.loads(data)
            acks[i] = (j["index"], j["leaf_hash"])

    t_start = time.perf_counter()
    await asyncio.gather(*(worker(r, w) for r, w in conns))
    wall = time.perf_counter() - t_start
    for _, w in conns[1:]:
        w.close()
        await w.wait_closed()
    r, w = conns[0]
    status, data = await http_call(r, w, b"/shutdown", b"")
    stats = json.loads(data)
    w.close()
    return wall, lat, acks, stats


def verify_log(root: Path, n: int, log_vkey: ts_signing.Vkey, notes: list[bytes], acks, rnd: random.Random) -> None:
    rd = ts_reader.TilesReader(ts_backend.LocalBackend(root))
    cp = rd.get_checkpoint()
    if cp.size != n:
        raise SystemExit(f"verify: checkpoint size {cp.size} != {n}")
    cp.verify(log_vkey)  # raises on a bad signature
    if not any(log_vkey.match(s) for s in cp.signatures):
        raise SystemExit("verify: checkpoint not signed by the log key")
    if rd.calculate_root_hash() != cp.root_hash:
        raise SystemExit("verify: recomputed root hash != checkpoint root hash")
    picks = {0, n - 1} | {rnd.randrange(n) for _ in range(min(n, 32))}
    owner_of = {a[0]: k for k, a in enumerate(acks)} if acks is not None else {}
    for idx in sorted(picks):
        entry = rd.get_entry(idx)
        lh = hashlib.sha256(b"\x00" + entry).digest()
        rd.get_inclusion_proof(idx, n).check(lh, cp.root_hash)
        if acks is not None:
            # the entry at the acked index must carry the note that was acked there
            k = owner_of.get(idx)
            if k is None or not entry.endswith(notes[k]):
                raise SystemExit(f"verify: entry {idx} does not hold the note acked at that index")
            if base64.b64decode(acks[k][1]) != lh:
                raise SystemExit(f"verify: acked leaf hash of entry {idx} differs from the log")
    if acks is not None and sorted(a[0] for a in acks) != list(range(n)):
        raise SystemExit("verify: acked indexes are not exactly 0..N-1")


def main_bench(args) -> int:
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(args.seed)
    members = make_members(args.members, args.seed)
    log_sk_bytes = rnd.randbytes(32)
    (work / "members.vkeys").write_text("\n".join(m[4] for m in members) + "\n")
    (work / "log.key").write_text(log_sk_bytes.hex() + "\n")
    log_vkey = ts_signing.PlainEd25519Signer(ORIGIN, log_sk_bytes).vkey

    t = time.perf_counter()
    notes = make_notes(args.entries, members, args.seed)
    gen_secs = time.perf_counter() - t
    sizes = sorted(len(x) for x in notes)
    mean_size = sum(sizes) / len(sizes)
    print(f"# generated {len(notes)} signed notes in {gen_secs:.2f}s: bytes min={sizes[0]} "
          f"mean={mean_size:.0f} max={sizes[-1]}", file=sys.stderr)

    extra = ""
    if args.mode == "direct":
        verifier = NoteVerifier([m[4] for m in members])
        signer = ts_signing.PlainEd25519Signer(ORIGIN, log_sk_bytes)
        w = ts_writer.TilesWriter.create(work / "log", ORIGIN)
        commits = 0
        t0 = time.perf_counter()
        for s in range(0, len(notes), args.batch):
            for note in notes[s : s + args.batch]:
                verifier.verify(note)
                w.add_leaf(make_entry(note, dt.datetime.now(dt.timezone.utc)))
            w.commit([signer])
            commits += 1
        wall = time.perf_counter() - t0
        lat = None
        acks = None
        extra = f" commits={commits} avg_batch={len(notes) / commits:.1f}"
    else:
        env = dict(os.environ)
        srv = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve", "--workdir", str(work),
             "--batch", str(args.batch), "--linger-ms", str(args.linger_ms)],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        try:
            line = srv.stdout.readline().split()
            if len(line) != 2 or line[0] != "listening":
                raise SystemExit(f"server did not start (got {line!r})")
            port = int(line[1])
            ru0 = resource.getrusage(resource.RUSAGE_SELF)
            wall, lat, acks, stats = asyncio.run(load(port, notes, args.clients))
            ru1 = resource.getrusage(resource.RUSAGE_SELF)
            srv.wait(timeout=60)
        finally:
            if srv.poll() is None:
                srv.kill()
                srv.wait()
        client_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        if stats["committed"] != len(notes):
            raise SystemExit(f"server committed {stats['committed']} != {len(notes)}")
        lat.sort()
        extra = (f" p50_ms={pct(lat, 50) * 1e3:.2f} p99_ms={pct(lat, 99) * 1e3:.2f}"
                 f" commits={stats['commits']} avg_batch={stats['committed'] / stats['commits']:.1f}"
                 f" max_batch={stats['max_batch']}"
                 f" server_cpu_pct={100 * stats['server_cpu_secs'] / wall:.0f}"
                 f" client_cpu_pct={100 * client_cpu / wall:.0f}"
                 f" commit_busy_pct={100 * stats['commit_secs'] / wall:.0f}")

    verify_log(work / "log", len(notes), log_vkey, notes, acks, rnd)
    mode = "" if args.mode == "http" else f" mode={args.mode}"
    clients = f" clients={args.clients}" if args.mode == "http" else ""
    print(f"peer=tlog-scales-{TS_VERSION} appends_per_sec={len(notes) / wall:.1f} entries={len(notes)} "
          f"batch={args.batch}{clients}{extra} entry_bytes_mean={mean_size:.0f}"
          f" wall_s={wall:.3f}{mode} verified=ok", flush=True)
    return 0


def main() -> int:
    # SIGTERM -> SystemExit, so `finally` blocks run (the server child is killed).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--workdir", required=True)
    b.add_argument("--entries", type=int, default=20000)
    b.add_argument("--batch", type=int, default=256)
    b.add_argument("--clients", type=int, default=256)
    b.add_argument("--members", type=int, default=16)
    b.add_argument("--linger-ms", type=float, default=0.0)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--mode", choices=["http", "direct"], default="http")
    s = sub.add_parser("serve")
    s.add_argument("--workdir", required=True)
    s.add_argument("--batch", type=int, required=True)
    s.add_argument("--linger-ms", type=float, default=0.0)
    args = ap.parse_args()
    if args.cmd == "serve":
        asyncio.run(serve(args))
        return 0
    if args.entries < 1 or args.batch < 1 or args.clients < 1:
        ap.error("--entries, --batch and --clients must be >= 1")
    return main_bench(args)


if __name__ == "__main__":
    sys.exit(main())
