"""`make run` end to end: scripts/run.sh starts a local redis-server and the worker, prints the
dashboard URL and a working enqueue command, and Ctrl-C stops both."""
import os
import re
import signal
import subprocess
import threading

import redis as redis_py

from conftest import free_port, wait_for
from opsutil import http

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_make_run_starts_redis_and_the_worker_and_prints_how_to_use_them(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not (k.startswith("BLUEPRINT_") or k in ("REDIS_URL", "SMTP_URL"))}
    env.update({"BLUEPRINT_VAR_DIR": str(var), "BLUEPRINT_BUILD": "debug", "BLUEPRINT_REDIS_PORT": str(free_port()),
                "BLUEPRINT_HTTP_PORT": str(free_port())})
    proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_for("the dashboard line", lambda: any("dashboard:" in line for line in lines) or proc.poll() is not None,
                 timeout=600)
        output = "".join(lines)
        assert proc.poll() is None, output
        url = re.search(r"dashboard:\s+(http://127\.0\.0\.1:(\d+)/#token=(\w+))", output)
        assert url, output
        print("\n" + output)
        port, token = int(url.group(2)), url.group(3)
        wait_for("readyz", lambda: http(port, "/readyz")[0] == 200, timeout=60)
        status, body = http(port, "/api/queues", token=token)
        assert status == 200 and "email_queue" in body

        # The printed enqueue command works as printed.
        command = re.search(r"^\s+(REDIS_URL=\S+ \S+ enqueue email_queue canary sleep_ms=10)$", output, re.M)
        assert command, output
        redis_port = int(re.search(r"redis://127\.0\.0\.1:(\d+)/0", command.group(1)).group(1))
        enqueued = subprocess.run(command.group(1), shell=True, capture_output=True, text=True, timeout=60)
        assert enqueued.returncode == 0, enqueued.stderr
        r = redis_py.Redis(host="127.0.0.1", port=redis_port, decode_responses=True)
        wait_for("the first job's outcome", lambda: r.xlen("{email_queue}:results") >= 1, timeout=60)
        assert r.xrange("{email_queue}:results")[0][1]["status"] == "succeeded"
        # Email goes to the outbox under var/: one .eml file per message.
        mail = subprocess.run(command.group(1).replace("canary sleep_ms=10", "send_email to=user@example.com subject=Hi text=Hello"),
                              shell=True, capture_output=True, text=True, timeout=60)
        assert mail.returncode == 0, mail.stderr
        wait_for("the mail in the outbox", lambda: any(p.suffix == ".eml" for p in (var / "outbox" / "mail").iterdir()), timeout=60)
        for folder in ("outbox/mail", "outbox/sms", "storage", "redis"):
            assert (var / folder).is_dir(), folder
        assert (var / "admin-token").read_text().strip() == token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
        exit_code = proc.wait(timeout=60)
    assert exit_code in (0, 130), "".join(lines)[-3000:]
    assert not (var / "redis" / "redis.pid").exists(), "the local redis-server is stopped"
