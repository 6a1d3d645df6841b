"""Process-level tests: real `blueprint serve` processes against private redis-servers.

scripts/test.sh sets BLUEPRINT_BIN (the built executable) and REDIS_PORT (the shared test Redis).
Tests that kill or restart Redis start their own redis-server on a free port.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import redis as redis_py

BIN = os.environ.get("BLUEPRINT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/blueprint"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(what, condition, timeout=60.0, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for: {what}")


class RedisServer:
    """A private redis-server; `persistent` turns on AOF with fsync always."""

    def __init__(self, persistent=False):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bp-redis-")
        self.persistent = persistent
        self.proc = None
        self.start()

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--logfile", os.path.join(self.dir, "redis.log")]
        if self.persistent:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        self.proc = subprocess.Popen(args)
        wait_for("redis up", self.ping, timeout=10)

    def ping(self):
        try:
            return self.client().ping()
        except redis_py.exceptions.ConnectionError:
            return False

    def client(self):
        return redis_py.Redis(host="127.0.0.1", port=self.port, decode_responses=True)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)

    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def cleanup(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_redis():
    server = RedisServer()
    yield server
    server.cleanup()


@pytest.fixture
def persistent_redis():
    server = RedisServer(persistent=True)
    yield server
    server.cleanup()


# Secrets and personal data that tests plant in settings and jobs; no worker log line may contain one.
PLANTED = []
# Every worker log of the session (scanned at the end by no_planted_secrets_in_any_log).
ALL_LOGS = []


@pytest.fixture(scope="session", autouse=True)
def no_planted_secrets_in_any_log():
    """After all tests: grep every worker log of the session for every planted secret and PII value."""
    yield
    leaks = []
    for path in ALL_LOGS:
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except FileNotFoundError:
            continue
        leaks += [f"{os.path.basename(path)}: {value[:6]}..." for value in PLANTED if value and value in text]
    print(f"\nlog scan: {len(ALL_LOGS)} worker logs, {len(PLANTED)} planted values, {len(leaks)} leaks")
    assert not leaks, f"planted secrets or PII found in logs: {leaks}"


class Worker:
    """One `blueprint serve` process; its JSON log goes to a file."""

    def __init__(self, redis_url, worker_id, queues="email_queue", extra_env=None, log_dir=None):
        self.worker_id = worker_id
        self.log_path = os.path.join(log_dir or tempfile.gettempdir(), f"worker-{worker_id}-{uuid.uuid4().hex[:6]}.log")
        ALL_LOGS.append(self.log_path)
        env = dict(os.environ)
        env.update({
            "REDIS_URL": redis_url, "BLUEPRINT_WORKER_ID": worker_id, "BLUEPRINT_QUEUES": queues,
            "BLUEPRINT_DIAGNOSTICS": "1", "BLUEPRINT_LOG_LEVEL": "warning",
            "BLUEPRINT_BLOCK_MS": "200",
            # Each worker's HTTP server (health, metrics, admin API) on its own free port.
            "BLUEPRINT_HTTP_PORT": str(free_port()),
        })
        env.update(extra_env or {})
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "serve"], env=env, stdout=self.log, stderr=self.log)

    def alive(self):
        return self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def cleanup(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def workers():
    started = []

    def start(*args, **kwargs):
        w = Worker(*args, **kwargs)
        started.append(w)
        return w

    yield start
    for w in started:
        w.cleanup()


def enqueue_canaries(r, queue, n, **args):
    """Enqueues n canary jobs in pipelines; returns their entry IDs."""
    import json
    ids = []
    payload = json.dumps({"type": "canary", **args})
    for start in range(0, n, 1000):
        p = r.pipeline(transaction=False)
        for _ in range(start, min(n, start + 1000)):
            p.xadd(queue, {"job_data": payload})
        ids += p.execute()
    return ids


def outcomes(r, queue):
    """job_id -> list of outcome dicts."""
    by_job = {}
    for _, fields in r.xrange("{%s}:results" % queue):
        by_job.setdefault(fields["job_id"], []).append(fields)
    return by_job
