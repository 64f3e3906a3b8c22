#!/usr/bin/env python3
"""Interop test of Accord's TAXII 2.1 server with the ecosystem's own client
and validator: taxii2-client (OASIS) drives every endpoint, stix2-validator
(OASIS) checks every STIX object the server returns, and the TLP rules are
checked for four callers. Nothing here is Accord's code.

    PY="$(scripts/python-env.sh)"
    "$PY" tests/interop/taxii_client.py --base http://127.0.0.1:PORT \\
        --writer FRA:SECRET --reader DEU:SECRET --outsider BRA:SECRET \\
        [--collection all] [--page-size 2] [--timeout 300] [--generic-only]

--writer is a member who shares; --reader a member the writer names as a
recipient; --outsider a member it does not name. Each credential is
ID:SECRET (HTTP Basic: username = credential id = member id, password =
secret). --collection is the alias of a collection the writer may read and
write, public (anonymous clients read its TLP:CLEAR objects): `all` by
default.

Steps (one line each check: `ok <what>`, `FAIL <what>: <why>`, or in
--generic-only mode `skip <what>: <why>`):

1. discovery ({base}/taxii2/ lists the API root {base}/taxii2/accord/ as an
   absolute URL), API root information, collections: the collection is
   found by alias and the writer may read and write it.
2. the writer adds one envelope: indicators at every TLP level with TLP 2.0
   and TLP 1.0 marking ids (AMBER, AMBER+STRICT, RED naming the reader in
   x_accord_recipients), one unmarked, one marked CLEAR and RED at once
   (RED wins), two versions of one indicator, an incident with the STIX
   incident-core extension, and three objects Accord must refuse (an
   indicator without `pattern`, an AMBER and a RED one naming nobody). The
   status must end complete: every valid object a success with a receipt
   message, each refused one a failure with a message.
3. the writer reads it back: objects and manifest in pages of --page-size
   (`next`), versions (versions endpoint and match[version]=all, first,
   last, a timestamp), match[type], match[id], match[spec_version],
   added_after, the X-TAXII-Date-Added-First/-Last headers, status by id.
4. the reader sees every object.
5. the outsider never sees the AMBER, AMBER+STRICT or RED objects on any
   read endpoint (objects, object by id, versions, manifest, filters) nor
   the writer's status, and still sees the CLEAR and GREEN ones.
6. an anonymous client sees only TLP:CLEAR objects, and gets 401 on POST.
7. error shapes: 406 wrong Accept, 415 wrong Content-Type, 401 bad
   credentials, 400/422 a body that is not a JSON envelope, 404 unknown
   collection, each with a TAXII error body.

Every STIX object returned anywhere is validated by stix2-validator with
the options of stix_validate.py (strict, custom `x_` properties allowed).
Every 2xx answer must have the Content-Type application/taxii+json;version=2.1
exactly.

--generic-only runs steps 1-3 and 7 without what only Accord does (its API
root path, member collections, refusals, receipts, TLP steps 4-6): for
developing this script against another TAXII 2.1 server (medallion).

Exit status: 0 no FAIL, 1 any FAIL, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import uuid
from collections import Counter
from pathlib import Path

try:
    import requests
    from requests.auth import AuthBase, HTTPBasicAuth
    from taxii2client.v21 import ApiRoot, Collection, Server, Status, as_pages

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import stix_validate
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"taxii_client: missing dependency ({exc}); run it with the venv python "
          "printed by scripts/python-env.sh", file=sys.stderr)
    sys.exit(2)

MEDIA = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"
HTTP_TIMEOUT = 30  # seconds, for the requests made here directly

INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"

LEVELS = ["clear", "green", "amber", "amber+strict", "red"]  # least to most restrictive
TLP2 = {  # the marking definitions of extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1 = {  # STIX 2.1 section 7.2.1.4; WHITE is CLEAR
    "clear": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
LEVEL_OF = {m: lvl for table in (TLP2, TLP1) for lvl, m in table.items()}
DEFAULT_LEVEL = "green"  # an object without TLP marking: the collection's default


def tlp_of(obj) -> str:
    """The most restrictive TLP among an object's markings, else the default."""
    found = [LEVEL_OF[m] for m in obj.get("object_marking_refs", []) if m in LEVEL_OF]
    return max(found, key=LEVELS.index) if found else DEFAULT_LEVEL


class Fatal(Exception):
    """A step cannot go on (what it needs is missing)."""


class OutOfTime(BaseException):
    """--timeout passed; not an Exception, so no step swallows it."""


class Report:
    def __init__(self):
        self.oks = self.fails = self.skips = 0

    def ok(self, what):
        self.oks += 1
        print(f"ok {what}", flush=True)

    def fail(self, what, why):
        self.fails += 1
        why = str(why).replace("\n", " ")
        print(f"FAIL {what}: {why}", flush=True)

    def skip(self, what, why):
        self.skips += 1
        print(f"skip {what}: {why}", flush=True)

    def check(self, cond, what, why="") -> bool:
        if cond:
            self.ok(what)
        else:
            self.fail(what, why or "not so")
        return bool(cond)


class Recording(AuthBase):
    """HTTP Basic credentials (or none), handed to taxii2-client as its `auth`,
    that also records each response: the last one (for headers the client
    does not expose) and every 2xx whose Content-Type is not MEDIA exactly."""

    def __init__(self, cred: tuple[str, str] | None):
        self.basic = HTTPBasicAuth(*cred) if cred else None
        self.last: requests.Response | None = None
        self.responses = 0
        self.wrong_type: list[str] = []

    def __call__(self, r):
        if self.basic is not None:
            r = self.basic(r)
        r.register_hook("response", self._seen)
        return r

    def _seen(self, resp, *args, **kwargs):
        self.last = resp
        self.responses += 1
        ctype = resp.headers.get("Content-Type")
        if 200 <= resp.status_code < 300 and ctype != MEDIA:
            self.wrong_type.append(f"{resp.request.method} {resp.url} -> {resp.status_code} {ctype!r}")
        return resp


class Party:
    """One caller: its credentials, and the client objects it reaches."""

    def __init__(self, name: str, cred: tuple[str, str] | None):
        self.name = name
        self.cred = cred
        self.id = cred[0] if cred else None
        self.auth = Recording(cred)
        self.api_root: ApiRoot | None = None
        self.coll: Collection | None = None
        self.types_reported = 0

    def check_types(self, rep: Report, step: str):
        """One line per step: every 2xx so far had the exact media type."""
        new = self.auth.wrong_type[self.types_reported:]
        self.types_reported = len(self.auth.wrong_type)
        if new:
            rep.fail(f"[{step}] {self.name}: Content-Type of 2xx answers is {MEDIA}",
                     f"{len(new)} not: " + "; ".join(new[:3]))
        else:
            rep.ok(f"[{step}] {self.name}: every 2xx answer so far ({self.auth.responses}) had Content-Type {MEDIA}")


def credential(text: str) -> tuple[str, str]:
    ident, sep, secret = text.partition(":")
    if not sep or not ident or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET")
    return ident, secret


def parse_ts(s) -> dt.datetime:
    """A STIX/TAXII timestamp (RFC 3339, UTC 'Z'), to microseconds."""
    if not isinstance(s, str) or not s.endswith("Z") or "T" not in s:
        raise ValueError(f"not a UTC timestamp: {s!r}")
    body = s[:-1]
    if "." in body:
        whole, frac = body.split(".", 1)
        if not frac.isdigit():
            raise ValueError(f"not a UTC timestamp: {s!r}")
        body = f"{whole}.{(frac + '000000')[:6]}"
        fmt = "%Y-%m-%dT%H:%M:%S.%f"
    else:
        fmt = "%Y-%m-%dT%H:%M:%S"
    return dt.datetime.strptime(body, fmt).replace(tzinfo=dt.timezone.utc)


def stix_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def same_time(a, b) -> bool:
    try:
        return parse_ts(a) == parse_ts(b)
    except ValueError:
        return False


def objects_in(env) -> list:
    """An envelope's objects; TAXII lets an empty envelope omit them."""
    if not isinstance(env, dict):
        raise Fatal(f"not an envelope: {str(env)[:200]}")
    objs = env.get("objects", [])
    if not isinstance(objs, list):
        raise Fatal(f"'objects' is not a list: {str(objs)[:200]}")
    return objs


def http_code(e: Exception) -> int | None:
    resp = getattr(e, "response", None)
    return resp.status_code if resp is not None else None


class Validator:
    """stix2-validator on every object returned; each distinct object once."""

    def __init__(self, rep: Report):
        self.rep = rep
        self.options = stix_validate.validator_options()
        self.done: dict[str, list[str]] = {}  # canonical JSON -> errors
        self.step_seen: set[str] = set()
        self.step_new = 0
        self.step_bad = 0       # distinct invalid objects returned in this step
        self.step_reported = 0  # of which reported by a FAIL line in this step

    def __call__(self, step: str, where: str, objs: list):
        for obj in objs:
            key = json.dumps(obj, sort_keys=True)
            first_in_step = key not in self.step_seen
            self.step_seen.add(key)
            if key in self.done:
                if first_in_step and self.done[key]:
                    self.step_bad += 1
                continue
            errs = stix_validate.errors_of(obj, self.options)
            self.done[key] = errs
            self.step_new += 1
            if errs:
                self.step_bad += 1
                self.step_reported += 1
                ident = obj.get("id") if isinstance(obj, dict) else repr(obj)[:80]
                self.rep.fail(f"[{step}] stix2-validator: {ident} from {where}", "; ".join(errs))

    def summary(self, step: str):
        """One line: every object returned in this step was valid, or how
        many invalid ones came back again (already reported)."""
        seen, again = len(self.step_seen), self.step_bad - self.step_reported
        if not self.step_bad:
            self.rep.ok(f"[{step}] stix2-validator 2.1 (strict): all {seen} distinct objects returned are valid "
                        f"({self.step_new} checked in this step, {seen - self.step_new} earlier)")
        elif again:
            self.rep.fail(f"[{step}] stix2-validator 2.1: objects returned are valid",
                          f"{again} returned again that an earlier step reported invalid")
        self.step_seen, self.step_new, self.step_bad, self.step_reported = set(), 0, 0, 0


class Run:
    def __init__(self, a):
        self.a = a
        self.base = a.base.rstrip("/")
        self.generic = a.generic_only
        self.rep = Report()
        self.validate = Validator(self.rep)
        self.writer = Party("writer", a.writer)
        self.reader = Party("reader", a.reader)
        self.outsider = Party("outsider", a.outsider)
        self.anonymous = Party("anonymous", None)
        self.sent: dict[str, dict] = {}      # label -> object (latest version)
        self.v1: dict | None = None          # first version of "versioned"
        self.refused: dict[str, dict] = {}   # label -> object Accord must refuse
        self.status: Status | None = None
        self.date_added: dict[str, str] = {}  # id -> date_added (manifest)

    # ---- helpers ---------------------------------------------------------

    def label_of(self, ident: str) -> str | None:
        for label, o in self.sent.items():
            if o["id"] == ident:
                return label
        return None

    def refused_label(self, ident: str) -> str | None:
        for label, o in self.refused.items():
            if o["id"] == ident:
                return label
        return None

    def secret_labels(self) -> list[str]:
        return [l for l, o in self.sent.items() if tlp_of(o) in ("amber", "amber+strict", "red")]

    def clear_labels(self) -> list[str]:
        return [l for l, o in self.sent.items() if tlp_of(o) == "clear"]

    def our_ids(self) -> list[str]:
        return [o["id"] for o in self.sent.values()]

    def paged(self, party: Party, step: str, what: str, func, **filters) -> list:
        """Every item of a paged endpoint through taxii2-client's as_pages,
        checking the pagination and the Date-Added headers on the way."""
        n, rep = self.a.page_size, self.rep
        items, pages, seen, problems = [], 0, set(), []
        manifest = func.__name__ == "get_manifest"
        for env in as_pages(func, per_request=n, **filters):
            pages += 1
            objs = objects_in(env)
            if len(objs) > n:
                problems.append(f"page {pages} has {len(objs)} items, asked for {n}")
            more = env.get("more", False)
            if not isinstance(more, bool):
                problems.append(f"page {pages}: 'more' is {more!r}, not a boolean")
            if more:
                nxt = env.get("next")
                if not isinstance(nxt, str) or not nxt:
                    problems.append(f"page {pages}: more is true but next is {nxt!r}")
                    break
            if objs:
                problems += self.date_headers(party, objs if manifest else None, f"page {pages}")
            # A `next` may be a cursor that stays the same from page to page
            # (medallion's does), so a loop shows as a page of nothing new.
            keys = {json.dumps(o, sort_keys=True) for o in objs}
            if more and (not objs or keys <= seen):
                problems.append(f"page {pages} brings nothing new but says more: a loop")
                break
            seen |= keys
            items.extend(objs)
            if pages >= self.a.max_pages and more:
                problems.append(f"still more after {pages} pages (--max-pages)")
                break
        shown = f"[{step}] {party.name}: {what}: {len(items)} items in {pages} pages of <= {n}"
        if problems:
            rep.fail(shown, "; ".join(problems[:5]))
        else:
            rep.ok(shown)
        return items

    def date_headers(self, party: Party, records, where: str) -> list[str]:
        """X-TAXII-Date-Added-First/-Last of the last answer: present, in
        order, and for a manifest page equal to its first and last date_added."""
        resp = party.auth.last
        first = resp.headers.get("X-TAXII-Date-Added-First")
        last = resp.headers.get("X-TAXII-Date-Added-Last")
        if first is None or last is None:
            return [f"{where}: X-TAXII-Date-Added-First/-Last missing (got {first!r}, {last!r})"]
        try:
            f, l = parse_ts(first), parse_ts(last)
        except ValueError as e:
            return [f"{where}: {e}"]
        out = []
        if f > l:
            out.append(f"{where}: X-TAXII-Date-Added-First {first} is after -Last {last}")
        if records:
            try:
                added = [parse_ts(r.get("date_added")) for r in records]
            except ValueError as e:
                return out + [f"{where}: manifest date_added: {e}"]
            if added != sorted(added):
                out.append(f"{where}: manifest records not in date_added order")
            if f != added[0] or l != added[-1]:
                out.append(f"{where}: headers {first}..{last} but records {records[0]['date_added']}.."
                           f"{records[-1]['date_added']}")
        return out

    def get_or_code(self, func, *args, **kw):
        """(envelope, None) on 2xx, (None, status) on an HTTP error."""
        try:
            return func(*args, **kw), None
        except requests.exceptions.HTTPError as e:
            code = http_code(e)
            if code is None:
                raise
            return None, code

    def find_collection(self, party: Party, step: str) -> Collection:
        rep = self.rep
        server = Server(f"{self.base}/taxii2/", auth=party.auth)
        title = server.title
        rep.check(isinstance(title, str) and title, f"[{step}] {party.name}: discovery has a title", f"{title!r}")
        raw = party.auth.last.json()
        roots = raw.get("api_roots", [])
        want = f"{self.base}/taxii2/accord/"
        if self.generic:
            rep.ok(f"[{step}] {party.name}: discovery lists API roots {roots}")
            if server.default is not None:
                api_root = server.default
            elif len(server.api_roots) == 1:
                api_root = server.api_roots[0]
            else:
                raise Fatal(f"{len(roots)} API roots and no default: which one?")
        else:
            rep.check(roots == [want], f"[{step}] {party.name}: discovery lists the one API root {want} (absolute)",
                      f"api_roots is {roots!r}")
            matches = [r for r in server.api_roots if r.url == want]
            if not matches:
                raise Fatal(f"no API root {want}")
            api_root = matches[0]
            if "default" in raw:
                rep.check(raw["default"] == want, f"[{step}] {party.name}: discovery default is the API root",
                          f"{raw['default']!r}")
        party.api_root = api_root
        # API root information.
        api_root.refresh_information()
        rep.check(MEDIA in api_root.versions, f"[{step}] {party.name}: API root versions include {MEDIA}",
                  f"{api_root.versions!r}")
        mcl = api_root.max_content_length
        rep.check(isinstance(mcl, int) and not isinstance(mcl, bool) and mcl > 0,
                  f"[{step}] {party.name}: API root max_content_length is a positive integer ({mcl!r})")
        # Collections.
        colls = api_root.collections
        aliases = [c.alias for c in colls]
        rep.ok(f"[{step}] {party.name}: {len(colls)} collections: {aliases}")
        found = [c for c in colls if c.alias == self.a.collection]
        if len(found) != 1:
            raise Fatal(f"{len(found)} collections with alias {self.a.collection!r} among {aliases}")
        coll = found[0]
        try:
            uuid.UUID(coll.id)
            rep.ok(f"[{step}] {party.name}: collection {self.a.collection!r} has UUID id {coll.id}")
        except ValueError:
            rep.fail(f"[{step}] {party.name}: collection {self.a.collection!r} id is a UUID", f"{coll.id!r}")
        party.coll = coll
        return coll

    # ---- steps -------------------------------------------------------------

    def step1(self):
        rep, w = self.rep, self.writer
        coll = self.find_collection(w, "1")
        rep.check(coll.can_read is True and coll.can_write is True,
                  f"[1] writer may read and write {self.a.collection!r}",
                  f"can_read={coll.can_read!r} can_write={coll.can_write!r}")
        # The collection endpoint itself says the same.
        before = (coll.id, coll.alias, coll.can_read, coll.can_write)
        coll.refresh()
        rep.check((coll.id, coll.alias, coll.can_read, coll.can_write) == before,
                  "[1] GET collection agrees with the collections list",
                  f"{(coll.id, coll.alias, coll.can_read, coll.can_write)} vs {before}")
        if self.generic:
            rep.skip("[1] Accord's member collections", "--generic-only")
        else:
            colls = w.api_root.collections
            by_alias = {c.alias: c for c in colls}
            rep.check(all(isinstance(c.alias, str) and c.alias for c in colls),
                      "[1] every collection has an alias", f"{[c.alias for c in colls]}")
            rep.check("all" in by_alias, "[1] collection 'all' is listed")
            wm = self.a.writer_member or w.id
            mine = by_alias.get(f"member-{wm}")
            rep.check(mine is not None and mine.can_write is True,
                      f"[1] writer's own collection member-{wm} is listed and writable",
                      "missing" if mine is None else f"can_write={mine.can_write!r}")
            others = [c for a, c in by_alias.items() if a.startswith("member-") and a != f"member-{wm}"]
            wrong = [c.alias for c in others if c.can_write is not False]
            rep.check(not wrong, f"[1] no other member's collection is writable by the writer ({len(others)} listed)",
                      f"can_write not false on {wrong}")
        w.check_types(rep, "1")

    def build_objects(self) -> list[dict]:
        """The envelope's objects; fills self.sent / self.v1 / self.refused."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=5)
        t0, t1 = stix_ts(now), stix_ts(now + dt.timedelta(seconds=1))
        rcpt = [self.a.reader_member or self.reader.id]
        counter = iter(range(1, 255))

        def indicator(label, markings, recipients=None, **over):
            o = {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.uuid4()}",
                "created": t0,
                "modified": t0,
                "name": f"accord interop {label}",
                "description": f"taxii_client.py: an indicator shared at {label}",
                "indicator_types": ["malicious-activity"],
                "pattern": f"[ipv4-addr:value = '198.51.100.{next(counter)}']",
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": t0,
            }
            if markings:
                o["object_marking_refs"] = markings
            if recipients is not None:
                o["x_accord_recipients"] = recipients
            o.update(over)
            return o

        s = self.sent
        s["clear (TLP 2.0)"] = indicator("TLP:CLEAR", [TLP2["clear"]])
        s["white (TLP 1.0)"] = indicator("TLP:WHITE", [TLP1["clear"]])
        s["green (TLP 2.0)"] = indicator("TLP:GREEN", [TLP2["green"]])
        s["green (TLP 1.0)"] = indicator("TLP:GREEN 1.0", [TLP1["green"]])
        s["unmarked"] = indicator("no TLP marking", None)
        s["amber (TLP 2.0)"] = indicator("TLP:AMBER", [TLP2["amber"]], rcpt)
        s["amber (TLP 1.0)"] = indicator("TLP:AMBER 1.0", [TLP1["amber"]], rcpt)
        s["amber+strict"] = indicator("TLP:AMBER+STRICT", [TLP2["amber+strict"]], rcpt)
        s["red (TLP 2.0)"] = indicator("TLP:RED", [TLP2["red"]], rcpt)
        s["red (TLP 1.0)"] = indicator("TLP:RED 1.0", [TLP1["red"]], rcpt)
        s["clear+red (red wins)"] = indicator("TLP:CLEAR and TLP:RED", [TLP2["clear"], TLP1["red"]], rcpt)
        v1 = indicator("TLP:CLEAR, two versions", [TLP2["clear"]])
        v2 = dict(v1, modified=t1, description="taxii_client.py: the second version of an indicator")
        self.v1 = v1
        s["versioned"] = v2
        s["incident"] = {
            "type": "incident",
            "spec_version": "2.1",
            "id": f"incident--{uuid.uuid4()}",
            "created": t0,
            "modified": t0,
            "name": "accord interop incident",
            "description": "taxii_client.py: an incident with the incident-core extension, at TLP:AMBER",
            "object_marking_refs": [TLP2["amber"]],
            "x_accord_recipients": rcpt,
            "extensions": {
                INCIDENT_CORE: {
                    "extension_type": "property-extension",
                    "determination": "successful-attempt",
                    "investigation_status": "open",
                    "criticality": 70,
                    "detection_methods": ["automated-tool", "human-review"],
                    "incident_types": ["unauthorized-access"],
                    "impacted_entity_counts": {"organization": 3, "sector": 1, "system": 40},
                    "recoverability": "regular",
                },
            },
        }
        objs = [o for l, o in s.items() if l != "versioned"] + [v1, v2]
        if not self.generic:
            r = self.refused
            no_pattern = indicator("no pattern (invalid)", [TLP2["green"]])
            del no_pattern["pattern"]
            r["indicator without pattern"] = no_pattern
            # Valid STIX (an empty list would not be: STIX 2.1 lists are never
            # empty), refused only by Accord's rule.
            r["TLP:AMBER naming nobody"] = indicator("TLP:AMBER, no recipients", [TLP2["amber"]])
            r["TLP:RED (1.0) naming nobody"] = indicator("TLP:RED 1.0, no recipients", [TLP1["red"]])
            objs += list(r.values())
        return objs

    def step2(self):
        rep, w = self.rep, self.writer
        coll = w.coll
        objs = self.build_objects()
        valid = [o for o in objs if o not in self.refused.values()]
        # Our own input is what we think it is.
        for o in valid:
            errs = stix_validate.errors_of(o, self.validate.options)
            if errs:
                raise Fatal(f"this script's own object {o['id']} is invalid: {errs}")
        status = coll.add_objects({"objects": objs}, wait_for_completion=False)
        post = w.auth.last
        rep.check(post.status_code == 202, "[2] POST objects answers 202 Accepted", f"{post.status_code}")
        status.wait_until_final(poll_interval=0.5, timeout=30)
        status.refresh()
        self.status = status
        rep.check(status.status == "complete", f"[2] status {status.id} is complete", f"{status.status!r}")
        rep.check(status.total_count == len(objs), f"[2] status total_count is {len(objs)}", f"{status.total_count}")
        rep.check(status.success_count == len(valid) and status.pending_count == 0,
                  f"[2] status: {len(valid)} successes, 0 pending",
                  f"success_count={status.success_count} pending_count={status.pending_count}")
        want = {(o["id"], parse_ts(o["modified"])) for o in valid}
        try:
            got = {(d["id"], parse_ts(d["version"])) for d in status.successes}
        except (KeyError, TypeError, ValueError) as e:
            got = set()
            rep.fail("[2] status successes are status details (id, version)", f"{e!r}")
        def named(pairs):
            return sorted(f"{self.label_of(i) or self.refused_label(i) or i}@{t:%H:%M:%S.%f}" for i, t in pairs)
        rep.check(got == want, "[2] status successes name every valid object version",
                  f"missing {named(want - got)[:4]}, unexpected {named(got - want)[:4]}")
        if self.generic:
            rep.skip("[2] refusals and receipts", "--generic-only (Accord-specific)")
        else:
            no_msg = [d.get("id") for d in status.successes if not (isinstance(d.get("message"), str) and d["message"])]
            rep.check(not no_msg, f"[2] every success carries an Accord receipt message",
                      f"no message on {no_msg[:3]}")
            rep.check(status.failure_count == len(self.refused),
                      f"[2] status failure_count is {len(self.refused)}", f"{status.failure_count}")
            fails = {d.get("id"): d for d in status.failures}
            for label, o in self.refused.items():
                d = fails.get(o["id"])
                if d is None:
                    rep.fail(f"[2] {label} is a failure in the status", "not among the failures")
                elif not (isinstance(d.get("message"), str) and d["message"]):
                    rep.fail(f"[2] {label} failure has a message", f"{d!r}")
                else:
                    rep.ok(f"[2] {label} refused: {d['message']}")
        w.check_types(rep, "2")

    def step3(self):
        rep, w, v = self.rep, self.writer, self.validate
        coll = w.coll
        ours = {o["id"]: o for o in self.sent.values()}

        # Objects, all pages: every one of ours once, latest version, unchanged.
        items = self.paged(w, "3", "GET objects (whole collection)", coll.get_objects)
        v("3", "GET objects", items)
        counts = Counter((o.get("id"), o.get("modified")) for o in items)
        dups = sorted(k for k, c in counts.items() if c > 1)
        rep.check(not dups, "[3] no object version twice across pages", f"{dups[:3]}")
        seen = {o["id"]: o for o in items if o.get("id") in ours}
        missing = [self.label_of(i) for i in ours if i not in seen]
        rep.check(not missing, f"[3] all {len(ours)} objects are listed", f"missing {missing}")
        changed = [self.label_of(i) for i, o in seen.items() if o != ours[i]]
        rep.check(not changed, "[3] every object comes back as sent (latest version by default)",
                  f"differ: {changed}")
        rep.check(self.v1 not in items, "[3] the first version of 'versioned' is not in the default listing")
        refused_ids = {o["id"] for o in self.refused.values()}

        # Manifest, all pages.
        recs = self.paged(w, "3", "GET manifest (whole collection)", coll.get_manifest)
        mine = [r for r in recs if r.get("id") in ours]
        self.date_added = {r["id"]: r.get("date_added") for r in mine}
        if self.refused:
            stored = sorted({self.refused_label(x.get("id")) for x in items + recs if x.get("id") in refused_ids})
            rep.check(not stored, "[3] no refused object is in the objects or the manifest", f"stored: {stored}")
        rep.check(sorted(r["id"] for r in mine) == sorted(ours),
                  "[3] the manifest lists each object once", f"{len(mine)} records for {len(ours)} objects")
        bad = [r for r in mine if not same_time(r.get("version"), ours[r["id"]]["modified"])]
        rep.check(not bad, "[3] manifest versions are the latest modified", f"{bad[:2]}")
        bad = [r for r in mine if "media_type" in r and r["media_type"] != STIX_MEDIA]
        rep.check(not bad, f"[3] manifest media_type is {STIX_MEDIA}", f"{bad[:2]}")
        try:
            added = [parse_ts(r.get("date_added")) for r in recs]
            rep.check(added == sorted(added), "[3] manifest is in date_added order across pages")
        except ValueError as e:
            rep.fail("[3] manifest date_added are timestamps", e)

        # Versions.
        vid, t_first, t_last = self.v1["id"], self.v1["modified"], self.sent["versioned"]["modified"]
        env = coll.object_versions(vid)
        vers = env.get("versions", [])
        try:
            ok = sorted(parse_ts(x) for x in vers) == sorted([parse_ts(t_first), parse_ts(t_last)])
        except ValueError:
            ok = False
        rep.check(ok, "[3] versions endpoint lists both versions", f"{env!r}")
        problems = self.date_headers(w, None, "versions")
        rep.check(not problems, "[3] versions answer has X-TAXII-Date-Added headers", "; ".join(problems))

        def versions_of(what, **filters):
            env = coll.get_object(vid, **filters)
            objs = objects_in(env)
            v("3", what, objs)
            return sorted(o.get("modified") for o in objs), objs

        got, objs = versions_of("match[version]=all", version="all")
        rep.check(got == sorted([t_first, t_last]) and self.v1 in objs and self.sent["versioned"] in objs,
                  "[3] get_object match[version]=all gives both versions as sent", f"{got}")
        problems = self.date_headers(w, None, "object")
        rep.check(not problems, "[3] get_object answer has X-TAXII-Date-Added headers", "; ".join(problems))
        got, _ = versions_of("match[version]=first", version="first")
        rep.check(got == [t_first], "[3] match[version]=first gives the first version", f"{got}")
        got, _ = versions_of("match[version]=last", version="last")
        rep.check(got == [t_last], "[3] match[version]=last gives the last version", f"{got}")
        got, _ = versions_of("default version")
        rep.check(got == [t_last], "[3] get_object without match[version] gives the last version", f"{got}")
        got, _ = versions_of("match[version]=<first modified>", version=t_first)
        rep.check(got == [t_first], "[3] match[version]=<timestamp> gives that version", f"{got}")
        env = coll.get_objects(id=vid, version="all")
        objs = objects_in(env)
        v("3", "objects match[id] match[version]=all", objs)
        rep.check(sorted(o.get("modified") for o in objs) == sorted([t_first, t_last]),
                  "[3] get_objects match[id]+match[version]=all gives both versions")

        # match[type].
        items = self.paged(w, "3", "GET objects match[type]=incident", coll.get_objects, type="incident")
        v("3", "match[type]=incident", items)
        rep.check(all(o.get("type") == "incident" for o in items), "[3] match[type]=incident gives only incidents",
                  f"{sorted({o.get('type') for o in items})}")
        inc = self.sent["incident"]
        rep.check(inc in items, "[3] match[type]=incident gives ours, with its incident-core extension as sent")

        # match[id] with several ids, and match[spec_version].
        some = [self.sent["clear (TLP 2.0)"]["id"], self.sent["red (TLP 2.0)"]["id"], inc["id"]]
        objs = objects_in(coll.get_objects(id=some))
        v("3", "match[id]", objs)
        rep.check(sorted(o["id"] for o in objs) == sorted(some), "[3] match[id] with 3 ids gives exactly those",
                  f"{sorted(o.get('id') for o in objs)}")
        problems = self.date_headers(w, None, "objects match[id]")
        rep.check(not problems, "[3] get_objects answer has X-TAXII-Date-Added headers", "; ".join(problems))
        objs = objects_in(coll.get_objects(id=some, spec_version="2.1"))
        v("3", "match[spec_version]=2.1", objs)
        rep.check(sorted(o["id"] for o in objs) == sorted(some), "[3] match[spec_version]=2.1 keeps them")
        objs = objects_in(coll.get_objects(id=some, spec_version="2.0"))
        v("3", "match[spec_version]=2.0", objs)
        rep.check(not objs, "[3] match[spec_version]=2.0 drops them", f"{len(objs)} objects")

        # added_after (strictly after), from the server's own date_added.
        stamps = [s for s in self.date_added.values() if isinstance(s, str)]
        try:
            latest = max(stamps, key=parse_ts)
            earliest = min(parse_ts(s) for s in stamps)
        except ValueError as e:
            rep.fail("[3] added_after", f"no usable date_added: {e}")
        else:
            before = earliest - dt.timedelta(seconds=1)
            recs = self.paged(w, "3", "GET manifest added_after=<before ours>", coll.get_manifest, added_after=before)
            rep.check(set(ours) <= {r.get("id") for r in recs}, "[3] added_after before ours gives all of ours")
            rep.check(all(parse_ts(r["date_added"]) > before for r in recs),
                      "[3] added_after gives only records added after it")
            objs = objects_in(coll.get_objects(added_after=latest, id=list(ours)))
            v("3", "added_after", objs)
            rep.check(not objs, f"[3] added_after=<our last date_added {latest}> gives none of ours (strictly after)",
                      f"{[self.label_of(o.get('id')) for o in objs]}")
            objs = objects_in(coll.get_objects(added_after=before, id=list(ours)))
            v("3", "added_after", objs)
            rep.check(sorted(o["id"] for o in objs) == sorted(ours),
                      "[3] get_objects added_after+match[id] gives all of ours")

        # Status by id.
        st = w.api_root.get_status(self.status.id)
        rep.check((st.id, st.status, st.total_count, st.success_count, st.failure_count)
                  == (self.status.id, self.status.status, self.status.total_count,
                      self.status.success_count, self.status.failure_count),
                  "[3] GET status by id gives the same status", f"{st._raw!r}"[:300])
        w.check_types(rep, "3")
        v.summary("3")

    def connect_member(self, party: Party, step: str) -> Collection:
        coll = self.find_collection(party, step)
        self.rep.check(coll.can_read is True, f"[{step}] {party.name} may read {self.a.collection!r}",
                       f"can_read={coll.can_read!r}")
        return coll

    def step4(self):
        rep, r, v = self.rep, self.reader, self.validate
        coll = self.connect_member(r, "4")
        items = self.paged(r, "4", "GET objects", coll.get_objects)
        v("4", "reader GET objects", items)
        ids = {o.get("id") for o in items}
        for label, o in self.sent.items():
            rep.check(o in items, f"[4] reader sees {label} ({tlp_of(o).upper()}) in objects",
                      "absent" if o["id"] not in ids else "present but changed")
        recs = self.paged(r, "4", "GET manifest", coll.get_manifest)
        rids = {x.get("id") for x in recs}
        missing = [l for l, o in self.sent.items() if o["id"] not in rids]
        rep.check(not missing, "[4] reader's manifest lists every object", f"missing {missing}")
        for label, o in self.sent.items():
            env, code = self.get_or_code(coll.get_object, o["id"])
            got = objects_in(env) if env is not None else []
            v("4", "reader GET object", got)
            rep.check(got == [o], f"[4] reader GET object {label}", f"HTTP {code}" if code else f"{len(got)} objects")
        env = coll.object_versions(self.v1["id"])
        rep.check(len(env.get("versions", [])) == 2, "[4] reader sees both versions", f"{env!r}")
        r.check_types(rep, "4")
        v.summary("4")

    def hidden_by_id(self, party: Party, step: str, labels: list[str]):
        """Each object by id, by id with all versions, and its versions:
        404 or nothing; says which."""
        rep, coll = self.rep, party.coll
        for label in labels:
            o = self.sent[label]
            answers = []
            for what, call in (("GET object", lambda: coll.get_object(o["id"])),
                               ("GET object match[version]=all", lambda: coll.get_object(o["id"], version="all")),
                               ("GET versions", lambda: coll.object_versions(o["id"]))):
                env, code = self.get_or_code(call)
                if code is not None:
                    good, how = code == 404, f"{code}"
                else:
                    key = "versions" if what == "GET versions" else "objects"
                    got = env.get(key, []) if isinstance(env, dict) else env
                    if key == "objects":
                        self.validate(step, f"{party.name} {what}", got if isinstance(got, list) else [])
                    good, how = got == [], ("200 empty" if got == [] else f"200 with {str(got)[:120]}")
                answers.append((what, good, how))
            shown = ", ".join(f"{w} {h}" for w, _, h in answers)
            if all(g for _, g, _ in answers):
                rep.ok(f"[{step}] {party.name} cannot get {label} ({tlp_of(o).upper()}) by id: {shown}")
            else:
                rep.fail(f"[{step}] {party.name} cannot get {label} ({tlp_of(o).upper()}) by id",
                         f"{shown} (want 404 or an empty envelope)")

    def visible_by_id(self, party: Party, step: str, labels: list[str]):
        rep, coll = self.rep, party.coll
        for label in labels:
            o = self.sent[label]
            env, code = self.get_or_code(coll.get_object, o["id"])
            got = objects_in(env) if env is not None else []
            self.validate(step, f"{party.name} GET object", got)
            rep.check(got == [o], f"[{step}] {party.name} GET object {label} ({tlp_of(o).upper()})",
                      f"HTTP {code}" if code else f"{len(got)} objects")

    def step5(self):
        rep, x, v = self.rep, self.outsider, self.validate
        coll = self.connect_member(x, "5")
        secret, ids_secret = self.secret_labels(), {self.sent[l]["id"] for l in self.secret_labels()}
        visible = [l for l in self.sent if l not in secret]
        items = self.paged(x, "5", "GET objects", coll.get_objects)
        v("5", "outsider GET objects", items)
        leaked = [self.label_of(o.get("id")) for o in items if o.get("id") in ids_secret]
        rep.check(not leaked, f"[5] outsider's objects (all pages) hold none of {secret}", f"leaked {leaked}")
        for label in visible:
            rep.check(self.sent[label] in items, f"[5] outsider sees {label} ({tlp_of(self.sent[label]).upper()})")
        recs = self.paged(x, "5", "GET manifest", coll.get_manifest)
        leaked = [self.label_of(r.get("id")) for r in recs if r.get("id") in ids_secret]
        rep.check(not leaked, "[5] outsider's manifest (all pages) holds none of them", f"leaked {leaked}")
        rids = {r.get("id") for r in recs}
        rep.check(all(self.sent[l]["id"] in rids for l in visible), "[5] outsider's manifest lists the visible ones")
        # Filters that name them.
        objs = objects_in(coll.get_objects(id=sorted(ids_secret)))
        v("5", "outsider match[id]", objs)
        rep.check(not objs, "[5] outsider's match[id]=<the hidden ids> is empty", f"{len(objs)} objects")
        objs = objects_in(coll.get_objects(id=sorted(ids_secret), version="all"))
        v("5", "outsider match[id] match[version]=all", objs)
        rep.check(not objs, "[5] outsider's match[id]+match[version]=all is empty", f"{len(objs)} objects")
        items = self.paged(x, "5", "GET objects match[type]=incident", coll.get_objects, type="incident")
        v("5", "outsider match[type]", items)
        rep.check(self.sent["incident"]["id"] not in {o.get("id") for o in items},
                  "[5] outsider's match[type]=incident does not hold the TLP:AMBER incident")
        recs = objects_in(coll.get_manifest(id=sorted(ids_secret)))
        rep.check(not recs, "[5] outsider's manifest match[id]=<the hidden ids> is empty", f"{len(recs)} records")
        self.hidden_by_id(x, "5", secret)
        self.visible_by_id(x, "5", visible)
        env = coll.object_versions(self.v1["id"])
        rep.check(len(env.get("versions", [])) == 2, "[5] outsider sees both versions of the CLEAR one")
        # The writer's status names the hidden objects: not the outsider's to read.
        st, code = self.get_or_code(x.api_root.get_status, self.status.id)
        rep.check(code in (403, 404), "[5] outsider asking for the writer's status gets 403 or 404",
                  f"got the status {st._raw!r}"[:300] if st is not None else f"HTTP {code}")
        x.check_types(rep, "5")
        v.summary("5")

    def step6(self):
        rep, an, v = self.rep, self.anonymous, self.validate
        url = self.writer.coll.url
        coll = Collection(url, auth=an.auth)
        an.coll = coll
        coll.refresh()
        rep.check(coll.can_read is True and coll.can_write is False,
                  f"[6] anonymous GET collection {self.a.collection!r}: can_read true, can_write false",
                  f"can_read={coll.can_read!r} can_write={coll.can_write!r}")
        items = self.paged(an, "6", "GET objects", coll.get_objects)
        v("6", "anonymous GET objects", items)
        not_clear = [(o.get("id"), tlp_of(o)) for o in items if tlp_of(o) != "clear"]
        rep.check(not not_clear, f"[6] every object anonymous sees ({len(items)}) is TLP:CLEAR",
                  f"{not_clear[:3]}")
        clear = self.clear_labels()
        ids = {o.get("id") for o in items}
        theirs = sorted(l for l, o in self.sent.items() if o["id"] in ids)
        rep.check(theirs == sorted(clear), f"[6] anonymous sees exactly {sorted(clear)} of ours", f"saw {theirs}")
        recs = self.paged(an, "6", "GET manifest", coll.get_manifest)
        rids = {r.get("id") for r in recs}
        theirs = sorted(l for l, o in self.sent.items() if o["id"] in rids)
        rep.check(theirs == sorted(clear), "[6] anonymous's manifest lists exactly the CLEAR ones of ours",
                  f"lists {theirs}")
        objs = objects_in(coll.get_objects(id=self.our_ids()))
        v("6", "anonymous match[id]", objs)
        rep.check(sorted(o.get("id") for o in objs) == sorted(self.sent[l]["id"] for l in clear),
                  "[6] anonymous's match[id]=<all of ours> gives the CLEAR ones")
        self.visible_by_id(an, "6", clear)
        self.hidden_by_id(an, "6", [l for l in self.sent if l not in clear])
        env = coll.object_versions(self.v1["id"])
        rep.check(len(env.get("versions", [])) == 2, "[6] anonymous sees both versions of the CLEAR one")
        # Anonymous POST.
        body = {"objects": [self.fresh_indicator()]}
        resp = requests.post(coll.objects_url, data=json.dumps(body),
                             headers={"Accept": MEDIA, "Content-Type": MEDIA}, timeout=HTTP_TIMEOUT)
        self.check_error(resp, (401,), "[6] anonymous POST objects")
        self.check_www_authenticate(resp, "[6] anonymous POST objects")
        an.check_types(rep, "6")
        v.summary("6")

    def fresh_indicator(self) -> dict:
        t = stix_ts(dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5))
        return {
            "type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created": t, "modified": t, "name": "accord interop refused post",
            "description": "taxii_client.py: must not be stored", "indicator_types": ["malicious-activity"],
            "pattern": "[ipv4-addr:value = '203.0.113.7']", "pattern_type": "stix", "valid_from": t,
            "object_marking_refs": [TLP2["clear"]],
        }

    def check_error(self, resp: requests.Response, codes: tuple[int, ...], what: str):
        """Status in codes, and a TAXII error message body."""
        rep = self.rep
        problems = []
        if resp.status_code not in codes:
            problems.append(f"HTTP {resp.status_code}, want {' or '.join(map(str, codes))}")
        ctype = resp.headers.get("Content-Type")
        if ctype != MEDIA:
            problems.append(f"Content-Type {ctype!r}")
        try:
            body = resp.json()
        except ValueError:
            body = None
            problems.append(f"body is not JSON: {resp.text[:100]!r}")
        if body is not None:
            if not isinstance(body, dict):
                problems.append(f"body is not a JSON object: {str(body)[:100]}")
            else:
                title = body.get("title")
                if not (isinstance(title, str) and title):
                    problems.append(f"no title: {str(body)[:150]}")
                if "http_status" in body and body["http_status"] != str(resp.status_code):
                    problems.append(f"http_status is {body['http_status']!r}, the answer {resp.status_code}")
        if problems:
            rep.fail(what, "; ".join(problems))
        else:
            rep.ok(f"{what}: {resp.status_code} {body.get('title')!r}")

    def check_www_authenticate(self, resp: requests.Response, what: str):
        h = resp.headers.get("WWW-Authenticate", "")
        self.rep.check(h.lower().startswith("basic"), f"{what}: 401 has WWW-Authenticate: Basic", f"{h!r}")

    def step7(self):
        w = self.writer
        coll = w.coll
        auth = HTTPBasicAuth(*w.cred)
        objects_url, api_url = coll.objects_url, w.api_root.url

        def get(url, accept=MEDIA, auth=auth):
            return requests.get(url, headers={"Accept": accept}, auth=auth, timeout=HTTP_TIMEOUT)

        def post(data, ctype=MEDIA, auth=auth):
            return requests.post(objects_url, data=data, headers={"Accept": MEDIA, "Content-Type": ctype},
                                 auth=auth, timeout=HTTP_TIMEOUT)

        envelope = json.dumps({"objects": [self.fresh_indicator()]})
        self.check_error(get(objects_url, "application/json"), (406,), "[7] GET objects with Accept: application/json")
        self.check_error(get(objects_url, "application/taxii+json;version=2.0"), (406,),
                         "[7] GET objects with Accept: application/taxii+json;version=2.0")
        self.check_error(post(envelope, "application/json"), (415,),
                         "[7] POST objects with Content-Type: application/json")
        for what, bad in (("the writer's id with a wrong secret", HTTPBasicAuth(w.id, w.cred[1] + "x")),
                          ("an unknown credential id", HTTPBasicAuth(f"nobody-{uuid.uuid4().hex[:8]}", "secret"))):
            resp = get(f"{self.base}/taxii2/", auth=bad)
            self.check_error(resp, (401,), f"[7] discovery with {what}")
            self.check_www_authenticate(resp, f"[7] discovery with {what}")
            self.check_error(get(objects_url, auth=bad), (401,), f"[7] GET objects with {what}")
        self.check_error(post(b"{ this is not json"), (400, 422), "[7] POST objects with a body that is not JSON")
        self.check_error(post(json.dumps({"objects": "not a list"})), (400, 422),
                         "[7] POST objects with JSON that is not an envelope")
        self.check_error(get(f"{api_url}collections/{uuid.uuid4()}/"), (404,), "[7] GET an unknown collection")

    # ---- driver ------------------------------------------------------------

    def run(self) -> int:
        steps = [("1", "discovery, API root, collections", self.step1, True, False),
                 ("2", "add objects", self.step2, True, False),
                 ("3", "writer reads back", self.step3, False, False),
                 ("4", "reader (a named recipient)", self.step4, False, True),
                 ("5", "outsider (not named)", self.step5, False, True),
                 ("6", "anonymous on the public collection", self.step6, False, True),
                 ("7", "error shapes", self.step7, False, False)]
        for n, what, fn, needed, accord_only in steps:
            if accord_only and self.generic:
                self.rep.skip(f"[{n}] {what}", "--generic-only (Accord's TLP rules)")
                continue
            try:
                fn()
            except Exception as e:  # one step's trouble is a FAIL line, not a traceback
                self.rep.fail(f"[{n}] {what}", f"{type(e).__name__}: {e}")
                if needed:
                    self.rep.fail("[*] remaining steps", f"not run: step {n} is needed by them")
                    break
        r = self.rep
        print(f"summary: {r.oks} ok, {r.fails} FAIL, {r.skips} skip", flush=True)
        return 1 if r.fails else 0


def main() -> int:
    ap = argparse.ArgumentParser(description="TAXII 2.1 interop test of Accord's server (see the module docstring)")
    ap.add_argument("--base", required=True, help="server base URL; discovery is {base}/taxii2/")
    ap.add_argument("--writer", required=True, type=credential, metavar="ID:SECRET")
    ap.add_argument("--reader", required=True, type=credential, metavar="ID:SECRET")
    ap.add_argument("--outsider", required=True, type=credential, metavar="ID:SECRET")
    ap.add_argument("--collection", default="all", help="alias of a public collection the writer may write")
    ap.add_argument("--writer-member", default=None,
                    help="the writer's member id, as in its collection member-<ID> (default: its credential id)")
    ap.add_argument("--reader-member", default=None,
                    help="the reader's member id in x_accord_recipients (default: its credential id)")
    ap.add_argument("--page-size", type=int, default=2, help="per_request for as_pages (default 2)")
    ap.add_argument("--max-pages", type=int, default=1000, help="give up on a listing after this many pages")
    ap.add_argument("--timeout", type=int, default=300, help="whole-run limit in seconds (default 300)")
    ap.add_argument("--generic-only", action="store_true",
                    help="skip what only Accord does (for a generic TAXII 2.1 server, e.g. medallion)")
    a = ap.parse_args()
    if a.page_size < 1 or a.max_pages < 1 or a.timeout < 1:
        ap.error("--page-size, --max-pages and --timeout must be positive")

    def out_of_time(signum, frame):
        raise OutOfTime(f"the run took more than --timeout {a.timeout} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(a.timeout)
    try:
        return Run(a).run()
    except OutOfTime as e:
        print(f"FAIL run: {e}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
