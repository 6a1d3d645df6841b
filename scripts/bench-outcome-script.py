#!/usr/bin/env python3
"""Redis-side cost per job of the engine's `complete` script (a batch of successes): BASE vs this tree.

Usage: .venv-test/bin/python scripts/bench-outcome-script.py [BASE_REF (01b44b8)] [JOBS (100000)] [REPS (2)]

Starts its own redis-server (free port, no persistence), fills a stream with JOBS canary entries,
reads them into a consumer group, then acknowledges them with the `complete` script in batches of
512 as the engine does, and prints per job: wall time, redis-server CPU (INFO cpu) and memory
added. Variants: `base` (BASE_REF's script), `stats` (this tree's script without the lookup index
`SET`), `tree` (this tree's script: per-minute stats + `{q}:job:<id>` index). Needs redis-py.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = "Sources/JobEngine/Scripts/EngineScripts.swift"
BASE = sys.argv[1] if len(sys.argv) > 1 else "01b44b8"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
REPS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
BATCH = 512


def complete_source(swift):
    body = swift[swift.index("static let complete"):]
    source = body[body.index('source: """') + len('source: """'):body.index('""")')]
    return "\n".join(line[12:] if line.startswith(" " * 12) else line for line in source.splitlines())


base_src = complete_source(subprocess.check_output(["git", "-C", ROOT, "show", f"{BASE}:{PATH}"], text=True))
tree_src = complete_source(open(os.path.join(ROOT, PATH)).read())
stats_src = "\n".join(line for line in tree_src.splitlines() if "redis.call('SET'" not in line)
base_is_old = "statsTTL" not in base_src


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(r, variant):
    q = f"bench_outcome_{variant}"
    for key in list(r.scan_iter("{%s}:*" % q, count=10000)) + [q]:
        r.delete(key)
    p = r.pipeline(transaction=False)
    payload = json.dumps({"type": "canary"})
    for i in range(N):
        p.xadd(q, {"job_data": payload, "enqueued_at": str(int(time.time() * 1000))})
        if i % 5000 == 4999:
            p.execute()
    p.execute()
    r.xgroup_create(q, "g", id="0")
    ids = []
    while True:
        got = r.xreadgroup("g", "c", {q: ">"}, count=10000)
        if not got:
            break
        ids += [entry[0] for entry in got[0][1]]
    sha = r.script_load({"base": base_src, "stats": stats_src, "tree": tree_src}[variant])
    old_layout = variant == "base" and base_is_old
    mem0 = int(r.info("memory")["used_memory"])
    cpu = r.info("cpu")
    cpu0 = cpu["used_cpu_user"] + cpu["used_cpu_sys"]
    now = str(int(time.time() * 1000))
    t0 = time.perf_counter()
    for start in range(0, N, BATCH):
        batch = ids[start:start + BATCH]
        keys = [q, "{%s}:results" % q, "{%s}:idempotency" % q, "{%s}:idempotency:index" % q]
        if old_layout:
            args = ["g", "100000", now]
            for i in batch:
                args += [i, i, "canary", "succeeded", "1", "3", '{"ok":true}', ""]
        else:
            keys += ["{%s}:stats:%d" % (q, int(now) // 60000)] + ["{%s}:job:%s" % (q, i) for i in batch]
            args = ["g", "100000", now, "7200", "86400"]
            for i in batch:
                args += [i, i, "canary", "succeeded", "1", "3", '{"ok":true}', "", "5", "5"]
        assert r.evalsha(sha, len(keys), *keys, *args) == len(batch)
    wall = time.perf_counter() - t0
    cpu = r.info("cpu")
    used = cpu["used_cpu_user"] + cpu["used_cpu_sys"] - cpu0
    mem = int(r.info("memory")["used_memory"]) - mem0
    assert r.xlen(q) == 0
    return wall, used, mem


def main():
    work = tempfile.mkdtemp(prefix="bench-outcome-")
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", work],
                              stdout=subprocess.DEVNULL)
    try:
        r = redis.Redis(port=port, decode_responses=True)
        for _ in range(100):
            try:
                r.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        print(f"complete script, {N} jobs in batches of {BATCH}, base {BASE}; load average {os.getloadavg()[0]:.1f}")
        for _ in range(REPS):
            for variant in ("base", "stats", "tree"):
                wall, used, mem = run(r, variant)
                print(f"  {variant:5}: wall {wall / N * 1e6:6.1f} us/job  redis CPU {used / N * 1e6:5.2f} us/job  "
                      f"memory {mem / N:+5.0f} B/job", flush=True)
    finally:
        server.terminate()
        server.wait()


main()
