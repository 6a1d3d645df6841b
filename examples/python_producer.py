#!/usr/bin/env python3
"""Enqueue Blueprint Worker jobs from Python, encrypted exactly as DESIGN.md section 1 says.

    job_data = "enc:v1:<kid>:" + base64(nonce12 || ciphertext || tag16)
    AES-256-GCM over the job's JSON bytes, additional authenticated data = the queue name.

Needs `cryptography` (and `redis` to enqueue). Examples:

    BLUEPRINT_ENCRYPTION_KEYS="k1:$(head -c32 /dev/urandom | base64)" \
      python3 examples/python_producer.py --redis-url redis://127.0.0.1:6379/0 \
        --queue email_queue --type send_email --args '{"to":"user@example.com","template":"welcome"}' --user-id 42

    python3 examples/python_producer.py --check-vectors docs/encryption-vectors.json
"""
import argparse
import base64
import json
import os
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"


def parse_key_ring(text):
    """`kid1:base64key,kid2:base64key` -> [(kid, key bytes)], the first encrypting."""
    ring = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        kid, _, encoded = entry.partition(":")
        key = base64.b64decode(encoded, validate=True)
        if not kid or len(key) != 32:
            raise ValueError(f"key ring entry {kid or '?'} must be kid:base64(32 bytes)")
        ring.append((kid, key))
    if not ring:
        raise ValueError("empty key ring")
    return ring


def encrypt(plaintext: bytes, queue: str, kid: str, key: bytes, nonce: bytes = None) -> str:
    """The wire value of `plaintext` for `queue`; a random nonce unless one is given (test vectors only)."""
    nonce = nonce if nonce is not None else os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, queue.encode("utf-8"))  # ciphertext || tag
    return PREFIX + kid + ":" + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(wire: str, queue: str, ring) -> bytes:
    """Opens a wire value (a job or an encrypted result) with the ring; raises ValueError."""
    if not wire.startswith(PREFIX):
        raise ValueError("not an enc:v1 value")
    kid, _, encoded = wire[len(PREFIX):].partition(":")
    keys = dict(ring)
    if kid not in keys:
        raise ValueError(f"unknown key id {kid!r}")
    data = base64.b64decode(encoded, validate=True)
    try:
        return AESGCM(keys[kid]).decrypt(data[:12], data[12:], queue.encode("utf-8"))
    except InvalidTag:
        raise ValueError("authentication failed: tampered, wrong key or another queue") from None


def check_vectors(path) -> int:
    """Checks every vector both ways; returns the number checked (raises on a mismatch)."""
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    for v in vectors:
        key = base64.b64decode(v["key"])
        wire = encrypt(v["plaintext"].encode("utf-8"), v["queue"], v["kid"], key, bytes.fromhex(v["nonce"]))
        if wire != v["wire"]:
            raise AssertionError(f"vector {v['kid']}/{v['queue']}: encrypt gave {wire}")
        if decrypt(v["wire"], v["queue"], [(v["kid"], key)]).decode("utf-8") != v["plaintext"]:
            raise AssertionError(f"vector {v['kid']}/{v['queue']}: decrypt mismatch")
    return len(vectors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--queue", default="email_queue")
    parser.add_argument("--type", help="job type, e.g. send_email")
    parser.add_argument("--args", default="{}", help="job arguments as a JSON object")
    parser.add_argument("--user-id")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--keys", default=os.environ.get("BLUEPRINT_ENCRYPTION_KEYS"),
                        help="key ring (default: $BLUEPRINT_ENCRYPTION_KEYS)")
    parser.add_argument("--check-vectors", metavar="PATH", help="verify docs/encryption-vectors.json and exit")
    options = parser.parse_args()

    if options.check_vectors:
        print(f"{check_vectors(options.check_vectors)} vectors match")
        return 0
    if not options.type or not options.keys:
        parser.error("--type and a key ring (--keys or BLUEPRINT_ENCRYPTION_KEYS) are required")
    import redis  # only needed to enqueue

    kid, key = parse_key_ring(options.keys)[0]
    job = {"type": options.type, **json.loads(options.args)}
    plaintext = json.dumps(job, separators=(",", ":")).encode("utf-8")
    client = redis.Redis.from_url(options.redis_url)
    pipe = client.pipeline(transaction=False)
    for _ in range(options.count):
        fields = {"job_data": encrypt(plaintext, options.queue, kid, key)}  # a fresh nonce per job
        if options.user_id:
            fields["user_id"] = options.user_id
        pipe.xadd(options.queue, fields)
    for entry_id in pipe.execute():
        print(entry_id.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
