#!/usr/bin/env python3
"""Validates STIX 2.1 objects with the OASIS stix2-validator (PyPI, pinned in
scripts/requirements-test.txt), a validator nobody here wrote.

    PY="$(scripts/python-env.sh)"
    "$PY" tests/interop/stix_validate.py [FILE]        # FILE, or stdin if none or "-"

The input is JSON: a TAXII envelope ({"objects": [...], "more": ...}), a list
of objects, or a single object (a bundle is a single object: the validator
checks the objects inside it). Every object is validated as STIX 2.1 with
the options of `validator_options()`:

- strict: every best-practice ("SHOULD") check the validator has counts as
  an error, not a warning;
- every best-practice check, except `extensions-use` (401), which says a
  custom property should be an extension. Accord's own property
  `x_accord_recipients` is a custom property, so 401 would refuse it. In its
  place `custom-prefix` (101) runs: a custom property must be named
  `x_<source>_<name>`. Nothing else is relaxed.

  The checks are listed by name (`enabled`) rather than by leaving 401 out
  with `disabled`: in stix2-validator 3.3.2 `disabled` also drops, silently,
  uuid-check (103), grouping-context, implementation-languages,
  infrastructure-types, malware-capabilities, malware-result,
  processor-architecture, extension-description (305) and
  extension-properties (306).

A repeated key in any JSON object is a failure too (JSON parsers disagree
on which copy wins, so such an object means different things to different
readers).

Prints one line per invalid object, `FAIL <id or #index>: <errors>`, and a
last line `ok N objects valid` when there is none. Exit status: 0 all
valid, 1 any invalid, 2 the input could not be read or is not JSON of one
of the shapes above.

Imported by taxii_client.py for the same options and the same checks.
"""

from __future__ import annotations

import json
import sys

try:
    from stix2validator import ValidationOptions, validate_instance
    from stix2validator.v21 import shoulds as _shoulds
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"stix_validate: missing dependency ({exc}); run it with the venv python "
          "printed by scripts/python-env.sh", file=sys.stderr)
    sys.exit(2)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# The one best-practice check left out, and the one run in its place.
_LEFT_OUT = "extensions-use"
_IN_ITS_PLACE = "custom-prefix"


def _enabled_checks() -> list[str]:
    """The names of every check in the validator's own 'all' list but 401,
    plus custom-prefix. Every function in 'all' has exactly one name."""
    named = {}
    for name, check in _shoulds.CHECKS.items():
        if not isinstance(check, list):
            named.setdefault(check, name)
    names = []
    for check in _shoulds.CHECKS["all"]:
        if check not in named:
            raise RuntimeError(f"stix2-validator check {check.__name__} has no name to enable it by")
        if named[check] != _LEFT_OUT:
            names.append(named[check])
    return names + [_IN_ITS_PLACE]


def validator_options() -> ValidationOptions:
    return ValidationOptions(version="2.1", strict=True, enabled=_enabled_checks())


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKey(f"repeated key {k!r}")
        out[k] = v
    return out


def loads(text: str):
    """json.loads that refuses repeated keys (DuplicateKey)."""
    return json.loads(text, object_pairs_hook=_no_duplicates)


def objects_of(doc) -> list:
    """The objects of an envelope, a list, or a single object."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if "type" in doc or "id" in doc:
            return [doc]
        if set(doc) <= {"objects", "more", "next"}:
            objs = doc.get("objects", [])
            if not isinstance(objs, list):
                raise ValueError("the envelope's 'objects' is not a list")
            return objs
    raise ValueError("not a TAXII envelope, a list of objects or a STIX object")


def label(obj, index: int) -> str:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return obj["id"]
    return f"#{index}"


def errors_of(obj, options: ValidationOptions) -> list[str]:
    """stix2-validator's errors for one object ([] if valid)."""
    if not isinstance(obj, dict):
        return [f"not a JSON object but {type(obj).__name__}"]
    try:
        result = validate_instance(obj, options)
    except Exception as e:  # the validator raises on objects it cannot start on
        return [f"{type(e).__name__}: {e}"]
    if result.is_valid:
        return []
    return [str(e) for e in result.errors] or ["invalid (the validator gave no reason)"]


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0] in ("-h", "--help")):
        print(__doc__, file=sys.stderr)
        return EXIT_USAGE
    from_stdin = not argv or argv[0] == "-"
    path = "<stdin>" if from_stdin else argv[0]
    try:
        if from_stdin:
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
    except OSError as e:
        print(f"stix_validate: cannot read {path}: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        doc = loads(text)
    except DuplicateKey as e:
        print(f"FAIL {path}: {e}")
        return EXIT_INVALID
    except ValueError as e:
        print(f"stix_validate: {path} is not JSON: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        objs = objects_of(doc)
    except ValueError as e:
        print(f"stix_validate: {path}: {e}", file=sys.stderr)
        return EXIT_USAGE

    options = validator_options()
    bad = 0
    for i, obj in enumerate(objs):
        errs = errors_of(obj, options)
        if errs:
            bad += 1
            print(f"FAIL {label(obj, i)}: " + "; ".join(e.replace("\n", " ") for e in errs))
    if bad:
        return EXIT_INVALID
    print(f"ok {len(objs)} objects valid")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
