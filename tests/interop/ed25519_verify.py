#!/usr/bin/env python3
"""An outside Ed25519 verifier for Accord's differential tests.

Reads JSON lines {"public": hex, "message": base64, "signature": hex} on
stdin and prints one line per input: "valid" or "invalid". The verdict is
Python `cryptography`'s (OpenSSL's Ed25519), which shares no code with
Accord's verifier. Keys that `cryptography` refuses to load count as
"invalid".
"""
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def verdict(item):
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(item["public"]))
        key.verify(bytes.fromhex(item["signature"]), base64.b64decode(item["message"]))
        return "valid"
    except (InvalidSignature, ValueError):
        return "invalid"


def main():
    for line in sys.stdin:
        line = line.strip()
        if line:
            print(verdict(json.loads(line)))


if __name__ == "__main__":
    main()
