"""Helpers of the operations tests: a worker with its HTTP server, HTTP calls, the CLI."""
import json
import os
import subprocess
import urllib.error
import urllib.request

from conftest import BIN, Worker, free_port, wait_for

TOKEN = "ops-test-token-0123456789abcdef"


def http(port, path, method="GET", token=None, body=None, timeout=10):
    """(status, body text) of one request to the worker's HTTP server."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, ""


def api(port, path, method="GET", body=None):
    status, text = http(port, path, method=method, token=TOKEN, body=body)
    assert status == 200, (path, status, text)
    return json.loads(text)


def start_worker(workers, redis_url, worker_id, queues="email_queue", extra_env=None, log_dir=None):
    """A `blueprint serve` with its HTTP server on a free port; returns (worker, port) once /healthz answers."""
    port = free_port()
    env = {"BLUEPRINT_HTTP_PORT": str(port), "BLUEPRINT_ADMIN_TOKEN": TOKEN}
    env.update(extra_env or {})
    worker = workers(redis_url, worker_id, queues=queues, extra_env=env, log_dir=log_dir)
    wait_for("worker /healthz", lambda: http(port, "/healthz")[0] == 200 or not worker.alive(), timeout=60)
    assert worker.alive(), open(worker.log_path).read()
    return worker, port


def cli(*args, env=None, timeout=60):
    """Runs `blueprint <args>` with `env` added to a clean environment; returns the CompletedProcess."""
    full = {k: v for k, v in os.environ.items() if not (k.startswith("BLUEPRINT_") or k == "REDIS_URL")}
    full.update(env or {})
    return subprocess.run([BIN, *args], env=full, capture_output=True, text=True, timeout=timeout)
